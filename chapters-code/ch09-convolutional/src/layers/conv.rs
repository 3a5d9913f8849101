//! `Conv2D`: Keras' `Conv2D(filters, kernel_size, activation, padding,
//! strides)` as a dfdx module.

use super::{
    FeatureMaps, add_bias, add_bias_gradient, add_parts, glorot_bound, images_per_thread, record,
};
use crate::activation::{Activation, Identity};
use crate::window::{Window, col2im, im2col};
use ae_fast::matmul::{MatRef, matmul};
use dfdx::nn::modules::{ModuleVisitor, TensorCollection, TensorOptions};
use dfdx::prelude::*;
use rand_distr::Uniform;
use rayon::prelude::*;
use std::marker::PhantomData;

// ANCHOR: padding
/// Padding "same", stride 1: the output has the input's size, whatever it is.
#[derive(Clone, Copy, Debug, Default)]
pub struct Same;

/// Padding "valid", stride 1: the kernel stays inside the image, so each side
/// loses `K - 1` pixels. The output size, `H × W`, is spelled out in the type
/// and checked by the compiler.
#[derive(Clone, Copy, Debug, Default)]
pub struct Valid<const H: usize, const W: usize>;

/// Padding "same" with stride `S`: one output pixel every `S` input pixels,
/// `ceil(size / S)` of them, spelled out as `H × W` and checked.
#[derive(Clone, Copy, Debug, Default)]
pub struct Strided<const S: usize, const H: usize, const W: usize>;
// ANCHOR_END: padding

// ANCHOR: conv_types
/// The description of a convolution from `I` to `O` channels with a `K × K`
/// kernel, activation `A` and padding `P`: `Conv2D<1, 16, 3, ReLU>` is Keras'
/// `Conv2D(16, 3, activation="relu", padding="same")` on one-channel images.
#[derive(Clone, Copy, Debug, Default)]
pub struct Conv2D<const I: usize, const O: usize, const K: usize, A = Identity, P = Same>(
    PhantomData<(A, P)>,
);

/// A [`Conv2D`] with its parameters.
#[derive(Clone, Debug)]
pub struct Conv2DLayer<const I: usize, const O: usize, const K: usize, A, P, E = f32, D = Cpu>
where
    E: Dtype,
    D: Storage<E>,
{
    /// One `I × K × K` kernel per output channel, the layout of dfdx's own
    /// `Conv2D` (Keras stores the same numbers as `K × K × I × O`).
    pub weight: Tensor<Rank4<O, I, K, K>, E, D>,
    pub bias: Tensor<Rank1<O>, E, D>,
    kind: PhantomData<(A, P)>,
}
// ANCHOR_END: conv_types

impl<const I: usize, const O: usize, const K: usize, A: Activation, P> BuildOnDevice<Cpu, f32>
    for Conv2D<I, O, K, A, P>
where
    P: Send + Sync + 'static,
{
    type Built = Conv2DLayer<I, O, K, A, P>;
}

impl<const I: usize, const O: usize, const K: usize, A, P, E, D> TensorCollection<E, D>
    for Conv2DLayer<I, O, K, A, P, E, D>
where
    A: Activation,
    P: Send + Sync + 'static,
    E: Dtype + num_traits::Float + rand_distr::uniform::SampleUniform,
    D: Device<E>,
{
    type To<E2: Dtype, D2: Device<E2>> = Conv2DLayer<I, O, K, A, P, E2, D2>;

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
            |(weight, bias)| Conv2DLayer {
                weight,
                bias,
                kind: PhantomData,
            },
        )
    }
}

impl<const I: usize, const O: usize, const K: usize, A, P, E: Dtype, D: Storage<E>> NonMutableModule
    for Conv2DLayer<I, O, K, A, P, E, D>
{
}

// ANCHOR: conv_modules
impl<const I: usize, const O: usize, const K: usize, A, const H: usize, const W: usize, T>
    Module<FeatureMaps<I, H, W, T>> for Conv2DLayer<I, O, K, A, Same>
where
    A: Activation,
    T: Tape<f32, Cpu>,
{
    type Output = FeatureMaps<O, H, W, T>;
    type Error = CpuError;

    fn try_forward(&self, x: FeatureMaps<I, H, W, T>) -> Result<Self::Output, CpuError> {
        Ok(self.convolve(x, Window::same(I, H, W, K, 1)))
    }
}

impl<
    const I: usize,
    const O: usize,
    const K: usize,
    A,
    T,
    const H: usize,
    const W: usize,
    const HO: usize,
    const WO: usize,
