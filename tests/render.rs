//! 一条渲染路径（`render::Press`）：命令行能给出的每种付印选项组合都在这里排一遍、读回来查一遍，
//! 各命令（build、batch、watch、preview、编号份数）只选排什么、写到哪里，不再各自重复这些断言。

mod common;

use std::path::Path;

use common::*;
use jianbao::copies::{self, Copies};
use jianbao::postpress::SaddleOptions;
use jianbao::present::Options;
use jianbao::project::{self, Project};
use jianbao::render::Template;
use jianbao::typeset::Kind;
use jianbao::typeset::world::Standard;
use lopdf::Document;

const PT_PER_MM: f64 = 72.0 / 25.4;

fn trim_insets(pdf: &[u8]) -> Vec<Option<f64>> {
    let doc = Document::load_mem(pdf).unwrap();
    doc.get_pages()
        .values()
        .map(|id| {
            let page = doc.get_dictionary(*id).unwrap();
            let num = |o: &lopdf::Object| o.as_float().or(o.as_i64().map(|i| i as f32)).unwrap();
            let media = page.get(b"MediaBox").unwrap().as_array().unwrap();
            page.get(b"TrimBox").ok().map(|t| {
                let t = t.as_array().unwrap();
                f64::from(num(&t[0]) - num(&media[0]))
            })
        })
        .collect()
}

fn page_count(pdf: &Path) -> usize {
    Document::load(pdf).unwrap().get_pages().len()
}

fn xmp(pdf: &[u8]) -> String {
    let doc = Document::load_mem(pdf).unwrap();
    let catalog = doc.catalog().unwrap();
    match catalog.get(b"Metadata") {
        Ok(r) => {
            let meta = doc.get_object(r.as_reference().unwrap()).unwrap();
            String::from_utf8_lossy(&meta.as_stream().unwrap().content).into_owned()
        }
        Err(_) => String::new(),
    }
}

/// 有没有用 CMYK 的 K 版印黑（`0 0 0 1 k`）：付印的 PDF 要有，PDF/A 存档版（没有 CMYK 色彩描述文件）不能有。
fn k_black(pdf: &[u8]) -> bool {
    let doc = Document::load_mem(pdf).unwrap();
    doc.objects.values().any(|o| {
        o.as_stream().ok().is_some_and(|s| {
            let content = s
                .decompressed_content()
                .unwrap_or_else(|_| s.content.clone());
            content.windows(9).any(|w| w == b"0 0 0 1 k")
        })
    })
}

#[test]
fn every_print_option_combination_renders_checks_and_writes_the_same_way() {
    let out = tempfile::tempdir().unwrap();
    let fonts_for = |project: &Project| {
        let fonts = jianbao::typeset::fonts::load(&[]).unwrap();
        project::engine(fonts, Some(&root().join("templates")), project).unwrap()
    };
    let templates = [
        Template::Builtin(Kind::Booklet),
        Template::Builtin(Kind::Summary),
        project::custom_template("gongwen", Some(&root().join("templates")))
            .unwrap()
            .template(),
    ];
    let mut n = 0;
    for (bleed, marks) in [(0.0, false), (3.0, true)] {
        for standard in [None, Some(Standard::A2b)] {
            let options = Options {
                bleed_mm: bleed,
                crop_marks: marks,
                archive: standard.is_some(),
                ..Options::default()
            };
            let project = Project::load(&sample_dir(), &options).unwrap();
            let engine = fonts_for(&project).with_standard(standard);
            for impose in [false, true] {
                let press = project
                    .press(&engine)
                    .with_impose(impose.then_some(SaddleOptions {
                        creep_mm: 0.1,
                        marks,
                    }));
                for template in &templates {
                    for copy in [None, Some(Copies::numbered(2).unwrap().get(1))] {
                        n += 1;
                        let what = format!(
                            "出血 {bleed}，裁切线 {marks}，{standard:?}，拼版 {impose}，{}，份号 {:?}",
                            template.label(),
                            copy.as_ref().map(|c| &c.no)
                        );
                        let view = match &copy {
                            Some(c) => copies::view_of(&project.view, c),
                            None => project.view.clone(),
                        };
                        let dir = out.path().join(n.to_string());
                        let path = dir.join(template.file_name(&view));
                        // 一页的公文拼不成骑马订：说明拼不成，什么都不写。
                        if impose && matches!(template, Template::Custom { .. }) {
                            let err = press.write(&view, template, &path).err();
                            let err = err.unwrap_or_else(|| panic!("{what}：应当拼不成"));
                            assert!(
                                err.0
                                    .iter()
                                    .any(|p| p.field == jianbao::render::IMPOSE_OPTION
                                        && p.message.contains("拼不成")),
                                "{what}：{err}"
                            );
                            assert!(!dir.exists(), "{what}：拼不成时不应写出文件");
                            continue;
                        }
                        let w = press
                            .write(&view, template, &path)
                            .unwrap_or_else(|p| panic!("{what}：{p}"));
                        let bytes = std::fs::read(&path).unwrap();
                        assert_eq!(w.bytes, bytes.len(), "{what}");
                        assert_eq!(page_count(&path), w.pages, "{what}");
                        match template {
                            Template::Builtin(Kind::Summary) => assert_eq!(w.pages, 1, "{what}"),
                            Template::Builtin(Kind::Booklet) => {
                                assert!(w.pages.is_multiple_of(4), "{what}")
                            }
                            Template::Custom { .. } => assert!(w.pages >= 1, "{what}"),
                        }
                        // 同样的输入，逐字节相同的文件。
                        let again = press.render(&view, template).unwrap();
                        assert!(again.pdf == bytes, "{what}：两次排出的 PDF 不同");
                        // 出血：每页都标出成品框，内缩出血加裁切线的边。
                        let insets = trim_insets(&bytes);
                        let expect = (bleed + if marks { 10.0 } else { 0.0 }) * PT_PER_MM;
                        for inset in &insets {
                            match inset {
                                Some(i) => assert!((i - expect).abs() < 0.1, "{what}：{i}"),
                                None => assert_eq!(bleed, 0.0, "{what}：没有 TrimBox"),
                            }
                        }
                        // 黑用 K 版，存档版用灰度：模板从引擎的输入 cmyk 得知，与视图的 render.cmyk 一致。
                        if !matches!(template, Template::Custom { .. }) {
                            assert_eq!(k_black(&bytes), standard.is_none(), "{what}");
                        }
                        // 存档标准写进 XMP。
                        assert_eq!(
                            xmp(&bytes).contains("<pdfaid:part>2</pdfaid:part>"),
                            standard.is_some(),
                            "{what}"
                        );
                        // 拼版只对手册，写在旁边，面数是页数的一半。
                        let imposed = path
                            .with_file_name(template.file_name(&view).replace(".pdf", "-拼版.pdf"));
                        let booklet = *template == Template::Builtin(Kind::Booklet);
                        assert_eq!(imposed.exists(), impose && booklet, "{what}");
                        assert_eq!(w.imposed.is_some(), impose && booklet, "{what}");
                        if impose && booklet {
                            assert_eq!(page_count(&imposed), w.pages / 2, "{what}");
                        }
                        // 份号印在文档上。
                        if let Some(c) = &copy {
                            assert!(compact(&pdf_text(&path)).contains(&c.no), "{what}");
                        }
                        let left: Vec<_> = std::fs::read_dir(&dir)
                            .unwrap()
                            .flatten()
                            .map(|e| e.file_name().to_string_lossy().into_owned())
                            .filter(|n| !n.ends_with(".pdf"))
                            .collect();
                        assert!(left.is_empty(), "{what}：留下了 {left:?}");
                    }
                }
            }
        }
    }
    assert_eq!(n, 2 * 2 * 2 * 3 * 2);
}

