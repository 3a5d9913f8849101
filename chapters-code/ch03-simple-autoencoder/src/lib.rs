//! Chapter 3: a simple autoencoder.
//!
//! * [`model`]: the simple (784-32-784) and deep (784-128-32-128-784) MNIST
//!   autoencoders as pairs, so `model.0` is the encoder and `model.1` the
//!   decoder, built from the support crate's fused `Dense` layers.
//! * [`training`]: one training step (binary cross-entropy computed from
//!   logits), the evaluation loss, and reconstructions.
//! * [`toy`]: a 100-4-100 autoencoder on generated data, against a baseline.
//! * [`checkpoints`]: where the trained weights are kept for chapter 4.
//! * [`adadelta`]: Keras' Adadelta optimiser, which dfdx lacks.

pub mod adadelta;
pub mod checkpoints;
pub mod model;
pub mod toy;
pub mod training;

pub use model::{
    Architecture, Built, CODE_SIZE, DeepAutoencoder, DeepDecoder, DeepEncoder, DeepModel,
    IMAGE_PIXELS, SimpleAutoencoder, SimpleDecoder, SimpleEncoder, SimpleModel,
};
pub use training::{
    KERAS_ADAM, TracedBatch, TracedInput, Trainer, evaluate, fit_autoencoder, keras_adam,
    reconstruct, train_step,
};
