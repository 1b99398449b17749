//! 从类型化模型计算出模板所需的一切：中文日期、增减措辞、编号、数字原样写法。

pub mod cn;
pub mod county;
pub mod highlight;
pub mod view;

use std::collections::HashMap;

use chrono::NaiveDate;
use toml::Spanned;

use crate::diag::{Problem, Problems};
use crate::load::{DataSet, Parsed, Parts, SourceFile};
use crate::model::indicators::IndicatorsFile;
use crate::model::meta::MetaFile;
use crate::model::tasks::TasksFile;
use crate::model::{Date, Num};
use highlight::segments;
use view::*;

/// 纸张规格：a4、a5、16k（185×260 mm）。
pub const PAPERS: &[&str] = &["a4", "a5", "16k"];
pub const DEFAULT_ACCENT: &str = "#b5121b";
/// 一份简报最多的任务要点和量化目标：再多就不是“简报”了，排版时间和页数也会失控。
pub const MAX_TASK_ITEMS: usize = 2000;
pub const MAX_TARGETS: usize = 1000;
/// 一级任务编号为（一）到（九十九）。
pub const MAX_TASKS: usize = 99;

/// 排版选项（来自命令行，优先于数据中的主题）。
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub paper: Option<String>,
}

/// 把数据集规范化为模板视图；所有数据问题一次报告。
pub fn present(data: &DataSet, options: &Options) -> Result<View, Problems> {
    let mut cx = Cx {
        problems: Problems::default(),
    };
    let view = cx.view(data, options);
    if cx.problems.is_empty() {
        Ok(view)
    } else {
        Err(cx.problems)
    }
}

/// 数据集中有文件读不进来时，仍对读进来的文件做全部检查，一次报告所有问题。
pub fn validate_parts(parts: &Parts) -> Problems {
    let mut cx = Cx {
        problems: Problems::default(),
    };
    if let Some(meta) = &parts.meta {
        cx.meta_dates(meta);
    }
    if let Some(indicators) = &parts.indicators {
        cx.indicators(indicators);
    }
    if let Some(tasks) = &parts.tasks {
        cx.tasks(tasks);
    }
    cx.problems
}

struct Cx {
    problems: Problems,
}

