//! `jianbao bench`：量一量批量排版的速度和内存。
//!
//! 1. 数据集的全部版本（示例数据为全市版加 9 个县区，共 20 份 PDF），一个进程、并行；
//! 2. 生成的大批量（默认 500 个地区，1000 份 PDF），分段记录常驻内存，看它是否随数量增长；
//! 3. 给出 `--typst` 时，对同样的文档逐份运行官方 `typst compile`，作为对照；
//! 4. `--copies N`：N 份编号的手册与一页纸（逐份写出），对照独立的 `jianbao build`。
//!
//! `--check` 只跑速度守卫（见 `check`），CI 用它。

mod check;
mod scale;
mod timings;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use jianbao::batch::{self, Outcome, Region, Selection};
use jianbao::isolate::Workers;
use jianbao::project::Project;
use jianbao::render::{Render, Template};
use jianbao::typeset::Kind;
use jianbao::typeset::world::Limits;

use super::{Failure, default_jobs, engine, prepare};
use crate::cli::BenchArgs;

/// 工作进程：与 bench 同样准备好（数据、字体、模板），然后排主进程交来的文档。
pub fn worker(
    mut args: BenchArgs,
) -> Result<(jianbao::project::Project, jianbao::render::Press), Failure> {
    if let Some(dir) = std::env::var_os(BENCH_DATA_ENV) {
        args.common.data = Some(dir.into());
    }
    let project = prepare(&args.common)?;
    let engine = engine(&args.common, &project)?;
    let press = project.press(&engine);
    Ok((project, press))
}

/// 大批量每排完这么多地区记录一次内存。
const CHUNK: usize = 50;

/// bench 的工作进程读这个目录里的数据集（生成的大批量），而不是命令行上的。
const BENCH_DATA_ENV: &str = "JIANBAO_BENCH_DATA";

