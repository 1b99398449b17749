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

/// 逐个文件读入的结果：读不进来的文件为 None，问题记在 `problems` 里。
#[derive(Debug, Default)]
pub struct Parts {
    pub meta: Option<Parsed<MetaFile>>,
    pub indicators: Option<Parsed<IndicatorsFile>>,
    pub sections: Option<Parsed<SectionsFile>>,
    pub tasks: Option<Parsed<TasksFile>>,
    pub achievements: Option<Parsed<AchievementsFile>>,
    pub problems: Problems,
}

impl DataSet {
    /// 读入整个数据集的每个文件；有的文件出错，其余文件照样读，问题一并记下。
    pub fn load_parts(dir: &Path) -> Parts {
        let mut problems = Problems::default();
        if !dir.is_dir() {
            problems.push(Problem::in_file(dir, "数据目录不存在或不是目录"));
            return Parts {
                problems,
                ..Parts::default()
            };
        }
        Parts {
            meta: parse_file(dir, META, &mut problems),
            indicators: parse_file(dir, INDICATORS, &mut problems),
            sections: parse_file(dir, SECTIONS, &mut problems),
            tasks: parse_file(dir, TASKS, &mut problems),
            achievements: parse_file(dir, ACHIEVEMENTS, &mut problems),
            problems,
        }
    }
}

impl Parts {
    /// 所有文件都读进来了才算完整的数据集。
    pub fn complete(self, dir: &Path) -> Result<DataSet, Box<Self>> {
        match self {
            Parts {
                meta: Some(meta),
                indicators: Some(indicators),
                sections: Some(sections),
                tasks: Some(tasks),
                achievements: Some(achievements),
                problems,
            } if problems.is_empty() => Ok(DataSet {
                dir: dir.to_owned(),
                meta,
                indicators,
                sections,
                tasks,
                achievements,
            }),
            other => Err(Box::new(other)),
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
