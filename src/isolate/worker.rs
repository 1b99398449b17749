//! 工作进程一侧：读任务、排版、交回答复。

use std::io::BufRead;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use super::wire::{self, Job};
use crate::base::diag::{Problem, Problems};
use crate::project::Project;
use crate::render::Press;

/// 读数据、准备排版设置：build、batch 只读一次；watch 的数据每次重排都重读。
pub type Load<'a> = dyn Fn() -> Result<(Project, Press), Problems> + Sync + 'a;

/// 某一代的数据（读不通时是那些问题）。
type Loaded = Result<Arc<(Project, Press)>, Vec<Problem>>;

/// 工作进程的主循环：从标准输入逐行读任务，每份在自己的线程里排（主进程同时交来几份，它们共用一份排版缓存，
/// 县区版复用全市版的版面），答复和 PDF 写到标准输出；标准输入关闭时等手上的排完再结束。
/// `first` 是启动时读好的数据（与主进程的检查同时进行）；给了 `reload` 时，任务的 `generation` 变大就用它重读。
pub fn serve(
    first: Result<(Project, Press), Problems>,
    reload: Option<&Load>,
    memory: Option<u64>,
) -> std::io::Result<()> {
    limit_memory(memory)?;
    let loaded = |r: Result<(Project, Press), Problems>| r.map(Arc::new).map_err(|p| p.0);
    let current: Mutex<(u64, Loaded)> = Mutex::new((0, loaded(first)));
    let out = Mutex::new(std::io::BufWriter::new(std::io::stdout()));
    let failed: Mutex<Option<std::io::Error>> = Mutex::new(None);
    let recycle = recycle_after();
    let finished = AtomicU64::new(0);
    std::thread::scope(|scope| -> std::io::Result<()> {
        for line in std::io::stdin().lock().lines() {
            let job: Job = serde_json::from_str(&line?).map_err(std::io::Error::other)?;
            let (out, failed, current, loaded, finished) =
                (&out, &failed, &current, &loaded, &finished);
            std::thread::Builder::new()
                .name(format!("job-{}", job.id))
                // 与主线程一样的栈：导出 PDF 时深的版面嵌套不会因为换了线程而溢出。
                .stack_size(8 << 20)
                .spawn_scoped(scope, move || {
                    let loaded = {
                        let mut c = current.lock().expect("锁未中毒");
                        if let Some(load) = reload.filter(|_| job.generation > c.0) {
                            *c = (job.generation, loaded(load()));
                        }
                        c.1.clone()
                    };
                    let result = loaded.map_err(Problems).and_then(|pp| {
                        let (project, press) = &*pp;
                        project
                            .view_for(job.region.as_deref())
                            .and_then(|view| press.render(&view, &job.template))
                    });
                    let done = finished.fetch_add(1, Ordering::SeqCst) + 1;
                    let retire = crate::typeset::overrunning() || done >= recycle;
                    let mut out = out.lock().expect("锁未中毒");
                    if let Err(e) = wire::write_reply(&mut *out, job.id, result, retire) {
                        failed.lock().expect("锁未中毒").get_or_insert(e);
                    }
                })?;
        }
        Ok(())
    })?;
    match failed.into_inner().expect("锁未中毒") {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// 排完这么多份文档，工作进程就请主进程换一个新的（手上的排完再退出）。
///
/// typst 的排版缓存（comemo）每份文档后都清理，但堆中在用的内存仍每个地区约涨 10 KB（`bench --regions 2000`
/// 在本进程里排：100 个地区后 75–78 MiB，2000 个后 95–103 MiB，常驻内存 +10–13%），不会自己回落。heaptrack 对比 100 与
/// 400 个地区：多留下的是 comemo 的“加速表”（`Tracked::call` 填的哈希表，清理时只清空、保留容量）和缓存的 slab。
/// 换进程把它清零；新进程要重读数据、头一份全市版要重排（共约 0.2 秒），每 500 份一次，约占总用时的 1%。
/// 每 1000 份换一次时，2000 个地区两次测得 +5.9%、+9.7%（贴着 10% 的目标）；每 500 份留出余地。
/// 环境变量 `JIANBAO_RECYCLE_AFTER` 可改（测试用它验证换进程前后排出的 PDF 逐字节相同）。
pub const RECYCLE_AFTER: u64 = 500;

fn recycle_after() -> u64 {
    std::env::var("JIANBAO_RECYCLE_AFTER")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(RECYCLE_AFTER)
}

/// 给本进程设内存上限（Linux 的 `RLIMIT_DATA`：堆和可写的私有映射；只读映射的字体不算在内）。
/// 超过时分配失败，进程中止，主进程据此说明是内存超限。
fn limit_memory(memory: Option<u64>) -> std::io::Result<()> {
    #[cfg(unix)]
    if let Some(bytes) = memory {
        let limit = libc::rlimit {
            rlim_cur: bytes as libc::rlim_t,
            rlim_max: bytes as libc::rlim_t,
        };
        // SAFETY: 只传入一个有效的 rlimit 结构，改的是本进程自己的上限。
        if unsafe { libc::setrlimit(libc::RLIMIT_DATA, &limit) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    #[cfg(not(unix))]
    let _ = memory;
    Ok(())
}
