//! Principal component analysis, computed exactly: the eigenvectors of the
//! covariance matrix, by Jacobi rotations for small dimensions and by subspace
//! iteration when only the top few of many are wanted.

use crate::linalg::{Matrix, SymmetricEigen, orthonormal_columns, symmetric_eigen};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_distr::{Distribution, StandardNormal};

// ANCHOR: covariance
/// The mean of the rows of a row-major table (`dim` values per row), and the
/// covariance matrix `(1/n) Σ (x - mean)(x - mean)ᵀ`.
///
/// Dividing by `n` (not `n - 1`) makes the eigenvalues the mean squared
/// lengths of the projections, the same averaging as the MSE loss.
pub fn covariance(rows: &[f32], dim: usize) -> (Vec<f64>, Matrix) {
    let n = rows.len() / dim;
    let mut mean = vec![0.0; dim];
    for row in rows.chunks_exact(dim) {
        mean.iter_mut()
            .zip(row)
            .for_each(|(m, &x)| *m += f64::from(x) / n as f64);
    }
    let mut cov = Matrix::zeros(dim, dim);
    for row in rows.chunks_exact(dim) {
        let centred: Vec<f64> = row
            .iter()
            .zip(&mean)
            .map(|(&x, m)| f64::from(x) - m)
            .collect();
        for i in 0..dim {
            for j in 0..dim {
                cov[(i, j)] += centred[i] * centred[j] / n as f64;
            }
        }
    }
    (mean, cov)
}
// ANCHOR_END: covariance

/// A fitted PCA: the mean, the top principal directions and their variances.
#[derive(Clone, Debug)]
pub struct Pca {
    /// The mean that is subtracted before projecting.
    pub mean: Vec<f64>,
    /// `dim x k`: the principal directions as orthonormal columns, most variance first.
    pub components: Matrix,
    /// The variance along each of the `k` directions (eigenvalues of the covariance).
    pub variances: Vec<f64>,
    /// The total variance of the data (the trace of the covariance).
    pub total_variance: f64,
}

impl Pca {
    // ANCHOR: exact_pca
    /// PCA with `k` components from the full eigen-decomposition of the
    /// covariance (Jacobi rotations): exact, and fine for small `dim`.
    pub fn exact(rows: &[f32], dim: usize, k: usize) -> Pca {
        let (mean, cov) = covariance(rows, dim);
        let SymmetricEigen { values, vectors } = symmetric_eigen(&cov);
        Pca {
            mean,
            components: vectors.first_columns(k),
            variances: values[..k].to_vec(),
            total_variance: values.iter().sum(),
        }
    }
    // ANCHOR_END: exact_pca

    pub fn dim(&self) -> usize {
        self.components.rows
    }

    pub fn k(&self) -> usize {
        self.components.cols
    }

    /// The principal components of one point: its centred coordinates
    /// along each principal direction.
    pub fn project(&self, point: &[f32]) -> Vec<f64> {
        let centred: Vec<f64> = point
            .iter()
            .zip(&self.mean)
            .map(|(&x, m)| f64::from(x) - m)
            .collect();
        (0..self.k())
            .map(|j| {
                (0..self.dim())
                    .map(|i| centred[i] * self.components[(i, j)])
                    .sum()
            })
            .collect()
    }

    /// The point with these principal components: `mean + Σ c_j w_j`.
    pub fn reconstruct(&self, code: &[f64]) -> Vec<f64> {
        (0..self.dim())
            .map(|i| {
                self.mean[i]
                    + code
                        .iter()
                        .enumerate()
                        .map(|(j, c)| c * self.components[(i, j)])
                        .sum::<f64>()
            })
            .collect()
    }

    /// Mean squared error per value of projecting and reconstructing every
    /// row of `rows`: the number the MSE loss measures.
    pub fn reconstruction_mse(&self, rows: &[f32]) -> f64 {
        let mut sum = 0.0;
        for row in rows.chunks_exact(self.dim()) {
            let back = self.reconstruct(&self.project(row));
            sum += row
                .iter()
                .zip(&back)
                .map(|(&x, y)| (f64::from(x) - y).powi(2))
                .sum::<f64>();
        }
        sum / rows.len() as f64
    }

