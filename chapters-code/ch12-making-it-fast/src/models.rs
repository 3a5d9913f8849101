//! Every model the book trains, in its plain-dfdx build and its fast build.

use crate::timing::{LossFn, loss_fn};
use ch03_simple_autoencoder::model as ch03;
use ch03_simple_autoencoder::training::{TracedBatch, TracedInput};
use ch06_sparse::models as ch06;
use ch07_linear_pca::model as ch07;
use dfdx::prelude::*;

// ANCHOR: plain_models
/// Chapter 3's simple autoencoder from dfdx's stock layers.
pub type PlainSimple = ((Linear<784, 32>, ReLU), Linear<32, 784>);
/// Chapter 3's deep autoencoder from dfdx's stock layers.
pub type PlainDeep = (
    (Linear<784, 128>, ReLU, Linear<128, 32>, ReLU),
    (Linear<32, 128>, ReLU, Linear<128, 784>),
);
/// Chapter 6's sparse autoencoder (300 sigmoid codes) from stock layers.
pub type PlainSparse = (
    (Linear<784, 100>, ReLU, Linear<100, 300>, Sigmoid),
    (Linear<300, 100>, ReLU, Linear<100, 784>),
);
/// Chapter 7's linear autoencoder from stock layers.
pub type PlainLinear = (Linear<784, 32>, Linear<32, 784>);
// ANCHOR_END: plain_models

/// The chapters' own (fast) builds of the same models.
pub type FastSimple = ch03::SimpleAutoencoder;
pub type FastDeep = ch03::DeepAutoencoder;
pub type FastSparse = ch06::KlAutoencoder;
pub type FastLinear = ch07::LinearAutoencoder<784, 32>;

/// The book's models, for the command line and the tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Model {
    /// Chapter 3 (and 4, 5, 6 with the L1 penalty): 784-32-784.
    Simple,
    /// Chapter 3 and 5: 784-128-32-128-784.
    Deep,
    /// Chapter 6 with the KL penalty: 784-100-300-100-784.
    Sparse,
    /// Chapter 7: 784-32-784 without activations.
    Linear,
}

/// Which loss a model trains with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Loss {
    /// Binary cross-entropy on logits (chapters 3 to 6 with the L1 penalty).
    BinaryCrossEntropy,
    /// Mean squared error (chapter 6 with the KL penalty, chapter 7).
    MeanSquaredError,
}

impl Model {
    pub const ALL: [Model; 4] = [Model::Simple, Model::Deep, Model::Sparse, Model::Linear];

    /// The layer widths, as the tables print them.
    pub fn layout(self) -> &'static str {
        match self {
            Model::Simple => "784-32-784",
            Model::Deep => "784-128-32-128-784",
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
            Model::Sparse => 2 * (784 * 100 + 100 * 300),
        }
    }

    /// Floating-point operations of one training step, per sample: the
    /// forward products (2 per weight) and the two backward products, for
    /// the weights' and the inputs' gradients (4 per weight). This is the
    /// standard step's work, the yardstick for both builds, although the
    /// fast build skips the first layer's input gradient.
    pub fn training_flops_per_sample(self) -> f64 {
        6.0 * self.weights() as f64
    }

    pub fn loss(self) -> Loss {
        match self {
            Model::Simple | Model::Deep => Loss::BinaryCrossEntropy,
            Model::Sparse | Model::Linear => Loss::MeanSquaredError,
        }
    }
}

/// Which build of a model: dfdx's stock layers and losses, or the fused ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Build {
    /// dfdx's `Linear`, activation modules and losses.
    Plain,
    /// `ae_support::fast::Dense` and the fused losses.
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

/// Something to do with a freshly built model and the loss it trains with
/// (time it, benchmark it): the model's type differs for every pair of
/// [`Model`] and [`Build`], so it is a trait with a generic method.
pub trait WithModel {
    type Output;
    fn run<M>(self, model: M, loss: LossFn, build: Build) -> Self::Output
    where
        M: ModuleMut<TracedInput<784>, Output = TracedBatch<784>> + ZeroGrads<f32, Cpu> + 'static;
}

/// Builds `model` in `build` from `seed` and hands it to `job`. Both builds
/// of a model start from the same weights.
pub fn build_and<W: WithModel>(model: Model, build: Build, seed: u64, job: W) -> W::Output {
    let dev = Cpu::seed_from_u64(seed);
    let loss = loss_fn(model.loss(), build == Build::Fast);
    match (model, build) {
        (Model::Simple, Build::Plain) => {
            job.run(dev.build_module::<PlainSimple, f32>(), loss, build)
        }
        (Model::Simple, Build::Fast) => job.run(dev.build_module::<FastSimple, f32>(), loss, build),
        (Model::Deep, Build::Plain) => job.run(dev.build_module::<PlainDeep, f32>(), loss, build),
        (Model::Deep, Build::Fast) => job.run(dev.build_module::<FastDeep, f32>(), loss, build),
        (Model::Sparse, Build::Plain) => {
            job.run(dev.build_module::<PlainSparse, f32>(), loss, build)
        }
        (Model::Sparse, Build::Fast) => job.run(dev.build_module::<FastSparse, f32>(), loss, build),
        (Model::Linear, Build::Plain) => {
            job.run(dev.build_module::<PlainLinear, f32>(), loss, build)
        }
        (Model::Linear, Build::Fast) => job.run(dev.build_module::<FastLinear, f32>(), loss, build),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ae_support::fast::{DenseLayer, Identity};

    #[test]
    fn the_fast_builds_are_made_of_dense_layers() {
        // Compiles only while the chapters' models are built from `Dense`.
        let dev = Cpu::default();
        let _: (DenseLayer<784, 32, ReLU>, DenseLayer<32, 784, Identity>) =
            dev.build_module::<FastSimple, f32>();
        let _: (DenseLayer<784, 32, Identity>, DenseLayer<32, 784, Identity>) =
            dev.build_module::<FastLinear, f32>();
        type SparseEncoder = (DenseLayer<784, 100, ReLU>, DenseLayer<100, 300, Sigmoid>);
        type SparseDecoder = (DenseLayer<300, 100, ReLU>, DenseLayer<100, 784, Identity>);
        let (encoder, _): (SparseEncoder, SparseDecoder) = dev.build_module::<FastSparse, f32>();
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
            dev.build_module::<FastSimple, f32>().num_trainable_params(),
            32 + 784,
        );
        check(
            Model::Deep,
            dev.build_module::<FastDeep, f32>().num_trainable_params(),
            128 + 32 + 128 + 784,
        );
        check(
            Model::Sparse,
            dev.build_module::<FastSparse, f32>().num_trainable_params(),
            100 + 300 + 100 + 784,
        );
        check(
            Model::Linear,
            dev.build_module::<FastLinear, f32>().num_trainable_params(),
            32 + 784,
        );
        check(
            Model::Deep,
            dev.build_module::<PlainDeep, f32>().num_trainable_params(),
            128 + 32 + 128 + 784,
        );
    }
}
