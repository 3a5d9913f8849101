//! Between rows of pixels, as the data and the earlier chapters' code hold
//! images, and feature maps, as convolutions see them: Keras'
//! `Reshape((28, 28, 1))` and `Flatten()`. Both only relabel the same numbers,
//! image after image, so dfdx's own reshape does the work (and its backward).

use super::FeatureMaps;
use dfdx::nn::modules::ZeroSizedModule;
use dfdx::prelude::*;

// ANCHOR: reshape
/// Rows of `C·H·W` values become `C` channels of `H × W` pixels.
#[derive(Clone, Copy, Debug, Default)]
pub struct ToImages<const C: usize, const H: usize, const W: usize>;

/// Feature maps become rows of `N` values.
#[derive(Clone, Copy, Debug, Default)]
pub struct Flatten<const N: usize>;

impl<const C: usize, const H: usize, const W: usize, const N: usize, T: Tape<f32, Cpu>>
    Module<Tensor<(usize, Const<N>), f32, Cpu, T>> for ToImages<C, H, W>
{
    type Output = FeatureMaps<C, H, W, T>;
    type Error = CpuError;

    fn try_forward(
        &self,
        rows: Tensor<(usize, Const<N>), f32, Cpu, T>,
    ) -> Result<Self::Output, CpuError> {
        const { assert!(N == C * H * W, "a row holds one whole image") };
        let batch = rows.shape().0;
        rows.try_reshape_like(&(batch, Const, Const, Const))
    }
}

impl<const C: usize, const H: usize, const W: usize, const N: usize, T: Tape<f32, Cpu>>
    Module<FeatureMaps<C, H, W, T>> for Flatten<N>
{
    type Output = Tensor<(usize, Const<N>), f32, Cpu, T>;
    type Error = CpuError;

    fn try_forward(&self, maps: FeatureMaps<C, H, W, T>) -> Result<Self::Output, CpuError> {
        const { assert!(N == C * H * W, "a row holds one whole image") };
        let batch = maps.shape().0;
        maps.try_reshape_like(&(batch, Const))
    }
}
// ANCHOR_END: reshape

impl<const C: usize, const H: usize, const W: usize> ZeroSizedModule for ToImages<C, H, W> {}
impl<const C: usize, const H: usize, const W: usize> NonMutableModule for ToImages<C, H, W> {}
impl<const N: usize> ZeroSizedModule for Flatten<N> {}
impl<const N: usize> NonMutableModule for Flatten<N> {}
