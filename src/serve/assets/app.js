// 简报工作台的页面脚本：没有框架、没有构建步骤。
// 表单由服务端给出的文件树（文件里有什么）和 JSON Schema（还能添加什么、每个字段的说明）生成，
// 不写死任何字段名。每改一个值（回车或离开输入框）就写回文件；页面图和问题清单由事件流推来。
'use strict';

const token = new URLSearchParams(location.search).get('token') || '';
const $ = (id) => document.getElementById(id);
const el = (tag, props = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'dataset') Object.assign(e.dataset, v);
    else if (k in e) e[k] = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c != null) e.append(c);
  return e;
};

let schemas = {};
let files = [];            // [{file, title, schema, version, tree, error}]
const versions = {};       // 文件 → 表单载入时的版本
let current = null;        // 正在看的标签：文件名或 '#print'
let state = null;
let shownGeneration = -1;

async function api(path, body) {
  const opts = { headers: { 'X-Jianbao-Token': token } };
  if (body !== undefined) {
    opts.method = 'POST';
    opts.headers['Content-Type'] = 'application/json';
    opts.body = JSON.stringify(body);
  }
  const r = await fetch(path, opts);
  let data = {};
  try { data = await r.json(); } catch (_) { data = { error: `服务没有应答（${r.status}）` }; }
  return { status: r.status, data };
}

// 页面上的操作（保存、撤销、出错）说在 #note；#status 只说最近一次重排的结果。两者分开，
// 保存的应答和重排的事件谁先到都不会互相盖掉。
function say(text, bad) {
  const s = $('note');
  s.textContent = text;
  s.classList.toggle('bad', !!bad);
}

// ---------- Schema ----------
function resolve(root, s) {
  for (let i = 0; s && i < 20; i++) {
    if (s.$ref) {
      const name = s.$ref.replace('#/$defs/', '');
      s = (root.$defs || {})[name];
      continue;
    }
    const alts = s.anyOf || s.oneOf;
    if (alts) {
      const real = alts.filter((a) => a.type !== 'null');
      if (real.length === 1) { s = Object.assign({}, s, real[0], { anyOf: undefined, oneOf: undefined }); continue; }
    }
    break;
  }
  return s || {};
}
function typeOf(s) {
  const t = Array.isArray(s.type) ? s.type.find((x) => x !== 'null') : s.type;
  return t || (s.enum ? 'string' : undefined);
}
function child(root, s, step) {
  s = resolve(root, s);
  if (typeof step === 'number') return resolve(root, s.items || {});
  return resolve(root, (s.properties || {})[step] || {});
}
function shortLabel(desc, key) {
  if (!desc) return key;
  const cut = desc.search(/[（(，,。：:；;]/);
  const first = cut > 0 ? desc.slice(0, cut) : desc;
  return first.length > 16 ? key : first;
}
function kindFor(s, desc) {
  const t = typeOf(s);
  if (t === 'number' || t === 'integer') return 'number';
  if (t === 'boolean') return 'bool';
  if (/日期|时限/.test(desc || '')) return 'date';
  return 'string';
}
function showPath(path) {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : (out ? '.' : '') + p;
  return out;
}

// ---------- 表单 ----------
function renderTabs() {
  const tabs = $('tabs');
  tabs.replaceChildren();
  const add = (id, title) => {
    const b = el('button', { type: 'button', role: 'tab', textContent: title, id: `tab-${id}` });
    b.setAttribute('aria-selected', String(current === id));
    b.addEventListener('click', () => select(id));
    b.addEventListener('keydown', (e) => {
      const all = [...tabs.children];
      const i = all.indexOf(b);
      if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
        const next = all[(i + (e.key === 'ArrowRight' ? 1 : all.length - 1)) % all.length];
        next.focus();
        next.click();
      }
    });
    tabs.append(b);
  };
  for (const f of files) add(f.file, f.title);
  if (state && state.has_counties) add('#counties', '县区表格');
  add('#print', '付印');
}

function select(id) {
  current = id;
  renderTabs();
  $('print').hidden = id !== '#print';
  $('counties').hidden = id !== '#counties';
  $('form').hidden = id === '#print' || id === '#counties';
  if (id === '#counties') loadCounties();
  else if (id !== '#print') renderForm();
}

