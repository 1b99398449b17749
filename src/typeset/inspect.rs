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

/// 互相压住的文字：(页码, 一段文字开头, 另一段文字开头)。排版正常时文字之间只会相邻、不会重叠；
/// 重叠说明组件的定位算错了（如卡片里的长数字压到旁边的卡片、图表标签压住别的标签）。
pub fn overlapping_text(doc: &PagedDocument) -> Vec<(usize, String, String)> {
    let mut out = Vec::new();
    for (i, page) in doc.pages().iter().enumerate() {
        // (左, 上, 右, 下, 文字)
        let mut boxes: Vec<(f64, f64, f64, f64, String)> = Vec::new();
        walk_placed(&page.frame, Transform::identity(), &mut |ts, pos, item| {
            if let FrameItem::Text(t) = item {
                if t.text.trim().is_empty() {
                    return;
                }
                let a = Point::new(pos.x, pos.y - t.size * 0.8).transform(ts);
                let b = Point::new(pos.x + t.width(), pos.y + t.size * 0.15).transform(ts);
                boxes.push((
                    a.x.to_pt().min(b.x.to_pt()),
                    a.y.to_pt().min(b.y.to_pt()),
                    a.x.to_pt().max(b.x.to_pt()),
                    a.y.to_pt().max(b.y.to_pt()),
                    t.text.chars().take(12).collect(),
                ));
            }
        });
        for (k, p) in boxes.iter().enumerate() {
            for q in &boxes[k + 1..] {
                let w = p.2.min(q.2) - p.0.max(q.0);
                let h = p.3.min(q.3) - p.1.max(q.1);
                // 半个点以内的接触不算：相邻的字、紧排的标点会有这样的微小交叠。
                let min_h = (p.3 - p.1).min(q.3 - q.1);
                if w > 1.0 && h > min_h * 0.3 {
                    out.push((i + 1, p.4.clone(), q.4.clone()));
                }
            }
        }
    }
    out
}

/// 空的框：卡片左边的粗色条（2pt 以上的竖线）旁边没有文字的地方，(页码, 竖线的位置 mm)。
/// 卡片网格最后一行不满时若留下空格子，这里就会报出来。
pub fn empty_frames(doc: &PagedDocument) -> Vec<(usize, (f64, f64))> {
    use typst::visualize::Geometry;
    let mut out = Vec::new();
    for (i, page) in doc.pages().iter().enumerate() {
        let mut rules: Vec<(f64, f64, f64)> = Vec::new();
        let mut texts: Vec<(f64, f64)> = Vec::new();
        walk_placed(
            &page.frame,
            Transform::identity(),
            &mut |ts, pos, item| match item {
                FrameItem::Shape(shape, _) => {
                    if let (Geometry::Line(to), Some(stroke)) = (&shape.geometry, &shape.stroke)
                        && stroke.thickness >= Abs::pt(2.0)
                        && to.x.to_pt().abs() < 0.01
                        && to.y.to_pt().abs() > 10.0
                    {
                        let a = pos.transform(ts);
                        let b = (pos + *to).transform(ts);
                        rules.push((
                            a.x.to_pt(),
                            a.y.to_pt().min(b.y.to_pt()),
                            a.y.to_pt().max(b.y.to_pt()),
                        ));
                    }
                }
                FrameItem::Text(t) if !t.text.trim().is_empty() => {
                    let a = pos.transform(ts);
                    texts.push((a.x.to_pt(), a.y.to_pt()));
                }
                _ => {}
            },
        );
        for (x, top, bottom) in rules {
            let beside = texts
                .iter()
                .any(|(tx, ty)| *tx >= x && *tx <= x + 60.0 && *ty >= top && *ty <= bottom);
            if !beside {
                out.push((i + 1, (x * 25.4 / 72.0, top * 25.4 / 72.0)));
            }
        }
    }
    out
}

