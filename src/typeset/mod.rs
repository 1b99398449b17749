//! 排版：规范化数据 + 模板 → typst 文档 → PDF。

pub mod coverage;
pub mod fonts;
pub mod inspect;
mod messages;
pub mod preflight;
pub mod templates;
pub mod timings;
pub mod weight;
pub mod world;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use chrono::{Datelike, NaiveDate};
use typst::WorldExt;
use typst::diag::{Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Smart};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, Timestamp};

use crate::base::diag::{Origin, Problem, Problems};
use world::{DocWorld, Engine};

/// 文档种类。
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// 简报手册
    Booklet,
    /// 一页纸
    Summary,
}

impl Kind {
    pub const ALL: [Kind; 2] = [Kind::Booklet, Kind::Summary];

    pub fn template(self) -> &'static str {
        match self {
            Kind::Booklet => "booklet.typ",
            Kind::Summary => "summary.typ",
        }
    }

    /// 用于文件名的中文名称。
    pub fn label(self) -> &'static str {
        match self {
            Kind::Booklet => "简报手册",
            Kind::Summary => "一页纸",
        }
    }
}

/// 一份排好的文档。
pub struct Typeset {
    pub doc: PagedDocument,
    pub warnings: Vec<String>,
    /// typst 在五遍之内排定了（没有警告“did not converge”）。没排定时版面可能与检查看到的不同，
    /// 版面检查把它当作一条发现（版面未定），那条总的警告不再另外打印。
    pub settled: bool,
}

/// 排版一份文档。`data` 是规范化 JSON，`date` 用作 typst 的“今天”和 PDF 时间戳。
///
/// typst 没有取消排版的办法：排版放在单独的线程里，超过 `engine.limits.time` 就不再等它，报错返回
/// （那个线程在后台继续运行，直到进程结束；`build` 随即结束，`batch` 接着排其余文档）。
/// 这里只排版并守住上限（时间、页数）；缺字、出界等版面检查都在 `render` 中，所有命令经过同一处。
pub fn typeset(
    engine: &Engine,
    kind: Kind,
    data: Vec<u8>,
    data_dir: Option<PathBuf>,
    date: Option<NaiveDate>,
) -> Result<Typeset, Problems> {
    typeset_template(engine, kind.template(), kind.label(), data, data_dir, date)
}

/// 超过时间上限、被丢下但仍在后台运行的排版线程数。
static ABANDONED: AtomicUsize = AtomicUsize::new(0);

/// 是否有排版线程超过时间上限后仍在运行（它占着一个核和它的内存，直到进程结束）。
/// 工作进程据此让主进程换一个新的工作进程。
pub fn overrunning() -> bool {
    ABANDONED.load(Ordering::SeqCst) > 0
}

/// 每排完这么多份文档，把 glibc 各内存池里空闲的页还给系统。
const TRIM_EVERY: usize = 10;

