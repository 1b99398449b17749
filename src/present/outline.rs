//! 大纲：数据声明的各章和内容块，按位置编号（章 一、，块的小标题（一），其下 1.、（1）、①）。
//! 每种块只认自己的字段；写了别的字段会报错，不会被悄悄忽略。

use std::collections::HashMap;
use std::path::PathBuf;

use super::highlight::segments;
use super::indicators::Catalogue;
use super::tables::{MISSING_NOTE, align_missing, columns};
use super::tasks::year_label;
use super::view::*;
use super::{Cx, cn};
use crate::base::text::{one_line, paragraphs};
use crate::load::{DataSet, TASKS};
use crate::model::outline::{Block, BlockType};

/// 卡片版式最多的指标数；更多时（不指定 form）用表格。
const MAX_CARDS: usize = 8;

/// 按层级连续编号：某级取号时，更深的层级从头数起。
#[derive(Debug, Default)]
pub struct Numberer {
    counts: [usize; 8],
}

impl Numberer {
    pub fn next(&mut self, level: usize) -> String {
        let level = level.min(7);
        self.counts[level] += 1;
        for c in &mut self.counts[level + 1..] {
            *c = 0;
        }
        cn::level_number(level, self.counts[level])
    }

    /// 接下来几个号（不取用）：县区内容的小节编号在排县区版时才用。
    fn peek(&self, level: usize, n: usize) -> Vec<String> {
        (1..=n)
            .map(|i| cn::level_number(level, self.counts[level.min(7)] + i))
            .collect()
    }
}

/// 一章里只有一个（一）时不编号：有“一”才有“二”，只有一项的层级不编号（排版规范）。
fn drop_single_number(blocks: &mut [BlockView]) {
    let clear = |h: &mut Option<Heading>| {
        if let Some(h) = h.as_mut().filter(|h| h.level == 2) {
            h.number.clear();
        }
    };
    for b in blocks {
        match b {
            BlockView::Prose(v) => clear(&mut v.heading),
            BlockView::Points(v) => {
                clear(&mut v.heading);
                if v.heading.is_none() {
                    v.items.iter_mut().for_each(|i| i.number.clear());
                }
            }
            BlockView::Facts(v) => {
                clear(&mut v.heading);
                v.groups.iter_mut().for_each(|g| clear(&mut g.heading));
            }
            BlockView::Indicators(v) => clear(&mut v.heading),
            BlockView::Tasks(v) => {
                clear(&mut v.heading);
                for t in &mut v.tasks {
                    if t.heading.level == 2 {
                        t.heading.number.clear();
                    }
                }
            }
            BlockView::Targets(v) => clear(&mut v.heading),
            BlockView::Trend(v) => clear(&mut v.heading),
            BlockView::Table(v) => clear(&mut v.heading),
            BlockView::Progress(v) => clear(&mut v.heading),
            BlockView::County(_) => {}
        }
    }
}

/// 指标块的注：数据写的注、对全部指标都适用的说明（只印一次）、程序算出的数字的算法。
fn indicators_note(
    block: Option<&str>,
    file: Option<&str>,
    items: &[IndicatorView],
) -> Option<String> {
    let mut parts: Vec<String> = block.into_iter().chain(file).map(one_line).collect();
    if items.iter().any(|i| i.share_computed) {
        parts.push(super::stats::SHARE_ROUNDING.to_owned());
    }
    if items.iter().any(|i| i.computed_comparison) {
        parts.push("与上期比较的百分点由本期与上期数据相减算得".to_owned());
    }
    let parts: Vec<&str> = parts
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect();
    // 几句连成一条注：前面几句末尾的句号换成分号，最后一句照原样。
    let n = parts.len();
    (n > 0).then(|| {
        parts
            .iter()
            .enumerate()
            .map(|(k, p)| {
                if k + 1 < n {
                    p.trim_end_matches('。').to_owned() + "；"
                } else {
                    (*p).to_owned()
                }
            })
            .collect::<String>()
    })
}

