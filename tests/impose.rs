//! 印前后处理：成品框、出血框，骑马钉拼版。用 lopdf 读回结果检查。

mod common;

use jianbao::postpress::{SaddleOptions, impose_saddle, set_boxes};
use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId, Stream, StringFormat, dictionary};

const MM: f64 = 72.0 / 25.4;
/// A5 的宽高（pt）。
const W: f64 = 148.0 * MM;
const H: f64 = 210.0 * MM;

/// 手工做一份 `n` 页的 PDF：每页用 Helvetica 写“Page k”。
/// MediaBox 和资源放在页树上由页面继承；偶数页的内容分成两个流，考验读取的各种写法。
fn source(n: usize, media: [f64; 4]) -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let font = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica",
    });
    let resources = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font } });
    let mut kids = Vec::new();
    for k in 1..=n {
        let head = format!("BT /F1 24 Tf {} 100 Td", 20 + k);
        let tail = format!("(Page {k}) Tj ET");
        let streams: Vec<String> = if k % 2 == 0 {
            vec![head, tail]
        } else {
            vec![format!("{head} {tail}")]
        };
        let ids: Vec<Object> = streams
            .into_iter()
            .map(|s| {
                let mut stream = Stream::new(Dictionary::new(), s.into_bytes());
                stream.compress().unwrap();
                Object::Reference(doc.add_object(stream))
            })
            .collect();
        let contents = if ids.len() == 1 {
            ids[0].clone()
        } else {
            Object::Array(ids)
        };
        kids.push(Object::Reference(doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => contents,
        })));
    }
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Count" => n as i64,
            "Kids" => kids,
            "Resources" => resources,
            "MediaBox" => media.iter().map(|&v| Object::Real(v as f32)).collect::<Vec<_>>(),
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    let info = doc.add_object(dictionary! {
        "Title" => lopdf::text_string("测试简报"),
        "Author" => "jianbao",
    });
    doc.trailer.set("Root", catalog);
    doc.trailer.set("Info", info);
    doc.trailer.set(
        "ID",
        vec![
            Object::String(b"0123456789abcdef".to_vec(), StringFormat::Hexadecimal),
            Object::String(b"fedcba9876543210".to_vec(), StringFormat::Hexadecimal),
        ],
    );
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

fn load(pdf: &[u8]) -> Document {
    Document::load_mem(pdf).expect("lopdf 读得了")
}

fn rect(doc: &Document, page: ObjectId, key: &[u8]) -> Option<[f64; 4]> {
    let dict = doc.get_dictionary(page).unwrap();
    let arr = dict.get(key).ok()?.as_array().unwrap();
    let v: Vec<f64> = arr
        .iter()
        .map(|o| match o {
            Object::Integer(i) => *i as f64,
            o => o.as_float().unwrap() as f64,
        })
        .collect();
    Some([v[0], v[1], v[2], v[3]])
}

fn assert_rect(actual: Option<[f64; 4]>, expected: [f64; 4], what: &str) {
    let a = actual.unwrap_or_else(|| panic!("{what} 不存在"));
    for (x, y) in a.iter().zip(expected) {
        assert!((x - y).abs() < 0.01, "{what}：{a:?}，应为 {expected:?}");
    }
}

/// 大版一面上放的原页面：(XObject 的对象号, tx, ty)，按放置顺序。
fn placements(doc: &Document, page: ObjectId) -> Vec<(ObjectId, f64, f64)> {
    let content = Content::decode(&doc.get_page_content(page).unwrap()).unwrap();
    let resources = doc
        .get_dictionary(page)
        .unwrap()
        .get(b"Resources")
        .unwrap()
        .as_dict()
        .unwrap();
    let xobjects = resources.get(b"XObject").unwrap().as_dict().unwrap();
    let mut out = Vec::new();
    let mut cm = (f64::NAN, f64::NAN);
    for op in content.operations {
        let n = |i: usize| match &op.operands[i] {
            Object::Integer(v) => *v as f64,
            o => o.as_float().unwrap() as f64,
        };
        match op.operator.as_str() {
            "cm" => {
                assert_eq!((n(0), n(1), n(2), n(3)), (1.0, 0.0, 0.0, 1.0), "只平移");
                cm = (n(4), n(5));
            }
            "Do" => {
                let name = op.operands[0].as_name().unwrap();
                let id = xobjects.get(name).unwrap().as_reference().unwrap();
                out.push((id, cm.0, cm.1));
            }
            _ => {}
        }
    }
    out
}

