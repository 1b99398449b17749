//! 表单与数据文件之间：把 TOML 文件读成页面上的表单（字段、行号、当前写法），把页面上的一处修改写回文件。
//! 写回用 `toml_edit`：只换掉那一个值，注释、次序、空行和其余写法原样不动；值后面的行尾注释也留在原处。
//! 表单不写死字段：文件里有什么就显示什么，能添加哪些字段由 `jianbao schema` 的同一份 JSON Schema 决定
//! （页面据此给出说明和可添加的字段），数据模型加了字段，表单自然跟上。

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::{Value as Json, json};
use sha2::{Digest, Sha256};
use toml_edit::{DocumentMut, Item, Value};

/// 文件内容的版本：内容的 sha256（前 16 个十六进制字）。表单记下它，保存时据此发现文件在别处被改过。
pub fn version(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// 数据目录中可以在页面上编辑的文件：(相对路径, 页面上的名称, Schema 名)。
/// 大纲（outline.toml）放在最后：它多是成段的正文，通常在编辑器里改。
pub fn editable_files(dir: &Path) -> Vec<(String, String, &'static str)> {
    let mut out = Vec::new();
    let fixed = [
        ("meta.toml", "封面与一页纸", "meta"),
        ("indicators.toml", "指标", "indicators"),
        ("tasks.toml", "任务", "tasks"),
        ("progress.toml", "推进情况", "progress"),
        ("counties.toml", "县区版设置", "counties"),
    ];
    for (file, title, schema) in fixed {
        if dir.join(file).is_file() {
            out.push((file.to_owned(), title.to_owned(), schema));
        }
    }
    // 大纲中 tasks 块另指的任务文件（如 tasks-2024.toml）：文件名以 tasks 开头的也按任务清单编辑。
    if let Ok(entries) = std::fs::read_dir(dir) {
        let mut extra: Vec<String> = entries
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("tasks") && n.ends_with(".toml") && n != "tasks.toml")
            .collect();
        extra.sort();
        for n in extra {
            let title = format!("任务（{n}）");
            out.push((n, title, "tasks"));
        }
    }
    if let Ok(entries) = std::fs::read_dir(dir.join(crate::load::COUNTY_DIR)) {
        let mut names: Vec<String> = entries
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".toml"))
            .collect();
        names.sort();
        for n in names {
            let title = format!("县区说明：{}", n.trim_end_matches(".toml"));
            out.push((format!("{}/{n}", crate::load::COUNTY_DIR), title, "county"));
        }
    }
    if dir.join("outline.toml").is_file() {
        out.push(("outline.toml".into(), "大纲与正文".into(), "outline"));
    }
    out
}

/// 路径中的一段：表中的键或数组中的序号。
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Step {
    Key(String),
    Index(usize),
}

/// 页面发来的一处修改。
#[derive(Debug, Deserialize)]
pub struct Edit {
    /// 相对数据目录的文件路径。
    pub file: String,
    /// 表单载入时文件的版本。
    pub version: String,
    pub path: Vec<Step>,
    /// string、number、bool、date、raw（一段 TOML 值的原文，如内联表）或 remove（删去这个字段）。
    pub kind: String,
    #[serde(default)]
    pub text: String,
}

/// 把文件读成表单：树形的 JSON，每个值带路径、类型、当前写法和所在行。
pub fn form(text: &str) -> Result<Json, String> {
    let doc = toml_edit::Document::parse(text).map_err(|e| {
        format!(
            "文件不是有效的 TOML，先在编辑器里改好：{}",
            e.message().trim()
        )
    })?;
    Ok(table_node(doc.as_table(), &mut Vec::new(), text))
}

fn table_node(table: &dyn toml_edit::TableLike, path: &mut Vec<Step>, src: &str) -> Json {
    let entries: Vec<Json> = table
        .iter()
        .map(|(key, item)| {
            path.push(Step::Key(key.to_owned()));
            let node = item_node(item, path, src);
            path.pop();
            json!({ "key": key, "node": node })
        })
        .collect();
    json!({ "k": "table", "path": path, "entries": entries })
}

