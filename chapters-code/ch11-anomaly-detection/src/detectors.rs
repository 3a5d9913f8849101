//! Every model of the comparison, reduced to what anomaly detection needs:
//! one number per image, higher for stranger images.
//!
//! The three reconstructing models (PCA, the autoencoder, the denoiser) are
//! scored alike, by the mean squared error per pixel between an image and
//! its reconstruction. The VAE is scored by its own loss on the image, the
//! negative evidence lower bound.

use ae_support::batching::{Batch, slice};
use ae_support::data::IMAGE_PIXELS;
use ae_support::losses::BinaryCrossEntropy;
use ae_support::training::{FitConfig, History, TrainError};
use ch03_simple_autoencoder::{DeepAutoencoder, fit_autoencoder, reconstruct};
use ch05_denoising::{NoiseConfig, NoiseFactor, NoiseSchedule, NoisySet, fit_denoiser};
use ch07_linear_pca::mnist::{MnistConfig, pca_by_subspace_iteration, pca_reconstructions};
use ch10_variational::loss::{CHOLLET, reparameterise};
use ch10_variational::models::CholletVae;
use ch10_variational::training::{KERAS_ADAM, fit_vae};
use dfdx::optim::Adam;
use dfdx::prelude::*;

/// Rows of 784 pixels in, one score per row out.
type ScoreFn = dyn Fn(&[f32]) -> Vec<f32>;

/// A trained model as a detector: its name and its score function.
pub struct Detector {
    /// `pca`, `autoencoder`, `denoiser` or `vae`: the `model` column of the
    /// scores file.
    pub name: &'static str,
    /// What the score is, for the results file.
    pub score_name: &'static str,
    /// The losses per epoch of a trained model (none for PCA).
    pub history: Option<History>,
    score: Box<ScoreFn>,
}

impl Detector {
    /// A detector named `name` whose score, described by `score_name`, is
    /// `score` applied to rows of 784 pixels.
    pub fn new(
        name: &'static str,
        score_name: &'static str,
        history: Option<History>,
        score: impl Fn(&[f32]) -> Vec<f32> + 'static,
    ) -> Detector {
        Detector {
            name,
            score_name,
            history,
            score: Box::new(score),
        }
    }

    /// The score of every image of `rows` (784 values each).
    pub fn scores(&self, rows: &[f32]) -> Vec<f32> {
        (self.score)(rows)
    }
}

/// What [`reconstruction_errors`] measures, in words.
pub const MSE: &str = "mean squared error per pixel";

// ANCHOR: reconstruction_errors
/// Mean squared error per pixel of each image against its reconstruction:
/// 0 for a perfect copy, whatever the image.
pub fn squared_errors(reconstructed: &[f32], original: &[f32]) -> Vec<f32> {
    assert_eq!(reconstructed.len(), original.len(), "lengths differ");
    reconstructed
        .chunks_exact(IMAGE_PIXELS)
        .zip(original.chunks_exact(IMAGE_PIXELS))
        .map(|(r, x)| {
            let sum: f32 = r.iter().zip(x).map(|(r, x)| (r - x) * (r - x)).sum();
            sum / IMAGE_PIXELS as f32
        })
        .collect()
}

/// The anomaly score of an autoencoder that outputs logits: how far its
/// reconstruction (through the sigmoid) lies from each image.
pub fn reconstruction_errors<M>(model: &M, rows: &[f32]) -> Vec<f32>
where
    M: Module<Batch<IMAGE_PIXELS>, Output = Batch<IMAGE_PIXELS>>,
{
    squared_errors(&reconstruct(model, rows), rows)
}
// ANCHOR_END: reconstruction_errors

/// PCA with `components` directions of the normal images (chapter 7), scored
/// by the error of projecting onto them and back.
pub fn pca(train: &[f32], components: usize, seed: u64) -> Detector {
    let config = MnistConfig::new(FitConfig {
        epochs: 1,
        batch_size: 1,
        seed,
        quiet: true,
    });
    let dev = Cpu::seed_from_u64(seed);
    let pca = pca_by_subspace_iteration(&dev, train, components, &config);
    Detector::new("pca", MSE, None, move |rows| {
        squared_errors(&pca_reconstructions(&dev, &pca, rows), rows)
    })
}

// ANCHOR: autoencoder
/// Chapter 3's deep autoencoder, trained on normal images only with
/// chapter 3's `fit_autoencoder`; `validation` (normal images too) gives the
/// loss per epoch.
pub fn autoencoder(
    train: &[f32],
    validation: &[f32],
    config: &FitConfig,
) -> Result<Detector, TrainError> {
    let dev = Cpu::seed_from_u64(config.seed);
    let (model, history) = fit_autoencoder::<_, _, IMAGE_PIXELS>(
        dev.build_module::<DeepAutoencoder, f32>(),
        BinaryCrossEntropy,
        train,
        validation,
        config,
    )?;
    Ok(Detector::new(
        "autoencoder",
        MSE,
        Some(history),
        move |rows| reconstruction_errors(&model, rows),
    ))
}
// ANCHOR_END: autoencoder

/// The same deep autoencoder trained as chapter 5's denoiser (noise factor
/// 0.5, fresh noise per batch), scored on the images as they are.
pub fn denoiser(
    train: &[f32],
    validation: &[f32],
    config: &FitConfig,
) -> Result<Detector, TrainError> {
    let dev = Cpu::seed_from_u64(config.seed);
    let factor = NoiseFactor::KERAS_BLOG;
    let noise = NoiseConfig {
        factor,
        schedule: NoiseSchedule::Fresh,
        seed: config.seed.wrapping_add(1),
    };
    let noisy_validation = NoisySet::new(validation, factor, config.seed.wrapping_add(2));
    let (model, history) = fit_denoiser(
        dev.build_module::<DeepAutoencoder, f32>(),
        train,
        &noisy_validation,
        config,
        noise,
    )?;
    Ok(Detector::new("denoiser", MSE, Some(history), move |rows| {
        reconstruction_errors(&model, rows)
    }))
}

