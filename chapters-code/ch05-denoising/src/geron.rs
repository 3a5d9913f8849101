//! Géron's autoencoders (*Hands-On Machine Learning*, 3rd edition, chapter
//! 17) in plain dfdx: the stacked 784-100-30-100-784 model with a linear
//! output, trained on the mean squared error with Nadam, and his two
//! denoisers, the same model with Dropout(0.5) or Gaussian noise (σ = 0.2)
//! on its input.
//!
//! Chapter 8 reuses the model, [`fit_nadam`] and the evaluation helpers.

use crate::nadam::{KERAS_NADAM, Nadam};
use ae_support::batching::{Batch, sequential_batches, slice};
use ae_support::data::{Dataset, IMAGE_PIXELS, Images};
use ae_support::split::Split;
use ae_support::training::{FitConfig, History, TrainError, fit};
use ch03_simple_autoencoder::EVAL_BATCH;
use dfdx::nn::tensor_collection::TensorCollection;
use dfdx::optim::Optimizer;
use dfdx::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Normal};
use std::path::Path;

// ANCHOR: stacked_model
/// Géron's stacked encoder: 784 → 100 → 30, ReLU after both layers.
pub type StackedEncoder = (Linear<IMAGE_PIXELS, 100>, ReLU, Linear<100, 30>, ReLU);
/// Its decoder: 30 → 100 (ReLU) → 784, the last layer linear, because the
/// loss is the squared error on pixels, not a cross-entropy.
pub type StackedDecoder = (Linear<30, 100>, ReLU, Linear<100, IMAGE_PIXELS>);
/// The whole model: `.0` encodes, `.1` decodes.
pub type StackedAutoencoder = (StackedEncoder, StackedDecoder);
/// [`StackedAutoencoder`] built, with its weights, on the CPU.
pub type StackedModel = <StackedAutoencoder as BuildOnDevice<Cpu, f32>>::Built;
// ANCHOR_END: stacked_model

/// A batch of `N`-wide rows recording its operations for the backward pass.
pub type Traced<const N: usize> = Tensor<(usize, Const<N>), f32, Cpu, OwnedTape<f32, Cpu>>;

/// The scalar loss of a batch, still on the tape.
pub type TracedLoss = Tensor<Rank0, f32, Cpu, OwnedTape<f32, Cpu>>;

// ANCHOR: fit_nadam
/// Trains `model` to map the `N`-wide rows of `inputs` to the `O`-wide rows
/// of `targets` with Nadam (Keras 3's defaults), minimising `loss`, and
/// returns it with its history. `corrupt` may change each training batch's
/// inputs (the noise of a denoiser; `|_| {}` for none); `validation` scores
/// the model after each epoch.
pub fn fit_nadam<M, const N: usize, const O: usize>(
    model: M,
    (inputs, targets): (&[f32], &[f32]),
    config: &FitConfig,
    loss: impl Fn(Traced<O>, Batch<O>) -> TracedLoss,
    mut corrupt: impl FnMut(&mut [f32]),
    mut validation: impl FnMut(&M) -> Option<f32>,
) -> Result<(M, History), TrainError>
where
    M: ModuleMut<Traced<N>, Output = Traced<O>> + TensorCollection<f32, Cpu>,
{
    let dev = Cpu::default();
    let grads = model.alloc_grads();
    let optimizer = Nadam::new(&model, KERAS_NADAM);
    let mut state = (model, optimizer, grads);
    let rows = |table: &[f32], width: usize, batch: &[usize]| -> Vec<f32> {
        let row = |i: usize| &table[i * width..(i + 1) * width];
        batch.iter().flat_map(|&i| row(i)).copied().collect()
    };
    let history = fit(
        &mut state,
        config,
        inputs.len() / N,
        |(model, optimizer, grads), batch| {
            let mut x = rows(inputs, N, batch);
            corrupt(&mut x);
            let x = dev.tensor_from_vec(x, (batch.len(), Const::<N>));
            let y = dev.tensor_from_vec(rows(targets, O, batch), (batch.len(), Const::<O>));
            // The gradient buffers ride the tape through the forward pass
            // and come back filled from the backward pass.
            let tape = std::mem::replace(grads, Gradients::leaky());
            let batch_loss = loss(model.forward_mut(x.traced(tape)), y);
            let value = batch_loss.array();
            *grads = batch_loss.backward();
            optimizer
                .update(model, grads)
                .expect("every parameter receives a gradient");
            model.zero_grads(grads);
            value
        },
        |(model, _, _)| validation(model),
    )?;
    Ok((state.0, history))
}
// ANCHOR_END: fit_nadam

