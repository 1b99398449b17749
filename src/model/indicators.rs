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
    /// 增速的比较基准（可选），对本文件全部指标适用：“同比”“比上年”……；写 "" 表示不写基准（原文只说“增长”时）。
    /// 不写时实绩为“同比”，预期目标不写。单个指标可用 basis 另行指定。
    #[serde(default)]
    pub basis: Option<String>,
    /// 对全部指标都适用的说明（可选），只印一次，如“（预计）”“初步统计数”：印在每个指标块的注里，不必逐项重复。
    #[serde(default)]
    pub note: Option<String>,
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
    /// 增速的比较基准（可选）：“同比”“比上年”“比上年同期”；写 "" 表示不写（原文只说“增长”时）。
    /// 卡片、表格和一页纸用同一种说法。
    #[serde(default)]
    pub basis: Option<String>,
    /// 与前一时期的比较（可选，可写多项），如 `{ base = "1—9月", change = -1.6 }` 读作“增速比1—9月回落1.6个百分点”。
    /// 用 --previous 给出上期数据时，没写的比较由两期增速算出。
    #[serde(default)]
    pub compare: Vec<Compare>,
    /// 位次（可选）：写成文字，如 "全省第一"；或 `{ scope = "全省", position = 1 }`；
    /// 或给出同类的数字由程序排：`{ scope = "全省", peers = { 洛阳 = 6.5, 南阳 = 7.9 } }`。
    #[serde(default)]
    pub rank: Option<Rank>,
    /// 拉动（可选），如 `{ to = "规上工业增长", points = 3.3 }` 读作“拉动规上工业增长3.3个百分点”，负数读作“下拉”。
    #[serde(default)]
    pub contribution: Option<Contribution>,
    /// 年度目标（可选）：`{ value = 1200 }`（与总量同单位，算出“完成年度目标的76.5%”）、
    /// `{ growth = 8 }`（与增速比，读作“超/距年度目标差…个百分点”）或 `{ share = 76.5 }`（已算好的完成比例）。
    #[serde(default)]
    pub annual_goal: Option<AnnualGoal>,
    /// 与上期相比增速最多变化多少个百分点（可选）：用 --previous 时，变化更大的（本指标和各县区的增速）
    /// 由 `check` 提醒核对，如 10。
    #[serde(default)]
    pub max_change: Option<f64>,
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

/// 与前一时期的比较。
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Compare {
    /// 比较的时期，如“1—9月”“9月当月”“上年同期”；以“比”“较”开头时不再加“比”。
    pub base: String,
    /// 主语（可选）：增速、降幅、涨幅……；不写时按增速的正负取（两期都下降时为“降幅”），写 "" 表示不写主语。
    #[serde(default)]
    pub subject: Option<String>,
    /// 变化（个百分点）：本期减前期，如 7.2% 比 8.8% 写 -1.6。
    #[schemars(with = "f64")]
    pub change: Num,
    /// 动词（可选）：[数值变大时, 数值变小时]，默认增速为 ["提高", "回落"]，降幅为 ["收窄", "扩大"]。
    #[serde(default)]
    pub words: Option<Vec<String>>,
}

/// 位次：文字，或表。
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Rank {
    /// 照录的位次，如“全省第一”“全市第3位”。
    Text(String),
    Place(RankPlace),
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RankPlace {
    /// 照录的位次（可选），如“全省第一”。
    #[serde(default)]
    pub text: Option<String>,
    /// 排名范围，如“全省”“全市”“17个省辖市”（position 或 peers 时必填）。
    #[serde(default)]
    pub scope: Option<String>,
    /// 名次（1 起）。
    #[serde(default)]
    pub position: Option<u32>,
    /// 同类的数字（不含本地区），按 higher_is_better 排出名次，如 { 洛阳 = 6.5, 南阳 = 7.9 }。
    #[serde(default)]
    #[schemars(with = "Option<std::collections::BTreeMap<String, f64>>")]
    pub peers: Option<indexmap::IndexMap<String, f64>>,
    /// 按什么排：growth（增速，有增速时默认）或 value（总量）。
    #[serde(default)]
    pub by: Option<String>,
    /// 主语（可选），默认按增速排时为“增速”，按总量时为“总量”；写 "" 表示不写。
    #[serde(default)]
    pub subject: Option<String>,
    /// 动词（可选），默认“居”，如“继续位居”“跃居”。
    #[serde(default)]
    pub verb: Option<String>,
}

/// 拉动。
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contribution {
    /// 拉动的对象，如“规上工业增长”“全市工业增速”。
    pub to: String,
    /// 拉动的百分点，负数为下拉。
    #[schemars(with = "f64")]
    pub points: Num,
    /// 动词（可选）：[正数时, 负数时]，默认 ["拉动", "下拉"]，如 ["上拉", "下拉"]。
    #[serde(default)]
    pub words: Option<Vec<String>>,
}

/// 年度目标。value、growth、share 三者写一个。
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AnnualGoal {
    /// 年度目标的总量（与指标的 value 同单位）。
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    pub value: Option<Num>,
    /// 年度目标的增速（%）。
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    pub growth: Option<Num>,
    /// 已算好的完成比例（%），照印。
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    pub share: Option<Num>,
    /// 叫法（可选），默认“年度目标”，如“年度计划”。
    #[serde(default)]
    pub label: Option<String>,
}
