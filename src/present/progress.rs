//! 推进情况（progress 块）：各事项的进度与状态、按状态计数（共13项，其中已完成2项……）、
//! 滞后事项的标记、分组，以及与上期（--previous）对照：本期新完成、新增滞后、进度变化。

use std::collections::HashMap;

use super::Cx;
use super::stats::Decimal;
use super::view::{Heading, ProgressGroup, ProgressItemView, ProgressView, StatusCount};
use crate::base::text::one_line;
use crate::load::{DataSet, Parsed};
use crate::model::progress::{ProgressFile, ProgressItem, StatusLevel};

/// 默认的状态表：原文常见的说法及其类别。数据可在 `[[statuses]]` 中补充或改写。
pub const STATUSES: &[(&str, StatusLevel)] = &[
    ("已完成", StatusLevel::Done),
    ("提前完成", StatusLevel::Done),
    ("基本完成", StatusLevel::Done),
    ("超序时", StatusLevel::OnTrack),
    ("序时推进", StatusLevel::OnTrack),
    ("按序时推进", StatusLevel::OnTrack),
    ("正常推进", StatusLevel::OnTrack),
    ("滞后", StatusLevel::Behind),
    ("进度滞后", StatusLevel::Behind),
    ("推进缓慢", StatusLevel::Behind),
    ("严重滞后", StatusLevel::Severe),
    ("未开工", StatusLevel::NotStarted),
    ("未启动", StatusLevel::NotStarted),
];

/// 分组方式。
const GROUPS: &[(&str, &str)] = &[
    ("status", "按状态"),
    ("lead", "按牵头单位"),
    ("category", "按分类"),
];

/// 上期的一个事项：状态类别和完成进度。
struct Before {
    level: Option<StatusLevel>,
    percent: Option<Decimal>,
}

/// 上期数据中的全部事项，按 id（没有时按内容）查找。
pub(super) struct PreviousItems(HashMap<String, Before>);

fn key(item: &ProgressItem) -> String {
    match &item.id {
        Some(id) => format!("id:{}", id.get_ref()),
        None => format!("title:{}", one_line(item.title.get_ref()).trim()),
    }
}

fn status_table(file: &ProgressFile) -> HashMap<String, StatusLevel> {
    let mut table: HashMap<String, StatusLevel> = STATUSES
        .iter()
        .map(|(n, l)| ((*n).to_owned(), *l))
        .collect();
    for s in &file.statuses {
        table.insert(one_line(&s.name).trim().to_owned(), s.level);
    }
    table
}

impl PreviousItems {
    pub(super) fn of(prev: &DataSet) -> Self {
        let mut out = HashMap::new();
        for file in prev.progress.values() {
            let table = status_table(&file.value);
            for item in &file.value.items {
                let level = item
                    .status
                    .as_ref()
                    .and_then(|s| table.get(one_line(s.get_ref()).trim()).copied());
                let percent = item
                    .percent
                    .as_ref()
                    .and_then(|p| file.source.literal(p.span()))
                    .and_then(|t| Decimal::parse(&t));
                out.insert(key(item), Before { level, percent });
            }
        }
        PreviousItems(out)
    }
}

