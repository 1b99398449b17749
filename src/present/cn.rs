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
    // 先去掉“（一）”“一、”“1.”“1、”“第一，”这类编号。
    let numbered = strip_numbering(text);
    if numbered.len() != text.len() {
        return numbered;
    }
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

/// 去掉开头的“（一）”“一、”“1.”“1、”“第一，”；没有时原样返回。
fn strip_numbering(text: &str) -> &str {
    let is_num = |c: char| c.is_ascii_digit() || DIGITS[1..].contains(&c) || c == '十';
    let t = text.trim_start();
    let rest = if let Some(r) = t.strip_prefix('（').or_else(|| t.strip_prefix('(')) {
        let inner = r.trim_start_matches(is_num);
        if inner.len() == r.len() {
            return text;
        }
        match inner.strip_prefix('）').or_else(|| inner.strip_prefix(')')) {
            Some(r) => r,
            None => return text,
        }
    } else {
        let body = t.strip_prefix('第').unwrap_or(t);
        let inner = body.trim_start_matches(is_num);
        if inner.len() == body.len() {
            return text;
        }
        let sep = ['、', '.', '．', '，'];
        match inner.strip_prefix(sep) {
            // “1.5倍”不是编号：点后紧跟数字的不去掉。
            Some(r) if !r.starts_with(|c: char| c.is_ascii_digit()) => r,
            _ => return text,
        }
    };
    let rest = rest.trim_start();
    if rest.is_empty() { text } else { rest }
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

/// 只写方向的说法，用在主数字已是增速的指标卡片上；预期目标写“预期增长”。
pub fn growth_label(value: f64, goal: bool) -> &'static str {
    match (goal, value) {
        (true, v) if v < 0.0 => "预期下降",
        (true, _) => "预期增长",
        (false, v) if v > 0.0 => "同比增长",
        (false, v) if v < 0.0 => "同比下降",
        _ => "与上年持平",
    }
}

/// 带比较基准的增速措辞：同比增长4%、同比下降1.2%、同比持平；基准为空时同 [`growth_phrase`]。
pub fn growth_with_basis(value: f64, literal: &str, basis: &str) -> String {
    if value == 0.0 {
        level_phrase(basis)
    } else {
        format!("{basis}{}", growth_phrase(value, literal))
    }
}

/// 增速为零的说法，随比较基准：同比持平 / 与上年持平（比上年） / 持平（不写基准）。
pub fn level_phrase(basis: &str) -> String {
    match basis.trim() {
        "" => "持平".to_owned(),
        b if b.starts_with(['比', '较']) => format!(
            "与{}持平",
            &b[b.char_indices().nth(1).map_or(b.len(), |(i, _)| i)..]
        ),
        b => format!("{b}持平"),
    }
}

/// 按层级编号：2 级（一），3 级 1.，4 级（1），5 级 ①，更深为 (1)。
pub fn level_number(level: usize, n: usize) -> String {
    match level {
        0 | 1 => format!("{}、", small_number(n.min(99) as u32)),
        2 => section_number(n.min(99)),
        3 => format!("{n}."),
        4 => format!("（{n}）"),
        5 if n <= 20 => char::from_u32(0x2460 + n as u32 - 1)
            .expect("①–⑳ 都是合法字符")
            .to_string(),
        _ => format!("({n})"),
    }
}

/// 限定语放在数字的哪一边。
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Qualifier {
    /// 数字之前，如“突破”“不低于”。
    Before(String),
    /// 数字之后，如“以上”“左右”。
    After(String),
    /// 两边都有，如“控制在…以内”。
    Around(String, String),
}

/// 放在数字之后的限定语。
pub const QUALIFIERS_AFTER: &[&str] = &["以上", "以下", "以内", "左右", "上下", "及以上", "及以下"];
/// 放在数字之前的限定语。
pub const QUALIFIERS_BEFORE: &[&str] = &[
    "突破",
    "不低于",
    "不少于",
    "不高于",
    "不超过",
    "超过",
    "高于",
    "低于",
    "力争",
    "争取",
    "达到",
    "控制在",
    "保持在",
    "确保",
    "约",
];

