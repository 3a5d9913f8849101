//! One optimisation step, the evaluation loss, and reconstructions.
//!
//! All three are generic over the model and the row width `N`, so the same
//! code trains the 100-wide toy model, both MNIST autoencoders of this
//! chapter, and the models of the chapters that follow.

use ae_support::batching::{Batch, gather, slice};
use ae_support::fast::{Adam, Input, bce_with_logits_loss};
use ae_support::training::{FitConfig, History, TrainError, fit};
use dfdx::optim::Optimizer;
use dfdx::prelude::*;

/// A batch that records the operations applied to it, so that gradients can
/// flow back through them.
pub type TracedBatch<const N: usize> = Tensor<(usize, Const<N>), f32, Cpu, OwnedTape<f32, Cpu>>;

/// A traced batch marked as the model's input: nothing reads the gradient
/// with respect to the images, and [`Input`] lets the first layer skip it.
pub type TracedInput<const N: usize> = Input<TracedBatch<N>>;

/// Keras' defaults for Adam: learning rate 0.001, betas 0.9 and 0.999,
/// epsilon 1e-7.
pub const KERAS_ADAM: AdamConfig = AdamConfig {
    lr: 1e-3,
    betas: [0.9, 0.999],
    eps: 1e-7,
    weight_decay: None,
};

/// Adam with the Keras defaults. `fast::Adam` computes exactly what dfdx's
/// `Adam` computes, on every core (chapter 8).
pub fn keras_adam<M>(model: &M) -> Adam<M> {
    Adam::new(model, KERAS_ADAM)
}

// ANCHOR: train_step
/// One step of gradient descent on one mini-batch; returns the batch's mean
/// binary cross-entropy (per pixel) before the update.
///
/// `input` goes into the model and `target` is what it should come out as.
/// For a plain autoencoder they are the same images; a denoising autoencoder
/// feeds noisy images and asks for clean ones.
pub fn train_step<M, O, const N: usize>(
    model: &mut M,
    optimizer: &mut O,
    grads: &mut Gradients<f32, Cpu>,
    input: Batch<N>,
    target: Batch<N>,
) -> f32
where
    M: ModuleMut<TracedInput<N>, Output = TracedBatch<N>> + ZeroGrads<f32, Cpu>,
    O: Optimizer<M, Cpu, f32>,
{
    // Lend the gradient buffers to the tape for the forward pass ...
    let tape = std::mem::replace(grads, Gradients::leaky());
    let logits = model.forward_mut(Input(input.traced(tape)));
    // dfdx's `binary_cross_entropy_with_logits_loss`, computed in one pass.
    let loss = bce_with_logits_loss(logits, target);
    let loss_value = loss.array();
    // ... and get them back, filled, from the backward pass.
    *grads = loss.backward();
    optimizer
        .update(model, grads)
        .expect("every parameter of an autoencoder receives a gradient");
    model.zero_grads(grads);
    loss_value
}
// ANCHOR_END: train_step

// ANCHOR: evaluate
/// Mean binary cross-entropy per pixel of `model` on the row-major table
/// `rows`, fed through in batches of `batch_size` without recording anything
/// for backpropagation (the equivalent of Keras' `evaluate`).
pub fn evaluate<M, const N: usize>(model: &M, rows: &[f32], batch_size: usize) -> f32
where
    M: Module<Batch<N>, Output = Batch<N>>,
{
    let dev = Cpu::default();
    let count = rows.len() / N;
    assert!(count > 0, "nothing to evaluate on");
    let mut total = 0.0f64;
    for range in ae_support::batching::sequential_batches(count, batch_size) {
        let batch: Batch<N> = slice(&dev, rows, range.clone());
        let logits = model.forward(batch.clone());
        let loss = bce_with_logits_loss(logits, batch).array();
        total += f64::from(loss) * range.len() as f64;
    }
    (total / count as f64) as f32
}
// ANCHOR_END: evaluate

// ANCHOR: reconstruct
/// The model's output for every row of `rows`, as pixel intensities in
/// (0, 1): the logits go through a sigmoid here, and only here.
pub fn reconstruct<M, const N: usize>(model: &M, rows: &[f32]) -> Vec<f32>
where
    M: Module<Batch<N>, Output = Batch<N>>,
{
    let dev = Cpu::default();
    let batch: Batch<N> = slice(&dev, rows, 0..rows.len() / N);
    model.forward(batch).sigmoid().as_vec()
}
// ANCHOR_END: reconstruct

