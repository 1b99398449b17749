//! 路由与应答。每个请求先过三道关（Host、Origin、令牌，见 `auth`），再读请求体（有上限），再按路径分派。
//! 页面本身（HTML、JS、CSS）编进程序里，不连外网；`/api/` 下的一切都要令牌。
//!
//! 连接由 hyper（HTTP/1.1）在一个单线程的 tokio 运行时上收发；分派和排版在 tokio 的阻塞线程池里做，
//! 所以这里的处理函数都是普通的同步代码。事件流（SSE）的每条事件一到就发出。

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use http_body_util::BodyExt;
use hyper::body::{Bytes, Frame, Incoming};
use hyper::{Method, Request, Response, StatusCode};
use serde_json::{Value as Json, json};

use super::{MAX_JSON, PAGE_DPI, Refusal, Workbench, auth, counties, forms, jobs, paths};
use crate::typeset::Kind;

const INDEX: &str = include_str!("assets/index.html");
const APP_JS: &str = include_str!("assets/app.js");
const APP_CSS: &str = include_str!("assets/app.css");

/// 被拒绝的超大请求体最多读掉这么多再关连接（读完再关，浏览器才能收到 413 的说明，而不是“连接被重置”）。
const DRAIN_LIMIT: usize = 256 << 20;

/// 接连接、收请求，直到进程结束。
pub fn serve(wb: Arc<Workbench>, listener: std::net::TcpListener) -> anyhow::Result<()> {
    listener.set_nonblocking(true)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .map_err(|e| anyhow::anyhow!("无法启动网络服务：{e}"))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        loop {
            let (stream, _) = match listener.accept().await {
                Ok(c) => c,
                // 一时接不了（如文件描述符用尽）：不结束服务，接着等下一个。
                Err(_) => continue,
            };
            let wb = wb.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |req| answer(wb.clone(), req));
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
            });
        }
    })
}

/// 交给分派函数的请求：方法、带查询串的路径、头、读好的请求体。
pub struct Req {
    pub method: Method,
    pub url: String,
    headers: hyper::HeaderMap,
    pub body: Vec<u8>,
}

impl Req {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// 应答的内容：一次给完的字节，或事件流。
enum Payload {
    Bytes(Vec<u8>),
    Events(std::sync::mpsc::Receiver<String>, String),
}

pub struct Reply {
    status: u16,
    headers: Vec<(&'static str, String)>,
    payload: Payload,
}

impl Reply {
    fn with_header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.push((name, value.to_owned()));
        self
    }
}

async fn answer(wb: Arc<Workbench>, req: Request<Incoming>) -> Result<Response<Out>, Infallible> {
    let (parts, body) = req.into_parts();
    let url = parts
        .uri
        .path_and_query()
        .map_or("/".to_owned(), |p| p.as_str().to_owned());
    let mut r = Req {
        method: parts.method,
        url,
        headers: parts.headers,
        body: Vec::new(),
    };
    // 先过三道关，再读请求体：没有令牌的上传一个字节也不收。
    let reply = match gate(&wb, &r) {
        Some(refused) => {
            drain(body);
            refused
        }
        None => {
            let limit = if r.url.starts_with("/api/counties/upload") {
                jobs::MAX_UPLOAD
            } else {
                MAX_JSON
            };
            match read_body(body, limit, r.header("content-length")).await {
                Ok(bytes) => {
                    r.body = bytes;
                    let wb = wb.clone();
                    tokio::task::spawn_blocking(move || route(&wb, r))
                        .await
                        .unwrap_or_else(|_| text(500, "处理请求时出错"))
                }
                Err(reply) => reply,
            }
        }
    };
    Ok(to_response(reply))
}

/// 读请求体，超过上限即 413（声明的长度超了就不读；分块传来的读到上限为止）。
async fn read_body(body: Incoming, limit: usize, declared: Option<&str>) -> Result<Vec<u8>, Reply> {
    let too_big = || {
        json_reply(
            413,
            &json!({ "error": format!("内容太大：上限 {} KB", limit / 1024) }),
        )
    };
    if declared
        .and_then(|n| n.parse::<usize>().ok())
        .is_some_and(|n| n > limit)
    {
        drain(body);
        return Err(too_big());
    }
    let mut body = body;
    let mut buf = Vec::new();
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else {
            return Err(json_reply(400, &json!({ "error": "读取请求失败" })));
        };
        if let Some(data) = frame.data_ref() {
            buf.extend_from_slice(data);
            if buf.len() > limit {
                drain(body);
                return Err(too_big());
            }
        }
    }
    Ok(buf)
}