/// 批量时常驻内存不随文档数上涨：glibc 不把各线程内存池中间的空闲页还给系统，每份文档的排版都在池里留下碎片，
/// 2000 个地区从 226 MiB 涨到 305 MiB（+35%）。每份文档后都还（malloc_trim）要慢约两成（还回去的页下一份又要
/// 重新缺页）；每 25 份还一次看不出速度差别，2000 个地区仍涨 15%；每 10 份还一次慢约 3%，2000 个地区
/// 199 → 220 MiB（+10.6%）。取后者（README“速度与内存”）。
fn trim_heap() {
    static DONE: AtomicUsize = AtomicUsize::new(0);
    let n = DONE.fetch_add(1, Ordering::Relaxed) + 1;
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if n.is_multiple_of(TRIM_EVERY) {
        // SAFETY: malloc_trim 只整理 glibc 自己的空闲链表，不动仍在使用的内存。
        unsafe {
            libc::malloc_trim(0);
        }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    let _ = n;
}

/// 用模板目录中的任一模板（如自己写的 `gongwen/main.typ`）排版一份文档；`label` 用于报错。
pub fn typeset_template(
    engine: &Engine,
    template: &str,
    label: &str,
    data: Vec<u8>,
    data_dir: Option<PathBuf>,
    date: Option<NaiveDate>,
) -> Result<Typeset, Problems> {
    let label = label.to_owned();
    // 超时、超页时要先看数据有多大；交给排版线程的是同一份数据的共享引用，不另占内存。
    let data = Bytes::new(data);
    let kept = data.clone();
    let main = Engine::template_id(template);
    let limits = engine.limits;
    let shared = engine.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    // 谁先把它设为 true 谁说了算：排版线程先做完，就不算被丢下；先超时，线程做完时再从计数里减掉。
    let abandoned = Arc::new(AtomicBool::new(false));
    let done = abandoned.clone();
    let spawned = std::thread::Builder::new()
        .name(format!("typeset-{label}"))
        // 与主线程一样的栈：深的模板递归不会因为换了线程而溢出。
        .stack_size(8 << 20)
        .spawn(move || {
            let world = DocWorld {
                engine: &shared,
                main,
                data,
                data_dir,
                today: date.map(to_datetime),
            };
            let warned = typst::compile::<PagedDocument>(&world);
            // 无论成败都清理缓存，批量时内存不随文档数增长。
            typst::comemo::evict(10);
            trim_heap();
            let unsettled =
                |w: &SourceDiagnostic| w.message.starts_with("document did not converge");
            let settled = !warned.warnings.iter().any(unsettled);
            let warnings: Vec<String> = warned
                .warnings
                .iter()
                .filter(|w| !unsettled(w))
                .map(|w| diagnostic_problem(&world, w).to_string())
                .collect();
            let doc = warned.output.map_err(|errors| {
                Problems(
                    errors
                        .iter()
                        .map(|e| diagnostic_problem(&world, e))
                        .collect(),
                )
            });
            if done.swap(true, Ordering::SeqCst) {
                ABANDONED.fetch_sub(1, Ordering::SeqCst);
            }
            let _ = tx.send((doc, warnings, settled));
        });
    if let Err(e) = spawned {
        return Err(Problems(vec![Problem::new(
            Origin::None,
            label.as_str(),
            format!("无法启动排版线程：{}", crate::base::diag::os_error(&e)),
        )]));
    }
    let (doc, warnings, settled) = match rx.recv_timeout(limits.time) {
        Ok(r) => r,
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            if !abandoned.swap(true, Ordering::SeqCst) {
                ABANDONED.fetch_add(1, Ordering::SeqCst);
            }
            return Err(Problems(vec![Problem::new(
                Origin::None,
                label.as_str(),
                match weight::describe(kept.as_slice()) {
                    Some(data) => format!(
                        "排版超过 {} 秒仍未完成，已放弃。{data}，多半是数据太多：请精简或拆成几份；\
                         数据确实要这么多时，可用 --time-limit 调高（单位：秒）",
                        limits.time.as_secs_f64()
                    ),
                    None => format!(
                        "排版超过 {} 秒仍未完成，已放弃。多半是模板里有失控的循环或递归；\
                         若确实需要更长时间，可用 --time-limit 调高（单位：秒）",
                        limits.time.as_secs_f64()
                    ),
                },
            )]));
        }
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
            return Err(Problems(vec![Problem::new(
                Origin::None,
                label.as_str(),
                "排版引擎内部出错（typst 崩溃），这份文档没有排出；请把数据和模板报告给维护者",
            )]));
        }
    };
    let doc = doc?;
    if doc.pages().len() > limits.pages {
        return Err(Problems(vec![Problem::new(
            Origin::None,
            label.as_str(),
            match weight::describe(kept.as_slice()) {
                Some(data) => format!(
                    "排出 {} 页，超过每份文档 {} 页的上限。{data}，多半是数据太多：请精简或拆成几份；\
                     数据确实要这么多时，可用 --max-pages 调高",
                    doc.pages().len(),
                    limits.pages
                ),
                None => format!(
                    "排出 {} 页，超过每份文档 {} 页的上限。多半是模板里有失控的循环；\
                     若确实要排这么多页，可用 --max-pages 调高",
                    doc.pages().len(),
                    limits.pages
                ),
            },
        )]));
    }
    Ok(Typeset {
        doc,
        warnings,
        settled,
    })
}

