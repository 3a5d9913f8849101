//! The layers against first principles: forward passes against direct
//! nested-loop definitions, backward passes against finite differences.

use ch09_convolutional::activation::{Identity, ReLU, Sigmoid};
use ch09_convolutional::layers::{
    Conv2D, ConvTranspose2D, FeatureMaps, MaxPool2D, Same, Strided, UpSample2D, Valid,
};
use dfdx::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn random(len: usize, seed: u64) -> Vec<f32> {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..len).map(|_| rng.gen_range(-1.0..1.0)).collect()
}

fn maps<const C: usize, const H: usize, const W: usize>(
    dev: &Cpu,
    batch: usize,
    seed: u64,
) -> FeatureMaps<C, H, W> {
    dev.tensor_from_vec(
        random(batch * C * H * W, seed),
        (batch, Const::<C>, Const::<H>, Const::<W>),
    )
}

/// Index of `(b, c, y, x)` in a `C × H × W` image layout.
fn at(c: usize, h: usize, w: usize, (b, ci, y, x): (usize, usize, usize, usize)) -> usize {
    ((b * c + ci) * h + y) * w + x
}

/// A convolution computed straight from its definition, with TensorFlow's
/// "same" padding (`pad` zeros above and left of the first pixel) or none.
#[allow(clippy::too_many_arguments)]
fn direct_conv(
    x: &[f32],
    (batch, c, h, w): (usize, usize, usize, usize),
    weight: &[f32],
    bias: &[f32],
    (o, k, s): (usize, usize, usize),
    (pad_top, pad_left): (usize, usize),
    (ho, wo): (usize, usize),
) -> Vec<f32> {
    let mut y = vec![0.0; batch * o * ho * wo];
    for b in 0..batch {
        for oc in 0..o {
            for oy in 0..ho {
                for ox in 0..wo {
                    let mut sum = bias[oc];
                    for ic in 0..c {
                        for ky in 0..k {
                            for kx in 0..k {
                                let (iy, ix) = (oy * s + ky, ox * s + kx);
                                let (Some(iy), Some(ix)) =
                                    (iy.checked_sub(pad_top), ix.checked_sub(pad_left))
                                else {
                                    continue;
                                };
                                if iy >= h || ix >= w {
                                    continue;
                                }
                                let wv = weight[((oc * c + ic) * k + ky) * k + kx];
                                sum += wv * x[at(c, h, w, (b, ic, iy, ix))];
                            }
                        }
                    }
                    y[at(o, ho, wo, (b, oc, oy, ox))] = sum;
                }
            }
        }
    }
    y
}

#[track_caller]
fn assert_close(actual: &[f32], expected: &[f32], tolerance: f32) {
    assert_eq!(actual.len(), expected.len());
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        assert!(
            (a - e).abs() <= tolerance * (1.0 + e.abs()),
            "value {i}: {a} against {e}"
        );
    }
}

#[test]
fn same_convolution_matches_the_definition() {
    let dev = Cpu::seed_from_u64(1);
    let mut conv = dev.build_module::<Conv2D<2, 3, 3, Identity, Same>, f32>();
    conv.bias.copy_from(&random(3, 9));
    let x = maps::<2, 5, 4>(&dev, 3, 2);
    let y = conv.forward(x.clone());
    let expected = direct_conv(
        &x.as_vec(),
        (3, 2, 5, 4),
        &conv.weight.as_vec(),
        &conv.bias.as_vec(),
        (3, 3, 1),
        (1, 1),
        (5, 4),
    );
    assert_close(&y.as_vec(), &expected, 1e-5);
}

