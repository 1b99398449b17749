//! `jianbao init`：写出一个一生成就能排版的新数据集——逐字段带中文注释的数据文件（含 `#:schema` 行和
//! 一份 schema/）、县区表格模板（.xlsx，带“说明”工作表）、模板的本地副本、简短的 README。
//! 生成的内容都是标明“示例”的占位内容；`--from` 则从随附的真实示例数据集开始。

mod next;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use include_dir::{Dir, include_dir};

use crate::model::meta::DocKind;

/// 随附的示例数据集（`--from shangqiu-2023` 等）。
static SAMPLES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/data");

pub const KINDS: [DocKind; 4] = [
    DocKind::StudyMaterial,
    DocKind::Briefing,
    DocKind::WorkReport,
    DocKind::Statistics,
];

/// 随附示例数据集的名字。
pub fn samples() -> Vec<String> {
    SAMPLES
        .dirs()
        .map(|d| d.path().to_string_lossy().into_owned())
        .collect()
}

pub fn kind_from_label(label: &str) -> Option<DocKind> {
    KINDS.into_iter().find(|k| k.label() == label)
}

/// 目录存在且不空时拒绝（不覆盖任何东西）。
pub fn check_target(dir: &Path) -> Result<(), String> {
    if dir.exists() {
        if !dir.is_dir() {
            return Err(format!("“{}” 已存在且不是目录", dir.display()));
        }
        let empty = std::fs::read_dir(dir)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty {
            return Err(format!(
                "目录 “{}” 已存在且不是空的；为免覆盖已有文件，请换一个新目录名，或先清空它",
                dir.display()
            ));
        }
    }
    Ok(())
}

/// 写出的文件（相对新目录），供打印清单。
/// 写出的文件，以及给编写人的提示（如“期号：第5期 → 第6期”）。
pub struct Written(pub Vec<PathBuf>, pub Vec<String>);

/// 按文种写出新数据集。
pub fn create(dir: &Path, kind: DocKind) -> Result<Written> {
    let mut w = Writer::new(dir)?;
    let (title, subtitle, issue, cover, period) = match kind {
        DocKind::StudyMaterial => (
            "示例市××会议精神学习资料",
            "——示例：会议精神解读",
            None,
            "plain",
            "一季度",
        ),
        DocKind::Briefing => (
            "示例市工作简报",
            "——示例：一季度经济运行情况",
            Some("第1期"),
            "redhead",
            "一季度",
        ),
        DocKind::WorkReport => (
            "示例市2024年主要预期目标",
            "——示例：《政府工作报告》要点",
            None,
            "plain",
            "2024年",
        ),
        DocKind::Statistics => (
            "示例市经济运行分析",
            "——示例：2024年一季度",
            None,
            "plain",
            "一季度",
        ),
    };
    let has_tasks = matches!(kind, DocKind::StudyMaterial | DocKind::WorkReport);
    let summary_blocks = match kind {
        DocKind::StudyMaterial | DocKind::WorkReport => SUMMARY_TASKS,
        DocKind::Briefing => SUMMARY_BRIEFING,
        DocKind::Statistics => SUMMARY_STATISTICS,
    };
    let issue_line = match issue {
        Some(i) => format!("issue = \"{i}\""),
        None => "# issue = \"第1期\"".into(),
    };
    let meta = include_str!("meta.toml.in")
        .replace("{kind}", kind.label())
        .replace("{title}", title)
        .replace("{subtitle}", subtitle)
        .replace("{issue_line}", &issue_line)
        .replace("{summary_blocks}", summary_blocks)
        .replace("{cover}", cover);
    w.text("meta.toml", &meta)?;
    let outline = match kind {
        DocKind::StudyMaterial => include_str!("outline-学习资料.in"),
        DocKind::Briefing => include_str!("outline-简报.in"),
        DocKind::WorkReport => include_str!("outline-政府工作报告要点.in"),
        DocKind::Statistics => include_str!("outline-统计分析.in"),
    };
    w.text(
        "outline.toml",
        &format!("{}{outline}", include_str!("outline-head.in")),
    )?;
    let goals_line = if kind == DocKind::WorkReport {
        "\n# 全部指标都是预期目标（政府工作报告要点的默认）：卡片写“预期增长”。\n# goals = true\n"
    } else {
        "\n# 指标是预期目标（true）还是实绩（false）；不写时政府工作报告要点为目标，其余为实绩。\n# goals = false\n"
    };
    // 统计分析和简报用上统计简报的说法：与前期比较、位次、拉动、年度目标、下降；预期目标不用。
    let stats = matches!(kind, DocKind::Statistics | DocKind::Briefing);
    let pick = |yes: &'static str, no: &'static str| if stats { yes } else { no };
    w.text(
        "indicators.toml",
        &include_str!("indicators.toml.in")
            .replace("{goals_line}", goals_line)
            .replace("{industry_extra}", pick(INDUSTRY_EXTRA, ""))
            .replace(
                "{investment_growth}",
                pick(INVESTMENT_FALL, "growth = 4.3\n"),
            )
            .replace("{revenue_extra}", pick(REVENUE_EXTRA, ""))
            .replace("{period}", period),
    )?;
    if has_tasks {
        w.text("tasks.toml", include_str!("tasks.toml.in"))?;
    }
    if kind == DocKind::Briefing {
        w.text("progress.toml", include_str!("progress.toml.in"))?;
    }
    w.text("counties.toml", include_str!("counties.toml.in"))?;
    w.text("counties/示例一区.toml", include_str!("county.toml.in"))?;
    w.xlsx("counties.xlsx", &COUNTY_ROWS)?;
    w.common(kind.label())?;
    Ok(Written(w.written, w.notes))
}

