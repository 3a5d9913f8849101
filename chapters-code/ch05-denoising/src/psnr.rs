//! Peak signal-to-noise ratio: how far an image is from a reference, in
//! decibels, on a scale where higher is better.
//!
//! For pixels in `[0, 1]` the peak value is 1, so
//! `PSNR = 10 · log10(1 / MSE)`: a mean squared error of 0.01 is 20 dB, 0.001
//! is 30 dB. Every 10 dB is a ten-fold smaller error.

/// The largest pixel value: images here live in `[0, 1]`.
pub const PEAK: f32 = 1.0;

/// What two identical images score. The formula gives infinity; a finite cap
/// keeps averages over many images meaningful. It is the PSNR of an MSE of
/// `1e-10`, far below anything a model here reaches.
pub const MAX_PSNR_DB: f32 = 100.0;

/// Mean squared difference of two equally long images.
pub fn mse(image: &[f32], reference: &[f32]) -> f32 {
    assert_eq!(
        image.len(),
        reference.len(),
        "image and reference differ in length"
    );
    assert!(!image.is_empty(), "empty image");
    let sum: f64 = image
        .iter()
        .zip(reference)
        .map(|(&a, &b)| (f64::from(a) - f64::from(b)).powi(2))
        .sum();
    (sum / image.len() as f64) as f32
}

// ANCHOR: psnr
/// PSNR of `image` against `reference`, in dB, capped at [`MAX_PSNR_DB`].
pub fn psnr(image: &[f32], reference: &[f32]) -> f32 {
    let floor = 10f32.powf(-MAX_PSNR_DB / 10.0);
    let mse = mse(image, reference).max(floor);
    10.0 * (PEAK * PEAK / mse).log10()
}

/// The PSNR of each image against its reference, averaged over the images.
/// `images` and `references` hold images of `image_len` values back to back.
pub fn mean_psnr(images: &[f32], references: &[f32], image_len: usize) -> f32 {
    assert_eq!(
        images.len(),
        references.len(),
        "different numbers of pixels"
    );
    assert!(
        image_len > 0 && images.len().is_multiple_of(image_len),
        "partial image"
    );
    let count = images.len() / image_len;
    assert!(count > 0, "no images");
    let total: f64 = images
        .chunks(image_len)
        .zip(references.chunks(image_len))
        .map(|(image, reference)| f64::from(psnr(image, reference)))
        .sum();
    (total / count as f64) as f32
}
// ANCHOR_END: psnr

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_errors_give_known_decibels() {
        // Every pixel off by 0.1: MSE 0.01, so 20 dB.
        let reference = [0.2f32; 16];
        let off = [0.3f32; 16];
        assert!((mse(&off, &reference) - 0.01).abs() < 1e-7);
        assert!((psnr(&off, &reference) - 20.0).abs() < 1e-4);
        // Every pixel off by 0.01: 40 dB.
        let close = [0.21f32; 16];
        assert!((psnr(&close, &reference) - 40.0).abs() < 1e-3);
        // Black against white is the worst case: MSE 1, 0 dB.
        assert_eq!(psnr(&[0.0; 4], &[1.0; 4]), 0.0);
    }

    #[test]
    fn identical_images_hit_the_cap() {
        let image = [0.5f32; 8];
        assert!((psnr(&image, &image) - MAX_PSNR_DB).abs() < 1e-3);
    }

    #[test]
    fn the_mean_is_taken_per_image() {
        // One image at 20 dB and one at 40 dB average to 30 dB, although the
        // pooled MSE (0.00505) alone would say 22.97 dB.
        let references = [0.2f32; 8];
        let images = [0.3, 0.3, 0.3, 0.3, 0.21, 0.21, 0.21, 0.21];
        assert!((mean_psnr(&images, &references, 4) - 30.0).abs() < 1e-3);
    }

    #[test]
    #[should_panic(expected = "partial image")]
    fn a_partial_image_is_refused() {
        mean_psnr(&[0.0; 6], &[0.0; 6], 4);
    }
}
