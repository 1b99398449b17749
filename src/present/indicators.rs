//! 指标的各种公布形式：实绩与预期目标、总量或水平及其限定语、增速及其限定语、“保8%、争9%”、
//! 只有文字的目标、与前一时期相比的百分点变化、补充说明。每种都有卡片（一行主数字加说明）和一句话两种写法。

use std::collections::HashMap;

use toml::Spanned;

use super::cn::{self, Qualifier};
use super::highlight::segments;
use super::relative::PreviousGrowth;
use super::view::{CardView, Figure, IndicatorView, Piece};
use super::{Cx, minus};
use crate::base::text::one_line;
use crate::load::Parsed;
use crate::model::indicators::{Indicator, IndicatorsFile};

/// indicators.toml 中的全部指标，按 id 查找。
#[derive(Default)]
pub(super) struct Catalogue {
    pub items: Vec<IndicatorView>,
    pub index: HashMap<String, usize>,
    /// 有没有 indicators.toml 这个文件。
    pub present: bool,
    /// 对全部指标都适用的说明（indicators.toml 的 note），印在各指标块的注里。
    pub note: Option<String>,
}

impl Catalogue {
    /// 按 id 取指标；找不到时给出可用的 id。
    pub fn lookup(&self, id: &str) -> Result<&IndicatorView, String> {
        if !self.present {
            return Err(format!(
                "引用了指标 “{id}”，但数据目录中没有 indicators.toml"
            ));
        }
        self.index.get(id).map(|&i| &self.items[i]).ok_or_else(|| {
            let known: Vec<&str> = self.items.iter().map(|i| i.id.as_str()).collect();
            format!(
                "indicators.toml 中没有 id 为 “{id}” 的指标，可用的有：{}",
                known.join("、")
            )
        })
    }
}

