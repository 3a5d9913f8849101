//! Chapter 5: a denoising autoencoder.
//!
//! * [`checked`]: numbers from the command line that must lie in a range.
//! * [`noise`]: corrupting images with clipped Gaussian noise.
//! * [`psnr`]: peak signal-to-noise ratio, the score of a denoiser.
//! * [`denoising`]: training chapter 3's autoencoders on noisy inputs and
//!   clean targets, with fresh noise for every batch, and scoring them.
//! * [`nadam`]: Keras 3's Nadam optimiser, which dfdx lacks.
//! * [`geron`]: Géron's stacked autoencoder (MSE, Nadam) and his two
//!   denoisers, with Dropout or Gaussian noise on the input.
//! * [`report`]: the runs' results files and figures.

pub mod checked;
pub mod denoising;
pub mod geron;
pub mod nadam;
pub mod noise;
pub mod psnr;
pub mod report;

pub use checked::NumberError;
pub use denoising::{
    DenoisingScores, NoiseConfig, NoiseSchedule, NoisySet, Outcome, SWEEP, TrainAndScore,
    denoising_loss, fit_denoiser, score, scores_by_noise,
};
pub use noise::{NoiseFactor, add_noise};
pub use psnr::{MAX_PSNR_DB, mean_psnr, mse, psnr};
