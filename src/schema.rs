//! 数据文件的 JSON Schema：编辑器（如 VS Code 的 Even Better TOML）据此补全字段、即时标出错误。

use schemars::schema_for;
use serde_json::Value;

use crate::model::counties::{CountiesFile, CountyFile};
use crate::model::indicators::IndicatorsFile;
use crate::model::meta::MetaFile;
use crate::model::outline::OutlineFile;
use crate::model::progress::ProgressFile;
use crate::model::tasks::TasksFile;
use crate::present::view::{SCHEMA_VERSION, View};

/// (名称, Schema)。名称也是 `schema/<名称>.schema.json` 的文件名；county 对应 `counties/<县区>.toml`。
pub fn all() -> Vec<(&'static str, Value)> {
    let json = |s: schemars::Schema| serde_json::to_value(s).expect("schema 总能序列化");
    vec![
        ("meta", json(schema_for!(MetaFile))),
        ("indicators", json(schema_for!(IndicatorsFile))),
        ("outline", json(schema_for!(OutlineFile))),
        ("tasks", json(schema_for!(TasksFile))),
        ("progress", json(schema_for!(ProgressFile))),
        ("counties", json(schema_for!(CountiesFile))),
        ("county", json(schema_for!(CountyFile))),
        ("view", view()),
    ]
}

/// 模板拿到的 JSON（`jianbao export-json` 的输出）的 Schema。`schema_version` 固定为当前的
/// `SCHEMA_VERSION`：仓库里的 schema/view.schema.json 因此记下了它对应的版本。
pub fn view() -> Value {
    let mut v = serde_json::to_value(schema_for!(View)).expect("schema 总能序列化");
    v["title"] = "jianbao 模板数据（export-json）".into();
    v["properties"]["schema_version"] = serde_json::json!({
        "description": "数据格式版本：JSON 结构有改动时加一，自己写的模板可据此判断能否读懂。",
        "const": SCHEMA_VERSION,
    });
    close_objects(&mut v);
    v
}

/// 视图中的每个对象都只许有 Schema 列出的字段（多出字段说明 Schema 或文档漏写了）。
/// 带 `type` 标签的变体（`$ref` 旁另有 properties）所引用的结构除外：那里的 `type` 不在被引用的结构里。
fn close_objects(v: &mut Value) {
    let mut tagged = Vec::new();
    collect_tagged(v, &mut tagged);
    let close = |o: &mut Value| {
        if o.get("properties").is_some() && o.get("$ref").is_none() {
            o["additionalProperties"] = false.into();
        }
    };
    close(v);
    if let Some(defs) = v.get_mut("$defs").and_then(Value::as_object_mut) {
        for (name, def) in defs.iter_mut() {
            if !tagged.contains(name) {
                close(def);
            }
        }
    }
}

fn collect_tagged(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(o) => {
            if let (Some(Value::String(r)), Some(_)) = (o.get("$ref"), o.get("properties"))
                && let Some(name) = r.strip_prefix("#/$defs/")
            {
                out.push(name.to_owned());
            }
            o.values().for_each(|x| collect_tagged(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| collect_tagged(x, out)),
        _ => {}
    }
}

/// 写出的文本：缩进两格，末尾换行，便于纳入版本管理。
pub fn render(schema: &Value) -> String {
    serde_json::to_string_pretty(schema).expect("schema 总能序列化") + "\n"
}
