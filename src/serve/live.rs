//! 页面上“活”的部分：最近一次排好的版面（页面图由它画）、问题清单，以及把变化推给各个标签页的事件流。
//! 与 `watch` 同一个规矩：数据有错时问题清单换新，版面保留上一版好的。

use std::path::Path;
use std::sync::{Arc, Mutex, mpsc};

use serde::Serialize;
use typst_layout::PagedDocument;

use crate::base::diag::{Origin, Problem, Problems, column_letters, line_col};
use crate::typeset::Kind;
use crate::typeset::preflight::Finding;

/// 一份排好的文档。
pub struct LiveDoc {
    pub kind: Kind,
    pub doc: Arc<PagedDocument>,
}

/// 页面此刻该显示的一切。
#[derive(Default)]
pub struct Live {
    /// 每排好一次加一：页面图的地址带着它，浏览器不会拿旧图充数。
    pub generation: u64,
    pub docs: Vec<LiveDoc>,
    pub problems: Vec<Issue>,
    /// 最近一次重排是否成功（不成功时 `docs` 是上一版好的）。
    pub ok: bool,
    pub message: String,
    pub took_ms: u128,
    /// 正在看的县区版（None 为全市版）与可选的县区。
    pub edition: Option<String>,
    pub editions: Vec<String>,
}

/// 问题清单中的一条：与 `check` 的报告同一句话（`headline`），另附页面用来定位的文件、行、字段或页码。
#[derive(Debug, Clone, Serialize)]
pub struct Issue {
    /// error（数据或排版问题，没有排出新版）或 finding（版面检查的发现，版面照样更新）。
    pub severity: &'static str,
    pub headline: String,
    /// 出错的源代码行（与 `check` 的摘录相同）。
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snippet: Option<String>,
    /// 相对数据目录的文件。
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
    pub field: String,
    /// 版面检查的发现在哪份文档、哪一页。
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<Kind>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<usize>,
}

impl Issue {
    pub fn from_problem(p: &Problem, dir: &Path) -> Self {
        let rel = |f: &Path| {
            f.strip_prefix(dir)
                .unwrap_or(f)
                .to_string_lossy()
                .into_owned()
        };
        let (file, line, cell) = match &p.origin {
            Origin::Text { file, source, span } => (
                Some(rel(file)),
                span.as_ref().map(|s| line_col(source, s.start).0),
                None,
            ),
            Origin::Cell {
                file, row, column, ..
            } => (
                Some(rel(file)),
                None,
                Some(format!("{}{row}", column_letters(*column))),
            ),
            Origin::File(file) => (Some(rel(file)), None, None),
            Origin::None => (None, None, None),
        };
        Self {
            severity: "error",
            headline: p.headline(),
            snippet: p.snippet(),
            file,
            line,
            cell,
            field: p.field.clone(),
            kind: None,
            page: None,
        }
    }

    pub fn from_problems(p: &Problems, dir: &Path) -> Vec<Self> {
        p.0.iter().map(|p| Self::from_problem(p, dir)).collect()
    }

    pub fn from_finding(f: &Finding, kind: Kind) -> Self {
        Self {
            severity: "finding",
            headline: f.to_string(),
            snippet: None,
            file: None,
            line: None,
            cell: None,
            field: String::new(),
            kind: Some(kind),
            page: (f.page > 0).then_some(f.page),
        }
    }
}

/// 事件流的订阅者：每个打开的标签页一个。发不出去（标签页已关）的订阅者随即去掉。
#[derive(Default)]
pub struct Hub {
    subscribers: Mutex<Vec<mpsc::Sender<String>>>,
}

impl Hub {
    pub fn subscribe(&self) -> mpsc::Receiver<String> {
        let (tx, rx) = mpsc::channel();
        self.subscribers.lock().expect("锁未中毒").push(tx);
        rx
    }

    /// 推一条事件（SSE 的一段：`event:` 名称和一行 JSON）。
    pub fn send(&self, event: &str, data: &serde_json::Value) {
        let text = format!("event: {event}\ndata: {data}\n\n");
        self.subscribers
            .lock()
            .expect("锁未中毒")
            .retain(|s| s.send(text.clone()).is_ok());
    }
}
