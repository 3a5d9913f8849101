//! The fused operations against the plain dfdx ones they replace: same
//! values, same gradients.

use super::{Activation, DenseLayer, Fuse, FuseLayers, Identity, unfuse};
use super::{bce_with_logits_loss as fused_bce, mse_loss as fused_mse};
use dfdx::prelude::*;

type Rows<const N: usize> = Tensor<(usize, Const<N>), f32, Cpu>;

fn assert_close(name: &str, got: &[f32], want: &[f32], tolerance: f32) {
    assert_eq!(got.len(), want.len(), "{name}: lengths differ");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).abs() <= tolerance * (1.0 + w.abs()),
            "{name}[{i}]: fused {g}, dfdx {w}"
        );
    }
}

/// Weights of the gradient check: the loss is `sum(output · mix)`, so every
/// output value gets a different upstream gradient.
fn mix<const N: usize>(dev: &Cpu, rows: usize) -> Rows<N> {
    dev.tensor_from_vec(
        (0..rows * N)
            .map(|i| ((i * 7919) % 23) as f32 / 11.0 - 1.0)
            .collect(),
        (rows, Const),
    )
}

/// Builds the plain layer `P` (`(Linear<I, O>, A)`, or a bare `Linear`),
/// fuses a copy, and compares outputs and the gradients of weight, bias and
/// input. The fused layer holds the plain one's tensors, so a gradient of
/// either is found under the same tensor.
fn dense_matches_plain<P, A, const I: usize, const O: usize>()
where
    A: Activation,
    P: dfdx::nn::BuildOnDevice<Cpu, f32>,
    P::Built: Clone
        + FuseLayers<Fused = DenseLayer<I, O, A>>
        + Module<
            Tensor<(usize, Const<I>), f32, Cpu, OwnedTape<f32, Cpu>>,
            Output = Tensor<(usize, Const<O>), f32, Cpu, OwnedTape<f32, Cpu>>,
            Error = CpuError,
        >,
{
    let rows = 37;
    let plain = Cpu::seed_from_u64(5).build_module::<P, f32>();
    let fused = plain.clone().fuse_layers(false);
    let input_layer = plain.clone().fuse_layers(true);

    let dev = Cpu::seed_from_u64(1);
    let x: Rows<I> = dev.sample_normal_like(&(rows, Const));
    let weights = mix::<O>(&dev, rows);

    let no_tape = fused.forward(x.clone()).as_vec();
    // Leaky gradients keep the input's gradient too, not only the parameters'.
    let y = fused.forward(x.clone().traced(Gradients::leaky()));
    assert_close("output", &y.as_vec(), &no_tape, 0.0);
    let fused_grads = (y * weights.clone()).sum().backward();

    let y_plain = plain.forward(x.clone().traced(Gradients::leaky()));
    assert_close("output", &no_tape, &y_plain.as_vec(), 1e-6);
    let plain_grads = (y_plain * weights).sum().backward();

    let tol = 1e-5;
    assert_close(
        "weight grad",
        &fused_grads.get(&fused.weight).as_vec(),
        &plain_grads.get(&fused.weight).as_vec(),
        tol,
    );
    assert_close(
        "bias grad",
        &fused_grads.get(&fused.bias).as_vec(),
        &plain_grads.get(&fused.bias).as_vec(),
        tol,
    );
    assert_close(
        "input grad",
        &fused_grads.get(&x).as_vec(),
        &plain_grads.get(&x).as_vec(),
        tol,
    );

    // As the layer that reads the model's input, it gives the same parameter
    // gradients and leaves the input's gradient alone.
    let y_input = input_layer.forward(x.clone().traced(Gradients::leaky()));
    assert_close("output", &y_input.as_vec(), &no_tape, 0.0);
    let mut input_grads = (y_input * mix::<O>(&dev, rows)).sum().backward();
    assert_eq!(
        input_grads.get(&fused.weight).as_vec(),
        fused_grads.get(&fused.weight).as_vec(),
        "weight grad as input layer"
    );
    assert_eq!(
        input_grads.get(&fused.bias).as_vec(),
        fused_grads.get(&fused.bias).as_vec(),
        "bias grad as input layer"
    );
    let untouched = input_grads.get_or_alloc_mut(&x).unwrap();
    assert!(
        untouched.iter().all(|&g| g == 0.0),
        "no input grad as input layer"
    );
}

