//! `jianbao batch`：一个进程排出全市版和各县区版，写出清单。

use std::io::IsTerminal;
use std::time::Instant;

use jianbao::base::output;
use jianbao::batch::{self, Selection};
use jianbao::project::Project;
use jianbao::render::Press;
use jianbao::typeset::world::Engine;

use super::{
    EXIT_DATA, EXIT_INTERRUPTED, EXIT_RENDER, Failure, default_jobs, engine, interrupted, prepare,
    stop_on_ctrl_c,
};
use crate::{cli, report};

pub fn run(args: cli::BatchArgs) -> Result<(), Failure> {
    stop_on_ctrl_c();
    let started = Instant::now();
    let workers = super::workers(&args.output)?;
    let (project, _) = setup(&args)?;
    super::print_warnings(&project, 3);
    let regions = batch::regions(&project, &Selection::parse(&args.counties), args.shard)
        .map_err(Failure::Data)?;
    let _lock = output::lock(&args.output.out)?;
    // 旧清单先删掉：本次运行若被强行终止（SIGKILL、断电），不会留下与目录不符的清单。
    let manifest_path = args.output.out.join("manifest.json");
    match std::fs::remove_file(&manifest_path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(Failure::Other(anyhow::anyhow!(
                "无法删除旧清单 {}：{}",
                manifest_path.display(),
                jianbao::base::diag::os_error(&e)
            )));
        }
        _ => {}
    }
    let kinds = args.output.kinds();
    let jobs = args.jobs.unwrap_or_else(default_jobs);

    let bar = report::Progress::new(regions.len() * kinds.len(), std::io::stderr().is_terminal());
    let outcomes = batch::run(
        &project,
        &workers,
        &regions,
        &kinds,
        &args.output.out,
        jobs,
        &|n, total, o| bar.done(n, total, o),
    );
    bar.finish();

    let interrupted = interrupted();
    let manifest = batch::manifest(&project, &outcomes, &args.output.out);
    let json = serde_json::to_vec_pretty(&manifest).expect("清单总能序列化");
    output::write_atomic(&manifest_path, &json)?;
    report::table(&outcomes);
    let findings: Vec<_> = outcomes
        .iter()
        .flat_map(|o| match &o.result {
            batch::OutcomeResult::Written { findings, .. } => findings.clone(),
            batch::OutcomeResult::Failed { .. } => Vec::new(),
        })
        .collect();
    super::print_findings(&findings);
    if interrupted {
        eprintln!(
            "已中断：完成 {} 份，未开始 {} 份；已写出的 PDF 都是完整的。",
            outcomes.len(),
            regions.len() * kinds.len() - outcomes.len()
        );
        return Err(Failure::Exit(EXIT_INTERRUPTED));
    }
    let failed = outcomes.iter().filter(|o| !o.ok()).count();
    println!(
        "共 {} 份文档，成功 {}，失败 {}；{} 个线程，总用时 {:.2} 秒；清单：{}",
        outcomes.len(),
        outcomes.len() - failed,
        failed,
        jobs,
        started.elapsed().as_secs_f64(),
        args.output.out.join("manifest.json").display()
    );
    if failed > 0 {
        eprintln!("\n失败的文档：");
        let mut data_problem = false;
        for o in outcomes.iter().filter(|o| !o.ok()) {
            if let batch::OutcomeResult::Failed { stage, problems } = &o.result {
                data_problem |= *stage == batch::Stage::Data;
                eprintln!("【{} {}】", o.region, o.kind.label());
                for p in problems {
                    eprintln!("{p}");
                }
            }
        }
        return Err(Failure::Exit(if data_problem {
            EXIT_DATA
        } else {
            EXIT_RENDER
        }));
    }
    Ok(())
}

/// 数据、字体与模板：命令本身和它的工作进程（[`jianbao::isolate`]）都这样准备。
/// 主进程不排版，但也要准备好字体：缺字、字体不合用在任何文档开排之前就报出来。
fn setup(args: &cli::BatchArgs) -> Result<(Project, Engine), Failure> {
    let project = prepare(&args.common)?;
    let engine = engine(&args.common, &project)?
        .with_limits(args.output.limits())
        .with_standard(args.common.standard());
    Ok((project, engine))
}

/// 工作进程：与命令同样准备好，然后排主进程交来的文档。
pub fn worker(args: cli::BatchArgs) -> Result<(Project, Press), Failure> {
    let (project, engine) = setup(&args)?;
    let press = project.press(&engine);
    Ok((project, press))
}
