//! 统计简报的措辞规则：与前一时期比较（增速比1—9月回落1.6个百分点、降幅收窄、由负转正）、
//! 位次（增速居全省第1位）、拉动（拉动规上工业增长3.3个百分点）、完成年度目标（完成年度目标的76.5%）。
//! 数字一律按原样写法或十进制运算得出，不经二进制浮点的舍入（76.45 → 76.5，不会成 76.4）。

/// 一个十进制数：整数尾数和小数位数（12.30 → 1230, 2）。
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decimal {
    pub mantissa: i128,
    pub scale: u32,
}

impl Decimal {
    /// 原样写法（“-1.60”“7”）转十进制；不是普通小数写法的返回 None。
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim().replace('−', "-").replace('+', "");
        let (neg, t) = match t.strip_prefix('-') {
            Some(r) => (true, r.to_owned()),
            None => (false, t),
        };
        let (int, frac) = t.split_once('.').unwrap_or((&t, ""));
        if int.is_empty() && frac.is_empty()
            || !int.chars().chain(frac.chars()).all(|c| c.is_ascii_digit())
            || int.len() + frac.len() > 30
        {
            return None;
        }
        let digits = format!("{int}{frac}");
        let m: i128 = if digits.is_empty() {
            0
        } else {
            digits.parse().ok()?
        };
        Some(Decimal {
            mantissa: if neg { -m } else { m },
            scale: frac.len() as u32,
        })
    }

    fn rescale(self, scale: u32) -> i128 {
        self.mantissa * 10i128.pow(scale - self.scale)
    }

    /// 差 a − b，小数位取两者较多的。
    pub fn minus(a: Self, b: Self) -> Self {
        let scale = a.scale.max(b.scale);
        Decimal {
            mantissa: a.rescale(scale) - b.rescale(scale),
            scale,
        }
    }

    pub fn signum(self) -> i128 {
        self.mantissa.signum()
    }

    /// 绝对值（小数位不变）：措辞里的数不带正负号，方向由动词说。
    pub fn abs(self) -> Self {
        Decimal {
            mantissa: self.mantissa.abs(),
            scale: self.scale,
        }
    }

    /// 数值（用于与容差比较；措辞一律用 `text`）。
    pub fn to_f64(self) -> f64 {
        self.mantissa as f64 / 10f64.powi(self.scale as i32)
    }

    /// 按小数位数写出，负数带 “-”。
    pub fn text(self) -> String {
        let abs = self.mantissa.unsigned_abs().to_string();
        let sign = if self.mantissa < 0 { "-" } else { "" };
        if self.scale == 0 {
            return format!("{sign}{abs}");
        }
        let s = self.scale as usize;
        let padded = format!("{abs:0>width$}", width = s + 1);
        let (i, f) = padded.split_at(padded.len() - s);
        format!("{sign}{i}.{f}")
    }

    /// a ÷ b × 100，四舍五入到 `places` 位小数（十进制运算）。b 为 0 时为 None。
    pub fn percent_of(a: Self, b: Self, places: u32) -> Option<Self> {
        if b.mantissa == 0 {
            return None;
        }
        // a/b×100×10^places = a.m×10^(b.s) ×100×10^places ÷ (b.m×10^(a.s))
        let num = a.mantissa * 10i128.pow(b.scale + 2 + places);
        let den = b.mantissa * 10i128.pow(a.scale);
        let (num, den) = if den < 0 { (-num, -den) } else { (num, den) };
        // 四舍五入（远离零）。
        let q = if num >= 0 {
            (2 * num + den) / (2 * den)
        } else {
            -((2 * -num + den) / (2 * den))
        };
        Some(Decimal {
            mantissa: q,
            scale: places,
        })
    }
}

/// 与前一时期比较的主语：增速、降幅、涨幅……
/// 不写时按增速的正负取：本期和上期都是负增长时说“降幅”，否则说“增速”；没有增速时不写主语。
pub fn subject_for(current: Option<Decimal>, previous: Option<Decimal>) -> &'static str {
    match (current, previous) {
        (Some(c), Some(p)) if c.signum() < 0 && p.signum() < 0 => "降幅",
        (Some(_), _) => "增速",
        _ => "",
    }
}

/// 主语决定的动词：[数值变大时, 数值变小时]。降幅、跌幅的数值变大（如 −5.3 → −4.5）是收窄。
pub fn verbs_for(subject: &str) -> (&'static str, &'static str) {
    match subject {
        "降幅" | "跌幅" | "下降幅度" => ("收窄", "扩大"),
        _ => ("提高", "回落"),
    }
}

