//! 印前后处理：对 typst-pdf 排出的 PDF 字节做的纯函数（不读写文件）。
//!
//! - [`set_boxes`]：给每页写上 TrimBox（成品尺寸）和 BleedBox（出血范围）。
//! - [`impose_saddle`]：骑马钉拼版，把 n 页成品拼成 n/4 张纸的正反两面（n/2 页）。
//!
//! 同样的输入总得到同样的字节：不加时间戳、不生成随机 ID，原文件的 /ID 原样保留。
//! 拼版时每个原页面整页做成 Form XObject 放到大版上，文字仍是文字，不转成图像。

use lopdf::{Dictionary, Document, Object, ObjectId, Stream, decode_text_string, text_string};

/// 1 mm 合多少 pt。
const MM: f64 = 72.0 / 25.4;

/// 裁切线的线宽（pt）。
const MARK_WIDTH: f64 = 0.25;

/// 裁切线离成品边的距离（无出血信息时）和最长的长度。
const MARK_OFFSET: f64 = 3.0 * MM;
const MARK_LENGTH: f64 = 5.0 * MM;
/// 页边（出血加版边）容不下这么长的线时，不在页边画线。
const MARK_MIN_LENGTH: f64 = 2.0 * MM;
/// 没有页边时，折线画在纸边以内这么长。
const FOLD_INSIDE: f64 = 3.0 * MM;

/// 矩形 [左, 下, 右, 上]，单位 pt。
type Rect = [f64; 4];

/// 骑马钉拼版的选项。
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SaddleOptions {
    /// 爬移：从最外一张纸起，每往里一张，页面向书脊多移这么多毫米。
    pub creep_mm: f64,
    /// 画裁切线和折线。
    pub marks: bool,
}

/// 给每页写上 TrimBox = MediaBox 四边各内缩 `trim_inset_pt`，
/// BleedBox = TrimBox 四边各外扩 `bleed_pt`（不超出 MediaBox）。
/// 页面（或上级页树）有 CropBox 时把它设成与 MediaBox 相同；没有就不加。
pub fn set_boxes(pdf: &[u8], trim_inset_pt: f64, bleed_pt: f64) -> Result<Vec<u8>, String> {
    if !(trim_inset_pt.is_finite()
        && trim_inset_pt >= 0.0
        && bleed_pt.is_finite()
        && bleed_pt >= 0.0)
    {
        return Err(format!(
            "裁切内缩和出血须是非负数（内缩 {trim_inset_pt} pt，出血 {bleed_pt} pt）"
        ));
    }
    let mut doc = load(pdf)?;
    let pages: Vec<ObjectId> = doc.page_iter().collect();
    if pages.is_empty() {
        return Err("PDF 中没有页面".into());
    }
    for (i, &id) in pages.iter().enumerate() {
        let media = media_box(&doc, id, i)?;
        let trim = outset(media, -trim_inset_pt);
        if width(trim) <= 0.0 || height(trim) <= 0.0 {
            return Err(format!(
                "第 {} 页的 MediaBox（{:.1}×{:.1} pt）容不下四边各内缩 {trim_inset_pt} pt",
                i + 1,
                width(media),
                height(media)
            ));
        }
        let bleed = clamp(outset(trim, bleed_pt), media);
        let has_crop = inherited(&doc, id, b"CropBox").is_some();
        let page = doc.get_dictionary_mut(id).map_err(|e| e.to_string())?;
        page.set("TrimBox", rect_object(trim));
        page.set("BleedBox", rect_object(bleed));
        if has_crop {
            page.set("CropBox", rect_object(media));
        }
    }
    save(doc)
}

