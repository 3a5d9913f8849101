//! The loops behind the fused operations: plain slices in, plain slices out.
//!
//! Each kernel is written as simple element-wise arithmetic so that the
//! compiler vectorises it; [`simd`] compiles it a second time for AVX2 and
//! FMA and picks that copy on CPUs that have them. Large tensors are split
//! into row blocks that run on rayon's threads, the pool dfdx's matrix
//! multiplication already uses.

use super::math::{exp_nonpositive, ln_1p_unit};
use rayon::prelude::*;

/// Below this many values a tensor is processed on one thread: handing work
/// to another thread costs a few microseconds.
const PARALLEL_MIN: usize = 32 * 1024;

/// Values summed in `f32` before the sum moves to `f64`.
const SUM_BLOCK: usize = 1024;

/// Runs `f` compiled for AVX2 and FMA when the CPU has both.
#[inline(always)]
fn simd<R>(f: impl FnOnce() -> R) -> R {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
        // SAFETY: the CPU has just been checked for both features.
        return unsafe { with_avx2_fma(f) };
    }
    f()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn with_avx2_fma<R>(f: impl FnOnce() -> R) -> R {
    f()
}

/// How many rows of `width` values each parallel task takes: whole rows, at
/// least [`PARALLEL_MIN`] values, and about one task per thread.
fn rows_per_task(len: usize, width: usize) -> usize {
    let rows = len / width.max(1);
    if len < 2 * PARALLEL_MIN {
        return rows.max(1);
    }
    rows.div_ceil(rayon::current_num_threads()).max(1)
}

/// An element-wise activation that can be fused with the bias addition.
pub trait Activation: Copy + Default + Send + Sync + 'static {
    /// As shown in model summaries.
    const NAME: &'static str;
    /// Whether the backward pass needs the layer's output.
    const NEEDS_OUTPUT: bool;
    fn apply(x: f32) -> f32;
    /// The derivative, written in terms of the output `y = apply(x)`.
    fn derivative_at_output(y: f32) -> f32;
}

/// No activation: the layer's output is `x·Wᵀ + b` (logits, or a linear code).
#[derive(Clone, Copy, Debug, Default)]
pub struct Identity;

// Also a (parameter-free) dfdx module, so `(Linear<I, O>, Identity)` is a
// model too: the plain counterpart of `Dense<I, O>`.
impl dfdx::nn::ZeroSizedModule for Identity {}
impl dfdx::nn::NonMutableModule for Identity {}

impl<T> dfdx::nn::Module<T> for Identity {
    type Output = T;
    type Error = dfdx::tensor::CpuError;
    fn try_forward(&self, x: T) -> Result<T, Self::Error> {
        Ok(x)
    }
}

impl Activation for Identity {
    const NAME: &'static str = "Identity";
    const NEEDS_OUTPUT: bool = false;
    #[inline(always)]
    fn apply(x: f32) -> f32 {
        x
    }
    #[inline(always)]
    fn derivative_at_output(_: f32) -> f32 {
        1.0
    }
}

impl Activation for dfdx::nn::modules::ReLU {
    const NAME: &'static str = "ReLU";
    const NEEDS_OUTPUT: bool = true;
    #[inline(always)]
    fn apply(x: f32) -> f32 {
        x.max(0.0)
    }
    #[inline(always)]
    fn derivative_at_output(y: f32) -> f32 {
        if y > 0.0 { 1.0 } else { 0.0 }
    }
}

impl Activation for dfdx::nn::modules::Sigmoid {
    const NAME: &'static str = "Sigmoid";
    const NEEDS_OUTPUT: bool = true;
    #[inline(always)]
    fn apply(x: f32) -> f32 {
        super::math::sigmoid(x)
    }
    #[inline(always)]
    fn derivative_at_output(y: f32) -> f32 {
        y * (1.0 - y)
    }
}

/// `rows[r][j] = A(rows[r][j] + bias[j])` for every row `r` of `bias.len()` values.
pub fn bias_activation<A: Activation>(rows: &mut [f32], bias: &[f32]) {
    let width = bias.len();
    let task = rows_per_task(rows.len(), width) * width;
    rows.par_chunks_mut(task).for_each(|block| {
        simd(|| {
            for row in block.chunks_exact_mut(width) {
                for (x, &b) in row.iter_mut().zip(bias) {
                    *x = A::apply(*x + b);
                }
            }
        })
    });
}

/// The backward pass of [`bias_activation`]: with `d = grad_output · A'`,
/// adds `d` to `grad_input` and its column sums to `grad_bias`. `output` is
/// the forward pass's result; it is not read when `A` does not need it.
pub fn bias_activation_backward<A: Activation>(
    output: &[f32],
    grad_output: &[f32],
    grad_input: &mut [f32],
    grad_bias: &mut [f32],
) {
    let width = grad_bias.len();
    let task = rows_per_task(grad_output.len(), width) * width;
    let output = if A::NEEDS_OUTPUT { output } else { grad_output };
    let column_sums = grad_input
        .par_chunks_mut(task)
        .zip(grad_output.par_chunks(task))
        .zip(output.par_chunks(task))
        .map(|((grad_in, grad_out), out)| {
            simd(|| {
                let mut sums = vec![0.0f32; width];
                for ((gi, go), y) in grad_in
                    .chunks_exact_mut(width)
                    .zip(grad_out.chunks_exact(width))
                    .zip(out.chunks_exact(width))
                {
                    for (((gi, &go), &y), sum) in gi.iter_mut().zip(go).zip(y).zip(&mut sums) {
                        let d = go * A::derivative_at_output(y);
                        *gi += d;
                        *sum += d;
                    }
                }
                sums
            })
        })
        .reduce_with(|mut a, b| {
            a.iter_mut().zip(&b).for_each(|(a, b)| *a += b);
            a
        });
    if let Some(sums) = column_sums {
        grad_bias.iter_mut().zip(&sums).for_each(|(g, s)| *g += s);
    }
}

