//! `jianbao serve`：浏览器里的工作台（见库的 `serve` 模块）。

use jianbao::typeset::templates::Templates;
use jianbao::typeset::world::Engine;

use super::Failure;
use crate::cli;

pub fn run(args: cli::ServeArgs) -> Result<(), Failure> {
    let common = &args.common;
    let dir = cli::data_dir(common.data.clone());
    let fonts = jianbao::typeset::fonts::load(&common.font_path).map_err(Failure::Setup)?;
    let templates = Templates::locate(common.templates.as_deref());
    let template_dir = match &templates {
        Templates::Disk(d) => Some(d.clone()),
        Templates::Embedded => None,
    };
    let engine = Engine::new(fonts, templates).with_standard(common.standard());
    let started = jianbao::serve::bind(
        dir.clone(),
        args.out.clone(),
        args.port,
        engine,
        super::options(common),
        template_dir,
    )?;
    println!(
        "工作台已开始（只在本机可用）：数据 {}，输出到 {}。\n请在浏览器中打开：\n\n  {}\n\n地址中的令牌每次启动都不同，不要发给别人。按 Ctrl-C 结束。",
        dir.display(),
        args.out.display(),
        started.url
    );
    started.run()?;
    Ok(())
}