// ---------- 县区表格 ----------
let countyVersion = null;
async function loadCounties() {
  $('c-template').href = `/api/counties/template?token=${encodeURIComponent(token)}`;
  const r = await api('/api/counties');
  const box = $('c-grid');
  if (r.status !== 200) { box.replaceChildren(el('p', { className: 'bad', textContent: r.data.error })); return; }
  countyVersion = r.data.version;
  const t = el('table', { className: 'grid' });
  t.append(el('caption', { textContent: `${r.data.file}${r.data.sheet ? ' 工作表「' + r.data.sheet + '」' : ''}：改一格按回车或离开即写回原文件` }));
  const letters = (n) => { let s = ''; n += 1; while (n > 0) { const m = (n - 1) % 26; s = String.fromCharCode(65 + m) + s; n = Math.floor((n - 1) / 26); } return s; };
  r.data.rows.forEach((row, i) => {
    const tr = el('tr', {}, el('th', { scope: 'row', textContent: String(row.row) }));
    row.cells.forEach((c, col) => {
      if (i === 0) { tr.append(el('th', { scope: 'col', textContent: c })); return; }
      const input = el('input', { type: 'text', value: c, 'aria-label': `${letters(col)}${row.row}（${row.cells[0]}，${r.data.rows[0].cells[col] || ''}）` });
      input.dataset.orig = c;
      input.dataset.cell = `${letters(col)}${row.row}`;
      input.addEventListener('change', () => saveCell(input, row.row, col));
      tr.append(el('td', {}, input));
    });
    t.append(tr);
  });
  box.replaceChildren(t);
}

async function saveCell(input, row, column) {
  const r = await api('/api/counties/cell', { version: countyVersion, row, column, text: input.value });
  if (r.status === 200) {
    countyVersion = r.data.version;
    input.dataset.orig = input.value;
    say(`已写回 ${r.data.cell}`);
    $('undo').disabled = false;
  } else {
    $('c-result').replaceChildren(el('p', { className: 'bad', textContent: r.data.error }));
    if (r.data.conflict) {
      const b = el('button', { type: 'button', textContent: '重新载入表格' });
      b.addEventListener('click', () => { $('c-result').replaceChildren(); loadCounties(); });
      $('c-result').append(b);
    }
  }
}

async function upload() {
  const file = $('c-file').files[0];
  const out = $('c-result');
  out.replaceChildren();
  if (!file) { out.append(el('p', { className: 'bad', textContent: '先选一个 .xlsx 或 .csv 文件' })); return; }
  out.append(el('p', { textContent: '正在检查……' }));
  const r = await fetch(`/api/counties/upload?name=${encodeURIComponent(file.name)}`, {
    method: 'POST', headers: { 'X-Jianbao-Token': token }, body: file,
  });
  let data = {};
  try { data = await r.json(); } catch (_) { data = { error: `服务没有应答（${r.status}）` }; }
  out.replaceChildren(el('p', { className: r.ok ? '' : 'bad', textContent: r.ok ? data.message : data.error }));
  if (data.problems) {
    const ul = el('ul', { className: 'upload-problems' });
    for (const p of data.problems) ul.append(el('li', { textContent: p }));
    out.append(ul);
  }
  if (r.ok) loadCounties();
}

function renderForm() {
  const form = $('form');
  form.replaceChildren();
  hideNotice();
  const f = files.find((x) => x.file === current);
  if (!f) return;
  if (f.error) {
    form.append(el('p', { className: 'bad', textContent: f.error }));
    return;
  }
  const root = schemas[f.schema] || {};
  form.append(el('p', { className: 'hint', textContent: `${f.file}：改完按回车或离开输入框即保存（保留文件中的注释和次序）。` }));
  form.append(tableFields(f, root, root, f.tree, []));
}

