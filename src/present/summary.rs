//! 一页纸：数据声明排哪些块（引用大纲中的块，或点名指标）；不声明时排数据里有的重点指标、任务和目标。
//! 检查“有没有东西被悄悄漏掉”也在这里：indicators.toml 的指标和 tasks.toml 都要有地方排。

use std::collections::{HashMap, HashSet};

use super::indicators::Catalogue;
use super::outline::Built;
use super::view::*;
use super::{Cx, common};
use crate::base::text::one_line;
use crate::load::{DataSet, SourceFile, TASKS};
use crate::model::meta::Only;
use crate::model::outline::BlockType;

impl Cx {
    pub(super) fn summary(
        &mut self,
        data: &DataSet,
        meta: &MetaView,
        catalogue: &Catalogue,
        built: &Built,
    ) -> SummaryView {
        let src = &data.meta.source;
        let declared = data.meta.value.summary.as_ref();
        let goals = catalogue.items.iter().all(|i| i.goal) && !catalogue.items.is_empty();
        let indicators_title = if goals {
            "主要预期目标"
        } else {
            "主要指标"
        };
        let mut blocks = Vec::new();
        match declared {
            Some(s) => {
                if s.blocks.is_empty() {
                    self.push(
                        src,
                        None,
                        "summary.blocks",
                        "一页纸没有内容块：请在 [[summary.blocks]] 中声明要排的内容",
                    );
                }
                self.same_block_twice(src, &s.blocks);
                for (i, b) in s.blocks.iter().enumerate() {
                    let field = format!("summary.blocks[{i}]");
                    let only = b.only.as_ref().map(|o| *o.get_ref());
                    if only == Some(Only::County) && data.counties.is_none() {
                        self.push(src, b.only.as_ref().map(|o| o.span()), format!("{field}.only"), "这个数据集没有县区版（没有 counties.toml），only = \"county\" 的块不会排出");
                    }
                    let kind = *b.kind.get_ref();
                    let at = b.kind.span();
                    let title = b.title.as_deref().map(one_line);
                    if kind == BlockType::Indicators {
                        if b.reference.is_some() {
                            self.push(
                                src,
                                Some(at.clone()),
                                format!("{field}.ref"),
                                "indicators 块用 indicators 点名指标，不用 ref",
                            );
                        }
                        let ids: Vec<String> = match &b.indicators {
                            Some(ids) => self
                                .named(src, ids, &format!("{field}.indicators"), catalogue)
                                .into_iter()
                                .map(|i| i.id.clone())
                                .collect(),
                            None => catalogue
                                .items
                                .iter()
                                .filter(|i| i.key)
                                .map(|i| i.id.clone())
                                .collect(),
                        };
                        if b.indicators.as_ref().is_some_and(Vec::is_empty) {
                            self.empty_list(src, at.clone(), &format!("{field}.indicators"));
                        } else if ids.is_empty() {
                            self.push(
                                src,
                                Some(at.clone()),
                                &field,
                                "一页纸的指标块没有指标可排（没有 key = true 的指标，也没有点名）",
                            );
                        }
                        blocks.push((
                            only,
                            indicators_block(
                                title.unwrap_or_else(|| indicators_title.into()),
                                ids,
                                catalogue,
                            ),
                        ));
                        continue;
                    }
                    if b.indicators.is_some() {
                        self.push(
                            src,
                            Some(at.clone()),
                            format!("{field}.indicators"),
                            format!("type = \"{}\" 的块没有 indicators 字段", kind.name()),
                        );
                    }
                    if kind == BlockType::County {
                        self.push(
                            src,
                            Some(at.clone()),
                            &field,
                            "一页纸不用 county 块：县区版的一页纸自动把指标和目标换成本县区的",
                        );
                        continue;
                    }
                    let target = match &b.reference {
                        Some(r) => match built.ids.get(r.get_ref()) {
                            Some(&(ci, bi)) => {
                                Some((&built.chapters[ci], &built.chapters[ci].blocks[bi], r))
                            }
                            None => {
                                let known: Vec<&str> =
                                    built.ids.keys().map(String::as_str).collect();
                                self.push(
                                    src,
                                    Some(r.span()),
                                    format!("{field}.ref"),
                                    format!(
                                        "大纲中没有 id 为 “{}” 的块{}",
                                        r.get_ref(),
                                        if known.is_empty() {
                                            "（大纲的块都没有写 id）".to_owned()
                                        } else {
                                            format!("，有 id 的块：{}", sorted(known))
                                        }
                                    ),
                                );
                                continue;
                            }
                        },
                        None if kind == BlockType::Targets => None,
                        None => {
                            self.push(
                                src,
                                Some(at.clone()),
                                format!("{field}.ref"),
                                format!(
                                    "type = \"{}\" 的块要用 ref 指明引用大纲中哪个块（块的 id）",
                                    kind.name()
                                ),
                            );
                            continue;
                        }
                    };
                    if let Some((_, block, r)) = &target {
                        let actual = block_type(block);
                        let fits = actual == kind
                            || (kind == BlockType::Targets && actual == BlockType::Tasks);
                        if !fits {
                            self.push(
                                src,
                                Some(r.span()),
                                format!("{field}.ref"),
                                format!(
                                    "“{}” 是 {} 块，不是 {} 块",
                                    r.get_ref(),
                                    actual.name(),
                                    kind.name()
                                ),
                            );
                            continue;
                        }
                    }
                    let default_title = target
                        .as_ref()
                        .map(|(c, b, _)| heading_of(b).unwrap_or_else(|| c.title.clone()));
                    let title = title.or(default_title);
                    let block = target.map(|(_, b, _)| b);
                    blocks.push((
                        only,
                        match (kind, block) {
                            (BlockType::Targets, b) => {
                                let targets = match b {
                                    Some(BlockView::Tasks(t)) => t
                                        .tasks
                                        .iter()
                                        .flat_map(|t| {
                                            t.items.iter().flat_map(|i| i.targets.clone())
                                        })
                                        .collect(),
                                    _ => built.targets.clone(),
                                };
                                if targets.is_empty() {
                                    self.push(src, Some(at.clone()), &field, "没有量化目标可排");
                                }
                                targets_block(title, &targets)
                            }
                            (_, Some(BlockView::Prose(p))) => SummaryBlockView::Prose {
                                title,
                                paragraphs: p.paragraphs.clone(),
                            },
                            (_, Some(BlockView::Points(p))) => SummaryBlockView::Points {
                                title,
                                items: p.items.clone(),
                            },
                            (_, Some(BlockView::Facts(f))) => SummaryBlockView::Facts {
                                title,
                                facts: f.groups.iter().flat_map(|g| g.facts.clone()).collect(),
                            },
                            (_, Some(BlockView::Tasks(t))) => SummaryBlockView::Tasks {
                                title,
                                items: briefs(t),
                            },
                            (_, Some(BlockView::Trend(t))) => SummaryBlockView::Trend(TrendView {
                                heading: title.map(|title| Heading {
                                    level: 2,
                                    number: String::new(),
                                    title,
                                }),
                                ..t.clone()
                            }),
                            (_, Some(BlockView::Progress(p))) => SummaryBlockView::Progress {
                                title,
                                counts_text: p.counts_text.clone(),
                                as_of: p.as_of.clone(),
                                lagging: p
                                    .groups
                                    .iter()
                                    .flat_map(|g| &g.items)
                                    .filter(|i| i.lagging)
                                    .map(lagging_line)
                                    .collect(),
                                done: p
                                    .groups
                                    .iter()
                                    .flat_map(|g| &g.items)
                                    .filter(|i| i.change.as_deref() == Some("本期新完成"))
                                    .map(|i| i.title.clone())
                                    .collect(),
                                others: p
                                    .groups
                                    .iter()
                                    .flat_map(|g| &g.items)
                                    .filter(|i| !i.lagging)
                                    .map(item_line)
                                    .collect(),
                            },
                            (_, Some(BlockView::Table(t))) => SummaryBlockView::Table(TableView {
                                heading: title.map(|title| Heading {
                                    level: 2,
                                    number: String::new(),
                                    title,
                                }),
                                ..t.clone()
                            }),
                            _ => continue,
                        },
                    ));
                }
            }
            None => {
                let key: Vec<String> = catalogue
                    .items
                    .iter()
                    .filter(|i| i.key)
                    .map(|i| i.id.clone())
                    .collect();
                if !key.is_empty() {
                    blocks.push((
                        None,
                        indicators_block(indicators_title.into(), key, catalogue),
                    ));
                }
                for chapter in &built.chapters {
                    for b in &chapter.blocks {
                        if let BlockView::Tasks(t) = b {
                            blocks.push((
                                None,
                                SummaryBlockView::Tasks {
                                    title: Some(
                                        heading_of(b).unwrap_or_else(|| chapter.title.clone()),
                                    ),
                                    items: briefs(t),
                                },
                            ));
                        }
                    }
                }
                if !built.targets.is_empty() {
                    blocks.push((None, targets_block(None, &built.targets)));
                }
                if blocks.is_empty() {
                    self.push(src, None, "summary", "一页纸没有可排的内容：数据中没有重点指标、任务或目标；请在 meta.toml 的 [summary] 中声明要排的块");
                }
            }
        }
        SummaryView {
            title: declared
                .and_then(|s| s.title.as_deref())
                .map_or_else(|| meta.title.clone(), one_line),
            headline: declared.and_then(|s| s.headline.as_deref()).map(one_line),
            blocks: for_edition(&blocks, false),
            all_blocks: blocks,
        }
    }