/// 不要的请求体在后台读掉（有上限）：答复照常发出，连接读完再关。
fn drain(mut body: Incoming) {
    tokio::spawn(async move {
        let mut seen = 0usize;
        while let Some(Ok(frame)) = body.frame().await {
            seen += frame.data_ref().map_or(0, |d| d.len());
            if seen > DRAIN_LIMIT {
                break;
            }
        }
    });
}

/// 应答的身体：一次给完的字节，或一条条事件。
pub enum Out {
    Bytes(Option<Bytes>),
    Events(tokio::sync::mpsc::UnboundedReceiver<Bytes>),
}

impl hyper::body::Body for Out {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        match self.get_mut() {
            Out::Bytes(b) => Poll::Ready(b.take().map(|b| Ok(Frame::data(b)))),
            Out::Events(rx) => rx.poll_recv(cx).map(|e| e.map(|b| Ok(Frame::data(b)))),
        }
    }
}

fn to_response(reply: Reply) -> Response<Out> {
    let body = match reply.payload {
        Payload::Bytes(b) => Out::Bytes(Some(Bytes::from(b))),
        Payload::Events(rx, first) => {
            // 事件来自同步代码的通道：一个阻塞线程转发过来；每 15 秒一行注释保持连接。
            // 页面关掉后转发失败，线程随即结束。
            let (tx, out) = tokio::sync::mpsc::unbounded_channel();
            let _ = tx.send(Bytes::from(first));
            std::thread::spawn(move || {
                loop {
                    let chunk = match rx.recv_timeout(Duration::from_secs(15)) {
                        Ok(event) => event,
                        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => ": 保持连接\n\n".into(),
                        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return,
                    };
                    if tx.send(Bytes::from(chunk)).is_err() {
                        return;
                    }
                }
            });
            Out::Events(out)
        }
    };
    let mut resp = Response::new(body);
    *resp.status_mut() =
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    for (k, v) in reply.headers {
        if let Ok(v) = hyper::header::HeaderValue::from_str(&v) {
            resp.headers_mut().append(k, v);
        }
    }
    resp
}

/// 每个应答都带的头：不缓存（数据随时在变）、不猜类型、只许加载本站的脚本、样式、图和字体。
fn secure(content_type: &str) -> Vec<(&'static str, String)> {
    vec![
        ("Content-Type", content_type.to_owned()),
        ("Cache-Control", "no-store".into()),
        ("X-Content-Type-Options", "nosniff".into()),
        ("Referrer-Policy", "no-referrer".into()),
        ("X-Frame-Options", "DENY".into()),
        (
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' blob:; style-src 'self'; script-src 'self'; font-src 'self'; frame-ancestors 'none'".into(),
        ),
    ]
}

fn bytes(content_type: &str, body: Vec<u8>) -> Reply {
    Reply {
        status: 200,
        headers: secure(content_type),
        payload: Payload::Bytes(body),
    }
}

fn text(status: u16, body: &str) -> Reply {
    Reply {
        status,
        ..bytes("text/plain; charset=utf-8", body.as_bytes().to_vec())
    }
}

fn json_reply(status: u16, body: &Json) -> Reply {
    Reply {
        status,
        ..bytes(
            "application/json; charset=utf-8",
            body.to_string().into_bytes(),
        )
    }
}

/// 出错时的 JSON：`{"error": "中文说明"}`，冲突另带 `conflict: true`。
fn refused(r: Refusal) -> Reply {
    match r {
        Refusal::Bad(m) => json_reply(400, &json!({ "error": m })),
        Refusal::Conflict(m) => json_reply(409, &json!({ "error": m, "conflict": true })),
    }
}

/// Host、Origin 和令牌三道关；不需要令牌的只有不带数据的静态文件。返回 None 为放行。
fn gate(wb: &Workbench, req: &Req) -> Option<Reply> {
    if !auth::host_ok(req.header("host"), wb.port) {
        return Some(text(
            403,
            "拒绝：请求的 Host 不是本机工作台的地址（可能是 DNS 重绑定攻击）。请用终端里印出的地址打开。",
        ));
    }
    if !auth::origin_ok(req.header("origin"), wb.port) {
        return Some(text(403, "拒绝：请求来自别的网站（Origin 不符）。"));
    }
    let path = req.url.split('?').next().unwrap_or("");
    if req.method == Method::GET && path.starts_with("/assets/") {
        return None;
    }
    let token = req
        .header("x-jianbao-token")
        .map(str::to_owned)
        .or_else(|| paths::query_param(&req.url, "token"));
    if !auth::token_ok(token.as_deref(), &wb.token) {
        return Some(text(
            401,
            "缺少令牌或令牌不对：请用启动 jianbao serve 时终端里印出的完整地址（带 ?token=…）打开。",
        ));
    }
    None
}

