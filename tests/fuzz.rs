//! 模糊测试（proptest，随正常测试运行，用例数有限）：任何输入都不会让读取器崩溃。
//! 想跑得更久：PROPTEST_CASES=20000 cargo test --release --test fuzz

mod common;

use common::*;
use jianbao::load::SourceFile;
use jianbao::load::table;
use jianbao::model::{counties, indicators, meta, outline, tasks};
use proptest::prelude::*;

fn config() -> ProptestConfig {
    // 默认 256 例；环境变量 PROPTEST_CASES 可加大。
    ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// 字符表里有 TOML 的所有结构字符、中文、数字和常见的坏字符。
fn toml_like() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("[[".to_owned()),
            Just("]]".to_owned()),
            Just("[".to_owned()),
            Just("]".to_owned()),
            Just("{".to_owned()),
            Just("}".to_owned()),
            Just("=".to_owned()),
            Just("\"".to_owned()),
            Just("'".to_owned()),
            Just("\"\"\"".to_owned()),
            Just("\n".to_owned()),
            Just(",".to_owned()),
            Just(".".to_owned()),
            Just("#".to_owned()),
            Just("\\".to_owned()),
            Just("indicators".to_owned()),
            Just("tasks".to_owned()),
            Just("items".to_owned()),
            Just("targets".to_owned()),
            Just("value".to_owned()),
            Just("growth".to_owned()),
            Just("id".to_owned()),
            Just("2024-02-30".to_owned()),
            Just("1e999".to_owned()),
            Just("-0".to_owned()),
            Just("nan".to_owned()),
            Just("商丘".to_owned()),
            "[0-9]{1,12}",
            "[a-z_]{1,8}",
            any::<char>().prop_map(|c| c.to_string()),
        ],
        0..80,
    )
    .prop_map(|parts| parts.concat())
}

