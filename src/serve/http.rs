//! 路由与应答。每个请求先过三道关（Host、Origin、令牌，见 `auth`），再按路径分派。
//! 页面本身（HTML、JS、CSS）编进程序里，不连外网；`/api/` 下的一切都要令牌。

use std::io::{Read, Write};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value as Json, json};
use tiny_http::{Header, Method, Request, Response, StatusCode};

use super::{MAX_JSON, PAGE_DPI, Refusal, Workbench, auth, counties, forms, jobs, paths};
use crate::typeset::Kind;

const INDEX: &str = include_str!("assets/index.html");
const APP_JS: &str = include_str!("assets/app.js");
const APP_CSS: &str = include_str!("assets/app.css");

/// 接请求，每个请求一个线程（事件流一直占着连接）。
pub fn serve(wb: Arc<Workbench>, server: tiny_http::Server) {
    for request in server.incoming_requests() {
        let wb = wb.clone();
        std::thread::spawn(move || handle(&wb, request));
    }
}

type Reply = Response<std::io::Cursor<Vec<u8>>>;

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("头部是 ASCII")
}

/// 每个应答都带的头：不缓存（数据随时在变）、不猜类型、只许加载本站的脚本和图。
fn secure(mut r: Reply) -> Reply {
    for (k, v) in [
        ("Cache-Control", "no-store"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        ("X-Frame-Options", "DENY"),
        (
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' blob:; style-src 'self'; script-src 'self'; font-src 'self'; frame-ancestors 'none'",
        ),
    ] {
        r.add_header(header(k, v));
    }
    r
}

fn text(status: u16, body: &str) -> Reply {
    secure(
        Response::from_string(body)
            .with_status_code(StatusCode(status))
            .with_header(header("Content-Type", "text/plain; charset=utf-8")),
    )
}

fn json_reply(status: u16, body: &Json) -> Reply {
    secure(
        Response::from_data(body.to_string().into_bytes())
            .with_status_code(StatusCode(status))
            .with_header(header("Content-Type", "application/json; charset=utf-8")),
    )
}

fn bytes(content_type: &str, body: Vec<u8>) -> Reply {
    secure(Response::from_data(body).with_header(header("Content-Type", content_type)))
}

/// 出错时的 JSON：`{"error": "中文说明"}`，冲突另带 `conflict: true`。
fn refused(r: Refusal) -> Reply {
    match r {
        Refusal::Bad(m) => json_reply(400, &json!({ "error": m })),
        Refusal::Conflict(m) => json_reply(409, &json!({ "error": m, "conflict": true })),
    }
}

fn get_header<'a>(req: &'a Request, name: &str) -> Option<&'a str> {
    req.headers()
        .iter()
        .find(|h| h.field.as_str().as_str().eq_ignore_ascii_case(name))
        .map(|h| h.value.as_str())
}

fn handle(wb: &Arc<Workbench>, mut req: Request) {
    let url = req.url().to_owned();
    let path = url.split('?').next().unwrap_or("").to_owned();
    if !auth::host_ok(get_header(&req, "Host"), wb.port) {
        let _ = req.respond(text(
            403,
            "拒绝：请求的 Host 不是本机工作台的地址（可能是 DNS 重绑定攻击）。请用终端里印出的地址打开。",
        ));
        return;
    }
    if !auth::origin_ok(get_header(&req, "Origin"), wb.port) {
        let _ = req.respond(text(403, "拒绝：请求来自别的网站（Origin 不符）。"));
        return;
    }
    // 不带数据的静态文件不要令牌；其余都要。
    match (req.method(), path.as_str()) {
        (Method::Get, "/assets/app.js") => {
            let _ = req.respond(bytes("text/javascript; charset=utf-8", APP_JS.into()));
            return;
        }
        (Method::Get, "/assets/app.css") => {
            let _ = req.respond(bytes("text/css; charset=utf-8", APP_CSS.into()));
            return;
        }
        (Method::Get, "/assets/ui-font") => {
            let _ = req.respond(ui_font());
            return;
        }
        (Method::Get, "/favicon.ico") => {
            let _ = req.respond(text(404, ""));
            return;
        }
        _ => {}
    }
    let token = get_header(&req, "X-Jianbao-Token")
        .map(str::to_owned)
        .or_else(|| paths::query_param(&url, "token"));
    if !auth::token_ok(token.as_deref(), &wb.token) {
        let _ = req.respond(text(
            401,
            "缺少令牌或令牌不对：请用启动 jianbao serve 时终端里印出的完整地址（带 ?token=…）打开。",
        ));
        return;
    }
    let method = req.method().clone();
    let reply = match (method, path.as_str()) {
        (Method::Get, "/") => secure(
            Response::from_string(INDEX)
                .with_header(header("Content-Type", "text/html; charset=utf-8")),
        ),
        (Method::Get, "/api/state") => json_reply(200, &wb.state()),
        (Method::Get, "/api/events") => {
            events(wb, req);
            return;
        }
        (Method::Get, "/api/page") => page(wb, &url),
        (Method::Get, "/api/forms") => json_reply(200, &wb.forms()),
        (Method::Get, "/api/form") => match paths::query_param(&url, "file") {
            Some(f) => match wb.form(&f) {
                Ok(mut v) => {
                    v["file"] = json!(f);
                    json_reply(200, &v)
                }
                Err(e) => json_reply(400, &json!({ "error": e })),
            },
            None => json_reply(400, &json!({ "error": "没有指明文件" })),
        },
        (Method::Post, "/api/edit") => match body_json::<forms::Edit>(&mut req) {
            Ok(edit) => match wb.edit(&edit) {
                Ok(v) => json_reply(200, &v),
                Err(r) => refused(r),
            },
            Err(r) => r,
        },
        (Method::Post, "/api/undo") => match wb.undo() {
            Ok(v) => json_reply(200, &v),
            Err(r) => refused(r),
        },
        (Method::Post, "/api/init") => match body_json::<Json>(&mut req) {
            Ok(v) => match wb.init(v["kind"].as_str(), v["from"].as_str()) {
                Ok(v) => json_reply(200, &v),
                Err(r) => refused(r),
            },
            Err(r) => r,
        },
        (Method::Post, "/api/edition") => match body_json::<Json>(&mut req) {
            Ok(v) => {
                let edition = v["edition"].as_str().filter(|s| !s.is_empty());
                match wb.set_edition(edition.map(str::to_owned)) {
                    Ok(()) => json_reply(200, &json!({})),
                    Err(e) => json_reply(400, &json!({ "error": e })),
                }
            }
            Err(r) => r,
        },
        (Method::Post, "/api/jobs") => match body_json::<jobs::Request>(&mut req) {
            Ok(r) => match jobs::start(wb, r) {
                Ok(id) => json_reply(200, &json!({ "id": id })),
                Err(e) => json_reply(400, &json!({ "error": e })),
            },
            Err(r) => r,
        },
        (Method::Get, "/api/counties") => match counties::grid(wb) {
            Ok(v) => json_reply(200, &v),
            Err(e) => json_reply(400, &json!({ "error": e })),
        },
        (Method::Get, "/api/counties/template") => match counties::template(wb) {
            Ok(data) => bytes(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                data,
            )
            .with_header(header(
                "Content-Disposition",
                "attachment; filename=\"county-template.xlsx\"; filename*=UTF-8''%E5%8E%BF%E5%8C%BA%E8%A1%A8%E6%A0%BC%E6%A8%A1%E6%9D%BF.xlsx",
            )),
            Err(e) => text(400, &e),
        },
        (Method::Post, "/api/counties/upload") => match body(&mut req, jobs::MAX_UPLOAD) {
            Ok(data) => {
                let name = paths::query_param(&url, "name").unwrap_or_default();
                match counties::replace(wb, &name, &data) {
                    Ok(v) => json_reply(200, &v),
                    Err(v) => json_reply(400, &v),
                }
            }
            Err(r) => r,
        },
        (Method::Get, p) if p.starts_with("/api/jobs/") && p.ends_with("/zip") => zip(wb, p),
        (Method::Get, p) if p.starts_with("/api/out/") => download(wb, &p["/api/out/".len()..]),
        _ => text(404, "没有这个地址"),
    };
    let _ = req.respond(reply);
}

