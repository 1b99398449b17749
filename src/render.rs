//! 一份数据到一份 PDF 的全过程：视图 → JSON → 排版 → 版面检查 → PDF。

use std::path::PathBuf;

use chrono::NaiveDate;

use crate::base::diag::{Origin, Problem, Problems};
use crate::present::view::{SummaryBlockView, View};
use crate::typeset::world::Engine;
use crate::typeset::{self, Kind, inspect};

/// 一份排好的 PDF。
pub struct Rendered {
    pub pdf: Vec<u8>,
    pub pages: usize,
    pub warnings: Vec<String>,
}

/// 一页纸正文的最小字号（pt），模板不得为了塞进一页而更小。
pub const SUMMARY_MIN_PT: f64 = 8.0;

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
    let min_pt = inspect::min_text_size(&t.doc).map_or(SUMMARY_MIN_PT, |s| s.to_pt());
    match kind {
        Kind::Summary if pages != 1 => return Err(overflow(&t.doc, view)),
        // 一页纸不能靠缩小字号塞进一页：模板里任何小于 8pt 的字都算模板错误。
        Kind::Summary if min_pt < SUMMARY_MIN_PT - 0.01 => {
            return Err(Problems(vec![Problem::new(
                Origin::None,
                kind.label(),
                format!("模板中有 {min_pt:.1}pt 的文字，一页纸的文字不得小于 {SUMMARY_MIN_PT}pt"),
            )]));
        }
        Kind::Booklet if pages % 4 != 0 => {
            return Err(Problems(vec![Problem::new(
                Origin::None,
                kind.label(),
                format!(
                    "模板排出 {pages} 页，不是 4 的倍数，无法骑马订；请检查模板末尾的补白页逻辑"
                ),
            )]));
        }
        _ => {}
    }
    let pdf = finish(&t.doc, view, engine, ident, date)?;
    Ok(Rendered {
        pdf,
        pages,
        warnings: t.warnings,
    })
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
    let pdf = finish(&t.doc, view, engine, ident, date)?;
    Ok(Rendered {
        pdf,
        pages,
        warnings: t.warnings,
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
