//! 命令行参数（帮助文字为中文）。

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use jianbao::typeset::Kind;
use jianbao::typeset::world::Limits;

#[derive(Debug, Parser)]
#[command(
    name = "jianbao",
    version,
    about = "简报：把指标数据和任务清单排成可付印的中文简报手册和一页纸",
    long_about = None,
    disable_help_subcommand = true,
    after_help = "\n\n示例：\n  jianbao init 我的简报 --kind 简报    新建一个数据集（内容为示例）\n  cd 我的简报 && jianbao build         排出 out/ 下的简报手册和一页纸\n  jianbao watch                        边改边看，保存即重排\n\n每个命令的说明和示例：jianbao <命令> --help"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 排出简报手册和一页纸（PDF）
    #[command(
        after_help = "示例：\n  jianbao build data/shangqiu-2023 --out out\n  jianbao build data/shangqiu-2023 --county 永城市 --only summary\n  jianbao build data/zhengzhou-2023 --template gongwen    用 GB/T 9704 公文模板排"
    )]
    Build(BuildArgs),
    /// 输出模板看到的规范化数据（JSON），供设计者用 typst 命令行调试模板
    #[command(
        after_help = "示例：\n  jianbao export-json data/shangqiu-2023 > d.json\n  jianbao export-json data/shangqiu-2023 --county 永城市"
    )]
    ExportJson(ExportArgs),
    /// 只校验数据，不排版
    #[command(
        after_help = "示例：\n  jianbao check data/shangqiu-2023\n  jianbao check            在数据目录中运行"
    )]
    Check(CheckArgs),
    /// 一次排出全市版和各县区版（每版简报手册与一页纸），并写出清单 manifest.json
    #[command(
        after_help = "示例：\n  jianbao batch data/shangqiu-2023 --out out\n  jianbao batch data/shangqiu-2023 --counties 永城市,夏邑县 -j 2"
    )]
    Batch(BatchArgs),
    /// 输出数据文件的 JSON Schema，供编辑器补全和即时检查
    #[command(
        after_help = "示例：\n  jianbao schema --out schema\n  jianbao schema view      模板拿到的 JSON 的 Schema"
    )]
    Schema(SchemaArgs),
    /// 预览：把页面画成 PNG，另拼一张总览图（README 中的图由它生成）
    Preview(PreviewArgs),
    /// 边改边看：数据、表格或模板一保存就重排，出错时保留上一版 PDF
    #[command(
        after_help = "示例：\n  jianbao watch            在数据目录中运行，输出到 out/\n  jianbao watch data/shangqiu-2023 --out /tmp/预览 --county 永城市"
    )]
    Watch(WatchArgs),
    /// 新建数据集：带注释的数据文件、县区表格模板、模板副本和说明，生成即可排版
    #[command(
        after_help = "示例：\n  jianbao init 我的简报 --kind 简报\n  jianbao init 学习材料 --kind 学习资料\n  jianbao init 商丘 --from shangqiu-2023    从随附的真实示例开始"
    )]
    Init(InitArgs),
    /// 基准测试：示例数据批量、生成的大批量（默认 500 个地区），可与官方 typst 命令行对比
    #[command(
        after_help = "示例：\n  jianbao bench --regions 100 -j 2\n  jianbao bench --check            速度守卫（CI 用），低于下限时失败"
    )]
    Bench(BenchArgs),
    /// 浏览器里的工作台：表单改数字、页面随即重排、问题清单、排版与批量付印（只在本机 127.0.0.1 上）
    #[command(
        after_help = "示例：\n  jianbao serve                       在数据目录中运行，打开终端印出的地址\n  jianbao serve data/shangqiu-2023 --port 8017"
    )]
    Serve(ServeArgs),
}