#[test]
fn valid_and_strided_convolutions_match_the_definition() {
    let dev = Cpu::seed_from_u64(2);
    let mut valid = dev.build_module::<Conv2D<2, 2, 3, Identity, Valid<4, 3>>, f32>();
    valid.bias.copy_from(&[0.5, -0.25]);
    let x = maps::<2, 6, 5>(&dev, 2, 3);
    let expected = direct_conv(
        &x.as_vec(),
        (2, 2, 6, 5),
        &valid.weight.as_vec(),
        &valid.bias.as_vec(),
        (2, 3, 1),
        (0, 0),
        (4, 3),
    );
    assert_close(&valid.forward(x.clone()).as_vec(), &expected, 1e-5);

    // Stride 2, "same": 6 -> 3 needs one zero, after the image (pad 0);
    // 5 -> 3 needs two, one on each side (pad 1).
    let strided = dev.build_module::<Conv2D<2, 2, 3, Identity, Strided<2, 3, 3>>, f32>();
    let expected = direct_conv(
        &x.as_vec(),
        (2, 2, 6, 5),
        &strided.weight.as_vec(),
        &strided.bias.as_vec(),
        (2, 3, 2),
        (0, 1),
        (3, 3),
    );
    assert_close(&strided.forward(x).as_vec(), &expected, 1e-5);
}

#[test]
fn activations_apply_to_the_convolution() {
    let dev = Cpu::seed_from_u64(3);
    let plain = dev.build_module::<Conv2D<1, 2, 3>, f32>();
    let mut relu = dev.build_module::<Conv2D<1, 2, 3, ReLU>, f32>();
    relu.weight.copy_from(&plain.weight.as_vec());
    let mut sigmoid = dev.build_module::<Conv2D<1, 2, 3, Sigmoid>, f32>();
    sigmoid.weight.copy_from(&plain.weight.as_vec());
    let x = maps::<1, 4, 4>(&dev, 2, 4);
    let z = plain.forward(x.clone());
    assert_close(
        &relu.forward(x.clone()).as_vec(),
        &z.clone().relu().as_vec(),
        1e-6,
    );
    assert_close(&sigmoid.forward(x).as_vec(), &z.sigmoid().as_vec(), 1e-6);
}

#[test]
fn pooling_and_up_sampling_by_hand() {
    let dev = Cpu::default();
    // One 3×3 channel: the odd last row and column pool on their own.
    let x: FeatureMaps<1, 3, 3> = dev.tensor_from_vec(
        vec![1.0, 5.0, 2.0, 3.0, 4.0, 9.0, 8.0, 6.0, 7.0],
        (1, Const, Const, Const),
    );
    let pooled = MaxPool2D::<2, 2>.forward(x);
    assert_eq!(pooled.as_vec(), [5.0, 9.0, 8.0, 7.0]);
    let up = UpSample2D::<4, 4>.forward(pooled);
    #[rustfmt::skip]
    let expected = [
        5.0, 5.0, 9.0, 9.0,
        5.0, 5.0, 9.0, 9.0,
        8.0, 8.0, 7.0, 7.0,
        8.0, 8.0, 7.0, 7.0,
    ];
    assert_eq!(up.as_vec(), expected);
}

/// `Σ conv(u)·v = Σ u·convᵀ(v)`: the transposed convolution is the adjoint of
/// the strided convolution with the same kernel, which is how Keras (through
/// TensorFlow's `conv2d_transpose`) defines it, padding included.
#[test]
fn transposed_convolution_is_the_adjoint_of_the_strided_one() {
    let dev = Cpu::seed_from_u64(5);
    let conv = dev.build_module::<Conv2D<3, 2, 3, Identity, Strided<2, 3, 4>>, f32>();
    let mut transpose =
        dev.build_module::<ConvTranspose2D<2, 3, 3, Identity, Strided<2, 6, 8>>, f32>();
    transpose.weight.copy_from(&conv.weight.as_vec());
    let u = maps::<3, 6, 8>(&dev, 2, 6);
    let v = maps::<2, 3, 4>(&dev, 2, 7);
    let dot = |a: Vec<f32>, b: Vec<f32>| -> f64 {
        a.iter()
            .zip(&b)
            .map(|(&a, &b)| f64::from(a) * f64::from(b))
            .sum()
    };
    let left = dot(conv.forward(u.clone()).as_vec(), v.as_vec());
    let right = dot(u.as_vec(), transpose.forward(v).as_vec());
    assert!((left - right).abs() < 1e-4, "{left} against {right}");
}

/// Compares the gradients the tape records for `sum(layer(x) · r)` with
/// central differences, for the input and every parameter.
mod gradients {
    use super::*;