fn item_node(item: &Item, path: &mut Vec<Step>, src: &str) -> Json {
    match item {
        Item::Table(t) => {
            let mut n = table_node(t, path, src);
            n["line"] = json!(line(src, t.span()));
            n
        }
        Item::ArrayOfTables(a) => {
            let items: Vec<Json> = a
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    path.push(Step::Index(i));
                    let mut n = table_node(t, path, src);
                    n["line"] = json!(line(src, t.span()));
                    path.pop();
                    n
                })
                .collect();
            json!({ "k": "tables", "path": path, "items": items })
        }
        Item::Value(Value::Array(a)) if a.iter().all(scalar) => {
            let items: Vec<Json> = a
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    path.push(Step::Index(i));
                    let n = value_node(v, path, src);
                    path.pop();
                    n
                })
                .collect();
            json!({ "k": "list", "path": path, "items": items, "line": line(src, a.span()) })
        }
        Item::Value(v) => value_node(v, path, src),
        Item::None => json!({ "k": "none", "path": path }),
    }
}

fn scalar(v: &Value) -> bool {
    !matches!(v, Value::Array(_) | Value::InlineTable(_))
}

fn value_node(v: &Value, path: &[Step], src: &str) -> Json {
    let (ty, text) = match v {
        Value::String(s) => ("string", s.value().clone()),
        Value::Integer(i) => (
            "number",
            raw(v, src).unwrap_or_else(|| i.value().to_string()),
        ),
        Value::Float(f) => (
            "number",
            raw(v, src).unwrap_or_else(|| f.value().to_string()),
        ),
        Value::Boolean(b) => ("bool", b.value().to_string()),
        Value::Datetime(d) => ("date", d.value().to_string()),
        Value::Array(_) | Value::InlineTable(_) => (
            "raw",
            raw(v, src).unwrap_or_else(|| v.to_string().trim().to_owned()),
        ),
    };
    json!({ "k": "value", "path": path, "type": ty, "text": text, "line": line(src, v.span()) })
}

/// 数字在文件里的原样写法（4 还是 4.0）。
fn raw(v: &Value, src: &str) -> Option<String> {
    v.span()
        .and_then(|s| src.get(s))
        .map(|s| s.trim().to_owned())
}

/// 值所在的行（从 1 起）。
fn line(src: &str, span: Option<std::ops::Range<usize>>) -> Option<usize> {
    span.map(|s| crate::base::diag::line_col(src, s.start).0)
}

/// 把一处修改用到文件原文上，返回新的原文。路径中除最后一段外都须已存在；最后一段可以是新字段。
pub fn apply(text: &str, edit: &Edit) -> Result<String, String> {
    let mut doc: DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
        format!(
            "文件不是有效的 TOML，先在编辑器里改好：{}",
            e.message().trim()
        )
    })?;
    let (last, parents) = edit.path.split_last().ok_or("没有指明要改哪个字段")?;
    let mut at: &mut Item = doc.as_item_mut();
    for step in parents {
        at = match step {
            Step::Key(k) => at.as_table_like_mut().and_then(|t| t.get_mut(k)),
            Step::Index(i) => at.get_mut(*i),
        }
        .ok_or_else(|| {
            format!(
                "文件中已没有 {}（文件可能刚被改过，请重新载入）",
                show(&edit.path)
            )
        })?;
    }
    if edit.kind == "remove" {
        let gone = match last {
            Step::Key(k) => at.as_table_like_mut().and_then(|t| t.remove(k)).is_some(),
            Step::Index(i) => match at {
                Item::ArrayOfTables(a) if *i < a.len() => {
                    a.remove(*i);
                    true
                }
                _ => match at.as_array_mut() {
                    Some(a) if *i < a.len() => {
                        a.remove(*i);
                        true
                    }
                    _ => false,
                },
            },
        };
        return if gone {
            Ok(doc.to_string())
        } else {
            Err(format!("文件中没有 {}", show(&edit.path)))
        };
    }
    if edit.kind == "new-table" {
        append_table(at, last, &edit.text)?;
        return Ok(doc.to_string());
    }
    let new = new_value(&edit.kind, &edit.text)?;
    let slot: &mut Item = match last {
        Step::Key(k) => {
            let t = at
                .as_table_like_mut()
                .ok_or_else(|| format!("{} 不是一张表，不能添加字段", show(parents)))?;
            if !t.contains_key(k) {
                t.insert(k, Item::Value(new));
                return Ok(doc.to_string());
            }
            t.get_mut(k).expect("刚查过有这个键")
        }
        Step::Index(i) => match at.as_array_mut() {
            Some(a) if *i == a.len() => {
                a.push(new);
                return Ok(doc.to_string());
            }
            _ => at
                .get_mut(*i)
                .ok_or_else(|| format!("文件中没有 {}", show(&edit.path)))?,
        },
    };
    let mut new = new;
    // 保留原值前后的空白和行尾注释（如 `growth = 4  # 预计`）。
    if let Some(old) = slot.as_value() {
        *new.decor_mut() = old.decor().clone();
    } else if !slot.is_none() {
        return Err(format!(
            "{} 是一张表或一组表，不能改成一个值",
            show(&edit.path)
        ));
    }
    *slot = Item::Value(new);
    Ok(doc.to_string())
}

