//! One training step with a sparsity penalty, a training loop around it, and
//! the matching evaluation.
//!
//! Compared with chapter 3's step, one thing changes: the code, the encoder's
//! output, is used twice. The decoder turns it into the reconstruction, and
//! the penalty turns it into a number that says how much of the code is in
//! use. Both losses are added, and one backward pass sends both gradients
//! through the encoder.

use crate::penalty::{Codes, kl_sparsity, kl_sparsity_of, l1_activity, l1_activity_of};
use crate::report::Outcome;
use crate::stats::CodeStats;
use ae_fast::{Fuse, FuseLayers, unfuse};
use ae_support::batching::{Batch, gather, sequential_batches, slice};
use ae_support::data::{IMAGE_PIXELS, Images};
use ae_support::losses::{BinaryCrossEntropy, Loss, MeanSquaredError};
use ae_support::training::{FitConfig, History, TrainError, fit};
use ch03_simple_autoencoder::{TracedBatch, keras_adam};
use dfdx::nn::modules::TensorCollection;
use dfdx::optim::Optimizer;
use dfdx::prelude::*;

/// How the output is compared with the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reconstruction {
    /// Binary cross-entropy computed from logits, as in chapter 3.
    CrossEntropy,
    /// Mean squared error of raw outputs, as in Géron's example.
    SquaredError,
}

/// The reconstruction is dfdx's loss of that name.
impl Loss for Reconstruction {
    fn loss<S: Shape, T: Tape<f32, Cpu>>(
        &self,
        output: Tensor<S, f32, Cpu, T>,
        target: Tensor<S, f32, Cpu>,
    ) -> Tensor<Rank0, f32, Cpu, T> {
        match self {
            Reconstruction::CrossEntropy => BinaryCrossEntropy.loss(output, target),
            Reconstruction::SquaredError => MeanSquaredError.loss(output, target),
        }
    }
}

/// A [`Reconstruction`] computed by its loss's fused twin (chapter 12).
#[derive(Clone, Copy, Debug)]
pub struct FusedReconstruction(Reconstruction);

impl Fuse for Reconstruction {
    type Fused = FusedReconstruction;

    fn fuse(self) -> FusedReconstruction {
        FusedReconstruction(self)
    }
}

impl Loss for FusedReconstruction {
    fn loss<S: Shape, T: Tape<f32, Cpu>>(
        &self,
        output: Tensor<S, f32, Cpu, T>,
        target: Tensor<S, f32, Cpu>,
    ) -> Tensor<Rank0, f32, Cpu, T> {
        match self.0 {
            Reconstruction::CrossEntropy => BinaryCrossEntropy.fuse().loss(output, target),
            Reconstruction::SquaredError => MeanSquaredError.fuse().loss(output, target),
        }
    }
}

/// Which sparsity penalty is added to the loss, and how strongly.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Sparsity {
    /// No penalty: a standard autoencoder.
    None,
    /// `lambda · Σ_j |code_j|` per image, averaged over the batch.
    L1 { lambda: f32 },
    /// `beta · Σ_j KL(target ‖ mean activation of unit j over the batch)`.
    Kl { beta: f32, target: f32 },
}

/// In words, for the reader: `no penalty`, `L1 penalty, λ = 0.00032`, ...
impl std::fmt::Display for Sparsity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Sparsity::None => write!(f, "no penalty"),
            Sparsity::L1 { lambda } => write!(f, "L1 penalty, λ = {lambda}"),
            Sparsity::Kl { beta, target } => {
                write!(f, "KL penalty, β = {beta}, target activation {target}")
            }
        }
    }
}

/// The losses of one batch (or of a whole evaluation set).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Losses {
    /// Reconstruction loss, mean per pixel.
    pub reconstruction: f32,
    /// The weighted penalty, as it is added to the loss.
    pub penalty: f32,
}

impl Losses {
    /// What the optimiser minimises: reconstruction plus penalty.
    pub fn total(&self) -> f32 {
        self.reconstruction + self.penalty
    }
}

