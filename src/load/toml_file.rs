//! 读取一个 TOML 数据文件，把 serde 的英文报错译成带行列和字段路径的中文问题。

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::de::DeserializeOwned;

use crate::base::diag::{Origin, Problem};

/// 一个已读入内存的文本文件：路径和原文，原文用于取回数字原样写法和报错定位。
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: Arc<str>,
}

impl SourceFile {
    pub fn read(path: &Path) -> Result<Self, Problem> {
        let bytes = std::fs::read(path).map_err(|e| Problem::in_file(path, io_message(&e)))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            let offset = e.utf8_error().valid_up_to();
            Problem::new(
                Origin::Text {
                    file: path.to_owned(),
                    source: String::from_utf8_lossy(e.as_bytes()).into(),
                    span: Some(offset..offset + 1),
                },
                "",
                "文件不是 UTF-8 编码，请另存为 UTF-8",
            )
        })?;
        Ok(Self {
            path: path.to_owned(),
            text: text.into(),
        })
    }

    pub fn origin(&self, span: Option<std::ops::Range<usize>>) -> Origin {
        Origin::Text {
            file: self.path.clone(),
            source: self.text.clone(),
            span,
        }
    }

    /// 数字在源文件中的原样写法（去掉 TOML 允许的下划线和正号）。
    pub fn literal(&self, span: std::ops::Range<usize>) -> Option<String> {
        let raw = self.text.get(span)?.trim();
        let cleaned: String = raw.chars().filter(|&c| c != '_').collect();
        let cleaned = cleaned.trim_start_matches('+').to_owned();
        cleaned.parse::<f64>().ok().map(|_| cleaned)
    }

    /// 解析整个文件，尽量一次找出所有问题：serde 每次只报第一个错，
    /// 于是把出错的那一行换成等长的空格（字节位置不变，后面的行列仍然准确）再解析，直到没有新问题。
    /// 语法错误、缺字段、跨行的错误之后不再继续，以免报出由替换引起的连带错误。
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, Vec<Problem>> {
        let mut text = self.text.to_string();
        let mut problems = Vec::new();
        let mut blanked: Vec<String> = Vec::new();
        while problems.len() < MAX_PROBLEMS_PER_FILE {
            let de = match toml::Deserializer::parse(&text) {
                Ok(de) => de,
                Err(e) => {
                    if problems.is_empty() {
                        problems.push(self.toml_problem("", &e));
                    }
                    break;
                }
            };
            let e = match serde_path_to_error::deserialize::<_, T>(de) {
                Ok(value) if problems.is_empty() => return Ok(value),
                Ok(_) => break,
                Err(e) => e,
            };
            // `Spanned` 在路径里留下内部名字，对用户没有意义。
            let path = e
                .path()
                .to_string()
                .replace(".$__serde_spanned_private_value", "");
            let path = if path == "." { String::new() } else { path };
            let inner = e.into_inner();
            let missing = inner.message().starts_with("missing field");
            if missing && blanked.iter().any(|b| b == &path) {
                break;
            }
            let problem = self.toml_problem(&path, &inner);
            // 替换后同一处仍报同样的错：再试也不会有新发现。
            if problems
                .last()
                .is_some_and(|p: &Problem| p.headline() == problem.headline())
            {
                break;
            }
            problems.push(problem);
            let Some(span) = inner.span().filter(|_| !missing) else {
                break;
            };
            if !patch(&mut text, span, inner.message()) {
                break;
            }
            blanked.push(
                path.rsplit_once('.')
                    .map_or(String::new(), |(parent, _)| parent.to_owned()),
            );
        }
        Err(problems)
    }

    /// 文件中的每个字符串值：(字段路径, 字节范围, 内容)。用于缺字和超长检查。
    pub fn strings(&self) -> Vec<(String, std::ops::Range<usize>, String)> {
        let mut out = Vec::new();
        if let Ok(table) = toml::de::DeTable::parse(&self.text) {
            walk_table(table.get_ref(), "", &mut out);
        }
        out
    }

    fn toml_problem(&self, field: &str, e: &toml::de::Error) -> Problem {
        Problem::new(self.origin(e.span()), field, translate(e.message()))
    }
}

/// 一个文件最多报告的问题数。
const MAX_PROBLEMS_PER_FILE: usize = 50;

