//! 文件访问限定在给定根目录内：`..`、绝对路径或符号链接都不能把读取带到根目录之外。
//! 数据集引用的每个文件（meta、indicators、tasks、outline、counties/、表格、图片）和模板都按这一条规则读：
//! 在根目录之内的读，符号链接只在目标仍在根目录之内时跟随；拒绝时说明原因，从不悄悄跳过。

use std::path::{Component, Path, PathBuf};

/// 说明里对两个根目录的称呼。
pub const DATA_DIR: &str = "数据目录";
pub const TEMPLATE_DIR: &str = "模板目录";

/// 为什么不读这个文件。
#[derive(Debug)]
pub enum Refused {
    /// 路径中有 `..`，或是绝对路径。
    Escapes,
    /// 文件不存在。
    Missing,
    /// 符号链接指向的文件不存在。
    Dangling(PathBuf),
    /// 经符号链接指向根目录之外（目标的真实路径）。
    Outside(PathBuf),
    /// 是目录，不是文件。
    NotFile,
    /// 其他读取错误（如没有权限）。
    Io(std::io::Error),
    /// 路径中有看不见的方向控制符或零宽字符（显示出来的文件名与实际不同）。
    Hidden(String),
}

impl Refused {
    /// 中文说明；`root` 是根目录的称呼，如“数据目录”“模板目录”。
    pub fn reason(&self, root: &str) -> String {
        match self {
            Refused::Escapes => {
                format!("路径用了 .. 或绝对路径，越出了{root}；请把文件放进{root}，写相对路径")
            }
            Refused::Missing => "文件不存在".into(),
            Refused::Dangling(target) => {
                format!("是符号链接，指向的 {} 不存在", target.display())
            }
            Refused::Outside(target) => format!(
                "是符号链接，指向{root}之外的 {}；只读{root}之内的文件，请把文件复制进来，而不是链接",
                target.display()
            ),
            Refused::NotFile => "这是一个目录，不是文件".into(),
            Refused::Io(e) => format!("无法读取：{}", super::diag::os_error(e)),
            Refused::Hidden(why) => format!("文件名{why}"),
        }
    }
}

/// 把相对路径解析到根目录下的真实文件。
pub fn locate(root: &Path, rel: &str) -> Result<PathBuf, Refused> {
    let rel = Path::new(rel);
    if rel.as_os_str().is_empty()
        || rel
            .components()
            .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Err(Refused::Escapes);
    }
    if let Some(why) = super::text::hidden_char_message(&rel.to_string_lossy()) {
        return Err(Refused::Hidden(why));
    }
    let real_root = root.canonicalize().map_err(io)?;
    let joined = real_root.join(rel);
    let path = match joined.canonicalize() {
        Ok(p) => p,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // 链接本身在，指向的文件不在：说出它指向哪里，而不只是“不存在”。
            return Err(match std::fs::read_link(&joined) {
                Ok(target) => Refused::Dangling(target),
                Err(_) => Refused::Missing,
            });
        }
        Err(e) => return Err(io(e)),
    };
    if !path.starts_with(&real_root) {
        return Err(Refused::Outside(path));
    }
    if !path.is_file() {
        return Err(Refused::NotFile);
    }
    Ok(path)
}

/// 文件（或指向别处的符号链接）在不在：可选的文件据此决定读不读，断开的链接也算在，由 `locate` 说明原因。
pub fn present(root: &Path, rel: &str) -> bool {
    root.join(rel).symlink_metadata().is_ok()
}

/// 把相对路径解析到根目录下的真实文件；越界或不存在时返回 None。
pub fn resolve(root: &Path, rel: &str) -> Option<PathBuf> {
    locate(root, rel).ok()
}

fn io(e: std::io::Error) -> Refused {
    match e.kind() {
        std::io::ErrorKind::NotFound => Refused::Missing,
        _ => Refused::Io(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_escapes() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "x").unwrap();
        assert!(resolve(dir.path(), "a.txt").is_some());
        assert!(matches!(
            locate(dir.path(), "../a.txt"),
            Err(Refused::Escapes)
        ));
        assert!(matches!(
            locate(dir.path(), "/etc/passwd"),
            Err(Refused::Escapes)
        ));
        assert!(matches!(
            locate(dir.path(), "missing.txt"),
            Err(Refused::Missing)
        ));
        assert!(matches!(locate(dir.path(), "."), Err(Refused::NotFile)));
    }

    #[cfg(unix)]
    #[test]
    fn follows_links_only_inside() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("b.txt"), "x").unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "x").unwrap();
        std::os::unix::fs::symlink("a.txt", dir.path().join("in.txt")).unwrap();
        std::os::unix::fs::symlink(outside.path().join("b.txt"), dir.path().join("out.txt"))
            .unwrap();
        std::os::unix::fs::symlink("gone.txt", dir.path().join("dangling.txt")).unwrap();
        assert!(locate(dir.path(), "in.txt").is_ok());
        assert!(matches!(
            locate(dir.path(), "out.txt"),
            Err(Refused::Outside(_))
        ));
        assert!(matches!(
            locate(dir.path(), "dangling.txt"),
            Err(Refused::Dangling(_))
        ));
        assert!(present(dir.path(), "dangling.txt"));
    }
}
