//! What the machine can do, measured in the same run as the training, so
//! that the ratios in the tables compare like with like.

use ae_fast::matmul::{MatRef, matmul};
use dfdx::prelude::*;
use rayon::prelude::*;
use std::time::Instant;

/// The side of the square matrices the peak is measured on.
const SIDE: usize = 1024;

/// The best rates, in GFLOP/s, of `f32` products of two 1024 × 1024
/// matrices on all of rayon's threads, over a few tries.
pub struct MatmulPeaks {
    /// dfdx's `matmul` (the `gemm` release dfdx depends on).
    pub dfdx: f64,
    /// `ae_fast::matmul` (a newer `gemm`) on row blocks split
    /// between the threads as `DenseLayer` splits them.
    pub fast: f64,
}

impl MatmulPeaks {
    /// The larger of the two: roughly the most this machine does with
    /// `f32` products.
    pub fn best(&self) -> f64 {
        self.dfdx.max(self.fast)
    }
}

/// Measures both rates, dfdx's first.
pub fn matmul_peaks() -> MatmulPeaks {
    let dev = Cpu::seed_from_u64(0);
    let a: Tensor<Rank2<SIDE, SIDE>, f32, Cpu> = dev.sample_uniform();
    let b: Tensor<Rank2<SIDE, SIDE>, f32, Cpu> = dev.sample_uniform();
    let dfdx = best_rate(|| drop(a.clone().matmul(b.clone())));
    let (a, b) = (a.as_vec(), b.as_vec());
    let mut c = vec![0.0; SIDE * SIDE];
    let rows = SIDE.div_ceil(rayon::current_num_threads());
    let fast = best_rate(|| {
        c.par_chunks_mut(rows * SIDE)
            .zip(a.par_chunks(rows * SIDE))
            .for_each(|(c, a)| {
                let a = MatRef::row_major(a, a.len() / SIDE, SIDE);
                matmul(c, a, MatRef::row_major(&b, SIDE, SIDE), false);
            });
    });
    MatmulPeaks { dfdx, fast }
}

/// The best of eight timed runs of one `SIDE³` product, in GFLOP/s.
fn best_rate(mut product: impl FnMut()) -> f64 {
    let flops = 2.0 * (SIDE as f64).powi(3);
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

/// The widest vectors the fused kernels and `gemm` use on this processor,
/// chosen at run time.
pub fn vector_width() -> &'static str {
    if ae_fast::kernels::has_avx512() {
        "AVX-512, 16 f32 per vector"
    } else if ae_fast::kernels::has_avx2_fma() {
        "AVX2 and FMA, 8 f32 per vector"
    } else {
        "baseline SIMD, 4 f32 per vector"
    }
}

/// Which allocator this build uses.
pub fn allocator() -> &'static str {
    if cfg!(feature = "system-allocator") {
        "the system allocator"
    } else {
        "mimalloc"
    }
}
