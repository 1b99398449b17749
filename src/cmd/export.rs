//! `jianbao export-json`：打印模板看到的规范化 JSON。

use std::io::Write as _;

use super::{Failure, prepare};
use crate::cli;

pub fn run(args: cli::ExportArgs) -> Result<(), Failure> {
    super::applies::export(&args.common)?;
    let project = prepare(&args.common)?;
    let view = project
        .view_for(args.county.as_deref())
        .map_err(Failure::Data)?;
    let json = serde_json::to_string_pretty(&view).expect("视图总能序列化");
    // 管道被下游提前关闭（如 `| head`）时安静退出，而不是崩溃。
    let _ = writeln!(std::io::stdout().lock(), "{json}");
    Ok(())
}
