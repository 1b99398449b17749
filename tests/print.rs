//! 付印：出血与裁切框、骑马订拼版、PDF/A、编号份数、稿次字样、单色版、页码标签与书签。每项都把输出读回来检查。

mod common;

use std::path::Path;

use common::*;
use lopdf::{Document, Object};

fn build(args: &[&str]) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let mut all = vec!["build", "--out", out.path().to_str().unwrap()];
    all.extend_from_slice(args);
    let o = jianbao(&all);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    out
}

fn boxes(pdf: &Path, name: &[u8]) -> Vec<[f64; 4]> {
    let doc = Document::load(pdf).unwrap();
    doc.get_pages()
        .values()
        .map(|id| {
            let page = doc.get_dictionary(*id).unwrap();
            let arr = page.get(name).unwrap().as_array().unwrap();
            let v: Vec<f64> = arr
                .iter()
                .map(|o| match o {
                    Object::Integer(i) => *i as f64,
                    Object::Real(r) => *r as f64,
                    _ => panic!("不是数字"),
                })
                .collect();
            [v[0], v[1], v[2], v[3]]
        })
        .collect()
}

fn mm(pt: f64) -> f64 {
    pt * 25.4 / 72.0
}

#[test]
fn bleed_gives_every_page_a_trim_box_at_the_finished_size() {
    let out = build(&["--bleed", "3mm"]);
    let pdf = out.path().join("商丘市-简报手册.pdf");
    let media = boxes(&pdf, b"MediaBox");
    let trim = boxes(&pdf, b"TrimBox");
    let bleed = boxes(&pdf, b"BleedBox");
    assert_eq!(media.len(), 16);
    for ((m, t), b) in media.iter().zip(&trim).zip(&bleed) {
        assert!(
            (mm(m[2] - m[0]) - 154.0).abs() < 0.1,
            "页面应为 148+2×3 毫米宽：{m:?}"
        );
        assert!(
            (mm(t[2] - t[0]) - 148.0).abs() < 0.1 && (mm(t[3] - t[1]) - 210.0).abs() < 0.1,
            "TrimBox 应为 A5：{t:?}"
        );
        assert!((mm(t[0] - m[0]) - 3.0).abs() < 0.1);
        assert!(
            b.iter().zip(m).all(|(x, y)| (x - y).abs() < 0.01),
            "没有裁切线时 BleedBox 就是整个页面"
        );
    }
}

#[test]
fn crop_marks_sit_outside_the_bleed() {
    let out = build(&["--bleed", "3mm", "--marks", "--only", "summary"]);
    let pdf = out.path().join("商丘市-一页纸.pdf");
    let media = boxes(&pdf, b"MediaBox")[0];
    let trim = boxes(&pdf, b"TrimBox")[0];
    let bleed = boxes(&pdf, b"BleedBox")[0];
    assert!((mm(trim[2] - trim[0]) - 210.0).abs() < 0.1);
    assert!((mm(trim[0] - bleed[0]) - 3.0).abs() < 0.1);
    assert!(
        (mm(bleed[0] - media[0]) - 10.0).abs() < 0.1,
        "裁切线的边 10 毫米"
    );
}

#[test]
fn saddle_imposition_puts_pages_in_booklet_order_on_a4_sheets() {
    let out = build(&["--impose", "saddle", "--only", "booklet"]);
    let pdf = out.path().join("商丘市-简报手册-拼版.pdf");
    let doc = Document::load(&pdf).unwrap();
    let pages = doc.get_pages();
    assert_eq!(pages.len(), 8, "16 页 A5 拼成 4 张纸的 8 面");
    let media = boxes(&pdf, b"MediaBox")[0];
    assert!(
        (mm(media[2] - media[0]) - 296.0).abs() < 0.5
            && (mm(media[3] - media[1]) - 210.0).abs() < 0.5,
        "A4 横向"
    );
    // 第 1 面：左边是封底（空白），右边是封面；第 2 面左边是第 2 页（目录）。
    let text = pdf_text(&pdf);
    let first_cover = text.find("构筑建设新高地").unwrap();
    let contents = text.find("目").unwrap_or(usize::MAX);
    assert!(first_cover < contents, "封面应在第 1 面");
    // 拼版后文字仍是文字，字体仍嵌入并带 ToUnicode。
    assert!(compact(&text).contains("国家科技型中小企业达到513家"));
    for f in pdf_fonts(&pdf) {
        assert!(f.embedded && f.to_unicode, "{f:?}");
    }
}

