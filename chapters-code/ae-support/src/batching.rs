//! Mini-batches: seeded shuffling, and rows of a data set as dfdx tensors.
//!
//! The batch size is a run-time number (the last batch of an epoch is usually
//! smaller than the rest), while the width of a row is part of the type, so a
//! model for 784-pixel images cannot be fed anything else.

use dfdx::prelude::*;
use rand::Rng;
use rand::seq::SliceRandom;
use std::ops::Range;

/// A batch of `N`-wide rows: `usize` rows known at run time, `N` at compile time.
pub type Batch<const N: usize> = Tensor<(usize, Const<N>), f32, Cpu>;

/// The row indices of each mini-batch of one epoch, in an order shuffled by
/// `rng`; the last batch holds the remainder. Seeding `rng` makes runs repeatable.
pub fn shuffled_batches(len: usize, batch_size: usize, rng: &mut impl Rng) -> Vec<Vec<usize>> {
    assert!(batch_size > 0, "batch size must be positive");
    let mut order: Vec<usize> = (0..len).collect();
    order.shuffle(rng);
    order.chunks(batch_size).map(<[usize]>::to_vec).collect()
}

/// Consecutive index ranges covering `0..len`, for evaluation, where order does
/// not matter and copying is cheaper without a shuffle.
pub fn sequential_batches(len: usize, batch_size: usize) -> impl Iterator<Item = Range<usize>> {
    assert!(batch_size > 0, "batch size must be positive");
    (0..len)
        .step_by(batch_size)
        .map(move |start| start..(start + batch_size).min(len))
}

// ANCHOR: gather
/// Gathers the rows at `indices` of the row-major table `rows` (each row `N`
/// values) into one tensor.
pub fn gather<const N: usize>(dev: &Cpu, rows: &[f32], indices: &[usize]) -> Batch<N> {
    let mut data = Vec::with_capacity(indices.len() * N);
    for &i in indices {
        data.extend_from_slice(&rows[i * N..(i + 1) * N]);
    }
    dev.tensor_from_vec(data, (indices.len(), Const::<N>))
}
// ANCHOR_END: gather

/// The rows `range` of the row-major table `rows` as one tensor.
pub fn slice<const N: usize>(dev: &Cpu, rows: &[f32], range: Range<usize>) -> Batch<N> {
    let len = range.len();
    dev.tensor_from_vec(
        rows[range.start * N..range.end * N].to_vec(),
        (len, Const::<N>),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn shuffling_covers_every_row_once_and_repeats_for_a_seed() {
        let a = shuffled_batches(10, 4, &mut StdRng::seed_from_u64(7));
        let b = shuffled_batches(10, 4, &mut StdRng::seed_from_u64(7));
        let c = shuffled_batches(10, 4, &mut StdRng::seed_from_u64(8));
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(a.iter().map(Vec::len).collect::<Vec<_>>(), [4, 4, 2]);
        let mut all: Vec<usize> = a.concat();
        all.sort();
        assert_eq!(all, (0..10).collect::<Vec<_>>());
    }

    #[test]
    fn sequential_batches_end_with_the_remainder() {
        let ranges: Vec<_> = sequential_batches(7, 3).collect();
        assert_eq!(ranges, [0..3, 3..6, 6..7]);
    }

    #[test]
    fn gather_and_slice_copy_the_right_rows() {
        let dev = Cpu::default();
        let rows: Vec<f32> = (0..8).map(|v| v as f32).collect(); // four rows of two
        let batch: Batch<2> = gather(&dev, &rows, &[3, 0]);
        assert_eq!(batch.as_vec(), [6.0, 7.0, 0.0, 1.0]);
        let batch: Batch<2> = slice(&dev, &rows, 1..3);
        assert_eq!(batch.as_vec(), [2.0, 3.0, 4.0, 5.0]);
        assert_eq!(batch.shape().0, 2);
    }
}
