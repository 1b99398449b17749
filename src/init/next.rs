//! `init 下期 --from 上期`：从上一期的数据开始下一期。复制数据，meta.toml 里
//! 期号加一（第5期 → 第6期）、统计期推到下一期（1—7月 → 1—8月，上半年 → 1—7月）、previous 指向上一期，
//! 其余（数字、标题、编印日期）原样留给编写人改；这些是真实的数据，不加“示例”字样。

use std::path::{Component, Path, PathBuf};

/// 下一期的统计期；认不出的说法返回 None（原样留下，提示编写人改）。
pub fn next_period(period: &str) -> Option<String> {
    let p = period.trim();
    let named = [
        ("一季度", "1—4月"),
        ("上半年", "1—7月"),
        ("前三季度", "1—10月"),
        ("三季度", "1—10月"),
    ];
    if let Some((_, n)) = named.iter().find(|(k, _)| *k == p) {
        return Some((*n).to_owned());
    }
    // 最后一个“N月”加一：1—7月 → 1—8月，10月 → 11月；12月是年末，不往下推。
    let end = p.rfind('月')?;
    let digits: String = p[..end]
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let month: u32 = digits.parse().ok()?;
    if !(1..12).contains(&month) {
        return None;
    }
    let start = end - digits.len();
    Some(format!("{}{}{}", &p[..start], month + 1, &p[end..]))
}

/// 期号加一：“第5期” → “第6期”，“2023年第12期（总第48期）” → 各个“第N期”都加一。
pub fn next_issue(issue: &str) -> Option<String> {
    let mut out = String::new();
    let mut rest = issue;
    let mut changed = false;
    while let Some(i) = rest.find('第') {
        let (head, tail) = rest.split_at(i + '第'.len_utf8());
        out.push_str(head);
        let digits: String = tail.chars().take_while(char::is_ascii_digit).collect();
        let after = &tail[digits.len()..];
        match (digits.parse::<u64>(), after.starts_with('期')) {
            (Ok(n), true) => {
                out.push_str(&(n + 1).to_string());
                changed = true;
            }
            _ => out.push_str(&digits),
        }
        rest = after;
    }
    out.push_str(rest);
    changed.then_some(out)
}

/// 从 `from` 到 `to` 的相对路径（两者都是已存在的目录）。
pub fn relative(from: &Path, to: &Path) -> PathBuf {
    let (Ok(from), Ok(to)) = (from.canonicalize(), to.canonicalize()) else {
        return to.to_owned();
    };
    let a: Vec<Component> = from.components().collect();
    let b: Vec<Component> = to.components().collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut out = PathBuf::new();
    for _ in common..a.len() {
        out.push("..");
    }
    for c in &b[common..] {
        out.push(c);
    }
    out
}

/// 改写 meta.toml 的 [meta] 表：期号、统计期推到下一期，previous 指向上一期。
/// 按行改（不动注释和其余内容）；返回新文本和给编写人的提示。
pub fn advance_meta(text: &str, previous: &str) -> (String, Vec<String>) {
    let mut notes = Vec::new();
    let mut out = Vec::new();
    let mut in_meta = false;
    let mut wrote_previous = false;
    let quoted = |line: &str| -> Option<String> {
        let v = line.split_once('=')?.1.trim();
        v.strip_prefix('"')?.strip_suffix('"').map(str::to_owned)
    };
    let key = |line: &str| line.split('=').next().unwrap_or("").trim().to_owned();
    for line in text.lines() {
        let t = line.trim_start();
        if t.starts_with('[') {
            if in_meta && !wrote_previous {
                out.push(format!("previous = {}", toml_string(previous)));
                wrote_previous = true;
            }
            in_meta = t.starts_with("[meta]");
        }
        if in_meta && !t.starts_with('#') {
            match key(t).as_str() {
                "issue" => {
                    if let Some(v) = quoted(t) {
                        match next_issue(&v) {
                            Some(n) => {
                                notes.push(format!("期号：{v} → {n}"));
                                out.push(format!("issue = {}", toml_string(&n)));
                                continue;
                            }
                            None => notes.push(format!("期号“{v}”里没有“第N期”，请手改")),
                        }
                    }
                }
                "period" => {
                    if let Some(v) = quoted(t) {
                        match next_period(&v) {
                            Some(n) => {
                                notes.push(format!("统计期：{v} → {n}"));
                                out.push(format!("period = {}", toml_string(&n)));
                                continue;
                            }
                            None => notes.push(format!("统计期“{v}”推不出下一期，请手改")),
                        }
                    }
                }
                "previous" => {
                    out.push(format!("previous = {}", toml_string(previous)));
                    wrote_previous = true;
                    continue;
                }
                _ => {}
            }
        }
        out.push(line.to_owned());
    }
    if in_meta && !wrote_previous {
        out.push(format!("previous = {}", toml_string(previous)));
    }
    notes.push(format!("上期：previous = \"{previous}\""));
    (out.join("\n") + "\n", notes)
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_advance_by_a_month() {
        assert_eq!(next_period("1—7月").as_deref(), Some("1—8月"));
        assert_eq!(next_period("1-9月").as_deref(), Some("1-10月"));
        assert_eq!(next_period("10月").as_deref(), Some("11月"));
        assert_eq!(next_period("上半年").as_deref(), Some("1—7月"));
        assert_eq!(next_period("1—12月"), None);
        assert_eq!(next_period("全年"), None);
    }

    #[test]
    fn issue_numbers_advance() {
        assert_eq!(next_issue("第5期").as_deref(), Some("第6期"));
        assert_eq!(
            next_issue("2023年第12期（总第48期）").as_deref(),
            Some("2023年第13期（总第49期）")
        );
        assert_eq!(next_issue("增刊"), None);
    }

    #[test]
    fn meta_is_advanced_line_by_line() {
        let text = "# 注释\n[meta]\ntitle = \"简报\"\nissue = \"第5期\" \nperiod = \"1—7月\"\n\n[summary]\n";
        let (out, notes) = advance_meta(text, "../last");
        assert!(out.contains("issue = \"第6期\""), "{out}");
        assert!(out.contains("period = \"1—8月\""));
        assert!(out.contains("previous = \"../last\"\n[summary]"), "{out}");
        assert!(out.starts_with("# 注释\n"));
        assert_eq!(notes.len(), 3);
    }
}
