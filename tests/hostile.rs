//! 数据永远不会被当成 typst 代码：带标记符号的文字原样印出。

mod common;

use common::*;
use jianbao::typeset::Kind;

const HOSTILE: &[&str] = &[
    "#panic(\"x\")",
    "#read(\"/etc/passwd\")",
    "$x^2$",
    "[链接]",
    "*粗体*",
    "_斜体_",
    "<label>",
    "@ref",
    "// 注释",
    "/* 块注释 */",
    "\\反斜杠",
    "`raw`",
    "= 标题",
    "- 列表",
    "~",
];

#[test]
fn markup_in_data_prints_literally() {
    let data = fixture();
    let joined = HOSTILE.join(" ");
    // TOML 字面量字符串（单引号）里反斜杠不转义。
    replace(
        &data.path().join("outline.toml"),
        "facts = [\n",
        &format!("facts = [\n  '{joined}',\n"),
    );
    replace(
        &data.path().join("meta.toml"),
        "issuer = \"中共商丘市委\"",
        &format!("issuer = '{joined}'"),
    );
    let project = load(data.path());
    let engine = engine(&project);
    for kind in [Kind::Booklet, Kind::Summary] {
        let text = pages(&project, &engine, kind).concat();
        for h in HOSTILE {
            assert!(text.contains(h), "{kind:?} 中没有原样印出 {h:?}");
        }
    }
}

/// 没有字形也不占位置的字符（零宽字符、方向控制符、变体选择符）原样保留；组合附加符号和超长数字照常排出。
#[test]
fn invisible_and_combining_characters_print() {
    let data = fixture();
    let odd = "零宽\u{200B}空格\u{200D}连接\u{FEFF}BOM\u{202E}反向\u{202C} e\u{0301} 123456789012345678901234567890";
    replace(
        &data.path().join("meta.toml"),
        "issuer = \"中共商丘市委\"",
        &format!("issuer = \"{odd}\""),
    );
    let project = load(data.path());
    let engine = engine(&project);
    let text = pages(&project, &engine, Kind::Booklet).concat();
    assert!(text.contains("123456789012345678901234567890"));
    assert!(text.contains("e\u{0301}"));
    let out = tempfile::tempdir().unwrap();
    let o = build_into(data.path(), out.path());
    assert!(o.status.success(), "{}", stderr(&o));
}

/// 字体里没有的文字（阿拉伯文、希伯来文、表情）不会印成方框，而是报错并指明字和位置。
#[test]
fn scripts_the_fonts_lack_fail_with_the_character_named() {
    for (s, code) in [("مرحبا", "U+0645"), ("שלום", "U+05E9"), ("😀", "U+1F600")] {
        let data = fixture();
        replace(
            &data.path().join("outline.toml"),
            "title = \"把握好四个关系\"",
            &format!("title = \"把握好四个关系{s}\""),
        );
        let err = check_fails(data.path());
        assert!(
            err.contains("chapters[5].title：字体中没有") && err.contains(code),
            "{s}: {err}"
        );
    }
}
