//! Chapter 8: stacked autoencoders, after Géron's *Hands-On Machine
//! Learning* (3rd edition, chapter 17), on Fashion-MNIST.
//!
//! The stacked model itself, its training loop with Nadam and the mean
//! squared error live in chapter 5's `geron` module; this chapter adds:
//!
//! * [`tied`]: a decoder that reuses the encoder's weights, transposed.
//! * [`greedy`]: training the stack one shallow autoencoder at a time.
//! * [`pretraining`]: the encoder as the start of a classifier trained on
//!   500 labelled images.
//! * [`splits`]: Géron's 55,000 / 5,000 split of the training images.
//! * [`report`]: the results file.

pub mod greedy;
pub mod pretraining;
pub mod report;
pub mod splits;
pub mod tied;
