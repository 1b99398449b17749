//! 发布前核对：数据读得进来、排得出来，但可能有录错的数。只提醒，不拦着排版：
//! 县区之和与全市总量不符（数据声明了 `adds_up` 的列）、离群的县区数字（正负号与其余都不同，或远离其余），
//! 以及（有上期数据时）增速与上期相比变化超过 `max_change`。每条都指到文件的行列或表格的单元格，并写出两边的数。

use crate::base::diag::{Origin, Problem};
use crate::present::stats::Decimal;
use crate::present::view::Figure;
use crate::project::Project;

/// 判为离群的稳健 z 分数（中位数与中位绝对偏差，Iglewicz–Hoaglin 的常用界限）。
const OUTLIER_Z: f64 = 3.5;
/// 县区少于这么多时不判离群：三个数里谈不上“其余”。
const OUTLIER_MIN: usize = 4;

pub fn checks(project: &Project) -> Vec<Problem> {
    let mut out = Vec::new();
    if let Some(c) = &project.counties {
        for col in c.columns() {
            let ind = &project.view.indicators[col.indicator];
            if col.rule.adds_up {
                adds_up(&col, ind, &mut out);
            }
            outliers(&col, &mut out);
        }
    }
    if let Some(prev) = &project.previous {
        changes(project, prev, &mut out);
        published_changes(project, prev, &mut out);
    }
    out
}

/// 数据写了与上一期的比较（如原文的“较上半年提高2.3个百分点”），又给了上一期的数据：两者应对得上。
/// 相差超过 0.1 个百分点（两期各自四舍五入的误差）时提醒，写出原文的数和算得的数。
fn published_changes(project: &Project, prev: &Project, out: &mut Vec<Problem>) {
    let (Some(file), Some(period)) = (
        &project.data.indicators,
        prev.data.meta.value.meta.period.as_deref(),
    ) else {
        return;
    };
    for (i, ind) in file.value.indicators.iter().enumerate() {
        let id = ind.id.get_ref();
        let (Some(cur), Some(before)) = (
            project
                .view
                .indicators
                .iter()
                .find(|v| &v.id == id)
                .and_then(|v| v.growth.as_ref())
                .and_then(dec),
            prev.view
                .indicators
                .iter()
                .find(|v| &v.id == id)
                .and_then(|v| v.growth.as_ref())
                .and_then(dec),
        ) else {
            continue;
        };
        let computed = Decimal::minus(cur, before);
        for (k, c) in ind.compare.iter().enumerate() {
            if c.base.trim().trim_start_matches(['比', '较']) != period.trim() {
                continue;
            }
            let Some(given) = file
                .source
                .literal(c.change.span())
                .and_then(|t| Decimal::parse(&t))
            else {
                continue;
            };
            let gap = Decimal::minus(given, computed);
            if gap.abs().to_f64() > 0.1 + 1e-9 {
                out.push(Problem::new(
                    file.source.origin(Some(c.change.span())),
                    format!("indicators[{i}].compare[{k}].change"),
                    format!(
                        "与{period}相比写的是 {} 个百分点，由两期增速算得 {}（本期 {}%，上期 {}%）：请核对",
                        given.text(),
                        computed.text(),
                        cur.text(),
                        before.text()
                    ),
                ));
            }
        }
    }
}

fn dec(f: &Figure) -> Option<Decimal> {
    Decimal::parse(&f.text)
}

fn sum(values: &[Decimal]) -> Decimal {
    values.iter().fold(
        Decimal {
            mantissa: 0,
            scale: 0,
        },
        |acc, v| {
            Decimal::minus(
                acc,
                Decimal {
                    mantissa: -v.mantissa,
                    scale: v.scale,
                },
            )
        },
    )
}