/// 页面的中文字体：随附的思源黑体（Noto Sans SC）。办公室电脑有微软雅黑时浏览器用不着它，
/// 没有中文字体的机器（如 CI 里的无头 Chromium）也能显示中文。字体不是数据，不要令牌，允许缓存。
fn ui_font() -> Reply {
    let font = crate::typeset::fonts::bundled_dir()
        .and_then(|d| std::fs::read(d.join("NotoSansSC_400Regular.ttf")).ok());
    match font {
        Some(data) => Response::from_data(data)
            .with_header(header("Content-Type", "font/ttf"))
            .with_header(header("Cache-Control", "max-age=86400"))
            .with_header(header("X-Content-Type-Options", "nosniff")),
        None => text(404, "没有随附字体"),
    }
}

/// 读 JSON 请求体：先看声明的长度，读时再限一次（不声明长度的分块请求也撑不满内存）。
fn body_json<T: serde::de::DeserializeOwned>(req: &mut Request) -> Result<T, Reply> {
    let body = body(req, MAX_JSON)?;
    serde_json::from_slice(&body)
        .map_err(|e| json_reply(400, &json!({ "error": format!("请求内容不对：{e}") })))
}

pub fn body(req: &mut Request, limit: usize) -> Result<Vec<u8>, Reply> {
    let too_big = || {
        json_reply(
            413,
            &json!({ "error": format!("内容太大：上限 {} KB", limit / 1024) }),
        )
    };
    if req.body_length().is_some_and(|n| n > limit) {
        return Err(too_big());
    }
    let mut buf = Vec::new();
    req.as_reader()
        .take(limit as u64 + 1)
        .read_to_end(&mut buf)
        .map_err(|e| json_reply(400, &json!({ "error": format!("读取请求失败：{e}") })))?;
    if buf.len() > limit {
        return Err(too_big());
    }
    Ok(buf)
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

/// 事件流（Server-Sent Events）：先发一次当前状态，之后每次重排、每步付印进度都推一条；
/// 每 15 秒一行注释保持连接。tiny_http 的分块应答会攒满 8 KB 才发，这里直接写连接、逐条刷出。
fn events(wb: &Workbench, req: Request) {
    let rx = wb.hub.subscribe();
    let mut w = req.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n\
                Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n";
    let first = format!("event: state\ndata: {}\n\n", wb.state());
    if w.write_all(head.as_bytes()).is_err()
        || w.write_all(first.as_bytes()).is_err()
        || w.flush().is_err()
    {
        return;
    }
    loop {
        let chunk = match rx.recv_timeout(Duration::from_secs(15)) {
            Ok(event) => event,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => ": 保持连接\n\n".into(),
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return,
        };
        if w.write_all(chunk.as_bytes()).is_err() || w.flush().is_err() {
            return;
        }
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
        Ok(data) => bytes("application/zip", data).with_header(header(
            "Content-Disposition",
            "attachment; filename=\"jianbao-batch.zip\"",
        )),
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