impl Qualifier {
    /// 认得的限定语，或用“…”标出数字位置的写法；其他写法报错，免得限定语被放错边而改了意思。
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if let Some((before, after)) = s.split_once('…') {
            let after = after.trim_start_matches('…');
            return Ok(Qualifier::Around(before.to_owned(), after.to_owned()));
        }
        if QUALIFIERS_AFTER.contains(&s) {
            return Ok(Qualifier::After(s.to_owned()));
        }
        if QUALIFIERS_BEFORE.contains(&s) {
            return Ok(Qualifier::Before(s.to_owned()));
        }
        Err(format!(
            "不认得限定语 “{s}”。数字之后的可写：{}；数字之前的可写：{}；其他说法用 … 代表数字，如 \"控制在…以内\"",
            QUALIFIERS_AFTER.join("、"),
            QUALIFIERS_BEFORE.join("、")
        ))
    }

    pub fn before(&self) -> &str {
        match self {
            Qualifier::Before(b) | Qualifier::Around(b, _) => b,
            Qualifier::After(_) => "",
        }
    }

    pub fn after(&self) -> &str {
        match self {
            Qualifier::After(a) | Qualifier::Around(_, a) => a,
            Qualifier::Before(_) => "",
        }
    }
}

/// 与前一时期比较的说法：比1—9月加快0.5个百分点 / 较上月累计回落0.3个百分点 / 与1—9月持平。
pub fn change_phrase(value: f64, literal: &str, base: &str, words: (&str, &str)) -> String {
    let base = base.trim();
    let prep = if base.starts_with('比') || base.starts_with('较') {
        ""
    } else {
        "比"
    };
    let abs = literal.trim_start_matches('-');
    if value > 0.0 {
        format!("{prep}{base}{}{abs}个百分点", words.0)
    } else if value < 0.0 {
        format!("{prep}{base}{}{abs}个百分点", words.1)
    } else {
        let base = base.trim_start_matches(['比', '较']);
        format!("与{base}持平")
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
        assert_eq!(strip_ordinal("（二）把握好立与破"), "把握好立与破");
        assert_eq!(strip_ordinal("3. 抓好项目"), "抓好项目");
        assert_eq!(strip_ordinal("第一，稳增长"), "稳增长");
        assert_eq!(strip_ordinal("1.5倍于去年"), "1.5倍于去年");
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

#[cfg(test)]
mod wording_tests {
    use super::*;

    #[test]
    fn numbering_follows_the_level() {
        assert_eq!(level_number(2, 3), "（三）");
        assert_eq!(level_number(3, 3), "3.");
        assert_eq!(level_number(4, 3), "（3）");
        assert_eq!(level_number(5, 3), "③");
        assert_eq!(level_number(5, 21), "(21)");
    }

    #[test]
    fn qualifiers_go_on_the_right_side() {
        assert_eq!(
            Qualifier::parse("以上"),
            Ok(Qualifier::After("以上".into()))
        );
        assert_eq!(
            Qualifier::parse("突破"),
            Ok(Qualifier::Before("突破".into()))
        );
        assert_eq!(
            Qualifier::parse("控制在…以内"),
            Ok(Qualifier::Around("控制在".into(), "以内".into()))
        );
        assert!(Qualifier::parse("大约是").unwrap_err().contains("…"));
    }

    #[test]
    fn changes_read_as_faster_or_slower() {
        let w = ("加快", "回落");
        assert_eq!(
            change_phrase(0.5, "0.5", "1—9月", w),
            "比1—9月加快0.5个百分点"
        );
        assert_eq!(
            change_phrase(-0.3, "-0.3", "较上月", w),
            "较上月回落0.3个百分点"
        );
        assert_eq!(change_phrase(0.0, "0", "1—9月", w), "与1—9月持平");
    }
}
