//! 分层任务清单：一级任务、要点、量化目标；编号随所在位置，目标汇入一览表。

use std::collections::HashMap;
use std::path::PathBuf;

use super::highlight::segments;
use super::outline::Numberer;
use super::view::{Heading, TargetView, TaskItemView, TaskView};
use super::{Cx, MAX_TARGETS, MAX_TASK_ITEMS, MAX_TASKS, cn};
use crate::base::text::one_line;
use crate::load::Parsed;
use crate::model::tasks::TasksFile;

impl Cx {
    /// 一个任务文件排在 `level` 级（一级任务的标题级别）。目标追加到 `targets`。
    pub(super) fn tasks_file(
        &mut self,
        rel: &str,
        parsed: &Parsed<TasksFile>,
        level: usize,
        numbers: &mut Numberer,
        targets: &mut Vec<TargetView>,
        seen: &mut HashMap<String, (PathBuf, usize)>,
    ) -> Vec<TaskView> {
        let src = &parsed.source;
        let file = &parsed.value;
        if file.tasks.is_empty() {
            self.push(src, None, "tasks", format!("{rel} 中没有任务（[[tasks]]）"));
        }
        if file.tasks.len() > MAX_TASKS {
            self.push(
                src,
                None,
                "tasks",
                format!(
                    "一级任务过多（{} 条），编号（一）到（九十九）最多 {MAX_TASKS} 条",
                    file.tasks.len()
                ),
            );
        }
        let items: usize = file.tasks.iter().map(|t| t.items.len()).sum();
        if items > MAX_TASK_ITEMS {
            self.push(
                src,
                None,
                "tasks",
                format!("任务要点过多（{items} 条），一份简报最多 {MAX_TASK_ITEMS} 条"),
            );
            return Vec::new();
        }
        let mut out = Vec::new();
        for (ti, task) in file.tasks.iter().enumerate().take(MAX_TASKS) {
            let title = one_line(&task.title);
            let number = numbers.next(level);
            let mut items = Vec::new();
            for (ii, item) in task.items.iter().enumerate() {
                let item_number = numbers.next(level + 1);
                let mut refs = Vec::new();
                for (gi, t) in item.targets.iter().enumerate() {
                    let field = format!("tasks[{ti}].items[{ii}].targets[{gi}]");
                    self.id(src, &t.id, &format!("{field}.id"), seen);
                    let quantity = t
                        .quantity
                        .as_ref()
                        .map(|q| self.figure(src, q, &format!("{field}.quantity")));
                    let unit = t.unit.as_deref().map(one_line);
                    if let Some(q) = &t.quantity {
                        if *q.get_ref() < 0.0 {
                            self.push(
                                src,
                                Some(q.span()),
                                format!("{field}.quantity"),
                                format!("数量不能为负数：{}", q.get_ref()),
                            );
                        }
                        if unit.as_deref().is_none_or(str::is_empty) {
                            self.push(
                                src,
                                Some(q.span()),
                                format!("{field}.unit"),
                                "填写了数量 quantity 时必须填写单位 unit（如“所”“万个”）",
                            );
                        }
                    } else if let Some(u) = &unit {
                        self.push(
                            src,
                            Some(t.id.span()),
                            format!("{field}.unit"),
                            format!("写了单位 “{u}” 却没有数量 quantity"),
                        );
                    }
                    let deadline = self.date(src, &t.deadline, &format!("{field}.deadline"));
                    let what = one_line(&t.what);
                    let text = match &quantity {
                        Some(q) => format!("{what}{}{}", q.text, unit.as_deref().unwrap_or("")),
                        None => what.clone(),
                    };
                    refs.push(TargetView {
                        no: targets.len() + refs.len() + 1,
                        number: numbers.next(level + 2),
                        id: t.id.get_ref().clone(),
                        task_number: number.clone(),
                        what,
                        quantity,
                        unit,
                        text,
                        deadline: deadline.to_string(),
                        deadline_text: cn::deadline(deadline),
                        lead: t.lead.as_deref().map(one_line),
                    });
                }
                targets.extend(refs.iter().cloned());
                let original = one_line(&item.text);
                items.push(TaskItemView {
                    number: item_number,
                    text: cn::strip_ordinal(&original).to_owned(),
                    original,
                    detail: item.detail.as_deref().map(|d| segments(&one_line(d))),
                    targets: refs,
                });
            }
            out.push(TaskView {
                brief: title
                    .split(['，', '。', '；'])
                    .next()
                    .unwrap_or_default()
                    .to_owned(),
                heading: Heading {
                    level,
                    number,
                    title,
                },
                intro: task.intro.as_deref().map(|i| segments(&one_line(i))),
                items,
            });
        }
        if targets.len() > MAX_TARGETS {
            self.push(
                src,
                None,
                "tasks",
                format!(
                    "量化目标过多（{} 项），一份简报最多 {MAX_TARGETS} 项",
                    targets.len()
                ),
            );
        }
        out
    }
}

/// 目标都在同一年完成时，标签写出年份：“2024年目标”；否则“目标”。
pub fn year_label(targets: &[TargetView], word: &str) -> String {
    let years: Vec<&str> = targets.iter().map(|t| &t.deadline[..4]).collect();
    match years.first() {
        Some(y) if years.iter().all(|x| x == y) => format!("{y}年{word}"),
        _ => word.to_owned(),
    }
}
