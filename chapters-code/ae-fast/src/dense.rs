//! `DenseLayer<I, O, A>`: dfdx's `(Linear<I, O>, A)` as one layer, and one
//! operation on the tape.
//!
//! In dfdx, `Linear` is a matrix product followed by a broadcast addition of
//! the bias, a general-purpose operation whose backward pass walks the batch
//! with strided index arithmetic; the activation is one more pass with one
//! more backward step, and each of the three allocates its own result and
//! gradient. `DenseLayer` records a single operation: forward, the product and
//! then bias and activation while the rows are still in cache; backward, one
//! pass for the activation's derivative and the bias gradient, then the two
//! products for the weight's and the input's gradients, side by side on two
//! threads. The layer that reads the model's data skips the input's gradient,
//! which nothing reads, and splits the weight's between the threads instead.
//!
//! A `DenseLayer` is made from a built `(Linear, A)` by [`crate::Fuse`],
//! which moves the weight and bias tensors over unchanged.

use super::buffers::Buffer;
use super::kernels::{self, Activation};
use dfdx::nn::modules::{ModuleVisitor, TensorCollection, TensorOptions};
use dfdx::prelude::*;
use rand_distr::Uniform;
use std::marker::PhantomData;

// ANCHOR: types
/// dfdx's `(Linear<I, O>, A)` as one layer; `A` is [`Identity`] for a bare
/// `Linear`. The fused operation runs on the CPU in `f32`; the type
/// parameters let dfdx's visitors convert it.
#[derive(Clone, Debug)]
pub struct DenseLayer<const I: usize, const O: usize, A, E: Dtype = f32, D: Storage<E> = Cpu> {
    /// Shape (O, I), as in dfdx's `Linear`.
    pub weight: Tensor<Rank2<O, I>, E, D>,
    pub bias: Tensor<Rank1<O>, E, D>,
    /// Whether the backward pass computes the gradient with respect to the
    /// layer's input: not for the layer that reads the model's data.
    pub(crate) input_gradient: bool,
    activation: PhantomData<A>,
}
// ANCHOR_END: types

impl<const I: usize, const O: usize, A, E: Dtype, D: Storage<E>> DenseLayer<I, O, A, E, D> {
    /// The layer with these parameters; `input_gradient` as the field says.
    pub(crate) fn new(
        weight: Tensor<Rank2<O, I>, E, D>,
        bias: Tensor<Rank1<O>, E, D>,
        input_gradient: bool,
    ) -> Self {
        DenseLayer {
            weight,
            bias,
            input_gradient,
            activation: PhantomData,
        }
    }
}

impl<const I: usize, const O: usize, A, E, D> TensorCollection<E, D> for DenseLayer<I, O, A, E, D>
where
    A: Activation,
    E: Dtype + num_traits::Float + rand_distr::uniform::SampleUniform,
    D: Device<E>,
{
    type To<E2: Dtype, D2: Device<E2>> = DenseLayer<I, O, A, E2, D2>;

    fn iter_tensors<V: ModuleVisitor<Self, E, D>>(
        visitor: &mut V,
    ) -> Result<Option<Self::To<V::E2, V::D2>>, V::Err> {
        visitor.visit_fields(
            (
                Self::tensor(
                    "weight",
                    |s| &s.weight,
                    |s| &mut s.weight,
                    linear_init::<_, _, _, I>(),
                ),
                Self::tensor(
                    "bias",
                    |s| &s.bias,
                    |s| &mut s.bias,
                    linear_init::<_, _, _, I>(),
                ),
            ),
            // A converted copy computes every gradient, which is always right.
            |(weight, bias)| DenseLayer::new(weight, bias, true),
        )
    }
}

impl<const I: usize, const O: usize, A, E: Dtype, D: Storage<E>> NonMutableModule
    for DenseLayer<I, O, A, E, D>
{
}

