//! 检查排好的文档：逐页取出文字（一页纸溢出时说明从哪里溢出，测试也用它）、缺字（字形编号 0）、伸出页面的文字、最小字号。

use typst::layout::{Abs, Frame, FrameItem, Point, Transform};
use typst_layout::PagedDocument;

/// 每页排出的文字，按排版顺序；文字片段之间不加分隔。
pub fn page_texts(doc: &PagedDocument) -> Vec<String> {
    doc.pages()
        .iter()
        .map(|page| {
            let mut s = String::new();
            walk(&page.frame, &mut |item| {
                if let FrameItem::Text(t) = item {
                    s.push_str(&t.text);
                }
            });
            s
        })
        .collect()
}

/// 字体里没有的字：(页码, 字符)。排出来会是方框（“豆腐块”）。
pub fn missing_glyphs(doc: &PagedDocument) -> Vec<(usize, char)> {
    let mut out = Vec::new();
    for (i, page) in doc.pages().iter().enumerate() {
        walk(&page.frame, &mut |item| {
            if let FrameItem::Text(t) = item {
                for g in t.glyphs.iter().filter(|g| g.id == 0) {
                    for c in t.text[g.range()].chars() {
                        if !c.is_whitespace() && !out.contains(&(i + 1, c)) {
                            out.push((i + 1, c));
                        }
                    }
                }
            }
        });
    }
    out
}

/// 排出的最小字号（没有文字时为 None）。
pub fn min_text_size(doc: &PagedDocument) -> Option<Abs> {
    let mut min: Option<Abs> = None;
    for page in doc.pages() {
        walk(&page.frame, &mut |item| {
            if let FrameItem::Text(t) = item
                && !t.text.trim().is_empty()
            {
                min = Some(min.map_or(t.size, |m| m.min(t.size)));
            }
        });
    }
    min
}

/// 伸出页面之外的文字：(页码, 文字开头)。通常是很长、无法断行的一串字母或数字。
pub fn overflowing_text(doc: &PagedDocument) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, page) in doc.pages().iter().enumerate() {
        let width = page.frame.width();
        let tolerance = Abs::pt(1.0);
        walk_placed(&page.frame, Transform::identity(), &mut |ts, pos, item| {
            if let FrameItem::Text(t) = item {
                let start = pos.transform(ts);
                let end = Point::new(pos.x + t.width(), pos.y).transform(ts);
                let (left, right) = (start.x.min(end.x), start.x.max(end.x));
                if left < -tolerance || right > width + tolerance {
                    let head: String = t.text.chars().take(20).collect();
                    if !out.iter().any(|(p, h)| *p == i + 1 && *h == head) {
                        out.push((i + 1, head));
                    }
                }
            }
        });
    }
    out
}

/// 带累积变换地遍历：回调拿到 (变换, 本地位置, 元素)。
fn walk_placed(frame: &Frame, ts: Transform, f: &mut impl FnMut(Transform, Point, &FrameItem)) {
    for (pos, item) in frame.items() {
        if let FrameItem::Group(g) = item {
            let inner = ts
                .pre_concat(Transform::translate(pos.x, pos.y))
                .pre_concat(g.transform);
            walk_placed(&g.frame, inner, f);
        } else {
            f(ts, *pos, item);
        }
    }
}

fn walk(frame: &Frame, f: &mut impl FnMut(&FrameItem)) {
    for (_, item) in frame.items() {
        if let FrameItem::Group(g) = item {
            walk(&g.frame, f);
        } else {
            f(item);
        }
    }
}