#[test]
fn pdf_a_2b_declares_its_part_and_conformance_and_the_language() {
    let out = build(&["--pdf-standard", "a-2b"]);
    for name in ["商丘市-简报手册.pdf", "商丘市-一页纸.pdf"] {
        let bytes = std::fs::read(out.path().join(name)).unwrap();
        let doc = Document::load_mem(&bytes).unwrap();
        let catalog = doc.catalog().unwrap();
        let meta = doc
            .get_object(catalog.get(b"Metadata").unwrap().as_reference().unwrap())
            .unwrap();
        let xmp = String::from_utf8_lossy(&meta.as_stream().unwrap().content).into_owned();
        assert!(
            xmp.contains("<pdfaid:part>2</pdfaid:part>"),
            "{name}: {xmp}"
        );
        assert!(
            xmp.contains("<pdfaid:conformance>B</pdfaid:conformance>"),
            "{name}"
        );
        assert!(xmp.contains("中共商丘市委"), "作者（编印单位）应写入 XMP");
        assert!(
            xmp.contains("市委六届五次全会暨市委经济工作会议精神解读"),
            "主题（副标题）应写入 XMP"
        );
        assert!(xmp.contains("学习资料"), "关键词应写入 XMP");
        let lang = catalog.get(b"Lang").unwrap().as_str().unwrap();
        assert_eq!(lang, b"zh-CN");
    }
}

#[test]
fn numbered_copies_carry_their_copy_number_on_the_cover() {
    let out = build(&["--copies", "3"]);
    for i in 1..=3 {
        for kind in ["简报手册", "一页纸"] {
            let pdf = out.path().join(format!("商丘市-{kind}-00000{i}.pdf"));
            let text = compact(&pdf_text(&pdf));
            assert!(
                text.contains(&format!("00000{i}")),
                "{} 没有份号",
                pdf.display()
            );
        }
    }
    assert!(!out.path().join("商丘市-简报手册.pdf").exists());
}

#[test]
fn a_recipient_list_gives_one_named_copy_each() {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("名单.csv");
    std::fs::write(&list, "姓名\n张三\n李四\n").unwrap();
    let out = build(&["--recipients", list.to_str().unwrap(), "--only", "summary"]);
    let text = compact(&pdf_text(&out.path().join("商丘市-一页纸-000002.pdf")));
    assert!(text.contains("发给：李四"), "{text}");
    // 字体里没有的名字报错，不印出方框。
    std::fs::write(&list, "😀\n").unwrap();
    let o = jianbao(&[
        "build",
        "--recipients",
        list.to_str().unwrap(),
        "--out",
        dir.path().join("o").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("U+1F600"), "{}", stderr(&o));
}

#[test]
fn draft_and_notice_marks_print_on_every_page() {
    let out = build(&["--draft", "--county", "永城市"]);
    let project = load(&sample_dir());
    let _ = project;
    let pdf = out.path().join("永城市-简报手册.pdf");
    let doc = Document::load(&pdf).unwrap();
    let n = doc.get_pages().len();
    let text = pdf_text(&pdf);
    assert_eq!(text.matches("征求意见稿").count(), n, "每页都有稿次字样");
    assert_eq!(
        text.matches("示例数据，非官方统计").count(),
        n,
        "每页都有示例数据提示"
    );
}

#[test]
fn mono_uses_no_colour_but_black_and_grey() {
    let out = build(&["--mono", "--only", "summary"]);
    let bytes = std::fs::read(out.path().join("商丘市-一页纸.pdf")).unwrap();
    let doc = Document::load_mem(&bytes).unwrap();
    for id in doc.get_pages().values() {
        let content = doc.get_page_content(*id).unwrap();
        let ops = lopdf::content::Content::decode(&content).unwrap();
        for op in ops.operations {
            if matches!(op.operator.as_str(), "rg" | "RG") {
                let v: Vec<f64> = op
                    .operands
                    .iter()
                    .map(|o| o.as_float().unwrap_or(0.0) as f64)
                    .collect();
                assert!(
                    (v[0] - v[1]).abs() < 0.01 && (v[1] - v[2]).abs() < 0.01,
                    "单色版不应有彩色：{v:?}"
                );
            }
        }
    }
}

#[test]
fn page_labels_match_the_printed_folios_and_bookmarks_have_no_leading_spaces() {
    let out = build(&["--only", "booklet"]);
    let pdf = out.path().join("商丘市-简报手册.pdf");
    let doc = Document::load(&pdf).unwrap();
    let catalog = doc.catalog().unwrap();
    let labels = doc
        .get_dictionary(catalog.get(b"PageLabels").unwrap().as_reference().unwrap())
        .unwrap();
    let nums = labels.get(b"Nums").unwrap().as_array().unwrap();
    // 正文从第 3 页（下标 2）起以阿拉伯数字 1 起编。
    let start = nums
        .chunks(2)
        .find(|p| p[0].as_i64().ok() == Some(2))
        .expect("第 3 页应开始一段页码标签");
    let dict = match &start[1] {
        Object::Dictionary(d) => d.clone(),
        Object::Reference(r) => doc.get_dictionary(*r).unwrap().clone(),
        _ => panic!(),
    };
    assert_eq!(dict.get(b"S").unwrap().as_name().unwrap(), b"D");
    // 书签标题不以空格开头。
    let text = String::from_utf8_lossy(&std::fs::read(&pdf).unwrap()).into_owned();
    assert!(text.contains("/Outlines"));
    for (id, obj) in doc.objects.iter() {
        if let Ok(d) = obj.as_dict()
            && d.has(b"Parent")
            && let Ok(Object::String(t, _)) = d.get(b"Title")
        {
            let title = decode_utf16(t);
            assert!(
                !title.starts_with(' ') && !title.starts_with('\u{3000}'),
                "{id:?} 书签有前导空格：{title:?}"
            );
        }
    }
}

fn decode_utf16(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = rest
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        String::from_utf8_lossy(bytes).into_owned()
    }
}

