//! `bench --chapters 500,2000`：内容规模。每档生成一份有 N 个单块章的数据，用子进程
//! `jianbao build --only booklet` 排出手册，记下墙钟用时和子进程的峰值内存；最后给出最大一档与最小一档之比。
//! 用时和内存与内容成正比时，两个比值都约等于章数之比。

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};

/// 生成的每章正文：一段约 120 字（基准测试的数据，不是任何文件的原文）。
const PARAGRAPH: &str = "这是基准测试生成的正文，用来衡量排版用时和内存随章数增长的情况。每章一个叙述块，\
    一段文字，段中有数字与单位，例如完成投资12.5亿元、新开工项目36个、增长6.8%，以及“引号”和（括号）。";

pub fn run(work: &Path, counts: &[usize]) -> Result<()> {
    let exe = std::env::current_exe().context("找不到 jianbao 程序")?;
    // 从小到大排：子进程的峰值内存只能读到“已结束的子进程中的最大值”。
    let mut counts = counts.to_vec();
    counts.sort_unstable();
    counts.dedup();
    let mut rows = Vec::new();
    for &n in &counts {
        let dir = work.join(format!("chapters-{n}"));
        write_data(&dir, n)?;
        let out = work.join(format!("chapters-{n}-out"));
        let started = Instant::now();
        let status = Command::new(&exe)
            .arg("build")
            .arg(&dir)
            .arg("--out")
            .arg(&out)
            .args([
                "--only",
                "booklet",
                "--max-pages",
                "100000",
                "--time-limit",
                "3600",
            ])
            .output()
            .context("无法运行 jianbao build")?;
        let secs = started.elapsed().as_secs_f64();
        if !status.status.success() {
            bail!(
                "{n} 章的手册没有排出来：{}",
                String::from_utf8_lossy(&status.stderr)
            );
        }
        // 子进程的峰值内存：getrusage 给的是已结束的子进程中的最大值，各档从小到大排，这个最大值就是本档的。
        let peak = children_peak_kib();
        let pages = pages_of(&out);
        println!(
            "内容规模：{n} 章（每章一段），手册 {pages} 页，{secs:.2} 秒，子进程峰值内存 {:.0} MiB",
            peak as f64 / 1024.0
        );
        rows.push((n, secs, peak));
        let _ = std::fs::remove_dir_all(&out);
    }
    if let (Some(first), Some(last)) = (rows.first(), rows.last())
        && rows.len() > 1
    {
        println!(
            "  {} 章对 {} 章：内容 {:.1} 倍，用时 {:.1} 倍，峰值内存 {:.1} 倍",
            last.0,
            first.0,
            last.0 as f64 / first.0 as f64,
            last.1 / first.1,
            last.2 as f64 / first.2.max(1) as f64
        );
    }
    Ok(())
}

fn write_data(dir: &Path, n: usize) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(
        dir.join("meta.toml"),
        // 一页纸引用第一章的叙述块（数据总要有一页纸可排；这里只排手册）。
        format!(
            "[meta]\ntitle = \"内容规模测试（{n}章）\"\nregion = \"示例市\"\n\n[summary]\n\n[[summary.blocks]]\ntype = \"prose\"\nref = \"c1\"\n"
        ),
    )?;
    let mut outline = String::new();
    for i in 1..=n {
        let _ = write!(
            outline,
            "\n[[chapters]]\ntitle = \"第{i}章的标题\"\n\n[[chapters.blocks]]\nid = \"c{i}\"\ntype = \"prose\"\nparagraphs = [\"{PARAGRAPH}\"]\n"
        );
    }
    std::fs::write(dir.join("outline.toml"), outline)?;
    Ok(())
}

fn children_peak_kib() -> u64 {
    // SAFETY: getrusage 只写入传给它的结构体。
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) } != 0 {
        return 0;
    }
    u64::try_from(usage.ru_maxrss).unwrap_or(0)
}

fn pages_of(out: &Path) -> String {
    let pdf = std::fs::read_dir(out)
        .ok()
        .into_iter()
        .flatten()
        .flatten()
        .find(|e| e.path().extension().is_some_and(|x| x == "pdf"));
    pdf.and_then(|e| lopdf::Document::load(e.path()).ok())
        .map(|d| d.get_pages().len().to_string())
        .unwrap_or_else(|| "?".into())
}
