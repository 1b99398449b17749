//! jianbao 命令行。数据流：数据文件（load）→ 类型化模型（model）→ 规范化视图（present）
//! → typst 模板（typeset）→ PDF（render）→ 原子写出（output）；批量见 batch。

mod bench;
mod cli;
mod report;

use std::io::{IsTerminal, Write as _};
use std::process::ExitCode;
use std::time::Instant;

use clap::{CommandFactory, FromArgMatches};

use cli::{Cli, Command, CommonArgs};
use jianbao::batch::{self, Selection};
use jianbao::diag::Problems;
use jianbao::project::{self, Project};
use jianbao::typeset::world::Engine;
use jianbao::{output, present};

/// 退出码：0 成功，1 数据有问题，2 用法错误（clap），3 排版或写出失败。
const EXIT_DATA: u8 = 1;
const EXIT_USAGE: u8 = 2;
const EXIT_RENDER: u8 = 3;
/// 被 Ctrl-C 中断（130 = 128 + SIGINT，与 shell 的习惯一致）。
const EXIT_INTERRUPTED: u8 = 130;

pub enum Failure {
    Data(Problems),
    Render(Problems),
    Other(anyhow::Error),
    /// 运行环境或命令行的问题（如字体目录不存在），退出码 2。
    Setup(Problems),
    /// 问题已经逐条报告过，只需以这个退出码结束。
    Exit(u8),
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure::Other(e)
    }
}

fn main() -> ExitCode {
    let command = cli::localized(Cli::command()).arg(
        clap::Arg::new("version")
            .short('V')
            .long("version")
            .action(clap::ArgAction::Version)
            .help("显示版本")
            .help_heading("选项"),
    );
    let cli = match Cli::from_arg_matches(&command.get_matches()) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let result = match cli.command {
        Command::Build(args) => build(args),
        Command::ExportJson(args) => export_json(args),
        Command::Check(args) => check(args),
        Command::Batch(args) => run_batch(args),
        Command::Schema(args) => schema(args),
        Command::Bench(args) => bench::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Data(p)) => {
            eprintln!("数据有问题：\n{p}");
            ExitCode::from(EXIT_DATA)
        }
        Err(Failure::Render(p)) => {
            eprintln!("排版失败：\n{p}");
            ExitCode::from(EXIT_RENDER)
        }
        Err(Failure::Other(e)) => {
            eprintln!("错误：{e:#}");
            ExitCode::from(EXIT_RENDER)
        }
        Err(Failure::Setup(p)) => {
            eprintln!("设置有问题：\n{p}");
            ExitCode::from(EXIT_USAGE)
        }
        Err(Failure::Exit(code)) => ExitCode::from(code),
    }
}

/// 读入并规范化数据集。
pub fn prepare(common: &CommonArgs) -> Result<Project, Failure> {
    let dir = cli::data_dir(common.data.clone());
    let options = present::Options {
        paper: common.paper.clone(),
    };
    Project::load(&dir, &options).map_err(Failure::Data)
}

pub fn engine(common: &CommonArgs, project: &Project) -> Result<Engine, Failure> {
    let fonts = jianbao::typeset::fonts::load(&common.font_path).map_err(Failure::Setup)?;
    project::engine(fonts, common.templates.as_deref(), project).map_err(Failure::Data)
}

fn check(common: CommonArgs) -> Result<(), Failure> {
    let project = prepare(&common)?;
    engine(&common, &project)?;
    // 县区数据中的坏单元格只影响那个县区；check 把它们都列出来。
    let mut problems = Problems::default();
    if let Some(c) = &project.counties {
        for name in &c.names {
            if let Err(p) = project.view_for(Some(name)) {
                problems.0.extend(p.0);
            }
        }
    }
    if !problems.is_empty() {
        return Err(Failure::Data(problems));
    }
    let counties = project.counties.as_ref().map_or(0, |c| c.names.len());
    println!(
        "{}：数据无误（{} 个县区）。",
        project.data.dir.display(),
        counties
    );
    Ok(())
}

fn export_json(args: cli::ExportArgs) -> Result<(), Failure> {
    let project = prepare(&args.common)?;
    let view = project
        .view_for(args.county.as_deref())
        .map_err(Failure::Data)?;
    let json = serde_json::to_string_pretty(&view).expect("视图总能序列化");
    // 管道被下游提前关闭（如 `| head`）时安静退出，而不是崩溃。
    let _ = writeln!(std::io::stdout().lock(), "{json}");
    Ok(())
}

fn build(args: cli::BuildArgs) -> Result<(), Failure> {
    stop_on_ctrl_c();
    let project = prepare(&args.common)?;
    let view = project
        .view_for(args.county.as_deref())
        .map_err(Failure::Data)?;
    output::ensure_writable(&args.output.out)?;
    let engine = engine(&args.common, &project)?;
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

fn run_batch(args: cli::BatchArgs) -> Result<(), Failure> {
    stop_on_ctrl_c();
    let started = Instant::now();
    let project = prepare(&args.common)?;
    let regions = batch::regions(&project, &Selection::parse(&args.counties), args.shard)
        .map_err(Failure::Data)?;
    output::ensure_writable(&args.output.out)?;
    let engine = engine(&args.common, &project)?;
    let kinds = args.output.kinds();
    let jobs = args.jobs.unwrap_or_else(default_jobs);

    let bar = report::Progress::new(regions.len() * kinds.len(), std::io::stderr().is_terminal());
    let outcomes = batch::run(
        &project,
        &engine,
        &regions,
        &kinds,
        &args.output.out,
        jobs,
        &|n, total, o| bar.done(n, total, o),
    );
    bar.finish();

    let interrupted = interrupted();
    let manifest = batch::manifest(&project, &outcomes);
    let json = serde_json::to_vec_pretty(&manifest).expect("清单总能序列化");
    output::write_atomic(&args.output.out.join("manifest.json"), &json)?;
    report::table(&outcomes);
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

fn schema(args: cli::SchemaArgs) -> Result<(), Failure> {
    let all = jianbao::schema::all();
    if let Some(dir) = &args.out {
        for (name, schema) in &all {
            let path = dir.join(format!("{name}.schema.json"));
            output::write_atomic(&path, jianbao::schema::render(schema).as_bytes())?;
            println!("{}", path.display());
        }
        return Ok(());
    }
    let name = args.name.as_deref().unwrap_or("meta");
    match all.iter().find(|(n, _)| *n == name) {
        Some((_, schema)) => {
            let _ = write!(
                std::io::stdout().lock(),
                "{}",
                jianbao::schema::render(schema)
            );
            Ok(())
        }
        None => {
            let names: Vec<&str> = all.iter().map(|(n, _)| *n).collect();
            eprintln!("没有名为 “{name}” 的 Schema，可选：{}", names.join("、"));
            Err(Failure::Exit(2))
        }
    }
}

/// 第一次 Ctrl-C：不再开始新文档，正在排的写完；第二次：立即退出。两种情况都不会留下写了一半的 PDF，
/// 因为每个 PDF 都是先写临时文件再改名（立即退出时可能留下隐藏的 .jianbao-*.tmp）。
fn stop_on_ctrl_c() {
    let _ = ctrlc::set_handler(|| {
        if batch::CANCELLED.swap(true, std::sync::atomic::Ordering::SeqCst) {
            std::process::exit(EXIT_INTERRUPTED.into());
        }
        eprintln!("\n收到中断信号：正在排的文档写完后停止（再按一次立即退出）。");
    });
}

fn interrupted() -> bool {
    batch::CANCELLED.load(std::sync::atomic::Ordering::SeqCst)
}

pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
