//! 数字的写法：没有原样写法时（如来自 Excel 的数字）怎么写，以及小数位数。

/// 最短写法：4 → "4"，11.46 → "11.46"。
pub fn format_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// 定位小数：负数舍入成零时不带负号（-0.04 取一位小数是 “0.0”，不是 “-0.0”）。
pub fn fixed(v: f64, decimals: usize) -> String {
    unsigned_zero(&format!("{v:.decimals$}")).to_owned()
}

/// 写成零的数不带负号：“-0.0” → “0.0”，“-0” → “0”。带负号的零在卡片、图、表和一页纸上
/// 都会读成“下降”，而数据的意思是持平。
pub fn unsigned_zero(text: &str) -> &str {
    match text.strip_prefix('-') {
        Some(rest)
            if rest.bytes().any(|b| b == b'0') && rest.bytes().all(|b| b == b'0' || b == b'.') =>
        {
            rest
        }
        _ => text,
    }
}

/// 零不分正负：JSON 里 -0.0 会写成 “-0.0”。
pub fn unsigned_zero_value(v: f64) -> f64 {
    if v == 0.0 { 0.0 } else { v }
}

/// 小数位数：“11.46” → 2。
pub fn decimals_of(text: &str) -> usize {
    text.split_once('.').map_or(0, |(_, d)| d.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_has_no_sign() {
        assert_eq!(unsigned_zero("-0.0"), "0.0");
        assert_eq!(unsigned_zero("-0"), "0");
        assert_eq!(unsigned_zero("-0.01"), "-0.01");
        assert_eq!(unsigned_zero("-"), "-");
        assert_eq!(fixed(-0.04, 1), "0.0");
        assert_eq!(fixed(-0.06, 1), "-0.1");
        assert_eq!(format_number(-0.0), "0");
        assert!(unsigned_zero_value(-0.0).is_sign_positive());
    }
}