/// What `model` makes of each `N`-wide row of `inputs`: `O`-wide rows, back
/// to back.
pub fn predict<M, const N: usize, const O: usize>(model: &M, inputs: &[f32]) -> Vec<f32>
where
    M: Module<Batch<N>, Output = Batch<O>>,
{
    let dev = Cpu::default();
    let mut out = Vec::with_capacity(inputs.len() / N * O);
    for range in sequential_batches(inputs.len() / N, EVAL_BATCH) {
        out.extend(model.forward(slice::<N>(&dev, inputs, range)).as_vec());
    }
    out
}

/// Mean squared error per value between what `model` makes of `inputs` and
/// `targets`: Keras' `"mse"` loss over a whole set.
pub fn mean_squared_error<M, const N: usize, const O: usize>(
    model: &M,
    inputs: &[f32],
    targets: &[f32],
) -> f32
where
    M: Module<Batch<N>, Output = Batch<O>>,
{
    let outputs = predict(model, inputs);
    assert_eq!(outputs.len(), targets.len(), "one target per output");
    let total: f64 = outputs
        .iter()
        .zip(targets)
        .map(|(&o, &t)| f64::from(o - t).powi(2))
        .sum();
    (total / targets.len() as f64) as f32
}

// ANCHOR: input_noise
/// The corruption layer at the input of Géron's denoisers. Like Keras'
/// `Dropout` and `GaussianNoise`, it acts during training only: evaluation
/// feeds the clean images.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum InputNoise {
    /// Keras' `Dropout(rate)`: each pixel is zeroed with probability `rate`
    /// and the survivors scaled by `1 / (1 - rate)`, so the expected input
    /// stays the same.
    Dropout { rate: f32 },
    /// Keras' `GaussianNoise(stddev)`: normal noise added to each pixel,
    /// without clipping.
    Gaussian { stddev: f32 },
}

/// Géron's first denoiser: `Dropout(0.5)` on the input.
pub const GERON_DROPOUT: InputNoise = InputNoise::Dropout { rate: 0.5 };
/// Géron's second denoiser: `GaussianNoise(0.2)` on the input.
pub const GERON_GAUSSIAN: InputNoise = InputNoise::Gaussian { stddev: 0.2 };
/// Géron trains both denoisers for 10 epochs.
pub const GERON_DENOISER_EPOCHS: usize = 10;

impl InputNoise {
    /// Corrupts `pixels` in place.
    pub fn apply(self, pixels: &mut [f32], rng: &mut impl Rng) {
        match self {
            InputNoise::Dropout { rate } => {
                let keep = 1.0 - rate;
                for p in pixels {
                    *p = if rng.r#gen::<f32>() < keep {
                        *p / keep
                    } else {
                        0.0
                    };
                }
            }
            InputNoise::Gaussian { stddev } => {
                let normal = Normal::new(0.0, stddev).expect("a finite, non-negative stddev");
                for p in pixels {
                    *p += normal.sample(rng);
                }
            }
        }
    }

    // ANCHOR_END: input_noise

    /// `Dropout(0.5)` or `GaussianNoise(0.2)`, as the Keras layer is written.
    pub fn keras_layer(self) -> String {
        match self {
            InputNoise::Dropout { rate } => format!("Dropout({rate})"),
            InputNoise::Gaussian { stddev } => format!("GaussianNoise({stddev})"),
        }
    }
}

/// A trained Géron denoiser and its scores on the validation images.
pub struct GeronDenoiser {
    pub model: StackedModel,
    /// Training loss (on corrupted inputs) and validation loss (clean
    /// inputs, as Keras computes `val_loss` with the noise layer off).
    pub history: History,
    /// Validation MSE of the clean images' reconstructions.
    pub clean_mse: f32,
    /// Validation MSE of the clean images against what the model makes of
    /// corrupted copies (the noise drawn once from the seed): how well it
    /// denoises.
    pub denoised_mse: f32,
    /// The corrupted validation images that `denoised_mse` is measured on.
    pub noisy_validation: Vec<f32>,
}

