//! 教人用的帮助：中文帮助页都带示例；拼错的命令和参数给出中文的建议；不带参数时打印入门说明。

mod common;

use common::*;

const COMMANDS: [&str; 8] = [
    "build",
    "export-json",
    "check",
    "batch",
    "schema",
    "watch",
    "init",
    "bench",
];

fn no_english(text: &str) {
    for word in [
        "Usage",
        "Options",
        "Arguments",
        "Commands",
        "[OPTIONS]",
        "Print help",
    ] {
        assert!(!text.contains(word), "帮助中还有英文 “{word}”：\n{text}");
    }
}

#[test]
fn no_arguments_prints_a_getting_started_guide() {
    let o = jianbao(&[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    for want in [
        "从零开始",
        "jianbao init",
        "jianbao build",
        "jianbao watch",
        "[theme]",
        "--help",
    ] {
        assert!(text.contains(want), "入门说明缺少 {want}：\n{text}");
    }
}

#[test]
fn top_level_help_is_chinese_with_examples_and_lists_every_command() {
    let o = jianbao(&["--help"]);
    assert!(o.status.success());
    let text = stdout(&o);
    no_english(&text);
    assert!(text.contains("用法：jianbao <命令>"), "{text}");
    assert!(
        text.contains("示例：") && text.contains("jianbao init"),
        "{text}"
    );
    for c in COMMANDS {
        assert!(
            text.contains(&format!("  {c} ")),
            "{c} 不在命令表中：\n{text}"
        );
    }
}

#[test]
fn every_subcommand_help_is_chinese_and_has_an_example() {
    for c in COMMANDS {
        let o = jianbao(&[c, "--help"]);
        assert!(o.status.success(), "{c}");
        let text = stdout(&o);
        no_english(&text);
        assert!(text.contains("用法："), "{c}：\n{text}");
        assert!(text.contains("示例："), "{c} 的帮助没有示例：\n{text}");
        assert!(
            text.contains(&format!("jianbao {c}")),
            "{c} 的示例没有用到它自己：\n{text}"
        );
    }
}

#[test]
fn misspelt_commands_and_options_get_a_chinese_suggestion() {
    let o = jianbao(&["biuld"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("不认识的命令 “biuld”；是否应为 “build”？"),
        "{err}"
    );

    let o = jianbao(&["wacth"]);
    assert!(stderr(&o).contains("“watch”？"), "{}", stderr(&o));

    let o = jianbao(&["build", "--ouy", "x"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("不认识的参数 “--ouy”；是否应为 “--out”？"),
        "{err}"
    );
    no_english(&err);

    let o = jianbao(&["init", "x", "--knid", "简报"]);
    assert!(stderr(&o).contains("是否应为 “--kind”"), "{}", stderr(&o));
}
