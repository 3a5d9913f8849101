//! Chapter 6: sparse autoencoders.
//!
//! * [`penalty`]: the L1 activity penalty and the KL-divergence sparsity
//!   penalty, and how Keras' published λ values map onto this book's.
//! * [`models`]: chapter 3's simple autoencoder, and a wide sigmoid code for
//!   the KL penalty.
//! * [`training`]: one training step with a penalty on the code, the loop
//!   around it, and the evaluation.
//! * [`stats`]: mean code value, fraction of zeros, mean activation per unit.
//! * [`settings`]: penalty weights and target activations, checked with
//!   chapter 5's [`ch05_denoising::NumberError`].
//! * [`report`]: the comparison table and the figures of a run.
//! * [`geron`]: Géron's sparse model (300 sigmoid codes, L1 1e-4, MSE,
//!   Nadam).

pub mod geron;
pub mod models;
pub mod penalty;
pub mod report;
pub mod settings;
pub mod stats;
pub mod training;

pub use models::{KL_CODE_SIZE, KlAutoencoder, KlDecoder, KlEncoder, SimpleAutoencoder};
pub use penalty::{
    KerasScaling, bernoulli_kl, book_lambda, kl_sparsity, kl_sparsity_of, l1_activity,
    l1_activity_of, unit_means,
};
pub use settings::{TargetActivation, Weight};
pub use stats::CodeStats;
pub use training::{
    Losses, Reconstruction, Sparsity, Trained, encode_all, evaluate, fit_sparse, outputs,
    sparse_step, train_and_measure, train_sparse,
};
