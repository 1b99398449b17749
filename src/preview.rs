//! 预览图：把排好的页面画成 PNG（typst-render，与 PDF 同一份版面），再拼一张总览图。
//! README 里的图就由它生成。

use tiny_skia::{Color, Pixmap, PixmapPaint, Transform};
use typst_layout::PagedDocument;

/// 总览图每行几页。
const SHEET_COLUMNS: usize = 4;
/// 总览图中页与页之间、页与边之间的空隙（像素）。
const GAP: u32 = 16;

/// 把第 `pages` 页（从 1 起）画成 PNG，每英寸 `dpi` 像素。超出文档的页码略去。
pub fn pages(doc: &PagedDocument, pages: &[usize], dpi: f32) -> Vec<(usize, Pixmap)> {
    let options = typst_render::RenderOptions {
        pixel_per_pt: (f64::from(dpi) / 72.0).into(),
        ..Default::default()
    };
    pages
        .iter()
        .filter_map(|&n| {
            let page = doc.pages().get(n.checked_sub(1)?)?;
            Some((n, typst_render::render(page, &options)))
        })
        .collect()
}

/// 总览图：各页缩成一半，四页一行，浅灰底。
pub fn contact_sheet(images: &[(usize, Pixmap)]) -> Option<Pixmap> {
    let cell_w = images.iter().map(|(_, p)| p.width() / 2).max()?;
    let cell_h = images.iter().map(|(_, p)| p.height() / 2).max()?;
    let columns = images.len().min(SHEET_COLUMNS) as u32;
    let rows = images.len().div_ceil(SHEET_COLUMNS) as u32;
    let mut sheet = Pixmap::new(columns * (cell_w + GAP) + GAP, rows * (cell_h + GAP) + GAP)?;
    sheet.fill(Color::from_rgba8(0xdd, 0xdd, 0xdd, 0xff));
    for (i, (_, page)) in images.iter().enumerate() {
        let (col, row) = ((i % SHEET_COLUMNS) as u32, (i / SHEET_COLUMNS) as u32);
        let x = (GAP + col * (cell_w + GAP)) as f32;
        let y = (GAP + row * (cell_h + GAP)) as f32;
        sheet.draw_pixmap(
            0,
            0,
            page.as_ref(),
            &PixmapPaint::default(),
            Transform::from_scale(0.5, 0.5).post_translate(x, y),
            None,
        );
    }
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
