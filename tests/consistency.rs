//! issue 16：没有错的文档带着退出码 0 出去。每一类一个按 issue 中例子写的测试，加一个自己的变体，
//! 都核对退出码和报错中点名的文件与字段：每个版本都经过 check 的检查、数值（−0.0、重复、空列表）、
//! 字体在加载时核对、文件一条规则、中文说明、用不上的选项。

mod common;

use std::path::Path;

use common::*;

fn code(o: &std::process::Output) -> Option<i32> {
    o.status.code()
}

// ---------------------------------------------------------------------------
// 每个版本都经过与 check 相同的检查

#[test]
fn an_empty_cell_of_another_county_fails_build_county_naming_the_cell() {
    // issue 的例子：夏邑县（九个中的最后一个）的单元格是空的，睢县版不能印出“在8个中排第8位”。
    let data = fixture();
    rewrite_counties(data.path(), |_, r, c, _| is(r, c, 11, 2));
    let out = tempfile::tempdir().unwrap();
    let o = jianbao(&[
        "build",
        data.path().to_str().unwrap(),
        "--county",
        "睢县",
        "--only",
        "summary",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(code(&o), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains(
            "counties.xlsx 工作表「指标」第11行 C列 规上工业增加值增速（%）：缺少数值（单元格为空）"
        ),
        "{err}"
    );
    assert!(err.contains("这是夏邑县的数字，但睢县版的名次"), "{err}");
    assert_no_pdf(out.path());
    // check 报同一个单元格，而且只报一次。
    let err = check_fails(data.path());
    assert_eq!(err.matches("第11行 C列").count(), 1, "{err}");
}

#[test]
fn a_bad_override_in_another_county_file_fails_every_edition() {
    // 变体：坏数字不在表格里，而在另一个县区的更正文件中。
    let data = fixture();
    std::fs::create_dir(data.path().join("counties")).unwrap();
    std::fs::write(
        data.path().join("counties/永城市.toml"),
        "[overrides]\n\"industry.growth\" = nan\n",
    )
    .unwrap();
    let o = jianbao(&[
        "export-json",
        data.path().to_str().unwrap(),
        "--county",
        "睢县",
    ]);
    assert_eq!(code(&o), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("永城市.toml:2:21 overrides.industry.growth：数字不能是 inf 或 nan"),
        "{err}"
    );
    // 全市版不用县区数字，照常。
    let o = jianbao(&["export-json", data.path().to_str().unwrap()]);
    assert_eq!(code(&o), Some(0), "{}", stderr(&o));
}

// ---------------------------------------------------------------------------
// 数值

/// JSON 中有没有带负号的零：数值 -0.0，或文字里的 “-0.0”“−0”。
fn negative_zeros(v: &serde_json::Value, path: &str, found: &mut Vec<String>) {
    match v {
        serde_json::Value::Number(n)
            if n.as_f64().is_some_and(|f| f == 0.0 && f.is_sign_negative()) =>
        {
            found.push(format!("{path} = {n}"));
        }
        serde_json::Value::String(s) => {
            let chars: Vec<char> = s.chars().collect();
            for (i, c) in chars.iter().enumerate() {
                if *c != '-' && *c != '−' {
                    continue;
                }
                let number: String = chars[i + 1..]
                    .iter()
                    .take_while(|c| c.is_ascii_digit() || **c == '.')
                    .collect();
                if number.parse::<f64>().is_ok_and(|f| f == 0.0) {
                    found.push(format!("{path} = {s:?}"));
                }
            }
        }
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                negative_zeros(item, &format!("{path}[{i}]"), found);
            }
        }
        serde_json::Value::Object(map) => {
            for (k, item) in map {
                negative_zeros(item, &format!("{path}.{k}"), found);
            }
        }
        _ => {}
    }
}

fn assert_no_negative_zero(json: &str) {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    let mut found = Vec::new();
    negative_zeros(&v, "", &mut found);
    assert!(found.is_empty(), "带负号的零：{found:?}");
}

