//! One optimisation step, the evaluation loss, and reconstructions.
//!
//! All three are generic over the model and the row width `N`, so the same
//! code trains the 100-wide toy model, both MNIST autoencoders of this
//! chapter, and the models of the chapters that follow.

use ae_fast::{Fuse, FuseLayers, Fused, unfuse};
use ae_support::batching::{Batch, gather, slice};
use ae_support::losses::Loss;
use ae_support::training::{FitConfig, History, TrainError, fit};
use dfdx::nn::modules::TensorCollection;
use dfdx::optim::{Adam, Optimizer};
use dfdx::prelude::*;

/// A batch that records the operations applied to it, so that gradients can
/// flow back through them.
pub type TracedBatch<const N: usize> = Tensor<(usize, Const<N>), f32, Cpu, OwnedTape<f32, Cpu>>;

/// Keras' defaults for Adam: learning rate 0.001, betas 0.9 and 0.999,
/// epsilon 1e-7.
pub const KERAS_ADAM: AdamConfig = AdamConfig {
    lr: 1e-3,
    betas: [0.9, 0.999],
    eps: 1e-7,
    weight_decay: None,
};

/// dfdx's Adam with the Keras defaults, for `model`.
pub fn keras_adam<M>(model: &M) -> Adam<M, f32, Cpu> {
    Adam::new(model, KERAS_ADAM)
}

/// What an autoencoder on rows of `N` values can do: run forward on a
/// recording batch (training) or a plain one (evaluation), and show dfdx its
/// parameters (for the optimiser and the gradient buffers).
pub trait Autoencoder<const N: usize>:
    ModuleMut<TracedBatch<N>, Output = TracedBatch<N>>
    + Module<Batch<N>, Output = Batch<N>>
    + TensorCollection<f32, Cpu>
{
}

impl<M, const N: usize> Autoencoder<N> for M where
    M: ModuleMut<TracedBatch<N>, Output = TracedBatch<N>>
        + Module<Batch<N>, Output = Batch<N>>
        + TensorCollection<f32, Cpu>
{
}

/// A plain dfdx autoencoder on rows of `N` values whose fused twin can be
/// trained: what [`fit_autoencoder`] and the later chapters' training
/// functions accept.
pub trait Trainable<const N: usize>:
    FuseLayers<Fused = Self::Twin> + TensorCollection<f32, Cpu> + Module<Batch<N>, Output = Batch<N>>
{
    /// The fused twin, `Fused<Self>`.
    type Twin: Autoencoder<N>;
}

impl<M, const N: usize> Trainable<N> for M
where
    M: FuseLayers + TensorCollection<f32, Cpu> + Module<Batch<N>, Output = Batch<N>>,
    M::Fused: Autoencoder<N>,
{
    type Twin = M::Fused;
}