/// 让出错处不再出错、又不改变其他字节的位置：类型不对的值换成同类型的占位值（补空格到原长度），
/// 其余情况（如未知字段）把整行换成空格。做不到时返回 false。
fn patch(text: &mut String, span: std::ops::Range<usize>, message: &str) -> bool {
    if let Some(rest) = message.strip_prefix("invalid type: ")
        && let Some((_, expected)) = rest.split_once(", expected ")
        && span.end <= text.len()
    {
        let placeholder = match expected_cn(expected) {
            "数字" => "0",
            "true 或 false" => "false",
            "数组（方括号 [ ]）" => "[]",
            "表（[...] 或 { ... }）" => "{}",
            s if s.starts_with("文本") => "\"\"",
            _ => return blank_line(text, span),
        };
        let old = &text[span.clone()];
        if placeholder.len() <= old.len() && !old.contains('\n') {
            let padded = format!("{placeholder}{}", " ".repeat(old.len() - placeholder.len()));
            text.replace_range(span, &padded);
            return true;
        }
    }
    blank_line(text, span)
}

/// 把 `span` 所在的那一行换成等长的空格；`span` 跨行或该行已是空白时返回 false。
fn blank_line(text: &mut String, span: std::ops::Range<usize>) -> bool {
    let start = text[..span.start.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let end = text[span.start.min(text.len())..]
        .find('\n')
        .map_or(text.len(), |i| span.start + i);
    if span.end > end + 1 || text[start..end].trim().is_empty() {
        return false;
    }
    let spaces = " ".repeat(end - start);
    text.replace_range(start..end, &spaces);
    true
}

pub fn io_message(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        NotFound => "文件不存在".into(),
        PermissionDenied => "没有读取权限".into(),
        IsADirectory => "这是一个目录，不是文件".into(),
        _ => format!("无法读取：{}", crate::base::diag::os_error(e)),
    }
}

/// serde/toml 报错的中文说法。
fn translate(msg: &str) -> String {
    let msg = msg.trim();
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        let (name, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let known: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        let suggestion = known
            .iter()
            .map(|k| (strsim::damerau_levenshtein(name, k), *k))
            .filter(|(d, k)| *d <= 2.max(k.len() / 3))
            .min();
        return match suggestion {
            Some((_, k)) => format!("未知字段 “{name}”，是否应为 “{k}”？"),
            None if known.is_empty() => format!("未知字段 “{name}”，此处不应有字段"),
            None => format!("未知字段 “{name}”，可用的字段有：{}", known.join("、")),
        };
    }
    if let Some(rest) = msg.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or(rest);
        return format!("缺少必填字段 “{name}”");
    }
    if let Some(rest) = msg.strip_prefix("invalid type: ")
        && let Some((found, expected)) = rest.split_once(", expected ")
    {
        return format!("应为{}，实际为{}", expected_cn(expected), found_cn(found));
    }
    if let Some(rest) = msg.strip_prefix("duplicate key") {
        return format!("重复的键{}", rest.replace('`', "“"));
    }
    if let Some(rest) = msg.strip_prefix("unknown variant `") {
        // 可选的值来自 serde 自己的报错，也就是来自接受它们的类型，不会漏列。
        let (name, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let known: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        return format!("“{name}” 不是可用的取值，可选：{}", known.join("、"));
    }
    if msg.starts_with("invalid value") {
        return "取值无效".into();
    }
    if let Some(zh) = syntax_in_chinese(msg) {
        return format!("TOML 语法错误：{zh}");
    }
    if msg.starts_with("invalid unquoted key") {
        return "键名含中文或其他符号时要加英文双引号，如 \"梁园区\" = 2".into();
    }
    if msg.starts_with("invalid date") || msg.starts_with("invalid time") {
        return format!("日期不存在或格式不对，应为 YYYY-MM-DD（{msg}）");
    }
    format!("TOML 语法错误：{}", msg.replace('\n', "；"))
}

