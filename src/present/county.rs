//! 县区版：从指标表格算出每个县区的数字、排名、与全市的比较和分解任务。
//!
//! 表格里的坏单元格让每个县区版都失败（名次和对比图要用到所有县区的数字），全市版照常；
//! 设置文件本身的问题（找不到表头、目标分解合计不符）让整个数据集失败。

use std::collections::HashMap;

use crate::base::diag::{Problem, Problems};
use crate::load::table::{self, Grid};
use crate::load::{CountyData, SourceFile};
use crate::model::Num;

use super::cn;
use super::view::*;
use crate::base::number::{decimals_of, fixed, format_number};

/// 县区很多时（如乡镇），对比图只列前几名和本县区。
const CHART_ALL_UP_TO: usize = 15;
const CHART_TOP: usize = 10;
/// 对比图最多画几个指标。
const CHART_INDICATORS: usize = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Part {
    Value,
    Growth,
}

/// 表格中的一列：哪个指标的哪一项。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Field {
    indicator: usize,
    part: Part,
}

/// 一列的名次：(县区, 数字, 名次) 从好到差，以及县区 → 名次。
type Ranked = (Vec<(String, Figure, usize)>, HashMap<String, usize>);

/// 规范化好的县区数据，供逐个县区生成视图。
#[derive(Debug)]
pub struct Counties {
    pub scope: String,
    /// 县区一级的统称，如“县（市、区）”。
    pub division: String,
    pub notice: Option<String>,
    pub names: Vec<String>,
    fields: Vec<Field>,
    values: HashMap<(String, Field), Result<Figure, Problem>>,
    /// 每个数字在表格（或更正文件）中的位置：发布前核对的提醒要指到单元格。
    origins: HashMap<(String, Field), crate::base::diag::Origin>,
    /// 表格各列：表头、声明的合计规则及其在 counties.toml 中的位置。
    columns: Vec<(Field, ColumnRule)>,
    notes: HashMap<String, Vec<String>>,
    /// (目标下标, 县区 → 分解数量)
    shares: Vec<(usize, HashMap<String, Figure>)>,
    /// 每一列的名次（从好到差）与各县区的名次：读入时算一次。每个县区版都要全部县区的名次，
    /// 逐版重算时 2000 个县区的批量每份要多花几毫秒，总用时随县区数平方增长。
    ranked: HashMap<Field, Ranked>,
    /// 表格中的全部问题（县区下标, 问题），读入时找一次。
    found: Vec<(usize, Problem)>,
}

