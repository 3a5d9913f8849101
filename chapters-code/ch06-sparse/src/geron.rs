//! Géron's sparse autoencoder (*Hands-On Machine Learning*, 3rd edition,
//! chapter 17) in plain dfdx: 784 → 100 (ReLU) → 300 (sigmoid) codes with
//! an L1 activity penalty of 1e-4 on them, decoder 300 → 100 (ReLU) → 784
//! (linear), trained on the mean squared error with Nadam for 10 epochs.
//!
//! The code is wider than the image's 784 pixels would need for a copy to
//! be hard: the penalty, not the width, is what forces most of the 300
//! units to stay near zero for any one image.

use crate::training::{Sparsity, Trained, train_sparse};
use ae_support::batching::Batch;
use ae_support::data::IMAGE_PIXELS;
use ae_support::losses::MeanSquaredError;
use ae_support::training::{FitConfig, TrainError};
use ch03_simple_autoencoder::TracedBatch;
use ch05_denoising::nadam::{KERAS_NADAM, Nadam};
use dfdx::nn::modules::TensorCollection;
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
/// The whole model: `.0` encodes, `.1` decodes.
pub type GeronSparseAutoencoder = (GeronSparseEncoder, GeronSparseDecoder);

/// Géron's penalty weight, `ActivityRegularization(l1=1e-4)`. He ran it
/// with `tf.keras` (TensorFlow 2), which divides the penalty by the batch
/// size, so it is a weight per image, as this book's λ is; Keras 3 sums over
/// the batch instead (see [`crate::penalty::KerasScaling`]).
pub const GERON_L1: f32 = 1e-4;
/// Géron trains it for 10 epochs.
pub const GERON_SPARSE_EPOCHS: usize = 10;

// ANCHOR: fit_with_nadam
/// Trains `model`, an encoder `.0` with a `C`-wide code and a decoder `.1`,
/// as Géron trains his sparse models: Listing 6-2's step ([`crate::sparse_step`])
/// on the mean squared error plus `sparsity`, with Nadam (Keras 3's
/// defaults) updating the plain dfdx model. The validation loss includes
/// the penalty, as Keras reports it.
pub fn fit_with_nadam<E, D, const C: usize>(
    model: (E, D),
    train: &[f32],
    validation: &[f32],
    config: &FitConfig,
    sparsity: Sparsity,
) -> Result<Trained<(E, D)>, TrainError>
where
    E: ModuleMut<TracedBatch<IMAGE_PIXELS>, Output = TracedBatch<C>>
        + Module<Batch<IMAGE_PIXELS>, Output = Batch<C>>,
    D: ModuleMut<TracedBatch<C>, Output = TracedBatch<IMAGE_PIXELS>>
        + Module<Batch<C>, Output = Batch<IMAGE_PIXELS>>,
    (E, D): TensorCollection<f32, Cpu>,
{
    let optimizer = Nadam::new(&model, KERAS_NADAM);
    let (model, history) = train_sparse(
        model,
        optimizer,
        &MeanSquaredError,
        train,
        validation,
        config,
        sparsity,
    )?;
    Ok(Trained { model, history })
}
// ANCHOR_END: fit_with_nadam

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::KlAutoencoder;
    use crate::training::encode_all;
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
        let model = Cpu::seed_from_u64(0).build_module::<KlAutoencoder, f32>();
        let kl = Sparsity::Kl {
            beta: 1.5625e-4,
            target: 0.1,
        };
        let trained = fit_with_nadam(model, &x, &x, &config(), kl).unwrap();
        let losses = &trained.history.validation_loss;
        assert_eq!(losses.len(), 3);
        assert!(losses[2] < losses[0], "{losses:?}");
    }

    #[test]
    fn a_stronger_penalty_gives_smaller_codes() {
        let x = images();
        let mean_code = |lambda: f32| {
            let model = Cpu::seed_from_u64(0).build_module::<GeronSparseAutoencoder, f32>();
            let l1 = Sparsity::L1 { lambda };
            let trained = fit_with_nadam(model, &x, &x, &config(), l1).unwrap();
            let codes = encode_all(&trained.model.0, &x);
            codes.iter().sum::<f32>() / codes.len() as f32
        };
        let (weak, strong) = (mean_code(0.0), mean_code(1e-2));
        assert!(strong < weak, "{strong} vs {weak}");
    }
}
