//! 不碰 Typst 的换样式：强调色、纸张、字体角色、落款、封面样式都从 meta.toml 的 [theme] 来，每个值都检查。

mod common;

use common::*;
use jianbao::typeset::Kind;

#[test]
fn redhead_cover_prints_issue_signoff_and_date_on_the_first_page() {
    let data = fixture();
    let meta = data.path().join("meta.toml");
    replace(&meta, "kind = \"学习资料\"", "kind = \"简报\"");
    replace(&meta, "# issue = \"第1期\"", "issue = \"第3期\"");
    append(
        &meta,
        "\n[theme]\naccent = \"#c00000\"\nsignoff = \"示例市委办公室\"\n",
    );
    let project = load(data.path());
    assert_eq!(project.view.render.cover, "redhead", "简报默认用红头封面");
    assert_eq!(
        project.view.render.signoff.as_deref(),
        Some("示例市委办公室")
    );
    let pages = pages(&project, &engine(&project), Kind::Booklet);
    let cover = &pages[0];
    for want in ["第3期", "示例市委办公室", "2023年12月26日", "本期要目"] {
        assert!(cover.contains(want), "封面缺少 {want}：{cover}");
    }
    // 落款也印在文末。
    assert!(
        pages
            .iter()
            .any(|p| p.contains("示例市委办公室　二〇二三年十二月二十六日"))
    );
}

#[test]
fn cover_variant_can_be_chosen_for_any_kind() {
    let data = fixture();
    append(
        &data.path().join("meta.toml"),
        "\n[theme]\ncover = \"redhead\"\n",
    );
    let project = load(data.path());
    let pages = pages(&project, &engine(&project), Kind::Booklet);
    assert!(pages[0].contains("本期要目"), "{}", pages[0]);
}

#[test]
fn every_theme_value_is_checked_with_its_place() {
    let data = fixture();
    append(
        &data.path().join("meta.toml"),
        "\n[theme]\npaper = \"b6\"\naccent = \"red\"\nsignoff = \" \"\n",
    );
    let err = check_fails(data.path());
    assert!(err.contains("theme.paper：不支持的纸张 “b6”"), "{err}");
    assert!(
        err.contains("theme.accent：颜色 “red” 应写成 #RRGGBB"),
        "{err}"
    );
    assert!(err.contains("theme.signoff：落款不能为空"), "{err}");
    // 每条都指到 meta.toml 的行。
    let n = err.lines().filter(|l| l.contains("meta.toml:")).count();
    assert!(n >= 3, "{err}");

    let data = fixture();
    append(
        &data.path().join("meta.toml"),
        "\n[theme]\ncover = \"fancy\"\n",
    );
    let err = check_fails(data.path());
    assert!(err.contains("fancy"), "{err}");
    assert!(err.contains("plain") && err.contains("redhead"), "{err}");
}

#[test]
fn unknown_font_lists_the_available_families_and_points_at_the_line() {
    let data = fixture();
    let meta = data.path().join("meta.toml");
    append(&meta, "\n[theme.fonts]\nfangsong = [\"仿宋_GB2312\"]\n");
    let line = line_of(&meta, |l| l.starts_with("fangsong"));
    let err = check_fails(data.path());
    assert!(err.contains(&format!("meta.toml:{line}:")), "{err}");
    assert!(
        err.contains("theme.fonts.fangsong：找不到字体“仿宋_GB2312”"),
        "{err}"
    );
    for family in ["Noto Serif SC", "Noto Sans SC", "LXGW WenKai"] {
        assert!(err.contains(family), "应列出可用字体 {family}：{err}");
    }
}

