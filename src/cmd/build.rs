//! `jianbao build`：排出一个版本（全市版或某县区版）的简报手册和一页纸，或用 `--template` 选的模板排一份文档；
//! 可编号份数（`--copies`、`--recipients`），可另写骑马订拼版（`--impose saddle`）。

use std::io::IsTerminal;
use std::time::Instant;

use jianbao::base::diag::{Problem, Problems};
use jianbao::base::output;
use jianbao::copies::{self, Copies};
use jianbao::isolate::Workers;
use jianbao::present::view::View;
use jianbao::project::{self, Project};
use jianbao::render::{self, Press, Template, Written};
use jianbao::typeset::world::Engine;

use super::{
    EXIT_INTERRUPTED, Failure, default_jobs, engine, interrupted, prepare, stop_on_ctrl_c,
};
use crate::{cli, report};

pub fn run(mut args: cli::BuildArgs) -> Result<(), Failure> {
    stop_on_ctrl_c();
    super::applies::build(&args)?;
    // 编号份数在本进程里排（每份只差份号，排版缓存让其余各页直接复用）；其余都在工作进程里排。
    let numbering = args.copies.is_some() || args.recipients.is_some();
    let workers = (!numbering)
        .then(|| super::workers(&args.output))
        .transpose()?;
    let (project, engine, custom) = setup(&mut args)?;
    super::print_warnings(&project, 3);
    let view = project
        .view_for(args.county.as_deref())
        .map_err(Failure::Data)?;
    let _lock = output::lock(&args.output.out)?;
    let copies = match (args.copies, &args.recipients) {
        (Some(n), _) => Some(Copies::numbered(n).map_err(|m| {
            Failure::Setup(Problems(vec![Problem::new(
                jianbao::base::diag::Origin::None,
                "--copies",
                m,
            )]))
        })?),
        (None, Some(list)) => {
            let copies = copies::from_recipients(list).map_err(Failure::Data)?;
            check_names(&engine, list, &copies)?;
            Some(copies)
        }
        (None, None) => None,
    };
    let templates: Vec<Template> = match &custom {
        Some(c) => vec![c.template()],
        None => args
            .output
            .kinds()
            .into_iter()
            .map(Template::Builtin)
            .collect(),
    };
    let press = press(&args, &project, &engine);
    match (copies, workers) {
        (Some(copies), _) => numbered(&press, &view, &copies, &templates, &args.output.out),
        (None, Some(workers)) => {
            let county = args.county.as_deref();
            whole(&workers, county, &view, &templates, &args.output.out)
        }
        (None, None) => unreachable!("没有编号份数时已启动工作进程"),
    }
}

/// 数据、字体与模板：命令本身和它的工作进程（[`jianbao::isolate`]）都这样准备，排出的文档才一样。
fn setup(
    args: &mut cli::BuildArgs,
) -> Result<(Project, Engine, Option<project::CustomTemplate>), Failure> {
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
    let engine = engine(&args.common, &project)?
        .with_limits(args.output.limits())
        .with_standard(args.common.standard());
    Ok((project, engine, custom))
}

fn press(args: &cli::BuildArgs, project: &Project, engine: &Engine) -> Press {
    let impose = args
        .impose
        .is_some()
        .then(|| jianbao::postpress::SaddleOptions {
            creep_mm: args.creep.unwrap_or(0.0),
            marks: args.common.marks,
        });
    project.press(engine).with_impose(impose)
}

/// 工作进程：与命令同样准备好，然后排主进程交来的文档。
pub fn worker(mut args: cli::BuildArgs) -> Result<(Project, Press), Failure> {
    let (project, engine, _) = setup(&mut args)?;
    let press = press(&args, &project, &engine);
    Ok((project, press))
}

