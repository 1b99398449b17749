//! 真实样例（商丘会议解读、郑州预期目标、长治统计分析、杨凌月报、旺苍两期、苍南民生实事进度）：
//! 都能排出，数据中的每个字和数都印出来。

mod common;

use common::*;
use jianbao::typeset::Kind;

const SAMPLES: &[&str] = &[
    "shangqiu-2023",
    "zhengzhou-2023",
    "changzhi-2023-11",
    "yangling-2023-10",
    "wangcang-2023-07",
    "wangcang-2023-06",
    "cangnan-2022-10",
];

fn sample(name: &str) -> std::path::PathBuf {
    root().join("data").join(name)
}

#[test]
fn every_sample_builds_a_booklet_and_a_one_page_summary() {
    for name in SAMPLES {
        let out = tempfile::tempdir().unwrap();
        let o = build_into(&sample(name), out.path());
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        let pdfs: Vec<_> = std::fs::read_dir(out.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(pdfs.len(), 2, "{name}: {pdfs:?}");
        let project = load(&sample(name));
        let engine = engine(&project);
        for kind in Kind::ALL {
            let r = project.render(&engine, &project.view, kind).unwrap();
            // typst 的警告（如排版不收敛）也算问题：版面可能与检查时不同。
            assert!(r.warnings.is_empty(), "{name} {kind:?}：{:?}", r.warnings);
            match kind {
                Kind::Summary => assert_eq!(r.pages, 1, "{name} 一页纸"),
                Kind::Booklet => assert_eq!(r.pages % 4, 0, "{name} 手册页数"),
            }
        }
    }
}

/// 完整性：数据给出的每个字符串和数字都出现在某个版本排出的文字里，没有字段被悄悄丢掉。
#[test]
fn every_string_and_figure_of_every_sample_is_printed() {
    for name in SAMPLES {
        let project = load(&sample(name));
        let engine = engine(&project);
        let items = printable_items(&sample(name));
        assert!(items.len() > 20, "{name}: 只找到 {} 项", items.len());
        let missing = unprinted(&items, &all_texts(&project, &engine));
        assert!(
            missing.is_empty(),
            "{name} 有没印出来的数据：\n{}",
            missing.join("\n")
        );
    }
}

/// 完整性检查本身会失败：模板漏排一个字段时，它能指出是哪个。
#[test]
fn the_completeness_check_catches_a_dropped_field() {
    let templates = tempfile::tempdir().unwrap();
    copy_dir(&root().join("templates"), templates.path());
    replace(
        &templates.path().join("pages/colophon.typ"),
        "if meta.source != none { lines.push(\"资料来源：\" + meta.source) }",
        "",
    );
    replace(
        &templates.path().join("summary.typ"),
        "if meta.source != none { \"资料来源：\" + meta.source; linebreak() }",
        "",
    );
    let dir = sample("zhengzhou-2023");
    let project = load(&dir);
    let fonts = jianbao::typeset::fonts::load(&[]).unwrap();
    let engine = jianbao::project::engine(fonts, Some(templates.path()), &project).unwrap();
    let missing = unprinted(&printable_items(&dir), &all_texts(&project, &engine));
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert!(
        missing[0].starts_with("meta.toml:meta.source"),
        "{missing:?}"
    );
}

#[test]
fn zhengzhou_goals_keep_every_qualifier() {
    let project = load(&sample("zhengzhou-2023"));
    let engine = engine(&project);
    for kind in Kind::ALL {
        let text: String = pages(&project, &engine, kind).concat();
        for needle in [
            "8%以上",
            "3%以上",
            "突破2.6%",
            "3%以内",
            "涨幅控制在3%以内",
            "保持正增长",
            "增长与经济增长同步",
            "完成国家及省定目标",
        ] {
            assert!(text.contains(needle), "{kind:?} 中没有 “{needle}”");
        }
    }
    let booklet = pages(&project, &engine, Kind::Booklet).concat();
    for needle in ["保8%、争9%", "7.5%左右", "预期增长"] {
        assert!(booklet.contains(needle), "手册中没有 “{needle}”");
    }
}

#[test]
fn changzhi_declines_read_as_declines() {
    let project = load(&sample("changzhi-2023-11"));
    let engine = engine(&project);
    let text = pages(&project, &engine, Kind::Booklet).concat();
    for needle in [
        "下降42.1%",
        "下降3.7%",
        "−50.1",
        "较上月累计回升1.7个百分点",
        "表中“—”表示未取得数据",
        "1—11月",
    ] {
        assert!(text.contains(needle), "手册中没有 “{needle}”");
    }
    assert!(!text.contains("增长-"), "负增长不能写成“增长-”");
    assert!(!text.contains("-42.1"), "负数应用减号或“下降”");
}

#[test]
fn export_json_gives_the_template_contract_for_each_sample() {
    for name in SAMPLES {
        let o = jianbao(&["export-json", sample(name).to_str().unwrap()]);
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(v["schema_version"], jianbao::present::view::SCHEMA_VERSION);
        assert!(v["outline"].as_array().is_some_and(|a| !a.is_empty()));
        assert!(
            v["summary"]["blocks"]
                .as_array()
                .is_some_and(|a| !a.is_empty())
        );
    }
}

#[test]
fn no_text_overlaps_in_any_sample_or_edition() {
    for name in SAMPLES {
        let project = load(&sample(name));
        let engine = engine(&project);
        let mut views = vec![project.view.clone()];
        if let Some(c) = &project.counties {
            views.push(project.view_for(Some(&c.names[0])).unwrap());
        }
        for view in views {
            for kind in Kind::ALL {
                let t = doc(&project, &engine, &view, kind);
                let overlaps = jianbao::typeset::inspect::overlapping_text(&t);
                assert!(
                    overlaps.is_empty(),
                    "{name} {kind:?}：文字重叠 {overlaps:?}"
                );
            }
        }
    }
}
