//! The toy data: a 3-D point cloud lying near a tilted plane.

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_distr::{Distribution, Normal};

/// How many points the chapter's cloud has.
pub const CLOUD_POINTS: usize = 60;

// ANCHOR: cloud
/// How the points spread: the standard deviations of the two Gaussian
/// numbers that place a point in the plane, and of the noise off it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CloudShape {
    pub long_std: f64,
    pub short_std: f64,
    pub off_plane_std: f64,
}

impl Default for CloudShape {
    /// The chapter's cloud: `s` and `t` with standard deviations 1.0 and 0.5, noise 0.2.
    fn default() -> Self {
        CloudShape {
            long_std: 1.0,
            short_std: 0.5,
            off_plane_std: 0.2,
        }
    }
}

/// `n` points near the plane `z = 0.4 x - 0.3 y`, mean-centred.
///
/// Inside the plane the points form an elliptical Gaussian blob; off the
/// plane they are pushed up or down by Gaussian noise. Two directions carry
/// most of the variance and the third is mostly noise: the setting in which
/// a 2-D code should lose little.
pub fn tilted_plane_cloud(n: usize, shape: CloudShape, seed: u64) -> Vec<[f32; 3]> {
    let normal = |std: f64| Normal::new(0.0, std).expect("a standard deviation >= 0");
    let (long, short) = (normal(shape.long_std), normal(shape.short_std));
    let noise = normal(shape.off_plane_std);
    let mut rng = StdRng::seed_from_u64(seed);
    let mut points: Vec<[f64; 3]> = (0..n)
        .map(|_| {
            let (s, t): (f64, f64) = (long.sample(&mut rng), short.sample(&mut rng));
            // The ellipse's long axis points along (1, 0.5) in the xy-plane.
            let (x, y) = (s + 0.5 * t, 0.5 * s - t);
            [x, y, 0.4 * x - 0.3 * y + noise.sample(&mut rng)]
        })
        .collect();
    let mean = column_means(&points);
    for p in &mut points {
        (0..3).for_each(|d| p[d] -= mean[d]);
    }
    points.iter().map(|p| p.map(|v| v as f32)).collect()
}
// ANCHOR_END: cloud

/// The mean of each coordinate.
pub fn column_means(points: &[[f64; 3]]) -> [f64; 3] {
    let mut mean = [0.0; 3];
    for p in points {
        (0..3).for_each(|d| mean[d] += p[d] / points.len() as f64);
    }
    mean
}

/// The points as one row-major table (`len * 3` values), the layout tensors use.
pub fn flatten(points: &[[f32; 3]]) -> Vec<f32> {
    points.iter().flatten().copied().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cloud_is_seeded_centred_and_flat() {
        let shape = CloudShape::default();
        let a = tilted_plane_cloud(CLOUD_POINTS, shape, 7);
        assert_eq!(a, tilted_plane_cloud(CLOUD_POINTS, shape, 7));
        assert_ne!(a, tilted_plane_cloud(CLOUD_POINTS, shape, 8));
        assert_eq!(a.len(), CLOUD_POINTS);
        for d in 0..3 {
            let mean: f64 = a.iter().map(|p| f64::from(p[d])).sum::<f64>() / 60.0;
            assert!(mean.abs() < 1e-6, "axis {d} has mean {mean}");
        }
        // Distance from the plane 0.4x - 0.3y - z = 0 is small on average.
        let off: f64 = a
            .iter()
            .map(|p| f64::from(0.4 * p[0] - 0.3 * p[1] - p[2]).powi(2))
            .sum::<f64>()
            / 60.0;
        assert!(off.sqrt() < 0.3, "rms distance from the plane {off}");
    }
}