/// 骑马钉拼版（双面印刷用）。
///
/// 输入 n 页（n 是 4 的倍数），成品尺寸都是 w×h：有 TrimBox 时按 TrimBox，否则按 MediaBox。
/// 输出 n/2 页，依次是第 1 张纸的正面、反面、第 2 张纸的正面……每面成品尺寸 2w×h；
/// 原页面在成品以外的部分（出血、版边）留在大版的外侧页边里，所以大版的 MediaBox
/// 是 2w×h 加上原页面的左、右、下、上页边，TrimBox 是中间的 2w×h。
///
/// 第 k 张纸（k 从 1 起）正面左右是第 n−2k+2 页和第 2k−1 页，反面是第 2k 页和第 n−2k+1 页。
/// 每页裁在自己那半边（书脊处不压到对页）。爬移：第 k 张纸的页面向书脊移
/// `creep_mm × (k−1)`，左页右移、右页左移。
///
/// 裁切线（`marks`）：0.25 pt、CMYK 100% 黑的细线，画在四个外角和书脊上下的折线处，
/// 离成品边 max(出血, 3 mm)、长至多 5 mm。页边放不下（原页面没有出血或版边，或太窄）时
/// 不画角线（纸边就是成品边），只在书脊处纸的上下边以内 3 mm 画两段短折线。
///
/// 文档信息（Title 等）保留，Title 后加“（拼版）”。原文档里依附于页面的东西不再适用，
/// 一并去掉：书签、页码标签、结构树（无障碍标签）、命名目标、链接注释、表单，以及
/// XMP 元数据（其中的标题与新标题不符）。
pub fn impose_saddle(pdf: &[u8], opts: &SaddleOptions) -> Result<Vec<u8>, String> {
    if !(opts.creep_mm.is_finite() && opts.creep_mm >= 0.0) {
        return Err(format!("爬移须是非负数（{} mm）", opts.creep_mm));
    }
    let mut doc = load(pdf)?;
    let ids: Vec<ObjectId> = doc.page_iter().collect();
    let n = ids.len();
    if n == 0 || !n.is_multiple_of(4) {
        return Err(format!("骑马钉拼版的页数须是 4 的倍数，这份 PDF 有 {n} 页"));
    }

    // 各页的尺寸：成品尺寸和四边页边须一致。
    let mut sources = Vec::with_capacity(n);
    for (i, &id) in ids.iter().enumerate() {
        let media = media_box(&doc, id, i)?;
        let trim = page_box(&doc, id, b"TrimBox")?.map_or(media, |t| clamp(t, media));
        let bleed = page_box(&doc, id, b"BleedBox")?.map(|b| clamp(b, media));
        let rotate = inherited(&doc, id, b"Rotate").and_then(|o| number(o).ok());
        if rotate.is_some_and(|r| r.rem_euclid(360.0) != 0.0) {
            return Err(format!("第 {} 页带有 /Rotate，拼版不支持旋转的页面", i + 1));
        }
        sources.push(Source {
            id,
            media,
            trim,
            bleed,
        });
    }
    let first = &sources[0];
    let (w, h) = (width(first.trim), height(first.trim));
    let margin = margins(first.trim, first.media);
    for (i, s) in sources.iter().enumerate() {
        let m = margins(s.trim, s.media);
        let same = (width(s.trim) - w).abs() < 0.01
            && (height(s.trim) - h).abs() < 0.01
            && m.iter().zip(margin).all(|(a, b)| (a - b).abs() < 0.01);
        if !same {
            return Err(format!(
                "第 {} 页的尺寸（成品 {:.1}×{:.1} pt）与第 1 页（{w:.1}×{h:.1} pt）不同，不能拼版",
                i + 1,
                width(s.trim),
                height(s.trim)
            ));
        }
    }
    let sheets = n / 4;
    let creep = opts.creep_mm * MM;
    if creep * (sheets - 1) as f64 > w / 4.0 {
        return Err(format!(
            "爬移太大：最里一张纸要移 {:.1} mm，超过了页宽的四分之一",
            opts.creep_mm * (sheets - 1) as f64
        ));
    }

    // 大版：成品 2w×h 居中，四周是原页面的页边。
    let [ml, mb, mr, mt] = margin;
    let sheet_w = ml + 2.0 * w + mr;
    let sheet_h = mb + h + mt;
    let sheet_media = [0.0, 0.0, sheet_w, sheet_h];
    let sheet_trim = [ml, mb, ml + 2.0 * w, mb + h];
    let spine = ml + w;
    let bleed_out = first.bleed.map(|b| margins(first.trim, b));
    let sheet_bleed = bleed_out.map(|o| {
        clamp(
            [
                sheet_trim[0] - o[0],
                sheet_trim[1] - o[1],
                sheet_trim[2] + o[2],
                sheet_trim[3] + o[3],
            ],
            sheet_media,
        )
    });
    let mark_ops = opts.marks.then(|| {
        let bleed_max = bleed_out.map_or(0.0, |o| o.into_iter().fold(0.0, f64::max));
        marks(sheet_media, sheet_trim, margin, bleed_max.max(MARK_OFFSET))
    });

    // 每个原页面做成一个 Form XObject。
    let mut forms = Vec::with_capacity(n);
    for s in &sources {
        let form = page_form(&doc, s)?;
        forms.push(doc.add_object(form));
    }

    // 新的页树。
    let pages_id = doc.new_object_id();
    let mut kids = Vec::with_capacity(n / 2);
    for k in 1..=sheets {
        let shift = creep * (k - 1) as f64;
        for [left, right] in [[n - 2 * k + 2, 2 * k - 1], [2 * k, n - 2 * k + 1]] {
            let mut content = String::new();
            let mut xobjects = Dictionary::new();
            for (number, is_left) in [(left, true), (right, false)] {
                let s = &sources[number - 1];
                let name = format!("P{number}");
                xobjects.set(name.as_bytes(), Object::Reference(forms[number - 1]));
                let (clip, tx) = if is_left {
                    ([0.0, 0.0, spine, sheet_h], ml - s.trim[0] + shift)
                } else {
                    ([spine, 0.0, sheet_w, sheet_h], spine - s.trim[0] - shift)
                };
                let ty = mb - s.trim[1];
                content.push_str(&format!(
                    "q {} {} {} {} re W n 1 0 0 1 {} {} cm /{name} Do Q\n",
                    num(clip[0]),
                    num(clip[1]),
                    num(width(clip)),
                    num(height(clip)),
                    num(tx),
                    num(ty)
                ));
            }
            if let Some(ops) = &mark_ops {
                content.push_str(ops);
            }
            let mut stream = Stream::new(Dictionary::new(), content.into_bytes());
            let _ = stream.compress();
            let contents = doc.add_object(stream);
            let mut page = Dictionary::new();
            page.set("Type", Object::Name(b"Page".to_vec()));
            page.set("Parent", Object::Reference(pages_id));
            page.set("MediaBox", rect_object(sheet_media));
            page.set("TrimBox", rect_object(sheet_trim));
            if let Some(b) = sheet_bleed {
                page.set("BleedBox", rect_object(b));
            }
            let mut resources = Dictionary::new();
            resources.set("XObject", xobjects);
            page.set("Resources", resources);
            page.set("Contents", Object::Reference(contents));
            kids.push(Object::Reference(doc.add_object(page)));
        }
    }
    let mut pages = Dictionary::new();
    pages.set("Type", Object::Name(b"Pages".to_vec()));
    pages.set("Count", kids.len() as i64);
    pages.set("Kids", kids);
    doc.objects.insert(pages_id, Object::Dictionary(pages));

    let catalog = doc.catalog_mut().map_err(|e| e.to_string())?;
    catalog.set("Pages", Object::Reference(pages_id));
    for key in [
        &b"Outlines"[..],
        b"PageLabels",
        b"StructTreeRoot",
        b"MarkInfo",
        b"Dests",
        b"Names",
        b"OpenAction",
        b"AcroForm",
        b"Metadata",
        b"PageMode",
    ] {
        catalog.remove(key);
    }
    retitle(&mut doc);
    doc.prune_objects();
    save(doc)
}