/// Trains Géron's stacked model with `noise` on its input on the images
/// `train` (rows of 784 pixels in [0, 1]), scoring it on `validation`.
/// Géron's settings: MSE, Nadam, [`GERON_DENOISER_EPOCHS`] epochs, batch 32.
pub fn train_geron_denoiser(
    noise: InputNoise,
    train: &[f32],
    validation: &[f32],
    config: &FitConfig,
) -> Result<GeronDenoiser, TrainError> {
    let model = Cpu::seed_from_u64(config.seed).build_module::<StackedAutoencoder, f32>();
    // The noise has its own stream, apart from the weights' and the order's.
    let mut rng = StdRng::seed_from_u64(config.seed.wrapping_add(1));
    let (model, history) = fit_nadam(
        model,
        (train, train),
        config,
        mse_loss,
        |x| noise.apply(x, &mut rng),
        |m| Some(mean_squared_error(m, validation, validation)),
    )?;
    let mut noisy_validation = validation.to_vec();
    noise.apply(
        &mut noisy_validation,
        &mut StdRng::seed_from_u64(config.seed.wrapping_add(2)),
    );
    Ok(GeronDenoiser {
        clean_mse: mean_squared_error(&model, validation, validation),
        denoised_mse: mean_squared_error(&model, &noisy_validation, validation),
        noisy_validation,
        model,
        history,
    })
}

/// Géron's split of Fashion-MNIST: training on `train[:55000]`, validating
/// on `train[55000:]`, from `data_dir` (or `FASHION_MNIST_DIR`).
pub fn geron_fashion_split(
    data_dir: Option<&Path>,
) -> Result<(Images, Images), Box<dyn std::error::Error>> {
    let load = |slice: &str| -> Result<Images, Box<dyn std::error::Error>> {
        let split: Split = slice.parse()?;
        Ok(ae_support::data::load(Dataset::Fashion, &split, data_dir)?)
    };
    Ok((load("train[:55000]")?, load("train[55000:]")?))
}

/// Géron's training settings: `epochs` of batches of 32 (Keras' default),
/// seeded and shown as `common` asks.
pub fn geron_config(epochs: usize, common: &FitConfig) -> FitConfig {
    FitConfig {
        epochs,
        batch_size: 32,
        ..common.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dropout_zeroes_about_half_and_doubles_the_rest() {
        let mut pixels = vec![0.25f32; 10_000];
        GERON_DROPOUT.apply(&mut pixels, &mut StdRng::seed_from_u64(1));
        let zeros = pixels.iter().filter(|&&p| p == 0.0).count();
        assert!((4_700..5_300).contains(&zeros), "{zeros}");
        assert!(pixels.iter().all(|&p| p == 0.0 || p == 0.5));
    }

    #[test]
    fn gaussian_noise_has_the_asked_spread_and_is_not_clipped() {
        let mut pixels = vec![0.0f32; 10_000];
        GERON_GAUSSIAN.apply(&mut pixels, &mut StdRng::seed_from_u64(1));
        let var = pixels.iter().map(|p| p * p).sum::<f32>() / pixels.len() as f32;
        assert!((var.sqrt() - 0.2).abs() < 0.01, "{}", var.sqrt());
        assert!(pixels.iter().any(|&p| p < 0.0), "negative values survive");
    }

    #[test]
    fn the_stacked_model_has_gerons_parameter_count() {
        let model = Cpu::default().build_module::<StackedAutoencoder, f32>();
        // 784·100+100 + 100·30+30 + 30·100+100 + 100·784+784.
        assert_eq!(model.num_trainable_params(), 163_814);
    }

    #[test]
    fn a_few_epochs_of_nadam_lower_the_reconstruction_error() {
        // 64 random "images": the model can at least learn their mean.
        let mut rng = StdRng::seed_from_u64(3);
        let images: Vec<f32> = (0..64 * IMAGE_PIXELS).map(|_| rng.r#gen()).collect();
        let model = Cpu::seed_from_u64(0).build_module::<StackedAutoencoder, f32>();
        let before = mean_squared_error(&model, &images, &images);
        let config = FitConfig {
            epochs: 5,
            batch_size: 16,
            seed: 0,
            quiet: true,
        };
        let (model, history) = fit_nadam(
            model,
            (&images, &images),
            &config,
            mse_loss,
            |_| {},
            |_| None,
        )
        .unwrap();
        let after = mean_squared_error(&model, &images, &images);
        assert_eq!(history.train_loss.len(), 5);
        assert!(after < 0.5 * before, "{before} -> {after}");
    }
}