function tableFields(f, root, schema, node, path) {
  const box = el('div', { className: 'table' });
  const s = resolve(root, schema);
  const present = new Set();
  for (const { key, node: n } of node.entries) {
    present.add(key);
    box.append(entry(f, root, child(root, s, key), key, n, [...path, key]));
  }
  // Schema 中有、文件里还没有的字段：可以添加（数据模型加了字段，这里自然多出来）。
  const missing = Object.keys(s.properties || {}).filter((k) => !present.has(k));
  if (missing.length) {
    const sel = el('select', { 'aria-label': '添加字段' }, el('option', { value: '', textContent: '添加字段……' }));
    for (const k of missing) {
      const ps = child(root, s, k);
      sel.append(el('option', { value: k, textContent: `${shortLabel(ps.description, k)}（${k}）` }));
    }
    sel.addEventListener('change', () => {
      const k = sel.value;
      if (!k) return;
      const ps = child(root, s, k);
      const t = typeOf(ps);
      if (t === 'array' && typeOf(resolve(root, ps.items || {})) === 'object') {
        structural(f.file, [...path, k], 'new-table', (resolve(root, ps.items).required || []).join(','));
        return;
      }
      if (t === 'object') {
        say(`“${k}”是一张表，请在编辑器中添加`, true);
        return;
      }
      let row;
      if (t === 'array') {
        row = entry(f, root, ps, k, { k: 'list', items: [], path: [...path, k] }, [...path, k]);
      } else {
        row = fieldRow(f, ps, k, { k: 'value', type: kindFor(ps, ps.description), text: '', path: [...path, k] }, [...path, k]);
      }
      sel.closest('.adder').before(row);
      sel.querySelector(`option[value="${k}"]`).remove();
      sel.value = '';
      const input = row.querySelector('input,select,textarea');
      if (input) input.focus();
    });
    box.append(el('div', { className: 'adder' }, sel));
  }
  return box;
}

function titleOf(n) {
  if (!n.entries) return '';
  for (const k of ['name', 'title', 'id', 'what', 'text']) {
    const e = n.entries.find((x) => x.key === k);
    if (e && e.node.k === 'value') return e.node.text.slice(0, 24);
  }
  return '';
}

function entry(f, root, schema, key, n, path) {
  const desc = schema.description || '';
  if (n.k === 'value') return fieldRow(f, schema, key, n, path);
  if (n.k === 'table') {
    const fs = el('fieldset', {}, el('legend', { textContent: `${shortLabel(desc, key)}（${key}）`, title: desc }));
    fs.append(tableFields(f, root, schema, n, path));
    return fs;
  }
  if (n.k === 'tables') {
    const wrap = el('div', { className: 'tables' });
    const itemSchema = resolve(root, schema.items || {});
    n.items.forEach((t, i) => {
      const name = titleOf(t);
      const label = `${shortLabel(desc, key)} 第${i + 1}项${name ? '：' + name : ''}`;
      const fs = el('fieldset', { className: 'item' }, el('legend', { textContent: label, title: desc }));
      fs.append(tableFields(f, root, itemSchema, t, [...path, i]));
      const del = el('button', { type: 'button', className: 'small', textContent: `删去这一项（${label}）` });
      del.addEventListener('click', () => structural(f.file, [...path, i], 'remove', ''));
      fs.append(del);
      wrap.append(fs);
    });
    wrap.append(addItemButton(f, itemSchema, key, desc, path));
    return wrap;
  }
  if (n.k === 'list') {
    const fs = el('fieldset', { className: 'list' }, el('legend', { textContent: `${shortLabel(desc, key)}（${key}，每行一项）`, title: desc }));
    const itemSchema = resolve(root, schema.items || {});
    const addRow = (item, i) => {
      const row = fieldRow(f, itemSchema, `${key}[${i}]`, item, [...path, i], `第${i + 1}项`);
      fs.insertBefore(row, addBtn);
    };
    const addBtn = el('button', { type: 'button', textContent: '添加一项', className: 'small' });
    fs.append(addBtn);
    n.items.forEach(addRow);
    addBtn.addEventListener('click', () => {
      const i = fs.querySelectorAll('.field').length;
      addRow({ k: 'value', type: kindFor(itemSchema, desc), text: '', path: [...path, i] }, i);
      fs.querySelectorAll('.field input, .field textarea')[i]?.focus();
    });
    return fs;
  }
  return el('p', { textContent: `${key}：此处请在编辑器中修改` });
}

// “添加一项”：在一组表末尾加一项，Schema 中必填的字段先写成空的，问题清单随即指出哪些要填。
function addItemButton(f, itemSchema, key, desc, path) {
  const b = el('button', { type: 'button', className: 'small add-item', textContent: `添加一项${shortLabel(desc, key)}` });
  b.addEventListener('click', () => structural(f.file, path, 'new-table', (itemSchema.required || []).join(',')));
  return b;
}

