//! 可靠性（issue 9）：Excel 单元格按用户看到的样子读、并发批量、SIGTERM、模板的时间与页数上限、
//! 小问题（--jobs 0、中文的参数错误、JIANBAO_FONTS、问题清单的上限、--out 是文件、权限、系统错误的中文说明）。

mod common;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use calamine::Data;
use common::*;
use rust_xlsxwriter::{ExcelDateTime, Format};

// ---------------------------------------------------------------------------
// Excel 单元格

fn export(dir: &Path, county: &str) -> String {
    let o = jianbao(&["export-json", dir.to_str().unwrap(), "--county", county]);
    assert!(o.status.success(), "{}", stderr(&o));
    stdout(&o)
}

#[test]
fn a_date_cell_in_a_number_column_is_an_error_naming_its_cell() {
    let data = fixture();
    rewrite_counties(data.path(), |s, r, c, _| {
        is(r, c, 5, 1) && {
            let date = ExcelDateTime::from_ymd(2023, 12, 25).unwrap();
            let fmt = Format::new().set_num_format("yyyy-mm-dd");
            s.write_datetime_with_format(r, c, &date, &fmt).unwrap();
            true
        }
    });
    let err = check_fails(data.path());
    assert!(
        err.contains("工作表「指标」第5行 B列 生产总值增速（%）：“2023-12-25” 是日期，不是数字"),
        "{err}"
    );
    assert!(!err.contains("45285"), "不应把日期读成序号：{err}");
}

#[test]
fn a_percent_cell_is_read_as_shown() {
    let data = fixture();
    rewrite_counties(data.path(), |s, r, c, _| {
        is(r, c, 5, 1) && {
            let fmt = Format::new().set_num_format("0.00%");
            s.write_number_with_format(r, c, 0.0471, &fmt).unwrap();
            true
        }
    });
    let json = export(data.path(), "永城市");
    assert!(
        json.contains("\"text\": \"4.71\""),
        "百分比格式的 0.0471 应读作 4.71"
    );
    assert!(!json.contains("0.0471"), "不应读成 0.0471");
}

#[test]
fn float_noise_is_printed_as_the_cell_shows_it() {
    let data = fixture();
    rewrite_counties(data.path(), |s, r, c, _| {
        is(r, c, 5, 7) && {
            s.write_number(r, c, 788.3600000000001).unwrap();
            true
        }
    });
    let json = export(data.path(), "永城市");
    assert!(!json.contains("788.3600000000001"), "不应印出浮点尾巴");
    assert!(json.contains("\"text\": \"788.36\""));
}

/// rust_xlsxwriter 总会为公式写上结果 0；去掉它，就像程序生成、从没在 Excel 中打开过的文件。
/// 去掉公式保存的结果：`empty` 为换上的写法（""、"<v/>"、"<v></v>"，不同的程序写法不同）。
fn strip_formula_results(path: &Path, empty: &str) {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut entries = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        entries.push((f.name().to_owned(), bytes));
    }
    let out = std::fs::File::create(path).unwrap();
    let mut w = zip::ZipWriter::new(out);
    for (name, bytes) in entries {
        let bytes = if name.starts_with("xl/worksheets/") {
            let s = String::from_utf8(bytes).unwrap();
            assert!(s.contains("</f><v>0</v>"), "应有公式");
            s.replace("</f><v>0</v>", &format!("</f>{empty}"))
                .into_bytes()
        } else {
            bytes
        };
        w.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(&bytes).unwrap();
    }
    w.finish().unwrap();
}

#[test]
fn a_formula_without_a_saved_result_says_so() {
    // issue 16：有的程序写一个空的 <v/>，原来读成“单元格为空”。
    for empty in ["", "<v/>", "<v></v>"] {
        a_formula_without_a_saved_result_written_as(empty);
    }
}

