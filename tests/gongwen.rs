//! 自己写的模板的示例：公文式通知（templates/gongwen/main.typ）按 GB/T 9704—2012 排版。
//! 版面尺寸从排好的版面中量出，与标准的数字比较。

mod common;

use common::*;
use jianbao::project::{self, custom_template};
use jianbao::typeset::inspect::{self, PlacedLine};
use jianbao::typeset::typeset_template;

/// GB/T 9704—2012 的数字（毫米）。
const PAGE: (f64, f64) = (210.0, 297.0);
const TIANTOU: f64 = 37.0;
const DINGKOU: f64 = 28.0;
const BODY_W: f64 = 156.0;
const BODY_H: f64 = 225.0;
const LINES: usize = 22;
const CHARS: usize = 28;
/// 页码一字线距版心下边缘。
const FOLIO_GAP: f64 = 7.0;
const PT: f64 = 25.4 / 72.0;

fn notice() -> jianbao::typeset::Typeset {
    let data = fixture();
    let meta = data.path().join("meta.toml");
    replace(
        &meta,
        "# issue = \"第1期\"",
        "issue = \"商发〔2023〕1号\"\ncopy_no = \"000123\"",
    );
    let project = load(data.path());
    let fonts = jianbao::typeset::fonts::load(&[]).unwrap();
    let engine = project::engine(fonts, Some(&root().join("templates")), &project)
        .unwrap_or_else(|p| panic!("{p}"));
    let t = custom_template("gongwen", Some(&root().join("templates"))).unwrap();
    assert_eq!(t.main, "gongwen/main.typ");
    let json = serde_json::to_vec(&project.view).unwrap();
    typeset_template(
        &engine,
        &t.main,
        &t.label,
        json,
        Some(data.path().into()),
        project.date,
    )
    .unwrap_or_else(|p| panic!("{p}"))
}

fn is_punct(c: char) -> bool {
    "，。、；：！？“”‘’（）《》〔〕—…".contains(c)
}

fn is_folio(l: &PlacedLine) -> bool {
    l.text.starts_with('—') && l.text.ends_with('—') && (l.size - 14.0).abs() < 0.1
}

