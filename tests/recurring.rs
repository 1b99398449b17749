//! 连续出版的统计简报与督查通报：比较、位次、拉动、下降的措辞照原文印出；
//! 进度块的计数与滞后标记（单色版也看得出）；--previous 由两期数据算出的比较与原文一致、标出状态变化；
//! 没有日期、编印单位的简报什么也不编；init --from 开始下一期；新样例通过版面检查。

mod common;

use std::path::{Path, PathBuf};

use common::*;
use jianbao::present::Options;
use jianbao::project::Project;
use jianbao::typeset::Kind;
use jianbao::typeset::inspect;

fn data(name: &str) -> PathBuf {
    root().join("data").join(name)
}

fn with_previous(dir: &Path, previous: &Path) -> Project {
    let options = Options {
        previous: Some(previous.to_owned()),
        ..Options::default()
    };
    Project::load(dir, &options).unwrap_or_else(|p| panic!("数据应当有效：\n{p}"))
}

fn booklet_text(project: &Project) -> String {
    let engine = engine(project);
    compact(&inspect::page_texts(&doc(project, &engine, &project.view, Kind::Booklet)).concat())
}

/// 复制一个样例到临时目录（可改写）。
/// `jianbao check 本期 --previous 上期`。
fn check_against(cur: &Path, previous: &Path) -> std::process::Output {
    jianbao(&[
        "check",
        cur.to_str().unwrap(),
        "--previous",
        previous.to_str().unwrap(),
    ])
}

fn copy(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(data(name)).unwrap().flatten() {
        std::fs::copy(e.path(), dir.path().join(e.file_name())).unwrap();
    }
    dir
}

#[test]
fn a_monthly_brief_prints_comparisons_rank_contributions_and_declines_as_published() {
    let text = booklet_text(&load(&data("yangling-2023-10")));
    for phrase in [
        "增速比1—9月回落1.6个百分点",
        "比1—9月回落1.5个百分点",
        "全省第一",
        "拉动规上工业产值增长3.3个百分点",
        "下拉规上工业产值增速1.1个百分点",
        "增速比9月当月提高8.4个百分点",
        "降幅比1—9月扩大0.8个百分点",
        "下降10.9%",
        "下降4.7%",
    ] {
        assert!(text.contains(phrase), "手册应印出“{phrase}”：\n{text}");
    }
    // 原文只说“增长”“下降”：不加“同比”。
    assert!(!text.contains("同比"), "原文没有“同比”，不能加上");
    // 开头的总述不编号：原文的三个小标题仍是一、二、三。
    for h in [
        "一、规模以上工业经济继续领跑全省",
        "二、市场消费平稳增长",
        "三、固定资产投资持续负增长",
    ] {
        assert!(text.contains(h), "缺“{h}”");
    }
    assert!(!text.contains("四、"));
}

#[test]
fn a_brief_without_date_or_issuer_invents_neither_and_drops_nothing() {
    let dir = data("yangling-2023-10");
    let project = load(&dir);
    assert!(project.view.meta.issuer.is_none() && project.view.meta.date_cn.is_none());
    let engine = engine(&project);
    let texts = all_texts(&project, &engine);
    // 没有日期：不印任何“某年某月某日”，也没有汉字日期；没有编印单位。
    let dated = regex_like_date(&texts);
    assert!(dated.is_none(), "数据没有日期，却印出了 {dated:?}");
    assert!(!texts.contains("二〇"), "数据没有日期，却印出了汉字日期");
    assert!(!texts.contains("统计局　") && !texts.contains("编写组"));
    // 另一个方向：数据中的每一项都印出来了。
    let missing = unprinted(&printable_items(&dir), &texts);
    assert!(missing.is_empty(), "没有印出：{missing:#?}");
    // PDF 也不带时间戳。
    let pdf = project
        .render(&engine, &project.view, Kind::Booklet)
        .unwrap()
        .pdf;
    let raw = String::from_utf8_lossy(&pdf);
    assert!(
        !raw.contains("/CreationDate"),
        "没有编印日期的 PDF 不应有创建时间"
    );
}