/// 从随附的示例数据集（名字）或磁盘上的数据目录开始。
pub fn create_from(dir: &Path, from: &str) -> Result<Written> {
    let disk = Path::new(from);
    let name = from.trim_end_matches('/');
    let name = name.strip_prefix("data/").unwrap_or(name);
    if disk.join("meta.toml").is_file() {
        // 从上一期的数据开始下一期：数据是真的，不加县区表格模板和“示例”字样；期号、统计期往下推，previous 指向上一期。
        let mut w = Writer::new(dir)?;
        copy_disk(&mut w, disk, Path::new(""))?;
        let meta = dir.join("meta.toml");
        let text = std::fs::read_to_string(&meta)?;
        let previous = next::relative(dir, disk)
            .to_string_lossy()
            .replace('\\', "/");
        let (text, notes) = next::advance_meta(&text, &previous);
        std::fs::write(&meta, text).with_context(|| format!("无法写入 {}", meta.display()))?;
        w.notes = notes;
        let kind = kind_of(dir);
        w.common(kind.label())?;
        return Ok(Written(w.written, w.notes));
    }
    // 先找到示例再建目录：名字写错时不留下空目录。
    let sample = SAMPLES.get_dir(name).with_context(|| {
        format!(
            "没有名为 “{from}” 的示例数据集，也不是含 meta.toml 的目录。随附的示例有：{}",
            samples().join("、")
        )
    })?;
    let mut w = Writer::new(dir)?;
    copy_embedded(&mut w, sample, name)?;
    finish_from(w, dir)
}

fn finish_from(mut w: Writer, dir: &Path) -> Result<Written> {
    if !dir.join("counties.xlsx").exists() {
        w.xlsx("县区表格模板.xlsx", &COUNTY_ROWS)?;
    }
    let kind = kind_of(dir);
    w.common(kind.label())?;
    Ok(Written(w.written, w.notes))
}

fn kind_of(dir: &Path) -> DocKind {
    std::fs::read_to_string(dir.join("meta.toml"))
        .ok()
        .and_then(|t| {
            KINDS
                .into_iter()
                .find(|k| t.contains(&format!("kind = \"{}\"", k.label())))
        })
        .unwrap_or_default()
}

