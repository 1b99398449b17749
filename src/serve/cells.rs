//! 改县区表格里的一个单元格，写回它原来的文件：csv 改那一格、其余原样重写；xlsx 只改工作表 XML 中的那个
//! `<c>` 元素，别的工作表（如“说明”）、单元格格式、列宽、其余单元格原样不动——不是用另一个库把整本重新生成一遍。

use std::io::{Cursor, Read, Write};

use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};
use quick_xml::{Reader, Writer};

use crate::base::diag::column_letters;

/// 页面上填的内容：能读作数字的写成数字，空的清空，其余写成文字（`check` 随即指出哪一格不是数字）。
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Empty,
    Number(f64),
    Text(String),
}

impl Value {
    pub fn from_input(text: &str) -> Self {
        let t = text.trim();
        if t.is_empty() {
            Self::Empty
        } else {
            match t.parse::<f64>() {
                Ok(v) if v.is_finite() => Self::Number(v),
                _ => Self::Text(text.to_owned()),
            }
        }
    }

    fn as_text(&self) -> String {
        match self {
            Self::Empty => String::new(),
            Self::Number(v) => crate::base::number::format_number(*v),
            Self::Text(t) => t.clone(),
        }
    }
}

/// csv：第 `row` 行（从 1 起）第 `col` 列（从 0 起）。保留开头的 BOM 和原来的换行符。
pub fn set_csv(bytes: &[u8], row: usize, col: usize, value: &Value) -> Result<Vec<u8>, String> {
    let (bom, body) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (true, rest),
        None => (false, bytes),
    };
    let mut records: Vec<Vec<String>> = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(body)
        .records()
        .map(|r| {
            r.map(|r| r.iter().map(str::to_owned).collect())
                .map_err(|e| format!("CSV 读不懂：{e}"))
        })
        .collect::<Result<_, _>>()?;
    let index = row.checked_sub(1).ok_or("行号从 1 起")?;
    if index >= records.len() {
        records.resize(index + 1, Vec::new());
    }
    let record = &mut records[index];
    if col >= record.len() {
        record.resize(col + 1, String::new());
    }
    record[col] = value.as_text();
    let crlf = body.windows(2).any(|w| w == b"\r\n");
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .terminator(if crlf {
            csv::Terminator::CRLF
        } else {
            csv::Terminator::Any(b'\n')
        })
        .from_writer(Vec::new());
    for r in &records {
        w.write_record(r).map_err(|e| format!("写 CSV 失败：{e}"))?;
    }
    let mut out = if bom {
        b"\xEF\xBB\xBF".to_vec()
    } else {
        Vec::new()
    };
    out.extend(w.into_inner().map_err(|e| format!("写 CSV 失败：{e}"))?);
    Ok(out)
}

/// xlsx：工作表 `sheet` 第 `row` 行（从 1 起）第 `col` 列（从 0 起）。公式单元格不改（请在 Excel 中改）。
pub fn set_xlsx(
    bytes: &[u8],
    sheet: &str,
    row: usize,
    col: usize,
    value: &Value,
) -> Result<Vec<u8>, String> {
    let bad = |e: &dyn std::fmt::Display| format!("xlsx 文件读不懂：{e}");
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| bad(&e))?;
    let part = sheet_part(&mut zip, sheet)?;
    let xml = read_part(&mut zip, &part)?;
    let target = format!("{}{row}", column_letters(col));
    let new_xml = patch_sheet(&xml, row, col, &target, value)?;
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let name = zip.by_index_raw(i).map_err(|e| bad(&e))?.name().to_owned();
        if name == part {
            out.start_file(
                name.as_str(),
                zip::write::SimpleFileOptions::default()
                    .compression_method(zip::CompressionMethod::Deflated),
            )
            .map_err(|e| bad(&e))?;
            out.write_all(&new_xml).map_err(|e| bad(&e))?;
        } else {
            let file = zip.by_index_raw(i).map_err(|e| bad(&e))?;
            out.raw_copy_file(file).map_err(|e| bad(&e))?;
        }
    }
    Ok(out.finish().map_err(|e| bad(&e))?.into_inner())
}

