//! 从 typst 排好的页面（帧）里取出版面检查要用的东西：每段文字的位置、字号、字体，
//! 它属于哪个标题、表格、页眉页脚；再把同一基线上相邻的文字拼成“行”，把上下相接的行连成段落。
//!
//! 归属靠 typst 写在帧里的元素起止标记（`Tag`）：标题、表格是可定位的元素，
//! 模板里加了标签的元素（`<jb-running>` 页眉页脚、`<jb-title>` 封面标题……）也有标记。

use typst::foundations::Value;
use typst::introspection::{Location, Tag};
use typst::layout::{Frame, FrameItem, Point, Transform};
use typst::model::{HeadingElem, TableElem};
use typst_layout::PagedDocument;

/// 模板里给页眉、页脚、页边标记加的标签：其中的文字不算正文。
pub const RUNNING: &str = "jb-running";
/// 封面标题、副标题、报头、落款日期等“标题”：只在词与词之间换行。
pub const TITLE: &str = "jb-title";
/// 模板要求的字体角色（`#metadata(("fangsong", "title"))<jb-requires>`）：主题没有为它们指定
/// 自己的字体、与宋体角色同一字体时，版面检查报“字体回退”。
pub const REQUIRES: &str = "jb-requires";
/// 表题、框题：不得落在页尾。
pub const CAPTION: &str = "jb-caption";
/// 文末（会议、资料来源、落款，`<jb-end>`）：不属于前面任何一节。
pub const END: &str = "jb-end";
/// 图中的数值标签（`<jb-value-label>`）：只有一行的盒子，上下相邻的两个标签不是一段的两行。
pub const VALUE_LABEL: &str = "jb-value-label";
/// 一页纸的字号和间距已放大到上限（`#metadata(..)<jb-fill-limit>`）。
pub const FILL_LIMIT: &str = "jb-fill-limit";

/// 一段排好的文字（一个字体、一种字号的一串字形）。坐标为页面上的点（pt），原点在左上角。
#[derive(Debug, Clone)]
pub struct Run {
    pub x0: f64,
    pub x1: f64,
    pub y: f64,
    pub size: f64,
    pub text: String,
    pub family: String,
    pub owner: Owner,
    /// 行中间挨着汉字的一边被明显压窄的全角标点（见 `squeezed`）和它剩下的宽度（字宽的几分之几）。
    pub squeezed: Option<(char, f64)>,
    /// 所在的容器（段落所在的块、表格的单元格、卡片）：比一行字高得多的最内层帧。
    /// 同一段落的各行在同一容器里；行内的盒子（数字连单位、引号）只有一行高，不算容器。
    pub container: usize,
}

/// 文字所属的元素。
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Owner {
    pub heading: Option<usize>,
    pub table: Option<usize>,
    pub title: Option<usize>,
    pub caption: Option<usize>,
    pub running: bool,
    pub end: bool,
    pub value_label: bool,
}

/// 一行：同一基线上首尾相接的文字。
#[derive(Debug, Clone)]
pub struct Line {
    pub x0: f64,
    pub x1: f64,
    pub y: f64,
    pub size: f64,
    pub text: String,
    pub owner: Owner,
    pub container: usize,
    /// 同一段落里的上一行（在本页 `lines` 中的下标）。
    pub prev: Option<usize>,
    /// 同一段落里的下一行。
    pub next: Option<usize>,
}

impl Line {
    pub fn width(&self) -> f64 {
        self.x1 - self.x0
    }
}

#[derive(Debug, Clone)]
pub struct Heading {
    pub level: usize,
    pub page: usize,
    pub text: String,
}

#[derive(Debug, Clone, Default)]
pub struct Page {
    pub height: f64,
    pub runs: Vec<Run>,
    pub lines: Vec<Line>,
    /// 直线的外框：(左, 上, 右, 下)。
    pub rules: Vec<[f64; 4]>,
}

