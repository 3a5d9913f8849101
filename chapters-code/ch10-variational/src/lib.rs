//! Chapter 10: variational autoencoders.
//!
//! * [`models`]: Chollet's 2-d VAE, Géron's 10-d VAE, and a plain
//!   autoencoder with a 2-d code to compare them with.
//! * [`loss`]: the reparameterisation trick, the KL term and the
//!   reconstruction term, with each source's scaling.
//! * [`training`]: one step, the evaluation, and the training loop that
//!   records both terms per epoch.
//! * [`latent`]: walking the latent space: means of images, decoding, the
//!   grid over Gaussian quantiles, interpolation.
//! * [`pictures`]: the figures.
//! * [`export`]: the decoder's weights and a fixture for the book's
//!   interactive figure.

pub mod export;
pub mod latent;
pub mod loss;
pub mod models;
pub mod pictures;
pub mod training;