/// 检查县区设置并读出表格中的全部数字。
pub fn prepare(data: &CountyData, city: &View) -> Result<Counties, Problems> {
    let mut problems = Problems::default();
    let settings = &data.settings.value;
    let src = &data.settings.source;

    let mut names = Vec::new();
    for (i, c) in settings.counties.iter().enumerate() {
        let name = c.name.get_ref().trim().to_owned();
        if name.is_empty() || names.contains(&name) {
            problems.push(Problem::new(
                src.origin(Some(c.name.span())),
                format!("counties[{i}].name"),
                format!("县区名称 “{name}” 为空或重复"),
            ));
        } else if let Some(hidden) = crate::base::text::hidden_char_message(&name) {
            problems.push(Problem::new(
                src.origin(Some(c.name.span())),
                format!("counties[{i}].name"),
                format!("县区名称 “{name}” {hidden}"),
            ));
        } else if !crate::load::safe_file_stem(&name) {
            // 县区名会用作输出目录名和 counties/<县区名>.toml 的文件名。
            problems.push(Problem::new(
                src.origin(Some(c.name.span())),
                format!("counties[{i}].name"),
                format!("县区名称 “{name}” 不能含 / \\ 等路径符号，也不能以 . 开头"),
            ));
        }
        names.push(name);
    }

    // 与表格列一一对应；写错的字段为 None（问题已记下）。
    let parsed: Vec<Option<Field>> = settings
        .table
        .columns
        .iter()
        .enumerate()
        .map(|(i, col)| {
            parse_field(col.field.get_ref(), city)
                .map_err(|msg| {
                    problems.push(Problem::new(
                        src.origin(Some(col.field.span())),
                        format!("table.columns[{i}].field"),
                        msg,
                    ))
                })
                .ok()
        })
        .collect();
    let fields: Vec<Field> = parsed.iter().flatten().copied().collect();

    let grid = &data.grid;
    let columns = header_columns(grid, settings, &mut problems);
    let mut values = HashMap::new();
    let mut origins = HashMap::new();
    let rules: Vec<(Field, ColumnRule)> = parsed
        .iter()
        .zip(&settings.table.columns)
        .filter_map(|(f, c)| {
            f.map(|f| {
                (
                    f,
                    ColumnRule {
                        header: c.header.clone(),
                        adds_up: c.adds_up.unwrap_or(false),
                        tolerance: c.tolerance,
                        declared: src.origin(Some(c.field.span())),
                    },
                )
            })
        })
        .collect();
    if let Some((header_row, name_col, cols)) = columns {
        let mut seen_rows: HashMap<String, usize> = HashMap::new();
        for (row, cells) in grid.rows.iter().filter(|(r, _)| *r > header_row) {
            let Some(name) = cells.get(name_col).and_then(table::text) else {
                continue;
            };
            if !names.contains(&name) {
                problems.push(Problem::new(
                    grid.origin(*row, name_col),
                    settings.table.name_column.clone(),
                    format!("“{name}” 不在 counties.toml 的县区名单中"),
                ));
                continue;
            }
            if let Some(first) = seen_rows.insert(name.clone(), *row) {
                problems.push(Problem::new(
                    grid.origin(*row, name_col),
                    settings.table.name_column.clone(),
                    format!("“{name}” 重复出现（第{first}行已有）"),
                ));
                continue;
            }
            for ((field, column), &col) in parsed.iter().zip(&settings.table.columns).zip(&cols) {
                let Some(field) = field else { continue };
                let cell = cells.get(col).cloned().unwrap_or(table::Cell::Empty);
                let figure = table::number(&cell)
                    .map(|v| Figure::new(v, &format_number(v)))
                    .map_err(|msg| {
                        Problem::new(grid.origin(*row, col), column.header.clone(), msg)
                    });
                values.insert((name.clone(), *field), figure);
                origins.insert((name.clone(), *field), grid.origin(*row, col));
            }
        }
        for name in &names {
            if !seen_rows.contains_key(name) {
                for field in &fields {
                    let p = Problem::new(
                        grid.origin(header_row, name_col),
                        settings.table.name_column.clone(),
                        format!("表格中没有 “{name}” 这一行"),
                    );
                    values.insert((name.clone(), *field), Err(p));
                }
            }
        }
    }

    // 各县区的说明与更正：更正覆盖表格中的数字（包括坏单元格）。
    let mut notes = HashMap::new();
    for (name, file) in &data.files {
        notes.insert(name.clone(), file.value.notes.clone());
        for (key, num) in &file.value.overrides {
            match parse_field(key, city) {
                Ok(field) if fields.contains(&field) => {
                    // 更正中写了 inf、nan 时，这个县区失败，问题指向更正文件。
                    values.insert(
                        (name.clone(), field),
                        literal(&file.source, num, format!("overrides.{key}")),
                    );
                    origins.insert((name.clone(), field), file.source.origin(Some(num.span())));
                }
                Ok(_) => problems.push(Problem::new(
                    file.source.origin(Some(num.span())),
                    format!("overrides.{key}"),
                    "表格中没有这一列，无法更正",
                )),
                Err(msg) => problems.push(Problem::new(
                    file.source.origin(Some(num.span())),
                    format!("overrides.{key}"),
                    msg,
                )),
            }
        }
    }

    let shares = check_shares(data, city, &names, &mut problems);

    if !problems.is_empty() {
        return Err(problems);
    }
    let mut counties = Counties {
        scope: crate::base::text::one_line(&settings.scope),
        division: settings
            .division
            .as_deref()
            .map_or_else(|| "县（市、区）".to_owned(), crate::base::text::one_line),
        notice: settings.notice.clone(),
        names,
        fields,
        values,
        origins,
        columns: rules,
        notes,
        shares,
        ranked: HashMap::new(),
        found: Vec::new(),
    };
    counties.found = counties.find_problems();
    counties.ranked = counties
        .fields
        .iter()
        .map(|&field| {
            let rows = counties.rank(field, city.indicators[field.indicator].higher_is_better);
            let index = rows.iter().map(|(n, _, r)| (n.clone(), *r)).collect();
            (field, (rows, index))
        })
        .collect();
    Ok(counties)
}

