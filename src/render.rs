//! 一份文档从视图到写出的唯一路径：排版 → 版面检查 → PDF → 印后处理（裁切框、拼版）→ 原子写出。
//! build、batch、watch、preview、bench 和编号份数都经过 [`Press`]；命令只决定排什么、写到哪里，
//! 新的付印选项只改这里一处，它的代价也只在这里量。

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use sha2::{Digest, Sha256};
use typst_layout::PagedDocument;

use crate::base::diag::{Origin, Problem, Problems};
use crate::base::output;
use crate::postpress::{self, SaddleOptions};
use crate::present::view::{SummaryBlockView, View};
use crate::typeset::world::Engine;
use crate::typeset::{self, Kind, inspect, preflight};

/// 各步累计用时（纳秒，全进程、各线程相加）：`jianbao bench` 据此给出时间花在哪一步。
/// 只是几个原子加法，不影响排版。
pub mod timing {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::Instant;

    /// 排版、版面检查、导出 PDF、印后处理（裁切框、拼版）、写出。
    pub const STEPS: [&str; 5] = ["排版", "版面检查", "导出 PDF", "印后处理", "写出"];
    static NANOS: [AtomicU64; 5] = [const { AtomicU64::new(0) }; 5];

    pub(crate) fn add(step: usize, since: Instant) -> Instant {
        let now = Instant::now();
        NANOS[step].fetch_add((now - since).as_nanos() as u64, Ordering::Relaxed);
        now
    }

    /// 到目前为止各步的累计秒数。
    pub fn snapshot() -> [f64; 5] {
        std::array::from_fn(|i| NANOS[i].load(Ordering::Relaxed) as f64 / 1e9)
    }
}

/// 拼不成版时问题的字段名：命令据此把它当作用法问题（选项用不上），而不是排版失败。
pub const IMPOSE_OPTION: &str = "--impose";

/// 一页纸正文的最小字号（pt），模板不得为了塞进一页而更小。
pub const SUMMARY_MIN_PT: f64 = preflight::MIN_PT;

/// 排哪个模板：内置的手册、一页纸，或自己写的模板（`--template`）。
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Template {
    Builtin(Kind),
    /// `main` 是模板目录中的主文件，如 `gongwen/main.typ`；`label` 用于文件名和报错。
    Custom {
        main: String,
        label: String,
    },
}

impl Template {
    fn main(&self) -> &str {
        match self {
            Self::Builtin(k) => k.template(),
            Self::Custom { main, .. } => main,
        }
    }

    pub fn label(&self) -> &str {
        match self {
            Self::Builtin(k) => k.label(),
            Self::Custom { label, .. } => label,
        }
    }

    /// 输出文件名，如“商丘市-简报手册.pdf”“永城市-一页纸.pdf”“商丘市-gongwen.pdf”。
    pub fn file_name(&self, view: &View) -> String {
        format!("{}-{}.pdf", view.meta.edition_or_region(), self.label())
    }
}

/// 一次运行中每份文档都相同的设置：排版引擎（字体、模板、上限、PDF 标准）、数据目录、编印日期、拼版。
#[derive(Clone)]
pub struct Press {
    pub engine: Engine,
    pub data_dir: Option<PathBuf>,
    pub date: Option<NaiveDate>,
    /// 另写一份骑马订拼版（只对手册，`--impose saddle`）。
    pub impose: Option<SaddleOptions>,
}

/// 排好并通过全部版面检查的文档（还没有导出 PDF）：预览直接画它。
pub struct Laid {
    pub doc: PagedDocument,
    pub warnings: Vec<String>,
    /// 版面检查（preflight）的发现（`--strict` 时已当作错误）。
    pub findings: Vec<preflight::Finding>,
}

/// 一份排好的 PDF，以及（要拼版时）拼好的那一份。
pub struct Rendered {
    pub pdf: Vec<u8>,
    pub pages: usize,
    pub warnings: Vec<String>,
    pub findings: Vec<preflight::Finding>,
    pub imposed: Option<Imposed>,
}

/// 骑马订拼版的结果：`sides` 面（`sides / 2` 张纸双面）。
pub struct Imposed {
    pub pdf: Vec<u8>,
    pub sides: usize,
}

/// 写出的一份文档。
#[derive(Debug, Clone)]
pub struct Written {
    pub path: PathBuf,
    pub pages: usize,
    pub bytes: usize,
    pub sha256: String,
    pub warnings: Vec<String>,
    pub findings: Vec<preflight::Finding>,
    /// 拼版文件的路径、面数和字节数。
    pub imposed: Option<(PathBuf, usize, usize)>,
}

