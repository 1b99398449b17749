//! 示例数据（商丘市 2023 年经济工作会议）排出的两份文档：页数、内容、字体、可复现。

mod common;

use common::*;
use jianbao::typeset::Kind;

#[test]
fn summary_is_one_page_and_booklet_pages_are_a_multiple_of_four() {
    let project = load(&sample_dir());
    let engine = engine(&project);
    let summary = project
        .render(&engine, &project.view, Kind::Summary)
        .unwrap_or_else(|p| panic!("{p}"));
    assert_eq!(summary.pages, 1);
    let booklet = project
        .render(&engine, &project.view, Kind::Booklet)
        .unwrap_or_else(|p| panic!("{p}"));
    assert_eq!(
        booklet.pages % 4,
        0,
        "骑马订要求 4 的倍数，实际 {} 页",
        booklet.pages
    );
    assert!(
        booklet.pages >= 8,
        "手册应有封面、目录和各章，实际只有 {} 页",
        booklet.pages
    );
    assert!(booklet.pdf.starts_with(b"%PDF-"));
}

#[test]
fn every_figure_of_the_seed_is_typeset_in_the_booklet() {
    let seed = std::fs::read_to_string(root().join("tests/fixtures/seed.txt")).unwrap();
    let project = load(&sample_dir());
    let engine = engine(&project);
    let text: String = pages(&project, &engine, Kind::Booklet).concat();
    let typeset = numbers(&text);
    let missing: Vec<String> = numbers(&seed)
        .into_iter()
        .filter(|n| !typeset.contains(n))
        .collect();
    assert!(missing.is_empty(), "手册中缺少这些数字：{missing:?}");
}

#[test]
fn booklet_carries_every_chapter_task_and_fact() {
    let project = load(&sample_dir());
    let engine = engine(&project);
    let pages = pages(&project, &engine, Kind::Booklet);
    let text = pages.concat();
    for needle in [
        "内部资料 注意保存",
        "二〇二三年十二月",
        "会议概况与主要任务",
        "稳中向好、稳中提质、稳中蓄势",
        "把握好四个关系",
        "（四）把握好底线思维与极限思维的关系",
        "2024年重点目标任务一览表",
        "（十）坚持以保障安全稳定为底线，全力防范化解各类风险隐患。",
        "增长4%左右",
        "打通断头路",
        "2024年上半年",
        "— 1 —",
    ] {
        assert!(text.contains(needle), "手册中没有 “{needle}”");
    }
    // 序数“一要”被编号取代，原文其余部分照录。
    assert!(text.contains("1.持续提升创新平台能级。"));
    assert!(!text.contains("1.一要"), "编号与原文序数重复");
    // 每条成绩事实都在。
    let mut facts = 0;
    for chapter in &project.view.outline {
        for block in &chapter.blocks {
            if let jianbao::present::view::BlockView::Facts(f) = block {
                for fact in f.groups.iter().flat_map(|g| &g.facts) {
                    let fact: String = fact.iter().map(|s| s.text.as_str()).collect();
                    assert!(text.contains(&fact), "手册中没有事实 “{fact}”");
                    facts += 1;
                }
            }
        }
    }
    assert_eq!(facts, 28, "示例数据有 28 条成绩事实");
    // 页码 — 1 — 只出现一次，且在封面和目录之后。
    let first = pages
        .iter()
        .position(|p| p.contains("— 1 —"))
        .expect("应有页码 — 1 —");
    assert!(
        first >= 2,
        "正文第一页之前应有封面和目录，实际第 {} 页就是 — 1 —",
        first + 1
    );
    assert_eq!(pages.iter().filter(|p| p.contains("— 1 —")).count(), 1);
}

#[test]
fn summary_shows_headline_indicators_tasks_and_targets() {
    let project = load(&sample_dir());
    let engine = engine(&project);
    let text = pages(&project, &engine, Kind::Summary).concat();
    for needle in [
        "5089.63",
        "2875.91",
        "190.1",
        "508.4",
        "11.46",
        "（十）",
        "新增学位",
        "1.3",
        "53",
    ] {
        assert!(text.contains(needle), "一页纸中没有 “{needle}”");
    }
}

