//! Just enough dense linear algebra to do PCA by hand: a small matrix type,
//! Gram-Schmidt orthonormalisation, the Jacobi eigenvalue method for symmetric
//! matrices, and the principal angles between two subspaces.
//!
//! Everything is `f64` and written for clarity, not speed: the matrices here
//! are 3x3 (the toy) or at most a few dozen rows and columns, except where a
//! caller hands the heavy products to dfdx (see [`crate::pca`]).

use std::ops::{Index, IndexMut};

/// A dense row-major matrix of `f64`.
#[derive(Clone, Debug, PartialEq)]
pub struct Matrix {
    pub rows: usize,
    pub cols: usize,
    /// `rows * cols` entries, row by row.
    pub data: Vec<f64>,
}

impl Matrix {
    pub fn zeros(rows: usize, cols: usize) -> Matrix {
        Matrix {
            rows,
            cols,
            data: vec![0.0; rows * cols],
        }
    }

    pub fn identity(n: usize) -> Matrix {
        let mut m = Matrix::zeros(n, n);
        (0..n).for_each(|i| m[(i, i)] = 1.0);
        m
    }

    /// A matrix from its rows, e.g. `Matrix::from_rows(&[[1.0, 2.0], [3.0, 4.0]])`.
    pub fn from_rows<R: AsRef<[f64]>>(rows: &[R]) -> Matrix {
        let cols = rows.first().map_or(0, |r| r.as_ref().len());
        assert!(
            rows.iter().all(|r| r.as_ref().len() == cols),
            "rows of unequal length"
        );
        Matrix {
            rows: rows.len(),
            cols,
            data: rows.iter().flat_map(|r| r.as_ref().to_vec()).collect(),
        }
    }

    /// A matrix whose columns are the given vectors.
    pub fn from_columns<C: AsRef<[f64]>>(columns: &[C]) -> Matrix {
        Matrix::from_rows(columns).transpose()
    }

    /// Column `j` as a vector.
    pub fn column(&self, j: usize) -> Vec<f64> {
        (0..self.rows).map(|i| self[(i, j)]).collect()
    }

    /// The first `k` columns.
    pub fn first_columns(&self, k: usize) -> Matrix {
        let columns: Vec<Vec<f64>> = (0..k).map(|j| self.column(j)).collect();
        Matrix::from_columns(&columns)
    }

    pub fn transpose(&self) -> Matrix {
        let mut t = Matrix::zeros(self.cols, self.rows);
        for i in 0..self.rows {
            for j in 0..self.cols {
                t[(j, i)] = self[(i, j)];
            }
        }
        t
    }

    /// The product `self * other`.
    pub fn matmul(&self, other: &Matrix) -> Matrix {
        assert_eq!(self.cols, other.rows, "inner dimensions differ");
        let mut product = Matrix::zeros(self.rows, other.cols);
        for i in 0..self.rows {
            for k in 0..self.cols {
                let a = self[(i, k)];
                for j in 0..other.cols {
                    product[(i, j)] += a * other[(k, j)];
                }
            }
        }
        product
    }
}

impl Index<(usize, usize)> for Matrix {
    type Output = f64;
    fn index(&self, (i, j): (usize, usize)) -> &f64 {
        &self.data[i * self.cols + j]
    }
}

impl IndexMut<(usize, usize)> for Matrix {
    fn index_mut(&mut self, (i, j): (usize, usize)) -> &mut f64 {
        &mut self.data[i * self.cols + j]
    }
}

pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

// ANCHOR: gram_schmidt
/// An orthonormal basis of the column space of `m` (modified Gram-Schmidt):
/// each column loses its components along the columns before it and is
/// scaled to length 1. The columns of `m` must be linearly independent.
pub fn orthonormal_columns(m: &Matrix) -> Matrix {
    let mut basis: Vec<Vec<f64>> = Vec::with_capacity(m.cols);
    for j in 0..m.cols {
        let mut v = m.column(j);
        for q in &basis {
            let along = dot(&v, q);
            v.iter_mut().zip(q).for_each(|(x, qi)| *x -= along * qi);
        }
        let norm = dot(&v, &v).sqrt();
        assert!(norm > 1e-12, "column {j} depends on the columns before it");
        v.iter_mut().for_each(|x| *x /= norm);
        basis.push(v);
    }
    Matrix::from_columns(&basis)
}
// ANCHOR_END: gram_schmidt

/// Eigenvalues of a symmetric matrix, largest first, and matching unit
/// eigenvectors as the columns of `vectors`.
#[derive(Clone, Debug)]
pub struct SymmetricEigen {
    pub values: Vec<f64>,
    pub vectors: Matrix,
}