fn a_formula_without_a_saved_result_written_as(empty: &str) {
    let data = fixture();
    rewrite_counties(data.path(), |s, r, c, _| {
        is(r, c, 5, 5) && {
            s.write_formula(r, c, "G5/2").unwrap();
            true
        }
    });
    strip_formula_results(&data.path().join("counties.xlsx"), empty);
    let err = check_fails(data.path());
    assert!(
        err.contains("工作表「指标」第5行 F列 这一格是公式（=G5/2）"),
        "{err}"
    );
    assert!(
        err.contains("请用 Excel 或 WPS 打开这个文件并保存"),
        "{err}"
    );
    assert!(!err.contains("单元格为空"), "{err}");
}

#[test]
fn merged_name_cells_are_reported_once_at_the_merge() {
    let data = fixture();
    // A5:A6 合并：永城市占了两行，民权县那一行没有名字。
    rewrite_counties(data.path(), |s, r, c, d| {
        if is(r, c, 5, 0) {
            let Data::String(name) = d else { panic!() };
            s.merge_range(r, c, r + 1, c, name, &Format::new()).unwrap();
            return true;
        }
        is(r, c, 6, 0)
    });
    let err = check_fails(data.path());
    assert_eq!(err.matches("合并单元格").count(), 1, "{err}");
    assert!(
        err.contains("工作表「指标」第5行 A列 A5:A6 是合并单元格"),
        "{err}"
    );
    assert!(!err.contains("第2行"), "不应指向表头：{err}");

    // batch 不会只在八个县区中排名次：什么都不排。
    let out = tempfile::tempdir().unwrap();
    let o = jianbao(&[
        "batch",
        data.path().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(pdf_files(out.path()).is_empty());
}

// ---------------------------------------------------------------------------
// 共用

/// 目录下（含子目录）所有 PDF，相对 `dir` 的路径。
fn pdf_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(
                pdf_files(&path)
                    .into_iter()
                    .map(|p| Path::new(&entry.file_name()).join(p)),
            );
        } else if path.extension().is_some_and(|e| e == "pdf") {
            out.push(PathBuf::from(entry.file_name()));
        }
    }
    out.sort();
    out
}

/// 生成一个有 `n` 个县区的数据集（示例数据的全市部分 + csv 县区表格）；`shift` 改变县区数字，两份数据排出的文件不同。
fn many_counties(n: usize, shift: usize) -> tempfile::TempDir {
    let data = fixture();
    let mut csv = String::from("县区,生产总值增速（%）\n");
    let mut toml = String::from(
        "scope = \"全市\"\n[table]\nfile = \"counties.csv\"\nname_column = \"县区\"\n[[table.columns]]\nheader = \"生产总值增速（%）\"\nfield = \"gdp.growth\"\n",
    );
    for i in 0..n {
        csv.push_str(&format!(
            "测试县{i:04},{}.{}\n",
            2 + (i + shift) % 5,
            i % 10
        ));
        toml.push_str(&format!("[[counties]]\nname = \"测试县{i:04}\"\n"));
    }
    std::fs::write(data.path().join("counties.csv"), csv).unwrap();
    std::fs::write(data.path().join("counties.toml"), toml).unwrap();
    std::fs::remove_file(data.path().join("counties.xlsx")).unwrap();
    data
}

