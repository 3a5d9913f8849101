//! Every model the book trains, in its plain-dfdx build and its fused twin.

use crate::timing::Training;
use ae_fast::{Fuse, FuseLayers, Fused};
use ae_support::losses::{BinaryCrossEntropy, Loss, MeanSquaredError};
use ch03_simple_autoencoder::{Autoencoder, Trainer, keras_adam};
use dfdx::prelude::*;

/// Chapter 3's other deep autoencoder, Chollet's, 784-128-64-32-64-128-784.
pub use ch03_simple_autoencoder::CholletDeepAutoencoder;
/// Chapter 3's deep autoencoder, 784-128-32-128-784.
pub use ch03_simple_autoencoder::DeepAutoencoder;
/// Chapter 3's simple autoencoder, 784-32-784.
pub use ch03_simple_autoencoder::SimpleAutoencoder;
/// Chapter 6's sparse autoencoder with 300 sigmoid codes.
pub use ch06_sparse::models::KlAutoencoder;
/// Chapter 7's linear autoencoder at MNIST's size.
pub type LinearAutoencoder = ch07_linear_pca::model::LinearAutoencoder<784, 32>;

/// The book's models, for the command line and the tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Model {
    /// Chapter 3 (and 4, 5, 6 with the L1 penalty): 784-32-784.
    Simple,
    /// Chapter 3 and 5: 784-128-32-128-784.
    Deep,
    /// Chapter 3, Chollet's deep model: 784-128-64-32-64-128-784.
    CholletDeep,
    /// Chapter 6 with the KL penalty: 784-100-300-100-784.
    Sparse,
    /// Chapter 7: 784-32-784 without activations.
    Linear,
}

impl Model {
    pub const ALL: [Model; 5] = [
        Model::Simple,
        Model::Deep,
        Model::CholletDeep,
        Model::Sparse,
        Model::Linear,
    ];

    /// The layer widths, as the tables print them.
    pub fn layout(self) -> &'static str {
        match self {
            Model::Simple => "784-32-784",
            Model::Deep => "784-128-32-128-784",
            Model::CholletDeep => "784-128-64-32-64-128-784",
            Model::Sparse => "784-100-300-100-784",
            Model::Linear => "784-32-784 linear",
        }
    }

    /// Inputs × outputs of every weight matrix, summed: a forward pass
    /// costs twice this many floating-point operations per sample.
    pub fn weights(self) -> usize {
        match self {
            Model::Simple | Model::Linear => 2 * 784 * 32,
            Model::Deep => 2 * (784 * 128 + 128 * 32),
            Model::CholletDeep => 2 * (784 * 128 + 128 * 64 + 64 * 32),
            Model::Sparse => 2 * (784 * 100 + 100 * 300),
        }
    }

    /// Floating-point operations of one training step, per sample: the
    /// forward products (2 per weight) and the two backward products, for
    /// the weights' and the inputs' gradients (4 per weight). This is the
    /// standard step's work, the yardstick for both builds, although the
    /// fused twin skips the first layer's input gradient.
    pub fn training_flops_per_sample(self) -> f64 {
        6.0 * self.weights() as f64
    }
}

/// Which build of a model: the chapter's own dfdx modules, optimiser and
/// loss, or their fused twins.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Build {
    /// dfdx's `Linear`, activation modules, `Adam` and losses.
    Plain,
    /// The same model, optimiser and loss after `ae_fast::Fuse`.
    Fast,
}

impl Build {
    pub fn name(self) -> &'static str {
        match self {
            Build::Plain => "plain dfdx",
            Build::Fast => "fast",
        }
    }
}

/// Something to do with a fresh training setup (time it, benchmark it): its
/// type differs for every pair of [`Model`] and [`Build`], so it is a trait
/// with a generic method.
pub trait WithModel {
    type Output;
    fn run<T: Training>(self, training: T) -> Self::Output;
}