fn read_part(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str) -> Result<Vec<u8>, String> {
    let mut f = zip
        .by_name(name)
        .map_err(|_| format!("xlsx 中缺少 {name}"))?;
    let mut buf = Vec::new();
    f.read_to_end(&mut buf)
        .map_err(|e| format!("xlsx 读不懂：{e}"))?;
    Ok(buf)
}

/// 工作表名 → 工作表 XML 在 zip 中的路径（经 workbook.xml 与它的关系文件）。
fn sheet_part(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, sheet: &str) -> Result<String, String> {
    let workbook = read_part(zip, "xl/workbook.xml")?;
    let rels = read_part(zip, "xl/_rels/workbook.xml.rels")?;
    let id = find_attr(
        &workbook,
        b"sheet",
        |e| attr(e, b"name").as_deref() == Some(sheet),
        b"r:id",
    )
    .ok_or_else(|| format!("xlsx 中没有工作表「{sheet}」"))?;
    let target = find_attr(
        &rels,
        b"Relationship",
        |e| attr(e, b"Id").as_deref() == Some(&id),
        b"Target",
    )
    .ok_or_else(|| format!("xlsx 中找不到工作表「{sheet}」的内容"))?;
    Ok(match target.strip_prefix('/') {
        Some(abs) => abs.to_owned(),
        None => format!("xl/{target}"),
    })
}

fn attr(e: &BytesStart, name: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .map(|a| {
            // calamine 打开了 quick-xml 的 encoding 特性，属性值按 UTF-8 读、再还原实体。
            let raw = String::from_utf8_lossy(&a.value).into_owned();
            quick_xml::escape::unescape(&raw).map_or(raw.clone(), |v| v.into_owned())
        })
}

/// 第一个满足条件的 `tag` 元素的属性 `want`。
fn find_attr(
    xml: &[u8],
    tag: &[u8],
    pick: impl Fn(&BytesStart) -> bool,
    want: &[u8],
) -> Option<String> {
    let mut r = Reader::from_reader(xml);
    let mut buf = Vec::new();
    loop {
        match r.read_event_into(&mut buf).ok()? {
            Event::Start(e) | Event::Empty(e)
                if e.local_name().as_ref() == local(tag) && pick(&e) =>
            {
                return attr(&e, want);
            }
            Event::Eof => return None,
            _ => {}
        }
        buf.clear();
    }
}

fn local(tag: &[u8]) -> &[u8] {
    tag.rsplit(|b| *b == b':').next().unwrap_or(tag)
}

/// 单元格引用的列号（从 0 起）：“C3” → 2。
fn column_of(reference: &str) -> Option<usize> {
    let letters: String = reference
        .chars()
        .take_while(char::is_ascii_alphabetic)
        .collect();
    if letters.is_empty() {
        return None;
    }
    Some(
        letters.bytes().fold(0usize, |n, b| {
            n * 26 + usize::from(b.to_ascii_uppercase() - b'A' + 1)
        }) - 1,
    )
}

