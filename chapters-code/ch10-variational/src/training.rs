//! One training step of a VAE, the evaluation, and the loop around them,
//! which keeps the reconstruction and KL terms apart in its history.
//!
//! The plain autoencoder the chapter compares with is trained by the same
//! loop with the same reconstruction term and no KL term.

use crate::loss::{Objective, reparameterise};
use ae_support::batching::{Batch, gather, sequential_batches, slice};
use ae_support::data::IMAGE_PIXELS;
use ae_support::training::{FitConfig, History, TrainError, fit_observed};
use dfdx::optim::{Adam, AdamConfig, Optimizer};
use dfdx::prelude::*;

/// Keras' defaults for Adam (learning rate 0.001, betas 0.9 and 0.999,
/// epsilon 1e-7), used by dfdx's own `Adam`: this chapter's listings stay
/// in plain dfdx.
pub const KERAS_ADAM: AdamConfig = AdamConfig {
    lr: 1e-3,
    betas: [0.9, 0.999],
    eps: 1e-7,
    weight_decay: None,
};

/// A batch that records the operations applied to it.
pub type Traced<const N: usize> = Tensor<(usize, Const<N>), f32, Cpu, OwnedTape<f32, Cpu>>;

/// The two terms of a VAE's loss, each averaged over images, at the scale of
/// the model's [`Objective`].
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Terms {
    pub reconstruction: f32,
    pub kl: f32,
}

impl Terms {
    /// What the optimiser minimises.
    pub fn total(&self) -> f32 {
        self.reconstruction + self.kl
    }
}

// ANCHOR: vae_step
/// One step of gradient descent on a batch for a VAE whose encoder (`.0`)
/// returns the mean and log-variance of an `L`-dimensional code. `noise`
/// holds one draw from N(0, I) per image. Returns the terms before the update.
pub fn vae_step<E, D, O, const L: usize>(
    model: &mut (E, D),
    optimizer: &mut O,
    grads: &mut Gradients<f32, Cpu>,
    batch: Batch<IMAGE_PIXELS>,
    noise: Batch<L>,
    objective: Objective,
) -> Terms
where
    E: ModuleMut<Traced<IMAGE_PIXELS>, Output = (Traced<L>, Traced<L>)>,
    D: ModuleMut<Traced<L>, Output = Traced<IMAGE_PIXELS>>,
    (E, D): ZeroGrads<f32, Cpu>,
    O: Optimizer<(E, D), Cpu, f32>,
{
    let tape = std::mem::replace(grads, Gradients::leaky());
    let (mean, log_var) = model.0.forward_mut(batch.clone().traced(tape));
    // The mean and log-variance feed both the sample and the KL term: the
    // sample gets second handles on them.
    let z = reparameterise(mean.retaped(), log_var.retaped(), noise);
    let output = model.1.forward_mut(z);
    let reconstruction = objective.reconstruction(output, batch);
    let kl = objective.kl(mean, log_var);
    let terms = Terms {
        reconstruction: reconstruction.array(),
        kl: kl.array(),
    };
    *grads = (reconstruction + kl).backward();
    optimizer
        .update(model, grads)
        .expect("every parameter receives a gradient");
    model.zero_grads(grads);
    terms
}
// ANCHOR_END: vae_step

/// One step for a plain autoencoder: the reconstruction term alone.
pub fn plain_step<E, D, O, const L: usize>(
    model: &mut (E, D),
    optimizer: &mut O,
    grads: &mut Gradients<f32, Cpu>,
    batch: Batch<IMAGE_PIXELS>,
    objective: Objective,
) -> f32
where
    E: ModuleMut<Traced<IMAGE_PIXELS>, Output = Traced<L>>,
    D: ModuleMut<Traced<L>, Output = Traced<IMAGE_PIXELS>>,
    (E, D): ZeroGrads<f32, Cpu>,
    O: Optimizer<(E, D), Cpu, f32>,
{
    let tape = std::mem::replace(grads, Gradients::leaky());
    let output = model
        .1
        .forward_mut(model.0.forward_mut(batch.clone().traced(tape)));
    let loss = objective.reconstruction(output, batch);
    let value = loss.array();
    *grads = loss.backward();
    optimizer
        .update(model, grads)
        .expect("every parameter receives a gradient");
    model.zero_grads(grads);
    value
}

