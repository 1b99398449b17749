//! `jianbao watch`：改一个数字，新的 PDF 随即写出；改坏一个文件，报错就地打印，上一版 PDF 保留不动。

mod common;

use std::io::Read;
use std::path::Path;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;

/// 等到条件成立（最多 30 秒）；不对速度做断言。
fn wait_for(what: &str, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "等了 30 秒仍未{what}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn read(p: &Path) -> Option<Vec<u8>> {
    std::fs::read(p).ok()
}

/// 把子进程的一路输出收进共享的缓冲区。
fn collect(mut r: impl Read + Send + 'static) -> Arc<Mutex<String>> {
    let buf = Arc::new(Mutex::new(String::new()));
    let b = buf.clone();
    std::thread::spawn(move || {
        let mut chunk = [0u8; 4096];
        while let Ok(n) = r.read(&mut chunk) {
            if n == 0 {
                break;
            }
            b.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&chunk[..n]));
        }
    });
    buf
}

/// 启动 `jianbao watch <args>`，收集它的标准输出和标准错误；守卫被丢弃时结束它。
fn watch(args: &[&str]) -> (Kill, Arc<Mutex<String>>, Arc<Mutex<String>>) {
    let mut child = jianbao_command(&[&["watch"], args].concat())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = collect(child.stdout.take().unwrap());
    let stderr = collect(child.stderr.take().unwrap());
    (Kill(child), stdout, stderr)
}

