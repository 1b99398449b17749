//! `jianbao check`：校验数据；`--layout` 时还排出每个版本的手册和一页纸，检查版面。

use jianbao::base::diag::Problems;
use jianbao::project::Project;
use jianbao::typeset::Kind;
use jianbao::typeset::preflight::{self, Finding};

use super::{EXIT_LAYOUT, Failure, engine, prepare};
use crate::cli::CheckArgs;

pub fn run(args: CheckArgs) -> Result<(), Failure> {
    let common = &args.common;
    let project = prepare(common)?;
    // check 自己报告发现并决定退出码：排版时不按 --strict 让文档失败。
    let engine = engine(common, &project)?.with_strict(false);
    // 县区表格中的坏单元格让所有县区版都排不出来（名次要用到每个县区的数字）；每处只列一次。
    let mut problems = Problems::default();
    if let Some(c) = &project.counties {
        problems.0.extend(c.problems().into_iter().map(|(_, p)| p));
    }
    if !problems.is_empty() {
        return Err(Failure::Data(problems));
    }
    let counties = project.counties.as_ref().map_or(0, |c| c.names.len());
    super::print_warnings(&project, 0);
    if !args.layout {
        let reminders = match project.warnings.len() {
            0 => String::new(),
            n => format!("，另有 {n} 条发布前核对的提醒（见上）"),
        };
        println!(
            "{}：数据无误（{} 个县区）{reminders}。",
            project.data.dir.display(),
            counties
        );
        return Ok(());
    }
    let mut findings: Vec<Finding> = Vec::new();
    let mut documents = 0;
    for edition in editions(&project, args.county.as_deref())? {
        let view = project
            .view_for(edition.as_deref())
            .map_err(Failure::Data)?;
        for kind in Kind::ALL {
            let r = project
                .render(&engine, &view, kind)
                .map_err(Failure::Render)?;
            // typst 的警告和检查的提示（如一页纸内容少）：不算版面问题，照样告诉用户。
            for w in &r.warnings {
                eprintln!("{w}");
            }
            findings.extend(r.findings);
            documents += 1;
        }
    }
    if args.format == "json" {
        println!(
            "{}",
            serde_json::to_string_pretty(&findings).expect("发现总能序列化")
        );
    } else if findings.is_empty() {
        println!(
            "{}：数据无误，{documents} 份文档的版面检查未发现问题。",
            project.data.dir.display()
        );
    } else {
        for f in &findings {
            println!("{f}");
        }
        println!("{}", preflight::summary(&findings, 0));
    }
    if common.strict && !findings.is_empty() {
        return Err(Failure::Exit(EXIT_LAYOUT));
    }
    Ok(())
}

/// 要检查的版本：给了 `--county` 只查那一个（city 为全市版），否则全市版和全部县区版。
fn editions(project: &Project, county: Option<&str>) -> Result<Vec<Option<String>>, Failure> {
    match county {
        Some("city") => Ok(vec![None]),
        Some(name) => Ok(vec![Some(name.to_owned())]),
        None => {
            let mut all = vec![None];
            if let Some(c) = &project.counties {
                all.extend(c.names.iter().cloned().map(Some));
            }
            Ok(all)
        }
    }
}