#[test]
fn gongwen_notice_follows_gb_t_9704_geometry() {
    let t = notice();
    let doc = &t.doc;
    let n = doc.pages().len();
    assert!(n >= 3, "示例应排出多页，实际 {n} 页");
    let pitch = BODY_H / LINES as f64;
    let body_bottom = TIANTOU + BODY_H;
    for page in 0..n {
        // A4。
        let (w, h) = inspect::page_size_mm(doc, page).unwrap();
        assert!(
            (w - PAGE.0).abs() < 0.1 && (h - PAGE.1).abs() < 0.1,
            "第{}页 {w}×{h}",
            page + 1
        );
        let lines = inspect::placed_lines(doc, page);
        // 页码：— N —，4 号，一字线在版心下边缘之下 7 毫米（一字线约在基线之上 0.3 em）；单页居右、双页居左，各空一字。
        let folio = lines
            .iter()
            .find(|l| is_folio(l))
            .unwrap_or_else(|| panic!("第{}页没有页码", page + 1));
        assert_eq!(folio.text.replace(' ', ""), format!("—{}—", page + 1));
        let dash = folio.baseline - 0.3 * 14.0 * PT;
        assert!(
            (dash - body_bottom - FOLIO_GAP).abs() < 0.5,
            "第{}页页码一字线距版心 {:.2} mm",
            page + 1,
            dash - body_bottom
        );
        let one_char = 14.0 * PT;
        if (page + 1) % 2 == 1 {
            let gap = DINGKOU + BODY_W - folio.right;
            assert!((gap - one_char).abs() < 0.5, "单页页码右空 {gap:.2} mm");
        } else {
            let gap = folio.left - DINGKOU;
            assert!((gap - one_char).abs() < 0.5, "双页页码左空 {gap:.2} mm");
        }
        // 正文行都在版心之内。
        for l in lines.iter().filter(|l| !is_folio(l)) {
            assert!(
                l.left >= DINGKOU - 0.3,
                "第{}页“{}”左边越出版心：{:.2}",
                page + 1,
                l.text,
                l.left
            );
            // 行末的标点、数字的字形可能略伸出字身，不到 1 毫米。
            assert!(
                l.right <= DINGKOU + BODY_W + 0.8,
                "第{}页“{}”右边越出版心：{:.2}",
                page + 1,
                l.text,
                l.right
            );
            assert!(
                l.baseline - l.size * PT * 0.88 >= TIANTOU - 0.3,
                "第{}页“{}”高过天头",
                page + 1,
                l.text
            );
            assert!(
                l.baseline <= body_bottom + 0.3,
                "第{}页“{}”低过版心",
                page + 1,
                l.text
            );
        }
    }
    // 中间的满页：22 行，第一行的字身顶在天头 37 毫米处，行距为 225/22 毫米，行宽 156 毫米、每行 28 字。
    let mut full_lines = 0;
    let mut most = 0;
    for page in 1..n - 1 {
        let all = inspect::placed_lines(doc, page);
        let body: Vec<PlacedLine> = all.iter().filter(|l| !is_folio(l)).cloned().collect();
        if body.iter().any(|l| (l.size - 16.0).abs() > 0.1) {
            continue; // 有表格（4 号字）的页不在行格上。
        }
        assert!(
            body.len() <= LINES,
            "第{}页有 {} 行，多于 {LINES} 行",
            page + 1,
            body.len()
        );
        most = most.max(body.len());
        let top = body[0].baseline - 16.0 * PT * 0.88;
        assert!(
            (top - TIANTOU).abs() < 0.3,
            "第{}页首行顶在 {top:.2} mm",
            page + 1
        );
        // 每行都在行格上：基线距首行基线是行距的整数倍（标题粘连下文时，页末可能空一行）。
        for l in &body {
            let k = (l.baseline - body[0].baseline) / pitch;
            assert!(
                (k - k.round()).abs() * pitch < 0.05,
                "第{}页“{}”不在行格上",
                page + 1,
                l.text
            );
            assert!(
                l.baseline + 16.0 * PT * 0.12 <= TIANTOU + BODY_H + 0.01,
                "第{}页“{}”低过版心",
                page + 1,
                l.text
            );
        }
        for l in &body {
            let full = (l.right - (DINGKOU + BODY_W)).abs() < 0.3 && (l.left - DINGKOU).abs() < 0.3;
            // 只数全是汉字和中文标点的满行；相邻的两个标点 typst 会挤成一格半，这样的行不数。
            let chars: Vec<char> = l.text.chars().collect();
            let squeezed = chars.windows(2).any(|w| is_punct(w[0]) && is_punct(w[1]));
            // 两端对齐：放不下后面的数字时，一行会少一两个字、字距略宽；多于 28 字则是字被挤窄了。
            if full && !squeezed && chars.iter().all(|c| !c.is_ascii()) {
                assert!(chars.len() <= CHARS, "第{}页满行“{}”", page + 1, l.text);
                if chars.len() == CHARS {
                    full_lines += 1;
                }
            }
        }
    }
    assert_eq!(most, LINES, "满页应排 {LINES} 行");
    assert!(full_lines >= 10, "满行太少（{full_lines}），量不出每行字数");
    // 版头：份号、密级顶格；发文机关标志红色居中，上边缘距版心上边缘 35 毫米；发文字号。
    let first = inspect::placed_lines(doc, 0);
    assert_eq!(first[0].text, "000123");
    assert!((first[0].left - DINGKOU).abs() < 0.3);
    assert_eq!(first[1].text, "内部资料 注意保存");
    let mark = first
        .iter()
        .find(|l| l.text == "中共商丘市委文件")
        .expect("发文机关标志");
    // 汉字字形的上沿约在基线之上 0.85 em（思源/Noto 字体的字面框）。
    let cap_top = mark.baseline - mark.size * PT * 0.85;
    assert!(
        (cap_top - (TIANTOU + 35.0)).abs() < 1.0,
        "标志上边缘在 {cap_top:.2} mm"
    );
    let centre = (mark.left + mark.right) / 2.0;
    assert!(
        (centre - (DINGKOU + BODY_W / 2.0)).abs() < 0.5,
        "标志不居中：{centre:.2}"
    );
    assert!(first.iter().any(|l| l.text == "商发〔2023〕1号"));
}