fn adds_up(
    col: &crate::present::county::ColumnFigures,
    ind: &crate::present::view::IndicatorView,
    out: &mut Vec<Problem>,
) {
    let header = &col.rule.header;
    if col.growth {
        out.push(Problem::new(
            col.rule.declared.clone(),
            "adds_up",
            format!("“{header}”是增速列：增速不能相加，adds_up 只用于总量列"),
        ));
        return;
    }
    let Some(city) = ind.value.as_ref().and_then(dec) else {
        return;
    };
    let values: Vec<Decimal> = col.cells.iter().filter_map(|(_, f, _)| dec(f)).collect();
    if values.is_empty() {
        return;
    }
    let total = sum(&values);
    let diff = Decimal::minus(total, city);
    let places = values.iter().map(|v| v.scale).max().unwrap_or(0);
    let tolerance = col
        .rule
        .tolerance
        .unwrap_or(values.len() as f64 * 0.5 * 10f64.powi(-(places as i32)));
    let gap = diff.abs().to_f64();
    if gap > tolerance + 1e-9 {
        out.push(Problem::new(
            col.rule.declared.clone(),
            "adds_up",
            format!(
                "“{header}”{}个县区合计 {}，全市（indicators.toml 的 {}）为 {}，相差 {}，超过容差 {}：请核对县区表格或全市数字",
                values.len(),
                total.text(),
                ind.id,
                city.text(),
                diff.abs().text(),
                crate::base::number::format_number(tolerance),
            ),
        ));
    }
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn outliers(col: &crate::present::county::ColumnFigures, out: &mut Vec<Problem>) {
    let n = col.cells.len();
    if n < OUTLIER_MIN {
        return;
    }
    let header = &col.rule.header;
    let values: Vec<f64> = col.cells.iter().map(|(_, f, _)| f.value).collect();
    let mut flagged = vec![false; n];
    // 正负号与其余都不同：其余都为正（或都为负），只有它相反。
    for (i, (name, f, origin)) in col.cells.iter().enumerate() {
        let others: Vec<f64> = values
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, v)| *v)
            .collect();
        let all_pos = others.iter().all(|v| *v > 0.0);
        let all_neg = others.iter().all(|v| *v < 0.0);
        if (all_pos && f.value < 0.0) || (all_neg && f.value > 0.0) {
            flagged[i] = true;
            out.push(warn(
                origin,
                header,
                format!(
                    "{name}的“{header}”为 {}，其余{}个县区都是{}：请核对正负号",
                    f.text,
                    n - 1,
                    if all_pos { "正数" } else { "负数" }
                ),
            ));
        }
    }
    // 远离其余：稳健 z 分数超过界限。只查增速：总量随县区大小本就相差悬殊。
    if !col.growth {
        return;
    }
    let m = median(&mut values.clone());
    let mut dev: Vec<f64> = values.iter().map(|v| (v - m).abs()).collect();
    let mad = median(&mut dev);
    if mad <= 0.0 {
        return;
    }
    for (i, (name, f, origin)) in col.cells.iter().enumerate() {
        let z = (f.value - m).abs() / (1.4826 * mad);
        if z > OUTLIER_Z && !flagged[i] {
            out.push(warn(
                origin,
                header,
                format!(
                    "{name}的“{header}”为 {}，远离其余县区（中位数 {}）：请核对是否录错",
                    f.text,
                    crate::base::number::format_number((m * 100.0).round() / 100.0)
                ),
            ));
        }
    }
}

fn warn(origin: &Origin, field: &str, msg: String) -> Problem {
    Problem::new(origin.clone(), field, msg)
}

/// 与上期相比增速变化超过数据声明的 max_change：全市指标和各县区。
fn changes(project: &Project, prev: &Project, out: &mut Vec<Problem>) {
    let Some(file) = &project.data.indicators else {
        return;
    };
    for (i, ind) in file.value.indicators.iter().enumerate() {
        let Some(max) = ind.max_change else { continue };
        let id = ind.id.get_ref();
        let (Some(cur), Some(before)) = (
            project.view.indicators.iter().find(|v| &v.id == id),
            prev.view.indicators.iter().find(|v| &v.id == id),
        ) else {
            continue;
        };
        if let (Some(g), Some(p), Some(span)) = (&cur.growth, &before.growth, &ind.growth) {
            check_change(
                &file.source.origin(Some(span.span())),
                &format!("indicators[{i}].growth"),
                &cur.name,
                g,
                p,
                max,
                out,
            );
        }
        // 各县区：按县区名对上两期表格中同一指标的增速。
        let (Some(c), Some(pc)) = (&project.counties, &prev.counties) else {
            continue;
        };
        let column = |cols: Vec<crate::present::county::ColumnFigures<'_>>,
                      view: &crate::present::view::View| {
            cols.into_iter()
                .find(|col| col.growth && view.indicators[col.indicator].id == *id)
                .map(|col| {
                    col.cells
                        .iter()
                        .map(|(n, f, o)| ((*n).to_owned(), (*f).clone(), (*o).clone()))
                        .collect::<Vec<_>>()
                })
        };
        let (Some(now), Some(then)) = (
            column(c.columns(), &project.view),
            column(pc.columns(), &prev.view),
        ) else {
            continue;
        };
        for (name, f, origin) in &now {
            if let Some((_, p, _)) = then.iter().find(|(n, _, _)| n == name) {
                check_change(
                    origin,
                    "growth",
                    &format!("{name}{}", cur.name),
                    f,
                    p,
                    max,
                    out,
                );
            }
        }
    }
}

fn check_change(
    origin: &Origin,
    field: &str,
    what: &str,
    now: &Figure,
    before: &Figure,
    max: f64,
    out: &mut Vec<Problem>,
) {
    let (Some(a), Some(b)) = (dec(now), dec(before)) else {
        return;
    };
    let d = Decimal::minus(a, b);
    let gap = d.abs().to_f64();
    if gap > max + 1e-9 {
        out.push(Problem::new(
            origin.clone(),
            field,
            format!(
                "{what}增速本期 {}%，上期 {}%，变化 {} 个百分点，超过 max_change = {}：请核对",
                now.text,
                before.text,
                d.abs().text(),
                crate::base::number::format_number(max)
            ),
        ));
    }
}
