//! 把叙述文字切成“普通文字 / 数字”片段，模板据此突出数字；文字本身一字不改。

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Segment {
    pub text: String,
    /// 这一段是不是要突出的数字（含紧随的单位）。
    pub figure: bool,
}

/// 紧跟数字、一起突出的单位，长的在前以便最长匹配。
const UNITS: &[&str] = &[
    "个百分点",
    "亿元",
    "万元",
    "万人",
    "万户",
    "万个",
    "亿斤",
    "公里",
    "%",
    "元",
    "人",
    "户",
    "家",
    "个",
    "所",
    "条",
    "处",
    "项",
    "位",
    "斤",
    "倍",
    "年",
];

pub fn segments(text: &str) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    let mut push = |s: &str, figure: bool| {
        if s.is_empty() {
            return;
        }
        match out.last_mut() {
            Some(last) if last.figure == figure => last.text.push_str(s),
            _ => out.push(Segment {
                text: s.to_owned(),
                figure,
            }),
        }
    };
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut plain_start = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() || (i > 0 && is_word_byte(bytes[i - 1])) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if i + 1 < bytes.len() && bytes[i] == b'.' && bytes[i + 1].is_ascii_digit() {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
        }
        let rest = &text[i..];
        // 年份、月日、编号（5A、3+4+N）不是统计数字。
        let digits = &text[start..i];
        let is_year = digits.len() == 4 && rest.starts_with('年');
        let is_date = rest.starts_with(['月', '日', '至']);
        let is_code = rest.starts_with(|c: char| c.is_ascii_alphabetic() || c == '+');
        if is_year || is_date || is_code || is_period(rest) {
            continue;
        }
        let unit = UNITS
            .iter()
            .find(|u| rest.starts_with(**u))
            .map_or(0, |u| u.len());
        push(&text[plain_start..start], false);
        push(&text[start..i + unit], true);
        i += unit;
        plain_start = i;
    }
    push(&text[plain_start..], false);
    out
}

/// 统计期的开头（1—9月、1-11月、2022～2023年）：数字后面是连接号，再是带年月日的数字。
fn is_period(rest: &str) -> bool {
    let Some(after) = rest.strip_prefix(['—', '-', '～', '~', '–']) else {
        return false;
    };
    let after = after.trim_start_matches('—');
    let tail = after.trim_start_matches(|c: char| c.is_ascii_digit());
    tail.len() < after.len() && tail.starts_with(['月', '日', '年'])
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'.' || b == b'+'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures(text: &str) -> Vec<String> {
        segments(text)
            .into_iter()
            .filter(|s| s.figure)
            .map(|s| s.text)
            .collect()
    }

    #[test]
    fn highlights_figures_with_units() {
        assert_eq!(
            figures("国家科技型中小企业达到513家，比去年增长19.3%。"),
            ["513家", "19.3%"]
        );
        assert_eq!(
            figures("863个省市重点项目完成投资3855.6亿元"),
            ["863个", "3855.6亿元"]
        );
    }

    #[test]
    fn leaves_years_dates_and_codes_alone() {
        assert!(figures("金振源电子科技有限公司于2023年4月荣获省长质量奖").is_empty());
        assert!(figures("构建“3+4+N”制造业体系，创建国家5A级旅游景区").is_empty());
        assert_eq!(figures("连续8年稳定在140亿斤以上"), ["8年", "140亿斤"]);
        assert_eq!(figures("1—9月增长7.1%，1-11月增长6.5%"), ["7.1%", "6.5%"]);
    }

    #[test]
    fn text_round_trips() {
        let t = "1至11月，全市实际利用省外资金838.1亿元，同比增长8.63%，总量居全省第3位。";
        let joined: String = segments(t).into_iter().map(|s| s.text).collect();
        assert_eq!(joined, t);
    }
}
