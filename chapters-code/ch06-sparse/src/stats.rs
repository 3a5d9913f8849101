//! Numbers that describe a batch of codes: how big, how many zeros, how many
//! units an image uses.

use crate::penalty::unit_means;

/// Summary of the codes of many images.
#[derive(Clone, Debug, PartialEq)]
pub struct CodeStats {
    /// Mean of all code values.
    pub mean: f32,
    /// Fraction of code values that are exactly zero (a ReLU that did not fire).
    pub zero_fraction: f32,
    /// Fraction of code values below 0.05: "off" for a unit that never
    /// reaches exactly zero, such as a sigmoid.
    pub near_zero_fraction: f32,
    /// Mean activation of each unit over all images.
    pub unit_means: Vec<f32>,
}

impl CodeStats {
    /// The statistics of `codes`, rows of `width` values.
    pub fn of(codes: &[f32], width: usize) -> CodeStats {
        let n = codes.len() as f64;
        let mean = codes.iter().map(|&c| f64::from(c)).sum::<f64>() / n;
        let count =
            |pred: &dyn Fn(f32) -> bool| codes.iter().filter(|&&c| pred(c)).count() as f64 / n;
        CodeStats {
            mean: mean as f32,
            zero_fraction: count(&|c| c == 0.0) as f32,
            near_zero_fraction: count(&|c| c.abs() < 0.05) as f32,
            unit_means: unit_means(codes, width),
        }
    }

    /// Code units in use per image on average: the width times the fraction
    /// of non-zero values.
    pub fn active_per_image(&self) -> f32 {
        self.unit_means.len() as f32 * (1.0 - self.zero_fraction)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_of_a_small_batch() {
        let s = CodeStats::of(&[0.0, 2.0, 0.0, 0.01, 4.0, 0.0], 3);
        assert!((s.mean - 6.01 / 6.0).abs() < 1e-6);
        assert_eq!(s.zero_fraction, 0.5);
        assert!((s.near_zero_fraction - 4.0 / 6.0).abs() < 1e-6);
        assert_eq!(s.unit_means, [0.005, 3.0, 0.0]);
        assert_eq!(s.active_per_image(), 1.5);
    }
}
