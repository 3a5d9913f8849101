//! What the machine can do, measured in the same run as the training, so
//! that the ratios in the tables compare like with like.

use dfdx::prelude::*;
use std::time::Instant;

/// The best rate, in GFLOP/s, of dfdx's matrix multiplication on two
/// 1024 × 1024 matrices over a few tries, on all of rayon's threads:
/// roughly the most this machine does with `f32` products.
pub fn matmul_peak_gflops() -> f64 {
    let dev = Cpu::seed_from_u64(0);
    let a: Tensor<Rank2<1024, 1024>, f32, Cpu> = dev.sample_uniform();
    let b: Tensor<Rank2<1024, 1024>, f32, Cpu> = dev.sample_uniform();
    let flops = 2.0 * 1024f64.powi(3);
    (0..8)
        .map(|_| {
            let started = Instant::now();
            let c = a.clone().matmul(b.clone());
            let seconds = started.elapsed().as_secs_f64();
            drop(c);
            flops / seconds / 1e9
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