impl Press {
    pub fn new(engine: Engine, data_dir: Option<PathBuf>, date: Option<NaiveDate>) -> Self {
        Self {
            engine,
            data_dir,
            date,
            impose: None,
        }
    }

    pub fn with_impose(mut self, impose: Option<SaddleOptions>) -> Self {
        self.impose = impose;
        self
    }

    /// 排版并做全部版面检查。每条路径（包括预览）都经过这里，检查只在这里做。
    pub fn lay_out(&self, view: &View, template: &Template) -> Result<Laid, Problems> {
        // 1. 排版（typst，带时间上限）。
        let t0 = std::time::Instant::now();
        let json = serde_json::to_vec(view).expect("视图总能序列化");
        let t = typeset::typeset_template(
            &self.engine,
            template.main(),
            template.label(),
            json,
            self.data_dir.clone(),
            self.date,
        )?;
        let t0 = timing::add(0, t0);
        // 2. 必须通过的版面检查：缺字、出界、一页纸一页、手册页数合装订方式。
        check_layout(&t.doc, template, view)?;
        // 3. 印前检查（preflight，typeset/preflight/）：读排好的版面（`&t.doc`），找出避头尾、孤字、背题、
        //    过小的字等问题；一页纸上过小的字总是错误，`--strict` 时任何发现都让这份文档失败。
        let cx = preflight_context(view, template, &t.doc);
        let preflight::Inspection {
            mut findings,
            notes,
        } = preflight::inspect(&t.doc, &cx);
        if !t.settled {
            findings.insert(0, preflight::unsettled(&cx.document));
        }
        too_small(template, &findings)?;
        strict(&self.engine, template.label(), &findings)?;
        timing::add(1, t0);
        Ok(Laid {
            doc: t.doc,
            warnings: t.warnings.into_iter().chain(notes).collect(),
            findings,
        })
    }

    /// 排版、检查、导出 PDF、印后处理，不写文件。
    pub fn render(&self, view: &View, template: &Template) -> Result<Rendered, Problems> {
        let laid = self.lay_out(view, template)?;
        self.export(laid, view, template)
    }

    /// 排出一份文档并原子地写到 `path`（拼版另写在旁边）。
    pub fn write(
        &self,
        view: &View,
        template: &Template,
        path: &Path,
    ) -> Result<Written, Problems> {
        self.render(view, template)?.save(path)
    }

    /// 导出 PDF、标出裁切框；要拼版时另拼一份。
    fn export(&self, laid: Laid, view: &View, template: &Template) -> Result<Rendered, Problems> {
        let pages = laid.doc.pages().len();
        let pdf = self.pdf(&laid.doc, view, template)?;
        // 版面已经用完：先放掉它，拼版时内存里只有 PDF。
        drop(laid.doc);
        let t0 = std::time::Instant::now();
        let imposed = self.impose(&pdf, pages, view, template)?;
        timing::add(3, t0);
        Ok(Rendered {
            pdf,
            pages,
            warnings: laid.warnings,
            findings: laid.findings,
            imposed,
        })
    }

    /// 导出 PDF（按选定的存档标准）；有出血或裁切线时标出成品尺寸（TrimBox）和出血范围（BleedBox），
    /// 印刷厂的软件据此裁切。
    pub(crate) fn pdf(
        &self,
        doc: &PagedDocument,
        view: &View,
        template: &Template,
    ) -> Result<Vec<u8>, Problems> {
        let ident = format!(
            "jianbao/{}/{}/{}",
            view.meta.region,
            view.meta.edition_or_region(),
            template.label()
        );
        let t0 = std::time::Instant::now();
        let mut pdf = typeset::pdf(doc, &ident, self.date, self.engine.standard)?;
        let t0 = timing::add(2, t0);
        let off = view.render.bleed + view.render.slug;
        if off > 0.0 {
            pdf = postpress::set_boxes(&pdf, mm(off), mm(view.render.bleed))
                .map_err(|e| problem("PDF", format!("标出裁切框失败：{e}")))?;
        }
        timing::add(3, t0);
        Ok(pdf)
    }