/// 预览与 build 走同一条路径：模板排出的一页纸超过一页时，预览同样报错，不画出图来。
#[test]
fn preview_runs_the_same_layout_checks_as_build() {
    let templates = tempfile::tempdir().unwrap();
    std::fs::write(
        templates.path().join("summary.typ"),
        "#set text(font: \"Noto Serif SC\", lang: \"zh\")\n第一页\n#pagebreak()\n第二页\n",
    )
    .unwrap();
    std::fs::write(templates.path().join("booklet.typ"), "x").unwrap();
    let out = tempfile::tempdir().unwrap();
    for command in ["build", "preview"] {
        let o = jianbao(&[
            command,
            "--templates",
            templates.path().to_str().unwrap(),
            "--only",
            "summary",
            "--out",
            out.path().to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(3), "{command}：{}", stderr(&o));
        assert!(
            stderr(&o).contains("内容超出一页（排出 2 页）"),
            "{command}：{}",
            stderr(&o)
        );
    }
    let pngs: Vec<_> = std::fs::read_dir(out.path())
        .unwrap()
        .flatten()
        .filter(|e| {
            e.path()
                .extension()
                .is_some_and(|x| x == "png" || x == "pdf")
        })
        .collect();
    assert!(pngs.is_empty(), "检查没通过时不应画出图或写出 PDF");
}

/// 预览逐页写出 PNG，总览图的大小不随 dpi 增长（高 dpi 时内存里只有一页的大图）。
#[test]
fn preview_writes_each_page_and_a_sheet_whose_size_does_not_follow_the_dpi() {
    let sizes: Vec<(u32, u32)> = [96, 300]
        .iter()
        .map(|dpi| {
            let out = tempfile::tempdir().unwrap();
            let o = jianbao(&[
                "preview",
                "--only",
                "booklet",
                "--pages",
                "1-3",
                "--dpi",
                &dpi.to_string(),
                "--out",
                out.path().to_str().unwrap(),
            ]);
            assert!(o.status.success(), "{}", stderr(&o));
            for n in 1..=3 {
                let page = out.path().join(format!("商丘市-简报手册-第{n}页.png"));
                let (w, _) = png_size(&page);
                // A5 宽 148 毫米。
                let expect = 148.0 / 25.4 * f64::from(*dpi);
                assert!((f64::from(w) - expect).abs() < 2.0, "{dpi} dpi：宽 {w}");
            }
            png_size(&out.path().join("商丘市-简报手册-总览.png"))
        })
        .collect();
    assert_eq!(sizes[0], sizes[1], "总览图不随 dpi 变大");
}

fn png_size(path: &Path) -> (u32, u32) {
    let bytes = std::fs::read(path).unwrap_or_else(|_| panic!("{} 不存在", path.display()));
    assert_eq!(&bytes[1..4], b"PNG");
    let be = |i: usize| u32::from_be_bytes(bytes[i..i + 4].try_into().unwrap());
    (be(16), be(20))
}
