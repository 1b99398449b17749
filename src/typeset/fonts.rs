//! 字体：只用随附的 fonts/ 和用户用 --font-path 指定的目录，从不悄悄回退到系统字体。
//! 字体文件只扫描元信息，真正用到时才读入内存，每个进程只读一次。

use std::path::{Path, PathBuf};

use typst::text::FontInfo;
use typst_kit::fonts::{FontPath, FontStore, scan};

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
pub const BUNDLED_FAMILIES: [&str; 4] = [
    "Noto Serif SC",
    "Noto Sans SC",
    "LXGW WenKai",
    "Zhuque Fangsong",
];

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
        s.extend(mapped(scan_verified(&dir, problems)));
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
        Some(dir) => store.extend(mapped(scan_verified(&dir, &mut problems))),
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
        store.extend(scan_verified(dir, &mut problems));
    }
    if problems.is_empty() {
        Ok(store)
    } else {
        Err(problems)
    }
}

/// 随附字体映射进内存，而不是整个读进来：六个中文字体共 81 MB，复制一遍要几十毫秒，
/// 批量的第一份文档都在等它（整个 batch 快约 9%）。只映射随附的 fonts/：映射中的文件被截短时进程会收到
/// SIGBUS，随附字体不会在运行中被改写；--font-path 的字体（用户自己的目录，可能正在复制）照旧读进内存。
struct Mapped(FontPath);

impl typst_kit::fonts::FontSource for Mapped {
    fn load(&self) -> Option<typst::text::Font> {
        let _scope = typst_timing::TimingScope::new("load font");
        let file = std::fs::File::open(&self.0.path).ok()?;
        // SAFETY: 只读映射随附的字体文件，程序运行中不会有人截短它（见上）。
        let map = unsafe { memmap2::Mmap::map(&file) }.ok()?;
        typst::text::Font::new(typst::foundations::Bytes::new(map), self.0.index)
    }
}

fn mapped(found: Vec<(FontPath, FontInfo)>) -> impl Iterator<Item = (Mapped, FontInfo)> {
    found.into_iter().map(|(path, info)| (Mapped(path), info))
}

/// 扫描一个字体目录，并核对其中每个字体文件：解析不了的（typst 会悄悄跳过）、
/// 表目录指向文件末尾之外的（复制到一半的文件：字形是空的，印出来一片空白）都报出文件名。
fn scan_verified(dir: &Path, problems: &mut Problems) -> Vec<(FontPath, FontInfo)> {
    let found: Vec<(FontPath, FontInfo)> = scan(dir).collect();
    // typst 记下的路径有的是原样、有的是跟随链接后的真实路径：两边都取真实路径再比。
    let real = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_owned());
    let loaded: std::collections::HashSet<PathBuf> =
        found.iter().map(|(p, _)| real(&p.path)).collect();
    for file in font_files(dir) {
        let verdict = match std::fs::File::open(&file) {
            Err(e) => Err(format!(
                "读不出这个字体文件：{}",
                crate::base::diag::os_error(&e)
            )),
            Ok(f) => truncated(f),
        };
        let message = match verdict {
            Err(msg) => Some(msg),
            Ok(()) if !loaded.contains(&real(&file)) => Some(
                "无法解析这个字体文件（不是 TrueType/OpenType 字体，或文件已损坏）；请换一个完好的字体文件".to_owned(),
            ),
            Ok(()) => None,
        };
        if let Some(message) = message {
            problems.push(Problem::in_file(&file, message));
        }
    }
    found
}

/// 目录（含子目录）中扩展名是字体的文件，与 typst 扫描的范围相同。
fn font_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(font_files(&path));
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| FONT_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        {
            out.push(path);
        }
    }
    out.sort();
    out
}

const FONT_EXTENSIONS: [&str; 4] = ["ttf", "otf", "ttc", "otc"];