pub fn run(args: BenchArgs) -> Result<(), Failure> {
    let jobs = args.jobs.unwrap_or_else(default_jobs);
    let project = prepare(&args.common)?;
    let started = Instant::now();
    let engine = engine(&args.common, &project)?;
    let setup = started.elapsed();
    if args.check {
        return check::run(&project, &args.common, &engine);
    }
    let work = tempfile::tempdir().context("无法创建临时目录")?;

    println!("机器：{} 个处理器核，使用 {jobs} 个线程", default_jobs());
    println!(
        "准备（扫描字体、定位模板）：{:.3} 秒\n",
        setup.as_secs_f64()
    );

    // 1. 示例数据的全部版本。
    let regions = batch::regions(&project, &Selection::All, None).map_err(Failure::Data)?;
    if args.timings.is_some() {
        typst_timing::enable();
    }
    let (outcomes, wall) = timed_batch(
        &project,
        &project.press(&engine),
        &regions,
        &work.path().join("sample"),
        jobs,
    )?;
    print_run(
        &format!(
            "数据集 {}（全市版 + {} 个县区），在本进程里排",
            project.data.dir.display(),
            regions.len() - 1
        ),
        &outcomes,
        wall,
    );
    if let Some(path) = &args.timings {
        timings::write(path, &engine)?;
    }
    let in_process = wall;
    // `jianbao batch` 的排法：在有内存上限的工作进程里排（含启动它的用时），与上面的进程内排法对照。
    let started = Instant::now();
    let workers = Workers::new(
        Some(jianbao::isolate::DEFAULT_MEMORY),
        Limits::default().time,
    )
    .context("无法启动排版进程")?
    .warm();
    let (outcomes, _) = timed_batch(
        &project,
        &workers,
        &regions,
        &work.path().join("sample-workers"),
        jobs,
    )?;
    let isolated = started.elapsed();
    drop(workers);
    print_run(
        "同一数据集，在工作进程里排（jianbao batch 的排法）",
        &outcomes,
        isolated,
    );
    println!(
        "  工作进程对进程内：{:.2} 倍用时\n",
        isolated.as_secs_f64() / in_process.as_secs_f64()
    );
    let sample_wall = isolated;

    // 2. 生成的大批量。
    if args.regions > 0 {
        let dir = synthesize(
            &project.data.dir,
            &work.path().join("generated"),
            args.regions,
        )?;
        let big = Project::load(&dir, &super::options(&args.common)).map_err(Failure::Data)?;
        let all = batch::regions(&big, &Selection::All, None).map_err(Failure::Data)?;
        let counties = &all[1..];
        let out = work.path().join("generated-out");
        let own_memory = || {
            let heap = heap_in_use().map_or(String::new(), |h| format!("，堆中在用 {}", mib(h)));
            format!(
                "{}（匿名 {}{heap}）",
                mib(memory("VmRSS")),
                mib(memory("RssAnon"))
            )
        };
        big_run(
            &format!("生成的 {} 个地区，在本进程里排", counties.len()),
            &big,
            &big.press(&engine),
            counties,
            &out,
            jobs,
            &own_memory,
        )?;
        println!("  本进程峰值内存（VmHWM）：{}", mib(memory("VmHWM")));
        print_profile([0.0; 5]);
        // `jianbao batch` 的排法：工作进程排，每排完 RECYCLE_AFTER 份换一个新的。
        let workers = Workers::new(
            Some(jianbao::isolate::DEFAULT_MEMORY),
            Limits::default().time,
        )
        .context("无法启动排版进程")?
        .with_env(BENCH_DATA_ENV, &dir)
        .warm();
        let peak = std::cell::Cell::new(0);
        let worker_memory = || {
            let pid = workers.pid().map(|p| p.to_string()).unwrap_or_default();
            match (status_field(&pid, "VmRSS"), status_field(&pid, "VmHWM")) {
                (Some(rss), Some(hwm)) => {
                    peak.set(peak.get().max(hwm));
                    mib(rss)
                }
                _ => "—".into(),
            }
        };
        big_run(
            &format!(
                "同样 {} 个地区，在工作进程里排（jianbao batch 的排法，每 {} 份换一个工作进程）",
                counties.len(),
                jianbao::isolate::RECYCLE_AFTER
            ),
            &big,
            &workers,
            counties,
            &out,
            jobs,
            &worker_memory,
        )?;
        println!(
            "  工作进程峰值内存（各次记录时所见的 VmHWM）：{}",
            mib(peak.get())
        );
    } else {
        println!("  进程峰值内存（VmHWM）：{}", mib(memory("VmHWM")));
        print_profile([0.0; 5]);
    }
    println!();

    // 3. 官方 typst 命令行对照。
    if let Some(typst) = &args.typst {
        let secs = stock_typst(typst, &project, &regions, &work.path().join("stock"), &args)?;
        println!(
            "官方 typst compile，每份文档运行一次（顺序执行）：{} 份共 {secs:.2} 秒",
            regions.len() * Kind::ALL.len()
        );
        // 官方命令行每次都要扫描字体、解析模板：jianbao 这一边也算上一次准备的用时，才是同样的活。
        let ours = (setup + sample_wall).as_secs_f64();
        println!(
            "  jianbao batch 快 {:.1} 倍（准备加批量 {ours:.2} 秒 对 {secs:.2} 秒）",
            secs / ours
        );
    }

    // 4. 编号份数：N 份在一个进程里排（只差封面上的份号，其余各页复用排版缓存），
    //    对照 N 次独立的 jianbao build（每次都从头排）。
    if args.copies > 0 {
        copies_bench(&project, &engine, &args, &work.path().join("copies"))?;
    }

    // 5. 内容规模：章数不同的手册，各在一个子进程里排。
    if !args.chapters.is_empty() {
        scale::run(work.path(), &args.chapters).map_err(Failure::Other)?;
    }
    Ok(())
}

fn copies_bench(
    project: &Project,
    engine: &jianbao::typeset::world::Engine,
    args: &BenchArgs,
    dir: &Path,
) -> Result<(), Failure> {
    let n = args.copies;
    let copies =
        jianbao::copies::Copies::numbered(n).map_err(|m| Failure::Other(anyhow::anyhow!("{m}")))?;
    let templates: Vec<Template> = Kind::ALL.into_iter().map(Template::Builtin).collect();
    let jobs = args.jobs.unwrap_or_else(default_jobs);
    let out = dir.join("numbered");
    // 常驻内存在排完 10% 和全部之后各记一次：逐份写出时两者应当相近。
    let early = std::sync::Mutex::new(None);
    let started = Instant::now();
    let steps = jianbao::render::timing::snapshot();
    let checkpoint = (n * Kind::ALL.len() / 10).max(1);
    jianbao::copies::run(
        &project.press(engine),
        &project.view,
        &copies,
        &templates,
        &out,
        jobs,
        &|k, _, _| {
            if k == checkpoint {
                *early.lock().expect("锁未中毒") = Some(memory("VmRSS"));
            }
        },
    )
    .map_err(Failure::Render)?;
    let numbered = started.elapsed().as_secs_f64();
    let late = memory("VmRSS");
    let _ = std::fs::remove_dir_all(&out);
    println!(
        "编号份数：{n} 份（手册与一页纸各 {n} 份，逐份写出，{jobs} 个线程）{numbered:.2} 秒，每份 {:.0} 毫秒；\
         常驻内存 10% 时 {}，全部写完 {}",
        numbered * 1000.0 / n as f64,
        mib(early.into_inner().expect("锁未中毒").unwrap_or(0)),
        mib(late)
    );
    print_profile(steps);
    // 独立的 jianbao build 每次都从头排：最多跑 20 次，按次数折算。
    let runs = n.min(20);
    let exe = std::env::current_exe().context("找不到 jianbao 程序")?;
    let started = Instant::now();
    for i in 0..runs {
        let out = dir.join(format!("{i}"));
        let status = Command::new(&exe)
            .arg("build")
            .arg(&project.data.dir)
            .arg("--out")
            .arg(&out)
            .stdout(std::process::Stdio::null())
            // 每次 build 的提醒和版面检查都一样，不必在基准测试的输出里重复二十遍。
            .stderr(std::process::Stdio::null())
            .status()
            .context("无法运行 jianbao build")?;
        if !status.success() {
            return Err(Failure::Other(anyhow::anyhow!("jianbao build 失败")));
        }
        let _ = std::fs::remove_dir_all(&out);
    }
    let plain = started.elapsed().as_secs_f64() * n as f64 / runs as f64;
    println!(
        "  对照：独立的 jianbao build（{runs} 次实测，折算为 {n} 次）共 {plain:.2} 秒 —— 编号份数快 {:.1} 倍",
        plain / numbered
    );
    Ok(())
}