/// 县区表格一列的设置。
#[derive(Debug, Clone)]
pub struct ColumnRule {
    pub header: String,
    /// 各县区之和应等于全市总量。
    pub adds_up: bool,
    pub tolerance: Option<f64>,
    /// 这一列在 counties.toml 中的位置。
    pub declared: crate::base::diag::Origin,
}

/// 县区表格的一列数字，供发布前核对（`release`）。
pub struct ColumnFigures<'a> {
    /// 第几个指标（全市视图的 indicators 中）。
    pub indicator: usize,
    pub growth: bool,
    pub rule: &'a ColumnRule,
    /// (县区, 数字, 位置)：读不出的单元格不在其中（它们已作为错误报告）。
    pub cells: Vec<(&'a str, &'a Figure, &'a crate::base::diag::Origin)>,
}

impl Counties {
    /// 各列的数字及其位置。
    pub fn columns(&self) -> Vec<ColumnFigures<'_>> {
        self.columns
            .iter()
            .map(|(field, rule)| ColumnFigures {
                indicator: field.indicator,
                growth: field.part == Part::Growth,
                rule,
                cells: self
                    .names
                    .iter()
                    .filter_map(|n| {
                        let key = (n.clone(), *field);
                        match (self.values.get(&key), self.origins.get(&key)) {
                            (Some(Ok(f)), Some(o)) => Some((n.as_str(), f, o)),
                            _ => None,
                        }
                    })
                    .collect(),
            })
            .collect()
    }
}

/// “gdp.growth” → 第几个指标的增速。
fn parse_field(s: &str, city: &View) -> Result<Field, String> {
    let (id, part) = s
        .split_once('.')
        .ok_or_else(|| format!("“{s}” 应写成 指标id.value 或 指标id.growth"))?;
    let part = match part {
        "value" => Part::Value,
        "growth" => Part::Growth,
        _ => {
            return Err(format!(
                "“{s}” 中的 “{part}” 应为 value（总量）或 growth（增速）"
            ));
        }
    };
    let indicator = city
        .indicators
        .iter()
        .position(|i| i.id == id)
        .ok_or_else(|| {
            let known: Vec<&str> = city.indicators.iter().map(|i| i.id.as_str()).collect();
            format!(
                "indicators.toml 中没有 id 为 “{id}” 的指标，可用的有：{}",
                known.join("、")
            )
        })?;
    Ok(Field { indicator, part })
}

/// 找表头行（名称列表头所在的第一行）和各列的位置。
fn header_columns(
    grid: &Grid,
    settings: &crate::model::counties::CountiesFile,
    problems: &mut Problems,
) -> Option<(usize, usize, Vec<usize>)> {
    let table = &settings.table;
    let header = grid.rows.iter().find(|(_, cells)| {
        cells
            .iter()
            .any(|c| table::text(c).as_deref() == Some(table.name_column.as_str()))
    });
    let Some((row, cells)) = header else {
        problems.push(Problem::new(
            grid.origin(1, 0),
            "",
            format!("找不到表头：没有一行含有名称列 “{}”", table.name_column),
        ));
        return None;
    };
    let find = |h: &str| {
        cells
            .iter()
            .position(|c| table::text(c).as_deref() == Some(h))
    };
    let name_col = find(&table.name_column)?;
    let mut cols = Vec::new();
    for c in &table.columns {
        match find(&c.header) {
            Some(i) => cols.push(i),
            None => {
                let present: Vec<String> = cells.iter().filter_map(table::text).collect();
                problems.push(Problem::new(
                    grid.origin(*row, 0),
                    "",
                    format!(
                        "第{row}行表头中没有 “{}”；现有表头：{}",
                        c.header,
                        present.join("、")
                    ),
                ));
            }
        }
    }
    (cols.len() == table.columns.len()).then_some((*row, name_col, cols))
}