/// 在一组表（`[[indicators]]`）末尾加一项：`keys` 是 Schema 中必填的字段（逗号分隔），先写成空字符串，
/// 问题清单随即指出哪些还没填。还没有这组表时新建。
fn append_table(at: &mut Item, last: &Step, keys: &str) -> Result<(), String> {
    let Step::Key(name) = last else {
        return Err("新的一项要加在一组表上".into());
    };
    let mut table = toml_edit::Table::new();
    for k in keys.split(',').map(str::trim).filter(|k| !k.is_empty()) {
        table.insert(k, toml_edit::value(""));
    }
    let parent = at
        .as_table_like_mut()
        .ok_or_else(|| format!("{name} 的上一级不是一张表"))?;
    match parent.get_mut(name) {
        Some(Item::ArrayOfTables(a)) => a.push(table),
        Some(_) => return Err(format!("{name} 不是一组表")),
        None => {
            let mut a = toml_edit::ArrayOfTables::new();
            a.push(table);
            parent.insert(name, Item::ArrayOfTables(a));
        }
    }
    Ok(())
}

/// 页面上的一个输入变成 TOML 值。数字、日期写不对时按字符串写进去：文件与表单一致，
/// `check` 随即指出那一行该是数字还是日期——与在编辑器里写错时看到的是同一条说明。
fn new_value(kind: &str, text: &str) -> Result<Value, String> {
    let t = text.trim();
    let parsed = || t.parse::<Value>().ok();
    Ok(match kind {
        "string" => Value::from(text),
        "number" => match parsed() {
            Some(v @ (Value::Integer(_) | Value::Float(_))) => v,
            _ => Value::from(text),
        },
        "date" => match parsed() {
            Some(v @ Value::Datetime(_)) => v,
            _ => Value::from(text),
        },
        "bool" => match t {
            "true" | "是" => Value::from(true),
            "false" | "否" => Value::from(false),
            _ => return Err(format!("“{t}” 不是“是”或“否”")),
        },
        "raw" => parsed().ok_or_else(|| format!("“{t}” 不是有效的 TOML 值"))?,
        other => return Err(format!("不认识的值类型 “{other}”")),
    })
}

