//! 一份数据到一份 PDF 的全过程：视图 → JSON → 排版 → 版面检查 → PDF。

use std::path::PathBuf;

use chrono::NaiveDate;

use crate::diag::{Origin, Problem, Problems};
use crate::present::view::View;
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
    let pdf = typeset::pdf(&t.doc, ident, date)?;
    Ok(Rendered {
        pdf,
        pages,
        warnings: t.warnings,
    })
}

/// 一页纸排不下时，说清楚从哪里开始溢出、哪些内容可以精简。
fn overflow(doc: &typst_layout::PagedDocument, view: &View) -> Problems {
    let texts = inspect::page_texts(doc);
    let spill: String = texts
        .get(1)
        .map(|t| t.chars().take(24).collect())
        .unwrap_or_default();
    let key = view.indicators.iter().filter(|i| i.key).count();
    let task_chars: usize = view
        .tasks
        .tasks
        .iter()
        .map(|t| t.brief.chars().count())
        .sum();
    let targets = match &view.county {
        Some(c) if !c.targets.is_empty() => {
            format!(
                "{}分解任务（当前 {} 项，counties.toml 的 shares）",
                c.name,
                c.targets.len()
            )
        }
        _ => format!(
            "重点目标（当前 {} 项，tasks.toml 的 targets）",
            view.targets.len()
        ),
    };
    Problems(vec![Problem::new(
        Origin::None,
        Kind::Summary.label(),
        format!(
            "内容超出一页（排出 {} 页），第2页从“{spill}”开始。一页纸不会为了塞进一页而缩小字号，请精简：\
             重点指标（当前 {key} 项，indicators.toml 中 key = false 可移出一页纸）、\
             任务标题（当前 {} 条，第一个逗号前共 {task_chars} 字，tasks.toml 的 title）、{targets}",
            doc.pages().len(),
            view.tasks.tasks.len(),
        ),
    )])
}
