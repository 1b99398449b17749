//! 表格块与趋势块：数字原样、负数用减号、缺数据印“—”并加注。

use toml::Spanned;

use super::view::{Figure, TableCell, TableColumn, TrendPoint};
use super::{Cx, minus, plausible};
use crate::base::number::format_number;
use crate::base::text::one_line;
use crate::load::SourceFile;
use crate::load::table::{Cell, Grid};
use crate::model::outline::Point;

/// 缺数据时自动加的注。
pub const MISSING_NOTE: &str = "表中“—”表示未取得数据。";

/// 表示缺数据的写法。
fn is_missing(s: &str) -> bool {
    matches!(s.trim(), "" | "—" | "——" | "-" | "–" | "－")
}

fn number_cell(text: &str, value: f64) -> TableCell {
    TableCell {
        text: minus(text),
        numeric: true,
        missing: false,
        negative: value < 0.0,
        lagging: false,
    }
}

fn text_cell(text: String) -> TableCell {
    TableCell {
        text,
        numeric: false,
        missing: false,
        negative: false,
        lagging: false,
    }
}

fn missing_cell() -> TableCell {
    TableCell {
        text: "—".into(),
        numeric: false,
        missing: true,
        negative: false,
        lagging: false,
    }
}

/// 一行之内的文字单元格：看起来是数字（如 CSV 里的 “-4.1”“1,234.5”）就当数字，写法不变。
fn text_or_number(s: &str) -> Result<TableCell, String> {
    let s = one_line(s).trim().to_owned();
    if is_missing(&s) {
        return Ok(missing_cell());
    }
    let plain = s.replace(',', "");
    let looks_numeric = !plain.is_empty()
        && plain
            .trim_start_matches('-')
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.')
        && plain.chars().any(|c| c.is_ascii_digit());
    match plain.parse::<f64>() {
        Ok(v) if looks_numeric => {
            plausible(v, &plain)?;
            Ok(number_cell(&s, v))
        }
        _ => Ok(text_cell(s)),
    }
}

impl Cx {
    pub(super) fn trend_points(
        &mut self,
        src: &SourceFile,
        series: &[Point],
        field: &str,
    ) -> Vec<TrendPoint> {
        series
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let Figure { value, text } =
                    self.figure(src, &p.value, &format!("{field}.series[{i}].value"));
                TrendPoint {
                    label: one_line(&p.label),
                    value,
                    text: minus(&text),
                }
            })
            .collect()
    }

    /// 写在 TOML 里的表格行。
    pub(super) fn toml_rows(
        &mut self,
        src: &SourceFile,
        rows: &[Vec<Spanned<toml::Value>>],
        width: usize,
        field: &str,
        at: std::ops::Range<usize>,
    ) -> Vec<Vec<TableCell>> {
        let mut out = Vec::new();
        for (r, row) in rows.iter().enumerate() {
            if row.len() != width {
                self.push(
                    src,
                    Some(row.first().map_or(at.clone(), Spanned::span)),
                    format!("{field}.rows[{r}]"),
                    format!(
                        "这一行有 {} 格，表头有 {width} 列；缺数据的格写 \"—\"",
                        row.len()
                    ),
                );
                continue;
            }
            let mut cells = Vec::new();
            for (c, cell) in row.iter().enumerate() {
                let place = format!("{field}.rows[{r}][{c}]");
                let made = match cell.get_ref() {
                    toml::Value::Integer(_) | toml::Value::Float(_) => {
                        let value = match cell.get_ref() {
                            toml::Value::Integer(i) => *i as f64,
                            toml::Value::Float(f) => *f,
                            _ => unreachable!(),
                        };
                        let text = src
                            .literal(cell.span())
                            .unwrap_or_else(|| format_number(value));
                        plausible(value, &text).map(|()| number_cell(&text, value))
                    }
                    toml::Value::String(s) if is_missing(s) => Ok(missing_cell()),
                    toml::Value::String(s) => Ok(text_cell(one_line(s))),
                    other => Err(format!(
                        "表格的格只能是文字或数字，这里是 {}",
                        other.type_str()
                    )),
                };
                match made {
                    Ok(c) => cells.push(c),
                    Err(msg) => {
                        self.push(src, Some(cell.span()), place, msg);
                        cells.push(missing_cell());
                    }
                }
            }
            out.push(cells);
        }
        out
    }

    /// 来自 xlsx/csv 的表格：给了表头就从第一行起都是数据，没给就取第一个非空行作表头。
    pub(super) fn grid_rows(
        &mut self,
        grid: &Grid,
        columns: Option<&[String]>,
    ) -> (Vec<String>, Vec<Vec<TableCell>>) {
        let mut rows = grid
            .rows
            .iter()
            .filter(|(_, cells)| cells.iter().any(|c| *c != Cell::Empty));
        let header: Vec<String> = match columns {
            Some(c) => c.iter().map(|h| one_line(h)).collect(),
            None => match rows.next() {
                Some((_, cells)) => {
                    let mut h: Vec<String> = cells
                        .iter()
                        .map(|c| crate::load::table::text(c).unwrap_or_default())
                        .collect();
                    while h.last().is_some_and(String::is_empty) {
                        h.pop();
                    }
                    h
                }
                None => Vec::new(),
            },
        };
        let mut out = Vec::new();
        for (row, cells) in rows {
            let used = cells
                .iter()
                .rposition(|c| *c != Cell::Empty)
                .map_or(0, |i| i + 1);
            if used > header.len() {
                self.problems.push(crate::base::diag::Problem::new(
                    grid.origin(*row, header.len()),
                    "",
                    format!("这一行有 {used} 格数据，表头只有 {} 列", header.len()),
                ));
                continue;
            }
            let mut made = Vec::new();
            for col in 0..header.len() {
                let cell = match cells.get(col).unwrap_or(&Cell::Empty) {
                    Cell::Empty => Ok(missing_cell()),
                    Cell::Number(v) => {
                        let text = format_number(*v);
                        plausible(*v, &text).map(|()| number_cell(&text, *v))
                    }
                    Cell::Text(s) => text_or_number(s),
                };
                match cell {
                    Ok(c) => made.push(c),
                    Err(msg) => {
                        self.problems.push(crate::base::diag::Problem::new(
                            grid.origin(*row, col),
                            header.get(col).cloned().unwrap_or_default(),
                            msg,
                        ));
                        made.push(missing_cell());
                    }
                }
            }
            out.push(made);
        }
        (header, out)
    }
}