/// 路径的写法与问题报告中的字段名一致：`indicators[1].growth`。
pub fn show(path: &[Step]) -> String {
    let mut s = String::new();
    for step in path {
        match step {
            Step::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Step::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "# 指标\n\n[[indicators]]\nid = \"gdp\"\n# 增速\ngrowth = 4  # 预计\nnotes = [\"甲\", \"乙\"]\n\n[[indicators]]\nid = \"x\"\n";

    fn edit(path: Vec<Step>, kind: &str, text: &str) -> Edit {
        Edit {
            file: "indicators.toml".into(),
            version: String::new(),
            path,
            kind: kind.into(),
            text: text.into(),
        }
    }

    fn key(k: &str) -> Step {
        Step::Key(k.into())
    }

    #[test]
    fn every_editable_file_has_a_schema_the_page_can_build_its_form_from() {
        let dir = tempfile::tempdir().unwrap();
        for f in [
            "meta.toml",
            "indicators.toml",
            "tasks.toml",
            "progress.toml",
            "counties.toml",
        ] {
            std::fs::write(dir.path().join(f), "").unwrap();
        }
        let names: Vec<&str> = crate::schema::all().iter().map(|(n, _)| *n).collect();
        let files = editable_files(dir.path());
        assert!(
            files
                .iter()
                .any(|(f, _, s)| f == "progress.toml" && *s == "progress")
        );
        for (file, _, schema) in files {
            assert!(
                names.contains(&schema),
                "{file} 的 Schema “{schema}” 不存在"
            );
        }
    }

    #[test]
    fn a_number_is_replaced_and_the_comments_stay() {
        let e = edit(
            vec![key("indicators"), Step::Index(0), key("growth")],
            "number",
            "5.20",
        );
        let out = apply(SAMPLE, &e).unwrap();
        assert_eq!(
            out,
            SAMPLE.replace("growth = 4  # 预计", "growth = 5.20  # 预计")
        );
    }

    #[test]
    fn a_bad_number_is_written_as_text_for_check_to_name() {
        let e = edit(
            vec![key("indicators"), Step::Index(0), key("growth")],
            "number",
            "4%",
        );
        let out = apply(SAMPLE, &e).unwrap();
        assert!(out.contains("growth = \"4%\"  # 预计"), "{out}");
    }

    #[test]
    fn new_fields_are_added_and_removed() {
        let e = edit(
            vec![key("indicators"), Step::Index(1), key("unit")],
            "string",
            "亿元",
        );
        let out = apply(SAMPLE, &e).unwrap();
        assert!(out.ends_with("id = \"x\"\nunit = \"亿元\"\n"), "{out}");
        let e = edit(
            vec![key("indicators"), Step::Index(1), key("unit")],
            "remove",
            "",
        );
        assert_eq!(apply(&out, &e).unwrap(), SAMPLE);
        let e = edit(
            vec![
                key("indicators"),
                Step::Index(0),
                key("notes"),
                Step::Index(1),
            ],
            "string",
            "丙",
        );
        assert!(apply(SAMPLE, &e).unwrap().contains("[\"甲\", \"丙\"]"));
    }

    #[test]
    fn whole_items_are_added_and_removed() {
        let e = edit(vec![key("indicators")], "new-table", "id,name");
        let out = apply(SAMPLE, &e).unwrap();
        assert!(
            out.ends_with("id = \"x\"\n\n[[indicators]]\nid = \"\"\nname = \"\"\n"),
            "{out}"
        );
        let e = edit(vec![key("indicators"), Step::Index(2)], "remove", "");
        assert_eq!(apply(&out, &e).unwrap().trim_end(), SAMPLE.trim_end());
        let e = edit(vec![key("tasks")], "new-table", "title");
        assert!(
            apply(SAMPLE, &e)
                .unwrap()
                .ends_with("[[tasks]]\ntitle = \"\"\n")
        );
    }

    #[test]
    fn the_form_lists_values_with_their_lines() {
        let f = form(SAMPLE).unwrap();
        let first = &f["entries"][0]["node"]["items"][0];
        assert_eq!(first["line"], 3);
        let growth = &first["entries"][1]["node"];
        assert_eq!(growth["text"], "4");
        assert_eq!(growth["line"], 6);
        assert_eq!(growth["path"], json!(["indicators", 0, "growth"]));
        assert_eq!(
            show(&[key("indicators"), Step::Index(0), key("growth")]),
            "indicators[0].growth"
        );
    }
}