/// 有小标题的块里，下一层只有一项时不编号（小标题“（一）”下只有一条“1.”）。
fn drop_single_children(blocks: &mut [BlockView]) {
    for b in blocks {
        match b {
            BlockView::Points(v) if v.heading.is_some() && v.items.len() == 1 => {
                v.items[0].number.clear();
            }
            BlockView::Facts(v) if v.heading.is_some() => {
                let mut titled: Vec<_> = v
                    .groups
                    .iter_mut()
                    .filter_map(|g| g.heading.as_mut())
                    .collect();
                if let [only] = titled.as_mut_slice() {
                    only.number.clear();
                }
            }
            BlockView::Tasks(v) if v.heading.is_some() && v.tasks.len() == 1 => {
                v.tasks[0].heading.number.clear();
            }
            _ => {}
        }
    }
}

/// 大纲的规范化结果。
#[derive(Default)]
pub(super) struct Built {
    pub chapters: Vec<ChapterView>,
    pub targets: Vec<TargetView>,
    /// 块 id → (章下标, 块下标)
    pub ids: HashMap<String, (usize, usize)>,
    /// 大纲中用到的指标 id（不点名的 indicators 块用到全部）。
    pub used_indicators: Vec<String>,
    pub all_indicators_used: bool,
    pub used_task_files: Vec<String>,
}

/// 每种块可用的字段（type、id、title 之外）。
fn allowed(kind: BlockType) -> &'static [&'static str] {
    match kind {
        BlockType::Prose => &["lead", "headline", "paragraphs"],
        BlockType::Points => &["items"],
        BlockType::Facts => &["facts", "groups"],
        BlockType::Indicators => &["indicators", "form", "chart", "note"],
        BlockType::Tasks => &["file"],
        BlockType::Targets => &[],
        BlockType::Trend => &["series", "unit", "style", "note"],
        BlockType::Table => &[
            "columns",
            "rows",
            "file",
            "sheet",
            "note",
            "indent",
            "emphasis",
            "status_column",
        ],
        BlockType::County => &[],
        BlockType::Progress => &["file", "group", "note"],
    }
}

/// 指标块的版式、趋势图的样式：接受的值和中文说明。报错时列出的可选值就从这里来，不另抄一份。
const FORMS: &[(&str, &str)] = &[("cards", "卡片"), ("table", "表格")];
const STYLES: &[(&str, &str)] = &[("line", "折线"), ("bar", "柱形")];

/// “cards（卡片）、table（表格）”
fn listed(choices: &[(&str, &str)]) -> String {
    choices
        .iter()
        .map(|(v, zh)| format!("{v}（{zh}）"))
        .collect::<Vec<_>>()
        .join("、")
}

/// 块中写成空列表的字段（含分组里的空列表），如 `groups[1].facts`。
fn empty_lists(b: &Block) -> Vec<String> {
    let mut out = Vec::new();
    let mut add = |name: &str, empty: bool| {
        if empty {
            out.push(name.to_owned());
        }
    };
    add(
        "paragraphs",
        b.paragraphs.as_ref().is_some_and(Vec::is_empty),
    );
    add("items", b.items.as_ref().is_some_and(Vec::is_empty));
    add("facts", b.facts.as_ref().is_some_and(Vec::is_empty));
    add("groups", b.groups.as_ref().is_some_and(Vec::is_empty));
    add(
        "indicators",
        b.indicators.as_ref().is_some_and(Vec::is_empty),
    );
    add("series", b.series.as_ref().is_some_and(Vec::is_empty));
    add("columns", b.columns.as_ref().is_some_and(Vec::is_empty));
    add("rows", b.rows.as_ref().is_some_and(Vec::is_empty));
    for (g, group) in b.groups.iter().flatten().enumerate() {
        add(&format!("groups[{g}].facts"), group.facts.is_empty());
    }
    out
}

