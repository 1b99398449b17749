use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use super::Num;

/// `counties.toml`：县区版的设置——县区名单、指标表格的位置和列、目标任务的分解。
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CountiesFile {
    /// 排名和比较的范围，如“全市”（读作“居全市第3位”“高于全市”）。
    pub scope: String,
    /// 县区一级的统称（可选），默认“县（市、区）”，如“在9个县（市、区）中的排名”；也可写“县区”“乡镇”。
    #[serde(default)]
    pub division: Option<String>,
    /// 县区版每页都印的提示语（可选），如“示例数据，非官方统计”。
    #[serde(default)]
    pub notice: Option<String>,
    /// 县区指标表格。
    pub table: Table,
    /// 县区名单，顺序即输出和图表中的默认顺序。
    pub counties: Vec<County>,
    /// 量化目标分解到各县区的数量（可选）。
    #[serde(default)]
    pub shares: Vec<Share>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Table {
    /// 表格文件，相对数据目录：.xlsx 或 .csv。
    #[schemars(with = "String")]
    pub file: Spanned<String>,
    /// Excel 工作表名（.xlsx 必填）。
    #[serde(default)]
    pub sheet: Option<String>,
    /// 县区名称所在列的表头，如“县区”。
    pub name_column: String,
    /// 表头与指标字段的对应。
    pub columns: Vec<Column>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Column {
    /// 表格第一行中的表头文字，如“生产总值增速（%）”。
    pub header: String,
    /// 对应的指标字段：`指标id.value`（总量）或 `指标id.growth`（增速）。
    #[schemars(with = "String")]
    pub field: Spanned<String>,
    /// 各县区的数加起来应等于全市总量（可选，只用于总量列）：`check` 在合计不符时提醒。
    #[serde(default)]
    pub adds_up: Option<bool>,
    /// 合计与全市相差多少以内不提醒（可选，与数字同单位）；默认为各县区四舍五入误差之和（县区数 × 末位的一半）。
    #[serde(default)]
    pub tolerance: Option<f64>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct County {
    /// 县区名称，须与表格中的名称一致，如“永城市”。
    #[schemars(with = "String")]
    pub name: Spanned<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Share {
    /// 目标的 id（见 tasks.toml）。
    #[schemars(with = "String")]
    pub target: Spanned<String>,
    /// 各县区分到的数量，如 { 梁园区 = 6, 睢阳区 = 5 }；合计须等于全市目标数量。
    #[schemars(with = "std::collections::BTreeMap<String, f64>")]
    pub values: IndexMap<String, Num>,
}

/// `counties/<县区名>.toml`：单个县区的说明与更正（可选）。
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CountyFile {
    /// 县区章节开头的说明段落。
    #[serde(default)]
    pub notes: Vec<String>,
    /// 更正表格中的数字：键为 `指标id.value` 或 `指标id.growth`。
    #[serde(default)]
    #[schemars(with = "std::collections::BTreeMap<String, f64>")]
    pub overrides: IndexMap<String, Num>,
}
