//! 错误的数据：中文说明、准确的文件行列和字段、退出码，且不留下任何 PDF。

mod common;

use common::*;

#[test]
fn misspelt_field_is_reported_with_location_and_suggestion() {
    let data = fixture();
    let file = data.path().join("indicators.toml");
    replace(&file, "value = 190.1", "vlaue = 190.1");
    let out = tempfile::tempdir().unwrap();
    let o = build_into(data.path(), out.path());
    assert_eq!(o.status.code(), Some(1), "数据错误的退出码应为 1");
    let err = stderr(&o);
    let line = line_of(&file, |l| l.starts_with("vlaue"));
    assert!(
        err.contains(&format!(
            "indicators.toml:{line}:1 indicators[4].vlaue：未知字段 “vlaue”，是否应为 “value”？"
        )),
        "{err}"
    );
    assert!(err.contains("vlaue = 190.1"), "应显示出错的源代码行：{err}");
    assert_no_pdf(out.path());
}

#[test]
fn text_where_a_number_belongs_names_the_field_and_the_value() {
    let data = fixture();
    let file = data.path().join("indicators.toml");
    replace(&file, "growth = 1.7", "growth = \"1.7%\"");
    let err = check_fails(data.path());
    let line = line_of(&file, |l| l.contains("\"1.7%\""));
    assert!(
        err.contains(&format!(
            "indicators.toml:{line}:10 indicators[1].growth：应为数字，实际为文本 \"1.7%\""
        )),
        "{err}"
    );
}

#[test]
fn problems_in_several_files_are_all_reported_at_once() {
    let data = fixture();
    replace(&data.path().join("meta.toml"), "region = ", "regoin = ");
    replace(
        &data.path().join("tasks.toml"),
        "id = \"schools\"",
        "id = \"waterlogging\"",
    );
    replace(
        &data.path().join("tasks.toml"),
        "quantity = 3\n",
        "quantity = -3\n",
    );
    let o = jianbao(&["check", data.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("meta.toml:") && err.contains("未知字段 “regoin”，是否应为 “region”？"),
        "{err}"
    );
    // meta.toml 出错时，其余文件也照样检查。
    let o2 = {
        let data = fixture();
        replace(
            &data.path().join("tasks.toml"),
            "id = \"schools\"",
            "id = \"waterlogging\"",
        );
        replace(
            &data.path().join("tasks.toml"),
            "quantity = 3\n",
            "quantity = -3\n",
        );
        replace(
            &data.path().join("meta.toml"),
            "date = 2023-12-26",
            "date = 2023-02-30",
        );
        jianbao(&["check", data.path().to_str().unwrap()])
    };
    let err2 = stderr(&o2);
    assert!(err2.contains("标识 “waterlogging” 重复"), "{err2}");
    assert!(err2.contains("数量不能为负数：-3"), "{err2}");
    assert!(
        err2.contains("meta.toml:") && err2.contains("日期不存在"),
        "应指出不存在的日期：{err2}"
    );
    assert!(err2.contains("共发现 3 个问题"), "{err2}");
}

#[test]
fn missing_data_file_is_named() {
    let data = fixture();
    std::fs::remove_file(data.path().join("outline.toml")).unwrap();
    let err = check_fails(data.path());
    assert!(err.contains("outline.toml 文件不存在"), "{}", err);
}

#[test]
fn overflowing_summary_fails_with_what_to_shorten_and_writes_nothing() {
    let data = fixture();
    let file = data.path().join("tasks.toml");
    let mut extra = String::new();
    for i in 0..40 {
        extra.push_str(&format!(
            "\n[[tasks.items.targets]]\nid = \"extra_{i}\"\nwhat = \"新增一项很长很长的重点目标任务第{i}项\"\nquantity = {i}\nunit = \"个\"\ndeadline = 2024-12-31\n"
        ));
    }
    append(&file, &extra);
    let out = tempfile::tempdir().unwrap();
    let o = build_into(data.path(), out.path());
    assert_eq!(o.status.code(), Some(3), "排版问题的退出码应为 3");
    let err = stderr(&o);
    assert!(err.contains("一页纸：内容超出一页"), "{err}");
    assert!(
        err.contains("「2024年重点目标任务一览表」52 项目标"),
        "应指出要精简的部分：{err}"
    );
    assert!(err.contains("标题（15 字）"), "标题也算在内：{err}");
    assert_no_pdf(out.path());
}

#[test]
fn character_missing_from_every_font_is_named_with_its_code_point_and_place() {
    let data = fixture();
    let file = data.path().join("meta.toml");
    replace(
        &file,
        "issuer = \"中共商丘市委\"",
        "issuer = \"中共商丘市委𗀀\"",
    );
    let line = line_of(&file, |l| l.contains('𗀀'));
    let out = tempfile::tempdir().unwrap();
    let o = build_into(data.path(), out.path());
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "meta.toml:{line}:17 meta.issuer：字体中没有“𗀀”（U+17000），印出来会是方框"
        )),
        "{err}"
    );
    assert_no_pdf(out.path());
}