/// Binary cross-entropy of one logit `z` against target `t`, and its
/// derivative `sigmoid(z) - t`, from a single `exp`:
/// `max(z, 0) - z·t + ln(1 + exp(-|z|))`, which never overflows.
#[inline(always)]
fn bce_with_logits_one(z: f32, t: f32) -> (f32, f32) {
    let e = exp_nonpositive(-z.abs());
    let loss = z.max(0.0) - z * t + ln_1p_unit(e);
    let sigmoid = if z >= 0.0 { 1.0 } else { e } / (1.0 + e);
    (loss, sigmoid - t)
}

/// Sum of the binary cross-entropies of `logits` against `targets`. When
/// `grad` is given, also writes `scale · (sigmoid(z) - t)` into it: the
/// loss's gradient, computed while the exponentials are at hand.
pub fn bce_with_logits(logits: &[f32], targets: &[f32], grad: Option<&mut [f32]>, scale: f32) -> f64 {
    assert_eq!(logits.len(), targets.len(), "logits and targets differ in length");
    let task = rows_per_task(logits.len(), SUM_BLOCK) * SUM_BLOCK;
    match grad {
        Some(grad) => grad
            .par_chunks_mut(task)
            .zip(logits.par_chunks(task).zip(targets.par_chunks(task)))
            .map(|(grad, (z, t))| {
                simd(|| {
                    sum_blocks(z, t, Some(grad), |z, t| {
                        let (loss, d) = bce_with_logits_one(z, t);
                        (loss, d * scale)
                    })
                })
            })
            .sum(),
        None => logits
            .par_chunks(task)
            .zip(targets.par_chunks(task))
            .map(|(z, t)| simd(|| sum_blocks(z, t, None, bce_with_logits_one)))
            .sum(),
    }
}

/// Sum of the squared differences of `predictions` and `targets`; when `grad`
/// is given, also writes `scale · 2(p - t)` into it.
pub fn squared_error(predictions: &[f32], targets: &[f32], grad: Option<&mut [f32]>, scale: f32) -> f64 {
    assert_eq!(predictions.len(), targets.len(), "predictions and targets differ in length");
    let task = rows_per_task(predictions.len(), SUM_BLOCK) * SUM_BLOCK;
    let one = |p: f32, t: f32| {
        let d = p - t;
        (d * d, 2.0 * d * scale)
    };
    match grad {
        Some(grad) => grad
            .par_chunks_mut(task)
            .zip(predictions.par_chunks(task).zip(targets.par_chunks(task)))
            .map(|(grad, (p, t))| simd(|| sum_blocks(p, t, Some(grad), one)))
            .sum(),
        None => predictions
            .par_chunks(task)
            .zip(targets.par_chunks(task))
            .map(|(p, t)| simd(|| sum_blocks(p, t, None, one)))
            .sum(),
    }
}

/// Applies `f` to each pair of `a` and `b`, sums the first results (in `f32`
/// within blocks of [`SUM_BLOCK`] values, then in `f64`, so long sums keep
/// their precision) and stores the second results in `out`, if given.
#[inline(always)]
fn sum_blocks(
    a: &[f32],
    b: &[f32],
    mut out: Option<&mut [f32]>,
    f: impl Fn(f32, f32) -> (f32, f32),
) -> f64 {
    let mut total = 0.0f64;
    for (block, (a, b)) in a.chunks(SUM_BLOCK).zip(b.chunks(SUM_BLOCK)).enumerate() {
        // Eight partial sums, one per SIMD lane, so the loop can vectorise.
        let mut lanes = [0.0f32; 8];
        let start = block * SUM_BLOCK;
        let split = a.len() - a.len() % 8;
        match out.as_deref_mut() {
            Some(out) => {
                let out = &mut out[start..start + a.len()];
                for ((a8, b8), o8) in a.chunks_exact(8).zip(b.chunks_exact(8)).zip(out.chunks_exact_mut(8)) {
                    for k in 0..8 {
                        let (value, derivative) = f(a8[k], b8[k]);
                        lanes[k] += value;
                        o8[k] = derivative;
                    }
                }
                for i in split..a.len() {
                    let (value, derivative) = f(a[i], b[i]);
                    lanes[0] += value;
                    out[i] = derivative;
                }
            }
            None => {
                for (a8, b8) in a.chunks_exact(8).zip(b.chunks_exact(8)) {
                    for k in 0..8 {
                        lanes[k] += f(a8[k], b8[k]).0;
                    }
                }
                for i in split..a.len() {
                    lanes[0] += f(a[i], b[i]).0;
                }
            }
        }
        total += lanes.iter().map(|&v| f64::from(v)).sum::<f64>();
    }
    total
}

/// `target[i] += scale · source[i]`.
pub fn add_scaled(target: &mut [f32], source: &[f32], scale: f32) {
    let task = rows_per_task(target.len(), SUM_BLOCK) * SUM_BLOCK;
    target
        .par_chunks_mut(task)
        .zip(source.par_chunks(task))
        .for_each(|(t, s)| {
            simd(|| {
                for (t, &s) in t.iter_mut().zip(s) {
                    *t += scale * s;
                }
            })
        });
}
