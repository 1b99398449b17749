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

/// 排好一个版本（全市版或县区版的视图）的一种文档。
pub fn doc(
    project: &Project,
    engine: &Engine,
    view: &jianbao::present::view::View,
    kind: Kind,
) -> typst_layout::PagedDocument {
    let json = serde_json::to_vec(view).unwrap();
    typeset::typeset(
        engine,
        kind,
        json,
        Some(project.data.dir.clone()),
        project.date,
    )
    .unwrap_or_else(|p| panic!("{p}"))
    .doc
}

/// 排版后各页的文字。
pub fn pages(project: &Project, engine: &Engine, kind: Kind) -> Vec<String> {
    inspect::page_texts(&doc(project, engine, &project.view, kind))
}

/// 用一段临时的模板源码（手册和一页纸都用它）排示例数据的一页纸：测试版面检查本身能不能发现问题。
pub fn typeset_source(source: &str) -> typst_layout::PagedDocument {
    let templates = tempfile::tempdir().unwrap();
    for name in ["booklet.typ", "summary.typ"] {
        std::fs::write(templates.path().join(name), source).unwrap();
    }
    let project = load(&sample_dir());
    let fonts = jianbao::typeset::fonts::load(&[]).unwrap();
    let engine = project::engine(fonts, Some(templates.path()), &project).unwrap();
    let json = serde_json::to_vec(&project.view).unwrap();
    typeset::typeset(&engine, Kind::Summary, json, None, project.date)
        .unwrap_or_else(|p| panic!("{p}"))
        .doc
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
    jianbao_command(args).output().expect("能运行 jianbao")
}

/// 在仓库根目录运行 jianbao 的命令（还没启动）：要边跑边看输出、发信号的测试用它。
pub fn jianbao_command(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_jianbao"));
    command
        .args(args)
        .current_dir(root())
        // 用仓库里的 fonts/，不受开发者环境变量影响。
        .env_remove("JIANBAO_FONTS");
    command
}

/// 在每种纸张上查一个数据集全部版本的版面（`check --layout --format json`），返回全部发现。
pub fn layout_findings(data: &str) -> Vec<(String, serde_json::Value)> {
    let mut bad = Vec::new();
    for paper in jianbao::present::PAPERS {
        let o = jianbao(&[
            "check", data, "--layout", "--paper", paper, "--format", "json",
        ]);
        let found: serde_json::Value = serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|e| panic!("{data} {paper}：{e}\n{}{}", stdout(&o), stderr(&o)));
        bad.extend(
            found
                .as_array()
                .unwrap()
                .iter()
                .map(|f| (paper.to_string(), f.clone())),
        );
    }
    bad
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
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

/// 数据集中要排印的每一项（字符串或数字的原样写法）：(文件:字段, 内容)。
/// 不排印的键（标识、引用、文件名、版式开关、主题、县区表格的列对应）除外。
pub fn printable_items(dir: &Path) -> Vec<(String, String)> {
    const SKIP: &[&str] = &[
        "id",
        "type",
        "ref",
        "file",
        "sheet",
        "form",
        "style",
        "only",
        "chart",
        "logo",
        "theme",
        "key",
        "higher_is_better",
        "goals",
        "goal",
        "indicators",
        "name_column",
        "title_lines",
        "table",
        "change_words",
        "deadline",
        "date",
        "meeting_date",
        "target",
        // 连续出版：规则的参数，不是要印的字（动词只印用上的那一个，状态类别、上期路径、核对的界限）。
        "words",
        "level",
        "group",
        "previous",
        "max_change",
        "adds_up",
        "tolerance",
        "peers",
        "by",
        "indent",
        "emphasis",
        "status_column",
        "numbered",
        // 文种只定默认措辞；封面印的是 label（不写时取文种，recurring.rs 另测）。
        "kind",
    ];
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    if let Ok(d) = std::fs::read_dir(dir.join("counties")) {
        files.extend(d.flatten().map(|e| e.path()));
    }
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let table = toml::de::DeTable::parse(&text).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        walk(&text, &name, table.get_ref(), "", SKIP, &mut out);
    }
    out
}

fn walk(
    src: &str,
    file: &str,
    table: &toml::de::DeTable<'_>,
    prefix: &str,
    skip: &[&str],
    out: &mut Vec<(String, String)>,
) {
    for (key, value) in table {
        let k = key.get_ref();
        // indicators.toml 的 indicators 是指标本身，不是 id 列表。
        if skip.contains(&k.as_ref()) && !(file == "indicators.toml" && k == "indicators") {
            continue;
        }
        // 目标分解的键是县区名，要排印。
        if prefix.ends_with("values") {
            out.push((format!("{file}:{prefix}"), k.to_string()));
        }
        let path = if prefix.is_empty() {
            k.to_string()
        } else {
            format!("{prefix}.{k}")
        };
        walk_value(src, file, value, &path, skip, out);
    }
}

fn walk_value(
    src: &str,
    file: &str,
    value: &toml::Spanned<toml::de::DeValue<'_>>,
    path: &str,
    skip: &[&str],
    out: &mut Vec<(String, String)>,
) {
    use toml::de::DeValue;
    let place = format!("{file}:{path}");
    match value.get_ref() {
        DeValue::String(s) => out.push((place, s.to_string())),
        DeValue::Integer(_) | DeValue::Float(_) => {
            let raw = src[value.span()].replace('_', "");
            out.push((place, raw.trim_start_matches(['-', '+']).to_owned()));
        }
        DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk_value(src, file, item, &format!("{path}[{i}]"), skip, out);
            }
        }
        DeValue::Table(t) => walk(src, file, t, path, skip, out),
        _ => {}
    }
}

