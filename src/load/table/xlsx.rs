//! calamine 不提供的 xlsx 信息：每个单元格的数字格式（百分比、小数位数）、没有保存结果的公式、合并单元格。
//! 直接读 xlsx 压缩包里的 XML：workbook.xml 找到工作表文件，styles.xml 给出格式，工作表 XML 给出单元格。

use std::collections::HashMap;
use std::io::{BufReader, Read};
use std::path::Path;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

/// 一种数字格式中与读数有关的部分。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NumberFormat {
    /// 显示为百分比（单元格里的 0.026 显示为 2.6%）。
    pub percent: bool,
    /// 显示的小数位数；“常规”等没有固定位数时为 None。
    pub decimals: Option<usize>,
}

/// 合并区：行号从 1 起、列号从 0 起（与 `Grid` 一致），含两端。
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Merge {
    pub top: usize,
    pub left: usize,
    pub bottom: usize,
    pub right: usize,
}

#[derive(Debug, Default)]
pub struct Extras {
    /// (行, 列) → 格式；只记有固定小数位或百分比的单元格。
    pub formats: HashMap<(usize, usize), NumberFormat>,
    /// 没有保存计算结果的公式：(行, 列, 公式)。
    pub uncached: Vec<(usize, usize, String)>,
    pub merges: Vec<Merge>,
}

/// 压缩包里单个部分解压后的上限：县区表格、数据表格的工作表和共享字符串远用不到这么多；
/// 一个 1 MB 的 xlsx 可以装下解压后 1 GB 的文字，不先看一眼就交给 calamine，内存会涨到几 GB。
pub const MAX_PART_BYTES: u64 = 64 << 20;

/// 解压后超过上限的部分：(部分的名字, 解压后的字节数)。不是 zip（由 calamine 报错）时为 None。
/// 只看压缩包目录里登记的大小，不解压。
pub fn oversized(path: &Path) -> Option<(String, u64)> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).ok()?).ok()?;
    (0..zip.len()).find_map(|i| {
        let part = zip.by_index_raw(i).ok()?;
        (part.size() > MAX_PART_BYTES).then(|| (part.name().to_owned(), part.size()))
    })
}

/// 读一个工作表的附加信息；不是 xlsx/xlsm，或结构不认识时为 None（调用者按没有格式处理）。
pub fn read(path: &Path, sheet: &str) -> Option<Extras> {
    let ext = path.extension()?.to_str()?.to_lowercase();
    if ext != "xlsx" && ext != "xlsm" {
        return None;
    }
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).ok()?).ok()?;
    let sheet_path = sheet_path(&mut zip, sheet)?;
    let styles = entry(&mut zip, "xl/styles.xml")
        .map(|x| styles(&x))
        .unwrap_or_default();
    let file = zip.by_name(&sheet_path).ok()?;
    Some(cells(BufReader::new(file), &styles))
}

fn entry<R: Read + std::io::Seek>(zip: &mut zip::ZipArchive<R>, name: &str) -> Option<String> {
    let mut s = String::new();
    zip.by_name(name).ok()?.read_to_string(&mut s).ok()?;
    Some(s)
}

fn attr(e: &BytesStart, name: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .map(|a| {
            let raw = String::from_utf8_lossy(&a.value).into_owned();
            quick_xml::escape::unescape(&raw).map_or(raw.clone(), |v| v.into_owned())
        })
}

/// 工作表名 → 压缩包内的 XML 文件名。
fn sheet_path<R: Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
    sheet: &str,
) -> Option<String> {
    let workbook = entry(zip, "xl/workbook.xml")?;
    let mut rid = None;
    let mut reader = Reader::from_str(&workbook);
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) | Event::Empty(e)
                if e.local_name().as_ref() == b"sheet"
                    && attr(&e, b"name").as_deref() == Some(sheet) =>
            {
                rid = attr(&e, b"id");
                break;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let rid = rid?;
    let rels = entry(zip, "xl/_rels/workbook.xml.rels")?;
    let mut reader = Reader::from_str(&rels);
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) | Event::Empty(e)
                if e.local_name().as_ref() == b"Relationship"
                    && attr(&e, b"Id").as_deref() == Some(rid.as_str()) =>
            {
                let target = attr(&e, b"Target")?;
                return Some(match target.strip_prefix('/') {
                    Some(abs) => abs.to_owned(),
                    None => format!("xl/{target}"),
                });
            }
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// styles.xml：cellXfs 中第 i 个样式的数字格式。
fn styles(xml: &str) -> Vec<NumberFormat> {
    let mut custom: HashMap<u32, String> = HashMap::new();
    let mut ids = Vec::new();
    let mut in_xfs = false;
    let mut reader = Reader::from_str(xml);
    while let Ok(event) = reader.read_event() {
        match event {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"numFmt" => {
                if let (Some(id), Some(code)) = (attr(&e, b"numFmtId"), attr(&e, b"formatCode"))
                    && let Ok(id) = id.parse()
                {
                    custom.insert(id, code);
                }
            }
            Event::Start(e) if e.local_name().as_ref() == b"cellXfs" => in_xfs = true,
            Event::End(e) if e.local_name().as_ref() == b"cellXfs" => in_xfs = false,
            Event::Start(e) | Event::Empty(e) if in_xfs && e.local_name().as_ref() == b"xf" => {
                ids.push(
                    attr(&e, b"numFmtId")
                        .and_then(|v| v.parse::<u32>().ok())
                        .unwrap_or(0),
                );
            }
            Event::Eof => break,
            _ => {}
        }
    }
    ids.iter()
        .map(|id| match custom.get(id) {
            Some(code) => analyse(code),
            None => builtin(*id),
        })
        .collect()
}

