//! Tied weights: a decoder that reuses the encoder's matrices, transposed.
//!
//! Géron's stacked autoencoder has four weight matrices; the decoder's two
//! are shaped like the encoder's, transposed. Tying them (his
//! `DenseTranspose` layer) keeps only the encoder's, so the model has about
//! half the parameters. dfdx has no such layer, so this module is written by
//! hand through dfdx's public traits: [`TensorCollection`] lists the tensors
//! (which gives building, `alloc_grads`, optimisers and safetensors for
//! free), and [`Module`] says how a batch flows through them.

use ae_support::data::IMAGE_PIXELS;
use dfdx::nn::modules::Linear;
use dfdx::nn::tensor_collection::{ModuleVisitor, TensorCollection, TensorOptions};
use dfdx::prelude::*;
use dfdx::tensor::Merge;

// ANCHOR: tied_struct
/// Géron's stacked autoencoder, 784-100-30-100-784, with tied weights: the
/// decoder multiplies by the encoder's matrices transposed and owns only its
/// biases.
#[derive(Clone, Debug)]
pub struct TiedAutoencoder<E: Dtype, D: Storage<E>> {
    /// 784 → 100 (ReLU); its matrix is also the last decoder layer's.
    pub hidden: Linear<IMAGE_PIXELS, 100, E, D>,
    /// 100 → 30 (ReLU); its matrix is also the first decoder layer's.
    pub coding: Linear<100, 30, E, D>,
    /// Bias of the decoder's 30 → 100 layer (ReLU).
    pub decoder_hidden_bias: Tensor<Rank1<100>, E, D>,
    /// Bias of the decoder's 100 → 784 output layer (linear).
    pub decoder_output_bias: Tensor<Rank1<IMAGE_PIXELS>, E, D>,
}

/// The tied model in `f32` on the CPU.
pub type TiedModel = TiedAutoencoder<f32, Cpu>;
// ANCHOR_END: tied_struct

// ANCHOR: tied_collection
/// The four fields, named as in a checkpoint. Keras starts biases at zero,
/// and so do the decoder's here; the encoder's layers keep dfdx's `Linear`
/// initialisation.
impl<D: Device<f32>> TensorCollection<f32, D> for TiedAutoencoder<f32, D> {
    type To<E2: Dtype, D2: Device<E2>> = TiedAutoencoder<E2, D2>;

    fn iter_tensors<V: ModuleVisitor<Self, f32, D>>(
        visitor: &mut V,
    ) -> Result<Option<Self::To<V::E2, V::D2>>, V::Err> {
        visitor.visit_fields(
            (
                Self::module("hidden", |s| &s.hidden, |s| &mut s.hidden),
                Self::module("coding", |s| &s.coding, |s| &mut s.coding),
                Self::tensor(
                    "decoder_hidden_bias",
                    |s| &s.decoder_hidden_bias,
                    |s| &mut s.decoder_hidden_bias,
                    TensorOptions::reset_to_zeros(),
                ),
                Self::tensor(
                    "decoder_output_bias",
                    |s| &s.decoder_output_bias,
                    |s| &mut s.decoder_output_bias,
                    TensorOptions::reset_to_zeros(),
                ),
            ),
            |(hidden, coding, decoder_hidden_bias, decoder_output_bias)| TiedAutoencoder {
                hidden,
                coding,
                decoder_hidden_bias,
                decoder_output_bias,
            },
        )
    }
}
// ANCHOR_END: tied_collection

// ANCHOR: tied_forward
/// A batch of images in, a batch of reconstructions out, with or without a
/// tape (`T`). dfdx's `Linear` stores its matrix as (outputs, inputs) and
/// multiplies by its transpose; the decoder multiplies by the same matrix
/// untransposed, which is exactly the transposed layer.
impl<B: Dim, T> Module<Tensor<(B, Const<IMAGE_PIXELS>), f32, Cpu, T>> for TiedModel
where
    T: Tape<f32, Cpu> + Merge<T>,
{
    type Output = Tensor<(B, Const<IMAGE_PIXELS>), f32, Cpu, T>;
    type Error = CpuError;

    fn try_forward(
        &self,
        x: Tensor<(B, Const<IMAGE_PIXELS>), f32, Cpu, T>,
    ) -> Result<Self::Output, CpuError> {
        let h = self.hidden.try_forward(x)?.try_relu()?;
        let code = self.coding.try_forward(h)?.try_relu()?;
        // `retaped` puts the shared matrix on this batch's tape a second
        // time: its gradient sums the encoder's and the decoder's parts.
        let h = code.try_matmul(self.coding.weight.retaped::<T>())?;
        let bias = self.decoder_hidden_bias.retaped::<T>();
        let shape = *h.shape();
        let h = h.try_add(bias.try_broadcast_like(&shape)?)?.try_relu()?;
        let out = h.try_matmul(self.hidden.weight.retaped::<T>())?;
        let bias = self.decoder_output_bias.retaped::<T>();
        let shape = *out.shape();
        out.try_add(bias.try_broadcast_like(&shape)?)
    }
}
// ANCHOR_END: tied_forward