#[derive(Debug, Args)]
pub struct CommonArgs {
    /// 数据集目录（默认为当前目录，若它有 meta.toml；否则为示例数据 data/shangqiu-2023）
    #[arg(value_name = "数据目录")]
    pub data: Option<PathBuf>,
    /// 纸张：a4、a5、b5、16k（16开 185×260 毫米）、d16k（大16开 210×285 毫米）、32k（32开 130×184 毫米）；默认取数据主题，再默认 a5
    #[arg(long, value_name = "纸张", value_parser = clap::builder::PossibleValuesParser::new(jianbao::present::PAPERS.iter().copied()), hide_possible_values = true)]
    pub paper: Option<String>,
    /// 出血，如 3mm：每边放大 3 毫米，封面色带延伸进去；PDF 标出 TrimBox（成品）和 BleedBox
    #[arg(long, value_name = "毫米", value_parser = millimetres)]
    pub bleed: Option<f64>,
    /// 加裁切线（在出血之外再留 10 毫米的边画裁切线）
    #[arg(long)]
    pub marks: bool,
    /// 单色版：强调色换成黑和灰，供复印机、速印机使用
    #[arg(long)]
    pub mono: bool,
    /// 每页斜印稿次字样，默认“征求意见稿”，也可写 --draft 草稿
    #[arg(long, value_name = "字样", num_args = 0..=1, default_missing_value = "征求意见稿")]
    pub draft: Option<String>,
    /// PDF/A 存档格式：a-2b 或 a-3b（黑与灰改用灰度，写入完整的元数据）
    #[arg(long = "pdf-standard", value_name = "标准", value_parser = ["a-2b", "a-3b"], hide_possible_values = true)]
    pub pdf_standard: Option<String>,
    /// 附加字体目录（可多次指定），如含方正小标宋、仿宋_GB2312 的目录；随附的 fonts/ 总会加载
    #[arg(long = "font-path", value_name = "目录")]
    pub font_path: Vec<PathBuf>,
    /// 模板目录；默认用当前目录下的 templates/，没有则用程序内置模板
    #[arg(long, value_name = "目录")]
    pub templates: Option<PathBuf>,
    /// 装订：saddle（骑马订，补足 4 的倍数页）、side（平订，补足双数页）、sheet（单页，不补白）；默认小开本骑马订，大开本的简报、统计分析平订
    #[arg(long, value_name = "装订", hide_possible_values = true)]
    pub binding: Option<jianbao::present::Binding>,
    /// 版面检查的任何发现都算错误（退出码 4），不写出 PDF
    #[arg(long)]
    pub strict: bool,
    /// 上期数据集目录：与上期比较的说法由两期数据算出，进度块标出本期新完成和新增滞后的事项；优先于 meta.toml 的 previous
    #[arg(long, value_name = "目录")]
    pub previous: Option<PathBuf>,
}

impl CommonArgs {
    pub fn standard(&self) -> Option<jianbao::typeset::world::Standard> {
        self.pdf_standard
            .as_deref()
            .and_then(jianbao::typeset::world::Standard::parse)
    }
}

/// build 与 batch 共用的输出选项。
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// 输出目录（默认 out）；batch 把县区版写在 <县区>/ 子目录下
    #[arg(
        long,
        short,
        value_name = "目录",
        default_value = "out",
        hide_default_value = true
    )]
    pub out: PathBuf,
    /// 只排一种文档：booklet（简报手册）或 summary（一页纸）
    #[arg(long, value_name = "文档", hide_possible_values = true)]
    pub only: Option<Kind>,
    /// 每份文档排版的最长时间（秒，默认 60）；超时的文档报错，批量中其余文档照排
    #[arg(long = "time-limit", value_name = "秒", value_parser = positive_seconds)]
    pub time_limit: Option<f64>,
    /// 每份文档的最多页数（默认 500）
    #[arg(long = "max-pages", value_name = "N", value_parser = positive)]
    pub max_pages: Option<usize>,
    /// 排一份文档最多用的内存，如 4G、1500M（默认 2G）；超过时这份文档报错（batch 中其余文档照排）
    #[arg(long = "max-memory", value_name = "大小", value_parser = memory_size)]
    pub max_memory: Option<u64>,
}

