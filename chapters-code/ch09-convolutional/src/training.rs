//! Training and scoring. Nothing here is about convolutions: the models take
//! rows of 784 pixels like chapter 3's, so chapter 3's training step and
//! chapter 5's scores apply as they are.
//!
//! The step is plain dfdx: `dfdx::optim::Adam` with Keras' defaults and
//! `binary_cross_entropy_with_logits_loss` on the logits.

use ae_support::batching::gather;
use ae_support::data::IMAGE_PIXELS;
use ae_support::losses::BinaryCrossEntropy;
use ae_support::training::{FitConfig, History, TrainError, fit};
use ch03_simple_autoencoder::{Autoencoder, EVAL_BATCH, Trainer, keras_adam};
use ch05_denoising::{NoiseFactor, NoisySet, add_noise, denoising_loss};
use dfdx::prelude::*;
use rand::SeedableRng;
use rand::rngs::StdRng;

// ANCHOR: pairs
/// Images with no noise: what an autoencoder is trained and scored on, as a
/// [`NoisySet`] whose "noisy" inputs are the clean images themselves.
pub fn clean_pairs(images: &[f32]) -> NoisySet {
    NoisySet {
        clean: images.to_vec(),
        noisy: images.to_vec(),
    }
}

/// Chollet's denoising recipe: one noisy copy of the training images, drawn
/// once before training (noise `factor`, clipped to [0, 1], chapter 5's
/// `add_noise`).
pub fn noisy_pairs(images: &[f32], factor: NoiseFactor, seed: u64) -> NoisySet {
    let noisy = add_noise(images, factor, &mut StdRng::seed_from_u64(seed));
    NoisySet {
        clean: images.to_vec(),
        noisy,
    }
}
// ANCHOR_END: pairs

// ANCHOR: fit_model
/// Trains `model` to turn each image of `train.noisy` into the same image of
/// `train.clean`, with the validation loss on `validation` after every epoch.
pub fn fit_model<M: Autoencoder<IMAGE_PIXELS>>(
    model: M,
    train: &NoisySet,
    validation: &NoisySet,
    config: &FitConfig,
) -> Result<(M, History), TrainError> {
    let dev = Cpu::default();
    let optimizer = keras_adam(&model);
    let mut trainer = Trainer::new(model, optimizer, BinaryCrossEntropy);
    let history = fit(
        &mut trainer,
        config,
        train.len(),
        |trainer, indices| {
            let input = gather(&dev, &train.noisy, indices);
            let target = gather(&dev, &train.clean, indices);
            trainer.step::<IMAGE_PIXELS>(input, target)
        },
        |trainer| {
            let loss = &trainer.loss;
            Some(denoising_loss(&trainer.model, loss, validation, EVAL_BATCH))
        },
    )?;
    Ok((trainer.model, history))
}
// ANCHOR_END: fit_model

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::CholletAutoencoder;

    #[test]
    fn a_few_steps_lower_the_loss_of_a_convolutional_model() {
        let dev = Cpu::seed_from_u64(0);
        let model = dev.build_module::<CholletAutoencoder, f32>();
        let images: Vec<f32> = (0..16 * IMAGE_PIXELS)
            .map(|i| ((i / 28 + i % 28) % 5) as f32 / 4.0)
            .collect();
        let set = clean_pairs(&images);
        let config = FitConfig {
            epochs: 4,
            batch_size: 8,
            seed: 1,
            quiet: true,
        };
        let (_, history) = fit_model(model, &set, &set, &config).unwrap();
        let (first, last) = (history.train_loss[0], history.train_loss[3]);
        assert!(last < first, "{first} -> {last}");
        assert_eq!(history.validation_loss.len(), 4);
    }

    #[test]
    fn noisy_pairs_keep_the_clean_targets() {
        let images = vec![0.5; 2 * IMAGE_PIXELS];
        let set = noisy_pairs(&images, NoiseFactor::new(0.5).unwrap(), 3);
        assert_eq!(set.clean, images);
        assert_ne!(set.noisy, images);
        assert!(set.noisy.iter().all(|v| (0.0..=1.0).contains(v)));
    }
}