/// 新的 `<c>`：保留原来的样式 `s`。
fn write_cell(
    w: &mut Writer<Vec<u8>>,
    target: &str,
    style: Option<&str>,
    value: &Value,
) -> Result<(), String> {
    let io = |e: std::io::Error| format!("写 xlsx 失败：{e}");
    let mut c = BytesStart::new("c");
    c.push_attribute(("r", target));
    if let Some(s) = style {
        c.push_attribute(("s", s));
    }
    match value {
        Value::Empty => w.write_event(Event::Empty(c)).map_err(io)?,
        Value::Number(v) => {
            w.write_event(Event::Start(c)).map_err(io)?;
            w.write_event(Event::Start(BytesStart::new("v")))
                .map_err(io)?;
            let text = crate::base::number::format_number(*v);
            w.write_event(Event::Text(BytesText::new(&text)))
                .map_err(io)?;
            w.write_event(Event::End(BytesEnd::new("v"))).map_err(io)?;
            w.write_event(Event::End(BytesEnd::new("c"))).map_err(io)?;
        }
        Value::Text(t) => {
            c.push_attribute(("t", "inlineStr"));
            w.write_event(Event::Start(c)).map_err(io)?;
            w.write_event(Event::Start(BytesStart::new("is")))
                .map_err(io)?;
            let mut t_el = BytesStart::new("t");
            t_el.push_attribute(("xml:space", "preserve"));
            w.write_event(Event::Start(t_el)).map_err(io)?;
            w.write_event(Event::Text(BytesText::new(t))).map_err(io)?;
            w.write_event(Event::End(BytesEnd::new("t"))).map_err(io)?;
            w.write_event(Event::End(BytesEnd::new("is"))).map_err(io)?;
            w.write_event(Event::End(BytesEnd::new("c"))).map_err(io)?;
        }
    }
    Ok(())
}

