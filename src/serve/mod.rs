//! `jianbao serve`：浏览器里的工作台。本机网页上改数字、看页面随之变化、排版和批量付印。
//!
//! - `http`：连接与路由（hyper 在单线程的 tokio 上收发，处理放在阻塞线程池）；`auth`：令牌、Host、Origin 三道关；
//! - `live`：最近一次排好的版面和问题清单，事件流；`forms`：TOML 文件与表单之间（toml_edit）；
//! - `edits`：表单、县区表格一格、撤销、边打边查、从无到有；`counties`、`cells`：县区表格的网格、上传、模板和写回一格；
//! - `jobs`：页面上发起的排版、批量（进度来自与命令行相同的回调）和打包下载；`paths`：页面给的路径。
//!
//! 排版只走 [`crate::render::Press::lay_out`]，与 build、watch 同一条路；文件改动的监视与 watch 共用
//! [`crate::changes`]。

pub mod auth;
pub mod cells;
pub mod counties;
mod edits;
pub mod forms;
pub mod http;
pub mod jobs;
pub mod live;
pub mod paths;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, mpsc};
use std::time::Instant;

use serde_json::{Value as Json, json};

use crate::base::diag::Problems;
use crate::present;
use crate::project::{self, Project};
use crate::render::Template;
use crate::typeset::Kind;
use crate::typeset::world::Engine;
use live::{Hub, Issue, Live, LiveDoc};

/// 页面图的默认分辨率（每英寸像素）：A5 页约 640×900 像素，看得清数字，画一页不到 0.1 秒。
pub const PAGE_DPI: u32 = 110;

/// 表单修改的请求体上限；上传的表格另有上限（`jobs::MAX_UPLOAD`）。
pub const MAX_JSON: usize = 1 << 20;

/// 一次保存：撤销时写回 `before`，前提是文件仍是这次保存写下的样子（`after`）。
struct Saved {
    file: String,
    before: Vec<u8>,
    after: String,
}

/// 工作台：一次 `jianbao serve` 运行的全部状态。
pub struct Workbench {
    pub dir: PathBuf,
    pub out: PathBuf,
    pub port: u16,
    pub token: String,
    pub engine: Engine,
    pub options: present::Options,
    pub live: Mutex<Live>,
    pub hub: Hub,
    pub jobs: jobs::Jobs,
    saves: Mutex<Vec<Saved>>,
    /// 写文件一次只让一个请求来：版本比对和写出之间不能插进别的保存。
    writing: Mutex<()>,
    pngs: Mutex<HashMap<PageKey, Arc<Vec<u8>>>>,
    kick: Mutex<mpsc::Sender<()>>,
}

/// 画好的页面图：(版面的代数, 第几份文档, 页码, 分辨率)。
type PageKey = (u64, usize, usize, u32);

/// 撤销最多记这么多次保存。
const UNDO_DEPTH: usize = 50;

impl Workbench {
    /// 建好工作台；`kick` 的另一端交给重排线程（见 [`Workbench::rebuild_loop`]）。
    pub fn new(
        dir: PathBuf,
        out: PathBuf,
        port: u16,
        engine: Engine,
        options: present::Options,
    ) -> anyhow::Result<(Arc<Self>, mpsc::Receiver<()>)> {
        let (tx, rx) = mpsc::channel();
        let wb = Arc::new(Self {
            dir,
            out,
            port,
            token: auth::new_token()?,
            engine,
            options,
            live: Mutex::new(Live::default()),
            hub: Hub::default(),
            jobs: jobs::Jobs::default(),
            saves: Mutex::new(Vec::new()),
            writing: Mutex::new(()),
            pngs: Mutex::new(HashMap::new()),
            kick: Mutex::new(tx),
        });
        Ok((wb, rx))
    }

    /// 要求重排（文件改了、换了县区版）。连着几次要求只排一次。
    pub fn kick(&self) {
        let _ = self.kick.lock().expect("锁未中毒").send(());
    }

    /// 重排线程：每次被叫醒就重排，排的时候又来的要求合成一次。
    pub fn rebuild_loop(&self, kicks: mpsc::Receiver<()>) {
        while kicks.recv().is_ok() {
            while kicks.try_recv().is_ok() {}
            self.rebuild();
        }
    }

