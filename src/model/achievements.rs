use schemars::JsonSchema;
use serde::Deserialize;

/// `achievements.toml`：工作回顾的成绩事实。
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AchievementsFile {
    /// 章节标题，如“工作回顾”。
    pub title: String,
    pub groups: Vec<AchievementGroup>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AchievementGroup {
    /// 分组标题，如“创新发展全面起势”。
    pub title: String,
    /// 事实，每条一句或几句，原文照录；其中的数字会自动加粗突出。
    pub facts: Vec<String>,
}
