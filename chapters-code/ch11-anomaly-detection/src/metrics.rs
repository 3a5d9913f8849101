//! How good a score is at telling anomalies from normal images.
//!
//! The ROC curve and its area judge the score itself, whatever the
//! threshold; precision and recall judge one threshold, chosen from normal
//! images alone, as it would have to be in practice, where no anomalies are
//! at hand to tune on.

// ANCHOR: roc
/// The ROC curve of a score for which *higher* means *more anomalous*: the
/// points (false positive rate, true positive rate) as the threshold falls
/// from above every score to below every score, from (0, 0) to (1, 1).
///
/// Equal scores cannot be separated by any threshold, so they enter the
/// curve together: one step that may go up and right at once.
pub fn roc_curve(normal: &[f32], anomalous: &[f32]) -> Vec<(f64, f64)> {
    assert!(
        !normal.is_empty() && !anomalous.is_empty(),
        "a ROC curve needs normal and anomalous scores"
    );
    let mut scored: Vec<(f32, bool)> = normal
        .iter()
        .map(|&s| (s, false))
        .chain(anomalous.iter().map(|&s| (s, true)))
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let (negatives, positives) = (normal.len() as f64, anomalous.len() as f64);
    let (mut false_positives, mut true_positives) = (0usize, 0usize);
    let mut curve = vec![(0.0, 0.0)];
    for tied in scored.chunk_by(|a, b| a.0 == b.0) {
        let flagged_anomalies = tied.iter().filter(|(_, anomaly)| *anomaly).count();
        true_positives += flagged_anomalies;
        false_positives += tied.len() - flagged_anomalies;
        curve.push((
            false_positives as f64 / negatives,
            true_positives as f64 / positives,
        ));
    }
    curve
}

/// The area under the ROC curve, by the trapezoid rule: the probability
/// that a random anomaly scores higher than a random normal image, a tie
/// counting one half (the diagonal step of a tied group is worth exactly
/// that). 1 is a perfect detector, 0.5 a coin.
pub fn auc(normal: &[f32], anomalous: &[f32]) -> f64 {
    roc_curve(normal, anomalous)
        .windows(2)
        .map(|w| (w[1].0 - w[0].0) * (w[0].1 + w[1].1) / 2.0)
        .sum()
}
// ANCHOR_END: roc

// ANCHOR: threshold
/// How to turn the scores of normal validation images into a threshold.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ThresholdRule {
    /// `mean + k · std` of the normal scores (the TensorFlow tutorial's rule,
    /// there with k = 1).
    MeanPlusStd(f64),
    /// The `p`-th percentile of the normal scores: by design about
    /// `100 − p` % of normal images end up flagged.
    Percentile(f64),
}

impl ThresholdRule {
    /// The threshold this rule sets on `normal` validation scores.
    pub fn threshold(self, normal: &[f32]) -> f32 {
        assert!(!normal.is_empty(), "a threshold needs normal scores");
        let n = normal.len() as f64;
        match self {
            ThresholdRule::MeanPlusStd(k) => {
                let mean = normal.iter().map(|&s| f64::from(s)).sum::<f64>() / n;
                let variance = normal
                    .iter()
                    .map(|&s| (f64::from(s) - mean).powi(2))
                    .sum::<f64>()
                    / n;
                (mean + k * variance.sqrt()) as f32
            }
            ThresholdRule::Percentile(p) => {
                // NumPy's default: linear interpolation between closest ranks.
                let mut sorted = normal.to_vec();
                sorted.sort_by(f32::total_cmp);
                let rank = p / 100.0 * (n - 1.0);
                let (below, frac) = (rank.floor() as usize, rank.fract() as f32);
                let above = (below + 1).min(sorted.len() - 1);
                sorted[below] + frac * (sorted[above] - sorted[below])
            }
        }
    }

    /// `mean + 3 std` or `99th percentile`, for the results table.
    pub fn describe(self) -> String {
        match self {
            ThresholdRule::MeanPlusStd(k) => format!("mean + {k} std"),
            ThresholdRule::Percentile(p) => format!("{p}th percentile"),
        }
    }
}

/// The four counts of a threshold: an image is flagged when its score is
/// above the threshold, and anomalies are the positives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Confusion {
    pub true_positives: usize,
    pub false_positives: usize,
    pub true_negatives: usize,
    pub false_negatives: usize,
}

impl Confusion {
    /// Counts what `threshold` flags among `normal` and `anomalous` scores.
    pub fn at(threshold: f32, normal: &[f32], anomalous: &[f32]) -> Confusion {
        let flagged = |scores: &[f32]| scores.iter().filter(|&&s| s > threshold).count();
        let (false_positives, true_positives) = (flagged(normal), flagged(anomalous));
        Confusion {
            true_positives,
            false_positives,
            true_negatives: normal.len() - false_positives,
            false_negatives: anomalous.len() - true_positives,
        }
    }

