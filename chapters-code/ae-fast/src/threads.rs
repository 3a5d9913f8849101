//! The thread pool the fused kernels and dfdx's products run on.
//!
//! rayon starts one worker per core and, by default, leaves the main thread
//! out. A parallel call from the main thread then packs its work into a job,
//! wakes a worker, and sleeps until the job is done: a round trip of about
//! 12 µs here, even for an empty `rayon::join`. A training step makes a
//! dozen such calls, and at small batches that is a fifth of the step. When
//! the main thread is one of the workers, a call starts on it at once and
//! only the half that another worker takes crosses threads. That worker,
//! in turn, is kept from falling asleep between the calls of a step.

use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

// ANCHOR: main_thread_joins
/// Makes the calling thread, normally `main`, one of the pool's workers.
/// The pool keeps one thread per core, this one included.
///
/// Call it before anything uses rayon. It does nothing if the pool is
/// already running: the work still gets done, only the saving is lost.
pub fn main_thread_joins_pool() {
    let _ = rayon::ThreadPoolBuilder::new()
        .use_current_thread()
        .build_global();
}
// ANCHOR_END: main_thread_joins

// ANCHOR: keep_awake
/// How long a worker kept awake goes on looking for work after its last job.
const AWAKE_FOR: Duration = Duration::from_millis(2);

/// The jobs sent to keep workers awake that have not finished yet.
static PENDING: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// Whether this thread is already looking for work.
    static LOOKING: Cell<bool> = const { Cell::new(false) };
}

/// Keeps the pool's other threads awake, looking for work, for as long as
/// work keeps coming and [`AWAKE_FOR`] after.
///
/// An idle rayon worker soon goes to sleep, and the next `join` from the
/// main thread must wake it with a system call, which on a virtual machine
/// costs tens of microseconds, and then wait for it to be scheduled. A
/// training step alternates short parallel operations with short pieces of
/// work on the main thread, so without this the worker sleeps and is woken
/// several times a step. The fused operations call this on entry; it costs
/// one atomic load while the workers are awake. The price is cores that
/// spin for up to [`AWAKE_FOR`] after training stops.
pub fn keep_workers_awake() {
    let threads = rayon::current_num_threads();
    if threads < 2
        || PENDING.load(Ordering::Relaxed) > 0
        || PENDING
            .compare_exchange(0, threads, Ordering::Relaxed, Ordering::Relaxed)
            .is_err()
    {
        return;
    }
    let caller = std::thread::current().id();
    // One job per thread of the pool, each run by its own thread.
    rayon::spawn_broadcast(move |_| {
        // The caller runs its copy when it next waits inside the pool:
        // looking for work there would keep it from its own. A thread that
        // is looking already runs a new copy from inside its loop.
        if std::thread::current().id() != caller && !LOOKING.replace(true) {
            look_for_work();
            LOOKING.set(false);
        }
        PENDING.fetch_sub(1, Ordering::Relaxed);
    });
}

/// Runs the pool's pending jobs, stealing them from the other threads as
/// soon as they are queued, until none has come for [`AWAKE_FOR`].
fn look_for_work() {
    let mut last_job = Instant::now();
    loop {
        match rayon::yield_now() {
            Some(rayon::Yield::Executed) => last_job = Instant::now(),
            _ if last_job.elapsed() > AWAKE_FOR => return,
            _ => std::hint::spin_loop(),
        }
    }
}
// ANCHOR_END: keep_awake

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workers_kept_awake_take_work_and_then_rest() {
        keep_workers_awake();
        let (a, b) = rayon::join(|| (0..1000).sum::<u64>(), || (0..2000).sum::<u64>());
        assert_eq!((a, b), (499_500, 1_999_000));
        // Without more work the worker stops spinning soon after. (Other
        // tests of this binary may keep one awake for a while too.)
        let start = Instant::now();
        while PENDING.load(Ordering::Relaxed) > 0 {
            assert!(start.elapsed() < Duration::from_secs(60), "still spinning");
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}
