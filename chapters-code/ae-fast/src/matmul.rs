//! A bounds-checked front for the `gemm` crate, the matrix multiplication
//! dfdx runs on the CPU (here a newer release than dfdx's own, with faster
//! kernels). `Dense` calls it directly to choose how the work is
//! split between threads, which dfdx decides on its own for every product.

/// A matrix in a slice: element `(i, j)` is `data[i * row_stride + j * column_stride]`.
#[derive(Clone, Copy)]
pub struct MatRef<'a> {
    pub data: &'a [f32],
    pub rows: usize,
    pub cols: usize,
    pub row_stride: usize,
    pub column_stride: usize,
}

impl<'a> MatRef<'a> {
    /// `rows × cols`, stored row after row.
    pub fn row_major(data: &'a [f32], rows: usize, cols: usize) -> Self {
        MatRef {
            data,
            rows,
            cols,
            row_stride: cols,
            column_stride: 1,
        }
    }

    /// The transpose of a row-major `cols × rows` matrix, without copying.
    pub fn transposed(data: &'a [f32], rows: usize, cols: usize) -> Self {
        MatRef {
            data,
            rows,
            cols,
            row_stride: 1,
            column_stride: rows,
        }
    }

    /// The transpose, read in place without copying.
    pub fn t(self) -> Self {
        MatRef {
            rows: self.cols,
            cols: self.rows,
            row_stride: self.column_stride,
            column_stride: self.row_stride,
            ..self
        }
    }

    fn check(&self) {
        if self.rows > 0 && self.cols > 0 {
            let last = (self.rows - 1) * self.row_stride + (self.cols - 1) * self.column_stride;
            assert!(last < self.data.len(), "matrix view runs past its slice");
        }
    }
}

/// `dst = a · b` (or `dst += a · b` with `accumulate`), `dst` row-major and
/// computed on the calling thread only.
pub fn matmul(dst: &mut [f32], a: MatRef, b: MatRef, accumulate: bool) {
    assert_eq!(a.cols, b.rows, "inner dimensions differ");
    assert_eq!(dst.len(), a.rows * b.cols, "destination has the wrong size");
    a.check();
    b.check();
    if dst.is_empty() {
        return;
    }
    // SAFETY: the asserts above keep every index gemm computes from these
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
            a.column_stride as isize,
            a.row_stride as isize,
            b.data.as_ptr(),
            b.column_stride as isize,
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
    fn a_transposed_view_multiplies_as_its_transpose() {
        let b = [1.0, 0.0, 0.0, 1.0, 1.0, 1.0]; // 3 × 2
        // a = [[1, 2, 3], [4, 5, 6]], stored as its 3 × 2 transpose.
        let a_t = [1.0, 4.0, 2.0, 5.0, 3.0, 6.0];
        let mut dst = [0.0; 4];
        let a = MatRef::row_major(&a_t, 3, 2).t();
        matmul(&mut dst, a, MatRef::row_major(&b, 3, 2), false);
        assert_eq!(dst, [4.0, 5.0, 10.0, 11.0]);
    }

    /// The fused layers write products into reused buffers that still hold
    /// old values; without `accumulate`, those must not leak into the result.
    #[test]
    fn without_accumulate_the_destination_is_not_read() {
        let a = [1.0, 2.0, 3.0, 4.0]; // 2 × 2
        let b = [1.0, 0.0, 0.0, 1.0]; // identity
        let mut dst = [f32::NAN; 4];
        matmul(
            &mut dst,
            MatRef::row_major(&a, 2, 2),
            MatRef::row_major(&b, 2, 2),
            false,
        );
        assert_eq!(dst, a);
        matmul(
            &mut dst,
            MatRef::row_major(&a, 2, 2),
            MatRef::row_major(&b, 2, 2),
            true,
        );
        assert_eq!(dst, [2.0, 4.0, 6.0, 8.0]);
    }
}
