//! 页面发来的文件路径：只许根目录（数据目录或输出目录）之内、不经过符号链接的相对路径。
//! 比 `base::sandbox` 更严：那里读数据时跟随目录内的链接；这里既读又写，写过链接会改到别处，一律拒绝。

use std::path::{Component, Path, PathBuf};

/// 为什么不许用这个路径（中文说明，直接给页面）。
pub fn confine(root: &Path, rel: &str) -> Result<PathBuf, String> {
    let p = Path::new(rel);
    if rel.is_empty() || rel.contains('\\') || rel.contains('\0') {
        return Err(format!("路径 “{rel}” 无效"));
    }
    if p.is_absolute()
        || p.components()
            .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Err(format!(
            "路径 “{rel}” 用了 .. 或绝对路径，越出了所在目录，不予处理"
        ));
    }
    if let Some(why) = crate::base::text::hidden_char_message(rel) {
        return Err(format!("路径 “{rel}” 的文件名{why}"));
    }
    let mut at = root.to_path_buf();
    for c in p.components() {
        if let Component::Normal(part) = c {
            at.push(part);
            if at
                .symlink_metadata()
                .is_ok_and(|m| m.file_type().is_symlink())
            {
                return Err(format!("路径 “{rel}” 经过符号链接，不予处理"));
            }
        }
    }
    Ok(at)
}

/// 百分号编码的 URL 路径段还原成文字（文件名里常有汉字）。
pub fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = s.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// 查询串中某个参数的值（已还原）。
pub fn query_param(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (k == name).then(|| percent_decode(v)).flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_escapes_and_links() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.toml"), "x").unwrap();
        assert!(confine(dir.path(), "a.toml").is_ok());
        assert!(confine(dir.path(), "../a.toml").is_err());
        assert!(confine(dir.path(), "/etc/passwd").is_err());
        assert!(confine(dir.path(), "").is_err());
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("a.toml", dir.path().join("l.toml")).unwrap();
            assert!(confine(dir.path(), "l.toml").is_err());
        }
    }

    #[test]
    fn decodes_chinese_names() {
        assert_eq!(
            percent_decode("%E6%B0%B8%E5%9F%8E%E5%B8%82").as_deref(),
            Some("永城市")
        );
        assert_eq!(
            query_param("/x?token=ab&county=%E6%B0", "county"),
            None,
            "不完整的 UTF-8 不还原"
        );
        assert_eq!(
            query_param("/x?token=ab&c=1", "token").as_deref(),
            Some("ab")
        );
    }
}