impl Page {
    /// 正文的行（不含页眉页脚和页边标记）。
    pub fn body_lines(&self) -> impl Iterator<Item = (usize, &Line)> {
        self.lines
            .iter()
            .enumerate()
            .filter(|(_, l)| !l.owner.running)
    }

    pub fn is_blank(&self) -> bool {
        self.body_lines().next().is_none()
    }
}

/// 整份文档的版面。
#[derive(Debug, Default)]
pub struct Layout {
    pub pages: Vec<Page>,
    pub headings: Vec<Heading>,
    /// 每个表格起始的页（从 0 数）。
    pub tables: Vec<usize>,
    /// 文档里有没有 `<jb-running>` 标记；没有时（自己写的模板）按位置判断页眉页脚。
    pub marked_running: bool,
    /// 模板用 `<jb-requires>` 声明要用的字体角色。
    pub required_roles: Vec<String>,
    /// 一页纸的字号和间距已放大到上限（`<jb-fill-limit>`）。
    pub fill_limit: bool,
}

#[derive(Clone, Copy)]
enum Open {
    Heading(usize),
    Table(usize),
    Title(usize),
    Caption(usize),
    Running,
    End,
    ValueLabel,
    Other,
}

struct Walker {
    stack: Vec<(Location, Open)>,
    layout: Layout,
    titles: usize,
    captions: usize,
    page: usize,
    /// 正在遍历的各层帧：(编号, 高度 pt)。
    groups: Vec<(usize, f64)>,
    next_group: usize,
}

impl Walker {
    fn owner(&self) -> Owner {
        let mut o = Owner::default();
        for (_, open) in &self.stack {
            match *open {
                Open::Heading(i) => o.heading = Some(i),
                Open::Table(i) => o.table = Some(i),
                Open::Title(i) => o.title = Some(i),
                Open::Caption(i) => o.caption = Some(i),
                Open::Running => o.running = true,
                Open::End => o.end = true,
                Open::ValueLabel => o.value_label = true,
                Open::Other => {}
            }
        }
        o
    }

    fn start(&mut self, tag: &Tag) {
        match tag {
            Tag::Start(content, _) => {
                let Some(loc) = content.location() else {
                    return;
                };
                let label = content.label().map(|l| l.resolve().as_str().to_owned());
                if label.as_deref() == Some(REQUIRES)
                    && let Ok(Value::Array(roles)) = content.get_by_name("value")
                {
                    for r in roles.iter() {
                        if let Value::Str(s) = r {
                            self.layout.required_roles.push(s.to_string());
                        }
                    }
                }
                if label.as_deref() == Some(FILL_LIMIT) {
                    self.layout.fill_limit = true;
                }
                let open = match label.as_deref() {
                    Some(RUNNING) => {
                        self.layout.marked_running = true;
                        Open::Running
                    }
                    Some(TITLE) => {
                        self.titles += 1;
                        Open::Title(self.titles - 1)
                    }
                    Some(CAPTION) => {
                        self.captions += 1;
                        Open::Caption(self.captions - 1)
                    }
                    Some(END) => Open::End,
                    Some(VALUE_LABEL) => Open::ValueLabel,
                    _ if content.is::<HeadingElem>() => {
                        let level = match content.get_by_name("level") {
                            Ok(Value::Int(n)) => n.max(1) as usize,
                            _ => 1,
                        };
                        self.layout.headings.push(Heading {
                            level,
                            page: self.page,
                            text: String::new(),
                        });
                        Open::Heading(self.layout.headings.len() - 1)
                    }
                    _ if content.is::<TableElem>() => {
                        self.layout.tables.push(self.page);
                        Open::Table(self.layout.tables.len() - 1)
                    }
                    _ => Open::Other,
                };
                self.stack.push((loc, open));
            }
            Tag::End(loc, _, _) => {
                if let Some(k) = self.stack.iter().rposition(|(l, _)| l == loc) {
                    self.stack.truncate(k);
                }
            }
        }
    }

