//! The chapter's three models, as types. Each takes and returns rows of 784
//! values, like chapter 3's dense models, so both kinds train and score with
//! the same code: `ToImages` at the start and `Flatten` at the end turn the
//! rows into 28×28 images and back. The last layer outputs logits.

use crate::activation::ReLU;
use crate::layers::{
    Conv2D, ConvTranspose2D, Flatten, MaxPool2D, Strided, ToImages, UpSample2D, Valid,
};
use ae_support::data::IMAGE_PIXELS;

/// One grey channel of 28×28 pixels, from a row of 784.
pub type Mnist = ToImages<1, 28, 28>;
/// Back to a row of 784 logits.
pub type Rows = Flatten<IMAGE_PIXELS>;

// ANCHOR: chollet
/// 28×28×1 → 14×14×16 → 7×7×8 → 4×4×8: a code of 128 numbers. The last
/// pooling pads the 7 rows to 8, so the code is 4×4.
pub type CholletEncoder = (
    Conv2D<1, 16, 3, ReLU>,
    MaxPool2D<14, 14>,
    Conv2D<16, 8, 3, ReLU>,
    MaxPool2D<7, 7>,
    Conv2D<8, 8, 3, ReLU>,
    MaxPool2D<4, 4>,
);

/// 4×4×8 → 8×8 → 16×16 → 14×14 (a "valid" convolution trims the 16 back
/// to the 14 that doubles to 28) → 28×28×1.
pub type CholletDecoder = (
    (Conv2D<8, 8, 3, ReLU>, UpSample2D<8, 8>),
    (Conv2D<8, 8, 3, ReLU>, UpSample2D<16, 16>),
    (Conv2D<8, 16, 3, ReLU, Valid<14, 14>>, UpSample2D<28, 28>),
    Conv2D<16, 1, 3>,
);

/// Chollet's convolutional autoencoder: `.1` is the encoder, `.2` the decoder.
pub type CholletAutoencoder = (Mnist, CholletEncoder, CholletDecoder, Rows);
// ANCHOR_END: chollet

// ANCHOR: keras_example
/// 28×28×1 → 14×14×32 → 7×7×32: a code of 1,568 numbers.
pub type KerasExampleEncoder = (
    Conv2D<1, 32, 3, ReLU>,
    MaxPool2D<14, 14>,
    Conv2D<32, 32, 3, ReLU>,
    MaxPool2D<7, 7>,
);

/// Two learned up-samplings, 7 → 14 → 28, then one channel of logits.
pub type KerasExampleDecoder = (
    ConvTranspose2D<32, 32, 3, ReLU, Strided<2, 14, 14>>,
    ConvTranspose2D<32, 32, 3, ReLU, Strided<2, 28, 28>>,
    Conv2D<32, 1, 3>,
);

/// The keras.io example "Convolutional autoencoder for image denoising".
pub type KerasExampleAutoencoder = (Mnist, KerasExampleEncoder, KerasExampleDecoder, Rows);
// ANCHOR_END: keras_example

// ANCHOR: denoiser
/// Chollet's denoiser keeps more of the image than his autoencoder: 32
/// channels, and no third pooling, so the code is 7×7×32.
pub type CholletDenoiserEncoder = (
    Conv2D<1, 32, 3, ReLU>,
    MaxPool2D<14, 14>,
    Conv2D<32, 32, 3, ReLU>,
    MaxPool2D<7, 7>,
);

/// 7×7×32 → 14×14 → 28×28 by nearest-neighbour up-sampling.
pub type CholletDenoiserDecoder = (
    (Conv2D<32, 32, 3, ReLU>, UpSample2D<14, 14>),
    (Conv2D<32, 32, 3, ReLU>, UpSample2D<28, 28>),
    Conv2D<32, 1, 3>,
);

/// Chollet's convolutional denoising autoencoder.
pub type CholletDenoiser = (Mnist, CholletDenoiserEncoder, CholletDenoiserDecoder, Rows);
// ANCHOR_END: denoiser

#[cfg(test)]
mod tests {
    use super::*;
    use ae_support::batching::Batch;
    use dfdx::prelude::*;

    fn parameters<M: BuildOnDevice<Cpu, f32>>() -> usize {
        Cpu::default()
            .build_module::<M, f32>()
            .num_trainable_params()
    }

    #[test]
    fn parameter_counts_match_keras() {
        // model.summary() of the Keras models: the transposed convolutions
        // have as many weights as plain ones, so the two 32-channel models
        // count the same.
        assert_eq!(parameters::<KerasExampleAutoencoder>(), 28_353);
        assert_eq!(parameters::<CholletDenoiser>(), 28_353);
        assert_eq!(parameters::<CholletAutoencoder>(), 4_385);
    }

    #[test]
    fn the_codes_have_the_advertised_sizes() {
        let dev = Cpu::default();
        let rows: Batch<IMAGE_PIXELS> = dev.zeros_like(&(2, Const));
        let model = dev.build_module::<CholletAutoencoder, f32>();
        let code = model.1.forward(model.0.forward(rows.clone()));
        assert_eq!(code.shape().concrete(), [2, 8, 4, 4]);
        let model = dev.build_module::<KerasExampleAutoencoder, f32>();
        let code = model.1.forward(model.0.forward(rows.clone()));
        assert_eq!(code.shape().concrete(), [2, 32, 7, 7]);
        let output = model.forward(rows);
        assert_eq!(output.shape().concrete(), [2, IMAGE_PIXELS]);
    }

    #[test]
    fn the_weights_round_trip_through_a_checkpoint() {
        // The layers' tensor visitors give every weight a name, so a model
        // saves and loads like any dfdx model.
        let dev = Cpu::default();
        let model = Cpu::seed_from_u64(1).build_module::<KerasExampleAutoencoder, f32>();
        let path = std::env::temp_dir().join(format!("ch09-{}.safetensors", std::process::id()));
        ae_support::checkpoint::save(&model, &path).unwrap();
        let mut loaded = Cpu::seed_from_u64(2).build_module::<KerasExampleAutoencoder, f32>();
        ae_support::checkpoint::load(&mut loaded, &path).unwrap();
        std::fs::remove_file(&path).ok();
        let rows: Batch<IMAGE_PIXELS> = dev.sample_uniform_like(&(2, Const));
        assert_eq!(
            loaded.forward(rows.clone()).as_vec(),
            model.forward(rows).as_vec()
        );
    }
}