/// 导出 PDF：标识和时间戳都来自数据，同样的输入得到逐字节相同的文件。
/// 选了 PDF/A 时按该标准导出（typst-pdf 写入 XMP 中的 pdfaid 声明，并拒绝不合标准的内容）。
pub fn pdf(
    doc: &PagedDocument,
    ident: &str,
    date: Option<NaiveDate>,
    standard: Option<world::Standard>,
) -> Result<Vec<u8>, Problems> {
    pdf_with(doc, ident, date, standard, true)
}

/// 同 [`pdf`]；`tagged` 为 false 时不写结构树（叠印版：它的页面叠到原版上，原版的结构树不认识它）。
pub fn pdf_with(
    doc: &PagedDocument,
    ident: &str,
    date: Option<NaiveDate>,
    standard: Option<world::Standard>,
    tagged: bool,
) -> Result<Vec<u8>, Problems> {
    use typst_pdf::{PdfStandard, PdfStandards};
    let standards = match standard {
        None => PdfStandards::default(),
        Some(s) => {
            let s = match s {
                world::Standard::A2b => PdfStandard::A_2b,
                world::Standard::A3b => PdfStandard::A_3b,
            };
            PdfStandards::new(&[s]).map_err(|e| {
                Problems(vec![Problem::new(
                    Origin::None,
                    "PDF",
                    format!("无法选用该 PDF 标准：{}", e.message()),
                )])
            })?
        }
    };
    let options = PdfOptions {
        ident: Smart::Custom(ident.to_owned()),
        timestamp: date.map(|d| Timestamp::new_utc(to_datetime(d))),
        creator: Smart::Custom(Some("jianbao".into())),
        standards,
        tagged,
        ..PdfOptions::default()
    };
    typst_pdf::pdf(doc, &options).map_err(|errors| {
        Problems(
            errors
                .iter()
                .map(|e| {
                    let message = match e.message.strip_prefix("failed to process ") {
                        // 字体文件在加载时已经核对过；仍然出错时把字体点出来，不留英文。
                        Some(rest) => format!(
                            "字体无法嵌入 PDF：{}（字体文件可能已损坏，或是 typst 不支持的格式；请换一个完好的字体文件）",
                            rest.replace("malformed font", "字体文件格式有误")
                        ),
                        None => e.message.to_string(),
                    };
                    Problem::new(Origin::None, "PDF", format!("导出失败：{message}"))
                })
                .collect(),
        )
    })
}

fn to_datetime(date: NaiveDate) -> Datetime {
    Datetime::from_ymd(date.year(), date.month() as u8, date.day() as u8)
        .expect("chrono 日期总是合法的")
}

/// typst 的诊断转成带模板文件行列的问题。
fn diagnostic_problem(world: &DocWorld, d: &SourceDiagnostic) -> Problem {
    let origin = match d.span.id() {
        Some(id) => {
            let vpath = id.get().vpath().get_with_slash().to_owned();
            let file = match vpath.strip_prefix("/templates/") {
                Some(rel) => world.engine.templates.display_path(rel),
                None => PathBuf::from(vpath.trim_start_matches('/')),
            };
            match typst::World::source(world, id) {
                Ok(source) => Origin::Text {
                    file,
                    source: source.text().into(),
                    span: world.range(d.span),
                },
                Err(_) => Origin::File(file),
            }
        }
        None => Origin::None,
    };
    let mut message = String::from(match d.severity {
        Severity::Error => "排版错误：",
        Severity::Warning => "排版警告：",
    });
    message.push_str(&messages::in_chinese(&d.message));
    if d.message.contains("access denied") || d.message.contains("escape the project root") {
        message.push_str("（模板只能读取模板目录和数据目录 /data/ 中的文件）");
    }
    // 关于 typst 命令行 --root 参数的提示对 jianbao 的用户没有意义。
    for hint in d
        .hints
        .iter()
        .filter(|h| !h.v.contains("--root") && !h.v.contains("sandbox"))
    {
        message.push_str("（提示：");
        message.push_str(&messages::hint_in_chinese(&hint.v));
        message.push('）');
    }
    Problem::new(origin, "", message)
}
