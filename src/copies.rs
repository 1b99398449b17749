//! 编号的份数（份号）：`--copies N` 或 `--recipients 名单.csv`。每一份封面左上角印六位份号（GB/T 9704），
//! 给了名单时每页底边再印浅色的“发给：某某”。各份只差这几个字：文档只排一次，各份把这几个字叠印到
//! 排好的 PDF 上（[`crate::stamp`]）。
//!
//! 各份逐份排、排好即写出（[`run`]）：内存不随份数增长，第一份在最后一份排出之前就已在磁盘上，
//! 中途出错或中断时已写出的各份都是完整的。

use std::path::Path;
use std::sync::Mutex;

use crate::base::diag::{Origin, Problem, Problems};
use crate::base::pool;
use crate::base::text::one_line;
use crate::present::view::View;
use crate::render::{Press, Template, Written};
use crate::stamp::Stamper;

/// 一次最多编的份数：份号是六位数字（000001–999999）。更多的份数直接拒绝，不悄悄截断。
pub const MAX_COPIES: usize = 999_999;
/// 名单中一个名字最多的字数。
pub const MAX_NAME_CHARS: usize = 40;

/// 一份：份号和（可选的）发放对象。
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copy {
    pub no: String,
    pub recipient: Option<String>,
}

/// 要编的各份：N 份只有份号，或名单上每人一份。按序号现取，一百万份也不占内存。
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Copies {
    Numbered(usize),
    Named(Vec<String>),
}

impl Copies {
    /// N 份，份号 000001 起；超过上限时说明上限。
    pub fn numbered(n: usize) -> Result<Self, String> {
        if n == 0 || n > MAX_COPIES {
            return Err(format!(
                "份数须在 1 到 {MAX_COPIES} 之间（份号是六位数字），实际为 {n}"
            ));
        }
        Ok(Self::Numbered(n))
    }

    pub fn len(&self) -> usize {
        match self {
            Self::Numbered(n) => *n,
            Self::Named(names) => names.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// 第 `i` 份（从 0 起）。
    pub fn get(&self, i: usize) -> Copy {
        Copy {
            no: format!("{:06}", i + 1),
            recipient: match self {
                Self::Numbered(_) => None,
                Self::Named(names) => Some(names[i].clone()),
            },
        }
    }

    /// 名单上的名字（只有份号时为空）。
    pub fn names(&self) -> &[String] {
        match self {
            Self::Numbered(_) => &[],
            Self::Named(names) => names,
        }
    }
}

/// 逐份排出并写出每一份的每种文档，`jobs` 个线程。每写出一份调用一次 `progress(完成数, 总数, 写出的文件)`。
/// 某一份出错时不再开始新的，返回那个错误；已写出的各份保留（都是完整的）。返回写出的文件数。
pub fn run(
    press: &Press,
    view: &View,
    copies: &Copies,
    templates: &[Template],
    out: &Path,
    jobs: usize,
    progress: &(dyn Fn(usize, usize, &Written) + Sync),
) -> Result<usize, Problems> {
    let per_copy = templates.len();
    let total = copies.len() * per_copy;
    // 每种文档只排一次，各份叠印份号和“发给”（src/stamp/）；不能叠印的逐份整排。
    let first = view_of(view, &copies.get(0));
    let stampers = templates
        .iter()
        .map(|t| Stamper::prepare(press, &first, t))
        .collect::<Result<Vec<_>, _>>()?;
    drop(first);
    let failure: Mutex<Option<Problems>> = Mutex::new(None);
    let written = std::sync::atomic::AtomicUsize::new(0);
    pool::run(
        total,
        jobs,
        &|k| k,
        &|i| {
            let (copy, template) = (copies.get(i / per_copy), &templates[i % per_copy]);
            let path = out.join(file_name(&template.file_name(view), &copy));
            match &stampers[i % per_copy] {
                Some(s) => s
                    .make(press, view, &copy.no, copy.recipient.as_deref())?
                    .write(&path)
                    .map_err(|e| Problems(vec![Problem::new(Origin::None, "", format!("{e:#}"))])),
                None => press.write(&view_of(view, &copy), template, &path),
            }
        },
        &|n, _, result| match result {
            Ok(w) => {
                written.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                progress(n, total, &w);
                true
            }
            Err(p) => {
                failure.lock().expect("锁未中毒").get_or_insert(p);
                false
            }
        },
    );
    match failure.into_inner().expect("锁未中毒") {
        Some(p) => Err(p),
        None => Ok(written.into_inner()),
    }
}

/// 名单（CSV 或纯文本，每行一个名字，取第一列）：每人一份。第一行是“姓名”“收件人”等表头时跳过。
pub fn from_recipients(path: &Path) -> Result<Copies, Problems> {
    let problem = |row: usize, msg: String| {
        Problem::new(
            Origin::Cell {
                file: path.to_owned(),
                sheet: None,
                row,
                column: 0,
            },
            "",
            msg,
        )
    };
    let bytes = std::fs::read(path).map_err(|e| {
        Problems(vec![Problem::in_file(
            path,
            crate::base::diag::os_error(&e),
        )])
    })?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let text = std::str::from_utf8(bytes).map_err(|_| {
        Problems(vec![Problem::in_file(
            path,
            "名单不是 UTF-8 编码；在 Excel 中另存为时请选择“CSV UTF-8（逗号分隔）”",
        )])
    })?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut names = Vec::new();
    let mut problems = Problems::default();
    for (i, record) in reader.records().enumerate() {
        let row = i + 1;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(problem(row, format!("CSV 格式错误：{e}")));
                continue;
            }
        };
        let name = one_line(record.get(0).unwrap_or("")).trim().to_owned();
        if name.is_empty()
            || (row == 1 && ["姓名", "名称", "收件人", "单位", "name"].contains(&name.as_str()))
        {
            continue;
        }
        if name.chars().count() > MAX_NAME_CHARS {
            problems.push(problem(
                row,
                format!(
                    "名字过长（{} 字），最多 {MAX_NAME_CHARS} 字",
                    name.chars().count()
                ),
            ));
            continue;
        }
        names.push(name);
    }
    if names.is_empty() && problems.is_empty() {
        problems.push(Problem::in_file(path, "名单是空的：每行写一个名字"));
    }
    if names.len() > MAX_COPIES {
        problems.push(Problem::in_file(
            path,
            format!("名单有 {} 人，份号最多 {MAX_COPIES} 份", names.len()),
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Copies::Named(names))
}

/// 这一份的视图：只改份号和发放对象，其余与原视图相同。
pub fn view_of(view: &View, copy: &Copy) -> View {
    let mut v = view.clone();
    v.render.copy_no = Some(copy.no.clone());
    v.render.recipient = copy.recipient.clone();
    v
}

/// 这一份的文件名：“商丘市-简报手册.pdf” → “商丘市-简报手册-000001.pdf”。份号只有数字，不会带出路径符号。
pub fn file_name(base: &str, copy: &Copy) -> String {
    match base.strip_suffix(".pdf") {
        Some(stem) => format!("{stem}-{}.pdf", copy.no),
        None => format!("{base}-{}", copy.no),
    }
}
