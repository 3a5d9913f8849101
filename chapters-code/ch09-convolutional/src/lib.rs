//! Chapter 9: convolutional autoencoders.
//!
//! * [`window`]: the geometry of a convolution, and im2col.
//! * [`layers`]: convolution, transposed convolution, max pooling and
//!   up-sampling as dfdx modules, built on the tape for stable Rust.
//! * [`activation`]: the activations the layers apply inside their operation.
//! * [`models`]: Chollet's convolutional autoencoder and denoiser, and the
//!   keras.io example with transposed convolutions.
//! * [`training`]: training and scoring them with chapters 3 and 5's code.

pub mod activation;
pub mod layers;
pub mod models;
pub mod training;
pub mod window;
