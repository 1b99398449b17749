//! 把叠印版的页面叠到原版 PDF 的页面上：原版的字节原样在前，每一份只在后面追加一段增量更新
//! （PDF 的 incremental update：新对象、改过的页面、新的交叉引用表，/Prev 指回原版）。叠印版的
//! 每页做成一个 Form XObject，画在原页面内容之后；字仍是字（带 ToUnicode 的嵌入子集字体），可以复制、检索。
//!
//! 同样的输入总得到同样的字节：对象号按固定次序分配，文件标识（/ID 的第二项）由原版的标识和叠印版算出。

use std::collections::BTreeMap;

use lopdf::{Dictionary, Document, Object, ObjectId, Stream, StringFormat};
use sha2::{Digest, Sha256};

use crate::postpress::inherited;

/// 排好一次的原版：字节和读出的页面。
pub struct Base {
    bytes: Vec<u8>,
    doc: Document,
    pages: Vec<ObjectId>,
}

/// 叠印版的一页画在原版的哪些页上（页码从 0 起）。
pub struct Placement<'a> {
    pub stamp_page: usize,
    pub pages: &'a [usize],
}

impl Base {
    pub fn new(bytes: Vec<u8>) -> Result<Self, String> {
        let doc = Document::load_mem(&bytes).map_err(|e| format!("读不了 PDF：{e}"))?;
        if doc.trailer.has(b"XRefStm")
            || !matches!(
                doc.reference_table.cross_reference_type,
                lopdf::xref::XrefType::CrossReferenceTable
            )
        {
            return Err("原版 PDF 用的是交叉引用流，叠印只接交叉引用表".into());
        }
        let pages = doc.page_iter().collect();
        Ok(Self { bytes, doc, pages })
    }

    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// 原版加上一段增量更新：`stamp` 的各页按 `placements` 叠到原版的页上。
    pub fn apply(&self, stamp: &[u8], placements: &[Placement]) -> Result<Vec<u8>, String> {
        let sdoc = Document::load_mem(stamp).map_err(|e| format!("读不了叠印版：{e}"))?;
        let spages: Vec<ObjectId> = sdoc.page_iter().collect();
        let mut out = Increment {
            next: self.doc.max_id + 1,
            objects: BTreeMap::new(),
            remap: BTreeMap::new(),
        };
        let pre = out.add(Object::Stream(Stream::new(
            Dictionary::new(),
            b"q\n".to_vec(),
        )));
        for (k, p) in placements.iter().enumerate() {
            let &spage = spages
                .get(p.stamp_page)
                .ok_or_else(|| format!("叠印版没有第 {} 页", p.stamp_page + 1))?;
            let form = out.form(&sdoc, spage)?;
            let name = format!("JbStamp{k}");
            let post = out.add(Object::Stream(Stream::new(
                Dictionary::new(),
                format!("Q q /Artifact BMC /{name} Do EMC Q\n").into_bytes(),
            )));
            for &i in p.pages {
                let &id = self
                    .pages
                    .get(i)
                    .ok_or_else(|| format!("原版没有第 {} 页", i + 1))?;
                let page = self.stamped_page(id, pre, post, &name, form)?;
                out.objects.insert(id.0, Object::Dictionary(page));
            }
        }
        self.write(out, stamp)
    }

    /// 原页面加上叠印：内容流前后各加一段（先存后还图形状态，原内容怎样改变状态都不影响叠印），
    /// 资源里加上叠印版的 XObject。
    fn stamped_page(
        &self,
        id: ObjectId,
        pre: ObjectId,
        post: ObjectId,
        name: &str,
        form: ObjectId,
    ) -> Result<Dictionary, String> {
        let doc = &self.doc;
        let mut page = doc.get_dictionary(id).map_err(|e| e.to_string())?.clone();
        let mut contents = vec![Object::Reference(pre)];
        match page.get(b"Contents") {
            Ok(Object::Array(a)) => contents.extend(a.iter().cloned()),
            Ok(o @ Object::Reference(_)) => contents.push(o.clone()),
            _ => return Err("原页面没有内容流".into()),
        }
        contents.push(Object::Reference(post));
        page.set("Contents", contents);
        let mut resources = inherited(doc, id, b"Resources")
            .and_then(|o| doc.dereference(o).ok())
            .and_then(|(_, o)| o.as_dict().ok())
            .cloned()
            .unwrap_or_default();
        let mut xobjects = resources
            .get(b"XObject")
            .ok()
            .and_then(|o| doc.dereference(o).ok())
            .and_then(|(_, o)| o.as_dict().ok())
            .cloned()
            .unwrap_or_default();
        xobjects.set(name.as_bytes(), Object::Reference(form));
        resources.set("XObject", xobjects);
        page.set("Resources", resources);
        Ok(page)
    }

