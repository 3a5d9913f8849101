//! Nadam, the optimiser of Géron's autoencoders: Adam with Nesterov momentum.
//! dfdx 0.13 has none; this one follows Keras 3's `keras.optimizers.Nadam`
//! step for step, through dfdx's public [`Optimizer`] trait.
//!
//! At step `t` (from 1), for each parameter `p` with gradient `g`, Keras 3
//! first grows a running product of momentum coefficients `u`, whose warm-up
//! schedule (the 0.96) is fixed in Keras' code:
//!
//! ```text
//! u_t       = beta_1 * (1 - 0.5 * 0.96^t)        u_{t+1} likewise
//! U_t       = u_1 * u_2 * ... * u_t              U_{t+1} = U_t * u_{t+1}
//! m         = beta_1 * m + (1 - beta_1) * g
//! v         = beta_2 * v + (1 - beta_2) * g²
//! m_hat     = u_{t+1} * m / (1 - U_{t+1}) + (1 - u_t) * g / (1 - U_t)
//! v_hat     = v / (1 - beta_2^t)
//! p         = p - lr * m_hat / (sqrt(v_hat) + eps)
//! ```
//!
//! The first term of `m_hat` is the momentum one step ahead (Nesterov's
//! look-ahead), the second the current gradient; both are bias-corrected.

use ch03_simple_autoencoder::adadelta::update_each_tensor;
use dfdx::nn::tensor_collection::TensorCollection;
use dfdx::optim::{Optimizer, OptimizerUpdateError};
use dfdx::prelude::*;
use std::marker::PhantomData;

/// Nadam's settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NadamConfig {
    pub lr: f32,
    /// Decay of the gradient's running mean (the momentum).
    pub beta_1: f32,
    /// Decay of the squared gradient's running mean.
    pub beta_2: f32,
    /// Added to `sqrt(v_hat)`, so flat directions do not divide by zero.
    pub eps: f32,
}

/// Keras 3's defaults: learning rate 0.001, beta_1 0.9, beta_2 0.999,
/// epsilon 1e-7 (what Géron's `"nadam"` gets).
pub const KERAS_NADAM: NadamConfig = NadamConfig {
    lr: 1e-3,
    beta_1: 0.9,
    beta_2: 0.999,
    eps: 1e-7,
};

/// The decay of Keras' momentum warm-up, `u_t = beta_1 (1 - 0.5 · 0.96^t)`:
/// a constant of Keras' code, not a setting.
pub const MOMENTUM_DECAY: f32 = 0.96;

/// Nadam for a model `M` on the CPU in `f32`.
#[derive(Clone, Debug)]
pub struct Nadam<M> {
    pub cfg: NadamConfig,
    /// Updates so far.
    t: i32,
    /// `U_t`, the product of the momentum coefficients so far.
    u_product: f32,
    /// `[m, v]` of each trainable tensor, in the model's order.
    moments: Vec<[Vec<f32>; 2]>,
    model: PhantomData<fn(&M)>,
}

impl<M> Nadam<M> {
    /// Like dfdx's `Adam::new`: the model is only there to fix `M`.
    pub fn new(_model: &M, cfg: NadamConfig) -> Self {
        Nadam {
            cfg,
            t: 0,
            u_product: 1.0,
            moments: Vec::new(),
            model: PhantomData,
        }
    }
}

/// Nadam updates whatever tensors a model has, so the fused twin of a model
/// trains with the same optimiser, state and all (chapter 12).
impl<M: ae_fast::FuseLayers> ae_fast::Fuse for Nadam<M> {
    type Fused = Nadam<M::Fused>;

    fn fuse(self) -> Self::Fused {
        Nadam {
            cfg: self.cfg,
            t: self.t,
            u_product: self.u_product,
            moments: self.moments,
            model: PhantomData,
        }
    }
}

/// What one update shares across all tensors: the coefficients of step `t`.
#[derive(Clone, Copy, Debug)]
pub struct NadamStep {
    pub u_t: f32,
    pub u_next: f32,
    pub u_product: f32,
    pub u_product_next: f32,
    pub beta_2_power: f32,
}

/// `u_t` of Keras' momentum warm-up.
fn momentum_coefficient(beta_1: f32, t: i32) -> f32 {
    beta_1 * (1.0 - 0.5 * MOMENTUM_DECAY.powi(t))
}

// ANCHOR: nadam_update
/// One Nadam step for one tensor, with the coefficients of this step.
pub fn nadam_step(
    cfg: &NadamConfig,
    step: &NadamStep,
    values: &mut [f32],
    grad: &[f32],
    m: &mut [f32],
    v: &mut [f32],
) {
    let NadamConfig {
        lr,
        beta_1,
        beta_2,
        eps,
    } = *cfg;
    let moving = values.iter_mut().zip(grad);
    for ((p, &g), (m, v)) in moving.zip(m.iter_mut().zip(v)) {
        *m += (g - *m) * (1.0 - beta_1);
        *v += (g * g - *v) * (1.0 - beta_2);
        // Momentum as it will be after the next step, plus today's gradient.
        let m_hat = step.u_next * *m / (1.0 - step.u_product_next)
            + (1.0 - step.u_t) * g / (1.0 - step.u_product);
        let v_hat = *v / (1.0 - step.beta_2_power);
        *p -= m_hat * lr / (v_hat.sqrt() + eps);
    }
}
// ANCHOR_END: nadam_update

