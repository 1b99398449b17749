//! 页面上的修改：表单读写 TOML（`forms`）、县区表格的一格（`cells`）、边打边查、撤销、从无到有建立数据集。
//! 每次写都先比对版本（文件内容的 sha256），在别处被改过就不写；写出是原子的，并记下撤销用的旧内容。

use std::path::{Path, PathBuf};

use serde_json::{Value as Json, json};

use super::live::Issue;
use super::{Refusal, Saved, UNDO_DEPTH, Workbench, cells, counties, forms, paths};
use crate::base::output;

impl Workbench {
    /// 所有可编辑文件的表单，连同各自的 Schema。
    pub fn forms(&self) -> Json {
        let schemas: serde_json::Map<String, Json> = crate::schema::all()
            .into_iter()
            .map(|(n, s)| (n.to_owned(), s))
            .collect();
        let files: Vec<Json> = forms::editable_files(&self.dir)
            .into_iter()
            .map(|(file, title, schema)| {
                let mut f = self.form(&file).unwrap_or_else(|e| json!({ "error": e }));
                f["file"] = json!(file);
                f["title"] = json!(title);
                f["schema"] = json!(schema);
                f
            })
            .collect();
        json!({ "schemas": schemas, "files": files })
    }

    /// 一个文件的表单和版本。
    pub fn form(&self, file: &str) -> Result<Json, String> {
        let path = self.editable(file)?;
        let bytes = std::fs::read(&path)
            .map_err(|e| format!("无法读取 {file}：{}", crate::base::diag::os_error(&e)))?;
        let version = forms::version(&bytes);
        let text = String::from_utf8(bytes).map_err(|_| format!("{file} 不是 UTF-8 文本"))?;
        match forms::form(&text) {
            Ok(tree) => Ok(json!({ "version": version, "tree": tree })),
            Err(e) => Ok(json!({ "version": version, "error": e })),
        }
    }

    /// 页面给的文件名：只许可编辑的那几个文件，路径不越界、不经过链接。
    fn editable(&self, file: &str) -> Result<PathBuf, String> {
        let path = paths::confine(&self.dir, file)?;
        if !forms::editable_files(&self.dir)
            .iter()
            .any(|(f, _, _)| f == file)
        {
            return Err(format!("{file} 不是可在页面上编辑的数据文件"));
        }
        Ok(path)
    }

    /// 把一处修改写回文件。文件在表单载入之后被改过（别的标签页、编辑器）时不写，报告冲突。
    pub fn edit(&self, edit: &forms::Edit) -> Result<Json, Refusal> {
        let path = self.editable(&edit.file).map_err(Refusal::Bad)?;
        let _writing = self.writing.lock().expect("锁未中毒");
        let before = std::fs::read(&path).map_err(|e| {
            Refusal::Bad(format!(
                "无法读取 {}：{}",
                edit.file,
                crate::base::diag::os_error(&e)
            ))
        })?;
        if forms::version(&before) != edit.version {
            return Err(Refusal::Conflict(format!(
                "{} 在表单载入之后已被改动（另一个标签页或编辑器保存过），这次修改没有写入，以免覆盖那边的改动。\
                 请重新载入这个文件，再改一次",
                edit.file
            )));
        }
        let text = String::from_utf8(before.clone())
            .map_err(|_| Refusal::Bad(format!("{} 不是 UTF-8 文本", edit.file)))?;
        let after = forms::apply(&text, edit).map_err(Refusal::Bad)?;
        let version = self.commit(&edit.file, &path, before, after.as_bytes())?;
        Ok(json!({ "version": version, "field": forms::show(&edit.path) }))
    }

    /// 改县区表格的一格，写回它原来的 xlsx 或 csv；与表单一样查冲突、记撤销。
    pub fn edit_cell(
        &self,
        version: &str,
        row: usize,
        column: usize,
        text: &str,
    ) -> Result<Json, Refusal> {
        let (rel, path, sheet) = counties::located(self).map_err(Refusal::Bad)?;
        let _writing = self.writing.lock().expect("锁未中毒");
        let before = std::fs::read(&path).map_err(|e| {
            Refusal::Bad(format!(
                "无法读取 {rel}：{}",
                crate::base::diag::os_error(&e)
            ))
        })?;
        if forms::version(&before) != version {
            return Err(Refusal::Conflict(format!(
                "{rel} 在网格载入之后已被改动（Excel、上传或另一个标签页），这次修改没有写入。请重新载入表格，再改一次"
            )));
        }
        let value = cells::Value::from_input(text);
        let after = if rel.to_lowercase().ends_with(".csv") {
            cells::set_csv(&before, row, column, &value)
        } else {
            let sheet =
                sheet.ok_or_else(|| Refusal::Bad("counties.toml 没有写 table.sheet".into()))?;
            cells::set_xlsx(&before, &sheet, row, column, &value)
        }
        .map_err(Refusal::Bad)?;
        let version = self.commit(&rel, &path, before, &after)?;
        Ok(
            json!({ "version": version, "cell": format!("{}{row}", crate::base::diag::column_letters(column)) }),
        )
    }