#[test]
fn dense_relu_matches_linear_then_relu() {
    dense_matches_plain::<(Linear<50, 20>, ReLU), _, 50, 20>();
    // Wide enough to take the multi-threaded path.
    dense_matches_plain::<(Linear<30, 2000>, ReLU), _, 30, 2000>();
    // A weight large enough that, alone, its gradient is split by rows.
    dense_matches_plain::<(Linear<300, 300>, ReLU), _, 300, 300>();
}

#[test]
fn dense_sigmoid_matches_linear_then_sigmoid() {
    dense_matches_plain::<(Linear<50, 20>, Sigmoid), _, 50, 20>();
    dense_matches_plain::<(Linear<30, 2000>, Sigmoid), _, 30, 2000>();
}

#[test]
fn dense_identity_matches_linear() {
    dense_matches_plain::<Linear<50, 20>, Identity, 50, 20>();
    dense_matches_plain::<Linear<30, 2000>, Identity, 30, 2000>();
}

#[test]
fn fusing_moves_the_tensors_and_unfusing_gives_them_back() {
    type Model = (
        (Linear<6, 4>, ReLU),
        ((Linear<4, 3>, Sigmoid), Linear<3, 6>),
    );
    let plain = Cpu::seed_from_u64(2).build_module::<Model, f32>();
    let fused = plain.clone().fuse();
    // Only the layer that reads the data skips its input's gradient.
    assert!(!fused.0.input_gradient);
    assert!(fused.1.0.input_gradient && fused.1.1.input_gradient);
    assert_eq!(fused.1.0.weight.as_vec(), plain.1.0.0.weight.as_vec());
    let back: <Model as dfdx::nn::BuildOnDevice<Cpu, f32>>::Built = unfuse(fused);
    assert_eq!(back.0.0.weight.as_vec(), plain.0.0.weight.as_vec());
    assert_eq!(back.1.1.bias.as_vec(), plain.1.1.bias.as_vec());
    let adam = dfdx::optim::Adam::new(&plain, AdamConfig::default()).fuse();
    assert_eq!(adam.cfg.lr, AdamConfig::default().lr);
}

/// Logits from ordinary to extreme (where a naive formula overflows), and
/// targets from 0 to 1.
fn logits_and_targets(dev: &Cpu, rows: usize) -> (Rows<97>, Rows<97>) {
    let logits = (0..rows * 97)
        .map(|i| match i % 11 {
            0 => 60.0,
            1 => -60.0,
            2 => 0.0,
            _ => ((i * 37) % 101) as f32 / 10.0 - 5.0,
        })
        .collect();
    let targets = (0..rows * 97)
        .map(|i| ((i * 13) % 7) as f32 / 6.0)
        .collect();
    (
        dev.tensor_from_vec(logits, (rows, Const)),
        dev.tensor_from_vec(targets, (rows, Const)),
    )
}

/// Value and input gradient of `loss`, computed on a fresh tape, scaled by 3
/// so that the upstream gradient is not 1.
fn value_and_grad(
    x: &Rows<97>,
    loss: impl Fn(
        Tensor<(usize, Const<97>), f32, Cpu, OwnedTape<f32, Cpu>>,
    ) -> Tensor<Rank0, f32, Cpu, OwnedTape<f32, Cpu>>,
) -> (f32, Vec<f32>) {
    let value = loss(x.clone().traced(Gradients::leaky()));
    let v = value.array();
    let grads = (value * 3.0).backward();
    (v, grads.get(x).as_vec())
}

/// The mean of `f` over all pairs, computed in `f64`.
fn mean_f64(a: &Rows<97>, b: &Rows<97>, f: impl Fn(f64, f64) -> f64) -> f64 {
    let (a, b) = (a.as_vec(), b.as_vec());
    let sum: f64 = a
        .iter()
        .zip(&b)
        .map(|(&x, &y)| f(f64::from(x), f64::from(y)))
        .sum();
    sum / a.len() as f64
}

/// The fused loss is within 1e-6 (relative) of the exact mean. dfdx sums
/// in `f32` one value after another, so on 68,000 values it drifts by up
/// to a few parts in 10,000; the fused kernels sum blocks in `f64`.
fn assert_values(fused: f32, plain: f32, exact: f64) {
    let relative = |v: f32| ((f64::from(v) - exact) / exact).abs();
    assert!(relative(fused) <= 1e-6, "fused {fused}, exact {exact}");
    assert!(relative(plain) <= 1e-3, "dfdx {plain}, exact {exact}");
}