/// Codes sampled per image when the VAE's reconstruction term is estimated.
pub const ELBO_SAMPLES: usize = 8;

/// Chapter 10's VAE (Chollet's, 2-d code), scored by [`negative_elbo`].
pub fn vae(train: &[f32], validation: &[f32], config: &FitConfig) -> Result<Detector, TrainError> {
    let dev = Cpu::seed_from_u64(config.seed);
    let model = dev.build_module::<CholletVae, f32>();
    let optimizer = Adam::new(&model, KERAS_ADAM);
    let trained = fit_vae(model, optimizer, train, validation, config, CHOLLET)?;
    let (model, seed) = (trained.model, config.seed.wrapping_add(3));
    let name = "negative ELBO (nats per image)";
    Ok(Detector::new(
        "vae",
        name,
        Some(trained.history),
        move |rows| negative_elbo(&model, rows, ELBO_SAMPLES, seed),
    ))
}

// ANCHOR: negative_elbo
/// A VAE's loss on each image: the cross-entropy of the image under the
/// decoder, summed over the pixels and averaged over `samples` codes drawn
/// from the encoder's Gaussian (noise from `seed`), plus the KL divergence of
/// that Gaussian from N(0, I). It bounds −log p(x) from above: a high value
/// says the model finds the image improbable.
pub fn negative_elbo<E, D, const L: usize>(
    vae: &(E, D),
    rows: &[f32],
    samples: usize,
    seed: u64,
) -> Vec<f32>
where
    E: Module<Batch<IMAGE_PIXELS>, Output = (Batch<L>, Batch<L>)>,
    D: Module<Batch<L>, Output = Batch<IMAGE_PIXELS>>,
{
    let dev = Cpu::seed_from_u64(seed);
    let n = rows.len() / IMAGE_PIXELS;
    let (mean, log_var) = vae.0.forward(slice(&dev, rows, 0..n));
    let (m, v) = (mean.as_vec(), log_var.as_vec());
    let mut scores: Vec<f32> = m
        .chunks_exact(L)
        .zip(v.chunks_exact(L))
        .map(|(m, v)| {
            let kl = m.iter().zip(v).map(|(m, v)| v.exp() + m * m - 1.0 - v);
            0.5 * kl.sum::<f32>()
        })
        .collect();
    for _ in 0..samples {
        let noise: Batch<L> = dev.sample_normal_like(&(n, Const));
        let z = reparameterise(mean.clone(), log_var.clone(), noise);
        let logits = vae.1.forward(z).as_vec();
        for (score, (l, x)) in scores.iter_mut().zip(
            logits
                .chunks_exact(IMAGE_PIXELS)
                .zip(rows.chunks_exact(IMAGE_PIXELS)),
        ) {
            let cross_entropy: f32 = l.iter().zip(x).map(|(&l, &x)| bce_with_logits(l, x)).sum();
            *score += cross_entropy / samples as f32;
        }
    }
    scores
}

/// Binary cross-entropy of target `x` under the probability `sigmoid(l)`,
/// in the stable form dfdx uses: `max(l, 0) − l·x + ln(1 + e^(−|l|))`.
pub fn bce_with_logits(l: f32, x: f32) -> f32 {
    l.max(0.0) - l * x + (-l.abs()).exp().ln_1p()
}
// ANCHOR_END: negative_elbo

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn squared_errors_are_per_image_means() {
        let original = vec![0.0; 2 * IMAGE_PIXELS];
        let mut reconstructed = original.clone();
        reconstructed[IMAGE_PIXELS] = 1.0; // one pixel of the second image off by 1
        reconstructed[IMAGE_PIXELS + 1] = 0.5;
        let errors = squared_errors(&reconstructed, &original);
        assert_eq!(errors, [0.0, 1.25 / IMAGE_PIXELS as f32]);
    }

    #[test]
    fn the_stable_cross_entropy_is_the_textbook_one() {
        for (l, x) in [(0.0f32, 0.0f32), (2.0, 1.0), (-3.0, 0.25), (12.0, 0.0)] {
            let p = 1.0 / (1.0 + (-f64::from(l)).exp());
            let x64 = f64::from(x);
            let textbook = -(x64 * p.ln() + (1.0 - x64) * (1.0 - p).ln());
            assert!((f64::from(bce_with_logits(l, x)) - textbook).abs() < 1e-4);
        }
    }

    #[test]
    fn the_negative_elbo_agrees_with_the_training_loss_of_chapter_10() {
        use ch10_variational::training::evaluate;
        let dev = Cpu::seed_from_u64(1);
        let vae = dev.build_module::<CholletVae, f32>();
        let rows: Vec<f32> = (0..6 * IMAGE_PIXELS)
            .map(|i| ((i * 13) % 10) as f32 / 9.0)
            .collect();
        let per_image = negative_elbo(&vae, &rows, 64, 5);
        let mean = per_image.iter().sum::<f32>() / 6.0;
        // Chapter 10 averages the same two terms over the images, one sample each.
        let terms = evaluate(&vae, &rows, CHOLLET, 5);
        assert!(
            (mean - terms.total()).abs() < 0.01 * terms.total(),
            "{mean} vs {}",
            terms.total()
        );
        assert!(per_image.iter().all(|s| s.is_finite() && *s > 0.0));
    }
}
