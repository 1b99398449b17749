//! jianbao（简报）：把指标数据和任务清单排成可付印的中文简报手册和一页纸。
//!
//! 数据流向是单向的：
//! 数据文件（`load`）→ 类型化模型（`model`）→ 规范化视图与 JSON（`present`）
//! → typst 模板（`typeset`）→ 版面检查与 PDF（`render`）→ 原子写出（`output`）。

pub mod batch;
pub mod diag;
pub mod load;
pub mod model;
pub mod output;
pub mod present;
pub mod project;
pub mod render;
pub mod schema;
pub mod typeset;