/// 一次比较的数据。
pub struct Change<'a> {
    /// 比较的时期，如“1—9月”“9月当月”“较上月”（以比、较开头时不再加“比”）。
    pub base: &'a str,
    /// 主语：增速、降幅、涨幅……；空串为不写主语。
    pub subject: &'a str,
    /// 变化（个百分点，本期减前期），原样写法。
    pub change: Decimal,
    /// [数值变大时, 数值变小时] 的动词。
    pub verbs: (&'a str, &'a str),
    /// 本期的增速（有时才能判断由负转正）。
    pub current: Option<Decimal>,
}

/// 增速比1—9月回落1.6个百分点 / 降幅比1—9月收窄0.8个百分点 / 增速与1—9月持平 /
/// 增速比上半年提高2.1个百分点，由负转正。
pub fn change_phrase(c: &Change) -> String {
    let base = c.base.trim();
    let prep = if base.starts_with(['比', '较']) {
        ""
    } else {
        "比"
    };
    let subject = c.subject;
    let abs = c.change.abs().text();
    let mut out = match c.change.signum() {
        0 => format!("{subject}与{}持平", base.trim_start_matches(['比', '较'])),
        s => {
            let verb = if s > 0 { c.verbs.0 } else { c.verbs.1 };
            format!("{subject}{prep}{base}{verb}{abs}个百分点")
        }
    };
    if let Some(cur) = c.current {
        let prev = Decimal::minus(cur, c.change);
        match (prev.signum(), cur.signum()) {
            (-1, 1) => out.push_str("，由负转正"),
            (1, -1) => out.push_str("，由正转负"),
            _ => {}
        }
    }
    out
}

/// 位次：“全省第一”照录，前加“居”；数字位次写作“居全市第3位”。
pub fn rank_phrase(
    subject: &str,
    verb: &str,
    scope: &str,
    position: Option<u32>,
    text: &str,
) -> String {
    let place = match position {
        Some(n) => format!("{scope}第{n}位"),
        None => text.trim().to_owned(),
    };
    let verb = if place.starts_with(['居', '列', '排']) || place.starts_with("位居") {
        ""
    } else {
        verb
    };
    format!("{subject}{verb}{place}")
}

/// 在同类中的位次（1 起，并列同名次）：比自己好的有几个再加一。
pub fn position_among(own: f64, peers: &[f64], higher_is_better: bool) -> u32 {
    let better = peers
        .iter()
        .filter(|&&p| if higher_is_better { p > own } else { p < own })
        .count();
    better as u32 + 1
}

/// 拉动规上工业增长3.3个百分点 / 下拉全市工业增速1.1个百分点 / 对全市工业增速的拉动为零。
pub fn contribution_phrase(to: &str, points: Decimal, verbs: (&str, &str)) -> String {
    let abs = points.abs().text();
    match points.signum() {
        0 => format!("对{to}没有拉动"),
        s if s > 0 => format!("{}{to}{abs}个百分点", verbs.0),
        _ => format!("{}{to}{abs}个百分点", verbs.1),
    }
}

/// 增速与年度目标（增速）相比：超年度目标0.5个百分点 / 距年度目标差0.5个百分点 / 与年度目标持平。
pub fn goal_rate_phrase(label: &str, diff: Decimal) -> String {
    let abs = diff.abs().text();
    match diff.signum() {
        0 => format!("与{label}持平"),
        s if s > 0 => format!("超{label}{abs}个百分点"),
        _ => format!("距{label}差{abs}个百分点"),
    }
}

/// 完成年度目标的76.5%。
pub fn goal_share_phrase(label: &str, share: &str) -> String {
    format!("完成{label}的{share}%")
}