    /// 数据给了却没有地方排的内容：指标、任务文件。不能悄悄漏掉，报出来让用户决定删掉还是排上。
    pub(super) fn unused(&mut self, data: &DataSet, catalogue: &Catalogue, built: &Built) {
        if let Some(file) = &data.indicators
            && !built.all_indicators_used
        {
            let mut used: HashSet<&str> =
                built.used_indicators.iter().map(String::as_str).collect();
            if let Some(s) = &data.meta.value.summary {
                for b in &s.blocks {
                    if *b.kind.get_ref() == BlockType::Indicators {
                        match &b.indicators {
                            Some(ids) => used.extend(ids.iter().map(|i| i.get_ref().as_str())),
                            None => used.extend(
                                catalogue
                                    .items
                                    .iter()
                                    .filter(|i| i.key)
                                    .map(|i| i.id.as_str()),
                            ),
                        }
                    }
                }
            } else {
                used.extend(
                    catalogue
                        .items
                        .iter()
                        .filter(|i| i.key)
                        .map(|i| i.id.as_str()),
                );
            }
            if let Some(c) = &data.counties {
                used.extend(
                    c.settings
                        .value
                        .table
                        .columns
                        .iter()
                        .filter_map(|col| col.field.get_ref().split('.').next()),
                );
            }
            for (i, ind) in file.value.indicators.iter().enumerate() {
                if !used.contains(ind.id.get_ref().as_str()) {
                    self.push(&file.source, Some(ind.id.span()), format!("indicators[{i}]"), format!(
                        "指标 “{}” 没有排在任何地方：请把它的 id 加进大纲某个 indicators 块或一页纸，或删去这项指标",
                        ind.id.get_ref()
                    ));
                }
            }
        }
        if data.dir.join(TASKS).exists() && !built.used_task_files.iter().any(|f| f == TASKS) {
            self.push(&data.outline.source, None, "chapters", format!(
                "数据目录中有 {TASKS}，但大纲中没有 type = \"tasks\" 的块引用它；请加上 tasks 块，或删去这个文件"
            ));
        }
    }
}