impl Cx {
    fn view(&mut self, data: &DataSet, options: &Options) -> View {
        let meta_src = &data.meta.source;
        let m = &data.meta.value.meta;
        let theme = &data.meta.value.theme;
        let (date, meeting_date) = self.meta_dates(&data.meta);

        let paper = options
            .paper
            .clone()
            .or_else(|| theme.paper.clone())
            .unwrap_or_else(|| "a5".into())
            .to_lowercase();
        if !PAPERS.contains(&paper.as_str()) {
            self.problems.push(Problem::new(
                meta_src.origin(None),
                "theme.paper",
                format!("不支持的纸张 “{paper}”，可选：a4、a5、16k"),
            ));
        }
        let f = &theme.fonts;
        let fonts = FontsView {
            song: f
                .song
                .clone()
                .unwrap_or_else(|| vec!["Noto Serif SC".into()]),
            hei: f.hei.clone().unwrap_or_else(|| vec!["Noto Sans SC".into()]),
            kai: f.kai.clone().unwrap_or_else(|| vec!["LXGW WenKai".into()]),
            title: f
                .title
                .clone()
                .unwrap_or_else(|| vec!["Noto Serif SC".into()]),
        };

        let accent = theme
            .accent
            .clone()
            .unwrap_or_else(|| DEFAULT_ACCENT.into());
        let hex = accent.strip_prefix('#').unwrap_or("");
        if !matches!(hex.len(), 3 | 6) || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            self.problems.push(Problem::new(
                meta_src.origin(None),
                "theme.accent",
                format!("颜色 “{accent}” 应写成 #RRGGBB，如 \"#b5121b\""),
            ));
        }
        let o = &data.meta.value.overview;
        let (tasks, targets) = self.tasks(&data.tasks);
        View {
            schema: SCHEMA_VERSION,
            render: Render {
                paper,
                notice: m.notice.clone(),
                accent,
                fonts,
            },
            meta: MetaView {
                title: m.title.clone(),
                subtitle: m.subtitle.clone(),
                region: m.region.clone(),
                meeting: m.meeting.clone(),
                issuer: m.issuer.clone(),
                classification: m.classification.clone(),
                issue: m.issue.clone(),
                date_cn: cn::full_date(date),
                month_cn: cn::month(date),
                date_iso: date.to_string(),
                meeting_date_cn: cn::full_date(meeting_date),
                logo: self.logo(data),
                edition: None,
                meeting_date: cn::arabic_date(meeting_date),
            },
            overview: OverviewView {
                headline: o.headline.clone(),
                paragraphs: o.paragraphs.iter().map(|p| segments(p)).collect(),
                conclusion: o.conclusion.as_deref().map(segments),
            },
            indicators: self.indicators(&data.indicators),
            main_tasks: text_view(&data.sections.value.main_tasks),
            requirements: text_view(&data.sections.value.requirements),
            relations: ListView {
                title: data.sections.value.relations.title.clone(),
                items: data.sections.value.relations.items.clone(),
            },
            tasks,
            targets,
            achievements: AchievementsView {
                title: data.achievements.value.title.clone(),
                groups: data
                    .achievements
                    .value
                    .groups
                    .iter()
                    .map(|g| AchievementGroupView {
                        title: g.title.clone(),
                        facts: g.facts.iter().map(|f| segments(f)).collect(),
                    })
                    .collect(),
            },
            county: None,
        }
    }

    fn indicators(&mut self, file: &Parsed<IndicatorsFile>) -> Vec<IndicatorView> {
        let src = &file.source;
        let mut seen = HashMap::new();
        let mut out = Vec::new();
        for (i, ind) in file.value.indicators.iter().enumerate() {
            let field = format!("indicators[{i}]");
            self.id(src, &ind.id, &format!("{field}.id"), &mut seen);
            let value = ind
                .value
                .as_ref()
                .map(|v| self.figure(src, v, &format!("{field}.value")));
            if value.is_some() && ind.unit.as_deref().is_none_or(str::is_empty) {
                self.problems.push(Problem::new(
                    src.origin(ind.value.as_ref().map(Spanned::span)),
                    format!("{field}.unit"),
                    "填写了总量 value 时必须填写单位 unit（如“亿元”）",
                ));
            }
            if ind.value.is_none() && ind.growth.is_none() {
                self.problems.push(Problem::new(
                    src.origin(Some(ind.id.span())),
                    field.clone(),
                    format!("指标“{}”既没有总量 value 也没有增速 growth", ind.name),
                ));
            }
            let growth = ind
                .growth
                .as_ref()
                .map(|g| self.figure(src, g, &format!("{field}.growth")));
            let growth_text = growth.as_ref().map(|g| {
                cn::growth_phrase(g.value, &g.text) + ind.qualifier.as_deref().unwrap_or("")
            });
            let growth_label = growth
                .as_ref()
                .map(|g| cn::growth_label(g.value).to_owned());
            out.push(IndicatorView {
                id: ind.id.get_ref().clone(),
                name: ind.name.clone(),
                period: ind.period.clone(),
                value,
                unit: ind.unit.clone(),
                growth,
                growth_label,
                growth_text,
                qualifier: ind.qualifier.clone(),
                key: ind.key,
                higher_is_better: ind.higher_is_better,
            });
        }
        out
    }

    fn tasks(&mut self, parsed: &Parsed<TasksFile>) -> (TasksView, Vec<TargetView>) {
        let src = &parsed.source;
        let file = &parsed.value;
        let mut targets = Vec::new();
        let mut seen = HashMap::new();
        let mut tasks = Vec::new();
        if file.tasks.len() > MAX_TASKS {
            self.problems.push(Problem::new(
                src.origin(None),
                "tasks",
                format!(
                    "一级任务过多（{} 条），编号（一）到（九十九）最多 {MAX_TASKS} 条",
                    file.tasks.len()
                ),
            ));
        }
        for (ti, task) in file.tasks.iter().enumerate().take(MAX_TASKS) {
            let number = cn::section_number(ti + 1);
            let mut items = Vec::new();
            for (ii, item) in task.items.iter().enumerate() {
                let mut refs = Vec::new();
                for (gi, t) in item.targets.iter().enumerate() {
                    let field = format!("tasks[{ti}].items[{ii}].targets[{gi}]");
                    self.id(src, &t.id, &format!("{field}.id"), &mut seen);
                    let quantity = t
                        .quantity
                        .as_ref()
                        .map(|q| self.figure(src, q, &format!("{field}.quantity")));
                    if let Some(q) = &t.quantity {
                        if *q.get_ref() < 0.0 {
                            self.problems.push(Problem::new(
                                src.origin(Some(q.span())),
                                format!("{field}.quantity"),
                                format!("数量不能为负数：{}", q.get_ref()),
                            ));
                        }
                        if t.unit.as_deref().is_none_or(str::is_empty) {
                            self.problems.push(Problem::new(
                                src.origin(Some(q.span())),
                                format!("{field}.unit"),
                                "填写了数量 quantity 时必须填写单位 unit（如“所”“万个”）",
                            ));
                        }
                    }
                    let deadline = self.date(src, &t.deadline, &format!("{field}.deadline"));
                    let text = match &quantity {
                        Some(q) => {
                            format!("{}{}{}", t.what, q.text, t.unit.as_deref().unwrap_or(""))
                        }
                        None => t.what.clone(),
                    };
                    refs.push(targets.len());
                    targets.push(TargetView {
                        no: targets.len() + 1,
                        number: format!("（{}）", gi + 1),
                        id: t.id.get_ref().clone(),
                        task_number: number.clone(),
                        what: t.what.clone(),
                        quantity,
                        unit: t.unit.clone(),
                        text,
                        deadline: deadline.to_string(),
                        deadline_text: cn::deadline(deadline),
                        lead: t.lead.clone(),
                    });
                }
                items.push(TaskItemView {
                    number: format!("{}.", ii + 1),
                    text: cn::strip_ordinal(&item.text).to_owned(),
                    original: item.text.clone(),
                    detail: item.detail.as_deref().map(segments),
                    targets: refs,
                });
            }
            tasks.push(TaskView {
                number,
                short_title: task.title.trim_end_matches(['。', '；', '，']).to_owned(),
                brief: task
                    .title
                    .split(['，', '。'])
                    .next()
                    .unwrap_or_default()
                    .to_owned(),
                title: task.title.clone(),
                intro: task.intro.as_deref().map(segments),
                items,
            });
        }
        let items: usize = file.tasks.iter().map(|t| t.items.len()).sum();
        if items > MAX_TASK_ITEMS {
            self.problems.push(Problem::new(
                src.origin(None),
                "tasks",
                format!("任务要点过多（{items} 条），一份简报最多 {MAX_TASK_ITEMS} 条"),
            ));
        }
        if targets.len() > MAX_TARGETS {
            self.problems.push(Problem::new(
                src.origin(None),
                "tasks",
                format!(
                    "量化目标过多（{} 项），一份简报最多 {MAX_TARGETS} 项",
                    targets.len()
                ),
            ));
        }
        // 目标都在同一年完成时，标题写出年份。
        let years: Vec<&str> = targets.iter().map(|t| &t.deadline[..4]).collect();
        let year = match years.first() {
            Some(y) if years.iter().all(|x| x == y) => format!("{y}年"),
            _ => String::new(),
        };
        let view = TasksView {
            title: file.title.clone(),
            targets_title: file.targets_title.clone(),
            common_deadline: common(targets.iter().map(|t| t.deadline_text.as_str())),
            goals_label: format!("{year}目标"),
            shares_label: format!("{year}分解任务"),
            tasks,
        };
        (view, targets)
    }

    /// 封面图片：只能是数据目录之内的图片文件。
    fn logo(&mut self, data: &DataSet) -> Option<String> {
        let logo = data.meta.value.meta.logo.as_ref()?;
        let rel = logo.get_ref();
        let problem = |msg: String| {
            Problem::new(data.meta.source.origin(Some(logo.span())), "meta.logo", msg)
        };
        let path = std::path::Path::new(rel);
        let escapes = path.is_absolute()
            || path.components().any(|c| {
                matches!(
                    c,
                    std::path::Component::ParentDir | std::path::Component::Prefix(_)
                )
            });
        if escapes {
            self.problems.push(problem(format!(
                "图片路径 “{rel}” 越出数据目录：只能写数据目录之内的相对路径，不能用 .. 或绝对路径"
            )));
            return None;
        }
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_lowercase();
        if !["png", "jpg", "jpeg", "gif", "svg", "webp"].contains(&ext.as_str()) {
            self.problems.push(problem(format!(
                "“{rel}” 不是支持的图片格式（png、jpg、gif、svg、webp）"
            )));
            return None;
        }
        match crate::typeset::confine::resolve(&data.dir, rel) {
            Some(real) => {
                // 交给模板的是数据目录内的规范路径（去掉 ./ 之类）。
                let inside = data
                    .dir
                    .canonicalize()
                    .ok()
                    .and_then(|d| real.strip_prefix(d).ok().map(|p| p.to_owned()))?;
                Some(format!(
                    "/data/{}",
                    inside.to_string_lossy().replace('\\', "/")
                ))
            }
            None => {
                self.problems.push(problem(format!(
                    "图片 “{rel}” 不存在，或经符号链接指向数据目录之外"
                )));
                None
            }
        }
    }

    fn meta_dates(&mut self, meta: &Parsed<MetaFile>) -> (NaiveDate, NaiveDate) {
        let m = &meta.value.meta;
        let date = self.date(&meta.source, &m.date, "meta.date");
        let meeting_date = self.date(&meta.source, &m.meeting_date, "meta.meeting_date");
        (date, meeting_date)
    }

    fn figure(&mut self, src: &SourceFile, n: &Num, field: &str) -> Figure {
        let value = *n.get_ref();
        if !value.is_finite() {
            self.problems.push(Problem::new(
                src.origin(Some(n.span())),
                field,
                "数字不能是 inf 或 nan",
            ));
        }
        let text = src
            .literal(n.span())
            .unwrap_or_else(|| format_number(value));
        Figure { value, text }
    }

    fn date(&mut self, src: &SourceFile, d: &Date, field: &str) -> NaiveDate {
        match to_naive(d.get_ref()) {
            Ok(date) => date,
            Err(msg) => {
                self.problems
                    .push(Problem::new(src.origin(Some(d.span())), field, msg));
                NaiveDate::default()
            }
        }
    }

    fn id(
        &mut self,
        src: &SourceFile,
        id: &Spanned<String>,
        field: &str,
        seen: &mut HashMap<String, usize>,
    ) {
        let s = id.get_ref();
        if s.is_empty() || !s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            self.problems.push(Problem::new(
                src.origin(Some(id.span())),
                field,
                format!("标识 “{s}” 只能由英文字母、数字和下划线组成"),
            ));
        }
        if let Some(first) = seen.insert(s.clone(), id.span().start) {
            let (line, _) = crate::diag::line_col(&src.text, first);
            self.problems.push(Problem::new(
                src.origin(Some(id.span())),
                field,
                format!("标识 “{s}” 重复（第{line}行已用过）"),
            ));
        }
    }
}

/// 出现次数超过一半的值。
fn common<'a>(values: impl Iterator<Item = &'a str>) -> Option<String> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    let mut total = 0;
    for v in values {
        *counts.entry(v).or_default() += 1;
        total += 1;
    }
    counts
        .into_iter()
        .find(|(_, n)| n * 2 > total)
        .map(|(v, _)| v.to_owned())
}

fn text_view(s: &crate::model::sections::TextSection) -> TextView {
    TextView {
        title: s.title.clone(),
        lead: s.lead.clone(),
        paragraphs: s.paragraphs.iter().map(|p| segments(p)).collect(),
    }
}

/// TOML 日期转为 chrono 日期；带时刻、缺年月日或不存在的日期都算错。
pub fn to_naive(d: &toml::value::Datetime) -> Result<NaiveDate, String> {
    let (Some(date), None) = (d.date, d.time) else {
        return Err(format!("应为日期（如 2024-12-31），实际为 {d}"));
    };
    NaiveDate::from_ymd_opt(date.year.into(), date.month.into(), date.day.into())
        .ok_or_else(|| format!("日期 {d} 不存在"))
}

/// 没有原样写法时（如来自 Excel 的数字）的最短写法：4 → "4"，11.46 → "11.46"。
pub fn format_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}
