//! 从类型化模型计算出模板所需的一切：中文日期、增减措辞、编号、数字原样写法。
//! 所有数据问题一次报告，每个都指到文件的行列和字段。

pub mod cn;
pub mod county;
pub mod highlight;
mod indicators;
mod meta;
mod outline;
mod progress;
mod relative;
pub mod stats;
pub mod summary;
mod tables;
mod tasks;
pub mod view;

use std::collections::HashMap;

use chrono::NaiveDate;
use toml::Spanned;

use crate::base::diag::{Problem, Problems};
use crate::base::number::{decimals_of, format_number};
use crate::load::{DataSet, Parts, SourceFile};
use crate::model::{Date, Num};
use view::*;

/// 纸张规格：a4、a5、b5（176×250 mm）、16k（16开，185×260 mm）、d16k（大16开，210×285 mm）、32k（32开，130×184 mm）。
pub const PAPERS: &[&str] = &["a4", "a5", "b5", "16k", "d16k", "32k"];
/// 出血的上限（毫米）：印刷厂常用 3 毫米，超过 10 毫米多半是单位写错了。
pub const MAX_BLEED_MM: f64 = 10.0;
pub const DEFAULT_ACCENT: &str = "#b5121b";
/// 一份简报最多的任务要点和量化目标：再多就不是“简报”了，排版时间和页数也会失控。
pub const MAX_TASK_ITEMS: usize = 2000;
pub const MAX_TARGETS: usize = 1000;
/// 一级任务编号最多到（九十九）。
pub const MAX_TASKS: usize = 99;
/// 数字最多的小数位：统计数字没有更多位的，多了多半是计算残留（如 788.3600000000001）。
pub const MAX_DECIMALS: usize = 6;
/// 数字的上限：一千万亿。再大的数不是简报里的统计数字，多半是输错了。
pub const MAX_ABS: f64 = 1e15;

/// 排版选项（来自命令行，优先于数据中的主题）。
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub paper: Option<String>,
    /// 出血（毫米）：页面每边放大这么多，贴边的底色延伸进去。
    pub bleed_mm: f64,
    /// 加裁切线（页面外再留出放裁切线的边）。
    pub crop_marks: bool,
    /// 单色版：强调色换成黑和灰，供复印机、速印机使用。
    pub mono: bool,
    /// 斜印在每页上的稿次字样，如“征求意见稿”“草稿”。
    pub draft: Option<String>,
    /// 导出 PDF/A 存档版：黑与灰改用灰度（PDF/A 里 CMYK 要嵌色彩描述文件）。
    pub archive: bool,
    /// 装订方式（`--binding`）；不给时按文种和纸张选。
    pub binding: Option<Binding>,
    /// 上期数据集（`--previous`），优先于 meta.toml 的 previous。
    pub previous: Option<std::path::PathBuf>,
}

/// 装订方式：决定手册补多少空白页、有没有封底。
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, schemars::JsonSchema, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Binding {
    /// 骑马订：页数补足 4 的倍数，补白最多 3 页，放在封底之前；封二可空
    Saddle,
    /// 平订（侧订）：页数补足双数，封底之前最多 1 页补白
    Side,
    /// 单页：不装订，不补白，没有封底
    Sheet,
}

impl Binding {
    /// 默认的装订：小开本（A5、32开）骑马订；大开本的简报、统计分析平订，其余骑马订。
    pub fn default_for(kind: crate::model::meta::DocKind, paper: &str) -> Self {
        use crate::model::meta::DocKind;
        if matches!(paper, "a5" | "32k") {
            Binding::Saddle
        } else if matches!(kind, DocKind::Briefing | DocKind::Statistics) {
            Binding::Side
        } else {
            Binding::Saddle
        }
    }
}

/// 加裁切线时，出血之外再留出的边（毫米），裁切线画在这里。
pub const SLUG_MM: f64 = 10.0;