/// 一个原页面：对象号和三个框。
struct Source {
    id: ObjectId,
    media: Rect,
    trim: Rect,
    bleed: Option<Rect>,
}

/// 把原页面做成 Form XObject：内容流原样（只有一个流时连压缩后的字节一起照搬），
/// 资源字典照搬引用，BBox 是原页面的 MediaBox。
fn page_form(doc: &Document, s: &Source) -> Result<Stream, String> {
    let contents = doc.get_page_contents(s.id);
    let single = match contents.as_slice() {
        [id] => doc.get_object(*id).and_then(Object::as_stream).ok(),
        _ => None,
    };
    let mut form = match single {
        Some(stream) => {
            let mut dict = Dictionary::new();
            for key in [&b"Filter"[..], b"DecodeParms"] {
                if let Ok(v) = stream.dict.get(key) {
                    dict.set(key, v.clone());
                }
            }
            Stream::new(dict, stream.content.clone())
        }
        None => {
            let mut content = Vec::new();
            for id in contents {
                let stream = doc
                    .get_object(id)
                    .and_then(Object::as_stream)
                    .map_err(|e| format!("页面内容流 {id:?} 读不了：{e}"))?;
                content.extend(
                    stream
                        .get_plain_content()
                        .map_err(|e| format!("页面内容流 {id:?} 解不开：{e}"))?,
                );
                content.push(b'\n');
            }
            let mut stream = Stream::new(Dictionary::new(), content);
            let _ = stream.compress();
            stream
        }
    };
    form.dict.set("Type", Object::Name(b"XObject".to_vec()));
    form.dict.set("Subtype", Object::Name(b"Form".to_vec()));
    form.dict.set("BBox", rect_object(s.media));
    let resources = inherited(doc, s.id, b"Resources")
        .cloned()
        .unwrap_or_else(|| Object::Dictionary(Dictionary::new()));
    form.dict.set("Resources", resources);
    if let Ok(group) = doc.get_dictionary(s.id).and_then(|p| p.get(b"Group")) {
        form.dict.set("Group", group.clone());
    }
    Ok(form)
}

