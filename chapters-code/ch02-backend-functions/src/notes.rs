//! A generated stand-in for the banknote authentication data: four numbers
//! per note, two classes (genuine and forged).
//!
//! The real data set (1,372 notes, four statistics of a wavelet-transformed
//! photo of each) is not bundled with this book, and the chapter must run
//! with no download. What the exercise needs is only its character: four
//! correlated features on different scales, and two classes that overlap a
//! little. Each class here is a Gaussian cloud with its own centre and a
//! shared correlated spread.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::StandardNormal;

/// Numbers per note.
pub const FEATURES: usize = 4;
/// Label 0 and label 1, in that order.
pub const CLASS_NAMES: [&str; 2] = ["genuine", "forged"];
/// As many notes as the real data set has.
pub const NOTES: usize = 1_372;
/// Notes held out for testing; the other 1,000 are for training.
pub const TEST_NOTES: usize = 372;

/// Notes as a row-major table (`FEATURES` numbers per row) and their labels.
#[derive(Clone, Debug, PartialEq)]
pub struct Notes {
    pub features: Vec<f32>,
    /// 0 for genuine, 1 for forged.
    pub labels: Vec<u8>,
}

// ANCHOR: generate
/// Centre of each class, in the raw units of the four features.
const CENTRES: [[f32; FEATURES]; 2] = [[2.4, 2.8, -1.4, -1.0], [-4.6, -0.85, 5.2, -1.15]];
/// Maps four independent standard normal numbers to correlated features on
/// different scales (a lower-triangular matrix, so each feature mixes in the
/// ones before it).
const MIXING: [[f32; FEATURES]; FEATURES] = [
    [2.0, 0.0, 0.0, 0.0],
    [1.5, 4.0, 0.0, 0.0],
    [-0.8, -2.4, 2.2, 0.0],
    [0.3, 0.9, -0.6, 1.6],
];
/// Share of forged notes, as in the real data (610 of 1,372).
const FORGED_SHARE: f64 = 610.0 / 1_372.0;

/// `n` notes drawn at random, reproducibly from `seed`.
pub fn generate(n: usize, seed: u64) -> Notes {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut features = Vec::with_capacity(n * FEATURES);
    let mut labels = Vec::with_capacity(n);
    for _ in 0..n {
        let label = u8::from(rng.gen_bool(FORGED_SHARE));
        let z: [f32; FEATURES] = std::array::from_fn(|_| rng.sample(StandardNormal));
        for (centre, mix) in CENTRES[usize::from(label)].iter().zip(MIXING) {
            let spread: f32 = mix.iter().zip(z).map(|(m, z)| m * z).sum();
            features.push(centre + spread);
        }
        labels.push(label);
    }
    Notes { features, labels }
}
// ANCHOR_END: generate

impl Notes {
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The labels as `f32`s, one per row: the targets of the classifier.
    pub fn targets(&self) -> Vec<f32> {
        self.labels.iter().map(|&l| f32::from(l)).collect()
    }

    /// The first `n` notes and the rest.
    pub fn split_at(&self, n: usize) -> (Notes, Notes) {
        let (fa, fb) = self.features.split_at(n * FEATURES);
        let (la, lb) = self.labels.split_at(n);
        (
            Notes {
                features: fa.to_vec(),
                labels: la.to_vec(),
            },
            Notes {
                features: fb.to_vec(),
                labels: lb.to_vec(),
            },
        )
    }
}

// ANCHOR: standardize
/// Mean and standard deviation of each feature over the rows of `train`.
pub fn feature_scaling(train: &Notes) -> [(f32, f32); FEATURES] {
    let n = train.len().max(1) as f64;
    std::array::from_fn(|j| {
        let column = || {
            train
                .features
                .iter()
                .skip(j)
                .step_by(FEATURES)
                .map(|&v| f64::from(v))
        };
        let mean = column().sum::<f64>() / n;
        let var = column().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
        (mean as f32, var.sqrt().max(1e-12) as f32)
    })
}