    /// 骑马订拼版：手册和自己写的模板（一页纸不拼）；页数须是 4 的倍数，否则说明拼不成。
    pub(crate) fn impose(
        &self,
        pdf: &[u8],
        pages: usize,
        view: &View,
        template: &Template,
    ) -> Result<Option<Imposed>, Problems> {
        match (&self.impose, template) {
            (Some(_), Template::Builtin(Kind::Summary)) | (None, _) => Ok(None),
            (Some(opts), _) => {
                let name = template.file_name(view);
                if pages < 4 || !pages.is_multiple_of(4) {
                    return Err(problem(
                        IMPOSE_OPTION,
                        format!(
                            "{name} 有 {pages} 页，骑马订拼版要求 4 的倍数页（至少 4 页），拼不成；\
                             请去掉 --impose，或让模板把页数补足到 4 的倍数"
                        ),
                    ));
                }
                Ok(Some(Imposed {
                    pdf: postpress::impose_saddle(pdf, opts)
                        .map_err(|e| problem("拼版", format!("{name}：{e}")))?,
                    sides: pages / 2,
                }))
            }
        }
    }
}

/// 排出一份文档（不写文件）：在本进程里（[`Press`]），或在有内存上限的工作进程里（[`crate::isolate::Workers`]）。
/// `region` 是县区名（全市版为 None），`view` 是它的视图。
pub trait Render: Sync {
    fn render(
        &self,
        region: Option<&str>,
        view: &View,
        template: &Template,
    ) -> Result<Rendered, Problems>;
}

impl Render for Press {
    fn render(
        &self,
        _: Option<&str>,
        view: &View,
        template: &Template,
    ) -> Result<Rendered, Problems> {
        Press::render(self, view, template)
    }
}

impl Render for crate::isolate::Workers {
    fn render(
        &self,
        region: Option<&str>,
        view: &View,
        template: &Template,
    ) -> Result<Rendered, Problems> {
        crate::isolate::Workers::render(self, region, view, template)
    }
}

/// 同一视图的几种文档同时排（手册排版时一页纸在另一个核上排好、导出），全部通过才返回，
/// 次序与 `templates` 相同；任何一份出错就返回那个错误（build、watch 据此一个文件都不写）。
pub fn render_all(
    press: &dyn Render,
    region: Option<&str>,
    view: &View,
    templates: &[Template],
    jobs: usize,
) -> Result<Vec<Rendered>, Problems> {
    let results: std::sync::Mutex<Vec<Option<Result<Rendered, Problems>>>> =
        std::sync::Mutex::new(templates.iter().map(|_| None).collect());
    crate::base::pool::run(
        templates.len(),
        jobs,
        &|k| k,
        &|i| press.render(region, view, &templates[i]),
        &|_, i, r| {
            let ok = r.is_ok();
            results.lock().expect("锁未中毒")[i] = Some(r);
            ok
        },
    );
    let mut done = Vec::new();
    for r in results.into_inner().expect("锁未中毒") {
        match r {
            Some(r) => done.push(r?),
            // 出错或中断后没开始的文档：出错时上面已返回错误，这里只剩中断。
            None => return Err(problem("", "已中断，没有写出任何文件".into())),
        }
    }
    Ok(done)
}

impl Rendered {
    /// 同 [`Rendered::write`]，写不出时是一个问题（批量、编号份数据此把它记在那份文档名下）。
    pub fn save(self, path: &Path) -> Result<Written, Problems> {
        self.write(path)
            .map_err(|e| Problems(vec![Problem::new(Origin::None, "", format!("{e:#}"))]))
    }

