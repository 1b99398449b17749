//! jianbao：数据文件 → 类型化模型（load）→ 规范化视图（present）→ typst 模板（typeset）→ PDF（render、output）。

mod cli;

use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Result;
use clap::{CommandFactory, FromArgMatches};

use cli::{Cli, Command, CommonArgs};
use jianbao::diag::Problems;
use jianbao::project::{self, Project};
use jianbao::typeset::Kind;
use jianbao::typeset::world::Engine;
use jianbao::{output, present};

/// 退出码：0 成功，1 数据有问题，2 用法错误（clap），3 排版或写出失败。
const EXIT_DATA: u8 = 1;
const EXIT_RENDER: u8 = 3;

enum Failure {
    Data(Problems),
    Render(Problems),
    Other(anyhow::Error),
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
        Command::ExportJson(args) => export_json(args.common),
        Command::Check(args) => check(args),
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
    }
}

/// 读入并规范化数据集。
fn prepare(common: &CommonArgs) -> Result<Project, Failure> {
    let dir = cli::data_dir(common.data.clone());
    let options = present::Options {
        paper: common.paper.clone(),
    };
    Project::load(&dir, &options).map_err(Failure::Data)
}

fn engine(common: &CommonArgs, project: &Project) -> Result<Engine, Failure> {
    project::engine(
        &common.font_path,
        common.templates.as_deref(),
        &project.view,
    )
    .map_err(Failure::Data)
}

fn check(common: CommonArgs) -> Result<(), Failure> {
    let project = prepare(&common)?;
    engine(&common, &project)?;
    println!("{}：数据无误。", project.data.dir.display());
    Ok(())
}

fn export_json(common: CommonArgs) -> Result<(), Failure> {
    let project = prepare(&common)?;
    let json = serde_json::to_string_pretty(&project.view).expect("视图总能序列化");
    // 管道被下游提前关闭（如 `| head`）时安静退出，而不是崩溃。
    let _ = writeln!(std::io::stdout().lock(), "{json}");
    Ok(())
}

fn build(args: cli::BuildArgs) -> Result<(), Failure> {
    let project = prepare(&args.common)?;
    output::ensure_writable(&args.out)?;
    let engine = engine(&args.common, &project)?;
    let kinds: Vec<Kind> = args.only.map_or(Kind::ALL.to_vec(), |k| vec![k]);
    // 先排好全部文档再写出：任何一份出错，都不留下任何 PDF。
    let mut done = Vec::new();
    for kind in kinds {
        let started = Instant::now();
        let r = project.render(&engine, kind).map_err(Failure::Render)?;
        done.push((kind, r, started.elapsed()));
    }
    for (kind, r, took) in done {
        let path = args.out.join(project.file_name(kind));
        output::write_atomic(&path, &r.pdf)?;
        for w in &r.warnings {
            eprintln!("{w}");
        }
        println!(
            "{}：{} 页，{}，用时 {:.2} 秒",
            display(&path),
            r.pages,
            human_bytes(r.pdf.len()),
            took.as_secs_f64()
        );
    }
    Ok(())
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

fn human_bytes(n: usize) -> String {
    if n >= 1 << 20 {
        format!("{:.1} MB", n as f64 / (1 << 20) as f64)
    } else {
        format!("{} KB", n.div_ceil(1024))
    }
}
