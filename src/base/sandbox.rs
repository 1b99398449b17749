//! 文件访问限定在给定根目录内：`..`、绝对路径或符号链接都不能把读取带到根目录之外。

use std::path::{Component, Path, PathBuf};

/// 把相对路径解析到根目录下的真实文件；越界或不存在时返回 None。
pub fn resolve(root: &Path, rel: &str) -> Option<PathBuf> {
    let rel = Path::new(rel);
    if rel
        .components()
        .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return None;
    }
    let root = root.canonicalize().ok()?;
    let path = root.join(rel).canonicalize().ok()?;
    path.starts_with(&root).then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_escapes() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "x").unwrap();
        assert!(resolve(dir.path(), "a.txt").is_some());
        assert!(resolve(dir.path(), "../a.txt").is_none());
        assert!(resolve(dir.path(), "/etc/passwd").is_none());
        assert!(resolve(dir.path(), "missing.txt").is_none());
    }
}
