//! 数据文件的 JSON Schema：编辑器（如 VS Code 的 Even Better TOML）据此补全字段、即时标出错误。

use schemars::schema_for;
use serde_json::Value;

use crate::model::counties::{CountiesFile, CountyFile};
use crate::model::indicators::IndicatorsFile;
use crate::model::meta::MetaFile;
use crate::model::outline::OutlineFile;
use crate::model::tasks::TasksFile;

/// (名称, Schema)。名称也是 `schema/<名称>.schema.json` 的文件名；county 对应 `counties/<县区>.toml`。
pub fn all() -> Vec<(&'static str, Value)> {
    let json = |s: schemars::Schema| serde_json::to_value(s).expect("schema 总能序列化");
    vec![
        ("meta", json(schema_for!(MetaFile))),
        ("indicators", json(schema_for!(IndicatorsFile))),
        ("outline", json(schema_for!(OutlineFile))),
        ("tasks", json(schema_for!(TasksFile))),
        ("counties", json(schema_for!(CountiesFile))),
        ("county", json(schema_for!(CountyFile))),
    ]
}

/// 写出的文本：缩进两格，末尾换行，便于纳入版本管理。
pub fn render(schema: &Value) -> String {
    serde_json::to_string_pretty(schema).expect("schema 总能序列化") + "\n"
}