> Module<FeatureMaps<I, H, W, T>> for Conv2DLayer<I, O, K, A, Valid<HO, WO>>
where
    A: Activation,
    T: Tape<f32, Cpu>,
{
    type Output = FeatureMaps<O, HO, WO, T>;
    type Error = CpuError;

    fn try_forward(&self, x: FeatureMaps<I, H, W, T>) -> Result<Self::Output, CpuError> {
        // Checked when the compiler builds this layer for this input size:
        // a wrong output size is a compile error, not a panic.
        const {
            assert!(
                H >= K && W >= K && HO == H - K + 1 && WO == W - K + 1,
                "a valid convolution shrinks each side by K - 1"
            )
        };
        Ok(self.convolve(x, Window::valid(I, H, W, K, 1)))
    }
}

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
> Module<FeatureMaps<I, H, W, T>> for Conv2DLayer<I, O, K, A, Strided<S, HO, WO>>
where
    A: Activation,
    T: Tape<f32, Cpu>,
{
    type Output = FeatureMaps<O, HO, WO, T>;
    type Error = CpuError;

    fn try_forward(&self, x: FeatureMaps<I, H, W, T>) -> Result<Self::Output, CpuError> {
        const {
            assert!(
                S > 0 && HO == H.div_ceil(S) && WO == W.div_ceil(S),
                "a strided convolution keeps one pixel in S, rounding up"
            )
        };
        Ok(self.convolve(x, Window::same(I, H, W, K, S)))
    }
}
// ANCHOR_END: conv_modules

// ANCHOR: convolve
impl<const I: usize, const O: usize, const K: usize, A: Activation, P> Conv2DLayer<I, O, K, A, P> {
    /// The convolution of every image of `x`, as one operation on the tape.
    ///
    /// For each image, im2col turns the input into a `I·K·K × positions`
    /// matrix and the whole convolution is the product of the `O × I·K·K`
    /// weight matrix with it. The images are shared out between threads.
    fn convolve<const H: usize, const W: usize, const HO: usize, const WO: usize, T>(
        &self,
        x: FeatureMaps<I, H, W, T>,
        window: Window,
    ) -> FeatureMaps<O, HO, WO, T>
    where
        T: Tape<f32, Cpu>,
    {
        debug_assert_eq!((window.out_height, window.out_width), (HO, WO));
        let (x, mut tape) = x.split_tape();
        let batch = x.shape().0;
        let (patch, positions) = (window.patch_len(), window.positions());
        let (input, weight, bias) = (x.as_vec(), self.weight.as_vec(), self.bias.as_vec());
        let group = images_per_thread(batch);
        let mut output = vec![0.0; batch * O * positions];
        output
            .par_chunks_mut(group * O * positions)
            .zip(input.par_chunks(group * window.image_len()))
            .for_each(|(out, images)| {
                let mut columns = vec![0.0; patch * positions];
                let images = images.chunks_exact(window.image_len());
                for (out, image) in out.chunks_exact_mut(O * positions).zip(images) {
                    im2col(&window, image, &mut columns);
                    let columns = MatRef::row_major(&columns, patch, positions);
                    matmul(out, MatRef::row_major(&weight, O, patch), columns, false);
                    add_bias(out, &bias, positions);
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
                // δ: the gradient with respect to the pre-activation values.
                let mut delta = grad_y.to_vec();
                A::scale_gradient(&saved_y, &mut delta);
                add_bias_gradient(grads.get_or_alloc_mut(&bias_id)?, &delta, positions);
                let mut grad_x = std::mem::take(&mut **grads.get_or_alloc_mut(&x_id)?);
                // Each thread sums the weight gradient of its own images.
                let grad_weight: Vec<Vec<f32>> = delta
                    .par_chunks(group * O * positions)
                    .zip(input.par_chunks(group * window.image_len()))
                    .zip(grad_x.par_chunks_mut(group * window.image_len()))
                    .map(|((delta, images), grad_images)| {
                        let mut grad_weight = vec![0.0; O * patch];
                        let mut columns = vec![0.0; patch * positions];
                        let per_image = delta
                            .chunks_exact(O * positions)
                            .zip(images.chunks_exact(window.image_len()))
                            .zip(grad_images.chunks_exact_mut(window.image_len()));
                        for ((delta, image), grad_image) in per_image {
                            let delta = MatRef::row_major(delta, O, positions);
                            // ∂W += δ · columnsᵀ
                            im2col(&window, image, &mut columns);
                            let cols = MatRef::row_major(&columns, patch, positions);
                            matmul(&mut grad_weight, delta, cols.t(), true);
                            // ∂columns = Wᵀ · δ, folded back onto the pixels.
                            let w = MatRef::row_major(&weight, O, patch);
                            matmul(&mut columns, w.t(), delta, false);
                            col2im(&window, &columns, grad_image);
                        }
                        grad_weight
                    })
                    .collect();
                **grads.get_or_alloc_mut(&x_id)? = grad_x;
                add_parts(grads.get_or_alloc_mut(&weight_id)?, grad_weight);
                Ok(())
            });
        }
        y.put_tape(tape)
    }
}
// ANCHOR_END: convolve
