//! 页面上发起的付印：排一个版本（可编号份数、拼版）或批量排全市版和各县区版。
//! 走与命令行相同的函数（`render::render_all`、`copies::run`、`batch::run`），进度也来自同一个回调，
//! 由事件流推给页面；批量写出与命令行相同的 manifest.json，可整批打包下载。

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Deserialize;
use serde_json::json;

use super::Workbench;
use crate::base::output;
use crate::batch::{self, Selection};
use crate::copies::{self, Copies};
use crate::postpress::SaddleOptions;
use crate::present;
use crate::project::{self, Project};
use crate::render::{self, Template};
use crate::typeset::Kind;
use crate::typeset::world::Standard;

/// 上传的表格最大字节数：县区指标表格通常几十 KB，10 MB 足够，也挡住把内存撑满的请求。
pub const MAX_UPLOAD: usize = 10 << 20;

/// 页面上的付印选项，与命令行的同名选项一一对应。
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// build（一个版本）或 batch（全市版和全部县区版）。
    pub what: String,
    /// build 排哪个县区版（不给为全市版）。
    #[serde(default)]
    pub edition: Option<String>,
    /// 只排一种：booklet 或 summary。
    #[serde(default)]
    pub only: Option<String>,
    #[serde(default)]
    pub paper: Option<String>,
    #[serde(default)]
    pub bleed: Option<f64>,
    #[serde(default)]
    pub marks: bool,
    #[serde(default)]
    pub mono: bool,
    #[serde(default)]
    pub draft: Option<String>,
    #[serde(default)]
    pub pdf_standard: Option<String>,
    /// 另出骑马订拼版（只对 build）。
    #[serde(default)]
    pub impose: bool,
    /// 编号份数（只对 build）。
    #[serde(default)]
    pub copies: Option<usize>,
}

/// 一个付印任务的进展。
#[derive(Default)]
struct Job {
    done: bool,
    /// 写出的文件（相对输出目录），批量含 manifest.json。
    files: Vec<String>,
}

#[derive(Default)]
pub struct Jobs {
    next: AtomicU64,
    jobs: Mutex<HashMap<u64, Job>>,
    /// 同一时刻只跑一个任务：两核机器上并排两批只会都慢，输出目录也只能有一个写者。
    running: Mutex<()>,
}

impl Jobs {
    /// 任务写出的文件；任务还没结束时为 None。
    pub fn files(&self, id: u64) -> Option<Vec<String>> {
        let jobs = self.jobs.lock().expect("锁未中毒");
        jobs.get(&id).filter(|j| j.done).map(|j| j.files.clone())
    }
}

/// 检查选项并在后台开始；返回任务号。进度、结果都经事件流（`job`）推给页面。
pub fn start(wb: &std::sync::Arc<Workbench>, req: Request) -> Result<u64, String> {
    let settings = Settings::from(&req, wb)?;
    let id = wb.jobs.next.fetch_add(1, Ordering::SeqCst) + 1;
    wb.jobs
        .jobs
        .lock()
        .expect("锁未中毒")
        .insert(id, Job::default());
    let wb = wb.clone();
    std::thread::spawn(move || {
        let _one = wb.jobs.running.lock().unwrap_or_else(|e| e.into_inner());
        let send = |n: usize, total: usize, line: String| {
            wb.hub.send(
                "job",
                &json!({ "id": id, "n": n, "total": total, "line": line, "done": false }),
            );
        };
        let result = run(&wb, &req, &settings, &send);
        let (ok, files, message) = match result {
            Ok((files, message)) => (true, files, message),
            Err(e) => (false, Vec::new(), e),
        };
        if let Some(job) = wb.jobs.jobs.lock().expect("锁未中毒").get_mut(&id) {
            job.done = true;
            job.files = files.clone();
        }
        wb.hub.send(
            "job",
            &json!({ "id": id, "done": true, "ok": ok, "files": files, "message": message,
                     "zip": req.what == "batch" && ok }),
        );
    });
    Ok(id)
}

