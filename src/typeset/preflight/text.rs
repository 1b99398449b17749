//! 行内的规矩：避头尾、孤字、数字和单位不拆开、标题只在词与词之间换行。

use super::layout::{Layout, Line};
use super::{Add, Context, Rule};

/// 不能居行首的标点（clreq、JIS X 4051 的避头字符），含半角的。
const NO_START: &str = "，。、；：？！）」』】〕〉》”’…％‰,.;:?!)]}%·";
/// 不能居行末的标点。
const NO_END: &str = "（「『【〔〈《“‘([{";
/// 跟在数字后面、不能与数字拆开的单位或量词。
const UNITS: &str =
    "年月日时分秒期号届次个项家户人元角万亿千百吨米里条座所台辆倍度℃亩公顷斤周岁%％‰";
/// 标题末尾的文种词：可以在它之前换行（××会议精神｜学习资料）。与 lib/text.typ 的 genres 相同。
const GENRES: [&str; 12] = [
    "学习资料",
    "学习读本",
    "辅导读本",
    "解读",
    "汇编",
    "简报",
    "要点",
    "分析",
    "报告",
    "一览表",
    "实施意见",
    "实施方案",
];
/// 标题可以在其后换行的连词。
const JOINERS: &str = "暨和与及并";

fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c)
}

pub(super) fn is_punct(c: char) -> bool {
    NO_START.contains(c) || NO_END.contains(c) || "—-–·•●■□◆".contains(c)
}

/// 条目编号（“3.”“（三）”“3、”）：编号与条文分在两格时，编号自成一“行”，它不是段末的孤字。
fn is_item_number(s: &str) -> bool {
    let s = s.trim();
    let core = s
        .trim_start_matches(['（', '('])
        .trim_end_matches(['.', '、', '．', '）', ')']);
    core.len() < s.len()
        && !core.is_empty()
        && core
            .chars()
            .all(|c| c.is_ascii_digit() || "〇一二三四五六七八九十百".contains(c))
}

/// 字数（不算标点和空白）。
fn letters(s: &str) -> usize {
    s.chars()
        .filter(|c| !c.is_whitespace() && !is_punct(*c))
        .count()
}

pub fn check(layout: &Layout, cx: &Context, add: &mut Add) {
    for (p, page) in layout.pages.iter().enumerate() {
        for (_, line) in page.body_lines() {
            punctuation(line, page, p, add);
        }
        // 每行只报一次：同一行的几段文字里有一处挤窄就够了。
        let mut reported: Vec<(i64, i64)> = Vec::new();
        for r in page.runs.iter().filter(|r| !r.owner.running) {
            let Some((c, width)) = r.squeezed else {
                continue;
            };
            let key = ((r.y * 2.0).round() as i64, r.container as i64);
            if reported.contains(&key) {
                continue;
            }
            reported.push(key);
            add(
                Rule::Squeezed,
                p + 1,
                r.x0,
                r.y,
                r.text.trim(),
                format!(
                    "行中间的“{c}”被压窄到 {width:.2} 个字宽（全角标点应占一个字宽），同一段里标点宽窄不一"
                ),
            );
        }
        for (_, line) in page.body_lines() {
            if let Some(prev) = line.prev.map(|j| &page.lines[j]) {
                split_number(prev, line, p, add);
                if line.next.is_none() {
                    runt(prev, line, p, add);
                }
            }
        }
        titles(layout, page, p, cx, add);
    }
}

fn punctuation(line: &Line, page: &super::layout::Page, p: usize, add: &mut Add) {
    let text = line.text.trim();
    let (Some(first), Some(last)) = (text.chars().next(), text.chars().last()) else {
        return;
    };
    let prev_ends_dash = line
        .prev
        .and_then(|j| page.lines[j].text.trim_end().chars().last())
        .is_some_and(|c| c == '—' || c == '…');
    // 破折号、省略号本身可以起行（副标题的“——”），但不能从中间拆开。
    let broken_pair = (first == '—' || first == '…') && prev_ends_dash;
    if NO_START.contains(first) && first != '…' || broken_pair {
        add(
            Rule::LineStartPunct,
            p + 1,
            line.x0,
            line.y,
            text,
            format!("“{first}”出现在行首"),
        );
    }
    if NO_END.contains(last) {
        add(
            Rule::LineEndPunct,
            p + 1,
            line.x1,
            line.y,
            text,
            format!("“{last}”出现在行末"),
        );
    }
}

fn split_number(prev: &Line, line: &Line, p: usize, add: &mut Add) {
    let (Some(a), Some(b)) = (
        prev.text.trim_end().chars().last(),
        line.text.trim_start().chars().next(),
    ) else {
        return;
    };
    let tail: String = prev
        .text
        .trim_end()
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_alphanumeric() || "./:_-".contains(*c))
        .collect();
    let numeric = a.is_ascii_digit() && (b.is_ascii_digit() || b == '.' || UNITS.contains(b));
    let word = b.is_ascii_alphanumeric()
        && !tail.is_empty()
        && (tail.contains('.') || tail.contains('/') || tail.chars().any(|c| c.is_ascii_digit()));
    let sign = "+−-".contains(a) && b.is_ascii_digit();
    if numeric || word || sign {
        add(
            Rule::SplitNumber,
            p + 1,
            line.x0,
            line.y,
            &format!("{}｜{}", tail_of(&prev.text, 8), head_of(&line.text, 8)),
            "数字、单位或网址被拆在两行".into(),
        );
    }
}