/// 大版一面上画的线段（m … l）。
fn lines(doc: &Document, page: ObjectId) -> Vec<[f64; 4]> {
    let content = Content::decode(&doc.get_page_content(page).unwrap()).unwrap();
    let mut out = Vec::new();
    let mut last = (0.0, 0.0);
    for op in &content.operations {
        let n = |i: usize| match &op.operands[i] {
            Object::Integer(v) => *v as f64,
            o => o.as_float().unwrap() as f64,
        };
        match op.operator.as_str() {
            "m" => last = (n(0), n(1)),
            "l" => out.push([last.0, last.1, n(0), n(1)]),
            _ => {}
        }
    }
    out
}

/// Form XObject 解压后的内容流。
fn form_content(doc: &Document, id: ObjectId) -> Vec<u8> {
    let stream = doc.get_object(id).unwrap().as_stream().unwrap();
    assert_eq!(
        stream.dict.get(b"Subtype").unwrap().as_name().unwrap(),
        b"Form"
    );
    stream.get_plain_content().unwrap()
}

/// 手工 PDF 的 Form XObject 写的是第几页。
fn page_label(doc: &Document, id: ObjectId) -> usize {
    let text = String::from_utf8(form_content(doc, id)).unwrap();
    let start = text.find("(Page ").expect("有页码文字") + 6;
    let end = start + text[start..].find(')').unwrap();
    text[start..end].parse().unwrap()
}

/// 第 k 张纸（从 1 起）正反面的左右页。
fn booklet_order(n: usize) -> Vec<[usize; 2]> {
    (1..=n / 4)
        .flat_map(|k| [[n - 2 * k + 2, 2 * k - 1], [2 * k, n - 2 * k + 1]])
        .collect()
}

/// 内容流里有显示文字的操作（Tj、TJ）。
fn has_text(content: &[u8]) -> bool {
    Content::decode(content)
        .unwrap()
        .operations
        .iter()
        .any(|op| op.operator == "Tj" || op.operator == "TJ")
}

fn trailer_id(doc: &Document) -> Option<Object> {
    doc.trailer.get(b"ID").ok().cloned()
}

fn info_title(doc: &Document) -> String {
    let id = doc.trailer.get(b"Info").unwrap().as_reference().unwrap();
    let title = doc.get_dictionary(id).unwrap().get(b"Title").unwrap();
    lopdf::decode_text_string(title).unwrap()
}

fn no_images(doc: &Document) {
    for obj in doc.objects.values() {
        if let Ok(s) = obj.as_stream() {
            assert_ne!(
                s.dict.get(b"Subtype").and_then(Object::as_name).ok(),
                Some(&b"Image"[..]),
                "拼版不应把页面转成图像"
            );
        }
    }
}