    /// 原子地写到 `path`；拼版写在旁边，文件名加“-拼版”。
    pub fn write(self, path: &Path) -> anyhow::Result<Written> {
        let t0 = std::time::Instant::now();
        let imposed = match &self.imposed {
            Some(i) => {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().replacen(".pdf", "-拼版.pdf", 1))
                    .unwrap_or_default();
                let at = path.with_file_name(name);
                output::write_atomic(&at, &i.pdf)?;
                Some((at, i.sides, i.pdf.len()))
            }
            None => None,
        };
        output::write_atomic(path, &self.pdf)?;
        timing::add(4, t0);
        Ok(Written {
            path: path.to_owned(),
            pages: self.pages,
            bytes: self.pdf.len(),
            sha256: hex(&Sha256::digest(&self.pdf)),
            warnings: self.warnings,
            findings: self.findings,
            imposed,
        })
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn problem(what: &str, message: String) -> Problems {
    Problems(vec![Problem::new(Origin::None, what, message)])
}

/// 排好的版面上必须通过的检查（页数上限已在排版时守住）：缺字、文字出界，内置模板另有一页纸（恰好一页）
/// 和手册（页数合所选的装订方式）的规矩。自己写的模板不套用后两条，那是内置模板的约定。
fn check_layout(doc: &PagedDocument, template: &Template, view: &View) -> Result<(), Problems> {
    let label = template.label();
    let pages = doc.pages().len();
    no_missing_glyphs(doc, label)?;
    let overflow = inspect::overflowing_text(doc);
    if !overflow.is_empty() {
        let list: Vec<String> = overflow
            .iter()
            .map(|(page, text)| format!("第{page}页“{text}…”"))
            .collect();
        return Err(problem(
            label,
            format!(
                "文字伸出页面之外：{}。多半是一长串没有空格、无法断行的字母或数字，请在数据中缩短或加空格",
                list.join("，")
            ),
        ));
    }
    let multiple = match view.render.binding {
        crate::present::Binding::Saddle => 4,
        crate::present::Binding::Side => 2,
        crate::present::Binding::Sheet => 1,
    };
    match template {
        Template::Builtin(Kind::Summary) if pages != 1 => Err(overflow_report(doc, view)),
        Template::Builtin(Kind::Booklet) if !pages.is_multiple_of(multiple) => Err(problem(
            label,
            format!(
                "模板排出 {pages} 页，不是 {multiple} 的倍数，不合所选的装订方式；请检查模板末尾的补白页逻辑"
            ),
        )),
        _ => Ok(()),
    }
}

/// 缺字（字形编号 0）印出来是方框：列出页码和字，不写出。
fn no_missing_glyphs(doc: &PagedDocument, label: &str) -> Result<(), Problems> {
    no_missing(&inspect::missing_glyphs(doc), label)
}

/// `missing`：(页码, 字)。
pub(crate) fn no_missing(missing: &[(usize, char)], label: &str) -> Result<(), Problems> {
    if missing.is_empty() {
        return Ok(());
    }
    let list: Vec<String> = missing
        .iter()
        .map(|(page, c)| format!("第{page}页“{c}”（U+{:04X}）", *c as u32))
        .collect();
    Err(problem(
        label,
        format!(
            "字体缺字，印出来会是方框：{}。请改用字体已包含的字，或用 --font-path 加入含这些字的字体并在主题中指定",
            list.join("，")
        ),
    ))
}

/// 一页纸不能靠缩小字号塞进一页：模板里任何小于 8pt 的字都算模板错误，指出在哪一块。
fn too_small(template: &Template, findings: &[preflight::Finding]) -> Result<(), Problems> {
    if *template != Template::Builtin(Kind::Summary) {
        return Ok(());
    }
    match findings
        .iter()
        .find(|f| f.rule == preflight::Rule::TooSmall)
    {
        Some(f) => Err(problem(
            template.label(),
            format!("{}：“{}”", f.message, f.text),
        )),
        None => Ok(()),
    }
}

/// 印前检查的上下文：内置模板按文档种类；自己写的模板不一定装订，不查补白页（按单页对待）。
fn preflight_context(view: &View, template: &Template, doc: &PagedDocument) -> preflight::Context {
    match template {
        Template::Builtin(kind) => context(view, kind.label(), *kind == Kind::Summary),
        Template::Custom { label, .. } => {
            let mut cx = context(view, label, doc.pages().len() == 1);
            cx.binding = preflight::Binding::Sheet;
            cx
        }
    }
}

/// `--strict`：版面检查的任何发现都让这份文档失败，逐条列出。
fn strict(engine: &Engine, label: &str, findings: &[preflight::Finding]) -> Result<(), Problems> {
    if !engine.strict || findings.is_empty() {
        return Ok(());
    }
    let mut list = vec![Problem::new(
        Origin::None,
        label,
        format!(
            "版面检查有 {} 处发现（给了 --strict，不写出）",
            findings.len()
        ),
    )];
    list.extend(
        findings
            .iter()
            .map(|f| Problem::new(Origin::None, "", f.to_string())),
    );
    Err(Problems(list))
}

/// 版面检查要知道的、版面上看不出的东西：文档名、装订、主题的字体和强调色、数据写明的标题分行。
pub fn context(view: &View, label: &str, one_page: bool) -> preflight::Context {
    let r = &view.render;
    let mut families: Vec<String> = Vec::new();
    for f in [
        &r.fonts.song,
        &r.fonts.hei,
        &r.fonts.kai,
        &r.fonts.fangsong,
        &r.fonts.title,
    ]
    .into_iter()
    .flatten()
    {
        if !families.contains(f) {
            families.push(f.clone());
        }
    }
    let roles = [
        ("song", &r.fonts.song),
        ("hei", &r.fonts.hei),
        ("kai", &r.fonts.kai),
        ("fangsong", &r.fonts.fangsong),
        ("title", &r.fonts.title),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.clone()))
    .collect();
    // 标题中的空格、数据给出的封面分行：在这些地方换行是数据的意思。
    let mut title_breaks = Vec::new();
    let mut titles: Vec<&str> = vec![&view.meta.title, &view.summary.title];
    titles.extend(view.meta.subtitle.as_deref());
    titles.extend(view.outline.iter().map(|c| c.title.as_str()));
    for t in titles {
        let cs: Vec<char> = t.chars().collect();
        for w in cs.windows(3) {
            if w[1].is_whitespace() {
                title_breaks.push((w[0], w[2]));
            }
        }
    }
    if let Some(lines) = &view.meta.title_lines {
        for pair in lines.windows(2) {
            if let (Some(a), Some(b)) = (
                pair[0].trim_end().chars().last(),
                pair[1].trim_start().chars().next(),
            ) {
                title_breaks.push((a, b));
            }
        }
    }
    let edition = view
        .meta
        .edition
        .as_deref()
        .map(|e| format!("·{e}版"))
        .unwrap_or_default();
    preflight::Context {
        document: format!("{}{edition}-{label}", view.meta.region),
        one_page,
        binding: if one_page {
            preflight::Binding::Sheet
        } else {
            r.binding
        },
        families,
        roles,
        accent: (!r.mono).then(|| r.accent.clone()),
        title_breaks,
    }
}