/// toml 读取器的语法错误（英文）的中文说法；按开头认，后面可能还有 “, expected …”。
fn syntax_in_chinese(msg: &str) -> Option<&'static str> {
    const TABLE: &[(&str, &str)] = &[
        ("cannot recurse further", "数组或表套了太多层（嵌套过深）"),
        ("recursion limit", "数组或表套了太多层（嵌套过深）"),
        (
            "missing comma between array elements",
            "数组的元素之间缺逗号",
        ),
        ("missing comma between key-value pairs", "键值对之间缺逗号"),
        ("extra comma in array", "数组里多了一个逗号"),
        ("extra comma in inline table", "花括号里多了一个逗号"),
        ("unclosed array table", "表头 [[…]] 缺右边的 ]]"),
        ("unclosed array", "数组缺右方括号 ]"),
        ("unclosed inline table", "缺右花括号 }"),
        ("unclosed table", "表头 […] 缺右方括号 ]"),
        (
            "missing assignment between key-value pairs",
            "键后面缺等号 =",
        ),
        ("key with no value", "键后面缺 = 和值"),
        ("missing value for key", "等号后面缺值"),
        ("missing value", "缺少值"),
        ("string values must be quoted", "文字要用英文双引号括起来"),
        ("missing opening quote", "缺左引号"),
        ("missing closing quote", "缺右引号"),
        ("invalid string", "字符串写得不对（是否少了引号？）"),
        ("unexpected leading zero", "数字不能以 0 开头"),
        (
            "unexpected content between comment and newline",
            "注释后面有多余的内容",
        ),
        ("unexpected content", "这里有多余的内容"),
        ("unexpected key or value", "这里不该有键或值"),
        ("unexpected `=` in array", "数组里不能有等号"),
        ("extra assignment between key-value pairs", "多了一个等号 ="),
        ("extra `=`", "多了一个等号 ="),
        (
            "carriage return must be followed by newline",
            "回车符后面应是换行符",
        ),
        (
            "missing escaped value",
            "反斜杠后面缺转义的字符（如 \\n、\\u4E2D）",
        ),
        (
            "too few unicode value digits",
            "\\u 后面要有 4 位（或 \\U 后面 8 位）十六进制数",
        ),
        ("invalid key-value pair", "键值对写得不对，应为 键 = 值"),
        ("invalid inline table element", "花括号里的内容应为 键 = 值"),
        ("missing key for inline table element", "花括号里缺键"),
        ("invalid comment character", "注释里有不允许的控制字符"),
        ("unquoted keys cannot be empty", "键不能为空"),
        ("keys cannot be multi-line", "键不能用多行字符串"),
        ("`_` may only go between digits", "_ 只能写在两个数字之间"),
        ("redundant numeric sign", "数字前多了一个正负号"),
        ("unexpected sign", "这里不能有正负号"),
        (
            "integers with a radix cannot be signed",
            "十六进制、八进制、二进制数不能带正负号",
        ),
        ("radix must be lowercase", "0x、0o、0b 要用小写"),
        ("redundant integer number prefix", "数字前缀重复"),
        ("missing array opening", "缺左方括号 ["),
        ("missing inline table opening", "缺左花括号 {"),
        ("missing table open", "缺左方括号 ["),
        ("missing comment start", "注释要以 # 开头"),
        ("invalid value", "值写得不对"),
    ];
    TABLE
        .iter()
        .find(|(en, _)| msg.starts_with(en))
        .map(|(_, zh)| *zh)
}

fn expected_cn(expected: &str) -> &'static str {
    let e = expected.to_ascii_lowercase();
    // 先认“struct/map”，否则 serde 的 “struct Table” 会因含 “str” 被当成文本。
    if e.contains("struct") || e.contains("map") || e.contains("table") {
        "表（[...] 或 { ... }）"
    } else if e.contains("f64")
        || e.contains("float")
        || e.contains("integer")
        || e.contains("number")
    {
        "数字"
    } else if e.contains("string") || e.contains("str") {
        "文本（用英文双引号括起）"
    } else if e.contains("bool") {
        "true 或 false"
    } else if e.contains("sequence") || e.contains("array") {
        "数组（方括号 [ ]）"
    } else if e.contains("datetime") || e.contains("date") {
        "日期（如 2024-12-31，不加引号）"
    } else {
        "其他类型"
    }
}

fn found_cn(found: &str) -> String {
    if let Some(s) = found.strip_prefix("string ") {
        format!("文本 {s}")
    } else if let Some(s) = found.strip_prefix("integer ") {
        format!("整数 {}", s.trim_matches('`'))
    } else if let Some(s) = found.strip_prefix("floating point ") {
        format!("小数 {}", s.trim_matches('`'))
    } else if let Some(s) = found.strip_prefix("boolean ") {
        format!("布尔值 {}", s.trim_matches('`'))
    } else if found.starts_with("sequence") {
        "数组".into()
    } else if found.starts_with("map") {
        "表".into()
    } else {
        found.to_owned()
    }
}

fn walk_table(
    table: &toml::de::DeTable<'_>,
    prefix: &str,
    out: &mut Vec<(String, std::ops::Range<usize>, String)>,
) {
    for (key, value) in table {
        let path = if prefix.is_empty() {
            key.get_ref().to_string()
        } else {
            format!("{prefix}.{}", key.get_ref())
        };
        // 表的键（如目标分解中的县区名）也会被排印。
        out.push((path.clone(), key.span(), key.get_ref().to_string()));
        walk_value(value, &path, out);
    }
}

fn walk_value(
    value: &toml::Spanned<toml::de::DeValue<'_>>,
    path: &str,
    out: &mut Vec<(String, std::ops::Range<usize>, String)>,
) {
    use toml::de::DeValue;
    match value.get_ref() {
        DeValue::String(s) => out.push((path.to_owned(), value.span(), s.to_string())),
        DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk_value(item, &format!("{path}[{i}]"), out);
            }
        }
        DeValue::Table(t) => walk_table(t, path, out),
        _ => {}
    }
}
