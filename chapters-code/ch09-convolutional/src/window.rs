//! Where a convolution's kernel lands on its input, and im2col: copying every
//! kernel-sized patch of an image into one column of a matrix, so that a whole
//! convolution becomes one matrix product.

// ANCHOR: window
/// The geometry of a convolution of one image: a `channels × height × width`
/// input, a `kernel × kernel` window moved `stride` pixels at a time, with
/// `pad_top`/`pad_left` rows and columns of zeros before the first pixel,
/// giving an `out_height × out_width` output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub channels: usize,
    pub height: usize,
    pub width: usize,
    pub kernel: usize,
    pub stride: usize,
    pub pad_top: usize,
    pub pad_left: usize,
    pub out_height: usize,
    pub out_width: usize,
}

impl Window {
    /// Keras' `padding="same"`: the output has `ceil(size / stride)` pixels,
    /// and the zeros needed for that are split between the two sides, the odd
    /// one going after the image (as TensorFlow does).
    pub const fn same(
        channels: usize,
        height: usize,
        width: usize,
        kernel: usize,
        stride: usize,
    ) -> Window {
        let out_height = height.div_ceil(stride);
        let out_width = width.div_ceil(stride);
        Window {
            channels,
            height,
            width,
            kernel,
            stride,
            pad_top: padding(height, out_height, kernel, stride) / 2,
            pad_left: padding(width, out_width, kernel, stride) / 2,
            out_height,
            out_width,
        }
    }

    /// Keras' `padding="valid"`: no zeros, the window stays inside the image.
    pub const fn valid(
        channels: usize,
        height: usize,
        width: usize,
        kernel: usize,
        stride: usize,
    ) -> Window {
        Window {
            channels,
            height,
            width,
            kernel,
            stride,
            pad_top: 0,
            pad_left: 0,
            out_height: (height - kernel) / stride + 1,
            out_width: (width - kernel) / stride + 1,
        }
    }

    /// Rows of the im2col matrix: one per weight of one output channel.
    pub fn patch_len(&self) -> usize {
        self.channels * self.kernel * self.kernel
    }

    /// Columns of the im2col matrix: one per output pixel.
    pub fn positions(&self) -> usize {
        self.out_height * self.out_width
    }

    /// Values in one input image.
    pub fn image_len(&self) -> usize {
        self.channels * self.height * self.width
    }

    /// The input row under kernel row `ky` when the window sits on output
    /// row `oy`, or `None` where the window hangs over the padding.
    fn source_row(&self, oy: usize, ky: usize) -> Option<usize> {
        (oy * self.stride + ky)
            .checked_sub(self.pad_top)
            .filter(|&y| y < self.height)
    }

    /// For kernel column `kx`: the output columns whose window puts it
    /// inside the image, and the input column under the first of them.
    fn inside_columns(&self, kx: usize) -> (std::ops::Range<usize>, usize) {
        let s = self.stride;
        // Input column of output column `ox`: ox·s + kx − pad_left.
        let first = self.pad_left.saturating_sub(kx).div_ceil(s);
        let end = (self.width + self.pad_left)
            .saturating_sub(kx)
            .div_ceil(s)
            .min(self.out_width);
        if first >= end {
            return (0..0, 0);
        }
        (first..end, first * s + kx - self.pad_left)
    }
}

/// Zeros a "same" convolution adds along one axis, on both sides together.
const fn padding(size: usize, out: usize, kernel: usize, stride: usize) -> usize {
    ((out - 1) * stride + kernel).saturating_sub(size)
}
// ANCHOR_END: window

