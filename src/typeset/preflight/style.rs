//! 字与色：文字重叠、出界、字体回退、缺字、一页纸的最小字号、强调色的对比度。

use typst_layout::PagedDocument;

use super::layout::Layout;
use super::{Add, Context, MIN_PT, Rule};
use crate::typeset::inspect;

pub fn check(layout: &Layout, doc: &PagedDocument, cx: &Context, add: &mut Add) {
    for (page, a, b) in inspect::overlapping_text(doc) {
        add(
            Rule::Overlap,
            page,
            0.0,
            0.0,
            &format!("{a}／{b}"),
            "两段文字互相压住".into(),
        );
    }
    for (page, text) in inspect::overflowing_text(doc) {
        add(
            Rule::OutsideArea,
            page,
            0.0,
            0.0,
            &text,
            "文字伸出页面".into(),
        );
    }
    for (page, c) in inspect::missing_glyphs(doc) {
        add(
            Rule::MissingGlyph,
            page,
            0.0,
            0.0,
            &c.to_string(),
            format!("字体中没有“{c}”（U+{:04X}），印出来是方框", c as u32),
        );
    }
    struck(layout, add);
    fonts(layout, cx, add);
    required_roles(layout, cx, add);
    if cx.one_page {
        too_small(layout, add);
    }
    if let Some(accent) = &cx.accent
        && let Some(ratio) = contrast(accent)
        && ratio < 4.5
    {
        add(
            Rule::LowContrast,
            0,
            0.0,
            0.0,
            "",
            format!(
                "强调色 {accent} 与白纸的对比度只有 {ratio:.1}:1（至少 4.5:1），标题和突出的数字会看不清；\
                 请在 meta.toml 的 [theme] 中换深一些的 accent"
            ),
        );
    }
}

/// 直线从文字中间穿过（如图表的参考线压住数值标签）。
fn struck(layout: &Layout, add: &mut Add) {
    for (p, page) in layout.pages.iter().enumerate() {
        for r in page.runs.iter().filter(|r| !r.owner.running) {
            // 字身中段：基线以上 0.15–0.6 个字高。
            let (top, bottom) = (r.y - 0.6 * r.size, r.y - 0.15 * r.size);
            let hit = page.rules.iter().any(|[x0, y0, x1, y1]| {
                let horizontal = y1 - y0 < 0.5 && x1 - x0 > 2.0;
                let vertical = x1 - x0 < 0.5 && y1 - y0 > 2.0;
                (horizontal && *y0 > top && *y0 < bottom && *x0 < r.x1 - 1.0 && *x1 > r.x0 + 1.0)
                    || (vertical
                        && *x0 > r.x0 + 1.0
                        && *x0 < r.x1 - 1.0
                        && *y0 < bottom
                        && *y1 > top)
            });
            if hit {
                add(
                    Rule::Overlap,
                    p + 1,
                    r.x0,
                    r.y,
                    r.text.trim(),
                    "一条线从文字中间穿过".into(),
                );
            }
        }
    }
}

/// 版面上出现主题没有指定的字体：typst 在指定的字体里找不到字，悄悄换了别的字体。
fn fonts(layout: &Layout, cx: &Context, add: &mut Add) {
    if cx.families.is_empty() {
        return;
    }
    let mut seen: Vec<String> = Vec::new();
    for (p, page) in layout.pages.iter().enumerate() {
        for r in &page.runs {
            let known = cx
                .families
                .iter()
                .any(|f| f.eq_ignore_ascii_case(&r.family));
            if known || seen.contains(&r.family) {
                continue;
            }
            seen.push(r.family.clone());
            add(
                Rule::FontFallback,
                p + 1,
                r.x0,
                r.y,
                r.text.trim(),
                format!(
                    "这段文字排成了主题没有指定的字体“{}”（指定的字体里没有这些字）；\
                     请用 --font-path 加入含这些字的字体，并在 meta.toml 的 [theme] 中指定",
                    r.family
                ),
            );
        }
    }
}

/// 模板要求的字体角色（如公文的仿宋、小标宋）没有自己的字体，悄悄用了宋体。
fn required_roles(layout: &Layout, cx: &Context, add: &mut Add) {
    let family = |role: &str| {
        cx.roles
            .iter()
            .find(|(r, _)| r == role)
            .and_then(|(_, f)| f.first().cloned())
    };
    let song = family("song");
    for role in &layout.required_roles {
        let name = match role.as_str() {
            "fangsong" => "仿宋",
            "title" => "小标宋",
            "kai" => "楷体",
            "hei" => "黑体",
            _ => continue,
        };
        let f = family(role);
        if f.is_some() && f == song {
            add(
                Rule::FontFallback,
                0,
                0.0,
                0.0,
                "",
                format!(
                    "模板要求{name}（{role} 角色），主题没有指定，排成了宋体“{}”；\
                     请用 --font-path 加入{name}字体，并在 meta.toml 的 [theme.fonts] 中写 {role} = [\"字体名\"]",
                    f.unwrap_or_default()
                ),
            );
        }
    }
}

/// 一页纸上小于 8pt 的字，指出在哪一块。
fn too_small(layout: &Layout, add: &mut Add) {
    for (p, page) in layout.pages.iter().enumerate() {
        for r in &page.runs {
            if r.size >= MIN_PT - 0.01 || r.owner.running {
                continue;
            }
            // 所在的块：它上面最近的一个小节标题。
            let section = page
                .lines
                .iter()
                .rfind(|l| (l.owner.heading.is_some() || l.owner.caption.is_some()) && l.y < r.y)
                .map(|l| format!("「{}」块中", l.text.trim()))
                .unwrap_or_default();
            add(
                Rule::TooSmall,
                p + 1,
                r.x0,
                r.y,
                r.text.trim(),
                format!(
                    "一页纸{section}有 {:.1}pt 的字，一页纸的文字不得小于 {MIN_PT}pt",
                    r.size
                ),
            );
        }
    }
}

/// 颜色与白色的对比度（WCAG 2 的相对亮度之比）。
pub fn contrast(hex: &str) -> Option<f64> {
    let h = hex.trim_start_matches('#');
    if h.len() != 6 {
        return None;
    }
    let channel = |i: usize| -> Option<f64> {
        let v = u8::from_str_radix(&h[i..i + 2], 16).ok()? as f64 / 255.0;
        Some(if v <= 0.03928 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        })
    };
    let l = 0.2126 * channel(0)? + 0.7152 * channel(2)? + 0.0722 * channel(4)?;
    Some(1.05 / (l + 0.05))
}

#[cfg(test)]
mod tests {
    use super::contrast;

    #[test]
    fn contrast_of_accents() {
        assert!(contrast("#000000").unwrap() > 20.0);
        assert!(contrast("#c00000").unwrap() > 4.5, "深红可用");
        assert!(contrast("#ffff00").unwrap() < 1.2, "黄色看不清");
        assert!(contrast("#ffffff").unwrap() < 1.01);
    }
}