impl Cx {
    pub(super) fn progress_block(
        &mut self,
        parsed: &Parsed<ProgressFile>,
        heading: Option<Heading>,
        id: Option<String>,
        group: Option<&str>,
        note: Option<String>,
        previous: Option<&PreviousItems>,
    ) -> ProgressView {
        let src = &parsed.source;
        let file = &parsed.value;
        let table = status_table(file);
        if file.items.is_empty() {
            self.push(
                src,
                None,
                "items",
                "没有事项（[[items]]）：请写上事项，或删去这个进度块",
            );
        }
        let mut items = Vec::new();
        for (i, item) in file.items.iter().enumerate() {
            items.push(self.progress_item(parsed, &table, item, i, previous));
        }
        let counts = count(&items);
        let counts_text = counts_text(items.len(), &counts);
        let groups = match group {
            None => vec![ProgressGroup { title: None, items }],
            Some(g) => match GROUPS.iter().find(|(v, _)| *v == g) {
                Some((g, _)) => group_items(items, g),
                None => {
                    self.push(
                        src,
                        None,
                        "group",
                        format!(
                            "不认得分组方式 “{g}”，可选：{}",
                            GROUPS
                                .iter()
                                .map(|(v, zh)| format!("{v}（{zh}）"))
                                .collect::<Vec<_>>()
                                .join("、")
                        ),
                    );
                    Vec::new()
                }
            },
        };
        let all = || groups.iter().flat_map(|g| &g.items);
        ProgressView {
            id,
            heading,
            as_of: file.as_of.as_deref().map(one_line),
            total: all().count(),
            counts_text,
            counts,
            has_lead: all().any(|i| i.lead.is_some()),
            has_deadline: all().any(|i| i.deadline.is_some()),
            has_note: all().any(|i| i.note.is_some()),
            compared: previous.is_some(),
            groups,
            note,
        }
    }

    fn progress_item(
        &mut self,
        parsed: &Parsed<ProgressFile>,
        table: &HashMap<String, StatusLevel>,
        item: &ProgressItem,
        i: usize,
        previous: Option<&PreviousItems>,
    ) -> ProgressItemView {
        let src = &parsed.source;
        let field = format!("items[{i}]");
        let title = one_line(item.title.get_ref());
        if title.trim().is_empty() {
            self.push(
                src,
                Some(item.title.span()),
                format!("{field}.title"),
                "事项内容不能为空",
            );
        }
        let status = item
            .status
            .as_ref()
            .map(|s| one_line(s.get_ref()).trim().to_owned());
        let level = match (&item.status, &status) {
            (Some(s), Some(name)) => match table.get(name) {
                Some(l) => Some(*l),
                None => {
                    let mut known: Vec<&str> = STATUSES.iter().map(|(n, _)| *n).collect();
                    known.extend(file_statuses(&parsed.value));
                    self.push(src, Some(s.span()), format!("{field}.status"), format!(
                        "不认得状态 “{name}”。可用的有：{}；原文另有说法时，在文件开头用 [[statuses]] 写明它属于哪一类，如 name = \"{name}\"、level = \"behind\"",
                        known.join("、")
                    ));
                    None
                }
            },
            _ => None,
        };
        let mut parts = Vec::new();
        let percent = item.percent.as_ref().map(|p| {
            let f = self.figure(src, p, &format!("{field}.percent"));
            if !(0.0..=1000.0).contains(&f.value) {
                self.push(
                    src,
                    Some(p.span()),
                    format!("{field}.percent"),
                    "完成进度应在 0 到 1000 之间（%）",
                );
            }
            f
        });
        if let Some(p) = &percent {
            parts.push(format!("{}%", p.text));
        }
        match (&item.done, &item.plan) {
            (Some(done), plan) => {
                let unit = item.unit.as_deref().map(one_line).unwrap_or_default();
                let d = self.figure(src, done, &format!("{field}.done"));
                let mut t = format!("完成{}{unit}", d.text);
                if let Some(plan) = plan {
                    let p = self.figure(src, plan, &format!("{field}.plan"));
                    if let (Some(a), Some(b)) = (Decimal::parse(&d.text), Decimal::parse(&p.text))
                        && let Some(share) = Decimal::percent_of(a, b, 1)
                    {
                        t.push_str(&format!("，占计划的{}%", share.text()));
                    }
                }
                parts.push(t);
            }
            (None, Some(plan)) => self.push(
                src,
                Some(plan.span()),
                format!("{field}.plan"),
                "写了计划 plan 却没有完成量 done",
            ),
            (None, None) => {}
        }
        parts.extend(item.progress.as_deref().map(one_line));
        let deadline = item.deadline.as_ref().and_then(|d| match d.get_ref() {
            toml::Value::Datetime(dt) => match super::to_naive(dt) {
                Ok(day) => Some(super::cn::deadline(day)),
                Err(msg) => {
                    self.push(src, Some(d.span()), format!("{field}.deadline"), msg);
                    None
                }
            },
            toml::Value::String(s) if !s.trim().is_empty() => Some(one_line(s)),
            _ => {
                self.push(
                    src,
                    Some(d.span()),
                    format!("{field}.deadline"),
                    "完成时限应写日期（如 2024-12-31）或原文说法（如 \"年底前\"）",
                );
                None
            }
        });
        let status_text = status.as_ref().map(|s| match &item.status_of {
            Some(of) => format!("{}{s}", one_line(of)),
            None => s.clone(),
        });
        if item.status_of.is_some() && status.is_none() {
            self.push(
                src,
                Some(item.title.span()),
                format!("{field}.status_of"),
                "写了 status_of 却没有状态 status",
            );
        }
        let (change, delta) = match previous.map(|p| p.0.get(&key(item))) {
            Some(Some(before)) => compare(
                before,
                level,
                percent.as_ref().and_then(|p| Decimal::parse(&p.text)),
            ),
            Some(None) => (Some("本期新增".to_owned()), None),
            None => (None, None),
        };
        ProgressItemView {
            no: i + 1,
            title,
            lead: item.lead.as_deref().map(one_line),
            co: item.co.iter().map(|c| one_line(c)).collect(),
            deadline,
            progress: (!parts.is_empty()).then(|| parts.join("，")),
            status,
            status_text,
            level: level.map(|l| l.name().to_owned()),
            lagging: level.is_some_and(StatusLevel::lagging),
            change,
            delta,
            note: item.note.as_deref().map(one_line),
            category: item.category.as_deref().map(one_line),
        }
    }
}