impl Cx {
    /// 数据点名的指标（大纲的 indicators 块、一页纸）：找不到的 id 报在点名处。
    pub(super) fn named<'c>(
        &mut self,
        src: &crate::load::SourceFile,
        ids: &[Spanned<String>],
        field: &str,
        catalogue: &'c Catalogue,
    ) -> Vec<&'c IndicatorView> {
        self.distinct(src, ids, field);
        ids.iter()
            .filter_map(|id| match catalogue.lookup(id.get_ref()) {
                Ok(i) => Some(i),
                Err(msg) => {
                    self.push(src, Some(id.span()), field, msg);
                    None
                }
            })
            .collect()
    }

    pub(super) fn indicators(
        &mut self,
        file: Option<&Parsed<IndicatorsFile>>,
        goals_default: bool,
        previous: &HashMap<String, PreviousGrowth>,
    ) -> Catalogue {
        let Some(file) = file else {
            return Catalogue::default();
        };
        let goals = file.value.goals.unwrap_or(goals_default);
        let mut seen = HashMap::new();
        let mut out = Catalogue {
            present: true,
            note: file.value.note.as_deref().map(one_line),
            ..Catalogue::default()
        };
        for (i, ind) in file.value.indicators.iter().enumerate() {
            let field = format!("indicators[{i}]");
            self.id(&file.source, &ind.id, &format!("{field}.id"), &mut seen);
            let view = self.indicator(
                file,
                ind,
                &field,
                ind.goal.unwrap_or(goals),
                previous.get(ind.id.get_ref()),
            );
            out.index.insert(view.id.clone(), out.items.len());
            out.items.push(view);
        }
        out
    }

    fn qualifier(
        &mut self,
        file: &Parsed<IndicatorsFile>,
        q: Option<&Spanned<String>>,
        field: &str,
    ) -> Option<Qualifier> {
        let q = q?;
        match Qualifier::parse(q.get_ref()) {
            Ok(q) => Some(q),
            Err(msg) => {
                self.push(&file.source, Some(q.span()), field, msg);
                None
            }
        }
    }

    fn indicator(
        &mut self,
        file: &Parsed<IndicatorsFile>,
        ind: &Indicator,
        field: &str,
        goal: bool,
        previous: Option<&PreviousGrowth>,
    ) -> IndicatorView {
        let src = &file.source;
        let at = Some(ind.id.span());
        let name = one_line(&ind.name);
        let value = ind
            .value
            .as_ref()
            .map(|v| self.figure(src, v, &format!("{field}.value")));
        let growth = ind
            .growth
            .as_ref()
            .map(|g| self.figure(src, g, &format!("{field}.growth")));
        let aim = ind
            .growth_aim
            .as_ref()
            .map(|g| self.figure(src, g, &format!("{field}.growth_aim")));
        let unit = ind.unit.as_deref().map(one_line);
        if value.is_some() && unit.as_deref().is_none_or(str::is_empty) {
            self.push(
                src,
                ind.value.as_ref().map(Spanned::span),
                format!("{field}.unit"),
                "填写了总量 value 时必须填写单位 unit（如“亿元”“%”）",
            );
        }
        if value.is_none() && growth.is_none() && ind.text.is_none() {
            self.push(
                src,
                at.clone(),
                field,
                format!("指标“{name}”既没有总量 value、增速 growth，也没有文字 text"),
            );
        }

        // 通用的 qualifier 加在唯一的那个数字上；两个都有时说不清加在哪个上，必须写明。
        let mut value_q = self.qualifier(
            file,
            ind.value_qualifier.as_ref(),
            &format!("{field}.value_qualifier"),
        );
        let mut growth_q = self.qualifier(
            file,
            ind.growth_qualifier.as_ref(),
            &format!("{field}.growth_qualifier"),
        );
        if let Some(q) = &ind.qualifier {
            let parsed = self.qualifier(file, Some(q), &format!("{field}.qualifier"));
            match (&value, &growth) {
                (Some(_), Some(_)) => self.push(src, Some(q.span()), format!("{field}.qualifier"),
                    "同时有总量 value 和增速 growth，请改用 value_qualifier 或 growth_qualifier 写明限定语加在哪个数字上"),
                (Some(_), None) if value_q.is_some() => self.push(src, Some(q.span()), format!("{field}.qualifier"),
                    "已有 value_qualifier，不能再写 qualifier"),
                (Some(_), None) => value_q = parsed,
                (None, Some(_)) if growth_q.is_some() => self.push(src, Some(q.span()), format!("{field}.qualifier"),
                    "已有 growth_qualifier，不能再写 qualifier"),
                (None, Some(_)) => growth_q = parsed,
                (None, None) => self.push(src, Some(q.span()), format!("{field}.qualifier"),
                    "没有数字可加限定语：qualifier 要与 value 或 growth 一起写"),
            }
        }
        for (given, needs, name) in [
            (
                ind.value_qualifier.as_ref().map(Spanned::span),
                value.is_some(),
                "value_qualifier",
            ),
            (
                ind.growth_qualifier.as_ref().map(Spanned::span),
                growth.is_some(),
                "growth_qualifier",
            ),
            (
                ind.growth_aim.as_ref().map(Spanned::span),
                growth.is_some(),
                "growth_aim",
            ),
        ] {
            if given.is_some() && !needs {
                let base = if name == "value_qualifier" {
                    "value"
                } else {
                    "growth"
                };
                self.push(
                    src,
                    given,
                    format!("{field}.{name}"),
                    format!("写了 {name} 却没有 {base}"),
                );
            }
        }
        if aim.is_some() && growth_q.is_some() {
            self.push(
                src,
                ind.growth_aim.as_ref().map(Spanned::span),
                format!("{field}.growth_aim"),
                "“保…、争…”的目标不能再带增速限定语",
            );
        }

        let relative = self.relative(src, ind, field, value.as_ref(), growth.as_ref(), previous);
        let comparisons = relative.comparisons.clone();
        let change_text = (!comparisons.is_empty()).then(|| comparisons.join("，"));
        let basis = ind
            .basis
            .as_deref()
            .or(file.value.basis.as_deref())
            .map(one_line);
        // 预期目标默认不写基准（卡片写“预期增长”），实绩默认“同比”。
        let basis_word = basis.clone().unwrap_or_else(|| {
            if goal {
                String::new()
            } else {
                "同比".to_owned()
            }
        });

        let value_pieces = value.as_ref().map(|v| {
            let q = value_q.clone().unwrap_or(Qualifier::After(String::new()));
            pieces(&[
                (q.before(), false),
                (&minus(&v.text), true),
                (unit.as_deref().unwrap_or(""), false),
                (q.after(), false),
            ])
        });
        let growth_pieces = growth.as_ref().map(|g| match &aim {
            Some(a) => pieces(&[
                ("保", false),
                (&g.text, true),
                ("%、争", false),
                (&a.text, true),
                ("%", false),
            ]),
            None => {
                let q = growth_q.clone().unwrap_or(Qualifier::After(String::new()));
                // 下降的数字前写明“下降”：大字不能单独一个“42.1%”，让人读成增长。
                let fall = if g.value < 0.0 && q.before().is_empty() {
                    "下降"
                } else {
                    ""
                };
                pieces(&[
                    (fall, false),
                    (q.before(), false),
                    (g.text.trim_start_matches('-'), true),
                    ("%", false),
                    (q.after(), false),
                ])
            }
        });
        let value_text = value_pieces.as_ref().map(|p| joined(p));
        let growth_text = growth.as_ref().map(|g| match &aim {
            Some(_) => joined(growth_pieces.as_ref().expect("有增速就有主数字")),
            None => {
                let q = growth_q.clone().unwrap_or(Qualifier::After(String::new()));
                match (g.value, &q) {
                    (v, _) if v == 0.0 && q.before().is_empty() && q.after().is_empty() => {
                        cn::level_phrase(&basis_word)
                    }
                    (v, _) => {
                        let verb = if v < 0.0 { "下降" } else { "增长" };
                        format!(
                            "{basis_word}{verb}{}{}%{}",
                            q.before(),
                            g.text.trim_start_matches('-'),
                            q.after()
                        )
                    }
                }
            }
        });
        let chart_label = growth.as_ref().map(|g| match &aim {
            Some(_) => growth_text.clone().unwrap_or_default(),
            None => format!(
                "{}%{}",
                minus(&g.text),
                growth_q.as_ref().map_or("", |q| q.after())
            ),
        });
        let text = ind.text.as_deref().map(one_line);
        let notes: Vec<_> = ind.notes.iter().map(|n| segments(&one_line(n))).collect();

        // 卡片：主数字一行取总量，没有总量取增速，都没有取文字；其余写在下方。
        let mut lines: Vec<String> = Vec::new();
        let main = if let Some(p) = &value_pieces {
            if let Some(t) = &growth_text {
                lines.push(t.clone());
            }
            if let Some(t) = &text {
                lines.push(t.clone());
            }
            p.clone()
        } else if let Some(p) = &growth_pieces {
            let g = growth.as_ref().expect("有主数字就有增速");
            let label = growth_card_label(g.value, goal && basis.is_none(), &basis_word);
            if !label.is_empty() {
                lines.push(label);
            }
            if let Some(t) = &text {
                lines.push(t.clone());
            }
            p.clone()
        } else {
            vec![Piece {
                text: text.clone().unwrap_or_default(),
                big: false,
            }]
        };
        lines.extend(comparisons.iter().cloned());
        // 位次的原话（“增速继续位居全省第一”）也印在卡片上：角标只是醒目的简写。
        lines.extend(relative.rank_text.clone());
        lines.extend(relative.contribution_text.clone());
        lines.extend(relative.goal_text.clone());
        let mut card_lines: Vec<_> = lines.iter().map(|l| segments(l)).collect();
        card_lines.extend(notes.iter().cloned());

        let phrase = {
            let mut parts = Vec::new();
            let head = format!(
                "{name}{}",
                value_text
                    .clone()
                    .or_else(|| growth_text.clone())
                    .or_else(|| text.clone())
                    .unwrap_or_default()
            );
            parts.push(head);
            if value_text.is_some() {
                parts.extend(growth_text.clone());
            }
            if value_text.is_some() || growth_text.is_some() {
                parts.extend(text.clone());
            }
            parts.extend(comparisons.iter().cloned());
            parts.extend(relative.rank_text.clone());
            parts.extend(relative.contribution_text.clone());
            parts.extend(relative.goal_text.clone());
            parts.join("，")
        };

        IndicatorView {
            id: ind.id.get_ref().clone(),
            card: CardView {
                name: name.clone(),
                period: ind.period.as_deref().map(one_line),
                badge: relative.rank_badge.clone(),
                fall: main_is_fall(&main, value.as_ref(), growth.as_ref()),
                long: is_long(&main),
                main,
                lines: card_lines,
            },
            name,
            period: ind.period.as_deref().map(one_line),
            goal,
            value,
            unit,
            value_text,
            growth,
            growth_text,
            chart_label,
            text,
            change_text,
            rank_text: relative.rank_text,
            contribution_text: relative.contribution_text,
            goal_text: relative.goal_text,
            share_computed: relative.share_computed,
            computed_comparison: relative.computed_comparison,
            basis: basis_word,
            notes,
            phrase,
            key: ind.key,
            higher_is_better: ind.higher_is_better,
        }
    }
}

