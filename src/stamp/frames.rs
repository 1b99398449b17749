//! 排好的版面上要叠印的地方：模板用标签 <jb-copy-no>（份号）和 <jb-recipient>（“发给”）标出它们
//! （templates/lib/marks.typ）。原版上这些字被取走（标签本身留下，PDF 的结构不变），记下它们在哪一页、
//! 份号的基线起点在哪里；各份的字从叠印版上按同样的标签找到，再平移过去。

use typst::introspection::Tag;
use typst::layout::{Frame, FrameItem, Point, Transform};
use typst::text::TextItem;
use typst_layout::PagedDocument;

pub const COPY_NO: &str = "jb-copy-no";
pub const RECIPIENT: &str = "jb-recipient";

/// 原版上的一处叠印：第几页（从 0 起）、哪一种、第一段字的基线起点（页面坐标），以及取走的各段字。
#[derive(Clone)]
pub struct Slot {
    pub page: usize,
    pub what: &'static str,
    pub origin: Option<Point>,
    pub runs: Vec<Run>,
}

/// 一段排好的字和它的基线起点（页面坐标）：比较叠印版与原版排出的是否一样。
#[derive(Clone)]
pub struct Run {
    pub at: Point,
    pub text: TextItem,
}

impl Run {
    /// 同一字体、字号、颜色、同样的字形和字宽，位置相差不到 0.001 pt。
    pub fn same(&self, other: &Run) -> bool {
        let (a, b) = (&self.text, &other.text);
        let glyphs = |t: &TextItem| -> Vec<_> {
            t.glyphs
                .iter()
                .map(|g| (g.id, g.x_advance, g.x_offset, g.y_advance, g.y_offset))
                .collect()
        };
        (self.at.x - other.at.x).to_pt().abs() < 1e-3
            && (self.at.y - other.at.y).to_pt().abs() < 1e-3
            && a.text == b.text
            && a.font == b.font
            && a.size == b.size
            && a.fill == b.fill
            && a.stroke == b.stroke
            && glyphs(a) == glyphs(b)
    }
}

/// 一页上的全部字（页面坐标），按位置排好。
pub fn runs(frame: &Frame) -> Vec<Run> {
    let mut out = Vec::new();
    for (pos, item) in frame.items() {
        collect(*pos, item, Transform::identity(), &mut out);
    }
    sort(&mut out);
    out
}

pub fn sort(runs: &mut [Run]) {
    runs.sort_by(|a, b| {
        (a.at.y.to_pt(), a.at.x.to_pt())
            .partial_cmp(&(b.at.y.to_pt(), b.at.x.to_pt()))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
}

/// 取走各页上带叠印标签的东西，返回取走后的各页和各处叠印。标签的开始和结束不在同一个
/// 框里（模板写法变了）时返回 None：这时不能叠印，调用方逐份整排。
pub fn strip(doc: &PagedDocument) -> Option<(Vec<Frame>, Vec<Slot>)> {
    let mut slots = Vec::new();
    let mut pages = Vec::with_capacity(doc.pages().len());
    for (i, page) in doc.pages().iter().enumerate() {
        let frame = strip_frame(&page.frame, Transform::identity(), i, &mut slots)?;
        pages.push(frame.unwrap_or_else(|| page.frame.clone()));
    }
    Some((pages, slots))
}

/// 叠印版上某种标签下第一段字的基线起点（页面坐标）。
pub fn origin_of(frame: &Frame, what: &'static str) -> Option<Point> {
    let mut slots = Vec::new();
    strip_frame(frame, Transform::identity(), 0, &mut slots)?;
    slots.into_iter().find(|s| s.what == what)?.origin
}

/// 有改动时返回新的框（没有改动的框原样共用，不复制）。
fn strip_frame(
    frame: &Frame,
    ts: Transform,
    page: usize,
    slots: &mut Vec<Slot>,
) -> Option<Option<Frame>> {
    let mut kept: Vec<(Point, FrameItem)> = Vec::with_capacity(frame.items().len());
    let mut changed = false;
    let mut open: Option<(typst::introspection::Location, Slot)> = None;
    for (pos, item) in frame.items() {
        if let Some((loc, slot)) = &mut open {
            match item {
                FrameItem::Tag(Tag::End(end, ..)) if end == loc => {
                    slots.push(slot.clone());
                    open = None;
                    kept.push((*pos, item.clone()));
                }
                _ => {
                    if slot.origin.is_none() {
                        slot.origin = first_text(*pos, item, ts);
                    }
                    collect(*pos, item, ts, &mut slot.runs);
                    changed = true;
                }
            }
            continue;
        }
        match item {
            FrameItem::Tag(Tag::Start(content, ..)) => {
                let what = content.label().and_then(|l| {
                    let name = l.resolve();
                    [COPY_NO, RECIPIENT]
                        .into_iter()
                        .find(|w| *w == name.as_str())
                });
                if let (Some(what), Some(loc)) = (what, content.location()) {
                    open = Some((
                        loc,
                        Slot {
                            page,
                            what,
                            origin: None,
                            runs: Vec::new(),
                        },
                    ));
                }
                kept.push((*pos, item.clone()));
            }
            FrameItem::Group(g) => {
                let inner = ts
                    .pre_concat(Transform::translate(pos.x, pos.y))
                    .pre_concat(g.transform);
                match strip_frame(&g.frame, inner, page, slots)? {
                    Some(f) => {
                        let mut g = g.clone();
                        g.frame = f;
                        kept.push((*pos, FrameItem::Group(g)));
                        changed = true;
                    }
                    None => kept.push((*pos, item.clone())),
                }
            }
            _ => kept.push((*pos, item.clone())),
        }
    }
    if open.is_some() {
        return None;
    }
    Some(changed.then(|| {
        let mut f = frame.clone();
        f.clear();
        f.push_multiple(kept);
        f
    }))
}

fn first_text(pos: Point, item: &FrameItem, ts: Transform) -> Option<Point> {
    match item {
        FrameItem::Text(t) if !t.text.trim().is_empty() => Some(pos.transform(ts)),
        FrameItem::Group(g) => {
            let inner = ts
                .pre_concat(Transform::translate(pos.x, pos.y))
                .pre_concat(g.transform);
            g.frame.items().find_map(|(p, i)| first_text(*p, i, inner))
        }
        _ => None,
    }
}

fn collect(pos: Point, item: &FrameItem, ts: Transform, out: &mut Vec<Run>) {
    match item {
        FrameItem::Text(t) => out.push(Run {
            at: pos.transform(ts),
            text: t.clone(),
        }),
        FrameItem::Group(g) => {
            let inner = ts
                .pre_concat(Transform::translate(pos.x, pos.y))
                .pre_concat(g.transform);
            for (p, i) in g.frame.items() {
                collect(*p, i, inner, out);
            }
        }
        _ => {}
    }
}
