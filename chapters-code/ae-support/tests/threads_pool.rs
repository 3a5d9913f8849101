//! The main thread joins rayon's pool as its first worker. This file holds a
//! single test, so nothing in the process has started the pool before it.

use ae_support::threads::main_thread_joins_pool;
use rayon::prelude::*;

#[test]
fn the_calling_thread_becomes_worker_zero_of_a_full_pool() {
    assert_eq!(rayon::current_thread_index(), None, "not a worker yet");
    main_thread_joins_pool();
    assert_eq!(rayon::current_thread_index(), Some(0));
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    assert_eq!(rayon::current_num_threads(), cores);
    // Work handed to the pool from here runs, and a second call is harmless.
    let sum: u64 = (1..=100u64).into_par_iter().sum();
    assert_eq!(sum, 5050);
    main_thread_joins_pool();
    assert_eq!(rayon::current_thread_index(), Some(0));
}
