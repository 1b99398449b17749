//! `jianbao init`：每种文种生成的数据集一生成就能排版；拒绝覆盖已有目录；--from 从随附示例开始。

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::*;

/// 在指定目录运行 jianbao（模拟用户 `cd demo && jianbao build`）。
fn jianbao_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jianbao"))
        .args(args)
        .current_dir(dir)
        .env("JIANBAO_FONTS", root().join("fonts"))
        .output()
        .unwrap()
}

#[test]
fn every_kind_builds_as_generated_from_inside_the_new_folder() {
    let tmp = tempfile::tempdir().unwrap();
    for kind in ["学习资料", "简报", "政府工作报告要点", "统计分析"] {
        let o = jianbao_in(tmp.path(), &["init", kind, "--kind", kind]);
        assert!(o.status.success(), "{kind}: {}", stderr(&o));
        assert!(stdout(&o).contains("jianbao build"), "{}", stdout(&o));
        let dir = tmp.path().join(kind);
        for f in [
            "meta.toml",
            "outline.toml",
            "indicators.toml",
            "counties.toml",
            "counties.xlsx",
            "counties/示例一区.toml",
            "README.md",
            "schema/meta.schema.json",
            "schema/view.schema.json",
            "templates/booklet.typ",
            "templates/gongwen/main.typ",
        ] {
            assert!(dir.join(f).is_file(), "{kind} 缺少 {f}");
        }
        // #:schema 行指向新目录中的 schema/，不指向仓库。
        for f in [
            "meta.toml",
            "outline.toml",
            "indicators.toml",
            "counties.toml",
            "counties/示例一区.toml",
        ] {
            let text = std::fs::read_to_string(dir.join(f)).unwrap();
            let first = text.lines().next().unwrap();
            let target = first.strip_prefix("#:schema ").expect("首行是 #:schema");
            let base = dir.join(f);
            assert!(
                base.parent().unwrap().join(target).is_file(),
                "{kind}/{f}: {first}"
            );
            // 内容标明是示例。
            assert!(text.contains("示例"), "{kind}/{f} 应标明示例");
        }
        // 在新目录里不带参数运行：用这个数据集和它的模板副本。
        let o = jianbao_in(&dir, &["build"]);
        assert!(o.status.success(), "{kind}: {}", stderr(&o));
        assert!(dir.join("out/示例市-简报手册.pdf").is_file());
        assert!(dir.join("out/示例市-一页纸.pdf").is_file());
        let text = pdf_text(&dir.join("out/示例市-简报手册.pdf"));
        assert!(text.contains("示例数据，非官方统计"), "{kind}");
        // 县区版也能排。
        let o = jianbao_in(&dir, &["batch", "--counties", "示例三县"]);
        assert!(o.status.success(), "{kind}: {}", stderr(&o));
    }
    // 简报用红头封面，印期号。
    // 取回的文字去掉空白再比：数字连单位放在盒子里，pdf-extract 会在盒子前后多取出空格（pdftotext 没有）。
    let text = compact(&pdf_text(&tmp.path().join("简报/out/示例市-简报手册.pdf")));
    assert!(
        text.contains("第1期") && text.contains("本期要目"),
        "{text}"
    );
}

/// `init` 写出的四种数据集（全市版和 4 个示例县区版）在六种纸张上过版面检查，什么也不许有：
/// 用户的第一份简报就是付印的样子。学习资料和政府工作报告要点在 A5 上原先把“目标任务一览表”的章标题
/// 留在页尾（表头连两行放不下，表格换页，标题没跟过去）。
#[test]
fn every_kind_passes_the_layout_check_on_every_paper() {
    let tmp = tempfile::tempdir().unwrap();
    for kind in ["学习资料", "简报", "政府工作报告要点", "统计分析"] {
        let dir = tmp.path().join(kind);
        let o = jianbao(&["init", dir.to_str().unwrap(), "--kind", kind]);
        assert!(o.status.success(), "{kind}: {}", stderr(&o));
        let bad = layout_findings(dir.to_str().unwrap());
        assert!(bad.is_empty(), "{kind}：{bad:#?}");
        // 公文模板：正文排成随附的朱雀仿宋（init 写出的主题也点名它），只缺小标宋（没有开源的）。
        let out = tmp.path().join(format!("{kind}-公文"));
        let o = jianbao(&[
            "build",
            dir.to_str().unwrap(),
            "--template",
            "gongwen",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{kind}: {}", stderr(&o));
        let err = stderr(&o);
        let findings: Vec<&str> = err.lines().filter(|l| l.contains('【')).collect();
        assert!(
            findings.len() == 1 && findings[0].contains("小标宋（title 角色）"),
            "{kind}：{err}"
        );
    }
}

#[test]
fn county_table_template_has_the_columns_and_a_readme_sheet() {
    use calamine::{Reader, Xlsx, open_workbook};
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("d");
    let o = jianbao_in(tmp.path(), &["init", "d"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut book: Xlsx<_> = open_workbook(dir.join("counties.xlsx")).unwrap();
    assert_eq!(book.sheet_names(), vec!["指标", "说明"]);
    let sheet = book.worksheet_range("指标").unwrap();
    let header: Vec<String> = sheet
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let counties = std::fs::read_to_string(dir.join("counties.toml")).unwrap();
    for h in &header {
        assert!(
            counties.contains(&format!("\"{h}\"")),
            "表头 {h} 应在 counties.toml 中"
        );
    }
    let readme = book.worksheet_range("说明").unwrap();
    assert!(readme.rows().count() > 5);
}

#[test]
fn init_refuses_a_non_empty_folder_and_unknown_samples() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("notes.txt"), "keep").unwrap();
    let o = jianbao(&["init", tmp.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("已存在且不是空的"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("notes.txt")).unwrap(),
        "keep"
    );
    assert!(!tmp.path().join("meta.toml").exists());

    let target = tmp.path().join("new");
    let o = jianbao(&["init", target.to_str().unwrap(), "--from", "nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("shangqiu-2023"), "{}", stderr(&o));
    assert!(!target.exists(), "名字写错时不应留下目录");

    let o = jianbao(&["init", target.to_str().unwrap(), "--kind", "周报"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn init_from_a_sample_builds_with_local_schema_lines() {
    let tmp = tempfile::tempdir().unwrap();
    for sample in ["shangqiu-2023", "zhengzhou-2023", "changzhi-2023-11"] {
        let o = jianbao_in(tmp.path(), &["init", sample, "--from", sample]);
        assert!(o.status.success(), "{sample}: {}", stderr(&o));
        let dir = tmp.path().join(sample);
        let meta = std::fs::read_to_string(dir.join("meta.toml")).unwrap();
        assert!(
            meta.starts_with("#:schema schema/meta.schema.json"),
            "{sample}"
        );
        let o = jianbao_in(&dir, &["build"]);
        assert!(o.status.success(), "{sample}: {}", stderr(&o));
    }
    let county =
        std::fs::read_to_string(tmp.path().join("shangqiu-2023/counties/永城市.toml")).unwrap();
    assert!(county.starts_with("#:schema ../schema/county.schema.json"));
}