// ANCHOR: sparse_step
/// One step of gradient descent on `reconstruction + penalty` for a model
/// made of an encoder (`.0`) with a `C`-wide code and a decoder (`.1`).
/// Returns the batch's losses before the update.
pub fn sparse_step<E, D, O, L, const C: usize>(
    model: &mut (E, D),
    optimizer: &mut O,
    grads: &mut Gradients<f32, Cpu>,
    batch: Batch<IMAGE_PIXELS>,
    reconstruction: &L,
    sparsity: Sparsity,
) -> Losses
where
    E: ModuleMut<TracedBatch<IMAGE_PIXELS>, Output = TracedBatch<C>>,
    D: ModuleMut<TracedBatch<C>, Output = TracedBatch<IMAGE_PIXELS>>,
    (E, D): ZeroGrads<f32, Cpu>,
    O: Optimizer<(E, D), Cpu, f32>,
    L: Loss,
{
    let tape = std::mem::replace(grads, Gradients::leaky());
    let code = model.0.forward_mut(batch.clone().traced(tape));
    // A second handle on the code, with a tape of its own for the penalty.
    let code_for_penalty: Codes<C, OwnedTape<f32, Cpu>> = code.retaped();
    let output = model.1.forward_mut(code);
    let reconstruction = reconstruction.loss(output, batch);
    let penalty = match sparsity {
        Sparsity::None => None,
        Sparsity::L1 { lambda } => Some(l1_activity(code_for_penalty) * lambda),
        Sparsity::Kl { beta, target } => Some(kl_sparsity(code_for_penalty, target) * beta),
    };
    let losses = Losses {
        reconstruction: reconstruction.array(),
        penalty: penalty.as_ref().map_or(0.0, |p| p.array()),
    };
    // Adding the two merges their tapes: one backward pass covers both.
    let loss = match penalty {
        Some(penalty) => reconstruction + penalty,
        None => reconstruction,
    };
    *grads = loss.backward();
    optimizer
        .update(model, grads)
        .expect("every parameter receives a gradient");
    model.zero_grads(grads);
    losses
}
// ANCHOR_END: sparse_step

/// The codes of every row of `rows`, computed in batches, back to back.
pub fn encode_all<E, const C: usize>(encoder: &E, rows: &[f32]) -> Vec<f32>
where
    E: Module<Batch<IMAGE_PIXELS>, Output = Batch<C>>,
{
    let dev = Cpu::default();
    let mut codes = Vec::with_capacity(rows.len() / IMAGE_PIXELS * C);
    for range in sequential_batches(rows.len() / IMAGE_PIXELS, 1_000) {
        let batch: Batch<IMAGE_PIXELS> = slice(&dev, rows, range);
        codes.extend(encoder.forward(batch).as_vec());
    }
    codes
}

/// The model's output for every row of `rows`, as pixel values: through a
/// sigmoid for a cross-entropy model (which outputs logits), as they are for
/// a squared-error model.
pub fn outputs<E, D, const C: usize>(
    model: &(E, D),
    rows: &[f32],
    reconstruction: Reconstruction,
) -> Vec<f32>
where
    E: Module<Batch<IMAGE_PIXELS>, Output = Batch<C>>,
    D: Module<Batch<C>, Output = Batch<IMAGE_PIXELS>>,
{
    let dev = Cpu::default();
    let batch: Batch<IMAGE_PIXELS> = slice(&dev, rows, 0..rows.len() / IMAGE_PIXELS);
    let output = model.1.forward(model.0.forward(batch));
    match reconstruction {
        Reconstruction::CrossEntropy => output.sigmoid().as_vec(),
        Reconstruction::SquaredError => output.as_vec(),
    }
}

/// The losses of `model` on `rows`, in batches of `batch_size` (the penalty
/// of the KL experiment depends on the batch, through the mean activations,
/// so evaluate with the training batch size), averaged over the images.
pub fn evaluate<E, D, L, const C: usize>(
    model: &(E, D),
    rows: &[f32],
    reconstruction: &L,
    sparsity: Sparsity,
    batch_size: usize,
) -> Losses
where
    E: Module<Batch<IMAGE_PIXELS>, Output = Batch<C>>,
    D: Module<Batch<C>, Output = Batch<IMAGE_PIXELS>>,
    L: Loss,
{
    let dev = Cpu::default();
    let count = rows.len() / IMAGE_PIXELS;
    let (mut rec, mut pen) = (0.0f64, 0.0f64);
    for range in sequential_batches(count, batch_size) {
        let batch: Batch<IMAGE_PIXELS> = slice(&dev, rows, range.clone());
        let code = model.0.forward(batch.clone());
        let codes = code.as_vec();
        let output = model.1.forward(code);
        let r = reconstruction.loss(output, batch).array();
        let p = match sparsity {
            Sparsity::None => 0.0,
            Sparsity::L1 { lambda } => lambda * l1_activity_of(&codes, C),
            Sparsity::Kl { beta, target } => beta * kl_sparsity_of(&codes, C, target),
        };
        let n = range.len() as f64;
        rec += f64::from(r) * n;
        pen += f64::from(p) * n;
    }
    Losses {
        reconstruction: (rec / count as f64) as f32,
        penalty: (pen / count as f64) as f32,
    }
}

/// A model after training, with its loss history (totals, penalty included).
pub struct Trained<M> {
    pub model: M,
    pub history: History,
}