fn file_statuses(file: &ProgressFile) -> Vec<&str> {
    file.statuses.iter().map(|s| s.name.as_str()).collect()
}

/// 与上期比：状态的变化（本期新完成、新增滞后、不再滞后）和进度的变化（个百分点）。
fn compare(
    before: &Before,
    now: Option<StatusLevel>,
    percent: Option<Decimal>,
) -> (Option<String>, Option<String>) {
    let was_done = before.level == Some(StatusLevel::Done);
    let was_lagging = before.level.is_some_and(StatusLevel::lagging);
    let change = match now {
        Some(StatusLevel::Done) if !was_done => Some("本期新完成"),
        Some(l) if l.lagging() && !was_lagging => Some("新增滞后"),
        Some(l) if !l.lagging() && was_lagging => Some("不再滞后"),
        _ => None,
    };
    let delta = match (before.percent, percent) {
        (Some(b), Some(n)) => {
            let d = Decimal::minus(n, b);
            let abs = d.abs().text();
            Some(match d.signum() {
                0 => "进度与上期持平".to_owned(),
                s if s > 0 => format!("比上期提高{abs}个百分点"),
                _ => format!("比上期回落{abs}个百分点"),
            })
        }
        _ => None,
    };
    (change.map(str::to_owned), delta)
}

/// 按状态计数：类别的先后（已完成、序时、滞后、严重滞后、未开工），同类按首次出现的先后。
fn count(items: &[ProgressItemView]) -> Vec<StatusCount> {
    let mut out: Vec<(StatusLevel, StatusCount)> = Vec::new();
    for it in items {
        let (Some(status), Some(level)) = (&it.status, &it.level) else {
            continue;
        };
        match out.iter_mut().find(|(_, c)| &c.status == status) {
            Some((_, c)) => c.count += 1,
            None => {
                let l = level_of(level);
                out.push((
                    l,
                    StatusCount {
                        status: status.clone(),
                        level: level.clone(),
                        count: 1,
                        lagging: l.lagging(),
                    },
                ));
            }
        }
    }
    out.sort_by_key(|(l, _)| *l);
    out.into_iter().map(|(_, c)| c).collect()
}

