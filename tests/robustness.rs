//! 坏输入不会让程序崩溃、不会越界读文件、不会留下半个 PDF；过大的输入在有限时间内给出明确的说法。

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

/// 一个有很多县区的数据集（示例数据的全市部分 + 生成的县区表格）。
fn many_counties(n: usize) -> tempfile::TempDir {
    let data = fixture();
    let mut csv = String::from("县区,生产总值增速（%）\n");
    let mut toml = String::from(
        "scope = \"全市\"\n[table]\nfile = \"counties.csv\"\nname_column = \"县区\"\n[[table.columns]]\nheader = \"生产总值增速（%）\"\nfield = \"gdp.growth\"\n",
    );
    for i in 0..n {
        csv.push_str(&format!("测试县{i:04},{}.{}\n", 2 + i % 5, i % 10));
        toml.push_str(&format!("[[counties]]\nname = \"测试县{i:04}\"\n"));
    }
    std::fs::write(data.path().join("counties.csv"), csv).unwrap();
    std::fs::write(data.path().join("counties.toml"), toml).unwrap();
    std::fs::remove_file(data.path().join("counties.xlsx")).unwrap();
    data
}

fn pdfs_and_temps(dir: &Path) -> (Vec<std::path::PathBuf>, Vec<std::path::PathBuf>) {
    let (mut pdfs, mut temps) = (Vec::new(), Vec::new());
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            let (p, t) = pdfs_and_temps(&path);
            pdfs.extend(p);
            temps.extend(t);
        } else if path.extension().is_some_and(|e| e == "pdf") {
            pdfs.push(path);
        } else if path.to_string_lossy().ends_with(".tmp") {
            temps.push(path);
        }
    }
    (pdfs, temps)
}

#[cfg(unix)]
#[test]
fn ctrl_c_during_a_batch_leaves_only_complete_pdfs() {
    let data = many_counties(300);
    let out = tempfile::tempdir().unwrap();
    // 线程数写死：同一个测试在 2 核和 64 核的机器上走同样的路。
    let child = Command::new(env!("CARGO_BIN_EXE_jianbao"))
        .args([
            "batch",
            data.path().to_str().unwrap(),
            "--out",
            out.path().to_str().unwrap(),
            "--jobs",
            "2",
        ])
        .current_dir(root())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // 等到已有几份 PDF 写出，再按 Ctrl-C。
    let started = Instant::now();
    while pdfs_and_temps(out.path()).0.len() < 4 && started.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(20));
    }
    signal(&child, libc::SIGINT);
    let output = child.wait_with_output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(130),
        "中断的退出码应为 130：{}",
        stderr(&output)
    );
    assert!(stderr(&output).contains("已中断"), "{}", stderr(&output));
    let (pdfs, temps) = pdfs_and_temps(out.path());
    assert!(temps.is_empty(), "不应留下临时文件：{temps:?}");
    assert!(pdfs.len() < 602, "应在全部完成之前停下");
    for pdf in &pdfs {
        let bytes = std::fs::read(pdf).unwrap();
        assert!(
            bytes.starts_with(b"%PDF-") && bytes.trim_ascii_end().ends_with(b"%%EOF"),
            "{} 不完整",
            pdf.display()
        );
    }
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("manifest.json")).unwrap()).unwrap();
    assert_eq!(
        manifest["outputs"].as_array().unwrap().len(),
        pdfs.len(),
        "清单应与已写出的 PDF 一致"
    );
}

#[test]
fn unwritable_output_folder_is_reported_before_any_work() {
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("not-a-dir");
    std::fs::write(&file, "x").unwrap();
    let o = jianbao(&["build", "--out", file.join("sub").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3));
    assert!(stderr(&o).contains("无法创建输出目录"), "{}", stderr(&o));
}