/// 选项换成排版的设置；写错的选项在开始之前就说清楚。
struct Settings {
    options: present::Options,
    standard: Option<Standard>,
    kinds: Vec<Kind>,
    copies: Option<Copies>,
}

impl Settings {
    fn from(req: &Request, wb: &Workbench) -> Result<Self, String> {
        if !matches!(req.what.as_str(), "build" | "batch") {
            return Err(format!("不认识的任务 “{}”", req.what));
        }
        if let Some(p) = &req.paper
            && !present::PAPERS.contains(&p.as_str())
        {
            return Err(format!(
                "纸张 “{p}” 无效，可选：{}",
                present::PAPERS.join("、")
            ));
        }
        let bleed = req.bleed.unwrap_or(0.0);
        if !(0.0..=present::MAX_BLEED_MM).contains(&bleed) {
            return Err(format!("出血须在 0 到 {} 毫米之间", present::MAX_BLEED_MM));
        }
        let standard = match req.pdf_standard.as_deref() {
            None | Some("") => None,
            Some(s) => {
                Some(Standard::parse(s).ok_or(format!("PDF 标准 “{s}” 无效，可选：a-2b、a-3b"))?)
            }
        };
        let kinds = match req.only.as_deref() {
            None | Some("") => Kind::ALL.to_vec(),
            Some("booklet") => vec![Kind::Booklet],
            Some("summary") => vec![Kind::Summary],
            Some(o) => return Err(format!("不认识的文档 “{o}”，可选：booklet、summary")),
        };
        let copies = match req.copies {
            None | Some(0) => None,
            Some(n) => Some(Copies::numbered(n)?),
        };
        if req.what == "batch" && (copies.is_some() || req.impose) {
            return Err("编号份数和拼版只用于排一个版本，批量不用".into());
        }
        Ok(Self {
            // 页面上没有的选项（装订方式，以及以后命令行新加的）沿用启动 serve 时命令行给的。
            options: present::Options {
                paper: req.paper.clone().filter(|p| !p.is_empty()),
                bleed_mm: bleed,
                crop_marks: req.marks,
                mono: req.mono,
                draft: req.draft.clone().filter(|d| !d.trim().is_empty()),
                archive: standard.is_some(),
                ..wb.options.clone()
            },
            standard,
            kinds,
            copies,
        })
    }
}

type Progress<'a> = dyn Fn(usize, usize, String) + Sync + 'a;

