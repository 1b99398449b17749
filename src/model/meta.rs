use schemars::JsonSchema;
use serde::Deserialize;

use toml::Spanned;

use super::Date;

/// `meta.toml`：文档元信息、开篇综述与版式主题。
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MetaFile {
    pub meta: Meta,
    pub overview: Overview,
    #[serde(default)]
    pub theme: Theme,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    /// 主标题，如“构筑建设新高地 擘画发展新蓝图”。
    pub title: String,
    /// 副标题，如“——市委六届五次全会暨市委经济工作会议精神解读”。
    pub subtitle: String,
    /// 地区名，用于封面和输出文件名，如“商丘市”。
    pub region: String,
    /// 会议名称。
    pub meeting: String,
    /// 会议召开日期（TOML 日期，如 2023-12-26）。
    #[schemars(with = "String")]
    pub meeting_date: Date,
    /// 编印日期：封面日期、PDF 时间戳都取自这里，而不是电脑时钟。
    #[schemars(with = "String")]
    pub date: Date,
    /// 编印单位。
    pub issuer: String,
    /// 密级或发放范围，如“内部资料 注意保存”。
    pub classification: String,
    /// 期号等附加说明（可选），如“第1期”。
    #[serde(default)]
    pub issue: Option<String>,
    /// 每页顶端都印的提示语（可选），如“征求意见稿”。
    #[serde(default)]
    pub notice: Option<String>,
    /// 封面标志图片（可选），相对数据目录的路径，如 "logo.png"；不得用 .. 或绝对路径越出数据目录。
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub logo: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Overview {
    /// 概括性的一句话，如“稳中向好、稳中提质、稳中蓄势”。
    pub headline: String,
    /// 综述段落，每个元素一段。
    pub paragraphs: Vec<String>,
    /// 指标之后的总结句（可选）。
    #[serde(default)]
    pub conclusion: Option<String>,
}

/// 版式主题：各字体角色使用的字体族，以及默认纸张与强调色。
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Theme {
    #[serde(default)]
    pub fonts: FontRoles,
    /// 默认纸张：a4、a5 或 16k。命令行 `--paper` 优先。
    #[serde(default)]
    pub paper: Option<String>,
    /// 强调色（标题、数字高亮），如 "#c00000"。
    #[serde(default)]
    pub accent: Option<String>,
}

/// 字体角色。每个角色可列出多个字体族，按顺序回退；均须在 fonts/ 或 --font-path 中提供。
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FontRoles {
    /// 宋体角色（正文），默认 Noto Serif SC。
    #[serde(default)]
    pub song: Option<Vec<String>>,
    /// 黑体角色（标题、表格），默认 Noto Sans SC。
    #[serde(default)]
    pub hei: Option<Vec<String>>,
    /// 楷体角色（引文、强调），默认 LXGW WenKai。
    #[serde(default)]
    pub kai: Option<Vec<String>>,
    /// 大标题角色（封面、报头），默认 Noto Serif SC（Black 字重）。
    #[serde(default)]
    pub title: Option<Vec<String>>,
}
