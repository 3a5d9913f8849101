//! Anomalies made from normal images. Real anomalies are rare by definition,
//! so a test needs some that we can make on demand: each corruption keeps the
//! image's pixels (its ink, its size) and breaks what a digit looks like.

use ae_support::data::{IMAGE_PIXELS, IMAGE_SIDE};
use ch05_denoising::{NoiseFactor, add_noise};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// The ways [`corrupt`] damages an image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Corruption {
    /// Chapter 5's clipped Gaussian noise, at its noise factor of 0.5.
    Noise,
    /// `1 − x`: white background, black strokes.
    Inversion,
    /// A quarter turn counter-clockwise.
    Rotation,
}

impl Corruption {
    /// All three, in the order the results list them.
    pub const ALL: [Corruption; 3] = [
        Corruption::Noise,
        Corruption::Inversion,
        Corruption::Rotation,
    ];

    /// `noise`, `inverted` or `rotated`: the `kind` column of the scores file.
    pub fn name(self) -> &'static str {
        match self {
            Corruption::Noise => "noise",
            Corruption::Inversion => "inverted",
            Corruption::Rotation => "rotated",
        }
    }
}

// ANCHOR: corrupt
/// The images of `pixels` (784 values each), corrupted; the noise is drawn
/// from `seed`.
pub fn corrupt(pixels: &[f32], corruption: Corruption, seed: u64) -> Vec<f32> {
    match corruption {
        Corruption::Noise => add_noise(
            pixels,
            NoiseFactor::KERAS_BLOG,
            &mut StdRng::seed_from_u64(seed),
        ),
        Corruption::Inversion => pixels.iter().map(|&x| 1.0 - x).collect(),
        Corruption::Rotation => pixels
            .chunks_exact(IMAGE_PIXELS)
            .flat_map(rotate_quarter)
            .collect(),
    }
}

/// One 28 × 28 image turned a quarter counter-clockwise: the pixel at row
/// `r`, column `c` of the result comes from row `c`, column `27 − r`.
pub fn rotate_quarter(image: &[f32]) -> Vec<f32> {
    let n = IMAGE_SIDE;
    (0..n)
        .flat_map(|r| (0..n).map(move |c| image[c * n + (n - 1 - r)]))
        .collect()
}
// ANCHOR_END: corrupt

#[cfg(test)]
mod tests {
    use super::*;

    fn ramp() -> Vec<f32> {
        (0..IMAGE_PIXELS).map(|i| i as f32 / 784.0).collect()
    }

    #[test]
    fn a_quarter_turn_moves_the_top_right_corner_to_the_top_left() {
        let mut image = vec![0.0; IMAGE_PIXELS];
        image[27] = 1.0; // row 0, column 27
        let turned = rotate_quarter(&image);
        assert_eq!(turned[0], 1.0);
        assert_eq!(turned.iter().sum::<f32>(), 1.0);
        // The bottom right corner goes to the top right.
        let mut image = vec![0.0; IMAGE_PIXELS];
        image[IMAGE_PIXELS - 1] = 1.0;
        assert_eq!(rotate_quarter(&image)[27], 1.0);
    }

    #[test]
    fn four_quarter_turns_and_two_inversions_change_nothing() {
        let image = ramp();
        let mut turned = image.clone();
        for _ in 0..4 {
            turned = corrupt(&turned, Corruption::Rotation, 0);
        }
        assert_eq!(turned, image);
        let twice = corrupt(
            &corrupt(&image, Corruption::Inversion, 0),
            Corruption::Inversion,
            0,
        );
        assert!(twice.iter().zip(&image).all(|(a, b)| (a - b).abs() < 1e-6));
    }

    #[test]
    fn noise_repeats_for_a_seed_and_stays_in_range() {
        let image = ramp();
        let a = corrupt(&image, Corruption::Noise, 3);
        assert_eq!(a, corrupt(&image, Corruption::Noise, 3));
        assert_ne!(a, image);
        assert!(a.iter().all(|v| (0.0..=1.0).contains(v)));
    }
}
