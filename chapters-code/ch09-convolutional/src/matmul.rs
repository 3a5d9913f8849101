//! The one matrix product the layers need, `dst (+)= a · b`, on row-major
//! slices, by the `gemm` crate (which dfdx itself calls on the CPU). Each
//! call runs on the calling thread: the layers split a batch's images between
//! threads themselves.

/// A row-major matrix, or the transpose of one, read in place.
#[derive(Clone, Copy, Debug)]
pub struct Matrix<'a> {
    data: &'a [f32],
    rows: usize,
    cols: usize,
    row_stride: usize,
    col_stride: usize,
}

impl<'a> Matrix<'a> {
    /// `data` holds `rows × cols` values, row after row.
    pub fn new(data: &'a [f32], rows: usize, cols: usize) -> Self {
        assert_eq!(data.len(), rows * cols, "a {rows}×{cols} matrix");
        Matrix {
            data,
            rows,
            cols,
            row_stride: cols,
            col_stride: 1,
        }
    }

    /// The transpose, without copying.
    pub fn t(self) -> Self {
        Matrix {
            rows: self.cols,
            cols: self.rows,
            row_stride: self.col_stride,
            col_stride: self.row_stride,
            ..self
        }
    }
}

/// `dst = a · b`, or `dst += a · b` when `accumulate`; `dst` is row-major,
/// `a.rows × b.cols`.
pub fn matmul(dst: &mut [f32], a: Matrix, b: Matrix, accumulate: bool) {
    assert_eq!(a.cols, b.rows, "inner sizes of a product");
    assert_eq!(dst.len(), a.rows * b.cols, "size of a product");
    // SAFETY: the assertions above keep every index `gemm` computes from the
    // sizes and strides inside the three slices, and `dst` is borrowed
    // mutably, so it overlaps neither input.
    unsafe {
        gemm::gemm(
            a.rows,
            b.cols,
            a.cols,
            dst.as_mut_ptr(),
            1,
            b.cols as isize,
            accumulate,
            a.data.as_ptr(),
            a.col_stride as isize,
            a.row_stride as isize,
            b.data.as_ptr(),
            b.col_stride as isize,
            b.row_stride as isize,
            1.0,
            1.0,
            false,
            false,
            false,
            gemm::Parallelism::None,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn products_with_and_without_transposes() {
        let a = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]; // 2×3
        let b = [1.0, 0.0, 0.0, 1.0, 1.0, 1.0]; // 3×2
        let mut dst = [0.0; 4];
        matmul(
            &mut dst,
            Matrix::new(&a, 2, 3),
            Matrix::new(&b, 3, 2),
            false,
        );
        assert_eq!(dst, [4.0, 5.0, 10.0, 11.0]);
        // (aᵀ)ᵀ·b, with a stored as its 3×2 transpose.
        let a_t = [1.0, 4.0, 2.0, 5.0, 3.0, 6.0];
        matmul(
            &mut dst,
            Matrix::new(&a_t, 3, 2).t(),
            Matrix::new(&b, 3, 2),
            true,
        );
        assert_eq!(dst, [8.0, 10.0, 20.0, 22.0]);
    }
}
