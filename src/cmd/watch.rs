//! `jianbao watch`：数据文件、表格或模板一保存就重排。字体和排版引擎（含 typst 的缓存）只准备一次；
//! 出错时就地打印与 `check` 相同的“文件:行:列”报告，上一版好的 PDF 保留不动——
//! 与 `build` 一样，全部文档排好之后才写出。

use std::path::{Path, PathBuf};
use std::time::Instant;

use jianbao::base::output;
use jianbao::changes::{Changes, Next, absolute};
use jianbao::present;
use jianbao::project::{self, Project};
use jianbao::render::Template;
use jianbao::typeset::Kind;
use jianbao::typeset::templates::Templates;
use jianbao::typeset::world::Engine;

use super::Failure;
use crate::{cli, report};

pub fn run(args: cli::WatchArgs) -> Result<(), Failure> {
    let common = &args.common;
    let dir = cli::data_dir(common.data.clone());
    let _lock = output::lock(&args.out)?;
    let fonts = jianbao::typeset::fonts::load(&common.font_path).map_err(Failure::Setup)?;
    let templates = Templates::locate(common.templates.as_deref());
    let template_dir = match &templates {
        Templates::Disk(d) => Some(d.clone()),
        Templates::Embedded => None,
    };
    let engine = Engine::new(fonts, templates).with_standard(common.standard());
    let options = super::options(common);

    let mut watched = vec![dir.clone()];
    watched.extend(template_dir.clone());
    let mut changes = Changes::new(watched, &args.out)?;
    let watching = format!(
        "正在监视 {}{}：保存数据、表格或模板即重排，输出到 {}。",
        dir.display(),
        template_dir
            .as_ref()
            .map(|t| format!(" 和模板 {}", t.display()))
            .unwrap_or_default(),
        args.out.display()
    );
    println!("{watching}按 Ctrl-C 结束。");
    rebuild(&engine, &dir, &options, &args, None);
    loop {
        match changes.wait() {
            Next::Changed(changed) => {
                rebuild(&engine, &dir, &options, &args, Some(&changed));
                println!("{watching}");
            }
            Next::Replaced {
                notes,
                rebuild: again,
            } => {
                for n in notes {
                    println!("\n{n}");
                }
                if again {
                    rebuild(&engine, &dir, &options, &args, None);
                    println!("{watching}");
                }
            }
            Next::Closed => break,
        }
    }
    Ok(())
}

/// 读数据、排全部文档；都成功才写出。返回是否写出了新的 PDF。
fn rebuild(
    engine: &Engine,
    dir: &Path,
    options: &present::Options,
    args: &cli::WatchArgs,
    changed: Option<&[PathBuf]>,
) -> bool {
    let started = Instant::now();
    if let Some(files) = changed {
        let names: Vec<String> = files
            .iter()
            .map(|f| {
                absolute(f)
                    .strip_prefix(absolute(dir))
                    .unwrap_or(f)
                    .display()
                    .to_string()
            })
            .collect();
        println!("\n改动：{}", names.join("、"));
    }
    engine.forget_sources();
    let project = match Project::load(dir, options) {
        Ok(p) => p,
        Err(p) => return failed("数据有问题", &p),
    };
    let view = match project.view_for(args.county.as_deref()) {
        Ok(v) => v,
        Err(p) => return failed("数据有问题", &p),
    };
    if let Err(p) = project::check_fonts(engine.fonts(), &project) {
        return failed("数据有问题", &p);
    }
    // 与 build 同一条路径：全部排好、通过检查之后才写出。
    let press = project.press(engine);
    let templates = Kind::ALL.map(Template::Builtin);
    let done =
        match jianbao::render::render_all(&press, None, &view, &templates, super::default_jobs()) {
            Ok(done) => templates
                .iter()
                .map(|t| t.file_name(&view))
                .zip(done)
                .collect::<Vec<_>>(),
            Err(p) => return failed("排版失败", &p),
        };
    let mut lines = Vec::new();
    for (name, r) in done {
        let w = match r.write(&args.out.join(name)) {
            Ok(w) => w,
            Err(e) => {
                eprintln!("写出失败：{e:#}");
                return false;
            }
        };
        for warning in &w.warnings {
            eprintln!("{warning}");
        }
        lines.push(format!(
            "{}（{} 页，{}）",
            w.path.display(),
            w.pages,
            report::human_bytes(w.bytes)
        ));
    }
    println!(
        "已重排，用时 {:.2} 秒：{}",
        started.elapsed().as_secs_f64(),
        lines.join("，")
    );
    true
}

fn failed(what: &str, problems: &jianbao::base::diag::Problems) -> bool {
    eprintln!("{what}：\n{problems}");
    println!("没有写出：上一版 PDF 保留不动。改好保存后自动重排。");
    false
}