#[test]
fn build_selects_the_template_by_name_or_by_file() {
    let out = tempfile::tempdir().unwrap();
    let o = jianbao(&[
        "build",
        "data/zhengzhou-2023",
        "--template",
        "gongwen",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(out.path().join("郑州市-gongwen.pdf").is_file());
    assert!(!out.path().join("郑州市-简报手册.pdf").exists());
    let text = pdf_text(&out.path().join("郑州市-gongwen.pdf"));
    assert!(text.contains("郑州市人民政府文件"), "{text}");

    let out = tempfile::tempdir().unwrap();
    let o = jianbao(&[
        "build",
        "data/changzhi-2023-11",
        "--template",
        "templates/gongwen/main.typ",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(out.path().join("长治市-gongwen.pdf").is_file());

    let o = jianbao(&["build", "data/changzhi-2023-11", "--template", "nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("找不到模板 “nope”"), "{}", stderr(&o));
}

#[test]
fn signature_date_sits_four_characters_in_and_target_numbers_continue() {
    let t = notice();
    let doc = &t.doc;
    let last = doc.pages().len() - 1;
    let lines = inspect::placed_lines(doc, last);
    // 成文日期：版记（“……印发”）之上最后一个以“日”结尾的行，右空四字（GB/T 9704 7.3.5.1）。
    let date = lines
        .iter()
        .rfind(|l| l.text.ends_with('日') && !l.text.contains("印发"))
        .expect("成文日期");
    let char_w = BODY_W / CHARS as f64;
    let gap = DINGKOU + BODY_W - date.right;
    assert!(
        (gap - 4.0 * char_w).abs() < 1.0,
        "成文日期右空 {gap:.1} 毫米，应为四字 {:.1} 毫米",
        4.0 * char_w
    );
    // 目标一览表在公文里连续编号：（1）（2）（3）……，不在每个任务处从头数起。
    let mut numbers = Vec::new();
    for page in 0..doc.pages().len() {
        for l in inspect::placed_lines(doc, page) {
            if let Some(rest) = l.text.strip_prefix('（')
                && let Some((n, _)) = rest.split_once('）')
                && let Ok(n) = n.parse::<usize>()
            {
                numbers.push(n);
            }
        }
    }
    let run: Vec<usize> = numbers.iter().copied().skip_while(|n| *n != 1).collect();
    assert!(run.len() >= 5, "{numbers:?}");
    assert!(
        run.windows(2).all(|w| w[1] == w[0] + 1),
        "编号应连续：{numbers:?}"
    );
}

/// 署名齐全的四个样例用公文模板排：正文是随附的朱雀仿宋，引号全角；版面检查只报缺小标宋
/// （随附的字体里没有，报出角色和加字体的办法），此外什么也没有——郑州原先有一处孤字“以｜上。”。给 title
/// 角色指定一个宋体以外的字体后，`--strict` 通过。
#[test]
fn every_sample_with_an_issuer_sets_cleanly_in_gongwen_and_only_misses_the_title_font() {
    for sample in [
        "zhengzhou-2023",
        "shangqiu-2023",
        "changzhi-2023-11",
        "cangnan-2022-10",
    ] {
        let out = tempfile::tempdir().unwrap();
        let o = jianbao(&[
            "build",
            &format!("data/{sample}"),
            "--template",
            "gongwen",
            "--out",
            out.path().to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{sample}：{}", stderr(&o));
        let err = stderr(&o);
        let findings: Vec<&str> = err.lines().filter(|l| l.contains('【')).collect();
        assert_eq!(findings.len(), 1, "{sample}：{err}");
        assert!(
            findings[0].contains("【字体回退】")
                && findings[0].contains("小标宋（title 角色）")
                && findings[0].contains("--font-path"),
            "{sample}：{err}"
        );
        let pdf = std::fs::read_dir(out.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.to_string_lossy().ends_with("-gongwen.pdf"))
            .unwrap();
        let fonts = pdf_fonts(&pdf);
        assert!(
            fonts.iter().any(|f| f.name.contains("ZhuqueFangsong")),
            "{sample}：正文应是仿宋：{fonts:?}"
        );

        // 有小标宋授权的单位在 meta.toml 里给 title 角色指定自己的字体；这里用随附的霞鹜文楷代替（只要不是宋体），
        // 版面检查就什么也没有，`--strict` 通过：缺小标宋是唯一的一条。
        let data = tempfile::tempdir().unwrap();
        copy_dir(&root().join("data").join(sample), data.path());
        append(
            &data.path().join("meta.toml"),
            "\n[theme.fonts]\ntitle = [\"LXGW WenKai\"]\n",
        );
        let strict_out = tempfile::tempdir().unwrap();
        let o = jianbao(&[
            "build",
            data.path().to_str().unwrap(),
            "--template",
            "gongwen",
            "--strict",
            "--out",
            strict_out.path().to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{sample}：{}", stderr(&o));
        assert!(!stderr(&o).contains('【'), "{sample}：{}", stderr(&o));
        assert!(
            std::fs::read_dir(strict_out.path()).unwrap().any(|e| e
                .unwrap()
                .path()
                .to_string_lossy()
                .ends_with("-gongwen.pdf")),
            "{sample}：--strict 通过时写出公文"
        );
    }
}

/// 公文正文里的中文引号占一个字宽：随附的朱雀仿宋默认给西文窄引号（约 ⅓ 字宽），模板用 fwid 特性取全角字形。
#[test]
fn quotes_in_the_fangsong_body_take_a_full_character_width() {
    use typst::layout::FrameItem;
    let t = notice();
    let mut widths = Vec::new();
    for page in t.doc.pages() {
        inspect::walk(&page.frame, &mut |item| {
            let FrameItem::Text(text) = item else { return };
            if !text.font.info().family.contains("Zhuque") {
                return;
            }
            for g in &text.glyphs {
                let s = &text.text[g.range()];
                if s.chars().any(|c| "“”‘’".contains(c)) {
                    widths.push((s.to_owned(), g.x_advance.get()));
                }
            }
        });
    }
    assert!(widths.len() >= 10, "样例正文里的引号太少：{widths:?}");
    // 窄引号约 0.33 字宽；与相邻标点挤在一起（如“、“”）的全角引号是半个字宽，合乎规范。
    assert!(
        widths.iter().all(|(_, w)| *w >= 0.5 - 1e-6),
        "仿宋正文里有窄引号：{widths:?}"
    );
    let full = widths.iter().filter(|(_, w)| *w > 0.95).count();
    assert!(
        full * 10 >= widths.len() * 9,
        "引号大多应占一个字宽：{widths:?}"
    );
}