/// “2023年8月24日”式的日期（数字年月日）。
fn regex_like_date(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if *c != '日' {
            continue;
        }
        let before: String = chars[i.saturating_sub(12)..i].iter().collect();
        if let Some(m) = before.rfind('月') {
            let day = &before[m + '月'.len_utf8()..];
            if !day.is_empty()
                && day.chars().all(|c| c.is_ascii_digit())
                && before[..m].contains('年')
            {
                return Some(format!("{before}日"));
            }
        }
    }
    None
}

#[test]
fn previous_period_comparisons_match_the_published_ones() {
    // 去掉原文“较上半年”的比较，由上期数据算出：应与原文的数字和说法一致。
    let cur = copy("wangcang-2023-07");
    let ind = cur.path().join("indicators.toml");
    let text = std::fs::read_to_string(&ind).unwrap();
    let stripped: String = text
        .lines()
        .map(|l| {
            if l.contains("较上半年") && l.trim_start().starts_with("compare = [{") {
                String::new()
            } else {
                l.replace("  { base = \"较上半年\", change = 2.3 },", "")
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&ind, stripped).unwrap();
    let project = with_previous(cur.path(), &data("wangcang-2023-06"));
    let phrase = |id: &str| {
        project
            .view
            .indicators
            .iter()
            .find(|i| i.id == id)
            .and_then(|i| i.change_text.clone())
            .unwrap_or_default()
    };
    // 原文：增速较上半年提高2.3个百分点；制造业加快1.8；采矿业降幅收窄3.3；电力等回升3.2（上半年下降2.5%，本期增长0.7%）。
    assert!(
        phrase("industry").contains("增速比上半年提高2.3个百分点"),
        "{}",
        phrase("industry")
    );
    assert_eq!(phrase("manufacturing"), "增速比上半年提高1.8个百分点");
    assert_eq!(phrase("mining"), "降幅比上半年收窄3.3个百分点");
    assert_eq!(phrase("power"), "增速比上半年提高3.2个百分点，由负转正");
    assert!(
        project
            .view
            .indicators
            .iter()
            .any(|i| i.computed_comparison)
    );
    // 样例本身写着原文的比较：同一时期不再另算一句。
    let sample = with_previous(&data("wangcang-2023-07"), &data("wangcang-2023-06"));
    let industry = sample
        .view
        .indicators
        .iter()
        .find(|i| i.id == "industry")
        .unwrap();
    assert_eq!(
        industry
            .change_text
            .as_deref()
            .unwrap()
            .matches("上半年")
            .count(),
        1
    );
}

#[test]
fn progress_counts_and_lagging_marks_survive_mono() {
    let out = tempfile::tempdir().unwrap();
    let o = jianbao(&[
        "build",
        data("cangnan-2022-10").to_str().unwrap(),
        "--mono",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let booklet = compact(&pdf_text(&out.path().join("苍南县-简报手册.pdf")));
    assert!(
        booklet.contains("共13项，其中进度滞后1项，推进缓慢1项，偏慢1项，严重滞后1项，未开工1项，其余8项未注明状态"),
        "{booklet}"
    );
    // 滞后的事项有“▲”（不靠颜色），原文括号里的说法照印。
    assert_eq!(booklet.matches('▲').count(), 5, "{booklet}");
    for s in [
        "80%▲（新区实验幼儿园进度滞后）",
        "22%▲（严重滞后）",
        "50%▲（马站未开工）",
    ] {
        assert!(booklet.contains(s), "缺“{s}”：{booklet}");
    }
    let summary = compact(&pdf_text(&out.path().join("苍南县-一页纸.pdf")));
    assert!(
        summary.contains("推进县职业中专扩容提升（22%，严重滞后）"),
        "{summary}"
    );
    // 一页纸有地方：其余 8 项连同进度也列出（只印原文的进度，不添状态词）；滞后的 5 项仍只出现一次。
    assert!(summary.contains("其余事项："), "{summary}");
    for s in ["建设四好农村路55公里（95%）", "新增16个“文化驿站”（98.4%）"]
    {
        assert!(summary.contains(s), "缺“{s}”：{summary}");
    }
    assert_eq!(
        summary.matches("推进县职业中专扩容提升").count(),
        1,
        "{summary}"
    );
    assert!(!summary.contains("序时推进"), "{summary}");
}

#[test]
fn previous_issue_marks_newly_done_and_newly_lagging_items() {
    let last = copy("cangnan-2022-10");
    let cur = copy("cangnan-2022-10");
    let p = cur.path().join("progress.toml");
    replace(
        &p,
        "percent = 22\nstatus = \"严重滞后\"",
        "percent = 100\nstatus = \"已完成\"",
    );
    replace(
        &p,
        "title = \"建设四好农村路55公里。\"\npercent = 95",
        "title = \"建设四好农村路55公里。\"\npercent = 95\nstatus = \"进度滞后\"",
    );
    let project = with_previous(cur.path(), last.path());
    let text = booklet_text(&project);
    assert!(text.contains("〔本期新完成〕"), "{text}");
    assert!(text.contains("〔新增滞后〕"), "{text}");
    assert!(text.contains("比上期提高78个百分点"), "{text}");
    assert!(text.contains("进度与上期持平"), "{text}");
}

#[test]
fn init_from_last_issue_builds_the_next_issue() {
    let parent = tempfile::tempdir().unwrap();
    let next = parent.path().join("下期");
    let o = jianbao(&[
        "init",
        next.to_str().unwrap(),
        "--from",
        data("wangcang-2023-07").to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let meta = std::fs::read_to_string(next.join("meta.toml")).unwrap();
    assert!(meta.contains("period = \"1—8月\""), "{meta}");
    assert!(meta.contains("previous = "), "{meta}");
    // 真实数据不加“示例”，也不多出县区表格模板。
    assert!(!next.join("县区表格模板.xlsx").exists());
    let out = parent.path().join("out");
    let b = build_into(&next, &out);
    assert!(b.status.success(), "{}", stderr(&b));
    let text = compact(&pdf_text(&out.join("旺苍县-简报手册.pdf")));
    assert!(!text.contains("示例"));
    // 下一期的数据还是上一期的：算出的比较是“持平”。
    assert!(text.contains("与1—7月持平"), "{text}");

    // 期号加一。
    let issue = parent.path().join("期号");
    let src = copy("cangnan-2022-10");
    replace(
        &src.path().join("meta.toml"),
        "kind = \"简报\"",
        "kind = \"简报\"\nissue = \"第5期\"",
    );
    let o = jianbao(&[
        "init",
        issue.to_str().unwrap(),
        "--from",
        src.path().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        std::fs::read_to_string(issue.join("meta.toml"))
            .unwrap()
            .contains("issue = \"第6期\"")
    );
}

/// 新样例的全部版本在每种纸张上通过版面检查，什么也不许有——包括一页纸下部的大片留白
/// （旺苍 1—7 月的五张卡片原先放大到 1.5 倍仍空出 34%）和行中压窄的标点。
#[test]
fn new_samples_pass_the_layout_check_on_every_paper() {
    for sample in [
        "yangling-2023-10",
        "wangcang-2023-07",
        "wangcang-2023-06",
        "cangnan-2022-10",
    ] {
        let bad = layout_findings(data(sample).to_str().unwrap());
        assert!(bad.is_empty(), "{sample}：{bad:#?}");
    }
}

#[test]
fn release_checks_name_the_cell_and_both_numbers() {
    // 县区的一般公共预算收入应加总为全市：示意数据加起来不等于全市总量，提醒写出两个数。
    let sq = fixture();
    replace(
        &sq.path().join("counties.toml"),
        "field = \"revenue.value\"",
        "field = \"revenue.value\"\nadds_up = true",
    );
    let o = jianbao(&["check", sq.path().to_str().unwrap()]);
    assert!(o.status.success(), "提醒不妨碍排版：{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("一般公共预算收入（亿元）”9个县区合计"),
        "{err}"
    );
    assert!(err.contains("超过容差"), "{err}");
    // 容差放宽到足以容下差额，就不再提醒。
    replace(
        &sq.path().join("counties.toml"),
        "adds_up = true",
        "adds_up = true\ntolerance = 1000",
    );
    let err = stderr(&jianbao(&["check", sq.path().to_str().unwrap()]));
    assert!(!err.contains("个县区合计"), "{err}");

    // 正负号与其余县区都不同：指到单元格。
    let err = stderr(&jianbao(&["check", "data/shangqiu-2023"]));
    assert!(
        err.contains("工作表「指标」第7行 C列")
            && err.contains("睢县的“规上工业增加值增速（%）”为 -0.8，其余8个县区都是正数"),
        "{err}"
    );

    // 与上期相比变化超过 max_change：写出本期、上期和变化。
    let cur = copy("wangcang-2023-07");
    replace(
        &cur.path().join("indicators.toml"),
        "id = \"industry\"",
        "id = \"industry\"\nmax_change = 2",
    );
    let o = check_against(cur.path(), &data("wangcang-2023-06"));
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("indicators.toml:")
            && err.contains(
                "规上工业增加值增速本期 3.6%，上期 1.3%，变化 2.3 个百分点，超过 max_change = 2"
            ),
        "{err}"
    );
}

#[test]
fn statistics_tables_indent_sub_rows_emphasise_totals_and_mark_lagging_statuses() {
    let dir = copy("zhengzhou-2023");
    let table = r#"
[[chapters]]
title = "统计表"

[[chapters.blocks]]
type = "table"
columns = ["项目", "完成投资（亿元）", "状态"]
rows = [["合计", 10, "序时推进"], ["其中：甲项目", 6, "严重滞后"], ["乙项目", 4, "已完成"]]
indent = [3]
emphasis = [1]
status_column = "状态"
"#;
    append(&dir.path().join("outline.toml"), table);
    let project = load(dir.path());
    let t = project
        .view
        .outline
        .iter()
        .flat_map(|c| &c.blocks)
        .find_map(|b| match b {
            jianbao::present::view::BlockView::Table(t) if t.columns.len() == 3 => Some(t),
            _ => None,
        })
        .unwrap();
    let styles: Vec<(bool, bool)> = t.styles.iter().map(|s| (s.indent, s.emphasis)).collect();
    assert_eq!(styles, [(false, true), (true, false), (true, false)]);
    let lagging: Vec<bool> = t.rows.iter().map(|r| r[2].lagging).collect();
    assert_eq!(lagging, [false, true, false]);
    assert!(booklet_text(&project).contains("▲严重滞后"));

    // 点名不存在的行、不存在的状态列：报在大纲里。
    replace(
        &dir.path().join("outline.toml"),
        "indent = [3]",
        "indent = [7]",
    );
    replace(
        &dir.path().join("outline.toml"),
        "status_column = \"状态\"",
        "status_column = \"进度\"",
    );
    let err = check_fails(dir.path());
    assert!(err.contains("没有第7行：表格共 3 行数据"), "{err}");
    assert!(err.contains("表头中没有 “进度”"), "{err}");
}

#[test]
fn progress_groups_by_status_with_lagging_first_and_long_titles_wrap() {
    let dir = copy("cangnan-2022-10");
    replace(
        &dir.path().join("outline.toml"),
        "type = \"progress\"\nid = \"progress\"",
        "type = \"progress\"\nid = \"progress\"\ngroup = \"status\"",
    );
    // 一个很长的事项：在事项列里换行，不压住旁边的列。
    let long = "完成县应急广播指挥中心、18个乡镇应急广播分控中心、376个村居广播室和752只可控IP化高音喇叭建设，".repeat(4);
    replace(
        &dir.path().join("progress.toml"),
        "title = \"推进县职业中专扩容提升。\"",
        &format!("title = \"推进县职业中专扩容提升。{long}\""),
    );
    let project = load(dir.path());
    let groups: Vec<String> = project
        .view
        .outline
        .iter()
        .flat_map(|c| &c.blocks)
        .find_map(|b| match b {
            jianbao::present::view::BlockView::Progress(p) => Some(p),
            _ => None,
        })
        .unwrap()
        .groups
        .iter()
        .map(|g| format!("{}{}", g.title.clone().unwrap_or_default(), g.items.len()))
        .collect();
    // 严重滞后、未开工、滞后类（进度滞后、推进缓慢、偏慢）、未注明。
    assert_eq!(
        groups,
        [
            "严重滞后1",
            "未开工1",
            "进度滞后1",
            "推进缓慢1",
            "偏慢1",
            "未注明8"
        ]
    );
    let text = booklet_text(&project);
    assert!(
        text.contains("严重滞后（1项）") && text.contains("未注明（8项）"),
        "{text}"
    );
    for paper in ["a4", "a5", "32k"] {
        let o = jianbao(&[
            "check",
            dir.path().to_str().unwrap(),
            "--layout",
            "--county",
            "city",
            "--paper",
            paper,
            "--format",
            "json",
        ]);
        let found: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let overlaps: Vec<&serde_json::Value> = found
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "overlap" || f["rule"] == "outside-area")
            .collect();
        assert!(overlaps.is_empty(), "{paper}：{overlaps:#?}");
    }
}

#[test]
fn meeting_date_may_be_words_and_the_genre_label_free_or_hidden() {
    let dir = copy("zhengzhou-2023");
    let meta = dir.path().join("meta.toml");
    replace(
        &meta,
        "meeting_date = 2023-01-04",
        "meeting_date = \"近日\"\nlabel = \"工作回顾\"",
    );
    let project = load(dir.path());
    let text = booklet_text(&project);
    assert!(text.contains("（近日）"), "{text}");
    assert!(
        text.contains("工作回顾") && !text.contains("政府工作报告要点"),
        "{text}"
    );
    // 写 "" 不印文种字样。
    replace(&meta, "label = \"工作回顾\"", "label = \"\"");
    let text = booklet_text(&load(dir.path()));
    assert!(
        !text.contains("工作回顾") && !text.contains("政府工作报告要点"),
        "{text}"
    );
    // 既不是日期也不是文字：报在字段上。
    replace(&meta, "meeting_date = \"近日\"", "meeting_date = 20230104");
    let err = check_fails(dir.path());
    assert!(
        err.contains("meta.meeting_date") && err.contains("近日"),
        "{err}"
    );
}

#[test]
fn a_published_comparison_that_disagrees_with_the_previous_data_is_named() {
    let cur = copy("wangcang-2023-07");
    let previous = data("wangcang-2023-06");
    // 样例本身两期对得上：没有提醒。
    let o = check_against(cur.path(), &previous);
    assert!(!stderr(&o).contains("提醒"), "{}", stderr(&o));
    // 抄错一个数：指到那一格，写出写的数和算得的数。
    replace(
        &cur.path().join("indicators.toml"),
        "{ base = \"较上半年\", change = 2.3 }",
        "{ base = \"较上半年\", change = 2.8 }",
    );
    let o = check_against(cur.path(), &previous);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("indicators[0].compare[0].change")
            && err.contains(
                "与上半年相比写的是 2.8 个百分点，由两期增速算得 2.3（本期 3.6%，上期 1.3%）"
            ),
        "{err}"
    );
}
