//! 谁能用工作台：只有本机上、拿着这次运行的令牌、从工作台自己的页面发来的请求。
//! - 令牌：每次启动随机生成，印在终端给出的地址里；读数据或改东西的请求都要带上。
//! - Host：只认 127.0.0.1、localhost 加本端口。别的网站借 DNS 重绑定把自己的域名指向 127.0.0.1 时，
//!   浏览器发来的 Host 仍是那个域名，据此拒绝。
//! - Origin：浏览器跨站发请求时总会带上；不是工作台自己的就拒绝。

/// 生成一个令牌：16 个随机字节的十六进制（128 位，猜不中）。
pub fn new_token() -> anyhow::Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("无法取得随机数生成令牌：{e}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// 工作台自己的地址（不带协议）：127.0.0.1:端口、localhost:端口。
fn own_hosts(port: u16) -> [String; 2] {
    [format!("127.0.0.1:{port}"), format!("localhost:{port}")]
}

/// Host 头是否是工作台自己的地址。没有 Host 头（HTTP/1.0）也拒绝：浏览器总会带上。
pub fn host_ok(host: Option<&str>, port: u16) -> bool {
    host.is_some_and(|h| {
        own_hosts(port)
            .iter()
            .any(|own| h.trim().eq_ignore_ascii_case(own))
    })
}

/// Origin 头（有时）是否是工作台自己的页面。没有 Origin 的请求（地址栏、img、同源 GET）照常处理，
/// 它们仍要过 Host 与令牌两关。
pub fn origin_ok(origin: Option<&str>, port: u16) -> bool {
    match origin {
        None => true,
        Some(o) => own_hosts(port)
            .iter()
            .any(|own| o.trim().eq_ignore_ascii_case(&format!("http://{own}"))),
    }
}

/// 令牌比较用固定时间：不因为前几个字符对了就多花时间，免得被一位一位试出来。
pub fn token_ok(given: Option<&str>, token: &str) -> bool {
    let Some(given) = given else {
        return false;
    };
    let (a, b) = (given.as_bytes(), token.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_own_host_and_origin() {
        assert!(host_ok(Some("127.0.0.1:8080"), 8080));
        assert!(host_ok(Some("localhost:8080"), 8080));
        assert!(!host_ok(Some("evil.example:8080"), 8080));
        assert!(!host_ok(Some("127.0.0.1:9090"), 8080));
        assert!(!host_ok(None, 8080));
        assert!(origin_ok(None, 8080));
        assert!(origin_ok(Some("http://127.0.0.1:8080"), 8080));
        assert!(!origin_ok(Some("http://evil.example"), 8080));
        assert!(!origin_ok(Some("null"), 8080));
    }

    #[test]
    fn tokens_are_random_and_compared_whole() {
        let a = new_token().unwrap();
        let b = new_token().unwrap();
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
        assert!(token_ok(Some(&a), &a));
        assert!(!token_ok(Some(&a[..31]), &a));
        assert!(!token_ok(Some(&b), &a));
        assert!(!token_ok(None, &a));
    }
}
