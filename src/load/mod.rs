//! 数据集：一个目录下的若干 TOML 文件（以及表格），读入为类型化模型。
//! 必有 meta.toml 和 outline.toml；其余文件按大纲的引用读入。

pub mod table;
pub mod toml_file;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::base::diag::{Problem, Problems};
use crate::base::sandbox::{self, DATA_DIR};
use crate::model::counties::{CountiesFile, CountyFile};
use crate::model::indicators::IndicatorsFile;
use crate::model::meta::MetaFile;
use crate::model::outline::{BlockType, OutlineFile};
use crate::model::progress::ProgressFile;
use crate::model::tasks::TasksFile;
pub use toml_file::SourceFile;

/// 数据集目录中各文件的名字。
pub const META: &str = "meta.toml";
pub const OUTLINE: &str = "outline.toml";
pub const INDICATORS: &str = "indicators.toml";
/// tasks 块不写 file 时读这个文件。
pub const TASKS: &str = "tasks.toml";
/// progress 块不写 file 时读这个文件。
pub const PROGRESS: &str = "progress.toml";
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
    pub outline: Parsed<OutlineFile>,
    /// indicators.toml（有这个文件时）。
    pub indicators: Option<Parsed<IndicatorsFile>>,
    /// 任务文件：相对路径 → 内容（tasks 块引用的每个文件）。
    pub tasks: BTreeMap<String, Parsed<TasksFile>>,
    /// 进度文件：相对路径 → 内容（progress 块引用的每个文件）。
    pub progress: BTreeMap<String, Parsed<ProgressFile>>,
    /// 表格文件：(相对路径, 工作表) → 内容（table 块引用的每个文件）。
    pub tables: BTreeMap<(String, Option<String>), table::Grid>,
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
        let mut out = vec![&self.meta.source, &self.outline.source];
        out.extend(self.indicators.iter().map(|i| &i.source));
        out.extend(self.tasks.values().map(|t| &t.source));
        out.extend(self.progress.values().map(|t| &t.source));
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
    pub outline: Option<Parsed<OutlineFile>>,
    pub indicators: Option<Parsed<IndicatorsFile>>,
    pub tasks: BTreeMap<String, Parsed<TasksFile>>,
    pub progress: BTreeMap<String, Parsed<ProgressFile>>,
    pub tables: BTreeMap<(String, Option<String>), table::Grid>,
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
        let meta = parse_file(dir, META, &mut problems);
        let outline: Option<Parsed<OutlineFile>> = parse_file(dir, OUTLINE, &mut problems);
        let indicators = sandbox::present(dir, INDICATORS)
            .then(|| parse_file(dir, INDICATORS, &mut problems))
            .flatten();
        let mut tasks = BTreeMap::new();
        let mut progress = BTreeMap::new();
        let mut tables = BTreeMap::new();
        if let Some(o) = &outline {
            for (ci, chapter) in o.value.chapters.iter().enumerate() {
                for (bi, block) in chapter.blocks.iter().enumerate() {
                    let field = format!("chapters[{ci}].blocks[{bi}].file");
                    match *block.kind.get_ref() {
                        BlockType::Tasks => {
                            let rel = block
                                .file
                                .as_ref()
                                .map_or(TASKS.to_owned(), |f| f.get_ref().clone());
                            if tasks.contains_key(&rel) {
                                continue;
                            }
                            if let Err(refused) = sandbox::locate(dir, &rel) {
                                problems.push(Problem::new(
                                    o.source.origin(block.file.as_ref().map(|f| f.span())),
                                    field,
                                    format!("任务文件 “{rel}”：{}", refused.reason(DATA_DIR)),
                                ));
                                continue;
                            }
                            if let Some(p) = parse_file(dir, &rel, &mut problems) {
                                tasks.insert(rel, p);
                            }
                        }
                        BlockType::Progress => {
                            let rel = block
                                .file
                                .as_ref()
                                .map_or(PROGRESS.to_owned(), |f| f.get_ref().clone());
                            if progress.contains_key(&rel) {
                                continue;
                            }
                            if let Err(refused) = sandbox::locate(dir, &rel) {
                                problems.push(Problem::new(
                                    o.source.origin(block.file.as_ref().map(|f| f.span())),
                                    field,
                                    format!("进度文件 “{rel}”：{}", refused.reason(DATA_DIR)),
                                ));
                                continue;
                            }
                            if let Some(p) = parse_file(dir, &rel, &mut problems) {
                                progress.insert(rel, p);
                            }
                        }
                        BlockType::Table => {
                            let Some(file) = &block.file else { continue };
                            let key = (file.get_ref().clone(), block.sheet.clone());
                            if tables.contains_key(&key) {
                                continue;
                            }
                            match read_table(dir, &key.0, key.1.as_deref()) {
                                Ok(grid) => {
                                    tables.insert(key, grid);
                                }
                                Err(Ok(p)) => problems.push(p),
                                Err(Err(refused)) => problems.push(Problem::new(
                                    o.source.origin(Some(file.span())),
                                    field,
                                    format!("表格文件 “{}”：{}", key.0, refused.reason(DATA_DIR)),
                                )),
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
        Parts {
            meta,
            outline,
            indicators,
            tasks,
            progress,
            tables,
            counties: load_counties(dir, &mut problems),
            problems,
        }
    }
}

impl Parts {
    /// 必需的文件都读进来了、没有问题，才算完整的数据集。
    pub fn complete(self, dir: &Path) -> Result<DataSet, Box<Self>> {
        match self {
            Parts {
                meta: Some(meta),
                outline: Some(outline),
                indicators,
                tasks,
                progress,
                tables,
                counties,
                problems,
            } if problems.is_empty() => Ok(DataSet {
                dir: dir.to_owned(),
                meta,
                outline,
                indicators,
                tasks,
                progress,
                tables,
                counties,
            }),
            other => Err(Box::new(other)),
        }
    }
}

/// 能否用作文件名（地区名、县区名会成为输出文件名和目录名）：不含路径符号，不以 . 开头，不太长，
/// 没有看不见的方向控制符和零宽字符。
pub fn safe_file_stem(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name.len() <= MAX_NAME_BYTES
        && crate::base::text::hidden_char(name).is_none()
        && !name.chars().any(|c| {
            matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') || c.is_control()
        })
}

/// 名称用作文件名时的上限（字节）：常见文件系统一个文件名最多 255 字节，还要留出“-简报手册.pdf”等后缀。
pub const MAX_NAME_BYTES: usize = 200;

/// 读数据目录中的表格；按文件规则拒绝时为 `Err(Err(原因))`，读了却读不懂时为具体问题。
fn read_table(
    dir: &Path,
    rel: &str,
    sheet: Option<&str>,
) -> Result<table::Grid, Result<Problem, sandbox::Refused>> {
    let path = sandbox::locate(dir, rel).map_err(Err)?;
    table::read(&path, &dir.join(rel), sheet).map_err(Ok)
}

/// 有 counties.toml 时读入县区数据；表格文件路径相对数据目录，且不得越出数据目录。
fn load_counties(dir: &Path, problems: &mut Problems) -> Option<CountyData> {
    if !sandbox::present(dir, COUNTIES) {
        return None;
    }
    let settings: Parsed<CountiesFile> = parse_file(dir, COUNTIES, problems)?;
    let table = &settings.value.table;
    let rel = table.file.get_ref();
    let grid = match read_table(dir, rel, table.sheet.as_deref()) {
        Ok(g) => g,
        Err(p) => {
            problems.push(p.unwrap_or_else(|refused| {
                Problem::new(
                    settings.source.origin(Some(table.file.span())),
                    "table.file",
                    format!("表格文件 “{rel}”：{}", refused.reason(DATA_DIR)),
                )
            }));
            return None;
        }
    };
    let mut files = BTreeMap::new();
    for county in &settings.value.counties {
        // 名单里的名字去掉首尾空格后才是县区名（与 present::county 一致），说明文件按它找。
        let name = county.name.get_ref().trim();
        let rel = format!("{COUNTY_DIR}/{name}.toml");
        // 不安全的县区名由 present::county 报告；这里只是不拿它拼路径。
        // 说明文件可以没有；有（哪怕是断开的或指向外面的链接）就必须读得进来，不能悄悄少了说明和更正。
        if safe_file_stem(name)
            && sandbox::present(dir, &rel)
            && let Some(parsed) = parse_file(dir, &rel, problems)
        {
            files.insert(name.to_owned(), parsed);
        }
    }
    unknown_county_files(dir, &settings.value, problems);
    Some(CountyData {
        settings,
        grid,
        files,
    })
}

/// `counties/` 里不是名单中县区的说明文件（多半是县区名写错了）：不能悄悄不用。
fn unknown_county_files(dir: &Path, settings: &CountiesFile, problems: &mut Problems) {
    let Ok(entries) = std::fs::read_dir(dir.join(COUNTY_DIR)) else {
        return;
    };
    let names: Vec<&str> = settings
        .counties
        .iter()
        .map(|c| c.name.get_ref().trim())
        .collect();
    let mut stray: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .filter(|p| {
            p.file_stem()
                .is_none_or(|s| !names.contains(&s.to_string_lossy().as_ref()))
        })
        .collect();
    stray.sort();
    for path in stray {
        problems.push(Problem::in_file(
            &path,
            format!(
                "counties.toml 的县区名单中没有这个县区，这个说明文件不会用上；请按名单中的县区名命名（{}）",
                names.join("、")
            ),
        ));
    }
}

/// 按文件规则读数据目录中的一个 TOML 文件：拒绝时说明原因。
fn parse_file<T: serde::de::DeserializeOwned>(
    dir: &Path,
    name: &str,
    problems: &mut Problems,
) -> Option<Parsed<T>> {
    let path = dir.join(name);
    if let Err(refused) = sandbox::locate(dir, name) {
        problems.push(Problem::in_file(&path, refused.reason(DATA_DIR)));
        return None;
    }
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
