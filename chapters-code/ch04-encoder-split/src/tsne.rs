//! A 2-D map of codes with t-SNE (the `bhtsne` crate), as Géron
//! draws it with scikit-learn's `TSNE`.
//!
//! t-SNE places points so that neighbours in the code space stay neighbours
//! on the page; distances between far-apart groups mean little.

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_distr::{Distribution, Normal};

/// scikit-learn's default perplexity: how many neighbours each point
/// roughly attends to (less for maps of fewer than 91 points).
pub const PERPLEXITY: f32 = 30.0;
/// Barnes-Hut's accuracy knob (0 = exact); 0.5 is the usual default.
pub const THETA: f32 = 0.5;
/// Optimisation steps, scikit-learn's default.
pub const STEPS: usize = 1_000;

// ANCHOR: tsne
/// The t-SNE map of `codes` (rows of `width` values), one `(x, y)` per row.
/// The starting layout is drawn from `seed` (tiny Gaussian noise, as in the
/// original t-SNE), so a run can be repeated.
pub fn tsne_map(codes: &[f32], width: usize, seed: u64) -> Vec<(f32, f32)> {
    let rows: Vec<&[f32]> = codes.chunks(width).collect();
    let normal = Normal::new(0.0f32, 1e-4).expect("a valid standard deviation");
    let mut rng = StdRng::seed_from_u64(seed);
    let start: Vec<f32> = (0..rows.len() * 2)
        .map(|_| normal.sample(&mut rng))
        .collect();
    let euclidean = |a: &&[f32], b: &&[f32]| {
        a.iter()
            .zip(b.iter())
            .map(|(x, y)| (x - y) * (x - y))
            .sum::<f32>()
            .sqrt()
    };
    // t-SNE needs at least three neighbours per unit of perplexity.
    let perplexity = PERPLEXITY.min((rows.len().saturating_sub(1)) as f32 / 3.0);
    let embedding = bhtsne::tSNE::<f32, &[f32], 2>::new(&rows)
        .perplexity(perplexity)
        .epochs(STEPS)
        .initial_embedding(start)
        .barnes_hut(THETA, euclidean)
        .embedding();
    embedding.chunks(2).map(|p| (p[0], p[1])).collect()
}
// ANCHOR_END: tsne

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_far_apart_clusters_stay_apart() {
        // 40 points around 0 and 40 around 10, in 5 dimensions.
        let mut rng = StdRng::seed_from_u64(0);
        let noise = Normal::new(0.0f32, 0.1).unwrap();
        let codes: Vec<f32> = (0..80)
            .flat_map(|i| {
                let centre = if i < 40 { 0.0 } else { 10.0 };
                (0..5)
                    .map(|_| centre + noise.sample(&mut rng))
                    .collect::<Vec<_>>()
            })
            .collect();
        let map = tsne_map(&codes, 5, 1);
        assert_eq!(map.len(), 80);
        let centre = |ps: &[(f32, f32)]| {
            let n = ps.len() as f32;
            let (x, y) = ps.iter().fold((0.0, 0.0), |(a, b), p| (a + p.0, b + p.1));
            (x / n, y / n)
        };
        let spread = |ps: &[(f32, f32)], c: (f32, f32)| {
            ps.iter()
                .map(|p| ((p.0 - c.0).powi(2) + (p.1 - c.1).powi(2)).sqrt())
                .fold(0.0f32, f32::max)
        };
        let (a, b) = (centre(&map[..40]), centre(&map[40..]));
        let gap = ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt();
        assert!(
            gap > spread(&map[..40], a) + spread(&map[40..], b),
            "the clusters overlap"
        );
    }
}