/// 完成年度目标比例的舍入说明：印在指标块的注里。
pub const SHARE_ROUNDING: &str = "完成年度目标的比例由总量除以年度目标算得，四舍五入保留一位小数";

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::parse(s).unwrap()
    }

    fn change(base: &str, subject: &str, ch: &str, current: Option<&str>) -> String {
        let cur = current.map(d);
        let subject = if subject == "auto" {
            subject_for(cur, cur.map(|c| Decimal::minus(c, d(ch))))
        } else {
            subject
        };
        change_phrase(&Change {
            base,
            subject,
            change: d(ch),
            verbs: verbs_for(subject),
            current: cur,
        })
    }

    #[test]
    fn decimals_keep_their_places() {
        assert_eq!(d("12.30").text(), "12.30");
        assert_eq!(d("-0.8").text(), "-0.8");
        assert_eq!(Decimal::minus(d("7.2"), d("8.8")).text(), "-1.6");
        assert_eq!(Decimal::minus(d("3"), d("2.5")).text(), "0.5");
        assert_eq!(d("−1.5").text(), "-1.5");
        assert!(Decimal::parse("1e3").is_none());
        assert!(Decimal::parse("").is_none());
    }

    #[test]
    fn shares_round_half_up_in_decimal() {
        // 76.45 在二进制浮点里是 76.4499…，按十进制四舍五入应为 76.5。
        assert_eq!(
            Decimal::percent_of(d("764.5"), d("1000"), 1)
                .unwrap()
                .text(),
            "76.5"
        );
        assert_eq!(
            Decimal::percent_of(d("1"), d("3"), 1).unwrap().text(),
            "33.3"
        );
        assert_eq!(
            Decimal::percent_of(d("2"), d("3"), 1).unwrap().text(),
            "66.7"
        );
        assert_eq!(
            Decimal::percent_of(d("1200"), d("1000"), 1).unwrap().text(),
            "120.0"
        );
        assert!(Decimal::percent_of(d("1"), d("0"), 1).is_none());
    }

    #[test]
    fn comparisons_name_their_subject_and_follow_the_sign() {
        assert_eq!(
            change("1—9月", "auto", "-1.6", Some("7.2")),
            "增速比1—9月回落1.6个百分点"
        );
        assert_eq!(
            change("9月当月", "auto", "8.4", Some("12.1")),
            "增速比9月当月提高8.4个百分点"
        );
        // 两期都是负增长：说降幅；数值变小是降幅扩大。
        assert_eq!(
            change("1—9月", "auto", "-0.8", Some("-6.1")),
            "降幅比1—9月扩大0.8个百分点"
        );
        assert_eq!(
            change("1—9月", "auto", "0.8", Some("-4.5")),
            "降幅比1—9月收窄0.8个百分点"
        );
        assert_eq!(change("1—9月", "auto", "0", Some("7.2")), "增速与1—9月持平");
        assert_eq!(change("较上月", "", "-0.3", None), "较上月回落0.3个百分点");
        assert_eq!(
            change("1—9月", "涨幅", "0.2", None),
            "涨幅比1—9月提高0.2个百分点"
        );
    }

    #[test]
    fn a_change_of_sign_is_named() {
        assert_eq!(
            change("上半年", "auto", "2.1", Some("1.3")),
            "增速比上半年提高2.1个百分点，由负转正"
        );
        assert_eq!(
            change("1—9月", "auto", "-3.0", Some("-1.0")),
            "增速比1—9月回落3.0个百分点，由正转负"
        );
        // 上期为零：谈不上由负转正。
        assert_eq!(
            change("1—9月", "auto", "1.5", Some("1.5")),
            "增速比1—9月提高1.5个百分点"
        );
    }

    #[test]
    fn ranks_read_naturally() {
        assert_eq!(
            rank_phrase("增速", "居", "", None, "全省第一"),
            "增速居全省第一"
        );
        assert_eq!(
            rank_phrase("增速", "继续位居", "", None, "全省第一"),
            "增速继续位居全省第一"
        );
        assert_eq!(
            rank_phrase("增速", "居", "", None, "居全市第3位"),
            "增速居全市第3位"
        );
        assert_eq!(
            rank_phrase("总量", "居", "全市", Some(3), ""),
            "总量居全市第3位"
        );
        assert_eq!(position_among(7.2, &[6.5, 7.2, 8.0], true), 2);
        assert_eq!(position_among(1.1, &[1.5, 0.9], false), 2);
    }

    #[test]
    fn contributions_pull_up_or_down() {
        let v = ("拉动", "下拉");
        assert_eq!(
            contribution_phrase("规上工业增长", d("3.3"), v),
            "拉动规上工业增长3.3个百分点"
        );
        assert_eq!(
            contribution_phrase("全市规上工业增速", d("-1.1"), v),
            "下拉全市规上工业增速1.1个百分点"
        );
    }

    #[test]
    fn goals_read_as_share_or_gap() {
        assert_eq!(goal_share_phrase("年度目标", "76.5"), "完成年度目标的76.5%");
        assert_eq!(
            goal_rate_phrase("年度目标", d("0.5")),
            "超年度目标0.5个百分点"
        );
        assert_eq!(
            goal_rate_phrase("年度目标", d("-1.2")),
            "距年度目标差1.2个百分点"
        );
        assert_eq!(goal_rate_phrase("年度目标", d("0.0")), "与年度目标持平");
    }
}