/// 裁切线和折线的内容流片段。`offset`：线离成品边的距离。
fn marks(media: Rect, trim: Rect, margin: [f64; 4], offset: f64) -> String {
    let spine = (trim[0] + trim[2]) / 2.0;
    let room = margin.into_iter().fold(f64::INFINITY, f64::min) - offset;
    let mut lines: Vec<[f64; 4]> = Vec::new();
    if room >= MARK_MIN_LENGTH {
        let len = room.min(MARK_LENGTH);
        let (near, far) = (offset, offset + len);
        for (x, dx) in [(trim[0], -1.0), (trim[2], 1.0)] {
            for (y, dy) in [(trim[1], -1.0), (trim[3], 1.0)] {
                lines.push([x + dx * near, y, x + dx * far, y]);
                lines.push([x, y + dy * near, x, y + dy * far]);
            }
        }
        lines.push([spine, trim[1] - far, spine, trim[1] - near]);
        lines.push([spine, trim[3] + near, spine, trim[3] + far]);
    } else {
        lines.push([spine, media[1], spine, media[1] + FOLD_INSIDE]);
        lines.push([spine, media[3] - FOLD_INSIDE, spine, media[3]]);
    }
    let mut out = format!("q {} w 0 J [] 0 d 0 0 0 1 K\n", num(MARK_WIDTH));
    for [x0, y0, x1, y1] in lines {
        out.push_str(&format!(
            "{} {} m {} {} l S\n",
            num(x0),
            num(y0),
            num(x1),
            num(y1)
        ));
    }
    out.push_str("Q\n");
    out
}

/// 文档信息的标题后加“（拼版）”；没有标题就不加。
fn retitle(doc: &mut Document) {
    let info = match doc.trailer.get(b"Info") {
        Ok(Object::Reference(id)) => {
            let id = *id;
            doc.get_dictionary_mut(id).ok()
        }
        Ok(Object::Dictionary(_)) => doc
            .trailer
            .get_mut(b"Info")
            .and_then(Object::as_dict_mut)
            .ok(),
        _ => None,
    };
    let Some(info) = info else { return };
    let Ok(title) = info.get(b"Title").and_then(decode_text_string) else {
        return;
    };
    let title = title.trim_start_matches('\u{feff}');
    if !title.trim().is_empty() {
        info.set("Title", text_string(&format!("{title}（拼版）")));
    }
}