/// 没有编号份数：几种文档同时排（各在一个有内存上限的工作进程里），全部排好再写出，任何一份出错都不留下任何 PDF。
fn whole(
    workers: &Workers,
    county: Option<&str>,
    view: &View,
    templates: &[Template],
    out: &std::path::Path,
) -> Result<(), Failure> {
    let started = Instant::now();
    let done = render::render_all(workers, county, view, templates, default_jobs());
    if interrupted() {
        eprintln!("已中断，没有写出任何文件。");
        return Err(Failure::Exit(EXIT_INTERRUPTED));
    }
    let took = started.elapsed();
    let done = done.map_err(failure)?;
    let findings: Vec<_> = done.iter().flat_map(|r| r.findings.clone()).collect();
    super::print_findings(&findings);
    for (template, r) in templates.iter().zip(done) {
        let w = r.write(&out.join(template.file_name(view)))?;
        print_written(&w);
    }
    println!(
        "共 {} 份文档，排版与导出用时 {:.2} 秒",
        templates.len(),
        took.as_secs_f64()
    );
    Ok(())
}

/// 编号份数：逐份排、排好即写出，内存不随份数增长；先说明份数和上限，过程中显示进度。
fn numbered(
    press: &Press,
    view: &View,
    copies: &Copies,
    templates: &[Template],
    out: &std::path::Path,
) -> Result<(), Failure> {
    let total = copies.len() * templates.len();
    let jobs = default_jobs();
    println!(
        "编号 {} 份（份号最多 {} 份），每份 {} 种文档，共 {total} 个文件；{jobs} 个线程，每份排好即写出到 {}",
        copies.len(),
        copies::MAX_COPIES,
        templates.len(),
        out.display()
    );
    let started = Instant::now();
    let terminal = std::io::stderr().is_terminal();
    let bar = report::Progress::new(total, terminal);
    // 版面检查的发现各份相同：只留第一份的，不随份数攒起来。
    let findings = std::sync::Mutex::new(Vec::new());
    let result = copies::run(press, view, copies, templates, out, jobs, &|n, total, w| {
        if w.path.to_string_lossy().ends_with("-000001.pdf") {
            findings
                .lock()
                .expect("锁未中毒")
                .extend(w.findings.iter().cloned());
        }
        let name = w.path.file_name().unwrap_or_default().to_string_lossy();
        bar.step(n, total, format!("{name}：{} 页", w.pages));
        for warning in &w.warnings {
            bar.println(warning);
        }
    });
    bar.finish();
    super::print_findings(&findings.into_inner().expect("锁未中毒"));
    let written = result.map_err(failure)?;
    if interrupted() {
        eprintln!("已中断：写出 {written} 个文件（共 {total} 个），都是完整的。");
        return Err(Failure::Exit(EXIT_INTERRUPTED));
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "已写出 {written} 个文件到 {}，用时 {secs:.2} 秒，每份 {:.0} 毫秒",
        out.display(),
        secs * 1000.0 / copies.len() as f64
    );
    Ok(())
}

/// 拼不成版（页数不是 4 的倍数）是选项用不上，属用法问题（退出码 2）；其余是排版失败。
fn failure(p: Problems) -> Failure {
    if p.0
        .iter()
        .any(|x| x.field == jianbao::render::IMPOSE_OPTION)
    {
        Failure::Setup(p)
    } else {
        Failure::Render(p)
    }
}

fn print_written(w: &Written) {
    for warning in &w.warnings {
        eprintln!("{warning}");
    }
    println!(
        "{}：{} 页，{}",
        w.path.display(),
        w.pages,
        report::human_bytes(w.bytes)
    );
    if let Some((path, sides, bytes)) = &w.imposed {
        println!(
            "{}：{} 面（{} 张纸双面），{}",
            path.display(),
            sides,
            sides / 2,
            report::human_bytes(*bytes)
        );
    }
}

/// 名单中的字也要有字体，否则份上印出方框。
fn check_names(engine: &Engine, list: &std::path::Path, copies: &Copies) -> Result<(), Failure> {
    let mut problems = Problems::default();
    for name in copies.names() {
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
