//! 模板契约：export-json 的输出符合 schema/view.schema.json；视图结构变了，SCHEMA_VERSION 必须跟着变；
//! docs/templates.md 说明了每个字段。

mod common;

use common::*;
use jianbao::present::view::SCHEMA_VERSION;
use serde_json::Value;

fn committed() -> Value {
    let text = std::fs::read_to_string(root().join("schema/view.schema.json"))
        .expect("schema/view.schema.json 应当在仓库里");
    serde_json::from_str(&text).unwrap()
}

/// 结构：去掉说明文字和版本号，只留字段、类型、必填。
fn structure(v: &Value) -> Value {
    match v {
        Value::Object(o) => Value::Object(
            o.iter()
                .filter(|(k, _)| !matches!(k.as_str(), "description" | "title"))
                .map(|(k, x)| {
                    if k == "schema_version" {
                        (k.clone(), Value::Null)
                    } else {
                        (k.clone(), structure(x))
                    }
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(structure).collect()),
        _ => v.clone(),
    }
}

fn recorded_version(v: &Value) -> u64 {
    v["properties"]["schema_version"]["const"]
        .as_u64()
        .expect("view.schema.json 记有 schema_version")
}

/// 比较仓库里的 Schema 与程序现在生成的：结构变了而版本没变，是要开发者改 SCHEMA_VERSION 的错误。
fn contract_check(committed: &Value, fresh: &Value) -> Result<(), String> {
    let same_structure = structure(committed) == structure(fresh);
    let old = recorded_version(committed);
    let new = recorded_version(fresh);
    if !same_structure && old == new {
        return Err(format!(
            "模板看到的 JSON 结构变了，但 SCHEMA_VERSION 仍是 {new}：\
             请在 src/present/view.rs 中把 SCHEMA_VERSION 加一，在 docs/templates.md 中说明改动，\
             再运行 cargo run --release -- schema --out schema"
        ));
    }
    if committed != fresh {
        return Err(
            "schema/view.schema.json 已过时：运行 cargo run --release -- schema --out schema"
                .into(),
        );
    }
    Ok(())
}

#[test]
fn view_schema_changes_move_the_version() {
    let fresh = jianbao::schema::view();
    assert_eq!(recorded_version(&fresh), SCHEMA_VERSION as u64);
    if let Err(msg) = contract_check(&committed(), &fresh) {
        panic!("{msg}");
    }
}

/// 每个 SCHEMA_VERSION 的结构指纹（结构的 sha256）。结构一变指纹就变：重新生成 schema/view.schema.json
/// 也躲不过这一条，只能把 SCHEMA_VERSION 加一，并在这里记下新版本的指纹。
const PINNED: &[(u64, &str)] = &[
    (
        4,
        "be2eb601950d6be98ce87d4d2739ab8fffa98ecc39fb8f2b5142b3e2100c2a98",
    ),
    (
        5,
        "c81a5b7262b9907ed15d8daee1181ff4f92f8b893d0e6511b05939232a2188d1",
    ),
    (
        6,
        "d45877df6cad41638aaeac8526144389fcb8d884e111a173c5e1619babd12f86",
    ),
    (
        7,
        "047223799aad861bde2ea6d8db7b27a51f75229b20bf1ad2b718523b32b66b9a",
    ),
    (
        8,
        "853015fca6fd8d3aed029aa3c01f5db7c4b344e4624be9cc13eca948f885afb8",
    ),
];

fn fingerprint(schema: &Value) -> String {
    use sha2::{Digest, Sha256};
    let text = serde_json::to_string(&structure(schema)).unwrap();
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn pinned_check(version: u64, print: &str) -> Result<(), String> {
    match PINNED.iter().find(|(v, _)| *v == version) {
        Some((_, pinned)) if *pinned == print => Ok(()),
        Some(_) => Err(format!(
            "模板看到的 JSON 结构变了，SCHEMA_VERSION 却仍是 {version}：请把它加一，\
             并在 tests/view_schema.rs 的 PINNED 中记下 ({}, \"{print}\")",
            version + 1
        )),
        None => Err(format!(
            "SCHEMA_VERSION {version} 还没有记下结构指纹：在 tests/view_schema.rs 的 PINNED 中加上 ({version}, \"{print}\")"
        )),
    }
}

#[test]
fn the_structure_of_each_version_is_pinned() {
    let fresh = jianbao::schema::view();
    if let Err(msg) = pinned_check(SCHEMA_VERSION as u64, &fingerprint(&fresh)) {
        panic!("{msg}");
    }
    // 改了结构又重新生成 schema：仓库里的 schema 与程序一致，上面的 contract_check 看不出来，指纹看得出来。
    let mut changed = fresh.clone();
    changed["$defs"]["MetaView"]["properties"]["extra"] = serde_json::json!({"type": "string"});
    assert!(contract_check(&changed, &changed).is_ok());
    let err = pinned_check(SCHEMA_VERSION as u64, &fingerprint(&changed)).unwrap_err();
    assert!(err.contains("SCHEMA_VERSION 却仍是"), "{err}");
    // 只改说明文字，指纹不变。
    let mut reworded = fresh.clone();
    reworded["$defs"]["MetaView"]["description"] = "改过的说明".into();
    assert_eq!(fingerprint(&reworded), fingerprint(&fresh));
}

#[test]
fn a_new_field_without_a_new_version_is_caught() {
    let committed = committed();
    let mut changed = committed.clone();
    changed["$defs"]["MetaView"]["properties"]["extra"] = serde_json::json!({"type": "string"});
    let err = contract_check(&committed, &changed).unwrap_err();
    assert!(err.contains("SCHEMA_VERSION 加一"), "{err}");
    // 同样的改动、版本也动了：只需重新生成。
    changed["properties"]["schema_version"]["const"] = (SCHEMA_VERSION + 1).into();
    let err = contract_check(&committed, &changed).unwrap_err();
    assert!(err.contains("已过时"), "{err}");
    // 只改说明文字不算结构变化。
    let mut reworded = committed.clone();
    reworded["$defs"]["MetaView"]["description"] = "改过的说明".into();
    assert!(
        contract_check(&committed, &reworded)
            .unwrap_err()
            .contains("已过时")
    );
}

fn validate(args: &[&str]) {
    let o = jianbao(args);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    let json: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["schema_version"], SCHEMA_VERSION);
    let validator = jsonschema::validator_for(&committed()).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&json)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{args:?} 不符合 view.schema.json：\n{}",
        errors.join("\n")
    );
}

