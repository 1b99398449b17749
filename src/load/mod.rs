//! 数据集：一个目录下的若干 TOML 文件（以及县区表格），读入为类型化模型。

pub mod toml_file;

use std::path::{Path, PathBuf};

use crate::diag::{Problem, Problems};
use crate::model::achievements::AchievementsFile;
use crate::model::indicators::IndicatorsFile;
use crate::model::meta::MetaFile;
use crate::model::sections::SectionsFile;
use crate::model::tasks::TasksFile;
pub use toml_file::SourceFile;

/// 数据集目录中各文件的名字。
pub const META: &str = "meta.toml";
pub const INDICATORS: &str = "indicators.toml";
pub const SECTIONS: &str = "sections.toml";
pub const TASKS: &str = "tasks.toml";
pub const ACHIEVEMENTS: &str = "achievements.toml";

/// 一个解析好的 TOML 文件：模型加原文。
#[derive(Debug)]
pub struct Parsed<T> {
    pub value: T,
    pub source: SourceFile,
}

#[derive(Debug)]
pub struct DataSet {
    pub dir: PathBuf,
    pub meta: Parsed<MetaFile>,
    pub indicators: Parsed<IndicatorsFile>,
    pub sections: Parsed<SectionsFile>,
    pub tasks: Parsed<TasksFile>,
    pub achievements: Parsed<AchievementsFile>,
}

impl DataSet {
    /// 读入整个数据集；所有文件都会读，问题一并报告。
    pub fn load(dir: &Path) -> Result<Self, Problems> {
        let mut problems = Problems::default();
        if !dir.is_dir() {
            problems.push(Problem::in_file(dir, "数据目录不存在或不是目录"));
            return Err(problems);
        }
        let meta = parse_file(dir, META, &mut problems);
        let indicators = parse_file(dir, INDICATORS, &mut problems);
        let sections = parse_file(dir, SECTIONS, &mut problems);
        let tasks = parse_file(dir, TASKS, &mut problems);
        let achievements = parse_file(dir, ACHIEVEMENTS, &mut problems);
        match (meta, indicators, sections, tasks, achievements) {
            (Some(meta), Some(indicators), Some(sections), Some(tasks), Some(achievements))
                if problems.is_empty() =>
            {
                Ok(Self {
                    dir: dir.to_owned(),
                    meta,
                    indicators,
                    sections,
                    tasks,
                    achievements,
                })
            }
            _ => Err(problems),
        }
    }
}

fn parse_file<T: serde::de::DeserializeOwned>(
    dir: &Path,
    name: &str,
    problems: &mut Problems,
) -> Option<Parsed<T>> {
    let path = dir.join(name);
    let source = match SourceFile::read(&path) {
        Ok(s) => s,
        Err(p) => {
            problems.push(p);
            return None;
        }
    };
    match source.parse::<T>() {
        Ok(value) => Some(Parsed { value, source }),
        Err(p) => {
            problems.push(p);
            None
        }
    }
}
