//! 数据集：一个目录下的若干 TOML 文件（以及县区表格），读入为类型化模型。

pub mod table;
pub mod toml_file;

use std::path::{Path, PathBuf};

use crate::diag::{Problem, Problems};
use std::collections::BTreeMap;

use crate::model::achievements::AchievementsFile;
use crate::model::counties::{CountiesFile, CountyFile};
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
/// 县区版设置（可选）和各县区的说明文件目录（可选）。
pub const COUNTIES: &str = "counties.toml";
pub const COUNTY_DIR: &str = "counties";

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
    pub counties: Option<CountyData>,
}

/// 县区版的原始数据：设置文件、指标表格、各县区的说明文件。
#[derive(Debug)]
pub struct CountyData {
    pub settings: Parsed<CountiesFile>,
    pub grid: table::Grid,
    /// 县区名 → `counties/<县区名>.toml`
    pub files: BTreeMap<String, Parsed<CountyFile>>,
}

impl DataSet {
    /// 数据集中所有 TOML 文件的原文。
    pub fn sources(&self) -> Vec<&SourceFile> {
        let mut out = vec![
            &self.meta.source,
            &self.indicators.source,
            &self.sections.source,
            &self.tasks.source,
            &self.achievements.source,
        ];
        if let Some(c) = &self.counties {
            out.push(&c.settings.source);
            out.extend(c.files.values().map(|f| &f.source));
        }
        out
    }
}

/// 逐个文件读入的结果：读不进来的文件为 None，问题记在 `problems` 里。
#[derive(Debug, Default)]
pub struct Parts {
    pub meta: Option<Parsed<MetaFile>>,
    pub indicators: Option<Parsed<IndicatorsFile>>,
    pub sections: Option<Parsed<SectionsFile>>,
    pub tasks: Option<Parsed<TasksFile>>,
    pub achievements: Option<Parsed<AchievementsFile>>,
    pub counties: Option<CountyData>,
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
            counties: load_counties(dir, &mut problems),
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
                counties,
                problems,
            } if problems.is_empty() => Ok(DataSet {
                dir: dir.to_owned(),
                meta,
                indicators,
                sections,
                tasks,
                achievements,
                counties,
            }),
            other => Err(Box::new(other)),
        }
    }
}

/// 能否用作文件名（县区名会成为输出目录名和 counties/<县区名>.toml）：不含路径符号，不以 . 开头。
pub fn safe_file_stem(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && !name.chars().any(|c| {
            matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') || c.is_control()
        })
}

/// 有 counties.toml 时读入县区数据；表格文件路径相对数据目录，且不得越出数据目录。
fn load_counties(dir: &Path, problems: &mut Problems) -> Option<CountyData> {
    if !dir.join(COUNTIES).exists() {
        return None;
    }
    let settings: Parsed<CountiesFile> = parse_file(dir, COUNTIES, problems)?;
    let table = &settings.value.table;
    let rel = table.file.get_ref();
    let Some(path) = crate::typeset::confine::resolve(dir, rel) else {
        problems.push(Problem::new(
            settings.source.origin(Some(table.file.span())),
            "table.file",
            format!("表格文件 “{rel}” 不存在，或不在数据目录之内"),
        ));
        return None;
    };
    let grid = match table::read(&path, &dir.join(rel), table.sheet.as_deref()) {
        Ok(g) => g,
        Err(p) => {
            problems.push(p);
            return None;
        }
    };
    let mut files = BTreeMap::new();
    for county in &settings.value.counties {
        let name = county.name.get_ref();
        let rel = format!("{COUNTY_DIR}/{name}.toml");
        // 不安全的县区名由 present::county 报告；这里只是不去读越界的文件。
        if safe_file_stem(name)
            && crate::typeset::confine::resolve(dir, &rel).is_some()
            && let Some(parsed) = parse_file(dir, &rel, problems)
        {
            files.insert(name.clone(), parsed);
        }
    }
    Some(CountyData {
        settings,
        grid,
        files,
    })
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
        Err(found) => {
            problems.0.extend(found);
            None
        }
    }
}
