//! typst 的 `World`：一台排版引擎（字体、模板、标准库只准备一次）加上每份文档自己的数据。
//!
//! 虚拟文件布局对每份文档都相同（typst 的文件标识永不释放，批量时必须复用）：
//! - `/templates/…`：模板；
//! - `/data.json`：本文档的规范化数据；
//! - `/data/…`：数据目录中的文件（如图片），不得越出该目录。

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Dict, IntoValue};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_kit::fonts::FontStore;

use super::templates::Templates;
use crate::base::sandbox;

/// 模板里通过 `sys.inputs.data` 拿到的数据路径；用 stock typst CLI 时可用 `--input data=/d.json` 改写。
pub const DATA_PATH: &str = "/data.json";

/// 每份文档的上限：真实的简报远达不到，失控的模板（死循环、几十万页）在这里停下。
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// 排版（不含写出 PDF）的最长时间。
    pub time: Duration,
    /// 最多页数。
    pub pages: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            time: Duration::from_secs(60),
            pages: 500,
        }
    }
}

/// 进程内共享的部分：字体、模板、标准库，以及解析过的模板源码。
/// 克隆很便宜（共享同一份内容）：每份文档在自己的线程里排版，超时的线程可以丢下不管。
#[derive(Clone)]
pub struct Engine {
    library: Arc<LazyHash<Library>>,
    fonts: Arc<FontStore>,
    /// 字体的码位区间（第一次查缺字时建，此后各次检查共用）。
    coverage: Arc<std::sync::OnceLock<super::coverage::Index>>,
    pub templates: Arc<Templates>,
    sources: Arc<Mutex<HashMap<FileId, Source>>>,
    pub limits: Limits,
    /// PDF/A 等存档标准（None 为普通 PDF）。
    pub standard: Option<Standard>,
    /// 版面检查有发现时，文档算排版失败、不写出（`--strict`）。
    pub strict: bool,
}

/// 支持的 PDF 存档标准。
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standard {
    /// PDF/A-2b
    A2b,
    /// PDF/A-3b
    A3b,
}

impl Standard {
    /// 命令行的写法：a-2b、a-3b。
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "a-2b" => Some(Self::A2b),
            "a-3b" => Some(Self::A3b),
            _ => None,
        }
    }
}

impl Engine {
    pub fn new(fonts: FontStore, templates: Templates) -> Self {
        Self {
            library: library(None),
            fonts: Arc::new(fonts),
            coverage: Arc::default(),
            templates: Arc::new(templates),
            sources: Arc::new(Mutex::new(HashMap::new())),
            limits: Limits::default(),
            standard: None,
            strict: false,
        }
    }

    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// 已加载字体的码位区间：缺字检查（数据、名单）都用它，只建一次。
    pub fn coverage(&self) -> &super::coverage::Index {
        self.coverage
            .get_or_init(|| super::coverage::Index::new(self.fonts.book()))
    }

    /// 文字中没有任何已加载字体包含的字（排版前查，免得印出方框）。
    pub fn missing_chars(&self, text: &str) -> Vec<char> {
        super::coverage::Coverage::new(self.coverage())
            .missing(text)
            .into_iter()
            .map(|(_, c)| c)
            .collect()
    }

    pub fn with_standard(mut self, standard: Option<Standard>) -> Self {
        // 工作台每个任务都从同一台引擎设一次标准：标准没变时沿用原来的标准库（不必重建、重算哈希）。
        if standard != self.standard {
            self.library = library(standard);
        }
        self.standard = standard;
        self
    }

    pub fn with_strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// 已加载的字体。
    pub fn fonts(&self) -> &FontStore {
        &self.fonts
    }

    /// 忘掉解析过的模板源码：`watch` 在模板文件改动后重读。
    pub fn forget_sources(&self) {
        self.sources.lock().expect("锁未中毒").clear();
    }

