//! `jianbao watch`：数据文件、表格或模板一保存就重排。字体和排版引擎（含 typst 的缓存）只准备一次；
//! 出错时就地打印与 `check` 相同的“文件:行:列”报告，上一版好的 PDF 保留不动——
//! 与 `build` 一样，全部文档排好之后才写出。

use std::path::{Path, PathBuf};
use std::time::Instant;

use jianbao::base::output;
use jianbao::changes::{Changes, Next, absolute};
use jianbao::isolate::{DEFAULT_MEMORY, Workers};
use jianbao::present;
use jianbao::project::{self, Project};
use jianbao::render::{self, Template};
use jianbao::typeset::Kind;
use jianbao::typeset::templates::Templates;
use jianbao::typeset::world::{Engine, Limits};

use super::Failure;
use crate::{cli, report};

pub fn run(args: cli::WatchArgs) -> Result<(), Failure> {
    // 排版在一个常驻的工作进程里（有内存上限，失控的模板不会拖垮 watch）：每次重排它先重读数据和模板，
    // 排版缓存一直留着，改一处只重排受影响的部分。
    let memory = args.max_memory.unwrap_or(DEFAULT_MEMORY);
    let workers = Workers::new(Some(memory), Limits::default().time)
        .map(Workers::warm)
        .map_err(|e| {
            Failure::Other(anyhow::anyhow!(
                "无法启动排版进程：{}",
                jianbao::base::diag::os_error(&e)
            ))
        })?;
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
    let w = Watch {
        engine: &engine,
        workers: &workers,
        dir: &dir,
        options: &options,
        args: &args,
    };
    w.rebuild(None);
    loop {
        match changes.wait() {
            Next::Changed(changed) => {
                workers.reload();
                w.rebuild(Some(&changed));
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
                    workers.reload();
                    w.rebuild(None);
                    println!("{watching}");
                }
            }
            Next::Closed => break,
        }
    }
    Ok(())
}

/// 一次 watch 的设置：主进程的字体（排版前查缺字）、工作进程、数据目录、选项。
struct Watch<'a> {
    engine: &'a Engine,
    workers: &'a Workers,
    dir: &'a Path,
    options: &'a present::Options,
    args: &'a cli::WatchArgs,
}

impl Watch<'_> {
    /// 读数据、排全部文档；都成功才写出。返回是否写出了新的 PDF。
    fn rebuild(&self, changed: Option<&[PathBuf]>) -> bool {
        let (dir, args) = (self.dir, self.args);
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
        let project = match Project::load(dir, self.options) {
            Ok(p) => p,
            Err(p) => return failed("数据有问题", &p),
        };
        let view = match project.view_for(args.county.as_deref()) {
            Ok(v) => v,
            Err(p) => return failed("数据有问题", &p),
        };
        if let Err(p) = project::check_fonts(self.engine, &project) {
            return failed("数据有问题", &p);
        }
        // 与 build 同一条路径：全部排好、通过检查之后才写出。
        let templates = Kind::ALL.map(Template::Builtin);
        let county = args.county.as_deref();
        let jobs = super::default_jobs();
        let done = match render::render_all(self.workers, county, &view, &templates, jobs) {
            Ok(done) => templates
                .iter()
                .map(|t| t.file_name(&view))
                .zip(done)
                .collect::<Vec<_>>(),
            Err(p) => return failed("排版失败", &p),
        };
        write(args, done, started)
    }
}

/// 写出排好的文档并报告。
fn write(
    args: &cli::WatchArgs,
    done: Vec<(String, jianbao::render::Rendered)>,
    started: Instant,
) -> bool {
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

/// 工作进程：准备与 watch 相同的字体和模板，每次重排前重读数据（模板的源码也重读，排版缓存保留）。
pub fn worker(args: cli::WatchArgs, memory: Option<u64>) -> Result<std::io::Result<()>, Failure> {
    let common = &args.common;
    let dir = cli::data_dir(common.data.clone());
    let fonts = jianbao::typeset::fonts::load(&common.font_path).map_err(Failure::Setup)?;
    let engine = Engine::new(fonts, Templates::locate(common.templates.as_deref()))
        .with_standard(common.standard());
    let options = super::options(common);
    let load = || {
        engine.forget_sources();
        let project = Project::load(&dir, &options)?;
        let press = project.press(&engine);
        Ok((project, press))
    };
    Ok(jianbao::isolate::serve(load(), Some(&load), memory))
}

fn failed(what: &str, problems: &jianbao::base::diag::Problems) -> bool {
    eprintln!("{what}：\n{problems}");
    println!("没有写出：上一版 PDF 保留不动。改好保存后自动重排。");
    false
}
