//! The pieces of a VAE's loss: the sampled code, the KL term that keeps the
//! codes close to N(0, I), and the reconstruction term, each scaled as its
//! source scales it.

use ae_support::data::IMAGE_PIXELS;
use dfdx::prelude::*;

/// A batch of `L`-dimensional codes (or of their means, log-variances, noise).
pub type Codes<const L: usize, T> = Tensor<(usize, Const<L>), f32, Cpu, T>;
/// A batch of images, or of the decoder's outputs for them.
pub type Images<T> = Tensor<(usize, Const<IMAGE_PIXELS>), f32, Cpu, T>;
/// One number that remembers how it was computed.
pub type Scalar<T> = Tensor<Rank0, f32, Cpu, T>;

// ANCHOR: reparameterise
/// The reparameterisation trick: `z = mean + exp(log_var / 2) · noise`.
///
/// The randomness comes in as an input, `noise` drawn from N(0, I) by the
/// caller, so `z` is an ordinary function of `mean` and `log_var` and the
/// gradient of the loss reaches both. Sampling inside the graph would give
/// nothing to differentiate.
pub fn reparameterise<const L: usize, T>(
    mean: Codes<L, T>,
    log_var: Codes<L, T>,
    noise: Codes<L, NoneTape>,
) -> Codes<L, T>
where
    T: Tape<f32, Cpu> + Merge<T> + Merge<NoneTape>,
{
    let std_dev = (log_var * 0.5).exp();
    mean + std_dev * noise
}
// ANCHOR_END: reparameterise

// ANCHOR: kl_divergence
/// KL(N(mean, exp(log_var)) ‖ N(0, I)) of each image's code, summed over
/// the code's dimensions, averaged over the batch:
/// `½ · Σ_j (exp(log_var_j) + mean_j² − 1 − log_var_j)`.
pub fn kl_divergence<const L: usize, T>(mean: Codes<L, T>, log_var: Codes<L, T>) -> Scalar<T>
where
    T: Tape<f32, Cpu> + Merge<T>,
{
    // `log_var` appears twice; the second handle has a tape of its own and
    // adding the two merges them again.
    let variance = log_var.retaped::<T>().exp();
    let per_dimension = (variance + mean.square() - log_var - 1.0) * 0.5;
    per_dimension.sum::<(usize,), Axis<1>>().mean()
}
// ANCHOR_END: kl_divergence

/// How the decoder's output is compared with the image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reconstruction {
    /// Binary cross-entropy, the decoder giving logits (Chollet).
    CrossEntropy,
    /// Squared error of raw outputs (Géron).
    SquaredError,
}

/// What one unit of loss is: one image or one pixel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    /// Reconstruction summed over the 784 pixels, plus the KL term: the
    /// negative evidence lower bound of one image.
    PerImage,
    /// Reconstruction averaged over the pixels, plus the KL term divided by
    /// 784: the same balance, 784 times smaller.
    PerPixel,
}

// ANCHOR: objective
/// A VAE's loss: which reconstruction term, at which scale.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Objective {
    pub reconstruction: Reconstruction,
    pub scale: Scale,
}

/// Chollet's: cross-entropy summed over the pixels, plus the KL term.
pub const CHOLLET: Objective = Objective {
    reconstruction: Reconstruction::CrossEntropy,
    scale: Scale::PerImage,
};

/// Géron's: Keras' `"mse"` (a mean over the pixels), plus the KL term / 784.
pub const GERON: Objective = Objective {
    reconstruction: Reconstruction::SquaredError,
    scale: Scale::PerPixel,
};

impl Objective {
    /// The reconstruction term of a batch, averaged over its images.
    pub fn reconstruction<T: Tape<f32, Cpu>>(
        self,
        output: Images<T>,
        target: Images<NoneTape>,
    ) -> Scalar<T> {
        let per_pixel = match self.reconstruction {
            Reconstruction::CrossEntropy => binary_cross_entropy_with_logits_loss(output, target),
            Reconstruction::SquaredError => mse_loss(output, target),
        };
        match self.scale {
            Scale::PerImage => per_pixel * IMAGE_PIXELS as f32,
            Scale::PerPixel => per_pixel,
        }
    }