/// 目标分解：目标和县区都要存在，合计须等于全市数量。
fn check_shares(
    data: &CountyData,
    city: &View,
    names: &[String],
    problems: &mut Problems,
) -> Vec<(usize, HashMap<String, Figure>)> {
    let src = &data.settings.source;
    let mut out = Vec::new();
    for (i, share) in data.settings.value.shares.iter().enumerate() {
        let id = share.target.get_ref();
        let Some(t) = city.targets.iter().position(|t| &t.id == id) else {
            problems.push(Problem::new(
                src.origin(Some(share.target.span())),
                format!("shares[{i}].target"),
                format!("tasks.toml 中没有 id 为 “{id}” 的目标"),
            ));
            continue;
        };
        let target = &city.targets[t];
        let Some(total) = &target.quantity else {
            problems.push(Problem::new(
                src.origin(Some(share.target.span())),
                format!("shares[{i}].target"),
                format!("目标 “{}” 没有数量，无法分解", target.what),
            ));
            continue;
        };
        let mut map = HashMap::new();
        let mut sum = 0.0;
        let mut decimals = decimals_of(&total.text);
        for (county, num) in &share.values {
            if !names.contains(county) {
                problems.push(Problem::new(
                    src.origin(Some(num.span())),
                    format!("shares[{i}].values.{county}"),
                    format!("“{county}” 不在县区名单中"),
                ));
                continue;
            }
            if *num.get_ref() < 0.0 {
                problems.push(Problem::new(
                    src.origin(Some(num.span())),
                    format!("shares[{i}].values.{county}"),
                    "分解数量不能为负数",
                ));
            }
            let f = match literal(src, num, format!("shares[{i}].values.{county}")) {
                Ok(f) => f,
                Err(p) => {
                    problems.push(p);
                    continue;
                }
            };
            decimals = decimals.max(decimals_of(&f.text));
            sum += f.value;
            map.insert(county.clone(), f);
        }
        let sum_text = format!("{sum:.decimals$}");
        let total_text = format!("{:.decimals$}", total.value);
        if sum_text != total_text {
            problems.push(Problem::new(
                src.origin(Some(share.target.span())),
                format!("shares[{i}]"),
                format!(
                    "目标 “{}” 分解到各县区合计 {}{}，与全市目标 {}{} 不符",
                    target.what,
                    format_number(sum_text.parse().unwrap_or(sum)),
                    target.unit.as_deref().unwrap_or(""),
                    total.text,
                    target.unit.as_deref().unwrap_or("")
                ),
            ));
        }
        out.push((t, map));
    }
    out
}

/// 数字的原样写法；inf、nan 不算数字。
fn literal(src: &SourceFile, n: &Num, field: String) -> Result<Figure, Problem> {
    let value = *n.get_ref();
    if !value.is_finite() {
        return Err(Problem::new(
            src.origin(Some(n.span())),
            field,
            "数字不能是 inf 或 nan",
        ));
    }
    Ok(Figure::new(
        value,
        &src.literal(n.span())
            .unwrap_or_else(|| format_number(value)),
    ))
}

