//! 在工作进程里排版：文档在内存上限之内排，失控的文档只让它所在的工作进程退出，
//! 它占的内存和处理器核随即放回，其余文档照排。
//!
//! typst 没有取消排版的办法，也不能限制一次排版用多少内存：在同一进程里，超时的排版线程会一直占着一个核，
//! 失控的模板会把整个进程的内存吃到几 GB 再被系统杀掉，连同其余文档。工作进程是同一个程序（用同样的命令行参数
//! 再启动一次，环境变量 [`WORKER_ENV`] 标明身份）：字体、模板、数据只读一次，同时排主进程交来的几份文档
//! （共用一份排版缓存，县区版复用全市版的版面，与在本进程里排一样快），排好的 PDF 经管道交回，由主进程写出。
//!
//! 内存上限用 `RLIMIT_DATA`（堆和可写的私有内存；只读映射的字体不算）：超过时分配失败，工作进程中止。
//! 当时同在排的几份文档都要重排：各自在一个单独的工作进程里再排一次，只有单独排也超限的那份才算失败，
//! 所以上限对每份文档都成立，无辜的文档不受牵连。

mod wire;
mod worker;

use std::collections::HashMap;
use std::io::{BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::base::diag::{Origin, Problem, Problems};
use crate::present::view::View;
use crate::render::{Rendered, Template};
use crate::typeset::weight;

pub use worker::{Load, RECYCLE_AFTER, serve};

/// 工作进程的标志：值是内存上限（字节，0 为不限）。
pub const WORKER_ENV: &str = "JIANBAO_WORKER";

/// 默认的内存上限。排示例数据的工作进程常驻约 200 MB；2000 章、760 页的手册峰值 540 MiB
/// （README“速度与内存”）：正常的文档离上限很远，失控的模板几秒内就撞上它。
pub const DEFAULT_MEMORY: u64 = 2 << 30;

/// 本进程是工作进程时返回内存上限（None 为不限）。
pub fn worker_memory() -> Option<Option<u64>> {
    let v = std::env::var(WORKER_ENV).ok()?;
    Some(v.parse::<u64>().ok().filter(|&n| n > 0))
}

/// 主进程一侧：一个共用的工作进程（按需启动，死掉或超时后换新的），以及单独重排用的工作进程。
pub struct Workers {
    program: PathBuf,
    args: Vec<std::ffi::OsString>,
    memory: Option<u64>,
    /// 超过这么久没有答复就杀掉工作进程（工作进程自己守排版的时间上限，这是它卡在别处时的后备）。
    patience: Duration,
    shared: Mutex<Option<Arc<Worker>>>,
    /// 单独重排一次只排一份：两份失控的文档不会同时各占满一份上限。
    solo: Mutex<()>,
    next_id: AtomicU64,
    generation: AtomicU64,
    /// 另给工作进程的环境变量（bench 用它让工作进程读生成的数据集）。
    env: Vec<(String, std::ffi::OsString)>,
}

/// 一次尝试的结果。
enum Attempt {
    Answered(Result<Rendered, Problems>),
    /// 工作进程没有答复就退出了；`alone` 为它当时只在排这一份。
    Died {
        status: Option<ExitStatus>,
        said: String,
        alone: bool,
    },
    TimedOut,
}

impl Workers {
    /// 用本程序、本次的命令行参数启动工作进程；`time` 是每份文档的排版时间上限。
    pub fn new(memory: Option<u64>, time: Duration) -> std::io::Result<Self> {
        Ok(Self {
            program: std::env::current_exe()?,
            args: std::env::args_os().skip(1).collect(),
            memory,
            patience: time * 2 + Duration::from_secs(30),
            shared: Mutex::new(None),
            solo: Mutex::new(()),
            next_id: AtomicU64::new(0),
            generation: AtomicU64::new(0),
            env: Vec::new(),
        })
    }

    /// 此后启动的工作进程多带一个环境变量。
    pub fn with_env(mut self, key: &str, value: impl Into<std::ffi::OsString>) -> Self {
        self.env.push((key.to_owned(), value.into()));
        self
    }

    /// 当前共用的工作进程的进程号（还没有工作进程时为 None）：bench 据此读它的内存。
    pub fn pid(&self) -> Option<u32> {
        let shared = self.shared.lock().expect("锁未中毒");
        Some(shared.as_ref()?.child.lock().expect("锁未中毒").id())
    }

    /// 先把工作进程启动起来：它读数据、准备字体和模板的同时，主进程也在做同样的检查，省下启动的时间。
    pub fn warm(self) -> Self {
        let _ = self.shared();
        self
    }

    /// 数据或模板改过了（`watch`）：此后交的文档，工作进程先重读数据和模板再排（排版缓存仍在，没改的部分照样复用）。
    pub fn reload(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// 在工作进程里排出 `region` 的一份文档；`view` 是它在主进程里的视图（报错时据此说明数据多大）。
    pub fn render(
        &self,
        region: Option<&str>,
        view: &View,
        template: &Template,
    ) -> Result<Rendered, Problems> {
        let label = template.label();
        let job = wire::Job {
            id: self.next_id.fetch_add(1, Ordering::SeqCst),
            generation: self.generation.load(Ordering::SeqCst),
            region: region.map(str::to_owned),
            template: template.clone(),
        };
        let worker = self.shared().map_err(|e| cannot_start(label, &e))?;
        match self.attempt(&worker, &job) {
            Attempt::Answered(r) => r,
            Attempt::Died { alone: false, .. } => {
                // 同在排的另一份文档也可能是肇事者：单独再排一次才知道。
                let _one = self.solo.lock().expect("锁未中毒");
                let worker = self.spawn().map_err(|e| cannot_start(label, &e))?;
                let attempt = self.attempt(&worker, &job);
                worker.close();
                self.verdict(attempt, label, view)
            }
            other => self.verdict(other, label, view),
        }
    }

    /// 共用的工作进程；没有、已死或已退役时启动一个新的。
    fn shared(&self) -> std::io::Result<Arc<Worker>> {
        let mut shared = self.shared.lock().expect("锁未中毒");
        if let Some(w) = shared.as_ref().filter(|w| w.usable()) {
            return Ok(w.clone());
        }
        let w = self.spawn()?;
        *shared = Some(w.clone());
        Ok(w)
    }

    fn attempt(&self, worker: &Arc<Worker>, job: &wire::Job) -> Attempt {
        let Some(rx) = worker.submit(job) else {
            // 刚刚退役或死掉：换一个新的再交。
            return match self.spawn() {
                Ok(fresh) => {
                    let attempt = self.attempt(&fresh, job);
                    fresh.close();
                    attempt
                }
                Err(e) => Attempt::Answered(Err(cannot_start(job.template.label(), &e))),
            };
        };
        match rx.recv_timeout(self.patience) {
            Ok(Answer::Reply(reply, bytes)) => {
                Attempt::Answered(wire::rendered(reply.outcome, bytes))
            }
            Ok(Answer::Died {
                status,
                said,
                alone,
            }) => Attempt::Died {
                status,
                said,
                alone,
            },
            Err(RecvTimeoutError::Disconnected) => Attempt::Died {
                status: None,
                said: String::new(),
                alone: true,
            },
            Err(RecvTimeoutError::Timeout) => {
                worker.kill();
                Attempt::TimedOut
            }
        }
    }

    /// 一次尝试的结论：排好了，或说明为什么没排出。
    fn verdict(&self, attempt: Attempt, label: &str, view: &View) -> Result<Rendered, Problems> {
        match attempt {
            Attempt::Answered(r) => r,
            Attempt::TimedOut => Err(problem(
                label,
                format!(
                    "排版进程 {} 秒没有答复，已停止它。{}",
                    self.patience.as_secs(),
                    weigh(view, "--time-limit 调高（单位：秒）")
                ),
            )),
            Attempt::Died { status, said, .. } => {
                if said.contains("memory allocation of") || killed_by_system(status) {
                    let limit = self.memory.map(size).unwrap_or_default();
                    return Err(problem(
                        label,
                        format!(
                            "排版用的内存超过了上限（{limit}），已停止排这份文档。{}",
                            weigh(view, "--max-memory 调高，如 --max-memory 4G")
                        ),
                    ));
                }
                let how = status.map_or_else(|| "原因不明".into(), describe_status);
                let said = said.trim();
                Err(problem(
                    label,
                    if said.is_empty() {
                        format!(
                            "排版进程意外退出（{how}），这份文档没有排出；请把数据和模板报告给维护者"
                        )
                    } else {
                        format!("排版进程意外退出（{how}），这份文档没有排出；它最后说：{said}")
                    },
                ))
            }
        }
    }

    fn spawn(&self) -> std::io::Result<Arc<Worker>> {
        Worker::spawn(&self.program, &self.args, &self.env, self.memory)
    }
}

impl Drop for Workers {
    fn drop(&mut self) {
        if let Some(w) = self.shared.get_mut().expect("锁未中毒").take() {
            w.close();
            let _ = w.child.lock().expect("锁未中毒").wait();
        }
    }
}

/// 一个工作进程：任务经标准输入交给它，答复由读线程按编号交回等着的那一份。
struct Worker {
    child: Mutex<Child>,
    stdin: Mutex<Option<ChildStdin>>,
    waiting: Mutex<Waiting>,
    /// 有排版线程超时后还在运行：不再交新任务，手上的排完就关掉。
    retiring: AtomicBool,
}

#[derive(Default)]
struct Waiting {
    by_id: HashMap<u64, Sender<Answer>>,
    dead: bool,
}

enum Answer {
    Reply(wire::Reply, Vec<u8>),
    Died {
        status: Option<ExitStatus>,
        said: String,
        alone: bool,
    },
}

/// 标准错误只留最后这么多字节：工作进程异常退出时据此说明原因（如内存分配失败）。
const STDERR_TAIL: usize = 8 << 10;

impl Worker {
    fn spawn(
        program: &PathBuf,
        args: &[std::ffi::OsString],
        env: &[(String, std::ffi::OsString)],
        memory: Option<u64>,
    ) -> std::io::Result<Arc<Self>> {
        let mut command = Command::new(program);
        command
            .args(args)
            .envs(env.iter().map(|(k, v)| (k, v)))
            .env(WORKER_ENV, memory.unwrap_or(0).to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        // 自成一个进程组：终端上的 Ctrl-C 只发给主进程，由它决定正在排的文档排完再停。
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let mut child = command.spawn()?;
        let stdin = child.stdin.take().expect("已要求管道");
        let stdout = child.stdout.take().expect("已要求管道");
        let mut stderr = child.stderr.take().expect("已要求管道");
        let tail = Arc::new(Mutex::new(Vec::new()));
        let kept = tail.clone();
        let errors = std::thread::Builder::new()
            .name("worker-err".into())
            .spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(n) = stderr.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    let mut t = kept.lock().expect("锁未中毒");
                    t.extend_from_slice(&buf[..n]);
                    let excess = t.len().saturating_sub(STDERR_TAIL);
                    t.drain(..excess);
                }
            })?;
        let worker = Arc::new(Self {
            child: Mutex::new(child),
            stdin: Mutex::new(Some(stdin)),
            waiting: Mutex::new(Waiting::default()),
            retiring: AtomicBool::new(false),
        });
        let reader = worker.clone();
        std::thread::Builder::new()
            .name("worker-out".into())
            .spawn(move || {
                let mut out = BufReader::new(stdout);
                while let Ok((reply, bytes)) = wire::read_reply(&mut out) {
                    reader.deliver(reply, bytes);
                }
                let _ = errors.join();
                let said = String::from_utf8_lossy(&tail.lock().expect("锁未中毒")).into_owned();
                reader.buried(said);
            })?;
        Ok(worker)
    }

    fn usable(&self) -> bool {
        !self.retiring.load(Ordering::SeqCst) && !self.waiting.lock().expect("锁未中毒").dead
    }

    /// 交一份任务；它已死或已关上时返回 None。
    fn submit(&self, job: &wire::Job) -> Option<std::sync::mpsc::Receiver<Answer>> {
        let (tx, rx) = std::sync::mpsc::channel();
        {
            let mut w = self.waiting.lock().expect("锁未中毒");
            if w.dead {
                return None;
            }
            w.by_id.insert(job.id, tx);
        }
        let mut line = serde_json::to_vec(job).expect("任务总能序列化");
        line.push(b'\n');
        let mut stdin = self.stdin.lock().expect("锁未中毒");
        match stdin.as_mut() {
            // 写不进去就是它已经死了：读线程随即给所有等着的一份“已退出”的答复，这里照常等。
            Some(s) => {
                let _ = s.write_all(&line).and_then(|()| s.flush());
            }
            None => {
                self.waiting.lock().expect("锁未中毒").by_id.remove(&job.id);
                return None;
            }
        }
        Some(rx)
    }

    fn deliver(&self, reply: wire::Reply, bytes: Vec<u8>) {
        if reply.retire {
            self.retiring.store(true, Ordering::SeqCst);
        }
        let (tx, idle) = {
            let mut w = self.waiting.lock().expect("锁未中毒");
            let tx = w.by_id.remove(&reply.id);
            (tx, w.by_id.is_empty())
        };
        if let Some(tx) = tx {
            let _ = tx.send(Answer::Reply(reply, bytes));
        }
        if idle && self.retiring.load(Ordering::SeqCst) {
            self.close();
        }
    }

    /// 进程已退出（读到文件尾）：还在等的每一份都得到“已退出”。
    fn buried(&self, said: String) {
        let status = self.child.lock().expect("锁未中毒").wait().ok();
        let mut w = self.waiting.lock().expect("锁未中毒");
        w.dead = true;
        let alone = w.by_id.len() == 1;
        for (_, tx) in w.by_id.drain() {
            let _ = tx.send(Answer::Died {
                status,
                said: said.clone(),
                alone,
            });
        }
    }

    /// 关上标准输入：它排完手上的文档就退出。
    fn close(&self) {
        self.stdin.lock().expect("锁未中毒").take();
    }

    fn kill(&self) {
        let _ = self.child.lock().expect("锁未中毒").kill();
    }
}