    fn write(&self, inc: Increment, stamp: &[u8]) -> Result<Vec<u8>, String> {
        let mut out = Vec::with_capacity(self.bytes.len() + 16 * 1024);
        out.extend_from_slice(&self.bytes);
        if out.last() != Some(&b'\n') {
            out.push(b'\n');
        }
        let mut offsets: Vec<(u32, usize)> = Vec::with_capacity(inc.objects.len());
        for (id, object) in &inc.objects {
            offsets.push((*id, out.len()));
            out.extend_from_slice(format!("{id} 0 obj\n").as_bytes());
            write_object(&mut out, object);
            out.extend_from_slice(b"\nendobj\n");
        }
        let xref_at = out.len();
        out.extend_from_slice(b"xref\n");
        // 对象号连续的写成一段。
        let mut i = 0;
        while i < offsets.len() {
            let mut j = i + 1;
            while j < offsets.len() && offsets[j].0 == offsets[j - 1].0 + 1 {
                j += 1;
            }
            out.extend_from_slice(format!("{} {}\n", offsets[i].0, j - i).as_bytes());
            for (_, at) in &offsets[i..j] {
                out.extend_from_slice(format!("{at:010} 00000 n \n").as_bytes());
            }
            i = j;
        }
        let mut trailer = self.doc.trailer.clone();
        trailer.set("Size", i64::from(inc.next));
        trailer.set("Prev", self.doc.xref_start as i64);
        if let Ok(Object::Array(ids)) = self.doc.trailer.get(b"ID")
            && let [first, Object::String(last, format)] = &ids[..]
        {
            let mut h = Sha256::new();
            h.update(last);
            h.update(stamp);
            let new = h.finalize()[..16].to_vec();
            trailer.set("ID", vec![first.clone(), Object::String(new, *format)]);
        }
        out.extend_from_slice(b"trailer\n");
        write_object(&mut out, &Object::Dictionary(trailer));
        out.extend_from_slice(format!("\nstartxref\n{xref_at}\n%%EOF\n").as_bytes());
        Ok(out)
    }
}

/// 增量更新里的对象：新对象号从原版最大号之后接着排；叠印版的对象按原号映射，只复制一次。
struct Increment {
    next: u32,
    objects: BTreeMap<u32, Object>,
    remap: BTreeMap<ObjectId, ObjectId>,
}

impl Increment {
    fn add(&mut self, object: Object) -> ObjectId {
        let id = (self.next, 0);
        self.next += 1;
        self.objects.insert(id.0, object);
        id
    }

    /// 叠印版的一页做成 Form XObject（单个内容流时连压缩后的字节照搬），资源连同它引用的对象一并复制。
    fn form(&mut self, sdoc: &Document, page: ObjectId) -> Result<ObjectId, String> {
        let contents = sdoc.get_page_contents(page);
        let mut form = match contents.as_slice() {
            [id] => {
                let s = sdoc
                    .get_object(*id)
                    .and_then(Object::as_stream)
                    .map_err(|e| e.to_string())?;
                let mut dict = Dictionary::new();
                for key in [&b"Filter"[..], b"DecodeParms"] {
                    if let Ok(v) = s.dict.get(key) {
                        dict.set(key, v.clone());
                    }
                }
                Stream::new(dict, s.content.clone())
            }
            _ => {
                let content = sdoc.get_page_content(page).map_err(|e| e.to_string())?;
                Stream::new(Dictionary::new(), content)
            }
        };
        let media = inherited(sdoc, page, b"MediaBox")
            .cloned()
            .ok_or("叠印版的页面没有 MediaBox")?;
        form.dict.set("Type", Object::Name(b"XObject".to_vec()));
        form.dict.set("Subtype", Object::Name(b"Form".to_vec()));
        form.dict.set("BBox", self.copy(sdoc, &media)?);
        let resources = inherited(sdoc, page, b"Resources")
            .cloned()
            .unwrap_or_else(|| Object::Dictionary(Dictionary::new()));
        form.dict.set("Resources", self.copy(sdoc, &resources)?);
        if let Ok(group) = sdoc.get_dictionary(page).and_then(|p| p.get(b"Group")) {
            form.dict.set("Group", self.copy(sdoc, group)?);
        }
        Ok(self.add(Object::Stream(form)))
    }