#[test]
fn character_missing_from_template_text_is_caught_after_typesetting() {
    let tpl = tempfile::tempdir().unwrap();
    std::fs::write(
        tpl.path().join("booklet.typ"),
        "#set text(font: \"Noto Serif SC\")\n模板里的字𗀀\n",
    )
    .unwrap();
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
    assert_eq!(o.status.code(), Some(3));
    assert!(
        stderr(&o).contains("字体缺字，印出来会是方框：第1页“𗀀”（U+17000）"),
        "{}",
        stderr(&o)
    );
    assert_no_pdf(out.path());
}

#[test]
fn several_problems_in_one_file_are_reported_together() {
    let data = fixture();
    let file = data.path().join("indicators.toml");
    replace(&file, "growth = 1.7", "growth = \"1.7%\"");
    replace(&file, "name = \"固定资产投资\"", "name = 12345");
    replace(&file, "growth = 4.9", "growth = true");
    replace(&file, "value = 190.1", "vlaue = 190.1");
    let err = check_fails(data.path());
    for needle in [
        "indicators[1].growth：应为数字，实际为文本 \"1.7%\"",
        "indicators[2].name：应为文本（用英文双引号括起），实际为整数 12345",
        "indicators[3].growth：应为数字，实际为布尔值 true",
        "indicators[4].vlaue：未知字段 “vlaue”，是否应为 “value”？",
        "共发现 4 个问题",
    ] {
        assert!(err.contains(needle), "缺少 {needle}：\n{err}");
    }
}

#[test]
fn toml_syntax_error_points_at_the_line() {
    let data = fixture();
    let file = data.path().join("outline.toml");
    replace(
        &file,
        "title = \"把握好四个关系\"",
        "title = \"把握好四个关系",
    );
    let err = check_fails(data.path());
    let line = line_of(&file, |l| l.starts_with("title = \"把握好四个关系"));
    assert!(err.contains(&format!("outline.toml:{line}:")), "{}", err);
    assert!(err.contains("TOML 语法错误"), "{}", err);
}

#[test]
fn chinese_keys_without_quotes_get_a_hint() {
    let err = check_edited(
        "counties.toml",
        "\"梁园区\" = 2, \"睢阳区\" = 1",
        "梁园区 = 2, \"睢阳区\" = 1",
    );
    assert!(
        err.contains("键名含中文或其他符号时要加英文双引号"),
        "{}",
        err
    );
}

#[test]
fn unknown_font_in_theme_is_reported() {
    let data = fixture();
    let file = data.path().join("meta.toml");
    append(&file, "\n[theme.fonts]\ntitle = [\"方正小标宋简体\"]\n");
    let err = check_fails(data.path());
    assert!(
        err.contains("theme.fonts.title：找不到字体“方正小标宋简体”"),
        "{}",
        err
    );
}

#[test]
fn missing_required_field_is_named() {
    let err = check_edited("indicators.toml", "name = \"规上工业增加值\"\n", "");
    assert!(err.contains("indicators[1]：缺少必填字段 “name”"), "{err}");
}

#[test]
fn share_for_an_unknown_county_is_named() {
    let err = check_edited(
        "counties.toml",
        "\"梁园区\" = 2, \"睢阳区\" = 1",
        "\"梁园区\" = 2, \"睢阳县\" = 1",
    );
    assert!(
        err.contains("shares[0].values.睢阳县：“睢阳县” 不在县区名单中"),
        "{err}"
    );
}

#[test]
fn corrupt_workbook_and_non_utf8_csv_are_explained() {
    let data = fixture();
    std::fs::write(
        data.path().join("counties.xlsx"),
        b"PK\x03\x04 this is not a workbook",
    )
    .unwrap();
    let err = check_fails(data.path());
    assert!(err.contains("counties.xlsx 无法打开 Excel 文件"), "{err}");

    let data = fixture();
    // “县区”的 GBK 编码：Excel 在中文 Windows 上默认这样导出 CSV。
    std::fs::write(data.path().join("counties.csv"), b"\xcf\xd8\xc7\xf8,x\n").unwrap();
    replace(
        &data.path().join("counties.toml"),
        "file = \"counties.xlsx\"",
        "file = \"counties.csv\"",
    );
    let err = check_fails(data.path());
    assert!(err.contains("CSV 文件不是 UTF-8 编码"), "{err}");
}

#[test]
fn wrong_sheet_name_lists_the_sheets() {
    let err = check_edited("counties.toml", "sheet = \"指标\"", "sheet = \"Sheet1\"");
    assert!(
        err.contains("没有名为「Sheet1」的工作表，本文件有：指标"),
        "{err}"
    );
}

/// PDF/A 要求文档日期：没有日期的简报（杨凌月报）在排版之前就说明要写 meta.date，不留英文的导出错误。
#[test]
fn an_archive_pdf_of_a_brief_without_a_date_asks_for_meta_date() {
    let out = tempfile::tempdir().unwrap();
    let data = root().join("data/yangling-2023-10");
    let o = jianbao(&[
        "build",
        data.to_str().unwrap(),
        "--pdf-standard",
        "a-2b",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("meta.toml") && err.contains("meta.date") && err.contains("date = "),
        "{err}"
    );
    assert!(!err.contains("missing document date"), "{err}");
    assert_no_pdf(out.path());
}
