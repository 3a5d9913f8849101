//! Adadelta, the optimiser of the Keras blog's autoencoders, which dfdx 0.13
//! does not ship, written against dfdx's public [`Optimizer`] trait.
//!
//! Keras computes, for every parameter `p` with gradient `g` (all
//! element-wise, the two accumulators starting at zero):
//!
//! ```text
//! acc_grad  = rho * acc_grad  + (1 - rho) * g²
//! delta     = -sqrt(acc_delta + eps) / sqrt(acc_grad + eps) * g
//! acc_delta = rho * acc_delta + (1 - rho) * delta²
//! p         = p + lr * delta
//! ```
//!
//! Keras 2 and Keras 3 share the formula but not the defaults: see
//! [`KERAS_2`] (what the 2016 Keras blog post trained with) and [`KERAS_3`].

use dfdx::nn::tensor_collection::{
    RecursiveWalker, TensorCollection, TensorOptions, TensorVisitor, ViewTensorMut,
};
use dfdx::optim::{Optimizer, OptimizerUpdateError};
use dfdx::prelude::*;
use std::marker::PhantomData;

/// Adadelta's settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AdadeltaConfig {
    /// Scales every step; Zeiler's paper has none, which is `lr = 1.0`.
    pub lr: f32,
    /// Decay of both running averages.
    pub rho: f32,
    /// Added inside both square roots, so the first steps are not zero.
    pub eps: f32,
}

/// Keras 2's defaults (`Adadelta()` as the 2016 Keras blog post used it):
/// learning rate 1.0, rho 0.95, epsilon 1e-7.
pub const KERAS_2: AdadeltaConfig = AdadeltaConfig {
    lr: 1.0,
    rho: 0.95,
    eps: 1e-7,
};

/// Keras 3's defaults: learning rate 0.001, rho 0.95, epsilon 1e-7. With
/// this learning rate Adadelta moves a thousand times more slowly than the
/// blog's runs did, so code ported from Keras 2 must pass `learning_rate=1.0`.
pub const KERAS_3: AdadeltaConfig = AdadeltaConfig {
    lr: 1e-3,
    rho: 0.95,
    eps: 1e-7,
};

/// Adadelta for a model `M` on the CPU in `f32`.
#[derive(Clone, Debug)]
pub struct Adadelta<M> {
    pub cfg: AdadeltaConfig,
    /// `[acc_grad, acc_delta]` of each trainable tensor, in the model's order.
    state: Vec<[Vec<f32>; 2]>,
    model: PhantomData<fn(&M)>,
}

impl<M> Adadelta<M> {
    /// Like dfdx's `Adam::new`: the model is only there to fix `M`.
    pub fn new(_model: &M, cfg: AdadeltaConfig) -> Self {
        Adadelta {
            cfg,
            state: Vec::new(),
            model: PhantomData,
        }
    }
}

/// Adadelta updates whatever tensors a model has, so the fused twin of a
/// model trains with the same optimiser, state and all (chapter 12).
impl<M: ae_fast::FuseLayers> ae_fast::Fuse for Adadelta<M> {
    type Fused = Adadelta<M::Fused>;

    fn fuse(self) -> Self::Fused {
        Adadelta {
            cfg: self.cfg,
            state: self.state,
            model: PhantomData,
        }
    }
}

// ANCHOR: adadelta_update
/// One Adadelta step for one tensor: `values` move, the accumulators follow.
pub fn adadelta_step(
    cfg: &AdadeltaConfig,
    values: &mut [f32],
    grad: &[f32],
    acc_grad: &mut [f32],
    acc_delta: &mut [f32],
) {
    let AdadeltaConfig { lr, rho, eps } = *cfg;
    let moving = values.iter_mut().zip(grad);
    for ((p, &g), (a_g, a_d)) in moving.zip(acc_grad.iter_mut().zip(acc_delta)) {
        *a_g = rho * *a_g + (1.0 - rho) * g * g;
        // The step's size is the RMS of past steps over the RMS of gradients:
        // units match the parameter's, whatever the gradient's scale.
        let delta = -(*a_d + eps).sqrt() / (*a_g + eps).sqrt() * g;
        *a_d = rho * *a_d + (1.0 - rho) * delta * delta;
        *p += lr * delta;
    }
}
// ANCHOR_END: adadelta_update

impl<M: TensorCollection<f32, Cpu>> Optimizer<M, Cpu, f32> for Adadelta<M> {
    fn update(
        &mut self,
        module: &mut M,
        gradients: &Gradients<f32, Cpu>,
    ) -> Result<(), OptimizerUpdateError<CpuError>> {
        let cfg = self.cfg;
        let state = &mut self.state;
        update_each_tensor(module, gradients, |index, values, grad| {
            if state.len() == index {
                state.push([vec![0.0; values.len()], vec![0.0; values.len()]]);
            }
            let [acc_grad, acc_delta] = &mut state[index];
            adadelta_step(&cfg, values, grad, acc_grad, acc_delta);
        })
        .map_err(OptimizerUpdateError::DeviceError)
    }
}

