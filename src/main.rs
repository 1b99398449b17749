//! jianbao：数据文件 → 类型化模型（load）→ 规范化视图（present）→ typst 模板（typeset）→ PDF（render、output）。

mod cli;
mod diag;
mod load;
mod model;
mod output;
mod present;
mod render;
mod typeset;

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Result;
use clap::Parser;

use cli::{Cli, Command, CommonArgs};
use diag::Problems;
use load::DataSet;
use present::view::View;
use typeset::Kind;
use typeset::world::Engine;

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
    let cli = Cli::parse();
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
fn prepare(common: &CommonArgs) -> Result<(DataSet, View), Failure> {
    let dir = cli::data_dir(common.data.clone());
    let data = DataSet::load(&dir).map_err(Failure::Data)?;
    let options = present::Options {
        paper: common.paper.clone(),
    };
    let view = present::present(&data, &options).map_err(Failure::Data)?;
    Ok((data, view))
}

/// 字体、模板只准备一次；主题点名的字体必须都在。
fn engine(common: &CommonArgs, view: &View) -> Result<Engine, Failure> {
    let fonts = typeset::fonts::load(&common.font_path).map_err(Failure::Data)?;
    let f = &view.render.fonts;
    let roles: [(&str, &[String]); 4] = [
        ("song", &f.song),
        ("hei", &f.hei),
        ("kai", &f.kai),
        ("title", &f.title),
    ];
    typeset::fonts::check_families(&fonts, &roles).map_err(Failure::Data)?;
    let templates = typeset::templates::Templates::locate(common.templates.as_deref());
    Ok(Engine::new(fonts, templates))
}

fn check(common: CommonArgs) -> Result<(), Failure> {
    let (data, view) = prepare(&common)?;
    engine(&common, &view)?;
    println!("{}：数据无误。", data.dir.display());
    Ok(())
}

fn export_json(common: CommonArgs) -> Result<(), Failure> {
    let (_, view) = prepare(&common)?;
    println!(
        "{}",
        serde_json::to_string_pretty(&view).expect("视图总能序列化")
    );
    Ok(())
}

fn build(args: cli::BuildArgs) -> Result<(), Failure> {
    let (data, view) = prepare(&args.common)?;
    output::ensure_writable(&args.out)?;
    let engine = engine(&args.common, &view)?;
    let date = present::to_naive(data.meta.value.meta.date.get_ref()).expect("已校验");
    let kinds: Vec<Kind> = args.only.map_or(Kind::ALL.to_vec(), |k| vec![k]);
    for kind in kinds {
        let started = Instant::now();
        let name = format!("{}-{}.pdf", view.meta.region, kind.label());
        let ident = format!("jianbao/{}/{}", view.meta.region, kind.label());
        let r = render::render(&engine, &view, kind, Some(data.dir.clone()), date, &ident)
            .map_err(Failure::Render)?;
        let path = args.out.join(&name);
        output::write_atomic(&path, &r.pdf)?;
        for w in &r.warnings {
            eprintln!("{w}");
        }
        println!(
            "{}：{} 页，{}，用时 {:.2} 秒",
            display(&path),
            r.pages,
            human_bytes(r.pdf.len()),
            started.elapsed().as_secs_f64()
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
