//! `ConvTranspose2D`: Keras' `Conv2DTranspose(filters, kernel_size,
//! strides, padding="same")`, an up-sampling that learns how to fill in the
//! new pixels.
//!
//! A strided convolution maps a large image to a small one; its transpose
//! maps the small one back, spreading every input pixel over a `K × K` patch
//! of the output. It is computed with the same pieces run the other way:
//! a matrix product makes the patches, and col2im adds them up in place.

use super::conv::Strided;
use super::{
    FeatureMaps, add_bias, add_bias_gradient, add_parts, glorot_bound, images_per_thread, record,
};
use crate::activation::Activation;
use crate::window::{Window, col2im, im2col};
use ae_fast::matmul::{MatRef, matmul};
use dfdx::nn::modules::{ModuleVisitor, TensorCollection, TensorOptions};
use dfdx::prelude::*;
use rand_distr::Uniform;
use rayon::prelude::*;
use std::marker::PhantomData;

// ANCHOR: transpose_types
/// The description of a transposed convolution from `I` to `O` channels with
/// a `K × K` kernel, activation `A` and stride `S`, padding "same": each side
/// grows `S` times, to the `H × W` of `Strided<S, H, W>` (checked).
#[derive(Clone, Copy, Debug, Default)]
pub struct ConvTranspose2D<const I: usize, const O: usize, const K: usize, A, P>(
    PhantomData<(A, P)>,
);

/// A [`ConvTranspose2D`] with its parameters.
#[derive(Clone, Debug)]
pub struct ConvTranspose2DLayer<
    const I: usize,
    const O: usize,
    const K: usize,
    A,
    P,
    E = f32,
    D = Cpu,
> where
    E: Dtype,
    D: Storage<E>,
{
    /// One `O × K × K` patch per input channel (PyTorch's layout).
    pub weight: Tensor<Rank4<I, O, K, K>, E, D>,
    pub bias: Tensor<Rank1<O>, E, D>,
    kind: PhantomData<(A, P)>,
}
// ANCHOR_END: transpose_types

impl<const I: usize, const O: usize, const K: usize, A: Activation, P> BuildOnDevice<Cpu, f32>
    for ConvTranspose2D<I, O, K, A, P>
where
    P: Send + Sync + 'static,
{
    type Built = ConvTranspose2DLayer<I, O, K, A, P>;
}

impl<const I: usize, const O: usize, const K: usize, A, P, E, D> TensorCollection<E, D>
    for ConvTranspose2DLayer<I, O, K, A, P, E, D>
where
    A: Activation,
    P: Send + Sync + 'static,
    E: Dtype + num_traits::Float + rand_distr::uniform::SampleUniform,
    D: Device<E>,
{
    type To<E2: Dtype, D2: Device<E2>> = ConvTranspose2DLayer<I, O, K, A, P, E2, D2>;

    fn iter_tensors<V: ModuleVisitor<Self, E, D>>(
        visitor: &mut V,
    ) -> Result<Option<Self::To<V::E2, V::D2>>, V::Err> {
        visitor.visit_fields(
            (
                Self::tensor(
                    "weight",
                    |s| &s.weight,
                    |s| &mut s.weight,
                    TensorOptions::reset_with(|t| {
                        let bound = E::from(glorot_bound(I, O, K)).unwrap();
                        t.try_fill_with_distr(Uniform::new(-bound, bound))
                    }),
                ),
                Self::tensor(
                    "bias",
                    |s| &s.bias,
                    |s| &mut s.bias,
                    TensorOptions::reset_to_zeros(),
                ),
            ),
            |(weight, bias)| ConvTranspose2DLayer {
                weight,
                bias,
                kind: PhantomData,
            },
        )
    }
}

impl<const I: usize, const O: usize, const K: usize, A, P, E: Dtype, D: Storage<E>> NonMutableModule
    for ConvTranspose2DLayer<I, O, K, A, P, E, D>
{
}

// ANCHOR: transpose_forward
impl<
    const I: usize,
    const O: usize,
    const K: usize,
    A,
    T,
    const S: usize,
    const H: usize,
    const W: usize,
    const HO: usize,
    const WO: usize,