fn level_of(name: &str) -> StatusLevel {
    [
        StatusLevel::Done,
        StatusLevel::OnTrack,
        StatusLevel::Behind,
        StatusLevel::Severe,
        StatusLevel::NotStarted,
    ]
    .into_iter()
    .find(|l| l.name() == name)
    .unwrap_or(StatusLevel::OnTrack)
}

/// 共13项，其中已完成2项，序时推进8项，滞后3项（没有状态的事项：其余N项未注明状态）。
pub fn counts_text(total: usize, counts: &[StatusCount]) -> String {
    let mut out = format!("共{total}项");
    if counts.is_empty() {
        return out;
    }
    let parts: Vec<String> = counts
        .iter()
        .map(|c| format!("{}{}项", c.status, c.count))
        .collect();
    out.push_str("，其中");
    out.push_str(&parts.join("，"));
    let stated: usize = counts.iter().map(|c| c.count).sum();
    if stated < total {
        out.push_str(&format!("，其余{}项未注明状态", total - stated));
    }
    out
}

/// 分组：按状态时滞后的在前（严重滞后、未开工、滞后），再是序时、已完成、未注明；其余按首次出现的先后。
fn group_items(items: Vec<ProgressItemView>, by: &str) -> Vec<ProgressGroup> {
    let label = |i: &ProgressItemView| -> Option<String> {
        match by {
            "status" => i.status.clone(),
            "lead" => i.lead.clone(),
            _ => i.category.clone(),
        }
    };
    let mut groups: Vec<ProgressGroup> = Vec::new();
    for it in items {
        let title = label(&it).or_else(|| Some("未注明".to_owned()));
        match groups.iter_mut().find(|g| g.title == title) {
            Some(g) => g.items.push(it),
            None => groups.push(ProgressGroup {
                title,
                items: vec![it],
            }),
        }
    }
    if by == "status" {
        let rank = |g: &ProgressGroup| match g
            .items
            .first()
            .and_then(|i| i.level.as_deref())
            .map(level_of)
        {
            Some(StatusLevel::Severe) => 0,
            Some(StatusLevel::NotStarted) => 1,
            Some(StatusLevel::Behind) => 2,
            Some(StatusLevel::OnTrack) => 3,
            Some(StatusLevel::Done) => 4,
            None => 5,
        };
        groups.sort_by_key(rank);
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sc(status: &str, level: &str, count: usize) -> StatusCount {
        StatusCount {
            status: status.into(),
            level: level.into(),
            count,
            lagging: level_of(level).lagging(),
        }
    }

    #[test]
    fn counts_read_as_a_sentence() {
        let c = [
            sc("已完成", "done", 2),
            sc("序时推进", "on_track", 8),
            sc("滞后", "behind", 3),
        ];
        assert_eq!(
            counts_text(13, &c),
            "共13项，其中已完成2项，序时推进8项，滞后3项"
        );
        let c = [sc("严重滞后", "severe", 1)];
        assert_eq!(
            counts_text(13, &c),
            "共13项，其中严重滞后1项，其余12项未注明状态"
        );
        assert_eq!(counts_text(3, &[]), "共3项");
    }

    #[test]
    fn changes_since_last_issue_are_named() {
        let before = Before {
            level: Some(StatusLevel::OnTrack),
            percent: Decimal::parse("80"),
        };
        assert_eq!(
            compare(&before, Some(StatusLevel::Done), Decimal::parse("100")),
            (
                Some("本期新完成".into()),
                Some("比上期提高20个百分点".into())
            )
        );
        assert_eq!(
            compare(&before, Some(StatusLevel::Behind), Decimal::parse("80")),
            (Some("新增滞后".into()), Some("进度与上期持平".into()))
        );
        let lagging = Before {
            level: Some(StatusLevel::Severe),
            percent: None,
        };
        assert_eq!(
            compare(&lagging, Some(StatusLevel::Severe), None),
            (None, None)
        );
    }
}