/// 数据中没有排印出来的项：`texts` 是各版本排出的文字。
/// 比较时去掉空白（标题分行会吞掉空格）、把减号当作连字符；要点和任务的原文序数（“一要”）由编号取代，也算印出。
pub fn unprinted(items: &[(String, String)], texts: &str) -> Vec<String> {
    let norm = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| if c == '−' { '-' } else { c })
            .collect()
    };
    let hay = norm(texts);
    let mut missing = Vec::new();
    for (place, value) in items {
        let v = jianbao::base::text::one_line(value);
        // 限定语里的“…”代表数字：两边的字分别印出。
        let parts: Vec<&str> = v.split('…').filter(|p| !p.is_empty()).collect();
        let found = parts.iter().all(|p| {
            let p = norm(p);
            hay.contains(&p)
                || hay.contains(&norm(jianbao::present::cn::strip_ordinal(&p)))
                || (p.contains("{县区}") && hay.contains(&p.replace("{县区}", "")))
        });
        // 不足一万的“万”量改写成个数印出（0.12万个 → 1200个），算作印出了。
        let as_units = v
            .parse::<f64>()
            .ok()
            .filter(|n| *n > 0.0 && *n < 1.0)
            .is_some_and(|n| hay.contains(&format!("{}", (n * 10_000.0).round() as i64)));
        if !found && !as_units {
            missing.push(format!("{place} = {value:?}"));
        }
    }
    missing
}

/// 一个数据集所有版本（全市版和各县区版）的手册和一页纸排出的文字。
/// 跨页的段落中间夹着页眉（书名、章名）和页脚（— 1 —）：另附一份去掉它们的文字，两份拼在一起返回。
pub fn all_texts(project: &Project, engine: &Engine) -> String {
    let mut views = vec![project.view.clone()];
    if let Some(c) = &project.counties {
        for name in &c.names {
            views.push(project.view_for(Some(name)).unwrap());
        }
    }
    let mut raw = String::new();
    let mut running = vec![project.view.meta.title.clone()];
    for view in views {
        running.extend(view.outline.iter().map(|c| c.title.clone()));
        for kind in Kind::ALL {
            raw.push_str(&inspect::page_texts(&doc(project, engine, &view, kind)).concat());
        }
    }
    let mut body = raw.clone();
    for n in (1..200).rev() {
        body = body.replace(&format!("— {n} —"), "");
    }
    running.sort_by_key(|t| std::cmp::Reverse(t.len()));
    for t in running {
        body = body.replace(&t, "");
    }
    raw + "\n" + &body
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

/// 把示例数据的 counties.xlsx 原样重写一遍（第 2 行表头，第 3–11 行九个县区，A 列县区名，B–I 列八个指标），
/// `edit` 可以改写某些单元格：返回 true 表示它已经写了这一格。
pub fn rewrite_counties(
    dir: &Path,
    edit: impl Fn(&mut rust_xlsxwriter::Worksheet, u32, u16, &calamine::Data) -> bool,
) {
    use calamine::{Data, Reader, open_workbook_auto};
    let path = dir.join("counties.xlsx");
    let mut book = open_workbook_auto(&path).unwrap();
    let range = book.worksheet_range("指标").unwrap();
    let mut out = rust_xlsxwriter::Workbook::new();
    let sheet = out.add_worksheet();
    sheet.set_name("指标").unwrap();
    let (r0, c0) = range.start().unwrap();
    for (i, row) in range.rows().enumerate() {
        for (j, d) in row.iter().enumerate() {
            let (r, c) = (r0 + i as u32, (c0 as usize + j) as u16);
            if edit(sheet, r, c, d) {
                continue;
            }
            match d {
                Data::Float(f) => sheet.write_number(r, c, *f).map(|_| ()),
                Data::Int(i) => sheet.write_number(r, c, *i as f64).map(|_| ()),
                Data::String(s) => sheet.write_string(r, c, s).map(|_| ()),
                Data::Empty => Ok(()),
                other => panic!("示例表格中没想到的单元格：{other:?}"),
            }
            .unwrap();
        }
    }
    out.save(&path).unwrap();
}

/// 第 `row` 行（1 起，与 Excel 一致）第 `col` 列（0 起）。
pub fn is(r: u32, c: u16, row: u32, col: u16) -> bool {
    r + 1 == row && c == col
}

/// 给子进程发信号（如 `libc::SIGTERM`），不经 `kill` 命令。
#[cfg(unix)]
pub fn signal(child: &std::process::Child, signal: i32) {
    let pid = i32::try_from(child.id()).expect("进程号放得进 i32");
    // SAFETY: kill(2) 只是给这个进程号发信号；子进程还没被 wait 回收，进程号不会被别的进程重用。
    let rc = unsafe { libc::kill(pid, signal) };
    assert_eq!(rc, 0, "发信号失败：{}", std::io::Error::last_os_error());
}

/// 把目录连同子目录复制过去。
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// 随附模板的副本，简报手册读入数据之后加一行 `line`（如某个版本才触发的失控循环）。
pub fn templates_with_booklet_line(line: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root().join("templates"), dir.path());
    let anchor = "#let data = json(sys.inputs.at(\"data\", default: \"/data.json\"))\n";
    replace(
        &dir.path().join("booklet.typ"),
        anchor,
        &format!("{anchor}{line}\n"),
    );
    dir
}
