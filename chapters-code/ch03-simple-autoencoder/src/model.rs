//! The two MNIST autoencoders of the chapter, written as types.
//!
//! A tuple of modules is a sequential model in dfdx, and a pair keeps the two
//! halves apart: in `(Encoder, Decoder)` the field `.0` is the encoder and
//! `.1` the decoder. Chapter 4 relies on exactly that.
//!
//! Each layer is dfdx's `Linear`, followed by its activation where it has
//! one: `(Linear<784, 32>, ReLU)` is Keras' `Dense(32, activation="relu")`.
//!
//! The decoder's last layer has no activation: it produces *logits*. The loss
//! applies the sigmoid inside a numerically stable formula, and
//! [`crate::training::reconstruct`] applies it when we want to look at pixels.

use crate::training::Trainable;
use dfdx::prelude::*;

/// Pixels of one MNIST image, flattened: 28 × 28.
pub const IMAGE_PIXELS: usize = 784;
/// Length of the code in the middle of both autoencoders.
pub const CODE_SIZE: usize = 32;
/// Width of the extra hidden layers of the deep autoencoder.
pub const DEEP_HIDDEN: usize = 128;

// ANCHOR: simple
/// 784 pixels in, 32 numbers out, each passed through ReLU.
pub type SimpleEncoder = (Linear<784, 32>, ReLU);
/// 32 numbers in, 784 logits out (sigmoid them to get pixel intensities).
pub type SimpleDecoder = Linear<32, 784>;
/// The whole model: `.0` is the encoder, `.1` the decoder.
pub type SimpleAutoencoder = (SimpleEncoder, SimpleDecoder);
// ANCHOR_END: simple

// ANCHOR: deep
/// Dertat's deep model: 784 → 128 → 32, ReLU after each layer.
pub type DeepEncoder = ((Linear<784, 128>, ReLU), (Linear<128, 32>, ReLU));
/// 32 → 128 → 784 logits.
pub type DeepDecoder = ((Linear<32, 128>, ReLU), Linear<128, 784>);
/// The deep model, split the same way: `.0` encoder, `.1` decoder.
pub type DeepAutoencoder = (DeepEncoder, DeepDecoder);
// ANCHOR_END: deep

// ANCHOR: chollet_deep
/// Chollet's deep model: 784 → 128 → 64 → 32, ReLU after each layer.
pub type CholletDeepEncoder = (
    (Linear<784, 128>, ReLU),
    (Linear<128, 64>, ReLU),
    (Linear<64, 32>, ReLU),
);
/// 32 → 64 → 128 → 784 logits.
pub type CholletDeepDecoder = (
    (Linear<32, 64>, ReLU),
    (Linear<64, 128>, ReLU),
    Linear<128, 784>,
);
/// Chollet's deep model, `.0` encoder and `.1` decoder.
pub type CholletDeepAutoencoder = (CholletDeepEncoder, CholletDeepDecoder);
// ANCHOR_END: chollet_deep

// ANCHOR: built
/// What a model *description* becomes once its weights live on a device:
/// `Linear<784, 32>` describes a layer, `Built<Linear<784, 32>>` holds its
/// weight matrix and bias as `f32` tensors on the CPU.
pub type Built<M> = <M as BuildOnDevice<Cpu, f32>>::Built;

/// A simple autoencoder with weights.
pub type SimpleModel = Built<SimpleAutoencoder>;
/// A deep autoencoder with weights.
pub type DeepModel = Built<DeepAutoencoder>;
// ANCHOR_END: built

/// How many times smaller the code is than the image (784 / 32 = 24.5).
pub fn compression_factor() -> f32 {
    IMAGE_PIXELS as f32 / CODE_SIZE as f32
}

/// Which of the two autoencoders, for the command line and the checkpoints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Architecture {
    /// 784 → 32 → 784, the simple model of Chollet's post.
    Simple,
    /// 784 → 128 → 32 → 128 → 784, the deep model of Dertat's article.
    Deep,
    /// 784 → 128 → 64 → 32 → 64 → 128 → 784, the deep model of Chollet's post.
    CholletDeep,
}

