//! Géron's sparse autoencoder (*Hands-On Machine Learning*, 3rd edition,
//! chapter 17) in plain dfdx: 784 → 100 (ReLU) → 300 (sigmoid) codes with
//! an L1 activity penalty of 1e-4 on them, decoder 300 → 100 (ReLU) → 784
//! (linear), trained on the mean squared error with Nadam for 10 epochs.
//!
//! The code is wider than the image's 784 pixels would need for a copy to
//! be hard: the penalty, not the width, is what forces most of the 300
//! units to stay near zero for any one image.

use crate::models::KlAutoencoder;
use crate::penalty::{Codes, l1_activity};
use crate::training::{Sparsity, Trained, evaluate, sparse_step};
use ae_support::batching::{Batch, gather};
use ae_support::data::IMAGE_PIXELS;
use ae_support::losses::MeanSquaredError;
use ae_support::training::{FitConfig, History, TrainError, fit};
use ch05_denoising::geron::{Traced, mean_squared_error, predict};
use ch05_denoising::nadam::{KERAS_NADAM, Nadam};
use dfdx::optim::Optimizer;
use dfdx::prelude::*;

/// Width of Géron's sparse code.
pub const GERON_CODE: usize = 300;

/// Géron's encoder: 784 → 100 (ReLU) → 300 (sigmoid).
pub type GeronSparseEncoder = (
    Linear<IMAGE_PIXELS, 100>,
    ReLU,
    Linear<100, GERON_CODE>,
    Sigmoid,
);
/// Géron's decoder: 300 → 100 (ReLU) → 784, linear.
pub type GeronSparseDecoder = (Linear<GERON_CODE, 100>, ReLU, Linear<100, IMAGE_PIXELS>);
/// The KL experiment's model built on the CPU.
pub type KlModel = <KlAutoencoder as BuildOnDevice<Cpu, f32>>::Built;
/// The whole model: `.0` encodes, `.1` decodes.
pub type GeronSparseAutoencoder = (GeronSparseEncoder, GeronSparseDecoder);
/// [`GeronSparseAutoencoder`] built on the CPU.
pub type GeronSparseModel = <GeronSparseAutoencoder as BuildOnDevice<Cpu, f32>>::Built;

/// Géron's penalty weight, `ActivityRegularization(l1=1e-4)`. He ran it
/// with `tf.keras` (TensorFlow 2), which divides the penalty by the batch
/// size, so it is a weight per image, as this book's λ is; Keras 3 sums over
/// the batch instead (see [`crate::penalty::KerasScaling`]).
pub const GERON_L1: f32 = 1e-4;
/// Géron trains it for 10 epochs.
pub const GERON_SPARSE_EPOCHS: usize = 10;

// ANCHOR: geron_sparse_step
/// One Nadam step on `MSE + lambda · l1_activity(codes)`; returns the
/// batch's total loss before the update.
pub fn geron_sparse_step(
    model: &mut GeronSparseModel,
    optimizer: &mut Nadam<GeronSparseModel>,
    grads: &mut Gradients<f32, Cpu>,
    batch: Batch<IMAGE_PIXELS>,
    lambda: f32,
) -> f32 {
    let tape = std::mem::replace(grads, Gradients::leaky());
    let codes: Traced<GERON_CODE> = model.0.forward_mut(batch.clone().traced(tape));
    // A second handle on the codes, with its own tape, for the penalty.
    let for_penalty: Codes<GERON_CODE, OwnedTape<f32, Cpu>> = codes.retaped();
    let reconstruction = mse_loss(model.1.forward_mut(codes), batch);
    let loss = reconstruction + l1_activity(for_penalty) * lambda;
    let value = loss.array();
    *grads = loss.backward();
    optimizer
        .update(model, grads)
        .expect("every parameter receives a gradient");
    model.zero_grads(grads);
    value
}
// ANCHOR_END: geron_sparse_step

/// A trained Géron sparse autoencoder and what its codes look like.
pub struct GeronSparse {
    pub model: GeronSparseModel,
    /// Total training loss, and validation MSE, per epoch.
    pub history: History,
    /// Validation MSE of the reconstructions (no penalty).
    pub validation_mse: f32,
    /// Mean code value over the validation images and the 300 units.
    pub mean_code: f32,
    /// Fraction of validation codes below 0.1: units nearly off.
    pub near_zero: f32,
}