/// 大批量分段排（每段 CHUNK 个地区），每段后记一次内存（`memory` 给出要印的文字）。
fn big_run(
    title: &str,
    project: &Project,
    press: &dyn Render,
    counties: &[Region],
    out: &Path,
    jobs: usize,
    memory: &dyn Fn() -> String,
) -> Result<(), Failure> {
    let mut outcomes = Vec::new();
    let mut wall = Duration::ZERO;
    let mut series = Vec::new();
    for (i, chunk) in counties.chunks(CHUNK).enumerate() {
        let (o, w) = timed_batch(project, press, chunk, out, jobs)?;
        outcomes.extend(o);
        wall += w;
        series.push(format!("{}个地区后 {}", i * CHUNK + chunk.len(), memory()));
        // 写出的 PDF 不再需要，删掉以免占满磁盘。
        let _ = std::fs::remove_dir_all(out);
    }
    print_run(title, &outcomes, wall);
    println!("  常驻内存变化：{}", series.join("，"));
    Ok(())
}

fn timed_batch(
    project: &Project,
    press: &dyn Render,
    regions: &[Region],
    out: &Path,
    jobs: usize,
) -> Result<(Vec<Outcome>, Duration), Failure> {
    let t = Instant::now();
    let outcomes = batch::run(
        project,
        press,
        regions,
        &Kind::ALL,
        out,
        jobs,
        &|_, _, _| {},
    );
    let wall = t.elapsed();
    if let Some(f) = outcomes.iter().find(|o| !o.ok()) {
        return Err(Failure::Other(anyhow::anyhow!(
            "基准测试中 {} {} 失败：{:?}",
            f.region,
            f.kind.label(),
            f.result
        )));
    }
    Ok((outcomes, wall))
}

/// 时间花在哪一步（`since` 之后各线程的用时相加，占渲染总用时的比例）。
fn print_profile(since: [f64; 5]) {
    let now = jianbao::render::timing::snapshot();
    let secs: [f64; 5] = std::array::from_fn(|i| now[i] - since[i]);
    let total: f64 = secs.iter().sum();
    if total <= 0.0 {
        return;
    }
    let parts: Vec<String> = jianbao::render::timing::STEPS
        .iter()
        .zip(secs)
        .map(|(name, s)| format!("{name} {:.0}%（{s:.1} 秒）", s * 100.0 / total))
        .collect();
    println!("  用时分布（各线程相加）：{}", parts.join("，"));
}

fn print_run(title: &str, outcomes: &[Outcome], wall: Duration) {
    let n = outcomes.len();
    let busy: Duration = outcomes.iter().map(|o| o.elapsed).sum();
    let mut s = String::new();
    let _ = write!(
        s,
        "{title}：{n} 份 PDF，总用时 {:.2} 秒，每秒 {:.1} 份，平均每份 {:.0} 毫秒（线程内用时）",
        wall.as_secs_f64(),
        n as f64 / wall.as_secs_f64(),
        busy.as_secs_f64() * 1000.0 / n as f64
    );
    println!("{s}");
}

/// /proc/self/status 中的内存项（KiB）；读不到时为 0。
fn memory(key: &str) -> u64 {
    status_field("self", key).unwrap_or(0)
}