/// Rows evaluated at once: large enough to be quick, small enough to keep
/// the memory modest.
const EVAL_BATCH: usize = 1_000;

/// Both terms on `rows`, averaged over the images. The codes are sampled, as
/// in training, with noise drawn from `seed`: the same noise every epoch, so
/// the epochs' numbers are comparable.
pub fn evaluate<E, D, const L: usize>(
    model: &(E, D),
    rows: &[f32],
    objective: Objective,
    seed: u64,
) -> Terms
where
    E: Module<Batch<IMAGE_PIXELS>, Output = (Batch<L>, Batch<L>)>,
    D: Module<Batch<L>, Output = Batch<IMAGE_PIXELS>>,
{
    let dev = Cpu::seed_from_u64(seed);
    let count = rows.len() / IMAGE_PIXELS;
    let mut sum = TermSums::default();
    for range in sequential_batches(count, EVAL_BATCH) {
        let batch: Batch<IMAGE_PIXELS> = slice(&dev, rows, range.clone());
        let (mean, log_var) = model.0.forward(batch.clone());
        let noise: Batch<L> = dev.sample_normal_like(&(range.len(), Const));
        let z = reparameterise(mean.clone(), log_var.clone(), noise);
        let terms = Terms {
            reconstruction: objective.reconstruction(model.1.forward(z), batch).array(),
            kl: objective.kl(mean, log_var).array(),
        };
        sum.add(terms, range.len());
    }
    sum.mean()
}

/// The reconstruction term of a plain autoencoder on `rows`.
pub fn evaluate_plain<E, D, const L: usize>(
    model: &(E, D),
    rows: &[f32],
    objective: Objective,
) -> f32
where
    E: Module<Batch<IMAGE_PIXELS>, Output = Batch<L>>,
    D: Module<Batch<L>, Output = Batch<IMAGE_PIXELS>>,
{
    let dev = Cpu::default();
    let count = rows.len() / IMAGE_PIXELS;
    let mut sum = TermSums::default();
    for range in sequential_batches(count, EVAL_BATCH) {
        let batch: Batch<IMAGE_PIXELS> = slice(&dev, rows, range.clone());
        let output = model.1.forward(model.0.forward(batch.clone()));
        let terms = Terms {
            reconstruction: objective.reconstruction(output, batch).array(),
            kl: 0.0,
        };
        sum.add(terms, range.len());
    }
    sum.mean().reconstruction
}

/// Running sums of [`Terms`] weighted by batch size, for means over
/// batches of unequal size.
#[derive(Clone, Debug, Default)]
pub struct TermSums {
    reconstruction: f64,
    kl: f64,
    images: usize,
}

impl TermSums {
    /// Adds the terms of a batch of `images` images.
    pub fn add(&mut self, terms: Terms, images: usize) {
        self.reconstruction += f64::from(terms.reconstruction) * images as f64;
        self.kl += f64::from(terms.kl) * images as f64;
        self.images += images;
    }

    /// The mean per image of everything added.
    pub fn mean(&self) -> Terms {
        let n = self.images.max(1) as f64;
        Terms {
            reconstruction: (self.reconstruction / n) as f32,
            kl: (self.kl / n) as f32,
        }
    }
}

/// A VAE after training, with both terms per epoch.
pub struct TrainedVae<M> {
    pub model: M,
    /// Totals per epoch, and the run's speed.
    pub history: History,
    pub train_terms: Vec<Terms>,
    pub validation_terms: Vec<Terms>,
}

