//! Chapter 3: a simple autoencoder.
//!
//! * [`model`]: the MNIST autoencoders of Chollet's post (784-32-784 and
//!   784-128-64-32-64-128-784) and Dertat's article (784-128-32-128-784) as
//!   pairs of dfdx modules, so `model.0` is the encoder and `model.1` the
//!   decoder.
//! * [`training`]: one training step (binary cross-entropy computed from
//!   logits), the evaluation loss, and reconstructions; training runs the
//!   model's fused twin (`ae_fast::Fuse`, chapter 12).
//! * [`toy`]: a 100-4-100 autoencoder on generated data, against a baseline.
//! * [`adadelta`]: Keras' Adadelta optimiser, which dfdx lacks.
//! * [`report`]: the results file and the figures of a run.
//! * [`saved_weights`]: where the trained weights are kept for chapter 4.
//! * [`overcomplete`]: a code wider than the input, and what it learns instead.
//! * [`likelihood`]: the loss as a negative log-likelihood, and which to pick.

pub mod adadelta;
pub mod likelihood;
pub mod model;
pub mod overcomplete;
pub mod report;
pub mod saved_weights;
pub mod toy;
pub mod training;

/// The one step from a plain dfdx model, optimiser and loss to the fused
/// twins that the programs train (chapter 12 explains them).
pub use ae_fast::{Fuse, FuseLayers, Fused, unfuse};
pub use model::{
    Architecture, Built, CODE_SIZE, CholletDeepAutoencoder, DeepAutoencoder, DeepDecoder,
    DeepEncoder, DeepModel, IMAGE_PIXELS, SimpleAutoencoder, SimpleDecoder, SimpleEncoder,
    SimpleModel, WithModel,
};
pub use report::OptimizerChoice;
pub use training::{
    Autoencoder, EVAL_BATCH, KERAS_ADAM, TracedBatch, Trainable, Trainer, evaluate,
    fit_autoencoder, fit_autoencoder_with, keras_adam, reconstruct, train_step,
};