/// 示例文件中的 `#:schema ../../schema/…` 改为指向新目录中的 schema/。
fn repoint_schema(text: &str, depth: usize) -> String {
    let prefix = "../".repeat(depth);
    text.lines()
        .map(|l| match l.strip_prefix("#:schema ") {
            Some(rest) => {
                let file = rest.rsplit('/').next().unwrap_or(rest);
                format!("#:schema {prefix}schema/{file}")
            }
            None => l.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
        + if text.ends_with('\n') { "\n" } else { "" }
}

fn copy_embedded(w: &mut Writer, d: &Dir<'_>, base: &str) -> Result<()> {
    for f in d.files() {
        let rel = f.path().strip_prefix(base).unwrap_or(f.path());
        w.data(rel, f.contents())?;
    }
    for sub in d.dirs() {
        copy_embedded(w, sub, base)?;
    }
    Ok(())
}

fn copy_disk(w: &mut Writer, root: &Path, rel: &Path) -> Result<()> {
    for entry in std::fs::read_dir(root.join(rel))? {
        let entry = entry?;
        let name = entry.file_name();
        let sub = rel.join(&name);
        let kind = entry.file_type()?;
        if kind.is_dir() {
            // 输出和模板、Schema 副本不带过去（模板和 Schema 会重新写出最新的）。
            if rel.as_os_str().is_empty()
                && ["out", "templates", "schema"].contains(&&*name.to_string_lossy())
            {
                continue;
            }
            copy_disk(w, root, &sub)?;
        } else if kind.is_file() {
            w.data(&sub, &std::fs::read(root.join(&sub))?)?;
        }
    }
    Ok(())
}

struct Writer {
    dir: PathBuf,
    written: Vec<PathBuf>,
    notes: Vec<String>,
}

impl Writer {
    fn new(dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(dir).with_context(|| format!("无法建立目录 {}", dir.display()))?;
        Ok(Self {
            dir: dir.to_owned(),
            written: Vec::new(),
            notes: Vec::new(),
        })
    }

    fn bytes(&mut self, rel: &Path, bytes: &[u8]) -> Result<()> {
        let path = self.dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, bytes).with_context(|| format!("无法写入 {}", path.display()))?;
        self.written.push(rel.to_owned());
        Ok(())
    }

    fn text(&mut self, rel: &str, text: &str) -> Result<()> {
        self.bytes(Path::new(rel), text.as_bytes())
    }

    /// 数据文件：TOML 的 `#:schema` 行改指新目录中的 schema/。
    fn data(&mut self, rel: &Path, bytes: &[u8]) -> Result<()> {
        let is_toml = rel.extension().is_some_and(|e| e == "toml");
        match (is_toml, std::str::from_utf8(bytes)) {
            (true, Ok(text)) => {
                let depth = rel.components().count() - 1;
                self.bytes(rel, repoint_schema(text, depth).as_bytes())
            }
            _ => self.bytes(rel, bytes),
        }
    }

    /// 每个新数据集都有的：schema/、templates/、README.md。
    fn common(&mut self, kind: &str) -> Result<()> {
        for (name, schema) in crate::schema::all() {
            self.text(
                &format!("schema/{name}.schema.json"),
                &crate::schema::render(&schema),
            )?;
        }
        let templates = self.dir.join("templates");
        crate::typeset::templates::extract(&templates)
            .with_context(|| format!("无法写出模板副本到 {}", templates.display()))?;
        self.written.push(PathBuf::from("templates/"));
        self.text("README.md", &README.replace("{kind}", kind))
    }

    fn xlsx(&mut self, rel: &str, rows: &[(&str, [f64; 4])]) -> Result<()> {
        use rust_xlsxwriter::{Format, Workbook};
        let mut book = Workbook::new();
        let bold = Format::new().set_bold();
        let sheet = book.add_worksheet().set_name("指标")?;
        for (c, h) in COUNTY_HEADERS.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, *h, &bold)?;
            sheet.set_column_width(c as u16, if c == 0 { 12 } else { 24 })?;
        }
        for (r, (name, values)) in rows.iter().enumerate() {
            let r = r as u32 + 1;
            sheet.write_string(r, 0, *name)?;
            for (c, v) in values.iter().enumerate() {
                sheet.write_number(r, c as u16 + 1, *v)?;
            }
        }
        let readme = book.add_worksheet().set_name("说明")?;
        readme.set_column_width(0, 100)?;
        for (r, line) in XLSX_README.iter().enumerate() {
            if r == 0 {
                readme.write_string_with_format(0, 0, *line, &bold)?;
            } else {
                readme.write_string(r as u32, 0, *line)?;
            }
        }
        let buf = book.save_to_buffer()?;
        self.bytes(Path::new(rel), &buf)
    }
}