/// 一列都是数字（或缺数据）且至少有一个数字时右对齐。
pub(super) fn columns(header: Vec<String>, rows: &[Vec<TableCell>]) -> Vec<TableColumn> {
    header
        .into_iter()
        .enumerate()
        .map(|(i, h)| {
            let cells: Vec<&TableCell> = rows.iter().filter_map(|r| r.get(i)).collect();
            TableColumn {
                header: h,
                numeric: cells.iter().any(|c| c.numeric)
                    && cells.iter().all(|c| c.numeric || c.missing),
            }
        })
        .collect()
}

/// 缺数据的格在数字列里也标作数字格，以便与数字同样右对齐。
pub(super) fn align_missing(columns: &[TableColumn], rows: &mut [Vec<TableCell>]) {
    for row in rows {
        for (cell, col) in row.iter_mut().zip(columns) {
            if cell.missing && col.numeric {
                cell.numeric = true;
            }
        }
    }
}

impl Cx {
    /// 各行的样式：数据点名的分项行和加粗行（序号 1 起，越界报错），以及第一格以“其中”开头的行。
    pub(super) fn row_styles(
        &mut self,
        src: &SourceFile,
        block: &crate::model::outline::Block,
        rows: &[Vec<TableCell>],
        field: &str,
        at: std::ops::Range<usize>,
    ) -> Vec<super::view::RowStyle> {
        let mut styles: Vec<super::view::RowStyle> = rows
            .iter()
            .map(|r| super::view::RowStyle {
                indent: r
                    .first()
                    .is_some_and(|c| c.text.trim_start().starts_with("其中")),
                emphasis: false,
            })
            .collect();
        for (name, list, set) in [
            ("indent", &block.indent, 0),
            ("emphasis", &block.emphasis, 1),
        ] {
            for &n in list.iter().flatten() {
                match styles.get_mut(n.wrapping_sub(1)) {
                    Some(s) if set == 0 => s.indent = true,
                    Some(s) => s.emphasis = true,
                    None => self.push(
                        src,
                        Some(at.clone()),
                        format!("{field}.{name}"),
                        format!("没有第{n}行：表格共 {} 行数据（序号从 1 起）", rows.len()),
                    ),
                }
            }
        }
        styles
    }

    /// 状态列：格子里出现滞后类的状态（滞后、严重滞后、未开工……）时标出。
    pub(super) fn mark_statuses(
        &mut self,
        src: &SourceFile,
        block: &crate::model::outline::Block,
        columns: &[TableColumn],
        rows: &mut [Vec<TableCell>],
        field: &str,
        at: std::ops::Range<usize>,
    ) {
        let Some(header) = &block.status_column else {
            return;
        };
        let Some(k) = columns.iter().position(|c| c.header == one_line(header)) else {
            let known: Vec<&str> = columns.iter().map(|c| c.header.as_str()).collect();
            self.push(
                src,
                Some(at),
                format!("{field}.status_column"),
                format!("表头中没有 “{header}”，可选：{}", known.join("、")),
            );
            return;
        };
        let lagging: Vec<&str> = super::progress::STATUSES
            .iter()
            .filter(|(_, l)| l.lagging())
            .map(|(n, _)| *n)
            .collect();
        for row in rows {
            if let Some(cell) = row.get_mut(k) {
                cell.lagging = lagging.iter().any(|s| cell.text.contains(s));
            }
        }
    }
}