impl Architecture {
    /// All three, in the order the chapter trains them.
    pub const ALL: [Architecture; 3] = [
        Architecture::Simple,
        Architecture::Deep,
        Architecture::CholletDeep,
    ];

    /// `simple`, `deep` or `chollet-deep`: used in file names and printed
    /// results (the same spelling as on the command line).
    pub fn name(self) -> &'static str {
        match self {
            Architecture::Simple => "simple",
            Architecture::Deep => "deep",
            Architecture::CholletDeep => "chollet-deep",
        }
    }

    /// The layer widths, for printing.
    pub fn layout(self) -> &'static str {
        match self {
            Architecture::Simple => "784-32-784",
            Architecture::Deep => "784-128-32-128-784",
            Architecture::CholletDeep => "784-128-64-32-64-128-784",
        }
    }

    /// Where the model comes from, for the tables.
    pub fn source(self) -> &'static str {
        match self {
            Architecture::Simple => "Chollet's simple model",
            Architecture::Deep => "Dertat's deep model",
            Architecture::CholletDeep => "Chollet's deep model",
        }
    }

    /// Builds this architecture from `seed` and hands the model to `job`:
    /// each architecture is a different type, so the job is a trait with a
    /// generic method, and this `match` is the only place that names them.
    pub fn build_and<J: WithModel>(self, seed: u64, job: J) -> J::Output {
        let dev = Cpu::seed_from_u64(seed);
        match self {
            Architecture::Simple => job.run(dev.build_module::<SimpleAutoencoder, f32>()),
            Architecture::Deep => job.run(dev.build_module::<DeepAutoencoder, f32>()),
            Architecture::CholletDeep => job.run(dev.build_module::<CholletDeepAutoencoder, f32>()),
        }
    }
}

/// Something to do with a freshly built MNIST autoencoder, whichever its
/// architecture: train it, score it, save it.
pub trait WithModel {
    type Output;
    fn run<M>(self, model: M) -> Self::Output
    where
        M: Trainable<IMAGE_PIXELS> + Clone;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameter_counts_match_the_layer_sizes() {
        let dev = Cpu::default();
        let simple = dev.build_module::<SimpleAutoencoder, f32>();
        assert_eq!(
            simple.num_trainable_params(),
            784 * 32 + 32 + 32 * 784 + 784
        );
        let deep = dev.build_module::<DeepAutoencoder, f32>();
        assert_eq!(
            deep.num_trainable_params(),
            (784 * 128 + 128) + (128 * 32 + 32) + (32 * 128 + 128) + (128 * 784 + 784)
        );
        let chollet = dev.build_module::<CholletDeepAutoencoder, f32>();
        assert_eq!(
            chollet.num_trainable_params(),
            (784 * 128 + 128)
                + (128 * 64 + 64)
                + (64 * 32 + 32)
                + (32 * 64 + 64)
                + (64 * 128 + 128)
                + (128 * 784 + 784)
        );
        assert_eq!(compression_factor(), 24.5);
    }

    #[test]
    fn the_fused_twin_computes_what_the_model_computes() {
        use ae_fast::Fuse;
        let model = Cpu::seed_from_u64(4).build_module::<DeepAutoencoder, f32>();
        let twin = model.clone().fuse();
        let dev = Cpu::seed_from_u64(5);
        let x: Tensor<(usize, Const<IMAGE_PIXELS>), f32, Cpu> =
            dev.sample_uniform_like(&(6, Const));
        let (a, b) = (twin.forward(x.clone()).as_vec(), model.forward(x).as_vec());
        assert!(a.iter().zip(&b).all(|(a, b)| (a - b).abs() < 1e-5));
    }

    #[test]
    fn the_halves_are_fields_of_the_model() {
        let dev = Cpu::default();
        let model: SimpleModel = dev.build_module::<SimpleAutoencoder, f32>();
        let x: Tensor<(usize, Const<IMAGE_PIXELS>), f32, Cpu> =
            dev.sample_uniform_like(&(3, Const));
        let code = model.0.forward(x.clone());
        assert_eq!(code.shape(), &(3, Const::<CODE_SIZE>));
        let whole = model.forward(x);
        assert_eq!(model.1.forward(code).as_vec(), whole.as_vec());
    }
}
