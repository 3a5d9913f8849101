//! The encoder and the decoder are not new models: they are the two fields of
//! the trained autoencoder, borrowed.

use ae_support::batching::{Batch, slice};
use ch03_simple_autoencoder::{Built, SimpleDecoder, SimpleEncoder, SimpleModel};
use dfdx::prelude::*;

// ANCHOR: halves
/// The trained encoder: 784 pixels → 32 numbers. A reference into the model,
/// so it always has the autoencoder's current weights.
pub fn encoder(autoencoder: &SimpleModel) -> &Built<SimpleEncoder> {
    &autoencoder.0
}

/// The trained decoder: 32 numbers → 784 logits.
pub fn decoder(autoencoder: &SimpleModel) -> &Built<SimpleDecoder> {
    &autoencoder.1
}
// ANCHOR_END: halves

// ANCHOR: encode_decode
/// The codes of every image in `pixels` (784 values each), `C` numbers per
/// image, back to back.
pub fn encode<M, const C: usize>(encoder: &M, pixels: &[f32]) -> Vec<f32>
where
    M: Module<Batch<784>, Output = Batch<C>>,
{
    let dev = Cpu::default();
    let images: Batch<784> = slice(&dev, pixels, 0..pixels.len() / 784);
    encoder.forward(images).as_vec()
}

/// The images the decoder draws from `codes` (`C` numbers each), as pixel
/// intensities: the decoder produces logits, so the sigmoid is applied here.
pub fn decode<M, const C: usize>(decoder: &M, codes: &[f32]) -> Vec<f32>
where
    M: Module<Batch<C>, Output = Batch<784>>,
{
    let dev = Cpu::default();
    let codes: Batch<C> = slice(&dev, codes, 0..codes.len() / C);
    decoder.forward(codes).sigmoid().as_vec()
}
// ANCHOR_END: encode_decode

#[cfg(test)]
mod tests {
    use super::*;
    use ch03_simple_autoencoder::{SimpleAutoencoder, reconstruct};

    #[test]
    fn decoding_the_codes_reconstructs_exactly() {
        let dev = Cpu::seed_from_u64(1);
        let model = dev.build_module::<SimpleAutoencoder, f32>();
        let pixels: Vec<f32> = (0..3 * 784).map(|i| (i % 13) as f32 / 12.0).collect();
        let codes = encode(encoder(&model), &pixels);
        assert_eq!(codes.len(), 3 * 32);
        assert!(
            codes.iter().all(|&c| c >= 0.0),
            "ReLU codes are never negative"
        );
        assert_eq!(
            decode(decoder(&model), &codes),
            reconstruct(&model, &pixels)
        );
    }
}
