//! 一次运行要准备的东西：读入并规范化的数据集，以及只建一次的排版引擎。

use std::path::{Path, PathBuf};

use typst_kit::fonts::FontStore;

use chrono::NaiveDate;

use crate::base::diag::{Origin, Problem, Problems};
use std::collections::HashSet;

use crate::load::{DataSet, SourceFile};
use crate::present::county::{self, Counties};
use crate::present::{self, view::View};
use crate::render::{Press, Rendered, Template};
use crate::typeset::coverage::{Coverage, Index, MAX_CHARS};
use crate::typeset::templates::Templates;
use crate::typeset::world::Engine;
use crate::typeset::{self, Kind};

/// 读入、校验并规范化好的数据集。
pub struct Project {
    pub data: DataSet,
    /// 全市版的视图。
    pub view: View,
    /// 有 counties.toml 时的县区数据。
    pub counties: Option<Counties>,
    /// 编印日期：typst 的“今天”和 PDF 时间戳都用它。
    pub date: Option<NaiveDate>,
    /// 上期（`--previous` 或 meta.toml 的 previous），读入并规范化好的；发布前核对用它比较两期。
    pub previous: Option<Box<Project>>,
    /// 发布前核对的提醒（县区合计、离群的数、与上期相比变化过大）：不妨碍排版，`check` 和 `build` 列出。
    pub warnings: Vec<Problem>,
}

impl Project {
    pub fn load(dir: &Path, options: &present::Options) -> Result<Self, Problems> {
        let data = DataSet::load_parts(dir).complete(dir).map_err(|parts| {
            let mut problems = present::validate_parts(&parts);
            problems.0.splice(0..0, parts.problems.0);
            problems
        })?;
        let previous = match Self::previous(&data, options)? {
            Some(prev) => {
                // 上期本身不再往前找上期。
                let dir = prev.dir.clone();
                let options = present::Options {
                    previous: None,
                    ..options.clone()
                };
                let view = present::present(&prev, &options, None)?;
                Some((prev, view, dir))
            }
            None => None,
        };
        let view = present::present(&data, options, previous.as_ref().map(|p| &p.0))?;
        let counties = match &data.counties {
            Some(c) => Some(county::prepare(c, &view)?),
            None => None,
        };
        let date = data
            .meta
            .value
            .meta
            .date
            .as_ref()
            .map(|d| present::to_naive(d.get_ref()).expect("present 已校验日期"));
        // PDF/A 要求文档带日期（XMP 的创建时间）。不拿今天凑：同样的数据要排出逐字节相同的文件。
        if options.archive && date.is_none() {
            return Err(Problems(vec![Problem::new(
                Origin::File(data.meta.source.path.clone()),
                "meta.date",
                "存档格式（--pdf-standard）要求文档有日期，数据中没有写：请在 meta.toml 的 [meta] 中写成文日期，如 date = 2023-10-31",
            )]));
        }
        let previous = match previous {
            Some((prev, prev_view, _)) => {
                let counties = match &prev.counties {
                    Some(c) => Some(county::prepare(c, &prev_view)?),
                    None => None,
                };
                Some(Box::new(Project {
                    data: prev,
                    view: prev_view,
                    counties,
                    date: None,
                    previous: None,
                    warnings: Vec::new(),
                }))
            }
            None => None,
        };
        let mut project = Self {
            data,
            view,
            counties,
            date,
            previous,
            warnings: Vec::new(),
        };
        project.warnings = crate::release::checks(&project);
        Ok(project)
    }

    /// 上期数据集：`--previous` 给的（相对当前目录），或 meta.toml 的 previous（相对数据目录）。
    /// 上期数据有误时照样报出，指到上期的文件。
    fn previous(data: &DataSet, options: &present::Options) -> Result<Option<DataSet>, Problems> {
        let dir = match (&options.previous, &data.meta.value.meta.previous) {
            (Some(p), _) => p.clone(),
            (None, Some(p)) => data.dir.join(p.get_ref()),
            (None, None) => return Ok(None),
        };
        if !dir.join(crate::load::META).is_file() {
            let origin = match (&options.previous, &data.meta.value.meta.previous) {
                (None, Some(p)) => data.meta.source.origin(Some(p.span())),
                _ => Origin::None,
            };
            return Err(Problems(vec![Problem::new(
                origin,
                "previous",
                format!("上期数据集 “{}” 不存在或其中没有 meta.toml", dir.display()),
            )]));
        }
        DataSet::load_parts(&dir)
            .complete(&dir)
            .map(Some)
            .map_err(|parts| {
                let mut problems = present::validate_parts(&parts);
                problems.0.splice(0..0, parts.problems.0);
                problems
            })
    }

