//! 输入数据的类型化模型：与数据文件一一对应，未知字段一律拒绝。
//!
//! 数字用 `Spanned<f64>` 保存，以便在规范化时从源文件取回原样写法（“4” 不会变成 “4.0”），
//! 并让校验错误指向准确的行列。

pub mod counties;
pub mod indicators;
pub mod meta;
pub mod outline;
pub mod progress;
pub mod tasks;

use toml::Spanned;

/// 一个数字及其在源文件中的位置。
pub type Num = Spanned<f64>;
/// 一个 TOML 日期（如 `2023-12-26`）及其位置。
pub type Date = Spanned<toml::value::Datetime>;
