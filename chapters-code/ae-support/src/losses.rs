//! dfdx's reconstruction losses, named.
//!
//! Keras attaches a loss to a model by name (`loss="binary_crossentropy"`);
//! dfdx offers plain functions. A type per loss lets a training setup hold
//! its loss like any other part, and lets the book's fused twin of a setup
//! swap in a faster computation of the same function (chapter 12).

use dfdx::prelude::*;

/// A loss between a model's output and its target, averaged over every value.
pub trait Loss {
    /// The loss as a scalar that keeps `output`'s tape, ready for `backward`.
    fn loss<S: Shape, T: Tape<f32, Cpu>>(
        &self,
        output: Tensor<S, f32, Cpu, T>,
        target: Tensor<S, f32, Cpu>,
    ) -> Tensor<Rank0, f32, Cpu, T>;
}

// ANCHOR: losses
/// Binary cross-entropy of outputs that are *logits*: dfdx's
/// [`binary_cross_entropy_with_logits_loss`], Keras'
/// `BinaryCrossentropy(from_logits=True)`.
#[derive(Clone, Copy, Debug, Default)]
pub struct BinaryCrossEntropy;

impl Loss for BinaryCrossEntropy {
    fn loss<S: Shape, T: Tape<f32, Cpu>>(
        &self,
        logits: Tensor<S, f32, Cpu, T>,
        target: Tensor<S, f32, Cpu>,
    ) -> Tensor<Rank0, f32, Cpu, T> {
        binary_cross_entropy_with_logits_loss(logits, target)
    }
}

/// Mean squared error: dfdx's [`mse_loss`], Keras' `"mse"`.
#[derive(Clone, Copy, Debug, Default)]
pub struct MeanSquaredError;

impl Loss for MeanSquaredError {
    fn loss<S: Shape, T: Tape<f32, Cpu>>(
        &self,
        output: Tensor<S, f32, Cpu, T>,
        target: Tensor<S, f32, Cpu>,
    ) -> Tensor<Rank0, f32, Cpu, T> {
        mse_loss(output, target)
    }
}
// ANCHOR_END: losses
