//! 中文数字、日期与增减措辞。

use chrono::{Datelike, NaiveDate};

const DIGITS: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/// 逐位读出的年份：2023 → 二〇二三（GB/T 15835 用〇，不用零或○）。
pub fn year_digits(year: i32) -> String {
    year.to_string()
        .chars()
        .map(|c| c.to_digit(10).map_or(c, |d| DIGITS[d as usize]))
        .collect()
}

/// 1..=99 的汉字读法：12 → 十二，20 → 二十，26 → 二十六。
pub fn small_number(n: u32) -> String {
    assert!((1..100).contains(&n), "small_number 仅支持 1–99");
    let (tens, ones) = (n / 10, n % 10);
    let mut s = String::new();
    if tens > 1 {
        s.push(DIGITS[tens as usize]);
    }
    if tens > 0 {
        s.push('十');
    }
    if ones > 0 {
        s.push(DIGITS[ones as usize]);
    }
    s
}

/// 二〇二三年十二月二十六日
pub fn full_date(d: NaiveDate) -> String {
    format!("{}日", month(d) + &small_number(d.day()))
}

/// 二〇二三年十二月
pub fn month(d: NaiveDate) -> String {
    format!("{}年{}月", year_digits(d.year()), small_number(d.month()))
}

/// 2023年12月26日（正文中用阿拉伯数字的写法）
pub fn arabic_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// 完成时限的读法：12-31 → 2024年底前，06-30 → 2024年上半年，其他月末 → 2024年6月底前。
pub fn deadline(d: NaiveDate) -> String {
    let last_of_month = d.succ_opt().is_none_or(|n| n.month() != d.month());
    match (d.month(), d.day(), last_of_month) {
        (12, 31, _) => format!("{}年底前", d.year()),
        (6, 30, _) => format!("{}年上半年", d.year()),
        (m, _, true) => format!("{}年{}月底前", d.year(), m),
        _ => format!("{}前", arabic_date(d)),
    }
}

/// 二级标题序号：（一）（二）……
pub fn section_number(n: usize) -> String {
    format!("（{}）", small_number(n as u32))
}

/// 去掉条目开头的中文序数（“一要”“二是”“三要”），由排版编号取代。
/// 返回去掉序数后的文字；没有序数时原样返回。
pub fn strip_ordinal(text: &str) -> &str {
    let mut chars = text.char_indices();
    let mut end = 0;
    for (i, c) in chars.by_ref() {
        if DIGITS[1..].contains(&c) || c == '十' {
            end = i + c.len_utf8();
        } else {
            break;
        }
    }
    if end == 0 {
        return text;
    }
    let rest = &text[end..];
    for marker in ["要", "是"] {
        if let Some(r) = rest.strip_prefix(marker)
            && !r.is_empty()
        {
            return r;
        }
    }
    text
}

/// 增速措辞：4 → 增长4%，-1.2 → 下降1.2%，0 → 持平。`literal` 是原样的数字写法。
pub fn growth_phrase(value: f64, literal: &str) -> String {
    if value > 0.0 {
        format!("增长{literal}%")
    } else if value < 0.0 {
        format!("下降{}%", literal.trim_start_matches('-'))
    } else {
        "持平".to_owned()
    }
}

/// 只写方向的说法，用在主数字已是增速的指标卡片上。
pub fn growth_label(value: f64) -> &'static str {
    if value > 0.0 {
        "同比增长"
    } else if value < 0.0 {
        "同比下降"
    } else {
        "与上年持平"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn dates_use_ling_circle() {
        assert_eq!(full_date(d(2023, 12, 26)), "二〇二三年十二月二十六日");
        assert_eq!(full_date(d(2020, 1, 10)), "二〇二〇年一月十日");
        assert_eq!(month(d(2023, 12, 1)), "二〇二三年十二月");
    }

    #[test]
    fn deadlines_read_naturally() {
        assert_eq!(deadline(d(2024, 12, 31)), "2024年底前");
        assert_eq!(deadline(d(2024, 6, 30)), "2024年上半年");
        assert_eq!(deadline(d(2024, 9, 30)), "2024年9月底前");
        assert_eq!(deadline(d(2024, 9, 15)), "2024年9月15日前");
    }

    #[test]
    fn numbers_and_ordinals() {
        assert_eq!(small_number(10), "十");
        assert_eq!(small_number(11), "十一");
        assert_eq!(small_number(20), "二十");
        assert_eq!(section_number(10), "（十）");
        assert_eq!(
            strip_ordinal("一要持续提升创新平台能级。"),
            "持续提升创新平台能级。"
        );
        assert_eq!(
            strip_ordinal("三是维护社会和谐稳定。"),
            "维护社会和谐稳定。"
        );
        assert_eq!(
            strip_ordinal("树牢正确选人用人导向。"),
            "树牢正确选人用人导向。"
        );
        assert_eq!(strip_ordinal("一县十镇"), "一县十镇");
    }

    #[test]
    fn falling_rates_read_as_decline() {
        assert_eq!(growth_phrase(-1.2, "-1.2"), "下降1.2%");
        assert_eq!(growth_phrase(4.0, "4"), "增长4%");
        assert_eq!(growth_phrase(0.0, "0"), "持平");
    }
}
