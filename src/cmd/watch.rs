//! `jianbao watch`：数据文件、表格或模板一保存就重排。字体和排版引擎（含 typst 的缓存）只准备一次；
//! 出错时就地打印与 `check` 相同的“文件:行:列”报告，上一版好的 PDF 保留不动——
//! 与 `build` 一样，全部文档排好之后才写出。

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use jianbao::base::output;
use jianbao::present;
use jianbao::project::{self, Project};
use jianbao::render::Template;
use jianbao::typeset::Kind;
use jianbao::typeset::templates::Templates;
use jianbao::typeset::world::Engine;
use notify_debouncer_mini::notify::RecursiveMode;
use notify_debouncer_mini::{DebounceEventResult, new_debouncer};

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

    let (tx, rx) = mpsc::channel::<DebounceEventResult>();
    let mut debouncer = new_debouncer(Duration::from_millis(80), tx)
        .map_err(|e| anyhow::anyhow!("无法监视文件改动：{e}"))?;
    let mut watched = vec![dir.clone()];
    watched.extend(template_dir.clone());
    for d in &watched {
        debouncer
            .watcher()
            .watch(d, RecursiveMode::Recursive)
            .map_err(|e| anyhow::anyhow!("无法监视 {}：{e}", d.display()))?;
    }
    let mut folders = Folders::new(&watched);
    let out_abs = absolute(&args.out);
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
    // 每个文件的修改时间和大小：只读不写（包括 jianbao 自己读文件）也会触发事件，以此分辨真正的改动。
    let mut seen: HashMap<PathBuf, Option<Stamp>> = HashMap::new();
    for d in &watched {
        snapshot(&absolute(d), &mut seen);
    }
    rebuild(&engine, &dir, &options, &args, None);
    loop {
        let first = match rx.recv_timeout(FOLDER_CHECK) {
            Ok(first) => first,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                // 目录被删掉重建、改名换掉（git checkout、rsync --delete）时，旧目录上的监视不会再有事件：
                // 定时看一眼目录是不是还是原来那个，换了就重新监视并重排。
                if folders.replaced(debouncer.watcher()) && dir.is_dir() {
                    seen.clear();
                    for d in &watched {
                        snapshot(&absolute(d), &mut seen);
                    }
                    rebuild(&engine, &dir, &options, &args, None);
                    println!("{watching}");
                }
                continue;
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        };
        // 一次保存常触发好几个事件（编辑器先写临时文件再改名）：把已到的都收下，只排一次。
        let mut events = relevant(first, &out_abs);
        while let Ok(more) = rx.recv_timeout(Duration::from_millis(20)) {
            events.extend(relevant(more, &out_abs));
        }
        events.sort();
        events.dedup();
        let changed: Vec<PathBuf> = events
            .into_iter()
            .filter(|p| {
                if p.is_dir() {
                    return false;
                }
                let now = stamp(p);
                let before = seen.insert(p.clone(), now);
                // 一闪而过的临时文件（编辑器、sed 的中间文件）：出现前没见过、现在也不在了。
                !(before.is_none() && now.is_none()) && before != Some(now)
            })
            .collect();
        if changed.is_empty() {
            continue;
        }
        rebuild(&engine, &dir, &options, &args, Some(&changed));
        println!("{watching}");
    }
    Ok(())
}

/// 多久看一次被监视的目录是否被换掉。
const FOLDER_CHECK: Duration = Duration::from_millis(500);

/// 被监视的目录和它们此刻的身份（设备号、inode）：目录被删掉重建或被别的目录顶替后，身份就变了。
struct Folders {
    folders: Vec<(PathBuf, Option<(u64, u64)>)>,
}

impl Folders {
    fn new(dirs: &[PathBuf]) -> Self {
        Self {
            folders: dirs.iter().map(|d| (d.clone(), identity(d))).collect(),
        }
    }

    /// 有目录被换掉或消失时，重新监视还在的目录并说明；返回是否有变化。
    fn replaced(&mut self, watcher: &mut dyn notify_debouncer_mini::notify::Watcher) -> bool {
        let mut changed = false;
        for (dir, id) in &mut self.folders {
            let now = identity(dir);
            if now == *id {
                continue;
            }
            changed = true;
            // 旧的监视可能已随旧目录消失，取消失败无妨。
            let _ = watcher.unwatch(dir);
            match now {
                Some(_) => match watcher.watch(dir, RecursiveMode::Recursive) {
                    Ok(()) => println!("\n{} 被换成了新的目录：重新监视并重排。", dir.display()),
                    Err(e) => eprintln!("无法重新监视 {}：{e}", dir.display()),
                },
                None => println!(
                    "\n{} 不见了（被删除或改名）：等它重新出现后接着监视，上一版 PDF 保留不动。",
                    dir.display()
                ),
            }
            *id = now;
        }
        changed
    }
}

#[cfg(unix)]
fn identity(dir: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(dir).ok().filter(|m| m.is_dir())?;
    Some((m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn identity(dir: &Path) -> Option<(u64, u64)> {
    let m = std::fs::metadata(dir).ok().filter(|m| m.is_dir())?;
    let created = m
        .created()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    Some((created.as_secs(), u64::from(created.subsec_nanos())))
}

type Stamp = (std::time::SystemTime, u64);

fn stamp(p: &Path) -> Option<Stamp> {
    let m = std::fs::metadata(p).ok()?;
    Some((m.modified().ok()?, m.len()))
}

fn snapshot(dir: &Path, seen: &mut HashMap<PathBuf, Option<Stamp>>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            snapshot(&p, seen);
        } else {
            seen.insert(p.clone(), stamp(&p));
        }
    }
}

/// 与输出无关的改动：输出目录中的 PDF、临时文件、编辑器和 Excel 的锁文件都不算。
fn relevant(events: DebounceEventResult, out: &Path) -> Vec<PathBuf> {
    let Ok(events) = events else {
        return Vec::new();
    };
    events
        .into_iter()
        .map(|e| e.path)
        .filter(|p| !absolute(p).starts_with(out))
        .filter(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default();
            !(name.starts_with('.')
                || name.starts_with("~$")
                || name.ends_with('~')
                || name.ends_with(".swp")
                || name.ends_with(".tmp"))
        })
        .collect()
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_owned())
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
    let done = match press.render_all(&view, &templates, super::default_jobs()) {
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
