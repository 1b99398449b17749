//! 排版前的缺字检查：数据中要排印的每个字，都必须有字体包含它，否则印出来是方框。
//! 排版后还有一道检查（`inspect::missing_glyphs`），连模板里的字也一并覆盖。

use std::collections::{HashMap, HashSet};

use typst::text::FontBook;

use crate::diag::{Problem, Problems};
use crate::load::SourceFile;

/// 单个字段最多的字数：再长的文字在简报里没有意义，还会让排版耗时失控。
pub const MAX_CHARS: usize = 20_000;

/// 检查这些文件中的所有字符串值。每个缺的字只报第一次出现的位置。
pub fn check(book: &FontBook, files: &[&SourceFile]) -> Problems {
    let mut problems = Problems::default();
    let mut covered: HashMap<char, bool> = HashMap::new();
    let mut reported: HashSet<char> = HashSet::new();
    for file in files {
        for (path, span, text) in file.strings() {
            let n = text.chars().count();
            if n > MAX_CHARS {
                problems.push(Problem::new(
                    file.origin(Some(span.start..span.start + 1)),
                    path.clone(),
                    format!("文字过长（{n} 字），单个字段不能超过 {MAX_CHARS} 字"),
                ));
                continue;
            }
            // 没有转义的字符串，原文就在引号之间：可以精确指到缺的那个字。
            let inner = span.start + 1..span.end.saturating_sub(1);
            let verbatim = file.text.get(inner.clone()) == Some(text.as_str());
            for (at, c) in text.char_indices() {
                if invisible(c) {
                    continue;
                }
                let ok = *covered.entry(c).or_insert_with(|| {
                    (0..)
                        .map_while(|i| book.info(i))
                        .any(|info| info.coverage.contains(c as u32))
                });
                if ok {
                    continue;
                }
                if reported.insert(c) {
                    let place = if verbatim {
                        inner.start + at..inner.start + at + c.len_utf8()
                    } else {
                        span.clone()
                    };
                    problems.push(Problem::new(
                        file.origin(Some(place)),
                        path.clone(),
                        format!(
                            "字体中没有“{c}”（U+{:04X}），印出来会是方框。请换成字体已有的字，或用 --font-path 加入含此字的字体",
                            c as u32
                        ),
                    ));
                }
            }
        }
    }
    problems
}

/// 不占位置、不需要字形的字符：换行、制表、零宽字符、变体选择符、软连字符等。
fn invisible(c: char) -> bool {
    c.is_control()
        || matches!(c as u32, 0x00AD | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0xFE00..=0xFE0F | 0xFEFF | 0xE0100..=0xE01EF)
}
