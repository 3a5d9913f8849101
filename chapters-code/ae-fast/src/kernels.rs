//! The loops behind the fused operations: plain slices in, plain slices out.
//!
//! Each kernel is written as simple element-wise arithmetic so that the
//! compiler vectorises it; `simd_dispatch!` compiles it again for AVX2 with
//! FMA and for AVX-512 and picks the widest copy the CPU runs. Large tensors
//! are split into row blocks that run on rayon's threads, the pool dfdx's matrix
//! multiplication already uses.

use super::buffers::Buffer;
use super::math::{exp_nonpositive, ln_1p_unit};
use super::matmul::{MatRef, matmul};
use dfdx::optim::{AdamConfig, WeightDecay};
use rayon::prelude::*;

/// Below this many values a tensor is processed on one thread: handing work
/// to another thread costs a few microseconds.
const PARALLEL_MIN: usize = 32 * 1024;

/// Runs the copies `a` and `b`, of `values` values in all: side by side on
/// two threads, or, when they are too small to be worth a hand-over, one
/// after the other on the calling thread.
pub fn copy_both(values: usize, a: impl FnOnce() + Send, b: impl FnOnce() + Send) {
    if values >= 2 * PARALLEL_MIN {
        rayon::join(a, b);
    } else {
        a();
        b();
    }
}

/// Values summed in `f32` before the sum moves to `f64`.
const SUM_BLOCK: usize = 1024;

/// Partial sums the loss kernels keep side by side: one per lane of an
/// AVX-512 register (two AVX2 registers), so that the loop vectorises.
const LANES: usize = 16;

/// Whether this CPU has AVX2 and FMA (the answer is cached by std).
#[inline(always)]
pub fn has_avx2_fma() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
    }
    #[cfg(not(target_arch = "x86_64"))]
    false
}

/// Whether this CPU has AVX-512 (its foundation, 16 `f32` per register)
/// besides AVX2 and FMA.
#[inline(always)]
pub fn has_avx512() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        has_avx2_fma() && std::arch::is_x86_feature_detected!("avx512f")
    }
    #[cfg(not(target_arch = "x86_64"))]
    false
}

// ANCHOR: simd_dispatch
/// Defines `$name`, which runs the `#[inline(always)]` function `$body`
/// compiled three times: for AVX-512 and for AVX2 with FMA, each picked at
/// run time on CPUs that have it, and for the baseline instruction set
/// everywhere else.
macro_rules! simd_dispatch {
    ($name:ident, $body:ident, <$($g:ident: $bound:path),*>, ($($arg:ident: $ty:ty),*) -> $ret:ty) => {
        fn $name<$($g: $bound),*>($($arg: $ty),*) -> $ret {
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx512f,avx2,fma")]
                fn avx512<$($g: $bound),*>($($arg: $ty),*) -> $ret {
                    $body::<$($g),*>($($arg),*)
                }
                #[target_feature(enable = "avx2,fma")]
                fn avx2_fma<$($g: $bound),*>($($arg: $ty),*) -> $ret {
                    $body::<$($g),*>($($arg),*)
                }
                if has_avx512() {
                    // SAFETY: the CPU has just been checked for these features.
                    return unsafe { avx512::<$($g),*>($($arg),*) };
                }
                if has_avx2_fma() {
                    // SAFETY: the CPU has just been checked for both features.
                    return unsafe { avx2_fma::<$($g),*>($($arg),*) };
                }
            }
            $body::<$($g),*>($($arg),*)
        }
    };
}
// ANCHOR_END: simd_dispatch

/// How many rows of `width` values each parallel task takes: whole rows, at
/// least [`PARALLEL_MIN`] values, and about one task per thread.
pub fn rows_per_task(len: usize, width: usize) -> usize {
    rows_per_task_of_at_least(len, width, PARALLEL_MIN)
}

/// Below this many values the heavy kernels (Adam's update, with a square
/// root and a division per value; the losses, with an `exp`) run on one
/// thread: they spend about 30 times longer per value than a copy, so a
/// fraction as many values pays for a hand-over to another thread. At batch
/// 32 this splits the update of the deep models' large weight matrices in
/// two, and leaves the loss over 32 × 784 values on one thread.
const HEAVY_PARALLEL_MIN: usize = 16 * 1024;