#[test]
fn same_input_gives_byte_identical_pdfs() {
    let out1 = tempfile::tempdir().unwrap();
    let out2 = tempfile::tempdir().unwrap();
    for out in [&out1, &out2] {
        let o = jianbao(&["build", "--out", out.path().to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    for name in ["商丘市-简报手册.pdf", "商丘市-一页纸.pdf"] {
        let a = std::fs::read(out1.path().join(name)).unwrap();
        let b = std::fs::read(out2.path().join(name)).unwrap();
        assert!(a == b, "{name} 两次生成的内容不同");
    }
}

#[test]
fn pdf_embeds_subset_fonts_and_chinese_text_copies_out() {
    let out = tempfile::tempdir().unwrap();
    let o = jianbao(&["build", "--out", out.path().to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let booklet = out.path().join("商丘市-简报手册.pdf");

    // 用独立于 typst 的读取器（lopdf、pdf-extract）读回 PDF，不依赖 poppler-utils。
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
    let compact = compact(&text);
    for needle in [
        "构筑建设新高地",
        "国家科技型中小企业达到513家，比去年增长19.3%。",
        "—1—",
    ] {
        assert!(compact.contains(needle), "PDF 中取不出 “{needle}”");
    }
    // 阅读顺序：章节按顺序出现。
    let order: Vec<usize> = [
        "会议概况与主要任务",
        "工作回顾",
        "经济运行",
        "经济工作的总体要求",
    ]
    .iter()
    .map(|h| text.rfind(h).unwrap_or_else(|| panic!("没有章节 {h}")))
    .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "章节顺序不对：{order:?}"
    );
}

#[test]
fn every_sample_lays_out_on_every_paper_size() {
    for (paper, width_mm, height_mm) in [
        ("a4", 210.0, 297.0),
        ("a5", 148.0, 210.0),
        ("b5", 176.0, 250.0),
        ("16k", 185.0, 260.0),
        ("d16k", 210.0, 285.0),
        ("32k", 130.0, 184.0),
    ] {
        for name in ["shangqiu-2023", "zhengzhou-2023", "changzhi-2023-11"] {
            let options = jianbao::present::Options {
                paper: Some(paper.into()),
                ..Default::default()
            };
            let dir = root().join("data").join(name);
            let project = jianbao::project::Project::load(&dir, &options).unwrap();
            let engine = engine(&project);
            let json = serde_json::to_vec(&project.view).unwrap();
            let t = jianbao::typeset::typeset(
                &engine,
                Kind::Booklet,
                json,
                Some(dir.clone()),
                project.date,
            )
            .unwrap_or_else(|p| panic!("{name} {paper}: {p}"));
            let frame = &t.doc.pages()[0].frame;
            assert!(
                (frame.width().to_mm() - width_mm).abs() < 0.5
                    && (frame.height().to_mm() - height_mm).abs() < 0.5,
                "{name} {paper} 应为 {width_mm}×{height_mm} 毫米"
            );
            // 页数按装订补足：骑马订 4 的倍数，平订（大开本的统计分析默认）双数。
            let multiple = match project.view.render.binding {
                jianbao::present::Binding::Saddle => 4,
                jianbao::present::Binding::Side => 2,
                jianbao::present::Binding::Sheet => 1,
            };
            assert_eq!(t.doc.pages().len() % multiple, 0, "{name} {paper}");
            let overlaps = jianbao::typeset::inspect::overlapping_text(&t.doc);
            assert!(overlaps.is_empty(), "{name} {paper} 文字重叠：{overlaps:?}");
        }
    }
}

#[test]
fn summary_text_is_never_smaller_than_eight_points() {
    let project = load(&sample_dir());
    let engine = engine(&project);
    for county in [None, Some("睢县")] {
        let view = project.view_for(county).unwrap();
        let json = serde_json::to_vec(&view).unwrap();
        let t =
            jianbao::typeset::typeset(&engine, Kind::Summary, json, None, project.date).unwrap();
        let min = jianbao::typeset::inspect::min_text_size(&t.doc)
            .unwrap()
            .to_pt();
        assert!(min >= 8.0, "{county:?} 一页纸最小字号 {min}pt");
    }
}

#[test]
fn pdf_has_bookmarks_for_every_chapter() {
    let project = load(&sample_dir());
    let engine = engine(&project);
    let r = project
        .render(&engine, &project.view, Kind::Booklet)
        .unwrap();
    let pdf = String::from_utf8_lossy(&r.pdf);
    assert!(pdf.contains("/Outlines"), "PDF 应有书签");
    // 书签标题以 UTF-16 存放：数一数 /Title 条目（章标题 7 个）。
    let titles = pdf.matches("/Title").count();
    assert!(
        titles >= 8,
        "应有文档标题和 7 个章书签，实际 {titles} 个 /Title"
    );
}

#[test]
fn installed_binary_works_from_any_folder_with_embedded_templates() {
    let cwd = tempfile::tempdir().unwrap();
    let out = cwd.path().join("out");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_jianbao"))
        .args([
            "build",
            sample_dir().to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .current_dir(cwd.path())
        .env("JIANBAO_FONTS", root().join("fonts"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(out.join("商丘市-简报手册.pdf").is_file());
}
