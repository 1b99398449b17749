//! 各层共用的叶子：问题报告、数字写法、路径限定、原子写出。它们不依赖本项目的任何其他模块。

pub mod diag;
pub mod number;
pub mod output;
pub mod pool;
pub mod sandbox;
pub mod text;
