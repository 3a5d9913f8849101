//! Chapter 7: an autoencoder with linear activations and the MSE loss learns
//! the same subspace as principal component analysis.
//!
//! - [`cloud`]: the toy data, 60 points near a tilted plane in 3-D.
//! - [`linalg`]: a small matrix type, Gram-Schmidt, Jacobi eigenvalues and
//!   principal angles, written out instead of pulled in from a crate.
//! - [`pca`]: exact PCA (Jacobi) and top-`k` PCA (subspace iteration).
//! - [`model`]: the linear autoencoder and its training step.
//! - [`toy`]: the experiment on the cloud and its comparison with PCA.
//! - [`figures`]: the cloud with the learned plane, and the two sets of codings.
//! - [`mnist`]: the same comparison on MNIST digits, with chapter 3's model.

pub mod cloud;
pub mod figures;
pub mod linalg;
pub mod mnist;
pub mod model;
pub mod pca;
pub mod toy;
