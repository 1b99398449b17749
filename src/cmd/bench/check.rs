//! `jianbao bench --check`：随处可跑的速度回归守卫（`.ci/run` 在测试之后运行它）。
//!
//! 不和固定的秒数比（机器快慢、是否空闲都会变），而在同一个进程、同一次运行里和一个参照比：
//! 同样的文档，每份用一台新的排版引擎（重新扫描字体、重新解析模板）并清空 typst 的缓存，
//! 相当于每份文档启动一次程序。参照随机器一起变快变慢；批量路径丢掉了跨文档的复用
//! （字体、模板、排版缓存）时，两者之比就会跌破下限。

use std::path::Path;
use std::time::{Duration, Instant};

use jianbao::batch::{self, Region, Selection};
use jianbao::project::Project;
use jianbao::render::{Press, Template};
use jianbao::typeset::Kind;
use jianbao::typeset::templates::Templates;
use jianbao::typeset::world::Engine;

use crate::cli::CommonArgs;
use crate::cmd::Failure;

/// 批量的速度至少是参照的这么多倍。2 核机器上，同一台机器：县区版复用全市版排版结果时 2.14–2.74 倍
/// （13 次，最低的一次在整套测试刚跑完时）；丢掉这种复用时（县区版的样式链与全市版不同，如把县区名写进文首的
/// set document）1.79–1.84 倍——下限 1.95 落在两者之间，两边各留一点余量。每份都重新读字体、解析模板时，
/// 批量做的就是参照的事，比值落到 1 附近。
pub const FLOOR: f64 = 1.95;
/// 两边各跑几轮，各取最快的一轮：别的进程抢走处理器时，慢的那几轮不算。
const ROUNDS: usize = 3;

pub fn run(project: &Project, common: &CommonArgs, engine: &Engine) -> Result<(), Failure> {
    let regions = batch::regions(project, &Selection::All, None).map_err(Failure::Data)?;
    let work = tempfile::tempdir().map_err(|e| anyhow::anyhow!("无法创建临时目录：{e}"))?;
    let docs = regions.len() * Kind::ALL.len();
    let press = project.press(engine);
    let mut shared = Vec::new();
    let mut fresh = Vec::new();
    for round in 0..ROUNDS {
        let out = work.path().join(format!("batch-{round}"));
        shared.push(batch_once(project, &press, &regions, &out)?);
        let out = work.path().join(format!("fresh-{round}"));
        fresh.push(fresh_once(project, common, &regions, &out)?);
    }
    let best = |v: &[Duration]| v.iter().min().copied().unwrap_or_default().as_secs_f64();
    let (shared, fresh) = (best(&shared), best(&fresh));
    let ratio = fresh / shared;
    println!(
        "速度守卫：{docs} 份文档（单线程，各跑 {ROUNDS} 轮取最快）\n  \
         批量（一台引擎，共享缓存）：{shared:.2} 秒，每秒 {:.1} 份\n  \
         参照（每份一台新引擎，清空缓存）：{fresh:.2} 秒，每秒 {:.1} 份\n  \
         批量是参照的 {ratio:.2} 倍，下限 {FLOOR:.2} 倍",
        docs as f64 / shared,
        docs as f64 / fresh,
    );
    if ratio < FLOOR {
        return Err(Failure::Other(anyhow::anyhow!(
            "速度回归：批量只是参照的 {ratio:.2} 倍，低于下限 {FLOOR:.2} 倍。\
             多半是跨文档的复用（字体、模板、typst 排版缓存）丢了；用 jianbao bench 细看"
        )));
    }
    println!("  通过");
    Ok(())
}

/// 批量路径本身：单线程，免得结果随核数和别的进程变化。
fn batch_once(
    project: &Project,
    press: &Press,
    regions: &[Region],
    out: &Path,
) -> Result<Duration, Failure> {
    let started = Instant::now();
    let outcomes = batch::run(project, press, regions, &Kind::ALL, out, 1, &|_, _, _| {});
    let took = started.elapsed();
    if let Some(f) = outcomes.iter().find(|o| !o.ok()) {
        return Err(Failure::Other(anyhow::anyhow!(
            "速度守卫中 {} {} 失败：{:?}",
            f.region,
            f.kind.label(),
            f.result
        )));
    }
    Ok(took)
}

/// 参照：每份文档一台新引擎、清空的缓存，和批量写出同样的文件。
fn fresh_once(
    project: &Project,
    common: &CommonArgs,
    regions: &[Region],
    out: &Path,
) -> Result<Duration, Failure> {
    let started = Instant::now();
    for region in regions {
        let view = project.view_for(region.as_deref()).map_err(Failure::Data)?;
        for kind in Kind::ALL {
            typst::comemo::evict(0);
            let fonts = jianbao::typeset::fonts::load(&common.font_path).map_err(Failure::Setup)?;
            let engine = Engine::new(fonts, Templates::locate(common.templates.as_deref()));
            let press = Press::new(engine, Some(project.data.dir.clone()), project.date);
            let path = batch::output_path(out, region, &Project::file_name(&view, kind));
            press
                .write(&view, &Template::Builtin(kind), &path)
                .map_err(Failure::Render)?;
        }
    }
    Ok(started.elapsed())
}
