//! Chapter 9's convolutional models in the bench: one training step on a
//! fixed batch runs and lowers the loss on that batch.

use ae_support::batching::Batch;
use ch12_making_it_fast::models::{Build, Model, WithModel, build_and};
use ch12_making_it_fast::timing::{Training, synthetic_images};
use dfdx::prelude::*;

/// The loss of a batch before one step, and after it.
struct StepTwice<'a>(&'a [f32]);

impl WithModel for StepTwice<'_> {
    type Output = (f32, f32);
    fn run<T: Training>(self, mut training: T) -> (f32, f32) {
        let dev = Cpu::default();
        let batch: Batch<784> = dev.tensor_from_vec(self.0.to_vec(), (self.0.len() / 784, Const));
        // The second step's loss is computed before its update, so it is the
        // loss after the first step.
        let before = training.step(batch.clone());
        let after = training.step(batch);
        (before, after)
    }
}

#[test]
fn one_step_lowers_the_loss_of_each_convolutional_model() {
    let rows = synthetic_images(8, 5);
    for model in Model::CONV {
        assert!(model.has_build(Build::Plain) && !model.has_build(Build::Fast));
        let (before, after) = build_and(model, Build::Plain, 1, StepTwice(&rows));
        assert!(before.is_finite(), "{model:?}: {before}");
        assert!(after < before, "{model:?}: {before} -> {after}");
    }
}