/// 块中写了的字段。
fn given(b: &Block) -> Vec<&'static str> {
    let mut out = Vec::new();
    let mut add = |name, present: bool| {
        if present {
            out.push(name);
        }
    };
    add("lead", b.lead.is_some());
    add("headline", b.headline.is_some());
    add("paragraphs", b.paragraphs.is_some());
    add("items", b.items.is_some());
    add("facts", b.facts.is_some());
    add("groups", b.groups.is_some());
    add("indicators", b.indicators.is_some());
    add("form", b.form.is_some());
    add("chart", b.chart.is_some());
    add("file", b.file.is_some());
    add("sheet", b.sheet.is_some());
    add("series", b.series.is_some());
    add("unit", b.unit.is_some());
    add("style", b.style.is_some());
    add("columns", b.columns.is_some());
    add("rows", b.rows.is_some());
    add("note", b.note.is_some());
    add("group", b.group.is_some());
    add("indent", b.indent.is_some());
    add("emphasis", b.emphasis.is_some());
    add("status_column", b.status_column.is_some());
    out
}

impl Cx {
    pub(super) fn outline(
        &mut self,
        data: &DataSet,
        catalogue: &Catalogue,
        previous: Option<&super::progress::PreviousItems>,
    ) -> Built {
        let src = &data.outline.source;
        let mut built = Built::default();
        let mut seen_targets: HashMap<String, (PathBuf, usize)> = HashMap::new();
        let mut seen_blocks: HashMap<String, (PathBuf, usize)> = HashMap::new();
        if data.outline.value.chapters.is_empty() {
            self.push(
                src,
                None,
                "chapters",
                "大纲中没有章：请至少写一个 [[chapters]]",
            );
        }
        let has_county_block = data.outline.value.chapters.iter().any(|c| {
            c.blocks
                .iter()
                .any(|b| *b.kind.get_ref() == BlockType::County)
        });
        if data.counties.is_some() && !has_county_block {
            self.push(src, None, "chapters", "有 counties.toml（县区版），但大纲中没有 type = \"county\" 的块，县区内容无处可排；请在某一章中加上它");
        }

        for (ci, chapter) in data.outline.value.chapters.iter().enumerate() {
            let cfield = format!("chapters[{ci}]");
            let numbered = chapter.numbered.unwrap_or(true);
            let title = chapter.title.as_deref().map(one_line).unwrap_or_default();
            if title.trim().is_empty() && numbered {
                self.push(
                    src,
                    None,
                    format!("{cfield}.title"),
                    "章标题不能为空（只有不编号的导语章 numbered = false 可以不写标题）",
                );
            }
            if chapter.blocks.is_empty() {
                self.push(
                    src,
                    None,
                    format!("{cfield}.blocks"),
                    format!("第{}章“{title}”没有内容块", ci + 1),
                );
            }
            let mut numbers = Numberer::default();
            let mut blocks = Vec::new();
            for (bi, block) in chapter.blocks.iter().enumerate() {
                let field = format!("{cfield}.blocks[{bi}]");
                let kind = *block.kind.get_ref();
                let at = block.kind.span();
                for name in given(block) {
                    if !allowed(kind).contains(&name) {
                        let ok = allowed(kind);
                        self.push(
                            src,
                            Some(at.clone()),
                            format!("{field}.{name}"),
                            format!(
                                "type = \"{}\" 的块没有 {name} 字段{}",
                                kind.name(),
                                if ok.is_empty() {
                                    "（这种块只有 id、title）".to_owned()
                                } else {
                                    format!("（可用：id、title、{}）", ok.join("、"))
                                }
                            ),
                        );
                    }
                }
                let empties = empty_lists(block);
                for name in &empties {
                    self.empty_list(src, at.clone(), &format!("{field}.{name}"));
                }
                // 空列表已经报过：不再用这种块自己的说法重复报同一件事。
                let unreported = empties.is_empty();
                let id = block.id.as_ref().map(|id| {
                    self.id(src, id, &format!("{field}.id"), &mut seen_blocks);
                    built.ids.insert(id.get_ref().clone(), (ci, bi));
                    id.get_ref().clone()
                });
                let heading = block.title.as_ref().map(|t| Heading {
                    level: 2,
                    number: numbers.next(2),
                    title: one_line(t),
                });
                // 有小标题的块，内容低一级；没有的，内容接着本章的编号。
                let level = if heading.is_some() { 3 } else { 2 };
                let view = match kind {
                    BlockType::Prose => {
                        let paras: Vec<_> = block
                            .paragraphs
                            .iter()
                            .flatten()
                            .flat_map(|p| paragraphs(p))
                            .filter(|p| !p.trim().is_empty())
                            .map(|p| segments(&p))
                            .collect();
                        if unreported
                            && paras.is_empty()
                            && block.lead.is_none()
                            && block.headline.is_none()
                        {
                            self.push(
                                src,
                                Some(at.clone()),
                                &field,
                                "prose 块没有内容：请写 paragraphs（也可有 lead、headline）",
                            );
                        }
                        BlockView::Prose(ProseView {
                            id,
                            heading,
                            lead: block.lead.as_deref().map(one_line),
                            headline: block.headline.as_deref().map(one_line),
                            paragraphs: paras,
                        })
                    }
                    BlockType::Points => {
                        let items = block.items.as_deref().unwrap_or_default();
                        if unreported && items.is_empty() {
                            self.push(
                                src,
                                Some(at.clone()),
                                format!("{field}.items"),
                                "points 块没有要点：请写 items",
                            );
                        }
                        BlockView::Points(PointsView {
                            id,
                            heading,
                            items: items
                                .iter()
                                .map(|i| {
                                    let original = one_line(i);
                                    NumberedText {
                                        number: numbers.next(level),
                                        text: cn::strip_ordinal(&original).to_owned(),
                                        original,
                                    }
                                })
                                .collect(),
                        })
                    }
                    BlockType::Facts => {
                        let mut groups = Vec::new();
                        if let Some(facts) = &block.facts {
                            groups.push(FactGroupView {
                                heading: None,
                                facts: facts.iter().map(|f| segments(&one_line(f))).collect(),
                            });
                        }
                        for g in block.groups.iter().flatten() {
                            groups.push(FactGroupView {
                                heading: g.title.as_ref().map(|t| Heading {
                                    level,
                                    number: numbers.next(level),
                                    title: one_line(t),
                                }),
                                facts: g.facts.iter().map(|f| segments(&one_line(f))).collect(),
                            });
                        }
                        if unreported && groups.iter().all(|g| g.facts.is_empty()) {
                            self.push(
                                src,
                                Some(at.clone()),
                                &field,
                                "facts 块没有事实：请写 facts 或 groups",
                            );
                        }
                        BlockView::Facts(FactsView {
                            id,
                            heading,
                            groups,
                        })
                    }
                    BlockType::Indicators => {
                        let items: Vec<IndicatorView> = match &block.indicators {
                            Some(ids) => {
                                let named =
                                    self.named(src, ids, &format!("{field}.indicators"), catalogue);
                                built
                                    .used_indicators
                                    .extend(named.iter().map(|i| i.id.clone()));
                                named.into_iter().cloned().collect()
                            }
                            None => {
                                built.all_indicators_used = true;
                                if !catalogue.present {
                                    self.push(src, Some(at.clone()), &field, "indicators 块要排 indicators.toml 中的指标，但数据目录中没有这个文件");
                                }
                                catalogue.items.clone()
                            }
                        };
                        if unreported && items.is_empty() && catalogue.present {
                            self.push(src, Some(at.clone()), &field, "indicators 块没有指标可排");
                        }
                        let form = match block.form.as_deref() {
                            None if items.len() > MAX_CARDS => "table",
                            None => "cards",
                            Some(f) if FORMS.iter().any(|(v, _)| *v == f) => f,
                            Some(other) => {
                                self.push(
                                    src,
                                    Some(at.clone()),
                                    format!("{field}.form"),
                                    format!("版式 “{other}” 不认得，可选：{}", listed(FORMS)),
                                );
                                "cards"
                            }
                        };
                        let with_growth = items.iter().filter(|i| i.growth.is_some()).count();
                        let chart = block.chart.unwrap_or(with_growth >= 2);
                        if block.chart == Some(true) && with_growth == 0 {
                            self.push(
                                src,
                                Some(at.clone()),
                                format!("{field}.chart"),
                                "要画增速图，但这些指标都没有增速 growth",
                            );
                        }
                        let goals = items.iter().all(|i| i.goal);
                        BlockView::Indicators(IndicatorsBlockView {
                            id,
                            heading,
                            form: form.to_owned(),
                            chart: chart && with_growth > 0,
                            chart_title: if goals {
                                "预期增速（%）"
                            } else {
                                "主要指标增速（%）"
                            }
                            .to_owned(),
                            note: indicators_note(
                                block.note.as_deref(),
                                catalogue.note.as_deref(),
                                &items,
                            ),
                            items,
                        })
                    }
                    BlockType::Tasks => {
                        let rel = block
                            .file
                            .as_ref()
                            .map_or(TASKS.to_owned(), |f| f.get_ref().clone());
                        built.used_task_files.push(rel.clone());
                        let before = built.targets.len();
                        let tasks = match data.tasks.get(&rel) {
                            Some(parsed) => self.tasks_file(
                                &rel,
                                parsed,
                                level,
                                &mut numbers,
                                &mut built.targets,
                                &mut seen_targets,
                            ),
                            None => Vec::new(),
                        };
                        BlockView::Tasks(TasksView {
                            id,
                            heading,
                            goals_label: year_label(&built.targets[before..], "目标"),
                            tasks,
                        })
                    }
                    BlockType::Targets => BlockView::Targets(TargetsBlockView {
                        id,
                        heading,
                        has_lead: false,
                        rows: Vec::new(),
                    }),
                    BlockType::Trend => {
                        let series = block.series.as_deref().unwrap_or_default();
                        if unreported && series.len() < 2 {
                            self.push(
                                src,
                                Some(at.clone()),
                                format!("{field}.series"),
                                "趋势至少要有两期数字（series）",
                            );
                        }
                        let style = match block.style.as_deref() {
                            None => "line",
                            Some(s) if STYLES.iter().any(|(v, _)| *v == s) => s,
                            Some(other) => {
                                self.push(
                                    src,
                                    Some(at.clone()),
                                    format!("{field}.style"),
                                    format!("图的样式 “{other}” 不认得，可选：{}", listed(STYLES)),
                                );
                                "line"
                            }
                        };
                        BlockView::Trend(TrendView {
                            id,
                            heading,
                            unit: block.unit.as_deref().map_or("%".to_owned(), one_line),
                            style: style.to_owned(),
                            points: self.trend_points(src, series, &field),
                            note: block.note.as_deref().map(one_line),
                        })
                    }
                    BlockType::Table => {
                        let (header, mut rows) = match (&block.file, &block.rows) {
                            (Some(file), None) => {
                                let key = (file.get_ref().clone(), block.sheet.clone());
                                match data.tables.get(&key) {
                                    Some(grid) => self.grid_rows(grid, block.columns.as_deref()),
                                    None => (Vec::new(), Vec::new()),
                                }
                            }
                            (None, Some(rows)) => {
                                let header: Vec<String> = block
                                    .columns
                                    .iter()
                                    .flatten()
                                    .map(|h| one_line(h))
                                    .collect();
                                if unreported && header.is_empty() {
                                    self.push(
                                        src,
                                        Some(at.clone()),
                                        format!("{field}.columns"),
                                        "表格要有表头 columns，如 [\"产品\", \"增速（%）\"]",
                                    );
                                }
                                let rows =
                                    self.toml_rows(src, rows, header.len(), &field, at.clone());
                                (header, rows)
                            }
                            (Some(_), Some(_)) => {
                                self.push(
                                    src,
                                    Some(at.clone()),
                                    &field,
                                    "表格的行要么写在 rows 里，要么来自 file，不能两样都写",
                                );
                                (Vec::new(), Vec::new())
                            }
                            (None, None) => {
                                self.push(
                                    src,
                                    Some(at.clone()),
                                    &field,
                                    "表格没有内容：请写 rows，或用 file 指向 .xlsx/.csv 文件",
                                );
                                (Vec::new(), Vec::new())
                            }
                        };
                        if unreported
                            && rows.is_empty()
                            && (block.rows.is_some() || block.file.is_some())
                        {
                            self.push(src, Some(at.clone()), &field, "表格没有数据行");
                        }
                        if block.sheet.is_some() && block.file.is_none() {
                            self.push(
                                src,
                                Some(at.clone()),
                                format!("{field}.sheet"),
                                "写了 sheet 却没有 file",
                            );
                        }
                        let columns = columns(header, &rows);
                        align_missing(&columns, &mut rows);
                        let mut notes: Vec<String> =
                            block.note.as_deref().map(one_line).into_iter().collect();
                        if rows.iter().flatten().any(|c| c.missing)
                            && !notes.iter().any(|n| n.contains('—'))
                        {
                            notes.push(MISSING_NOTE.to_owned());
                        }
                        let styles = self.row_styles(src, block, &rows, &field, at.clone());
                        self.mark_statuses(src, block, &columns, &mut rows, &field, at.clone());
                        BlockView::Table(TableView {
                            id,
                            heading,
                            columns,
                            rows,
                            styles,
                            notes,
                        })
                    }
                    BlockType::Progress => {
                        let rel = block
                            .file
                            .as_ref()
                            .map_or(crate::load::PROGRESS.to_owned(), |f| f.get_ref().clone());
                        match data.progress.get(&rel) {
                            Some(parsed) => BlockView::Progress(self.progress_block(
                                parsed,
                                heading,
                                id,
                                block.group.as_deref(),
                                block.note.as_deref().map(one_line),
                                previous,
                            )),
                            // 文件读不进来的问题已在读入时报告。
                            None => continue,
                        }
                    }
                    BlockType::County => BlockView::County(CountyBlockView {
                        numbers: numbers.peek(level, 3),
                        heading,
                        level,
                    }),
                };
                blocks.push(view);
            }
            drop_single_children(&mut blocks);
            // 县区内容的小节接着本章编号（排县区版时才知道有几节），那时不去掉编号。
            if numbers.counts[2] == 1 && !blocks.iter().any(|b| matches!(b, BlockView::County(_))) {
                drop_single_number(&mut blocks);
            }
            let county_only =
                !blocks.is_empty() && blocks.iter().all(|b| matches!(b, BlockView::County(_)));
            built.chapters.push(ChapterView {
                title,
                number: None,
                numbered: numbered && data.outline.value.numbered.unwrap_or(true),
                blocks,
                county_only,
            });
        }

        // 目标一览表汇总全部任务块中的目标。
        let has_lead = built.targets.iter().any(|t| t.lead.is_some());
        for (ci, chapter) in built.chapters.iter_mut().enumerate() {
            for (bi, b) in chapter.blocks.iter_mut().enumerate() {
                if let BlockView::Targets(t) = b {
                    if built.targets.is_empty() {
                        self.push(
                            src,
                            None,
                            format!("chapters[{ci}].blocks[{bi}]"),
                            "目标一览表没有目标可列：任务清单中没有量化目标（targets）",
                        );
                    }
                    t.rows = built.targets.clone();
                    t.has_lead = has_lead;
                }
            }
        }
        built
    }
}

/// 某个版本的大纲：全市版去掉只有县区内容的章和县区块；章标题中的 {县区} 换成县区名（全市版换成地区名）。
/// 编号按本版本中编号的章依次取“一、”“二、”；只有一章编号时不编号（有“一”才有“二”）。
pub fn for_edition(all: &[ChapterView], county: Option<&str>, region: &str) -> Vec<ChapterView> {
    let kept: Vec<&ChapterView> = all
        .iter()
        .filter(|c| county.is_some() || !c.county_only)
        .collect();
    let numbered = kept.iter().filter(|c| c.numbered).count();
    let mut n = 0;
    kept.into_iter()
        .map(|c| ChapterView {
            title: c.title.replace("{县区}", county.unwrap_or(region)),
            number: (c.numbered && numbered > 1).then(|| {
                n += 1;
                cn::level_number(1, n)
            }),
            numbered: c.numbered,
            blocks: c
                .blocks
                .iter()
                .filter(|b| county.is_some() || !matches!(b, BlockView::County(_)))
                .cloned()
                .collect(),
            county_only: c.county_only,
        })
        .collect()
}