/// /proc/<进程>/status 中的一项（KiB），如 VmRSS。
fn status_field(process: &str, key: &str) -> Option<u64> {
    std::fs::read_to_string(format!("/proc/{process}/status"))
        .ok()?
        .lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}

/// glibc 堆中仍在使用的内存（KiB）：常驻内存涨而它不涨，是碎片；两者一起涨，是留住了数据。
fn heap_in_use() -> Option<u64> {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: mallinfo2 只读 glibc 的统计，没有前置条件。
        let info = unsafe { libc::mallinfo2() };
        Some((info.uordblks + info.hblkhd) as u64 / 1024)
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    None
}

fn mib(kb: u64) -> String {
    format!("{:.0} MiB", kb as f64 / 1024.0)
}

/// 生成一个有 `n` 个地区的数据集：复制示例数据的全市部分，县区表格用确定的伪随机数填充。
fn synthesize(sample: &Path, dir: &Path, n: usize) -> Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    for name in ["meta.toml", "outline.toml", "indicators.toml", "tasks.toml"] {
        std::fs::copy(sample.join(name), dir.join(name)).with_context(|| format!("复制 {name}"))?;
    }
    let mut seed: u64 = 0x5eed;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) % 1000) as f64 / 1000.0
    };
    let columns = [
        ("生产总值增速", "gdp.growth", 2.0, 6.0),
        ("规上工业增加值增速", "industry.growth", -2.0, 5.0),
        ("固定资产投资增速", "investment.growth", 2.0, 9.0),
        ("社会消费品零售总额增速", "retail.growth", 3.0, 7.0),
        ("一般公共预算收入", "revenue.value", 0.2, 3.0),
        ("金融机构存款余额", "deposits.value", 5.0, 60.0),
    ];
    let mut csv = String::from("县区");
    let mut toml = String::from(
        "scope = \"全市\"\nnotice = \"基准测试生成的数据\"\n\n[table]\nfile = \"counties.csv\"\nname_column = \"县区\"\n",
    );
    for (header, field, _, _) in columns {
        let _ = write!(csv, ",{header}");
        let _ = write!(
            toml,
            "\n[[table.columns]]\nheader = \"{header}\"\nfield = \"{field}\"\n"
        );
    }
    csv.push('\n');
    for i in 1..=n {
        let name = format!("示例乡镇{i:04}");
        csv.push_str(&name);
        for (_, _, lo, hi) in columns {
            let _ = write!(csv, ",{:.1}", lo + (hi - lo) * next());
        }
        csv.push('\n');
        let _ = write!(toml, "\n[[counties]]\nname = \"{name}\"\n");
    }
    std::fs::write(dir.join("counties.csv"), csv)?;
    std::fs::write(dir.join("counties.toml"), toml)?;
    Ok(dir.to_owned())
}

/// 对每份文档运行一次官方 typst：导出 JSON，复制模板，顺序编译。
fn stock_typst(
    typst: &Path,
    project: &Project,
    regions: &[Region],
    root: &Path,
    args: &BenchArgs,
) -> Result<f64> {
    let templates = args
        .common
        .templates
        .clone()
        .unwrap_or_else(|| PathBuf::from("templates"));
    if !templates.join("booklet.typ").is_file() {
        bail!("对照官方 typst 需要磁盘上的模板目录（用 --templates 指定）");
    }
    let fonts = jianbao::typeset::fonts::bundled_dir().context("找不到随附字体目录")?;
    copy_dir(&templates, &root.join("templates"))?;
    let mut jobs = Vec::new();
    for (i, region) in regions.iter().enumerate() {
        let view = project
            .view_for(region.as_deref())
            .map_err(|p| anyhow::anyhow!("{p}"))?;
        let json = root.join(format!("d{i}.json"));
        std::fs::write(&json, serde_json::to_vec(&view)?)?;
        for kind in Kind::ALL {
            jobs.push((
                format!("/d{i}.json"),
                kind,
                root.join(format!("o{i}-{}.pdf", kind.label())),
            ));
        }
    }
    let t = Instant::now();
    for (input, kind, out) in &jobs {
        let status = Command::new(typst)
            .arg("compile")
            .arg("--root")
            .arg(root)
            .arg("--font-path")
            .arg(&fonts)
            .arg("--ignore-system-fonts")
            .arg("--input")
            .arg(format!("data={input}"))
            .arg(root.join("templates").join(kind.template()))
            .arg(out)
            .status()
            .with_context(|| format!("无法运行 {}", typst.display()))?;
        if !status.success() {
            bail!("typst compile 失败：{input} {}", kind.template());
        }
    }
    Ok(t.elapsed().as_secs_f64())
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}