#[test]
fn set_boxes_on_every_page() {
    let slug = 13.0 * MM;
    let media = [0.0, 0.0, W + 2.0 * slug, H + 2.0 * slug];
    let out = set_boxes(&source(8, media), slug, 3.0 * MM).unwrap();
    let doc = load(&out);
    let pages = doc.get_pages();
    assert_eq!(pages.len(), 8);
    let trim = [slug, slug, slug + W, slug + H];
    let bleed = [10.0 * MM, 10.0 * MM, W + 16.0 * MM, H + 16.0 * MM];
    for (&n, &id) in &pages {
        assert_rect(
            rect(&doc, id, b"TrimBox"),
            trim,
            &format!("第 {n} 页 TrimBox"),
        );
        assert_rect(
            rect(&doc, id, b"BleedBox"),
            bleed,
            &format!("第 {n} 页 BleedBox"),
        );
        // MediaBox 仍由页树继承，没有凭空加 CropBox。
        assert!(rect(&doc, id, b"CropBox").is_none());
    }
    // 出血超出 MediaBox 时限在 MediaBox 以内。
    let doc = load(&set_boxes(&source(4, media), 2.0 * MM, 5.0 * MM).unwrap());
    for &id in doc.get_pages().values() {
        assert_rect(
            rect(&doc, id, b"BleedBox"),
            media,
            "BleedBox 限在 MediaBox 内",
        );
    }
    // /ID 原样保留，同样的输入得到同样的字节。
    assert!(trailer_id(&load(&out)).is_some());
    assert_eq!(
        trailer_id(&load(&out)),
        trailer_id(&load(&source(8, media)))
    );
    assert_eq!(out, set_boxes(&source(8, media), slug, 3.0 * MM).unwrap());
    // 内缩超过页面尺寸、负数出血都是错误。
    assert!(set_boxes(&source(4, media), W, 0.0).is_err());
    assert!(set_boxes(&source(4, media), 0.0, -1.0).is_err());
}

#[test]
fn saddle_order_size_and_creep() {
    let n = 8;
    let input = source(n, [0.0, 0.0, W, H]);
    let opts = SaddleOptions {
        creep_mm: 0.5,
        marks: true,
    };
    let out = impose_saddle(&input, &opts).unwrap();
    let doc = load(&out);
    let pages = doc.get_pages();
    assert_eq!(pages.len(), n / 2, "n/4 张纸，正反两面");
    for (i, (&id, order)) in pages.values().zip(booklet_order(n)).enumerate() {
        // 没有出血和版边：大版就是 A4 横放，成品框与之相同。
        assert_rect(
            rect(&doc, id, b"MediaBox"),
            [0.0, 0.0, 2.0 * W, H],
            "大版 MediaBox",
        );
        assert_rect(
            rect(&doc, id, b"TrimBox"),
            [0.0, 0.0, 2.0 * W, H],
            "大版 TrimBox",
        );
        let placed = placements(&doc, id);
        let labels: Vec<usize> = placed.iter().map(|p| page_label(&doc, p.0)).collect();
        assert_eq!(labels, order, "第 {} 面的左右页", i + 1);
        // 第 k 张纸（i/2 = k−1）向书脊移 0.5 mm × (k−1)。
        let shift = 0.5 * MM * (i / 2) as f64;
        assert!(
            (placed[0].1 - shift).abs() < 0.01,
            "左页右移 {shift}：{placed:?}"
        );
        assert!(
            (placed[1].1 - (W - shift)).abs() < 0.01,
            "右页左移 {shift}：{placed:?}"
        );
        assert!(placed.iter().all(|p| p.2.abs() < 0.01));
        // 没有页边：只在书脊处纸边以内画两段 3 mm 的折线。
        let content = String::from_utf8(doc.get_page_content(id).unwrap()).unwrap();
        assert!(content.contains("0.25 w") && content.contains("0 0 0 1 K"));
        let fold = lines(&doc, id);
        assert_eq!(fold.len(), 2, "{content}");
        for [x0, y0, x1, y1] in fold {
            assert!(
                (x0 - W).abs() < 0.01 && (x1 - W).abs() < 0.01,
                "折线在书脊上"
            );
            let (lo, hi) = (y0.min(y1), y0.max(y1));
            assert!((hi - lo - 3.0 * MM).abs() < 0.01);
            assert!(lo.abs() < 0.01 || (hi - H).abs() < 0.01, "从纸边起");
        }
    }
    // 每个原页面只放一次；Form XObject 里仍是文字。
    let forms: std::collections::BTreeSet<ObjectId> = pages
        .values()
        .flat_map(|&id| placements(&doc, id).into_iter().map(|p| p.0))
        .collect();
    assert_eq!(forms.len(), n);
    for &id in &forms {
        assert!(has_text(&form_content(&doc, id)), "Form XObject 里应有文字");
        let form = doc.get_object(id).unwrap().as_stream().unwrap();
        assert_rect(
            Some(
                form.dict
                    .get(b"BBox")
                    .unwrap()
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|o| o.as_float().unwrap() as f64)
                    .collect::<Vec<_>>()
                    .try_into()
                    .unwrap(),
            ),
            [0.0, 0.0, W, H],
            "Form BBox = 原 MediaBox",
        );
        assert!(form.dict.get(b"Resources").is_ok(), "资源随页面带过来");
    }
    no_images(&doc);
    assert_eq!(info_title(&doc), "测试简报（拼版）");
    assert!(trailer_id(&doc).is_some());
    assert_eq!(trailer_id(&doc), trailer_id(&load(&input)));
    // 同样的输入得到同样的字节。
    assert_eq!(out, impose_saddle(&input, &opts).unwrap());
}

