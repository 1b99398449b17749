//! 编号份数的叠印（印后工序，与拼版同类）：各份只差封面上的份号和（有名单时）每页底边的“发给”，
//! 所以文档只排一次、查一次、导出一次（[`Stamper::prepare`]），每一份只排叠印版上的这几个字、导出
//! 几 KB 的叠印 PDF，叠到原版上（[`Stamper::make`]）。
//!
//! 位置都由模板定：原版上份号和“发给”带着标签（templates/lib/marks.typ），程序取走原版上的字、记下位置；
//! 叠印版（templates/stamp.typ）用同一套字与段落设置、同一个函数排出各份的字。份号平移到原版上份号的
//! 基线起点；“发给”本来就画在与原版同样大小的页面上的同一位置。
//!
//! 选了 PDF/A 时不叠印（增量更新和未标注的叠印内容要另行验证是否合标准）；模板目录没有叠印版、模板没有
//! 标出叠印处时（早先取出、自己改过的模板）也不叠印：这几种情况逐份整排，与从前一样。

pub mod frames;
pub mod overlay;

use typst::foundations::Smart;
use typst::layout::{Frame, Point, Size};
use typst::model::{Document as _, DocumentInfo};
use typst_layout::{Page, PagedDocument};

use crate::base::diag::{Origin, Problem, Problems};
use crate::present::view::View;
use crate::render::{self, Press, Rendered, Template, timing};
use crate::typeset::{self, Kind, inspect, preflight};
use frames::{COPY_NO, RECIPIENT, Run, Slot};
use overlay::{Base, Placement};

/// 叠印版的模板（模板目录中）。
pub const STAMP_TEMPLATE: &str = "stamp.typ";

/// 排好一次的一种文档，每一份由它叠印而成。
pub struct Stamper {
    template: Template,
    base: Base,
    pages: usize,
    /// 份号所在的页和它的基线起点。
    copy_no: (usize, Point),
    /// 印“发给”的各页；页面都与第一页一样大。
    recipient_pages: Vec<usize>,
    /// 印“发给”的页面和份号所在页面的大小。
    size: Size,
    cover_size: Size,
    warnings: Vec<String>,
    findings: Vec<preflight::Finding>,
}

impl Stamper {
    /// 按第一份的视图排版、做全部版面检查（与逐份整排时第一份经过的检查相同），取走份号和“发给”，导出原版。
    /// 不能叠印时返回 None（见模块说明），调用方逐份整排。
    pub fn prepare(
        press: &Press,
        first: &View,
        template: &Template,
    ) -> Result<Option<Self>, Problems> {
        // 用 jianbao init 早先取出的模板目录可能还没有叠印版。
        if matches!(template, Template::Custom { .. })
            || press.engine.standard.is_some()
            || first.render.copy_no.is_none()
            || press.engine.templates.read(STAMP_TEMPLATE).is_err()
        {
            return Ok(None);
        }
        let laid = press.lay_out(first, template)?;
        let Some((frames, slots)) = frames::strip(&laid.doc) else {
            return Ok(None);
        };
        let copy_no: Vec<(usize, Point)> = slots
            .iter()
            .filter(|s| s.what == COPY_NO)
            .filter_map(|s| Some((s.page, s.origin?)))
            .collect();
        let recipient_pages: Vec<usize> = slots
            .iter()
            .filter(|s| s.what == RECIPIENT)
            .map(|s| s.page)
            .collect();
        let [copy_no] = copy_no[..] else {
            return Ok(None);
        };
        if first.render.recipient.is_some() == recipient_pages.is_empty() {
            return Ok(None);
        }
        let doc = &laid.doc;
        let size = doc.pages()[recipient_pages.first().copied().unwrap_or(0)]
            .frame
            .size();
        if recipient_pages
            .iter()
            .any(|&p| doc.pages()[p].frame.size() != size)
        {
            return Ok(None);
        }
        let stripped = PagedDocument::new(
            doc.pages()
                .iter()
                .zip(frames)
                .map(|(p, frame)| Page { frame, ..p.clone() })
                .collect(),
            doc.info().clone(),
        );
        let pdf = press.pdf(&stripped, first, template)?;
        let base = Base::new(pdf).map_err(|e| problem(template, format!("叠印原版：{e}")))?;
        let stamper = Self {
            template: template.clone(),
            base,
            pages: doc.pages().len(),
            copy_no,
            recipient_pages,
            size,
            cover_size: doc.pages()[copy_no.0].frame.size(),
            warnings: laid.warnings,
            findings: laid.findings,
        };
        Ok(stamper.reproduces(press, first, &slots).then_some(stamper))
    }

    /// 第一份的叠印版与原版上取走的字是否一样（字形、字体、字号、颜色、位置），“发给”在每一页上都要一样：
    /// 模板改了原版上份号或“发给”的写法而叠印版没有跟着改时，叠出来会与逐份整排的不同，这时不叠印。
    /// 叠印版排不出来（自己改坏了 stamp.typ）时也不叠印：逐份整排照样报出真正的问题。
    fn reproduces(&self, press: &Press, first: &View, slots: &[Slot]) -> bool {
        let (Some(no), recipient) = (&first.render.copy_no, first.render.recipient.as_deref())
        else {
            return false;
        };
        let Ok(stamp) = self
            .sheet(press, first, no, recipient)
            .and_then(|sheet| self.compose(&sheet))
        else {
            return false;
        };
        let expected = |page: usize| {
            let mut runs: Vec<Run> = slots
                .iter()
                .filter(|s| s.page == page)
                .flat_map(|s| s.runs.iter().cloned())
                .collect();
            frames::sort(&mut runs);
            runs
        };
        let same = |got: &[Run], want: &[Run]| {
            got.len() == want.len() && got.iter().zip(want).all(|(a, b)| a.same(b))
        };
        let pages = stamp.pages();
        let (cover, _) = self.copy_no;
        let rest = pages.get(1).map(|p| frames::runs(&p.frame));
        same(&frames::runs(&pages[0].frame), &expected(cover))
            && self
                .recipient_pages
                .iter()
                .filter(|&&p| p != cover)
                .all(|&p| rest.as_ref().is_some_and(|r| same(r, &expected(p))))
    }

