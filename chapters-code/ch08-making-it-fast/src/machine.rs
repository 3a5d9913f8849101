//! What the machine can do, measured in the same run as the training, so
//! that the ratios in the tables compare like with like.

use ae_support::fast::matmul::{MatRef, matmul};
use dfdx::prelude::*;
use rayon::prelude::*;
use std::time::Instant;

/// The best rates, in GFLOP/s, of `f32` products of two 1024 × 1024
/// matrices on all of rayon's threads, over a few tries: first dfdx's
/// `matmul`, then `ae_support::fast::matmul` (a newer `gemm`) on row blocks
/// split between the threads as `Dense` splits them. The larger of the two
/// is roughly the most this machine does with `f32` products.
pub fn matmul_peak_gflops() -> (f64, f64) {
    const N: usize = 1024;
    let dev = Cpu::seed_from_u64(0);
    let a: Tensor<Rank2<N, N>, f32, Cpu> = dev.sample_uniform();
    let b: Tensor<Rank2<N, N>, f32, Cpu> = dev.sample_uniform();
    let dfdx = best_rate(|| drop(a.clone().matmul(b.clone())));
    let (a, b) = (a.as_vec(), b.as_vec());
    let mut c = vec![0.0; N * N];
    let rows = N.div_ceil(rayon::current_num_threads());
    let fast = best_rate(|| {
        c.par_chunks_mut(rows * N)
            .zip(a.par_chunks(rows * N))
            .for_each(|(c, a)| {
                let a = MatRef::row_major(a, a.len() / N, N);
                matmul(c, a, MatRef::row_major(&b, N, N), false);
            });
    });
    (dfdx, fast)
}

/// The best of eight timed runs of a 1024³ product, in GFLOP/s.
fn best_rate(mut product: impl FnMut()) -> f64 {
    let flops = 2.0 * 1024f64.powi(3);
    (0..8)
        .map(|_| {
            let started = Instant::now();
            product();
            flops / started.elapsed().as_secs_f64() / 1e9
        })
        .fold(0.0, f64::max)
}

/// The process's peak resident memory so far, in bytes (Linux only).
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Resets the peak that [`peak_rss_bytes`] reports to the current
/// resident memory, so each model's peak can be read on its own. Returns
/// whether the system allowed it.
pub fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// The processor's name, as Linux reports it.
pub fn cpu_name() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|name| name.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".to_string())
}

/// Which allocator this build uses.
pub fn allocator() -> &'static str {
    if cfg!(feature = "system-allocator") {
        "the system allocator"
    } else {
        "mimalloc"
    }
}
