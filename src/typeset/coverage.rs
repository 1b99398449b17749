//! 缺字检查：要排印的每个字都必须有字体包含它，否则印出来是方框。
//! 这里只回答“哪些字没有字体”；把它们指到数据文件的行列由上层（`project`）负责。
//! 排版后还有一道检查（`inspect::missing_glyphs`），连模板里的字也一并覆盖。

use std::collections::HashMap;

use typst::text::FontBook;

/// 单个字段最多的字数：再长的文字在简报里没有意义，还会让排版耗时失控。
pub const MAX_CHARS: usize = 20_000;

/// 记住每个字查过的结果：同一个字在数据中出现千百次，只查一次字体。
pub struct Coverage<'a> {
    book: &'a FontBook,
    known: HashMap<char, bool>,
}

impl<'a> Coverage<'a> {
    pub fn new(book: &'a FontBook) -> Self {
        Self {
            book,
            known: HashMap::new(),
        }
    }

    /// 文字中没有任何字体包含的字：(字节位置, 字)。
    pub fn missing(&mut self, text: &str) -> Vec<(usize, char)> {
        let book = self.book;
        text.char_indices()
            .filter(|(_, c)| !invisible(*c))
            .filter(|(_, c)| {
                !*self.known.entry(*c).or_insert_with(|| {
                    (0..)
                        .map_while(|i| book.info(i))
                        .any(|info| info.coverage.contains(*c as u32))
                })
            })
            .collect()
    }
}

/// 不占位置、不需要字形的字符：换行、制表、零宽字符、变体选择符、软连字符等。
fn invisible(c: char) -> bool {
    c.is_control()
        || matches!(c as u32, 0x00AD | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0xFE00..=0xFE0F | 0xFEFF | 0xE0100..=0xE01EF)
}
