//! 一项指标与别的数相比的说法：与前一时期比（含 --previous 算出的）、位次、拉动、年度目标。
//! 措辞规则在 `stats`，这里只把数据（及其位置）交给它，并报告写错的地方。

use super::stats::{self, Change, Decimal};
use super::view::Figure;
use super::{Cx, cn};
use crate::base::text::one_line;
use crate::load::SourceFile;
use crate::model::Num;
use crate::model::indicators::{AnnualGoal, Contribution, Indicator, Rank};
use toml::Spanned;

/// 上期数据集中同一指标的增速（--previous），用来算出没写的比较。
#[derive(Debug, Clone)]
pub struct PreviousGrowth {
    /// 上期的统计期，如“1—9月”。
    pub period: String,
    pub growth: Figure,
}

/// 一项指标的相对说法。
#[derive(Debug, Default)]
pub(super) struct Relative {
    /// 与前一时期的比较，各一句。
    pub comparisons: Vec<String>,
    /// 由上期数据算出的比较（手册注明“据上期数据计算”）。
    pub computed_comparison: bool,
    /// 卡片角标，如“全省第一”。
    pub rank_badge: Option<String>,
    /// “增速居全省第一”
    pub rank_text: Option<String>,
    pub contribution_text: Option<String>,
    pub goal_text: Option<String>,
    /// 完成比例是程序算的（要注明舍入）。
    pub share_computed: bool,
}

fn decimal(f: &Figure) -> Option<Decimal> {
    Decimal::parse(&f.text)
}

fn two_words(words: &Option<Vec<String>>) -> Result<Option<(String, String)>, ()> {
    match words.as_deref() {
        None => Ok(None),
        Some([a, b]) => Ok(Some((one_line(a), one_line(b)))),
        Some(_) => Err(()),
    }
}

impl Cx {
    /// 上期数据集中各指标的增速和统计期（指标的 period，没有时取上期 meta.toml 的 period）。
    pub(super) fn previous_growths(
        &mut self,
        prev: &crate::load::DataSet,
    ) -> std::collections::HashMap<String, PreviousGrowth> {
        let mut out = std::collections::HashMap::new();
        let Some(file) = &prev.indicators else {
            return out;
        };
        let meta_period = prev.meta.value.meta.period.as_deref().map(one_line);
        for (i, ind) in file.value.indicators.iter().enumerate() {
            let Some(g) = &ind.growth else { continue };
            let period = ind.period.as_deref().map(one_line).or(meta_period.clone());
            let Some(period) = period else {
                self.push(&prev.meta.source, None, "meta.period",
                    "上期数据集没有写统计期：请在上期的 meta.toml 写 period（如 \"1—6月\"），与上期的比较才说得清“比哪一期”");
                return out;
            };
            let growth = self.figure(&file.source, g, &format!("indicators[{i}].growth"));
            out.insert(ind.id.get_ref().clone(), PreviousGrowth { period, growth });
        }
        out
    }

    pub(super) fn relative(
        &mut self,
        src: &SourceFile,
        ind: &Indicator,
        field: &str,
        value: Option<&Figure>,
        growth: Option<&Figure>,
        previous: Option<&PreviousGrowth>,
    ) -> Relative {
        let mut out = Relative::default();
        out.comparisons.extend(self.legacy_change(src, ind, field));
        let current = growth.and_then(decimal);
        for (i, c) in ind.compare.iter().enumerate() {
            let f = format!("{field}.compare[{i}]");
            let change = self.figure(src, &c.change, &format!("{f}.change"));
            let Some(change) = decimal(&change) else {
                continue;
            };
            let subject = match &c.subject {
                Some(s) => one_line(s),
                None => stats::subject_for(current, current.map(|g| Decimal::minus(g, change)))
                    .to_owned(),
            };
            let verbs = match two_words(&c.words) {
                Ok(Some(w)) => w,
                Ok(None) => {
                    let (a, b) = stats::verbs_for(&subject);
                    (a.to_owned(), b.to_owned())
                }
                Err(()) => {
                    self.push(
                        src,
                        Some(c.change.span()),
                        format!("{f}.words"),
                        "words 应写两个词：[数值变大时, 数值变小时]，如 [\"提高\", \"回落\"]",
                    );
                    continue;
                }
            };
            if c.base.trim().is_empty() {
                self.push(
                    src,
                    Some(c.change.span()),
                    format!("{f}.base"),
                    "比较的时期 base 不能为空，如 \"1—9月\"",
                );
                continue;
            }
            out.comparisons.push(stats::change_phrase(&Change {
                base: &one_line(&c.base),
                subject: &subject,
                change,
                verbs: (&verbs.0, &verbs.1),
                current: if subject.is_empty() { None } else { current },
            }));
        }
        // 上期数据：同一时期没写过比较时，由两期增速算出。
        if let (Some(prev), Some(cur)) = (previous, current)
            && !ind
                .compare
                .iter()
                .any(|c| c.base.trim().trim_start_matches(['比', '较']) == prev.period)
            && let Some(p) = decimal(&prev.growth)
        {
            let change = Decimal::minus(cur, p);
            let subject = stats::subject_for(Some(cur), Some(p));
            out.comparisons.push(stats::change_phrase(&Change {
                base: &prev.period,
                subject,
                change,
                verbs: stats::verbs_for(subject),
                current: Some(cur),
            }));
            out.computed_comparison = true;
        }
        if let Some(rank) = &ind.rank {
            self.rank(src, ind, field, rank, value, growth, &mut out);
        }
        if let Some(c) = &ind.contribution {
            out.contribution_text = self.contribution(src, field, c);
        }
        if let Some(g) = &ind.annual_goal {
            self.annual_goal(src, ind, field, g, value, growth, &mut out);
        }
        out
    }

