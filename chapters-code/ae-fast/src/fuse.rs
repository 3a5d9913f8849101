//! The one step from a plain dfdx training setup to its fused twin.
//!
//! The chapters write their models, optimisers and losses with dfdx's own
//! types. [`Fuse`] maps each to the twin that computes the same function
//! faster: every `(Linear<I, O>, A)` of a model to a [`DenseLayer`], dfdx's
//! `Adam` to [`crate::Adam`], and the losses of `ae_support::losses` to the
//! fused losses. [`unfuse`] gives the plain model back after training, with
//! the trained tensors, so checkpoints and every later chapter see dfdx's
//! own types.

use crate::dense::DenseLayer;
use crate::kernels::Identity;
use ae_support::losses::{BinaryCrossEntropy, Loss, MeanSquaredError};
use dfdx::nn::modules::{Linear, ReLU, Sigmoid};
use dfdx::prelude::*;

// ANCHOR: fuse
/// A plain dfdx model, optimiser or loss that has a fused twin.
pub trait Fuse {
    /// The twin: `Fused<(Linear<784, 32>, ReLU)>` is `DenseLayer<784, 32, ReLU>`.
    type Fused;
    /// Moves the parameters into the twin; nothing is copied or changed.
    fn fuse(self) -> Self::Fused;
}

/// The fused twin of `T`.
pub type Fused<T> = <T as Fuse>::Fused;

/// The plain model back from its trained twin.
pub fn unfuse<M: FuseLayers>(fused: M::Fused) -> M {
    M::unfuse_layers(fused)
}
// ANCHOR_END: fuse

/// A model made of `Linear` layers, each alone or followed by its
/// activation, nested in tuples.
pub trait FuseLayers: Sized {
    /// The same layers as [`DenseLayer`]s, in the same tuples.
    type Fused;
    /// `input_layer` marks the first layer of a model fed with data: nothing
    /// reads the gradient with respect to its input, so it skips computing it.
    fn fuse_layers(self, input_layer: bool) -> Self::Fused;
    fn unfuse_layers(fused: Self::Fused) -> Self;
}

impl<M: FuseLayers> Fuse for M {
    type Fused = M::Fused;

    fn fuse(self) -> M::Fused {
        self.fuse_layers(true)
    }
}

/// `Linear` alone, or followed by activation `A`, as one layer.
fn dense<const I: usize, const O: usize, A>(
    linear: Linear<I, O, f32, Cpu>,
    input_layer: bool,
) -> DenseLayer<I, O, A> {
    DenseLayer::new(linear.weight, linear.bias, !input_layer)
}

fn linear<const I: usize, const O: usize, A>(fused: DenseLayer<I, O, A>) -> Linear<I, O, f32, Cpu> {
    Linear {
        weight: fused.weight,
        bias: fused.bias,
    }
}

impl<const I: usize, const O: usize> FuseLayers for Linear<I, O, f32, Cpu> {
    type Fused = DenseLayer<I, O, Identity>;

    fn fuse_layers(self, input_layer: bool) -> Self::Fused {
        dense(self, input_layer)
    }

    fn unfuse_layers(fused: Self::Fused) -> Self {
        linear(fused)
    }
}

/// A `Linear` layer and the activation after it.
macro_rules! fuse_activation {
    ($activation:ident) => {
        impl<const I: usize, const O: usize> FuseLayers for (Linear<I, O, f32, Cpu>, $activation) {
            type Fused = DenseLayer<I, O, $activation>;

            fn fuse_layers(self, input_layer: bool) -> Self::Fused {
                dense(self.0, input_layer)
            }

            fn unfuse_layers(fused: Self::Fused) -> Self {
                (linear(fused), $activation)
            }
        }
    };
}
fuse_activation!(ReLU);
fuse_activation!(Sigmoid);

/// Sequential models: only the first part reads the model's input.
macro_rules! fuse_tuple {
    ($first:ident $(, $rest:ident)*) => {
        impl<$first: FuseLayers $(, $rest: FuseLayers)*> FuseLayers for ($first, $($rest,)*) {
            type Fused = ($first::Fused, $($rest::Fused,)*);

            #[allow(non_snake_case)]
            fn fuse_layers(self, input_layer: bool) -> Self::Fused {
                let ($first, $($rest,)*) = self;
                ($first.fuse_layers(input_layer), $($rest.fuse_layers(false),)*)
            }

            #[allow(non_snake_case)]
            fn unfuse_layers(fused: Self::Fused) -> Self {
                let ($first, $($rest,)*) = fused;
                ($first::unfuse_layers($first), $($rest::unfuse_layers($rest),)*)
            }
        }
    };
}
fuse_tuple!(A, B);
fuse_tuple!(A, B, C);
fuse_tuple!(A, B, C, D);

/// dfdx's Adam becomes [`crate::Adam`] with the same settings. Its moments
/// start at zero, so fuse an optimiser before its first update.
impl<M: FuseLayers> Fuse for dfdx::optim::Adam<M, f32, Cpu> {
    type Fused = crate::Adam<M::Fused>;

    fn fuse(self) -> Self::Fused {
        crate::Adam::with_config(self.cfg)
    }
}

/// [`BinaryCrossEntropy`] computed with its gradient in one pass.
#[derive(Clone, Copy, Debug, Default)]
pub struct FusedBinaryCrossEntropy;

/// [`MeanSquaredError`] computed with its gradient in one pass.
#[derive(Clone, Copy, Debug, Default)]
pub struct FusedMeanSquaredError;

impl Fuse for BinaryCrossEntropy {
    type Fused = FusedBinaryCrossEntropy;

    fn fuse(self) -> Self::Fused {
        FusedBinaryCrossEntropy
    }
}

impl Fuse for MeanSquaredError {
    type Fused = FusedMeanSquaredError;

    fn fuse(self) -> Self::Fused {
        FusedMeanSquaredError
    }
}

impl Loss for FusedBinaryCrossEntropy {
    fn loss<S: Shape, T: Tape<f32, Cpu>>(
        &self,
        logits: Tensor<S, f32, Cpu, T>,
        target: Tensor<S, f32, Cpu>,
    ) -> Tensor<Rank0, f32, Cpu, T> {
        crate::bce_with_logits_loss(logits, target)
    }
}

impl Loss for FusedMeanSquaredError {
    fn loss<S: Shape, T: Tape<f32, Cpu>>(
        &self,
        output: Tensor<S, f32, Cpu, T>,
        target: Tensor<S, f32, Cpu>,
    ) -> Tensor<Rank0, f32, Cpu, T> {
        crate::mse_loss(output, target)
    }
}
