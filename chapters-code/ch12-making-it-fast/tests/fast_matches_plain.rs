//! The fast builds train to the same losses as the plain dfdx builds: same
//! seed, same initial weights, same batches, and losses that agree epoch by
//! epoch to within float rounding.

use ch03_simple_autoencoder::training::{TracedBatch, TracedInput};
use ch08_making_it_fast::models::*;
use ch08_making_it_fast::timing::{LossFn, Timing, synthetic_images, time_epochs};
use dfdx::prelude::*;

const SAMPLES: usize = 1_024;
const EPOCHS: usize = 3;

/// A few epochs on the same images in the same order, whatever the model.
struct Train<'a>(&'a [f32]);

impl WithModel for Train<'_> {
    type Output = Timing;
    fn run<M>(self, model: M, loss: LossFn, build: Build) -> Timing
    where
        M: ModuleMut<TracedInput<784>, Output = TracedBatch<784>> + ZeroGrads<f32, Cpu> + 'static,
    {
        time_epochs(model, loss, build, self.0, 64, EPOCHS, 11)
    }
}

/// Trains both builds of `model` and compares their losses.
fn assert_same_losses(model: Model) {
    let rows = synthetic_images(SAMPLES, 7);
    let plain = build_and(model, Build::Plain, 3, Train(&rows));
    let fast = build_and(model, Build::Fast, 3, Train(&rows));
    assert_eq!(plain.losses.len(), EPOCHS + 1);
    // Training must have done something, or agreeing would prove nothing.
    assert!(
        plain.losses[EPOCHS] < 0.9 * plain.losses[0],
        "{model:?}: the loss did not fall: {:?}",
        plain.losses
    );
    for (epoch, (p, f)) in plain.losses.iter().zip(&fast.losses).enumerate() {
        assert!(
            (p - f).abs() <= 1e-3 * p.abs(),
            "{model:?}, epoch {epoch}: plain {p}, fast {f}"
        );
    }
}

#[test]
fn simple_autoencoder_losses_match() {
    assert_same_losses(Model::Simple);
}

#[test]
fn deep_autoencoder_losses_match() {
    assert_same_losses(Model::Deep);
}

#[test]
fn sparse_autoencoder_losses_match() {
    assert_same_losses(Model::Sparse);
}

#[test]
fn linear_autoencoder_losses_match() {
    assert_same_losses(Model::Linear);
}
