//! `jianbao preview`：页面画成 PNG，再拼一张总览图。与 build 走同一条路径（排版与全部版面检查），
//! 只是最后画成图而不导出 PDF。

use jianbao::base::output;
use jianbao::preview;
use jianbao::project::Project;
use jianbao::render::Template;
use jianbao::typeset::Kind;

use super::{Failure, engine, prepare};
use crate::cli;

pub fn run(args: cli::PreviewArgs) -> Result<(), Failure> {
    let project = prepare(&args.common)?;
    let view = project
        .view_for(args.county.as_deref())
        .map_err(Failure::Data)?;
    let wanted = match &args.pages {
        Some(p) => Some(preview::parse_pages(p).map_err(|msg| {
            Failure::Setup(jianbao::base::diag::Problems(vec![
                jianbao::base::diag::Problem::new(
                    jianbao::base::diag::Origin::None,
                    "--pages",
                    msg,
                ),
            ]))
        })?),
        None => None,
    };
    let engine = engine(&args.common, &project)?.with_standard(args.common.standard());
    let press = project.press(&engine);
    let kinds = args.only.map_or(Kind::ALL.to_vec(), |k| vec![k]);
    let mut done = Vec::new();
    for kind in kinds {
        let laid = press
            .lay_out(&view, &Template::Builtin(kind))
            .map_err(Failure::Render)?;
        for w in &laid.warnings {
            eprintln!("{w}");
        }
        done.push((kind, laid));
    }
    // 先排好、查过全部文档再画：要的页哪份都没有时什么都不写。
    let sizes: Vec<(Kind, usize)> = done
        .iter()
        .map(|(k, l)| (*k, l.doc.pages().len()))
        .collect();
    super::applies::preview_pages(wanted.as_deref(), &sizes)?;
    for (kind, laid) in done {
        let all: Vec<usize> = (1..=laid.doc.pages().len()).collect();
        let stem = Project::file_name(&view, kind)
            .trim_end_matches(".pdf")
            .to_owned();
        let mut count = 0;
        let sheet = preview::render(
            &laid.doc,
            wanted.as_deref().unwrap_or(&all),
            args.dpi as f32,
            &mut |n, image| {
                count += 1;
                write_png(&args.out.join(format!("{stem}-第{n}页.png")), &image)
            },
        )?;
        if let Some(sheet) = sheet {
            let path = args.out.join(format!("{stem}-总览.png"));
            write_png(&path, &sheet)?;
            println!("{}：{count} 页", path.display());
        }
    }
    Ok(())
}

fn write_png(path: &std::path::Path, image: &tiny_skia::Pixmap) -> Result<(), Failure> {
    let png = image
        .encode_png()
        .map_err(|e| Failure::Other(anyhow::anyhow!("无法编码 PNG：{e}")))?;
    output::write_atomic(path, &png)?;
    Ok(())
}