// ANCHOR: forward
impl<B: Dim, const I: usize, const O: usize, A: Activation, T: Tape<f32, Cpu>>
    Module<Tensor<(B, Const<I>), f32, Cpu, T>> for DenseLayer<I, O, A>
{
    type Output = Tensor<(B, Const<O>), f32, Cpu, T>;
    type Error = CpuError;

    /// `A(x·Wᵀ + b)`, recorded on the tape as one operation.
    fn try_forward(&self, x: Tensor<(B, Const<I>), f32, Cpu, T>) -> Result<Self::Output, CpuError> {
        self.fused_forward(x)
    }
}

impl<const I: usize, const O: usize, A: Activation> DenseLayer<I, O, A> {
    fn fused_forward<B: Dim, T: Tape<f32, Cpu>>(
        &self,
        x: Tensor<(B, Const<I>), f32, Cpu, T>,
    ) -> Result<Tensor<(B, Const<O>), f32, Cpu, T>, CpuError> {
        let input_gradient = self.input_gradient;
        let (x, mut tape) = x.split_tape();
        let (batch, _) = *x.shape();
        let (mut x_values, mut weight) =
            (Buffer::new(x.shape().num_elements()), Buffer::new(O * I));
        kernels::copy_both(
            x_values.len() + weight.len(),
            || x.copy_into(&mut x_values),
            || self.weight.copy_into(&mut weight),
        );
        let mut bias = vec![0.0; O];
        self.bias.copy_into(&mut bias);
        let mut y = Buffer::new(batch.size() * O);
        kernels::dense_forward(A::KIND, &x_values, &weight, &bias, &mut y, I);
        // The backward pass of ReLU and sigmoid needs the output.
        let saved_y = (T::OWNS_TAPE && A::NEEDS_OUTPUT).then(|| Buffer::copy_of(&y));
        let output = x
            .device()
            .tensor_from_vec(y.into_vec(), (batch, Const::<O>));
        if T::OWNS_TAPE {
            let (x_id, weight_id, bias_id, output_id) = (
                x.ghost(),
                self.weight.ghost(),
                self.bias.ghost(),
                output.ghost(),
            );
            tape.add_backward_op(move |grads| {
                // Each gradient is taken out of `grads` while it is worked
                // on, so that two can be borrowed at once, and put back.
                let grad_output = std::mem::take(&mut **grads.get_or_alloc_mut(&output_id)?);
                let grad_bias = grads.get_or_alloc_mut(&bias_id)?;
                let saved_y = saved_y.as_deref().unwrap_or_default();
                let scaled =
                    kernels::activation_backward(A::KIND, saved_y, &grad_output, grad_bias);
                // No activation: the delta is the output's gradient itself.
                let delta = scaled.as_deref().unwrap_or(&grad_output);
                let mut grad_x = if input_gradient {
                    Some(std::mem::take(&mut **grads.get_or_alloc_mut(&x_id)?))
                } else {
                    None
                };
                let grad_weight = grads.get_or_alloc_mut(&weight_id)?;
                let wanted_x = grad_x.as_deref_mut();
                kernels::dense_backward(delta, &x_values, &weight, grad_weight, wanted_x, I);
                if let Some(grad_x) = grad_x {
                    **grads.get_or_alloc_mut(&x_id)? = grad_x;
                }
                **grads.get_or_alloc_mut(&output_id)? = grad_output;
                Ok(())
            });
        }
        Ok(output.put_tape(tape))
    }
}
// ANCHOR_END: forward

/// Linear's initialisation: uniform in ±1/√fan_in, for the weight and the bias.
fn linear_init<S: ConstShape, E, D, const FAN_IN: usize>() -> TensorOptions<S, E, D>
where
    E: Dtype + num_traits::Float + rand_distr::uniform::SampleUniform,
    D: Device<E>,
{
    TensorOptions::reset_with(|t| {
        let bound = E::one() / E::from(FAN_IN).unwrap().sqrt();
        t.try_fill_with_distr(Uniform::new(-bound, bound))
    })
}