/// The forward pass changes nothing in the model, so training's
/// `forward_mut` is the same as `forward`.
impl<E: Dtype, D: Storage<E>> NonMutableModule for TiedAutoencoder<E, D> {}

/// A fresh tied model, its weights drawn from `seed`.
pub fn build_tied(seed: u64) -> TiedModel {
    TiedModel::build(&Cpu::seed_from_u64(seed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ch05_denoising::geron::StackedAutoencoder;
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    #[test]
    fn tying_halves_the_parameter_count() {
        let tied = build_tied(0);
        let untied = Cpu::default().build_module::<StackedAutoencoder, f32>();
        // The encoder's 78,500 + 3,030, plus 100 + 784 decoder biases.
        assert_eq!(tied.num_trainable_params(), 82_414);
        assert_eq!(untied.num_trainable_params(), 163_814);
    }

    #[test]
    fn images_come_back_image_shaped_and_biases_start_at_zero() {
        let model = build_tied(1);
        let x: Tensor<(usize, Const<IMAGE_PIXELS>), f32, Cpu> =
            Cpu::default().zeros_like(&(3, Const));
        assert_eq!(model.forward(x).shape(), &(3, Const::<IMAGE_PIXELS>));
        assert!(model.decoder_output_bias.as_vec().iter().all(|&b| b == 0.0));
    }

    /// `0.5 · Σ (model(x) − x)²` for a fixed batch of two images, summed in
    /// `f64` so that the finite differences are not lost to rounding.
    fn loss(model: &TiedModel, x: &[f32]) -> f64 {
        let input = Cpu::default().tensor_from_vec(x.to_vec(), (2, Const::<IMAGE_PIXELS>));
        let out = model.forward(input).as_vec();
        let squares = out.iter().zip(x).map(|(&o, &t)| f64::from(o - t).powi(2));
        0.5 * squares.sum::<f64>()
    }

    #[test]
    fn the_shared_matrix_gets_the_decoders_gradient_too() {
        let dev = Cpu::default();
        let mut model = build_tied(2);
        // Non-zero decoder biases, so the ReLU after them lets gradient through.
        model.decoder_hidden_bias = dev.ones();
        let mut rng = StdRng::seed_from_u64(3);
        let x: Vec<f32> = (0..2 * IMAGE_PIXELS).map(|_| rng.r#gen()).collect();

        let grads = model.alloc_grads();
        let input = dev.tensor_from_vec(x.clone(), (2, Const::<IMAGE_PIXELS>));
        let r = model.forward(input.clone().traced(grads)) - input;
        let grads = (r.square().sum() * 0.5).backward();
        let analytic = grads.get(&model.coding.weight).as_vec();

        // Central differences on the largest entries of the coding matrix,
        // whose gradient runs through both the encoder and the decoder.
        let mut largest: Vec<usize> = (0..analytic.len()).collect();
        largest.sort_by(|&a, &b| analytic[b].abs().total_cmp(&analytic[a].abs()));
        let h = 1e-2f32;
        for &i in &largest[..5] {
            let nudged = |delta: f32| {
                let mut m = model.clone();
                let mut w = m.coding.weight.as_vec();
                w[i] += delta;
                m.coding.weight.copy_from(&w);
                loss(&m, &x)
            };
            let numeric = (nudged(h) - nudged(-h)) / f64::from(2.0 * h);
            let rel = (numeric - f64::from(analytic[i])).abs() / f64::from(analytic[i].abs());
            assert!(rel < 0.02, "entry {i}: {numeric} vs {}", analytic[i]);
        }
    }
}
