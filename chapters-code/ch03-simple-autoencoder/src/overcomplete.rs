//! Dertat's warning, measured: an autoencoder whose code is wider than its
//! input, with no other constraint, can copy its input, and the loss rewards
//! copying. Trained long enough on noisy examples it reproduces the noise;
//! a narrow code cannot, and keeps what the examples share.

use crate::toy::{TOY_INPUTS, ToyAutoencoder, factor_data};
use crate::training::{KERAS_ADAM, Trainable, Trainer, bce_of_probabilities, reconstruct};
use ae_fast::unfuse;
use ae_support::batching::{Batch, slice};
use ae_support::losses::BinaryCrossEntropy;
use dfdx::optim::Adam;
use dfdx::prelude::*;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_distr::{Distribution, Normal};

// ANCHOR: overcomplete_model
/// 100 → 400 ReLU units → 100 logits: four code units for every input value.
pub type OvercompleteAutoencoder = ((Linear<100, 400>, ReLU), Linear<400, 100>);
// ANCHOR_END: overcomplete_model

// ANCHOR: noisy_examples
/// Examples as measurements come: the toy's 4-factor rows (chapter 3's
/// Listing 3-1) plus independent Gaussian noise of `noise_std` on every
/// value, kept inside (0, 1) for the cross-entropy. Returns `(clean, noisy)`.
pub fn noisy_factor_data(rows: usize, noise_std: f32, seed: u64) -> (Vec<f32>, Vec<f32>) {
    let clean = factor_data(rows, seed);
    let noise = gaussian(clean.len(), noise_std, seed.wrapping_add(1));
    let noisy = clean
        .iter()
        .zip(&noise)
        .map(|(x, e)| (x + e).clamp(0.001, 0.999))
        .collect();
    (clean, noisy)
}
// ANCHOR_END: noisy_examples

/// `count` draws of a normal distribution with mean 0.
fn gaussian(count: usize, std: f32, seed: u64) -> Vec<f32> {
    let mut rng = StdRng::seed_from_u64(seed);
    let normal = Normal::new(0.0, std).expect("a finite, non-negative standard deviation");
    (0..count).map(|_| normal.sample(&mut rng)).collect()
}

/// Trains `model` on all of `train` at once, `steps` times, with Adam at the
/// toy's learning rate (0.01) and the binary cross-entropy.
pub fn train_full_batch<M: Trainable<TOY_INPUTS>>(model: M, train: &[f32], steps: usize) -> M {
    let dev = Cpu::default();
    let optimizer = Adam::new(
        &model,
        AdamConfig {
            lr: 0.01,
            ..KERAS_ADAM
        },
    );
    let mut trainer = Trainer::new(model, optimizer, BinaryCrossEntropy).fuse();
    let batch: Batch<TOY_INPUTS> = slice(&dev, train, 0..train.len() / TOY_INPUTS);
    for _ in 0..steps {
        trainer.step(batch.clone(), batch.clone());
    }
    unfuse(trainer.model)
}

// ANCHOR: behaviour
/// What a trained model does, beyond its training loss.
#[derive(Clone, Copy, Debug)]
pub struct Behaviour {
    /// Training cross-entropy above the lowest possible (0: a perfect copy).
    pub training_excess: f32,
    /// On held-out noisy rows: mean squared distance of the output from the
    /// clean rows behind them, ...
    pub to_clean: f32,
    /// ... and from the noisy rows it was given.
    pub to_noisy: f32,
    /// The share of a small random change to the input that comes out of
    /// the model, `|f(x + d) - f(x)| / |d|`: 1 for the identity.
    pub copied: f32,
}

/// Measures `model`, trained on `train`, on the held-out `clean` rows and
/// their `noisy` versions, and on `clean` plus a fresh perturbation `probe`.
pub fn behaviour<M>(
    model: &M,
    train: &[f32],
    clean: &[f32],
    noisy: &[f32],
    probe: &[f32],
) -> Behaviour
where
    M: Module<Batch<TOY_INPUTS>, Output = Batch<TOY_INPUTS>>,
{
    let mean_square = |a: &[f32], b: &[f32]| {
        a.iter().zip(b).map(|(x, y)| (x - y).powi(2)).sum::<f32>() / a.len() as f32
    };
    let output = reconstruct(model, noisy);
    let pushed: Vec<f32> = clean.iter().zip(probe).map(|(x, d)| x + d).collect();
    let moved = mean_square(&reconstruct(model, clean), &reconstruct(model, &pushed));
    Behaviour {
        training_excess: bce_of_probabilities(&reconstruct(model, train), train)
            - bce_of_probabilities(train, train),
        to_clean: mean_square(&output, clean),
        to_noisy: mean_square(&output, noisy),
        copied: (moved / mean_square(probe, &vec![0.0; probe.len()])).sqrt(),
    }
}
// ANCHOR_END: behaviour

// ANCHOR: experiment
/// 500 noisy training rows, 500 held-out ones (noise 0.05 on values in
/// (0, 1)); the toy's 100-4-100 model and the 100-400-100 one, both trained
/// `steps` full-batch steps from weights drawn with `seed`.
/// Returns `(narrow, wide)`.
pub fn overcomplete_experiment(steps: usize, seed: u64) -> (Behaviour, Behaviour) {
    let (clean, noisy) = noisy_factor_data(1_000, 0.05, seed);
    let half = 500 * TOY_INPUTS;
    let (train, held_out, held_out_clean) = (&noisy[..half], &noisy[half..], &clean[half..]);
    let probe = gaussian(half, 0.05, seed.wrapping_add(2));
    let dev = Cpu::seed_from_u64(seed);
    let narrow = train_full_batch(dev.build_module::<ToyAutoencoder, f32>(), train, steps);
    let wide = train_full_batch(
        dev.build_module::<OvercompleteAutoencoder, f32>(),
        train,
        steps,
    );
    (
        behaviour(&narrow, train, held_out_clean, held_out, &probe),
        behaviour(&wide, train, held_out_clean, held_out, &probe),
    )
}
// ANCHOR_END: experiment

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noise_is_repeatable_and_kept_inside_the_unit_interval() {
        let (clean, noisy) = noisy_factor_data(20, 0.05, 3);
        assert_eq!(noisy_factor_data(20, 0.05, 3).1, noisy);
        assert!(noisy.iter().all(|&x| x > 0.0 && x < 1.0));
        let spread = noisy
            .iter()
            .zip(&clean)
            .map(|(a, b)| (a - b).powi(2))
            .sum::<f32>()
            / clean.len() as f32;
        assert!((spread.sqrt() - 0.05).abs() < 0.01, "{spread}");
    }

    #[test]
    fn the_identity_copies_all_of_a_change_and_reproduces_the_noise() {
        // A "model" that returns its input's logits unchanged is the identity.
        struct Identity;
        impl Module<Batch<TOY_INPUTS>> for Identity {
            type Output = Batch<TOY_INPUTS>;
            type Error = std::convert::Infallible;
            fn try_forward(&self, x: Batch<TOY_INPUTS>) -> Result<Self::Output, Self::Error> {
                Ok((x.clone() / (x.negate() + 1.0)).ln())
            }
        }
        let (clean, noisy) = noisy_factor_data(10, 0.05, 0);
        let probe = gaussian(clean.len(), 0.01, 9);
        let b = behaviour(&Identity, &noisy, &clean, &noisy, &probe);
        assert!((b.copied - 1.0).abs() < 0.01, "{b:?}");
        assert!(b.to_noisy < 1e-9 && b.training_excess.abs() < 1e-4, "{b:?}");
    }
}