/// [`rows_per_task`] with tasks of at least `min` values.
fn rows_per_task_of_at_least(len: usize, width: usize, min: usize) -> usize {
    let rows = len / width.max(1);
    if len < 2 * min {
        return rows.max(1);
    }
    rows.div_ceil(rayon::current_num_threads()).max(1)
}

/// An element-wise activation that can be fused with the bias addition.
pub trait Activation: Copy + Default + Send + Sync + 'static {
    /// As shown in model summaries.
    const NAME: &'static str;
    /// Which one, for the kernels' entry points (see [`ActivationKind`]).
    const KIND: ActivationKind;
    /// Whether the backward pass needs the layer's output.
    const NEEDS_OUTPUT: bool;
    fn apply(x: f32) -> f32;
    /// The derivative, written in terms of the output `y = apply(x)`.
    fn derivative_at_output(y: f32) -> f32;
}

/// The activations the kernels know, as a value.
///
/// The kernels' entry points take this instead of a type parameter so that
/// they are not generic: a generic function is compiled into the crate that
/// calls it, with that crate's optimisation level, and a chapter built
/// without `--release` would get loops that are not vectorised. A plain
/// function is compiled once, here, where the workspace asks for full
/// optimisation even in debug builds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActivationKind {
    Identity,
    Relu,
    Sigmoid,
}