fn runt(prev: &Line, line: &Line, p: usize, add: &mut Add) {
    let title = line.owner.heading.is_some() || line.owner.title.is_some();
    let limit = if title { 2 } else { 1 };
    let n = letters(&line.text);
    if n == 0
        || n > limit
        || is_item_number(&line.text)
        || prev.width() < 4.0 * prev.size
        || line.width() > 0.5 * prev.width()
    {
        return;
    }
    add(
        Rule::Runt,
        p + 1,
        line.x0,
        line.y,
        &format!("{}｜{}", tail_of(&prev.text, 8), line.text.trim()),
        if title {
            "标题的最后一行只有一两个字".into()
        } else {
            "段落的最后一行只有一个字".into()
        },
    );
}

/// 封面标题、副标题、章标题：相邻两行的分界必须在词与词之间。
fn titles(layout: &Layout, page: &super::layout::Page, p: usize, cx: &Context, add: &mut Add) {
    let key = |l: &Line| -> Option<(u8, usize)> {
        if let Some(t) = l.owner.title {
            return Some((0, t));
        }
        let h = l.owner.heading?;
        (layout.headings[h].level == 1).then_some((1, h))
    };
    let lines: Vec<&Line> = page.body_lines().map(|(_, l)| l).collect();
    for (k, line) in lines.iter().enumerate() {
        let Some(id) = key(line) else { continue };
        // 同一标题的下一行：同一元素、字号相同、在下方。
        let Some(next) = lines[k + 1..]
            .iter()
            .find(|n| key(n) == Some(id) && (n.size - line.size).abs() < 0.3)
        else {
            continue;
        };
        if !title_break_ok(&line.text, &next.text, cx) {
            add(
                Rule::SplitTitle,
                p + 1,
                next.x0,
                next.y,
                &format!("{}｜{}", tail_of(&line.text, 10), head_of(&next.text, 10)),
                "标题在词中断开：标题只在标点、空格、“暨/和/与/及”之后，或“——”、数字之前换行；\
                 也可以在数据中用 title_lines 写明分行"
                    .into(),
            );
        }
    }
}

/// 标题在 `before` 与 `after` 之间换行是否合乎排版习惯。规则与模板 lib/text.typ 的 title-chunks 相同。
pub fn title_break_ok(before: &str, after: &str, cx: &Context) -> bool {
    let before = before.trim_end();
    let after = after.trim_start();
    let (Some(a), Some(b)) = (before.chars().last(), after.chars().next()) else {
        return true;
    };
    let a_prev = before.chars().rev().nth(1);
    if cx.title_breaks.contains(&(a, b)) {
        return true;
    }
    if NO_START.contains(b) {
        return false;
    }
    if NO_START.contains(a) && !"…".contains(a) || a.is_whitespace() {
        return true;
    }
    if NO_END.contains(b) || (b == '—' && a != '—') {
        return true;
    }
    if JOINERS.contains(a) {
        return true;
    }
    if GENRES.iter().any(|g| after.starts_with(g)) {
        return true;
    }
    // 地名与年份之间（平顶山市｜2025年），但不在日期中间（10月｜31日）。
    if is_han(a) && b.is_ascii_digit() {
        return !"年月".contains(a) || !a_prev.is_some_and(|c| c.is_ascii_digit());
    }
    // 数字连同单位之后（2025年｜主要预期目标）。
    if UNITS.contains(a) && a_prev.is_some_and(|c| c.is_ascii_digit()) && is_han(b) {
        return true;
    }
    false
}

fn tail_of(s: &str, n: usize) -> String {
    let s = s.trim();
    let k = s.chars().count().saturating_sub(n);
    s.chars().skip(k).collect()
}

fn head_of(s: &str, n: usize) -> String {
    s.trim().chars().take(n).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cx() -> Context {
        Context {
            document: String::new(),
            one_page: false,
            binding: super::super::Binding::Saddle,
            families: vec![],
            roles: vec![],
            accent: None,
            title_breaks: vec![('会', '议')],
        }
    }

    #[test]
    fn title_breaks_between_words_only() {
        let cx = cx();
        assert!(title_break_ok(
            "——市委六届五次全会暨",
            "市委经济工作会议",
            &cx
        ));
        assert!(!title_break_ok(
            "——市委六届五次全会暨市",
            "委经济工作会议",
            &cx
        ));
        assert!(title_break_ok("平顶山市", "2025年主要预期目标", &cx));
        assert!(!title_break_ok("平顶山市2025", "年主要预期目标", &cx));
        assert!(title_break_ok("平顶山市2025年", "主要预期目标", &cx));
        assert!(!title_break_ok("10月", "31日", &cx));
        assert!(title_break_ok("学习贯彻", "——市委全会精神", &cx));
        assert!(
            title_break_ok("经济工作会", "议精神", &cx),
            "数据写明的分行"
        );
    }
}
