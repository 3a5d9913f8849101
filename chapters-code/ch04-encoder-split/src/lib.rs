//! Chapter 4: the encoder and the decoder of a trained autoencoder.
//!
//! * [`halves`]: the encoder is `model.0`, the decoder `model.1`; encoding
//!   and decoding whole sets of images.
//! * [`code_images`]: a 32-number code drawn as a 4 × 8 picture.
//! * [`pca`]: principal component analysis, to map 32-D codes onto a plane.
//! * [`tsne`]: a t-SNE map of the codes, the other common way to draw them.
//! * [`weights`]: chapter 3's trained weights, loaded or trained, and
//!   checked against what this run asks for.
//! * [`report`]: the run's results file and figures.

pub mod code_images;
pub mod halves;
pub mod pca;
pub mod report;
pub mod tsne;
pub mod weights;

pub use halves::{decode, decoder, encode, encoder};
pub use pca::Pca;
pub use weights::{Provenance, load_or_train};
