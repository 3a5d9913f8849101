//! The thread pool the fused kernels and dfdx's products run on.
//!
//! rayon starts one worker per core and, by default, leaves the main thread
//! out. A parallel call from the main thread then packs its work into a job,
//! wakes a worker, and sleeps until the job is done: a round trip of about
//! 12 µs here, even for an empty `rayon::join`. A training step makes a
//! dozen such calls, and at small batches that is a fifth of the step. When
//! the main thread is one of the workers, a call starts on it at once and
//! only the half that another worker takes crosses threads.

use std::sync::atomic::{AtomicBool, Ordering};
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

/// Whether a worker is being kept awake (or a job to do it is on its way).
static AWAKE: AtomicBool = AtomicBool::new(false);

/// Keeps one of the pool's other threads awake, looking for work, for as
/// long as work keeps coming and [`AWAKE_FOR`] after.
///
/// An idle rayon worker soon goes to sleep, and the next `join` from the
/// main thread must wake it with a system call, which on a virtual machine
/// costs tens of microseconds, and then wait for it to be scheduled. A
/// training step alternates short parallel operations with short pieces of
/// work on the main thread, so without this the worker sleeps and is woken
/// several times a step. The fused operations call this on entry; it costs
/// one atomic load when a worker is already awake. The price is a core that
/// spins for up to [`AWAKE_FOR`] after training stops.
pub fn keep_a_worker_awake() {
    if AWAKE.load(Ordering::Relaxed)
        || rayon::current_num_threads() < 2
        || AWAKE.swap(true, Ordering::Relaxed)
    {
        return;
    }
    let caller = std::thread::current().id();
    rayon::spawn(move || {
        // The caller itself may pick the job up while it waits inside the
        // pool; spinning there would keep it from returning to its own work.
        if std::thread::current().id() != caller {
            look_for_work();
        }
        AWAKE.store(false, Ordering::Relaxed);
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
    fn a_worker_kept_awake_takes_work_and_then_rests() {
        keep_a_worker_awake();
        let (a, b) = rayon::join(|| (0..1000).sum::<u64>(), || (0..2000).sum::<u64>());
        assert_eq!((a, b), (499_500, 1_999_000));
        // Without more work the worker stops spinning soon after. (Other
        // tests of this binary may keep one awake for a while too.)
        let start = Instant::now();
        while AWAKE.load(Ordering::Relaxed) {
            assert!(start.elapsed() < Duration::from_secs(60), "still spinning");
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}
