//! 读取县区指标表格（.xlsx 或 .csv），保留每个单元格的行列位置以便报错。

use std::path::{Path, PathBuf};

use calamine::{Data, Reader, open_workbook_auto};

use crate::base::diag::{Origin, Problem};

/// 一个单元格的内容。
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Number(f64),
    Text(String),
}

/// 表格：行号从 1 起、列号从 0 起，与 Excel 显示一致。
#[derive(Debug, Clone)]
pub struct Grid {
    pub file: PathBuf,
    pub sheet: Option<String>,
    /// (行号, 该行各列)
    pub rows: Vec<(usize, Vec<Cell>)>,
}

impl Grid {
    pub fn origin(&self, row: usize, column: usize) -> Origin {
        Origin::Cell {
            file: self.file.clone(),
            sheet: self.sheet.clone(),
            row,
            column,
        }
    }
}

/// 读表格。`path` 是真实路径，报错时显示 `shown`（用户写的、相对数据目录的路径）。
pub fn read(path: &Path, shown: &Path, sheet: Option<&str>) -> Result<Grid, Problem> {
    if !path.is_file() {
        return Err(Problem::in_file(shown, "表格文件不存在"));
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_lowercase();
    let grid = match ext.as_str() {
        "csv" => read_csv(path, shown),
        "xlsx" | "xlsm" | "xls" | "ods" => read_workbook(path, shown, sheet),
        _ => Err(Problem::in_file(shown, "表格须为 .xlsx 或 .csv 文件")),
    }?;
    Ok(Grid {
        file: shown.to_owned(),
        ..grid
    })
}

fn read_workbook(path: &Path, shown: &Path, sheet: Option<&str>) -> Result<Grid, Problem> {
    let mut book = open_workbook_auto(path)
        .map_err(|e| Problem::in_file(shown, format!("无法打开 Excel 文件：{e}")))?;
    let names = book.sheet_names();
    let Some(sheet) = sheet else {
        return Err(Problem::in_file(
            shown,
            format!("请用 sheet 指明工作表，本文件有：{}", names.join("、")),
        ));
    };
    if !names.iter().any(|n| n == sheet) {
        return Err(Problem::in_file(
            shown,
            format!(
                "没有名为「{sheet}」的工作表，本文件有：{}",
                names.join("、")
            ),
        ));
    }
    let range = book
        .worksheet_range(sheet)
        .map_err(|e| Problem::in_file(shown, format!("无法读取工作表「{sheet}」：{e}")))?;
    // 已用区域不一定从 A1 开始：行列号要加上起点偏移。
    let (row0, col0) = range
        .start()
        .map_or((0, 0), |(r, c)| (r as usize, c as usize));
    let rows = range
        .rows()
        .enumerate()
        .map(|(i, row)| {
            let mut cells = vec![Cell::Empty; col0];
            cells.extend(row.iter().map(cell));
            (row0 + i + 1, cells)
        })
        .collect();
    Ok(Grid {
        file: path.to_owned(),
        sheet: Some(sheet.to_owned()),
        rows,
    })
}

fn cell(d: &Data) -> Cell {
    match d {
        Data::Empty => Cell::Empty,
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::String(s) if s.trim().is_empty() => Cell::Empty,
        Data::String(s) => Cell::Text(s.trim().to_owned()),
        other => Cell::Text(other.to_string()),
    }
}

fn read_csv(path: &Path, shown: &Path) -> Result<Grid, Problem> {
    let bytes = std::fs::read(path)
        .map_err(|e| Problem::in_file(shown, super::toml_file::io_message(&e)))?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    if std::str::from_utf8(bytes).is_err() {
        return Err(Problem::in_file(
            shown,
            "CSV 文件不是 UTF-8 编码；在 Excel 中另存为时请选择“CSV UTF-8（逗号分隔）”",
        ));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(i + 1, |p| p.line() as usize);
            Problem::new(
                Origin::Cell {
                    file: shown.to_owned(),
                    sheet: None,
                    row: line,
                    column: 0,
                },
                "",
                format!("CSV 格式错误：{e}"),
            )
        })?;
        let cells = record
            .iter()
            .map(|s| {
                let s = s.trim();
                if s.is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(s.to_owned())
                }
            })
            .collect();
        rows.push((i + 1, cells));
    }
    Ok(Grid {
        file: path.to_owned(),
        sheet: None,
        rows,
    })
}

/// 单元格转数字：数字单元格直接用；文字单元格允许千分位逗号；空格、百分号等都算错。
pub fn number(cell: &Cell) -> Result<f64, String> {
    match cell {
        Cell::Number(v) if v.is_finite() => Ok(*v),
        Cell::Number(v) => Err(format!("“{v}” 不是有效数字")),
        Cell::Empty => Err("缺少数值（单元格为空）".into()),
        Cell::Text(s) => {
            // 只接受千分位逗号（1,234.5）；“1,7” 这样的写法多半是小数点打错了，不能悄悄变成 17。
            let cleaned = if thousands(s) {
                s.replace(',', "")
            } else {
                s.clone()
            };
            match cleaned.parse::<f64>() {
                Ok(v) if v.is_finite() => Ok(v),
                _ if s.ends_with('%') || s.ends_with('％') => {
                    Err(format!("“{s}” 不是数字（请去掉 %，单位写在表头里）"))
                }
                _ => Err(format!("“{s}” 不是数字")),
            }
        }
    }
}

/// “1,234”“12,345.6”这样的千分位写法。
fn thousands(s: &str) -> bool {
    let int = s.trim_start_matches('-').split('.').next().unwrap_or("");
    let mut groups = int.split(',');
    let first = groups.next().unwrap_or("");
    int.contains(',')
        && (1..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_digit())
        && groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()))
}

/// 单元格转文字（县区名称）。
pub fn text(cell: &Cell) -> Option<String> {
    match cell {
        Cell::Empty => None,
        Cell::Number(v) => Some(crate::base::number::format_number(*v)),
        Cell::Text(s) => Some(s.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_from_text_cells() {
        let t = |s: &str| number(&Cell::Text(s.into()));
        assert_eq!(t("1,234.5"), Ok(1234.5));
        assert_eq!(t("-12,345"), Ok(-12345.0));
        assert!(t("1,7").is_err());
        assert!(t("1，7").is_err());
        assert!(t("1.7%").unwrap_err().contains("请去掉 %"));
        assert!(number(&Cell::Empty).unwrap_err().contains("缺少数值"));
    }
}