#[test]
fn saddle_with_bleed_and_slug_draws_crop_marks() {
    let slug = 13.0 * MM;
    let media = [0.0, 0.0, W + 2.0 * slug, H + 2.0 * slug];
    let boxed = set_boxes(&source(8, media), slug, 3.0 * MM).unwrap();
    let out = impose_saddle(
        &boxed,
        &SaddleOptions {
            creep_mm: 0.2,
            marks: true,
        },
    )
    .unwrap();
    let doc = load(&out);
    let pages = doc.get_pages();
    assert_eq!(pages.len(), 4);
    let (sw, sh) = (2.0 * W + 2.0 * slug, H + 2.0 * slug);
    for (i, &id) in pages.values().enumerate() {
        assert_rect(
            rect(&doc, id, b"MediaBox"),
            [0.0, 0.0, sw, sh],
            "大版 MediaBox",
        );
        assert_rect(
            rect(&doc, id, b"TrimBox"),
            [slug, slug, slug + 2.0 * W, slug + H],
            "大版 TrimBox",
        );
        assert_rect(
            rect(&doc, id, b"BleedBox"),
            [10.0 * MM, 10.0 * MM, sw - 10.0 * MM, sh - 10.0 * MM],
            "大版 BleedBox",
        );
        // 原页面的成品框对齐大版成品框的左右两半（原点在原 MediaBox 左下角，平移 0）。
        let placed = placements(&doc, id);
        let shift = 0.2 * MM * (i / 2) as f64;
        assert!((placed[0].1 - shift).abs() < 0.01, "{placed:?}");
        assert!((placed[1].1 - (W - shift)).abs() < 0.01, "{placed:?}");
        assert!(placed.iter().all(|p| p.2.abs() < 0.01));
        // 四角各两条、书脊上下各一条，都在成品框外。
        let marks = lines(&doc, id);
        assert_eq!(marks.len(), 10);
        for [x0, y0, x1, y1] in marks {
            for (x, y) in [(x0, y0), (x1, y1)] {
                // 不进成品框，也不进出血（离成品边至少 3 mm）。
                let inside = x > slug - 3.0 * MM + 0.01
                    && x < slug + 2.0 * W + 3.0 * MM - 0.01
                    && y > slug - 3.0 * MM + 0.01
                    && y < slug + H + 3.0 * MM - 0.01;
                assert!(!inside, "裁切线压到成品或出血：({x}, {y})");
                assert!((0.0..=sw).contains(&x) && (0.0..=sh).contains(&y));
            }
        }
    }
    let plain = impose_saddle(&boxed, &SaddleOptions::default()).unwrap();
    let doc = load(&plain);
    for &id in doc.get_pages().values() {
        let content = String::from_utf8(doc.get_page_content(id).unwrap()).unwrap();
        assert!(!content.contains(" l S"), "不要裁切线时不画");
    }
}