/// 把工作表 XML 中的那一格换掉（没有就按行列次序插进去），其余事件原样抄写。
fn patch_sheet(
    xml: &[u8],
    row: usize,
    col: usize,
    target: &str,
    value: &Value,
) -> Result<Vec<u8>, String> {
    let bad = |e: &dyn std::fmt::Display| format!("xlsx 工作表读不懂：{e}");
    let io = |e: std::io::Error| format!("写 xlsx 失败：{e}");
    let mut r = Reader::from_reader(xml);
    let mut w = Writer::new(Vec::new());
    let mut buf = Vec::new();
    let mut in_target_row = false;
    let mut done = false;
    // 正在跳过被换掉的那个 <c> 元素（直到它的结束标签）。
    let mut skipping = false;
    let row_attr = row.to_string();
    let new_row = |w: &mut Writer<Vec<u8>>| -> Result<(), String> {
        let mut start = BytesStart::new("row");
        start.push_attribute(("r", row_attr.as_str()));
        w.write_event(Event::Start(start)).map_err(io)?;
        write_cell(w, target, None, value)?;
        w.write_event(Event::End(BytesEnd::new("row"))).map_err(io)
    };
    loop {
        let event = r.read_event_into(&mut buf).map_err(|e| bad(&e))?;
        if skipping {
            match &event {
                Event::Start(e) if e.local_name().as_ref() == b"f" => {
                    return Err(format!("{target} 是公式，请在 Excel 中修改"));
                }
                Event::End(e) if e.local_name().as_ref() == b"c" => skipping = false,
                _ => {}
            }
            buf.clear();
            continue;
        }
        match &event {
            Event::Start(e) | Event::Empty(e) if !done && e.local_name().as_ref() == b"row" => {
                let n: usize = attr(e, b"r").and_then(|v| v.parse().ok()).unwrap_or(0);
                if n > row {
                    new_row(&mut w)?;
                    done = true;
                    w.write_event(event.borrow()).map_err(io)?;
                } else if n == row {
                    if matches!(event, Event::Empty(_)) {
                        // <row r="3"/>：展开成有这一格的行。
                        w.write_event(Event::Start(e.borrow())).map_err(io)?;
                        write_cell(&mut w, target, None, value)?;
                        w.write_event(Event::End(BytesEnd::new("row")))
                            .map_err(io)?;
                        done = true;
                    } else {
                        in_target_row = true;
                        w.write_event(event.borrow()).map_err(io)?;
                    }
                } else {
                    w.write_event(event.borrow()).map_err(io)?;
                }
            }
            Event::Start(e) | Event::Empty(e)
                if in_target_row && !done && e.local_name().as_ref() == b"c" =>
            {
                let reference = attr(e, b"r").unwrap_or_default();
                let at = column_of(&reference).unwrap_or(0);
                if reference.eq_ignore_ascii_case(target) {
                    write_cell(&mut w, target, attr(e, b"s").as_deref(), value)?;
                    done = true;
                    in_target_row = false;
                    skipping = matches!(event, Event::Start(_));
                } else if at > col {
                    write_cell(&mut w, target, None, value)?;
                    done = true;
                    in_target_row = false;
                    w.write_event(event.borrow()).map_err(io)?;
                } else {
                    w.write_event(event.borrow()).map_err(io)?;
                }
            }
            Event::End(e) if in_target_row && e.local_name().as_ref() == b"row" => {
                write_cell(&mut w, target, None, value)?;
                done = true;
                in_target_row = false;
                w.write_event(event.borrow()).map_err(io)?;
            }
            Event::End(e) if !done && e.local_name().as_ref() == b"sheetData" => {
                new_row(&mut w)?;
                done = true;
                w.write_event(event.borrow()).map_err(io)?;
            }
            Event::Empty(e) if !done && e.local_name().as_ref() == b"sheetData" => {
                w.write_event(Event::Start(e.borrow())).map_err(io)?;
                new_row(&mut w)?;
                w.write_event(Event::End(BytesEnd::new("sheetData")))
                    .map_err(io)?;
                done = true;
            }
            Event::Eof => break,
            _ => w.write_event(event.borrow()).map_err(io)?,
        }
        buf.clear();
    }
    if !done {
        return Err("xlsx 工作表中没有 sheetData，无法写入".into());
    }
    Ok(w.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book() -> Vec<u8> {
        let mut b = rust_xlsxwriter::Workbook::new();
        let s = b.add_worksheet().set_name("指标").unwrap();
        s.write_string(0, 0, "县区").unwrap();
        s.write_string(0, 1, "增速").unwrap();
        s.write_string(1, 0, "甲县").unwrap();
        s.write_number(1, 1, 1.5).unwrap();
        s.write_string(3, 0, "丙县").unwrap();
        b.add_worksheet()
            .set_name("说明")
            .unwrap()
            .write_string(0, 0, "怎么填")
            .unwrap();
        b.save_to_buffer().unwrap()
    }

    fn read(bytes: &[u8], sheet: &str) -> Vec<Vec<String>> {
        use calamine::Reader;
        let mut b = calamine::Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
        let range = b.worksheet_range(sheet).unwrap();
        range
            .rows()
            .map(|r| r.iter().map(|d| d.to_string()).collect())
            .collect()
    }

    #[test]
    fn xlsx_cells_are_replaced_or_inserted_and_the_rest_stays() {
        let b = book();
        let b = set_xlsx(&b, "指标", 2, 1, &Value::from_input("2.75")).unwrap();
        assert_eq!(read(&b, "指标")[1], vec!["甲县", "2.75"]);
        // 空行中的新格、行末的新格、全新的行。
        let b = set_xlsx(&b, "指标", 4, 1, &Value::from_input("3")).unwrap();
        let b = set_xlsx(&b, "指标", 3, 0, &Value::from_input("乙县")).unwrap();
        let b = set_xlsx(&b, "指标", 6, 1, &Value::from_input("4.5%")).unwrap();
        let rows = read(&b, "指标");
        assert_eq!(rows[2][0], "乙县");
        assert_eq!(rows[3], vec!["丙县", "3"]);
        assert_eq!(rows[5][1], "4.5%");
        assert_eq!(read(&b, "说明")[0], vec!["怎么填"], "别的工作表不动");
        assert!(set_xlsx(&b, "没有", 1, 1, &Value::Empty).is_err());
    }

    #[test]
    fn csv_cells_keep_the_bom_and_line_ends() {
        let src = "\u{feff}县区,增速\r\n甲县,1.5\r\n".as_bytes();
        let out = set_csv(src, 2, 1, &Value::from_input("2")).unwrap();
        assert_eq!(out, "\u{feff}县区,增速\r\n甲县,2\r\n".as_bytes());
        let out = set_csv(b"a,b\n", 2, 2, &Value::from_input("x,y")).unwrap();
        assert_eq!(out, b"a,b\n,,\"x,y\"\n");
    }
}