    /// 计时记录里的位置：模板文件与行号。
    pub fn span_line(&self, raw: std::num::NonZeroU64) -> (String, u32) {
        let typst::syntax::SpanKind::Number { id, num } = typst::syntax::Span::from_raw(raw).get()
        else {
            return (String::new(), 0);
        };
        let sources = self.sources.lock().expect("锁未中毒");
        let Some(source) = sources.get(&id) else {
            return (String::new(), 0);
        };
        let line = source
            .range(num, None)
            .and_then(|r| source.lines().byte_to_line(r.start))
            .map_or(0, |l| l as u32 + 1);
        (id.get().vpath().get_with_slash().to_string(), line)
    }

    /// 一个模板文件的标识，如 `booklet.typ` → `/templates/booklet.typ`。
    pub fn template_id(name: &str) -> FileId {
        file_id(&format!("/templates/{name}"))
    }
}

/// typst 标准库，带模板读的输入：数据路径，以及黑与灰用不用 CMYK（存档标准没有 CMYK 色彩描述文件可嵌，
/// 与视图的 `render.cmyk` 同出于 `--pdf-standard`）。颜色不从数据里读，`lib/theme.typ` 就不随文档而变：
/// 读了数据的模块每份文档都要重新求值，连同导入它的全部模块。
fn library(standard: Option<Standard>) -> Arc<LazyHash<Library>> {
    let mut inputs = Dict::new();
    inputs.insert("data".into(), DATA_PATH.into_value());
    let cmyk = if standard.is_none() { "true" } else { "false" };
    inputs.insert("cmyk".into(), cmyk.into_value());
    Arc::new(LazyHash::new(
        Library::builder().with_inputs(inputs).build(),
    ))
}

pub fn file_id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).expect("内部虚拟路径合法");
    FileId::new(RootedPath::new(VirtualRoot::Project, vpath))
}

/// 一份文档的排版环境。
pub struct DocWorld<'a> {
    pub engine: &'a Engine,
    pub main: FileId,
    pub data: Bytes,
    pub data_dir: Option<PathBuf>,
    pub today: Option<Datetime>,
}

impl DocWorld<'_> {
    fn read(&self, id: FileId) -> FileResult<Vec<u8>> {
        let rooted = id.get();
        if !matches!(rooted.root(), VirtualRoot::Project) {
            return Err(FileError::Other(Some("简报模板不使用 typst 包".into())));
        }
        let path = rooted.vpath().get_with_slash();
        let not_found = || FileError::NotFound(PathBuf::from(path));
        // 拒绝的原因（符号链接指向外面、断开的链接……）照实告诉模板作者，而不是一律“找不到文件”。
        let refused = |r: sandbox::Refused, root: &str| match r {
            sandbox::Refused::Missing => not_found(),
            other => FileError::Other(Some(other.reason(root).into())),
        };
        if let Some(rel) = path.strip_prefix("/templates/") {
            return self
                .engine
                .templates
                .read(rel)
                .map_err(|r| refused(r, sandbox::TEMPLATE_DIR));
        }
        if let Some(rel) = path.strip_prefix("/data/") {
            let dir = self.data_dir.as_ref().ok_or_else(not_found)?;
            let real = sandbox::locate(dir, rel).map_err(|r| refused(r, sandbox::DATA_DIR))?;
            return std::fs::read(&real).map_err(|e| FileError::from_io(e, &real));
        }
        Err(FileError::AccessDenied)
    }
}

impl World for DocWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.engine.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.engine.fonts.book()
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if let Some(s) = self.engine.sources.lock().expect("锁未中毒").get(&id) {
            return Ok(s.clone());
        }
        let bytes = self.read(id)?;
        let text = String::from_utf8(bytes).map_err(|_| FileError::InvalidUtf8)?;
        let source = Source::new(id, text);
        self.engine
            .sources
            .lock()
            .expect("锁未中毒")
            .insert(id, source.clone());
        Ok(source)
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id.get().vpath().get_with_slash() == DATA_PATH {
            return Ok(self.data.clone());
        }
        self.read(id).map(Bytes::new)
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.engine.fonts.font(index)
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        self.today
    }
}