// ANCHOR: builds
/// Builds `model` from `seed` with the loss its chapter trains it with, and
/// hands chapter 3's trainer of it (Adam with Keras' defaults) to `job`: as
/// it is for [`Build::Plain`], fused for [`Build::Fast`]. Both builds start
/// from the same weights.
pub fn build_and<W: WithModel>(model: Model, build: Build, seed: u64, job: W) -> W::Output {
    let dev = Cpu::seed_from_u64(seed);
    match model {
        Model::Simple => {
            let model = dev.build_module::<SimpleAutoencoder, f32>();
            setup(model, BinaryCrossEntropy, build, job)
        }
        Model::Deep => {
            let model = dev.build_module::<DeepAutoencoder, f32>();
            setup(model, BinaryCrossEntropy, build, job)
        }
        Model::CholletDeep => {
            let model = dev.build_module::<CholletDeepAutoencoder, f32>();
            setup(model, BinaryCrossEntropy, build, job)
        }
        Model::Sparse => {
            let model = dev.build_module::<KlAutoencoder, f32>();
            setup(model, MeanSquaredError, build, job)
        }
        Model::Linear => {
            let model = dev.build_module::<LinearAutoencoder, f32>();
            setup(model, MeanSquaredError, build, job)
        }
    }
}

/// Chapter 3's trainer of `model`, the way its chapter builds it, or its
/// fused twin.
fn setup<M, L, W>(model: M, loss: L, build: Build, job: W) -> W::Output
where
    M: FuseLayers + Autoencoder<784>,
    Fused<M>: Autoencoder<784>,
    L: Loss + Fuse,
    Fused<L>: Loss,
    W: WithModel,
{
    let optimizer = keras_adam(&model);
    let trainer = Trainer::new(model, optimizer, loss);
    match build {
        Build::Plain => job.run(trainer),
        Build::Fast => job.run(trainer.fuse()),
    }
}
// ANCHOR_END: builds

#[cfg(test)]
mod tests {
    use super::*;
    use ae_fast::{DenseLayer, Identity};

    #[test]
    fn the_fused_twins_are_made_of_dense_layers() {
        let dev = Cpu::default();
        let _: (DenseLayer<784, 32, ReLU>, DenseLayer<32, 784, Identity>) =
            dev.build_module::<SimpleAutoencoder, f32>().fuse();
        let _: (DenseLayer<784, 32, Identity>, DenseLayer<32, 784, Identity>) =
            dev.build_module::<LinearAutoencoder, f32>().fuse();
        type SparseEncoder = (DenseLayer<784, 100, ReLU>, DenseLayer<100, 300, Sigmoid>);
        type SparseDecoder = (DenseLayer<300, 100, ReLU>, DenseLayer<100, 784, Identity>);
        let (encoder, _): (SparseEncoder, SparseDecoder) =
            dev.build_module::<KlAutoencoder, f32>().fuse();
        assert_eq!(encoder.1.bias.shape(), &(Const::<300>,));
    }

    #[test]
    fn weight_counts_match_the_built_models() {
        let dev = Cpu::default();
        // Trainable parameters are the weights plus one bias per output.
        let check = |model: Model, params: usize, biases: usize| {
            assert_eq!(model.weights() + biases, params, "{model:?}");
        };
        check(
            Model::Simple,
            dev.build_module::<SimpleAutoencoder, f32>()
                .num_trainable_params(),
            32 + 784,
        );
        check(
            Model::Deep,
            dev.build_module::<DeepAutoencoder, f32>()
                .num_trainable_params(),
            128 + 32 + 128 + 784,
        );
        check(
            Model::CholletDeep,
            dev.build_module::<CholletDeepAutoencoder, f32>()
                .num_trainable_params(),
            128 + 64 + 32 + 64 + 128 + 784,
        );
        check(
            Model::Sparse,
            dev.build_module::<KlAutoencoder, f32>()
                .num_trainable_params(),
            100 + 300 + 100 + 784,
        );
        check(
            Model::Linear,
            dev.build_module::<LinearAutoencoder, f32>()
                .num_trainable_params(),
            32 + 784,
        );
    }
}