impl OutputArgs {
    /// 每个排版进程的内存上限（字节）。
    pub fn memory(&self) -> u64 {
        self.max_memory.unwrap_or(jianbao::isolate::DEFAULT_MEMORY)
    }

    pub fn kinds(&self) -> Vec<Kind> {
        self.only.map_or(Kind::ALL.to_vec(), |k| vec![k])
    }

    pub fn limits(&self) -> Limits {
        let default = Limits::default();
        Limits {
            time: self
                .time_limit
                .map_or(default.time, std::time::Duration::from_secs_f64),
            pages: self.max_pages.unwrap_or(default.pages),
        }
    }
}

/// 长度（毫米）：“3mm”“3 mm”“3”都读作 3 毫米，不超过 10 毫米。
fn millimetres(s: &str) -> Result<f64, String> {
    let t = s
        .trim()
        .trim_end_matches("mm")
        .trim_end_matches("毫米")
        .trim();
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() && (0.0..=jianbao::present::MAX_BLEED_MM).contains(&v) => Ok(v),
        Ok(_) => Err(format!(
            "须在 0 到 {} 毫米之间，如 3mm",
            jianbao::present::MAX_BLEED_MM
        )),
        Err(_) => Err("应写成毫米数，如 3mm".into()),
    }
}

/// 正整数（--jobs、--max-pages）。
fn positive(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(0) => Err("须为正整数，至少为 1".into()),
        Ok(n) => Ok(n),
        Err(_) => Err("须为正整数，如 4".into()),
    }
}

/// 编号份数：1 到 999999（份号是六位数字），多了直接拒绝，不悄悄截断。
fn copy_count(s: &str) -> Result<usize, String> {
    let n = positive(s)?;
    jianbao::copies::Copies::numbered(n).map(|_| n)
}

/// 预览分辨率的范围（--dpi）。
pub const DPI_RANGE: std::ops::RangeInclusive<u32> = 20..=600;

/// 在范围内的分辨率；clap 自带的范围检查只会说英文（“5000 is not in 20..=600”）。
fn dpi(s: &str) -> Result<u32, String> {
    match s.trim().parse::<u32>() {
        Ok(n) if DPI_RANGE.contains(&n) => Ok(n),
        _ => Err(format!(
            "须为 {} 到 {} 之间的整数，如 96",
            DPI_RANGE.start(),
            DPI_RANGE.end()
        )),
    }
}

/// 正的秒数，可有小数（--time-limit）。
/// 内存大小：“4G”“4GB”“1500M”“1500MB”；只写数字时单位是 MB。至少 256 MB：排版进程本身就要一两百 MB。
fn memory_size(s: &str) -> Result<u64, String> {
    let t = s.trim().to_ascii_uppercase();
    let t = t.strip_suffix('B').unwrap_or(&t);
    let (number, unit) = match t.strip_suffix('G') {
        Some(n) => (n, 1u64 << 30),
        None => (t.strip_suffix('M').unwrap_or(t), 1u64 << 20),
    };
    let (least, most) = ((256u64 << 20) as f64, (1000u64 << 30) as f64);
    match number.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && (least..=most).contains(&(v * unit as f64)) => {
            Ok((v * unit as f64) as u64)
        }
        Ok(_) => Err("须在 256M 到 1000G 之间，如 4G".into()),
        Err(_) => Err("应写成带单位的大小，如 4G 或 1500M".into()),
    }
}

