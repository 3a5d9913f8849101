//! The models of the chapter. The L1 experiment reuses chapter 3's simple
//! autoencoder unchanged; the KL experiment needs a code of sigmoid units, and
//! follows the layout of Géron's Fashion-MNIST example.

use dfdx::prelude::*;

pub use ch03_simple_autoencoder::{SimpleAutoencoder, SimpleDecoder, SimpleEncoder};

/// Width of the KL experiment's code: wider than the 100-unit layer before
/// it, so without a sparsity penalty nothing forces the units to specialise.
pub const KL_CODE_SIZE: usize = 300;

// ANCHOR: kl_model
/// 784 → 100 (ReLU) → 300 sigmoid units: every code value lies in (0, 1) and
/// can be read as how strongly a unit fires.
pub type KlEncoder = ((Linear<784, 100>, ReLU), (Linear<100, 300>, Sigmoid));
/// 300 → 100 (ReLU) → 784 pixel values, with no activation at the end: this
/// model is trained with the mean squared error, on raw outputs.
pub type KlDecoder = ((Linear<300, 100>, ReLU), Linear<100, 784>);
/// The whole model, `.0` the encoder and `.1` the decoder as in chapter 3.
pub type KlAutoencoder = (KlEncoder, KlDecoder);
// ANCHOR_END: kl_model

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kl_code_is_300_values_in_the_unit_interval() {
        let dev = Cpu::seed_from_u64(0);
        let model = dev.build_module::<KlAutoencoder, f32>();
        let x: Tensor<(usize, Const<784>), f32, Cpu> = dev.sample_uniform_like(&(4, Const));
        let code = model.0.forward(x);
        assert_eq!(code.shape(), &(4, Const::<KL_CODE_SIZE>));
        assert!(code.as_vec().iter().all(|&c| c > 0.0 && c < 1.0));
    }
}