/// Calls `$f::<A>` with the activation type `kind` stands for.
macro_rules! with_activation {
    ($kind:expr, $f:ident ( $($arg:expr),* )) => {
        match $kind {
            ActivationKind::Identity => $f::<Identity>($($arg),*),
            ActivationKind::Relu => $f::<dfdx::nn::modules::ReLU>($($arg),*),
            ActivationKind::Sigmoid => $f::<dfdx::nn::modules::Sigmoid>($($arg),*),
        }
    };
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
    const KIND: ActivationKind = ActivationKind::Identity;
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
    const KIND: ActivationKind = ActivationKind::Relu;
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
    const KIND: ActivationKind = ActivationKind::Sigmoid;
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

/// The forward pass of a dense layer: `y = A(x·Wᵀ + bias)` for a batch `x`
/// of rows of `inputs` values and `weight` of shape `(bias.len(), inputs)`.
/// Large batches are split into blocks of rows, one per thread, each block
/// multiplied and activated on its own thread while it is in cache.
pub fn dense_forward(
    activation: ActivationKind,
    x: &[f32],
    weight: &[f32],
    bias: &[f32],
    y: &mut [f32],
    inputs: usize,
) {
    // The first operation of a step: from here on the pool is busy.
    crate::threads::keep_workers_awake();
    with_activation!(activation, dense_forward_with(x, weight, bias, y, inputs))
}

fn dense_forward_with<A: Activation>(
    x: &[f32],
    weight: &[f32],
    bias: &[f32],
    y: &mut [f32],
    inputs: usize,
) {
    let outputs = bias.len();
    let rows = x.len() / inputs;
    let flops = 2 * rows * inputs * outputs;
    let rows_per_block = if parallel_product(flops) {
        rows.div_ceil(rayon::current_num_threads()).max(1)
    } else {
        rows.max(1)
    };
    y.par_chunks_mut(rows_per_block * outputs)
        .zip(x.par_chunks(rows_per_block * inputs))
        .for_each(|(y, x)| {
            let block_rows = x.len() / inputs;
            matmul(
                y,
                MatRef::row_major(x, block_rows, inputs),
                MatRef::transposed(weight, inputs, outputs),
                false,
            );
            bias_activation_block::<A>(y, bias);
        });
}

/// Below this many floating-point operations a matrix product runs on one
/// thread. At batch 32 the products of the simple and the linear models
/// stay on one thread, the deep models' 784-wide ones are split: on a
/// virtual machine the other core is not always there at once, and waiting
/// for it costs more than the small products save.
const PARALLEL_MIN_FLOPS: usize = 1 << 21;

/// Whether a product of `flops` floating-point operations (or two of them,
/// side by side) is worth splitting between threads.
pub fn parallel_product(flops: usize) -> bool {
    flops >= 2 * PARALLEL_MIN_FLOPS
}

simd_dispatch!(bias_activation_block, bias_activation_rows, <A: Activation>, (block: &mut [f32], bias: &[f32]) -> ());

#[inline(always)]
fn bias_activation_rows<A: Activation>(block: &mut [f32], bias: &[f32]) {
    for row in block.chunks_exact_mut(bias.len()) {
        for (x, &b) in row.iter_mut().zip(bias) {
            *x = A::apply(*x + b);
        }
    }
}

/// The first half of a dense layer's backward pass: returns
/// `delta = grad_output · A'` (the gradient at the pre-activation values)
/// and adds its column sums to `grad_bias`. `output` is the forward pass's
/// result; when `A' = 1` it is not read, and `None` is returned: the delta is
/// `grad_output` itself.
pub fn activation_backward(
    activation: ActivationKind,
    output: &[f32],
    grad_output: &[f32],
    grad_bias: &mut [f32],
) -> Option<Buffer> {
    with_activation!(
        activation,
        activation_backward_with(output, grad_output, grad_bias)
    )
}

fn activation_backward_with<A: Activation>(
    output: &[f32],
    grad_output: &[f32],
    grad_bias: &mut [f32],
) -> Option<Buffer> {
    let width = grad_bias.len();
    let task = rows_per_task(grad_output.len(), width) * width;
    let add_sums = |grad_bias: &mut [f32], sums: Option<Vec<f32>>| {
        if let Some(sums) = sums {
            grad_bias.iter_mut().zip(&sums).for_each(|(g, s)| *g += s);
        }
    };
    if !A::NEEDS_OUTPUT {
        let sums = grad_output
            .par_chunks(task)
            .map(|rows| {
                let mut sums = vec![0.0f32; width];
                column_sums_block(rows, &mut sums);
                sums
            })
            .reduce_with(add_vectors);
        add_sums(grad_bias, sums);
        return None;
    }
    let mut delta = Buffer::new(grad_output.len());
    let sums = delta
        .par_chunks_mut(task)
        .zip(grad_output.par_chunks(task))
        .zip(output.par_chunks(task))
        .map(|((delta, grad_out), out)| {
            let mut sums = vec![0.0f32; width];
            activation_backward_block::<A>(out, grad_out, delta, &mut sums);
            sums
        })
        .reduce_with(add_vectors);
    add_sums(grad_bias, sums);
    Some(delta)
}

fn add_vectors(mut a: Vec<f32>, b: Vec<f32>) -> Vec<f32> {
    a.iter_mut().zip(&b).for_each(|(a, b)| *a += b);
    a
}

simd_dispatch!(column_sums_block, column_sums_rows, <>, (rows: &[f32], sums: &mut [f32]) -> ());

#[inline(always)]
fn column_sums_rows(rows: &[f32], sums: &mut [f32]) {
    for row in rows.chunks_exact(sums.len()) {
        for (sum, &v) in sums.iter_mut().zip(row) {
            *sum += v;
        }
    }
}

simd_dispatch!(
    activation_backward_block,
    activation_backward_rows,
    <A: Activation>,
    (output: &[f32], grad_output: &[f32], delta: &mut [f32], sums: &mut [f32]) -> ()
);

#[inline(always)]
fn activation_backward_rows<A: Activation>(
    output: &[f32],
    grad_output: &[f32],
    delta: &mut [f32],
    sums: &mut [f32],
) {
    let width = sums.len();
    for ((d, go), y) in delta
        .chunks_exact_mut(width)
        .zip(grad_output.chunks_exact(width))
        .zip(output.chunks_exact(width))
    {
        for (((d, &go), &y), sum) in d.iter_mut().zip(go).zip(y).zip(sums.iter_mut()) {
            *d = go * A::derivative_at_output(y);
            *sum += *d;
        }
    }
}

// ANCHOR: dense_backward
/// The second half: `grad_weight += deltaᵀ·x` and, unless the input is the
/// model's data (`grad_x` is `None`), `grad_x += delta·W`. The two products
/// are independent and run side by side on two threads; alone, the weight's
/// gradient is split between the threads by rows. Small products stay on
/// the calling thread.
pub fn dense_backward(
    delta: &[f32],
    x: &[f32],
    weight: &[f32],
    grad_weight: &mut [f32],
    grad_x: Option<&mut [f32]>,
    inputs: usize,
) {
    let outputs = weight.len() / inputs;
    let rows = x.len() / inputs;
    let parallel = parallel_product(2 * rows * inputs * outputs);
    let x = MatRef::row_major(x, rows, inputs);
    let Some(grad_x) = grad_x else {
        let per_task = match parallel {
            true => rows_per_task(grad_weight.len(), inputs),
            false => outputs,
        };
        grad_weight
            .par_chunks_mut(per_task * inputs)
            .enumerate()
            .for_each(|(task, grad_weight)| {
                // Rows `first..` of `grad_weight` need columns `first..` of
                // `delta`, which `deltaᵀ` reads as rows.
                let first = task * per_task;
                let delta_t = MatRef {
                    data: &delta[first..],
                    rows: grad_weight.len() / inputs,
                    cols: rows,
                    row_stride: 1,
                    column_stride: outputs,
                };
                matmul(grad_weight, delta_t, x, true)
            });
        return;
    };
    let mut weight_gradient = || {
        matmul(
            grad_weight,
            MatRef::transposed(delta, outputs, rows),
            x,
            true,
        )
    };
    let mut input_gradient = || {
        matmul(
            grad_x,
            MatRef::row_major(delta, rows, outputs),
            MatRef::row_major(weight, outputs, inputs),
            true,
        )
    };
    if parallel {
        rayon::join(weight_gradient, input_gradient);
    } else {
        weight_gradient();
        input_gradient();
    }
}
// ANCHOR_END: dense_backward

/// A loss computed value by value: each pair (prediction, target) gives a
/// loss and the loss's derivative with respect to the prediction.
pub trait PointwiseLoss: Send + Sync + 'static {
    fn value_and_derivative(prediction: f32, target: f32) -> (f32, f32);
}

