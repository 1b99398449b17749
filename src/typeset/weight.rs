//! 数据有多大：排版超时或超页时先说数据。一万章、两万行的表格比模板里失控的循环常见得多，
//! 报错却只怪模板，用户会去翻模板而不是精简数据。

use serde_json::Value;

/// 超过这些量，先说数据多：一份简报通常几十页，几章、每个表格几十行。
const MANY_CHAPTERS: usize = 50;
const MANY_ROWS: usize = 300;
const MANY_ITEMS: usize = 300;

/// 数据量的说明，如“数据有 10000 章、最大的表格 20000 行”；数据不多时为 None。
/// `json` 是交给模板的视图（`present::view::View` 的 JSON）。
pub fn describe(json: &[u8]) -> Option<String> {
    let view: Value = serde_json::from_slice(json).ok()?;
    let chapters = view["outline"].as_array().map_or(0, Vec::len);
    let blocks = || {
        view["outline"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|c| c["blocks"].as_array().into_iter().flatten())
    };
    let rows = blocks()
        .filter(|b| b["type"] == "table")
        .map(|b| b["rows"].as_array().map_or(0, Vec::len))
        .max()
        .unwrap_or(0);
    let items: usize = blocks()
        .filter(|b| b["type"] == "tasks")
        .flat_map(|b| b["tasks"].as_array().into_iter().flatten())
        .map(|t| t["items"].as_array().map_or(0, Vec::len))
        .sum();
    if chapters <= MANY_CHAPTERS && rows <= MANY_ROWS && items <= MANY_ITEMS {
        return None;
    }
    let mut parts = vec![format!("{chapters} 章")];
    if rows > 0 {
        parts.push(format!("最大的表格 {rows} 行"));
    }
    if items > 0 {
        parts.push(format!("任务要点 {items} 条"));
    }
    Some(format!("数据有 {}", parts.join("、")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_data_is_described_small_data_is_not() {
        let chapter = r#"{"title":"一","blocks":[{"type":"table","rows":[[],[]]}]}"#;
        let small = format!(r#"{{"outline":[{chapter}]}}"#);
        assert_eq!(describe(small.as_bytes()), None);
        let many = vec![chapter; 60].join(",");
        let big = format!(r#"{{"outline":[{many}]}}"#);
        assert_eq!(
            describe(big.as_bytes()).as_deref(),
            Some("数据有 60 章、最大的表格 2 行")
        );
    }
}