    /// 全市版（`None`）或某个县区版的视图。
    pub fn view_for(&self, county: Option<&str>) -> Result<View, Problems> {
        match (county, &self.counties) {
            (None, _) => Ok(self.view.clone()),
            (Some(name), Some(c)) => c.view(&self.view, name),
            (Some(_), None) => Err(self.no_counties()),
        }
    }

    /// 要县区版、数据集却没有 counties.toml 时的说明。
    pub fn no_counties(&self) -> Problems {
        Problems(vec![Problem::new(
            Origin::File(self.data.dir.join(crate::load::COUNTIES)),
            "",
            "这个数据集没有 counties.toml，无法排县区版",
        )])
    }

    /// 输出文件名，如“商丘市-简报手册.pdf”“永城市-一页纸.pdf”。
    pub fn file_name(view: &View, kind: Kind) -> String {
        Template::Builtin(kind).file_name(view)
    }

    /// 这个数据集的排版设置（数据目录、编印日期），供 [`Press`] 排出每一份文档。
    pub fn press(&self, engine: &Engine) -> Press {
        Press::new(engine.clone(), Some(self.data.dir.clone()), self.date)
    }

    /// 排出一种内置文档（不写文件）：[`Press::render`] 的简写。
    pub fn render(&self, engine: &Engine, view: &View, kind: Kind) -> Result<Rendered, Problems> {
        self.press(engine).render(view, &Template::Builtin(kind))
    }
}

/// `--template` 选的模板：在哪个模板目录里、主文件是哪个、输出文件名用什么。
#[derive(Debug, Clone)]
pub struct CustomTemplate {
    /// 模板目录（`None` 为常规的查找：--templates、./templates、内置）。
    pub root: Option<PathBuf>,
    /// 相对模板目录的主文件，如 `gongwen/main.typ`。
    pub main: String,
    /// 输出文件名中的名称，如 `gongwen`。
    pub label: String,
}

impl CustomTemplate {
    pub fn template(&self) -> Template {
        Template::Custom {
            main: self.main.clone(),
            label: self.label.clone(),
        }
    }
}