#[test]
fn export_json_of_every_sample_validates_against_the_view_schema() {
    for sample in [
        "data/shangqiu-2023",
        "data/zhengzhou-2023",
        "data/changzhi-2023-11",
    ] {
        validate(&["export-json", sample]);
    }
    validate(&["export-json", "data/shangqiu-2023", "--county", "永城市"]);
}

#[test]
fn the_schema_rejects_an_undocumented_field() {
    let o = jianbao(&["export-json", "data/zhengzhou-2023"]);
    let mut json: Value = serde_json::from_slice(&o.stdout).unwrap();
    json["meta"]["surprise"] = "x".into();
    let validator = jsonschema::validator_for(&committed()).unwrap();
    assert!(!validator.is_valid(&json));
}

/// docs/templates.md 给每个字段都有一条说明（字段名写在反引号里）。
#[test]
fn docs_describe_every_field() {
    let doc = std::fs::read_to_string(root().join("docs/templates.md")).unwrap();
    let schema = committed();
    let mut missing = Vec::new();
    let mut check = |props: &Value, owner: &str| {
        for key in props.as_object().into_iter().flat_map(|o| o.keys()) {
            if !doc.contains(&format!("`{key}`")) {
                missing.push(format!("{owner}.{key}"));
            }
        }
    };
    check(&schema["properties"], "View");
    for (name, def) in schema["$defs"].as_object().unwrap() {
        check(&def["properties"], name);
        for variant in def["oneOf"].as_array().into_iter().flatten() {
            check(&variant["properties"], name);
        }
    }
    assert!(
        missing.is_empty(),
        "docs/templates.md 没有说明：{missing:?}"
    );
}