    /// 排一份的叠印版（templates/stamp.typ），查缺字。
    fn sheet(
        &self,
        press: &Press,
        view: &View,
        no: &str,
        recipient: Option<&str>,
    ) -> Result<PagedDocument, Problems> {
        let label = self.template.label();
        let mut r = view.render.clone();
        r.copy_no = Some(no.to_owned());
        r.recipient = recipient.map(str::to_owned);
        let kind = match self.template {
            Template::Builtin(Kind::Summary) => "summary",
            _ => "booklet",
        };
        let data = serde_json::json!({
            "meta": view.meta,
            "render": r,
            "stamp": { "kind": kind, "width": self.size.x.to_pt(), "height": self.size.y.to_pt() },
        });
        let sheet = typeset::typeset_template(
            &press.engine,
            STAMP_TEMPLATE,
            label,
            serde_json::to_vec(&data).expect("叠印数据总能序列化"),
            press.data_dir.clone(),
            press.date,
        )?
        .doc;
        // 叠印版的页码对读者没有意义：缺的字在份号所在的那一页上就已印出。
        let page = self.copy_no.0 + 1;
        let mut missing: Vec<(usize, char)> = Vec::new();
        for (_, c) in inspect::missing_glyphs(&sheet) {
            if !missing.contains(&(page, c)) {
                missing.push((page, c));
            }
        }
        render::no_missing(&missing, label)?;
        Ok(sheet)
    }

    /// 一份：排叠印版（份号，有名单时加“发给”），查缺字，叠到原版上；要拼版时拼这一份。
    pub fn make(
        &self,
        press: &Press,
        view: &View,
        no: &str,
        recipient: Option<&str>,
    ) -> Result<Rendered, Problems> {
        let t0 = std::time::Instant::now();
        let sheet = self.sheet(press, view, no, recipient)?;
        let t0 = timing::add(0, t0);
        let stamp = self.compose(&sheet)?;
        let pdf = typeset::pdf_with(&stamp, "jianbao/stamp", press.date, None, false)?;
        let t0 = timing::add(2, t0);
        let (cover, _) = self.copy_no;
        let rest: Vec<usize> = self
            .recipient_pages
            .iter()
            .copied()
            .filter(|&p| p != cover)
            .collect();
        let mut placements = vec![Placement {
            stamp_page: 0,
            pages: std::slice::from_ref(&self.copy_no.0),
        }];
        if !rest.is_empty() {
            placements.push(Placement {
                stamp_page: 1,
                pages: &rest,
            });
        }
        let pdf = self
            .base
            .apply(&pdf, &placements)
            .map_err(|e| problem(&self.template, format!("叠印：{e}")))?;
        let imposed = press.impose(&pdf, self.pages, view, &self.template)?;
        timing::add(3, t0);
        Ok(Rendered {
            pdf,
            pages: self.pages,
            warnings: self.warnings.clone(),
            findings: self.findings.clone(),
            imposed,
        })
    }

    /// 叠印 PDF 的页面：第 1 页叠在份号所在的页上（份号平移到原版的位置，该页也印“发给”时一并画上），
    /// 第 2 页（有名单时）叠在其余各页上。
    fn compose(&self, sheet: &PagedDocument) -> Result<PagedDocument, Problems> {
        let pages = sheet.pages();
        let missing = || {
            problem(
                &self.template,
                "叠印版上找不到份号（templates/stamp.typ）".into(),
            )
        };
        let no_page = pages.first().ok_or_else(missing)?;
        let origin = frames::origin_of(&no_page.frame, COPY_NO).ok_or_else(missing)?;
        let (cover, at) = self.copy_no;
        let mut first = Frame::hard(self.cover_size);
        first.push_frame(at - origin, no_page.frame.clone());
        let recipient = match (self.recipient_pages.is_empty(), pages.get(1)) {
            (true, _) => None,
            (false, Some(p)) => Some(p),
            (false, None) => {
                return Err(problem(
                    &self.template,
                    "叠印版上没有“发给”一页（templates/stamp.typ）".into(),
                ));
            }
        };
        if let Some(p) = recipient
            && self.recipient_pages.contains(&cover)
        {
            first.push_frame(Point::zero(), p.frame.clone());
        }
        let page = |frame: Frame| Page {
            frame,
            fill: Smart::Custom(None),
            ..no_page.clone()
        };
        let mut out = vec![page(first)];
        out.extend(recipient.map(|p| page(p.frame.clone())));
        Ok(PagedDocument::new(
            out.into_iter().collect(),
            DocumentInfo::default(),
        ))
    }
}

fn problem(template: &Template, message: String) -> Problems {
    Problems(vec![Problem::new(Origin::None, template.label(), message)])
}