fn positive_seconds(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v <= 1e9 => Ok(v),
        _ => Err("须为正的秒数，如 60 或 2.5".into()),
    }
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// 排某个县区的版本，如 永城市
    #[arg(long, value_name = "县区")]
    pub county: Option<String>,
    /// 改用自己写的模板排一份文档：一个 .typ 文件，或模板目录中的名字（如 gongwen，即 gongwen/main.typ）
    #[arg(long, value_name = "模板")]
    pub template: Option<String>,
    /// 编号印 N 份（最多 999999 份）：封面左上角印六位份号（000001 起），文件名带份号；每份排好即写出，显示进度
    #[arg(long, value_name = "N", value_parser = copy_count, conflicts_with = "recipients")]
    pub copies: Option<usize>,
    /// 按名单每人一份（CSV 或文本，每行一个名字）：份号之外每页底边印浅色的“发给：某某”
    #[arg(long, value_name = "名单")]
    pub recipients: Option<PathBuf>,
    /// 另写一份拼版的手册：saddle 为骑马订（A5 两页拼在 A4 横向上，按双面印刷的顺序），文件名加“-拼版”
    #[arg(long, value_name = "方式", value_parser = ["saddle"], hide_possible_values = true)]
    pub impose: Option<String>,
    /// 骑马订的爬移补偿，如 0.1mm：越靠里的一张，页面越向书脊挪
    #[arg(long, value_name = "毫米", value_parser = millimetres, requires = "impose")]
    pub creep: Option<f64>,
}

#[derive(Debug, Args)]
pub struct PreviewArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// 输出目录（默认 preview）
    #[arg(
        long,
        short,
        value_name = "目录",
        default_value = "preview",
        hide_default_value = true
    )]
    pub out: PathBuf,
    /// 画哪几页，如 1-4、2,5-6（默认全部）
    #[arg(long, value_name = "页码")]
    pub pages: Option<String>,
    /// 分辨率（每英寸像素，默认 96）
    #[arg(long, value_name = "DPI", default_value_t = 96, hide_default_value = true, value_parser = dpi)]
    pub dpi: u32,
    /// 只画一种文档：booklet（简报手册）或 summary（一页纸）
    #[arg(long, value_name = "文档", hide_possible_values = true)]
    pub only: Option<Kind>,
    /// 画某个县区的版本，如 永城市
    #[arg(long, value_name = "县区")]
    pub county: Option<String>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// 也排版并检查版面：避头尾、孤字、标题断词、背题、单项编号、空白页、大片留白、重叠、字体回退、字号、对比度
    #[arg(long)]
    pub layout: bool,
    /// 只查这个县区版（默认查全市版和全部县区版）；给 city 只查全市版
    #[arg(long, value_name = "县区")]
    pub county: Option<String>,
    /// 输出格式：text（默认）或 json（给其他程序读）
    #[arg(long, value_name = "格式", default_value = "text", value_parser = ["text", "json"], hide_possible_values = true, hide_default_value = true)]
    pub format: String,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// 输出某个县区版本的数据，如 永城市
    #[arg(long, value_name = "县区")]
    pub county: Option<String>,
}

