//! 模板来源：磁盘上的 templates/ 目录（便于设计者修改），或编进程序的同一套模板（装好的程序在任何目录都能用）。

use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

use crate::base::sandbox::Refused;

static EMBEDDED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// 把内置模板写到一个目录（`jianbao init` 给数据集一份可改的副本）。
pub fn extract(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    EMBEDDED.extract(dir)
}

#[derive(Debug, Clone)]
pub enum Templates {
    Disk(PathBuf),
    Embedded,
}

impl Templates {
    /// 显式指定的目录优先；否则用当前目录下的 templates/（若有）；再否则用内置模板。
    pub fn locate(explicit: Option<&Path>) -> Self {
        if let Some(dir) = explicit {
            return Self::Disk(dir.to_owned());
        }
        let local = Path::new("templates");
        if local.join("booklet.typ").is_file() {
            return Self::Disk(local.to_owned());
        }
        Self::Embedded
    }

    /// 读取模板目录中的一个文件；`rel` 是相对模板根的路径。与数据文件同一条规则（`sandbox::locate`）：
    /// 符号链接只在目标仍在模板目录之内时跟随，拒绝时给出原因。
    pub fn read(&self, rel: &str) -> Result<Vec<u8>, Refused> {
        match self {
            Self::Disk(dir) => {
                let path = crate::base::sandbox::locate(dir, rel)?;
                std::fs::read(path).map_err(Refused::Io)
            }
            Self::Embedded => EMBEDDED
                .get_file(rel)
                .map(|f| f.contents().to_vec())
                .ok_or(Refused::Missing),
        }
    }

    /// 把虚拟路径对应到可显示的文件名（用于报错）。
    pub fn display_path(&self, rel: &str) -> PathBuf {
        match self {
            Self::Disk(dir) => dir.join(rel),
            Self::Embedded => Path::new("templates").join(rel),
        }
    }
}
