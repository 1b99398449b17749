//! 终端上的进度与汇总表：终端里用进度条，重定向到文件时逐行输出。

use std::collections::BTreeMap;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use jianbao::batch::{Outcome, OutcomeResult};

pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    pub fn new(total: usize, terminal: bool) -> Self {
        let bar = terminal.then(|| {
            let bar = ProgressBar::new(total as u64);
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} [{elapsed_precise}] {bar:32} {pos}/{len} 还需约 {eta} {msg}",
                )
                .expect("进度条模板合法"),
            );
            bar
        });
        Self { bar }
    }

    pub fn done(&self, n: usize, total: usize, o: &Outcome) {
        let status = match &o.result {
            OutcomeResult::Written { pages, .. } => format!("{pages} 页"),
            OutcomeResult::Failed { .. } => "失败".into(),
        };
        let line = format!(
            "{} {}：{status}，{:.2} 秒",
            o.region,
            o.kind.label(),
            o.elapsed.as_secs_f64()
        );
        self.step(n, total, line);
    }

    /// 第 `n` 份（共 `total` 份）完成：终端里推进度条，否则逐行输出。
    pub fn step(&self, n: usize, total: usize, line: String) {
        match &self.bar {
            Some(bar) => {
                bar.set_position(n as u64);
                bar.set_message(line);
            }
            // 不在终端时（日志文件）：份数很多时只记每 1%，免得上万行。
            None if total <= 200 || n == total || n.is_multiple_of(total / 100) => {
                eprintln!("[{n}/{total}] {line}")
            }
            None => {}
        }
    }

    /// 在进度条上方打印一行（警告），不打乱进度条。
    pub fn println(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.println(line),
            None => eprintln!("{line}"),
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// 按地区汇总：文档数、页数、用时、警告数、失败数。
pub fn table(outcomes: &[Outcome]) {
    #[derive(Default)]
    struct Row {
        docs: usize,
        pages: Vec<String>,
        time: Duration,
        warnings: usize,
        failed: usize,
    }
    let mut order = Vec::new();
    let mut rows: BTreeMap<String, Row> = BTreeMap::new();
    for o in outcomes {
        if !rows.contains_key(&o.region) {
            order.push(o.region.clone());
        }
        let row = rows.entry(o.region.clone()).or_default();
        row.time += o.elapsed;
        match &o.result {
            OutcomeResult::Written {
                pages, warnings, ..
            } => {
                row.docs += 1;
                row.pages.push(pages.to_string());
                row.warnings += warnings.len();
            }
            OutcomeResult::Failed { .. } => row.failed += 1,
        }
    }
    let header = ["地区", "文档", "页数", "用时", "警告", "失败"];
    let body: Vec<[String; 6]> = order
        .iter()
        .map(|r| {
            let row = &rows[r];
            [
                r.clone(),
                row.docs.to_string(),
                row.pages.join("+"),
                format!("{:.2}秒", row.time.as_secs_f64()),
                row.warnings.to_string(),
                row.failed.to_string(),
            ]
        })
        .collect();
    let widths: Vec<usize> = (0..6)
        .map(|i| {
            body.iter()
                .map(|r| width(&r[i]))
                .chain([width(header[i])])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &[String]| {
        let padded: Vec<String> = cells.iter().zip(&widths).map(|(c, w)| pad(c, *w)).collect();
        println!("{}", padded.join("  ").trim_end());
    };
    line(&header.map(String::from));
    for r in &body {
        line(r);
    }
}

fn width(s: &str) -> usize {
    s.chars().map(jianbao::base::diag::display_width).sum()
}

fn pad(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width(s))))
}

pub fn human_bytes(n: usize) -> String {
    if n >= 1 << 20 {
        format!("{:.1} MB", n as f64 / (1 << 20) as f64)
    } else {
        format!("{} KB", n.div_ceil(1024))
    }
}