    /// 读数据、排手册和一页纸（只到版面，不导出 PDF）。成功则换上新版面；失败则只换问题清单，版面保留上一版。
    pub fn rebuild(&self) {
        let started = Instant::now();
        self.hub.send("building", &json!({}));
        self.engine.forget_sources();
        let edition = self.live.lock().expect("锁未中毒").edition.clone();
        let result = self.lay_out(edition.as_deref());
        let took_ms = started.elapsed().as_millis();
        {
            let mut live = self.live.lock().expect("锁未中毒");
            live.took_ms = took_ms;
            match result {
                Ok(Laid {
                    docs,
                    issues,
                    editions,
                    edition,
                }) => {
                    live.generation += 1;
                    live.docs = docs;
                    live.problems = issues;
                    live.ok = true;
                    live.editions = editions;
                    live.edition = edition;
                    live.message = format!("已重排，用时 {:.2} 秒", took_ms as f64 / 1000.0);
                    self.pngs.lock().expect("锁未中毒").clear();
                }
                Err(problems) => {
                    live.problems = Issue::from_problems(&problems, &self.dir);
                    live.ok = false;
                    live.message = if live.docs.is_empty() {
                        "数据有问题，还排不出页面；改好后自动重排".into()
                    } else {
                        "数据有问题：页面保留上一版，改好后自动重排".into()
                    };
                }
            }
        }
        self.hub.send("state", &self.state());
    }

    fn lay_out(&self, edition: Option<&str>) -> Result<Laid, Problems> {
        let project = Project::load(&self.dir, &self.options)?;
        let editions = project
            .counties
            .as_ref()
            .map(|c| c.names.clone())
            .unwrap_or_default();
        // 县区名单变了、原来看的县区没了：回到全市版。
        let edition = edition
            .filter(|e| editions.iter().any(|n| n == e))
            .map(str::to_owned);
        // 县区表格中的坏单元格：与 check 一样列出（每处一次），全市版照排。
        let mut issues: Vec<Issue> = project
            .counties
            .as_ref()
            .map(|c| {
                c.problems()
                    .into_iter()
                    .map(|(_, p)| Issue::from_problem(&p, &self.dir))
                    .collect()
            })
            .unwrap_or_default();
        let view = project.view_for(edition.as_deref())?;
        project::check_fonts(&self.engine, &project)?;
        let press = project.press(&self.engine);
        // 手册和一页纸各在一个线程里排（两核各排一份，一页纸不必等手册）。
        let laid = std::thread::scope(|s| {
            let jobs: Vec<_> = Kind::ALL
                .iter()
                .map(|k| {
                    let (press, view) = (&press, &view);
                    s.spawn(move || press.lay_out(view, &Template::Builtin(*k)))
                })
                .collect();
            jobs.into_iter()
                .map(|j| j.join().expect("排版线程未崩溃"))
                .collect::<Vec<_>>()
        });
        let mut docs = Vec::new();
        for (kind, r) in Kind::ALL.into_iter().zip(laid) {
            let l = r?;
            issues.extend(l.findings.iter().map(|f| Issue::from_finding(f, kind)));
            docs.push(LiveDoc {
                kind,
                doc: Arc::new(l.doc),
            });
        }
        Ok(Laid {
            docs,
            issues,
            editions,
            edition,
        })
    }

    /// 页面要的全部状态（JSON）。
    pub fn state(&self) -> Json {
        let live = self.live.lock().expect("锁未中毒");
        json!({
            "generation": live.generation,
            "ok": live.ok,
            "message": live.message,
            "took_ms": live.took_ms,
            "docs": live.docs.iter().map(|d| json!({
                "kind": d.kind,
                "label": d.kind.label(),
                "pages": d.doc.pages().len(),
            })).collect::<Vec<_>>(),
            "problems": live.problems,
            "edition": live.edition,
            "editions": live.editions,
            "can_undo": !self.saves.lock().expect("锁未中毒").is_empty(),
            "data_dir": self.dir.display().to_string(),
            "has_data": self.dir.join(crate::load::META).is_file(),
            "has_counties": counties::present(&self.dir),
            "kinds": crate::init::KINDS.iter().map(|k| k.label()).collect::<Vec<_>>(),
            "samples": crate::init::samples(),
            "out": self.out.display().to_string(),
        })
    }

