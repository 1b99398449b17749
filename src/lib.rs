//! jianbao（简报）：把指标数据和任务清单排成可付印的中文简报手册和一页纸。
//!
//! 数据流向是单向的，模块按层排列，每层只用它下面的层：
//! `base`（问题报告、数字写法、路径限定、原子写出）
//! → `model`（数据文件的类型）→ `load`（读文件，定位每个问题）
//! → `present`（规范化视图，即模板拿到的 JSON）→ `typeset`（typst：World、字体、模板、版面检查）
//! → `render`（一份文档：排版 → 检查 → PDF）→ `project`（一次运行的准备）→ `batch`（批量与清单）。
//! `postpress`（印前后处理：在 PDF 字节上写成品框、出血框，骑马钉拼版）只用 lopdf，不依赖其他层。

pub mod base;
pub mod batch;
pub mod changes;
pub mod copies;
pub mod init;
pub mod isolate;
pub mod load;
pub mod model;
pub mod postpress;
pub mod present;
pub mod preview;
pub mod project;
pub mod release;
pub mod render;
pub mod schema;
pub mod serve;
pub mod stamp;
pub mod typeset;