// 增删整项：路径会变，存好后整份表单按文件重新载入。
async function structural(file, path, kind, text) {
  const r = await api('/api/edit', { file, version: versions[file], path, kind, text });
  if (r.status === 200) {
    versions[file] = r.data.version;
    say(`已保存 ${file} 的 ${r.data.field}`);
    $('undo').disabled = false;
    await reloadFile(file);
  } else if (r.data.conflict) {
    showNotice(r.data.error, file);
  } else {
    say(r.data.error || '保存失败', true);
  }
}

let serial = 0;
function fieldRow(f, schema, key, n, path, label) {
  const desc = schema.description || '';
  const id = `f${++serial}`;
  const type = n.type;
  let input;
  if (type === 'bool') {
    input = el('select', {}, el('option', { value: 'true', textContent: '是' }), el('option', { value: 'false', textContent: '否' }));
    input.value = n.text || 'true';
  } else if (type === 'string' && (n.text.length > 40 || n.text.includes('\n'))) {
    input = el('textarea', { rows: Math.min(8, Math.ceil(n.text.length / 36) + 1) });
    input.value = n.text;
  } else {
    input = el('input', { type: 'text' });
    input.value = n.text;
    if (type === 'number') input.inputMode = 'decimal';
    if (type === 'date') input.placeholder = '如 2024-01-31';
    if (type === 'raw') input.classList.add('mono');
  }
  input.id = id;
  input.dataset.file = f.file;
  input.dataset.path = JSON.stringify(path);
  input.dataset.field = showPath(path);
  input.dataset.kind = type;
  input.dataset.orig = input.value;
  if (n.line) input.dataset.line = n.line;
  input.title = desc;
  input.addEventListener('change', () => save(input));
  input.addEventListener('input', () => validateSoon(input));
  const remove = el('button', { type: 'button', className: 'small remove', textContent: '删去', title: `删去 ${showPath(path)}` });
  remove.addEventListener('click', () => save(input, true));
  const row = el('div', { className: 'field' },
    el('label', { htmlFor: id, textContent: label || shortLabel(desc, key), title: desc }),
    input,
    el('code', { className: 'key', textContent: typeof path[path.length - 1] === 'number' ? '' : key }),
    remove,
    el('span', { className: 'msg', 'aria-live': 'polite' }));
  return row;
}

// 边打边查：停手 250 毫秒后，把这个值（不保存）交给服务端按 check 的读法解析这个文件，
// 这个字段的问题就地显示，说法与 check 相同。
const pending = new Map();
function validateSoon(input) {
  clearTimeout(pending.get(input));
  pending.set(input, setTimeout(async () => {
    const kind = input.dataset.kind;
    const k = input.value.trim() === '' && kind !== 'string' ? 'remove' : kind;
    const r = await api('/api/validate', {
      file: input.dataset.file, version: versions[input.dataset.file],
      path: JSON.parse(input.dataset.path), kind: k, text: input.value,
    });
    // 查的时候已经保存了（回车）：不拿过时的结果盖掉“已保存”。
    if (r.status !== 200 || input.value === input.dataset.orig) return;
    const mine = r.data.problems.filter((p) => p.field === input.dataset.field);
    const msg = input.parentElement.querySelector('.msg');
    msg.textContent = mine.map((p) => p.headline).join('\n');
    msg.classList.toggle('bad', mine.length > 0);
    input.setAttribute('aria-invalid', String(mine.length > 0));
  }, 250));
}

async function save(input, removing) {
  clearTimeout(pending.get(input));
  const file = input.dataset.file;
  const kind = removing ? 'remove' : input.dataset.kind;
  let text = input.value;
  // 清空一个可选字段即删去它（必填的字段随即在问题清单中指出）。
  const k = text.trim() === '' && kind !== 'string' ? 'remove' : kind;
  const msg = input.parentElement.querySelector('.msg');
  msg.textContent = '保存中……';
  const r = await api('/api/edit', { file, version: versions[file], path: JSON.parse(input.dataset.path), kind: k, text });
  msg.classList.remove('bad');
  input.removeAttribute('aria-invalid');
  if (r.status === 200) {
    versions[file] = r.data.version;
    input.dataset.orig = input.value;
    msg.textContent = '已保存';
    say(`已保存 ${file} 的 ${r.data.field}`);
    $('undo').disabled = false;
    if (k === 'remove') await reloadFile(file);
  } else if (r.data.conflict) {
    msg.textContent = '冲突，没有保存';
    showNotice(r.data.error, file);
  } else {
    msg.textContent = r.data.error || '保存失败';
    say(r.data.error || '保存失败', true);
  }
}

