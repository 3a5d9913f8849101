//! The main thread joins rayon's pool as its first worker. This file holds a
//! single test, so nothing in the process has started the pool before it.

use ae_fast::threads::main_thread_joins_pool;
use rayon::prelude::*;

#[test]
fn the_calling_thread_becomes_worker_zero_of_a_full_pool() {
    assert_eq!(rayon::current_thread_index(), None, "not a worker yet");
    main_thread_joins_pool();
    assert_eq!(rayon::current_thread_index(), Some(0));
    // As many threads as rayon's default pool (one per core, or
    // `RAYON_NUM_THREADS`): the main thread takes one of them, not an extra.
    let default = rayon::ThreadPoolBuilder::new().build().expect("a pool");
    assert_eq!(rayon::current_num_threads(), default.current_num_threads());
    // Work handed to the pool from here runs, and a second call is harmless.
    let sum: u64 = (1..=100u64).into_par_iter().sum();
    assert_eq!(sum, 5050);
    main_thread_joins_pool();
    assert_eq!(rayon::current_thread_index(), Some(0));
}