    /// The KL term of a batch, averaged over its images.
    pub fn kl<const L: usize, T>(self, mean: Codes<L, T>, log_var: Codes<L, T>) -> Scalar<T>
    where
        T: Tape<f32, Cpu> + Merge<T>,
    {
        let kl = kl_divergence(mean, log_var);
        match self.scale {
            Scale::PerImage => kl,
            Scale::PerPixel => kl / IMAGE_PIXELS as f32,
        }
    }
}
// ANCHOR_END: objective

impl Objective {
    /// The decoder's raw outputs as pixel values: through a sigmoid for a
    /// model that outputs logits, unchanged otherwise.
    pub fn pixels(self, output: Images<NoneTape>) -> Vec<f32> {
        match self.reconstruction {
            Reconstruction::CrossEntropy => output.sigmoid().as_vec(),
            Reconstruction::SquaredError => output.as_vec(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(dev: &Cpu, values: &[f32]) -> Codes<2, NoneTape> {
        dev.tensor_from_vec(values.to_vec(), (values.len() / 2, Const::<2>))
    }

    #[test]
    fn kl_matches_the_formula_worked_by_hand() {
        let dev = Cpu::default();
        // One image: mean (1, 0), variance (1, 2).
        // ½(1 + 1 − 1 − 0) + ½(2 + 0 − 1 − ln 2) = 0.5 + 0.1534264.
        let kl = kl_divergence(codes(&dev, &[1.0, 0.0]), codes(&dev, &[0.0, 2f32.ln()]));
        assert!((kl.array() - 0.653_426_4).abs() < 1e-6, "{}", kl.array());
        // A code that already is N(0, I) costs nothing; a batch is averaged.
        let kl = kl_divergence(
            codes(&dev, &[0.0, 0.0, 1.0, 0.0]),
            codes(&dev, &[0.0, 0.0, 0.0, 0.0]),
        );
        assert!((kl.array() - 0.25).abs() < 1e-6, "{}", kl.array());
    }

    #[test]
    fn the_per_pixel_scale_is_the_per_image_one_divided_by_784() {
        let dev = Cpu::seed_from_u64(3);
        let output: Images<NoneTape> = dev.sample_normal_like(&(2, Const));
        let target: Images<NoneTape> = dev.sample_uniform_like(&(2, Const));
        let per_image = Objective {
            reconstruction: Reconstruction::SquaredError,
            scale: Scale::PerImage,
        };
        let image = per_image
            .reconstruction(output.clone(), target.clone())
            .array();
        let pixel = GERON.reconstruction(output, target).array();
        assert!((image / 784.0 - pixel).abs() < 1e-6);
        let mean = codes(&dev, &[0.5, -1.0]);
        let log_var = codes(&dev, &[0.3, -0.2]);
        let image = per_image.kl(mean.clone(), log_var.clone()).array();
        let pixel = GERON.kl(mean, log_var).array();
        assert!((image / 784.0 - pixel).abs() < 1e-9);
    }

    #[test]
    fn the_gradient_reaches_the_mean_and_the_log_variance_through_the_sample() {
        let dev = Cpu::default();
        let mean = codes(&dev, &[0.5, -1.0]);
        let log_var = codes(&dev, &[0.2, -0.4]);
        let noise = codes(&dev, &[1.5, -0.5]);
        let traced_mean = mean.clone().traced(Gradients::leaky());
        let traced_log_var = log_var.retaped::<OwnedTape<f32, Cpu>>();
        let z = reparameterise(traced_mean, traced_log_var, noise.clone());
        let grads = z.sum().backward();
        // z = m + exp(v/2)·ε, so dz/dm = 1 and dz/dv = ½·exp(v/2)·ε.
        assert_eq!(grads.get(&mean).as_vec(), [1.0, 1.0]);
        let expected: Vec<f32> = [(0.2f32, 1.5f32), (-0.4, -0.5)]
            .iter()
            .map(|&(v, e)| 0.5 * (v / 2.0).exp() * e)
            .collect();
        for (got, want) in grads.get(&log_var).as_vec().iter().zip(&expected) {
            assert!((got - want).abs() < 1e-6, "{got} vs {want}");
        }
    }
}