    /// Central differences of `f` at `values`, one coordinate at a time.
    fn numeric(values: &[f32], f: impl Fn(&[f32]) -> f64) -> Vec<f32> {
        let h = 1e-3f32;
        (0..values.len())
            .map(|i| {
                let mut v = values.to_vec();
                v[i] += h;
                let up = f(&v);
                v[i] -= 2.0 * h;
                let down = f(&v);
                ((up - down) / (2.0 * f64::from(h))) as f32
            })
            .collect()
    }

    /// `Σ y·r` in double precision, for the finite differences.
    fn weighted_sum(y: &[f32], r: &[f32]) -> f64 {
        y.iter()
            .zip(r)
            .map(|(&y, &r)| f64::from(y) * f64::from(r))
            .sum()
    }

    macro_rules! check_layer {
        ($layer:expr, $x:expr, [$($param:ident),*]) => {{
            let dev = Cpu::default();
            let layer = $layer;
            let x = $x;
            let y_shape = *layer.forward(x.clone()).shape();
            let r = dev.tensor_from_vec(random(y_shape.num_elements(), 99), y_shape);
            let grads = (layer.forward(x.leaky_trace()) * r.clone()).sum().backward();
            let r_values = r.as_vec();
            let by_x = numeric(&x.as_vec(), |v| {
                let mut x = x.clone();
                x.copy_from(v);
                weighted_sum(&layer.forward(x).as_vec(), &r_values)
            });
            assert_close(&grads.get(&x).as_vec(), &by_x, 2e-2);
            $(
                let by_param = numeric(&layer.$param.as_vec(), |v| {
                    let mut changed = layer.clone();
                    changed.$param.copy_from(v);
                    weighted_sum(&changed.forward(x.clone()).as_vec(), &r_values)
                });
                assert_close(&grads.get(&layer.$param).as_vec(), &by_param, 2e-2);
            )*
        }};
    }

    #[test]
    fn same_convolution() {
        let dev = Cpu::seed_from_u64(10);
        check_layer!(
            dev.build_module::<Conv2D<2, 3, 3, Sigmoid>, f32>(),
            maps::<2, 4, 5>(&dev, 3, 11),
            [weight, bias]
        );
    }

    #[test]
    fn valid_convolution() {
        let dev = Cpu::seed_from_u64(12);
        check_layer!(
            dev.build_module::<Conv2D<2, 2, 3, Identity, Valid<3, 2>>, f32>(),
            maps::<2, 5, 4>(&dev, 2, 13),
            [weight, bias]
        );
    }

    #[test]
    fn strided_convolution() {
        let dev = Cpu::seed_from_u64(14);
        check_layer!(
            dev.build_module::<Conv2D<2, 3, 3, Sigmoid, Strided<2, 3, 2>>, f32>(),
            maps::<2, 5, 4>(&dev, 2, 15),
            [weight, bias]
        );
    }

    #[test]
    fn relu_convolution() {
        // Away from the kink the derivative of ReLU is 0 or 1; the fixed seed
        // keeps every pre-activation far from 0 compared with the step.
        let dev = Cpu::seed_from_u64(16);
        check_layer!(
            dev.build_module::<Conv2D<1, 2, 3, ReLU>, f32>(),
            maps::<1, 4, 4>(&dev, 2, 17),
            [weight, bias]
        );
    }

    #[test]
    fn transposed_convolution() {
        let dev = Cpu::seed_from_u64(18);
        check_layer!(
            dev.build_module::<ConvTranspose2D<2, 3, 3, Sigmoid, Strided<2, 6, 4>>, f32>(),
            maps::<2, 3, 2>(&dev, 3, 19),
            [weight, bias]
        );
    }

    #[test]
    fn max_pooling() {
        let dev = Cpu::default();
        check_layer!(MaxPool2D::<3, 2>, maps::<2, 5, 4>(&dev, 2, 20), []);
    }

    #[test]
    fn up_sampling() {
        let dev = Cpu::default();
        check_layer!(UpSample2D::<6, 4>, maps::<2, 3, 2>(&dev, 2, 21), []);
    }
}