/// 一页纸排不下时，说清楚从哪里开始溢出、每一块有多少内容，标题也算在内。
fn overflow_report(doc: &PagedDocument, view: &View) -> Problems {
    let texts = inspect::page_texts(doc);
    let spill: String = texts
        .get(1)
        .map(|t| t.chars().take(24).collect())
        .unwrap_or_default();
    let chars = |s: &str| s.chars().count();
    let segs =
        |p: &[crate::present::highlight::Segment]| p.iter().map(|s| chars(&s.text)).sum::<usize>();
    let mut parts = vec![format!(
        "标题（{} 字{}）",
        chars(&view.summary.title),
        if chars(&view.summary.title) > 24 {
            "，较长，可在 meta.toml 的 [summary] 中写一个短些的 title"
        } else {
            ""
        }
    )];
    for b in &view.summary.blocks {
        parts.push(match b {
            SummaryBlockView::Indicators { title, cards, .. } => {
                format!("「{title}」{} 项指标", cards.len())
            }
            SummaryBlockView::Prose { title, paragraphs } => format!(
                "「{}」{} 字",
                title.as_deref().unwrap_or("叙述"),
                paragraphs.iter().map(|p| segs(p)).sum::<usize>()
            ),
            SummaryBlockView::Points { title, items }
            | SummaryBlockView::Tasks { title, items } => format!(
                "「{}」{} 条（共 {} 字）",
                title.as_deref().unwrap_or("要点"),
                items.len(),
                items.iter().map(|i| chars(&i.text)).sum::<usize>()
            ),
            SummaryBlockView::Facts { title, facts } => format!(
                "「{}」{} 条（共 {} 字）",
                title.as_deref().unwrap_or("事实"),
                facts.len(),
                facts.iter().map(|f| segs(f)).sum::<usize>()
            ),
            SummaryBlockView::Targets { title, cells, .. } => {
                format!("「{title}」{} 项目标", cells.len())
            }
            SummaryBlockView::Trend(t) => format!(
                "「{}」{} 期",
                t.heading.as_ref().map_or("趋势", |h| h.title.as_str()),
                t.points.len()
            ),
            SummaryBlockView::Table(t) => format!(
                "「{}」{} 行",
                t.heading.as_ref().map_or("表格", |h| h.title.as_str()),
                t.rows.len()
            ),
            SummaryBlockView::Progress { title, lagging, .. } => format!(
                "「{}」滞后事项 {} 条（共 {} 字）",
                title.as_deref().unwrap_or("推进情况"),
                lagging.len(),
                lagging.iter().map(|l| chars(l)).sum::<usize>()
            ),
        });
    }
    Problems(vec![Problem::new(
        Origin::None,
        Kind::Summary.label(),
        format!(
            "内容超出一页（排出 {} 页），第2页从“{spill}”开始。一页纸不会为了塞进一页而缩小字号，请精简：{}。\
             一页纸排哪些块由 meta.toml 的 [summary] 决定，可删去某块或改为点名较少的指标",
            doc.pages().len(),
            parts.join("、"),
        ),
    )])
}

/// 毫米换算为 PDF 的点（1/72 英寸）。
pub fn mm(v: f64) -> f64 {
    v * 72.0 / 25.4
}