/// Binary cross-entropy of predicted probabilities `p` against targets `t`,
/// averaged over all values: the textbook formula, for checking and for
/// baselines that are not models. Probabilities are clipped to
/// `[1e-7, 1 - 1e-7]` as Keras does.
pub fn bce_of_probabilities(p: &[f32], t: &[f32]) -> f32 {
    assert_eq!(p.len(), t.len(), "predictions and targets differ in length");
    let sum: f64 = p
        .iter()
        .zip(t)
        .map(|(&p, &t)| {
            let p = f64::from(p).clamp(1e-7, 1.0 - 1e-7);
            let t = f64::from(t);
            -(t * p.ln() + (1.0 - t) * (1.0 - p).ln())
        })
        .sum();
    (sum / p.len() as f64) as f32
}

/// Everything a training run updates: the model, its optimiser, and the
/// gradient buffers reused from step to step. Handy as the `state` of
/// [`ae_support::training::fit`].
pub struct Trainer<M> {
    pub model: M,
    pub optimizer: Adam<M>,
    pub grads: Gradients<f32, Cpu>,
}

impl<M: ZeroGrads<f32, Cpu>> Trainer<M> {
    /// Adam with the Keras defaults and freshly allocated gradients.
    pub fn new(model: M) -> Self {
        let grads = model.alloc_grads();
        let optimizer = keras_adam(&model);
        Trainer {
            model,
            optimizer,
            grads,
        }
    }

    /// [`train_step`] on this trainer's model.
    pub fn step<const N: usize>(&mut self, input: Batch<N>, target: Batch<N>) -> f32
    where
        M: ModuleMut<TracedInput<N>, Output = TracedBatch<N>>,
    {
        train_step(
            &mut self.model,
            &mut self.optimizer,
            &mut self.grads,
            input,
            target,
        )
    }
}

// ANCHOR: fit_autoencoder
/// Trains `model` to reproduce the rows of `train` (each `N` values), the way
/// Keras' `autoencoder.fit(x_train, x_train, validation_data=(x_test, x_test))`
/// does: shuffled mini-batches, Adam, and the loss on `validation` after every
/// epoch. Returns the trained model and its loss history.
pub fn fit_autoencoder<M, const N: usize>(
    model: M,
    train: &[f32],
    validation: &[f32],
    config: &FitConfig,
) -> Result<(M, History), TrainError>
where
    M: ModuleMut<TracedInput<N>, Output = TracedBatch<N>>
        + Module<Batch<N>, Output = Batch<N>>
        + ZeroGrads<f32, Cpu>,
{
    let dev = Cpu::default();
    let mut trainer = Trainer::new(model);
    let history = fit(
        &mut trainer,
        config,
        train.len() / N,
        |trainer, indices| {
            let batch: Batch<N> = gather(&dev, train, indices);
            trainer.step(batch.clone(), batch)
        },
        |trainer| Some(evaluate(&trainer.model, validation, 1_000)),
    )?;
    Ok((trainer.model, history))
}
// ANCHOR_END: fit_autoencoder

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SimpleAutoencoder;

    #[test]
    fn the_stable_loss_agrees_with_the_textbook_formula() {
        let dev = Cpu::default();
        let model = dev.build_module::<SimpleAutoencoder, f32>();
        let rows: Vec<f32> = (0..5 * 784).map(|i| (i % 7) as f32 / 6.0).collect();
        let stable = evaluate(&model, &rows, 2);
        let textbook = bce_of_probabilities(&reconstruct(&model, &rows), &rows);
        assert!((stable - textbook).abs() < 1e-4, "{stable} vs {textbook}");
    }

    #[test]
    fn training_steps_lower_the_loss_on_a_fixed_batch() {
        let dev = Cpu::seed_from_u64(0);
        let mut trainer = Trainer::new(dev.build_module::<SimpleAutoencoder, f32>());
        let rows: Vec<f32> = (0..16 * 784)
            .map(|i| ((i * 31) % 11) as f32 / 10.0)
            .collect();
        let batch: Batch<784> = slice(&dev, &rows, 0..16);
        let first = trainer.step(batch.clone(), batch.clone());
        let mut last = first;
        for _ in 0..30 {
            last = trainer.step(batch.clone(), batch.clone());
        }
        assert!(last < first - 0.02, "{first} -> {last}");
    }
}
