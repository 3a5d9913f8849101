//! Corrupting images with Gaussian noise, the way the classic Keras examples
//! do: add `factor` times a standard normal draw to every pixel, then clip
//! back into `[0, 1]`.

use crate::checked::{NumberError, non_negative, parse_number};
use rand::Rng;
use std::fmt;
use std::str::FromStr;

/// The distribution every noise value is drawn from: mean 0, standard
/// deviation 1 (re-exported from `rand_distr` so that examples can name it).
pub use rand_distr::StandardNormal;

/// How strong the noise is: the standard deviation of the Gaussian added to
/// each pixel, before clipping. Always finite and never negative.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub struct NoiseFactor(f32);

impl NoiseFactor {
    /// The noise factor of the Keras blog's denoising example.
    pub const KERAS_BLOG: NoiseFactor = NoiseFactor(0.5);
    /// The noise factor of Dertat's denoising example (in his notebook).
    pub const DERTAT: NoiseFactor = NoiseFactor(0.4);

    /// Checks `value`: NaN, infinities and negative numbers are refused.
    pub fn new(value: f32) -> Result<NoiseFactor, NumberError> {
        let checked = non_negative(value, "the noise factor", "it is a standard deviation")?;
        Ok(NoiseFactor(checked))
    }

    /// The standard deviation, as a number.
    pub fn get(self) -> f32 {
        self.0
    }
}

impl FromStr for NoiseFactor {
    type Err = NumberError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        NoiseFactor::new(parse_number(text)?)
    }
}

impl fmt::Display for NoiseFactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

// ANCHOR: add_noise
/// A noisy copy of `clean`: every pixel gets its own draw `z` from a standard
/// normal distribution and becomes `clip(x + factor * z, 0, 1)`.
pub fn add_noise(clean: &[f32], factor: NoiseFactor, rng: &mut impl Rng) -> Vec<f32> {
    let sigma = factor.get();
    clean
        .iter()
        .map(|&x| {
            let z: f32 = rng.sample(StandardNormal);
            (x + sigma * z).clamp(0.0, 1.0)
        })
        .collect()
}
// ANCHOR_END: add_noise

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn factors_are_checked() {
        assert_eq!(NoiseFactor::new(0.5).unwrap().get(), 0.5);
        assert_eq!("0".parse::<NoiseFactor>().unwrap().get(), 0.0);
        assert_eq!("-0".parse::<NoiseFactor>().unwrap().get(), 0.0);
        assert!(matches!(
            "-0.1".parse::<NoiseFactor>(),
            Err(NumberError::Negative { .. })
        ));
        assert!(matches!(
            "NaN".parse::<NoiseFactor>(),
            Err(NumberError::NotFinite { .. })
        ));
        assert!(matches!(
            "inf".parse::<NoiseFactor>(),
            Err(NumberError::NotFinite { .. })
        ));
        assert!(matches!(
            "half".parse::<NoiseFactor>(),
            Err(NumberError::NotANumber(_))
        ));
    }

    #[test]
    fn noise_is_clipped_and_repeatable_for_a_seed() {
        let clean: Vec<f32> = (0..1000).map(|i| (i % 3) as f32 / 2.0).collect();
        let f = NoiseFactor::new(0.5).unwrap();
        let a = add_noise(&clean, f, &mut StdRng::seed_from_u64(1));
        let b = add_noise(&clean, f, &mut StdRng::seed_from_u64(1));
        let c = add_noise(&clean, f, &mut StdRng::seed_from_u64(2));
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert!(a.iter().all(|v| (0.0..=1.0).contains(v)));
        // Clipping piles up mass exactly on the bounds.
        assert!(a.contains(&0.0) && a.contains(&1.0));
    }

    #[test]
    fn zero_noise_changes_nothing() {
        let clean = [0.0, 0.25, 1.0];
        let noisy = add_noise(
            &clean,
            NoiseFactor::new(0.0).unwrap(),
            &mut StdRng::seed_from_u64(0),
        );
        assert_eq!(noisy, clean);
    }

    #[test]
    fn away_from_the_bounds_the_noise_has_the_requested_spread() {
        let clean = vec![0.5f32; 20_000];
        let f = NoiseFactor::new(0.05).unwrap(); // 10 sigma from either bound
        let noisy = add_noise(&clean, f, &mut StdRng::seed_from_u64(3));
        let n = noisy.len() as f64;
        let mean = noisy.iter().map(|&v| f64::from(v)).sum::<f64>() / n;
        let var = noisy
            .iter()
            .map(|&v| (f64::from(v) - mean).powi(2))
            .sum::<f64>()
            / n;
        assert!((mean - 0.5).abs() < 0.002, "mean {mean}");
        assert!((var.sqrt() - 0.05).abs() < 0.002, "std {}", var.sqrt());
    }
}
