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
        &data.path().join("achievements.toml"),
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