#[test]
fn minus_zero_growth_prints_as_zero_on_cards_charts_and_summary() {
    // issue 的例子：卡片上改好了，增速图的标签仍是 “−0.0%”。
    let data = fixture();
    replace(
        &data.path().join("indicators.toml"),
        "growth = 1.7",
        "growth = -0.0",
    );
    let o = jianbao(&["export-json", data.path().to_str().unwrap()]);
    assert_eq!(code(&o), Some(0), "{}", stderr(&o));
    let json = stdout(&o);
    assert_no_negative_zero(&json);
    assert!(json.contains("\"0.0%\""), "增速图的标签应为 0.0%");
    assert!(json.contains("持平"), "−0.0 读作持平");
}

#[test]
fn minus_zero_in_trends_tables_and_county_charts_prints_as_zero() {
    // 变体：趋势图、表格里写的 -0.0，和 Excel 单元格里的 -0（县区卡片与对比图）。
    let data = fixture();
    append(
        &data.path().join("outline.toml"),
        "\n[[chapters]]\ntitle = \"零\"\n\n[[chapters.blocks]]\ntype = \"trend\"\n\
         series = [{ label = \"1月\", value = -0.0 }, { label = \"2月\", value = 1.5 }]\n\n\
         [[chapters.blocks]]\ntype = \"table\"\ncolumns = [\"项目\", \"增速（%）\"]\n\
         rows = [[\"甲\", -0.0], [\"乙\", -0]]\n",
    );
    rewrite_counties(data.path(), |s, r, c, _| {
        is(r, c, 11, 2) && s.write_number(r, c, -0.0).map(|_| true).unwrap()
    });
    for args in [vec![], vec!["--county", "睢县"]] {
        let mut all = vec!["export-json", data.path().to_str().unwrap()];
        all.extend(args);
        let o = jianbao(&all);
        assert_eq!(code(&o), Some(0), "{}", stderr(&o));
        assert_no_negative_zero(&stdout(&o));
    }
}

#[test]
fn an_indicator_listed_twice_names_both_places() {
    // issue 的例子：同一个 id 在一页纸的 indicators 中出现多次，会排出一样的卡片。
    let data = fixture();
    let meta = data.path().join("meta.toml");
    replace(
        &meta,
        "title = \"主要经济指标\"",
        "title = \"主要经济指标\"\nindicators = [\"gdp\", \"industry\", \"gdp\"]",
    );
    let line = line_of(&meta, |l| l.starts_with("indicators = ["));
    let err = check_fails(data.path());
    assert!(
        err.contains(&format!(
            "meta.toml:{line}:34 summary.blocks[1].indicators[2]：“gdp” 重复：summary.blocks[1].indicators[0]（第{line}行第15列）已经列过"
        )),
        "{err}"
    );
}

#[test]
fn a_block_referenced_twice_by_the_summary_names_both_places() {
    // 变体：一页纸两次引用同一个大纲块。
    let data = fixture();
    let meta = data.path().join("meta.toml");
    replace(
        &meta,
        "type = \"points\"\nref = \"relations\"",
        "type = \"tasks\"\nref = \"tasks\"",
    );
    let first = line_of(&meta, |l| l == "ref = \"tasks\"");
    let err = check_fails(data.path());
    assert!(err.contains("summary.blocks[3].ref：“tasks” 重复"), "{err}");
    assert!(
        err.contains(&format!(
            "summary.blocks[2].ref（第{first}行第7列）已经引用过"
        )),
        "{err}"
    );
}

#[test]
fn an_empty_fact_group_is_an_error_not_a_lone_heading() {
    // issue 的例子：facts 分组的列表是空的，原来只印出小标题。
    let data = fixture();
    replace(
        &data.path().join("outline.toml"),
        "title = \"创新发展全面起势\"\nfacts = [",
        "title = \"空的一组\"\nfacts = []\n\n[[chapters.blocks.groups]]\ntitle = \"创新发展全面起势\"\nfacts = [",
    );
    let err = check_fails(data.path());
    assert!(
        err.contains("outline.toml") && err.contains(".groups[0].facts：是空列表"),
        "{err}"
    );
}