struct Kill(std::process::Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn watch_rebuilds_on_save_and_keeps_the_last_good_pdf() {
    let data = fixture();
    let out = tempfile::tempdir().unwrap();
    let (_guard, stdout, stderr) = watch(&[
        data.path().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    let summary = out.path().join("商丘市-一页纸.pdf");
    let booklet = out.path().join("商丘市-简报手册.pdf");

    wait_for("排出第一版", || {
        stdout.lock().unwrap().contains("已重排")
    });
    let first = read(&summary).expect("第一版一页纸");
    assert!(pdf_text(&summary).contains("190.1"));

    // 改一个数字：新 PDF 写出，带着新数字。
    replace(
        &data.path().join("indicators.toml"),
        "value = 190.1",
        "value = 191.7",
    );
    wait_for("写出新的一页纸", || {
        read(&summary).is_some_and(|b| b != first)
    });
    wait_for("报告重排用时", || {
        stdout.lock().unwrap().matches("已重排，用时").count() >= 2
    });
    assert!(pdf_text(&summary).contains("191.7"));
    let good_summary = read(&summary).unwrap();
    let good_booklet = read(&booklet).unwrap();

    // 改坏一个文件：报错与 check 相同（文件:行:列），PDF 不动。
    let meta = data.path().join("meta.toml");
    append(&meta, "\n[oops\n");
    let line = line_of(&meta, |l| l == "[oops");
    wait_for("打印错误", || {
        stderr.lock().unwrap().contains("TOML 语法错误")
    });
    let err = stderr.lock().unwrap().clone();
    assert!(err.contains(&format!("meta.toml:{line}:")), "{err}");
    assert!(stdout.lock().unwrap().contains("上一版 PDF 保留不动"));
    // 等过去抖（80 毫秒）和目录检查（500 毫秒）的间隔再看：晚到的一次重排也不能把好的 PDF 换掉。
    std::thread::sleep(Duration::from_millis(2000));
    assert_eq!(
        read(&summary).unwrap(),
        good_summary,
        "坏的改动不应换掉上一版 PDF"
    );
    assert_eq!(read(&booklet).unwrap(), good_booklet);

    // 改好后又能排。
    replace(&meta, "\n[oops\n", "\n");
    replace(
        &data.path().join("indicators.toml"),
        "value = 191.7",
        "value = 192.4",
    );
    wait_for("改好后重排", || {
        read(&summary).is_some_and(|b| b != good_summary)
    });
    assert!(pdf_text(&summary).contains("192.4"));
}

/// 在 `dir` 下放一份示例数据，`value` 换掉 190.1。
fn sample_copy(dir: &Path, value: &str) {
    std::fs::create_dir_all(dir).unwrap();
    let fixture = fixture();
    for entry in std::fs::read_dir(fixture.path()).unwrap().flatten() {
        std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
    }
    replace(
        &dir.join("indicators.toml"),
        "value = 190.1",
        &format!("value = {value}"),
    );
}

#[test]
fn watch_follows_a_data_folder_that_is_replaced_or_recreated() {
    let parent = tempfile::tempdir().unwrap();
    let data = parent.path().join("数据");
    sample_copy(&data, "190.1");
    let out = tempfile::tempdir().unwrap();
    let (_guard, stdout, _stderr) = watch(&[
        data.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    let summary = out.path().join("商丘市-一页纸.pdf");
    wait_for("排出第一版", || {
        stdout.lock().unwrap().contains("已重排")
    });

    // 像 git checkout、rsync --delete 那样整个换掉：旧目录改名挪开，新目录改名放进来。
    let fresh = parent.path().join("新");
    sample_copy(&fresh, "193.3");
    std::fs::rename(&data, parent.path().join("旧")).unwrap();
    std::fs::rename(&fresh, &data).unwrap();
    wait_for("跟上换掉的目录", || {
        read(&summary).is_some_and(|_| pdf_text(&summary).contains("193.3"))
    });
    wait_for("说明正在监视什么", || {
        let s = stdout.lock().unwrap();
        s.contains("被换成了新的目录") && s.matches("正在监视").count() >= 2
    });

    // 删掉再建：说明目录不见了，重新出现后接着排。
    std::fs::remove_dir_all(&data).unwrap();
    wait_for("说明目录不见了", || {
        stdout.lock().unwrap().contains("不见了")
    });
    sample_copy(&data, "194.4");
    wait_for("跟上重建的目录", || {
        read(&summary).is_some_and(|_| pdf_text(&summary).contains("194.4"))
    });
    // 新目录里的改动也能看到（监视的是新目录，而不是已删掉的那个）。
    replace(
        &data.join("indicators.toml"),
        "value = 194.4",
        "value = 195.5",
    );
    wait_for("重建后的改动", || {
        read(&summary).is_some_and(|_| pdf_text(&summary).contains("195.5"))
    });
}

/// 把一个目录（含子目录）复制到另一处。
#[test]
fn watch_follows_a_templates_folder_that_is_replaced() {
    // 变体：换掉的是模板目录（如 git checkout 切换了模板的分支）。
    let parent = tempfile::tempdir().unwrap();
    let templates = parent.path().join("templates");
    copy_dir(&root().join("templates"), &templates);
    let data = fixture();
    let out = tempfile::tempdir().unwrap();
    let (_guard, stdout, _stderr) = watch(&[
        data.path().to_str().unwrap(),
        "--templates",
        templates.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    let rebuilt = || rebuilt_in(&stdout.lock().unwrap());
    wait_for("排出第一版", || rebuilt() >= 1);

    let fresh = parent.path().join("新模板");
    copy_dir(&root().join("templates"), &fresh);
    std::fs::rename(&templates, parent.path().join("旧模板")).unwrap();
    std::fs::rename(&fresh, &templates).unwrap();
    wait_for("重新监视模板目录并重排", || {
        stdout.lock().unwrap().contains("被换成了新的目录") && rebuilt() >= 2
    });
    // 新模板目录里的改动也能看到。
    append(&templates.join("summary.typ"), "\n// 改动\n");
    wait_for("看到新模板目录里的改动", || {
        let s = stdout.lock().unwrap();
        s.contains("/summary.typ") && rebuilt_in(&s) >= 3
    });
}

/// 输出里报告了几次重排。
fn rebuilt_in(s: &str) -> usize {
    s.matches("已重排，用时").count()
}

#[test]
fn a_document_over_the_memory_limit_fails_that_rebuild_and_watch_goes_on() {
    let data = fixture();
    let out = tempfile::tempdir().unwrap();
    // 模板副本：标题里有“失控”时，简报手册每轮把一个字符串加倍（2^40 字节）。
    let templates = templates_with_booklet_line(
        "#if \"失控\" in data.meta.title { let s = \"x\"; for i in range(40) { s = s + s }; s.len() }",
    );
    let (_guard, stdout, stderr) = watch(&[
        data.path().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
        "--templates",
        templates.path().to_str().unwrap(),
        "--max-memory",
        "512M",
    ]);
    let booklet = out.path().join("商丘市-简报手册.pdf");
    wait_for("排出第一版", || {
        stdout.lock().unwrap().contains("已重排")
    });
    let good = read(&booklet).unwrap();

    let meta = data.path().join("meta.toml");
    let title = std::fs::read_to_string(&meta)
        .unwrap()
        .lines()
        .find(|l| l.starts_with("title = \""))
        .unwrap()
        .to_owned();
    replace(
        &meta,
        &title,
        &title.replacen("title = \"", "title = \"失控", 1),
    );
    wait_for("报告内存超限", || {
        stderr
            .lock()
            .unwrap()
            .contains("简报手册：排版用的内存超过了上限（512 MB），已停止排这份文档。")
    });
    assert!(stderr.lock().unwrap().contains("--max-memory"));
    assert_eq!(read(&booklet).unwrap(), good, "超限时不应换掉上一版 PDF");

    // 改回来：watch 还在，换一个新的工作进程接着排。
    replace(
        &meta,
        &title.replacen("title = \"", "title = \"失控", 1),
        &title,
    );
    replace(
        &data.path().join("indicators.toml"),
        "value = 190.1",
        "value = 193.3",
    );
    // 手册先写、一页纸后写：两份都换成新数据才算排好。
    let summary = out.path().join("商丘市-一页纸.pdf");
    wait_for("改好后重排", || {
        read(&booklet).is_some_and(|b| b != good) && pdf_text(&summary).contains("193.3")
    });
}