impl<M: TensorCollection<f32, Cpu>> Optimizer<M, Cpu, f32> for Nadam<M> {
    fn update(
        &mut self,
        module: &mut M,
        gradients: &Gradients<f32, Cpu>,
    ) -> Result<(), OptimizerUpdateError<CpuError>> {
        self.t = self.t.checked_add(1).expect("fewer than 2^31 updates");
        let t = self.t;
        let u_t = momentum_coefficient(self.cfg.beta_1, t);
        let u_next = momentum_coefficient(self.cfg.beta_1, t + 1);
        self.u_product *= u_t;
        let step = NadamStep {
            u_t,
            u_next,
            u_product: self.u_product,
            u_product_next: self.u_product * u_next,
            beta_2_power: self.cfg.beta_2.powi(t),
        };
        let cfg = self.cfg;
        let moments = &mut self.moments;
        update_each_tensor(module, gradients, |index, values, grad| {
            if moments.len() == index {
                moments.push([vec![0.0; values.len()], vec![0.0; values.len()]]);
            }
            let [m, v] = &mut moments[index];
            nadam_step(&cfg, &step, values, grad, m, v);
        })
        .map_err(OptimizerUpdateError::DeviceError)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keras 3's Nadam written out again in `f64` for parameters whose
    /// gradients `grad(params)` returns, `steps` times.
    fn by_hand(mut params: Vec<f64>, grad: impl Fn(&[f64]) -> Vec<f64>, steps: i32) -> Vec<f64> {
        let (lr, b1, b2, eps) = (1e-3, 0.9, 0.999, 1e-7);
        let u = |t: i32| b1 * (1.0 - 0.5 * 0.96f64.powi(t));
        let (mut m, mut v) = (vec![0.0; params.len()], vec![0.0; params.len()]);
        let mut product = 1.0;
        for t in 1..=steps {
            product *= u(t);
            let next = product * u(t + 1);
            let g = grad(&params);
            for i in 0..params.len() {
                m[i] = b1 * m[i] + (1.0 - b1) * g[i];
                v[i] = b2 * v[i] + (1.0 - b2) * g[i] * g[i];
                let m_hat = u(t + 1) * m[i] / (1.0 - next) + (1.0 - u(t)) * g[i] / (1.0 - product);
                let v_hat = v[i] / (1.0 - b2.powi(t));
                params[i] -= lr * m_hat / (v_hat.sqrt() + eps);
            }
        }
        params
    }

    #[test]
    fn four_steps_on_a_squared_error_match_the_hand_computation() {
        // loss = (w·x + b - y)², x = 2, y = 3: the gradients change each step.
        let dev = Cpu::default();
        let mut model = dev.build_module::<Linear<1, 1>, f32>();
        model.weight = dev.tensor([[0.5]]);
        model.bias = dev.tensor([0.25]);
        let mut opt = Nadam::new(&model, KERAS_NADAM);
        let mut grads = model.alloc_grads();
        for _ in 0..4 {
            let x = dev.tensor([[2.0f32]]).traced(grads);
            let y = dev.tensor([[3.0f32]]);
            grads = (model.forward(x) - y).square().sum().backward();
            opt.update(&mut model, &grads).unwrap();
            model.zero_grads(&mut grads);
        }
        let expected = by_hand(
            vec![0.5, 0.25],
            |p| {
                let r = p[0] * 2.0 + p[1] - 3.0;
                vec![2.0 * r * 2.0, 2.0 * r]
            },
            4,
        );
        let got = [model.weight.array()[0][0], model.bias.array()[0]];
        for (g, e) in got.iter().zip(&expected) {
            assert!((f64::from(*g) - e).abs() < 1e-6, "{got:?} vs {expected:?}");
        }
    }

    #[test]
    fn the_first_step_is_a_little_more_than_the_learning_rate() {
        // Step 1: u_1 = 0.468, u_2 = 0.48528, m = 0.1 g, v_hat = g², so the
        // step is lr · (0.48528 · 0.1 / (1 - 0.468 · 0.48528) + 1), whatever g.
        let step = NadamStep {
            u_t: 0.468,
            u_next: 0.48528,
            u_product: 0.468,
            u_product_next: 0.468 * 0.48528,
            beta_2_power: 0.999,
        };
        for g in [-5.0f32, 0.01, 40.0] {
            let (mut p, mut m, mut v) = ([0.0f32], [0.0f32], [0.0f32]);
            nadam_step(&KERAS_NADAM, &step, &mut p, &[g], &mut m, &mut v);
            let expected = -g.signum() * 1e-3 * (0.048528 / (1.0 - 0.468 * 0.48528) + 1.0);
            assert!(
                (p[0] - expected).abs() < 1e-7,
                "g = {g}: {} vs {expected}",
                p[0]
            );
        }
    }

    #[test]
    fn the_momentum_coefficients_warm_up_towards_beta_1() {
        assert!((momentum_coefficient(0.9, 1) - 0.468).abs() < 1e-6);
        assert!((momentum_coefficient(0.9, 2) - 0.48528).abs() < 1e-6);
        assert!((momentum_coefficient(0.9, 500) - 0.9).abs() < 1e-6);
    }
}