    /// 复制叠印版的一个值，引用的对象（字体、字体文件、ToUnicode、图形状态……）换成增量里的新号。
    fn copy(&mut self, sdoc: &Document, o: &Object) -> Result<Object, String> {
        Ok(match o {
            Object::Reference(id) => {
                if let Some(new) = self.remap.get(id) {
                    return Ok(Object::Reference(*new));
                }
                let new = (self.next, 0);
                self.next += 1;
                self.remap.insert(*id, new);
                let target = sdoc.get_object(*id).map_err(|e| e.to_string())?;
                let copied = self.copy(sdoc, target)?;
                self.objects.insert(new.0, copied);
                Object::Reference(new)
            }
            Object::Array(a) => Object::Array(
                a.iter()
                    .map(|x| self.copy(sdoc, x))
                    .collect::<Result<_, _>>()?,
            ),
            Object::Dictionary(d) => Object::Dictionary(self.copy_dict(sdoc, d)?),
            Object::Stream(s) => {
                // 读入时长度可能是间接对象：Stream::new 直接写实际长度。
                let mut dict = self.copy_dict(sdoc, &s.dict)?;
                dict.remove(b"Length");
                Object::Stream(Stream::new(dict, s.content.clone()))
            }
            other => other.clone(),
        })
    }

    fn copy_dict(&mut self, sdoc: &Document, d: &Dictionary) -> Result<Dictionary, String> {
        let mut out = Dictionary::new();
        for (k, v) in d.iter() {
            out.set(k.clone(), self.copy(sdoc, v)?);
        }
        Ok(out)
    }
}

/// PDF 对象的写法（lopdf 不公开它的写出函数）。
fn write_object(out: &mut Vec<u8>, o: &Object) {
    match o {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Boolean(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Object::Integer(i) => out.extend_from_slice(i.to_string().as_bytes()),
        Object::Real(r) => out.extend_from_slice(r.to_string().as_bytes()),
        Object::Name(n) => write_name(out, n),
        Object::String(s, StringFormat::Literal) => {
            out.push(b'(');
            for &b in s {
                match b {
                    b'(' | b')' | b'\\' => out.extend_from_slice(&[b'\\', b]),
                    b'\r' => out.extend_from_slice(b"\\r"),
                    _ => out.push(b),
                }
            }
            out.push(b')');
        }
        Object::String(s, StringFormat::Hexadecimal) => {
            out.push(b'<');
            for b in s {
                out.extend_from_slice(format!("{b:02X}").as_bytes());
            }
            out.push(b'>');
        }
        Object::Array(a) => {
            out.push(b'[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                write_object(out, x);
            }
            out.push(b']');
        }
        Object::Dictionary(d) => write_dict(out, d),
        Object::Stream(s) => {
            write_dict(out, &s.dict);
            out.extend_from_slice(b"\nstream\n");
            out.extend_from_slice(&s.content);
            out.extend_from_slice(b"\nendstream");
        }
        Object::Reference((id, gen_)) => out.extend_from_slice(format!("{id} {gen_} R").as_bytes()),
    }
}

fn write_dict(out: &mut Vec<u8>, d: &Dictionary) {
    out.extend_from_slice(b"<<");
    for (k, v) in d.iter() {
        write_name(out, k);
        out.push(b' ');
        write_object(out, v);
    }
    out.extend_from_slice(b">>");
}

fn write_name(out: &mut Vec<u8>, name: &[u8]) {
    out.push(b'/');
    for &b in name {
        if b" \t\n\r\x0C()<>[]{}/%#".contains(&b) || !(33..=126).contains(&b) {
            out.extend_from_slice(format!("#{b:02X}").as_bytes());
        } else {
            out.push(b);
        }
    }
}
