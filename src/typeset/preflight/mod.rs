//! 版面检查（preflight）：在 typst 排好的页面上查印刷编辑会挑出的毛病——避头尾、孤字、
//! 标题或数字在词中断开、背题、只有一项的编号、多余的空白页和大片留白、文字互相压住、
//! 字体回退、一页纸上过小的字、看不清的强调色。
//!
//! 查的是真实的版面（typst 排出的帧：每段文字的位置、字号、字体，以及标题、表格等元素的起止），
//! 不是从数据推测。每条发现指出文档、页码、位置和那一行的文字。

mod layout;
mod pages;
mod style;
mod text;

use std::fmt;

use serde::{Deserialize, Serialize};
use typst_layout::PagedDocument;

/// 检查项。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    /// 行首出现了不能居首的标点（，。、；：？！”）》……）。
    LineStartPunct,
    /// 行末出现了不能居末的标点（“（《……）。
    LineEndPunct,
    /// 行中间的全角标点被压窄（标点宽窄不一）。
    Squeezed,
    /// 段落、标题、单元格的最后一行只有一个字（标题两个字以内）。
    Runt,
    /// 数字、日期、单位或网址被拆在两行。
    SplitNumber,
    /// 封面标题、副标题、章标题在词中断开。
    SplitTitle,
    /// 标题、表题、框题落在页尾（背题）。
    HeadingAtFoot,
    /// 表格起始页上表头下不足两行。
    TableHeaderAlone,
    /// 一个层级只有一项却编了号（“（一）”之后没有“（二）”）。
    SingleNumbered,
    /// 装订不需要的空白页。
    BlankPage,
    /// 页面下部空出三分之一以上，而它不是文档的最后一页。
    EmptyPage,
    /// 文末的会议、资料来源、落款单独占了一页，上面没有一行正文（GB/T 9704 不许“此页无正文”）。
    LoneColophon,
    /// 文字互相压住。
    Overlap,
    /// 文字伸出版面或页面。
    OutsideArea,
    /// 文字用了主题没有指定的字体（字体回退）。
    FontFallback,
    /// 字体缺字（印出来是方框）。
    MissingGlyph,
    /// 一页纸上小于 8pt 的字。
    TooSmall,
    /// 强调色与纸张的对比度不足 4.5:1。
    LowContrast,
    /// typst 五遍内没有排定：版面可能与检查看到的不同。
    Unsettled,
}

impl Rule {
    /// 中文名称，报告中用。
    pub fn name(self) -> &'static str {
        match self {
            Rule::LineStartPunct => "避头",
            Rule::LineEndPunct => "避尾",
            Rule::Squeezed => "标点挤压",
            Rule::Runt => "孤字",
            Rule::SplitNumber => "数字断开",
            Rule::SplitTitle => "标题断词",
            Rule::HeadingAtFoot => "背题",
            Rule::TableHeaderAlone => "表头孤悬",
            Rule::SingleNumbered => "单项编号",
            Rule::BlankPage => "空白页",
            Rule::EmptyPage => "大片留白",
            Rule::LoneColophon => "落款单独成页",
            Rule::Overlap => "文字重叠",
            Rule::OutsideArea => "出界",
            Rule::FontFallback => "字体回退",
            Rule::MissingGlyph => "缺字",
            Rule::TooSmall => "字号过小",
            Rule::LowContrast => "对比度不足",
            Rule::Unsettled => "版面未定",
        }
    }
}

/// 一条发现。
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Finding {
    pub rule: Rule,
    /// 文档（如“商丘市-简报手册”）。
    pub document: String,
    /// 页码（从 1 数的物理页，即 PDF 阅读器显示的页序号）；与页面无关的发现为 0。
    pub page: usize,
    /// 位置：离页面左边和上边的毫米数。
    pub x_mm: f64,
    pub y_mm: f64,
    /// 那一行的文字。
    pub text: String,
    /// 说明与修改建议。
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.page > 0 {
            write!(
                f,
                "{} 第{}页（左{:.0}毫米，上{:.0}毫米）【{}】{}",
                self.document,
                self.page,
                self.x_mm,
                self.y_mm,
                self.rule.name(),
                self.message
            )?;
        } else {
            write!(
                f,
                "{}【{}】{}",
                self.document,
                self.rule.name(),
                self.message
            )?;
        }
        if !self.text.is_empty() {
            write!(f, "：“{}”", self.text)?;
        }
        Ok(())
    }
}

