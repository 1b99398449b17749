//! typst 自带的分步计时（typst-timing）导出的 Chrome trace：按步骤（有模板位置的按文件:行）汇总自身用时。
//! `jianbao bench --timings` 用它列出最费时的模板行。

use std::collections::HashMap;

use serde::Deserialize;

#[derive(Deserialize)]
struct Event {
    name: String,
    ph: String,
    ts: f64,
    tid: u64,
    args: Option<Place>,
}

#[derive(Deserialize)]
struct Place {
    file: String,
    line: u32,
}

/// 读 typst-timing 导出的 JSON，给出各步骤的自身用时（毫秒），从多到少。
pub fn self_times_of(json: &[u8]) -> serde_json::Result<Vec<(String, f64)>> {
    let events: Vec<Event> = serde_json::from_slice(json)?;
    Ok(self_times(&events))
}

/// 各步骤（有模板位置的按文件:行分开）的自身用时，即减去其中嵌套步骤之后的用时，从多到少。
fn self_times(events: &[Event]) -> Vec<(String, f64)> {
    let mut totals: HashMap<String, f64> = HashMap::new();
    // 每个线程的事件各自成栈：同一线程内开始与结束成对。
    let mut stacks: HashMap<u64, Vec<(&Event, f64)>> = HashMap::new();
    for e in events {
        let stack = stacks.entry(e.tid).or_default();
        match e.ph.as_str() {
            "B" => stack.push((e, 0.0)),
            "E" => {
                let Some((start, nested)) = stack.pop() else {
                    continue;
                };
                let took = e.ts - start.ts;
                let what = match &start.args {
                    Some(p) if !p.file.is_empty() => {
                        format!("{} {}:{}", start.name, p.file, p.line)
                    }
                    _ => start.name.clone(),
                };
                *totals.entry(what).or_default() += (took - nested) / 1000.0;
                if let Some(parent) = stack.last_mut() {
                    parent.1 += took;
                }
            }
            _ => {}
        }
    }
    let mut list: Vec<(String, f64)> = totals.into_iter().collect();
    list.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    list
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(name: &str, ph: &str, ts: f64, tid: u64, line: Option<u32>) -> Event {
        Event {
            name: name.into(),
            ph: ph.into(),
            ts,
            tid,
            args: line.map(|line| Place {
                file: "/templates/booklet.typ".into(),
                line,
            }),
        }
    }

    /// 两个线程交错记录：各自成栈，外层步骤的自身用时减去嵌套在里面的步骤。
    #[test]
    fn nested_steps_are_subtracted_per_thread() {
        let events = [
            event("layout", "B", 0.0, 1, None),
            event("layout", "B", 100.0, 2, None),
            event("func call", "B", 1000.0, 1, Some(7)),
            event("func call", "E", 4000.0, 1, Some(7)),
            event("layout", "E", 5000.0, 1, None),
            event("layout", "E", 2100.0, 2, None),
        ];
        let times: HashMap<String, f64> = self_times(&events).into_iter().collect();
        assert_eq!(times["func call /templates/booklet.typ:7"], 3.0);
        // 线程 1：5 毫秒减去嵌套的 3 毫秒；线程 2：2 毫秒。
        assert_eq!(times["layout"], 4.0);
    }
}