// ANCHOR: bce
/// Binary cross-entropy of a logit `z` against a target `t`, and its
/// derivative `sigmoid(z) - t`, from a single `exp`:
/// `max(z, 0) - z·t + ln(1 + exp(-|z|))`, which never overflows.
pub struct BinaryCrossEntropyWithLogits;

impl PointwiseLoss for BinaryCrossEntropyWithLogits {
    #[inline(always)]
    fn value_and_derivative(z: f32, t: f32) -> (f32, f32) {
        let e = exp_nonpositive(-z.abs());
        let loss = z.max(0.0) - z * t + ln_1p_unit(e);
        let sigmoid = if z >= 0.0 { 1.0 } else { e } / (1.0 + e);
        (loss, sigmoid - t)
    }
}
// ANCHOR_END: bce

/// `(p - t)²` and its derivative `2(p - t)`.
pub struct SquaredError;

impl PointwiseLoss for SquaredError {
    #[inline(always)]
    fn value_and_derivative(p: f32, t: f32) -> (f32, f32) {
        let d = p - t;
        (d * d, 2.0 * d)
    }
}

/// A kernel like [`loss_sum`]: predictions, targets, where to write the
/// scaled derivatives (if anywhere), the scale; returns the sum of the losses.
pub type LossKernel = fn(&[f32], &[f32], Option<&mut [f32]>, f32) -> f64;

/// [`loss_sum`] of [`BinaryCrossEntropyWithLogits`]. This and
/// [`squared_error_sum`] are the plain functions the losses call, compiled
/// here with full optimisation (see [`ActivationKind`] for why).
pub fn bce_with_logits_sum(
    logits: &[f32],
    targets: &[f32],
    grad: Option<&mut [f32]>,
    scale: f32,
) -> f64 {
    loss_sum::<BinaryCrossEntropyWithLogits>(logits, targets, grad, scale)
}

/// [`loss_sum`] of [`SquaredError`].
pub fn squared_error_sum(
    predictions: &[f32],
    targets: &[f32],
    grad: Option<&mut [f32]>,
    scale: f32,
) -> f64 {
    loss_sum::<SquaredError>(predictions, targets, grad, scale)
}

