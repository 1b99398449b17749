use schemars::JsonSchema;
use serde::Deserialize;

/// `sections.toml`：叙述性章节。
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SectionsFile {
    /// 会议主要任务。
    pub main_tasks: TextSection,
    /// 经济工作的总体要求。
    pub requirements: TextSection,
    /// 四个关系等并列要点。
    pub relations: ListSection,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TextSection {
    /// 章节标题。
    pub title: String,
    /// 导语（可选），单独成段、以楷体排出，如会议召开的消息。
    #[serde(default)]
    pub lead: Option<String>,
    /// 正文段落，每个元素一段。
    pub paragraphs: Vec<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListSection {
    /// 章节标题。
    pub title: String,
    /// 要点，每个元素一条。
    pub items: Vec<String>,
}
