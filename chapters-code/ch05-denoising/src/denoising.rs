//! Training a chapter 3 autoencoder to map noisy images to clean ones, and
//! measuring how much cleaner its outputs are than its inputs.
//!
//! Nothing about the model changes: the same network, the same loss, the same
//! optimiser step. Only the *input* of each step does. That is the whole idea
//! of a denoising autoencoder.

use crate::noise::{NoiseFactor, add_noise};
use crate::psnr::mean_psnr;
use ae_fast::unfuse;
use ae_support::batching::{Batch, sequential_batches, slice};
use ae_support::data::IMAGE_PIXELS;
use ae_support::losses::{BinaryCrossEntropy, Loss};
use ae_support::training::{FitConfig, History, TrainError, fit};
use ch03_simple_autoencoder::{EVAL_BATCH, Trainable, Trainer, WithModel, keras_adam, reconstruct};
use dfdx::prelude::*;
use rand::SeedableRng;
use rand::rngs::StdRng;

/// When the noise on the training images is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum NoiseSchedule {
    /// New noise for every mini-batch of every epoch: the model never sees the
    /// same corrupted image twice.
    Fresh,
    /// One noisy copy of the training set drawn before training and reused in
    /// every epoch, as the Keras blog and Dertat's article do.
    Fixed,
}

impl NoiseSchedule {
    /// `fresh` or `fixed`, for file names and printed results.
    pub fn name(self) -> &'static str {
        match self {
            NoiseSchedule::Fresh => "fresh",
            NoiseSchedule::Fixed => "fixed",
        }
    }
}

/// Clean images and one noisy copy of them, for evaluation. The noise is
/// drawn once from a seed, so every evaluation of every epoch (and every run
/// with the same seed) scores the model on exactly the same inputs.
#[derive(Clone, Debug)]
pub struct NoisySet {
    pub clean: Vec<f32>,
    pub noisy: Vec<f32>,
}

impl NoisySet {
    /// Corrupts `clean` with noise of strength `factor` drawn from `seed`.
    pub fn new(clean: &[f32], factor: NoiseFactor, seed: u64) -> NoisySet {
        let noisy = add_noise(clean, factor, &mut StdRng::seed_from_u64(seed));
        NoisySet {
            clean: clean.to_vec(),
            noisy,
        }
    }

    /// Number of images.
    pub fn len(&self) -> usize {
        self.clean.len() / IMAGE_PIXELS
    }

    /// True when there are no images.
    pub fn is_empty(&self) -> bool {
        self.clean.is_empty()
    }
}

/// How to corrupt the training images.
#[derive(Clone, Copy, Debug)]
pub struct NoiseConfig {
    pub factor: NoiseFactor,
    pub schedule: NoiseSchedule,
    /// Seeds the training noise (separate from the shuffling seed).
    pub seed: u64,
}

// ANCHOR: fit_denoiser
/// Trains `model` to turn noisy versions of the images in `clean` back into
/// the clean ones, scoring it on `validation` after every epoch. Returns the
/// trained model and its loss history.
pub fn fit_denoiser<M: Trainable<IMAGE_PIXELS>>(
    model: M,
    clean: &[f32],
    validation: &NoisySet,
    config: &FitConfig,
    noise: NoiseConfig,
) -> Result<(M, History), TrainError> {
    let dev = Cpu::default();
    let optimizer = keras_adam(&model);
    let mut trainer = Trainer::new(model, optimizer, BinaryCrossEntropy).fuse();
    let mut rng = StdRng::seed_from_u64(noise.seed);
    // The classic recipe corrupts the training set once, up front.
    let fixed_copy = match noise.schedule {
        NoiseSchedule::Fixed => Some(add_noise(clean, noise.factor, &mut rng)),
        NoiseSchedule::Fresh => None,
    };
    let rows = |source: &[f32], batch: &[usize]| -> Vec<f32> {
        let row = |i: usize| &source[i * IMAGE_PIXELS..(i + 1) * IMAGE_PIXELS];
        batch.iter().flat_map(|&i| row(i)).copied().collect()
    };
    let images = clean.len() / IMAGE_PIXELS;
    let history = fit(
        &mut trainer,
        config,
        images,
        |trainer, batch| {
            let target = rows(clean, batch);
            let input = match &fixed_copy {
                Some(noisy) => rows(noisy, batch),
                // Fresh noise: a new corruption of these images, every time.
                None => add_noise(&target, noise.factor, &mut rng),
            };
            let shape = (batch.len(), Const::<IMAGE_PIXELS>);
            let input = dev.tensor_from_vec(input, shape);
            let target = dev.tensor_from_vec(target, shape);
            trainer.step(input, target)
        },
        |trainer| {
            Some(denoising_loss(
                &trainer.model,
                &trainer.loss,
                validation,
                EVAL_BATCH,
            ))
        },
    )?;
    Ok((unfuse(trainer.model), history))
}
// ANCHOR_END: fit_denoiser

/// Mean binary cross-entropy per pixel between what `model` makes of the
/// noisy images and the clean ones: the validation loss of a denoiser.
pub fn denoising_loss<M, L>(model: &M, loss: &L, set: &NoisySet, batch_size: usize) -> f32
where
    M: Module<Batch<IMAGE_PIXELS>, Output = Batch<IMAGE_PIXELS>>,
    L: Loss,
{
    let dev = Cpu::default();
    let mut total = 0.0f64;
    for range in sequential_batches(set.len(), batch_size) {
        let noisy: Batch<IMAGE_PIXELS> = slice(&dev, &set.noisy, range.clone());
        let clean: Batch<IMAGE_PIXELS> = slice(&dev, &set.clean, range.clone());
        total += f64::from(loss.loss(model.forward(noisy), clean).array()) * range.len() as f64;
    }
    (total / set.len() as f64) as f32
}

