//! One step of learning: the weights are tensors, and an optimiser changes
//! them so that the loss falls.

use crate::layers::TinyNetModel;
use dfdx::optim::{Optimizer, Sgd};
use dfdx::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Rows in the toy batch.
pub const TOY_ROWS: usize = 8;

/// Eight inputs of four numbers.
pub type ToyInputs = Tensor<Rank2<TOY_ROWS, 4>, f32, Cpu>;
/// Eight targets of two numbers.
pub type ToyTargets = Tensor<Rank2<TOY_ROWS, 2>, f32, Cpu>;

// ANCHOR: toy_batch
/// A batch of eight made-up examples: four random inputs in [-1, 1] each,
/// and two targets that are simple sums of them. There is nothing to learn
/// about the world here; the point is to watch one step of learning.
pub fn toy_batch(dev: &Cpu, seed: u64) -> (ToyInputs, ToyTargets) {
    let mut rng = StdRng::seed_from_u64(seed);
    let inputs: [[f32; 4]; TOY_ROWS] =
        std::array::from_fn(|_| std::array::from_fn(|_| rng.gen_range(-1.0..1.0)));
    let targets = inputs.map(|[a, b, c, d]| [a + b - c, 0.5 * d - a]);
    (dev.tensor(inputs), dev.tensor(targets))
}
// ANCHOR_END: toy_batch

/// What one step did.
#[derive(Clone, Debug, PartialEq)]
pub struct StepReport {
    /// Mean squared error on the batch before the step.
    pub loss_before: f32,
    /// The same loss, on the same batch, after the step.
    pub loss_after: f32,
    /// The gradient of the loss with respect to the first layer's weight:
    /// one number per weight, in the weight's own shape.
    pub first_weight_gradient: [[f32; 4]; 3],
}

// ANCHOR: sgd_step
/// One step of plain gradient descent on one batch: every weight moves by
/// `-lr` times the gradient of the mean squared error with respect to it.
pub fn sgd_step(
    model: &mut TinyNetModel,
    inputs: ToyInputs,
    targets: ToyTargets,
    lr: f64,
) -> StepReport {
    let mut sgd = Sgd::new(
        &*model,
        SgdConfig {
            lr,
            momentum: None,
            weight_decay: None,
        },
    );
    // Forward pass on a traced input: the tape records every operation ...
    let grads = model.alloc_grads();
    let predictions = model.forward(inputs.clone().traced(grads));
    let loss = mse_loss(predictions, targets.clone());
    let loss_before = loss.array();
    // ... so that the backward pass can compute one gradient per weight.
    let grads = loss.backward();
    let first_weight_gradient = grads.get(&model.0.weight).array();
    // The optimiser changes the weight tensors in place.
    sgd.update(model, &grads)
        .expect("every weight of the network receives a gradient");
    let loss_after = mse_loss(model.forward(inputs), targets).array();
    StepReport {
        loss_before,
        loss_after,
        first_weight_gradient,
    }
}
// ANCHOR_END: sgd_step

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::TinyNet;

    #[test]
    fn the_toy_batch_is_repeatable_and_its_targets_follow_the_rule() {
        let dev = Cpu::default();
        let (x, y) = toy_batch(&dev, 3);
        assert_eq!(x.array(), toy_batch(&dev, 3).0.array());
        let [a, b, c, d] = x.array()[5];
        assert_eq!(y.array()[5], [a + b - c, 0.5 * d - a]);
    }

    #[test]
    fn plain_sgd_moves_each_weight_by_minus_lr_times_its_gradient() {
        let dev = Cpu::seed_from_u64(1);
        let mut model = dev.build_module::<TinyNet, f32>();
        let before = model.0.weight.array();
        let (x, y) = toy_batch(&dev, 1);
        let report = sgd_step(&mut model, x, y, 0.1);
        let after = model.0.weight.array();
        for r in 0..3 {
            for c in 0..4 {
                let expected = before[r][c] - 0.1 * report.first_weight_gradient[r][c];
                assert!((after[r][c] - expected).abs() < 1e-6);
            }
        }
        assert!(report.loss_after < report.loss_before, "{report:?}");
    }
}
