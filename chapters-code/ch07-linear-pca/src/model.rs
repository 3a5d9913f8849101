//! The linear autoencoder: two dense layers with no activation between or
//! after them, trained with the mean squared error.

use crate::linalg::Matrix;
use ae_support::batching::Batch;
use ae_support::fast::{Adam, Dense, DenseLayer, Identity, Input, mse_loss};
use dfdx::prelude::*;

// ANCHOR: model
/// `D` inputs squeezed into `K` codings and back, with no activations:
/// the whole network is the affine map `x -> W_dec (W_enc x + b_enc) + b_dec`.
/// `model.0` is the encoder, `model.1` the decoder.
pub type LinearAutoencoder<const D: usize, const K: usize> = (Dense<D, K>, Dense<K, D>);
// ANCHOR_END: model

/// What `dev.build_module::<LinearAutoencoder<D, K>, f32>()` returns on the CPU.
pub type LinearAutoencoderModel<const D: usize, const K: usize> =
    (DenseLayer<D, K, Identity>, DenseLayer<K, D, Identity>);

// ANCHOR: trainer
/// A linear autoencoder with its Adam optimiser and gradient buffers.
pub struct Trainer<const D: usize, const K: usize> {
    pub model: LinearAutoencoderModel<D, K>,
    optimizer: Adam<LinearAutoencoderModel<D, K>>,
    grads: Gradients<f32, Cpu>,
}

impl<const D: usize, const K: usize> Trainer<D, K> {
    /// A freshly initialised model (weights drawn from `dev`'s seeded generator)
    /// and an Adam optimiser with learning rate `lr` and Keras' default betas.
    pub fn new(dev: &Cpu, lr: f64) -> Self {
        let model = dev.build_module::<LinearAutoencoder<D, K>, f32>();
        let grads = model.alloc_grads();
        let optimizer = Adam::new(
            &model,
            AdamConfig {
                lr,
                ..Default::default()
            },
        );
        Trainer {
            model,
            optimizer,
            grads,
        }
    }

    /// One optimiser step on `batch`: reconstruct it, measure the MSE against
    /// the batch itself, back-propagate, update. Returns the batch's loss.
    pub fn step(&mut self, batch: Batch<D>) -> f32 {
        let grads = std::mem::replace(&mut self.grads, Gradients::leaky());
        let reconstruction = self.model.forward_mut(Input(batch.clone().traced(grads)));
        let loss = mse_loss(reconstruction, batch);
        let loss_value = loss.array();
        self.grads = loss.backward();
        self.optimizer
            .update(&mut self.model, &self.grads)
            .expect("every parameter has a gradient");
        self.model.zero_grads(&mut self.grads);
        loss_value
    }
}
// ANCHOR_END: trainer

/// The mean squared error per value of reconstructing `batch`.
pub fn reconstruction_mse<const D: usize, const K: usize>(
    model: &LinearAutoencoderModel<D, K>,
    batch: Batch<D>,
) -> f32 {
    mse_loss(model.forward(batch.clone()), batch).array()
}

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

    #[test]
    fn a_step_lowers_the_loss_and_the_basis_has_the_decoder_shape() {
        let dev = Cpu::seed_from_u64(0);
        let mut trainer = Trainer::<3, 2>::new(&dev, 0.01);
        let rows: Vec<f32> = (0..30).map(|i| (i as f32 * 0.37).sin()).collect();
        let batch = |rows: &[f32]| dev.tensor_from_vec(rows.to_vec(), (10, Const::<3>));
        let first = trainer.step(batch(&rows));
        for _ in 0..50 {
            trainer.step(batch(&rows));
        }
        assert!(reconstruction_mse(&trainer.model, batch(&rows)) < first);
        let basis = decoder_basis(&trainer.model);
        assert_eq!((basis.rows, basis.cols), (3, 2));
        assert_eq!(encode(&trainer.model, batch(&rows)).len(), 20);
    }
}
