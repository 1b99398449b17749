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
