//! 数据文件的 JSON Schema：编辑器（如 VS Code 的 Even Better TOML）据此补全字段、即时标出错误。

use schemars::schema_for;
use serde_json::Value;

use crate::model::achievements::AchievementsFile;
use crate::model::counties::{CountiesFile, CountyFile};
use crate::model::indicators::IndicatorsFile;
use crate::model::meta::MetaFile;
use crate::model::sections::SectionsFile;
use crate::model::tasks::TasksFile;

/// (名称, 对应的数据文件, Schema)。名称也是 `schema/<名称>.schema.json` 的文件名。
pub fn all() -> Vec<(&'static str, &'static str, Value)> {
    let json = |s: schemars::Schema| serde_json::to_value(s).expect("schema 总能序列化");
    vec![
        ("meta", "meta.toml", json(schema_for!(MetaFile))),
        (
            "indicators",
            "indicators.toml",
            json(schema_for!(IndicatorsFile)),
        ),
        ("sections", "sections.toml", json(schema_for!(SectionsFile))),
        ("tasks", "tasks.toml", json(schema_for!(TasksFile))),
        (
            "achievements",
            "achievements.toml",
            json(schema_for!(AchievementsFile)),
        ),
        ("counties", "counties.toml", json(schema_for!(CountiesFile))),
        (
            "county",
            "counties/<县区>.toml",
            json(schema_for!(CountyFile)),
        ),
    ]
}

/// 写出的文本：缩进两格，末尾换行，便于纳入版本管理。
pub fn render(schema: &Value) -> String {
    serde_json::to_string_pretty(schema).expect("schema 总能序列化") + "\n"
}