#[test]
fn saddle_rejects_bad_input() {
    let opts = SaddleOptions::default();
    let err = impose_saddle(&source(6, [0.0, 0.0, W, H]), &opts).unwrap_err();
    assert!(err.contains("4 的倍数"), "{err}");
    assert!(impose_saddle(b"not a pdf", &opts).is_err());
    let creep = SaddleOptions {
        creep_mm: -1.0,
        marks: false,
    };
    assert!(impose_saddle(&source(8, [0.0, 0.0, W, H]), &creep).is_err());
    // 页面尺寸不一：把第 3 页改成 A4。
    let mut doc = load(&source(8, [0.0, 0.0, W, H]));
    let third = doc.get_pages()[&3];
    doc.get_dictionary_mut(third)
        .unwrap()
        .set("MediaBox", vec![0.into(), 0.into(), 595.into(), 842.into()]);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    let err = impose_saddle(&bytes, &opts).unwrap_err();
    assert!(err.contains("第 3 页"), "{err}");
}

/// 示例手册（typst 排的）拼版：页序、尺寸、内容流原样、文字仍是文字、字体仍嵌入。
#[test]
fn saddle_sample_booklet() {
    let project = common::load(&common::sample_dir());
    let engine = common::engine(&project);
    let rendered = project
        .render(&engine, &project.view, jianbao::typeset::Kind::Booklet)
        .unwrap_or_else(|p| panic!("{p}"));
    let n = rendered.pages;
    assert!(n.is_multiple_of(4), "示例手册的页数应是 4 的倍数，实际 {n}");
    let opts = SaddleOptions {
        creep_mm: 0.1,
        marks: true,
    };
    let start = std::time::Instant::now();
    let out = impose_saddle(&rendered.pdf, &opts).unwrap();
    let elapsed = start.elapsed();
    eprintln!(
        "示例手册 {n} 页拼版用时 {:.1} ms（{} KB → {} KB）",
        elapsed.as_secs_f64() * 1000.0,
        rendered.pdf.len() / 1024,
        out.len() / 1024
    );
    assert_eq!(out, impose_saddle(&rendered.pdf, &opts).unwrap(), "确定性");

    let src = load(&rendered.pdf);
    let src_pages: Vec<ObjectId> = src.page_iter().collect();
    let src_media = rect(&src, src_pages[0], b"MediaBox").unwrap();
    let (w, h) = (src_media[2] - src_media[0], src_media[3] - src_media[1]);
    let doc = load(&out);
    let pages = doc.get_pages();
    assert_eq!(pages.len(), n / 2);
    for (&id, order) in pages.values().zip(booklet_order(n)) {
        assert_rect(
            rect(&doc, id, b"MediaBox"),
            [0.0, 0.0, 2.0 * w, h],
            "A4 横放",
        );
        let placed = placements(&doc, id);
        assert_eq!(placed.len(), 2);
        for ((form, _, _), number) in placed.iter().zip(order) {
            let original = src.get_page_content(src_pages[number - 1]).unwrap();
            assert_eq!(
                form_content(&doc, *form),
                original,
                "第 {number} 页的内容流原样放入"
            );
        }
    }
    // 文字仍是文字：原来有文字的页面内容流和 Form XObject，在大版上都成了有文字的 Form XObject。
    let text_forms = |d: &Document| {
        d.objects
            .values()
            .filter_map(|o| o.as_stream().ok())
            .filter(|s| s.dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Form"))
            .filter(|s| has_text(&s.get_plain_content().unwrap()))
            .count()
    };
    let text_pages = src_pages
        .iter()
        .filter(|&&p| has_text(&src.get_page_content(p).unwrap()))
        .count();
    assert!(
        text_pages >= n / 2,
        "示例手册只有 {text_pages} 页直接写了文字"
    );
    assert_eq!(text_forms(&doc), text_forms(&src) + text_pages);
    let images = |d: &Document| {
        d.objects
            .values()
            .filter_map(|o| o.as_stream().ok())
            .filter(|s| s.dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Image"))
            .count()
    };
    assert_eq!(images(&doc), images(&src), "没有新增图像");
    assert!(info_title(&doc).ends_with("（拼版）"));

    // 独立的读取器：字体仍嵌入、有 ToUnicode。
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("impose.pdf");
    std::fs::write(&path, &out).unwrap();
    let fonts = common::pdf_fonts(&path);
    assert!(!fonts.is_empty());
    assert!(
        fonts.iter().all(|f| f.embedded && f.to_unicode),
        "{fonts:?}"
    );
}
