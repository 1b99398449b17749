//! 页面的规矩：背题、表头孤悬、单项编号、装订不需要的空白页、大片留白、落款单独成页。

use super::layout::{Layout, Line, Page};
use super::{Add, Binding, Context, Rule};

pub fn check(layout: &Layout, cx: &Context, add: &mut Add, notes: &mut Vec<String>) {
    heading_at_foot(layout, add);
    table_header(layout, add);
    single_numbered(layout, add);
    blank_pages(layout, cx, add);
    empty_pages(layout, cx, add, notes);
    lone_colophon(layout, add);
}

/// 文末（`<jb-end>`）所在的最后一页上没有一行别的正文：落款被挤到了新的一页。
fn lone_colophon(layout: &Layout, add: &mut Add) {
    let Some(p) = layout.pages.iter().rposition(|p| !p.is_blank()) else {
        return;
    };
    let mut body = layout.pages[p].body_lines().map(|(_, l)| l);
    let Some(first) = body.next() else { return };
    let earlier_text = layout.pages[..p].iter().any(|q| !q.is_blank());
    if first.owner.end && body.all(|l| l.owner.end) && earlier_text {
        add(
            Rule::LoneColophon,
            p + 1,
            first.x0,
            first.y,
            first.text.trim(),
            "文末的会议、资料来源和落款单独占了一页，上面没有正文（上一页已排满）：\
             可精简末尾的内容、缩短资料来源，或换一种纸张"
                .into(),
        );
    }
}

/// 标题（或表题、框题）之后，本页至少还要有两行属于别的元素的文字。
fn heading_at_foot(layout: &Layout, add: &mut Add) {
    for (p, page) in layout.pages.iter().enumerate() {
        let body: Vec<&Line> = page.body_lines().map(|(_, l)| l).collect();
        for (k, line) in body.iter().enumerate() {
            let (is_head, what) = match (line.owner.heading, line.owner.caption) {
                (Some(_), _) => (true, "标题"),
                (None, Some(_)) => (true, "表题或框题"),
                _ => (false, ""),
            };
            if !is_head {
                continue;
            }
            let same = |l: &Line| {
                l.owner.heading == line.owner.heading && l.owner.caption == line.owner.caption
            };
            let rest = &body[k + 1..];
            // 标题的最后一行才算：它下面的同一标题的行不计入正文。
            if rest.iter().any(|l| same(l)) {
                continue;
            }
            let after = rest.iter().filter(|l| l.y > line.y + 0.5).count();
            let next = layout.pages[p + 1..].iter().find(|q| !q.is_blank());
            // 这一节只有一行、整节都在本页（下一页从新的标题或文末的落款开始）：不是背题。
            let section_done = next
                .and_then(|q| q.body_lines().next())
                .is_some_and(|(_, l)| l.owner.heading.is_some() || l.owner.end);
            if after < 2 && next.is_some() && !(after == 1 && section_done) {
                add(
                    Rule::HeadingAtFoot,
                    p + 1,
                    line.x0,
                    line.y,
                    line.text.trim(),
                    format!("{what}落在页尾，下面不足两行正文"),
                );
            }
        }
    }
}

/// 表格从某页开始时，这页上表头下面至少要有两行（或全部行）。
fn table_header(layout: &Layout, add: &mut Add) {
    for (t, &start) in layout.tables.iter().enumerate() {
        let rows = |page: &Page| -> Vec<f64> {
            let mut ys: Vec<f64> = page
                .body_lines()
                .filter(|(_, l)| l.owner.table == Some(t) && l.prev.is_none())
                .map(|(_, l)| l.y)
                .collect();
            ys.sort_by(f64::total_cmp);
            ys.dedup_by(|a, b| (*a - *b).abs() < 1.0);
            ys
        };
        let first = rows(&layout.pages[start]);
        let total: usize = layout.pages[start..].iter().map(|pg| rows(pg).len()).sum();
        if first.len() < 3.min(total) {
            let line = layout.pages[start]
                .body_lines()
                .find(|(_, l)| l.owner.table == Some(t))
                .map(|(_, l)| l.clone());
            let (x, y, text) = line.map_or((0.0, 0.0, String::new()), |l| (l.x0, l.y, l.text));
            add(
                Rule::TableHeaderAlone,
                start + 1,
                x,
                y,
                text.trim(),
                "表格在页尾开始，表头下不足两行".into(),
            );
        }
    }
}