/// The sum of `L`'s losses over all pairs of `predictions` and `targets`.
/// When `grad` is given, also writes `scale` times each derivative into it,
/// computed while the intermediate values are at hand.
pub fn loss_sum<L: PointwiseLoss>(
    predictions: &[f32],
    targets: &[f32],
    grad: Option<&mut [f32]>,
    scale: f32,
) -> f64 {
    assert_eq!(
        predictions.len(),
        targets.len(),
        "predictions and targets differ in length"
    );
    crate::threads::keep_workers_awake();
    let task =
        rows_per_task_of_at_least(predictions.len(), SUM_BLOCK, HEAVY_PARALLEL_MIN) * SUM_BLOCK;
    match grad {
        Some(grad) => grad
            .par_chunks_mut(task)
            .zip(predictions.par_chunks(task).zip(targets.par_chunks(task)))
            .map(|(grad, (p, t))| loss_and_grad_block::<L>(p, t, grad, scale))
            .sum(),
        None => predictions
            .par_chunks(task)
            .zip(targets.par_chunks(task))
            .map(|(p, t)| loss_block::<L>(p, t))
            .sum(),
    }
}

simd_dispatch!(loss_block, loss_rows, <L: PointwiseLoss>, (p: &[f32], t: &[f32]) -> f64);
simd_dispatch!(
    loss_and_grad_block,
    loss_and_grad_rows,
    <L: PointwiseLoss>,
    (p: &[f32], t: &[f32], grad: &mut [f32], scale: f32) -> f64
);

/// Sums in `f32` within blocks of [`SUM_BLOCK`] values, [`LANES`] partial
/// sums at a time (one per SIMD lane), then in `f64`, so long sums keep
/// their precision.
#[inline(always)]
fn loss_rows<L: PointwiseLoss>(p: &[f32], t: &[f32]) -> f64 {
    let mut total = 0.0f64;
    for (p, t) in p.chunks(SUM_BLOCK).zip(t.chunks(SUM_BLOCK)) {
        let mut lanes = [0.0f32; LANES];
        for (p_lanes, t_lanes) in p.chunks_exact(LANES).zip(t.chunks_exact(LANES)) {
            for k in 0..LANES {
                lanes[k] += L::value_and_derivative(p_lanes[k], t_lanes[k]).0;
            }
        }
        let tail = p.len() - p.len() % LANES;
        for i in tail..p.len() {
            lanes[0] += L::value_and_derivative(p[i], t[i]).0;
        }
        total += lanes.iter().map(|&v| f64::from(v)).sum::<f64>();
    }
    total
}

/// [`loss_rows`] that also stores `scale` times each derivative in `grad`.
#[inline(always)]
fn loss_and_grad_rows<L: PointwiseLoss>(p: &[f32], t: &[f32], grad: &mut [f32], scale: f32) -> f64 {
    let mut total = 0.0f64;
    for ((p, t), grad) in p
        .chunks(SUM_BLOCK)
        .zip(t.chunks(SUM_BLOCK))
        .zip(grad.chunks_mut(SUM_BLOCK))
    {
        let mut lanes = [0.0f32; LANES];
        for ((p_lanes, t_lanes), g_lanes) in p
            .chunks_exact(LANES)
            .zip(t.chunks_exact(LANES))
            .zip(grad.chunks_exact_mut(LANES))
        {
            for k in 0..LANES {
                let (value, derivative) = L::value_and_derivative(p_lanes[k], t_lanes[k]);
                lanes[k] += value;
                g_lanes[k] = derivative * scale;
            }
        }
        let tail = p.len() - p.len() % LANES;
        for i in tail..p.len() {
            let (value, derivative) = L::value_and_derivative(p[i], t[i]);
            lanes[0] += value;
            grad[i] = derivative * scale;
        }
        total += lanes.iter().map(|&v| f64::from(v)).sum::<f64>();
    }
    total
}

// ANCHOR: flush
/// `x`, or 0 where `x` is subnormal (nonzero but below `f32::MIN_POSITIVE`).
///
/// A moment whose gradient stays 0 (a weight of a unit that no longer fires)
/// shrinks by β every update and, after some hundreds of updates, becomes
/// subnormal: on Intel processors each operation on such a value takes a
/// slow path of a hundred cycles or more, and one subnormal lane slows the
/// whole vector. Adam's moments are flushed to 0 instead (the programs XLA
/// compiles for Keras on JAX flush every subnormal result on the CPU). The
/// parameter does not notice: a subnormal first moment would move it by
/// `lr · m̂ / (√v̂ + ε)`, under `lr · 1e-30` at Keras's ε of 1e-7, and a
/// subnormal second moment is negligible beside ε.
#[inline(always)]
fn flush_subnormal(x: f32) -> f32 {
    if x.abs() < f32::MIN_POSITIVE { 0.0 } else { x }
}
// ANCHOR_END: flush