/// 排出、写出；返回写出的文件（相对输出目录）和一句总结。
fn run(
    wb: &Workbench,
    req: &Request,
    s: &Settings,
    progress: &Progress,
) -> Result<(Vec<String>, String), String> {
    let problems = |p: crate::base::diag::Problems| p.to_string();
    let project = Project::load(&wb.dir, &s.options).map_err(problems)?;
    let engine = wb.engine.clone().with_standard(s.standard);
    project::check_fonts(&engine, &project).map_err(problems)?;
    let _lock = output::lock(&wb.out).map_err(|e| format!("{e:#}"))?;
    let out = &wb.out;
    let rel = |p: &Path| {
        p.strip_prefix(out)
            .unwrap_or(p)
            .to_string_lossy()
            .into_owned()
    };
    let jobs = std::thread::available_parallelism().map_or(1, |n| n.get());
    let templates: Vec<Template> = s.kinds.iter().map(|k| Template::Builtin(*k)).collect();
    if req.what == "batch" {
        let regions = batch::regions(&project, &Selection::All, None).map_err(problems)?;
        let press = project.press(&engine);
        let outcomes = batch::run(
            &project,
            &press,
            &regions,
            &s.kinds,
            out,
            jobs,
            &|n, total, o| progress(n, total, outcome_line(o)),
        );
        let manifest = batch::manifest(&project, &outcomes, out);
        let json = serde_json::to_vec_pretty(&manifest).expect("清单总能序列化");
        output::write_atomic(&out.join("manifest.json"), &json).map_err(|e| format!("{e:#}"))?;
        let mut files: Vec<String> = outcomes
            .iter()
            .filter_map(|o| match &o.result {
                batch::OutcomeResult::Written { path, .. } => Some(path.clone()),
                batch::OutcomeResult::Failed { .. } => None,
            })
            .collect();
        files.push("manifest.json".into());
        let failed = outcomes.iter().filter(|o| !o.ok()).count();
        let message = format!(
            "共 {} 份文档，成功 {}，失败 {}；清单 manifest.json",
            outcomes.len(),
            outcomes.len() - failed,
            failed
        );
        if failed > 0 {
            let reasons: Vec<String> = outcomes
                .iter()
                .filter_map(|o| match &o.result {
                    batch::OutcomeResult::Failed { problems, .. } => Some(format!(
                        "【{} {}】{}",
                        o.region,
                        o.kind.label(),
                        problems.join("\n")
                    )),
                    batch::OutcomeResult::Written { .. } => None,
                })
                .collect();
            return Err(format!("{message}\n{}", reasons.join("\n")));
        }
        return Ok((files, message));
    }
    let view = project
        .view_for(req.edition.as_deref().filter(|e| !e.is_empty()))
        .map_err(problems)?;
    let impose = req.impose.then_some(SaddleOptions {
        creep_mm: 0.0,
        marks: req.marks,
    });
    let press = project.press(&engine).with_impose(impose);
    if let Some(copies) = &s.copies {
        let files = Mutex::new(Vec::new());
        copies::run(
            &press,
            &view,
            copies,
            &templates,
            out,
            jobs,
            &|n, total, w| {
                files.lock().expect("锁未中毒").push(rel(&w.path));
                let name = w.path.file_name().unwrap_or_default().to_string_lossy();
                progress(n, total, format!("{name}：{} 页", w.pages));
            },
        )
        .map_err(problems)?;
        let files = files.into_inner().expect("锁未中毒");
        let message = format!("已写出 {} 个编号文件", files.len());
        return Ok((files, message));
    }
    let total = templates.len();
    progress(0, total, "排版中……".into());
    let done = render::render_all(&press, None, &view, &templates, jobs).map_err(problems)?;
    let mut files = Vec::new();
    for (i, (t, r)) in templates.iter().zip(done).enumerate() {
        let w = r
            .write(&out.join(t.file_name(&view)))
            .map_err(|e| format!("{e:#}"))?;
        files.push(rel(&w.path));
        if let Some((p, _, _)) = &w.imposed {
            files.push(rel(p));
        }
        progress(i + 1, total, format!("{}：{} 页", rel(&w.path), w.pages));
    }
    let message = format!("已写出 {} 个文件", files.len());
    Ok((files, message))
}

/// 进度行：与命令行进度条上的一行同样的内容。
fn outcome_line(o: &batch::Outcome) -> String {
    match &o.result {
        batch::OutcomeResult::Written { path, pages, .. } => format!("{path}：{pages} 页"),
        batch::OutcomeResult::Failed { .. } => format!("{} {}：失败", o.region, o.kind.label()),
    }
}

/// 把任务写出的文件打成 zip（PDF 本已压缩，原样存入；清单压缩）。
pub fn zip(out: &Path, files: &[String]) -> Result<Vec<u8>, String> {
    use zip::write::SimpleFileOptions;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for f in files {
        let path = super::paths::confine(out, f)?;
        let bytes = std::fs::read(&path)
            .map_err(|e| format!("无法读取 {f}：{}", crate::base::diag::os_error(&e)))?;
        let method = if f.ends_with(".pdf") {
            zip::CompressionMethod::Stored
        } else {
            zip::CompressionMethod::Deflated
        };
        w.start_file(
            f.as_str(),
            SimpleFileOptions::default().compression_method(method),
        )
        .map_err(|e| format!("打包失败：{e}"))?;
        w.write_all(&bytes).map_err(|e| format!("打包失败：{e}"))?;
    }
    let cursor = w.finish().map_err(|e| format!("打包失败：{e}"))?;
    Ok(cursor.into_inner())
}
