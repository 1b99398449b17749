//! 一份数据到一份 PDF 的全过程：视图 → JSON → 排版 → 版面检查 → PDF。

use std::path::PathBuf;

use chrono::NaiveDate;

use crate::base::diag::{Origin, Problem, Problems};
use crate::present::view::{SummaryBlockView, View};
use crate::typeset::world::Engine;
use crate::typeset::{self, Kind, inspect, preflight};

/// 一份排好的 PDF。
pub struct Rendered {
    pub pdf: Vec<u8>,
    pub pages: usize,
    pub warnings: Vec<String>,
    /// 版面检查的发现（`--strict` 时由命令当作错误）。
    pub findings: Vec<preflight::Finding>,
}

/// 一页纸正文的最小字号（pt），模板不得为了塞进一页而更小。
pub const SUMMARY_MIN_PT: f64 = preflight::MIN_PT;

pub fn render(
    engine: &Engine,
    view: &View,
    kind: Kind,
    data_dir: Option<PathBuf>,
    date: NaiveDate,
    ident: &str,
) -> Result<Rendered, Problems> {
    let json = serde_json::to_vec(view).expect("视图总能序列化");
    let t = typeset::typeset(engine, kind, json, data_dir, date)?;
    let pages = t.doc.pages().len();
    let findings = preflight::check(&t.doc, &context(view, kind.label(), kind == Kind::Summary));
    let fail = |msg: String| {
        Err(Problems(vec![Problem::new(
            Origin::None,
            kind.label(),
            msg,
        )]))
    };
    let multiple = match view.render.binding {
        crate::present::Binding::Saddle => 4,
        crate::present::Binding::Side => 2,
        crate::present::Binding::Sheet => 1,
    };
    match kind {
        Kind::Summary if pages != 1 => return Err(overflow(&t.doc, view)),
        // 一页纸不能靠缩小字号塞进一页：模板里任何小于 8pt 的字都算模板错误，指出在哪一块。
        Kind::Summary => {
            if let Some(f) = findings
                .iter()
                .find(|f| f.rule == preflight::Rule::TooSmall)
            {
                return fail(format!("{}：“{}”", f.message, f.text));
            }
        }
        Kind::Booklet if pages % multiple != 0 => {
            return fail(format!(
                "模板排出 {pages} 页，不是 {multiple} 的倍数，不合所选的装订方式；请检查模板末尾的补白页逻辑"
            ));
        }
        _ => {}
    }
    strict(engine, kind.label(), &findings)?;
    let pdf = finish(&t.doc, view, engine, ident, date)?;
    Ok(Rendered {
        pdf,
        pages,
        warnings: t.warnings,
        findings,
    })
}

/// `--strict`：版面检查的任何发现都让这份文档失败，逐条列出。
fn strict(engine: &Engine, label: &str, findings: &[preflight::Finding]) -> Result<(), Problems> {
    if !engine.strict || findings.is_empty() {
        return Ok(());
    }
    let mut list = vec![Problem::new(
        Origin::None,
        label,
        format!(
            "版面检查有 {} 处发现（给了 --strict，不写出）",
            findings.len()
        ),
    )];
    list.extend(
        findings
            .iter()
            .map(|f| Problem::new(Origin::None, "", f.to_string())),
    );
    Err(Problems(list))
}

/// 版面检查要知道的、版面上看不出的东西：文档名、装订、主题的字体和强调色、数据写明的标题分行。
pub fn context(view: &View, label: &str, one_page: bool) -> preflight::Context {
    let r = &view.render;
    let mut families: Vec<String> = Vec::new();
    for f in [
        &r.fonts.song,
        &r.fonts.hei,
        &r.fonts.kai,
        &r.fonts.fangsong,
        &r.fonts.title,
    ]
    .into_iter()
    .flatten()
    {
        if !families.contains(f) {
            families.push(f.clone());
        }
    }
    // 标题中的空格、数据给出的封面分行：在这些地方换行是数据的意思。
    let mut title_breaks = Vec::new();
    let mut titles: Vec<&str> = vec![&view.meta.title, &view.summary.title];
    titles.extend(view.meta.subtitle.as_deref());
    titles.extend(view.outline.iter().map(|c| c.title.as_str()));
    for t in titles {
        let cs: Vec<char> = t.chars().collect();
        for w in cs.windows(3) {
            if w[1].is_whitespace() {
                title_breaks.push((w[0], w[2]));
            }
        }
    }
    if let Some(lines) = &view.meta.title_lines {
        for pair in lines.windows(2) {
            if let (Some(a), Some(b)) = (
                pair[0].trim_end().chars().last(),
                pair[1].trim_start().chars().next(),
            ) {
                title_breaks.push((a, b));
            }
        }
    }
    let edition = view
        .meta
        .edition
        .as_deref()
        .map(|e| format!("·{e}版"))
        .unwrap_or_default();
    preflight::Context {
        document: format!("{}{edition}-{label}", view.meta.region),
        one_page,
        binding: if one_page {
            preflight::Binding::Sheet
        } else {
            r.binding
        },
        families,
        accent: (!r.mono).then(|| r.accent.clone()),
        title_breaks,
    }
}