    /// 换一个县区版（None 为全市版）并重排。
    pub fn set_edition(&self, edition: Option<String>) -> Result<(), String> {
        let mut live = self.live.lock().expect("锁未中毒");
        if let Some(e) = &edition
            && !live.editions.contains(e)
        {
            return Err(format!("没有县区 “{e}”"));
        }
        live.edition = edition;
        drop(live);
        self.kick();
        Ok(())
    }

    /// 第 `page` 页（从 1 起）的 PNG。同一版面、同一页只画一次。
    pub fn page_png(&self, kind: Kind, page: usize, dpi: u32) -> Option<Arc<Vec<u8>>> {
        let (generation, index, doc) = {
            let live = self.live.lock().expect("锁未中毒");
            let index = live.docs.iter().position(|d| d.kind == kind)?;
            (live.generation, index, live.docs[index].doc.clone())
        };
        let key = (generation, index, page, dpi);
        if let Some(png) = self.pngs.lock().expect("锁未中毒").get(&key) {
            return Some(png.clone());
        }
        let png = Arc::new(crate::preview::page_png(&doc, page, dpi as f32)?);
        self.pngs.lock().expect("锁未中毒").insert(key, png.clone());
        Some(png)
    }
}

struct Laid {
    docs: Vec<LiveDoc>,
    issues: Vec<Issue>,
    editions: Vec<String>,
    edition: Option<String>,
}

/// 不做某个请求的原因。
#[derive(Debug)]
pub enum Refusal {
    /// 请求本身不对（400）。
    Bad(String),
    /// 文件在别处被改过（409）。
    Conflict(String),
}

/// 绑定好、还没开始服务的工作台：命令先印出地址，再调 [`Started::run`]。
pub struct Started {
    pub url: String,
    listener: std::net::TcpListener,
    wb: Arc<Workbench>,
    kicks: mpsc::Receiver<()>,
    watched: Vec<PathBuf>,
}

/// 只绑定 127.0.0.1（不是 0.0.0.0）：同一网络里的其他机器连不上。`port` 为 0 时由系统挑一个空闲端口。
pub fn bind(
    dir: PathBuf,
    out: PathBuf,
    port: u16,
    engine: Engine,
    options: present::Options,
    template_dir: Option<PathBuf>,
) -> anyhow::Result<Started> {
    let listener = std::net::TcpListener::bind(("127.0.0.1", port)).map_err(|e| {
        anyhow::anyhow!(
            "无法在 127.0.0.1:{port} 上开始服务：{}",
            crate::base::diag::os_error(&e)
        )
    })?;
    let port = listener.local_addr()?.port();
    let mut watched = vec![dir.clone()];
    watched.extend(template_dir);
    let (wb, kicks) = Workbench::new(dir, out, port, engine, options)?;
    let url = format!("http://127.0.0.1:{port}/?token={}", wb.token);
    Ok(Started {
        url,
        listener,
        wb,
        kicks,
        watched,
    })
}

impl Started {
    /// 先排一次，之后文件一改就重排；一直服务到进程结束。
    pub fn run(self) -> anyhow::Result<()> {
        let Started {
            listener,
            wb,
            kicks,
            watched,
            ..
        } = self;
        let mut changes = crate::changes::Changes::new(watched, &wb.out)?;
        let rebuilder = wb.clone();
        std::thread::spawn(move || rebuilder.rebuild_loop(kicks));
        wb.kick();
        let watcher = wb.clone();
        std::thread::spawn(move || {
            loop {
                match changes.wait() {
                    crate::changes::Next::Changed(_) => watcher.kick(),
                    crate::changes::Next::Replaced { rebuild, .. } => {
                        if rebuild {
                            watcher.kick();
                        }
                    }
                    crate::changes::Next::Closed => break,
                }
            }
        });
        http::serve(wb, listener)
    }
}