> Module<FeatureMaps<I, H, W, T>> for ConvTranspose2DLayer<I, O, K, A, Strided<S, HO, WO>>
where
    A: Activation,
    T: Tape<f32, Cpu>,
{
    type Output = FeatureMaps<O, HO, WO, T>;
    type Error = CpuError;

    /// The output is what a convolution with stride `S` and padding "same"
    /// would shrink back to the input: its [`Window`] describes both.
    fn try_forward(&self, x: FeatureMaps<I, H, W, T>) -> Result<Self::Output, CpuError> {
        const {
            assert!(
                HO == H * S && WO == W * S,
                "a transposed convolution with padding \"same\" multiplies each side by S"
            )
        };
        let window = Window::same(O, HO, WO, K, S);
        let (x, mut tape) = x.split_tape();
        let batch = x.shape().0;
        let (patch, positions) = (window.patch_len(), window.positions());
        let (input, weight, bias) = (x.as_vec(), self.weight.as_vec(), self.bias.as_vec());
        let group = images_per_thread(batch);
        let (in_len, out_len) = (I * positions, window.image_len());
        let mut output = vec![0.0; batch * out_len];
        output
            .par_chunks_mut(group * out_len)
            .zip(input.par_chunks(group * in_len))
            .for_each(|(out, images)| {
                let mut columns = vec![0.0; patch * positions];
                let per_image = out
                    .chunks_exact_mut(out_len)
                    .zip(images.chunks_exact(in_len));
                for (out, image) in per_image {
                    // Each input pixel's patch: columns = Wᵀ · x, then
                    // the overlapping patches are added up.
                    let w = MatRef::row_major(&weight, I, patch);
                    matmul(
                        &mut columns,
                        w.t(),
                        MatRef::row_major(image, I, positions),
                        false,
                    );
                    col2im(&window, &columns, out);
                    add_bias(out, &bias, HO * WO);
                    A::apply(out);
                }
            });
        let y = x
            .device()
            .tensor_from_vec(output, (batch, Const::<O>, Const::<HO>, Const::<WO>));
        if T::OWNS_TAPE {
            let saved_y = y.as_vec();
            let ids = (x.ghost(), self.weight.ghost(), self.bias.ghost());
            record(&mut tape, &y, move |grad_y, grads| {
                let (x_id, weight_id, bias_id) = ids;
                let mut delta = grad_y.to_vec();
                A::scale_gradient(&saved_y, &mut delta);
                add_bias_gradient(grads.get_or_alloc_mut(&bias_id)?, &delta, HO * WO);
                let mut grad_x = std::mem::take(&mut **grads.get_or_alloc_mut(&x_id)?);
                let grad_weight: Vec<Vec<f32>> = delta
                    .par_chunks(group * out_len)
                    .zip(input.par_chunks(group * in_len))
                    .zip(grad_x.par_chunks_mut(group * in_len))
                    .map(|((delta, images), grad_images)| {
                        let mut grad_weight = vec![0.0; I * patch];
                        let mut columns = vec![0.0; patch * positions];
                        let per_image = delta
                            .chunks_exact(out_len)
                            .zip(images.chunks_exact(in_len))
                            .zip(grad_images.chunks_exact_mut(in_len));
                        for ((delta, image), grad_image) in per_image {
                            // The patches of δ, as the forward pass made them.
                            im2col(&window, delta, &mut columns);
                            let cols = MatRef::row_major(&columns, patch, positions);
                            // ∂x += W · columns, ∂W += x · columnsᵀ
                            let w = MatRef::row_major(&weight, I, patch);
                            matmul(grad_image, w, cols, true);
                            let x = MatRef::row_major(image, I, positions);
                            matmul(&mut grad_weight, x, cols.t(), true);
                        }
                        grad_weight
                    })
                    .collect();
                **grads.get_or_alloc_mut(&x_id)? = grad_x;
                add_parts(grads.get_or_alloc_mut(&weight_id)?, grad_weight);
                Ok(())
            });
        }
        Ok(y.put_tape(tape))
    }
}
// ANCHOR_END: transpose_forward