function showNotice(text, file) {
  const n = $('notice');
  n.dataset.file = file || '';
  n.replaceChildren(el('span', { textContent: text + ' ' }));
  if (file) {
    const b = el('button', { type: 'button', textContent: `重新载入 ${file}` });
    b.addEventListener('click', () => reloadFile(file, true));
    n.append(b);
  }
  n.hidden = false;
}
function hideNotice() { $('notice').hidden = true; }

async function loadForms() {
  const r = await api('/api/forms');
  if (r.status !== 200) { say(r.data.error || '无法载入表单', true); return; }
  schemas = r.data.schemas;
  files = r.data.files;
  for (const f of files) versions[f.file] = f.version;
  if (!current || (current !== '#print' && !files.some((f) => f.file === current))) {
    current = files.length ? files[0].file : '#print';
  }
  select(current);
}

async function reloadFile(file, force) {
  const r = await api(`/api/form?file=${encodeURIComponent(file)}`);
  if (r.status !== 200) return;
  const i = files.findIndex((f) => f.file === file);
  if (i < 0) return;
  files[i] = Object.assign({}, files[i], { version: r.data.version, tree: r.data.tree, error: r.data.error });
  versions[file] = r.data.version;
  if (current === file) renderForm();
  if (force) say(`已重新载入 ${file}`);
}

// 文件在页面之外被改了（编辑器、另一个标签页）：表单里没有没存的修改就悄悄换新；
// 有的话不动它，提示一句，保存时会报冲突而不是覆盖。
async function refreshForms() {
  const r = await api('/api/forms');
  if (r.status !== 200) return;
  for (const nf of r.data.files) {
    if (versions[nf.file] === undefined || versions[nf.file] === nf.version) continue;
    const inputs = [...document.querySelectorAll(`[data-file="${CSS.escape(nf.file)}"]`)];
    const busy = inputs.some((i) => i.value !== i.dataset.orig || i === document.activeElement);
    if (busy && current === nf.file) {
      // 已经在说这个文件（如保存时的冲突）：不拿一句更笼统的话顶掉它。
      const n = $('notice');
      if (n.hidden || n.dataset.file !== nf.file) showNotice(`${nf.file} 已在别处改动，表单中是载入时的内容。`, nf.file);
      continue;
    }
    const i = files.findIndex((f) => f.file === nf.file);
    if (i >= 0) files[i] = nf;
    versions[nf.file] = nf.version;
    if (current === nf.file) renderForm();
  }
}

// ---------- 页面图与问题 ----------
function docKind() {
  return document.querySelector('input[name="doc"]:checked').value;
}

function renderPages() {
  if (!state) return;
  const kind = docKind();
  const doc = state.docs.find((d) => d.kind === kind);
  const box = $('pages');
  if (!doc) {
    box.replaceChildren(el('p', { className: 'hint', textContent: '还没有排好的页面。' }));
    $('pages-info').textContent = '';
    return;
  }
  $('pages-info').textContent = `${doc.label}，共 ${doc.pages} 页${state.ok ? '' : '（上一版）'}`;
  const figs = [...box.querySelectorAll('figure')];
  for (let n = 1; n <= doc.pages; n++) {
    const src = `/api/page?doc=${kind}&n=${n}&g=${state.generation}&token=${encodeURIComponent(token)}`;
    let fig = figs[n - 1];
    if (!fig || fig.dataset.kind !== kind) {
      fig = el('figure', { id: `page-${kind}-${n}`, tabIndex: -1, dataset: { kind } },
        el('img', { alt: `${doc.label} 第${n}页`, loading: n <= 2 ? 'eager' : 'lazy', dataset: { page: String(n) } }),
        el('figcaption', { textContent: `第${n}页` }));
      if (figs[n - 1]) figs[n - 1].replaceWith(fig); else box.append(fig);
    }
    const img = fig.querySelector('img');
    if (img.getAttribute('src') !== src) img.setAttribute('src', src);
  }
  for (const extra of figs.slice(doc.pages)) extra.remove();
}

