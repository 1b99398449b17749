//! `bench --timings`：typst 自带的分步计时（typst-timing），写成 Chrome trace，并按模板行汇总。
//!
//! 计时开着时每一步都要记一笔，总用时会多一两成；比例可信，绝对值看不开计时的那一遍。

use std::path::Path;

use anyhow::{Context, Result};
use jianbao::typeset::world::Engine;

/// 汇总时列出的行数。
const TOP: usize = 12;

pub fn write(path: &Path, engine: &Engine) -> Result<()> {
    typst_timing::disable();
    let mut json = Vec::new();
    typst_timing::export_json(&mut json, |span| engine.span_line(span))
        .map_err(|e| anyhow::anyhow!("无法导出计时：{e}"))?;
    jianbao::base::output::write_atomic(path, &json)
        .with_context(|| format!("无法写出 {}", path.display()))?;
    let times = jianbao::typeset::timings::self_times_of(&json).context("计时记录无法读回")?;
    println!(
        "  分步计时（已写出 {}）：自身用时最多的步骤（按线程算，等别的线程算在外层步骤里）",
        path.display()
    );
    for (what, ms) in times.into_iter().take(TOP) {
        println!("    {ms:8.1} 毫秒  {what}");
    }
    Ok(())
}
