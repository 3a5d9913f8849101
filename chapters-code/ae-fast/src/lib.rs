//! The speed layer: faster training on the CPU through dfdx's public
//! extension points, custom operations that record their own backward pass
//! on dfdx's tape. Chapters reach it through one step, [`Fuse`], which maps a
//! plain dfdx model, optimiser and loss to their twins here:
//!
//! - [`DenseLayer`]: a `Linear` layer and its activation as one layer and one
//!   operation, multiplying with `gemm`, the crate dfdx uses (in a newer
//!   release), and splitting the work between threads itself;
//! - [`bce_with_logits_loss`] and [`mse_loss`]: losses whose forward pass
//!   also computes the gradient, with `exp` and `ln` written so that they
//!   compile to SIMD instructions;
//! - [`Adam`]: dfdx's Adam, bit for bit, on every core;
//! - [`threads`]: the main thread works in rayon's pool instead of waiting,
//!   and the other workers stay awake while training runs;
//! - [`Allocator`]: the memory allocator each program may choose.
//!
//! Each is checked against the plain dfdx operations it replaces, for values
//! and gradients, in this crate's tests.

mod adam;
mod allocator;
pub mod buffers;
mod dense;
mod fuse;
pub mod kernels;
mod loss;
pub mod math;
pub mod matmul;
pub mod threads;

pub use adam::Adam;
pub use allocator::Allocator;
pub use dense::DenseLayer;
pub use fuse::{Fuse, FuseLayers, Fused, FusedBinaryCrossEntropy, FusedMeanSquaredError, unfuse};
pub use kernels::{Activation, Identity};
pub use loss::{bce_with_logits_loss, mse_loss};

#[cfg(test)]
mod tests;
