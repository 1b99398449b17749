//! `jianbao check`：只校验数据，不排版。

use jianbao::base::diag::Problems;

use super::{Failure, engine, prepare};
use crate::cli::CommonArgs;

pub fn run(common: CommonArgs) -> Result<(), Failure> {
    let project = prepare(&common)?;
    engine(&common, &project)?;
    // 县区数据中的坏单元格只影响那个县区；check 把它们都列出来。
    let mut problems = Problems::default();
    if let Some(c) = &project.counties {
        for name in &c.names {
            if let Err(p) = project.view_for(Some(name)) {
                problems.0.extend(p.0);
            }
        }
    }
    if !problems.is_empty() {
        return Err(Failure::Data(problems));
    }
    let counties = project.counties.as_ref().map_or(0, |c| c.names.len());
    println!(
        "{}：数据无误（{} 个县区）。",
        project.data.dir.display(),
        counties
    );
    Ok(())
}