fn spawn_batch(data: &Path, out: &Path, extra: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_jianbao"))
        .args([
            "batch",
            data.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .args(extra)
        .current_dir(root())
        .env_remove("JIANBAO_FONTS")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// 清单与目录一致：目录里每个 PDF 都在清单中（本次写出的或此前留下的）恰好一次，sha256 与文件相符；
/// 没有临时文件，没有留下锁文件。返回本次写出的份数。
fn assert_manifest_matches_folder(out: &Path) -> usize {
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let listed: Vec<(String, String)> = ["outputs", "earlier"]
        .iter()
        .flat_map(|k| manifest[k].as_array().cloned().unwrap_or_default())
        .map(|o| {
            (
                o["path"].as_str().unwrap().to_owned(),
                o["sha256"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let mut paths: Vec<PathBuf> = listed.iter().map(|(p, _)| PathBuf::from(p)).collect();
    paths.sort();
    assert_eq!(
        paths,
        pdf_files(out),
        "清单应列出目录中的每个 PDF，恰好一次"
    );
    for (path, sha) in &listed {
        let bytes = std::fs::read(out.join(path)).unwrap();
        assert_eq!(&sha256_hex(&bytes), sha, "{path} 的 sha256 与清单不符");
    }
    let leftovers: Vec<String> = walk(out)
        .into_iter()
        .filter(|p| p.ends_with(".tmp") || p.ends_with(".jianbao.lock"))
        .collect();
    assert!(leftovers.is_empty(), "不应留下临时文件或锁：{leftovers:?}");
    manifest["outputs"].as_array().unwrap().len()
}

fn walk(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        if entry.path().is_dir() {
            out.extend(walk(&entry.path()));
        } else {
            out.push(entry.path().to_string_lossy().into_owned());
        }
    }
    out
}

#[test]
fn two_concurrent_batches_into_one_folder_leave_it_consistent() {
    let a = fixture();
    let b = fixture();
    // 两份不同的数据：b 的编印单位不同，排出的每个文件都不同。
    replace(&b.path().join("meta.toml"), "商丘", "商邱");
    let out = tempfile::tempdir().unwrap();
    let first = spawn_batch(a.path(), out.path(), &["--only", "booklet"]);
    let second = spawn_batch(b.path(), out.path(), &["--only", "booklet"]);
    let first = first.wait_with_output().unwrap();
    let second = second.wait_with_output().unwrap();
    let codes = [first.status.code(), second.status.code()];
    let refused: Vec<&std::process::Output> = [&first, &second]
        .into_iter()
        .filter(|o| !o.status.success())
        .collect();
    assert_eq!(refused.len(), 1, "应有一个被拒绝，退出码：{codes:?}");
    let err = stderr(refused[0]);
    assert_eq!(refused[0].status.code(), Some(3), "{err}");
    assert!(err.contains("正被另一个 jianbao 进程使用"), "{err}");
    assert_eq!(assert_manifest_matches_folder(out.path()), 10);
}

#[cfg(unix)]
#[test]
fn sigterm_during_a_rerun_leaves_a_manifest_that_matches_the_folder() {
    let out = tempfile::tempdir().unwrap();
    let first = many_counties(15, 0);
    let o = jianbao(&[
        "batch",
        first.path().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
        "--only",
        "booklet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(assert_manifest_matches_folder(out.path()), 16);

    // 数字不同的数据，重排到同一个目录；写出几份后发 SIGTERM。
    let second = many_counties(15, 2);
    let started = std::time::SystemTime::now();
    // 线程数写死：同一个测试在 2 核和 64 核的机器上走同样的路。
    let child = spawn_batch(
        second.path(),
        out.path(),
        &["--only", "booklet", "--jobs", "2"],
    );
    let fresh = || {
        pdf_files(out.path())
            .iter()
            .filter(|p| {
                std::fs::metadata(out.path().join(p))
                    .and_then(|m| m.modified())
                    .is_ok_and(|t| t > started)
            })
            .count()
    };
    let t = Instant::now();
    while fresh() < 4 && t.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(10));
    }
    signal(&child, libc::SIGTERM);
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(130), "{}", stderr(&output));
    assert!(stderr(&output).contains("已中断"), "{}", stderr(&output));
    let written = assert_manifest_matches_folder(out.path());
    assert!((4..16).contains(&written), "本次写出 {written} 份");
}

// ---------------------------------------------------------------------------
// 模板的时间与页数上限

/// 模板副本：夏邑县的简报手册是个不分配内存的死循环（1e10 次空循环；`while` 会被 typst 自己识破，`for` 不会）。
fn runaway_templates() -> tempfile::TempDir {
    templates_with_booklet_line(
        "#if data.meta.edition == \"夏邑县\" { for i in range(100000) { for j in range(100000) {} } }",
    )
}

#[test]
fn a_runaway_template_stops_within_the_time_limit() {
    let templates = runaway_templates();
    let out = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let o = jianbao(&[
        "build",
        "--county",
        "夏邑县",
        "--only",
        "booklet",
        "--templates",
        templates.path().to_str().unwrap(),
        "--time-limit",
        "2",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    // 死循环要跑很久；上限 2 秒，给足启动时间。
    assert!(started.elapsed() < Duration::from_secs(45));
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(
        stderr(&o)
            .contains("简报手册：排版超过 2 秒仍未完成，已放弃。多半是模板里有失控的循环或递归"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("--time-limit"), "{}", stderr(&o));
    assert!(pdf_files(out.path()).is_empty());
}

#[test]
fn in_a_batch_a_runaway_document_fails_alone() {
    let templates = runaway_templates();
    let out = tempfile::tempdir().unwrap();
    let o = jianbao(&[
        "batch",
        "--counties",
        "永城市,夏邑县",
        "--only",
        "booklet",
        "--templates",
        templates.path().to_str().unwrap(),
        "--time-limit",
        "3",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let said = the_only_failure(out.path(), "夏邑县");
    assert!(said.contains("排版超过 3 秒仍未完成"), "{said}");
}

/// 批量中只有 `region` 的手册失败：另外两份（全市版和另一个县区）照常写出，清单里只记这一份失败；返回它的说明。
fn the_only_failure(out: &Path, region: &str) -> String {
    let other = if region == "夏邑县" {
        "永城市"
    } else {
        "夏邑县"
    };
    assert_eq!(
        pdf_files(out),
        vec![
            PathBuf::from("商丘市-简报手册.pdf"),
            PathBuf::from(format!("{other}/{other}-简报手册.pdf"))
        ]
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let failures = manifest["failures"].as_array().unwrap();
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert_eq!(failures[0]["region"], region);
    failures[0]["problems"][0].as_str().unwrap().to_owned()
}

#[test]
fn a_document_over_the_page_limit_fails_with_a_clear_message() {
    let out = tempfile::tempdir().unwrap();
    let o = jianbao(&[
        "build",
        "--only",
        "booklet",
        "--max-pages",
        "3",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("页，超过每份文档 3 页的上限"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("--max-pages"), "{}", stderr(&o));
}

/// 模板副本：永城市的简报手册每轮把一个字符串加倍（2^40 字节），几秒内就要几 GB 内存。
fn greedy_templates() -> tempfile::TempDir {
    templates_with_booklet_line(
        "#if data.meta.edition == \"永城市\" { let s = \"x\"; for i in range(40) { s = s + s }; s.len() }",
    )
}

/// 进程及其子进程（工作进程）常驻内存之和的最大值（MB），每 5 毫秒看一次 /proc，直到进程结束。
#[cfg(target_os = "linux")]
fn run_measuring_tree(args: &[&str]) -> (std::process::Output, u64) {
    fn rss_kb(pid: u32) -> u64 {
        std::fs::read_to_string(format!("/proc/{pid}/status"))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmRSS:"))
                    .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
            })
            .unwrap_or(0)
    }
    fn children(pid: u32) -> Vec<u32> {
        std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children"))
            .map(|s| {
                s.split_whitespace()
                    .filter_map(|c| c.parse().ok())
                    .collect()
            })
            .unwrap_or_default()
    }
    let child = jianbao_command(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watching = stop.clone();
    let watcher = std::thread::spawn(move || {
        let mut peak = 0;
        while !watching.load(std::sync::atomic::Ordering::SeqCst) {
            let tree: u64 = rss_kb(pid) + children(pid).into_iter().map(rss_kb).sum::<u64>();
            peak = peak.max(tree);
            std::thread::sleep(Duration::from_millis(5));
        }
        peak
    });
    let output = child.wait_with_output().unwrap();
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    (output, watcher.join().unwrap() >> 10)
}

#[cfg(target_os = "linux")]
#[test]
fn in_a_batch_a_document_over_the_memory_limit_fails_alone_within_the_limit() {
    let templates = greedy_templates();
    let out = tempfile::tempdir().unwrap();
    let (o, peak_mb) = run_measuring_tree(&[
        "batch",
        "--counties",
        "永城市,夏邑县",
        "--only",
        "booklet",
        "--templates",
        templates.path().to_str().unwrap(),
        "--max-memory",
        "512M",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let said = the_only_failure(out.path(), "永城市");
    assert!(
        said.contains("简报手册：排版用的内存超过了上限（512 MB），已停止排这份文档。"),
        "{said}"
    );
    assert!(said.contains("--max-memory"), "{said}");
    // 上限加上一份正常文档的工作集（主进程和另一个工作进程各约 200 MB）；没有上限时这份文档要几 GB。
    assert!(peak_mb < 512 + 500, "进程树峰值 {peak_mb} MB");
}

#[test]
fn build_stops_a_document_over_the_memory_limit_and_writes_nothing() {
    let templates = greedy_templates();
    let out = tempfile::tempdir().unwrap();
    let o = jianbao(&[
        "build",
        "--county",
        "永城市",
        "--templates",
        templates.path().to_str().unwrap(),
        "--max-memory",
        "0.5G",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("简报手册：排版用的内存超过了上限（512 MB）"),
        "{}",
        stderr(&o)
    );
    // 一页纸排好了，但 build 要么全写、要么不写。
    assert!(pdf_files(out.path()).is_empty());
}

#[test]
fn max_memory_values_are_checked_in_chinese() {
    for (value, expected) in [
        ("100M", "须在 256M 到 1000G 之间"),
        ("lots", "应写成带单位的大小，如 4G 或 1500M"),
    ] {
        let o = jianbao(&["batch", "--max-memory", value]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(
            stderr(&o).contains(&format!(
                "参数 --max-memory <大小> 的值 “{value}” 不对：{expected}"
            )),
            "{}",
            stderr(&o)
        );
    }
}

// ---------------------------------------------------------------------------
// 小问题

#[test]
fn jobs_zero_and_bad_values_are_refused_in_chinese() {
    let o = jianbao(&["batch", "--jobs", "0"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("错误：参数 --jobs <N> 的值 “0” 不对：须为正整数，至少为 1"),
        "{}",
        stderr(&o)
    );
    let o = jianbao(&["batch", "--jobs", "abc"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("参数 --jobs <N> 的值 “abc” 不对"),
        "{}",
        stderr(&o)
    );
    let o = jianbao(&["batch", "--jbos", "2"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("不认识的参数 “--jbos”；是否应为 “--jobs”？"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("用法：jianbao batch"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("error:"), "{}", stderr(&o));
}

fn jianbao_with_fonts(fonts: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_jianbao"))
        .args(args)
        .current_dir(root())
        .env("JIANBAO_FONTS", fonts)
        .output()
        .unwrap()
}

#[test]
fn an_unusable_jianbao_fonts_folder_is_a_setup_problem_naming_the_variable() {
    let o = jianbao_with_fonts(Path::new("/nonexistent-jianbao-fonts"), &["check"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("环境变量 JIANBAO_FONTS 指向的 /nonexistent-jianbao-fonts 不存在"),
        "{}",
        stderr(&o)
    );
    let empty = tempfile::tempdir().unwrap();
    let o = jianbao_with_fonts(empty.path(), &["check"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("中没有字体文件"), "{}", stderr(&o));
    // 有字体，但不是随附的那几种：不能怪到数据的主题设置上。
    let partial = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("fonts/LXGWWenKai-Regular.ttf"),
        partial.path().join("LXGWWenKai-Regular.ttf"),
    )
    .unwrap();
    let o = jianbao_with_fonts(partial.path(), &["check"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("缺少随附字体：Noto Serif SC、Noto Sans SC"),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains("theme."), "{}", stderr(&o));
    let o = jianbao_with_fonts(&root().join("fonts"), &["check"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn a_long_problem_list_is_capped() {
    let data = fixture();
    let mut csv = String::from("县区,生产总值增速（%）\n");
    let mut toml = String::from(
        "scope = \"全市\"\n[table]\nfile = \"counties.csv\"\nname_column = \"县区\"\n[[table.columns]]\nheader = \"生产总值增速（%）\"\nfield = \"gdp.growth\"\n",
    );
    for i in 0..250 {
        csv.push_str(&format!("测试县{i:04},坏\n"));
        toml.push_str(&format!("[[counties]]\nname = \"测试县{i:04}\"\n"));
    }
    std::fs::write(data.path().join("counties.csv"), csv).unwrap();
    std::fs::write(data.path().join("counties.toml"), toml).unwrap();
    std::fs::remove_file(data.path().join("counties.xlsx")).unwrap();
    let err = check_fails(data.path());
    assert_eq!(err.matches("“坏” 不是数字").count(), 200, "只列出前 200 个");
    assert!(
        err.contains("……另有 50 个问题未列出（只列出前 200 个）。\n共发现 250 个问题。"),
        "{}",
        &err[err.len().saturating_sub(300)..]
    );
}

#[test]
fn out_that_is_a_file_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("out");
    std::fs::write(&file, "x").unwrap();
    let o = jianbao(&["build", "--out", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3));
    assert!(
        stderr(&o).contains("是一个文件，不是目录；请用 --out 指定一个目录"),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains("os error 17"), "{}", stderr(&o));
}

// /proc 只有 Linux 有。
#[cfg(target_os = "linux")]
#[test]
fn os_errors_get_a_chinese_explanation_in_front() {
    let o = jianbao(&["build", "--out", "/proc/version/out"]);
    assert_eq!(o.status.code(), Some(3));
    assert!(
        stderr(&o).contains("路径中有一段是文件，不是目录（Not a directory (os error 20)）"),
        "{}",
        stderr(&o)
    );
}

#[cfg(unix)]
#[test]
fn pdfs_honour_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let out = tempfile::tempdir().unwrap();
    let o = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "umask 027 && exec '{}' build --only booklet --out '{}'",
            env!("CARGO_BIN_EXE_jianbao"),
            out.path().display()
        ))
        .current_dir(root())
        .env_remove("JIANBAO_FONTS")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let mode = std::fs::metadata(out.path().join("商丘市-简报手册.pdf"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o640, "应为 0666 去掉 umask 027：{:o}", mode);
}

// ---------------------------------------------------------------------------
// 不依赖 poppler-utils 读回 PDF

#[test]
fn pdf_fonts_and_text_read_back_in_rust() {
    let out = tempfile::tempdir().unwrap();
    let o = jianbao(&[
        "build",
        "--only",
        "booklet",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let booklet = out.path().join("商丘市-简报手册.pdf");

    let fonts = pdf_fonts(&booklet);
    assert!(
        fonts.len() >= 4,
        "应嵌入宋、黑、楷、标题四种角色的字体：{fonts:?}"
    );
    for f in &fonts {
        assert!(
            f.embedded && f.subset && f.to_unicode,
            "字体未嵌入子集或缺 ToUnicode：{f:?}"
        );
    }

    let text = pdf_text(&booklet);
    let flat = compact(&text);
    for needle in ["构筑建设新高地", "国家科技型中小企业达到513家", "—1—"] {
        assert!(flat.contains(needle), "取不出 “{needle}”");
    }
    // 阅读顺序：正文中各章标题按顺序出现（rfind 跳过目录）。
    let order: Vec<usize> = [
        "会议概况与主要任务",
        "工作回顾",
        "经济运行",
        "经济工作的总体要求",
    ]
    .iter()
    .map(|h| flat.rfind(h).unwrap_or_else(|| panic!("没有章节 {h}")))
    .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "章节顺序不对：{order:?}"
    );
}

// ——名称与文字——

#[test]
fn a_region_name_never_writes_outside_out() {
    for region in ["../../evil", "/tmp/jianbao-evil", "a/b"] {
        let data = fixture();
        replace(
            &data.path().join("meta.toml"),
            "region = \"商丘市\"",
            &format!("region = \"{region}\""),
        );
        let parent = tempfile::tempdir().unwrap();
        let out = parent.path().join("a").join("b").join("out");
        let o = jianbao(&[
            "build",
            data.path().to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(1), "{region}: {}", stderr(&o));
        assert!(stderr(&o).contains("meta.region：地区名"), "{}", stderr(&o));
        assert!(
            walk(parent.path()).iter().all(|p| !p.ends_with(".pdf")),
            "{region} 写出了 PDF"
        );
        assert!(!Path::new("/tmp/jianbao-evil-简报手册.pdf").exists());
    }
}

#[test]
fn a_region_too_long_for_a_file_name_fails_at_check_time() {
    let long = "很".repeat(100);
    let err = check_edited(
        "meta.toml",
        "region = \"商丘市\"",
        &format!("region = \"{long}\""),
    );
    assert!(err.contains("地区名过长（300 字节）"), "{err}");
}

#[test]
fn tabs_become_spaces_and_line_breaks_in_toml_strings_join_softly() {
    let data = fixture();
    replace(
        &data.path().join("meta.toml"),
        "title = \"构筑建设新高地 擘画发展新蓝图\"",
        "title = \"构筑建设新高地\\t擘画发展新蓝图\"",
    );
    // 多行字符串里编辑器断开的一行不是分段；空一行才分段。
    replace(
        &data.path().join("outline.toml"),
        "paragraphs = [\n  \"坚持以习近平",
        "paragraphs = [\n  \"\"\"坚持以\n  习近平\"\"\",\n  \"\"\"第一段\n\n第二段\"\"\",\n  \"坚持以习近平",
    );
    let project = load(data.path());
    assert_eq!(project.view.meta.title, "构筑建设新高地 擘画发展新蓝图");
    let engine = engine(&project);
    let text = pages(&project, &engine, jianbao::typeset::Kind::Booklet).concat();
    assert!(text.contains("坚持以习近平"), "换行应连起来");
    let prose = project.view.outline[0].blocks.iter().find_map(|b| match b {
        jianbao::present::view::BlockView::Prose(p) => Some(p),
        _ => None,
    });
    let paras: Vec<String> = prose
        .unwrap()
        .paragraphs
        .iter()
        .map(|p| p.iter().map(|s| s.text.as_str()).collect())
        .collect();
    assert_eq!(&paras[..3], ["坚持以习近平", "第一段", "第二段"]);
}

#[test]
fn a_county_name_with_spaces_keeps_its_notes_and_overrides() {
    let data = fixture();
    copy_dir(
        &sample_dir().join("counties"),
        &data.path().join("counties"),
    );
    replace(
        &data.path().join("counties.toml"),
        "name = \"永城市\"",
        "name = \" 永城市 \"",
    );
    let project = load(data.path());
    let view = project.view_for(Some("永城市")).unwrap();
    let county = view.county.unwrap();
    assert!(
        county.notes.iter().any(|n| n.contains("代管的县级市")),
        "说明丢了"
    );
    let gdp = county.indicators.iter().find(|i| i.id == "gdp").unwrap();
    assert_eq!(gdp.growth.as_ref().unwrap().figure.text, "4.6", "更正丢了");
}

/// 工作进程排完一定份数就换一个新的（内存不随份数上涨，见 isolate::RECYCLE_AFTER）：换进程前后排出的 PDF
/// 与不换时逐字节相同，一份不少。每 3 份换一次，示例数据的 20 份要换 6 次。
#[test]
fn recycling_the_worker_midway_changes_no_byte() {
    let run = |recycle: Option<&str>| {
        let out = tempfile::tempdir().unwrap();
        let mut command = jianbao_command(&["batch", "--out", out.path().to_str().unwrap()]);
        if let Some(n) = recycle {
            command.env("JIANBAO_RECYCLE_AFTER", n);
        }
        let o = command.output().unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        pdf_files(out.path())
            .into_iter()
            .map(|p| {
                let hash = sha256_hex(&std::fs::read(out.path().join(&p)).unwrap());
                (p, hash)
            })
            .collect::<Vec<(PathBuf, String)>>()
    };
    let whole = run(None);
    let recycled = run(Some("3"));
    assert_eq!(whole.len(), 20, "{whole:?}");
    assert_eq!(whole, recycled);
}