/// 一页纸上的任务：编号和标题第一个逗号之前的部分。
fn briefs(t: &TasksView) -> Vec<NumberedText> {
    t.tasks
        .iter()
        .map(|t| NumberedText {
            number: t.heading.number.clone(),
            text: t.brief.clone(),
            original: t.heading.title.clone(),
        })
        .collect()
}

/// 一页纸上的滞后事项：内容（进度，状态）。
fn lagging_line(i: &ProgressItemView) -> String {
    let mut tail: Vec<String> = i.progress.iter().cloned().collect();
    tail.extend(i.status_text.clone());
    tail.extend(i.change.clone().filter(|c| c == "新增滞后"));
    with_tail(i, &tail)
}

/// 一页纸上的其余事项：内容（进度，状态，与上期比的变化）——只印数据里有的。
fn item_line(i: &ProgressItemView) -> String {
    let mut tail: Vec<String> = i.progress.iter().cloned().collect();
    tail.extend(i.status_text.clone());
    tail.extend(i.change.clone());
    with_tail(i, &tail)
}

fn with_tail(i: &ProgressItemView, tail: &[String]) -> String {
    let title = i.title.trim_end_matches(['。', '；']);
    if tail.is_empty() {
        title.to_owned()
    } else {
        format!("{title}（{}）", tail.join("，"))
    }
}

fn sorted(mut v: Vec<&str>) -> String {
    v.sort();
    v.join("、")
}

fn block_type(b: &BlockView) -> BlockType {
    match b {
        BlockView::Prose(_) => BlockType::Prose,
        BlockView::Points(_) => BlockType::Points,
        BlockView::Facts(_) => BlockType::Facts,
        BlockView::Indicators(_) => BlockType::Indicators,
        BlockView::Tasks(_) => BlockType::Tasks,
        BlockView::Targets(_) => BlockType::Targets,
        BlockView::Trend(_) => BlockType::Trend,
        BlockView::Table(_) => BlockType::Table,
        BlockView::County(_) => BlockType::County,
        BlockView::Progress(_) => BlockType::Progress,
    }
}

