//! 读取县区指标表格（.xlsx 或 .csv），保留每个单元格的行列位置以便报错。

use std::path::{Path, PathBuf};

use calamine::{Data, Reader, open_workbook_auto};

use crate::base::diag::{Origin, Problem, column_letters};

mod xlsx;
use xlsx::Merge;

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
    if let Some((part, bytes)) = xlsx::oversized(path) {
        return Err(Problem::in_file(
            shown,
            format!(
                "表格解压后太大：其中 {part} 有 {} MB，每个部分最多 {} MB。\
                 表格里多半混进了很长的文字或图片，请删去后另存",
                bytes >> 20,
                xlsx::MAX_PART_BYTES >> 20
            ),
        ));
    }
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
    // 数字格式、未存结果的公式、合并单元格：calamine 不提供，只对 xlsx/xlsm 另读一遍工作表的 XML。
    let extras = xlsx::read(path, sheet).unwrap_or_default();
    let at = |row: usize, column: usize| Origin::Cell {
        file: shown.to_owned(),
        sheet: Some(sheet.to_owned()),
        row,
        column,
    };
    if let Some((row, column, formula)) = extras.uncached.first() {
        let more = match extras.uncached.len() {
            1 => String::new(),
            n => format!("（共 {n} 个这样的单元格）"),
        };
        return Err(Problem::new(
            at(*row, *column),
            "",
            format!(
                "这一格是公式（={formula}），但文件里没有保存公式的计算结果（多半是程序生成、没有在 Excel 中打开过的文件）。\
                 请用 Excel 或 WPS 打开这个文件并保存，再运行{more}"
            ),
        ));
    }
    // 已用区域不一定从 A1 开始：行列号要加上起点偏移。
    let (row0, col0) = range
        .start()
        .map_or((0, 0), |(r, c)| (r as usize, c as usize));
    let rows: Vec<(usize, Vec<Cell>)> = range
        .rows()
        .enumerate()
        .map(|(i, row)| {
            let r = row0 + i + 1;
            let mut cells = vec![Cell::Empty; col0];
            cells.extend(
                row.iter()
                    .enumerate()
                    .map(|(j, d)| cell(d, extras.formats.get(&(r, col0 + j)))),
            );
            (r, cells)
        })
        .collect();
    if let Some(p) = merged_problem(&rows, &extras.merges, &at) {
        return Err(p);
    }
    Ok(Grid {
        file: path.to_owned(),
        sheet: Some(sheet.to_owned()),
        rows,
    })
}

/// 合并单元格只有左上格有值，其余各格读出来是空的：县区名合并了两行，第二行就成了没有名字的一行。
/// 整行都在合并区内的（标题、表注）没有影响；合并区所在的行里还有别的内容时，拒绝并指出合并区。
fn merged_problem(
    rows: &[(usize, Vec<Cell>)],
    merges: &[Merge],
    at: &dyn Fn(usize, usize) -> Origin,
) -> Option<Problem> {
    let content = |row: usize, col: usize| {
        rows.iter()
            .find(|(r, _)| *r == row)
            .and_then(|(_, cells)| cells.get(col))
            .is_some_and(|c| *c != Cell::Empty)
    };
    let bad: Vec<&Merge> = merges
        .iter()
        .filter(|m| content(m.top, m.left))
        .filter(|m| {
            (m.top..=m.bottom).any(|row| {
                rows.iter()
                    .find(|(r, _)| *r == row)
                    .is_some_and(|(_, cells)| {
                        cells
                            .iter()
                            .enumerate()
                            .any(|(c, v)| (c < m.left || c > m.right) && *v != Cell::Empty)
                    })
            })
        })
        .collect();
    let m = bad.first()?;
    let name = |row: usize, col: usize| format!("{}{row}", column_letters(col));
    let range = format!("{}:{}", name(m.top, m.left), name(m.bottom, m.right));
    let more = match bad.len() {
        1 => String::new(),
        n => format!("（共 {n} 处这样的合并单元格）"),
    };
    Some(Problem::new(
        at(m.top, m.left),
        "",
        format!(
            "{range} 是合并单元格：合并后只有左上角 {} 有值，其余各格读出来是空的。\
             请取消合并，在每一行（每一列）都填上内容{more}",
            name(m.top, m.left)
        ),
    ))
}

