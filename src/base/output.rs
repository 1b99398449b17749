//! 原子写出：先写同目录下的临时文件，再改名。出错或被中断时不会留下写了一半的 PDF。

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("无法创建输出目录 {}", dir.display()))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".jianbao-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .with_context(|| format!("无法在 {} 中写文件", dir.display()))?;
    tmp.write_all(bytes)
        .with_context(|| format!("写入 {} 失败", path.display()))?;
    tmp.as_file().sync_all().ok();
    tmp.persist(path)
        .with_context(|| format!("无法写入 {}", path.display()))?;
    Ok(())
}

/// 在做任何排版之前确认输出目录可写，免得排了半天才发现写不进去。
pub fn ensure_writable(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("无法创建输出目录 {}", dir.display()))?;
    tempfile::Builder::new()
        .prefix(".jianbao-probe-")
        .tempfile_in(dir)
        .with_context(|| format!("输出目录 {} 不可写", dir.display()))?;
    Ok(())
}