    /// Of the flagged images, the share that are anomalies (1 when nothing
    /// is flagged: no false alarm was raised). It depends on how many
    /// anomalies there are per normal image.
    pub fn precision(&self) -> f64 {
        let flagged = self.true_positives + self.false_positives;
        if flagged == 0 {
            1.0
        } else {
            self.true_positives as f64 / flagged as f64
        }
    }

    /// Of the anomalies, the share that are flagged.
    pub fn recall(&self) -> f64 {
        self.true_positives as f64 / (self.true_positives + self.false_negatives).max(1) as f64
    }
}
// ANCHOR_END: threshold

#[cfg(test)]
mod tests {
    use super::*;

    /// The AUC by its definition: every (normal, anomaly) pair, ties as halves.
    fn pairwise_auc(normal: &[f32], anomalous: &[f32]) -> f64 {
        let mut wins = 0.0;
        for &n in normal {
            for &a in anomalous {
                wins += if a > n {
                    1.0
                } else if a == n {
                    0.5
                } else {
                    0.0
                };
            }
        }
        wins / (normal.len() * anomalous.len()) as f64
    }

    #[test]
    fn the_area_of_a_hand_worked_example() {
        // Pairs won by the anomaly: 0.9 beats all 4 normals, 0.6 and 0.5
        // beat 3 each, 0.2 beats 1: 11 of 16.
        let normal = [0.1, 0.4, 0.35, 0.8];
        let anomalous = [0.9, 0.6, 0.5, 0.2];
        assert!((auc(&normal, &anomalous) - 11.0 / 16.0).abs() < 1e-12);
        let curve = roc_curve(&normal, &anomalous);
        assert_eq!(curve.first(), Some(&(0.0, 0.0)));
        assert_eq!(curve.last(), Some(&(1.0, 1.0)));
        assert_eq!(curve[1], (0.0, 0.25)); // 0.9 alone is flagged
        assert_eq!(curve[2], (0.25, 0.25)); // then the normal 0.8
    }

    #[test]
    fn ties_count_one_half() {
        // Pairs: (1,2) 1, (1,3) 1, (2,2) ½, (2,3) 1: 3.5 of 4.
        assert!((auc(&[1.0, 2.0], &[2.0, 3.0]) - 0.875).abs() < 1e-12);
        // All equal: no threshold separates anything, a coin.
        assert_eq!(roc_curve(&[5.0; 3], &[5.0; 2]), [(0.0, 0.0), (1.0, 1.0)]);
        assert!((auc(&[5.0; 3], &[5.0; 2]) - 0.5).abs() < 1e-12);
    }

    #[test]
    fn the_area_agrees_with_counting_pairs_and_flips_with_the_score() {
        let normal: Vec<f32> = (0..40).map(|i| ((i * 7) % 13) as f32).collect();
        let anomalous: Vec<f32> = (0..25).map(|i| ((i * 5) % 17) as f32 + 2.0).collect();
        let area = auc(&normal, &anomalous);
        assert!((area - pairwise_auc(&normal, &anomalous)).abs() < 1e-12);
        let negated = |v: &[f32]| v.iter().map(|s| -s).collect::<Vec<_>>();
        let flipped = auc(&negated(&normal), &negated(&anomalous));
        assert!((area + flipped - 1.0).abs() < 1e-12);
        assert_eq!(auc(&[0.0, 1.0], &[2.0, 3.0]), 1.0);
    }

    #[test]
    fn thresholds_from_normal_scores() {
        let scores: Vec<f32> = (1..=101).map(|i| i as f32).collect();
        assert_eq!(ThresholdRule::Percentile(99.0).threshold(&scores), 100.0);
        assert_eq!(ThresholdRule::Percentile(50.0).threshold(&scores), 51.0);
        // Between ranks: 10 and 20, a quarter of the way.
        assert_eq!(
            ThresholdRule::Percentile(25.0).threshold(&[20.0, 10.0]),
            12.5
        );
        // Mean 2, population std 1 (values 1 and 3).
        assert_eq!(ThresholdRule::MeanPlusStd(3.0).threshold(&[1.0, 3.0]), 5.0);
    }

    #[test]
    fn confusion_counts_precision_and_recall() {
        let c = Confusion::at(2.5, &[1.0, 2.0, 3.0, 2.5], &[4.0, 2.0, 5.0]);
        assert_eq!(
            c,
            Confusion {
                true_positives: 2,
                false_positives: 1,
                true_negatives: 3,
                false_negatives: 1,
            }
        );
        assert!((c.precision() - 2.0 / 3.0).abs() < 1e-12);
        assert!((c.recall() - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(Confusion::at(9.0, &[1.0], &[2.0]).precision(), 1.0);
    }
}
