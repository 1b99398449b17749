//! `jianbao serve` 的安全：只在本机、只认自己的 Host 和 Origin、没有令牌什么都读不到也改不了、
//! 页面给的路径出不了数据目录和输出目录、超大的请求体被拒绝。都用朴素的 HTTP 请求验证。

mod workbench;

use workbench::Workbench;

fn edit_body(wb: &Workbench, file: &str, version: &str, text: &str) -> Vec<u8> {
    let _ = wb;
    serde_json::json!({
        "file": file, "version": version,
        "path": ["indicators", 0, "growth"], "kind": "number", "text": text,
    })
    .to_string()
    .into_bytes()
}

fn version(wb: &Workbench, file: &str) -> String {
    let r = wb.get(&format!("/api/form?file={file}&token={}", wb.token), &[]);
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()["version"].as_str().unwrap().to_owned()
}

#[test]
fn without_the_token_nothing_is_read_or_changed() {
    let wb = Workbench::start();
    let indicators = wb.dir().join("indicators.toml");
    let before = std::fs::read(&indicators).unwrap();
    for path in [
        "/",
        "/api/state",
        "/api/forms",
        "/api/form?file=indicators.toml",
        "/api/page?doc=summary&n=1",
        "/api/events",
        "/api/state?token=0000",
    ] {
        let r = wb.get(path, &[]);
        assert_eq!(r.status, 401, "{path} 没有令牌也答复了：{}", r.text());
        assert!(r.text().contains("令牌"), "{}", r.text());
        assert!(!r.text().contains("商丘"), "没有令牌不应读到数据");
    }
    let v = version(&wb, "indicators.toml");
    let r = wb.post(
        "/api/edit",
        &[("Content-Type", "application/json")],
        &edit_body(&wb, "indicators.toml", &v, "9.9"),
    );
    assert_eq!(r.status, 401);
    let r = wb.post("/api/undo", &[], b"{}");
    assert_eq!(r.status, 401);
    let r = wb.post("/api/jobs", &[], br#"{"what":"batch"}"#);
    assert_eq!(r.status, 401);
    assert_eq!(
        std::fs::read(&indicators).unwrap(),
        before,
        "文件不应被改动"
    );
    assert!(
        std::fs::read_dir(wb.out.path()).unwrap().next().is_none(),
        "没有令牌不应排出任何东西"
    );
    // 有令牌（头或查询参数）就行：证明上面的 401 确实是因为缺令牌。
    let token = wb.token.clone();
    let r = wb.post(
        "/api/edit",
        &[("X-Jianbao-Token", &token)],
        &edit_body(&wb, "indicators.toml", &v, "9.9"),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(
        std::fs::read_to_string(&indicators)
            .unwrap()
            .contains("growth = 9.9")
    );
}

#[test]
fn a_foreign_host_or_origin_is_refused() {
    let wb = Workbench::start();
    let token = wb.token.clone();
    let state = format!("/api/state?token={token}");
    // DNS 重绑定：攻击者的域名解析到 127.0.0.1，浏览器发来的 Host 是那个域名。
    let port = wb.port.to_string();
    for host in [
        format!("evil.example:{port}"),
        "evil.example".into(),
        format!("127.0.0.1:{}", wb.port + 1),
        format!("127.0.0.1.evil.example:{port}"),
    ] {
        let r = wb.get(&state, &[("Host", &host)]);
        assert_eq!(r.status, 403, "Host {host} 应被拒绝：{}", r.text());
        assert!(r.text().contains("DNS 重绑定"), "{}", r.text());
    }
    let ok_host = format!("localhost:{port}");
    assert_eq!(wb.get(&state, &[("Host", &ok_host)]).status, 200);
    // 别的网站的页面（带着偷来的令牌也不行）。
    let indicators = wb.dir().join("indicators.toml");
    let before = std::fs::read(&indicators).unwrap();
    let v = version(&wb, "indicators.toml");
    for origin in ["http://evil.example", "null", "http://127.0.0.1:1"] {
        let r = wb.get(&state, &[("Origin", origin)]);
        assert_eq!(r.status, 403, "Origin {origin} 应被拒绝");
        let r = wb.post(
            "/api/edit",
            &[("Origin", origin), ("X-Jianbao-Token", &token)],
            &edit_body(&wb, "indicators.toml", &v, "7.7"),
        );
        assert_eq!(r.status, 403, "Origin {origin} 的修改应被拒绝");
    }
    assert_eq!(std::fs::read(&indicators).unwrap(), before);
    let own = format!("http://127.0.0.1:{port}");
    assert_eq!(wb.get(&state, &[("Origin", &own)]).status, 200);
}

#[test]
fn paths_cannot_leave_the_data_or_output_folder() {
    let wb = Workbench::start();
    let token = wb.token.clone();
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.toml");
    std::fs::write(
        &secret,
        "[[indicators]]\nid = \"secret\"\nname = \"机密\"\n",
    )
    .unwrap();
    let secret_rel = format!("../../../../../../../..{}", secret.to_str().unwrap());
    for file in [
        "../meta.toml",
        "counties/../../meta.toml",
        secret.to_str().unwrap(),
        secret_rel.as_str(),
        "/etc/passwd",
    ] {
        let enc: String = file.bytes().map(|b| format!("%{b:02X}")).collect();
        let r = wb.get(&format!("/api/form?file={enc}&token={token}"), &[]);
        assert_eq!(r.status, 400, "{file} 应被拒绝：{}", r.text());
        assert!(!r.text().contains("机密") && !r.text().contains("root:"));
        let body = serde_json::json!({
            "file": file, "version": "x", "path": ["indicators", 0, "name"], "kind": "string", "text": "改",
        });
        let r = wb.post(
            "/api/edit",
            &[("X-Jianbao-Token", &token)],
            body.to_string().as_bytes(),
        );
        assert_eq!(r.status, 400, "{file} 的修改应被拒绝：{}", r.text());
    }
    assert!(std::fs::read_to_string(&secret).unwrap().contains("机密"));
    // 数据目录中换成指向外面的符号链接的文件：不读也不写。
    #[cfg(unix)]
    {
        let tasks = wb.dir().join("tasks.toml");
        std::fs::remove_file(&tasks).unwrap();
        std::os::unix::fs::symlink(&secret, &tasks).unwrap();
        let r = wb.get(&format!("/api/form?file=tasks.toml&token={token}"), &[]);
        assert_eq!(r.status, 400, "{}", r.text());
        assert!(r.text().contains("符号链接"), "{}", r.text());
        assert!(!r.text().contains("机密"));
        let body = serde_json::json!({
            "file": "tasks.toml", "version": "x", "path": ["indicators", 0, "name"], "kind": "string", "text": "改",
        });
        let r = wb.post(
            "/api/edit",
            &[("X-Jianbao-Token", &token)],
            body.to_string().as_bytes(),
        );
        assert_eq!(r.status, 400);
        assert!(std::fs::read_to_string(&secret).unwrap().contains("机密"));
    }
    // 下载：输出目录之外的文件、经过链接的文件都不给。
    std::fs::write(wb.out.path().join("a.pdf"), b"%PDF-1.7 test").unwrap();
    let r = wb.get(&format!("/api/out/a.pdf?token={token}"), &[]);
    assert_eq!(r.status, 200, "输出目录中的 PDF 应能下载");
    for path in ["../x.pdf", "%2e%2e/%2e%2e/etc/passwd", "%2Fetc%2Fpasswd"] {
        let r = wb.get(&format!("/api/out/{path}?token={token}"), &[]);
        assert!(
            r.status == 403 || r.status == 400,
            "{path}：{} {}",
            r.status,
            r.text()
        );
    }
    #[cfg(unix)]
    {
        std::fs::write(outside.path().join("b.pdf"), b"%PDF secret").unwrap();
        std::os::unix::fs::symlink(outside.path().join("b.pdf"), wb.out.path().join("b.pdf"))
            .unwrap();
        let r = wb.get(&format!("/api/out/b.pdf?token={token}"), &[]);
        assert_eq!(r.status, 403, "{}", r.text());
        assert!(!r.text().contains("secret"));
    }
}

#[test]
fn oversized_requests_are_refused() {
    let wb = Workbench::start();
    let token = wb.token.clone();
    let indicators = wb.dir().join("indicators.toml");
    let before = std::fs::read(&indicators).unwrap();
    let v = version(&wb, "indicators.toml");
    // 合法的修改，只是把文字撑到 2 MB：超过请求体上限。
    let body = edit_body(&wb, "indicators.toml", &v, &"9".repeat(2 << 20));
    let r = wb.post("/api/edit", &[("X-Jianbao-Token", &token)], &body);
    assert_eq!(r.status, 413, "{}", r.text());
    assert!(r.text().contains("太大"));
    assert_eq!(std::fs::read(&indicators).unwrap(), before);
    // 上传县区表格：超过 10 MB 不收，县区表格不被替换。
    let xlsx = wb.dir().join("counties.xlsx");
    let table = std::fs::read(&xlsx).unwrap();
    let big = vec![b'x'; (10 << 20) + 1];
    let r = wb.post(
        "/api/counties/upload?name=counties.xlsx",
        &[("X-Jianbao-Token", &token)],
        &big,
    );
    assert_eq!(r.status, 413, "{}", r.text());
    assert_eq!(std::fs::read(&xlsx).unwrap(), table);
    // 不声明长度（分块传输）也一样：读到上限就停。
    let r = wb.request(
        "POST",
        "/api/counties/upload?name=counties.xlsx",
        &[
            ("X-Jianbao-Token", &token),
            ("Transfer-Encoding", "chunked"),
        ],
        &chunked(&big),
    );
    assert!(
        r.status == 413 || r.status == 400,
        "{} {}",
        r.status,
        r.text()
    );
    assert_eq!(std::fs::read(&xlsx).unwrap(), table);
}

fn chunked(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for part in body.chunks(1 << 16) {
        out.extend_from_slice(format!("{:x}\r\n", part.len()).as_bytes());
        out.extend_from_slice(part);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"0\r\n\r\n");
    out
}

/// 服务只监听 127.0.0.1：从系统的监听表（/proc/net/tcp）核对，而不只是信它印出的地址。
#[cfg(target_os = "linux")]
#[test]
fn the_server_listens_on_loopback_only() {
    let wb = Workbench::start();
    let port = format!("{:04X}", wb.port);
    let mut listening = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let text = std::fs::read_to_string(table).unwrap_or_default();
        for line in text.lines().skip(1) {
            let cols: Vec<&str> = line.split_whitespace().collect();
            // local_address 形如 0100007F:1F41；状态 0A 为 LISTEN。
            if cols.len() > 3 && cols[3] == "0A" && cols[1].ends_with(&format!(":{port}")) {
                listening.push(cols[1].to_owned());
            }
        }
    }
    assert!(!listening.is_empty(), "找不到端口 {} 的监听", wb.port);
    for addr in &listening {
        assert!(
            addr.starts_with("0100007F:"),
            "端口 {} 在 {addr} 上监听，不只是 127.0.0.1",
            wb.port
        );
    }
}