/// 单元格按用户看到的样子读：日期读成日期文字，百分比格式的 0.026 读成 2.6，
/// 数字按显示的小数位数取舍（没有指定小数位时取 10 位有效数字，去掉 788.3600000000001 这样的浮点尾巴）。
fn cell(d: &Data, format: Option<&xlsx::NumberFormat>) -> Cell {
    match d {
        Data::Empty => Cell::Empty,
        Data::Int(i) => Cell::Number(shown_number(*i as f64, format)),
        Data::Float(f) => Cell::Number(shown_number(*f, format)),
        Data::String(s) if s.trim().is_empty() => Cell::Empty,
        Data::String(s) => Cell::Text(s.trim().to_owned()),
        Data::DateTime(dt) => {
            let (y, m, day, h, min, sec, _) = dt.to_ymd_hms_milli();
            Cell::Text(if dt.is_duration() {
                let hours = (dt.as_f64() * 24.0).floor();
                format!("{hours}:{min:02}:{sec:02}")
            } else if dt.as_f64() < 1.0 {
                format!("{h}:{min:02}:{sec:02}")
            } else if (h, min, sec) == (0, 0, 0) {
                format!("{y:04}-{m:02}-{day:02}")
            } else {
                format!("{y:04}-{m:02}-{day:02} {h:02}:{min:02}")
            })
        }
        other => Cell::Text(other.to_string()),
    }
}

/// 数字单元格显示出来的值。
pub fn shown_number(v: f64, format: Option<&xlsx::NumberFormat>) -> f64 {
    if !v.is_finite() {
        return v;
    }
    let v = match format {
        Some(f) if f.percent => v * 100.0,
        _ => v,
    };
    match format.and_then(|f| f.decimals) {
        Some(d) => round_decimals(v, d),
        None => significant(v, 10),
    }
}

/// 取 `n` 位有效数字。
fn significant(v: f64, n: usize) -> f64 {
    format!("{:.*e}", n - 1, v).parse().unwrap_or(v)
}

/// 像 Excel 那样按小数位数显示：先取 15 位有效数字，再逢五进一。
fn round_decimals(v: f64, d: usize) -> f64 {
    let s = format!("{:.14e}", v.abs());
    let Some((mantissa, exp)) = s.split_once('e') else {
        return v;
    };
    let Ok(exp) = exp.parse::<i64>() else {
        return v;
    };
    let digits: Vec<u32> = mantissa.chars().filter_map(|c| c.to_digit(10)).collect();
    // 保留的位数：整数部分 exp+1 位，加 d 位小数。
    let keep = exp + 1 + d as i64;
    if keep < 0 {
        return 0.0;
    }
    let keep = keep as usize;
    if keep >= digits.len() {
        return significant(v, 15);
    }
    let mut n: u128 = digits[..keep]
        .iter()
        .fold(0, |acc, &x| acc * 10 + u128::from(x));
    if digits[keep] >= 5 {
        n += 1;
    }
    let r: f64 = format!("{n}e-{d}").parse().unwrap_or(v);
    if v < 0.0 { -r } else { r }
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
                _ if looks_like_date(s) => Err(format!(
                    "“{s}” 是日期，不是数字（单元格格式为日期时，Excel 把数字显示成日期；\
                     请把单元格格式改为“常规”或“数值”，再填入数字）"
                )),
                _ if looks_like_time(s) => Err(format!(
                    "“{s}” 是时间，不是数字（请把单元格格式改为“常规”或“数值”，再填入数字）"
                )),
                _ if s.ends_with('%') || s.ends_with('％') => {
                    Err(format!("“{s}” 不是数字（请去掉 %，单位写在表头里）"))
                }
                _ => Err(format!("“{s}” 不是数字")),
            }
        }
    }
}

/// “2023-12-25”“2023/12/25”“2023-12-25 08:30”：日期格式的单元格读出来就是这样的文字。
fn looks_like_date(s: &str) -> bool {
    let date = s.split(' ').next().unwrap_or("");
    let parts: Vec<&str> = date.split(['-', '/', '.']).collect();
    parts.len() == 3
        && parts[0].len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()))
        && (date.contains('-') || date.contains('/'))
        || (s.contains('年')
            && s.contains('月')
            && s.chars().next().is_some_and(|c| c.is_ascii_digit()))
}

/// “8:30”“12:30:00”。
fn looks_like_time(s: &str) -> bool {
    let parts: Vec<&str> = s.split(':').collect();
    (2..=3).contains(&parts.len())
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
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
        assert!(t("2023-12-25").unwrap_err().contains("是日期"));
        assert!(t("8:30").unwrap_err().contains("是时间"));
    }

    #[test]
    fn numbers_as_shown() {
        let pct = xlsx::NumberFormat {
            percent: true,
            decimals: Some(1),
        };
        let fixed = |d| xlsx::NumberFormat {
            percent: false,
            decimals: Some(d),
        };
        assert_eq!(shown_number(0.026, Some(&pct)), 2.6);
        assert_eq!(shown_number(788.3600000000001, None), 788.36);
        assert_eq!(shown_number(5.25, Some(&fixed(1))), 5.3);
        assert_eq!(shown_number(-5.25, Some(&fixed(1))), -5.3);
        assert_eq!(shown_number(1.005, Some(&fixed(2))), 1.01);
        assert_eq!(shown_number(12345.678, Some(&fixed(0))), 12346.0);
        assert_eq!(shown_number(0.1 + 0.2, None), 0.3);
        assert_eq!(
            crate::base::number::format_number(shown_number(0.026, Some(&pct))),
            "2.6"
        );
    }
}