/// Trains Géron's sparse model on the images `train` (rows of 784 pixels in
/// [0, 1]) with penalty weight `lambda` ([`GERON_L1`] for his setting),
/// scoring it on `validation`.
pub fn train_geron_sparse(
    train: &[f32],
    validation: &[f32],
    config: &FitConfig,
    lambda: f32,
) -> Result<GeronSparse, TrainError> {
    let dev = Cpu::seed_from_u64(config.seed);
    let model = dev.build_module::<GeronSparseAutoencoder, f32>();
    let grads = model.alloc_grads();
    let optimizer = Nadam::new(&model, KERAS_NADAM);
    let mut state = (model, optimizer, grads);
    let history = fit(
        &mut state,
        config,
        train.len() / IMAGE_PIXELS,
        |(model, optimizer, grads), indices| {
            let batch: Batch<IMAGE_PIXELS> = gather(&dev, train, indices);
            geron_sparse_step(model, optimizer, grads, batch, lambda)
        },
        |(model, _, _)| Some(mean_squared_error(model, validation, validation)),
    )?;
    let model = state.0;
    let codes = predict::<_, IMAGE_PIXELS, GERON_CODE>(&model.0, validation);
    let n = codes.len() as f32;
    Ok(GeronSparse {
        validation_mse: mean_squared_error(&model, validation, validation),
        mean_code: codes.iter().sum::<f32>() / n,
        near_zero: codes.iter().filter(|&&c| c < 0.1).count() as f32 / n,
        model,
        history,
    })
}

/// The KL experiment's model ([`KlAutoencoder`]) trained as Géron trains
/// it, with Nadam rather than the chapter's Adam: the same step
/// ([`sparse_step`]) on the plain dfdx model, mean squared error plus the KL
/// penalty of weight `beta` towards `target`.
pub fn train_kl_with_nadam(
    train: &[f32],
    validation: &[f32],
    config: &FitConfig,
    beta: f32,
    target: f32,
) -> Result<Trained<KlModel>, TrainError> {
    let dev = Cpu::seed_from_u64(config.seed);
    let model = dev.build_module::<KlAutoencoder, f32>();
    let grads = model.alloc_grads();
    let optimizer = Nadam::new(&model, KERAS_NADAM);
    let sparsity = Sparsity::Kl { beta, target };
    let mut state = (model, optimizer, grads);
    let history = fit(
        &mut state,
        config,
        train.len() / IMAGE_PIXELS,
        |(model, optimizer, grads), indices| {
            let batch: Batch<IMAGE_PIXELS> = gather(&dev, train, indices);
            sparse_step(model, optimizer, grads, batch, &MeanSquaredError, sparsity).total()
        },
        |(model, _, _)| {
            let losses = evaluate(
                model,
                validation,
                &MeanSquaredError,
                sparsity,
                config.batch_size,
            );
            Some(losses.total())
        },
    )?;
    Ok(Trained {
        model: state.0,
        history,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    fn images() -> Vec<f32> {
        let mut rng = StdRng::seed_from_u64(5);
        (0..64 * IMAGE_PIXELS).map(|_| rng.r#gen()).collect()
    }

    fn config() -> FitConfig {
        FitConfig {
            epochs: 3,
            batch_size: 16,
            seed: 0,
            quiet: true,
        }
    }

    #[test]
    fn the_model_has_gerons_shape() {
        let model = Cpu::default().build_module::<GeronSparseAutoencoder, f32>();
        // 784·100+100 + 100·300+300 + 300·100+100 + 100·784+784.
        assert_eq!(model.num_trainable_params(), 218_084);
    }

    #[test]
    fn nadam_trains_the_kl_model() {
        let x = images();
        let trained = train_kl_with_nadam(&x, &x, &config(), 1.5625e-4, 0.1).unwrap();
        let losses = &trained.history.validation_loss;
        assert_eq!(losses.len(), 3);
        assert!(losses[2] < losses[0], "{losses:?}");
    }

    #[test]
    fn a_stronger_penalty_gives_smaller_codes() {
        let x = images();
        let weak = train_geron_sparse(&x, &x, &config(), 0.0).unwrap();
        let strong = train_geron_sparse(&x, &x, &config(), 1e-2).unwrap();
        assert!(
            strong.mean_code < weak.mean_code,
            "{} vs {}",
            strong.mean_code,
            weak.mean_code
        );
        assert_eq!(strong.history.validation_loss.len(), 3);
    }
}