#[derive(Debug, Args)]
pub struct BatchArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// 要排的县区，逗号分隔，如 永城市,夏邑县；all 为全部（默认）
    #[arg(
        long,
        value_name = "县区",
        default_value = "all",
        hide_default_value = true
    )]
    pub counties: String,
    /// 并行排版的线程数（默认为处理器核数）
    #[arg(long, short, value_name = "N", value_parser = positive)]
    pub jobs: Option<usize>,
    /// 只排第 K 份（共 N 份），供多台机器分担，如 2/8
    #[arg(long, value_name = "K/N")]
    pub shard: Option<jianbao::batch::Shard>,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// 只输出一个 Schema：meta、indicators、outline、tasks、counties、county，或 view（模板拿到的 JSON）
    #[arg(value_name = "名称")]
    pub name: Option<String>,
    /// 把全部 Schema 写入这个目录（<名称>.schema.json）
    #[arg(long, value_name = "目录")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// 输出目录（默认 out）
    #[arg(
        long,
        short,
        value_name = "目录",
        default_value = "out",
        hide_default_value = true
    )]
    pub out: PathBuf,
    /// 排某个县区的版本，如 永城市
    #[arg(long, value_name = "县区")]
    pub county: Option<String>,
    /// 排一份文档最多用的内存，如 4G、1500M（默认 2G）；超过时这次不写出，改好再排
    #[arg(long = "max-memory", value_name = "大小", value_parser = memory_size)]
    pub max_memory: Option<u64>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// 端口（默认由系统挑一个空闲端口）；只在 127.0.0.1 上，同一网络的其他机器连不上
    #[arg(
        long,
        value_name = "端口",
        default_value_t = 0,
        hide_default_value = true
    )]
    pub port: u16,
    /// 页面上排版、批量的输出目录（默认 out）
    #[arg(
        long,
        short,
        value_name = "目录",
        default_value = "out",
        hide_default_value = true
    )]
    pub out: std::path::PathBuf,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// 新数据集的目录（不存在或为空）
    #[arg(value_name = "目录")]
    pub dir: PathBuf,
    /// 文种：学习资料、简报、政府工作报告要点、统计分析（默认学习资料）
    #[arg(
        long,
        value_name = "文种",
        default_value = "学习资料",
        hide_default_value = true,
        value_parser = ["学习资料", "简报", "政府工作报告要点", "统计分析"],
        hide_possible_values = true
    )]
    pub kind: String,
    /// 从随附的示例数据集开始：shangqiu-2023、zhengzhou-2023、changzhi-2023-11，或一个已有数据目录
    #[arg(long, value_name = "示例", conflicts_with = "kind")]
    pub from: Option<String>,
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// 生成的大批量中的地区数（默认 500）
    #[arg(
        long,
        value_name = "N",
        default_value_t = 500,
        hide_default_value = true
    )]
    pub regions: usize,
    /// 并行线程数（默认为处理器核数）
    #[arg(long, short, value_name = "N", value_parser = positive)]
    pub jobs: Option<usize>,
    /// 官方 typst 命令行的路径；给出时对比“每份文档运行一次 typst compile”的用时
    #[arg(long, value_name = "路径")]
    pub typst: Option<PathBuf>,
    /// 编号份数的对照：N 份编号的手册与一页纸，对比 N 次独立的 jianbao build（默认 0，不测）
    #[arg(long, value_name = "N", default_value_t = 0, hide_default_value = true)]
    pub copies: usize,
    /// 内容规模：逗号分隔的章数（如 500,2000），每档生成一份每章一段的手册，在子进程中排，比较用时和峰值内存
    #[arg(long, value_name = "N,M", value_delimiter = ',', value_parser = positive)]
    pub chapters: Vec<usize>,
    /// 把示例数据批量的 typst 分步计时写成 Chrome trace（JSON，可在 Perfetto 或 chrome://tracing 打开），
    /// 并列出自身用时最多的模板行
    #[arg(long, value_name = "文件")]
    pub timings: Option<PathBuf>,
    /// 只跑速度守卫：同一次运行中，批量须比“每份文档一台新引擎”的参照快到规定的倍数，否则失败（CI 用）
    #[arg(long)]
    pub check: bool,
}

/// clap 的帮助页默认是英文标题；这里逐层换成中文。
pub fn localized(cmd: clap::Command) -> clap::Command {
    use clap::{Arg, ArgAction};
    cmd.help_template("{about}\n\n用法：{usage}\n\n{all-args}{after-help}")
        .subcommand_help_heading("命令")
        .subcommand_value_name("命令")
        .disable_help_flag(true)
        .disable_version_flag(true)
        .mut_args(|a| {
            let heading = if a.is_positional() {
                "参数"
            } else {
                "选项"
            };
            a.help_heading(heading)
        })
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("显示帮助")
                .help_heading("选项"),
        )
        .mut_subcommands(localized)
}