#[test]
fn fused_bce_matches_dfdx_in_value_and_gradient() {
    let dev = Cpu::default();
    // 97 × 700 values: large enough for several threads and partial blocks.
    for rows in [1, 700] {
        let (logits, targets) = logits_and_targets(&dev, rows);
        let (fused, fused_grad) = value_and_grad(&logits, |z| fused_bce(z, targets.clone()));
        let (plain, plain_grad) = value_and_grad(&logits, |z| {
            binary_cross_entropy_with_logits_loss(z, targets.clone())
        });
        let exact = mean_f64(&logits, &targets, |z, t| {
            z.max(0.0) - z * t + (-z.abs()).exp().ln_1p()
        });
        assert_values(fused, plain, exact);
        assert_close("logit grad", &fused_grad, &plain_grad, 1e-6);
        let untraced = fused_bce(logits.clone(), targets.clone()).array();
        assert_eq!(untraced, fused, "with and without a tape");
    }
}

#[test]
fn fused_mse_matches_dfdx_in_value_and_gradient() {
    let dev = Cpu::default();
    for rows in [1, 700] {
        let (predictions, targets) = logits_and_targets(&dev, rows);
        let (fused, fused_grad) = value_and_grad(&predictions, |p| fused_mse(p, targets.clone()));
        let (plain, plain_grad) = value_and_grad(&predictions, |p| mse_loss(p, targets.clone()));
        let exact = mean_f64(&predictions, &targets, |p, t| (p - t) * (p - t));
        assert_values(fused, plain, exact);
        assert_close("prediction grad", &fused_grad, &plain_grad, 1e-6);
    }
}

/// `fast::Adam` against dfdx's Adam: the same parameters, to the last bit,
/// after several updates, for each kind of weight decay. The first layer is
/// large enough to be split between threads.
#[test]
fn adam_matches_dfdx_bit_for_bit() {
    use dfdx::optim::{Optimizer, WeightDecay};
    type Model = ((Linear<300, 200>, ReLU), Linear<200, 10>);
    for weight_decay in [
        None,
        Some(WeightDecay::L2(1e-2)),
        Some(WeightDecay::Decoupled(1e-2)),
    ] {
        let cfg = AdamConfig {
            lr: 1e-2,
            betas: [0.9, 0.999],
            eps: 1e-7,
            weight_decay,
        };
        let dev = Cpu::seed_from_u64(3);
        let mut plain = dev.build_module::<Model, f32>();
        let mut fast = plain.clone();
        let mut plain_adam = dfdx::optim::Adam::new(&plain, cfg);
        let mut fast_adam = super::Adam::with_config(cfg);
        for step in 0..5 {
            let x: Rows<300> = dev.sample_normal_like(&(8, Const));
            // Both models hold the same values, so one backward pass serves both.
            let grads = plain
                .forward(x.traced(plain.alloc_grads()))
                .square()
                .mean()
                .backward();
            plain_adam
                .update(&mut plain, &grads)
                .expect("all gradients");
            fast_adam.update(&mut fast, &grads).expect("all gradients");
            for (name, a, b) in [
                (
                    "0.weight",
                    plain.0.0.weight.as_vec(),
                    fast.0.0.weight.as_vec(),
                ),
                ("0.bias", plain.0.0.bias.as_vec(), fast.0.0.bias.as_vec()),
                ("1.weight", plain.1.weight.as_vec(), fast.1.weight.as_vec()),
                ("1.bias", plain.1.bias.as_vec(), fast.1.bias.as_vec()),
            ] {
                let same = a.iter().zip(&b).all(|(a, b)| a.to_bits() == b.to_bits());
                assert!(same, "{name} differs after step {step} ({weight_decay:?})");
            }
        }
    }
}

/// A moment that would become subnormal becomes 0, and the parameter it
/// moves does not change by it; a normal moment stays dfdx's.
#[test]
fn adam_flushes_subnormal_moments_to_zero() {
    let cfg = AdamConfig::default();
    let mut param = [0.5, 0.5];
    let (mut m, mut v) = ([1.2e-38, 1e-3], [1.176e-38, 1e-3]);
    crate::kernels::adam_update(&cfg, 100, &mut param, &[0.0, 0.0], &mut m, &mut v);
    assert_eq!((m[0], v[0]), (0.0, 0.0));
    assert_eq!(param[0], 0.5);
    assert_eq!(m[1], 1e-3f32 * 0.9);
    assert!(param[1] < 0.5);
}
