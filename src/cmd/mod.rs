//! 各子命令的实现，一个文件一个命令；`main.rs` 只解析参数、分派、把结果映射为退出码。

pub mod applies;
pub mod batch;
pub mod bench;
pub mod build;
pub mod check;
pub mod export;
pub mod init;
pub mod preview;
pub mod schema;
pub mod serve;
pub mod watch;

use jianbao::base::diag::Problems;
use jianbao::isolate::Workers;
use jianbao::present;
use jianbao::project::{self, Project};
use jianbao::typeset::world::Engine;

use crate::cli::{self, CommonArgs};

/// 退出码：0 成功，1 数据有问题，2 用法错误（clap），3 排版或写出失败。
pub const EXIT_DATA: u8 = 1;
pub const EXIT_USAGE: u8 = 2;
pub const EXIT_RENDER: u8 = 3;
/// 版面检查有发现，且给了 `--strict`。
pub const EXIT_LAYOUT: u8 = 4;
/// 被 Ctrl-C 中断（130 = 128 + SIGINT，与 shell 的习惯一致）。
pub const EXIT_INTERRUPTED: u8 = 130;

pub enum Failure {
    Data(Problems),
    Render(Problems),
    Other(anyhow::Error),
    /// 运行环境或命令行的问题（如字体目录不存在），退出码 2。
    Setup(Problems),
    /// 问题已经逐条报告过，只需以这个退出码结束。
    Exit(u8),
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure::Other(e)
    }
}

/// 读入并规范化数据集。
pub fn prepare(common: &CommonArgs) -> Result<Project, Failure> {
    let dir = cli::data_dir(common.data.clone());
    let options = options(common);
    Project::load(&dir, &options).map_err(Failure::Data)
}

/// 命令行上影响版面的选项。
pub fn options(common: &CommonArgs) -> present::Options {
    present::Options {
        paper: common.paper.clone(),
        bleed_mm: common.bleed.unwrap_or(0.0),
        crop_marks: common.marks,
        mono: common.mono,
        draft: common.draft.clone(),
        archive: common.pdf_standard.is_some(),
        binding: common.binding,
        previous: common.previous.clone(),
    }
}

pub fn engine(common: &CommonArgs, project: &Project) -> Result<Engine, Failure> {
    let fonts = jianbao::typeset::fonts::load(&common.font_path).map_err(Failure::Setup)?;
    project::engine(fonts, common.templates.as_deref(), project)
        .map(|e| e.with_strict(common.strict))
        .map_err(Failure::Data)
}

/// 第一次 Ctrl-C（或 SIGTERM、SIGHUP：Kubernetes、Slurm 停止作业时发的信号）：不再开始新文档，正在排的写完；
/// 第二次：删掉正在写的临时文件，立即退出。两种情况都不会留下写了一半的 PDF 或临时文件，
/// 因为每个 PDF 都是先写临时文件再改名。
pub fn stop_on_ctrl_c() {
    let _ = ctrlc::set_handler(|| {
        if jianbao::batch::CANCELLED.swap(true, std::sync::atomic::Ordering::SeqCst) {
            jianbao::base::output::remove_pending();
            std::process::exit(EXIT_INTERRUPTED.into());
        }
        eprintln!("\n收到中断信号：正在排的文档写完后停止（再按一次立即退出）。");
    });
}

/// 打印发布前核对的提醒（县区合计、离群的数、与上期相比变化过大）：`limit` 为最多列几条，0 为全部。
pub fn print_warnings(project: &Project, limit: usize) {
    let w = &project.warnings;
    if w.is_empty() {
        return;
    }
    eprintln!(
        "发布前核对：{} 条提醒（数据能排版，但可能有录错的数）",
        w.len()
    );
    let shown = if limit == 0 {
        w.len()
    } else {
        limit.min(w.len())
    };
    for p in &w[..shown] {
        eprintln!("提醒：{p}");
    }
    if shown < w.len() {
        eprintln!("  ……其余 {} 条见 jianbao check", w.len() - shown);
    }
}

/// 打印版面检查的摘要（一行计数和前几条）。
pub fn print_findings(findings: &[jianbao::typeset::preflight::Finding]) {
    if !findings.is_empty() {
        eprintln!("{}", jianbao::typeset::preflight::summary(findings, 3));
    }
}

pub fn interrupted() -> bool {
    jianbao::batch::CANCELLED.load(std::sync::atomic::Ordering::SeqCst)
}

/// 排版的工作进程（每份文档在内存上限之内排，见 [`jianbao::isolate`]），已经启动：
/// 在命令读数据之前调用，两边的准备同时进行。
pub fn workers(output: &cli::OutputArgs) -> Result<Workers, Failure> {
    Workers::new(Some(output.memory()), output.limits().time)
        .map(Workers::warm)
        .map_err(|e| {
            Failure::Other(anyhow::anyhow!(
                "找不到本程序的可执行文件，无法启动排版进程：{}",
                jianbao::base::diag::os_error(&e)
            ))
        })
}

/// 工作进程（环境变量 [`jianbao::isolate::WORKER_ENV`]）：像 build、batch、watch 一样读入数据、准备字体和模板，
/// 然后排主进程经标准输入交来的文档，PDF 经标准输出交回。
pub fn worker(command: cli::Command, memory: Option<u64>) -> Result<(), Failure> {
    use jianbao::isolate::serve;
    let served = match command {
        cli::Command::Build(args) => serve(Ok(build::worker(args)?), None, memory),
        cli::Command::Batch(args) => serve(Ok(batch::worker(args)?), None, memory),
        cli::Command::Bench(args) => serve(Ok(bench::worker(args)?), None, memory),
        cli::Command::Watch(args) => watch::worker(args, memory)?,
        _ => {
            return Err(Failure::Other(anyhow::anyhow!(
                "只有 build、batch、watch 和 bench 在工作进程中排版"
            )));
        }
    };
    served.map_err(|e| {
        Failure::Other(anyhow::anyhow!(
            "排版进程与主进程的联系中断：{}",
            jianbao::base::diag::os_error(&e)
        ))
    })
}

pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