/// 按一个数据集的列做的空白县区表格模板（`jianbao serve` 的下载）：表头加粗、第一列是县区名，
/// 数字格空着，另有与 `init` 同样的“说明”工作表。
pub fn county_template(sheet_name: &str, headers: &[String], names: &[String]) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = book.add_worksheet().set_name(sheet_name)?;
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, h, &bold)?;
        sheet.set_column_width(c as u16, if c == 0 { 12 } else { 24 })?;
    }
    for (r, name) in names.iter().enumerate() {
        sheet.write_string(r as u32 + 1, 0, name)?;
    }
    let readme = book.add_worksheet().set_name("说明")?;
    readme.set_column_width(0, 100)?;
    for (r, line) in XLSX_README.iter().enumerate() {
        if r == 0 {
            readme.write_string_with_format(0, 0, *line, &bold)?;
        } else {
            readme.write_string(r as u32, 0, *line)?;
        }
    }
    Ok(book.save_to_buffer()?)
}

const COUNTY_HEADERS: [&str; 5] = [
    "县区",
    "地区生产总值增速（%）",
    "规上工业增加值增速（%）",
    "固定资产投资增速（%）",
    "一般公共预算收入（亿元）",
];

const COUNTY_ROWS: [(&str, [f64; 4]); 4] = [
    ("示例一区", [5.6, 6.8, 4.9, 9.8]),
    ("示例二区", [5.1, 5.9, 3.7, 8.2]),
    ("示例三县", [4.8, 6.3, 5.2, 6.9]),
    ("示例四县", [4.2, 4.6, 2.8, 4.3]),
];

const XLSX_README: [&str; 12] = [
    "县区指标表格：怎么填",
    "1. “指标”工作表一行一个县区、一列一个指标；第一行是表头。表中县区名和数字都是示例。",
    "2. “县区”一列的名称须与 counties.toml 中 [[counties]] 的 name 一致。",
    "3. 其余每一列的表头须与 counties.toml 中 [[table.columns]] 的 header 一字不差；field 说明这一列是哪项指标的总量（指标id.value）或增速（指标id.growth）。",
    "4. 增速以 % 计，只填数字，如 5.6；下降填负数，如 -1.2。不要写百分号或“增长”“下降”。",
    "5. 总量按 header 中注明的单位填，如“亿元”。",
    "6. 没有取得的数字留空；排版时该县区的这一项不排名、不出卡片。",
    "7. 单元格可以是公式，但须在 Excel/WPS 中保存过（程序读的是保存下来的结果）。",
    "8. 要加一项指标：在 indicators.toml 写好指标，在这里加一列，在 counties.toml 加一个 [[table.columns]]。",
    "9. 某县区的数字需要说明或更正时，在 counties/ 下放“县区名.toml”，写 notes 和 overrides。",
    "10. 填好后运行 jianbao check 检查，报错会指到工作表的行和列（如 counties.xlsx「指标」C3）。",
    "11. jianbao batch 为每个县区各排一份手册和一页纸。",
];

const SUMMARY_TASKS: &str = r#"
[[summary.blocks]]
# 种类：indicators（指标卡片）、prose、points、facts、tasks、targets、trend、table。
# 不写 indicators（指标 id 列表）时排 key = true 的指标。
type = "indicators"
# 小标题（可选）。
title = "主要指标"

[[summary.blocks]]
type = "tasks"
# 引用大纲中 id 为 tasks 的块。
ref = "tasks"

[[summary.blocks]]
type = "targets"
title = "目标任务一览"
"#;