    fn walk(&mut self, frame: &Frame, ts: Transform) {
        for (pos, item) in frame.items() {
            match item {
                FrameItem::Group(g) => {
                    let inner = ts
                        .pre_concat(Transform::translate(pos.x, pos.y))
                        .pre_concat(g.transform);
                    self.next_group += 1;
                    self.groups
                        .push((self.next_group, g.frame.height().to_pt()));
                    self.walk(&g.frame, inner);
                    self.groups.pop();
                }
                FrameItem::Tag(tag) => self.start(tag),
                FrameItem::Text(t) => {
                    let a = pos.transform(ts);
                    let b = Point::new(pos.x + t.width(), pos.y).transform(ts);
                    let text = t.text.to_string();
                    let owner = self.owner();
                    if let Some(h) = owner.heading {
                        self.layout.headings[h].text.push_str(&text);
                    }
                    let size = t.size.to_pt();
                    let container = self
                        .groups
                        .iter()
                        .rev()
                        .find(|(_, h)| *h >= 1.6 * size)
                        .map_or(0, |(id, _)| *id);
                    let page = self.layout.pages.last_mut().expect("页面先于文字");
                    if text.trim().is_empty() {
                        continue;
                    }
                    let squeezed = squeezed(t);
                    page.runs.push(Run {
                        x0: a.x.to_pt().min(b.x.to_pt()),
                        x1: a.x.to_pt().max(b.x.to_pt()),
                        y: a.y.to_pt(),
                        size,
                        text,
                        family: t.font.info().family.clone(),
                        owner,
                        container,
                        squeezed,
                    });
                }
                FrameItem::Shape(shape, _) => {
                    let typst::visualize::Geometry::Line(to) = &shape.geometry else {
                        continue;
                    };
                    let a = pos.transform(ts);
                    let b = (*pos + *to).transform(ts);
                    let page = self.layout.pages.last_mut().expect("页面先于图形");
                    page.rules.push([
                        a.x.to_pt().min(b.x.to_pt()),
                        a.y.to_pt().min(b.y.to_pt()),
                        a.x.to_pt().max(b.x.to_pt()),
                        a.y.to_pt().max(b.y.to_pt()),
                    ]);
                }
                _ => {}
            }
        }
    }
}

/// 行中间被挤窄的全角标点：typst 排两端对齐的行时，会把一行里的标点都压窄一些来挤进一个字。
/// 只算挨着汉字的那一边被压掉的：逗号、句号和后引号、后括号看后面的字，前引号、前括号看前面的字
/// （行首行末和两个标点相连时压窄是规范允许的，如“：《”“。”）。
/// 压掉不到四分之一字的不算：为了避头尾把一行里的标点稍稍挤进，是 clreq“行内调整”的常规做法，
/// 印出来看不出宽窄；压掉四分之一字以上（直到半个字宽）才看得出同一段里的标点宽窄不一。
const SQUEEZED_BELOW: f64 = 0.75;
/// typst 会压窄的全角标点：后一类看后面的字，前一类看前面的字。
const CLOSING: &str = "，。、；：？！”’）》」』】";
const OPENING: &str = "“‘（《「『【";

fn squeezed(t: &typst::text::TextItem) -> Option<(char, f64)> {
    let glyphs = &t.glyphs;
    let first = |k: usize| glyphs.get(k).and_then(|g| t.text[g.range()].chars().next());
    for (k, g) in glyphs.iter().enumerate() {
        let Some(c) = first(k) else {
            continue;
        };
        let width = g.x_advance.get();
        if width > SQUEEZED_BELOW {
            continue;
        }
        let beside = if CLOSING.contains(c) {
            first(k + 1)
        } else if OPENING.contains(c) {
            k.checked_sub(1).and_then(first)
        } else {
            None
        };
        if beside.is_some_and(|n| !super::text::is_punct(n)) {
            return Some((c, width));
        }
    }
    None
}

