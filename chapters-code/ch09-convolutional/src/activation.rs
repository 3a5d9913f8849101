//! The activation a layer applies to its output, inside the layer's own
//! operation: `Conv2D<1, 16, 3, ReLU>` is Keras' `Conv2D(16, 3,
//! activation="relu")`. dfdx's `ReLU` and `Sigmoid` name the functions.

pub use dfdx::nn::modules::{ReLU, Sigmoid};

/// No activation: the layer's output is the convolution plus the bias (the
/// logits of a last layer, for example).
#[derive(Clone, Copy, Debug, Default)]
pub struct Identity;

/// An element-wise function whose derivative can be computed from its
/// output, so the backward pass keeps the output rather than the input.
pub trait Activation: Send + Sync + 'static {
    /// Replaces every value `z` by `f(z)`.
    fn apply(values: &mut [f32]);
    /// Multiplies each gradient by `f'(z)`, given `outputs = f(z)`.
    fn scale_gradient(outputs: &[f32], gradient: &mut [f32]);
}

impl Activation for Identity {
    fn apply(_: &mut [f32]) {}
    fn scale_gradient(_: &[f32], _: &mut [f32]) {}
}

impl Activation for ReLU {
    fn apply(values: &mut [f32]) {
        values.iter_mut().for_each(|v| *v = v.max(0.0));
    }
    fn scale_gradient(outputs: &[f32], gradient: &mut [f32]) {
        // A select rather than a branch: about half the outputs are 0, in
        // no predictable order, and a mispredicted branch per value cost more
        // than the rest of the backward pass's bookkeeping.
        for (g, &y) in gradient.iter_mut().zip(outputs) {
            *g = if y > 0.0 { *g } else { 0.0 };
        }
    }
}

impl Activation for Sigmoid {
    fn apply(values: &mut [f32]) {
        values
            .iter_mut()
            .for_each(|v| *v = 1.0 / (1.0 + (-*v).exp()));
    }
    fn scale_gradient(outputs: &[f32], gradient: &mut [f32]) {
        for (g, &y) in gradient.iter_mut().zip(outputs) {
            *g *= y * (1.0 - y);
        }
    }
}