/// 解析 `--template`：一个存在的 .typ 文件（它所在的目录作为模板目录，可引用同目录的文件），
/// 或模板目录中的名字：`名字`、`名字.typ`、`名字/main.typ`。
pub fn custom_template(arg: &str, templates: Option<&Path>) -> Result<CustomTemplate, Problems> {
    let path = Path::new(arg);
    let stem = |p: &Path| {
        p.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    if path.is_file() {
        let root = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_owned();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        // main.typ 取目录名作名称（gongwen/main.typ → gongwen）。
        let label = if stem(path) == "main" {
            root.canonicalize()
                .ok()
                .map(|r| stem(&r))
                .unwrap_or_else(|| "main".into())
        } else {
            stem(path)
        };
        return Ok(CustomTemplate {
            root: Some(root),
            main: name.into_owned(),
            label,
        });
    }
    let located = Templates::locate(templates);
    let name = arg.trim_end_matches('/');
    let candidates = [
        name.to_owned(),
        format!("{name}.typ"),
        format!("{name}/main.typ"),
    ];
    for c in candidates {
        if !c.ends_with(".typ") || c.split('/').any(|part| part == "..") {
            continue;
        }
        match located.read(&c) {
            Ok(_) => {
                return Ok(CustomTemplate {
                    root: None,
                    main: c,
                    label: stem(Path::new(name)),
                });
            }
            Err(crate::base::sandbox::Refused::Missing) => {}
            // 文件在、却按文件规则不能读（如指向模板目录之外的符号链接）：说出真实原因，而不是“找不到”。
            Err(refused) => {
                return Err(Problems(vec![Problem::in_file(
                    &located.display_path(&c),
                    format!(
                        "--template：{}",
                        refused.reason(crate::base::sandbox::TEMPLATE_DIR)
                    ),
                )]));
            }
        }
    }
    Err(Problems(vec![Problem::new(
        Origin::None,
        "--template",
        format!(
            "找不到模板 “{arg}”：既不是一个 .typ 文件，模板目录（{}）中也没有 {name}.typ 或 {name}/main.typ。\
             示例模板有 gongwen（公文式通知）",
            located.display_path("").display()
        ),
    )]))
}

/// 建排版引擎：确认主题点名的字体都在、数据中的字都有字体包含，定位模板。
/// 字体由调用者用 `typeset::fonts::load` 扫描好传进来（找不到字体目录是设置问题，不是数据问题）。
pub fn engine(
    fonts: FontStore,
    templates: Option<&Path>,
    project: &Project,
) -> Result<Engine, Problems> {
    let engine = Engine::new(fonts, Templates::locate(templates));
    check_fonts(&engine, project)?;
    Ok(engine)
}

/// 主题点名的字体族都在、数据中的字都有字体包含。`watch`、工作台每次重排都用引擎已加载的字体再查一遍。
pub fn check_fonts(engine: &Engine, project: &Project) -> Result<(), Problems> {
    let fonts = engine.fonts();
    let meta = &project.data.meta;
    let roles: Vec<(&str, Vec<(String, Origin)>)> = meta
        .value
        .theme
        .fonts
        .resolved()
        .into_iter()
        .map(|(role, names)| {
            let located = names
                .into_iter()
                .map(|(name, span)| {
                    let origin = match span {
                        Some(span) => meta.source.origin(Some(span)),
                        None => Origin::File(meta.source.path.clone()),
                    };
                    (name, origin)
                })
                .collect();
            (role, located)
        })
        .collect();
    let index = engine.coverage();
    typeset::fonts::check_families(fonts, index, &roles)?;
    let roles = typeset::fonts::Roles::new(fonts, &roles);
    let missing = coverage(index, &roles, &project.data.sources());
    if !missing.is_empty() {
        return Err(missing);
    }
    Ok(())
}

/// 示例数据集的位置：先找当前目录，再找源码树。
pub fn sample_dir() -> PathBuf {
    let local = PathBuf::from("data/shangqiu-2023");
    if local.is_dir() {
        local
    } else {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/shangqiu-2023")
    }
}

/// 数据中要排印的每个字都要有字体：缺的字指到数据文件的行列，每个字只报第一次出现。
/// 过长的字段也在这里拦下，免得排上几分钟再失败。
fn coverage(index: &Index, roles: &typeset::fonts::Roles, files: &[&SourceFile]) -> Problems {
    let mut problems = Problems::default();
    let mut check = Coverage::new(index);
    let mut reported = HashSet::new();
    let mut role_gaps = HashSet::new();
    // 每个字只查一次各角色。
    let mut role_checked = HashSet::new();
    for file in files {
        for (path, span, text) in file.strings() {
            let n = text.chars().count();
            if n > MAX_CHARS {
                problems.push(Problem::new(
                    file.origin(Some(span.start..span.start + 1)),
                    path.clone(),
                    format!("文字过长（{n} 字），单个字段不能超过 {MAX_CHARS} 字"),
                ));
                continue;
            }
            // 没有转义的字符串，原文就在引号之间：可以精确指到缺的那个字。
            let inner = span.start + 1..span.end.saturating_sub(1);
            let verbatim = file.text.get(inner.clone()) == Some(text.as_str());
            // 有字体包含、但某个角色自己的字体族不含的字：typst 会悄悄换用别的字体族，同一行里字体不一。
            for c in text.chars().filter(|c| needs_role_font(*c)) {
                if !role_checked.insert(c) {
                    continue;
                }
                for role in roles.0.iter().filter(|r| !r.covers(index, c)) {
                    if check.missing(c.encode_utf8(&mut [0; 4])).is_empty()
                        && role_gaps.insert(role.name)
                    {
                        let mut p = role.gap(c, "不含数据中的字");
                        p.message = format!(
                            "{}（数据中首次出现在 {}{path}）",
                            p.message,
                            file.origin(Some(span.clone())).place()
                        );
                        problems.push(p);
                    }
                }
            }
            for (at, c) in check.missing(&text) {
                if !reported.insert(c) {
                    continue;
                }
                let place = if verbatim {
                    inner.start + at..inner.start + at + c.len_utf8()
                } else {
                    span.clone()
                };
                problems.push(Problem::new(
                    file.origin(Some(place)),
                    path.clone(),
                    format!(
                        "字体中没有“{c}”（U+{:04X}），印出来会是方框。请换成字体已有的字，或用 --font-path 加入含此字的字体",
                        c as u32
                    ),
                ));
            }
        }
    }
    problems
}

/// 要用角色字体印的字：汉字和全角标点。西文字母和数字在中文字体里通常都有，缺了也不会印成方框。
fn needs_role_font(c: char) -> bool {
    matches!(c as u32, 0x3000..=0x303F | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xFF01..=0xFF5E)
}
