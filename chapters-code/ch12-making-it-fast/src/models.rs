//! Every model the book trains, in its plain-dfdx build and, for the dense
//! ones, its fused twin.

use crate::timing::{Timing, Training, time_epochs};
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
/// Chapter 9's convolutional autoencoder after Chollet, with a 4×4×8 code.
pub use ch09_convolutional::models::CholletAutoencoder as ConvCholletAutoencoder;
/// Chapter 9's keras.io example, with transposed convolutions.
pub use ch09_convolutional::models::KerasExampleAutoencoder as ConvKerasAutoencoder;

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
    /// Chapter 9: Chollet's convolutional autoencoder (plain build only).
    ConvChollet,
    /// Chapter 9: the keras.io convolutional example (plain build only).
    ConvKeras,
}

impl Model {
    /// The dense models: the default of the bench, each with a fused twin.
    pub const ALL: [Model; 5] = [
        Model::Simple,
        Model::Deep,
        Model::CholletDeep,
        Model::Sparse,
        Model::Linear,
    ];

    /// Chapter 9's convolutional models, which have no fused twin.
    pub const CONV: [Model; 2] = [Model::ConvChollet, Model::ConvKeras];

    /// Whether `build` of this model exists: the fused layers are dense.
    pub fn has_build(self, build: Build) -> bool {
        build == Build::Plain || !Model::CONV.contains(&self)
    }

    /// The layer widths, as the tables print them.
    pub fn layout(self) -> &'static str {
        match self {
            Model::Simple => "784-32-784",
            Model::Deep => "784-128-32-128-784",
            Model::CholletDeep => "784-128-64-32-64-128-784",
            Model::Sparse => "784-100-300-100-784",
            Model::Linear => "784-32-784 linear",
            Model::ConvChollet => "conv, Chollet (code 4×4×8)",
            Model::ConvKeras => "conv, keras.io (code 7×7×32)",
        }
    }

    /// Multiply-adds of a forward pass per sample: a forward pass costs
    /// twice this many floating-point operations. A dense layer does one per
    /// weight (inputs × outputs); a convolution one per weight at every
    /// output position (a transposed one, at every input position).
    pub fn multiply_adds(self) -> usize {
        // A `k`×`k` convolution from `c_in` to `c_out` channels over `cells`.
        let conv = |cells: usize, c_in: usize, c_out: usize| cells * c_in * c_out * 9;
        match self {
            Model::Simple | Model::Linear => 2 * 784 * 32,
            Model::Deep => 2 * (784 * 128 + 128 * 32),
            Model::CholletDeep => 2 * (784 * 128 + 128 * 64 + 64 * 32),
            Model::Sparse => 2 * (784 * 100 + 100 * 300),
            Model::ConvChollet => {
                conv(28 * 28, 1, 16)
                    + conv(14 * 14, 16, 8)
                    + conv(7 * 7, 8, 8)
                    + conv(4 * 4, 8, 8)
                    + conv(8 * 8, 8, 8)
                    + conv(14 * 14, 8, 16)
                    + conv(28 * 28, 16, 1)
            }
            Model::ConvKeras => {
                conv(28 * 28, 1, 32)
                    + conv(14 * 14, 32, 32)
                    + conv(7 * 7, 32, 32)
                    + conv(14 * 14, 32, 32)
                    + conv(28 * 28, 32, 1)
            }
        }
    }

    /// Floating-point operations of one training step, per sample: the
    /// forward products (2 per weight) and the two backward products, for
    /// the weights' and the inputs' gradients (4 per weight). This is the
    /// standard step's work, the yardstick for both builds, although the
    /// fused twin skips the first layer's input gradient.
    pub fn training_flops_per_sample(self) -> f64 {
        6.0 * self.multiply_adds() as f64
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
/// from the same weights. The convolutional models have only the plain
/// build (see [`Model::has_build`]); asking for their fused one panics.
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
        Model::ConvChollet => {
            let model = dev.build_module::<ConvCholletAutoencoder, f32>();
            setup_plain(model, build, job)
        }
        Model::ConvKeras => {
            let model = dev.build_module::<ConvKerasAutoencoder, f32>();
            setup_plain(model, build, job)
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

/// Trains a fresh `model` in `build` on `rows` for one warm-up epoch and
/// `epochs` timed ones, in batches of `batch_size`.
pub fn time_model(
    model: Model,
    build: Build,
    rows: &[f32],
    batch_size: usize,
    epochs: usize,
    seed: u64,
) -> Timing {
    /// [`time_epochs`] of whichever model it is given.
    struct Epochs<'a> {
        rows: &'a [f32],
        batch_size: usize,
        epochs: usize,
        seed: u64,
    }
    impl WithModel for Epochs<'_> {
        type Output = Timing;
        fn run<T: Training>(self, training: T) -> Timing {
            time_epochs(training, self.rows, self.batch_size, self.epochs, self.seed)
        }
    }
    let job = Epochs {
        rows,
        batch_size,
        epochs,
        seed,
    };
    build_and(model, build, seed, job)
}

/// Chapter 9's trainer of a convolutional `model`: chapter 3's, with the
/// cross-entropy on logits.
pub fn setup_plain<M, W>(model: M, build: Build, job: W) -> W::Output
where
    M: Autoencoder<784>,
    W: WithModel,
{
    assert_eq!(
        build,
        Build::Plain,
        "the convolutional models have no fused twin"
    );
    let optimizer = keras_adam(&model);
    job.run(Trainer::new(model, optimizer, BinaryCrossEntropy))
}

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
            assert_eq!(model.multiply_adds() + biases, params, "{model:?}");
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
