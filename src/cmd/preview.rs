//! `jianbao preview`：页面画成 PNG，再拼一张总览图。

use jianbao::base::output;
use jianbao::preview;
use jianbao::project::Project;
use jianbao::typeset::{self, Kind};

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
    let engine = engine(&args.common, &project)?;
    let kinds = args.only.map_or(Kind::ALL.to_vec(), |k| vec![k]);
    let mut done = Vec::new();
    for kind in kinds {
        let json = serde_json::to_vec(&view).expect("视图总能序列化");
        let t = typeset::typeset(
            &engine,
            kind,
            json,
            Some(project.data.dir.clone()),
            project.date,
        )
        .map_err(Failure::Render)?;
        done.push((kind, t));
    }
    // 先排好全部文档再画：要的页哪份都没有时什么都不写。
    let sizes: Vec<(Kind, usize)> = done
        .iter()
        .map(|(k, t)| (*k, t.doc.pages().len()))
        .collect();
    super::applies::preview_pages(wanted.as_deref(), &sizes)?;
    for (kind, t) in done {
        let all: Vec<usize> = (1..=t.doc.pages().len()).collect();
        let pages = preview::pages(&t.doc, wanted.as_deref().unwrap_or(&all), args.dpi as f32);
        let stem = Project::file_name(&view, kind)
            .trim_end_matches(".pdf")
            .to_owned();
        for (n, image) in &pages {
            let path = args.out.join(format!("{stem}-第{n}页.png"));
            write_png(&path, image)?;
        }
        if let Some(sheet) = preview::contact_sheet(&pages) {
            let path = args.out.join(format!("{stem}-总览.png"));
            write_png(&path, &sheet)?;
            println!("{}：{} 页", path.display(), pages.len());
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
