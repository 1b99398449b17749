//! 预览图：把排好的页面画成 PNG（typst-render，与 PDF 同一份版面），再拼一张总览图。
//! README 里的图就由它生成。

use tiny_skia::{Color, Pixmap, PixmapPaint, Transform};
use typst_layout::PagedDocument;

/// 总览图每行几页。
const SHEET_COLUMNS: usize = 4;
/// 总览图中页与页之间、页与边之间的空隙（像素）。
const GAP: u32 = 16;
/// 总览图的分辨率：页面图的一半，但不超过 48 dpi——高 dpi 的预览不让总览图跟着变大。
const SHEET_MAX_DPI: f32 = 48.0;

/// 画第 `pages` 页（从 1 起，超出文档的页码略去），每英寸 `dpi` 像素，逐页交给 `emit(页码, 图)`，
/// 同时把每页以低分辨率另画进总览图（各页缩成一半、四页一行、浅灰底），最后返回总览图。
///
/// 一页画好就交出去、随即放掉：不论多少页、多高的 dpi，内存里同时只有一页全尺寸的图和一张小的总览图。
pub fn render<E>(
    doc: &PagedDocument,
    pages: &[usize],
    dpi: f32,
    emit: &mut dyn FnMut(usize, Pixmap) -> Result<(), E>,
) -> Result<Option<Pixmap>, E> {
    let pages: Vec<(usize, &typst_layout::Page)> = pages
        .iter()
        .filter_map(|&n| Some((n, doc.pages().get(n.checked_sub(1)?)?)))
        .collect();
    let sheet_dpi = (dpi / 2.0).min(SHEET_MAX_DPI);
    let options = |dpi: f32| typst_render::RenderOptions {
        pixel_per_pt: (f64::from(dpi) / 72.0).into(),
        ..Default::default()
    };
    let mut sheet = contact_sheet(&pages, sheet_dpi);
    for (i, (n, page)) in pages.iter().enumerate() {
        emit(*n, typst_render::render(page, &options(dpi)))?;
        if let Some(sheet) = &mut sheet {
            let cell = typst_render::render(page, &options(sheet_dpi));
            let (col, row) = ((i % SHEET_COLUMNS) as u32, (i / SHEET_COLUMNS) as u32);
            let (w, h) = cell_size(&pages, sheet_dpi);
            sheet.draw_pixmap(
                (GAP + col * (w + GAP)) as i32,
                (GAP + row * (h + GAP)) as i32,
                cell.as_ref(),
                &PixmapPaint::default(),
                Transform::identity(),
                None,
            );
        }
    }
    Ok(sheet)
}

/// 一页画成 PNG（`serve` 的页面图）：与 `render` 同样的画法，每英寸 `dpi` 像素。
pub fn page_png(doc: &PagedDocument, page: usize, dpi: f32) -> Option<Vec<u8>> {
    let page = doc.pages().get(page.checked_sub(1)?)?;
    let options = typst_render::RenderOptions {
        pixel_per_pt: (f64::from(dpi) / 72.0).into(),
        ..Default::default()
    };
    typst_render::render(page, &options).encode_png().ok()
}

/// 总览图中一格的大小：最大的一页在总览分辨率下的像素数。
fn cell_size(pages: &[(usize, &typst_layout::Page)], dpi: f32) -> (u32, u32) {
    let px = |pt: f64| (pt * f64::from(dpi) / 72.0).ceil() as u32;
    pages.iter().fold((0, 0), |(w, h), (_, p)| {
        let size = p.frame.size();
        (w.max(px(size.x.to_pt())), h.max(px(size.y.to_pt())))
    })
}

/// 空白的总览图（浅灰底），大小按页数和最大的一页算好。
fn contact_sheet(pages: &[(usize, &typst_layout::Page)], dpi: f32) -> Option<Pixmap> {
    if pages.is_empty() {
        return None;
    }
    let (w, h) = cell_size(pages, dpi);
    let columns = pages.len().min(SHEET_COLUMNS) as u32;
    let rows = pages.len().div_ceil(SHEET_COLUMNS) as u32;
    let mut sheet = Pixmap::new(columns * (w + GAP) + GAP, rows * (h + GAP) + GAP)?;
    sheet.fill(Color::from_rgba8(0xdd, 0xdd, 0xdd, 0xff));
    Some(sheet)
}

/// “1-4”“2”“1,3,5-6” → 页码表；写错时给出说明。
pub fn parse_pages(s: &str) -> Result<Vec<usize>, String> {
    let mut out = Vec::new();
    for part in s
        .split([',', '，'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let (a, b) = part.split_once(['-', '—', '–']).unwrap_or((part, part));
        let a: usize = a
            .trim()
            .parse()
            .map_err(|_| format!("“{part}” 不是页码，应写成 1-4 或 2"))?;
        let b: usize = b
            .trim()
            .parse()
            .map_err(|_| format!("“{part}” 不是页码，应写成 1-4 或 2"))?;
        if a == 0 || b < a {
            return Err(format!("“{part}” 不是有效的页码范围（从 1 起，前小后大）"));
        }
        out.extend(a..=b.min(a + 10_000));
    }
    if out.is_empty() {
        return Err("没有页码".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_ranges_read_naturally() {
        assert_eq!(parse_pages("1-4").unwrap(), vec![1, 2, 3, 4]);
        assert_eq!(parse_pages("2,5-6").unwrap(), vec![2, 5, 6]);
        assert!(parse_pages("0").is_err());
        assert!(parse_pages("4-1").is_err());
        assert!(parse_pages("甲").is_err());
    }
}
