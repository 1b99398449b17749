//! 仓库中的 schema/ 与程序生成的一致；Schema 能拒绝未知字段。

mod common;

use common::*;

#[test]
fn committed_schemas_are_up_to_date() {
    for (name, schema) in jianbao::schema::all() {
        let path = root().join("schema").join(format!("{name}.schema.json"));
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert_eq!(
            committed,
            jianbao::schema::render(&schema),
            "{} 已过时：运行 cargo run --release -- schema --out schema",
            path.display()
        );
    }
}

#[test]
fn schema_command_prints_one_schema_and_rejects_unknown_names() {
    let o = jianbao(&["schema", "tasks"]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["additionalProperties"], false);
    assert!(v["$defs"]["Target"]["properties"]["deadline"].is_object());
    let o = jianbao(&["schema", "nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("没有名为 “nope” 的 Schema"));
}