impl Counties {
    /// 某个县区的文档视图：全市内容加上本县区一章。表格中任何县区的数字有问题时都不排（见 `shared_problems`）。
    pub fn view(&self, city: &View, name: &str) -> Result<View, Problems> {
        if !self.names.iter().any(|n| n == name) {
            return Err(Problems(vec![Problem::new(
                crate::base::diag::Origin::None,
                "--county",
                format!("没有名为 “{name}” 的县区，可选：{}", self.names.join("、")),
            )]));
        }
        self.shared_problems(name)?;
        let mut figures: HashMap<Field, Figure> = HashMap::new();
        for field in &self.fields {
            if let Ok(f) = &self.values[&(name.to_owned(), *field)] {
                figures.insert(*field, f.clone());
            }
        }

        let mut indicators = Vec::new();
        for (i, ind) in city.indicators.iter().enumerate() {
            let get = |part| {
                let field = Field { indicator: i, part };
                figures
                    .get(&field)
                    .map(|f| self.county_figure(city, name, field, f))
            };
            let (value, growth) = (get(Part::Value), get(Part::Growth));
            if value.is_none() && growth.is_none() {
                continue;
            }
            let growth_text = growth
                .as_ref()
                .map(|g| cn::growth_with_basis(g.figure.value, &g.figure.text, &ind.basis));
            let card = county_card(ind, value.as_ref(), growth.as_ref(), growth_text.as_deref());
            indicators.push(CountyIndicatorView {
                id: ind.id.clone(),
                name: ind.name.clone(),
                period: ind.period.clone(),
                unit: ind.unit.clone(),
                key: ind.key,
                value,
                growth,
                growth_text,
                card,
            });
        }

        let comparisons = self
            .fields
            .iter()
            .filter(|f| f.part == Part::Growth && city.indicators[f.indicator].key)
            .take(CHART_INDICATORS)
            .map(|f| self.comparison(city, name, *f))
            .collect();

        let targets: Vec<CountyTargetView> = self
            .shares
            .iter()
            .filter_map(|(t, map)| {
                let share = map.get(name)?;
                let target = &city.targets[*t];
                let total = target.quantity.clone()?;
                let percent = if total.value > 0.0 {
                    share.value / total.value * 100.0
                } else {
                    0.0
                };
                let percent = format!("{}%", fixed(percent, 1));
                let (share_fig, share_unit) = plain_units(share, target.unit.as_deref());
                Some(CountyTargetView {
                    what: target.what.clone(),
                    unit: target.unit.clone(),
                    city: total,
                    share: share_fig,
                    share_unit,
                    percent_text: format!("占{}{percent}", self.scope),
                    percent,
                    deadline_text: target.deadline_text.clone(),
                })
            })
            .collect();

        let mut view = city.clone();
        view.meta.edition = Some(name.to_owned());
        // 县区版的提示语（如“示例数据”）加在数据集本身的提示语（如“征求意见稿”）之后，两者都保留。
        view.render.notice = match (view.render.notice.take(), &self.notice) {
            (Some(a), Some(b)) => Some(format!("{a}　{b}")),
            (a, b) => a.or_else(|| b.clone()),
        };
        view.outline =
            super::outline::for_edition(&city.all_chapters, Some(name), &city.meta.region);
        let shares_label = super::tasks::year_label(
            &city
                .targets
                .iter()
                .filter(|t| targets.iter().any(|c: &CountyTargetView| c.what == t.what))
                .cloned()
                .collect::<Vec<_>>(),
            "分解任务",
        );
        let count = self.names.len();
        // 一页纸：指标换成本县区的卡片（带名次），目标换成分到本县区的任务。
        view.summary.blocks = super::summary::for_edition(&city.summary.all_blocks, true);
        for block in &mut view.summary.blocks {
            match block {
                SummaryBlockView::Indicators { title, cards, ids } => {
                    let mine: Vec<CardView> = ids
                        .iter()
                        .filter_map(|id| indicators.iter().find(|i| &i.id == id))
                        .map(|i| i.card.clone())
                        .collect();
                    if !mine.is_empty() {
                        *title = format!("{name}{title}（在{count}个{}中的排名）", self.division);
                        *cards = mine;
                    }
                }
                SummaryBlockView::Targets { .. } if !targets.is_empty() => {
                    let common = super::common(targets.iter().map(|t| t.deadline_text.as_str()));
                    *block = super::summary::county_targets_block(
                        format!("{name}{shares_label}"),
                        common.as_deref(),
                        &targets,
                    );
                }
                _ => {}
            }
        }
        view.county = Some(CountyView {
            name: name.to_owned(),
            scope: self.scope.clone(),
            division: self.division.clone(),
            count,
            notes: self.notes.get(name).cloned().unwrap_or_default(),
            indicators,
            comparisons,
            targets,
            titles: CountyTitles {
                indicators: "主要指标".into(),
                comparisons: format!("在{count}个{}中的位置", self.division),
                targets: shares_label,
            },
        });
        Ok(view)
    }

