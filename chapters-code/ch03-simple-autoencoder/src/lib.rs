//! Chapter 3: a simple autoencoder.
//!
//! * [`model`]: the simple (784-32-784) and deep (784-128-32-128-784) MNIST
//!   autoencoders as pairs of dfdx modules, so `model.0` is the encoder and
//!   `model.1` the decoder.
//! * [`training`]: one training step (binary cross-entropy computed from
//!   logits), the evaluation loss, and reconstructions; training runs the
//!   model's fused twin (`ae_fast::Fuse`, chapter 12).
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
    Autoencoder, EVAL_BATCH, KERAS_ADAM, TracedBatch, Trainable, Trainer, evaluate, fit_autoencoder,
    keras_adam, reconstruct, train_step,
};