fn route(wb: &Arc<Workbench>, req: Req) -> Reply {
    let url = req.url.clone();
    let path = url.split('?').next().unwrap_or("").to_owned();
    let json_body = |req: &Req| -> Result<Json, Reply> {
        serde_json::from_slice(&req.body)
            .map_err(|e| json_reply(400, &json!({ "error": format!("请求内容不对：{e}") })))
    };
    match (req.method.clone(), path.as_str()) {
        (Method::GET, "/assets/app.js") => bytes("text/javascript; charset=utf-8", APP_JS.into()),
        (Method::GET, "/assets/app.css") => bytes("text/css; charset=utf-8", APP_CSS.into()),
        (Method::GET, "/assets/ui-font") => ui_font(),
        (Method::GET, "/") => bytes("text/html; charset=utf-8", INDEX.into()),
        (Method::GET, "/api/state") => json_reply(200, &wb.state()),
        (Method::GET, "/api/events") => Reply {
            status: 200,
            headers: secure("text/event-stream; charset=utf-8"),
            payload: Payload::Events(
                wb.hub.subscribe(),
                format!("event: state\ndata: {}\n\n", wb.state()),
            ),
        },
        (Method::GET, "/api/page") => page(wb, &url),
        (Method::GET, "/api/forms") => json_reply(200, &wb.forms()),
        (Method::GET, "/api/form") => match paths::query_param(&url, "file") {
            Some(f) => match wb.form(&f) {
                Ok(mut v) => {
                    v["file"] = json!(f);
                    json_reply(200, &v)
                }
                Err(e) => json_reply(400, &json!({ "error": e })),
            },
            None => json_reply(400, &json!({ "error": "没有指明文件" })),
        },
        (Method::POST, "/api/edit") => match serde_json::from_slice::<forms::Edit>(&req.body) {
            Ok(edit) => match wb.edit(&edit) {
                Ok(v) => json_reply(200, &v),
                Err(r) => refused(r),
            },
            Err(e) => json_reply(400, &json!({ "error": format!("请求内容不对：{e}") })),
        },
        (Method::POST, "/api/validate") => match serde_json::from_slice::<forms::Edit>(&req.body) {
            Ok(edit) => match wb.validate(&edit) {
                Ok(v) => json_reply(200, &v),
                Err(r) => refused(r),
            },
            Err(e) => json_reply(400, &json!({ "error": format!("请求内容不对：{e}") })),
        },
        (Method::POST, "/api/undo") => match wb.undo() {
            Ok(v) => json_reply(200, &v),
            Err(r) => refused(r),
        },
        (Method::POST, "/api/init") => match json_body(&req) {
            Ok(v) => match wb.init(v["kind"].as_str(), v["from"].as_str()) {
                Ok(v) => json_reply(200, &v),
                Err(r) => refused(r),
            },
            Err(r) => r,
        },
        (Method::POST, "/api/edition") => match json_body(&req) {
            Ok(v) => {
                let edition = v["edition"].as_str().filter(|s| !s.is_empty());
                match wb.set_edition(edition.map(str::to_owned)) {
                    Ok(()) => json_reply(200, &json!({})),
                    Err(e) => json_reply(400, &json!({ "error": e })),
                }
            }
            Err(r) => r,
        },
        (Method::POST, "/api/jobs") => match serde_json::from_slice::<jobs::Request>(&req.body) {
            Ok(r) => match jobs::start(wb, r) {
                Ok(id) => json_reply(200, &json!({ "id": id })),
                Err(e) => json_reply(400, &json!({ "error": e })),
            },
            Err(e) => json_reply(400, &json!({ "error": format!("请求内容不对：{e}") })),
        },
        (Method::GET, "/api/counties") => match counties::grid(wb) {
            Ok(v) => json_reply(200, &v),
            Err(e) => json_reply(400, &json!({ "error": e })),
        },
        (Method::POST, "/api/counties/cell") => match json_body(&req) {
            Ok(v) => {
                let n = |k: &str| v[k].as_u64().map(|n| n as usize);
                match (v["version"].as_str(), n("row"), n("column")) {
                    (Some(version), Some(row), Some(column)) if row >= 1 => {
                        match wb.edit_cell(version, row, column, v["text"].as_str().unwrap_or("")) {
                            Ok(v) => json_reply(200, &v),
                            Err(r) => refused(r),
                        }
                    }
                    _ => json_reply(400, &json!({ "error": "请求中缺少版本、行号或列号" })),
                }
            }
            Err(r) => r,
        },
        (Method::GET, "/api/counties/template") => match counties::template(wb) {
            Ok(data) => bytes(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                data,
            )
            .with_header(
                "Content-Disposition",
                "attachment; filename=\"county-template.xlsx\"; filename*=UTF-8''%E5%8E%BF%E5%8C%BA%E8%A1%A8%E6%A0%BC%E6%A8%A1%E6%9D%BF.xlsx",
            ),
            Err(e) => text(400, &e),
        },
        (Method::POST, "/api/counties/upload") => {
            let name = paths::query_param(&url, "name").unwrap_or_default();
            match counties::replace(wb, &name, &req.body) {
                Ok(v) => json_reply(200, &v),
                Err(v) => json_reply(400, &v),
            }
        }
        (Method::GET, p) if p.starts_with("/api/jobs/") && p.ends_with("/zip") => zip(wb, p),
        (Method::GET, p) if p.starts_with("/api/out/") => download(wb, &p["/api/out/".len()..]),
        _ => text(404, "没有这个地址"),
    }
}