    /// 表格和更正中的全部问题，每处只报一次（缺一行的县区只报一次，而不是每列一次）。
    /// `check` 列出它们；每个县区版排版前都要它为空。
    pub fn problems(&self) -> Vec<(&str, Problem)> {
        self.found
            .iter()
            .map(|(i, p)| (self.names[*i].as_str(), p.clone()))
            .collect()
    }

    fn find_problems(&self) -> Vec<(usize, Problem)> {
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for (i, county) in self.names.iter().enumerate() {
            for field in &self.fields {
                if let Err(p) = &self.values[&(county.clone(), *field)]
                    && seen.insert(p.headline())
                {
                    out.push((i, p.clone()));
                }
            }
        }
        out
    }

    /// 每个县区版都用到表格中的每一列：名次、与全市比较和对比图要拿本县区和所有县区比。
    /// 任何一个县区的一个坏单元格都会让名次错位（如 9 个县区的末位印成“第8位”），
    /// 所以有坏单元格时所有县区版都不排；本县区的问题列在前面，别的县区的说明为什么也不排。
    fn shared_problems(&self, name: &str) -> Result<(), Problems> {
        let (own, others): (Vec<_>, Vec<_>) =
            self.problems().into_iter().partition(|(c, _)| *c == name);
        if own.is_empty() && others.is_empty() {
            return Ok(());
        }
        let mut out = Problems(own.into_iter().map(|(_, p)| p).collect());
        for (county, mut p) in others {
            p.message = format!(
                "{}（这是{county}的数字，但{name}版的名次和对比图要用到所有县区的数字，所以也不排）",
                p.message
            );
            out.push(p);
        }
        Err(out)
    }

    /// 有这一项数字的县区，从好到差：(县区, 数字, 名次)。并列同名次。
    fn ranking(&self, field: Field) -> &[(String, Figure, usize)] {
        self.ranked.get(&field).map_or(&[], |(rows, _)| rows)
    }

    fn rank(&self, field: Field, higher_is_better: bool) -> Vec<(String, Figure, usize)> {
        let mut rows: Vec<(String, Figure)> = self
            .names
            .iter()
            .filter_map(|n| match self.values.get(&(n.clone(), field)) {
                Some(Ok(f)) => Some((n.clone(), f.clone())),
                _ => None,
            })
            .collect();
        rows.sort_by(|a, b| {
            let ord = a.1.value.total_cmp(&b.1.value);
            if higher_is_better { ord.reverse() } else { ord }
        });
        let mut out: Vec<(String, Figure, usize)> = Vec::with_capacity(rows.len());
        for (i, (n, f)) in rows.into_iter().enumerate() {
            let rank = match out.last() {
                Some((_, prev, r)) if prev.value == f.value => *r,
                _ => i + 1,
            };
            out.push((n, f, rank));
        }
        out
    }

    fn county_figure(&self, city: &View, name: &str, field: Field, f: &Figure) -> CountyFigure {
        let ind = &city.indicators[field.indicator];
        let rank = self
            .ranked
            .get(&field)
            .and_then(|(_, index)| index.get(name))
            .copied()
            .unwrap_or(0);
        let city_fig = match field.part {
            Part::Value => ind.value.clone(),
            Part::Growth => ind.growth.clone(),
        };
        let compare_text = city_fig.as_ref().map(|c| match field.part {
            Part::Growth => {
                let d = decimals_of(&f.text).max(decimals_of(&c.text));
                let diff: f64 = format!("{:.d$}", f.value - c.value).parse().unwrap_or(0.0);
                let abs = format!("{:.d$}", diff.abs());
                if diff > 0.0 {
                    format!("高于{}{abs}个百分点", self.scope)
                } else if diff < 0.0 {
                    format!("低于{}{abs}个百分点", self.scope)
                } else {
                    format!("与{}持平", self.scope)
                }
            }
            Part::Value if c.value != 0.0 => {
                format!(
                    "占{}{}%",
                    self.scope,
                    format_number(round1(f.value / c.value * 100.0))
                )
            }
            Part::Value => String::new(),
        });
        CountyFigure {
            figure: f.clone(),
            city: city_fig,
            rank,
            rank_text: format!("居{}第{rank}位", self.scope),
            compare_text: compare_text.filter(|t| !t.is_empty()),
        }
    }

