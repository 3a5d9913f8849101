//! Changing the size of feature maps without weights: 2×2 max pooling on the
//! way down, nearest-neighbour up-sampling on the way up.

use super::{FeatureMaps, record};
use dfdx::nn::modules::ZeroSizedModule;
use dfdx::prelude::*;
use rayon::prelude::*;

// ANCHOR: resample_types
/// Keras' `MaxPooling2D((2, 2), padding="same")`: the largest of every 2×2
/// block, down to `H × W` = half the input, rounded up (an odd last row or
/// column is a block of its own: 7 rows pool to 4).
#[derive(Clone, Copy, Debug, Default)]
pub struct MaxPool2D<const H: usize, const W: usize>;

/// Keras' `UpSampling2D((2, 2))`: every pixel repeated in a 2×2 block, up to
/// `H × W` = twice the input.
#[derive(Clone, Copy, Debug, Default)]
pub struct UpSample2D<const H: usize, const W: usize>;
// ANCHOR_END: resample_types

// No parameters: each is its own built module, and dfdx's visitors skip it.
impl<const H: usize, const W: usize> ZeroSizedModule for MaxPool2D<H, W> {}
impl<const H: usize, const W: usize> NonMutableModule for MaxPool2D<H, W> {}
impl<const H: usize, const W: usize> ZeroSizedModule for UpSample2D<H, W> {}
impl<const H: usize, const W: usize> NonMutableModule for UpSample2D<H, W> {}

// ANCHOR: max_pool
impl<const C: usize, const H: usize, const W: usize, const HO: usize, const WO: usize, T>
    Module<FeatureMaps<C, H, W, T>> for MaxPool2D<HO, WO>
where
    T: Tape<f32, Cpu>,
{
    type Output = FeatureMaps<C, HO, WO, T>;
    type Error = CpuError;

    fn try_forward(&self, x: FeatureMaps<C, H, W, T>) -> Result<Self::Output, CpuError> {
        const {
            assert!(
                HO == H.div_ceil(2) && WO == W.div_ceil(2),
                "2×2 pooling halves each side, rounding up"
            )
        };
        let (x, mut tape) = x.split_tape();
        let batch = x.shape().0;
        let input = x.as_vec();
        // Each output pixel remembers where its maximum came from: the
        // gradient flows back to that input pixel alone.
        let mut winners = vec![0usize; batch * C * HO * WO];
        let mut output = vec![0.0; batch * C * HO * WO];
        output
            .par_chunks_mut(HO * WO)
            .zip(winners.par_chunks_mut(HO * WO))
            .enumerate()
            .for_each(|(plane, (out, winners))| {
                let offset = plane * H * W;
                for (i, (out, winner)) in out.iter_mut().zip(winners).enumerate() {
                    let (oy, ox) = (i / WO, i % WO);
                    let rows = 2 * oy..(2 * oy + 2).min(H);
                    let block =
                        rows.flat_map(|y| (2 * ox..(2 * ox + 2).min(W)).map(move |x| y * W + x));
                    *winner = block
                        .map(|p| offset + p)
                        .reduce(|best, p| if input[p] > input[best] { p } else { best })
                        .expect("every block holds at least one pixel");
                    *out = input[*winner];
                }
            });
        let y = x
            .device()
            .tensor_from_vec(output, (batch, Const::<C>, Const::<HO>, Const::<WO>));
        if T::OWNS_TAPE {
            let x_id = x.ghost();
            record(&mut tape, &y, move |grad_y, grads| {
                let grad_x = grads.get_or_alloc_mut(&x_id)?;
                for (&g, &winner) in grad_y.iter().zip(&winners) {
                    grad_x[winner] += g;
                }
                Ok(())
            });
        }
        Ok(y.put_tape(tape))
    }
}
// ANCHOR_END: max_pool

// ANCHOR: up_sample
impl<const C: usize, const H: usize, const W: usize, const HO: usize, const WO: usize, T>
    Module<FeatureMaps<C, H, W, T>> for UpSample2D<HO, WO>
where
    T: Tape<f32, Cpu>,
{
    type Output = FeatureMaps<C, HO, WO, T>;
    type Error = CpuError;

    fn try_forward(&self, x: FeatureMaps<C, H, W, T>) -> Result<Self::Output, CpuError> {
        const { assert!(HO == 2 * H && WO == 2 * W, "up-sampling doubles each side") };
        let (x, mut tape) = x.split_tape();
        let batch = x.shape().0;
        let input = x.as_vec();
        let mut output = vec![0.0; batch * C * HO * WO];
        output
            .par_chunks_mut(HO * WO)
            .zip(input.par_chunks(H * W))
            .for_each(|(out, plane)| {
                for (i, out) in out.iter_mut().enumerate() {
                    *out = plane[(i / WO / 2) * W + (i % WO) / 2];
                }
            });
        let y = x
            .device()
            .tensor_from_vec(output, (batch, Const::<C>, Const::<HO>, Const::<WO>));
        if T::OWNS_TAPE {
            let x_id = x.ghost();
            record(&mut tape, &y, move |grad_y, grads| {
                // Each input pixel was copied four times: its gradient is the
                // sum of the four copies' gradients.
                let grad_x = grads.get_or_alloc_mut(&x_id)?;
                grad_x
                    .par_chunks_mut(H * W)
                    .zip(grad_y.par_chunks(HO * WO))
                    .for_each(|(grad_plane, grad_out)| {
                        for (i, g) in grad_out.iter().enumerate() {
                            grad_plane[(i / WO / 2) * W + (i % WO) / 2] += g;
                        }
                    });
                Ok(())
            });
        }
        Ok(y.put_tape(tape))
    }
}
// ANCHOR_END: up_sample
