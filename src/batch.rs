//! 批量：一个进程排出全市版和各县区版。字体、模板只准备一次，文档在多个线程中并行排版，
//! 每份文档排完即写出、清理 typst 缓存（见 `typeset::typeset`），内存不随县区数增长。

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::base::diag::{Origin, Problem, Problems};
use crate::base::pool;
use crate::project::Project;
use crate::render::{Render, Template};
use crate::typeset::Kind;

pub use crate::base::pool::CANCELLED;

/// 一个版本：全市版（None）或某县区版。
pub type Region = Option<String>;

/// `--counties` 的取值。
#[derive(Debug, Clone)]
pub enum Selection {
    All,
    Names(Vec<String>),
}

impl Selection {
    pub fn parse(s: &str) -> Self {
        if s.trim() == "all" {
            Self::All
        } else {
            Self::Names(
                s.split([',', '，', '、'])
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .map(str::to_owned)
                    .collect(),
            )
        }
    }
}

/// `--shard K/N`：第 K 份（1 起），共 N 份。
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl std::str::FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (k, n) = s.split_once('/').ok_or("应写成 K/N，如 2/8")?;
        let index: usize = k.trim().parse().map_err(|_| format!("“{k}” 不是正整数"))?;
        let count: usize = n.trim().parse().map_err(|_| format!("“{n}” 不是正整数"))?;
        if count == 0 || index == 0 || index > count {
            return Err(format!("须满足 1 ≤ K ≤ N，实际为 {index}/{count}"));
        }
        Ok(Self { index, count })
    }
}

/// 要排的版本：全市版在前，县区按名单顺序；再按分片取其中一份。
/// 分片只看版本在全集中的序号，与机器、线程数无关，N 份恰好划分全集。
pub fn regions(
    project: &Project,
    selection: &Selection,
    shard: Option<Shard>,
) -> Result<Vec<Region>, Problems> {
    let names: Vec<String> = match (&project.counties, selection) {
        (None, Selection::All) => Vec::new(),
        (None, Selection::Names(n)) if n.is_empty() => Vec::new(),
        (None, Selection::Names(_)) => return Err(project.no_counties()),
        (Some(c), Selection::All) => c.names.clone(),
        (Some(c), Selection::Names(wanted)) => {
            let unknown: Vec<&String> = wanted.iter().filter(|w| !c.names.contains(w)).collect();
            if !unknown.is_empty() {
                let unknown: Vec<&str> = unknown.iter().map(|s| s.as_str()).collect();
                return Err(Problems(vec![Problem::new(
                    Origin::None,
                    "--counties",
                    format!(
                        "没有这些县区：{}；可选：{}",
                        unknown.join("、"),
                        c.names.join("、")
                    ),
                )]));
            }
            c.names
                .iter()
                .filter(|n| wanted.contains(n))
                .cloned()
                .collect()
        }
    };
    let all = std::iter::once(None).chain(names.into_iter().map(Some));
    Ok(match shard {
        None => all.collect(),
        Some(s) => all
            .enumerate()
            .filter(|(i, _)| i % s.count == s.index - 1)
            .map(|(_, r)| r)
            .collect(),
    })
}

/// 一份文档的结果。
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// 县区名；全市版为地区名。
    pub region: String,
    pub county: bool,
    pub kind: Kind,
    #[serde(flatten)]
    pub result: OutcomeResult,
    #[serde(skip)]
    pub elapsed: Duration,
}

#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum OutcomeResult {
    Written {
        path: String,
        pages: usize,
        bytes: usize,
        sha256: String,
        warnings: Vec<String>,
        /// 版面检查的发现。
        findings: Vec<crate::typeset::preflight::Finding>,
    },
    Failed {
        stage: Stage,
        problems: Vec<String>,
    },
}

/// 失败发生在哪一步：数据（县区表格中的坏单元格等）还是排版与写出。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    Data,
    Render,
}

impl Outcome {
    pub fn ok(&self) -> bool {
        matches!(self.result, OutcomeResult::Written { .. })
    }
}

/// 全市版写在输出目录下，县区版写在 `<县区>/` 子目录下。
pub fn output_path(out: &Path, region: &Region, file_name: &str) -> PathBuf {
    match region {
        None => out.join(file_name),
        Some(name) => out.join(name).join(file_name),
    }
}

/// 并行排出所有版本的所有文档，每份排好即写出（由本进程写，工作进程只交回 PDF）。`progress` 在每份文档完成时调用（完成数，总数，结果）。
pub fn run(
    project: &Project,
    press: &dyn Render,
    regions: &[Region],
    kinds: &[Kind],
    out: &Path,
    jobs: usize,
    progress: &(dyn Fn(usize, usize, &Outcome) + Sync),
) -> Vec<Outcome> {
    let tasks: Vec<(&Region, Kind)> = regions
        .iter()
        .flat_map(|r| kinds.iter().map(move |k| (r, *k)))
        .collect();
    let order = schedule(&tasks, jobs);
    let total = tasks.len();
    let results: Mutex<Vec<Option<Outcome>>> = Mutex::new(vec![None; total]);
    pool::run(
        total,
        jobs,
        &|k| order[k],
        &|i| {
            let (region, kind) = &tasks[i];
            one(project, press, region, *kind, out, Instant::now())
        },
        &|n, i, outcome| {
            progress(n, total, &outcome);
            results.lock().expect("锁未中毒")[i] = Some(outcome);
            true
        },
    );
    results
        .into_inner()
        .expect("锁未中毒")
        .into_iter()
        // 中断时没开始的文档没有结果。
        .flatten()
        .collect()
}