/// Excel 内置的数字格式。
fn builtin(id: u32) -> NumberFormat {
    let fixed = |decimals| NumberFormat {
        percent: false,
        decimals: Some(decimals),
    };
    match id {
        1 | 3 | 37 | 38 => fixed(0),
        2 | 4 | 39 | 40 => fixed(2),
        9 => NumberFormat {
            percent: true,
            decimals: Some(0),
        },
        10 => NumberFormat {
            percent: true,
            decimals: Some(2),
        },
        _ => NumberFormat::default(),
    }
}

/// 自定义格式代码（只看第一节，即正数的格式）：有没有 %，小数点后有几位 0/#/?。
pub fn analyse(code: &str) -> NumberFormat {
    let mut plain = String::new();
    let mut chars = code.chars();
    let mut quoted = false;
    let mut bracket = false;
    while let Some(c) = chars.next() {
        match c {
            '"' => quoted = !quoted,
            _ if quoted => {}
            '\\' | '_' | '*' => {
                chars.next();
            }
            '[' => bracket = true,
            ']' => bracket = false,
            _ if bracket => {}
            ';' => break,
            _ => plain.push(c),
        }
    }
    if plain.eq_ignore_ascii_case("general") || plain.contains(['E', 'e', '@', '/']) {
        return NumberFormat::default();
    }
    if !plain.contains(['0', '#', '?']) {
        return NumberFormat::default();
    }
    let decimals = match plain.split_once('.') {
        Some((_, after)) => after
            .chars()
            .take_while(|c| matches!(c, '0' | '#' | '?' | ','))
            .filter(|c| *c != ',')
            .count(),
        None => 0,
    };
    NumberFormat {
        percent: plain.contains('%'),
        decimals: Some(decimals),
    }
}

/// “B5” → (5, 1)。
fn parse_ref(r: &str) -> Option<(usize, usize)> {
    let split = r.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = r.split_at(split);
    if letters.is_empty() {
        return None;
    }
    let mut col = 0usize;
    for c in letters.bytes() {
        if !c.is_ascii_uppercase() {
            return None;
        }
        col = col * 26 + usize::from(c - b'A' + 1);
    }
    Some((digits.parse().ok()?, col - 1))
}

fn cells<R: std::io::BufRead>(source: R, styles: &[NumberFormat]) -> Extras {
    let mut extras = Extras::default();
    let mut reader = Reader::from_reader(source);
    let mut buf = Vec::new();
    // 当前单元格：(位置, 有公式, 有值, 公式文字)。
    let mut current: Option<((usize, usize), bool, bool, String)> = None;
    let mut in_formula = false;
    let mut in_value = false;
    while let Ok(event) = reader.read_event_into(&mut buf) {
        let start = matches!(event, Event::Start(_));
        match &event {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"c" => {
                let at = attr(e, b"r").as_deref().and_then(parse_ref);
                if let Some(at) = at
                    && let Some(format) = attr(e, b"s")
                        .and_then(|s| s.parse::<usize>().ok())
                        .and_then(|s| styles.get(s))
                    && *format != NumberFormat::default()
                {
                    extras.formats.insert(at, *format);
                }
                // 自闭合的 <c/> 没有内容，不会有 End 事件。
                if start {
                    current = at.map(|at| (at, false, false, String::new()));
                }
            }
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"f" => {
                if let Some(c) = current.as_mut() {
                    c.1 = true;
                }
                in_formula = start;
            }
            Event::End(e) if e.local_name().as_ref() == b"f" => in_formula = false,
            Event::Text(t) if in_formula => {
                if let (Some(c), Ok(text)) = (current.as_mut(), t.decode()) {
                    c.3.push_str(&text);
                }
            }
            // 有的程序给没算过的公式写一个空的 <v/> 或 <v></v>：只有里面有文字才算保存了结果。
            Event::Start(e) if e.local_name().as_ref() == b"v" => in_value = true,
            Event::End(e) if e.local_name().as_ref() == b"v" => in_value = false,
            Event::Text(t) if in_value && !t.is_empty() => {
                if let Some(c) = current.as_mut() {
                    c.2 = true;
                }
            }
            Event::End(e) if e.local_name().as_ref() == b"c" => {
                if let Some(((row, col), true, false, formula)) = current.take() {
                    extras.uncached.push((row, col, formula));
                }
            }
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"mergeCell" => {
                if let Some(r) = attr(e, b"ref")
                    && let Some((a, b)) = r.split_once(':')
                    && let (Some((top, left)), Some((bottom, right))) = (parse_ref(a), parse_ref(b))
                {
                    extras.merges.push(Merge {
                        top,
                        left,
                        bottom,
                        right,
                    });
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    extras
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_codes() {
        let f = |code| analyse(code);
        assert_eq!(
            f("0.0%"),
            NumberFormat {
                percent: true,
                decimals: Some(1)
            }
        );
        assert_eq!(f("#,##0.00"), builtin(4));
        assert_eq!(f("0.00_);[Red]\\(0.00\\)").decimals, Some(2));
        assert_eq!(f("General"), NumberFormat::default());
        assert_eq!(f("yyyy-mm-dd"), NumberFormat::default());
        assert!(!f("\"增长\"0.0\"%\"").percent);
        assert_eq!(parse_ref("AB12"), Some((12, 27)));
    }
}