// ANCHOR: im2col
/// Copies every patch the window covers in `image` (`channels × height ×
/// width`) into `columns`, a `patch_len × positions` matrix: row
/// `(c, ky, kx)`, column `(oy, ox)` holds input pixel
/// `(c, oy·stride + ky − pad_top, ox·stride + kx − pad_left)`, or 0 in the
/// padding. Along a row of the output the pixels are `stride` apart in the
/// input: with stride 1, a plain copy of a slice.
pub fn im2col(w: &Window, image: &[f32], columns: &mut [f32]) {
    let mut rows = columns.chunks_exact_mut(w.positions());
    for plane in image.chunks_exact(w.height * w.width) {
        for ky in 0..w.kernel {
            for kx in 0..w.kernel {
                let row = rows.next().expect("columns has patch_len rows");
                let (inside, x0) = w.inside_columns(kx);
                for (oy, out) in row.chunks_exact_mut(w.out_width).enumerate() {
                    let Some(y) = w.source_row(oy, ky) else {
                        out.fill(0.0);
                        continue;
                    };
                    out[..inside.start].fill(0.0);
                    out[inside.end..].fill(0.0);
                    let out = &mut out[inside.clone()];
                    let source = &plane[y * w.width + x0..];
                    if w.stride == 1 {
                        out.copy_from_slice(&source[..out.len()]);
                    } else {
                        let source = source.iter().step_by(w.stride);
                        out.iter_mut().zip(source).for_each(|(v, &p)| *v = p);
                    }
                }
            }
        }
    }
}

/// The reverse walk: adds every entry of `columns` back onto the input pixel
/// it was copied from. Pixels covered by several windows receive the sum,
/// which is exactly the gradient of [`im2col`].
pub fn col2im(w: &Window, columns: &[f32], image: &mut [f32]) {
    let mut rows = columns.chunks_exact(w.positions());
    for plane in image.chunks_exact_mut(w.height * w.width) {
        for ky in 0..w.kernel {
            for kx in 0..w.kernel {
                let row = rows.next().expect("columns has patch_len rows");
                let (inside, x0) = w.inside_columns(kx);
                for (oy, out) in row.chunks_exact(w.out_width).enumerate() {
                    let Some(y) = w.source_row(oy, ky) else {
                        continue;
                    };
                    let out = &out[inside.clone()];
                    let target = &mut plane[y * w.width + x0..];
                    if w.stride == 1 {
                        let target = &mut target[..out.len()];
                        target.iter_mut().zip(out).for_each(|(p, v)| *p += v);
                    } else {
                        let target = target.iter_mut().step_by(w.stride);
                        target.zip(out).for_each(|(p, v)| *p += v);
                    }
                }
            }
        }
    }
}
// ANCHOR_END: im2col

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_padding_splits_the_zeros_like_tensorflow() {
        let w = Window::same(1, 28, 28, 3, 1);
        assert_eq!((w.out_height, w.pad_top), (28, 1));
        // Stride 2 on an even size: one zero, after the image.
        let w = Window::same(1, 14, 14, 3, 2);
        assert_eq!((w.out_height, w.pad_top), (7, 0));
        let w = Window::valid(8, 16, 16, 3, 1);
        assert_eq!((w.out_height, w.out_width, w.pad_left), (14, 14, 0));
    }

    #[test]
    fn im2col_lays_patches_out_as_columns() {
        // A 1×3×3 image 1..9, 2×2 kernel, valid: four patches.
        let w = Window::valid(1, 3, 3, 2, 1);
        let image: Vec<f32> = (1..=9).map(|v| v as f32).collect();
        let mut columns = vec![0.0; w.patch_len() * w.positions()];
        im2col(&w, &image, &mut columns);
        #[rustfmt::skip]
        let expected = [
            1.0, 2.0, 4.0, 5.0, // kernel (0, 0) at the four positions
            2.0, 3.0, 5.0, 6.0, // kernel (0, 1)
            4.0, 5.0, 7.0, 8.0, // kernel (1, 0)
            5.0, 6.0, 8.0, 9.0, // kernel (1, 1)
        ];
        assert_eq!(columns, expected);
        // Back again: each pixel counted once per patch covering it.
        let mut counts = vec![0.0; 9];
        col2im(&w, &[1.0; 16], &mut counts);
        assert_eq!(counts, [1.0, 2.0, 1.0, 2.0, 4.0, 2.0, 1.0, 2.0, 1.0]);
    }
}