#[test]
fn preview_writes_png_pages_and_a_contact_sheet() {
    let out = tempfile::tempdir().unwrap();
    let o = jianbao(&[
        "preview",
        "--pages",
        "1-4",
        "--dpi",
        "72",
        "--only",
        "booklet",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    for n in 1..=4 {
        let png = std::fs::read(out.path().join(format!("商丘市-简报手册-第{n}页.png"))).unwrap();
        assert!(png.starts_with(b"\x89PNG"), "第{n}页不是 PNG");
        // 72 dpi 下 A5 为 420×595 像素：宽度在 PNG 的 IHDR 里。
        let width = u32::from_be_bytes([png[16], png[17], png[18], png[19]]);
        assert!((419..=421).contains(&width), "宽 {width}");
    }
    assert!(out.path().join("商丘市-简报手册-总览.png").is_file());
    let o = jianbao(&[
        "preview",
        "--pages",
        "4-1",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("不是有效的页码范围"), "{}", stderr(&o));
}

fn booklet_doc(county: Option<&str>) -> typst_layout::PagedDocument {
    let project = load(&sample_dir());
    let engine = engine(&project);
    let view = project.view_for(county).unwrap();
    doc(&project, &engine, &view, jianbao::typeset::Kind::Booklet)
}

#[test]
fn every_body_page_has_a_folio_and_the_back_cover_is_blank() {
    for county in [None, Some("永城市")] {
        let doc = booklet_doc(county);
        let texts = jianbao::typeset::inspect::page_texts(&doc);
        let n = texts.len();
        let notice = "【示例数据，非官方统计】";
        assert!(
            texts[n - 1].replace(notice, "").trim().is_empty(),
            "{county:?} 封底应空白：{}",
            texts[n - 1]
        );
        let last_content = texts
            .iter()
            .rposition(|t| !t.replace(notice, "").trim().is_empty())
            .unwrap();
        assert!(last_content < n - 1);
        // 正文（第 3 页起）到最后一页有字的页，每页都有页码。
        for (i, t) in texts.iter().enumerate().take(last_content + 1).skip(2) {
            assert!(
                t.contains(&format!("— {} —", i - 1)),
                "{county:?} 第{}页没有页码 — {} —",
                i + 1,
                i - 1
            );
        }
    }
}

#[test]
fn chapter_opening_pages_have_no_running_header_and_the_notice_keeps_clear_of_the_trim() {
    let doc = booklet_doc(Some("永城市"));
    let title = "构筑建设新高地 擘画发展新蓝图";
    for page in 2..doc.pages().len() {
        let lines = jianbao::typeset::inspect::text_lines(&doc, page);
        let opens_chapter = lines.iter().any(|(_, _, t)| {
            t.starts_with("一、") || t.starts_with("二、") || t.starts_with("三、")
        });
        if opens_chapter {
            assert!(
                !lines.iter().take(3).any(|(_, _, t)| t.contains(title)),
                "第{}页开章，不应有页眉",
                page + 1
            );
        }
        if let Some((y, _, _)) = lines
            .iter()
            .find(|(_, _, t)| t.contains("示例数据，非官方统计"))
        {
            assert!(*y >= 8.0, "第{}页提示语离顶边只有 {y:.1} 毫米", page + 1);
        }
    }
}