/// 把数据集规范化为模板视图；所有数据问题一次报告。
pub fn present(
    data: &DataSet,
    options: &Options,
    previous: Option<&DataSet>,
) -> Result<View, Problems> {
    let mut cx = Cx::default();
    let (meta, render, kind) = cx.meta(data, options);
    let goals_default = kind == crate::model::meta::DocKind::WorkReport;
    let growths = previous.map(|p| cx.previous_growths(p)).unwrap_or_default();
    let catalogue = cx.indicators(data.indicators.as_ref(), goals_default, &growths);
    let previous_items = previous.map(progress::PreviousItems::of);
    let mut built = cx.outline(data, &catalogue, previous_items.as_ref());
    cx.unused(data, &catalogue, &built);
    let summary = cx.summary(data, &meta, &catalogue, &built);
    let all_chapters = std::mem::take(&mut built.chapters);
    if !cx.problems.is_empty() {
        return Err(cx.problems);
    }
    let mut view = View {
        schema_version: SCHEMA_VERSION,
        render,
        meta,
        indicators: catalogue.items,
        targets: built.targets,
        outline: Vec::new(),
        summary,
        county: None,
        all_chapters,
    };
    view.outline = outline::for_edition(&view.all_chapters, None, &view.meta.region);
    Ok(view)
}

/// 数据集中有文件读不进来时，仍对读进来的文件做能做的检查，一次报告所有问题。
pub fn validate_parts(parts: &Parts) -> Problems {
    let mut cx = Cx::default();
    if let Some(meta) = &parts.meta {
        cx.meta_dates(meta);
    }
    cx.indicators(parts.indicators.as_ref(), false, &HashMap::new());
    for (rel, tasks) in &parts.tasks {
        cx.tasks_file(
            rel,
            tasks,
            2,
            &mut outline::Numberer::default(),
            &mut Vec::new(),
            &mut HashMap::new(),
        );
    }
    cx.problems
}

#[derive(Default)]
struct Cx {
    problems: Problems,
}

impl Cx {
    fn push(
        &mut self,
        src: &SourceFile,
        span: Option<std::ops::Range<usize>>,
        field: impl Into<String>,
        msg: impl Into<String>,
    ) {
        self.problems
            .push(Problem::new(src.origin(span), field, msg));
    }

    /// 数据中的一个数字：原样写法照印；inf、nan、科学计数法、过大、小数位过多的一律拒绝，
    /// 免得印出 1e21 或一长串小数挤进旁边的卡片。
    fn figure(&mut self, src: &SourceFile, n: &Num, field: &str) -> Figure {
        let value = *n.get_ref();
        let text = src
            .literal(n.span())
            .unwrap_or_else(|| format_number(value));
        if let Err(msg) = plausible(value, &text) {
            self.push(src, Some(n.span()), field, msg);
        }
        Figure::new(value, &text)
    }

    fn date(&mut self, src: &SourceFile, d: &Date, field: &str) -> NaiveDate {
        match to_naive(d.get_ref()) {
            Ok(date) => date,
            Err(msg) => {
                self.push(src, Some(d.span()), field, msg);
                NaiveDate::default()
            }
        }
    }

    fn id(
        &mut self,
        src: &SourceFile,
        id: &Spanned<String>,
        field: &str,
        seen: &mut HashMap<String, (std::path::PathBuf, usize)>,
    ) {
        let s = id.get_ref();
        if s.is_empty() || !s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            self.push(
                src,
                Some(id.span()),
                field,
                format!("标识 “{s}” 只能由英文字母、数字和下划线组成"),
            );
        }
        if let Some((file, first)) = seen.insert(s.clone(), (src.path.clone(), id.span().start)) {
            let place = if file == src.path {
                let (line, _) = crate::base::diag::line_col(&src.text, first);
                format!("第{line}行")
            } else {
                file.file_name()
                    .map_or(String::new(), |n| n.to_string_lossy().into_owned())
            };
            self.push(
                src,
                Some(id.span()),
                field,
                format!("标识 “{s}” 重复（{place}已用过）"),
            );
        }
    }
}