pub use crate::present::Binding;

/// 检查一份文档需要知道的、不在版面里的东西。
#[derive(Debug, Clone)]
pub struct Context {
    /// 文档名称（报告中用）。
    pub document: String,
    /// 是否一页纸（查字号、底部留白）。
    pub one_page: bool,
    pub binding: Binding,
    /// 主题指定的全部字体族：版面上出现别的字体就是回退。
    pub families: Vec<String>,
    /// 各字体角色（song、hei、kai、fangsong、title）的字体族：模板要求的角色不能只是宋体的替身。
    pub roles: Vec<(String, Vec<String>)>,
    /// 强调色 #RRGGBB（单色版为 None）。
    pub accent: Option<String>,
    /// 数据给出的标题分行处、标题中的空格处：标题在这些地方换行是数据的意思。
    pub title_breaks: Vec<(char, char)>,
}

/// 一页纸上文字的最小字号（pt）。
pub const MIN_PT: f64 = 8.0;

/// 查一份排好的文档。发现按页码排列。
pub fn check(doc: &PagedDocument, cx: &Context) -> Vec<Finding> {
    inspect(doc, cx).findings
}

/// 检查的结果：版面问题，以及不算问题、只给用户参考的提示。
pub struct Inspection {
    pub findings: Vec<Finding>,
    /// 模板已尽力、只有改数据才能改善的地方（如一页纸内容少，放大到上限仍排不满）。
    pub notes: Vec<String>,
}

/// 查一份排好的文档，连同提示。
pub fn inspect(doc: &PagedDocument, cx: &Context) -> Inspection {
    let layout = layout::read(doc);
    let mut notes = Vec::new();
    let mut out = Vec::new();
    let mut add = |rule: Rule, page: usize, x: f64, y: f64, text: &str, message: String| {
        out.push(Finding {
            rule,
            document: cx.document.clone(),
            page,
            x_mm: x * 25.4 / 72.0,
            y_mm: y * 25.4 / 72.0,
            text: text.chars().take(40).collect(),
            message,
        });
    };
    text::check(&layout, cx, &mut add);
    pages::check(&layout, cx, &mut add, &mut notes);
    style::check(&layout, doc, cx, &mut add);
    out.sort_by_key(|f| f.page);
    Inspection {
        findings: out,
        notes,
    }
}

/// typst 五遍内没有排定的文档：模板里按位置所做的调整来回摆动，排出的版面可能与检查看到的不同。
pub fn unsettled(document: &str) -> Finding {
    Finding {
        rule: Rule::Unsettled,
        document: document.to_owned(),
        page: 0,
        x_mm: 0.0,
        y_mm: 0.0,
        text: String::new(),
        message: "版面在 typst 的五遍排版内没有定下来（模板按位置所做的调整在两种排法之间来回摆动），\
                  页码、目录或文末落款可能与检查看到的不同；请查看排出的最后几页，或把数据目录交给维护者"
            .into(),
    }
}

/// 检查函数报告发现的方式：(检查项, 页码（从 1 数）, x, y（pt）, 那一行的文字, 说明)。
type Add<'a> = dyn FnMut(Rule, usize, f64, f64, &str, String) + 'a;

/// 一组发现的一行摘要与前几条，供 build、batch、watch、preview 打印。
pub fn summary(findings: &[Finding], first: usize) -> String {
    if findings.is_empty() {
        return "版面检查：未发现问题".into();
    }
    let mut counts: Vec<(Rule, usize)> = Vec::new();
    for f in findings {
        match counts.iter_mut().find(|(r, _)| *r == f.rule) {
            Some((_, n)) => *n += 1,
            None => counts.push((f.rule, 1)),
        }
    }
    let by_rule: Vec<String> = counts
        .iter()
        .map(|(r, n)| format!("{}{n}处", r.name()))
        .collect();
    let mut s = format!(
        "版面检查：发现 {} 处问题（{}）",
        findings.len(),
        by_rule.join("、")
    );
    for f in findings.iter().take(first) {
        s.push_str("\n  ");
        s.push_str(&f.to_string());
    }
    if findings.len() > first {
        s.push_str(&format!(
            "\n  ……其余 {} 处见 jianbao check --layout",
            findings.len() - first
        ));
    }
    s
}