// ANCHOR: scores
/// How well a model denoises a [`NoisySet`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DenoisingScores {
    /// Mean PSNR of the noisy inputs against the clean images (dB).
    pub noisy_psnr: f32,
    /// Mean PSNR of the model's outputs against the clean images (dB).
    pub denoised_psnr: f32,
    /// Mean binary cross-entropy per pixel of the outputs against the clean images.
    pub denoised_bce: f32,
}

impl DenoisingScores {
    /// How many decibels the model gains over its input.
    pub fn gain_db(&self) -> f32 {
        self.denoised_psnr - self.noisy_psnr
    }
}

/// Scores `model` on `set`; also returns the denoised images.
pub fn score<M>(model: &M, set: &NoisySet) -> (DenoisingScores, Vec<f32>)
where
    M: Module<Batch<IMAGE_PIXELS>, Output = Batch<IMAGE_PIXELS>>,
{
    let denoised = reconstruct(model, &set.noisy);
    let scores = DenoisingScores {
        noisy_psnr: mean_psnr(&set.noisy, &set.clean, IMAGE_PIXELS),
        denoised_psnr: mean_psnr(&denoised, &set.clean, IMAGE_PIXELS),
        denoised_bce: denoising_loss(model, &BinaryCrossEntropy, set, EVAL_BATCH),
    };
    (scores, denoised)
}
// ANCHOR_END: scores

/// The scores of `model` on the images `clean` corrupted at each of
/// `factors` (noise drawn from `seed`): how the denoiser copes with noise
/// weaker or stronger than what it was trained on.
pub fn scores_by_noise<M>(
    model: &M,
    clean: &[f32],
    factors: &[NoiseFactor],
    seed: u64,
) -> Vec<(NoiseFactor, DenoisingScores)>
where
    M: Module<Batch<IMAGE_PIXELS>, Output = Batch<IMAGE_PIXELS>>,
{
    factors
        .iter()
        .map(|&factor| (factor, score(model, &NoisySet::new(clean, factor, seed)).0))
        .collect()
}

/// The noise factors of the robustness table: weaker and stronger noise than
/// the model was trained on.
pub const SWEEP: [f32; 8] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8];

/// Everything one denoising run measured.
pub struct Outcome {
    pub schedule: NoiseSchedule,
    pub history: History,
    /// At the training noise factor.
    pub scores: DenoisingScores,
    /// At each factor of [`SWEEP`].
    pub sweep: Vec<(NoiseFactor, DenoisingScores)>,
    /// PSNR of the model's output for clean inputs: the best it can do.
    pub clean_psnr: f32,
    /// The model's outputs for the noisy validation images.
    pub denoised: Vec<f32>,
}

/// Trains a denoiser of whichever of chapter 3's architectures on `train`
/// (see [`fit_denoiser`]), then scores it on `validation` and across
/// [`SWEEP`], with evaluation noise drawn from `eval_seed`.
pub struct TrainAndScore<'a> {
    pub train: &'a [f32],
    pub validation: &'a NoisySet,
    pub config: &'a FitConfig,
    pub noise: NoiseConfig,
    pub eval_seed: u64,
}

impl WithModel for TrainAndScore<'_> {
    type Output = Result<Outcome, TrainError>;

    fn run<M: Trainable<IMAGE_PIXELS> + Clone>(self, model: M) -> Self::Output {
        let (model, history) =
            fit_denoiser(model, self.train, self.validation, self.config, self.noise)?;
        let (scores, denoised) = score(&model, self.validation);
        let factors: Vec<NoiseFactor> = SWEEP
            .iter()
            .map(|&f| NoiseFactor::new(f).expect("the sweep factors are valid"))
            .collect();
        let clean = &self.validation.clean;
        let sweep = scores_by_noise(&model, clean, &factors, self.eval_seed);
        let no_noise = NoiseFactor::new(0.0).expect("zero is a valid noise factor");
        let clean_psnr = score(&model, &NoisySet::new(clean, no_noise, self.eval_seed))
            .0
            .denoised_psnr;
        Ok(Outcome {
            schedule: self.noise.schedule,
            history,
            scores,
            sweep,
            clean_psnr,
            denoised,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ch03_simple_autoencoder::SimpleAutoencoder;

    #[test]
    fn noisy_sets_repeat_for_a_seed() {
        let clean = vec![0.5f32; 2 * IMAGE_PIXELS];
        let f = NoiseFactor::new(0.3).unwrap();
        let a = NoisySet::new(&clean, f, 9);
        assert_eq!(a.noisy, NoisySet::new(&clean, f, 9).noisy);
        assert_ne!(a.noisy, NoisySet::new(&clean, f, 10).noisy);
        assert_eq!(a.len(), 2);
    }

    #[test]
    fn the_validation_loss_matches_the_scores() {
        let dev = Cpu::seed_from_u64(0);
        let model = dev.build_module::<SimpleAutoencoder, f32>();
        let clean: Vec<f32> = (0..3 * IMAGE_PIXELS)
            .map(|i| (i % 5) as f32 / 4.0)
            .collect();
        let set = NoisySet::new(&clean, NoiseFactor::new(0.2).unwrap(), 1);
        let in_twos = denoising_loss(&model, &BinaryCrossEntropy, &set, 2);
        let (scores, denoised) = score(&model, &set);
        assert!((in_twos - scores.denoised_bce).abs() < 1e-5);
        assert_eq!(denoised.len(), clean.len());
    }
}
