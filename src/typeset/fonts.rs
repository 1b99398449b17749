//! 字体：只用随附的 fonts/ 和用户用 --font-path 指定的目录，从不悄悄回退到系统字体。
//! 字体文件只扫描元信息，真正用到时才读入内存，每个进程只读一次。

use std::path::{Path, PathBuf};

use typst_kit::fonts::{FontStore, scan};

use crate::base::diag::{Problem, Problems};

/// 随附字体目录的查找顺序：环境变量 JIANBAO_FONTS、当前目录下的 fonts/、
/// 可执行文件旁的 fonts/ 和 ../share/jianbao/fonts，最后是源码树中的 fonts/。
pub fn bundled_dir() -> Option<PathBuf> {
    let mut candidates = Vec::new();
    if let Some(dir) = std::env::var_os("JIANBAO_FONTS") {
        candidates.push(PathBuf::from(dir));
    }
    candidates.push(PathBuf::from("fonts"));
    if let Ok(exe) = std::env::current_exe()
        && let Some(dir) = exe.parent()
    {
        candidates.push(dir.join("fonts"));
        candidates.push(dir.join("../share/jianbao/fonts"));
    }
    candidates.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts"));
    candidates.into_iter().find(|d| has_fonts(d))
}

fn has_fonts(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries.flatten().any(|e| {
            let name = e.file_name().to_string_lossy().to_lowercase();
            name.ends_with(".ttf") || name.ends_with(".otf") || name.ends_with(".ttc")
        })
    })
}

/// 随附字体目录中的字体族：主题不写字体时用它们。
pub const BUNDLED_FAMILIES: [&str; 3] = ["Noto Serif SC", "Noto Sans SC", "LXGW WenKai"];

/// 环境变量 JIANBAO_FONTS 指向的目录：给了就必须能用，不能悄悄换成别处的字体，
/// 也不能等到排版时才怪到数据的主题设置上。
fn env_fonts(problems: &mut Problems) -> Option<FontStore> {
    let dir = PathBuf::from(std::env::var_os("JIANBAO_FONTS")?);
    if !dir.is_dir() {
        problems.push(Problem::new(
            crate::base::diag::Origin::None,
            "",
            format!(
                "环境变量 JIANBAO_FONTS 指向的 {} 不存在或不是目录；请让它指向 jianbao 随附的 fonts/ 目录，或取消这个变量",
                dir.display()
            ),
        ));
        return None;
    }
    if !has_fonts(&dir) {
        problems.push(Problem::new(
            crate::base::diag::Origin::None,
            "",
            format!(
                "环境变量 JIANBAO_FONTS 指向的 {} 中没有字体文件（.ttf、.otf、.ttc）；请让它指向 jianbao 随附的 fonts/ 目录，或取消这个变量",
                dir.display()
            ),
        ));
        return None;
    }
    let store = {
        let mut s = FontStore::new();
        s.extend(scan(&dir));
        s
    };
    let missing: Vec<&str> = BUNDLED_FAMILIES
        .iter()
        .copied()
        .filter(|f| {
            store
                .book()
                .select_family(&f.to_lowercase())
                .next()
                .is_none()
        })
        .collect();
    if !missing.is_empty() {
        problems.push(Problem::new(
            crate::base::diag::Origin::None,
            "",
            format!(
                "环境变量 JIANBAO_FONTS 指向的 {} 中缺少随附字体：{}；请让它指向 jianbao 随附的 fonts/ 目录，或取消这个变量",
                dir.display(),
                missing.join("、")
            ),
        ));
        return None;
    }
    Some(store)
}

/// 扫描随附字体和附加字体目录。
pub fn load(extra: &[PathBuf]) -> Result<FontStore, Problems> {
    let mut problems = Problems::default();
    let mut store = FontStore::new();
    if std::env::var_os("JIANBAO_FONTS").is_some() {
        match env_fonts(&mut problems) {
            Some(s) => store = s,
            None => return Err(problems),
        }
    } else {
        match bundled_dir() {
        Some(dir) => store.extend(scan(&dir)),
        None => problems.push(Problem::in_file(
            Path::new("fonts"),
            "找不到随附字体目录：请在仓库根目录运行，或用环境变量 JIANBAO_FONTS 指向 fonts/ 目录",
        )),
        }
    }
    for dir in extra {
        if !dir.is_dir() {
            problems.push(Problem::in_file(dir, "--font-path 指定的字体目录不存在"));
            continue;
        }
        store.extend(scan(dir));
    }
    if problems.is_empty() {
        Ok(store)
    } else {
        Err(problems)
    }
}

/// 主题中每个字体角色的字体族都必须找得到，否则排出来就是缺字方框或错误字体。
/// `families`：(角色, [(字体族, 数据中的位置)])。找不到时列出已加载的字体族。
pub fn check_families(
    store: &FontStore,
    families: &[(&str, Vec<(String, crate::base::diag::Origin)>)],
) -> Result<(), Problems> {
    let book = store.book();
    let mut problems = Problems::default();
    let mut known: Vec<String> = book
        .families()
        .map(|(family, _)| family.to_owned())
        .collect();
    known.dedup();
    for (role, names) in families {
        for (name, origin) in names {
            if book.select_family(&name.to_lowercase()).next().is_none() {
                problems.push(Problem::new(
                    origin.clone(),
                    format!("theme.fonts.{role}"),
                    format!(
                        "找不到字体“{name}”。可用的字体族有：{}。如需使用其他字体，请用 --font-path 指定字体目录",
                        known.join("、")
                    ),
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}
