use schemars::JsonSchema;
use serde::Deserialize;

use toml::Spanned;

use super::Date;

/// `meta.toml`：文档元信息、一页纸的内容与版式主题。
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MetaFile {
    pub meta: Meta,
    /// 一页纸排哪些内容（可选）；不写时排重点指标、任务清单和量化目标中数据里有的部分。
    #[serde(default)]
    pub summary: Option<Summary>,
    #[serde(default)]
    pub theme: Theme,
}

/// 文档种类：只决定默认的措辞（如封面的文种、指标是实绩还是预期目标），不决定内容。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
pub enum DocKind {
    #[default]
    #[serde(rename = "学习资料")]
    StudyMaterial,
    #[serde(rename = "简报")]
    Briefing,
    #[serde(rename = "政府工作报告要点")]
    WorkReport,
    #[serde(rename = "统计分析")]
    Statistics,
}

impl DocKind {
    pub fn label(self) -> &'static str {
        match self {
            DocKind::StudyMaterial => "学习资料",
            DocKind::Briefing => "简报",
            DocKind::WorkReport => "政府工作报告要点",
            DocKind::Statistics => "统计分析",
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    /// 文种（可选）：学习资料（默认）、简报、政府工作报告要点、统计分析。
    #[serde(default)]
    pub kind: DocKind,
    /// 主标题，如“构筑建设新高地 擘画发展新蓝图”。封面上自动分成长短均衡的几行。
    pub title: String,
    /// 封面上主标题的分行（可选），如 ["构筑建设新高地", "擘画发展新蓝图"]；连起来须与 title 一致（空格除外）。
    #[serde(default)]
    pub title_lines: Option<Vec<String>>,
    /// 副标题（可选），如“——市委六届五次全会暨市委经济工作会议精神解读”。
    #[serde(default)]
    pub subtitle: Option<String>,
    /// 地区名，用于封面和输出文件名，如“商丘市”。
    pub region: String,
    /// 会议名称（可选）。
    #[serde(default)]
    pub meeting: Option<String>,
    /// 会议召开日期（可选）：TOML 日期，如 2023-12-26；或原文的说法，如 "近日" "12月下旬"。
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub meeting_date: Option<toml::Spanned<toml::Value>>,
    /// 编印日期（可选）：封面日期、PDF 时间戳都取自这里，而不是电脑时钟。不写则不印日期，PDF 也不带时间戳。
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub date: Option<Date>,
    /// 编印单位（可选）：不写则封面、落款都不印。
    #[serde(default)]
    pub issuer: Option<String>,
    /// 封面上的文种字样（可选）：默认为 kind（如“统计分析”），可写任意文字如“工作回顾”，写 "" 则不印。
    #[serde(default)]
    pub label: Option<String>,
    /// 本期的统计期（可选），如“1—7月”“三季度”：`--previous` 算比较时用作上期的时期，`init --from` 据此推出下期。
    #[serde(default)]
    pub period: Option<String>,
    /// 数据截至（可选），印在封面和一页纸上，如“截至10月31日”“数据截至2023年7月”。
    #[serde(default)]
    pub as_of: Option<String>,
    /// 对全文数据都适用的说明（可选），只印一次（封面和一页纸的截至日期旁），如“初步统计数”。
    #[serde(default)]
    pub note: Option<String>,
    /// 上期数据集（可选），相对本数据目录的路径，如 "../wangcang-2023-06"：与上期比较的说法由两期数据算出，
    /// 进度块标出本期新完成和新增滞后的事项。命令行 `--previous` 优先。
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub previous: Option<toml::Spanned<String>>,
    /// 密级或发放范围（可选），如“内部资料 注意保存”。
    #[serde(default)]
    pub classification: Option<String>,
    /// 份号（可选），公文模板印在版头左上角，如 "000001"（6 位阿拉伯数字）。
    #[serde(default)]
    pub copy_no: Option<String>,
    /// 期号等附加说明（可选），如“第1期”；红头封面印在报名下方，公文模板用作发文字号。
    #[serde(default)]
    pub issue: Option<String>,
    /// 每页顶端都印的提示语（可选），如“征求意见稿”。
    #[serde(default)]
    pub notice: Option<String>,
    /// 资料来源（可选），印在手册末尾和一页纸页脚，如“据《政府工作报告》（2023年1月4日）整理”。
    #[serde(default)]
    pub source: Option<String>,
    /// 封面标志图片（可选），相对数据目录的路径，如 "logo.png"；不得用 .. 或绝对路径越出数据目录。
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub logo: Option<Spanned<String>>,
}

/// 一页纸：标题和按顺序排列的内容块。仍然严格一页 A4，排不下时报错并指出哪一块太长。
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Summary {
    /// 一页纸的标题（可选），默认为主标题。
    #[serde(default)]
    pub title: Option<String>,
    /// 标题下的概括语（可选），如“稳中向好、稳中提质、稳中蓄势”。
    #[serde(default)]
    pub headline: Option<String>,
    /// 内容块，按先后顺序。
    #[serde(default)]
    pub blocks: Vec<SummaryBlock>,
}

/// 一页纸上的一块：引用大纲中某个块（ref），或直接点名指标（type = "indicators"）。
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SummaryBlock {
    /// 种类：indicators、prose、points、facts、tasks、targets、trend、table、county。
    #[serde(rename = "type")]
    #[schemars(with = "crate::model::outline::BlockType")]
    pub kind: Spanned<crate::model::outline::BlockType>,
    /// 引用的大纲块的 id（indicators 与 county 以外的种类必填）。
    #[serde(default, rename = "ref")]
    #[schemars(with = "Option<String>")]
    pub reference: Option<Spanned<String>>,
    /// 要排的指标 id（indicators，可选），不写则排 key = true 的指标。
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub indicators: Option<Vec<Spanned<String>>>,
    /// 小标题（可选），默认取所引用块或章的标题。
    #[serde(default)]
    pub title: Option<String>,
    /// 只在哪种版本中排（可选）：city（全市版）或 county（县区版）；不写则都排。
    /// 如县区版的一页纸要留出地方给本县区的数字，可让“会议主要任务”只在全市版出现。
    #[serde(default)]
    #[schemars(with = "Option<Only>")]
    pub only: Option<toml::Spanned<Only>>,
}

/// 一页纸的块只在哪种版本中排。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Only {
    /// 只在全市版。
    City,
    /// 只在县区版。
    County,
}

