//! 多份文档在几个线程中排：逐份取任务，做完一份就交给调用者（写出、报告进度），不攒结果。
//! 批量和编号份数共用它；typst 内部的并行排版仍用 rayon 的全局线程池。

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// 用户按了 Ctrl-C：不再开始新任务，已在做的做完（写出是原子的），然后结束。
pub static CANCELLED: AtomicBool = AtomicBool::new(false);

/// 在 `jobs` 个线程中按 `order` 的次序做 `0..total` 号任务：`work(i)` 的结果随即交给
/// `done(完成数, i, 结果)`。`done` 返回 false 时不再开始新任务（如某份出错就停）。中断时返回。
pub fn run<O>(
    total: usize,
    jobs: usize,
    order: &(dyn Fn(usize) -> usize + Sync),
    work: &(dyn Fn(usize) -> O + Sync),
    done: &(dyn Fn(usize, usize, O) -> bool + Sync),
) {
    let next = AtomicUsize::new(0);
    let finished = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        for _ in 0..jobs.clamp(1, total.max(1)) {
            scope.spawn(|| {
                loop {
                    let k = next.fetch_add(1, Ordering::SeqCst);
                    if k >= total || CANCELLED.load(Ordering::SeqCst) || stop.load(Ordering::SeqCst)
                    {
                        break;
                    }
                    let i = order(k);
                    let o = work(i);
                    let n = finished.fetch_add(1, Ordering::SeqCst) + 1;
                    if !done(n, i, o) {
                        stop.store(true, Ordering::SeqCst);
                    }
                }
            });
        }
    });
}

/// 已被中断。
pub fn cancelled() -> bool {
    CANCELLED.load(Ordering::SeqCst)
}
