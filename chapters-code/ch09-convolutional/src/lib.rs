//! Chapter 9: convolutional autoencoders.
//!
//! * [`window`]: the geometry of a convolution, and im2col.
//! * [`layers`]: convolution, transposed convolution, max pooling and
//!   up-sampling as dfdx modules, built on the tape for stable Rust.
//! * [`activation`]: the activations the layers apply inside their operation.

pub mod activation;
pub mod layers;
pub mod matmul;
pub mod window;
