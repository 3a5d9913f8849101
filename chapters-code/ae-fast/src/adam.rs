//! `fast::Adam`: dfdx's Adam, computed on every core with wide instructions.
//!
//! dfdx 0.13 updates each parameter tensor on one thread, with the
//! baseline (SSE2) instructions every x86-64 processor has. At small batches
//! that update is a large part of a training step while the other core
//! waits. This optimiser implements dfdx's public [`Optimizer`] trait and
//! does the same arithmetic, operation for operation, so every parameter
//! comes out the same to the last bit; it splits the work between threads,
//! lets the compiler use AVX2 or AVX-512 where the processor has them, and
//! flushes moments that fall below `f32`'s normal range to zero, which
//! Intel processors compute with slowly (see `kernels::adam_update`).
//!
//! dfdx's public API lends no parameter's storage out, so each update copies
//! the values and the gradient out of dfdx and the new values back in.

use super::buffers::Buffer;
use super::kernels;
use dfdx::nn::tensor_collection::{
    RecursiveWalker, TensorCollection, TensorOptions, TensorVisitor, ViewTensorMut,
};
use dfdx::optim::{Optimizer, OptimizerUpdateError};
use dfdx::prelude::*;
use std::marker::PhantomData;

/// Adam for a model `M` on the CPU in `f32`, with dfdx's [`AdamConfig`].
///
/// Every parameter must have a gradient at each update (as after
/// `model.alloc_grads()`, which every training loop of this book starts
/// from): `&Gradients` offers no public way to ask, so a missing one panics.
#[derive(Debug, Clone)]
pub struct Adam<M> {
    pub cfg: AdamConfig,
    /// Updates so far: dfdx's `t`, which the bias corrections use.
    t: i32,
    /// First and second moments of each parameter tensor, in the order the
    /// model lists its tensors.
    moments: Vec<[Vec<f32>; 2]>,
    model: PhantomData<fn(&M)>,
}

impl<M> Adam<M> {
    /// Adam with dfdx's settings `cfg`, before its first update.
    pub fn with_config(cfg: AdamConfig) -> Self {
        Adam {
            cfg,
            t: 0,
            moments: Vec::new(),
            model: PhantomData,
        }
    }
}

impl<M: TensorCollection<f32, Cpu>> Optimizer<M, Cpu, f32> for Adam<M> {
    fn update(
        &mut self,
        module: &mut M,
        gradients: &Gradients<f32, Cpu>,
    ) -> Result<(), OptimizerUpdateError<CpuError>> {
        super::threads::keep_workers_awake();
        self.t = self.t.checked_add(1).expect("fewer than 2^31 updates");
        let mut step = Step {
            adam: self,
            gradients,
            index: 0,
        };
        M::iter_tensors(&mut RecursiveWalker {
            m: module,
            f: &mut step,
        })
        .map_err(OptimizerUpdateError::DeviceError)?;
        Ok(())
    }
}

/// One update, visiting the model's tensors in order.
struct Step<'a, M> {
    adam: &'a mut Adam<M>,
    gradients: &'a Gradients<f32, Cpu>,
    /// Which tensor comes next.
    index: usize,
}

impl<M> TensorVisitor<f32, Cpu> for Step<'_, M> {
    type Viewer = ViewTensorMut;
    type Err = CpuError;
    type E2 = f32;
    type D2 = Cpu;

    fn visit<S: Shape>(
        &mut self,
        opts: TensorOptions<S, f32, Cpu>,
        param: &mut Tensor<S, f32, Cpu>,
    ) -> Result<Option<Tensor<S, f32, Cpu>>, CpuError> {
        if !opts.do_gradient_update {
            return Ok(None);
        }
        let n = param.shape().num_elements();
        let moments = &mut self.adam.moments;
        if moments.len() == self.index {
            moments.push([vec![0.0; n], vec![0.0; n]]);
        }
        let [m, v] = &mut moments[self.index];
        self.index += 1;
        let (mut values, mut grad) = (Buffer::new(n), Buffer::new(n));
        // The two copies out of dfdx (three passes over memory: `get` clones
        // the gradient first) are a third of a batch-32 update: one per core.
        // The calling thread takes the longer one, so that it does not wait
        // (and perhaps fall asleep) for the other.
        let gradients = self.gradients;
        let param_ref = &*param;
        kernels::copy_both(
            2 * n,
            || gradients.get(param_ref).copy_into(&mut grad),
            || param_ref.copy_into(&mut values),
        );
        // Checks, too, that the moments still fit the model's tensors.
        kernels::adam_update(&self.adam.cfg, self.adam.t, &mut values, &grad, m, v);
        param.copy_from(&values);
        Ok(None)
    }
}