    /// 旧写法的比较（`change`、`change_base`、`change_words`，不带主语）：照旧读作“比1—9月加快0.5个百分点”。
    fn legacy_change(&mut self, src: &SourceFile, ind: &Indicator, field: &str) -> Option<String> {
        let at = Some(ind.id.span());
        let change = ind
            .change
            .as_ref()
            .map(|c| self.figure(src, c, &format!("{field}.change")));
        let words = match ind.change_words.as_deref() {
            None => ("加快".to_owned(), "回落".to_owned()),
            Some([up, down]) => (one_line(up), one_line(down)),
            Some(_) => {
                self.push(
                    src,
                    at.clone(),
                    format!("{field}.change_words"),
                    "change_words 应写两个词：[上升时, 下降时]，如 [\"回升\", \"回落\"]",
                );
                ("加快".to_owned(), "回落".to_owned())
            }
        };
        match (&change, &ind.change_base) {
            (Some(c), Some(base)) => Some(cn::change_phrase(
                c.value,
                &c.text,
                &one_line(base),
                (&words.0, &words.1),
            )),
            (Some(_), None) => {
                self.push(
                    src,
                    ind.change.as_ref().map(Spanned::span),
                    format!("{field}.change_base"),
                    "填写了变化 change 时必须写比较的时期 change_base，如“1—9月”",
                );
                None
            }
            (None, Some(_)) => {
                self.push(
                    src,
                    at.clone(),
                    format!("{field}.change_base"),
                    "写了 change_base 却没有 change",
                );
                None
            }
            (None, None) => {
                if ind.change_words.is_some() {
                    self.push(
                        src,
                        at.clone(),
                        format!("{field}.change_words"),
                        "写了 change_words 却没有 change",
                    );
                }
                None
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn rank(
        &mut self,
        src: &SourceFile,
        ind: &Indicator,
        field: &str,
        rank: &Rank,
        value: Option<&Figure>,
        growth: Option<&Figure>,
        out: &mut Relative,
    ) {
        let at = Some(ind.id.span());
        let f = format!("{field}.rank");
        let by_growth = growth.is_some();
        let (place, subject, verb) = match rank {
            Rank::Text(t) => (Ok(one_line(t)), None, None),
            Rank::Place(p) => {
                let by_growth = match p.by.as_deref() {
                    None => by_growth,
                    Some("growth") => true,
                    Some("value") => false,
                    Some(other) => {
                        self.push(
                            src,
                            at.clone(),
                            format!("{f}.by"),
                            format!("by 只能是 growth（按增速）或 value（按总量），不是 “{other}”"),
                        );
                        return;
                    }
                };
                let own = if by_growth { growth } else { value };
                let scope = p.scope.as_deref().map(one_line).unwrap_or_default();
                let place = match (&p.text, p.position, &p.peers) {
                    (Some(t), None, None) => Ok(one_line(t)),
                    (None, Some(n), None) if n >= 1 && !scope.is_empty() => {
                        Ok(format!("{scope}第{n}位"))
                    }
                    (None, None, Some(peers)) if !scope.is_empty() => match own {
                        Some(own) => {
                            let values: Vec<f64> = peers.values().copied().collect();
                            let n = stats::position_among(own.value, &values, ind.higher_is_better);
                            Ok(format!("{scope}第{n}位"))
                        }
                        None => Err(format!(
                            "按{}排名次，但这项指标没有{}",
                            if by_growth { "增速" } else { "总量" },
                            if by_growth {
                                "增速 growth"
                            } else {
                                "总量 value"
                            }
                        )),
                    },
                    (None, Some(0), None) => Err("名次 position 从 1 起".to_owned()),
                    (None, Some(_) | None, _) if scope.is_empty() && p.text.is_none() => {
                        Err("写了名次或同类数字时须写排名范围 scope，如 \"全省\"".to_owned())
                    }
                    _ => Err("位次写 text、position、peers 三者之一".to_owned()),
                };
                let default_subject = if by_growth { "增速" } else { "总量" };
                (
                    place,
                    Some(
                        p.subject
                            .as_deref()
                            .map(one_line)
                            .unwrap_or(default_subject.to_owned()),
                    ),
                    p.verb.as_deref().map(one_line),
                )
            }
        };
        match place {
            Ok(place) if !place.is_empty() => {
                let subject =
                    subject.unwrap_or_else(|| if by_growth { "增速" } else { "" }.to_owned());
                let verb = verb.unwrap_or_else(|| "居".to_owned());
                out.rank_text = Some(stats::rank_phrase(&subject, &verb, "", None, &place));
                out.rank_badge = Some(
                    place
                        .trim_start_matches("位居")
                        .trim_start_matches(['居', '列', '排'])
                        .to_owned(),
                );
            }
            Ok(_) => self.push(src, at, f, "位次不能为空，如 \"全省第一\""),
            Err(msg) => self.push(src, at, f, msg),
        }
    }

    fn contribution(&mut self, src: &SourceFile, field: &str, c: &Contribution) -> Option<String> {
        let f = format!("{field}.contribution");
        let points = self.figure(src, &c.points, &format!("{f}.points"));
        let words = match two_words(&c.words) {
            Ok(w) => w.unwrap_or(("拉动".into(), "下拉".into())),
            Err(()) => {
                self.push(
                    src,
                    Some(c.points.span()),
                    format!("{f}.words"),
                    "words 应写两个词：[正数时, 负数时]，如 [\"上拉\", \"下拉\"]",
                );
                return None;
            }
        };
        if c.to.trim().is_empty() {
            self.push(
                src,
                Some(c.points.span()),
                format!("{f}.to"),
                "拉动的对象 to 不能为空，如 \"规上工业增长\"",
            );
            return None;
        }
        Some(stats::contribution_phrase(
            &one_line(&c.to),
            decimal(&points)?,
            (&words.0, &words.1),
        ))
    }

    #[allow(clippy::too_many_arguments)]
    fn annual_goal(
        &mut self,
        src: &SourceFile,
        ind: &Indicator,
        field: &str,
        g: &AnnualGoal,
        value: Option<&Figure>,
        growth: Option<&Figure>,
        out: &mut Relative,
    ) {
        let f = format!("{field}.annual_goal");
        let label = g
            .label
            .as_deref()
            .map(one_line)
            .unwrap_or("年度目标".to_owned());
        let at = Some(ind.id.span());
        let fig = |cx: &mut Cx, n: &Num, name: &str| {
            let fig = cx.figure(src, n, &format!("{f}.{name}"));
            decimal(&fig)
        };
        match (&g.value, &g.growth, &g.share) {
            (Some(goal), None, None) => {
                let Some(goal) = fig(self, goal, "value") else {
                    return;
                };
                match value.and_then(decimal) {
                    Some(v) => match Decimal::percent_of(v, goal, 1) {
                        Some(share) => {
                            out.goal_text = Some(stats::goal_share_phrase(&label, &share.text()));
                            out.share_computed = true;
                        }
                        None => self.push(src, at, format!("{f}.value"), "年度目标不能为 0"),
                    },
                    None => self.push(
                        src,
                        at,
                        format!("{f}.value"),
                        "按年度目标的总量算完成比例，须有这项指标的总量 value",
                    ),
                }
            }
            (None, Some(goal), None) => {
                let Some(goal) = fig(self, goal, "growth") else {
                    return;
                };
                match growth.and_then(decimal) {
                    Some(cur) => {
                        out.goal_text =
                            Some(stats::goal_rate_phrase(&label, Decimal::minus(cur, goal)))
                    }
                    None => self.push(
                        src,
                        at,
                        format!("{f}.growth"),
                        "与年度目标的增速比，须有这项指标的增速 growth",
                    ),
                }
            }
            (None, None, Some(share)) => {
                let Some(share) = fig(self, share, "share") else {
                    return;
                };
                out.goal_text = Some(stats::goal_share_phrase(&label, &share.text()));
            }
            _ => self.push(
                src,
                at,
                f,
                "年度目标写 value（总量）、growth（增速）、share（完成比例）三者之一",
            ),
        }
    }
}