function renderProblems() {
  const list = $('problems');
  list.replaceChildren();
  const ps = state ? state.problems : [];
  const errors = ps.filter((p) => p.severity === 'error').length;
  $('problems-title').textContent = ps.length
    ? `问题（${errors} 个数据问题，${ps.length - errors} 处版面检查发现）` : '问题（无）';
  for (const p of ps) {
    const b = el('button', { type: 'button', className: p.severity });
    b.append(el('span', { textContent: p.headline }));
    if (p.snippet) b.append(el('pre', { textContent: p.snippet }));
    b.addEventListener('click', () => goTo(p));
    list.append(el('li', {}, b));
  }
}

// 点问题：有字段或行号的，跳到表单中那个输入框；版面检查的发现，跳到那一页。
function goTo(p) {
  if (p.file && files.some((f) => f.file === p.file)) {
    if (current !== p.file) select(p.file);
    const inputs = [...document.querySelectorAll(`[data-file="${CSS.escape(p.file)}"]`)];
    let target = inputs.find((i) => i.dataset.field === p.field);
    if (!target && p.line) {
      const before = inputs.filter((i) => +i.dataset.line <= p.line);
      target = before.sort((a, b) => b.dataset.line - a.dataset.line)[0];
    }
    if (target) {
      target.scrollIntoView({ block: 'center' });
      target.focus();
      target.parentElement.classList.add('flash');
      setTimeout(() => target.parentElement.classList.remove('flash'), 1500);
      return;
    }
  }
  if (p.page && p.kind) {
    document.querySelector(`input[name="doc"][value="${p.kind}"]`).checked = true;
    renderPages();
    const fig = $(`page-${p.kind}-${p.page}`);
    if (fig) { fig.scrollIntoView({ block: 'start' }); fig.focus(); }
    return;
  }
  say(`${p.file || ''} 不在表单中，请在编辑器里修改`, true);
}

function renderInit(s) {
  const box = $('init');
  box.hidden = s.has_data;
  if (s.has_data || $('init-kinds').children.length) return;
  const kinds = $('init-kinds');
  const option = (value, label, checked) =>
    el('label', {}, el('input', { type: 'radio', name: 'init', value, checked }), ` ${label}`);
  s.kinds.forEach((k, i) => kinds.append(option(`kind:${k}`, k, i === 0)));
  for (const x of s.samples) kinds.append(option(`from:${x}`, `随附示例 ${x}`, false));
}

async function initData() {
  const v = document.querySelector('input[name="init"]:checked').value;
  const [how, what] = [v.slice(0, v.indexOf(':')), v.slice(v.indexOf(':') + 1)];
  const r = await api('/api/init', how === 'kind' ? { kind: what } : { from: what });
  $('init-result').textContent = r.status === 200 ? `${r.data.message}，正在排版……` : r.data.error;
  if (r.status === 200) {
    $('init').hidden = true;
    current = null;
    await loadForms();
  }
}

function applyState(s) {
  state = s;
  $('busy').textContent = '';
  $('status').textContent = s.message || '';
  $('status').classList.toggle('bad', !s.ok);
  renderInit(s);
  $('data-dir').textContent = `数据：${s.data_dir}　输出：${s.out}`;
  $('undo').disabled = !s.can_undo;
  const sel = $('edition');
  const want = ['', ...s.editions];
  const have = [...sel.options].map((o) => o.value);
  if (want.join('|') !== have.join('|')) {
    sel.replaceChildren(...want.map((e) => el('option', { value: e, textContent: e || '全市版' })));
  }
  sel.value = s.edition || '';
  renderPages();
  renderProblems();
  if (!!$('tabs').querySelector('[id="tab-#counties"]') !== !!s.has_counties && files.length) renderTabs();
  if (s.generation !== shownGeneration) shownGeneration = s.generation;
}

