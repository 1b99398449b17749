//! 模板看到的规范化数据（导出为 JSON）。所有计算和格式化都在这里完成，模板只管版式。

use serde::Serialize;

use super::highlight::Segment;

/// 数据格式版本：JSON 结构有不兼容的改动时加一，自己写的模板可据此判断能否读懂。
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize)]
pub struct View {
    pub schema: u32,
    pub render: Render,
    pub meta: MetaView,
    pub overview: OverviewView,
    pub indicators: Vec<IndicatorView>,
    pub main_tasks: TextView,
    pub requirements: TextView,
    pub relations: ListView,
    pub tasks: TasksView,
    pub targets: Vec<TargetView>,
    pub achievements: AchievementsView,
    /// 县区版才有：本县区的指标、排名、比较和分解任务。
    pub county: Option<CountyView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Render {
    /// a4、a5 或 16k。
    pub paper: String,
    /// 每页顶端印的提示语，如“征求意见稿”“示例数据，非官方统计”。
    pub notice: Option<String>,
    pub accent: String,
    pub fonts: FontsView,
}

#[derive(Debug, Clone, Serialize)]
pub struct FontsView {
    pub song: Vec<String>,
    pub hei: Vec<String>,
    pub kai: Vec<String>,
    pub title: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MetaView {
    pub title: String,
    pub subtitle: String,
    pub region: String,
    pub meeting: String,
    pub issuer: String,
    pub classification: String,
    pub issue: Option<String>,
    /// 二〇二三年十二月二十六日
    pub date_cn: String,
    /// 二〇二三年十二月（封面）
    pub month_cn: String,
    /// 2023-12-26
    pub date_iso: String,
    pub meeting_date_cn: String,
    /// 封面标志图片的虚拟路径（`/data/…`，即数据目录中的文件），没有则为 null。
    pub logo: Option<String>,
    /// 县区版的县区名，如“永城市”；全市版为 null。
    pub edition: Option<String>,
    /// 2023年12月26日
    pub meeting_date: String,
}

impl MetaView {
    /// 文件名和 PDF 标识用的地区名：县区版为县区名，全市版为地区名。
    pub fn edition_or_region(&self) -> &str {
        self.edition.as_deref().unwrap_or(&self.region)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct OverviewView {
    pub headline: String,
    pub paragraphs: Vec<Vec<Segment>>,
    pub conclusion: Option<Vec<Segment>>,
}

/// 一个数字：数值（供图表计算）和原样写法（供排印）。
#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    pub value: f64,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct IndicatorView {
    pub id: String,
    pub name: String,
    pub period: String,
    pub value: Option<Figure>,
    pub unit: Option<String>,
    pub growth: Option<Figure>,
    /// “增长4%左右”“下降1.2%”
    pub growth_text: Option<String>,
    /// 增速的限定语，如“左右”。
    pub qualifier: Option<String>,
    /// 只有增速时卡片上的说明：“同比增长”“同比下降”“与上年持平”。
    pub growth_label: Option<String>,
    pub key: bool,
    pub higher_is_better: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct TextView {
    pub title: String,
    pub lead: Option<String>,
    pub paragraphs: Vec<Vec<Segment>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ListView {
    pub title: String,
    pub items: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TasksView {
    pub title: String,
    pub targets_title: String,
    /// 半数以上目标共同的完成时限（如“2024年底前”），一页纸据此省去重复的时限。
    pub common_deadline: Option<String>,
    /// 目标框的标题：目标都在同一年完成时为“2024年目标”，否则为“目标”。
    pub goals_label: String,
    /// 县区分解任务的标题：“2024年分解任务”或“分解任务”。
    pub shares_label: String,
    pub tasks: Vec<TaskView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TaskView {
    /// （一）
    pub number: String,
    pub title: String,
    /// 标题去掉句末标点，供目录使用。
    pub short_title: String,
    /// 标题第一个逗号之前的部分，供一页纸使用，如“坚持以科技创新驱动为关键”。
    pub brief: String,
    pub intro: Option<Vec<Segment>>,
    pub items: Vec<TaskItemView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TaskItemView {
    /// 1.
    pub number: String,
    /// 去掉原文序数（“一要”）后的要点。
    pub text: String,
    /// 原文照录的要点。
    pub original: String,
    pub detail: Option<Vec<Segment>>,
    /// 本要点下的量化目标在 `targets` 中的下标（0 起）。
    pub targets: Vec<usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TargetView {
    /// 一览表序号，1 起。
    pub no: usize,
    /// （1）：在所属要点下的编号。
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

#[derive(Debug, Clone, Serialize)]
pub struct AchievementsView {
    pub title: String,
    pub groups: Vec<AchievementGroupView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AchievementGroupView {
    pub title: String,
    pub facts: Vec<Vec<Segment>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CountyView {
    pub name: String,
    /// 比较范围，如“全市”。
    pub scope: String,
    /// 参与排名的县区数。
    pub count: usize,
    pub notes: Vec<String>,
    pub indicators: Vec<CountyIndicatorView>,
    /// 各县区对比图（关键增速指标），本县区标出。
    pub comparisons: Vec<ComparisonView>,
    /// 分到本县区的目标任务。
    pub targets: Vec<CountyTargetView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CountyIndicatorView {
    pub id: String,
    pub name: String,
    pub period: String,
    pub unit: Option<String>,
    pub key: bool,
    pub value: Option<CountyFigure>,
    pub growth: Option<CountyFigure>,
    /// 本县区的增速措辞，如“增长4.6%”。
    pub growth_text: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
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

#[derive(Debug, Clone, Serialize)]
pub struct ComparisonView {
    pub name: String,
    /// “%”或单位
    pub unit: String,
    pub city: Option<Figure>,
    /// 从好到差排列；县区很多时只列前 10 名和本县区。
    pub rows: Vec<ComparisonRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ComparisonRow {
    pub county: String,
    pub rank: usize,
    pub figure: Figure,
    pub highlight: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct CountyTargetView {
    pub what: String,
    pub unit: Option<String>,
    pub city: Figure,
    pub share: Figure,
    /// “占全市11.3%”
    pub percent_text: String,
    /// “11.3%”（表格的“占比”一列）
    pub percent: String,
    pub deadline_text: String,
}
