//! `jianbao serve`：浏览器里的工作台（见库的 `serve` 模块）。

use jianbao::typeset::templates::Templates;
use jianbao::typeset::world::Engine;

use super::Failure;
use crate::cli;

pub fn run(args: cli::ServeArgs) -> Result<(), Failure> {
    let common = &args.common;
    let dir = cli::data_dir(common.data.clone());
    // 从无到有：给的数据目录还不存在时建一个空目录，页面上选文种后在里面建数据集（与 jianbao init 相同）。
    if !dir.exists() {
        std::fs::create_dir_all(&dir).map_err(|e| {
            anyhow::anyhow!(
                "无法建立数据目录 {}：{}",
                dir.display(),
                jianbao::base::diag::os_error(&e)
            )
        })?;
        println!(
            "{} 还不存在：已建立空目录，请在页面上选一个文种建立数据集。",
            dir.display()
        );
    }
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