// ANCHOR: train_step
/// One step of gradient descent on one mini-batch; returns the batch's
/// `loss` (mean per value) before the update.
///
/// `input` goes into the model and `target` is what it should come out as.
/// For a plain autoencoder they are the same images; a denoising autoencoder
/// feeds noisy images and asks for clean ones.
pub fn train_step<M, O, L, const N: usize>(
    model: &mut M,
    optimizer: &mut O,
    loss: &L,
    grads: &mut Gradients<f32, Cpu>,
    input: Batch<N>,
    target: Batch<N>,
) -> f32
where
    M: ModuleMut<TracedBatch<N>, Output = TracedBatch<N>> + ZeroGrads<f32, Cpu>,
    O: Optimizer<M, Cpu, f32>,
    L: Loss,
{
    // Lend the gradient buffers to the tape for the forward pass ...
    let tape = std::mem::replace(grads, Gradients::leaky());
    let output = model.forward_mut(input.traced(tape));
    let loss = loss.loss(output, target);
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
/// The mean `loss` of `model` on the row-major table `rows`, fed through in
/// batches of `batch_size` without recording anything for backpropagation
/// (the equivalent of Keras' `evaluate`).
pub fn evaluate<M, L, const N: usize>(model: &M, loss: &L, rows: &[f32], batch_size: usize) -> f32
where
    M: Module<Batch<N>, Output = Batch<N>>,
    L: Loss,
{
    let dev = Cpu::default();
    let count = rows.len() / N;
    assert!(count > 0, "nothing to evaluate on");
    let mut total = 0.0f64;
    for range in ae_support::batching::sequential_batches(count, batch_size) {
        let batch: Batch<N> = slice(&dev, rows, range.clone());
        let output = model.forward(batch.clone());
        total += f64::from(loss.loss(output, batch).array()) * range.len() as f64;
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

// ANCHOR: trainer
/// Everything a training run updates, and the loss it minimises: Keras'
/// compiled model, `model.compile(optimizer=..., loss=...)`.
pub struct Trainer<M, O, L> {
    pub model: M,
    pub optimizer: O,
    pub loss: L,
    /// Gradient buffers, reused from step to step.
    pub grads: Gradients<f32, Cpu>,
}

impl<M: ZeroGrads<f32, Cpu>, O, L: Loss> Trainer<M, O, L> {
    pub fn new(model: M, optimizer: O, loss: L) -> Self {
        let grads = model.alloc_grads();
        Trainer {
            model,
            optimizer,
            loss,
            grads,
        }
    }

    /// [`train_step`] on this trainer's model.
    pub fn step<const N: usize>(&mut self, input: Batch<N>, target: Batch<N>) -> f32
    where
        M: ModuleMut<TracedBatch<N>, Output = TracedBatch<N>>,
        O: Optimizer<M, Cpu, f32>,
    {
        let Trainer {
            model,
            optimizer,
            loss,
            grads,
        } = self;
        train_step(model, optimizer, loss, grads, input, target)
    }
}

impl<M: Fuse, O: Fuse, L: Fuse> Trainer<M, O, L>
where
    Fused<M>: ZeroGrads<f32, Cpu>,
    Fused<L>: Loss,
{
    /// The same training with every part swapped for its fused twin, which
    /// computes the same numbers several times faster (chapter 12). Call it
    /// before the first step.
    pub fn fuse(self) -> Trainer<Fused<M>, Fused<O>, Fused<L>> {
        Trainer::new(self.model.fuse(), self.optimizer.fuse(), self.loss.fuse())
    }
}
// ANCHOR_END: trainer

// ANCHOR: fit_autoencoder
/// Trains `model` to reproduce the rows of `train` (each `N` values), the way
/// Keras' `autoencoder.fit(x_train, x_train, validation_data=(x_test, x_test))`
/// does after `compile(optimizer, loss)`: shuffled mini-batches, and the loss
/// on `validation` after every epoch. Returns the trained model and its loss
/// history.
pub fn fit_autoencoder_with<M, O, L, const N: usize>(
    model: M,
    optimizer: O,
    loss: L,
    train: &[f32],
    validation: &[f32],
    config: &FitConfig,
) -> Result<(M, History), TrainError>
where
    M: Trainable<N>,
    O: Fuse,
    Fused<O>: Optimizer<Fused<M>, Cpu, f32>,
    L: Loss + Fuse,
    Fused<L>: Loss,
{
    let dev = Cpu::default();
    let mut trainer = Trainer::new(model, optimizer, loss).fuse();
    let history = fit(
        &mut trainer,
        config,
        train.len() / N,
        |trainer, indices| {
            let batch: Batch<N> = gather(&dev, train, indices);
            trainer.step(batch.clone(), batch)
        },
        |trainer| {
            Some(evaluate(
                &trainer.model,
                &trainer.loss,
                validation,
                EVAL_BATCH,
            ))
        },
    )?;
    Ok((unfuse(trainer.model), history))
}

/// [`fit_autoencoder_with`] Adam at Keras' defaults, the book's usual choice.
pub fn fit_autoencoder<M, L, const N: usize>(
    model: M,
    loss: L,
    train: &[f32],
    validation: &[f32],
    config: &FitConfig,
) -> Result<(M, History), TrainError>
where
    M: Trainable<N>,
    L: Loss + Fuse,
    Fused<L>: Loss,
{
    let optimizer = keras_adam(&model);
    fit_autoencoder_with(model, optimizer, loss, train, validation, config)
}
// ANCHOR_END: fit_autoencoder

/// Rows per batch when a model is only evaluated: large, since nothing is
/// recorded for a backward pass.
pub const EVAL_BATCH: usize = 1_000;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SimpleAutoencoder;
    use ae_support::losses::BinaryCrossEntropy;

    #[test]
    fn the_stable_loss_agrees_with_the_textbook_formula() {
        let dev = Cpu::default();
        let model = dev.build_module::<SimpleAutoencoder, f32>();
        let rows: Vec<f32> = (0..5 * 784).map(|i| (i % 7) as f32 / 6.0).collect();
        let stable = evaluate(&model, &BinaryCrossEntropy, &rows, 2);
        let textbook = bce_of_probabilities(&reconstruct(&model, &rows), &rows);
        assert!((stable - textbook).abs() < 1e-4, "{stable} vs {textbook}");
    }

    #[test]
    fn training_steps_lower_the_loss_on_a_fixed_batch() {
        let dev = Cpu::seed_from_u64(0);
        let model = dev.build_module::<SimpleAutoencoder, f32>();
        let optimizer = keras_adam(&model);
        let mut trainer = Trainer::new(model, optimizer, BinaryCrossEntropy).fuse();
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