// ANCHOR: jacobi
/// Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations.
///
/// Each rotation in the plane of coordinates `p` and `q` is chosen to make
/// `a[p][q]` zero; sweeping over all pairs again and again drives every
/// off-diagonal entry to zero. What is left on the diagonal are the
/// eigenvalues, and the product of all rotations holds the eigenvectors.
pub fn symmetric_eigen(matrix: &Matrix) -> SymmetricEigen {
    let n = matrix.rows;
    assert_eq!(n, matrix.cols, "the matrix must be square");
    let mut a = matrix.clone();
    let mut v = Matrix::identity(n);
    let scale: f64 = a.data.iter().map(|x| x * x).sum();
    for _sweep in 0..100 {
        let off_diagonal: f64 = (0..n)
            .flat_map(|p| (0..n).filter(move |&q| q != p).map(move |q| (p, q)))
            .map(|(p, q)| a[(p, q)] * a[(p, q)])
            .sum();
        if off_diagonal <= 1e-30 * scale {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                if a[(p, q)] == 0.0 {
                    continue;
                }
                // The angle that zeroes a[p][q], as its tangent t (the smaller root).
                let theta = (a[(q, q)] - a[(p, p)]) / (2.0 * a[(p, q)]);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                // a <- Rᵀ a R and v <- v R, where R rotates columns p and q.
                rotate_columns(&mut a, p, q, c, s);
                rotate_rows(&mut a, p, q, c, s);
                rotate_columns(&mut v, p, q, c, s);
            }
        }
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| a[(j, j)].total_cmp(&a[(i, i)]));
    SymmetricEigen {
        values: order.iter().map(|&i| a[(i, i)]).collect(),
        vectors: Matrix::from_columns(&order.iter().map(|&i| v.column(i)).collect::<Vec<_>>()),
    }
}

fn rotate_columns(m: &mut Matrix, p: usize, q: usize, c: f64, s: f64) {
    for k in 0..m.rows {
        let (mp, mq) = (m[(k, p)], m[(k, q)]);
        m[(k, p)] = c * mp - s * mq;
        m[(k, q)] = s * mp + c * mq;
    }
}

fn rotate_rows(m: &mut Matrix, p: usize, q: usize, c: f64, s: f64) {
    for k in 0..m.cols {
        let (mp, mq) = (m[(p, k)], m[(q, k)]);
        m[(p, k)] = c * mp - s * mq;
        m[(q, k)] = s * mp + c * mq;
    }
}
// ANCHOR_END: jacobi

// ANCHOR: principal_angles
/// The principal angles, in degrees and smallest first, between the column
/// spaces of `a` and `b` (both with the same number of rows).
///
/// With orthonormal bases `Qa` and `Qb`, the singular values of `Qaᵀ Qb` are
/// the cosines of the principal angles. The singular values of a small matrix
/// `M` are the square roots of the eigenvalues of `Mᵀ M`, so the Jacobi method
/// above finishes the job.
pub fn principal_angles_degrees(a: &Matrix, b: &Matrix) -> Vec<f64> {
    let (qa, qb) = (orthonormal_columns(a), orthonormal_columns(b));
    let m = qa.transpose().matmul(&qb);
    let cosines_squared = symmetric_eigen(&m.transpose().matmul(&m)).values;
    cosines_squared
        .iter()
        .map(|c2| c2.clamp(0.0, 1.0).sqrt().acos().to_degrees())
        .collect()
}
// ANCHOR_END: principal_angles

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_close(a: f64, b: f64, tol: f64) {
        assert!((a - b).abs() <= tol, "{a} vs {b}");
    }

    #[test]
    fn jacobi_finds_known_eigenpairs() {
        // Eigenvalues of [[2,1],[1,2]] are 3 and 1, with vectors (1,1) and (1,-1).
        let e = symmetric_eigen(&Matrix::from_rows(&[[2.0, 1.0], [1.0, 2.0]]));
        assert_close(e.values[0], 3.0, 1e-12);
        assert_close(e.values[1], 1.0, 1e-12);
        let v0 = e.vectors.column(0);
        assert_close(v0[0].abs(), 0.5f64.sqrt(), 1e-12);
        assert_close(v0[0], v0[1], 1e-12);
    }

    #[test]
    fn jacobi_satisfies_a_v_equals_lambda_v_on_a_larger_matrix() {
        let n = 7;
        let b = Matrix {
            rows: n,
            cols: n,
            data: (0..n * n).map(|i| ((i * 37 % 11) as f64) - 5.0).collect(),
        };
        let a = b.transpose().matmul(&b); // symmetric
        let e = symmetric_eigen(&a);
        let av = a.matmul(&e.vectors);
        for j in 0..n {
            for i in 0..n {
                assert_close(av[(i, j)], e.values[j] * e.vectors[(i, j)], 1e-9);
            }
        }
        assert!(e.values.windows(2).all(|w| w[0] >= w[1]), "sorted");
        let vtv = e.vectors.transpose().matmul(&e.vectors);
        for i in 0..n {
            for j in 0..n {
                assert_close(vtv[(i, j)], if i == j { 1.0 } else { 0.0 }, 1e-12);
            }
        }
    }

    #[test]
    fn gram_schmidt_keeps_the_span_and_makes_it_orthonormal() {
        let m = Matrix::from_columns(&[[1.0, 1.0, 0.0], [1.0, 0.0, 1.0]]);
        let q = orthonormal_columns(&m);
        let qtq = q.transpose().matmul(&q);
        assert_close(qtq[(0, 0)], 1.0, 1e-12);
        assert_close(qtq[(0, 1)], 0.0, 1e-12);
        assert_close(qtq[(1, 1)], 1.0, 1e-12);
        assert!(
            principal_angles_degrees(&m, &q)
                .iter()
                .all(|a| a.abs() < 1e-6)
        );
    }

    #[test]
    fn principal_angles_of_known_planes() {
        let xy = Matrix::from_columns(&[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]);
        // The xy-plane tilted by 30 degrees about the x axis.
        let (c, s) = (30f64.to_radians().cos(), 30f64.to_radians().sin());
        let tilted = Matrix::from_columns(&[[2.0, 0.0, 0.0], [1.0, c, s]]);
        let angles = principal_angles_degrees(&xy, &tilted);
        assert_close(angles[0], 0.0, 1e-6);
        assert_close(angles[1], 30.0, 1e-9);
    }
}
