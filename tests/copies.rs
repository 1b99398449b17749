//! 编号份数逐份写出：第一份在最后一份排出之前就已在磁盘上，内存不随份数增长；份数的上限事先说明，超过就拒绝。

mod common;

use std::sync::Mutex;

use common::*;
use jianbao::copies::{self, Copies, MAX_COPIES};
use jianbao::render::Template;
use jianbao::typeset::Kind;

/// 常驻内存（KiB）。
#[cfg(target_os = "linux")]
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap()
}

#[test]
fn each_copy_is_on_disk_as_soon_as_it_is_made() {
    let project = load(&sample_dir());
    let engine = engine(&project);
    let out = tempfile::tempdir().unwrap();
    let n = 5;
    let copies = Copies::numbered(n).unwrap();
    let templates = [Template::Builtin(Kind::Summary)];
    let name = |i: usize| {
        out.path()
            .join(copies::file_name("商丘市-一页纸.pdf", &copies.get(i)))
    };
    let seen = Mutex::new(Vec::new());
    let written = copies::run(
        &project.press(&engine),
        &project.view,
        &copies,
        &templates,
        out.path(),
        1,
        &|k, total, w| {
            assert_eq!(total, n);
            // 报告第 k 份时，它已经完整地在磁盘上，后面的还没有。
            assert_eq!(std::fs::read(&w.path).unwrap().len(), w.bytes);
            assert!(name(k - 1).exists(), "第 {k} 份应已写出");
            assert!(
                !name(n - 1).exists() || k == n,
                "第 {k} 份时最后一份不应已写出"
            );
            seen.lock().unwrap().push(w.path.clone());
        },
    )
    .unwrap();
    assert_eq!(written, n);
    let seen = seen.into_inner().unwrap();
    assert_eq!(
        seen,
        (0..n).map(name).collect::<Vec<_>>(),
        "按份号顺序逐份写出"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn memory_does_not_grow_with_the_number_of_copies() {
    let project = load(&sample_dir());
    let engine = engine(&project);
    let out = tempfile::tempdir().unwrap();
    let n = 60;
    let copies = Copies::numbered(n).unwrap();
    let templates = [
        Template::Builtin(Kind::Booklet),
        Template::Builtin(Kind::Summary),
    ];
    let rss = Mutex::new(Vec::new());
    copies::run(
        &project.press(&engine),
        &project.view,
        &copies,
        &templates,
        out.path(),
        1,
        &|k, _, _| rss.lock().unwrap().push((k, rss_kib())),
    )
    .unwrap();
    let rss = rss.into_inner().unwrap();
    // 前 20 份之后缓存已满；此后 40 份（80 个文件、约 20 MB 的 PDF）不应让内存跟着涨。
    let at = |k: usize| rss.iter().find(|(i, _)| *i == k).unwrap().1 as f64 / 1024.0;
    let (early, late) = (at(40), at(2 * n));
    let bytes: u64 = std::fs::read_dir(out.path())
        .unwrap()
        .flatten()
        .map(|e| e.metadata().unwrap().len())
        .sum();
    let written_mib = bytes as f64 / (1 << 20) as f64 * 40.0 / n as f64;
    assert!(
        late - early < written_mib / 4.0,
        "第 20 份后 {early:.1} MiB，第 {n} 份后 {late:.1} MiB；这期间写出 {written_mib:.1} MiB"
    );
}

#[test]
fn the_copy_limit_is_stated_and_more_are_refused() {
    let out = tempfile::tempdir().unwrap();
    let too_many = (MAX_COPIES + 1).to_string();
    let o = jianbao(&[
        "build",
        "--copies",
        &too_many,
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("999999"), "{}", stderr(&o));
    assert_no_pdf(out.path());
    let help = stdout(&jianbao(&["build", "--help"]));
    assert!(help.contains("最多 999999 份"), "{help}");
    // 份数和上限在开始排之前就说明，每份写出时报告进度。
    let o = jianbao(&[
        "build",
        "--copies",
        "2",
        "--only",
        "summary",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("编号 2 份（份号最多 999999 份）"),
        "{}",
        stdout(&o)
    );
    assert!(stderr(&o).contains("[2/2]"), "{}", stderr(&o));
}

/// 各份由排好一次的原版叠印而成：每份带着自己的份号和“发给”（独立的读取器 pdf-extract 取得出来，
/// 字体带 ToUnicode），除此之外与第一份相同——页数相同，每页的文字去掉份号和“发给”后相同，
/// 文件的前面（原版）逐字节相同，每份只在后面多出叠印的一小段。
#[test]
fn stamped_copies_differ_from_each_other_only_in_the_stamp() {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("名单.csv");
    let names = ["张三", "李四", "欧阳修远"];
    std::fs::write(&list, format!("姓名\n{}\n", names.join("\n"))).unwrap();
    let out = dir.path().join("out");
    let o = jianbao(&[
        "build",
        "--recipients",
        list.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    for kind in ["简报手册", "一页纸"] {
        let path = |i: usize| out.join(format!("商丘市-{kind}-{i:06}.pdf"));
        // 去掉“发给”一行和封面上的份号：剩下的每页文字各份都一样。
        let pages = |i: usize| -> Vec<String> {
            let no = format!("{i:06}");
            let line = format!("发给：{}（第{no}份）", names[i - 1]);
            let pages = pdf_extract::extract_text_by_pages(path(i)).unwrap();
            pages
                .iter()
                .enumerate()
                .map(|(k, text)| {
                    let text = compact(text);
                    assert!(
                        text.contains(&line),
                        "{kind} 第 {i} 份第 {} 页没有“{line}”",
                        k + 1
                    );
                    let text = text.replace(&line, "");
                    if k == 0 {
                        assert!(text.contains(&no), "{kind} 第 {i} 份的封面没有份号");
                        text.replacen(&no, "", 1)
                    } else {
                        text
                    }
                })
                .collect()
        };
        let first = pages(1);
        let bytes = std::fs::read(path(1)).unwrap();
        for i in 2..=names.len() {
            assert_eq!(pages(i), first, "{kind} 第 {i} 份除叠印之外应与第 1 份相同");
            let other = std::fs::read(path(i)).unwrap();
            let common = bytes.iter().zip(&other).take_while(|(a, b)| a == b).count();
            assert!(
                common * 10 > bytes.len() * 9,
                "{kind} 第 {i} 份与第 1 份只有前 {common} 字节相同（共 {} 字节）：应共用排好一次的原版",
                bytes.len()
            );
        }
    }
}

/// 模板改了封面上份号的写法、叠印版（stamp.typ）没有跟着改：第一份的叠印版与原版排出的字不同，
/// 这种文档不叠印、逐份整排——份号照样印对，只是每份都是整份排出的（文件从前面就不同）。
#[test]
fn a_copy_number_the_stamp_sheet_does_not_reproduce_falls_back_to_full_layout() {
    let dir = tempfile::tempdir().unwrap();
    let templates = dir.path().join("templates");
    copy_dir(&root().join("templates"), &templates);
    replace(
        &templates.join("pages/cover.typ"),
        "copy-no-mark(th, copy-no, cover-no)",
        "copy-no-mark(th, copy-no, (size: zihao.si))",
    );
    let out = dir.path().join("out");
    let o = jianbao(&[
        "build",
        "--templates",
        templates.to_str().unwrap(),
        "--copies",
        "2",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let read = |kind: &str, i: usize| {
        std::fs::read(out.join(format!("商丘市-{kind}-{i:06}.pdf"))).unwrap()
    };
    let common = |kind: &str| {
        let (a, b) = (read(kind, 1), read(kind, 2));
        let n = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
        n as f64 / a.len() as f64
    };
    assert!(common("简报手册") < 0.5, "手册应逐份整排");
    assert!(common("一页纸") > 0.9, "一页纸没有改，仍应叠印");
    let text = compact(&pdf_text(&out.join("商丘市-简报手册-000002.pdf")));
    assert!(text.contains("000002"), "整排的第 2 份也有份号");
}

/// 名单上后面某个名字的字字体里没有：叠印那一份时照样查出缺字（页码是份号所在的封面），不印出方框。
#[test]
fn a_later_name_with_a_missing_glyph_is_refused_when_its_copy_is_stamped() {
    let project = load(&sample_dir());
    let engine = engine(&project);
    let out = tempfile::tempdir().unwrap();
    let copies = Copies::Named(vec!["张三".into(), "李😀".into()]);
    let err = copies::run(
        &project.press(&engine),
        &project.view,
        &copies,
        &[Template::Builtin(Kind::Summary)],
        out.path(),
        1,
        &|_, _, _| {},
    )
    .expect_err("缺字的名字应当报错");
    let msg = err.to_string();
    assert!(msg.contains("第1页“😀”（U+1F600）"), "{msg}");
    assert!(!out.path().join("商丘市-一页纸-000002.pdf").exists());
}