/// Shifts and scales every feature with statistics of the *training* set,
/// so that features on different scales start on an equal footing (the job
/// of scikit-learn's `StandardScaler` in a Python notebook).
pub fn standardize(notes: &mut Notes, scaling: &[(f32, f32); FEATURES]) {
    for row in notes.features.chunks_exact_mut(FEATURES) {
        for (v, (mean, std)) in row.iter_mut().zip(scaling) {
            *v = (*v - mean) / std;
        }
    }
}
// ANCHOR_END: standardize

/// Solves `MIXING · u = v` for `u` (forward substitution: the matrix is
/// lower-triangular).
fn unmix(v: [f32; FEATURES]) -> [f32; FEATURES] {
    let mut u = [0.0f32; FEATURES];
    for i in 0..FEATURES {
        let known: f32 = (0..i).map(|j| MIXING[i][j] * u[j]).sum();
        u[i] = (v[i] - known) / MIXING[i][i];
    }
    u
}

/// The label the best possible rule gives a raw (not standardized) note: the
/// rule that knows both class centres, the shared spread and the share of
/// forgeries. No classifier can do better on average, so its accuracy tells
/// how much the two classes overlap.
pub fn ideal_label(note: &[f32]) -> u8 {
    let centre = |j: usize| (CENTRES[0][j] + CENTRES[1][j]) / 2.0;
    let from_middle = unmix(std::array::from_fn(|j| note[j] - centre(j)));
    let direction = unmix(std::array::from_fn(|j| CENTRES[1][j] - CENTRES[0][j]));
    let score: f32 = from_middle.iter().zip(direction).map(|(a, b)| a * b).sum();
    let threshold = ((1.0 - FORGED_SHARE) / FORGED_SHARE).ln() as f32;
    u8::from(score > threshold)
}

/// Share of the raw `notes` that [`ideal_label`] labels correctly.
pub fn ideal_accuracy(notes: &Notes) -> f32 {
    let right = notes
        .features
        .chunks_exact(FEATURES)
        .zip(&notes.labels)
        .filter(|&(note, &label)| ideal_label(note) == label)
        .count();
    right as f32 / notes.len().max(1) as f32
}

/// The chapter's data: [`NOTES`] generated notes split into 1,000 for
/// training and [`TEST_NOTES`] for testing, both standardized with the
/// training set's statistics.
pub fn train_and_test(seed: u64) -> (Notes, Notes) {
    let all = generate(NOTES, seed);
    let (mut train, mut test) = all.split_at(NOTES - TEST_NOTES);
    let scaling = feature_scaling(&train);
    standardize(&mut train, &scaling);
    standardize(&mut test, &scaling);
    (train, test)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generation_is_repeatable_and_both_classes_occur() {
        let a = generate(500, 3);
        assert_eq!(a, generate(500, 3));
        assert_ne!(a, generate(500, 4));
        assert_eq!(a.features.len(), 500 * FEATURES);
        let forged = a.labels.iter().filter(|&&l| l == 1).count();
        assert!((150..300).contains(&forged), "{forged} forged of 500");
    }

    #[test]
    fn the_ideal_rule_errs_only_where_the_classes_overlap() {
        // With these centres and spread, theory says about 98.4% at best.
        let accuracy = ideal_accuracy(&generate(100_000, 9));
        assert!((0.980..0.988).contains(&accuracy), "{accuracy}");
    }

    #[test]
    fn standardized_training_features_have_zero_mean_and_unit_spread() {
        let (train, test) = train_and_test(1);
        assert_eq!((train.len(), test.len()), (1_000, 372));
        for (mean, std) in feature_scaling(&train) {
            assert!(mean.abs() < 1e-4, "{mean}");
            assert!((std - 1.0).abs() < 1e-4, "{std}");
        }
    }
}