    /// 原子地写出，记下撤销用的旧内容；返回新版本。调用者持有 `writing` 锁。
    pub(super) fn commit(
        &self,
        file: &str,
        path: &Path,
        before: Vec<u8>,
        after: &[u8],
    ) -> Result<String, Refusal> {
        self.write(path, after)?;
        let version = forms::version(after);
        let mut saves = self.saves.lock().expect("锁未中毒");
        saves.push(Saved {
            file: file.to_owned(),
            before,
            after: version.clone(),
        });
        if saves.len() > UNDO_DEPTH {
            saves.remove(0);
        }
        Ok(version)
    }

    /// 边打边查：把还没保存的修改用到文件原文上（只在内存里），按与 `check` 相同的读法解析这个文件，
    /// 返回这个文件的问题（类型、取值、缺字段、语法）。与别的文件对照的检查在保存后的重排里做。
    pub fn validate(&self, edit: &forms::Edit) -> Result<Json, Refusal> {
        use crate::model::{counties, indicators, meta, outline, tasks};
        self.editable(&edit.file).map_err(Refusal::Bad)?;
        let schema = forms::editable_files(&self.dir)
            .into_iter()
            .find(|(f, _, _)| *f == edit.file)
            .map(|(_, _, s)| s)
            .unwrap_or_default();
        let path = self.dir.join(&edit.file);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            Refusal::Bad(format!(
                "无法读取 {}：{}",
                edit.file,
                crate::base::diag::os_error(&e)
            ))
        })?;
        let after = forms::apply(&text, edit).map_err(Refusal::Bad)?;
        let source = crate::load::SourceFile {
            path,
            text: after.into(),
        };
        fn problems<T: serde::de::DeserializeOwned>(
            s: &crate::load::SourceFile,
        ) -> Vec<crate::base::diag::Problem> {
            s.parse::<T>().err().unwrap_or_default()
        }
        let found = match schema {
            "meta" => problems::<meta::MetaFile>(&source),
            "indicators" => problems::<indicators::IndicatorsFile>(&source),
            "tasks" => problems::<tasks::TasksFile>(&source),
            "counties" => problems::<counties::CountiesFile>(&source),
            "county" => problems::<counties::CountyFile>(&source),
            "outline" => problems::<outline::OutlineFile>(&source),
            _ => Vec::new(),
        };
        let issues: Vec<Issue> = found
            .iter()
            .map(|p| Issue::from_problem(p, &self.dir))
            .collect();
        Ok(json!({ "problems": issues }))
    }

    /// 撤销最近一次保存：文件仍是那次保存写下的样子时，写回保存之前的内容。
    pub fn undo(&self) -> Result<Json, Refusal> {
        let _writing = self.writing.lock().expect("锁未中毒");
        let mut saves = self.saves.lock().expect("锁未中毒");
        let last = saves
            .last()
            .ok_or_else(|| Refusal::Bad("没有可以撤销的保存".into()))?;
        // 只有本页保存过的文件才在这里；再查一遍路径，免得其间被换成了符号链接。
        let path = paths::confine(&self.dir, &last.file).map_err(Refusal::Bad)?;
        let now = std::fs::read(&path).unwrap_or_default();
        if forms::version(&now) != last.after {
            return Err(Refusal::Conflict(format!(
                "{} 在上次保存之后又被别处改过，撤销会丢掉那次改动，没有撤销",
                last.file
            )));
        }
        self.write(&path, &last.before)?;
        let file = last.file.clone();
        let version = forms::version(&last.before);
        saves.pop();
        Ok(json!({ "file": file, "version": version }))
    }

    /// 从无到有：数据目录还空着时，按选的文种（或随附的示例）建一个数据集，与 `jianbao init` 相同。
    pub fn init(&self, kind: Option<&str>, from: Option<&str>) -> Result<Json, Refusal> {
        let _writing = self.writing.lock().expect("锁未中毒");
        crate::init::check_target(&self.dir).map_err(Refusal::Bad)?;
        let written = match (from, kind) {
            (Some(sample), _) => {
                if !crate::init::samples().iter().any(|s| s == sample) {
                    return Err(Refusal::Bad(format!("没有随附的示例 “{sample}”")));
                }
                crate::init::create_from(&self.dir, sample)
            }
            (None, Some(label)) => {
                let kind = crate::init::kind_from_label(label)
                    .ok_or_else(|| Refusal::Bad(format!("不认识的文种 “{label}”")))?;
                crate::init::create(&self.dir, kind)
            }
            (None, None) => return Err(Refusal::Bad("请选一个文种或示例".into())),
        }
        .map_err(|e| Refusal::Bad(format!("{e:#}")))?;
        self.kick();
        Ok(
            json!({ "files": written.0.len(), "message": format!("已在 {} 建立数据集", self.dir.display()) }),
        )
    }

    fn write(&self, path: &Path, bytes: &[u8]) -> Result<(), Refusal> {
        output::write_atomic(path, bytes).map_err(|e| Refusal::Bad(format!("{e:#}")))
    }
}