// ---------- 付印 ----------
let job = null;
async function startJob() {
  const val = (id) => $(id).value.trim();
  const body = {
    what: document.querySelector('input[name="what"]:checked').value,
    edition: state && state.edition ? state.edition : null,
    only: val('p-only') || null,
    paper: val('p-paper') || null,
    bleed: val('p-bleed') ? Number(val('p-bleed')) : null,
    draft: val('p-draft') || null,
    pdf_standard: val('p-standard') || null,
    copies: val('p-copies') ? Number(val('p-copies')) : null,
    marks: $('p-marks').checked,
    mono: $('p-mono').checked,
    impose: $('p-impose').checked,
  };
  if (body.bleed !== null && Number.isNaN(body.bleed)) { $('p-result').textContent = '出血应写成毫米数，如 3'; return; }
  if (body.copies !== null && !Number.isInteger(body.copies)) { $('p-result').textContent = '编号份数应为正整数'; return; }
  $('p-files').replaceChildren();
  $('p-log').replaceChildren();
  const r = await api('/api/jobs', body);
  if (r.status !== 200) { $('p-result').textContent = r.data.error; return; }
  job = r.data.id;
  $('p-start').disabled = true;
  const bar = $('p-progress');
  bar.hidden = false;
  bar.value = 0;
  $('p-result').textContent = '已开始……';
}

function onJob(e) {
  if (e.id !== job) return;
  const bar = $('p-progress');
  if (!e.done) {
    bar.max = Math.max(1, e.total);
    bar.value = e.n;
    $('p-result').textContent = `进度 ${e.n}/${e.total}`;
    if (e.line) $('p-log').append(el('li', { textContent: e.line }));
    return;
  }
  $('p-start').disabled = false;
  if (e.ok) bar.value = bar.max;
  $('p-result').textContent = e.message;
  $('p-result').classList.toggle('bad', !e.ok);
  const list = $('p-files');
  for (const f of e.files || []) {
    const href = `/api/out/${f.split('/').map(encodeURIComponent).join('/')}?token=${encodeURIComponent(token)}`;
    list.append(el('li', {}, el('a', { href, textContent: f, download: f.split('/').pop() })));
  }
  if (e.zip) {
    const href = `/api/jobs/${e.id}/zip?token=${encodeURIComponent(token)}`;
    list.prepend(el('li', {}, el('a', { href, textContent: '下载整批（zip，含清单）', id: 'p-zip', download: 'jianbao-batch.zip' })));
  }
}

// ---------- 启动 ----------
function connect() {
  const es = new EventSource(`/api/events?token=${encodeURIComponent(token)}`);
  let first = true;
  es.addEventListener('state', (ev) => {
    const s = JSON.parse(ev.data);
    applyState(s);
    if (!first) refreshForms();
    // 县区表格在别处改了（Excel、上传）：网格里没有正在改的格子就换新。
    if (!first && current === '#counties') {
      const busy = [...document.querySelectorAll('#c-grid input')].some((i) => i.value !== i.dataset.orig || i === document.activeElement);
      if (!busy) loadCounties();
    }
    first = false;
  });
  // 重排中另起一处显示，不盖掉上一条状态（如“页面保留上一版”）。
  es.addEventListener('building', () => { $('busy').textContent = '正在重排……'; });
  es.addEventListener('job', (ev) => onJob(JSON.parse(ev.data)));
  es.onerror = () => say('与工作台的连接断了，正在重连……（若已在终端结束 jianbao serve，请重新启动）', true);
}

async function undo() {
  const r = await api('/api/undo', {});
  if (r.status === 200) {
    say(`已撤销上次对 ${r.data.file} 的保存`);
    if (files.some((f) => f.file === r.data.file)) await reloadFile(r.data.file);
    else if (current === '#counties') await loadCounties();
  } else {
    say(r.data.error, true);
  }
}

document.addEventListener('DOMContentLoaded', () => {
  if (!token) { $('status').textContent = '地址中缺少令牌：请用终端里印出的完整地址打开。'; return; }
  $('undo').addEventListener('click', undo);
  document.addEventListener('keydown', (e) => {
    if (e.altKey && (e.key === 'z' || e.key === 'Z')) { e.preventDefault(); undo(); }
  });
  for (const r of document.querySelectorAll('input[name="doc"]')) r.addEventListener('change', renderPages);
  $('edition').addEventListener('change', async () => {
    const r = await api('/api/edition', { edition: $('edition').value || null });
    if (r.status !== 200) say(r.data.error, true); else say('已换版本');
  });
  $('p-start').addEventListener('click', startJob);
  $('c-upload').addEventListener('click', upload);
  $('init-start').addEventListener('click', initData);
  loadForms();
  connect();
});
