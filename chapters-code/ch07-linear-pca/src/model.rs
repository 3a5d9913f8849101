//! The linear autoencoder: two dense layers with no activation between or
//! after them, trained with the mean squared error.

use crate::linalg::Matrix;
use ae_fast::Fused;
use ae_support::batching::Batch;
use ae_support::losses::MeanSquaredError;
use ch03_simple_autoencoder::{Built, Trainer};
use dfdx::optim::Adam;
use dfdx::prelude::*;

// ANCHOR: model
/// `D` inputs squeezed into `K` codings and back, with no activations:
/// the whole network is the affine map `x -> W_dec (W_enc x + b_enc) + b_dec`.
/// `model.0` is the encoder, `model.1` the decoder.
pub type LinearAutoencoder<const D: usize, const K: usize> = (Linear<D, K>, Linear<K, D>);
// ANCHOR_END: model

/// What `dev.build_module::<LinearAutoencoder<D, K>, f32>()` returns on the CPU.
pub type LinearAutoencoderModel<const D: usize, const K: usize> = Built<LinearAutoencoder<D, K>>;

// ANCHOR: trainer
/// Chapter 3's [`Trainer`] for a linear autoencoder, every part swapped for
/// its fused twin.
pub type LinearTrainer<const D: usize, const K: usize> = Trainer<
    Fused<LinearAutoencoderModel<D, K>>,
    Fused<Adam<LinearAutoencoderModel<D, K>, f32, Cpu>>,
    Fused<MeanSquaredError>,
>;

/// A freshly initialised model (weights drawn from `dev`'s seeded generator),
/// dfdx's Adam with learning rate `lr` and its default betas, and the mean
/// squared error, the quantity PCA minimises.
pub fn linear_trainer<const D: usize, const K: usize>(dev: &Cpu, lr: f64) -> LinearTrainer<D, K> {
    let model = dev.build_module::<LinearAutoencoder<D, K>, f32>();
    let optimizer = Adam::new(
        &model,
        AdamConfig {
            lr,
            ..Default::default()
        },
    );
    Trainer::new(model, optimizer, MeanSquaredError).fuse()
}
// ANCHOR_END: trainer

/// The codings of `batch`: the encoder's output, `K` numbers per row.
pub fn encode<const D: usize, const K: usize>(
    model: &LinearAutoencoderModel<D, K>,
    batch: Batch<D>,
) -> Vec<f32> {
    model.0.forward(batch).as_vec()
}

// ANCHOR: decoder_basis
/// The decoder's weight matrix `W_dec` (`D x K`). Every reconstruction is
/// `b_dec + W_dec z`, so its `K` columns span the subspace the autoencoder
/// reconstructs into: the one to compare with PCA's.
pub fn decoder_basis<const D: usize, const K: usize>(
    model: &LinearAutoencoderModel<D, K>,
) -> Matrix {
    Matrix {
        rows: D,
        cols: K,
        data: model.1.weight.as_vec().into_iter().map(f64::from).collect(),
    }
}
// ANCHOR_END: decoder_basis

#[cfg(test)]
mod tests {
    use super::*;
    use ae_fast::unfuse;
    use ch03_simple_autoencoder::evaluate;

    #[test]
    fn steps_lower_the_loss_and_the_basis_has_the_decoder_shape() {
        let dev = Cpu::seed_from_u64(0);
        let mut trainer = linear_trainer::<3, 2>(&dev, 0.01);
        let rows: Vec<f32> = (0..30).map(|i| (i as f32 * 0.37).sin()).collect();
        let batch = || dev.tensor_from_vec(rows.clone(), (10, Const::<3>));
        let first = trainer.step(batch(), batch());
        for _ in 0..50 {
            trainer.step(batch(), batch());
        }
        assert!(evaluate(&trainer.model, &trainer.loss, &rows, 10) < first);
        let model = unfuse::<LinearAutoencoderModel<3, 2>>(trainer.model);
        let basis = decoder_basis(&model);
        assert_eq!((basis.rows, basis.cols), (3, 2));
        assert_eq!(encode(&model, batch()).len(), 20);
    }
}