/// 编号的标题：（一）、1.、（1）、①……
fn numbered(text: &str) -> bool {
    let t = text.trim_start();
    let mut cs = t.chars();
    match cs.next() {
        Some('（') | Some('(') => {
            let inner: String = cs.take_while(|c| *c != '）' && *c != ')').collect();
            !inner.is_empty()
                && inner
                    .chars()
                    .all(|c| "一二三四五六七八九十".contains(c) || c.is_ascii_digit())
        }
        Some(c) if c.is_ascii_digit() => {
            let rest: String = t
                .chars()
                .skip_while(|c| c.is_ascii_digit())
                .take(1)
                .collect();
            matches!(rest.as_str(), "." | "．" | "、")
        }
        Some(c) if "一二三四五六七八九十".contains(c) => {
            let rest: String = t
                .chars()
                .skip_while(|c| "一二三四五六七八九十".contains(*c))
                .take(1)
                .collect();
            rest == "、"
        }
        Some(c) => ('①'..='⑳').contains(&c),
        None => false,
    }
}

/// 编号的下一个号：（一）→（二），1. → 2.，① → ②，一、→ 二、。
fn next_number(text: &str) -> Option<String> {
    const CN: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
    let t = text.trim_start();
    if let Some(rest) = t.strip_prefix('（') {
        let inner: String = rest.chars().take_while(|c| *c != '）').collect();
        if let Ok(n) = inner.parse::<usize>() {
            return Some(format!("（{}）", n + 1));
        }
        let k = CN.iter().position(|c| *c == inner)?;
        return Some(format!("（{}）", CN.get(k + 1)?));
    }
    let digits: String = t.chars().take_while(|c| c.is_ascii_digit()).collect();
    if let Ok(n) = digits.parse::<usize>() {
        let sep = t[digits.len()..].chars().next()?;
        return Some(format!("{}{sep}", n + 1));
    }
    let c = t.chars().next()?;
    if ('①'..'⑳').contains(&c) {
        return char::from_u32(c as u32 + 1).map(String::from);
    }
    let k = CN.iter().position(|x| t.starts_with(x))?;
    Some(format!("{}、", CN.get(k + 1)?))
}

/// (上级标题的下标, 层级)
type Group = (Option<usize>, usize);

/// 同一上级标题下，同一层级只有一个编号的标题。
fn single_numbered(layout: &Layout, add: &mut Add) {
    let hs = &layout.headings;
    let mut groups: Vec<(Group, Vec<usize>)> = Vec::new();
    for (i, h) in hs.iter().enumerate() {
        if !numbered(&h.text) {
            continue;
        }
        let parent = (0..i).rev().find(|&j| hs[j].level < h.level);
        let key = (parent, h.level);
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => v.push(i),
            None => groups.push((key, vec![i])),
        }
    }
    for (_, members) in groups {
        if let [only] = members[..] {
            let h = &hs[only];
            // 不是第一个号（“（二）”）：前一个号编在段落上，不是单项。
            let t = h.text.trim_start();
            let first = ["（一）", "（1）", "1.", "1．", "1、", "①", "一、"]
                .iter()
                .any(|p| t.starts_with(p));
            if !first {
                continue;
            }
            // 下一个号可能编在段落上（如小标题“（一）”之后的要点“（二）”）：那就不是单项。
            if let Some(next) = next_number(&h.text)
                && layout.pages[h.page..].iter().any(|p| {
                    p.body_lines().any(|(_, l)| {
                        l.owner.heading.is_none() && l.text.trim_start().starts_with(&next)
                    })
                })
            {
                continue;
            }
            add(
                Rule::SingleNumbered,
                h.page + 1,
                0.0,
                0.0,
                h.text.trim(),
                "这一层只有一项，却编了号（有“一”就该有“二”）；只有一项时不编号".into(),
            );
        }
    }
}

/// 空白页：正文中间的空白页（封二除外）；封底之前超过装订所需的补白页。
fn blank_pages(layout: &Layout, cx: &Context, add: &mut Add) {
    let n = layout.pages.len();
    let Some(last_text) = layout.pages.iter().rposition(|p| !p.is_blank()) else {
        return;
    };
    for (p, page) in layout.pages.iter().enumerate().take(last_text) {
        // 封二（第 2 页）可以空白：正文从右手页开始。
        if page.is_blank() && !(p == 1 && cx.binding != Binding::Sheet) {
            add(
                Rule::BlankPage,
                p + 1,
                0.0,
                0.0,
                "",
                "正文中间有空白页".into(),
            );
        }
    }
    let trailing = n - 1 - last_text;
    // 封底（最后一页）之前允许的补白页数。
    let (allowed, cover) = match cx.binding {
        Binding::Saddle => (3, 1),
        Binding::Side => (1, 1),
        Binding::Sheet => (0, 0),
    };
    if trailing > allowed + cover {
        add(
            Rule::BlankPage,
            last_text + 2,
            0.0,
            0.0,
            "",
            format!(
                "正文之后有 {trailing} 页空白，{}最多需要 {}",
                binding_name(cx.binding),
                allowed + cover
            ),
        );
    }
}

