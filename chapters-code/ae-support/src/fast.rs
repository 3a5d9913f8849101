//! Faster training on the CPU through dfdx's public extension points:
//! custom operations that record their own backward pass on dfdx's tape.
//!
//! - [`Dense`]: a `Linear` layer and its activation as one layer and one
//!   operation, multiplying with `gemm`, the crate dfdx uses (in a newer
//!   release), and splitting the work between threads itself;
//! - [`bce_with_logits_loss`] and [`mse_loss`]: losses whose forward pass
//!   also computes the gradient, with `exp` and `ln` written so that they
//!   compile to SIMD instructions;
//! - [`Adam`]: dfdx's Adam, bit for bit, on every core;
//! - and, in the `allocator` module, mimalloc as the global allocator.
//!
//! Each is checked against the plain dfdx operations it replaces, for values
//! and gradients, in this module's tests.

mod adam;
pub mod buffers;
mod dense;
pub mod kernels;
mod loss;
pub mod math;
pub mod matmul;

pub use adam::Adam;
pub use dense::{Dense, DenseLayer, Input};
pub use kernels::{Activation, Identity};
pub use loss::{bce_with_logits_loss, mse_loss};

#[cfg(test)]
mod tests;
