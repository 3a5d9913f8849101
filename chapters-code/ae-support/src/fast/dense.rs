//! `Dense<I, O, A>`: dfdx's `(Linear<I, O>, A)` as one layer whose bias
//! addition and activation happen in a single fused pass.
//!
//! In dfdx, `Linear` adds its bias with a broadcast, a general-purpose
//! operation whose backward pass walks the batch with strided index
//! arithmetic, and the activation that follows is another pass with another
//! backward step. `Dense` keeps dfdx's matrix multiplication, with its tape,
//! and replaces the rest with one custom operation: one pass forward, one
//! pass backward that writes the gradients of both the pre-activation values
//! and the bias.
//!
//! The parameters are named and initialised exactly like `Linear`'s, so a
//! model built from the same seed starts from the same weights.

use super::kernels::{self, Activation, Identity};
use dfdx::nn::modules::{ModuleVisitor, TensorCollection, TensorOptions};
use dfdx::prelude::*;
use rand_distr::Uniform;
use std::marker::PhantomData;

/// The description of a fused layer: `Dense<784, 32, ReLU>` is a drop-in for
/// `(Linear<784, 32>, ReLU)`. `A` defaults to [`Identity`] (a plain `Linear`).
#[derive(Clone, Copy, Debug, Default)]
pub struct Dense<const I: usize, const O: usize, A = Identity>(PhantomData<A>);

/// A [`Dense`] layer with its parameters (the fused operation runs on the
/// CPU in `f32`; the type parameters let dfdx's visitors convert it).
#[derive(Clone, Debug)]
pub struct DenseLayer<const I: usize, const O: usize, A, E: Dtype = f32, D: Storage<E> = Cpu> {
    /// Shape (O, I), as in dfdx's `Linear`.
    pub weight: Tensor<Rank2<O, I>, E, D>,
    pub bias: Tensor<Rank1<O>, E, D>,
    activation: PhantomData<A>,
}

impl<const I: usize, const O: usize, A: Activation> BuildOnDevice<Cpu, f32> for Dense<I, O, A> {
    type Built = DenseLayer<I, O, A>;
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
                Self::tensor("weight", |s| &s.weight, |s| &mut s.weight, linear_init::<_, _, _, I>()),
                Self::tensor("bias", |s| &s.bias, |s| &mut s.bias, linear_init::<_, _, _, I>()),
            ),
            |(weight, bias)| DenseLayer {
                weight,
                bias,
                activation: PhantomData,
            },
        )
    }
}

impl<const I: usize, const O: usize, A, E: Dtype, D: Storage<E>> NonMutableModule
    for DenseLayer<I, O, A, E, D>
{
}

impl<B: Dim, const I: usize, const O: usize, A: Activation, T: Tape<f32, Cpu>>
    Module<Tensor<(B, Const<I>), f32, Cpu, T>> for DenseLayer<I, O, A>
{
    type Output = Tensor<(B, Const<O>), f32, Cpu, T>;
    type Error = CpuError;

    fn try_forward(&self, x: Tensor<(B, Const<I>), f32, Cpu, T>) -> Result<Self::Output, CpuError> {
        let pre_activation = x.try_matmul(self.weight.retaped::<T>().try_permute()?)?;
        Ok(bias_activation::<B, O, A, T>(pre_activation, &self.bias))
    }
}

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

/// `A(x + bias)` for every row of `x`, recorded on the tape as one operation.
fn bias_activation<B: Dim, const O: usize, A: Activation, T: Tape<f32, Cpu>>(
    x: Tensor<(B, Const<O>), f32, Cpu, T>,
    bias: &Tensor<Rank1<O>, f32, Cpu>,
) -> Tensor<(B, Const<O>), f32, Cpu, T> {
    let (x, mut tape) = x.split_tape();
    let mut values = vec![0.0; x.shape().num_elements()];
    x.copy_into(&mut values);
    let mut bias_values = [0.0; O];
    bias.copy_into(&mut bias_values);
    kernels::bias_activation::<A>(&mut values, &bias_values);
    // The backward pass of ReLU and sigmoid needs the output; keep a copy
    // only when there is a backward pass and it needs one.
    let saved = if T::OWNS_TAPE && A::NEEDS_OUTPUT { values.clone() } else { Vec::new() };
    let output = x.device().tensor_from_vec(values, *x.shape());
    if T::OWNS_TAPE {
        let (x_ghost, bias_ghost, output_ghost) = (x.ghost(), bias.ghost(), output.ghost());
        tape.add_backward_op(move |grads| {
            // Take the output's gradient out of `grads` (it is read only
            // here), so the other two gradients can be borrowed meanwhile.
            let grad_output = std::mem::take(&mut **grads.get_or_alloc_mut(&output_ghost)?);
            grads.try_alloc_for(&bias_ghost)?;
            let grad_x = grads.get_or_alloc_mut(&x_ghost)?;
            let mut grad_bias = [0.0; O];
            kernels::bias_activation_backward::<A>(&saved, &grad_output, grad_x, &mut grad_bias);
            let bias_total = grads.get_or_alloc_mut(&bias_ghost)?;
            bias_total.iter_mut().zip(grad_bias).for_each(|(g, d)| *g += d);
            **grads.get_or_alloc_mut(&output_ghost)? = grad_output;
            Ok(())
        });
    }
    output.put_tape(tape)
}
