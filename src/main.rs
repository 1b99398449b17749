//! jianbao 命令行：解析参数，分派到 `cmd/` 中的子命令，把结果映射为退出码。
//! 数据流见库的文档（`src/lib.rs`）。

mod cli;
mod cmd;
mod report;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use cli::{Cli, Command};
use cmd::{EXIT_DATA, EXIT_RENDER, EXIT_USAGE, Failure};

fn main() -> ExitCode {
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
    };
    report(result)
}

/// 命令行用法错误：帮助和版本照常打印，其余错误用中文说明，退出码 2。
fn usage_error(e: clap::Error) -> ! {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => e.exit(),
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