/// 版式主题：各字体角色使用的字体族、纸张、强调色、封面样式、版式风格、落款。改这里就能换样式，不必碰 Typst 模板。
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Theme {
    #[serde(default)]
    pub fonts: FontRoles,
    /// 默认纸张：a4、a5、b5、16k、d16k 或 32k。命令行 `--paper` 优先。
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub paper: Option<Spanned<String>>,
    /// 强调色（标题、数字高亮、报头），写成 "#RRGGBB"，如 "#c00000"。
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub accent: Option<Spanned<String>>,
    /// 封面样式：plain（学习资料式封面）或 redhead（简报式红头报头：大号红色报名、第N期、编印单位和日期压在红线上）。
    /// 不写时，文种为“简报”用 redhead，其余用 plain。
    #[serde(default)]
    pub cover: Option<Cover>,
    /// 版式风格：formal（默认，会议材料的样式：三线表、正文色的二级标题、要点和事实排成段落）
    /// 或 vivid（色块版：表头底色、隔行底纹、强调色的表线和二级标题、要点加色框、事实前加一字线）。
    #[serde(default)]
    pub style: Option<Style>,
    /// 落款（可选）：手册末尾和公文模板署名处印的发文单位，如“中共商丘市委办公室”；不写时用 meta.issuer。
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub signoff: Option<Spanned<String>>,
}

/// 版式风格。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Style {
    /// 会议材料的样式：三线表，强调色只用于封面、章标题和关键数字。
    #[default]
    Formal,
    /// 色块版：表头底色与隔行底纹、强调色的表线和二级标题、要点加色框、事实前加一字线。
    Vivid,
}

impl Style {
    pub fn label(self) -> &'static str {
        match self {
            Style::Formal => "formal",
            Style::Vivid => "vivid",
        }
    }
}

/// 封面样式。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Cover {
    /// 学习资料式封面：色带、居中大标题、编印单位与年月。
    Plain,
    /// 简报式红头：大号红色报名、第N期、编印单位和日期压在红线上，正文紧接在报头下。
    Redhead,
}

impl Cover {
    pub fn label(self) -> &'static str {
        match self {
            Cover::Plain => "plain",
            Cover::Redhead => "redhead",
        }
    }
}

/// 字体角色。每个角色可列出多个字体族，按顺序回退；均须在 fonts/ 或 --font-path 中提供。
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FontRoles {
    /// 宋体角色（正文），默认 Noto Serif SC。
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub song: Option<Vec<Spanned<String>>>,
    /// 黑体角色（标题、表格），默认 Noto Sans SC。
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub hei: Option<Vec<Spanned<String>>>,
    /// 楷体角色（引文、强调），默认 LXGW WenKai。
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub kai: Option<Vec<Spanned<String>>>,
    /// 仿宋角色（公文正文），默认随附的朱雀仿宋（Zhuque Fangsong），它没有的字用 Noto Serif SC；
    /// 要用仿宋_GB2312 等商业字体时，用 --font-path 加入并写在这里。
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub fangsong: Option<Vec<Spanned<String>>>,
    /// 大标题角色（封面、报头），默认 Noto Serif SC（Black 字重）。
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub title: Option<Vec<Spanned<String>>>,
}

/// 一个字体角色的字体族，各带在 meta.toml 中的位置（默认值没有位置）。
pub type LocatedFamilies = Vec<(String, Option<std::ops::Range<usize>>)>;

impl FontRoles {
    /// 各角色的字体族（数据写的，或默认）及其在 meta.toml 中的位置（默认值没有位置）。
    pub fn resolved(&self) -> Vec<(&'static str, LocatedFamilies)> {
        let role = |v: &Option<Vec<Spanned<String>>>, default: &[&str]| match v {
            Some(list) => list
                .iter()
                .map(|s| (s.get_ref().trim().to_owned(), Some(s.span())))
                .collect(),
            None => default.iter().map(|f| ((*f).to_owned(), None)).collect(),
        };
        vec![
            ("song", role(&self.song, &["Noto Serif SC"])),
            ("hei", role(&self.hei, &["Noto Sans SC"])),
            ("kai", role(&self.kai, &["LXGW WenKai"])),
            // 朱雀仿宋有 GB 2312 的全部汉字，另有约四千字；更少见的字用宋体补上，而不是报错。
            (
                "fangsong",
                role(&self.fangsong, &["Zhuque Fangsong", "Noto Serif SC"]),
            ),
            ("title", role(&self.title, &["Noto Serif SC"])),
        ]
    }
}