    // ANCHOR: optimal_mse
    /// The smallest reconstruction MSE any rank-`k` linear map can reach on
    /// the data PCA was fitted to: the variance of the dropped directions,
    /// averaged over the `dim` values of a point.
    pub fn optimal_mse(&self) -> f64 {
        (self.total_variance - self.variances.iter().sum::<f64>()) / self.dim() as f64
    }
    // ANCHOR_END: optimal_mse
}

// ANCHOR: subspace_iteration
/// The top `k` eigenpairs of a symmetric positive semi-definite `dim x dim`
/// matrix `C`, which is seen only through `apply(Q) = C Q`.
///
/// Start from a random `dim x (k + extra)` block, and repeat: multiply by `C`,
/// re-orthonormalise. Directions with large eigenvalues grow fastest, so the
/// block turns into the top eigenspace, the error shrinking like
/// `(λ_{k+extra+1} / λ_k)^iterations`; the `extra` columns widen that gap.
/// At the end, the eigen-decomposition of the small matrix `Qᵀ C Q`
/// (Rayleigh-Ritz) sorts out the individual directions inside the block.
/// `C` must have rank at least `k + extra`, or the block cannot stay
/// orthonormal (Gram-Schmidt stops with a message).
pub fn top_eigenpairs(
    dim: usize,
    k: usize,
    extra: usize,
    iterations: usize,
    seed: u64,
    mut apply: impl FnMut(&Matrix) -> Matrix,
) -> SymmetricEigen {
    let mut rng = StdRng::seed_from_u64(seed);
    let width = k + extra;
    let mut q = Matrix {
        rows: dim,
        cols: width,
        data: (0..dim * width)
            .map(|_| StandardNormal.sample(&mut rng))
            .collect(),
    };
    q = orthonormal_columns(&q);
    for _ in 0..iterations {
        q = orthonormal_columns(&apply(&q));
    }
    let small = q.transpose().matmul(&apply(&q));
    let ritz = symmetric_eigen(&small);
    SymmetricEigen {
        values: ritz.values[..k].to_vec(),
        vectors: q.matmul(&ritz.vectors.first_columns(k)),
    }
}
// ANCHOR_END: subspace_iteration

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::{CLOUD_POINTS, flatten, tilted_plane_cloud};
    use crate::linalg::principal_angles_degrees;

    #[test]
    fn the_reconstruction_error_of_pca_is_the_dropped_variance() {
        let rows = flatten(&tilted_plane_cloud(CLOUD_POINTS, Default::default(), 42));
        let pca = Pca::exact(&rows, 3, 2);
        let direct = pca.reconstruction_mse(&rows);
        assert!((direct - pca.optimal_mse()).abs() < 1e-9 * direct.max(1e-9));
        // Keeping all three directions loses nothing.
        assert!(Pca::exact(&rows, 3, 3).reconstruction_mse(&rows) < 1e-12);
    }

    #[test]
    fn subspace_iteration_agrees_with_jacobi() {
        let n = 12;
        let b = Matrix {
            rows: n,
            cols: n,
            data: (0..n * n).map(|i| ((i * 29 % 13) as f64) - 6.0).collect(),
        };
        let c = b.transpose().matmul(&b);
        let exact = symmetric_eigen(&c);
        let fast = top_eigenpairs(n, 3, 3, 300, 1, |q| c.matmul(q));
        for j in 0..3 {
            assert!((fast.values[j] - exact.values[j]).abs() < 1e-8 * exact.values[0]);
        }
        let angles = principal_angles_degrees(&fast.vectors, &exact.vectors.first_columns(3));
        assert!(angles.iter().all(|a| *a < 1e-4), "{angles:?}");
    }
}