/// Calls `update(index, values, gradient)` for every trainable tensor of
/// `module`, in the order the model lists them, and writes the changed
/// values back: the walk every element-wise optimiser needs.
///
/// dfdx's public API lends no tensor's storage out, so values are copied out
/// and back in. Every trainable tensor must have a gradient (as after
/// `model.alloc_grads()`); `Gradients` offers no public way to ask, so a
/// missing one panics.
pub fn update_each_tensor<M: TensorCollection<f32, Cpu>>(
    module: &mut M,
    gradients: &Gradients<f32, Cpu>,
    update: impl FnMut(usize, &mut [f32], &[f32]),
) -> Result<(), CpuError> {
    let mut walk = Walk {
        gradients,
        update,
        index: 0,
    };
    M::iter_tensors(&mut RecursiveWalker {
        m: module,
        f: &mut walk,
    })?;
    Ok(())
}

/// The visitor behind [`update_each_tensor`].
struct Walk<'a, F> {
    gradients: &'a Gradients<f32, Cpu>,
    update: F,
    /// Which trainable tensor comes next.
    index: usize,
}

impl<F: FnMut(usize, &mut [f32], &[f32])> TensorVisitor<f32, Cpu> for Walk<'_, F> {
    type Viewer = ViewTensorMut;
    type Err = CpuError;
    type E2 = f32;
    type D2 = Cpu;

    fn visit<S: Shape>(
        &mut self,
        opts: TensorOptions<S, f32, Cpu>,
        param: &mut Tensor<S, f32, Cpu>,
    ) -> Result<Option<Tensor<S, f32, Cpu>>, CpuError> {
        if !opts.do_gradient_update {
            return Ok(None);
        }
        let mut values = param.as_vec();
        let grad = self.gradients.get(param).as_vec();
        (self.update)(self.index, &mut values, &grad);
        self.index += 1;
        param.copy_from(&values);
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A one-weight, one-bias model whose loss `sum(w·x + b)` for `x = 2`
    /// has the constant gradients 2 (weight) and 1 (bias).
    fn tiny() -> (Cpu, modules::Linear<1, 1, f32, Cpu>) {
        let dev = Cpu::default();
        let mut model = dev.build_module::<Linear<1, 1>, f32>();
        model.weight = dev.tensor([[0.5]]);
        model.bias = dev.tensor([0.25]);
        (dev, model)
    }

    /// The Keras formula for one scalar parameter with a constant gradient,
    /// worked out in `f64`.
    fn by_hand(cfg: AdadeltaConfig, start: f64, g: f64, steps: usize) -> f64 {
        let (lr, rho, eps) = (f64::from(cfg.lr), f64::from(cfg.rho), f64::from(cfg.eps));
        let (mut p, mut a_g, mut a_d) = (start, 0.0, 0.0);
        for _ in 0..steps {
            a_g = rho * a_g + (1.0 - rho) * g * g;
            let delta = -((a_d + eps) / (a_g + eps)).sqrt() * g;
            a_d = rho * a_d + (1.0 - rho) * delta * delta;
            p += lr * delta;
        }
        p
    }

    #[test]
    fn three_steps_match_the_hand_computation() {
        let (dev, mut model) = tiny();
        let mut opt = Adadelta::new(&model, KERAS_2);
        let mut grads = model.alloc_grads();
        for _ in 0..3 {
            let x = dev.tensor([[2.0f32]]).traced(grads);
            grads = model.forward(x).sum().backward();
            opt.update(&mut model, &grads).unwrap();
            model.zero_grads(&mut grads);
        }
        let w = by_hand(KERAS_2, 0.5, 2.0, 3);
        let b = by_hand(KERAS_2, 0.25, 1.0, 3);
        assert!((f64::from(model.weight.array()[0][0]) - w).abs() < 1e-6);
        assert!((f64::from(model.bias.array()[0]) - b).abs() < 1e-6);
    }

    #[test]
    fn the_first_step_is_about_sqrt_eps_over_the_gradients_rms() {
        // acc_grad = 0.05 g², so delta = -sqrt(eps / (0.05 g² + eps)) g,
        // nearly -sqrt(eps / 0.05) whatever g is: Adadelta starts tiny.
        let cfg = KERAS_2;
        let (mut p, mut a_g, mut a_d) = ([0.0f32], [0.0f32], [0.0f32]);
        adadelta_step(&cfg, &mut p, &[3.0], &mut a_g, &mut a_d);
        let expected = -(1e-7f32 / 0.05).sqrt();
        assert!((p[0] - expected).abs() < 1e-6, "{} vs {expected}", p[0]);
        assert!((a_g[0] - 0.45).abs() < 1e-6);
        assert!((a_d[0] - 0.05 * p[0] * p[0]).abs() < 1e-12);
    }

    #[test]
    fn keras_3_steps_are_a_thousandth_of_keras_2_steps_at_first() {
        let step = |cfg: AdadeltaConfig| {
            let (mut p, mut a_g, mut a_d) = ([0.0f32], [0.0f32], [0.0f32]);
            adadelta_step(&cfg, &mut p, &[1.0], &mut a_g, &mut a_d);
            p[0]
        };
        let ratio = step(KERAS_3) / step(KERAS_2);
        assert!((ratio - 1e-3).abs() < 1e-7, "{ratio}");
    }
}
