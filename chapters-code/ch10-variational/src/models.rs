//! The chapter's models, in plain dfdx: tuples of `Linear` and `ReLU`.
//!
//! A VAE's encoder ends in two heads on one shared trunk, one for the mean
//! and one for the log-variance of the code. dfdx's `SplitInto` feeds its
//! input to every module of a tuple and returns the tuple of their outputs,
//! which is exactly that.

use dfdx::prelude::*;

/// Two `Linear` heads on the same `H`-wide features: the mean and the
/// log-variance of an `L`-dimensional Gaussian.
pub type GaussianHeads<const H: usize, const L: usize> = SplitInto<(Linear<H, L>, Linear<H, L>)>;

// ANCHOR: chollet_vae
/// 784 → 256 (ReLU) → mean and log-variance of a 2-d code.
pub type CholletEncoder = (Linear<784, 256>, ReLU, GaussianHeads<256, 2>);
/// 2 → 256 (ReLU) → 784 logits; the sigmoid is applied by the loss (and by
/// [`crate::latent::decode`] when pixels are wanted).
pub type CholletDecoder = (Linear<2, 256>, ReLU, Linear<256, 784>);
/// `.0` the encoder, `.1` the decoder, as in every chapter.
pub type CholletVae = (CholletEncoder, CholletDecoder);
// ANCHOR_END: chollet_vae

// ANCHOR: geron_vae
/// 784 → 150 → 100 (ReLU) → mean and log-variance of a 10-d code.
pub type GeronEncoder = (
    Linear<784, 150>,
    ReLU,
    Linear<150, 100>,
    ReLU,
    GaussianHeads<100, 10>,
);
/// 10 → 100 → 150 (ReLU) → 784 pixel values with no activation: the model
/// is trained with the squared error on raw outputs.
pub type GeronDecoder = (
    Linear<10, 100>,
    ReLU,
    Linear<100, 150>,
    ReLU,
    Linear<150, 784>,
);
pub type GeronVae = (GeronEncoder, GeronDecoder);
// ANCHOR_END: geron_vae

// ANCHOR: plain_2d
/// The same layers as Chollet's VAE with one head instead of two: a plain
/// autoencoder whose code is a single 2-d point per image.
pub type PlainEncoder2d = (Linear<784, 256>, ReLU, Linear<256, 2>);
pub type PlainAutoencoder2d = (PlainEncoder2d, CholletDecoder);
// ANCHOR_END: plain_2d

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_encoders_give_a_mean_and_a_log_variance_per_image() {
        let dev = Cpu::seed_from_u64(0);
        let x: Tensor<(usize, Const<784>), f32, Cpu> = dev.sample_uniform_like(&(3, Const));
        let chollet = dev.build_module::<CholletVae, f32>();
        let (mean, log_var) = chollet.0.forward(x.clone());
        assert_eq!(mean.shape(), &(3, Const::<2>));
        assert_eq!(log_var.shape(), &(3, Const::<2>));
        assert_ne!(mean.as_vec(), log_var.as_vec(), "the two heads differ");
        assert_eq!(chollet.1.forward(mean).shape(), &(3, Const::<784>));

        let geron = dev.build_module::<GeronVae, f32>();
        let (mean, log_var) = geron.0.forward(x.clone());
        assert_eq!(mean.shape(), &(3, Const::<10>));
        assert_eq!(log_var.shape(), &(3, Const::<10>));
        assert_eq!(geron.1.forward(mean).shape(), &(3, Const::<784>));

        let plain = dev.build_module::<PlainAutoencoder2d, f32>();
        assert_eq!(plain.0.forward(x).shape(), &(3, Const::<2>));
    }
}
