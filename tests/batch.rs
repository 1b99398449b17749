//! 县区版批量：每个县区的文档带有自己的数字和排名；坏单元格让每个县区版都失败（名次用到所有县区）；分片恰好划分全集。

mod common;

use std::path::Path;

use calamine::{Data, Reader, open_workbook_auto};
use common::*;
use jianbao::batch::{self, Selection, Shard};
use jianbao::typeset::Kind;

const COUNTIES: [&str; 9] = [
    "梁园区",
    "睢阳区",
    "永城市",
    "民权县",
    "睢县",
    "宁陵县",
    "柘城县",
    "虞城县",
    "夏邑县",
];

/// 示例表格的全部单元格（行、列从 0 起）。
fn sample_cells() -> Vec<Vec<Data>> {
    let mut book = open_workbook_auto(sample_dir().join("counties.xlsx")).unwrap();
    let range = book.worksheet_range("指标").unwrap();
    assert_eq!(range.start(), Some((0, 0)));
    range.rows().map(|r| r.to_vec()).collect()
}

/// 把示例表格另存为 xlsx，可先改动若干单元格。
fn write_xlsx(path: &Path, edit: impl Fn(&mut Vec<Vec<Data>>)) {
    let mut cells = sample_cells();
    edit(&mut cells);
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("指标").unwrap();
    for (r, row) in cells.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match cell {
                Data::Float(v) => sheet.write_number(r, c, *v).map(|_| ()),
                Data::Int(v) => sheet.write_number(r, c, *v as f64).map(|_| ()),
                Data::String(s) => sheet.write_string(r, c, s).map(|_| ()),
                _ => Ok(()),
            }
            .unwrap();
        }
    }
    book.save(path).unwrap();
}

fn row_of(cells: &[Vec<Data>], county: &str) -> usize {
    cells
        .iter()
        .position(|r| r[0] == Data::String(county.into()))
        .unwrap()
}