fn binding_name(b: Binding) -> &'static str {
    match b {
        Binding::Saddle => "骑马订",
        Binding::Side => "平订",
        Binding::Sheet => "单页",
    }
}

/// 下部空出三分之一以上的页：版心的上下界取全文档正文行的最高与最低处。
/// 一章的最后一页不算（issue 13 的规则）：下一章开头的标题、小标题和不可拆的图表在这一页放不下时，
/// 下一章从新的一页开始，这一页下部的空白是应有的。
fn empty_pages(layout: &Layout, cx: &Context, add: &mut Add, notes: &mut Vec<String>) {
    let bottoms: Vec<f64> = layout
        .pages
        .iter()
        .filter_map(|p| p.body_lines().map(|(_, l)| l.y).reduce(f64::max))
        .collect();
    let tops: Vec<f64> = layout
        .pages
        .iter()
        .filter_map(|p| p.body_lines().map(|(_, l)| l.y - l.size).reduce(f64::min))
        .collect();
    let (Some(bottom), Some(top)) = (
        bottoms.iter().copied().reduce(f64::max),
        tops.iter().copied().reduce(f64::min),
    ) else {
        return;
    };
    let Some(last_text) = layout.pages.iter().rposition(|p| !p.is_blank()) else {
        return;
    };
    let height = bottom - top;
    for (p, page) in layout.pages.iter().enumerate() {
        // 一页纸只有一页，查的就是它；最后一个有字的页不查，装订的手册的封面、封二也不查。
        let exempt = !cx.one_page
            && (p >= last_text
                || (cx.binding != Binding::Sheet && p < 2)
                || starts_chapter(layout, p + 1));
        if exempt || page.is_blank() {
            continue;
        }
        let Some(low) = page.body_lines().map(|(_, l)| l.y).reduce(f64::max) else {
            continue;
        };
        let empty = (bottom - low) / height;
        // 一页纸的版心下界就是本页最低的正文，只能从页面量：版面下方的空白占页面可用高度的比例。
        let empty = if cx.one_page {
            (page.height * 0.93 - low) / (page.height * 0.93 - top)
        } else {
            empty
        };
        if empty > 1.0 / 3.0 {
            // 一页纸的字号和间距已放大到上限（模板的 <jb-fill-limit>）：空白是内容少，模板调不出来，
            // 只有数据能补。一页纸是文档的最后一页，按规则不算大片留白，只提示用户。
            if cx.one_page && layout.fill_limit {
                notes.push(format!(
                    "提示：{} 的内容少，字号和间距已放大到上限，页面下部仍空出 {:.0}%；\
                     可在 meta.toml 的 [summary] 中多排几块（如任务、量化目标、叙述）",
                    cx.document,
                    empty * 100.0
                ));
                continue;
            }
            let why = if cx.one_page {
                "一页纸的内容没有放大到排满"
            } else {
                "下一页开头的内容（不可拆的图、表格的表头连同头两行，或标题连同其后几行）在本页放不下，整块换了页"
            };
            let last = page.body_lines().last().map(|(_, l)| l.clone());
            let (x, text) = last.map_or((0.0, String::new()), |l| (l.x0, l.text));
            add(
                Rule::EmptyPage,
                p + 1,
                x,
                low,
                text.trim(),
                format!("本页下部空出 {:.0}%：{why}", empty * 100.0),
            );
        }
    }
}

/// 第 `p` 页（从 0 数）的第一行正文是一级标题（一章的开头）。
fn starts_chapter(layout: &Layout, p: usize) -> bool {
    layout
        .pages
        .get(p)
        .and_then(|page| page.body_lines().next())
        .and_then(|(_, line)| line.owner.heading)
        .is_some_and(|h| layout.headings[h].level == 1)
}

#[cfg(test)]
mod tests {
    use super::numbered;

    #[test]
    fn next_numbers() {
        use super::next_number;
        assert_eq!(next_number("（一）甲").as_deref(), Some("（二）"));
        assert_eq!(next_number("（3）乙").as_deref(), Some("（4）"));
        assert_eq!(next_number("1.丙").as_deref(), Some("2."));
        assert_eq!(next_number("①丁").as_deref(), Some("②"));
        assert_eq!(next_number("一、戊").as_deref(), Some("二、"));
    }

    #[test]
    fn numbering_patterns() {
        assert!(numbered("（一）坚持稳中求进"));
        assert!(numbered("1.稳增长"));
        assert!(numbered("（3）项目"));
        assert!(numbered("①一号"));
        assert!(numbered("一、总体要求"));
        assert!(!numbered("一是要坚持"));
        assert!(!numbered("2023年目标"));
        assert!(!numbered("（预计）"));
    }
}
