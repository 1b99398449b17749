//! `jianbao build`：排出一个版本（全市版或某县区版）的简报手册和一页纸。

use std::time::Instant;

use jianbao::base::output;
use jianbao::project::Project;

use super::{EXIT_INTERRUPTED, Failure, engine, interrupted, prepare, stop_on_ctrl_c};
use crate::{cli, report};

pub fn run(args: cli::BuildArgs) -> Result<(), Failure> {
    stop_on_ctrl_c();
    let project = prepare(&args.common)?;
    let view = project
        .view_for(args.county.as_deref())
        .map_err(Failure::Data)?;
    let _lock = output::lock(&args.output.out)?;
    let engine = engine(&args.common, &project)?.with_limits(args.output.limits());
    let kinds = args.output.kinds();
    // 先排好全部文档再写出：任何一份出错，都不留下任何 PDF。
    let mut done = Vec::new();
    for kind in kinds {
        let started = Instant::now();
        let r = project
            .render(&engine, &view, kind)
            .map_err(Failure::Render)?;
        done.push((kind, r, started.elapsed()));
    }
    if interrupted() {
        eprintln!("已中断，没有写出任何文件。");
        return Err(Failure::Exit(EXIT_INTERRUPTED));
    }
    for (kind, r, took) in done {
        let path = args.output.out.join(Project::file_name(&view, kind));
        output::write_atomic(&path, &r.pdf)?;
        for w in &r.warnings {
            eprintln!("{w}");
        }
        println!(
            "{}：{} 页，{}，用时 {:.2} 秒",
            path.display(),
            r.pages,
            report::human_bytes(r.pdf.len()),
            took.as_secs_f64()
        );
    }
    Ok(())
}
