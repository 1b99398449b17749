//! 面向用户的问题报告：`文件:行:列 字段：说明`，并附上出错的源代码行。

use std::fmt::{self, Write as _};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// 问题出在哪里。
#[derive(Debug, Clone)]
pub enum Origin {
    /// 文本文件（TOML、CSV、模板）中的一段字节。
    Text {
        file: PathBuf,
        source: Arc<str>,
        span: Option<Range<usize>>,
    },
    /// 表格中的一个单元格：行号从 1 起，列为字母（A、B……）。
    Cell {
        file: PathBuf,
        sheet: Option<String>,
        row: usize,
        column: usize,
    },
    /// 整个文件（如文件不存在）。
    File(PathBuf),
    /// 与文件无关（如命令行参数）。
    None,
}

impl Origin {
    /// 位置：`文件:行:列 `、`文件 工作表「…」第N行 C列 `、`文件 `；与文件无关时为空。
    pub fn place(&self) -> String {
        let mut s = String::new();
        match self {
            Origin::Text { file, source, span } => {
                let _ = write!(s, "{}", file.display());
                if let Some(span) = span {
                    let (line, col) = line_col(source, span.start);
                    let _ = write!(s, ":{line}:{col}");
                }
                s.push(' ');
            }
            Origin::Cell {
                file,
                sheet,
                row,
                column,
            } => {
                let _ = write!(s, "{}", file.display());
                match sheet {
                    Some(sheet) => {
                        let _ = write!(s, " 工作表「{sheet}」");
                    }
                    None => s.push(' '),
                }
                let _ = write!(s, "第{row}行 {}列 ", column_letters(*column));
            }
            Origin::File(file) => {
                let _ = write!(s, "{} ", file.display());
            }
            Origin::None => {}
        }
        s
    }
}

/// 一个数据问题。
#[derive(Debug, Clone)]
pub struct Problem {
    pub origin: Origin,
    /// 字段路径，如 `indicators[3].growth`；可为空。
    pub field: String,
    pub message: String,
}

impl Problem {
    pub fn new(origin: Origin, field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            origin,
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn in_file(file: &Path, message: impl Into<String>) -> Self {
        Self::new(Origin::File(file.to_owned()), "", message)
    }

    /// 第一行：`文件:行:列 字段：说明`。
    pub fn headline(&self) -> String {
        let mut s = self.origin.place();
        if !self.field.is_empty() {
            s.push_str(&self.field);
            s.push('：');
        }
        s.push_str(&self.message);
        s
    }

    /// 源代码摘录：行号、该行原文和指向出错位置的 ^^^。
    pub fn snippet(&self) -> Option<String> {
        let Origin::Text {
            source,
            span: Some(span),
            ..
        } = &self.origin
        else {
            return None;
        };
        Some(snippet(source, span.clone()))
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.headline())?;
        if let Some(snippet) = self.snippet() {
            write!(f, "{snippet}")?;
        }
        Ok(())
    }
}

/// 多个问题；一次运行报告全部问题，而不只是第一个。
#[derive(Debug, Default)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    pub fn push(&mut self, p: Problem) {
        self.0.push(p);
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// 最多列出这么多个问题：几十万行坏数据不应变成几十兆的报错。
pub const MAX_SHOWN: usize = 200;

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for p in self.0.iter().take(MAX_SHOWN) {
            writeln!(f, "{p}")?;
        }
        if self.0.len() > MAX_SHOWN {
            writeln!(
                f,
                "……另有 {} 个问题未列出（只列出前 {MAX_SHOWN} 个）。",
                self.0.len() - MAX_SHOWN
            )?;
        }
        write!(f, "共发现 {} 个问题。", self.0.len())
    }
}

impl std::error::Error for Problems {}

/// 操作系统错误的中文说明，原文附在括号里（便于搜索和报告）：“没有权限（Permission denied (os error 13)）”。
pub fn os_error(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    let zh = match e.kind() {
        NotFound => "文件或目录不存在",
        PermissionDenied => "没有权限",
        AlreadyExists => "已经存在",
        IsADirectory => "这是一个目录，不是文件",
        NotADirectory => "路径中有一段是文件，不是目录",
        DirectoryNotEmpty => "目录不是空的",
        StorageFull => "磁盘已满",
        QuotaExceeded => "超出磁盘配额",
        ReadOnlyFilesystem => "文件系统是只读的",
        InvalidFilename => "文件名太长或含有不允许的字符",
        FileTooLarge => "文件太大",
        ResourceBusy => "文件或设备正忙",
        CrossesDevices => "不能跨磁盘改名",
        TooManyLinks => "链接过多",
        OutOfMemory => "内存不足",
        Interrupted => "操作被中断",
        TimedOut => "超时",
        WouldBlock => "资源暂时不可用",
        InvalidData => "内容无效",
        UnexpectedEof => "文件意外结束",
        _ => "系统错误",
    };
    format!("{zh}（{e}）")
}

/// 1 起的行号和列号（列按字符计，一个汉字算一列）。
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(source, offset);
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = source[line_start..offset].chars().count() + 1;
    (line, col)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn snippet(source: &str, span: Range<usize>) -> String {
    let start = floor_char_boundary(source, span.start);
    let (line, col) = line_col(source, start);
    let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = source[start..]
        .find('\n')
        .map_or(source.len(), |i| start + i);
    let text = source[line_start..line_end].trim_end_matches('\r');
    let end = floor_char_boundary(source, span.end.clamp(start, line_end));
    let width = source[start..end]
        .chars()
        .map(display_width)
        .sum::<usize>()
        .max(1);
    let indent: usize = text.chars().take(col - 1).map(display_width).sum();
    let gutter = line.to_string().len();
    format!(
        "{:gutter$} |\n{line} | {text}\n{:gutter$} | {}{}\n",
        "",
        "",
        " ".repeat(indent),
        "^".repeat(width)
    )
}

/// 终端里汉字和全角符号占两列。
pub fn display_width(c: char) -> usize {
    match c as u32 {
        0x1100..=0x115F
        | 0x2E80..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x1F300..=0x1FAFF
        | 0x20000..=0x3FFFD => 2,
        _ => 1,
    }
}

/// 0 起的列号转为 Excel 列字母：0 → A，27 → AB。
pub fn column_letters(mut column: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (column % 26) as u8);
        if column < 26 {
            break;
        }
        column = column / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).expect("ASCII")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(3), "D");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
    }

    #[test]
    fn headline_and_snippet_point_at_the_value() {
        let src: Arc<str> = "[[indicators]]\nname = \"工业\"\ngrowth = \"1.7%\"\n".into();
        let start = src.find("\"1.7%\"").unwrap();
        let p = Problem::new(
            Origin::Text {
                file: "x.toml".into(),
                source: src.clone(),
                span: Some(start..start + 6),
            },
            "indicators[0].growth",
            "应为数字",
        );
        assert_eq!(p.headline(), "x.toml:3:10 indicators[0].growth：应为数字");
        assert!(
            p.snippet()
                .unwrap()
                .contains("3 | growth = \"1.7%\"\n  |          ^^^^^^")
        );
    }
}
