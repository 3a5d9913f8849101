//! The fast builds train to the same losses as the plain dfdx builds: same
//! seed, same initial weights, same batches, and losses that agree epoch by
//! epoch to within float rounding.

use ch08_making_it_fast::models::*;
use ch08_making_it_fast::timing::{Timing, loss_fn, synthetic_images, time_epochs};
use dfdx::prelude::*;

const SAMPLES: usize = 1_024;
const EPOCHS: usize = 3;

fn both<P, F>(model: Model) -> (Timing, Timing)
where
    P: BuildOnDevice<Cpu, f32>,
    F: BuildOnDevice<Cpu, f32>,
    P::Built: ModuleMut<
            ch03_simple_autoencoder::training::TracedBatch<784>,
            Output = ch03_simple_autoencoder::training::TracedBatch<784>,
        > + ZeroGrads<f32, Cpu>,
    F::Built: ModuleMut<
            ch03_simple_autoencoder::training::TracedBatch<784>,
            Output = ch03_simple_autoencoder::training::TracedBatch<784>,
        > + ZeroGrads<f32, Cpu>,
{
    let rows = synthetic_images(SAMPLES, 7);
    let plain = time_epochs(
        Cpu::seed_from_u64(3).build_module::<P, f32>(),
        loss_fn(model.loss(), false),
        &rows,
        64,
        EPOCHS,
        11,
    );
    let fast = time_epochs(
        Cpu::seed_from_u64(3).build_module::<F, f32>(),
        loss_fn(model.loss(), true),
        &rows,
        64,
        EPOCHS,
        11,
    );
    (plain, fast)
}

fn assert_same_losses(model: Model, (plain, fast): (Timing, Timing)) {
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
    assert_same_losses(
        Model::Simple,
        both::<PlainSimple, FastSimple>(Model::Simple),
    );
}

#[test]
fn deep_autoencoder_losses_match() {
    assert_same_losses(Model::Deep, both::<PlainDeep, FastDeep>(Model::Deep));
}

#[test]
fn sparse_autoencoder_losses_match() {
    assert_same_losses(
        Model::Sparse,
        both::<PlainSparse, FastSparse>(Model::Sparse),
    );
}

#[test]
fn linear_autoencoder_losses_match() {
    assert_same_losses(
        Model::Linear,
        both::<PlainLinear, FastLinear>(Model::Linear),
    );
}