/// `target[i] += scale · source[i]`.
pub fn add_scaled(target: &mut [f32], source: &[f32], scale: f32) {
    let task = rows_per_task(target.len(), SUM_BLOCK) * SUM_BLOCK;
    target
        .par_chunks_mut(task)
        .zip(source.par_chunks(task))
        .for_each(|(t, s)| add_scaled_block(t, s, scale));
}

simd_dispatch!(add_scaled_block, add_scaled_rows, <>, (target: &mut [f32], source: &[f32], scale: f32) -> ());

#[inline(always)]
fn add_scaled_rows(target: &mut [f32], source: &[f32], scale: f32) {
    for (t, &s) in target.iter_mut().zip(source) {
        *t += scale * s;
    }
}

/// The numbers one Adam update uses, converted to `f32` as dfdx converts
/// them from its `f64` configuration.
struct AdamConstants {
    betas: [f32; 2],
    /// `1 / (1 - βᵢᵗ)`, which dfdx computes inside its loop for every value.
    corrections: [f32; 2],
    eps: f32,
    lr: f32,
    /// The weight-decay factor, for L2 decay (added to the gradient) or
    /// decoupled decay (added to the step).
    l2: Option<f32>,
    decoupled: Option<f32>,
}

/// One Adam update of `param` by `grad`, with its moments `m` and `v`:
/// dfdx 0.13's arithmetic in dfdx's order, so that every value comes out the
/// same to the last bit (but for subnormal moments, see [`flush_subnormal`]),
/// on blocks that run on rayon's threads.
pub fn adam_update(
    cfg: &AdamConfig,
    t: i32,
    param: &mut [f32],
    grad: &[f32],
    m: &mut [f32],
    v: &mut [f32],
) {
    assert!(
        grad.len() == param.len() && m.len() == param.len() && v.len() == param.len(),
        "parameter, gradient and moments differ in length"
    );
    let betas = cfg.betas.map(|b| b as f32);
    let constants = AdamConstants {
        betas,
        corrections: betas.map(|b| (1.0 - b.powi(t)).recip()),
        eps: cfg.eps as f32,
        lr: cfg.lr as f32,
        l2: match cfg.weight_decay {
            Some(WeightDecay::L2(wd)) => Some(wd as f32),
            _ => None,
        },
        decoupled: match cfg.weight_decay {
            Some(WeightDecay::Decoupled(wd)) => Some((wd * cfg.lr) as f32),
            _ => None,
        },
    };
    let task = rows_per_task_of_at_least(param.len(), 1, HEAVY_PARALLEL_MIN);
    param
        .par_chunks_mut(task)
        .zip(grad.par_chunks(task))
        .zip(m.par_chunks_mut(task).zip(v.par_chunks_mut(task)))
        .for_each(|((param, grad), (m, v))| adam_block(param, grad, m, v, &constants));
}

simd_dispatch!(
    adam_block,
    adam_rows,
    <>,
    (param: &mut [f32], grad: &[f32], m: &mut [f32], v: &mut [f32], c: &AdamConstants) -> ()
);

#[inline(always)]
fn adam_rows(param: &mut [f32], grad: &[f32], m: &mut [f32], v: &mut [f32], c: &AdamConstants) {
    let [b1, b2] = c.betas;
    for ((p, &g), (m, v)) in param
        .iter_mut()
        .zip(grad)
        .zip(m.iter_mut().zip(v.iter_mut()))
    {
        let mut g = g;
        if let Some(wd) = c.l2 {
            g += wd * *p;
        }
        *m = flush_subnormal(*m * b1 + g * (1.0 - b1));
        *v = flush_subnormal(*v * b2 + g.powi(2) * (1.0 - b2));
        let m_hat = *m * c.corrections[0];
        let v_hat = *v * c.corrections[1];
        g = c.lr * m_hat / (v_hat.sqrt() + c.eps);
        if let Some(wd) = c.decoupled {
            g += wd * *p;
        }
        *p -= g;
    }
}
