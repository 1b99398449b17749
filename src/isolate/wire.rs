//! 主进程与工作进程之间的话：任务一行 JSON；答复一行 JSON，成功时紧跟 PDF 的字节。

use std::io::{BufRead, Write};
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::base::diag::{Origin, Problem, Problems};
use crate::render::{Imposed, Rendered, Template};
use crate::typeset::preflight::Finding;

/// 一份要排的文档：哪个版本（None 为全市版）、哪个模板；`id` 把答复对回任务（几份文档同时在排）。
/// `generation` 变大时工作进程先重读数据和模板（`watch` 每次重排加一；build、batch 总是 0）。
#[derive(Debug, Serialize, Deserialize)]
pub struct Job {
    pub id: u64,
    pub generation: u64,
    pub region: Option<String>,
    pub template: Template,
}

/// 工作进程的答复。
#[derive(Debug, Serialize, Deserialize)]
pub struct Reply {
    pub id: u64,
    pub outcome: Result<Done, Vec<WireProblem>>,
    /// 工作进程里有排版线程超时后仍在运行：主进程不再交新任务给它，手上的排完就让它退出。
    pub retire: bool,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Done {
    pages: usize,
    warnings: Vec<String>,
    findings: Vec<Finding>,
    pdf: usize,
    /// 拼版：面数和字节数。
    imposed: Option<(usize, usize)>,
}

/// 经管道传递的问题：位置原样保留，主进程的报错与在本进程排版时一字不差。
#[derive(Debug, Serialize, Deserialize)]
pub struct WireProblem {
    origin: WireOrigin,
    field: String,
    message: String,
}

#[derive(Debug, Serialize, Deserialize)]
enum WireOrigin {
    Text {
        file: PathBuf,
        source: String,
        span: Option<std::ops::Range<usize>>,
    },
    Cell {
        file: PathBuf,
        sheet: Option<String>,
        row: usize,
        column: usize,
    },
    File(PathBuf),
    None,
}

impl From<&Problem> for WireProblem {
    fn from(p: &Problem) -> Self {
        let origin = match &p.origin {
            Origin::Text { file, source, span } => WireOrigin::Text {
                file: file.clone(),
                source: source.to_string(),
                span: span.clone(),
            },
            Origin::Cell {
                file,
                sheet,
                row,
                column,
            } => WireOrigin::Cell {
                file: file.clone(),
                sheet: sheet.clone(),
                row: *row,
                column: *column,
            },
            Origin::File(f) => WireOrigin::File(f.clone()),
            Origin::None => WireOrigin::None,
        };
        Self {
            origin,
            field: p.field.clone(),
            message: p.message.clone(),
        }
    }
}

impl From<WireProblem> for Problem {
    fn from(p: WireProblem) -> Self {
        let origin = match p.origin {
            WireOrigin::Text { file, source, span } => Origin::Text {
                file,
                source: source.into(),
                span,
            },
            WireOrigin::Cell {
                file,
                sheet,
                row,
                column,
            } => Origin::Cell {
                file,
                sheet,
                row,
                column,
            },
            WireOrigin::File(f) => Origin::File(f),
            WireOrigin::None => Origin::None,
        };
        Problem::new(origin, p.field, p.message)
    }
}

/// 写一条答复（工作进程一侧）。
pub fn write_reply(
    out: &mut impl Write,
    id: u64,
    result: Result<Rendered, Problems>,
    retire: bool,
) -> std::io::Result<()> {
    let (outcome, bytes) = match result {
        Ok(r) => {
            let imposed = r.imposed.as_ref().map(|i| (i.sides, i.pdf.len()));
            let pdf = r.pdf.len();
            let mut bytes = r.pdf;
            if let Some(i) = r.imposed {
                bytes.extend_from_slice(&i.pdf);
            }
            let done = Done {
                pages: r.pages,
                warnings: r.warnings,
                findings: r.findings,
                pdf,
                imposed,
            };
            (Ok(done), bytes)
        }
        Err(p) => (Err(p.0.iter().map(WireProblem::from).collect()), Vec::new()),
    };
    let reply = Reply {
        id,
        outcome,
        retire,
    };
    serde_json::to_writer(&mut *out, &reply).map_err(std::io::Error::other)?;
    out.write_all(b"\n")?;
    out.write_all(&bytes)?;
    out.flush()
}

/// 读一条答复和它的字节（主进程一侧）。
pub fn read_reply(reader: &mut impl BufRead) -> std::io::Result<(Reply, Vec<u8>)> {
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Err(std::io::ErrorKind::UnexpectedEof.into());
    }
    let reply: Reply = serde_json::from_str(&line).map_err(std::io::Error::other)?;
    let len = match &reply.outcome {
        Ok(d) => d.pdf + d.imposed.map_or(0, |(_, n)| n),
        Err(_) => 0,
    };
    let mut bytes = vec![0; len];
    reader.read_exact(&mut bytes)?;
    Ok((reply, bytes))
}

/// 答复还原成本进程排版时的结果。
pub fn rendered(
    outcome: Result<Done, Vec<WireProblem>>,
    mut bytes: Vec<u8>,
) -> Result<Rendered, Problems> {
    match outcome {
        Ok(d) => {
            let imposed = d.imposed.map(|(sides, _)| Imposed {
                pdf: bytes.split_off(d.pdf),
                sides,
            });
            Ok(Rendered {
                pdf: bytes,
                pages: d.pages,
                warnings: d.warnings,
                findings: d.findings,
                imposed,
            })
        }
        Err(p) => Err(Problems(p.into_iter().map(Problem::from).collect())),
    }
}