fn load(pdf: &[u8]) -> Result<Document, String> {
    let doc = Document::load_mem(pdf).map_err(|e| format!("读不了 PDF：{e}"))?;
    if doc.is_encrypted() {
        return Err("PDF 已加密，不能处理".into());
    }
    Ok(doc)
}

fn save(mut doc: Document) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    doc.save_to(&mut out)
        .map_err(|e| format!("写不出 PDF：{e}"))?;
    Ok(out)
}

/// 页面的属性，页面上没有时沿页树向上找（Resources、MediaBox、CropBox、Rotate 可继承）。
pub(crate) fn inherited<'a>(doc: &'a Document, page: ObjectId, key: &[u8]) -> Option<&'a Object> {
    let mut node = doc.get_dictionary(page).ok()?;
    for _ in 0..64 {
        if let Ok(v) = node.get(key) {
            return Some(v);
        }
        let parent = node.get(b"Parent").and_then(Object::as_reference).ok()?;
        node = doc.get_dictionary(parent).ok()?;
    }
    None
}

fn media_box(doc: &Document, page: ObjectId, index: usize) -> Result<Rect, String> {
    page_box(doc, page, b"MediaBox")?.ok_or_else(|| format!("第 {} 页没有 MediaBox", index + 1))
}

/// 页面的一个框（可继承），规整成左下、右上。
fn page_box(doc: &Document, page: ObjectId, key: &[u8]) -> Result<Option<Rect>, String> {
    let Some(obj) = inherited(doc, page, key) else {
        return Ok(None);
    };
    let bad = || format!("页面的 /{} 不是四个数", String::from_utf8_lossy(key));
    let obj = doc.dereference(obj).map_err(|_| bad())?.1;
    let items = obj.as_array().map_err(|_| bad())?;
    let v: Vec<f64> = items
        .iter()
        .map(|o| doc.dereference(o).ok().and_then(|(_, o)| number(o).ok()))
        .collect::<Option<_>>()
        .ok_or_else(bad)?;
    let [a, b, c, d] = v[..] else {
        return Err(bad());
    };
    Ok(Some([a.min(c), b.min(d), a.max(c), b.max(d)]))
}

fn number(o: &Object) -> lopdf::Result<f64> {
    match o {
        Object::Integer(i) => Ok(*i as f64),
        other => other.as_float().map(f64::from),
    }
}

fn width(r: Rect) -> f64 {
    r[2] - r[0]
}

fn height(r: Rect) -> f64 {
    r[3] - r[1]
}

/// 四边各外扩 `d`（负数为内缩）。
fn outset(r: Rect, d: f64) -> Rect {
    [r[0] - d, r[1] - d, r[2] + d, r[3] + d]
}

/// 限在 `outer` 以内。
fn clamp(r: Rect, outer: Rect) -> Rect {
    [
        r[0].max(outer[0]),
        r[1].max(outer[1]),
        r[2].min(outer[2]),
        r[3].min(outer[3]),
    ]
}

/// `inner` 到 `outer` 的左、下、右、上距离。
fn margins(inner: Rect, outer: Rect) -> [f64; 4] {
    [
        inner[0] - outer[0],
        inner[1] - outer[1],
        outer[2] - inner[2],
        outer[3] - inner[3],
    ]
}

fn rect_object(r: Rect) -> Object {
    Object::Array(r.iter().map(|&v| Object::Real(round(v) as f32)).collect())
}

/// 保留到 0.0001 pt。
fn round(v: f64) -> f64 {
    let r = (v * 10000.0).round() / 10000.0;
    if r == 0.0 { 0.0 } else { r }
}

/// 内容流里的数：至多四位小数，去掉末尾的 0。
fn num(v: f64) -> String {
    let s = format!("{:.4}", round(v));
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_owned()
}