/// 导出 PDF（按选定的存档标准）；有出血或裁切线时标出成品尺寸（TrimBox）和出血范围（BleedBox），
/// 印刷厂的软件据此裁切。
fn finish(
    doc: &typst_layout::PagedDocument,
    view: &View,
    engine: &Engine,
    ident: &str,
    date: NaiveDate,
) -> Result<Vec<u8>, Problems> {
    let pdf = typeset::pdf(doc, ident, date, engine.standard)?;
    let off = view.render.bleed + view.render.slug;
    if off <= 0.0 {
        return Ok(pdf);
    }
    crate::postpress::set_boxes(&pdf, mm(off), mm(view.render.bleed)).map_err(|e| {
        Problems(vec![Problem::new(
            Origin::None,
            "PDF",
            format!("标出裁切框失败：{e}"),
        )])
    })
}

/// 用自己写的模板排一份文档（`--template`）：排版 → 缺字与出界检查 → PDF。
/// 不套用手册（4 的倍数页）和一页纸（恰好一页）的规矩，那是内置模板的约定。
pub fn render_template(
    engine: &Engine,
    view: &View,
    template: &str,
    label: &str,
    data_dir: Option<PathBuf>,
    date: NaiveDate,
    ident: &str,
) -> Result<Rendered, Problems> {
    let json = serde_json::to_vec(view).expect("视图总能序列化");
    let t = typeset::typeset_template(engine, template, label, json, data_dir, date)?;
    let pages = t.doc.pages().len();
    // 自己写的模板不一定装订：不查补白页（按单页对待）。
    let mut cx = context(view, label, pages == 1);
    cx.binding = preflight::Binding::Sheet;
    let findings = preflight::check(&t.doc, &cx);
    strict(engine, label, &findings)?;
    let pdf = finish(&t.doc, view, engine, ident, date)?;
    Ok(Rendered {
        pdf,
        pages,
        warnings: t.warnings,
        findings,
    })
}

/// 一页纸排不下时，说清楚从哪里开始溢出、每一块有多少内容，标题也算在内。
fn overflow(doc: &typst_layout::PagedDocument, view: &View) -> Problems {
    let texts = inspect::page_texts(doc);
    let spill: String = texts
        .get(1)
        .map(|t| t.chars().take(24).collect())
        .unwrap_or_default();
    let chars = |s: &str| s.chars().count();
    let segs =
        |p: &[crate::present::highlight::Segment]| p.iter().map(|s| chars(&s.text)).sum::<usize>();
    let mut parts = vec![format!(
        "标题（{} 字{}）",
        chars(&view.summary.title),
        if chars(&view.summary.title) > 24 {
            "，较长，可在 meta.toml 的 [summary] 中写一个短些的 title"
        } else {
            ""
        }
    )];
    for b in &view.summary.blocks {
        parts.push(match b {
            SummaryBlockView::Indicators { title, cards, .. } => {
                format!("「{title}」{} 项指标", cards.len())
            }
            SummaryBlockView::Prose { title, paragraphs } => format!(
                "「{}」{} 字",
                title.as_deref().unwrap_or("叙述"),
                paragraphs.iter().map(|p| segs(p)).sum::<usize>()
            ),
            SummaryBlockView::Points { title, items }
            | SummaryBlockView::Tasks { title, items } => format!(
                "「{}」{} 条（共 {} 字）",
                title.as_deref().unwrap_or("要点"),
                items.len(),
                items.iter().map(|i| chars(&i.text)).sum::<usize>()
            ),
            SummaryBlockView::Facts { title, facts } => format!(
                "「{}」{} 条（共 {} 字）",
                title.as_deref().unwrap_or("事实"),
                facts.len(),
                facts.iter().map(|f| segs(f)).sum::<usize>()
            ),
            SummaryBlockView::Targets { title, cells, .. } => {
                format!("「{title}」{} 项目标", cells.len())
            }
            SummaryBlockView::Trend(t) => format!(
                "「{}」{} 期",
                t.heading.as_ref().map_or("趋势", |h| h.title.as_str()),
                t.points.len()
            ),
            SummaryBlockView::Table(t) => format!(
                "「{}」{} 行",
                t.heading.as_ref().map_or("表格", |h| h.title.as_str()),
                t.rows.len()
            ),
        });
    }
    Problems(vec![Problem::new(
        Origin::None,
        Kind::Summary.label(),
        format!(
            "内容超出一页（排出 {} 页），第2页从“{spill}”开始。一页纸不会为了塞进一页而缩小字号，请精简：{}。\
             一页纸排哪些块由 meta.toml 的 [summary] 决定，可删去某块或改为点名较少的指标",
            doc.pages().len(),
            parts.join("、"),
        ),
    )])
}

/// 毫米换算为 PDF 的点（1/72 英寸）。
pub fn mm(v: f64) -> f64 {
    v * 72.0 / 25.4
}
