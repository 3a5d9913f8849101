//! A toy autoencoder on generated data: 100 numbers in, 4 in the middle, 100
//! out. The data is made from 4 hidden factors, so 4 numbers *can* carry all
//! of it, and we can check that the network finds them by comparing it with
//! the best guess that ignores the input: the average example.

use crate::model::Built;
use crate::training::{KERAS_ADAM, Trainer, bce_of_probabilities, evaluate};
use ae_fast::unfuse;
use ae_support::batching::{gather, shuffled_batches};
use ae_support::losses::BinaryCrossEntropy;
use dfdx::optim::Adam;
use dfdx::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Width of one generated example.
pub const TOY_INPUTS: usize = 100;
/// Hidden factors behind each example, and units in the toy code.
pub const TOY_FACTORS: usize = 4;

// ANCHOR: toy_model
/// 100 → 4 sigmoid units → 100; the last layer gives logits, and its
/// sigmoid comes with the loss.
pub type ToyAutoencoder = ((Linear<100, 4>, Sigmoid), Linear<4, 100>);
/// The toy autoencoder with weights.
pub type ToyModel = Built<ToyAutoencoder>;
// ANCHOR_END: toy_model

// ANCHOR: factor_data
/// `rows` examples of [`TOY_INPUTS`] values in (0, 1), row after row.
///
/// Each example draws 4 factors uniformly from [-0.5, 0.5]. A random
/// 100 × 4 mixing matrix (entries uniform in [-3.5, 3.5], fixed by the seed,
/// shared by every example) turns them into 100 numbers, and a sigmoid
/// squeezes those into (0, 1).
pub fn factor_data(rows: usize, seed: u64) -> Vec<f32> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mixing: Vec<f32> = (0..TOY_INPUTS * TOY_FACTORS)
        .map(|_| rng.gen_range(-3.5..3.5))
        .collect();
    let mut data = Vec::with_capacity(rows * TOY_INPUTS);
    for _ in 0..rows {
        let factors: [f32; TOY_FACTORS] = std::array::from_fn(|_| rng.r#gen::<f32>() - 0.5);
        for weights in mixing.chunks(TOY_FACTORS) {
            let z: f32 = weights.iter().zip(&factors).map(|(w, f)| w * f).sum();
            data.push(1.0 / (1.0 + (-z).exp()));
        }
    }
    data
}
// ANCHOR_END: factor_data

// ANCHOR: mean_baseline
/// The loss of a "model" that ignores its input and always answers with the
/// average training example: what an autoencoder must beat to have learned
/// anything about individual examples.
pub fn mean_baseline(train: &[f32], eval: &[f32], width: usize) -> f32 {
    let rows = train.len() / width;
    let mut mean = vec![0.0f32; width];
    for row in train.chunks(width) {
        mean.iter_mut()
            .zip(row)
            .for_each(|(m, x)| *m += x / rows as f32);
    }
    let prediction: Vec<f32> = eval
        .chunks(width)
        .flat_map(|_| mean.iter().copied())
        .collect();
    bce_of_probabilities(&prediction, eval)
}
// ANCHOR_END: mean_baseline

/// The lowest binary cross-entropy any model can reach on `rows`: the loss
/// of predicting every value exactly. With targets strictly between 0 and 1
/// that floor is above zero, so losses are best read against it.
pub fn bce_floor(rows: &[f32]) -> f32 {
    bce_of_probabilities(rows, rows)
}

/// The three losses the toy experiment compares, all on held-out rows.
#[derive(Clone, Debug)]
pub struct ToyReport {
    /// Epochs of training.
    pub epochs: usize,
    /// The trained 100-4-100 autoencoder.
    pub autoencoder: f32,
    /// Always predicting the mean training example.
    pub mean_baseline: f32,
    /// Predicting every value exactly.
    pub floor: f32,
}

// ANCHOR: train_toy
/// Trains the toy autoencoder with Adam (learning rate `lr`) on `train` for
/// `epochs` passes in shuffled batches of `batch_size`.
pub fn train_toy(train: &[f32], epochs: usize, batch_size: usize, lr: f64, seed: u64) -> ToyModel {
    let dev = Cpu::seed_from_u64(seed);
    let model = dev.build_module::<ToyAutoencoder, f32>();
    let optimizer = Adam::new(&model, AdamConfig { lr, ..KERAS_ADAM });
    // Train the fused twin: the same numbers, faster (chapter 12).
    let mut trainer = Trainer::new(model, optimizer, BinaryCrossEntropy).fuse();
    let mut rng = StdRng::seed_from_u64(seed);
    for _ in 0..epochs {
        for indices in shuffled_batches(train.len() / TOY_INPUTS, batch_size, &mut rng) {
            let batch = gather::<TOY_INPUTS>(&dev, train, &indices);
            trainer.step(batch.clone(), batch);
        }
    }
    unfuse(trainer.model)
}
// ANCHOR_END: train_toy

/// The learning rate of the toy: ten times the Keras default, because a
/// 4-unit network on 2,000 rows has little to lose from big steps.
pub const TOY_LEARNING_RATE: f64 = 0.01;

/// The whole toy experiment: 2,000 generated training rows, 500 held-out
/// rows, `epochs` epochs of batches of 32.
pub fn toy_experiment(epochs: usize, seed: u64) -> ToyReport {
    let data = factor_data(2_500, seed);
    let (train, eval) = data.split_at(2_000 * TOY_INPUTS);
    let model = train_toy(train, epochs, 32, TOY_LEARNING_RATE, seed);
    ToyReport {
        epochs,
        autoencoder: evaluate(&model, &BinaryCrossEntropy, eval, 500),
        mean_baseline: mean_baseline(train, eval, TOY_INPUTS),
        floor: bce_floor(eval),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_data_is_repeatable_and_inside_the_unit_interval() {
        let a = factor_data(10, 3);
        assert_eq!(a, factor_data(10, 3));
        assert_ne!(a, factor_data(10, 4));
        assert_eq!(a.len(), 10 * TOY_INPUTS);
        assert!(a.iter().all(|&x| x > 0.0 && x < 1.0));
    }

    #[test]
    fn the_toy_autoencoder_beats_the_mean() {
        let report = toy_experiment(10, 0);
        assert!(report.floor < report.autoencoder);
        let gap_closed =
            (report.mean_baseline - report.autoencoder) / (report.mean_baseline - report.floor);
        assert!(gap_closed > 0.8, "{report:?}");
    }
}
