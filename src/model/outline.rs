use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use super::Num;

/// `outline.toml`：简报手册的大纲——各章的标题和内容块，按先后顺序排版。
/// 数据没有声明的内容一律不排；模板里没有写死的章节。
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OutlineFile {
    /// 章是否编号 一、二、……（默认 true；只有一章时不编号）。写 false 则各章都不编号。
    #[serde(default)]
    pub numbered: Option<bool>,
    /// 各章，排版编号为 一、二、……（县区版中只有县区才有的章也按位置编号）。
    #[serde(default)]
    pub chapters: Vec<Chapter>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Chapter {
    /// 章标题，如“工作回顾”。县区版中可写 {县区}，排版时换成县区名，如“{县区}主要指标与分解任务”。
    /// 不编号的导语章（numbered = false）可以不写标题：内容直接接在封面（或目录）之后。
    #[serde(default)]
    pub title: Option<String>,
    /// 这一章是否编号（默认 true）。导语、总体情况写 false：不占编号，后面的章仍从“一、”排起。
    #[serde(default)]
    pub numbered: Option<bool>,
    /// 本章的内容块，按先后顺序。
    #[serde(default)]
    pub blocks: Vec<Block>,
}

/// 内容块的种类。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum BlockType {
    /// 叙述：导语（可选）、概括语（可选）、正文段落。
    Prose,
    /// 并列要点，如“四个关系”；原文开头的“一要”“二是”由编号取代。
    Points,
    /// 成绩事实，可分组；其中的数字加粗突出。
    Facts,
    /// 指标：卡片加增速图，或指标多时的表格。
    Indicators,
    /// 分层任务清单及量化目标（内容在 tasks.toml 或 file 指定的文件中）。
    Tasks,
    /// 量化目标一览表（汇总各任务块中的目标）。
    Targets,
    /// 趋势：一组按时期排列的数字，画成折线图或柱形图。
    Trend,
    /// 表格：行列数据，写在这里或来自 xlsx/csv 文件。
    Table,
    /// 县区版的本县区内容（指标、排名、对比图、分解任务）；全市版不排。
    County,
    /// 推进情况：重点工作、项目、民生实事的进度和状态，附计数（内容在 progress.toml 或 file 指定的文件中）。
    Progress,
}

impl BlockType {
    pub fn name(self) -> &'static str {
        match self {
            BlockType::Prose => "prose",
            BlockType::Points => "points",
            BlockType::Facts => "facts",
            BlockType::Indicators => "indicators",
            BlockType::Tasks => "tasks",
            BlockType::Targets => "targets",
            BlockType::Trend => "trend",
            BlockType::Table => "table",
            BlockType::County => "county",
            BlockType::Progress => "progress",
        }
    }
}

/// 一个内容块。`type` 决定它用哪些字段；写了不属于这种块的字段会报错（不会被悄悄忽略）。
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Block {
    /// 块的种类：prose、points、facts、indicators、tasks、targets、trend、table、county。
    #[serde(rename = "type")]
    #[schemars(with = "BlockType")]
    pub kind: Spanned<BlockType>,
    /// 标识（可选，字母数字下划线），一页纸用它引用这个块，如 "main_tasks"。
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub id: Option<Spanned<String>>,
    /// 小标题（可选），排版编号为（一）（二）……；不写则不出小标题。
    #[serde(default)]
    pub title: Option<String>,

    // ——prose——
    /// 导语（prose，可选）：单独成段，以楷体色块排出。
    #[serde(default)]
    pub lead: Option<String>,
    /// 概括语（prose，可选）：以大字居中排出，如“稳中向好、稳中提质、稳中蓄势”。
    #[serde(default)]
    pub headline: Option<String>,
    /// 正文段落（prose），每个元素一段。
    #[serde(default)]
    pub paragraphs: Option<Vec<String>>,

    // ——points——
    /// 要点（points），每个元素一条。
    #[serde(default)]
    pub items: Option<Vec<String>>,

    // ——facts——
    /// 事实（facts，不分组时），每个元素一条。
    #[serde(default)]
    pub facts: Option<Vec<String>>,
    /// 事实分组（facts）：每组有小标题和事实。
    #[serde(default)]
    pub groups: Option<Vec<FactGroup>>,

    // ——indicators——
    /// 要排的指标 id（indicators，可选），按这里的顺序；不写则排 indicators.toml 中的全部指标。
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub indicators: Option<Vec<Spanned<String>>>,
    /// 版式（indicators，可选）：cards（卡片）、table（表格）；不写时 8 项以内用卡片，更多用表格。
    #[serde(default)]
    pub form: Option<String>,
    /// 是否画增速图（indicators，可选，默认有增速的指标不少于 2 项时画）。
    #[serde(default)]
    pub chart: Option<bool>,

    // ——tasks / table——
    /// 内容所在的文件（tasks：默认 tasks.toml；table：.xlsx 或 .csv），相对数据目录。
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub file: Option<Spanned<String>>,
    /// Excel 工作表名（table 来自 .xlsx 时必填）。
    #[serde(default)]
    pub sheet: Option<String>,

    // ——trend——
    /// 趋势的各期数字（trend），如 { label = "1—5月", value = 3.3 }。
    #[serde(default)]
    pub series: Option<Vec<Point>>,
    /// 趋势数字的单位（trend，默认 "%"）。
    #[serde(default)]
    pub unit: Option<String>,
    /// 图的样式（trend）：line（折线，默认）或 bar（柱形）。
    #[serde(default)]
    pub style: Option<String>,

    // ——table——
    /// 表头（table）：每列一个，单位写进表头，如 "增速（%）"。来自文件时可不写（取文件第一行）。
    #[serde(default)]
    pub columns: Option<Vec<String>>,
    /// 各行（table）：每行一个数组，元素为文字或数字；"" 或 "—" 表示缺数据，印作“—”。
    #[serde(default)]
    #[schemars(with = "Option<Vec<Vec<serde_json::Value>>>")]
    pub rows: Option<Vec<Vec<Spanned<toml::Value>>>>,

    // ——table（统计表）——
    /// 缩进的分项行（table，可选）：数据行的序号（1 起），如 [2, 3] 表示第2、3行是上一行的“其中”。
    /// 第一格以“其中”开头的行自动缩进，不必写在这里。
    #[serde(default)]
    pub indent: Option<Vec<usize>>,
    /// 加粗突出的行（table，可选）：数据行的序号（1 起），如合计行。
    #[serde(default)]
    pub emphasis: Option<Vec<usize>>,
    /// 状态列（table，可选）：这一列的表头；格子里的“滞后”“严重滞后”“未开工”等状态像进度块一样加“▲”并加粗。
    #[serde(default)]
    pub status_column: Option<String>,

    // ——progress——
    /// 分组（progress，可选）：status（按状态，滞后的在前）、lead（按牵头单位）、category（按分类）；不写则按原文顺序。
    #[serde(default)]
    pub group: Option<String>,

    /// 块下方的注（indicators、trend、table、progress，可选），如资料来源或口径说明、对整块都适用的“（预计）”。
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FactGroup {
    /// 分组标题（可选），如“创新发展全面起势”，排版编号为（一）（二）……
    #[serde(default)]
    pub title: Option<String>,
    /// 事实，每条一句或几句，原文照录；其中的数字会自动加粗突出。
    pub facts: Vec<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Point {
    /// 时期，如“1—5月”。
    pub label: String,
    /// 数字，原样写法照印。
    #[schemars(with = "f64")]
    pub value: Num,
}
