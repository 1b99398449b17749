use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use super::Num;

/// `indicators.toml`：主要经济指标。
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IndicatorsFile {
    pub indicators: Vec<Indicator>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    /// 唯一标识（字母、数字、下划线），县区表格的列名与它对应。
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// 指标名称，如“规上工业增加值”。
    pub name: String,
    /// 统计期，如“1至11月”“11月末”“全年（预计）”。
    pub period: String,
    /// 总量（可选），如 190.1。
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    pub value: Option<Num>,
    /// 总量单位，如“亿元”；填写了 value 时必填。
    #[serde(default)]
    pub unit: Option<String>,
    /// 增速（%，可选），负数表示下降，如 -1.2 读作“下降1.2%”。
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    pub growth: Option<Num>,
    /// 增速的限定语（可选），如“左右”。
    #[serde(default)]
    pub qualifier: Option<String>,
    /// 是否放入一页纸和指标卡片的首要位置，默认 true。
    #[serde(default = "yes")]
    pub key: bool,
    /// 数值越大越好（排名方向），默认 true；如“单位能耗”应设为 false。
    #[serde(default = "yes")]
    pub higher_is_better: bool,
}

fn yes() -> bool {
    true
}
