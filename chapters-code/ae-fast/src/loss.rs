//! Fused losses: one pass computes the loss *and* its gradient.
//!
//! dfdx builds `binary_cross_entropy_with_logits_loss` out of several
//! element-wise operations, each with its own pass over the batch and its own
//! backward step. Here the forward pass also writes the gradient with respect
//! to the logits into a buffer, and the backward step only scales that
//! buffer by the incoming gradient (1 when the loss is the end of the graph).

use super::buffers::Buffer;
use super::kernels;
use dfdx::prelude::*;

/// Mean binary cross-entropy between `logits` (before any sigmoid) and
/// `targets` in [0, 1]: the same value and gradient as dfdx's
/// [`binary_cross_entropy_with_logits_loss`], in one pass.
///
/// Both tensors must be laid out row-major, as the outputs of dfdx's
/// operations and of [`super::Dense`] are (not a permuted or broadcast view).
pub fn bce_with_logits_loss<S: Shape, T: Tape<f32, Cpu>>(
    logits: Tensor<S, f32, Cpu, T>,
    targets: Tensor<S, f32, Cpu>,
) -> Tensor<Rank0, f32, Cpu, T> {
    fused_mean_loss(logits, targets, kernels::bce_with_logits_sum)
}

/// Mean squared error between `predictions` and `targets`: dfdx's
/// [`mse_loss`] in one pass. Same layout requirement as [`bce_with_logits_loss`].
pub fn mse_loss<S: Shape, T: Tape<f32, Cpu>>(
    predictions: Tensor<S, f32, Cpu, T>,
    targets: Tensor<S, f32, Cpu>,
) -> Tensor<Rank0, f32, Cpu, T> {
    fused_mean_loss(predictions, targets, kernels::squared_error_sum)
}

// ANCHOR: fused_mean_loss
/// The tape plumbing both losses share. `kernel` returns the sum of the
/// per-value losses and, when asked, writes their gradients scaled by `1/n`.
fn fused_mean_loss<S: Shape, T: Tape<f32, Cpu>>(
    input: Tensor<S, f32, Cpu, T>,
    targets: Tensor<S, f32, Cpu>,
    kernel: kernels::LossKernel,
) -> Tensor<Rank0, f32, Cpu, T> {
    let (input, mut tape) = input.split_tape();
    let n = input.shape().num_elements();
    let (mut values, mut target_values) = (Buffer::new(n), Buffer::new(n));
    kernels::copy_both(
        2 * n,
        || input.copy_into(&mut values),
        || targets.copy_into(&mut target_values),
    );
    let scale = 1.0 / n as f32;
    let dev = input.device().clone();
    if !T::OWNS_TAPE {
        let sum = kernel(&values, &target_values, None, scale);
        return dev.tensor((sum / n as f64) as f32).put_tape(tape);
    }
    let mut gradient = Buffer::new(n);
    let sum = kernel(&values, &target_values, Some(&mut gradient), scale);
    let loss = dev.tensor((sum / n as f64) as f32);
    let input_ghost = input.ghost();
    let loss_ghost = loss.ghost();
    tape.add_backward_op(move |grads| {
        let upstream = grads.get_or_alloc_mut(&loss_ghost)?[0];
        let grad_input = grads.get_or_alloc_mut(&input_ghost)?;
        kernels::add_scaled(grad_input, &gradient, upstream);
        Ok(())
    });
    loss.put_tape(tape)
}
// ANCHOR_END: fused_mean_loss