#[test]
fn batch_writes_the_city_and_every_county_with_a_manifest() {
    let out = tempfile::tempdir().unwrap();
    let o = jianbao(&[
        "batch",
        "--out",
        out.path().to_str().unwrap(),
        "--jobs",
        "2",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("manifest.json")).unwrap()).unwrap();
    let outputs = manifest["outputs"].as_array().unwrap();
    assert_eq!(outputs.len(), 20, "全市版加 9 个县区，各两份");
    assert!(manifest["failures"].as_array().unwrap().is_empty());
    for entry in outputs {
        let path = out.path().join(entry["path"].as_str().unwrap());
        let bytes =
            std::fs::read(&path).unwrap_or_else(|_| panic!("清单中的 {} 不存在", path.display()));
        assert_eq!(entry["bytes"].as_u64().unwrap() as usize, bytes.len());
        let pages = entry["pages"].as_u64().unwrap();
        match entry["kind"].as_str().unwrap() {
            "summary" => assert_eq!(pages, 1),
            _ => assert_eq!(pages % 4, 0),
        }
        assert_eq!(entry["sha256"].as_str().unwrap().len(), 64);
    }
    for county in COUNTIES {
        for kind in ["简报手册", "一页纸"] {
            assert!(
                out.path()
                    .join(county)
                    .join(format!("{county}-{kind}.pdf"))
                    .is_file()
            );
        }
    }
    assert!(
        stdout(&o).contains("共 20 份文档，成功 20，失败 0"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn county_edition_carries_its_own_figures_ranks_and_shares() {
    let project = load(&sample_dir());
    let engine = engine(&project);
    let view = project.view_for(Some("睢县")).unwrap();
    let c = view.county.as_ref().unwrap();
    let industry = c.indicators.iter().find(|i| i.id == "industry").unwrap();
    let g = industry.growth.as_ref().unwrap();
    assert_eq!(g.figure.text, "-0.8");
    assert_eq!(g.rank_text, "居全市第9位");
    assert_eq!(g.compare_text.as_deref(), Some("低于全市2.5个百分点"));
    // 与全市卡片同一种说法：比较基准“同比”照全市指标。
    assert_eq!(industry.growth_text.as_deref(), Some("同比下降0.8%"));
    let schools = c
        .targets
        .iter()
        .find(|t| t.what == "新建改扩建学校")
        .unwrap();
    assert_eq!(
        (schools.share.text.as_str(), schools.percent_text.as_str()),
        ("5", "占全市9.4%")
    );

    let json = serde_json::to_vec(&view).unwrap();
    for kind in [Kind::Booklet, Kind::Summary] {
        let t = jianbao::typeset::typeset(&engine, kind, json.clone(), None, project.date).unwrap();
        let pages = jianbao::typeset::inspect::page_texts(&t.doc);
        let text = pages.concat();
        for needle in ["睢县", "居全市第9位", "低于全市2.5个百分点", "9.7"] {
            assert!(text.contains(needle), "{kind:?} 中没有 “{needle}”");
        }
        // 负增长：卡片读作“同比下降”，对比图用减号，不用连字符。
        if kind == Kind::Booklet {
            assert!(text.contains("−0.8"), "对比图中的负数应为 −0.8");
        }
        assert!(!text.contains("-0.8"), "{kind:?} 中负数用了连字符");
        // 示例数据：每一页都有提示。
        for (i, page) in pages.iter().enumerate() {
            assert!(
                page.contains("示例数据，非官方统计"),
                "{kind:?} 第{}页没有示例数据提示",
                i + 1
            );
        }
    }
    // 全市版不印县区的提示语。
    let city = pages(&project, &engine, Kind::Booklet).concat();
    assert!(!city.contains("示例数据"));
    // 更正文件（counties/永城市.toml）中的说明进入永城市版。
    let yongcheng = project.view_for(Some("永城市")).unwrap();
    assert!(yongcheng.county.unwrap().notes[0].contains("县级市"));
}

#[test]
fn ranks_follow_the_indicator_direction_and_share_ties() {
    let data = fixture();
    replace(
        &data.path().join("indicators.toml"),
        "name = \"规上工业增加值\"",
        "name = \"规上工业增加值\"\nhigher_is_better = false",
    );
    write_xlsx(&data.path().join("counties.xlsx"), |cells| {
        let (a, b) = (row_of(cells, "梁园区"), row_of(cells, "睢阳区"));
        cells[a][2] = Data::Float(-1.5);
        cells[b][2] = Data::Float(-1.5);
    });
    let project = load(data.path());
    let rank = |county: &str| {
        let v = project.view_for(Some(county)).unwrap();
        let c = v.county.unwrap();
        c.indicators
            .iter()
            .find(|i| i.id == "industry")
            .unwrap()
            .growth
            .as_ref()
            .unwrap()
            .rank
    };
    assert_eq!((rank("梁园区"), rank("睢阳区"), rank("睢县")), (1, 1, 3));
}

#[test]
fn a_bad_cell_fails_every_county_edition_naming_the_cell() {
    let data = fixture();
    let mut bad_row = 0;
    write_xlsx(&data.path().join("counties.xlsx"), |cells| {
        let r = row_of(cells, "睢县");
        cells[r][2] = Data::String("1.7%%".into());
    });
    for (i, row) in sample_cells().iter().enumerate() {
        if row[0] == Data::String("睢县".into()) {
            bad_row = i + 1;
        }
    }
    let out = tempfile::tempdir().unwrap();
    let o = jianbao(&[
        "batch",
        data.path().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "县区数据有错时退出码为 1");
    let err = stderr(&o);
    let cell = format!(
        "counties.xlsx 工作表「指标」第{bad_row}行 C列 规上工业增加值增速（%）：“1.7%%” 不是数字（请去掉 %，单位写在表头里）"
    );
    assert!(err.contains(&cell), "{err}");
    // 名次要用到每个县区的数字：别的县区版也不排，并说明原因。
    assert!(
        err.contains("这是睢县的数字，但永城市版的名次和对比图要用到所有县区的数字"),
        "{err}"
    );
    for county in COUNTIES {
        assert!(
            !out.path().join(county).exists(),
            "{county} 版的名次会少算一个县区，不应写出"
        );
    }
    assert!(
        out.path().join("商丘市-简报手册.pdf").is_file(),
        "全市版不用县区表格，照常写出"
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["outputs"].as_array().unwrap().len(), 2);
    let failures = manifest["failures"].as_array().unwrap();
    assert_eq!(failures.len(), 18);
    assert!(
        failures
            .iter()
            .all(|f| f["stage"] == "data" && f["problems"][0].as_str().unwrap().contains(&cell))
    );
}

#[test]
fn csv_and_xlsx_tables_give_the_same_editions() {
    let data = fixture();
    let mut csv = String::new();
    for row in sample_cells() {
        let cells: Vec<String> = row
            .iter()
            .map(|c| match c {
                Data::Float(v) => v.to_string(),
                Data::Int(v) => v.to_string(),
                Data::String(s) => format!("\"{s}\""),
                _ => String::new(),
            })
            .collect();
        csv.push_str(&cells.join(","));
        csv.push('\n');
    }
    std::fs::write(data.path().join("counties.csv"), csv).unwrap();
    std::fs::remove_file(data.path().join("counties.xlsx")).unwrap();
    let settings = data.path().join("counties.toml");
    replace(
        &settings,
        "file = \"counties.xlsx\"",
        "file = \"counties.csv\"",
    );
    replace(&settings, "sheet = \"指标\"\n", "");
    let from_csv = load(data.path());
    // 两边都用副本（不含 counties/ 中的更正文件），只比较表格格式带来的差别。
    let xlsx_copy = fixture();
    let from_xlsx = load(xlsx_copy.path());
    for county in ["梁园区", "睢县", "夏邑县"] {
        let a = serde_json::to_value(from_csv.view_for(Some(county)).unwrap().county).unwrap();
        let b = serde_json::to_value(from_xlsx.view_for(Some(county)).unwrap().county).unwrap();
        assert_eq!(a, b, "{county} 的 csv 与 xlsx 结果不同");
    }
}

#[test]
fn bad_csv_cell_is_reported_by_row_and_column() {
    let data = fixture();
    std::fs::write(
        data.path().join("counties.csv"),
        "县区,生产总值增速（%）\n梁园区,4.3\n睢阳区,三点八\n",
    )
    .unwrap();
    let settings = data.path().join("counties.toml");
    let text = std::fs::read_to_string(&settings).unwrap();
    let start = text.find("[table]").unwrap();
    let end = text
        .find("# ------------------------------------------------------------\n# 县区名单")
        .unwrap();
    let table = "[table]\nfile = \"counties.csv\"\nname_column = \"县区\"\n[[table.columns]]\nheader = \"生产总值增速（%）\"\nfield = \"gdp.growth\"\n\n";
    let mut text = format!("{}{table}{}", &text[..start], &text[end..]);
    text.truncate(text.find("[[shares]]").unwrap());
    std::fs::write(&settings, text).unwrap();
    let project = load(data.path());
    let err = project.view_for(Some("睢阳区")).unwrap_err().to_string();
    assert!(
        err.contains("counties.csv 第3行 B列 生产总值增速（%）：“三点八” 不是数字"),
        "{err}"
    );
    let err = project.view_for(Some("永城市")).unwrap_err().to_string();
    assert!(err.contains("表格中没有 “永城市” 这一行"), "{err}");
    // 梁园区自己的数字没错，但名次要拿它和睢阳区比：也不排，并指出是哪一格。
    let err = project.view_for(Some("梁园区")).unwrap_err().to_string();
    assert!(
        err.contains(
            "counties.csv 第3行 B列 生产总值增速（%）：“三点八” 不是数字（这是睢阳区的数字"
        ),
        "{err}"
    );
}

#[test]
fn shares_that_do_not_add_up_name_the_target() {
    let err = check_edited(
        "counties.toml",
        "\"梁园区\" = 7, \"睢阳区\" = 6",
        "\"梁园区\" = 7, \"睢阳区\" = 7",
    );
    assert!(
        err.contains("目标 “新建改扩建学校” 分解到各县区合计 54所，与全市目标 53所 不符"),
        "{}",
        err
    );
}

#[test]
fn shards_partition_the_regions_exactly() {
    let project = load(&sample_dir());
    let all = batch::regions(&project, &Selection::All, None).unwrap();
    assert_eq!(all.len(), 10);
    for n in 1..=4 {
        let mut seen = Vec::new();
        for k in 1..=n {
            let part = batch::regions(
                &project,
                &Selection::All,
                Some(Shard { index: k, count: n }),
            )
            .unwrap();
            seen.extend(part);
        }
        let mut sorted = seen.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(seen.len(), all.len(), "{n} 份：有重复或遗漏");
        assert_eq!(sorted.len(), all.len(), "{n} 份：有重复");
    }
    assert!(
        "0/3".parse::<Shard>().is_err()
            && "4/3".parse::<Shard>().is_err()
            && "2/3".parse::<Shard>().is_ok()
    );
}

#[test]
fn county_selection_and_unknown_names() {
    let project = load(&sample_dir());
    let picked = batch::regions(&project, &Selection::parse("永城市,夏邑县"), None).unwrap();
    assert_eq!(
        picked,
        vec![None, Some("永城市".to_owned()), Some("夏邑县".to_owned())]
    );
    let err = batch::regions(&project, &Selection::parse("永城县"), None)
        .unwrap_err()
        .to_string();
    assert!(err.contains("没有这些县区：永城县"), "{err}");
}

#[test]
fn shares_under_ten_thousand_read_as_plain_counts() {
    let project = load(&sample_dir());
    let view = project.view_for(Some("夏邑县")).unwrap();
    let c = view.county.unwrap();
    let places = c.targets.iter().find(|t| t.what.contains("学位")).unwrap();
    assert_eq!(places.share.text, "1200", "0.12万个 应读作 1200个");
    assert_eq!(places.share_unit.as_deref(), Some("个"));
    assert_eq!(
        places.unit.as_deref(),
        Some("万个"),
        "全市的数量仍写 1.3万个"
    );
    assert_eq!(places.percent, "9.2%");
}
