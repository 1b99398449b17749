//! `jianbao build`：排出一个版本（全市版或某县区版）的简报手册和一页纸，或用 `--template` 选的模板排一份文档；
//! 可编号份数（`--copies`、`--recipients`），可另写骑马订拼版（`--impose saddle`）。

use std::time::Instant;

use jianbao::base::diag::{Problem, Problems};
use jianbao::base::output;
use jianbao::copies;
use jianbao::project::{self, Project};
use jianbao::typeset::Kind;
use jianbao::typeset::world::Engine;

use super::{EXIT_INTERRUPTED, Failure, engine, interrupted, prepare, stop_on_ctrl_c};
use crate::{cli, report};

pub fn run(mut args: cli::BuildArgs) -> Result<(), Failure> {
    stop_on_ctrl_c();
    super::applies::build(&args)?;
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
    let engine = engine(&args.common, &project)?
        .with_limits(args.output.limits())
        .with_standard(args.common.standard());
    let kinds = args.output.kinds();
    let copies = match (args.copies, &args.recipients) {
        (Some(n), _) => copies::numbered(n),
        (None, Some(list)) => {
            let copies = copies::from_recipients(list).map_err(Failure::Data)?;
            check_names(&engine, list, &copies)?;
            copies
        }
        (None, None) => Vec::new(),
    };
    // 先排好全部文档再写出：任何一份出错，都不留下任何 PDF。
    let mut done = Vec::new();
    if let Some(custom) = &custom {
        let started = Instant::now();
        let r = project
            .render_template(&engine, &view, custom)
            .map_err(Failure::Render)?;
        let name = format!("{}-{}.pdf", view.meta.edition_or_region(), custom.label);
        done.push((name, r, started.elapsed()));
    }
    for kind in kinds.into_iter().filter(|_| custom.is_none()) {
        if copies.is_empty() {
            let started = Instant::now();
            let r = project
                .render(&engine, &view, kind)
                .map_err(Failure::Render)?;
            done.push((Project::file_name(&view, kind), r, started.elapsed()));
        }
        for copy in &copies {
            if interrupted() {
                break;
            }
            let started = Instant::now();
            let r = project
                .render(&engine, &copies::view_of(&view, copy), kind)
                .map_err(Failure::Render)?;
            let name = copies::file_name(&Project::file_name(&view, kind), copy);
            done.push((name, r, started.elapsed()));
        }
    }
    if interrupted() {
        eprintln!("已中断，没有写出任何文件。");
        return Err(Failure::Exit(EXIT_INTERRUPTED));
    }
    if args.impose.is_some() {
        let opts = jianbao::postpress::SaddleOptions {
            creep_mm: args.creep.unwrap_or(0.0),
            marks: args.common.marks,
        };
        let mut imposed = Vec::new();
        for (name, r, _) in done
            .iter()
            .filter(|(n, _, _)| custom.is_some() || n.contains(Kind::Booklet.label()))
        {
            super::applies::imposable(name, r.pages)?;
            let started = Instant::now();
            let pdf = jianbao::postpress::impose_saddle(&r.pdf, &opts).map_err(|e| {
                Failure::Render(Problems(vec![Problem::new(
                    jianbao::base::diag::Origin::None,
                    "拼版",
                    format!("{name}：{e}"),
                )]))
            })?;
            let name = name.replacen(".pdf", "-拼版.pdf", 1);
            imposed.push((name, r.pages / 2, pdf, started.elapsed()));
        }
        for (name, sheets, pdf, took) in imposed {
            let path = args.output.out.join(&name);
            output::write_atomic(&path, &pdf)?;
            println!(
                "{}：{} 面（{} 张纸双面），{}，用时 {:.2} 秒",
                path.display(),
                sheets,
                sheets / 2,
                report::human_bytes(pdf.len()),
                took.as_secs_f64()
            );
        }
    }
    let findings: Vec<_> = done
        .iter()
        .flat_map(|(_, r, _)| r.findings.clone())
        .collect();
    super::print_findings(&findings);
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

/// 名单中的字也要有字体，否则份上印出方框。
fn check_names(
    engine: &Engine,
    list: &std::path::Path,
    copies: &[copies::Copy],
) -> Result<(), Failure> {
    let mut problems = Problems::default();
    for c in copies {
        let name = c.recipient.as_deref().unwrap_or("");
        for ch in engine.missing_chars(name) {
            problems.push(Problem::in_file(
                list,
                format!(
                    "“{name}”中的“{ch}”（U+{:04X}）字体中没有，印出来会是方框",
                    ch as u32
                ),
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Failure::Data(problems))
    }
}