fn heading_of(b: &BlockView) -> Option<String> {
    let h = match b {
        BlockView::Prose(p) => &p.heading,
        BlockView::Points(p) => &p.heading,
        BlockView::Facts(p) => &p.heading,
        BlockView::Indicators(p) => &p.heading,
        BlockView::Tasks(p) => &p.heading,
        BlockView::Targets(p) => &p.heading,
        BlockView::Trend(p) => &p.heading,
        BlockView::Table(p) => &p.heading,
        BlockView::County(p) => &p.heading,
        BlockView::Progress(p) => &p.heading,
    };
    h.as_ref().map(|h| h.title.clone())
}

fn indicators_block(title: String, ids: Vec<String>, catalogue: &Catalogue) -> SummaryBlockView {
    SummaryBlockView::Indicators {
        title,
        cards: ids
            .iter()
            .filter_map(|id| catalogue.lookup(id).ok())
            .map(|i| i.card.clone())
            .collect(),
        ids,
    }
}

/// 目标格子：有数量的大字写数量，没有的写时限；时限与多数相同的不再重复。
fn targets_block(title: Option<String>, targets: &[TargetView]) -> SummaryBlockView {
    let common_deadline = common(targets.iter().map(|t| t.deadline_text.as_str()));
    let label = super::tasks::year_label(targets, "重点目标");
    SummaryBlockView::Targets {
        county_title: super::tasks::year_label(targets, "分解任务"),
        title: title.unwrap_or(label),
        note: common_deadline
            .as_ref()
            .map(|d| format!("（除注明外，均为{d}完成）")),
        cells: targets
            .iter()
            .map(|t| {
                let other = (Some(&t.deadline_text) != common_deadline.as_ref())
                    .then(|| t.deadline_text.clone());
                match &t.quantity {
                    Some(q) => TargetCell {
                        big: q.text.clone(),
                        unit: t.unit.clone(),
                        what: t.what.clone(),
                        note: other,
                    },
                    None => TargetCell {
                        big: t.deadline_text.clone(),
                        unit: None,
                        what: t.what.clone(),
                        note: None,
                    },
                }
            })
            .collect(),
    }
}

/// 县区版的目标格子：分到本县区的数量，注明占全市的比例。
pub fn county_targets_block(
    title: String,
    common_deadline: Option<&str>,
    targets: &[CountyTargetView],
) -> SummaryBlockView {
    SummaryBlockView::Targets {
        county_title: title.clone(),
        title,
        note: common_deadline.map(|d| format!("（除注明外，均为{d}完成）")),
        cells: targets
            .iter()
            .map(|t| TargetCell {
                big: t.share.text.clone(),
                unit: t.share_unit.clone(),
                what: t.what.clone(),
                note: Some(if Some(t.deadline_text.as_str()) != common_deadline {
                    format!("{}，{}", t.percent_text, t.deadline_text)
                } else {
                    t.percent_text.clone()
                }),
            })
            .collect(),
    }
}

/// 某个版本的一页纸各块。
pub fn for_edition(
    all: &[(Option<Only>, SummaryBlockView)],
    county: bool,
) -> Vec<SummaryBlockView> {
    let this = if county { Only::County } else { Only::City };
    all.iter()
        .filter(|(only, _)| only.is_none_or(|o| o == this))
        .map(|(_, b)| b.clone())
        .collect()
}

impl Cx {
    /// 一页纸引用同一个大纲块两次，会把同样的内容印两遍：两处都指出来。
    fn same_block_twice(&mut self, src: &SourceFile, blocks: &[crate::model::meta::SummaryBlock]) {
        let mut first: HashMap<&str, (usize, std::ops::Range<usize>)> = HashMap::new();
        for (i, b) in blocks.iter().enumerate() {
            let Some(r) = &b.reference else { continue };
            if let Some((j, at)) = first.get(r.get_ref().as_str()) {
                let (line, col) = crate::base::diag::line_col(&src.text, at.start);
                self.push(
                    src,
                    Some(r.span()),
                    format!("summary.blocks[{i}].ref"),
                    format!(
                        "“{}” 重复：summary.blocks[{j}].ref（第{line}行第{col}列）已经引用过这个块，请删去一个",
                        r.get_ref()
                    ),
                );
            } else {
                first.insert(r.get_ref(), (i, r.span()));
            }
        }
    }
}