/// 一页上的各行文字（按基线分组，自上而下）：(这一行最大的字号, 文字)。
pub fn page_lines(doc: &PagedDocument, page: usize) -> Vec<(Abs, String)> {
    text_lines(doc, page)
        .into_iter()
        .map(|(_, size, text)| (size, text))
        .collect()
}

/// 同上，另给出每行基线离页面顶边的距离（毫米）。
pub fn text_lines(doc: &PagedDocument, page: usize) -> Vec<(f64, Abs, String)> {
    let mut items: Vec<(f64, f64, Abs, String)> = Vec::new();
    if let Some(p) = doc.pages().get(page) {
        walk_placed(&p.frame, Transform::identity(), &mut |ts, pos, item| {
            if let FrameItem::Text(t) = item {
                let at = pos.transform(ts);
                items.push((at.y.to_pt(), at.x.to_pt(), t.size, t.text.to_string()));
            }
        });
    }
    items.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let mut lines: Vec<(f64, Abs, String)> = Vec::new();
    for (y, _, size, text) in items {
        match lines.last_mut() {
            Some((ly, lsize, ltext)) if (y - *ly).abs() < 1.0 => {
                *lsize = (*lsize).max(size);
                ltext.push_str(&text);
            }
            _ => lines.push((y, size, text)),
        }
    }
    lines
        .into_iter()
        .map(|(y, s, t)| (y * 25.4 / 72.0, s, t))
        .collect()
}

/// 一行排好的文字及其在页面上的位置（毫米，原点为页面左上角）：检查版心、行距、页码位置用。
#[derive(Debug, Clone)]
pub struct PlacedLine {
    /// 基线的纵坐标。
    pub baseline: f64,
    /// 行首文字的左边缘。
    pub left: f64,
    /// 行尾文字的右边缘。
    pub right: f64,
    /// 这一行最大的字号（pt）。
    pub size: f64,
    pub text: String,
}

/// 页面尺寸（毫米）：(宽, 高)。
pub fn page_size_mm(doc: &PagedDocument, page: usize) -> Option<(f64, f64)> {
    let p = doc.pages().get(page)?;
    Some((mm(p.frame.width()), mm(p.frame.height())))
}

fn mm(a: Abs) -> f64 {
    a.to_mm()
}

/// 一页上的各行文字（按基线分组，自上而下），带位置；空白文字不算。
pub fn placed_lines(doc: &PagedDocument, page: usize) -> Vec<PlacedLine> {
    let mut items: Vec<(f64, f64, f64, f64, String)> = Vec::new();
    if let Some(p) = doc.pages().get(page) {
        walk_placed(&p.frame, Transform::identity(), &mut |ts, pos, item| {
            if let FrameItem::Text(t) = item {
                if t.text.trim().is_empty() {
                    return;
                }
                let a = pos.transform(ts);
                let b = Point::new(pos.x + t.width(), pos.y).transform(ts);
                items.push((
                    mm(a.y),
                    mm(a.x.min(b.x)),
                    mm(a.x.max(b.x)),
                    t.size.to_pt(),
                    t.text.to_string(),
                ));
            }
        });
    }
    items.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let mut lines: Vec<PlacedLine> = Vec::new();
    for (y, l, r, size, text) in items {
        match lines.last_mut() {
            Some(line) if (y - line.baseline).abs() < 0.3 => {
                line.left = line.left.min(l);
                line.right = line.right.max(r);
                line.size = line.size.max(size);
                line.text.push_str(&text);
            }
            _ => lines.push(PlacedLine {
                baseline: y,
                left: l,
                right: r,
                size,
                text,
            }),
        }
    }
    lines
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

/// 依次访问帧（和其中各组）里的每一项。
pub fn walk(frame: &Frame, f: &mut impl FnMut(&FrameItem)) {
    for (_, item) in frame.items() {
        if let FrameItem::Group(g) = item {
            walk(&g.frame, f);
        } else {
            f(item);
        }
    }
}
