//! Principal component analysis, small and exact enough for 32-D codes: the
//! covariance matrix, and its leading eigenvectors by power iteration.

// ANCHOR: pca
/// The directions along which a set of points varies most.
#[derive(Clone, Debug)]
pub struct Pca {
    /// The mean point, subtracted before projecting.
    pub mean: Vec<f64>,
    /// Unit-length directions, largest variance first.
    pub components: Vec<Vec<f64>>,
    /// The variance of the points along each component.
    pub variances: Vec<f64>,
    /// The total variance of the points (the sum over all dimensions).
    pub total_variance: f64,
}

impl Pca {
    /// Finds the `k` leading components of `points` (`dim` values each).
    pub fn fit(points: &[f32], dim: usize, k: usize) -> Pca {
        let n = points.len() / dim;
        assert!(n > 1 && k <= dim, "need two points or more, and k <= dim");
        let mut mean = vec![0.0f64; dim];
        for p in points.chunks(dim) {
            mean.iter_mut()
                .zip(p)
                .for_each(|(m, &x)| *m += f64::from(x) / n as f64);
        }
        // Covariance: the average outer product of the centred points.
        let mut cov = vec![0.0f64; dim * dim];
        for p in points.chunks(dim) {
            let c: Vec<f64> = p
                .iter()
                .zip(&mean)
                .map(|(&x, m)| f64::from(x) - m)
                .collect();
            for i in 0..dim {
                for j in 0..dim {
                    cov[i * dim + j] += c[i] * c[j] / (n - 1) as f64;
                }
            }
        }
        let total_variance = (0..dim).map(|i| cov[i * dim + i]).sum();
        let mut components = Vec::with_capacity(k);
        let mut variances = Vec::with_capacity(k);
        for _ in 0..k {
            let (value, vector) = leading_eigenvector(&cov, dim);
            // Deflate: remove this direction so the next search finds the next one.
            for i in 0..dim {
                for j in 0..dim {
                    cov[i * dim + j] -= value * vector[i] * vector[j];
                }
            }
            components.push(vector);
            variances.push(value);
        }
        Pca {
            mean,
            components,
            variances,
            total_variance,
        }
    }

    /// The coordinates of one point along the components.
    pub fn project(&self, point: &[f32]) -> Vec<f64> {
        self.components
            .iter()
            .map(|c| {
                c.iter()
                    .zip(point.iter().zip(&self.mean))
                    .map(|(w, (&x, m))| w * (f64::from(x) - m))
                    .sum()
            })
            .collect()
    }

    /// The share of the total variance the components keep, in [0, 1].
    pub fn explained(&self) -> f64 {
        self.variances.iter().sum::<f64>() / self.total_variance
    }
}

/// The largest eigenvalue of the symmetric `dim` × `dim` matrix `m` and its
/// unit eigenvector, by repeated multiplication.
fn leading_eigenvector(m: &[f64], dim: usize) -> (f64, Vec<f64>) {
    let mut v: Vec<f64> = (0..dim).map(|i| 1.0 + i as f64 / dim as f64).collect();
    let mut value = 0.0;
    for _ in 0..1_000 {
        let w: Vec<f64> = (0..dim)
            .map(|i| (0..dim).map(|j| m[i * dim + j] * v[j]).sum())
            .collect();
        let norm = w.iter().map(|x| x * x).sum::<f64>().sqrt();
        if norm == 0.0 {
            return (0.0, v);
        }
        let next: Vec<f64> = w.iter().map(|x| x / norm).collect();
        let change: f64 = next.iter().zip(&v).map(|(a, b)| (a - b).abs()).sum();
        v = next;
        value = norm;
        if change < 1e-12 {
            break;
        }
    }
    (value, v)
}
// ANCHOR_END: pca

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_axes_of_a_stretched_cloud() {
        // Points spread widely along (1, 1, 0)/√2, a little along z, and
        // not at all along (1, -1, 0)/√2; each `t` comes with both signs of z,
        // so the two spreads are uncorrelated.
        let mut points = Vec::new();
        for i in 0..100 {
            let t = ((i / 2) as f32 / 49.0 - 0.5) * 2.0;
            let s = if i % 2 == 0 { 1.0 } else { -1.0 };
            points.extend([3.0 * t + 5.0, 3.0 * t + 5.0, s / 3.0]);
        }
        let pca = Pca::fit(&points, 3, 2);
        let first = &pca.components[0];
        assert!((first[0].abs() - 0.5f64.sqrt()).abs() < 1e-6, "{first:?}");
        assert!((first[1] - first[0]).abs() < 1e-6);
        assert!(pca.components[1][2].abs() > 0.999);
        assert!(pca.variances[0] > pca.variances[1]);
        assert!((pca.explained() - 1.0).abs() < 1e-9);
        let centre = pca.project(&[5.0, 5.0, 0.0]);
        assert!(centre.iter().all(|c| c.abs() < 1e-5), "{centre:?}");
    }
}