/// 排的先后（结果仍按原顺序排列）：费时的手册在前、一页纸在后，最后几份都是短任务，各线程几乎同时收尾。
/// 县区版复用第一份手册（通常是全市版）的排版结果，它没排完就开排的县区手册要从头排一遍（示例数据两个线程时
/// 每份平均多花三成多），所以多线程时第一份手册之后先排几份一页纸，让其余线程等它的工夫不空着。
/// 只排几份：typst 的缓存每排完一份就老一岁（`evict(10)`），隔开十份以上，第一份手册的结果就清掉了。
fn schedule(tasks: &[(&Region, Kind)], jobs: usize) -> Vec<usize> {
    let (booklets, others): (Vec<usize>, Vec<usize>) =
        (0..tasks.len()).partition(|&i| tasks[i].1 == Kind::Booklet);
    let early = others
        .len()
        .min(SUMMARIES_WHILE_FIRST_BOOKLET * jobs.saturating_sub(1));
    booklets
        .first()
        .copied()
        .into_iter()
        .chain(others[..early].iter().copied())
        .chain(booklets.iter().skip(1).copied())
        .chain(others[early..].iter().copied())
        .collect()
}

/// 第一份手册排着时，每个其余线程先排几份一页纸（一页纸约为手册的八分之一到四分之一）。
const SUMMARIES_WHILE_FIRST_BOOKLET: usize = 6;

fn one(
    project: &Project,
    press: &dyn Render,
    region: &Region,
    kind: Kind,
    out: &Path,
    started: Instant,
) -> Outcome {
    let label = region
        .clone()
        .unwrap_or_else(|| project.view.meta.region.clone());
    let result = (|| {
        let view = project
            .view_for(region.as_deref())
            .map_err(|p| (Stage::Data, p))?;
        let path = output_path(out, region, &Project::file_name(&view, kind));
        let w = press
            .render(region.as_deref(), &view, &Template::Builtin(kind))
            .and_then(|r| r.save(&path))
            .map_err(|p| (Stage::Render, p))?;
        let rel = path
            .strip_prefix(out)
            .unwrap_or(&path)
            .to_string_lossy()
            .into_owned();
        Ok(OutcomeResult::Written {
            path: rel,
            pages: w.pages,
            bytes: w.bytes,
            sha256: w.sha256,
            warnings: w.warnings,
            findings: w.findings,
        })
    })();
    let result = result.unwrap_or_else(|(stage, p)| OutcomeResult::Failed {
        stage,
        problems: p
            .0
            .iter()
            .map(|p| p.to_string().trim_end().to_owned())
            .collect(),
    });
    Outcome {
        region: label,
        county: region.is_some(),
        kind,
        result,
        elapsed: started.elapsed(),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `manifest.json`：每份输出的路径、页数、字节数、sha256、警告，以及失败的原因。不含用时，同样的输入得到同样的清单。
#[derive(Debug, Serialize)]
pub struct Manifest<'a> {
    pub data: String,
    pub date: Option<String>,
    pub outputs: Vec<&'a Outcome>,
    pub failures: Vec<&'a Outcome>,
    /// 输出目录中此前运行留下、本次没有重写的 PDF（本次被中断，或只排了部分县区）：清单与目录始终一致。
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub earlier: Vec<Earlier>,
}

/// 此前运行留下的一个 PDF。
#[derive(Debug, Serialize)]
pub struct Earlier {
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

pub fn manifest<'a>(project: &Project, outcomes: &'a [Outcome], out: &Path) -> Manifest<'a> {
    let written: std::collections::HashSet<&str> = outcomes
        .iter()
        .filter_map(|o| match &o.result {
            OutcomeResult::Written { path, .. } => Some(path.as_str()),
            OutcomeResult::Failed { .. } => None,
        })
        .collect();
    let mut earlier: Vec<Earlier> = pdfs(out, out)
        .into_iter()
        .filter(|(rel, _)| !written.contains(rel.as_str()))
        .filter_map(|(path, full)| {
            let bytes = std::fs::read(&full).ok()?;
            Some(Earlier {
                path,
                bytes: bytes.len() as u64,
                sha256: hex(&Sha256::digest(&bytes)),
            })
        })
        .collect();
    earlier.sort_by(|a, b| a.path.cmp(&b.path));
    Manifest {
        data: project.data.dir.display().to_string(),
        date: project.date.map(|d| d.to_string()),
        outputs: outcomes.iter().filter(|o| o.ok()).collect(),
        failures: outcomes.iter().filter(|o| !o.ok()).collect(),
        earlier,
    }
}

/// 目录下（含子目录）的 PDF：(相对 `root` 的路径, 完整路径)。
fn pdfs(dir: &Path, root: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            out.extend(pdfs(&path, root));
        } else if path.extension().is_some_and(|e| e == "pdf") {
            let rel = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .into_owned();
            out.push((rel, path));
        }
    }
    out
}
