//! 用不上的选项要说出来：选项在这种用法下不起作用（如只排一页纸却要拼版）时，不声不响地忽略它
//! 会让人以为拿到了要的东西。这里的检查都在写出任何文件之前，失败时退出码 2（用法问题）。
//! 每个命令只在一处调用一行，排版流程本身不必知道这些规则。

use jianbao::base::diag::{Origin, Problem, Problems};
use jianbao::typeset::Kind;

use super::Failure;
use crate::cli::{BuildArgs, CommonArgs};

fn refuse(option: &str, message: String) -> Failure {
    Failure::Setup(Problems(vec![Problem::new(Origin::None, option, message)]))
}

/// `build` 的选项组合：排版前就能看出用不上的。
pub fn build(args: &BuildArgs) -> Result<(), Failure> {
    if args.template.is_some() {
        // 自己写的模板只排一份文档：只排哪一种、编号份数都无从谈起。
        if let Some(only) = args.output.only {
            return Err(refuse(
                "--only",
                format!(
                    "用 --template 时只排模板这一份文档，--only {} 用不上；请去掉 --only",
                    match only {
                        Kind::Booklet => "booklet",
                        Kind::Summary => "summary",
                    }
                ),
            ));
        }
        if args.copies.is_some() || args.recipients.is_some() {
            let option = if args.copies.is_some() {
                "--copies"
            } else {
                "--recipients"
            };
            return Err(refuse(
                option,
                format!(
                    "编号份数只用于简报手册和一页纸，用 --template 时 {option} 用不上；请去掉其中一个"
                ),
            ));
        }
    }
    if args.impose.is_some() && args.template.is_none() && args.output.only == Some(Kind::Summary) {
        return Err(refuse(
            "--impose",
            "骑马订拼版只用于简报手册，--only summary 时没有要拼版的文档；请去掉 --impose 或 --only".into(),
        ));
    }
    Ok(())
}

/// `preview --pages`：要的页在哪份文档里都没有时报错，并说出各文档有几页。
pub fn preview_pages(wanted: Option<&[usize]>, documents: &[(Kind, usize)]) -> Result<(), Failure> {
    let Some(wanted) = wanted else {
        return Ok(());
    };
    let longest = documents.iter().map(|(_, n)| *n).max().unwrap_or(0);
    let beyond: Vec<String> = wanted
        .iter()
        .filter(|&&n| n > longest)
        .map(|n| n.to_string())
        .collect();
    if beyond.is_empty() {
        return Ok(());
    }
    let sizes: Vec<String> = documents
        .iter()
        .map(|(kind, n)| format!("{}共 {n} 页", kind.label()))
        .collect();
    Err(refuse(
        "--pages",
        format!(
            "第 {} 页不存在：{}；什么都没有画",
            beyond.join("、"),
            sizes.join("，")
        ),
    ))
}

/// `export-json` 只打印数据，不排版：模板、字体、PDF 标准都用不上。
pub fn export(common: &CommonArgs) -> Result<(), Failure> {
    let ignored = [
        ("--templates", common.templates.is_some()),
        ("--font-path", !common.font_path.is_empty()),
    ];
    match ignored.iter().find(|(_, given)| *given) {
        Some((option, _)) => Err(refuse(
            option,
            format!("export-json 只打印模板看到的数据，不排版，{option} 用不上；请去掉它"),
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_beyond_every_document_are_refused() {
        let docs = [(Kind::Booklet, 24), (Kind::Summary, 1)];
        assert!(preview_pages(Some(&[1, 24]), &docs).is_ok());
        assert!(preview_pages(Some(&[25]), &docs).is_err());
        assert!(preview_pages(None, &docs).is_ok());
    }
}
