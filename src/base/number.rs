//! 数字的写法：没有原样写法时（如来自 Excel 的数字）怎么写，以及小数位数。

/// 最短写法：4 → "4"，11.46 → "11.46"。
pub fn format_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// 小数位数：“11.46” → 2。
pub fn decimals_of(text: &str) -> usize {
    text.split_once('.').map_or(0, |(_, d)| d.len())
}
