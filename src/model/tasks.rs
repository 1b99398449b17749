use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use super::{Date, Num};

/// `tasks.toml`（或 tasks 块的 file 指定的文件）：分层任务清单及量化目标。
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TasksFile {
    /// 一级任务，排版编号随所在位置，如（一）（二）……
    #[serde(default)]
    pub tasks: Vec<Task>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Task {
    /// 一级任务标题，如“坚持以科技创新驱动为关键，全力激活高质量发展新动能。”
    pub title: String,
    /// 标题后的说明（可选）。
    #[serde(default)]
    pub intro: Option<String>,
    /// 二级任务，排版编号为 1. 2. ……；原文开头的“一要”“二是”等序数会被编号取代。
    #[serde(default)]
    pub items: Vec<TaskItem>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskItem {
    /// 要点，如“二要深入实施中心城市更新行动。”
    pub text: String,
    /// 要点后的具体内容（可选），原文照录。
    #[serde(default)]
    pub detail: Option<String>,
    /// 该要点下的量化目标，排版时编号为（1）（2）……并汇入目标一览表。
    #[serde(default)]
    pub targets: Vec<Target>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// 唯一标识，县区分解任务按它对应。
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// 做什么，如“打通断头路”。
    pub what: String,
    /// 数量（可选；里程碑式目标可不填），如 3、1.3。
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    pub quantity: Option<Num>,
    /// 数量单位，如“条”“万个”；填写了 quantity 时必填。
    #[serde(default)]
    pub unit: Option<String>,
    /// 完成时限（TOML 日期）。12-31 读作“年底前”，06-30 读作“上半年”。
    #[schemars(with = "String")]
    pub deadline: Date,
    /// 牵头单位（可选）。
    #[serde(default)]
    pub lead: Option<String>,
}
