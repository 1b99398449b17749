//! `jianbao serve` 在真的浏览器里：Debian 的无头 Chromium 由 chromedriver 驱动（fantoccini）。
//! 改一个增速，页面图两秒内变了、TOML 文件里是新数字且旁边的注释还在；写错一个数，问题清单里是与
//! `check` 相同的一句话，页面保留上一版；点问题跳到那个输入框；撤销；批量付印看进度走完，下载 zip
//! 找到每个版本。两个页面改同一个文件：后保存的一方看到冲突，文件不被覆盖。
//!
//! 没有 chromium 或 chromedriver 时测试失败并说明怎么装（`.ci/run` 会装），不悄悄跳过。

mod workbench;

use std::io::Read;
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use workbench::Workbench;

const CHROMIUM: &str = "/usr/bin/chromium";
const ENTER: &str = "\u{E007}";

/// 一个 chromedriver 进程（测试结束时结束它）。
struct Driver {
    child: Child,
    port: u16,
}

impl Drop for Driver {
    /// chromedriver 和它启动的 Chromium 在同一个进程组里：测试失败、浏览器没来得及关时也一并结束，不留孤儿进程。
    fn drop(&mut self) {
        unsafe {
            libc::kill(-(self.child.id() as i32), libc::SIGKILL);
        }
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn driver() -> Driver {
    assert!(
        std::path::Path::new(CHROMIUM).exists(),
        "找不到 {CHROMIUM}：浏览器测试需要 Debian 的 chromium 和 chromium-driver（apt-get install -y chromium chromium-driver；.ci/run 会自动安装）"
    );
    let port = free_port();
    use std::os::unix::process::CommandExt;
    let child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .process_group(0)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("无法运行 chromedriver（{e}）：请 apt-get install -y chromium-driver；.ci/run 会自动安装")
        });
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "chromedriver 30 秒内没有开始监听"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Driver { child, port }
}

async fn browser(driver: &Driver, profile: &std::path::Path) -> Client {
    let caps = serde_json::json!({
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--lang=zh-CN", "--window-size=1440,900",
                format!("--user-data-dir={}", profile.display()),
            ]
        }
    });
    let caps = match caps {
        serde_json::Value::Object(m) => m,
        _ => unreachable!(),
    };
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("能通过 chromedriver 启动无头 Chromium")
}

