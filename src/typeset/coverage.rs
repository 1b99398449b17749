//! 缺字检查：要排印的每个字都必须有字体包含它，否则印出来是方框。
//! 这里只回答“哪些字没有字体”；把它们指到数据文件的行列由上层（`project`）负责。
//! 排版后还有一道检查（`inspect::missing_glyphs`），连模板里的字也一并覆盖。

use std::collections::HashMap;

use typst::text::FontBook;

/// 单个字段最多的字数：再长的文字在简报里没有意义，还会让排版耗时失控。
pub const MAX_CHARS: usize = 20_000;

/// 每个字体包含的码位，排成有序的区间：typst 的覆盖表只能从头逐段找，查一个汉字要上万条指令，
/// 整份数据逐字查下来要几千万条；区间上二分查找只要几十条。建一次约几百万条指令。
pub struct Index(Vec<Vec<(u32, u32)>>);

impl Index {
    pub fn new(book: &FontBook) -> Self {
        Self(
            (0..)
                .map_while(|i| book.info(i))
                .map(|info| ranges(info.coverage.iter()))
                .collect(),
        )
    }

    /// 第 `font` 个字体有没有这个字。
    pub fn font_covers(&self, font: usize, c: char) -> bool {
        let Some(ranges) = self.0.get(font) else {
            return false;
        };
        let c = c as u32;
        let i = ranges.partition_point(|&(_, end)| end < c);
        ranges.get(i).is_some_and(|&(start, _)| start <= c)
    }

    /// 有没有任何字体有这个字。
    pub fn any_covers(&self, c: char) -> bool {
        (0..self.0.len()).any(|font| self.font_covers(font, c))
    }
}

/// 递增的码位并成区间。
fn ranges(codepoints: impl Iterator<Item = u32>) -> Vec<(u32, u32)> {
    let mut out: Vec<(u32, u32)> = Vec::new();
    for c in codepoints {
        match out.last_mut() {
            Some((_, end)) if *end + 1 == c => *end = c,
            _ => out.push((c, c)),
        }
    }
    out
}

/// 记住每个字查过的结果：同一个字在数据中出现千百次，只查一次字体。
pub struct Coverage<'a> {
    index: &'a Index,
    known: HashMap<char, bool>,
}

impl<'a> Coverage<'a> {
    pub fn new(index: &'a Index) -> Self {
        Self {
            index,
            known: HashMap::new(),
        }
    }

    /// 文字中没有任何字体包含的字：(字节位置, 字)。
    pub fn missing(&mut self, text: &str) -> Vec<(usize, char)> {
        let index = self.index;
        text.char_indices()
            .filter(|(_, c)| !invisible(*c))
            .filter(|(_, c)| !*self.known.entry(*c).or_insert_with(|| index.any_covers(*c)))
            .collect()
    }
}

/// 不占位置、不需要字形的字符：换行、制表、零宽字符、变体选择符、软连字符等。
fn invisible(c: char) -> bool {
    c.is_control()
        || matches!(c as u32, 0x00AD | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0xFE00..=0xFE0F | 0xFEFF | 0xE0100..=0xE01EF)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 区间表与 typst 自己的覆盖表逐字一致（随附的全部字体，基本平面与扩展区每隔几个码位取一个）。
    #[test]
    fn the_range_index_answers_like_the_font_coverage() {
        let fonts = crate::typeset::fonts::load(&[]).unwrap();
        let book = fonts.book();
        let index = Index::new(book);
        let mut checked = 0;
        for (font, info) in (0..).map_while(|i| book.info(i)).enumerate() {
            for c in (0..0x3_0000u32).step_by(3).filter_map(char::from_u32) {
                assert_eq!(
                    index.font_covers(font, c),
                    info.coverage.contains(c as u32),
                    "字体 {font}（{}）U+{:04X}",
                    info.family,
                    c as u32
                );
                checked += 1;
            }
        }
        assert!(checked > 100_000, "{checked}");
        assert!(index.any_covers('中'));
    }
}
