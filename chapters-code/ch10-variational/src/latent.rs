//! Walking a trained model's latent space: where images land, what points
//! decode to, and the regular grid of Chollet's figure.

use crate::loss::Objective;
use ae_support::batching::{Batch, sequential_batches, slice};
use ae_support::data::IMAGE_PIXELS;
use dfdx::prelude::*;

/// Rows encoded at once.
const CHUNK: usize = 1_000;

/// `encode` applied to `rows` a chunk of images at a time, results back to back.
fn in_chunks(rows: &[f32], mut encode: impl FnMut(Batch<IMAGE_PIXELS>) -> Vec<f32>) -> Vec<f32> {
    let dev = Cpu::default();
    sequential_batches(rows.len() / IMAGE_PIXELS, CHUNK)
        .flat_map(|range| encode(slice(&dev, rows, range)))
        .collect()
}

/// The mean of each image's code under a VAE's encoder: where the image
/// sits in the latent space, without the sampling noise.
pub fn encode_means<E, const L: usize>(encoder: &E, rows: &[f32]) -> Vec<f32>
where
    E: Module<Batch<IMAGE_PIXELS>, Output = (Batch<L>, Batch<L>)>,
{
    in_chunks(rows, |batch| encoder.forward(batch).0.as_vec())
}

/// The code of each image under a plain autoencoder's encoder.
pub fn encode_codes<E, const L: usize>(encoder: &E, rows: &[f32]) -> Vec<f32>
where
    E: Module<Batch<IMAGE_PIXELS>, Output = Batch<L>>,
{
    in_chunks(rows, |batch| encoder.forward(batch).as_vec())
}

// ANCHOR: decode
/// The images the decoder makes of `codes` (`L` values per point, back to
/// back), as pixel values.
pub fn decode<D, const L: usize>(decoder: &D, codes: &[f32], objective: Objective) -> Vec<f32>
where
    D: Module<Batch<L>, Output = Batch<IMAGE_PIXELS>>,
{
    let dev = Cpu::default();
    let points: Batch<L> = dev.tensor_from_vec(codes.to_vec(), (codes.len() / L, Const));
    objective.pixels(decoder.forward(points))
}
// ANCHOR_END: decode

/// The standard normal distribution's quantile function (the inverse of its
/// CDF), `scipy.stats.norm.ppf` in Chollet's code, found by bisection.
pub fn normal_quantile(p: f64) -> f64 {
    assert!(p > 0.0 && p < 1.0, "a quantile needs 0 < p < 1, got {p}");
    let (mut low, mut high) = (-10.0, 10.0);
    for _ in 0..64 {
        let mid = 0.5 * (low + high);
        if normal_cdf(mid) < p {
            low = mid;
        } else {
            high = mid;
        }
    }
    0.5 * (low + high)
}

/// Φ(x) = ½ + ∫₀ˣ φ(t) dt, the integral by Simpson's rule (error far below
/// what a figure needs).
fn normal_cdf(x: f64) -> f64 {
    const STEPS: usize = 400;
    let density = |t: f64| (-0.5 * t * t).exp() / (2.0 * std::f64::consts::PI).sqrt();
    let h = x / STEPS as f64;
    let inner: f64 = (1..STEPS)
        .map(|i| density(i as f64 * h) * if i % 2 == 1 { 4.0 } else { 2.0 })
        .sum();
    0.5 + h / 3.0 * (density(0.0) + inner + density(x))
}

// ANCHOR: quantile_grid
/// `side × side` points of the plane at the Gaussian quantiles
/// 0.05, …, 0.95 on each axis, row by row from the top (largest `y`) and
/// left to right: equal steps of probability, not of distance, so the grid
/// is dense where the prior puts most codes.
pub fn quantile_grid(side: usize) -> Vec<f32> {
    assert!(side >= 2, "a grid needs at least two points a side");
    let at: Vec<f32> = (0..side)
        .map(|i| normal_quantile(0.05 + 0.9 * i as f64 / (side - 1) as f64) as f32)
        .collect();
    at.iter()
        .rev()
        .flat_map(|&y| at.iter().flat_map(move |&x| [x, y]))
        .collect()
}
// ANCHOR_END: quantile_grid

/// `side × side` points evenly spaced over `x` and `y` ranges, in the order
/// of [`quantile_grid`]: for a code space with no prior to take quantiles of.
pub fn even_grid(side: usize, x: (f32, f32), y: (f32, f32)) -> Vec<f32> {
    assert!(side >= 2, "a grid needs at least two points a side");
    let step = |(from, to): (f32, f32), i: usize| from + (to - from) * i as f32 / (side - 1) as f32;
    (0..side)
        .rev()
        .flat_map(|row| (0..side).flat_map(move |col| [step(x, col), step(y, row)]))
        .collect()
}

/// `steps` vectors from `a` to `b` in equal steps, both ends included, back
/// to back: works for codes and for pixels alike.
pub fn interpolate(a: &[f32], b: &[f32], steps: usize) -> Vec<f32> {
    assert_eq!(a.len(), b.len(), "interpolating between different sizes");
    assert!(steps >= 2, "an interpolation needs both ends");
    (0..steps)
        .flat_map(|i| {
            let t = i as f32 / (steps - 1) as f32;
            a.iter().zip(b).map(move |(&a, &b)| (1.0 - t) * a + t * b)
        })
        .collect()
}

/// The `q`-quantile of `values` (nearest rank), for the plain code's range.
pub fn empirical_quantile(values: &[f32], q: f64) -> f32 {
    let mut sorted: Vec<f32> = values.iter().copied().filter(|v| v.is_finite()).collect();
    assert!(!sorted.is_empty(), "no finite values");
    sorted.sort_by(f32::total_cmp);
    let rank = (q * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_quantiles_match_the_tables() {
        assert!(normal_quantile(0.5).abs() < 1e-9);
        assert!((normal_quantile(0.975) - 1.959_964).abs() < 1e-5);
        assert!((normal_quantile(0.05) + 1.644_854).abs() < 1e-5);
    }

    #[test]
    fn the_quantile_grid_runs_left_to_right_and_top_to_bottom() {
        let grid = quantile_grid(15);
        assert_eq!(grid.len(), 15 * 15 * 2);
        let (first, last) = ((grid[0], grid[1]), (grid[448], grid[449]));
        assert!((first.0 + 1.644_854).abs() < 1e-5 && (first.1 - 1.644_854).abs() < 1e-5);
        assert!((last.0 - 1.644_854).abs() < 1e-5 && (last.1 + 1.644_854).abs() < 1e-5);
        assert!(grid[7 * 30 + 14].abs() < 1e-6, "the centre is the origin");
    }

    #[test]
    fn interpolation_and_even_grids_include_both_ends() {
        assert_eq!(
            interpolate(&[0.0, 1.0], &[1.0, 3.0], 3),
            [0.0, 1.0, 0.5, 2.0, 1.0, 3.0]
        );
        assert_eq!(
            even_grid(2, (0.0, 1.0), (-1.0, 1.0)),
            [0.0, 1.0, 1.0, 1.0, 0.0, -1.0, 1.0, -1.0]
        );
        assert_eq!(empirical_quantile(&[3.0, 1.0, 2.0], 0.5), 2.0);
    }
}