// ANCHOR: fit_vae
/// Trains a VAE on the rows of `train` with `optimizer`, drawing fresh noise
/// for every batch from `config.seed`, and evaluates both terms on
/// `validation` after every epoch.
pub fn fit_vae<E, D, O, const L: usize>(
    model: (E, D),
    optimizer: O,
    train: &[f32],
    validation: &[f32],
    config: &FitConfig,
    objective: Objective,
) -> Result<TrainedVae<(E, D)>, TrainError>
where
    E: ModuleMut<Traced<IMAGE_PIXELS>, Output = (Traced<L>, Traced<L>)>
        + Module<Batch<IMAGE_PIXELS>, Output = (Batch<L>, Batch<L>)>,
    D: ModuleMut<Traced<L>, Output = Traced<IMAGE_PIXELS>>
        + Module<Batch<L>, Output = Batch<IMAGE_PIXELS>>,
    (E, D): ZeroGrads<f32, Cpu>,
    O: Optimizer<(E, D), Cpu, f32>,
{
    let data = Cpu::default();
    let noise = Cpu::seed_from_u64(config.seed.wrapping_add(1));
    let validation_seed = config.seed.wrapping_add(2);
    let grads = model.alloc_grads();
    let mut state = (model, optimizer, grads, TermSums::default());
    let (mut train_terms, mut validation_terms) = (Vec::new(), Vec::new());
    let history = fit_observed(
        &mut state,
        config,
        train.len() / IMAGE_PIXELS,
        |(model, optimizer, grads, epoch), indices| {
            let batch: Batch<IMAGE_PIXELS> = gather(&data, train, indices);
            let eps: Batch<L> = noise.sample_normal_like(&(indices.len(), Const));
            let terms = vae_step(model, optimizer, grads, batch, eps, objective);
            epoch.add(terms, indices.len());
            terms.total()
        },
        |(model, ..)| {
            let terms = evaluate(model, validation, objective, validation_seed);
            validation_terms.push(terms);
            Some(terms.total())
        },
        |(.., epoch), _| train_terms.push(std::mem::take(epoch).mean()),
    )?;
    Ok(TrainedVae {
        model: state.0,
        history,
        train_terms,
        validation_terms,
    })
}
// ANCHOR_END: fit_vae

/// Trains a plain autoencoder exactly like [`fit_vae`] trains a VAE, minus
/// the sampling and the KL term.
pub fn fit_plain<E, D, const L: usize>(
    model: (E, D),
    train: &[f32],
    validation: &[f32],
    config: &FitConfig,
    objective: Objective,
) -> Result<((E, D), History), TrainError>
where
    E: ModuleMut<Traced<IMAGE_PIXELS>, Output = Traced<L>>
        + Module<Batch<IMAGE_PIXELS>, Output = Batch<L>>,
    D: ModuleMut<Traced<L>, Output = Traced<IMAGE_PIXELS>>
        + Module<Batch<L>, Output = Batch<IMAGE_PIXELS>>,
    (E, D): ZeroGrads<f32, Cpu>,
{
    let data = Cpu::default();
    let grads = model.alloc_grads();
    let optimizer = Adam::new(&model, KERAS_ADAM);
    let mut state = (model, optimizer, grads);
    let history = fit_observed(
        &mut state,
        config,
        train.len() / IMAGE_PIXELS,
        |(model, optimizer, grads), indices| {
            let batch: Batch<IMAGE_PIXELS> = gather(&data, train, indices);
            plain_step(model, optimizer, grads, batch, objective)
        },
        |(model, ..)| Some(evaluate_plain(model, validation, objective)),
        |_, _| {},
    )?;
    Ok((state.0, history))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loss::CHOLLET;
    use crate::models::CholletVae;

    #[test]
    fn a_few_steps_lower_the_loss_on_a_fixed_batch() {
        let dev = Cpu::seed_from_u64(5);
        let mut model = dev.build_module::<CholletVae, f32>();
        let mut grads = model.alloc_grads();
        let mut optimizer = Adam::new(&model, KERAS_ADAM);
        let batch: Batch<IMAGE_PIXELS> = dev.sample_uniform_like(&(8, Const));
        let noise: Batch<2> = dev.zeros_like(&(8, Const));
        let mut step = || {
            let (batch, noise) = (batch.clone(), noise.clone());
            vae_step(
                &mut model,
                &mut optimizer,
                &mut grads,
                batch,
                noise,
                CHOLLET,
            )
        };
        let first = step();
        let mut last = first;
        for _ in 0..20 {
            last = step();
        }
        assert!(first.kl >= 0.0 && last.kl >= 0.0);
        assert!(
            last.total() < first.total(),
            "{first:?} -> {last:?}: the loss should fall"
        );
    }
}
