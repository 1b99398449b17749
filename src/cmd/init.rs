//! `jianbao init`：写出一个新数据集（见库的 `init` 模块）。

use std::time::Instant;

use jianbao::base::diag::{Origin, Problem, Problems};

use super::Failure;
use crate::cli;

pub fn run(args: cli::InitArgs) -> Result<(), Failure> {
    let setup = |msg: String| Failure::Setup(Problems(vec![Problem::new(Origin::None, "", msg)]));
    jianbao::init::check_target(&args.dir).map_err(setup)?;
    let started = Instant::now();
    let written = match &args.from {
        Some(from) => jianbao::init::create_from(&args.dir, from),
        None => {
            let kind = jianbao::init::kind_from_label(&args.kind).expect("clap 已检查文种");
            jianbao::init::create(&args.dir, kind)
        }
    }
    .map_err(|e| setup(format!("{e:#}")))?;
    let mut files: Vec<String> = written
        .0
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .filter(|p| !p.starts_with("schema/"))
        .collect();
    files.push("schema/".into());
    println!(
        "已建立 {}（用时 {:.2} 秒）：{}",
        args.dir.display(),
        started.elapsed().as_secs_f64(),
        files.join("、")
    );
    let next_issue = !written.1.is_empty();
    if next_issue {
        println!("\n下一期：{}", written.1.join("；"));
    }
    println!(
        "\n下一步：\n  cd {}\n  jianbao build      # 排出 out/ 下的简报手册和一页纸\n  jianbao watch      # 边改边看：保存即重排\n\n{}",
        args.dir.display(),
        if next_issue {
            "数据是上一期的：请把数字、标题和编印日期改成本期的；与上期比较的说法由两期数据算出。"
        } else {
            "文件中的内容都是示例，逐项换成你们自己的；每个字段的写法见文件中的注释和 README.md。"
        }
    );
    Ok(())
}
