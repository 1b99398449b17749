//! 县区表格：在页面上看（网格）、换（上传一份新的 xlsx 或 csv，先查后换）、下载按本数据集的列做好的空白模板。
//! 上传的表格先按排版时的同一套规则读、算（`load::table::read`、`present::county::prepare`），
//! 有任何坏单元格就一个字节都不换，报告与 `check` 相同、指到“工作表「指标」第3行 C列”。

use std::path::{Path, PathBuf};

use serde_json::{Value as Json, json};

use super::{Workbench, paths};
use crate::load::{DataSet, table};
use crate::present::county;
use crate::project::Project;

/// 数据集的县区表格在哪里：(相对路径, 真实路径, 工作表)。
pub fn located(wb: &Workbench) -> Result<(String, PathBuf, Option<String>), String> {
    let parts = DataSet::load_parts(&wb.dir);
    let Some(c) = parts.counties else {
        return Err(
            "这个数据集没有县区版（counties.toml），或 counties.toml 有问题，先看问题清单".into(),
        );
    };
    let table = &c.settings.value.table;
    let rel = table.file.get_ref().clone();
    let path = paths::confine(&wb.dir, &rel)?;
    Ok((rel, path, table.sheet.clone()))
}

/// 网格：表格的每一行（行号从 1 起，与 Excel 一致）。
pub fn grid(wb: &Workbench) -> Result<Json, String> {
    let (rel, path, sheet) = located(wb)?;
    let shown = wb.dir.join(&rel);
    let bytes = std::fs::read(&path)
        .map_err(|e| format!("无法读取 {rel}：{}", crate::base::diag::os_error(&e)))?;
    let version = super::forms::version(&bytes);
    let grid = table::read(&path, &shown, sheet.as_deref()).map_err(|p| p.headline())?;
    let rows: Vec<Json> = grid
        .rows
        .iter()
        .map(|(n, cells)| {
            let cells: Vec<String> = cells
                .iter()
                .map(|c| match c {
                    table::Cell::Empty => String::new(),
                    table::Cell::Number(v) => crate::base::number::format_number(*v),
                    table::Cell::Text(t) => t.clone(),
                })
                .collect();
            json!({ "row": n, "cells": cells })
        })
        .collect();
    Ok(json!({ "file": rel, "sheet": sheet, "rows": rows, "version": version }))
}

/// 上传的表格替换县区表格：扩展名须与现有的一致；先读、先算，没有问题才原子地换上。
pub fn replace(wb: &Workbench, name: &str, bytes: &[u8]) -> Result<Json, Json> {
    let fail = |m: String| json!({ "error": m });
    let (rel, path, sheet) = located(wb).map_err(fail)?;
    let ext = |p: &str| {
        Path::new(p)
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default()
    };
    if ext(name) != ext(&rel) {
        return Err(fail(format!(
            "上传的是 “{name}”，而县区表格是 {rel}：请上传 .{} 文件（或先在 counties.toml 中改 table.file）",
            ext(&rel)
        )));
    }
    // 其余数据须先无误：县区表格要与指标、名单对照着查。
    let mut project = Project::load(&wb.dir, &wb.options)
        .map_err(|p| fail(format!("数据中另有问题，先改好才能检查上传的表格：\n{p}")))?;
    // 临时文件放在数据目录里（以 . 开头，监视和排版都不理它），查完即删。
    let tmp = tempfile::Builder::new()
        .prefix(".jianbao-upload-")
        .suffix(&format!(".{}", ext(&rel)))
        .tempfile_in(&wb.dir)
        .map_err(|e| {
            fail(format!(
                "无法写临时文件：{}",
                crate::base::diag::os_error(&e)
            ))
        })?;
    std::fs::write(tmp.path(), bytes).map_err(|e| {
        fail(format!(
            "无法写临时文件：{}",
            crate::base::diag::os_error(&e)
        ))
    })?;
    let shown = wb.dir.join(&rel);
    let grid = table::read(tmp.path(), &shown, sheet.as_deref()).map_err(
        |p| json!({ "error": "上传的表格读不进来，没有替换", "problems": [p.headline()] }),
    )?;
    let data = project
        .data
        .counties
        .as_mut()
        .expect("located 已确认有县区版");
    data.grid = grid;
    let problems: Vec<String> = match county::prepare(data, &project.view) {
        Ok(c) => c
            .problems()
            .into_iter()
            .map(|(_, p)| p.headline())
            .collect(),
        Err(p) => p.0.iter().map(|p| p.headline()).collect(),
    };
    if !problems.is_empty() {
        return Err(json!({
            "error": format!("上传的表格有 {} 个问题，没有替换 {rel}", problems.len()),
            "problems": problems,
        }));
    }
    // 与表单的保存一样记下旧表格：“撤销上次保存”可以换回来。
    let _writing = wb.writing.lock().expect("锁未中毒");
    let before = std::fs::read(&path).map_err(|e| {
        fail(format!(
            "无法读取 {rel}：{}",
            crate::base::diag::os_error(&e)
        ))
    })?;
    wb.commit(&rel, &path, before, bytes).map_err(|r| match r {
        super::Refusal::Bad(m) | super::Refusal::Conflict(m) => fail(m),
    })?;
    Ok(json!({ "file": rel, "message": format!("已用上传的表格替换 {rel}") }))
}

/// 按本数据集做的空白模板：表头与 counties.toml 的列一致，第一列是名单中的县区，另有“说明”工作表。
pub fn template(wb: &Workbench) -> Result<Vec<u8>, String> {
    let parts = DataSet::load_parts(&wb.dir);
    let c = parts
        .counties
        .ok_or("这个数据集没有县区版（counties.toml），或 counties.toml 有问题")?;
    let s = &c.settings.value;
    let mut headers = vec![s.table.name_column.clone()];
    headers.extend(s.table.columns.iter().map(|c| c.header.clone()));
    let names: Vec<String> = s
        .counties
        .iter()
        .map(|c| c.name.get_ref().trim().to_owned())
        .collect();
    let sheet = s.table.sheet.clone().unwrap_or_else(|| "指标".into());
    crate::init::county_template(&sheet, &headers, &names).map_err(|e| format!("{e:#}"))
}

/// 有没有县区表格可以管（页面据此显示“县区表格”标签）。
pub fn present(dir: &Path) -> bool {
    dir.join(crate::load::COUNTIES).is_file()
}
