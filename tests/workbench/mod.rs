//! `jianbao serve` 的测试共用：在示例数据的副本上启动工作台，用最朴素的 HTTP 请求与它说话
//! （自己写请求行和头，才能发出伪造的 Host、Origin）。

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// 一个运行中的工作台（测试结束时结束它）。
pub struct Workbench {
    child: Child,
    pub port: u16,
    pub token: String,
    pub url: String,
    dir: PathBuf,
    pub data: tempfile::TempDir,
    pub out: tempfile::TempDir,
}

/// 把目录（含子目录）复制过去。
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

impl Workbench {
    /// 在示例数据（商丘）的副本上启动，等第一次排版完成。
    pub fn start() -> Self {
        let data = tempfile::tempdir().unwrap();
        copy_dir(&root().join("data/shangqiu-2023"), data.path());
        let wb = Self::launch(data, None);
        wb.wait_for("第一次排版完成", Duration::from_secs(60), |s| {
            s["generation"].as_u64().unwrap_or(0) >= 1
        });
        wb
    }

    /// 在 `data` 下一个还不存在的子目录 `sub` 上启动（从无到有），等第一次检查完成。
    pub fn start_empty(data: tempfile::TempDir, sub: &str) -> Self {
        let wb = Self::launch(data, Some(sub));
        wb.wait_for("第一次检查完成", Duration::from_secs(60), |s| {
            !s["message"].as_str().unwrap_or("").is_empty()
        });
        wb
    }

    fn launch(data: tempfile::TempDir, sub: Option<&str>) -> Self {
        let dir = match sub {
            Some(s) => data.path().join(s),
            None => data.path().to_owned(),
        };
        let out = tempfile::tempdir().unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_jianbao"))
            .args(["serve", dir.to_str().unwrap(), "--out"])
            .arg(out.path())
            .current_dir(root())
            .env_remove("JIANBAO_FONTS")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("能运行 jianbao serve");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(at) = line.find("http://127.0.0.1:") {
                    let _ = tx.send(line[at..].trim().to_owned());
                }
            }
        });
        let url = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("jianbao serve 应在终端印出 http://127.0.0.1:端口/?token=… 的地址");
        let rest = url.trim_start_matches("http://127.0.0.1:");
        let port: u16 = rest.split('/').next().unwrap().parse().unwrap();
        let token = url.split("token=").nth(1).unwrap().to_owned();
        Self {
            child,
            port,
            token,
            url,
            dir,
            data,
            out,
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// 当前状态（带令牌的 GET /api/state）。
    pub fn state(&self) -> serde_json::Value {
        let r = self.get(&format!("/api/state?token={}", self.token), &[]);
        assert_eq!(r.status, 200, "{}", r.text());
        serde_json::from_slice(&r.body).unwrap()
    }

    /// 等状态满足条件；超时则测试失败。
    pub fn wait_for(
        &self,
        what: &str,
        limit: Duration,
        cond: impl Fn(&serde_json::Value) -> bool,
    ) -> serde_json::Value {
        let start = Instant::now();
        loop {
            let s = self.state();
            if cond(&s) {
                return s;
            }
            assert!(start.elapsed() < limit, "等了 {limit:?} 仍未{what}：{s}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// 带正确 Host 的请求；`headers` 可以另加或覆盖。
    pub fn get(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        self.request("GET", path, headers, b"")
    }

    pub fn post(&self, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
        self.request("POST", path, headers, body)
    }

    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Reply {
        let host = format!("127.0.0.1:{}", self.port);
        let mut head = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
        if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("Host")) {
            head.push_str(&format!("Host: {host}\r\n"));
        }
        if !headers.iter().any(|(k, _)| {
            k.eq_ignore_ascii_case("Content-Length") || k.eq_ignore_ascii_case("Transfer-Encoding")
        }) {
            head.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        s.write_all(head.as_bytes()).unwrap();
        // 服务可能不读完超长的请求体就答复并关掉连接：写不进去不算错，看它的答复。
        let _ = s.write_all(body);
        let mut raw = Vec::new();
        let _ = s.read_to_end(&mut raw);
        Reply::parse(&raw)
    }
}

impl Drop for Workbench {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// 一个 HTTP 答复。
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    fn parse(raw: &[u8]) -> Self {
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or_else(|| panic!("答复不完整：{}", String::from_utf8_lossy(raw)));
        let head = String::from_utf8_lossy(&raw[..split]).into_owned();
        let mut lines = head.lines();
        let status = lines
            .next()
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|c| c.parse().ok())
            .unwrap();
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        let mut body = raw[split + 4..].to_vec();
        if headers
            .iter()
            .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"))
        {
            body = dechunk(&body);
        }
        Self {
            status,
            headers,
            body,
        }
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|_| panic!("不是 JSON：{}", self.text()))
    }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(end) = b.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size = usize::from_str_radix(
            String::from_utf8_lossy(&b[..end])
                .split(';')
                .next()
                .unwrap()
                .trim(),
            16,
        )
        .unwrap_or(0);
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&b[end + 2..end + 2 + size]);
        b = &b[end + 2 + size + 2..];
    }
}
