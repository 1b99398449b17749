//! 工作台的付印：选项与命令行一一对应、写错的选项在开始前就说清楚；进度经事件流（SSE）逐份推来，
//! 编号份数、拼版的文件写进输出目录。用朴素的 HTTP 请求验证（浏览器里的批量见 serve_browser.rs）。

mod workbench;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use workbench::Workbench;

/// 打开事件流，返回逐行读取的读者。
fn events(wb: &Workbench) -> BufReader<TcpStream> {
    let mut s = TcpStream::connect(("127.0.0.1", wb.port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    write!(
        s,
        "GET /api/events?token={} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n",
        wb.token, wb.port
    )
    .unwrap();
    let mut r = BufReader::new(s);
    let mut line = String::new();
    r.read_line(&mut line).unwrap();
    assert!(line.starts_with("HTTP/1.1 200"), "{line}");
    r
}

/// 读事件直到任务 `id` 结束，返回它的进度事件和结束事件。
fn job_events(
    r: &mut BufReader<TcpStream>,
    id: u64,
) -> (Vec<serde_json::Value>, serde_json::Value) {
    let start = Instant::now();
    let mut steps = Vec::new();
    let mut event = String::new();
    loop {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "两分钟内任务没有结束"
        );
        let mut line = String::new();
        r.read_line(&mut line).unwrap();
        let line = line.trim_end();
        if let Some(name) = line.strip_prefix("event: ") {
            event = name.to_owned();
        } else if let Some(data) = line.strip_prefix("data: ")
            && event == "job"
        {
            let v: serde_json::Value = serde_json::from_str(data).unwrap();
            if v["id"] != id {
                continue;
            }
            if v["done"] == true {
                return (steps, v);
            }
            steps.push(v);
        }
    }
}

fn start_job(wb: &Workbench, body: serde_json::Value) -> (u16, serde_json::Value) {
    let token = wb.token.clone();
    let r = wb.post(
        "/api/jobs",
        &[("X-Jianbao-Token", &token)],
        body.to_string().as_bytes(),
    );
    (r.status, r.json())
}

#[test]
fn numbered_copies_and_imposition_report_progress_and_write_their_files() {
    let wb = Workbench::start();
    let mut stream = events(&wb);
    let (status, v) = start_job(
        &wb,
        serde_json::json!({ "what": "build", "copies": 3, "only": "summary", "draft": "征求意见稿" }),
    );
    assert_eq!(status, 200, "{v}");
    let (steps, done) = job_events(&mut stream, v["id"].as_u64().unwrap());
    assert_eq!(done["ok"], true, "{done}");
    // 两个线程同时排，完成数的事件先后可能交错：排序后应正好是 1、2、3。
    let mut ns: Vec<u64> = steps.iter().map(|s| s["n"].as_u64().unwrap()).collect();
    ns.sort();
    assert_eq!(ns, vec![1, 2, 3], "每份一条进度：{steps:?}");
    assert!(steps.iter().all(|s| s["total"] == 3));
    for n in 1..=3 {
        let name = format!("商丘市-一页纸-{n:06}.pdf");
        let path = wb.out.path().join(&name);
        assert!(path.is_file(), "缺 {name}");
        assert!(
            done["files"].as_array().unwrap().iter().any(|f| f == &name),
            "{done}"
        );
        // 下载写出的 PDF。
        let r = wb.get(
            &format!("/api/out/{}?token={}", encode(&name), wb.token),
            &[],
        );
        assert_eq!(r.status, 200);
        assert_eq!(r.body, std::fs::read(&path).unwrap());
    }

    let (status, v) = start_job(
        &wb,
        serde_json::json!({ "what": "build", "only": "booklet", "impose": true }),
    );
    assert_eq!(status, 200, "{v}");
    let (_, done) = job_events(&mut stream, v["id"].as_u64().unwrap());
    assert_eq!(done["ok"], true, "{done}");
    assert!(
        wb.out.path().join("商丘市-简报手册-拼版.pdf").is_file(),
        "{done}"
    );
    assert!(
        !wb.out.path().join(".jianbao.lock").exists(),
        "任务结束后输出目录解锁"
    );
}

#[test]
fn wrong_print_options_are_refused_before_anything_is_written() {
    let wb = Workbench::start();
    for (body, says) in [
        (
            serde_json::json!({ "what": "build", "paper": "a3" }),
            "纸张",
        ),
        (
            serde_json::json!({ "what": "build", "bleed": 30.0 }),
            "出血",
        ),
        (
            serde_json::json!({ "what": "build", "pdf_standard": "a-9" }),
            "PDF 标准",
        ),
        (
            serde_json::json!({ "what": "build", "copies": 1_000_000 }),
            "份数",
        ),
        (serde_json::json!({ "what": "batch", "copies": 2 }), "批量"),
        (
            serde_json::json!({ "what": "print-everything" }),
            "不认识的任务",
        ),
    ] {
        let (status, v) = start_job(&wb, body.clone());
        assert_eq!(status, 400, "{body} 应被拒绝：{v}");
        assert!(v["error"].as_str().unwrap().contains(says), "{body}：{v}");
    }
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        std::fs::read_dir(wb.out.path()).unwrap().next().is_none(),
        "被拒绝的任务不应写出任何东西"
    );
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'-' || b == b'.' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
