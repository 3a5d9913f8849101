//! The layers of a convolutional autoencoder, each a dfdx module that records
//! itself on the tape as one operation (forward and backward written here,
//! since dfdx 0.13's own convolutions need a nightly compiler).
//!
//! * [`conv`]: 2-D convolution, with "same" or "valid" padding and a stride.
//! * [`transpose`]: transposed convolution, a learned up-sampling.
//! * [`resample`]: 2×2 max pooling and nearest-neighbour up-sampling.
//! * [`reshape`]: from rows of pixels to feature maps and back.

pub mod conv;
pub mod resample;
pub mod reshape;
pub mod transpose;

pub use conv::{Conv2D, Conv2DLayer, Same, Strided, Valid};
pub use resample::{MaxPool2D, UpSample2D};
pub use reshape::{Flatten, ToImages};
pub use transpose::{ConvTranspose2D, ConvTranspose2DLayer};

use dfdx::prelude::*;

// ANCHOR: feature_maps
/// A batch of images with `C` channels of `H × W` pixels each, laid out like
/// dfdx's (and PyTorch's) convolutions: image, channel, row, column. The
/// number of images is known at run time, everything else at compile time.
pub type FeatureMaps<const C: usize, const H: usize, const W: usize, T = NoneTape> =
    Tensor<(usize, Const<C>, Const<H>, Const<W>), f32, Cpu, T>;
// ANCHOR_END: feature_maps

// The helpers the layers share, public so that the book's copies of the
// layers can use them.

/// Records `backward` on `tape` as the operation that produced `output`:
/// dfdx will call it with the gradient of the loss with respect to `output`,
/// and it adds the gradients of the operation's inputs into `grads`.
pub fn record<S: Shape, T: Tape<f32, Cpu>>(
    tape: &mut T,
    output: &Tensor<S, f32, Cpu>,
    backward: impl FnOnce(&[f32], &mut Gradients<f32, Cpu>) -> Result<(), CpuError> + 'static,
) {
    let output_id = output.ghost();
    tape.add_backward_op(move |grads| {
        // Taken out of `grads` while the inputs' gradients are borrowed, and
        // put back afterwards.
        let grad_output = std::mem::take(&mut **grads.get_or_alloc_mut(&output_id)?);
        backward(&grad_output, grads)?;
        **grads.get_or_alloc_mut(&output_id)? = grad_output;
        Ok(())
    });
}

/// How many images each thread takes: the batch split into one contiguous
/// group per thread of rayon's pool.
pub fn images_per_thread(batch: usize) -> usize {
    batch.div_ceil(rayon::current_num_threads()).max(1)
}

/// Keras' default initialisation of a convolution's kernel, glorot-uniform:
/// uniform in ±√(6 / (fan_in + fan_out)), where a 3×3 kernel from 8 to 16
/// channels has fan_in 8·9 and fan_out 16·9. (The biases start at zero.)
pub fn glorot_bound(inputs: usize, outputs: usize, kernel: usize) -> f64 {
    (6.0 / ((inputs + outputs) * kernel * kernel) as f64).sqrt()
}

/// Adds each channel's bias to its `plane`-sized slice of `maps` (channel
/// after channel, image after image).
pub fn add_bias(maps: &mut [f32], bias: &[f32], plane: usize) {
    for (channel, b) in maps.chunks_exact_mut(plane).zip(bias.iter().cycle()) {
        channel.iter_mut().for_each(|v| *v += b);
    }
}

/// The bias gradient: the sum of each channel's `delta` over its pixels and
/// over the images.
pub fn add_bias_gradient(grad_bias: &mut [f32], delta: &[f32], plane: usize) {
    let channels = grad_bias.len();
    for (i, channel) in delta.chunks_exact(plane).enumerate() {
        grad_bias[i % channels] += channel.iter().sum::<f32>();
    }
}

/// Adds the threads' partial sums into `total`.
pub fn add_parts(total: &mut [f32], parts: Vec<Vec<f32>>) {
    for part in parts {
        total.iter_mut().zip(part).for_each(|(t, p)| *t += p);
    }
}
