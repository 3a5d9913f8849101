//! Reused scratch buffers.
//!
//! The fused operations copy tensors out of dfdx and write gradients into
//! buffers that they then fill completely. `vec![0.0; n]` would first zero
//! each one, a whole extra pass over memory that is about to be
//! overwritten, and a fresh large allocation can cost the kernel a page
//! fault per 4 KB as well. A [`Buffer`] comes from a small per-thread stock
//! of earlier buffers instead, with whatever values they held, and goes
//! back to it when dropped.

use std::cell::RefCell;
use std::ops::{Deref, DerefMut};

/// Buffers smaller than this are simply allocated: zeroing them is cheap.
const SMALLEST_KEPT: usize = 4 * 1024;

/// How many free buffers a thread keeps (a training step of the book's
/// deepest model has about this many in flight at once).
const MOST_KEPT: usize = 32;

thread_local! {
    static STOCK: RefCell<Vec<Vec<f32>>> = const { RefCell::new(Vec::new()) };
}

/// `len` values of scratch space. Its contents are unspecified (but always
/// valid floats): every user overwrites all of them.
pub struct Buffer(Vec<f32>);

impl Buffer {
    pub fn new(len: usize) -> Self {
        let reused = (len >= SMALLEST_KEPT)
            .then(|| {
                STOCK.with_borrow_mut(|stock| {
                    // The smallest buffer that is large enough.
                    let best = (0..stock.len())
                        .filter(|&i| stock[i].capacity() >= len)
                        .min_by_key(|&i| stock[i].capacity())?;
                    Some(stock.swap_remove(best))
                })
            })
            .flatten();
        let mut values = reused.unwrap_or_default();
        // Shrinking writes nothing; growing within the capacity writes only
        // the new tail.
        values.resize(len, 0.0);
        Buffer(values)
    }

    /// A buffer holding a copy of `values`.
    pub fn copy_of(values: &[f32]) -> Self {
        let mut buffer = Buffer::new(values.len());
        buffer.copy_from_slice(values);
        buffer
    }

    /// The values, to hand over for good (to a dfdx tensor, say).
    pub fn into_vec(mut self) -> Vec<f32> {
        std::mem::take(&mut self.0)
    }
}

impl Drop for Buffer {
    fn drop(&mut self) {
        let values = std::mem::take(&mut self.0);
        if values.capacity() >= SMALLEST_KEPT {
            STOCK.with_borrow_mut(|stock| {
                if stock.len() < MOST_KEPT {
                    stock.push(values);
                }
            });
        }
    }
}

impl Deref for Buffer {
    type Target = [f32];
    fn deref(&self) -> &[f32] {
        &self.0
    }
}

impl DerefMut for Buffer {
    fn deref_mut(&mut self) -> &mut [f32] {
        &mut self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dropped_buffer_is_reused_with_its_values() {
        let mut first = Buffer::new(10_000);
        first.fill(7.0);
        let address = first.as_ptr();
        drop(first);
        let second = Buffer::new(9_000);
        assert_eq!(second.as_ptr(), address, "the same memory, reused");
        assert_eq!(second.len(), 9_000);
        assert!(second.iter().all(|&v| v == 7.0), "not zeroed again");
    }

    #[test]
    fn small_buffers_start_at_zero_and_copies_keep_their_values() {
        assert!(Buffer::new(16).iter().all(|&v| v == 0.0));
        let given = Buffer::copy_of(&[1.5; 20_000]).into_vec();
        assert_eq!(given, vec![1.5; 20_000]);
    }
}