#[test]
fn theme_fonts_reach_the_pdf() {
    let data = fixture();
    append(
        &data.path().join("meta.toml"),
        "\n[theme.fonts]\nsong = [\"LXGW WenKai\"]\n",
    );
    let out = tempfile::tempdir().unwrap();
    let o = build_into(data.path(), out.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let fonts = pdf_fonts(&out.path().join("商丘市-简报手册.pdf"));
    assert!(
        fonts.iter().filter(|f| f.name.contains("LXGW")).count() > 0,
        "{fonts:?}"
    );
}

/// 在数据集的 `[theme]` 中写入版式风格（没有这一节就加上）。
fn set_style(meta: &std::path::Path, style: &str) {
    let text = std::fs::read_to_string(meta).unwrap();
    let line = format!("style = \"{style}\"");
    let text = if text.lines().any(|l| l.trim() == "[theme]") {
        text.replacen("[theme]\n", &format!("[theme]\n{line}\n"), 1)
    } else {
        format!("{text}\n[theme]\n{line}\n")
    };
    std::fs::write(meta, text).unwrap();
}

/// 手册各页上实心填充的颜色和楷体文字的颜色（调试格式，如 `Cmyk(…)`、`Rgb(…)`）。
fn fills(doc: &typst_layout::PagedDocument) -> (Vec<String>, Vec<String>) {
    use typst::layout::{Frame, FrameItem};
    use typst::visualize::Paint;
    fn walk(frame: &Frame, shapes: &mut Vec<String>, kai: &mut Vec<String>) {
        for (_, item) in frame.items() {
            match item {
                FrameItem::Group(g) => walk(&g.frame, shapes, kai),
                FrameItem::Shape(s, _) => {
                    if let Some(Paint::Solid(c)) = &s.fill {
                        shapes.push(format!("{c:?}"));
                    }
                }
                FrameItem::Text(t) if t.font.info().family.contains("WenKai") => {
                    if let Paint::Solid(c) = &t.fill {
                        kai.push(format!("{c:?}"));
                    }
                }
                _ => {}
            }
        }
    }
    let (mut shapes, mut kai) = (Vec::new(), Vec::new());
    for page in doc.pages() {
        walk(&page.frame, &mut shapes, &mut kai);
    }
    (shapes, kai)
}

/// theme.style = "vivid"（色块版，版面检查之前的样子）：表头有底色、表格隔行有 10% 灰的底纹，二级标题和要点编号用强调色，
/// 要点在浅色框里。默认的会议材料样式（formal）没有这些：表格是三线表，楷体的标题和要点都是黑色。
#[test]
fn vivid_style_shades_tables_and_colours_level_two_headings() {
    let zebra = "Cmyk(0, 0, 0, 0.1)";
    let black = "Cmyk(0, 0, 0, 1)";
    let look = |style: Option<&str>| {
        let data = fixture();
        if let Some(s) = style {
            set_style(&data.path().join("meta.toml"), s);
        }
        let project = load(data.path());
        let doc = doc(&project, &engine(&project), &project.view, Kind::Booklet);
        (project.view.render.style.clone(), fills(&doc))
    };
    let (style, (shapes, kai)) = look(None);
    assert_eq!(style, "formal", "默认是会议材料的样式");
    assert!(
        !shapes.iter().any(|c| c == zebra),
        "三线表没有底纹：{shapes:?}"
    );
    let other: std::collections::BTreeSet<_> = kai.iter().filter(|c| *c != black).collect();
    assert!(other.is_empty(), "楷体的标题、要点是黑色：{other:?}");

    let (style, (shapes, kai)) = look(Some("vivid"));
    assert_eq!(style, "vivid");
    let stripes = shapes.iter().filter(|c| *c == zebra).count();
    assert!(stripes >= 5, "目标一览表隔行有底纹：{stripes} 处");
    let coloured = kai.iter().filter(|c| *c != black).count();
    assert!(
        coloured >= 10,
        "二级标题用强调色：{coloured} 段楷体文字不是黑色"
    );
}

/// 色块版在七个样例的全部版本（全市版和各县区版）、六种纸张上也没有版面问题。
#[test]
fn vivid_style_passes_the_layout_check_on_every_sample() {
    let data = tempfile::tempdir().unwrap();
    copy_dir(&root().join("data"), data.path());
    let mut samples: Vec<_> = std::fs::read_dir(data.path())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    samples.sort();
    assert!(samples.len() >= 7);
    for dir in samples {
        set_style(&dir.join("meta.toml"), "vivid");
        let bad = layout_findings(dir.to_str().unwrap());
        assert!(bad.is_empty(), "{}：{bad:#?}", dir.display());
    }
}

/// 写错的风格名指到 meta.toml 的行，并列出可选的值。
#[test]
fn unknown_style_points_at_the_line() {
    let data = fixture();
    let meta = data.path().join("meta.toml");
    set_style(&meta, "colorful");
    let err = check_fails(data.path());
    assert!(err.contains("meta.toml"), "{err}");
    assert!(err.contains("colorful"), "{err}");
    assert!(err.contains("formal") && err.contains("vivid"), "{err}");
}
