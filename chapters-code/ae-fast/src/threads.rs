//! The thread pool the fused kernels and dfdx's products run on.
//!
//! rayon starts one worker per core and, by default, leaves the main thread
//! out. A parallel call from the main thread then packs its work into a job,
//! wakes a worker, and sleeps until the job is done: a round trip of about
//! 12 µs here, even for an empty `rayon::join`. A training step makes a
//! dozen such calls, and at small batches that is a fifth of the step. When
//! the main thread is one of the workers, a call starts on it at once and
//! only the half that another worker takes crosses threads.

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