/// 读出整份文档的版面。
pub fn read(doc: &PagedDocument) -> Layout {
    let mut w = Walker {
        stack: Vec::new(),
        layout: Layout::default(),
        titles: 0,
        captions: 0,
        page: 0,
        groups: Vec::new(),
        next_group: 0,
    };
    for (i, page) in doc.pages().iter().enumerate() {
        w.page = i;
        w.layout.pages.push(Page {
            height: page.frame.height().to_pt(),
            ..Page::default()
        });
        // 跨页的元素（表格、长的块）起标记在前一页、止标记在后一页：打开的元素在页与页之间保留。
        w.walk(&page.frame, Transform::identity());
    }
    let marked = w.layout.marked_running;
    for page in &mut w.layout.pages {
        if !marked {
            guess_running(page);
        }
        page.lines = lines(&page.runs);
        link_paragraphs(&mut page.lines);
    }
    w.layout
}

/// 没有 `<jb-running>` 标记的模板：页面上下各 9% 以内的小字算页眉页脚。
fn guess_running(page: &mut Page) {
    let (top, bottom) = (page.height * 0.09, page.height * 0.91);
    for r in &mut page.runs {
        if r.y < top || r.y > bottom {
            r.owner.running = true;
        }
    }
}

/// 同一基线、首尾相接（间距小于一个字）的文字拼成一行。
fn lines(runs: &[Run]) -> Vec<Line> {
    let mut order: Vec<&Run> = runs.iter().collect();
    order.sort_by(|a, b| {
        (a.y * 2.0)
            .round()
            .total_cmp(&(b.y * 2.0).round())
            .then(a.x0.total_cmp(&b.x0))
    });
    let mut out: Vec<Line> = Vec::new();
    for r in order {
        let joined = out.iter_mut().rev().take(8).find(|l| {
            let em = l.size.max(r.size);
            // 紧挨着的（数字和它的小号单位）总是同一行；隔开一点的要在同一容器里（表格相邻的单元格不连）。
            let gap = r.x0 - l.x1;
            (l.y - r.y).abs() < 0.25 * l.size.min(r.size)
                && gap >= -0.3 * em
                && gap < 0.9 * em
                && l.owner.running == r.owner.running
                && (l.container == r.container || gap < 0.25 * l.size.min(r.size))
        });
        match joined {
            Some(l) => {
                l.x1 = l.x1.max(r.x1);
                l.size = l.size.max(r.size);
                l.text.push_str(&r.text);
                merge_owner(&mut l.owner, &r.owner);
            }
            None => out.push(Line {
                x0: r.x0,
                x1: r.x1,
                y: r.y,
                size: r.size,
                text: r.text.clone(),
                owner: r.owner,
                container: r.container,
                prev: None,
                next: None,
            }),
        }
    }
    out.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x0.total_cmp(&b.x0)));
    out
}

fn merge_owner(into: &mut Owner, from: &Owner) {
    into.heading = into.heading.or(from.heading);
    into.table = into.table.or(from.table);
    into.title = into.title.or(from.title);
    into.caption = into.caption.or(from.caption);
    // 一行里只要有一段不是数值标签，这一行就是普通的字。
    into.value_label &= from.value_label;
}

/// 把上下相接的行连成段落：下一行在上一行正下方（行距 0.9–2.3 个字高）、字号相同、
/// 左边对齐（或差一个首行缩进）、属于同一个元素。
fn link_paragraphs(lines: &mut [Line]) {
    for k in 0..lines.len() {
        let l = &lines[k];
        let prev = (0..k).rev().find(|&j| {
            let p = &lines[j];
            let em = p.size;
            let dy = l.y - p.y;
            // 折行的上一行至少有三四个字宽：图表里上下排列的数值标签不算段落。
            p.next.is_none()
                && !p.owner.value_label
                && p.width() >= 3.5 * em
                && (p.size - l.size).abs() < 0.3
                && dy > 0.9 * em
                && dy < 2.3 * em
                && l.x0 >= p.x0 - 2.6 * em
                && l.x0 <= p.x0 + 0.6 * em
                && l.x1 <= p.x1 + 0.6 * em
                && p.owner == l.owner
                && p.container == l.container
        });
        if let Some(j) = prev {
            lines[j].next = Some(k);
            lines[k].prev = Some(j);
        }
    }
}
