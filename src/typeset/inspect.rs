//! 检查排好的文档：逐页取出文字（测试和缺字检查都用它），找出缺字（字形编号 0）。

use typst::layout::{Frame, FrameItem};
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

fn walk(frame: &Frame, f: &mut impl FnMut(&FrameItem)) {
    for (_, item) in frame.items() {
        if let FrameItem::Group(g) = item {
            walk(&g.frame, f);
        } else {
            f(item);
        }
    }
}