fn source(text: &str) -> SourceFile {
    SourceFile {
        path: "fuzz.toml".into(),
        text: text.into(),
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn toml_loaders_never_panic(text in toml_like()) {
        let s = source(&text);
        let _ = s.parse::<meta::MetaFile>();
        let _ = s.parse::<indicators::IndicatorsFile>();
        let _ = s.parse::<outline::OutlineFile>();
        let _ = s.parse::<tasks::TasksFile>();
        let _ = s.parse::<counties::CountiesFile>();
        let _ = s.parse::<counties::CountyFile>();
        let _ = s.strings();
    }

    /// 在示例文件的随机位置插入、删除字符，整个数据集照样读：要么成功，要么给出问题清单。
    #[test]
    fn mutated_sample_data_never_panics(
        file in prop::sample::select(vec!["meta.toml", "outline.toml", "indicators.toml", "tasks.toml", "counties.toml"]),
        at in 0.0f64..1.0,
        cut in 0usize..40,
        insert in toml_like(),
    ) {
        let data = fixture();
        let path = data.path().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        let mut pos = ((text.len() as f64) * at) as usize;
        while !text.is_char_boundary(pos) { pos -= 1; }
        let mut end = (pos + cut).min(text.len());
        while !text.is_char_boundary(end) { end -= 1; }
        let mutated = format!("{}{}{}", &text[..pos], insert, &text[end..]);
        std::fs::write(&path, mutated).unwrap();
        if let Ok(project) = jianbao::project::Project::load(data.path(), &Default::default())
            && let Some(c) = &project.counties
        {
            for name in c.names.clone() {
                let _ = project.view_for(Some(&name));
            }
        }
    }

    #[test]
    fn csv_tables_never_panic(rows in proptest::collection::vec(proptest::collection::vec(".{0,12}", 0..6), 0..12)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        let text: Vec<String> = rows.iter().map(|r| r.join(",")).collect();
        std::fs::write(&path, text.join("\n")).unwrap();
        if let Ok(grid) = table::read(&path, &path, None) {
            for (_, cells) in &grid.rows {
                for c in cells {
                    let _ = table::number(c);
                    let _ = table::text(c);
                }
            }
        }
    }

    #[test]
    fn arbitrary_bytes_as_xlsx_or_csv_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048), zip_header in any::<bool>()) {
        let dir = tempfile::tempdir().unwrap();
        let mut bytes = bytes;
        if zip_header {
            bytes.splice(0..0, b"PK\x03\x04".iter().copied());
        }
        for name in ["t.xlsx", "t.csv"] {
            let path = dir.path().join(name);
            std::fs::write(&path, &bytes).unwrap();
            let _ = table::read(&path, &path, Some("指标"));
        }
    }

    /// 真正的 xlsx，单元格里是任意文字或数字：每个县区要么得到视图，要么得到指明单元格的问题。
    #[test]
    fn xlsx_with_arbitrary_cells_never_panics(cells in proptest::collection::vec(prop_oneof![
        any::<f64>().prop_map(|v| (Some(v), String::new())),
        ".{0,10}".prop_map(|s| (None, s)),
    ], 8)) {
        let data = fixture();
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.set_name("指标").unwrap();
        let headers = ["县区", "生产总值增速（%）", "规上工业增加值增速（%）", "固定资产投资增速（%）", "社会消费品零售总额增速（%）",
            "一般公共预算收入（亿元）", "一般公共预算支出（亿元）", "金融机构存款余额（亿元）", "金融机构贷款余额（亿元）"];
        for (c, h) in headers.iter().enumerate() {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        sheet.write_string(1, 0, "梁园区").unwrap();
        for (c, (num, text)) in cells.iter().enumerate() {
            match num {
                Some(v) if v.is_finite() => { sheet.write_number(1, c as u16 + 1, *v).unwrap(); }
                Some(_) => {}
                None => { sheet.write_string(1, c as u16 + 1, text).unwrap(); }
            }
        }
        book.save(data.path().join("counties.xlsx")).unwrap();
        if let Ok(project) = jianbao::project::Project::load(data.path(), &Default::default()) {
            let _ = project.view_for(Some("梁园区"));
            let err = project.view_for(Some("睢阳区")).unwrap_err().to_string();
            prop_assert!(err.contains("表格中没有 “睢阳区” 这一行"));
        }
    }

    /// xlsx 的数字格式（日期、百分比、定点小数、文本、自定义）和合并单元格随意组合：读表格从不崩溃，
    /// 要么读出数字，要么报出指明工作表、行、列的问题。
    #[test]
    fn xlsx_number_formats_and_merges_never_panic(
        cells in proptest::collection::vec((any::<f64>(), 0usize..8), 8),
        merges in proptest::collection::vec((1u32..4, 0u16..9, 1u32..3, 1u16..3), 0..3),
    ) {
        const FORMATS: [&str; 8] = ["0.00", "0%", "0.0%", "yyyy-mm-dd", "@", "#,##0.0", "[h]:mm:ss", "0.000E+00"];
        let data = fixture();
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.set_name("指标").unwrap();
        let headers = ["县区", "生产总值增速（%）", "规上工业增加值增速（%）", "固定资产投资增速（%）", "社会消费品零售总额增速（%）",
            "一般公共预算收入（亿元）", "一般公共预算支出（亿元）", "金融机构存款余额（亿元）", "金融机构贷款余额（亿元）"];
        for (c, h) in headers.iter().enumerate() {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        for (r, name) in ["梁园区", "睢阳区", "永城市"].iter().enumerate() {
            sheet.write_string(r as u32 + 1, 0, *name).unwrap();
            for (c, (v, f)) in cells.iter().enumerate() {
                if v.is_finite() {
                    let format = rust_xlsxwriter::Format::new().set_num_format(FORMATS[*f]);
                    sheet.write_number_with_format(r as u32 + 1, c as u16 + 1, *v, &format).unwrap();
                }
            }
        }
        for (row, col, h, w) in merges {
            let _ = sheet.merge_range(row, col, row + h, col + w, "", &rust_xlsxwriter::Format::new());
        }
        book.save(data.path().join("counties.xlsx")).unwrap();
        match jianbao::project::Project::load(data.path(), &Default::default()) {
            Ok(project) => {
                for name in ["梁园区", "睢阳区", "永城市"] {
                    let _ = project.view_for(Some(name));
                }
            }
            Err(p) => prop_assert!(!p.is_empty()),
        }
    }

    /// 任何数字、任何小数位：舍入成零的写法都不带负号（卡片、图、表、一页纸都用这两个函数）。
    #[test]
    fn numbers_never_print_a_signed_zero(v in any::<f64>().prop_filter("有限", |v| v.is_finite()), decimals in 0usize..7) {
        use jianbao::base::number::{fixed, format_number, unsigned_zero};
        for text in [fixed(v, decimals), unsigned_zero(&format_number(v)).to_owned()] {
            if text.parse::<f64>().is_ok_and(|f| f == 0.0) {
                prop_assert!(!text.starts_with('-'), "{v} 写成了 {text}");
            }
        }
    }

    /// 地区名里混进方向控制符、零宽字符：要么读得通（没有这些字符），要么报错并写出第一个这样的字符的码位。
    #[test]
    fn hidden_characters_in_names_are_named_by_code_point(parts in proptest::collection::vec(prop_oneof![
        3 => "[\u{4e00}-\u{9fa5}]",
        1 => "[a-z]",
        1 => prop::sample::select(vec!['\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}', '\u{202A}', '\u{202E}', '\u{2066}', '\u{2069}', '\u{200F}', '\u{061C}']).prop_map(|c| c.to_string()),
    ], 1..8)) {
        let name = parts.concat();
        let data = fixture();
        let escaped: String = name.chars().map(|c| format!("\\u{:04X}", c as u32)).collect();
        replace(&data.path().join("meta.toml"), "region = \"商丘市\"", &format!("region = \"{escaped}\""));
        let hidden = jianbao::base::text::hidden_char(&name);
        match (jianbao::project::Project::load(data.path(), &Default::default()), hidden) {
            (Ok(_), None) => {}
            (Ok(_), Some(c)) => prop_assert!(false, "含 U+{:04X} 的地区名被接受了", c as u32),
            (Err(p), Some(c)) => {
                let text = p.to_string();
                prop_assert!(text.contains(&format!("U+{:04X}", c as u32)), "{text}");
            }
            (Err(p), None) => prop_assert!(false, "没有不可见字符的地区名 {name:?} 被拒绝：{p}"),
        }
    }

    /// 一页纸点名的指标随意重复：有重复就报“重复”并指出两处，没有就照常。
    #[test]
    fn repeated_ids_in_a_list_are_always_reported(ids in proptest::collection::vec(prop::sample::select(vec!["gdp", "industry", "investment", "retail"]), 1..6)) {
        let data = fixture();
        let list: Vec<String> = ids.iter().map(|i| format!("\"{i}\"")).collect();
        replace(
            &data.path().join("meta.toml"),
            "title = \"主要经济指标\"",
            &format!("title = \"主要经济指标\"\nindicators = [{}]", list.join(", ")),
        );
        let repeated = (1..ids.len()).any(|i| ids[..i].contains(&ids[i]));
        match jianbao::project::Project::load(data.path(), &Default::default()) {
            Ok(_) => prop_assert!(!repeated, "{ids:?} 有重复却没有报错"),
            Err(p) => {
                let text = p.to_string();
                prop_assert!(repeated && text.contains("重复：summary.blocks[1].indicators["), "{ids:?}：{text}");
            }
        }
    }
}
