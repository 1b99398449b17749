//! jianbao 命令行：解析参数，分派到 `cmd/` 中的子命令，把结果映射为退出码。
//! 数据流见库的文档（`src/lib.rs`）。

mod cli;
mod cmd;
mod report;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use cli::{Cli, Command};
use cmd::{EXIT_DATA, EXIT_RENDER, EXIT_USAGE, Failure};

/// 不带参数运行时的入门说明（不只是用法）。
const GETTING_STARTED: &str =
    "jianbao（简报）：把指标数据和任务清单排成可付印的中文简报手册和一页纸。

从零开始，三步：
  1. jianbao init 我的简报 --kind 简报
     新建数据集（文种：学习资料、简报、政府工作报告要点、统计分析），内容是标明“示例”的占位文字。
  2. cd 我的简报 && jianbao build
     排出 out/ 下的简报手册和一页纸（PDF）。
  3. jianbao watch
     打开 meta.toml、outline.toml、indicators.toml 逐项改成自己的内容；每次保存都自动重排，
     出错时就地指出“文件:行:列”，上一版 PDF 保留不动。

换颜色、纸张、字体、封面样式：改 meta.toml 的 [theme]，不必碰模板。
看随附的真实示例：jianbao build data/shangqiu-2023
全部命令：jianbao --help　　某个命令的说明和示例：jianbao <命令> --help
";

fn main() -> ExitCode {
    if std::env::args_os().len() <= 1 {
        print!("{GETTING_STARTED}");
        return ExitCode::SUCCESS;
    }
    let command = cli::localized(Cli::command()).arg(
        clap::Arg::new("version")
            .short('V')
            .long("version")
            .action(clap::ArgAction::Version)
            .help("显示版本")
            .help_heading("选项"),
    );
    let matches = match command.try_get_matches() {
        Ok(m) => m,
        Err(e) => usage_error(e),
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => usage_error(e),
    };
    if let Some(memory) = jianbao::isolate::worker_memory() {
        return report(cmd::worker(cli.command, memory));
    }
    let result = match cli.command {
        Command::Build(args) => cmd::build::run(args),
        Command::ExportJson(args) => cmd::export::run(args),
        Command::Check(args) => cmd::check::run(args),
        Command::Batch(args) => cmd::batch::run(args),
        Command::Schema(args) => cmd::schema::run(args),
        Command::Bench(args) => cmd::bench::run(args),
        Command::Preview(args) => cmd::preview::run(args),
        Command::Init(args) => cmd::init::run(args),
        Command::Watch(args) => cmd::watch::run(args),
        Command::Serve(args) => cmd::serve::run(args),
    };
    report(result)
}

/// 命令行用法错误：帮助和版本照常打印，其余错误用中文说明，退出码 2。
fn usage_error(e: clap::Error) -> ! {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            // clap 的帮助页里还剩几处英文（[OPTIONS]、半角冒号的标题）：换成中文。
            print!("{}", cli::chinese_help(&e.render().to_string()));
            std::process::exit(0);
        }
        ErrorKind::DisplayVersion => e.exit(),
        _ => match cli::explain_error(&e) {
            Some(msg) => {
                eprintln!("{msg}");
                std::process::exit(EXIT_USAGE.into());
            }
            None => e.exit(),
        },
    }
}

fn report(result: Result<(), Failure>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Data(p)) => {
            eprintln!("数据有问题：\n{p}");
            ExitCode::from(EXIT_DATA)
        }
        Err(Failure::Render(p)) => {
            eprintln!("排版失败：\n{p}");
            ExitCode::from(EXIT_RENDER)
        }
        Err(Failure::Other(e)) => {
            eprintln!("错误：{e:#}");
            ExitCode::from(EXIT_RENDER)
        }
        Err(Failure::Setup(p)) => {
            eprintln!("设置有问题：\n{p}");
            ExitCode::from(EXIT_USAGE)
        }
        Err(Failure::Exit(code)) => ExitCode::from(code),
    }
}
