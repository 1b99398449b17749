//! `jianbao check`：只校验数据，不排版。

use jianbao::base::diag::Problems;

use super::{Failure, engine, prepare};
use crate::cli::CommonArgs;

pub fn run(common: CommonArgs) -> Result<(), Failure> {
    let project = prepare(&common)?;
    engine(&common, &project)?;
    // 县区表格中的坏单元格让所有县区版都排不出来（名次要用到每个县区的数字）；每处只列一次。
    let mut problems = Problems::default();
    if let Some(c) = &project.counties {
        problems.0.extend(c.problems().into_iter().map(|(_, p)| p));
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
