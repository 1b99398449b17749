use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use super::Num;

/// `indicators.toml`：指标。大纲中的 indicators 块和一页纸按 id 引用它们，县区表格的列也按 id 对应。
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IndicatorsFile {
    /// 这些指标是预期目标（如政府工作报告的目标），而不是已经实现的数字。默认按文档种类：
    /// 政府工作报告要点为 true，其余为 false。单个指标可用 goal 另行指定。
    #[serde(default)]
    pub goals: Option<bool>,
    #[serde(default)]
    pub indicators: Vec<Indicator>,
}

/// 一项指标。可以有总量（value）、增速（growth）、只有文字的目标（text），或几样都有；
/// 每个数字都可带限定语，如“以上”“左右”“突破”“控制在…以内”。
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    /// 唯一标识（字母、数字、下划线），县区表格的列名与它对应。
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// 指标名称，如“规上工业增加值”。
    pub name: String,
    /// 统计期（可选），如“1至11月”“11月末”“全年（预计）”。
    #[serde(default)]
    pub period: Option<String>,
    /// 是否为预期目标（可选），不写时取文件的 goals。
    #[serde(default)]
    pub goal: Option<bool>,
    /// 总量或水平（可选），如 190.1、2.6；原样照印（14.0 仍印 14.0）。
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    pub value: Option<Num>,
    /// 总量单位，如“亿元”“%”；填写了 value 时必填。
    #[serde(default)]
    pub unit: Option<String>,
    /// 总量的限定语（可选）：以上、以下、以内、左右、突破、不低于……，或用 … 代表数字，如“控制在…以内”。
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub value_qualifier: Option<Spanned<String>>,
    /// 增速（%，可选），负数表示下降，如 -1.2 读作“下降1.2%”。
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    pub growth: Option<Num>,
    /// 增速的限定语（可选），写法同 value_qualifier，如“以上”“左右”。
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub growth_qualifier: Option<Spanned<String>>,
    /// 限定语（可选）：只有总量或只有增速时，加在那一个数字上；两者都有时请改用 value_qualifier 或 growth_qualifier。
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub qualifier: Option<Spanned<String>>,
    /// 争取的增速（可选），与 growth 一起读作“保8%、争9%”。
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    pub growth_aim: Option<Num>,
    /// 只有文字、没有数字的目标或结果（可选），如“保持正增长”“增长与经济增长同步”。
    #[serde(default)]
    pub text: Option<String>,
    /// 与前一时期相比的变化（个百分点，可选），正数读作“加快”，负数读作“回落”。
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    pub change: Option<Num>,
    /// 比较的时期，填写了 change 时必填，如“1—9月”（读作“比1—9月加快0.5个百分点”）；以“较”开头时不再加“比”。
    #[serde(default)]
    pub change_base: Option<String>,
    /// 变化的说法（可选）：[上升时, 下降时]，默认 ["加快", "回落"]，如 ["回升", "回落"]。
    #[serde(default)]
    pub change_words: Option<Vec<String>>,
    /// 补充说明（可选），每个元素一句，排在数字下方，其中的数字加粗突出，如“上拉全市工业增速5.1个百分点”。
    #[serde(default)]
    pub notes: Vec<String>,
    /// 是否为重点指标（可选，默认 true）：一页纸不点名指标时排重点指标。
    #[serde(default = "yes")]
    pub key: bool,
    /// 数值越大越好（排名方向），默认 true；如“单位能耗”应设为 false。
    #[serde(default = "yes")]
    pub higher_is_better: bool,
}

fn yes() -> bool {
    true
}