/// 主数字一行的大致宽度（以大字的一个汉字宽为 1）：数字和西文约半个字宽，小字再打个折扣。
/// 超过 5 个字宽的，模板才去量实际宽度，必要时缩小。
pub fn is_long(pieces: &[Piece]) -> bool {
    let width: f64 = pieces
        .iter()
        .map(|p| {
            let w: f64 = p
                .text
                .chars()
                .map(|c| if c.is_ascii() { 0.55 } else { 1.0 })
                .sum();
            if p.big { w } else { w * 0.45 }
        })
        .sum();
    width > 5.0
}

/// 去掉空段，相邻同类的段合并。
fn pieces(parts: &[(&str, bool)]) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    for (text, big) in parts {
        if text.is_empty() {
            continue;
        }
        match out.last_mut() {
            Some(last) if last.big == *big => last.text.push_str(text),
            _ => out.push(Piece {
                text: (*text).to_owned(),
                big: *big,
            }),
        }
    }
    out
}

fn joined(pieces: &[Piece]) -> String {
    pieces.iter().map(|p| p.text.as_str()).collect()
}

/// 只有增速的县区卡片：大字是增速的绝对值，下面写方向。
pub fn growth_card_main(f: &Figure) -> Vec<Piece> {
    pieces(&[
        (if f.value < 0.0 { "下降" } else { "" }, false),
        (f.text.trim_start_matches('-'), true),
        ("%", false),
    ])
}

/// 卡片主数字下面的一行：下降时“下降”已写在数字前，这里只留比较的基准（同比、预期）。
/// `goal` 为没写基准的预期目标（写“预期增长”）；否则用数据的基准，基准为空时下降的卡片这一行为空。
pub fn growth_card_label(value: f64, goal: bool, basis: &str) -> String {
    if goal {
        let label = cn::growth_label(value, true);
        return label.trim_end_matches("下降").to_owned();
    }
    if value > 0.0 {
        format!("{basis}增长")
    } else if value < 0.0 {
        basis.to_owned()
    } else {
        cn::level_phrase(basis)
    }
}

/// 卡片的大字是不是一个下降的数：下降用中性色排，不用强调色。
pub fn main_is_fall(main: &[Piece], value: Option<&Figure>, growth: Option<&Figure>) -> bool {
    let fig = value.or(growth);
    main.iter().any(|p| p.big) && fig.is_some_and(|f| f.value < 0.0)
}

/// 总量的卡片大字：数字加单位。
pub fn value_card_main(f: &Figure, unit: &str) -> Vec<Piece> {
    pieces(&[(&minus(&f.text), true), (unit, false)])
}
