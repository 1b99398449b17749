use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use super::Num;

/// `progress.toml`：重点工作、重点项目、民生实事的推进情况（进度块的内容）。
/// 每项有牵头单位、进度、状态；程序数出“共13项，已完成2项，滞后3项”，滞后的加标记突出。
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgressFile {
    /// 数据截至（可选），印在计数一行之前，如“截至10月31日”。
    #[serde(default)]
    pub as_of: Option<String>,
    /// 补充或改写状态表（可选）：原文用了默认表之外的说法（如“偏慢”“提前完成年度任务”）时在这里写明它属于哪一类。
    #[serde(default)]
    pub statuses: Vec<StatusDef>,
    pub items: Vec<ProgressItem>,
}

/// 一种状态及其类别。
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusDef {
    /// 状态的说法，与 items 的 status 一致，如“偏慢”。
    pub name: String,
    /// 类别：done（已完成）、on_track（按序时推进）、behind（滞后）、severe（严重滞后）、not_started（未开工）。
    pub level: StatusLevel,
}

/// 状态的类别：决定计数的先后和是否突出。
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StatusLevel {
    Done,
    OnTrack,
    Behind,
    Severe,
    NotStarted,
}

impl StatusLevel {
    pub fn name(self) -> &'static str {
        match self {
            StatusLevel::Done => "done",
            StatusLevel::OnTrack => "on_track",
            StatusLevel::Behind => "behind",
            StatusLevel::Severe => "severe",
            StatusLevel::NotStarted => "not_started",
        }
    }

    /// 要突出的类别：滞后、严重滞后、未开工。
    pub fn lagging(self) -> bool {
        matches!(
            self,
            StatusLevel::Behind | StatusLevel::Severe | StatusLevel::NotStarted
        )
    }
}

/// 一个事项。
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgressItem {
    /// 标识（可选，字母数字下划线）：与上期（--previous）对照时按它找同一事项，不写时按 title。
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub id: Option<Spanned<String>>,
    /// 事项内容，照录原文，如“建设四好农村路55公里”。
    #[schemars(with = "String")]
    pub title: Spanned<String>,
    /// 牵头单位（可选）。
    #[serde(default)]
    pub lead: Option<String>,
    /// 配合单位（可选）。
    #[serde(default)]
    pub co: Vec<String>,
    /// 完成时限（可选）：TOML 日期（2024-12-31，印作“2024年底前”）或原文说法（如“年底前”）。
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub deadline: Option<Spanned<toml::Value>>,
    /// 完成进度（%，可选），原样照印，如 98.4。
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    pub percent: Option<Num>,
    /// 已完成的量（可选），与 plan、unit 一起读作“完成3.2亿元，占计划的64.0%”。
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    pub done: Option<Num>,
    /// 计划的量（可选，与 done 同单位）。
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    pub plan: Option<Num>,
    /// done 与 plan 的单位，如“亿元”“公里”。
    #[serde(default)]
    pub unit: Option<String>,
    /// 进度的文字说明（可选），照录，如“已进场施工”。
    #[serde(default)]
    pub progress: Option<String>,
    /// 状态（可选），如“已完成”“序时推进”“进度滞后”“严重滞后”“未开工”；原文没说的不要补。
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub status: Option<Spanned<String>>,
    /// 状态说的是哪一部分（可选），如“马站”：印作“（马站未开工）”，与原文一致。
    #[serde(default)]
    pub status_of: Option<String>,
    /// 分类（可选），如“市民生实事”：可按它分组。
    #[serde(default)]
    pub category: Option<String>,
    /// 备注（可选）。
    #[serde(default)]
    pub note: Option<String>,
}
