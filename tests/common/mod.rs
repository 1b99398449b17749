//! 测试共用：示例数据、可改写的数据副本、排版后的文字、调用命令行。
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use jianbao::present::Options;
use jianbao::project::{self, Project};
use jianbao::typeset::world::Engine;
use jianbao::typeset::{self, Kind, inspect};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn sample_dir() -> PathBuf {
    root().join("data/shangqiu-2023")
}

pub fn load(dir: &Path) -> Project {
    Project::load(dir, &Options::default()).unwrap_or_else(|p| panic!("数据应当有效：\n{p}"))
}

pub fn engine(project: &Project) -> Engine {
    let fonts = jianbao::typeset::fonts::load(&[]).unwrap_or_else(|p| panic!("{p}"));
    project::engine(fonts, Some(&root().join("templates")), project)
        .unwrap_or_else(|p| panic!("{p}"))
}

/// 排版后各页的文字。
pub fn pages(project: &Project, engine: &Engine, kind: Kind) -> Vec<String> {
    let json = serde_json::to_vec(&project.view).unwrap();
    let t = typeset::typeset(
        engine,
        kind,
        json,
        Some(project.data.dir.clone()),
        project.date,
    )
    .unwrap_or_else(|p| panic!("{p}"));
    inspect::page_texts(&t.doc)
}

/// 示例数据的一份可改写副本。
pub fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(sample_dir()).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
        }
    }
    dir
}

/// 把文件中的一段文字换成另一段；找不到时测试失败，以免测试悄悄失效。
pub fn replace(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} 中找不到 {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// 文件中第一个满足条件的行的行号（1 起）。
pub fn line_of(path: &Path, pred: impl Fn(&str) -> bool) -> usize {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .position(pred)
        .unwrap_or_else(|| panic!("{} 中找不到该行", path.display()))
        + 1
}

/// 在文件末尾追加文字。
pub fn append(path: &Path, text: &str) {
    let mut content = std::fs::read_to_string(path).unwrap();
    content.push_str(text);
    std::fs::write(path, content).unwrap();
}

/// 对数据目录运行 `jianbao check`，断言是数据问题（退出码 1），返回报错文字。
pub fn check_fails(dir: &Path) -> String {
    let o = jianbao(&["check", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "应报数据问题：{}", stderr(&o));
    stderr(&o)
}

/// 出错后输出目录里什么都不应留下（没有 PDF，也没有临时文件）。
pub fn assert_no_pdf(out: &Path) {
    let left: Vec<_> = std::fs::read_dir(out)
        .map(|d| d.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "出错后输出目录应为空，实际有：{left:?}");
}

/// 对数据目录运行 `jianbao build`，输出到 `out`。
pub fn build_into(data: &Path, out: &Path) -> Output {
    jianbao(&[
        "build",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
}

/// 在示例数据副本的一个文件里把 `from` 换成 `to`，运行 `jianbao check`，返回报错文字（须是数据问题）。
pub fn check_edited(file: &str, from: &str, to: &str) -> String {
    let data = fixture();
    replace(&data.path().join(file), from, to);
    check_fails(data.path())
}

/// 在仓库根目录运行 jianbao 命令行。
pub fn jianbao(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jianbao"))
        .args(args)
        .current_dir(root())
        // 用仓库里的 fonts/，不受开发者环境变量影响。
        .env_remove("JIANBAO_FONTS")
        .output()
        .expect("能运行 jianbao")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// 运行 poppler 工具（pdftotext、pdffonts）；CI 脚本会安装它们。
pub fn poppler(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool).args(args).output().unwrap_or_else(|e| {
        panic!("需要 poppler-utils 中的 {tool}（Debian: apt-get install poppler-utils）：{e}")
    });
    assert!(out.status.success(), "{tool} 失败：{}", stderr(&out));
    String::from_utf8(out.stdout).unwrap()
}

/// 所有阿拉伯数字串（含小数），如 5089.63。
pub fn numbers(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let decimal_point =
            c == '.' && !cur.is_empty() && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit());
        if c.is_ascii_digit() || decimal_point {
            cur.push(c);
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// PDF 中的一个字体（相当于 pdffonts 的一行）。
#[derive(Debug)]
pub struct PdfFont {
    pub name: String,
    /// 字体程序嵌入在 PDF 中。
    pub embedded: bool,
    /// 子集（名字带 “ABCDEF+” 前缀）。
    pub subset: bool,
    /// 有 ToUnicode 映射，复制出来的是正确的文字。
    pub to_unicode: bool,
}

/// 用 lopdf 列出 PDF 的字体，不依赖 poppler-utils。只列顶层字体（Type0、TrueType、Type1、Type3），
/// 与 pdffonts 相同；Type0 的嵌入情况看它的后代 CID 字体。
pub fn pdf_fonts(pdf: &Path) -> Vec<PdfFont> {
    use lopdf::{Dictionary, Document, Object};
    let doc = Document::load(pdf).unwrap_or_else(|e| panic!("lopdf 读不了 {}：{e}", pdf.display()));
    let deref = |o: &Object| -> Option<Object> {
        match o {
            Object::Reference(id) => doc.get_object(*id).ok().cloned(),
            other => Some(other.clone()),
        }
    };
    let embedded = |font: &Dictionary| -> bool {
        font.get(b"FontDescriptor")
            .ok()
            .and_then(deref)
            .and_then(|d| d.as_dict().ok().cloned())
            .is_some_and(|d| {
                [&b"FontFile"[..], b"FontFile2", b"FontFile3"]
                    .iter()
                    .any(|k| d.has(k))
            })
    };
    let mut fonts = Vec::new();
    for object in doc.objects.values() {
        let Ok(dict) = object.as_dict() else { continue };
        if dict.get(b"Type").and_then(Object::as_name).ok() != Some(&b"Font"[..]) {
            continue;
        }
        let subtype = dict
            .get(b"Subtype")
            .and_then(Object::as_name)
            .unwrap_or(b"");
        if !matches!(subtype, b"Type0" | b"TrueType" | b"Type1" | b"Type3") {
            continue;
        }
        let name = dict
            .get(b"BaseFont")
            .and_then(Object::as_name)
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .unwrap_or_default();
        let is_embedded = if subtype == b"Type0" {
            dict.get(b"DescendantFonts")
                .ok()
                .and_then(deref)
                .and_then(|a| a.as_array().ok().cloned())
                .and_then(|a| a.first().and_then(deref))
                .and_then(|f| f.as_dict().ok().cloned())
                .is_some_and(|f| embedded(&f))
        } else {
            subtype == b"Type3" || embedded(dict)
        };
        let subset = name
            .split_once('+')
            .is_some_and(|(tag, _)| tag.len() == 6 && tag.bytes().all(|b| b.is_ascii_uppercase()));
        fonts.push(PdfFont {
            name,
            embedded: is_embedded,
            subset,
            to_unicode: dict.has(b"ToUnicode"),
        });
    }
    fonts.sort_by(|a, b| a.name.cmp(&b.name));
    fonts
}

/// 用 pdf-extract 按内容流的顺序取出 PDF 的文字（经 ToUnicode 映射），不依赖 pdftotext。
/// 是独立于 typst 的读取器：取得出来，复制粘贴也就取得出来。
pub fn pdf_text(pdf: &Path) -> String {
    let bytes = std::fs::read(pdf).unwrap();
    pdf_extract::extract_text_from_mem(&bytes)
        .unwrap_or_else(|e| panic!("pdf-extract 读不了 {}：{e}", pdf.display()))
}

/// 去掉所有空白后的文字：排版断行、对齐用的空格不影响查找。
pub fn compact(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}
