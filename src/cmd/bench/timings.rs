//! `bench --timings`：typst 自带的分步计时（typst-timing），写成 Chrome trace，并按模板行汇总。
//!
//! 计时开着时每一步都要记一笔，总用时会多一两成；比例可信，绝对值看不开计时的那一遍。

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, Result};
use jianbao::typeset::world::Engine;
use serde::Deserialize;

/// 汇总时列出的行数。
const TOP: usize = 12;

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

pub fn write(path: &Path, engine: &Engine) -> Result<()> {
    typst_timing::disable();
    let mut json = Vec::new();
    typst_timing::export_json(&mut json, |span| engine.span_line(span))
        .map_err(|e| anyhow::anyhow!("无法导出计时：{e}"))?;
    jianbao::base::output::write_atomic(path, &json)
        .with_context(|| format!("无法写出 {}", path.display()))?;
    let events: Vec<Event> = serde_json::from_slice(&json).context("计时记录无法读回")?;
    println!(
        "  分步计时（已写出 {}）：自身用时最多的步骤（按线程算，等别的线程算在外层步骤里）",
        path.display()
    );
    for (what, ms) in self_times(&events).into_iter().take(TOP) {
        println!("    {ms:8.1} 毫秒  {what}");
    }
    Ok(())
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
