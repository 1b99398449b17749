//! 原子写出：先写同目录下的临时文件，再改名。出错或被中断时不会留下写了一半的 PDF。
//! 输出目录加锁：两个进程不会同时往一个目录里写。

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Result, anyhow, bail};

use super::diag::os_error;

/// 输出目录中的锁文件；运行结束时删除。
pub const LOCK_FILE: &str = ".jianbao.lock";

/// 正在写的临时文件：收到第二次中断信号、立即退出之前由 `remove_pending` 删掉。
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

struct Pending(PathBuf);

impl Pending {
    fn new(path: &Path) -> Self {
        PENDING
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(path.to_owned());
        Self(path.to_owned())
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        let mut pending = PENDING.lock().unwrap_or_else(|e| e.into_inner());
        pending.retain(|p| p != &self.0);
    }
}

/// 删掉所有正在写的临时文件（立即退出之前调用）。
pub fn remove_pending() {
    let pending = PENDING.lock().unwrap_or_else(|e| e.into_inner());
    for p in pending.iter() {
        let _ = std::fs::remove_file(p);
    }
}

pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)
        .map_err(|e| anyhow!("无法创建输出目录 {}：{}", dir.display(), os_error(&e)))?;
    // 临时文件默认只有自己可读（0600）；按 0666 创建，由系统按 umask 去掉权限位，与普通文件一样。
    #[cfg(unix)]
    let permissions = {
        use std::os::unix::fs::PermissionsExt;
        Some(std::fs::Permissions::from_mode(0o666))
    };
    #[cfg(not(unix))]
    let permissions = None;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".jianbao-").suffix(".tmp");
    if let Some(p) = permissions {
        builder.permissions(p);
    }
    let mut tmp = builder
        .tempfile_in(dir)
        .map_err(|e| anyhow!("无法在 {} 中写文件：{}", dir.display(), os_error(&e)))?;
    let _pending = Pending::new(tmp.path());
    tmp.write_all(bytes)
        .map_err(|e| anyhow!("写入 {} 失败：{}", path.display(), os_error(&e)))?;
    tmp.as_file().sync_all().ok();
    tmp.persist(path)
        .map_err(|e| anyhow!("无法写入 {}：{}", path.display(), os_error(&e.error)))?;
    Ok(())
}

/// 在做任何排版之前确认输出目录可写，免得排了半天才发现写不进去。
pub fn ensure_writable(dir: &Path) -> Result<()> {
    if dir.exists() && !dir.is_dir() {
        bail!(
            "输出位置 {} 是一个文件，不是目录；请用 --out 指定一个目录",
            dir.display()
        );
    }
    std::fs::create_dir_all(dir)
        .map_err(|e| anyhow!("无法创建输出目录 {}：{}", dir.display(), os_error(&e)))?;
    tempfile::Builder::new()
        .prefix(".jianbao-probe-")
        .tempfile_in(dir)
        .map_err(|e| anyhow!("输出目录 {} 不可写：{}", dir.display(), os_error(&e)))?;
    Ok(())
}

/// 输出目录的锁：持有期间，别的 jianbao 进程不能往这个目录里写；释放时删除锁文件。
#[derive(Debug)]
pub struct OutputLock {
    path: PathBuf,
    _file: File,
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        // 先删文件再关闭（解锁）：等着的进程发现锁住的文件已不在目录中，会重新建一个。
        let _ = std::fs::remove_file(&self.path);
    }
}

/// 确认输出目录可写并锁住它。另一个进程正在用这个目录时立即报错，不等待。
pub fn lock(dir: &Path) -> Result<OutputLock> {
    ensure_writable(dir)?;
    let path = dir.join(LOCK_FILE);
    loop {
        let mut file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)
            .map_err(|e| {
                anyhow!(
                    "无法在输出目录 {} 中建锁文件：{}",
                    dir.display(),
                    os_error(&e)
                )
            })?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                let who = if holder.is_empty() {
                    String::new()
                } else {
                    format!("（进程号 {holder}）")
                };
                bail!(
                    "输出目录 {} 正被另一个 jianbao 进程使用{who}。两个进程同时写一个目录，文件和清单会互相覆盖；\
                     请等它结束再运行，或用 --out 换一个目录",
                    dir.display()
                );
            }
            Err(std::fs::TryLockError::Error(e)) => {
                bail!("无法锁住输出目录 {}：{}", dir.display(), os_error(&e))
            }
        }
        // 锁住的必须仍是目录里的那个锁文件：另一个进程可能在我们打开之后、加锁之前刚删掉它。
        if same_file(&file, &path) {
            let _ = file.set_len(0);
            let _ = write!(file, "{}", std::process::id());
            return Ok(OutputLock { path, _file: file });
        }
    }
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &File, path: &Path) -> bool {
    path.exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_locked_folder_is_refused_and_released() {
        let dir = tempfile::tempdir().unwrap();
        let first = lock(dir.path()).unwrap();
        let err = lock(dir.path()).unwrap_err().to_string();
        assert!(err.contains("正被另一个 jianbao 进程使用"), "{err}");
        drop(first);
        assert!(!dir.path().join(LOCK_FILE).exists());
        lock(dir.path()).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn written_files_honour_the_umask() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.pdf");
        write_atomic(&path, b"x").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let Some(umask) = status
            .lines()
            .find_map(|l| l.strip_prefix("Umask:"))
            .and_then(|v| u32::from_str_radix(v.trim(), 8).ok())
        else {
            return;
        };
        assert_eq!(mode, 0o666 & !umask, "权限 {mode:o}，umask {umask:o}");
    }
}