#[test]
fn templates_cannot_read_outside_their_root_or_the_data() {
    for (i, read) in [
        "read(\"/etc/passwd\")",
        "read(\"../../../../etc/passwd\")",
        "read(\"/data/../../etc/passwd\")",
    ]
    .iter()
    .enumerate()
    {
        let tpl = tempfile::tempdir().unwrap();
        std::fs::write(tpl.path().join("booklet.typ"), format!("#{read}\n")).unwrap();
        let out = tempfile::tempdir().unwrap();
        let o = jianbao(&[
            "build",
            "--only",
            "booklet",
            "--templates",
            tpl.path().to_str().unwrap(),
            "--out",
            out.path().to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(3), "第{i}种读取应被拒绝");
        let err = stderr(&o);
        assert!(
            err.contains("booklet.typ:1:") && err.contains("排版错误："),
            "{err}"
        );
        assert!(!err.contains("root:"), "不应读出文件内容：{err}");
    }
}

#[test]
fn image_paths_in_data_cannot_escape_the_data_folder() {
    for logo in [
        "../../etc/passwd.png",
        "/etc/hostname.png",
        "../shangqiu-2023/logo.png",
    ] {
        let data = fixture();
        replace(
            &data.path().join("meta.toml"),
            "issuer = ",
            &format!("logo = \"{logo}\"\nissuer = "),
        );
        let o = jianbao(&["check", data.path().to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1));
        assert!(
            stderr(&o).contains(&format!("meta.logo：图片路径 “{logo}” 越出数据目录")),
            "{}",
            stderr(&o)
        );
    }
    let data = fixture();
    replace(
        &data.path().join("meta.toml"),
        "issuer = ",
        "logo = \"missing.png\"\nissuer = ",
    );
    let o = jianbao(&["check", data.path().to_str().unwrap()]);
    assert!(
        stderr(&o).contains("图片 “missing.png”：文件不存在"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn table_file_outside_the_data_folder_is_refused() {
    let err = check_edited(
        "counties.toml",
        "file = \"counties.xlsx\"",
        "file = \"../../etc/passwd\"",
    );
    assert!(
        err.contains(
            "table.file：表格文件 “../../etc/passwd”：路径用了 .. 或绝对路径，越出了数据目录"
        ),
        "{}",
        err
    );
}

#[test]
fn a_five_megabyte_string_fails_with_a_clear_message() {
    let data = fixture();
    let big = "长".repeat(5 * 1024 * 1024 / 3);
    replace(
        &data.path().join("meta.toml"),
        "issuer = \"中共商丘市委\"",
        &format!("issuer = \"{big}\""),
    );
    let err = check_fails(data.path());
    assert!(
        err.contains("meta.issuer：文字过长（1747626 字），单个字段不能超过 20000 字"),
        "{}",
        &err[..300.min(err.len())]
    );
}

#[test]
fn ten_thousand_tasks_fail_with_a_clear_message() {
    let data = fixture();
    let mut extra = String::new();
    for i in 0..10_000 {
        extra.push_str(&format!("\n[[tasks.items]]\ntext = \"第{i}项任务。\"\n"));
    }
    let file = data.path().join("tasks.toml");
    append(&file, &extra);
    let err = check_fails(data.path());
    assert!(
        err.contains("任务要点过多（10039 条），一份简报最多 2000 条"),
        "{}",
        err
    );
}

#[test]
fn long_unbreakable_strings_fail_instead_of_running_off_the_page() {
    let data = fixture();
    let long = "9".repeat(400);
    replace(
        &data.path().join("outline.toml"),
        "facts = [\n",
        &format!("facts = [\n  \"数字{long}\",\n"),
    );
    let out = tempfile::tempdir().unwrap();
    let o = build_into(data.path(), out.path());
    assert_eq!(o.status.code(), Some(3));
    assert!(stderr(&o).contains("文字伸出页面之外"), "{}", stderr(&o));
    assert_no_pdf(out.path());
}

#[test]
fn missing_font_folder_is_a_setup_problem() {
    let o = jianbao(&["check", "--font-path", "/nonexistent-fonts"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("/nonexistent-fonts --font-path 指定的字体目录不存在"),
        "{}",
        stderr(&o)
    );
}