/// 页面的中文字体：随附的思源黑体（Noto Sans SC）。办公室电脑有微软雅黑时浏览器用不着它，
/// 没有中文字体的机器（如 CI 里的无头 Chromium）也能显示中文。字体不是数据，不要令牌，允许缓存。
fn ui_font() -> Reply {
    let font = crate::typeset::fonts::bundled_dir()
        .and_then(|d| std::fs::read(d.join("NotoSansSC_400Regular.ttf")).ok());
    match font {
        Some(data) => Reply {
            status: 200,
            headers: vec![
                ("Content-Type", "font/ttf".into()),
                ("Cache-Control", "max-age=86400".into()),
                ("X-Content-Type-Options", "nosniff".into()),
            ],
            payload: Payload::Bytes(data),
        },
        None => text(404, "没有随附字体"),
    }
}

/// `/api/page?doc=booklet&n=1`：一页的 PNG。
fn page(wb: &Workbench, url: &str) -> Reply {
    let kind = match paths::query_param(url, "doc").as_deref() {
        Some("summary") => Kind::Summary,
        _ => Kind::Booklet,
    };
    let n = paths::query_param(url, "n")
        .and_then(|n| n.parse().ok())
        .unwrap_or(1);
    let dpi = paths::query_param(url, "dpi")
        .and_then(|d| d.parse().ok())
        .filter(|d| (30..=300).contains(d))
        .unwrap_or(PAGE_DPI);
    match wb.page_png(kind, n, dpi) {
        Some(png) => bytes("image/png", png.as_ref().clone()),
        None => text(404, "没有这一页"),
    }
}

/// `/api/jobs/<号>/zip`：批量写出的全部文件和清单。
fn zip(wb: &Workbench, p: &str) -> Reply {
    let id = p
        .trim_start_matches("/api/jobs/")
        .trim_end_matches("/zip")
        .parse::<u64>();
    let Some(files) = id.ok().and_then(|id| wb.jobs.files(id)) else {
        return text(404, "没有这个任务，或任务还没结束");
    };
    match jobs::zip(&wb.out, &files) {
        Ok(data) => bytes("application/zip", data).with_header(
            "Content-Disposition",
            "attachment; filename=\"jianbao-batch.zip\"",
        ),
        Err(e) => text(500, &e),
    }
}

/// `/api/out/<相对输出目录的路径>`：下载写出的 PDF 或清单。
fn download(wb: &Workbench, rel: &str) -> Reply {
    let Some(rel) = paths::percent_decode(rel) else {
        return text(400, "路径编码不对");
    };
    let path = match paths::confine(&wb.out, &rel) {
        Ok(p) => p,
        Err(e) => return text(403, &e),
    };
    if !(rel.ends_with(".pdf") || rel.ends_with(".json")) {
        return text(403, "只能下载输出目录中的 PDF 和清单");
    }
    match std::fs::read(&path) {
        Ok(data) => {
            let kind = if rel.ends_with(".pdf") {
                "application/pdf"
            } else {
                "application/json"
            };
            bytes(kind, data)
        }
        Err(_) => text(404, "没有这个文件"),
    }
}