impl Cx {
    /// 列表中的每一项只能出现一次：同一个指标点名三次会排出三张一样的卡片。两处都指出来。
    fn distinct(&mut self, src: &SourceFile, list: &[Spanned<String>], field: &str) {
        let mut first: HashMap<&str, (usize, std::ops::Range<usize>)> = HashMap::new();
        for (i, item) in list.iter().enumerate() {
            let s = item.get_ref().as_str();
            match first.get(s) {
                Some((j, at)) => {
                    let (line, col) = crate::base::diag::line_col(&src.text, at.start);
                    self.push(
                        src,
                        Some(item.span()),
                        format!("{field}[{i}]"),
                        format!(
                            "“{s}” 重复：{field}[{j}]（第{line}行第{col}列）已经列过，请删去一个"
                        ),
                    );
                }
                None => {
                    first.insert(s, (i, item.span()));
                }
            }
        }
    }

    /// 写出来的空列表一律报错（不排空的小标题、空块）：要么写上内容，要么删去这一项。
    fn empty_list(&mut self, src: &SourceFile, at: std::ops::Range<usize>, field: &str) {
        self.push(
            src,
            Some(at),
            field,
            "是空列表：请写上内容，或删去这一项（空列表一律报错，不会排出没有内容的块或小标题）",
        );
    }
}

/// 数字是否像一个能印出来的统计数字；不像时给出说明。
pub fn plausible(value: f64, literal: &str) -> Result<(), String> {
    if !value.is_finite() {
        return Err("数字不能是 inf 或 nan".into());
    }
    if literal.contains(['e', 'E']) {
        return Err(format!(
            "“{literal}” 是科学计数法，请写成普通数字（如 {}）",
            if value.abs() < MAX_ABS {
                format_number(value)
            } else {
                "12345.6".into()
            }
        ));
    }
    if value.abs() >= MAX_ABS {
        return Err(format!(
            "数字 {literal} 过大（不能达到一千万亿），请检查是否多写了位数或用错了单位"
        ));
    }
    let decimals = decimals_of(literal);
    if decimals > MAX_DECIMALS {
        return Err(format!(
            "数字 {literal} 有 {decimals} 位小数，最多 {MAX_DECIMALS} 位；请按公布的位数填写"
        ));
    }
    Ok(())
}

/// 出现次数超过一半的值。
fn common<'a>(values: impl Iterator<Item = &'a str>) -> Option<String> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    let mut total = 0;
    for v in values {
        *counts.entry(v).or_default() += 1;
        total += 1;
    }
    let mut found: Vec<(&str, usize)> = counts.into_iter().filter(|(_, n)| n * 2 > total).collect();
    found.sort();
    found.first().map(|(v, _)| (*v).to_owned())
}

/// TOML 日期转为 chrono 日期；带时刻、缺年月日或不存在的日期都算错。
pub fn to_naive(d: &toml::value::Datetime) -> Result<NaiveDate, String> {
    let (Some(date), None) = (d.date, d.time) else {
        return Err(format!("应为日期（如 2024-12-31），实际为 {d}"));
    };
    NaiveDate::from_ymd_opt(date.year.into(), date.month.into(), date.day.into())
        .ok_or_else(|| format!("日期 {d} 不存在"))
}

/// 负数印成减号“−”（U+2212），而不是短短的连字符。
pub fn minus(text: &str) -> String {
    let text = crate::base::number::unsigned_zero(text);
    match text.strip_prefix('-') {
        Some(rest) => format!("−{rest}"),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn implausible_numbers_are_refused() {
        assert!(plausible(1e21, "1e21").unwrap_err().contains("科学计数法"));
        assert!(
            plausible(1e16, "10000000000000000")
                .unwrap_err()
                .contains("过大")
        );
        assert!(
            plausible(190.123456789012, "190.123456789012")
                .unwrap_err()
                .contains("12 位小数")
        );
        assert!(plausible(14.0, "14.0").is_ok());
        assert!(plausible(-42.1, "-42.1").is_ok());
    }
}
