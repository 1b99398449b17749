//! 模板看到的规范化数据（导出为 JSON）。所有计算和格式化都在这里完成，模板只管版式。
//! 字段逐一说明见 `docs/templates.md`；结构有改动时 `SCHEMA_VERSION` 加一。

use schemars::JsonSchema;
use serde::Serialize;

use super::highlight::Segment;

/// 数据格式版本：JSON 结构有改动时加一，自己写的模板可据此判断能否读懂。
pub const SCHEMA_VERSION: u32 = 8;

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct View {
    pub schema_version: u32,
    pub render: Render,
    pub meta: MetaView,
    /// 指标全集（indicators.toml 的顺序），供县区版计算和自己写的模板使用。
    pub indicators: Vec<IndicatorView>,
    /// 全部量化目标（各任务块中的目标，按出现顺序）。
    pub targets: Vec<TargetView>,
    /// 本版本的大纲：全市版不含只有县区内容的章。
    pub outline: Vec<ChapterView>,
    pub summary: SummaryView,
    /// 县区版才有：本县区的指标、排名、比较和分解任务。
    pub county: Option<CountyView>,
    /// 完整大纲（含只在县区版出现的章），生成县区版时用；不导出。
    #[serde(skip)]
    pub all_chapters: Vec<ChapterView>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Render {
    /// a4、a5、b5、16k、d16k 或 32k。
    pub paper: String,
    /// 每页顶端印的提示语，如“征求意见稿”“示例数据，非官方统计”。
    pub notice: Option<String>,
    /// 强调色，#RRGGBB。
    pub accent: String,
    pub fonts: FontsView,
    /// 出血（毫米），0 为不出血。页面每边比成品大 bleed + slug。
    pub bleed: f64,
    /// 出血之外放裁切线的边（毫米），不加裁切线时为 0。
    pub slug: f64,
    /// 画裁切线。
    pub crop_marks: bool,
    /// 单色版（强调色换成黑和灰）。
    pub mono: bool,
    /// 黑与灰用 CMYK 的 K 版（印刷用）；PDF/A 存档版为 false，改用灰度。
    pub cmyk: bool,
    /// 斜印在每页上的稿次字样，如“征求意见稿”；与 notice 用同一套标记排出。
    pub draft: Option<String>,
    /// 份号（六位数字，如“000001”），印在封面左上角：`--copies`/`--recipients` 编的号，没有时取 meta.toml 的 copy_no，再没有为 null。
    pub copy_no: Option<String>,
    /// 这一份发给谁（可选），以浅色小字印在每页底边。
    pub recipient: Option<String>,
    /// 封面样式：plain（学习资料式）或 redhead（简报式红头报头）。
    pub cover: String,
    /// 版式风格：formal（会议材料：三线表、正文色的二级标题）或 vivid（色块版：表头底色、隔行底纹、要点色框）。
    pub style: String,
    /// 落款：发文单位署名（theme.signoff，默认为 meta.issuer）；都没有时为 null。
    pub signoff: Option<String>,
    /// 装订方式：saddle（骑马订，补足 4 的倍数页）、side（平订，补足双数页）、sheet（单页，不补白）。
    pub binding: super::Binding,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct FontsView {
    pub song: Vec<String>,
    pub hei: Vec<String>,
    pub kai: Vec<String>,
    pub fangsong: Vec<String>,
    pub title: Vec<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct MetaView {
    /// 文种：学习资料、简报、政府工作报告要点、统计分析。
    pub kind: String,
    pub title: String,
    /// 数据给出的封面分行；没有时为 null，模板自动均衡分行。
    pub title_lines: Option<Vec<String>>,
    pub subtitle: Option<String>,
    pub region: String,
    pub meeting: Option<String>,
    /// 2023年12月26日，或数据原文的说法（如“近日”）。
    pub meeting_date: Option<String>,
    /// 二〇二三年十二月二十六日（数据写的是文字时同 meeting_date）。
    pub meeting_date_cn: Option<String>,
    /// 编印单位；数据没写时为 null（不印）。
    pub issuer: Option<String>,
    /// 封面上的文种字样：默认同 kind；数据写 "" 时为 null（不印）。
    pub label: Option<String>,
    /// 本期的统计期，如“1—7月”。
    pub period: Option<String>,
    /// 数据截至，如“截至10月31日”。
    pub as_of: Option<String>,
    /// 对全文数据都适用的说明，如“初步统计数”。
    pub note: Option<String>,
    pub classification: Option<String>,
    pub issue: Option<String>,
    /// 资料来源。
    pub source: Option<String>,
    /// 二〇二三年十二月二十六日；数据没写编印日期时以下三项都为 null（不印日期）。
    pub date_cn: Option<String>,
    /// 二〇二三年十二月（封面）
    pub month_cn: Option<String>,
    /// 2023-12-26
    pub date_iso: Option<String>,
    /// 封面标志图片的虚拟路径（`/data/…`，即数据目录中的文件），没有则为 null。
    pub logo: Option<String>,
    /// 县区版的县区名，如“永城市”；全市版为 null。
    pub edition: Option<String>,
}

impl MetaView {
    /// 文件名和 PDF 标识用的地区名：县区版为县区名，全市版为地区名。
    pub fn edition_or_region(&self) -> &str {
        self.edition.as_deref().unwrap_or(&self.region)
    }
}

/// 一个数字：数值（供图表计算）和原样写法（供排印）。
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Figure {
    pub value: f64,
    pub text: String,
}

impl Figure {
    /// 零不带负号：数据或 Excel 里的 -0.0 印作 0.0，JSON 中的值也是 0。
    pub fn new(value: f64, text: &str) -> Self {
        Self {
            value: crate::base::number::unsigned_zero_value(value),
            text: crate::base::number::unsigned_zero(text).to_owned(),
        }
    }
}

/// 指标卡片上主数字一行的一段：大字（数字）或小字（单位、限定语、文字目标）。
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Piece {
    pub text: String,
    pub big: bool,
}

/// 一张指标卡片：城市版和县区版、手册和一页纸共用。
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CardView {
    pub name: String,
    pub period: Option<String>,
    /// 县区版的名次，如“居全市第3位”；没有则为 null。
    pub badge: Option<String>,
    /// 主数字是下降的数（卡片上写作“下降42.1%”）：模板用中性色排，不用强调色。
    pub fall: bool,
    /// 主数字一行。
    pub main: Vec<Piece>,
    /// 主数字一行较长，卡片窄时可能要缩小才放得下（模板只对这样的卡片量宽度）。
    pub long: bool,
    /// 主数字下方的说明，每个元素一行，如“同比增长”“增长11.46%”“比1—9月加快0.5个百分点”。
    pub lines: Vec<Vec<Segment>>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct IndicatorView {
    pub id: String,
    pub name: String,
    pub period: Option<String>,
    /// 预期目标（true）还是实绩（false）。
    pub goal: bool,
    pub value: Option<Figure>,
    pub unit: Option<String>,
    /// 总量连同单位和限定语，如“190.1亿元”“突破2.6%”“6.9万人以上”。
    pub value_text: Option<String>,
    pub growth: Option<Figure>,
    /// 增速措辞，如“增长4%左右”“下降1.2%”“保8%、争9%”。
    pub growth_text: Option<String>,
    /// 增速图上的标签：原样数字（负数用减号）加 %，如“8%以上”“−1.2%”。
    pub chart_label: Option<String>,
    /// 只有文字的目标或结果，如“保持正增长”。
    pub text: Option<String>,
    /// 与前一时期的比较，多项时以逗号连接，如“增速比1—9月回落1.6个百分点”。
    pub change_text: Option<String>,
    /// 位次，如“增速继续位居全省第一”；卡片上以角标印出（card.badge）。
    pub rank_text: Option<String>,
    /// 拉动，如“拉动规上工业增长3.3个百分点”。
    pub contribution_text: Option<String>,
    /// 年度目标，如“完成年度目标的76.5%”“超年度目标0.5个百分点”。
    pub goal_text: Option<String>,
    /// 完成比例由程序算得（四舍五入保留一位小数），块的注中说明。
    pub share_computed: bool,
    /// 有由上期数据（--previous）算出的比较，块的注中说明。
    pub computed_comparison: bool,
    /// 增速的比较基准，如“同比”；不写基准时为空串。
    pub basis: String,
    pub notes: Vec<Vec<Segment>>,
    /// 整条指标的一句话，如“规模以上工业增加值增长8%以上”（表格和检查用）。
    pub phrase: String,
    pub card: CardView,
    pub key: bool,
    pub higher_is_better: bool,
}

/// 标题：编号与文字。`level` 2 为（一），3 为 1.，4 为（1），5 为①。
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Heading {
    pub level: usize,
    pub number: String,
    pub title: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ChapterView {
    /// 章标题；不编号的导语章可为空串（不出标题）。
    pub title: String,
    /// 章的编号，如“一、”；不编号的章（导语章、只有一章、数据关掉了编号）为 null。
    pub number: Option<String>,
    /// 数据中这一章是否编号（排各版本时据此编号）。
    #[serde(skip)]
    pub numbered: bool,
    pub blocks: Vec<BlockView>,
    /// 只有县区内容（全市版不排）。
    #[serde(skip)]
    pub county_only: bool,
}

/// 一个内容块。`type` 与数据中的块种类相同，模板按它选组件。
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum BlockView {
    Prose(ProseView),
    Points(PointsView),
    Facts(FactsView),
    Indicators(IndicatorsBlockView),
    Tasks(TasksView),
    Targets(TargetsBlockView),
    Trend(TrendView),
    Table(TableView),
    County(CountyBlockView),
    Progress(ProgressView),
}

/// 推进情况：计数、各事项（可分组）、与上期的对照。
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ProgressView {
    pub id: Option<String>,
    pub heading: Option<Heading>,
    /// 数据截至，如“截至10月31日”。
    pub as_of: Option<String>,
    pub total: usize,
    /// “共13项，其中已完成2项，序时推进8项，滞后3项”
    pub counts_text: String,
    pub counts: Vec<StatusCount>,
    pub has_lead: bool,
    pub has_deadline: bool,
    pub has_note: bool,
    /// 与上期数据对照过（有 change、delta）。
    pub compared: bool,
    /// 不分组时只有一组，标题为 null。
    pub groups: Vec<ProgressGroup>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct StatusCount {
    pub status: String,
    /// done、on_track、behind、severe、not_started
    pub level: String,
    pub count: usize,
    /// 滞后、严重滞后、未开工：模板加标记突出（单色版也看得出）。
    pub lagging: bool,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ProgressGroup {
    pub title: Option<String>,
    pub items: Vec<ProgressItemView>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ProgressItemView {
    /// 原文顺序的序号，1 起。
    pub no: usize,
    pub title: String,
    pub lead: Option<String>,
    pub co: Vec<String>,
    /// “2024年底前”或原文说法。
    pub deadline: Option<String>,
    /// “80%”“完成3.2亿元，占计划的64.0%”“已进场施工”
    pub progress: Option<String>,
    pub status: Option<String>,
    /// 状态连同它说的部分，如“马站未开工”。
    pub status_text: Option<String>,
    pub level: Option<String>,
    pub lagging: bool,
    /// 与上期比：“本期新完成”“新增滞后”“不再滞后”“本期新增”。
    pub change: Option<String>,
    /// 与上期比的进度变化：“比上期提高20个百分点”。
    pub delta: Option<String>,
    pub note: Option<String>,
    pub category: Option<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ProseView {
    pub id: Option<String>,
    pub heading: Option<Heading>,
    pub lead: Option<String>,
    pub headline: Option<String>,
    pub paragraphs: Vec<Vec<Segment>>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct PointsView {
    pub id: Option<String>,
    pub heading: Option<Heading>,
    pub items: Vec<NumberedText>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct NumberedText {
    pub number: String,
    /// 去掉原文序数（“一要”）后的文字。
    pub text: String,
    /// 原文照录。
    pub original: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct FactsView {
    pub id: Option<String>,
    pub heading: Option<Heading>,
    pub groups: Vec<FactGroupView>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct FactGroupView {
    pub heading: Option<Heading>,
    pub facts: Vec<Vec<Segment>>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct IndicatorsBlockView {
    pub id: Option<String>,
    pub heading: Option<Heading>,
    /// cards 或 table。
    pub form: String,
    /// 是否画增速图（有增速的指标不少于 2 项）。
    pub chart: bool,
    pub chart_title: String,
    pub items: Vec<IndicatorView>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct TasksView {
    pub id: Option<String>,
    pub heading: Option<Heading>,
    /// 目标框的标题：目标都在同一年完成时为“2024年目标”，否则为“目标”。
    pub goals_label: String,
    pub tasks: Vec<TaskView>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct TaskView {
    pub heading: Heading,
    /// 标题第一个逗号之前的部分，供一页纸使用，如“坚持以科技创新驱动为关键”。
    pub brief: String,
    pub intro: Option<Vec<Segment>>,
    pub items: Vec<TaskItemView>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct TaskItemView {
    /// 1.
    pub number: String,
    /// 去掉原文序数（“一要”）后的要点。
    pub text: String,
    /// 原文照录的要点。
    pub original: String,
    pub detail: Option<Vec<Segment>>,
    /// 本要点下的量化目标。
    pub targets: Vec<TargetView>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct TargetView {
    /// 一览表序号，1 起。
    pub no: usize,
    /// 在所属要点下的编号，如（1）。
    pub number: String,
    pub id: String,
    /// 所属一级任务的编号，如“（六）”。
    pub task_number: String,
    pub what: String,
    pub quantity: Option<Figure>,
    pub unit: Option<String>,
    /// “打通断头路3条”
    pub text: String,
    pub deadline: String,
    /// “2024年底前”
    pub deadline_text: String,
    pub lead: Option<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct TargetsBlockView {
    pub id: Option<String>,
    pub heading: Option<Heading>,
    pub has_lead: bool,
    pub rows: Vec<TargetView>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct TrendView {
    pub id: Option<String>,
    pub heading: Option<Heading>,
    pub unit: String,
    /// line 或 bar。
    pub style: String,
    pub points: Vec<TrendPoint>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct TrendPoint {
    pub label: String,
    pub value: f64,
    /// 原样写法；负数用减号“−”。
    pub text: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct TableView {
    pub id: Option<String>,
    pub heading: Option<Heading>,
    pub columns: Vec<TableColumn>,
    pub rows: Vec<Vec<TableCell>>,
    /// 各行的样式，与 rows 一一对应：缩进的分项行（其中）、加粗的行。
    pub styles: Vec<RowStyle>,
    /// 数据给出的注，以及有缺数据时的“—表示……”。
    pub notes: Vec<String>,
}

/// 表格一行的样式。
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
pub struct RowStyle {
    /// 分项行（“其中”）：第一格缩进。
    pub indent: bool,
    /// 加粗突出（如合计行）。
    pub emphasis: bool,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct TableColumn {
    pub header: String,
    /// 这一列的数据都是数字（或缺数据）：右对齐。
    pub numeric: bool,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct TableCell {
    pub text: String,
    pub numeric: bool,
    pub missing: bool,
    pub negative: bool,
    /// 状态列中表示滞后的格子（滞后、严重滞后、未开工……）：模板加“▲”并加粗。
    pub lagging: bool,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CountyBlockView {
    pub heading: Option<Heading>,
    /// 县区内容各小节的编号，依次取用，如 ["（一）", "（二）", "（三）"]。
    pub numbers: Vec<String>,
    /// 小节编号的标题级别。
    pub level: usize,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SummaryView {
    pub title: String,
    /// 标题下的概括语（可选）。
    pub headline: Option<String>,
    pub blocks: Vec<SummaryBlockView>,
    /// 全部块及其适用的版本（None 为都排），生成各版本时据此挑选；不导出。
    #[serde(skip)]
    pub all_blocks: Vec<(Option<crate::model::meta::Only>, SummaryBlockView)>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum SummaryBlockView {
    Indicators {
        title: String,
        cards: Vec<CardView>,
        /// 数据点名的指标 id（县区版据此换成本县区的卡片）。
        #[serde(skip)]
        ids: Vec<String>,
    },
    Prose {
        title: Option<String>,
        paragraphs: Vec<Vec<Segment>>,
    },
    Points {
        title: Option<String>,
        items: Vec<NumberedText>,
    },
    Facts {
        title: Option<String>,
        facts: Vec<Vec<Segment>>,
    },
    Tasks {
        title: Option<String>,
        items: Vec<NumberedText>,
    },
    Targets {
        title: String,
        /// 县区版的标题（如“2024年分解任务”前加县区名）。
        #[serde(skip)]
        county_title: String,
        /// “（除注明外，均为2024年底前完成）”
        note: Option<String>,
        cells: Vec<TargetCell>,
    },
    Trend(TrendView),
    Table(TableView),
    /// 推进情况：计数一行和滞后事项。
    Progress {
        title: Option<String>,
        counts_text: String,
        as_of: Option<String>,
        /// 滞后事项，如“推进县职业中专扩容提升（22%，严重滞后）”。
        lagging: Vec<String>,
        /// 与上期对照时，本期新完成的事项。
        done: Vec<String>,
        /// 其余事项（不滞后的），如“建设四好农村路55公里（95%）”：一页纸有地方时列出，没地方时只留计数一句。
        others: Vec<String>,
    },
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct TargetCell {
    /// 大字：数量或时限。
    pub big: String,
    pub unit: Option<String>,
    pub what: String,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CountyView {
    pub name: String,
    /// 比较范围，如“全市”。
    pub scope: String,
    /// 县区一级的统称，如“县（市、区）”。
    pub division: String,
    /// 参与排名的县区数。
    pub count: usize,
    pub notes: Vec<String>,
    pub indicators: Vec<CountyIndicatorView>,
    /// 各县区对比图（关键增速指标），本县区标出。
    pub comparisons: Vec<ComparisonView>,
    /// 分到本县区的目标任务。
    pub targets: Vec<CountyTargetView>,
    /// 小节标题：“主要指标”“在9个县（市、区）中的位置”“2024年分解任务”。
    pub titles: CountyTitles,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CountyTitles {
    pub indicators: String,
    pub comparisons: String,
    pub targets: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CountyIndicatorView {
    pub id: String,
    pub name: String,
    pub period: Option<String>,
    pub unit: Option<String>,
    pub key: bool,
    pub value: Option<CountyFigure>,
    pub growth: Option<CountyFigure>,
    /// 本县区的增速措辞，如“增长4.6%”。
    pub growth_text: Option<String>,
    pub card: CardView,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CountyFigure {
    pub figure: Figure,
    /// 全市同一指标。
    pub city: Option<Figure>,
    pub rank: usize,
    /// “居全市第3位”
    pub rank_text: String,
    /// 增速：“高于全市0.6个百分点”；总量：“占全市12.3%”。
    pub compare_text: Option<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ComparisonView {
    pub name: String,
    /// “%”或单位
    pub unit: String,
    pub city: Option<Figure>,
    /// 图例：“虚线为全市水平4%”。
    pub legend: Option<String>,
    /// 从好到差排列；县区很多时只列前 10 名和本县区。
    pub rows: Vec<ComparisonRow>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ComparisonRow {
    pub county: String,
    pub rank: usize,
    pub figure: Figure,
    pub highlight: bool,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CountyTargetView {
    pub what: String,
    pub unit: Option<String>,
    pub city: Figure,
    pub share: Figure,
    /// 分到本县区的数量的单位：不足一万的“万”量改写成个数（0.12万个 → 1200个），与 unit 不同。
    pub share_unit: Option<String>,
    /// “占全市11.3%”
    pub percent_text: String,
    /// “11.3%”（表格的“占比”一列）
    pub percent: String,
    pub deadline_text: String,
}
