//! `jianbao schema`：输出数据文件的 JSON Schema。

use std::io::Write as _;

use jianbao::base::output;

use super::Failure;
use crate::cli;

pub fn run(args: cli::SchemaArgs) -> Result<(), Failure> {
    let all = jianbao::schema::all();
    if let Some(dir) = &args.out {
        for (name, schema) in &all {
            let path = dir.join(format!("{name}.schema.json"));
            output::write_atomic(&path, jianbao::schema::render(schema).as_bytes())?;
            println!("{}", path.display());
        }
        return Ok(());
    }
    let name = args.name.as_deref().unwrap_or("meta");
    match all.iter().find(|(n, _)| *n == name) {
        Some((_, schema)) => {
            let _ = write!(
                std::io::stdout().lock(),
                "{}",
                jianbao::schema::render(schema)
            );
            Ok(())
        }
        None => {
            let names: Vec<&str> = all.iter().map(|(n, _)| *n).collect();
            eprintln!("没有名为 “{name}” 的 Schema，可选：{}", names.join("、"));
            Err(Failure::Exit(2))
        }
    }
}