fn cannot_start(label: &str, e: &std::io::Error) -> Problems {
    problem(
        label,
        format!("无法启动排版进程：{}", crate::base::diag::os_error(e)),
    )
}

/// 先看数据有多大，数据不多时才怪模板。
fn weigh(view: &View, raise: &str) -> String {
    let json = serde_json::to_vec(view).expect("视图总能序列化");
    match weight::describe(&json) {
        Some(data) => {
            format!("{data}，多半是数据太多：请精简或拆成几份；数据确实要这么多时，可用 {raise}")
        }
        None => format!("多半是模板里有失控的循环或递归；若确实需要，可用 {raise}"),
    }
}

/// “2 GB”“1500 MB”。
fn size(bytes: u64) -> String {
    if bytes.is_multiple_of(1 << 30) {
        format!("{} GB", bytes >> 30)
    } else {
        format!("{} MB", bytes >> 20)
    }
}

/// 被 SIGKILL 杀掉：多半是内存不足时内核的 OOM killer。
fn killed_by_system(status: Option<ExitStatus>) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        status.and_then(|s| s.signal()) == Some(libc::SIGKILL)
    }
    #[cfg(not(unix))]
    {
        let _ = status;
        false
    }
}

fn describe_status(status: ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            return format!("信号 {sig}");
        }
    }
    match status.code() {
        Some(c) => format!("退出码 {c}"),
        None => "原因不明".into(),
    }
}

fn problem(label: &str, message: String) -> Problems {
    Problems(vec![Problem::new(Origin::None, label, message)])
}