/// 字体文件的表目录（文件开头）说明每张表在哪里、多长；任何一张表越过文件末尾，文件就不完整。
/// 只读文件开头，不读整个字体。
fn truncated(mut file: std::fs::File) -> Result<(), String> {
    use std::io::Read;
    let len = file
        .metadata()
        .map_err(|e| format!("读不出这个字体文件：{}", crate::base::diag::os_error(&e)))?
        .len();
    let mut head = Vec::new();
    (&mut file)
        .take(256 * 1024)
        .read_to_end(&mut head)
        .map_err(|e| format!("读不出这个字体文件：{}", crate::base::diag::os_error(&e)))?;
    let u32_at = |at: usize| {
        head.get(at..at + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    let faces: Vec<u32> = if head.starts_with(b"ttcf") {
        let n = u32_at(8).unwrap_or(0).min(1024) as usize;
        (0..n).filter_map(|i| u32_at(12 + 4 * i)).collect()
    } else {
        vec![0]
    };
    for face in faces {
        let face = face as usize;
        let Some(tables) = head.get(face + 4..face + 6) else {
            continue;
        };
        let tables = u16::from_be_bytes([tables[0], tables[1]]) as usize;
        for t in 0..tables {
            let record = face + 12 + 16 * t;
            let (Some(offset), Some(length)) = (u32_at(record + 8), u32_at(record + 12)) else {
                break;
            };
            let end = u64::from(offset) + u64::from(length);
            if end > len {
                let tag = String::from_utf8_lossy(&head[record..record + 4]).into_owned();
                return Err(format!(
                    "字体文件不完整：只有 {len} 字节，表 {tag} 却要到第 {end} 字节（多半是复制或下载到一半）；\
                     用这个字体排出的字会是空白。请重新复制完整的字体文件"
                ));
            }
        }
    }
    Ok(())
}

/// 主题中每个字体角色的字体族都必须找得到，否则排出来就是缺字方框或错误字体。
/// `families`：(角色, [(字体族, 数据中的位置)])。找不到时列出已加载的字体族。
pub fn check_families(
    store: &FontStore,
    index: &super::coverage::Index,
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
    if !problems.is_empty() {
        return Err(problems);
    }
    for role in Roles::new(store, families).0 {
        if let Some(c) = CJK_PROBE.chars().find(|c| !role.covers(index, *c)) {
            problems.push(role.gap(c, "不含汉字"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// 每个角色都要排汉字：用最常见的几个字试一下，西文字体（如 Times New Roman）一试便知。
const CJK_PROBE: &str = "的一是中国年月日市县区增长";

/// 主题中的字体角色，各带它自己的字体族（不含 typst 的回退字体）。
pub struct Roles<'a>(pub Vec<Role<'a>>);

pub struct Role<'a> {
    pub name: &'a str,
    families: Vec<String>,
    origin: crate::base::diag::Origin,
    fonts: Vec<usize>,
}

impl<'a> Roles<'a> {
    pub fn new(
        store: &FontStore,
        families: &'a [(&'a str, Vec<(String, crate::base::diag::Origin)>)],
    ) -> Self {
        let book = store.book();
        Self(
            families
                .iter()
                .map(|(name, list)| Role {
                    name,
                    families: list.iter().map(|(f, _)| f.clone()).collect(),
                    origin: list
                        .first()
                        .map_or(crate::base::diag::Origin::None, |(_, o)| o.clone()),
                    fonts: list
                        .iter()
                        .flat_map(|(f, _)| {
                            book.select_family(&f.to_lowercase()).collect::<Vec<_>>()
                        })
                        .collect(),
                })
                .collect(),
        )
    }
}

impl Role<'_> {
    /// 这个角色自己的字体族里有没有这个字（没有时 typst 会悄悄换用别的字体族）。
    pub fn covers(&self, index: &super::coverage::Index, c: char) -> bool {
        self.fonts.iter().any(|&i| index.font_covers(i, c))
    }

    /// 角色缺字的说明：点名角色和字体族，说明怎样加入字体。
    pub fn gap(&self, c: char, what: &str) -> Problem {
        Problem::new(
            self.origin.clone(),
            format!("theme.fonts.{}", self.name),
            format!(
                "{}角色的字体“{}”{what}（如“{c}”，U+{:04X}），排版时会悄悄换成别的字体族。\
                 请在 theme.fonts.{} 中写一个含这些字的字体族；字体不在随附的 fonts/ 中时，用 --font-path 加入字体目录",
                role_label(self.name),
                self.families.join("”“"),
                c as u32,
                self.name
            ),
        )
    }
}

fn role_label(role: &str) -> &str {
    match role {
        "song" => "宋体",
        "hei" => "黑体",
        "kai" => "楷体",
        "fangsong" => "仿宋",
        "title" => "大标题",
        other => other,
    }
}
