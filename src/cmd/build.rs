//! `jianbao build`：排出一个版本（全市版或某县区版）的简报手册和一页纸，或用 `--template` 选的模板排一份文档。

use std::time::Instant;

use jianbao::base::output;
use jianbao::project::{self, Project};

use super::{EXIT_INTERRUPTED, Failure, engine, interrupted, prepare, stop_on_ctrl_c};
use crate::{cli, report};

pub fn run(mut args: cli::BuildArgs) -> Result<(), Failure> {
    stop_on_ctrl_c();
    let custom = match &args.template {
        Some(t) => Some(
            project::custom_template(t, args.common.templates.as_deref())
                .map_err(Failure::Setup)?,
        ),
        None => None,
    };
    if let Some(root) = custom.as_ref().and_then(|c| c.root.clone()) {
        args.common.templates = Some(root);
    }
    let project = prepare(&args.common)?;
    let view = project
        .view_for(args.county.as_deref())
        .map_err(Failure::Data)?;
    let _lock = output::lock(&args.output.out)?;
    let engine = engine(&args.common, &project)?.with_limits(args.output.limits());
    // 先排好全部文档再写出：任何一份出错，都不留下任何 PDF。
    let mut done = Vec::new();
    if let Some(custom) = &custom {
        let started = Instant::now();
        let r = project
            .render_template(&engine, &view, custom)
            .map_err(Failure::Render)?;
        let name = format!("{}-{}.pdf", view.meta.edition_or_region(), custom.label);
        done.push((name, r, started.elapsed()));
    } else {
        for kind in args.output.kinds() {
            let started = Instant::now();
            let r = project
                .render(&engine, &view, kind)
                .map_err(Failure::Render)?;
            done.push((Project::file_name(&view, kind), r, started.elapsed()));
        }
    }
    if interrupted() {
        eprintln!("已中断，没有写出任何文件。");
        return Err(Failure::Exit(EXIT_INTERRUPTED));
    }
    for (name, r, took) in done {
        let path = args.output.out.join(name);
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
