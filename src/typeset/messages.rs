//! typst 诊断的英文说法换成中文：读文件出错；排版在五遍内没有定下来时，各遍结果不同的地方。

/// 诊断本身。认不出的原样返回（模板自己的 `panic`、`assert` 已是中文）。
pub(super) fn in_chinese(message: &str) -> String {
    if let Some(zh) = unsettled(message) {
        return zh;
    }
    file_error(message)
}

/// 诊断的提示。
pub(super) fn hint_in_chinese(hint: &str) -> String {
    if let Some(n) = hint
        .strip_prefix("see ")
        .and_then(|r| r.strip_suffix(" additional warnings for more details"))
    {
        return format!("后面另有 {n} 条警告，指出模板中各遍结果不同的地方");
    }
    if hint == "see https://typst.app/help/convergence for help" {
        return "模板作者可参看 https://typst.app/help/convergence".into();
    }
    if let Some(rest) = hint.strip_prefix("the following positions were observed:") {
        let lines: Vec<String> = rest.lines().map(position_line).collect();
        return format!("各遍看到的位置：{}", lines.join("\n"));
    }
    if hint.starts_with("measurement tries to resolve introspections") {
        return "量的时候，其中的位置、计数按成文中最接近的元素取".into();
    }
    hint.to_owned()
}

/// “- run 2: page 4 at (43pt, 511pt)” → “- 第 2 遍：第 4 页 (43pt, 511pt)”；认不出的行原样保留。
fn position_line(line: &str) -> String {
    let parse = || {
        let (run, rest) = line.trim().strip_prefix("- ")?.split_once(": page ")?;
        let (page, at) = rest.split_once(" at ")?;
        let run = match run.strip_prefix("run ") {
            Some(n) => format!("第 {n} 遍"),
            None if run == "final" => "最终".to_owned(),
            None => return None,
        };
        Some(format!("- {run}：第 {page} 页 {at}"))
    };
    parse().unwrap_or_else(|| line.to_owned())
}

/// 排版未定时指出模板哪一处的各条（给模板作者；整份文档的那一条由版面检查报成“版面未定”，见 preflight::unsettled）。
fn unsettled(message: &str) -> Option<String> {
    let subject = message
        .strip_suffix(" did not stabilize")
        .or_else(|| message.strip_suffix(" did not converge"))?;
    let subjects = [
        ("element position", "元素的位置"),
        ("a measured element", "量出的元素"),
        ("page number of the element", "元素所在的页码"),
        ("page number of the context", "context 所在的页码"),
        ("value of the page counter", "页码计数器的值"),
        ("location of the context", "context 的位置"),
    ];
    let what = subjects
        .iter()
        .find(|(en, _)| *en == subject)
        .map(|(_, zh)| (*zh).to_owned())
        .or_else(|| {
            let label = subject.strip_prefix("query for elements labelled ")?;
            Some(format!("查询 {label} 的结果"))
        })
        .or_else(|| {
            let label = subject.strip_prefix("number of elements labelled ")?;
            Some(format!("标签 {label} 的个数"))
        })
        .or_else(|| {
            let what = subject.strip_prefix("number of elements matching ")?;
            Some(format!("匹配 {what} 的元素个数"))
        })
        .unwrap_or_else(|| subject.to_owned());
    Some(format!("排版未定：{what}在各遍之间不同"))
}

/// typst 读文件出错时的英文说法换成中文；`World::read` 给出的中文原因（括号里）原样保留。
fn file_error(message: &str) -> String {
    if let Some(rest) = message.strip_prefix("file not found (searched at ") {
        return format!("文件不存在（{}）", rest.trim_end_matches(')'));
    }
    let fixed = [
        (
            "failed to load file (access denied)",
            "无法读取文件（不允许读取这个位置）",
        ),
        (
            "failed to load file (is a directory)",
            "这是一个目录，不是文件",
        ),
        ("file is not valid UTF-8", "文件不是 UTF-8 编码"),
        ("not a Typst source file", "不是 Typst 源文件"),
    ];
    for (en, zh) in fixed {
        if message == en {
            return zh.to_owned();
        }
    }
    if let Some(rest) = message.strip_prefix("failed to load file (") {
        return format!("无法读取文件：{}", rest.strip_suffix(')').unwrap_or(rest));
    }
    message.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn convergence_warnings_read_in_chinese() {
        assert_eq!(
            in_chinese("query for elements labelled `<jb-fit>` did not stabilize"),
            "排版未定：查询 `<jb-fit>` 的结果在各遍之间不同"
        );
        assert_eq!(
            in_chinese("value of the page counter did not converge"),
            "排版未定：页码计数器的值在各遍之间不同"
        );
        assert_eq!(
            hint_in_chinese("see 16 additional warnings for more details"),
            "后面另有 16 条警告，指出模板中各遍结果不同的地方"
        );
        assert_eq!(in_chinese("file is not valid UTF-8"), "文件不是 UTF-8 编码");
        assert_eq!(
            hint_in_chinese(
                "the following positions were observed:\n- run 1: page 1 at (0pt, 0pt)\n- final: page 4 at (43pt, 511pt)"
            ),
            "各遍看到的位置：\n- 第 1 遍：第 1 页 (0pt, 0pt)\n- 最终：第 4 页 (43pt, 511pt)"
        );
    }
}