const SUMMARY_BRIEFING: &str = r#"
[[summary.blocks]]
# 种类：indicators（指标卡片）、prose、points、facts、tasks、targets、trend、table。
type = "prose"
# 引用大纲中 id 为 news 的块。
ref = "news"

[[summary.blocks]]
# 不写 indicators（指标 id 列表）时排 key = true 的指标。
type = "indicators"
title = "主要指标"

[[summary.blocks]]
# 推进情况：计数一句和滞后的事项。
type = "progress"
ref = "progress"

[[summary.blocks]]
type = "points"
ref = "next"
"#;

const INDUSTRY_EXTRA: &str = r#"# 与前期比较（可选，可写多项）：change 是本期减前期的百分点，读作“增速比1—2月提高0.4个百分点”；
# 主语（增速/降幅）和动词（提高/回落、收窄/扩大）按正负自动取，subject、words 可改。
compare = [{ base = "1—2月", change = 0.4 }]
# 位次（可选）：照录的文字，或 { scope = "全省", position = 3 }，或给出同类的数 peers 由程序排。
rank = "全省第3位"
# 拉动（可选）：读作“拉动地区生产总值增长2.1个百分点”；负数读作“下拉”。
contribution = { to = "地区生产总值增长", points = 2.1 }
"#;

const INVESTMENT_FALL: &str = r#"# 负数表示下降：读作“下降1.5%”；两期都下降时比较的主语是“降幅”，这里读作“降幅比1—2月收窄0.6个百分点”。
growth = -1.5
compare = [{ base = "1—2月", change = 0.6 }]
"#;

const REVENUE_EXTRA: &str = r#"# 年度目标（可选）：给出年度目标总量，程序算出“完成年度目标的23.7%”（四舍五入保留一位小数，注里写明）。
annual_goal = { value = 150 }
"#;

const SUMMARY_STATISTICS: &str = r#"
[[summary.blocks]]
# 种类：indicators（指标卡片）、prose、points、facts、tasks、targets、trend、table。
type = "indicators"
title = "主要指标"
# 只排这几项（指标 id）；不写时排 key = true 的指标。
indicators = ["gdp", "industry", "investment", "retail"]

[[summary.blocks]]
type = "table"
# 引用大纲中 id 为 industries 的块。
ref = "industries"

[[summary.blocks]]
type = "trend"
ref = "trend"
"#;

const README: &str = r#"# 新的{kind}数据集

由 `jianbao init` 生成。所有标题、单位、数字都是**示例**，每页顶端印着“示例数据，非官方统计”；
请逐个文件换成你们自己的内容，正式付印前删去 meta.toml 中的 `notice`。

## 排版

```sh
jianbao build            # 在本目录运行：排出 out/ 下的简报手册和一页纸
jianbao watch            # 改数据、表格或模板后一保存就重排，出错时保留上一版 PDF
jianbao check            # 只检查数据，错误指到 文件:行:列
jianbao batch            # 全市版加各县区版
jianbao build --template gongwen   # GB/T 9704 公文式通知
jianbao serve            # 在浏览器里改数字、看版面、付印
```

下一期：`jianbao init ../下一期 --from .` 复制本期数据，期号加一、统计期推一个月，并记下本期为上一期（与上期比较的说法由两期数据算出）。

## 文件

| 文件 | 内容 |
|---|---|
| meta.toml | 封面信息、一页纸、版式主题（颜色、纸张、字体、封面样式、落款） |
| outline.toml | 手册有哪些章、每章排什么 |
| indicators.toml | 指标 |
| tasks.toml | 任务清单与量化目标（有的话） |
| progress.toml | 重点工作推进情况：进度、状态，程序计数并标出滞后的（有的话） |
| counties.toml、counties.xlsx、counties/ | 县区版：名单、县区指标表格（“说明”工作表讲怎么填）、单个县区的说明 |
| schema/ | 数据文件的 JSON Schema：编辑器（VS Code + Even Better TOML）据此补全和检查 |
| templates/ | 模板副本：在本目录运行时优先使用；不改版式可以删掉 |

每个字段的写法见各文件中的注释。换颜色、纸张、字体或封面样式改 meta.toml 的 `[theme]`，不必碰模板。
"#;
