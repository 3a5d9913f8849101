//! A small denoiser trained on generated images, no data files needed: after
//! training, its outputs must be clearly closer to the clean images than its
//! noisy inputs are.

use ae_support::data::IMAGE_PIXELS;
use ae_support::training::FitConfig;
use ch03_simple_autoencoder::SimpleAutoencoder;
use ch05_denoising::{NoiseConfig, NoiseFactor, NoiseSchedule, NoisySet, fit_denoiser, score};
use dfdx::prelude::*;

/// `count` images, each one of four patterns: two with horizontal bands, two
/// with vertical ones, all made of pure black and white pixels.
fn patterns(count: usize) -> Vec<f32> {
    (0..count)
        .flat_map(|n| {
            (0..IMAGE_PIXELS).map(move |p| {
                let (row, col) = (p / 28, p % 28);
                let on = match n % 4 {
                    0 => row % 8 < 3,
                    1 => row % 8 >= 5,
                    2 => col % 8 < 3,
                    _ => col % 8 >= 5,
                };
                if on { 1.0 } else { 0.0 }
            })
        })
        .collect()
}

fn train_and_score(schedule: NoiseSchedule) -> ch05_denoising::DenoisingScores {
    let factor = NoiseFactor::new(0.5).unwrap();
    let train = patterns(160);
    let held_out = NoisySet::new(&patterns(40), factor, 99);
    let dev = Cpu::seed_from_u64(0);
    let config = FitConfig {
        epochs: 8,
        batch_size: 16,
        seed: 1,
        quiet: true,
    };
    let noise = NoiseConfig {
        factor,
        schedule,
        seed: 2,
    };
    let model = dev.build_module::<SimpleAutoencoder, f32>();
    let (model, history) = fit_denoiser(model, &train, &held_out, &config, noise).unwrap();
    assert_eq!(history.train_loss.len(), 8);
    assert!(history.train_loss[7] < history.train_loss[0], "{history:?}");
    let scores = score(&model, &held_out).0;
    println!("{schedule:?}: {scores:?}");
    scores
}

#[test]
fn a_trained_denoiser_beats_its_noisy_input() {
    let scores = train_and_score(NoiseSchedule::Fresh);
    // Noise of 0.5 on black-and-white images leaves roughly 9 dB.
    assert!(
        (7.0..11.0).contains(&scores.noisy_psnr),
        "noisy input at {} dB",
        scores.noisy_psnr
    );
    assert!(
        scores.gain_db() > 5.0,
        "denoised {} dB vs noisy {} dB",
        scores.denoised_psnr,
        scores.noisy_psnr
    );
}

#[test]
fn a_fixed_noisy_copy_also_trains() {
    let scores = train_and_score(NoiseSchedule::Fixed);
    assert!(scores.gain_db() > 3.0, "{scores:?}");
}