/// 帮助页与用法中 clap 固定的英文部分换成中文。
pub fn chinese_help(text: &str) -> String {
    let mut s = text.replace("[OPTIONS]", "[选项]");
    for heading in ["命令", "参数", "选项"] {
        s = s.replace(&format!("\n{heading}:\n"), &format!("\n{heading}：\n"));
    }
    if !s.ends_with('\n') {
        s.push('\n');
    }
    s
}

/// clap 自己的报错（英文）换成中文：说清哪个参数、什么值、为什么不对，附上用法。
/// 不认识的错误种类返回 None，仍用 clap 的原文。
pub fn explain_error(e: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let get = |kind| {
        e.get(kind).map(|v| match v {
            ContextValue::String(s) => s.clone(),
            ContextValue::Strings(v) => v.join("、"),
            ContextValue::StyledStr(s) => s.to_string(),
            ContextValue::StyledStrs(v) => v
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("、"),
            ContextValue::Number(n) => n.to_string(),
            ContextValue::Bool(b) => b.to_string(),
            _ => String::new(),
        })
    };
    let arg = get(ContextKind::InvalidArg).unwrap_or_default();
    let value = get(ContextKind::InvalidValue).unwrap_or_default();
    let mut msg = match e.kind() {
        ErrorKind::InvalidValue => {
            let mut m = format!("参数 {arg} 的值 “{value}” 无效");
            if let Some(valid) = get(ContextKind::ValidValue) {
                m.push_str(&format!("，可选：{valid}"));
            }
            m
        }
        ErrorKind::ValueValidation => {
            let reason = std::error::Error::source(e)
                .map(|s| s.to_string())
                .unwrap_or_default();
            format!("参数 {arg} 的值 “{value}” 不对：{reason}")
        }
        ErrorKind::UnknownArgument => format!("不认识的参数 “{arg}”"),
        ErrorKind::InvalidSubcommand => format!(
            "不认识的命令 “{}”",
            get(ContextKind::InvalidSubcommand).unwrap_or_default()
        ),
        ErrorKind::MissingRequiredArgument => format!("缺少必需的参数：{arg}"),
        ErrorKind::ArgumentConflict => format!(
            "参数 {arg} 不能与 {} 同时使用",
            get(ContextKind::PriorArg).unwrap_or_default()
        ),
        ErrorKind::TooManyValues => format!("参数 {arg} 多了一个值 “{value}”"),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("参数 {arg} 的值的个数不对")
        }
        ErrorKind::NoEquals => format!("参数 {arg} 须写成 {arg}=值"),
        ErrorKind::InvalidUtf8 => "命令行参数不是有效的 UTF-8 文字".into(),
        ErrorKind::MissingSubcommand => "缺少要执行的命令".into(),
        // 其余情况 clap 只有英文说明：宁可笼统，也不把英文留给用户。
        _ => "命令行参数有误".into(),
    };
    if let Some(s) = get(ContextKind::SuggestedArg) {
        msg.push_str(&format!("；是否应为 “{s}”？"));
    }
    if let Some(s) = get(ContextKind::SuggestedSubcommand) {
        // 几个命令都像时逐个列出：是否应为 “batch” 或 “watch”？
        msg.push_str(&format!("；是否应为 “{}”？", s.replace('、', "” 或 “")));
    }
    let usage = get(ContextKind::Usage)
        .map(|u| {
            format!(
                "\n\n{}",
                chinese_help(&u.replacen("Usage: ", "用法：", 1)).trim_end()
            )
        })
        .unwrap_or_default();
    Some(format!("错误：{msg}{usage}\n\n用 --help 查看帮助。"))
}

/// 没给数据目录时：当前目录是数据集（有 meta.toml）就用它，否则用示例数据。
pub fn data_dir(arg: Option<PathBuf>) -> PathBuf {
    arg.unwrap_or_else(|| {
        if std::path::Path::new("meta.toml").is_file() {
            PathBuf::from(".")
        } else {
            jianbao::project::sample_dir()
        }
    })
}
