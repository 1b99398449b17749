//! 文件改动的监视：`watch` 和 `serve` 共用。只报告真正的改动（修改时间或大小变了），
//! 一次保存触发的好几个事件合成一次；目录被删掉重建或被换掉时重新监视。

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify_debouncer_mini::notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_mini::{DebounceEventResult, Debouncer, new_debouncer};

/// 多久看一次被监视的目录是否被换掉。
const FOLDER_CHECK: Duration = Duration::from_millis(500);

/// 下一件要处理的事。
pub enum Next {
    /// 这些文件改了。
    Changed(Vec<PathBuf>),
    /// 被监视的目录被换掉或消失了：说明，以及是否该全部重排（目录又在了）。
    Replaced { notes: Vec<String>, rebuild: bool },
    /// 监视已停止。
    Closed,
}

/// 监视若干目录（数据目录、模板目录），输出目录中的改动不算。
pub struct Changes {
    rx: mpsc::Receiver<DebounceEventResult>,
    debouncer: Debouncer<RecommendedWatcher>,
    folders: Folders,
    watched: Vec<PathBuf>,
    /// 每个文件的修改时间和大小：只读不写（包括 jianbao 自己读文件）也会触发事件，以此分辨真正的改动。
    seen: HashMap<PathBuf, Option<Stamp>>,
    out: PathBuf,
}

impl Changes {
    pub fn new(watched: Vec<PathBuf>, out: &Path) -> anyhow::Result<Self> {
        let (tx, rx) = mpsc::channel::<DebounceEventResult>();
        let mut debouncer = new_debouncer(Duration::from_millis(80), tx)
            .map_err(|e| anyhow::anyhow!("无法监视文件改动：{e}"))?;
        for d in &watched {
            debouncer
                .watcher()
                .watch(d, RecursiveMode::Recursive)
                .map_err(|e| anyhow::anyhow!("无法监视 {}：{e}", d.display()))?;
        }
        let mut changes = Self {
            rx,
            debouncer,
            folders: Folders::new(&watched),
            watched,
            seen: HashMap::new(),
            out: absolute(out),
        };
        changes.resnapshot();
        Ok(changes)
    }

    fn resnapshot(&mut self) {
        self.seen.clear();
        for d in &self.watched {
            snapshot(&absolute(d), &mut self.seen);
        }
    }

    /// 等到下一次真正的改动（或目录被换掉）。
    pub fn wait(&mut self) -> Next {
        loop {
            let first = match self.rx.recv_timeout(FOLDER_CHECK) {
                Ok(first) => first,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    // 目录被删掉重建、改名换掉（git checkout、rsync --delete）时，旧目录上的监视不会再有事件：
                    // 定时看一眼目录是不是还是原来那个，换了就重新监视。
                    let notes = self.folders.replaced(self.debouncer.watcher());
                    if notes.is_empty() {
                        continue;
                    }
                    let rebuild = self.watched.first().is_some_and(|d| d.is_dir());
                    if rebuild {
                        self.resnapshot();
                    }
                    return Next::Replaced { notes, rebuild };
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => return Next::Closed,
            };
            // 一次保存常触发好几个事件（编辑器先写临时文件再改名）：把已到的都收下，只报一次。
            let mut events = relevant(first, &self.out);
            while let Ok(more) = self.rx.recv_timeout(Duration::from_millis(20)) {
                events.extend(relevant(more, &self.out));
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
                    let before = self.seen.insert(p.clone(), now);
                    // 一闪而过的临时文件（编辑器、sed 的中间文件）：出现前没见过、现在也不在了。
                    !(before.is_none() && now.is_none()) && before != Some(now)
                })
                .collect();
            if !changed.is_empty() {
                return Next::Changed(changed);
            }
        }
    }
}

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

    /// 有目录被换掉或消失时，重新监视还在的目录；返回给用户的说明（没有变化时为空）。
    fn replaced(
        &mut self,
        watcher: &mut dyn notify_debouncer_mini::notify::Watcher,
    ) -> Vec<String> {
        let mut notes = Vec::new();
        for (dir, id) in &mut self.folders {
            let now = identity(dir);
            if now == *id {
                continue;
            }
            // 旧的监视可能已随旧目录消失，取消失败无妨。
            let _ = watcher.unwatch(dir);
            notes.push(match now {
                Some(_) => match watcher.watch(dir, RecursiveMode::Recursive) {
                    Ok(()) => format!("{} 被换成了新的目录：重新监视并重排。", dir.display()),
                    Err(e) => format!("无法重新监视 {}：{e}", dir.display()),
                },
                None => format!(
                    "{} 不见了（被删除或改名）：等它重新出现后接着监视，上一版保留不动。",
                    dir.display()
                ),
            });
            *id = now;
        }
        notes
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

pub fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_owned())
}