#[test]
fn an_empty_font_list_is_an_error() {
    // 变体：空列表不止出现在大纲块里，主题的字体角色也一样。
    let data = fixture();
    append(
        &data.path().join("meta.toml"),
        "\n[theme.fonts]\nsong = []\n",
    );
    let err = check_fails(data.path());
    assert!(
        err.contains("meta.toml theme.fonts.song：至少要写一个字体族"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------
// 字体在加载时核对

/// 复制一个随附字体到 `dir`，可改写它的内容。
fn font_copy(dir: &Path, name: &str, edit: impl Fn(&mut Vec<u8>)) {
    let mut bytes = std::fs::read(root().join("fonts/NotoSansSC_400Regular.ttf")).unwrap();
    edit(&mut bytes);
    std::fs::write(dir.join(name), bytes).unwrap();
}

#[test]
fn a_font_cut_to_half_its_size_is_named() {
    // issue 的例子：复制到一半的字体文件，排出来的字是空的。
    let fonts = tempfile::tempdir().unwrap();
    font_copy(fonts.path(), "Half.ttf", |b| b.truncate(b.len() / 2));
    let o = jianbao(&["check", "--font-path", fonts.path().to_str().unwrap()]);
    assert_eq!(code(&o), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("Half.ttf 字体文件不完整"), "{err}");
}

#[test]
fn a_file_that_is_not_a_font_is_named() {
    // 变体：扩展名是字体、内容不是（typst 会悄悄跳过它）。
    let fonts = tempfile::tempdir().unwrap();
    std::fs::write(fonts.path().join("Broken.otf"), b"not a font at all").unwrap();
    let o = jianbao(&["check", "--font-path", fonts.path().to_str().unwrap()]);
    assert_eq!(code(&o), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("Broken.otf 无法解析这个字体文件"),
        "{}",
        stderr(&o)
    );
}

/// 把随附黑体改成只含 `ranges`（闭区间）中字符的字体，字体族改名为 `family`（须与 “Noto Sans SC” 一样是 12 个字母）。
/// 只重写 cmap 表（格式 4，每个区间一段，映射到字形 1 起），表目录和其余各表不动。
fn narrowed(bytes: &mut [u8], ranges: &[(u16, u16)], family: &str) {
    let u16_at = |b: &[u8], at: usize| u16::from_be_bytes([b[at], b[at + 1]]) as usize;
    let u32_at =
        |b: &[u8], at: usize| u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]) as usize;
    let tables = u16_at(bytes, 4);
    let (offset, length) = (0..tables)
        .map(|t| 12 + 16 * t)
        .find(|&r| &bytes[r..r + 4] == b"cmap")
        .map(|r| (u32_at(bytes, r + 8), u32_at(bytes, r + 12)))
        .expect("字体有 cmap 表");
    let mut segments: Vec<(u16, u16)> = ranges.to_vec();
    segments.sort();
    segments.push((0xFFFF, 0xFFFF));
    let n = segments.len() as u16;
    let mut words: Vec<u16> = vec![0, 1, 3, 1, 0, 12];
    let search = 2 * (1u16 << (15 - n.leading_zeros()));
    let selector = 15 - n.leading_zeros() as u16;
    words.extend([4, 16 + 8 * n, 0, 2 * n, search, selector, 2 * n - search]);
    words.extend(segments.iter().map(|(_, end)| *end));
    words.push(0);
    words.extend(segments.iter().map(|(start, _)| *start));
    let mut glyph = 1u16;
    for (start, end) in &segments {
        words.push(glyph.wrapping_sub(*start));
        glyph += end - start + 1;
    }
    words.extend(segments.iter().map(|_| 0));
    let cmap: Vec<u8> = words.iter().flat_map(|w| w.to_be_bytes()).collect();
    assert!(cmap.len() <= length);
    bytes[offset..offset + length].fill(0);
    bytes[offset..offset + cmap.len()].copy_from_slice(&cmap);
    let utf16 = |s: &str| -> Vec<u8> { s.encode_utf16().flat_map(u16::to_be_bytes).collect() };
    let (from, to) = (utf16("Noto Sans SC"), utf16(family));
    assert_eq!(from.len(), to.len());
    let mut i = 0;
    while let Some(at) = bytes[i..].windows(from.len()).position(|w| w == from) {
        bytes[i + at..i + at + to.len()].copy_from_slice(&to);
        i += at + to.len();
    }
}

/// 只有西文（ASCII）的字体，字体族 “Latin Only A”。
fn latin_only(bytes: &mut [u8]) {
    narrowed(bytes, &[(0x20, 0x7E)], "Latin Only A");
}

#[test]
fn a_latin_only_family_for_the_song_role_is_an_error_naming_role_and_family() {
    // issue 的例子：宋体角色写了只有西文的字体族，排版时悄悄换成了黑体。
    let fonts = tempfile::tempdir().unwrap();
    font_copy(fonts.path(), "LatinOnly.ttf", |b| latin_only(b));
    let data = fixture();
    append(
        &data.path().join("meta.toml"),
        "\n[theme.fonts]\nsong = [\"Latin Only A\"]\n",
    );
    let o = jianbao(&[
        "check",
        data.path().to_str().unwrap(),
        "--font-path",
        fonts.path().to_str().unwrap(),
    ]);
    assert_eq!(code(&o), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("theme.fonts.song：宋体角色的字体“Latin Only A”不含汉字"),
        "{err}"
    );
    assert!(err.contains("--font-path"), "{err}");
}

#[test]
fn a_latin_only_family_for_the_title_role_is_named_too() {
    // 变体：另一个角色（大标题），字体族写在含汉字的字体之后也不行——它自己不含汉字，大标题会换用别的字体。
    let fonts = tempfile::tempdir().unwrap();
    font_copy(fonts.path(), "LatinOnly.ttf", |b| latin_only(b));
    let data = fixture();
    append(
        &data.path().join("meta.toml"),
        "\n[theme.fonts]\ntitle = [\"Latin Only A\"]\n",
    );
    let o = jianbao(&[
        "check",
        data.path().to_str().unwrap(),
        "--font-path",
        fonts.path().to_str().unwrap(),
    ]);
    assert_eq!(code(&o), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("theme.fonts.title：大标题角色的字体“Latin Only A”不含汉字"),
        "{}",
        stderr(&o)
    );
}

// ---------------------------------------------------------------------------
// 文件一条规则

#[cfg(unix)]
#[test]
fn a_county_file_linked_outside_the_data_folder_is_an_error_not_a_skip() {
    // issue 的例子：counties/<县区>.toml 是指向数据目录之外的符号链接，原来被悄悄跳过（说明和更正都没了）。
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("睢县.toml"),
        "notes = [\"外面的说明\"]\n",
    )
    .unwrap();
    let data = fixture();
    std::fs::create_dir(data.path().join("counties")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("睢县.toml"),
        data.path().join("counties/睢县.toml"),
    )
    .unwrap();
    let err = check_fails(data.path());
    assert!(
        err.contains("counties/睢县.toml 是符号链接，指向数据目录之外的"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn meta_linked_outside_the_data_folder_is_refused_like_every_other_file() {
    // 变体：meta.toml 原来会跟着链接读到外面去，现在与任务文件、表格同一条规则。
    let outside = tempfile::tempdir().unwrap();
    let data = fixture();
    std::fs::rename(
        data.path().join("meta.toml"),
        outside.path().join("meta.toml"),
    )
    .unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("meta.toml"),
        data.path().join("meta.toml"),
    )
    .unwrap();
    let err = check_fails(data.path());
    assert!(
        err.contains("meta.toml 是符号链接，指向数据目录之外的"),
        "{err}"
    );
    // 链接在数据目录之内的照常读。
    let inside = fixture();
    std::fs::rename(
        inside.path().join("meta.toml"),
        inside.path().join("meta-real.toml"),
    )
    .unwrap();
    std::os::unix::fs::symlink("meta-real.toml", inside.path().join("meta.toml")).unwrap();
    let o = jianbao(&["check", inside.path().to_str().unwrap()]);
    assert_eq!(code(&o), Some(0), "{}", stderr(&o));
}

#[test]
fn a_county_file_for_no_listed_county_is_an_error() {
    // 变体：县区名写错的说明文件（永城.toml）原来不声不响地不用。
    let data = fixture();
    std::fs::create_dir(data.path().join("counties")).unwrap();
    std::fs::write(
        data.path().join("counties/永城.toml"),
        "notes = [\"说明\"]\n",
    )
    .unwrap();
    let err = check_fails(data.path());
    assert!(
        err.contains("counties/永城.toml counties.toml 的县区名单中没有这个县区"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn a_template_symlink_gets_its_real_reason() {
    // issue 的例子：指向模板目录之外的模板，原来报“找不到模板”。
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("x.typ"), "外面").unwrap();
    let templates = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("x.typ"),
        templates.path().join("mine.typ"),
    )
    .unwrap();
    let o = jianbao(&[
        "build",
        "--templates",
        templates.path().to_str().unwrap(),
        "--template",
        "mine",
    ]);
    assert_eq!(code(&o), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("mine.typ --template：是符号链接，指向模板目录之外的"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------
// 说明都是中文

/// 除了路径、参数名和数字，说明里不应有英文单词。
fn assert_no_english(err: &str, allowed: &[&str]) {
    let mut rest = err.to_owned();
    for a in allowed {
        rest = rest.replace(a, "");
    }
    let words: Vec<&str> = rest
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 4)
        .collect();
    assert!(words.is_empty(), "还有英文：{words:?}\n{err}");
}

#[test]
fn an_out_of_range_dpi_is_explained_in_chinese() {
    // issue 的例子：clap 的范围检查说 “5000 is not in 20..=600”。
    let o = jianbao(&["preview", "--dpi", "5000"]);
    assert_eq!(code(&o), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("须为 20 到 600 之间的整数"), "{err}");
    assert_no_english(&err, &["dpi", "help", "preview", "OPTIONS"]);
}

#[test]
fn unknown_variants_and_deep_nesting_are_explained_in_chinese() {
    // 变体：serde 的 “unknown variant”，toml 的 “cannot recurse further”。
    let data = fixture();
    replace(
        &data.path().join("meta.toml"),
        "only = \"city\"",
        "only = \"town\"",
    );
    let err = check_fails(data.path());
    assert!(
        err.contains("summary.blocks[0].only：“town” 不是可用的取值，可选：city、county"),
        "{err}"
    );
    let data = fixture();
    append(
        &data.path().join("meta.toml"),
        &format!("\ndeep = {}{}\n", "[".repeat(200), "]".repeat(200)),
    );
    let err = check_fails(data.path());
    assert!(err.contains("数组或表套了太多层"), "{err}");
    assert!(!err.contains("recurse"), "{err}");
}

#[test]
fn bidi_controls_in_the_region_are_refused_showing_the_code_point() {
    // issue 的例子：方向控制符让输出文件名倒着显示。
    let data = fixture();
    replace(
        &data.path().join("meta.toml"),
        "region = \"商丘市\"",
        "region = \"商丘\u{202E}市\"",
    );
    let err = check_fails(data.path());
    assert!(
        err.contains("meta.region：地区名 “商丘\u{202E}市” 含看不见的字符 U+202E（方向控制符）"),
        "{err}"
    );
}

#[test]
fn zero_width_characters_in_county_names_and_file_names_are_refused() {
    // 变体：县区名里的零宽空格；表格文件名里的零宽连字。
    let data = fixture();
    replace(
        &data.path().join("counties.toml"),
        "name = \"睢县\"",
        "name = \"睢\u{200B}县\"",
    );
    let err = check_fails(data.path());
    assert!(
        err.contains("counties[4].name：县区名称 “睢\u{200B}县” 含看不见的字符 U+200B（零宽空格）"),
        "{err}"
    );
    let data = fixture();
    replace(
        &data.path().join("counties.toml"),
        "file = \"counties.xlsx\"",
        "file = \"counties\u{200D}.xlsx\"",
    );
    let err = check_fails(data.path());
    assert!(
        err.contains("table.file：表格文件 “counties\u{200D}.xlsx”：文件名含看不见的字符 U+200D"),
        "{err}"
    );
}

#[test]
fn theme_paper_lists_every_size_the_code_accepts() {
    let err = check_edited("meta.toml", "# paper = \"a4\"", "[theme]\npaper = \"a3\"");
    assert!(
        err.contains(&format!(
            "theme.paper：不支持的纸张 “a3”，可选：{}",
            jianbao::present::PAPERS.join("、")
        )),
        "{err}"
    );
}

// ---------------------------------------------------------------------------
// 用不上的选项

#[test]
fn imposing_a_summary_only_build_is_refused() {
    // issue 的例子：--impose saddle 与 --only summary，原来什么拼版文件都不写，也不说。
    let out = tempfile::tempdir().unwrap();
    let o = jianbao(&[
        "build",
        "--impose",
        "saddle",
        "--only",
        "summary",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(code(&o), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o)
            .contains("--impose：骑马订拼版只用于简报手册，--only summary 时没有要拼版的文档"),
        "{}",
        stderr(&o)
    );
    assert_no_pdf(out.path());
}

#[test]
fn imposing_a_custom_template_that_is_not_a_multiple_of_four_is_refused() {
    // issue 的例子：3 页的自定义模板，原来不写拼版文件也不说。
    let templates = tempfile::tempdir().unwrap();
    let three = templates.path().join("three.typ");
    std::fs::write(&three, "一\n#pagebreak()\n二\n#pagebreak()\n三\n").unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = jianbao(&[
        "build",
        "--template",
        three.to_str().unwrap(),
        "--impose",
        "saddle",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(code(&o), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("--impose：商丘市-three.pdf 有 3 页，骑马订拼版要求 4 的倍数页"),
        "{err}"
    );
    assert_no_pdf(out.path());
}

#[test]
fn preview_pages_outside_the_document_are_refused() {
    // issue 的例子：preview --pages 9999 什么都不画，也不说。
    let out = tempfile::tempdir().unwrap();
    let o = jianbao(&[
        "preview",
        "--pages",
        "9999",
        "--dpi",
        "20",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(code(&o), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("--pages：第 9999 页不存在：简报手册共"),
        "{err}"
    );
    assert!(err.contains("一页纸共 1 页"), "{err}");
    assert_no_pdf(out.path());
}

#[test]
fn options_export_json_cannot_use_are_refused() {
    // 变体：export-json 不排版，--templates 用不上。
    let o = jianbao(&["export-json", "--templates", "templates"]);
    assert_eq!(code(&o), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("--templates：export-json 只打印模板看到的数据，不排版"),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&o).is_empty());
}

#[test]
fn copies_with_a_custom_template_are_refused() {
    // 变体：--template 只排一份文档，--copies 原来被悄悄忽略。
    let out = tempfile::tempdir().unwrap();
    let o = jianbao(&[
        "build",
        "--template",
        "gongwen",
        "--copies",
        "3",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(code(&o), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("--copies：编号份数只用于简报手册和一页纸"),
        "{}",
        stderr(&o)
    );
    assert_no_pdf(out.path());
}

// ---------------------------------------------------------------------------
// 有上限

#[test]
fn an_xlsx_that_unpacks_to_more_than_the_limit_is_refused_before_reading() {
    // issue 的例子：1 MB 的 counties.xlsx 装着 1 GB 的文字，读进来要 1.9 GB 内存。这里用 70 MB 的零。
    let data = fixture();
    let path = data.path().join("counties.xlsx");
    let mut original = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..original.len() {
        out.raw_copy_file(original.by_index(i).unwrap()).unwrap();
    }
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    out.start_file("xl/media/big.bin", options).unwrap();
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..70 {
        std::io::Write::write_all(&mut out, &zeros).unwrap();
    }
    let bytes = out.finish().unwrap().into_inner();
    assert!(bytes.len() < 2 << 20, "压缩后应当很小");
    std::fs::write(&path, bytes).unwrap();
    let err = check_fails(data.path());
    assert!(
        err.contains(
            "counties.xlsx 表格解压后太大：其中 xl/media/big.bin 有 70 MB，每个部分最多 64 MB"
        ),
        "{err}"
    );
}

#[test]
fn a_role_font_missing_a_character_the_data_uses_names_the_place() {
    // 变体：角色的字体含常用汉字，却缺数据中的一个字（“丘”）：typst 会只给这个字换字体，同一个词里字体不一。
    let fonts = tempfile::tempdir().unwrap();
    let mut ranges: Vec<(u16, u16)> = vec![(0x20, 0x7E), (0x3000, 0x303F), (0xFF01, 0xFF5E)];
    ranges.extend((0x4E00u16..=0x9FFF).filter(|c| *c != '丘' as u16).fold(
        Vec::<(u16, u16)>::new(),
        |mut acc, c| {
            match acc.last_mut() {
                Some(last) if last.1 + 1 == c => last.1 = c,
                _ => acc.push((c, c)),
            }
            acc
        },
    ));
    font_copy(fonts.path(), "NoQiu.ttf", |b| {
        narrowed(b, &ranges, "Han Minus Qi")
    });
    let data = fixture();
    let meta = data.path().join("meta.toml");
    append(&meta, "\n[theme.fonts]\nkai = [\"Han Minus Qi\"]\n");
    let line = line_of(&meta, |l| l.starts_with("issuer = "));
    let o = jianbao(&[
        "check",
        data.path().to_str().unwrap(),
        "--font-path",
        fonts.path().to_str().unwrap(),
    ]);
    assert_eq!(code(&o), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains(
            "theme.fonts.kai：楷体角色的字体“Han Minus Qi”不含数据中的字（如“丘”，U+4E18）"
        ),
        "{err}"
    );
    // 指出这个字在数据中的位置（meta.toml 的键按字母序读，issuer 在 region 之前）。
    assert!(
        err.contains("（数据中首次出现在 ")
            && err.contains(&format!("meta.toml:{line}:10 meta.issuer）")),
        "{err}"
    );
}

#[test]
fn a_page_limit_hit_by_a_long_table_blames_the_data_first() {
    // issue 的例子：两万行的表格撞上上限，报错却说“模板里有失控的循环”。这里用 3000 行和 --max-pages 5。
    let data = fixture();
    let rows: Vec<String> = (0..3000).map(|i| format!("[\"第{i}行\", {i}]")).collect();
    append(
        &data.path().join("outline.toml"),
        &format!(
            "\n[[chapters]]\ntitle = \"长表\"\n\n[[chapters.blocks]]\ntype = \"table\"\n\
             columns = [\"项目\", \"数量\"]\nrows = [{}]\n",
            rows.join(", ")
        ),
    );
    let out = tempfile::tempdir().unwrap();
    let o = jianbao(&[
        "build",
        data.path().to_str().unwrap(),
        "--only",
        "booklet",
        "--max-pages",
        "5",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(code(&o), Some(3), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("数据有 "), "{err}");
    assert!(err.contains("最大的表格 3000 行"), "{err}");
    assert!(err.contains("多半是数据太多"), "{err}");
    assert!(!err.contains("失控的循环"), "{err}");
    assert_no_pdf(out.path());
}

#[test]
fn a_page_limit_hit_by_many_chapters_blames_the_data_first() {
    // 变体：很多章。
    let data = fixture();
    let chapters: String = (0..120)
        .map(|i| format!("\n[[chapters]]\ntitle = \"第{i}章\"\n\n[[chapters.blocks]]\ntype = \"points\"\nitems = [\"要点\"]\n"))
        .collect();
    append(&data.path().join("outline.toml"), &chapters);
    let out = tempfile::tempdir().unwrap();
    let o = jianbao(&[
        "build",
        data.path().to_str().unwrap(),
        "--only",
        "booklet",
        "--max-pages",
        "5",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(code(&o), Some(3), "{}", stderr(&o));
    let err = stderr(&o);
    // 全市版的章数（只有县区内容的章不算）：与模板看到的一样。
    let view: serde_json::Value =
        serde_json::from_slice(&jianbao(&["export-json", data.path().to_str().unwrap()]).stdout)
            .unwrap();
    let chapters = view["outline"].as_array().unwrap().len();
    assert!(chapters > 120);
    assert!(err.contains(&format!("数据有 {chapters} 章")), "{err}");
    assert!(err.contains("多半是数据太多"), "{err}");
    assert!(!err.contains("失控的循环"), "{err}");
}