/// 等页面上的条件成立（每 50 毫秒看一次）；超时则失败。
async fn until<F, Fut>(what: &str, limit: Duration, mut cond: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    while !cond().await {
        assert!(start.elapsed() < limit, "等了 {limit:?} 仍未{what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn js(c: &Client, script: &str) -> serde_json::Value {
    c.execute(script, vec![]).await.expect("脚本能运行")
}

async fn js_str(c: &Client, script: &str) -> String {
    js(c, script).await.as_str().unwrap_or_default().to_owned()
}

/// 打开工作台，等表单和第一页图都出来。
async fn open(c: &Client, wb: &Workbench) {
    c.goto(&wb.url).await.unwrap();
    until("表单载入", Duration::from_secs(20), || async {
        js(
            c,
            "return document.querySelectorAll('#form [data-field]').length",
        )
        .await
        .as_u64()
        .unwrap_or(0)
            > 0
    })
    .await;
    until("第一页图画出", Duration::from_secs(20), || async {
        js(c, "const i = document.querySelector('#pages img'); return !!(i && i.complete && i.naturalWidth > 0)")
            .await
            .as_bool()
            .unwrap_or(false)
    })
    .await;
}

async fn tab(c: &Client, id: &str) {
    c.find(Locator::Css(&format!("[id=\"tab-{id}\"]")))
        .await
        .unwrap_or_else(|_| panic!("找不到标签 {id}"))
        .click()
        .await
        .unwrap();
}

fn field_css(file: &str, field: &str) -> String {
    format!("[data-file=\"{file}\"][data-field=\"{field}\"]")
}

/// 像人一样改一个输入框：全选原来的内容，打字覆盖（WebDriver 的 clear 会先触发一次保存空值，不用它）。
async fn replace_text(
    c: &Client,
    file: &str,
    field: &str,
    keys: &str,
) -> fantoccini::elements::Element {
    let css = field_css(file, field);
    let input = c
        .find(Locator::Css(&css))
        .await
        .unwrap_or_else(|_| panic!("表单中找不到 {file} 的 {field}"));
    c.execute(
        "arguments[0].focus(); arguments[0].select();",
        vec![serde_json::to_value(&input).unwrap()],
    )
    .await
    .unwrap();
    input.send_keys(keys).await.unwrap();
    input
}

/// 把一个输入框改成 `value` 并按回车（保存）。
async fn type_into(c: &Client, file: &str, field: &str, value: &str) {
    replace_text(c, file, field, &format!("{value}{ENTER}")).await;
}

async fn row_message(c: &Client, file: &str, field: &str) -> String {
    js_str(
        c,
        &format!(
            "const i = document.querySelector('{}'); return i ? i.parentElement.querySelector('.msg').textContent : ''",
            field_css(file, field).replace('\'', "\\'")
        ),
    )
    .await
}

async fn summary_src(c: &Client) -> String {
    js_str(c, "const i = document.querySelector('#page-summary-1 img'); return i ? i.getAttribute('src') : ''").await
}

fn png(wb: &Workbench, src: &str) -> Vec<u8> {
    let r = wb.get(src, &[]);
    assert_eq!(r.status, 200, "{src}");
    assert!(r.body.starts_with(b"\x89PNG"), "{src} 不是 PNG");
    r.body
}

#[tokio::test(flavor = "current_thread")]
async fn edit_in_the_form_see_the_page_print_every_edition() {
    let wb = Workbench::start();
    let d = driver();
    let profile = tempfile::tempdir().unwrap();
    let c = browser(&d, profile.path()).await;
    open(&c, &wb).await;

    // 看一页纸（重点指标都在上面）。
    c.find(Locator::Css("input[name=doc][value=summary]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    until("一页纸的图画出", Duration::from_secs(20), || async {
        js(&c, "const i = document.querySelector('#page-summary-1 img'); return !!(i && i.complete && i.naturalWidth > 0)")
            .await
            .as_bool()
            .unwrap_or(false)
    })
    .await;
    let good_src = summary_src(&c).await;
    let before = png(&wb, &good_src);

    // 1. 改生产总值的增速：4 → 4.6。
    tab(&c, "indicators.toml").await;
    let growth = "indicators[0].growth";
    type_into(&c, "indicators.toml", growth, "4.6").await;
    let typed = Instant::now();
    until(
        "页面图换成新的一版",
        Duration::from_secs(2),
        || async { summary_src(&c).await != good_src },
    )
    .await;
    let took = typed.elapsed();
    assert!(took < Duration::from_secs(2), "页面图 {took:?} 后才换");
    let new_src = summary_src(&c).await;
    let after = png(&wb, &new_src);
    assert_ne!(before, after, "改了增速，一页纸的图应当不同");
    let toml = std::fs::read_to_string(wb.dir().join("indicators.toml")).unwrap();
    assert!(
        toml.contains("# 增速（数字，单位 %，可选）；负数表示下降，如 -1.2 读作“下降1.2%”。\ngrowth = 4.6\n# 增速的限定语"),
        "文件中应是新数字，上下的注释原样保留：\n{}",
        &toml[..toml.len().min(1600)]
    );
    // 保存的应答和重排的事件谁先到都可以：等这一格说“已保存”。
    until("这一格说已保存", Duration::from_secs(5), || async {
        row_message(&c, "indicators.toml", growth).await == "已保存"
    })
    .await;

    // 浏览器把新图画出来了（不只是换了地址）。
    until("新图在浏览器中画好", Duration::from_secs(5), || async {
        js(&c, "const i = document.querySelector('#page-summary-1 img'); return i.complete && i.naturalWidth > 0 && i.currentSrc.endsWith(i.getAttribute('src'))")
            .await
            .as_bool()
            .unwrap_or(false)
    })
    .await;

    // README 的截图：表单、问题清单和一页纸。
    let shot = c.screenshot().await.unwrap();
    assert!(
        shot.starts_with(b"\x89PNG") && shot.len() > 20_000,
        "截图应是一张有内容的 PNG"
    );
    if std::env::var_os("JIANBAO_SCREENSHOT").is_some() {
        std::fs::write(workbench::root().join("docs/serve.png"), &shot).unwrap();
    }

    // 2. 写错：4.6% 不是数字。还没保存，边打边查就在输入框下说出来，文件不动。
    let saved = std::fs::read(wb.dir().join("indicators.toml")).unwrap();
    let input = replace_text(&c, "indicators.toml", growth, "4.6%").await;
    until(
        "边打边查指出不是数字",
        Duration::from_secs(5),
        || async {
            row_message(&c, "indicators.toml", growth)
                .await
                .contains("应为数字，实际为文本 \"4.6%\"")
        },
    )
    .await;
    assert_eq!(
        std::fs::read(wb.dir().join("indicators.toml")).unwrap(),
        saved,
        "没按回车，不应写文件"
    );
    // 按回车保存：问题清单里是 check 的那句话，页面图还是上一版。
    input.send_keys(ENTER).await.unwrap();
    until("问题清单列出错误", Duration::from_secs(10), || async {
        js(
            &c,
            "return document.querySelectorAll('#problems button.error').length",
        )
        .await
        .as_u64()
        .unwrap_or(0)
            > 0
    })
    .await;
    let shown = js_str(&c, "return [...document.querySelectorAll('#problems button.error > span')].map(s => s.textContent).join('\\n')").await;
    let check = Command::new(env!("CARGO_BIN_EXE_jianbao"))
        .args(["check", wb.dir().to_str().unwrap()])
        .current_dir(workbench::root())
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(1));
    let check_text = String::from_utf8_lossy(&check.stderr).into_owned();
    let headline = check_text
        .lines()
        .find(|l| l.contains("indicators[0].growth"))
        .unwrap_or_else(|| panic!("check 应指出增速：{check_text}"));
    assert!(headline.contains("应为数字"), "{headline}");
    assert!(
        shown.lines().any(|l| l == headline),
        "页面上的问题应与 check 一字不差：\n页面：{shown}\ncheck：{headline}"
    );
    assert_eq!(summary_src(&c).await, new_src, "数据有错时页面保留上一版");
    until(
        "状态说明页面保留上一版",
        Duration::from_secs(5),
        || async {
            js_str(&c, "return document.getElementById('status').textContent")
                .await
                .contains("保留上一版")
        },
    )
    .await;

    // 点这个问题：跳到表单中的那个输入框。
    c.find(Locator::Css("#problems button.error"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let focused = js_str(&c, "return document.activeElement.dataset.field || ''").await;
    assert_eq!(focused, growth, "点问题应跳到那个字段");

    // 3. 撤销上次保存：文件回到 4.6，问题消失。
    c.find(Locator::Id("undo"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    until("撤销后重排成功", Duration::from_secs(10), || async {
        js(
            &c,
            "return document.querySelectorAll('#problems button.error').length",
        )
        .await
        .as_u64()
            == Some(0)
    })
    .await;
    let toml = std::fs::read_to_string(wb.dir().join("indicators.toml")).unwrap();
    assert!(
        toml.contains("\ngrowth = 4.6\n"),
        "撤销应写回上一次保存的内容"
    );
    let value = js_str(
        &c,
        &format!(
            "return document.querySelector('{}').value",
            field_css("indicators.toml", growth)
        ),
    )
    .await;
    assert_eq!(value, "4.6", "撤销后表单显示文件中的值");

    // 添加一整项指标：必填的 id、name 先空着，文件多了一个 [[indicators]]，问题清单指出要填；再删去这一项。
    let count = |t: &str| t.lines().filter(|l| l.trim() == "[[indicators]]").count();
    let before_items = count(&std::fs::read_to_string(wb.dir().join("indicators.toml")).unwrap());
    c.find(Locator::Css("button.add-item"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    until(
        "新的一项出现在表单中",
        Duration::from_secs(10),
        || async {
            js(
                &c,
                &format!(
                    "return !!document.querySelector('{}')",
                    field_css(
                        "indicators.toml",
                        &format!("indicators[{before_items}].name")
                    )
                ),
            )
            .await
            .as_bool()
            .unwrap_or(false)
        },
    )
    .await;
    let toml = std::fs::read_to_string(wb.dir().join("indicators.toml")).unwrap();
    assert_eq!(count(&toml), before_items + 1);
    assert!(
        toml.ends_with("[[indicators]]\nid = \"\"\nname = \"\"\n"),
        "{toml}"
    );
    until("问题清单指出新的一项要填", Duration::from_secs(10), || async {
        js_str(&c, "return [...document.querySelectorAll('#problems button.error')].map(b => b.textContent).join('\\n')")
            .await
            .contains(&format!("indicators[{before_items}]"))
    })
    .await;
    let remove = c
        .find_all(Locator::Css("fieldset.item > button.small"))
        .await
        .unwrap()
        .pop()
        .unwrap();
    remove.click().await.unwrap();
    until("删去后问题消失", Duration::from_secs(10), || async {
        js(
            &c,
            "return document.querySelectorAll('#problems button.error').length",
        )
        .await
        .as_u64()
            == Some(0)
    })
    .await;
    assert_eq!(
        count(&std::fs::read_to_string(wb.dir().join("indicators.toml")).unwrap()),
        before_items
    );

    // 4. 批量付印：进度走到头，下载 zip，每个版本都在里面。
    let editions: Vec<String> = wb.state()["editions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap().to_owned())
        .collect();
    assert!(editions.len() >= 2, "示例数据应有县区");
    tab(&c, "#print").await;
    c.find(Locator::Css("input[name=what][value=batch]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Locator::Id("p-start"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    until(
        "批量完成、出现 zip 下载",
        Duration::from_secs(300),
        || async {
            js(&c, "return !!document.getElementById('p-zip')")
                .await
                .as_bool()
                .unwrap_or(false)
        },
    )
    .await;
    let progress = js(
        &c,
        "const p = document.getElementById('p-progress'); return [p.value, p.max]",
    )
    .await;
    let total = 2 * (editions.len() + 1);
    assert_eq!(
        progress,
        serde_json::json!([total, total]),
        "进度应走到 {total}/{total}"
    );
    let steps = js(&c, "return document.querySelectorAll('#p-log li').length").await;
    assert_eq!(steps.as_u64(), Some(total as u64), "每份文档一行进度");
    let href = js_str(
        &c,
        "return document.getElementById('p-zip').getAttribute('href')",
    )
    .await;
    let r = wb.get(&href, &[]);
    assert_eq!(r.status, 200);
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(r.body)).expect("下载的是 zip");
    let names: Vec<String> = (0..zip.len())
        .map(|i| zip.by_index(i).unwrap().name().to_owned())
        .collect();
    assert!(names.contains(&"manifest.json".to_owned()), "{names:?}");
    for e in &editions {
        for label in ["简报手册", "一页纸"] {
            let want = format!("{e}/{e}-{label}.pdf");
            assert!(names.contains(&want), "zip 中缺 {want}：{names:?}");
        }
    }
    assert_eq!(
        names.iter().filter(|n| n.ends_with(".pdf")).count(),
        total,
        "{names:?}"
    );
    let mut manifest = String::new();
    zip.by_name("manifest.json")
        .unwrap()
        .read_to_string(&mut manifest)
        .unwrap();
    let manifest: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    assert_eq!(manifest["outputs"].as_array().unwrap().len(), total);
    let mut pdf = Vec::new();
    zip.by_index(names.iter().position(|n| n.ends_with(".pdf")).unwrap())
        .unwrap()
        .read_to_end(&mut pdf)
        .unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    c.close().await.unwrap();
}

#[tokio::test(flavor = "current_thread")]
async fn two_pages_editing_one_file_the_second_save_sees_the_conflict() {
    let wb = Workbench::start();
    let d = driver();
    let (pa, pb) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    // 两个独立的浏览器窗口，各自保有焦点：不会因为切换窗口而提前提交。
    let a = browser(&d, pa.path()).await;
    let b = browser(&d, pb.path()).await;
    open(&a, &wb).await;
    open(&b, &wb).await;
    tab(&a, "indicators.toml").await;
    tab(&b, "indicators.toml").await;
    let field = "indicators[2].growth";
    // B 开始改，还没按回车。
    let input_b = replace_text(&b, "indicators.toml", field, "6.6").await;
    // A 改同一个文件并保存。
    type_into(&a, "indicators.toml", field, "7.7").await;
    until("A 保存成功", Duration::from_secs(10), || async {
        row_message(&a, "indicators.toml", field).await == "已保存"
    })
    .await;
    // B 按回车保存：文件已不是 B 载入时的样子，应报冲突而不覆盖。
    input_b.send_keys(ENTER).await.unwrap();
    until("B 看到冲突", Duration::from_secs(10), || async {
        js(&b, "const n = document.getElementById('notice'); return !n.hidden && n.textContent.includes('已被改动')")
            .await
            .as_bool()
            .unwrap_or(false)
    })
    .await;
    assert_eq!(
        row_message(&b, "indicators.toml", field).await,
        "冲突，没有保存"
    );
    let toml = std::fs::read_to_string(wb.dir().join("indicators.toml")).unwrap();
    assert!(toml.contains("growth = 7.7"), "A 的修改应保留");
    assert!(!toml.contains("6.6"), "B 的修改不应覆盖 A 的");
    // B 重新载入后看到 A 的数字，再改就能保存。
    b.find(Locator::Css("#notice button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    until("B 重新载入", Duration::from_secs(10), || async {
        js_str(
            &b,
            &format!(
                "const i = document.querySelector('{}'); return i ? i.value : ''",
                field_css("indicators.toml", field)
            ),
        )
        .await
            == "7.7"
    })
    .await;
    type_into(&b, "indicators.toml", field, "6.6").await;
    until("B 保存成功", Duration::from_secs(10), || async {
        row_message(&b, "indicators.toml", field).await == "已保存"
    })
    .await;
    assert!(
        std::fs::read_to_string(wb.dir().join("indicators.toml"))
            .unwrap()
            .contains("growth = 6.6")
    );
    a.close().await.unwrap();
    b.close().await.unwrap();
}

/// 示例县区表格另存一份，`edit` 可以改写某些单元格（行、列从 0 起）。
fn county_xlsx(
    path: &std::path::Path,
    edit: impl Fn(&mut rust_xlsxwriter::Worksheet, u32, u16) -> bool,
) {
    use calamine::{Data, Reader, open_workbook_auto};
    let mut book =
        open_workbook_auto(workbench::root().join("data/shangqiu-2023/counties.xlsx")).unwrap();
    let range = book.worksheet_range("指标").unwrap();
    let mut out = rust_xlsxwriter::Workbook::new();
    let sheet = out.add_worksheet();
    sheet.set_name("指标").unwrap();
    let (r0, c0) = range.start().unwrap();
    for (i, row) in range.rows().enumerate() {
        for (j, d) in row.iter().enumerate() {
            let (r, c) = (r0 + i as u32, (c0 as usize + j) as u16);
            if edit(sheet, r, c) {
                continue;
            }
            match d {
                Data::Float(f) => sheet.write_number(r, c, *f).map(|_| ()),
                Data::Int(i) => sheet.write_number(r, c, *i as f64).map(|_| ()),
                Data::String(s) => sheet.write_string(r, c, s).map(|_| ()),
                _ => Ok(()),
            }
            .unwrap();
        }
    }
    out.save(path).unwrap();
}

async fn upload(c: &Client, path: &std::path::Path) -> String {
    c.find(Locator::Id("c-file"))
        .await
        .unwrap()
        .send_keys(path.to_str().unwrap())
        .await
        .unwrap();
    c.find(Locator::Id("c-upload"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let mut text = String::new();
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(20) {
        text = js_str(c, "return document.getElementById('c-result').textContent").await;
        if !text.is_empty() && !text.contains("正在检查") {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("上传 20 秒后仍没有结果：{text}");
}

#[tokio::test(flavor = "current_thread")]
async fn an_uploaded_county_table_is_checked_before_it_replaces_the_old_one() {
    let wb = Workbench::start();
    let d = driver();
    let profile = tempfile::tempdir().unwrap();
    let c = browser(&d, profile.path()).await;
    open(&c, &wb).await;
    tab(&c, "#counties").await;
    until("县区表格显示出来", Duration::from_secs(10), || async {
        js(&c, "return document.querySelectorAll('#c-grid td').length")
            .await
            .as_u64()
            .unwrap_or(0)
            > 10
    })
    .await;
    let table = wb.dir().join("counties.xlsx");
    let sheets_before = {
        use calamine::Reader;
        calamine::open_workbook_auto(&table).unwrap().sheet_names()
    };

    // 网格里改一格：写回原来的 xlsx，别的工作表还在，页面随之重排。
    let generation = wb.state()["generation"].as_u64().unwrap();
    let cell = c
        .find(Locator::Css("#c-grid input[data-cell=C3]"))
        .await
        .unwrap();
    c.execute(
        "arguments[0].focus(); arguments[0].select();",
        vec![serde_json::to_value(&cell).unwrap()],
    )
    .await
    .unwrap();
    cell.send_keys(&format!("8.76{ENTER}")).await.unwrap();
    wb.wait_for("改了一格之后重排", Duration::from_secs(10), |s| {
        s["generation"].as_u64().unwrap_or(0) > generation
    });
    {
        use calamine::Reader;
        let mut book = calamine::open_workbook_auto(&table).unwrap();
        assert_eq!(book.sheet_names(), sheets_before, "别的工作表应原样保留");
        let range = book.worksheet_range("指标").unwrap();
        assert_eq!(
            range.get_value((2, 2)),
            Some(&calamine::Data::Float(8.76)),
            "C3 应写成数字 8.76"
        );
    }
    let before = std::fs::read(&table).unwrap();
    let files = tempfile::tempdir().unwrap();

    // 第 3 行 C 列填成了日期：指出那个单元格，不替换。
    let bad = files.path().join("带日期.xlsx");
    county_xlsx(&bad, |sheet, r, col| {
        if (r, col) == (2, 2) {
            let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2023, 12, 25).unwrap();
            let format = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
            sheet
                .write_datetime_with_format(r, col, &date, &format)
                .unwrap();
            true
        } else {
            false
        }
    });
    let result = upload(&c, &bad).await;
    assert!(result.contains("没有替换"), "{result}");
    assert!(
        result.contains("工作表「指标」第3行 C列") && result.contains("是日期"),
        "应指出那个日期单元格：{result}"
    );
    assert_eq!(
        std::fs::read(&table).unwrap(),
        before,
        "有问题的表格不应替换原表格"
    );

    // 好的表格：换上，网格和页面都用新数字。
    let good = files.path().join("新数字.xlsx");
    county_xlsx(&good, |sheet, r, col| {
        if (r, col) == (2, 2) {
            sheet.write_number(r, col, 9.87).unwrap();
            true
        } else {
            false
        }
    });
    let result = upload(&c, &good).await;
    assert!(result.contains("已用上传的表格替换"), "{result}");
    assert_eq!(
        std::fs::read(&table).unwrap(),
        std::fs::read(&good).unwrap()
    );
    // 撤销上次保存：换回上传之前的表格；再上传一次接着往下测。
    c.find(Locator::Id("undo"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    until("撤销换回原表格", Duration::from_secs(10), || async {
        std::fs::read(&table).unwrap() == before
    })
    .await;
    let result = upload(&c, &good).await;
    assert!(result.contains("已用上传的表格替换"), "{result}");
    until("网格显示新数字", Duration::from_secs(10), || async {
        js(
            &c,
            "return [...document.querySelectorAll('#c-grid input')].some(i => i.value === '9.87')",
        )
        .await
        .as_bool()
        .unwrap_or(false)
    })
    .await;

    // 空白模板：表头与 counties.toml 的列一致，第一列是县区名单。
    let href = js_str(
        &c,
        "return document.getElementById('c-template').getAttribute('href')",
    )
    .await;
    let r = wb.get(&href, &[]);
    assert_eq!(r.status, 200);
    let tpl = files.path().join("模板.xlsx");
    std::fs::write(&tpl, &r.body).unwrap();
    use calamine::Reader;
    let mut book = calamine::open_workbook_auto(&tpl).unwrap();
    let range = book.worksheet_range("指标").unwrap();
    let header: Vec<String> = range
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|d| d.to_string())
        .collect();
    assert_eq!(header[0], "县区");
    assert!(
        header.contains(&"规上工业增加值增速（%）".to_owned()),
        "{header:?}"
    );
    let names: Vec<String> = range.rows().skip(1).map(|r| r[0].to_string()).collect();
    assert!(names.contains(&"永城市".to_owned()), "{names:?}");
    assert!(book.sheet_names().contains(&"说明".to_owned()));
    c.close().await.unwrap();
}

#[tokio::test(flavor = "current_thread")]
async fn starting_from_nothing_the_page_creates_a_data_set() {
    let wb = Workbench::start_empty(tempfile::tempdir().unwrap(), "新简报");
    assert_eq!(wb.state()["has_data"], false);
    let d = driver();
    let profile = tempfile::tempdir().unwrap();
    let c = browser(&d, profile.path()).await;
    c.goto(&wb.url).await.unwrap();
    until("页面提供文种", Duration::from_secs(20), || async {
        js(&c, "return !document.getElementById('init').hidden && document.querySelectorAll('input[name=init]').length >= 4")
            .await
            .as_bool()
            .unwrap_or(false)
    })
    .await;
    c.find(Locator::Css("input[name=init][value='kind:简报']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Locator::Id("init-start"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    until("新数据集排出页面", Duration::from_secs(30), || async {
        js(&c, "const i = document.querySelector('#pages img'); return !!(i && i.complete && i.naturalWidth > 0)")
            .await
            .as_bool()
            .unwrap_or(false)
    })
    .await;
    assert!(wb.dir().join("meta.toml").is_file());
    let meta = std::fs::read_to_string(wb.dir().join("meta.toml")).unwrap();
    assert!(meta.contains("kind = \"简报\""), "{meta}");
    until("表单出现", Duration::from_secs(10), || async {
        js(
            &c,
            "return document.querySelectorAll('#form [data-field]').length",
        )
        .await
        .as_u64()
        .unwrap_or(0)
            > 0
    })
    .await;
    c.close().await.unwrap();
}
