//! 数据中文字的整理：TOML 多行字符串里的换行、制表符怎么算。
//!
//! 中文排版里，编辑器为了好看断开的一行不是分段：单个换行连起来（两边都是西文字母或数字时补一个空格），
//! 空一行才是分段。制表符当作一个空格（印出来看不见的字符不能悄悄吞掉一个词的分隔）。

/// 整理成一段：所有换行都软连接，制表符换成空格。
pub fn one_line(s: &str) -> String {
    join_lines(&s.replace("\r\n", "\n").replace('\t', " "))
}

/// 整理成若干段：空行分段，段内换行软连接。没有空行时就是一段。
pub fn paragraphs(s: &str) -> Vec<String> {
    let s = s.replace("\r\n", "\n").replace('\t', " ");
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in s.split('\n') {
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(join_lines(&current.join("\n")));
                current.clear();
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        out.push(join_lines(&current.join("\n")));
    }
    if out.is_empty() {
        out.push(String::new());
    }
    out
}

fn join_lines(s: &str) -> String {
    let lines: Vec<&str> = s.split('\n').collect();
    if lines.len() == 1 {
        return s.to_owned();
    }
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        let line = if i == 0 { line.trim_end() } else { line.trim() };
        if line.is_empty() {
            continue;
        }
        let western = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
        if !out.is_empty() && western(out.chars().last()) && western(line.chars().next()) {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

/// 名称（地区名、县区名、文件名）中看不见、却会改变显示或比较结果的字符：方向控制符让名字倒着显示
/// （“报告”后面加一个 U+202E，扩展名就倒过来显示），零宽字符让两个看起来一样的名字不相等。返回第一个这样的字符。
pub fn hidden_char(name: &str) -> Option<char> {
    name.chars().find(|c| hidden_kind(*c).is_some())
}

/// 不可见字符的中文称呼。
pub fn hidden_kind(c: char) -> Option<&'static str> {
    match c as u32 {
        0x200B => Some("零宽空格"),
        0x200C => Some("零宽不连字"),
        0x200D => Some("零宽连字"),
        0x2060 => Some("零宽不换行"),
        0xFEFF => Some("零宽不换行空格（BOM）"),
        0x00AD => Some("软连字符"),
        0x200E | 0x200F | 0x061C => Some("方向标记"),
        0x202A..=0x202E => Some("方向控制符"),
        0x2066..=0x2069 => Some("方向隔离符"),
        _ => None,
    }
}

/// “含不可见的字符 U+202E（方向控制符）”：名称中有这样的字符时的说明。
pub fn hidden_char_message(name: &str) -> Option<String> {
    let c = hidden_char(name)?;
    Some(format!(
        "含看不见的字符 U+{:04X}（{}），显示出来的名字与实际不同；请删去这个字符",
        c as u32,
        hidden_kind(c).unwrap_or("")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_newlines_join_softly() {
        assert_eq!(one_line("全市经济\n  运行平稳"), "全市经济运行平稳");
        assert_eq!(one_line("GDP\ngrowth"), "GDP growth");
        assert_eq!(one_line("标题\t副题"), "标题 副题");
    }

    #[test]
    fn hidden_characters_are_found_and_named() {
        assert_eq!(hidden_char("睢\u{200B}县"), Some('\u{200B}'));
        assert_eq!(hidden_char("商丘市"), None);
        assert!(
            hidden_char_message("a\u{202E}b")
                .unwrap()
                .contains("U+202E（方向控制符）")
        );
    }

    #[test]
    fn blank_lines_separate_paragraphs() {
        assert_eq!(
            paragraphs("第一段\n接着\n\n第二段"),
            vec!["第一段接着".to_owned(), "第二段".to_owned()]
        );
        assert_eq!(paragraphs("只有一段"), vec!["只有一段".to_owned()]);
    }
}