// ANCHOR: fit_sparse
/// Trains `model` on the rows of `train` with Adam (Keras defaults), reporting
/// the total loss on `validation` after every epoch.
pub fn fit_sparse<M, E, D, const C: usize>(
    model: M,
    train: &[f32],
    validation: &[f32],
    config: &FitConfig,
    reconstruction: Reconstruction,
    sparsity: Sparsity,
) -> Result<Trained<M>, TrainError>
where
    // A plain dfdx model whose fused twin is an encoder `E` with a
    // `C`-wide code and a decoder `D`.
    M: FuseLayers<Fused = (E, D)> + TensorCollection<f32, Cpu>,
    (E, D): TensorCollection<f32, Cpu>,
    E: ModuleMut<TracedBatch<IMAGE_PIXELS>, Output = TracedBatch<C>>
        + Module<Batch<IMAGE_PIXELS>, Output = Batch<C>>,
    D: ModuleMut<TracedBatch<C>, Output = TracedBatch<IMAGE_PIXELS>>
        + Module<Batch<C>, Output = Batch<IMAGE_PIXELS>>,
{
    let optimizer = keras_adam(&model);
    // Train the fused twins of the model, the optimiser and the loss.
    let (model, optimizer, loss) = (model.fuse(), optimizer.fuse(), reconstruction.fuse());
    let (model, history) =
        train_sparse(model, optimizer, &loss, train, validation, config, sparsity)?;
    Ok(Trained {
        model: unfuse(model),
        history,
    })
}

/// The loop under every sparse run: shuffled batches of `train`, each one
/// [`sparse_step`] with `optimizer` on `reconstruction` plus `sparsity`, and
/// the total loss on `validation` after every epoch.
pub fn train_sparse<E, D, O, L, const C: usize>(
    model: (E, D),
    optimizer: O,
    reconstruction: &L,
    train: &[f32],
    validation: &[f32],
    config: &FitConfig,
    sparsity: Sparsity,
) -> Result<((E, D), History), TrainError>
where
    E: ModuleMut<TracedBatch<IMAGE_PIXELS>, Output = TracedBatch<C>>
        + Module<Batch<IMAGE_PIXELS>, Output = Batch<C>>,
    D: ModuleMut<TracedBatch<C>, Output = TracedBatch<IMAGE_PIXELS>>
        + Module<Batch<C>, Output = Batch<IMAGE_PIXELS>>,
    (E, D): TensorCollection<f32, Cpu>,
    O: Optimizer<(E, D), Cpu, f32>,
    L: Loss,
{
    let dev = Cpu::default();
    let grads = model.alloc_grads();
    let mut state = (model, optimizer, grads);
    let history = fit(
        &mut state,
        config,
        train.len() / IMAGE_PIXELS,
        |(model, optimizer, grads), indices| {
            let batch: Batch<IMAGE_PIXELS> = gather(&dev, train, indices);
            sparse_step(model, optimizer, grads, batch, reconstruction, sparsity).total()
        },
        |(model, _, _)| {
            let losses = evaluate(
                model,
                validation,
                reconstruction,
                sparsity,
                config.batch_size,
            );
            Some(losses.total())
        },
    )?;
    Ok((state.0, history))
}
// ANCHOR_END: fit_sparse

/// Trains `model` with `sparsity` (see [`fit_sparse`]), then measures it on
/// `eval`: losses, code statistics, its outputs for the images `picks`.
/// `label` names it in the tables and figures.
pub fn train_and_measure<PE, PD, E, D, const C: usize>(
    (label, sparsity): (String, Sparsity),
    model: (PE, PD),
    train: &Images,
    eval: &Images,
    picks: &[usize],
    config: &FitConfig,
    reconstruction: Reconstruction,
) -> Result<Outcome, TrainError>
where
    // The plain encoder and decoder, and (as in `fit_sparse`) their twins.
    PE: Module<Batch<IMAGE_PIXELS>, Output = Batch<C>>,
    PD: Module<Batch<C>, Output = Batch<IMAGE_PIXELS>>,
    (PE, PD): FuseLayers<Fused = (E, D)> + TensorCollection<f32, Cpu>,
    (E, D): TensorCollection<f32, Cpu>,
    E: ModuleMut<TracedBatch<IMAGE_PIXELS>, Output = TracedBatch<C>>
        + Module<Batch<IMAGE_PIXELS>, Output = Batch<C>>,
    D: ModuleMut<TracedBatch<C>, Output = TracedBatch<IMAGE_PIXELS>>
        + Module<Batch<C>, Output = Batch<IMAGE_PIXELS>>,
{
    let trained = fit_sparse(
        model,
        &train.pixels,
        &eval.pixels,
        config,
        reconstruction,
        sparsity,
    )?;
    let model = trained.model;
    let losses = evaluate(
        &model,
        &eval.pixels,
        &reconstruction,
        sparsity,
        config.batch_size,
    );
    let codes = encode_all(&model.0, &eval.pixels);
    Ok(Outcome {
        label,
        sparsity,
        history: trained.history,
        losses,
        stats: CodeStats::of(&codes, C),
        pictures: outputs(&model, &eval.pixels_of(picks), reconstruction),
        codes,
    })
}