    fn comparison(&self, city: &View, name: &str, field: Field) -> ComparisonView {
        debug_assert!(field.part == Part::Growth);
        let ind = &city.indicators[field.indicator];
        let ranking = self.ranking(field);
        let many = ranking.len() > CHART_ALL_UP_TO;
        // 同一张图里的数字小数位一致：4 与 4.6 并排时写作 4.0 与 4.6。
        let decimals = ranking
            .iter()
            .map(|(_, f, _)| decimals_of(&f.text))
            .chain(ind.growth.iter().map(|g| decimals_of(&g.text)))
            .max()
            .unwrap_or(0);
        let aligned = |f: &Figure| Figure::new(f.value, &super::minus(&fixed(f.value, decimals)));
        let rows = ranking
            .iter()
            .enumerate()
            .filter(|(i, (n, _, _))| !many || *i < CHART_TOP || n == name)
            .map(|(_, (county, figure, rank))| ComparisonRow {
                highlight: county == name,
                county: county.clone(),
                rank: *rank,
                figure: aligned(figure),
            })
            .collect();
        let city_fig = ind.growth.as_ref().map(aligned);
        // 对比图只画增速：各县区总量相差悬殊，放在一张条形图里看不出名堂。
        ComparisonView {
            name: ind.name.clone() + "增速",
            unit: "%".into(),
            legend: city_fig
                .as_ref()
                .map(|c| format!("虚线为{}水平{}%", self.scope, c.text)),
            city: city_fig,
            rows,
        }
    }
}

/// 县区卡片：与全市版同一个卡片组件，多一个名次标记。
fn county_card(
    ind: &IndicatorView,
    value: Option<&CountyFigure>,
    growth: Option<&CountyFigure>,
    growth_text: Option<&str>,
) -> CardView {
    let mut lines = Vec::new();
    let (main, badge) = match (value, growth) {
        (Some(v), _) => {
            lines.extend(growth_text.map(str::to_owned));
            lines.extend(v.compare_text.clone());
            (
                super::indicators::value_card_main(&v.figure, ind.unit.as_deref().unwrap_or("")),
                v.rank_text.clone(),
            )
        }
        (None, Some(g)) => {
            let label = super::indicators::growth_card_label(g.figure.value, false, &ind.basis);
            lines.extend((!label.is_empty()).then_some(label));
            lines.extend(g.compare_text.clone());
            (
                super::indicators::growth_card_main(&g.figure),
                g.rank_text.clone(),
            )
        }
        (None, None) => unreachable!("没有数字的指标不排卡片"),
    };
    let fall =
        super::indicators::main_is_fall(&main, value.map(|v| &v.figure), growth.map(|g| &g.figure));
    CardView {
        name: ind.name.clone(),
        period: ind.period.clone(),
        badge: Some(badge),
        fall,
        long: super::indicators::is_long(&main),
        main,
        lines: lines
            .iter()
            .map(|l| super::highlight::segments(l))
            .collect(),
    }
}

/// 不足一万的“万”量改写成个数：0.12万个 → 1200个（读者一眼看懂，也不会因四舍五入丢失精度）。
fn plain_units(f: &Figure, unit: Option<&str>) -> (Figure, Option<String>) {
    match unit.and_then(|u| u.strip_prefix('万')) {
        Some(rest) if f.value.abs() < 1.0 && !rest.is_empty() => {
            let v = (f.value * 10_000.0 * 1e6).round() / 1e6;
            (Figure::new(v, &format_number(v)), Some(rest.to_owned()))
        }
        _ => (f.clone(), unit.map(str::to_owned)),
    }
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}
