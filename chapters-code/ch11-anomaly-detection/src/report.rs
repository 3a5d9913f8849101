//! What a run reports: each detector fitted and judged, and the tables of
//! the results file.

use crate::detectors::Detector;
use crate::experiment::{Experiment, Outcome, Scores};
use crate::metrics::ThresholdRule;
use ae_support::data::{IMAGE_PIXELS, Images};
use std::fmt::Write as _;
use std::time::Instant;

/// A detector's scores and what they achieve.
pub struct Judged {
    pub scores: Scores,
    pub outcomes: Vec<Outcome>,
    pub seconds: f64,
    pub score_name: &'static str,
    pub validation_loss: Option<f32>,
}

/// Fits one detector on training and validation pixels.
pub type Fitter<'a> = &'a dyn Fn(&[f32], &[f32]) -> Result<Detector, Box<dyn std::error::Error>>;

/// The first three quarters of `train` to fit on, the last quarter to set
/// the thresholds on: `test[:6000]` and `test[6000:8000]` of the fallback.
pub fn split_off_validation(train: &Images) -> (Images, Images) {
    let cut = train.len() * 3 / 4;
    let part = |range: std::ops::Range<usize>, text: String| Images {
        pixels: train.pixels_of(&range.clone().collect::<Vec<_>>()),
        labels: train.labels[range].to_vec(),
        description: format!("{}{text}", train.description),
    };
    (
        part(0..cut, format!("[:{cut}]")),
        part(cut..train.len(), format!("[{cut}:]")),
    )
}

/// Fits each detector on `fit` (normal images) and judges it on `experiment`.
pub fn judge_all(
    experiment: &Experiment,
    fitters: &[(&str, Fitter)],
    fit: &[f32],
    rules: &[ThresholdRule],
) -> Result<Vec<Judged>, Box<dyn std::error::Error>> {
    fitters
        .iter()
        .map(|(name, fitter)| {
            println!(
                "fitting {name} on {} normal images",
                fit.len() / IMAGE_PIXELS
            );
            let started = Instant::now();
            let detector = fitter(fit, &experiment.validation.pixels)?;
            let seconds = started.elapsed().as_secs_f64();
            let scores = experiment.score(&detector);
            let outcomes = experiment.outcomes(&scores, rules);
            Ok(Judged {
                scores,
                outcomes,
                seconds,
                score_name: detector.score_name,
                validation_loss: detector
                    .history
                    .as_ref()
                    .and_then(|h| h.validation_loss.last().copied()),
            })
        })
        .collect()
}

/// The tables of one experiment.
pub fn tables(text: &mut String, title: &str, experiment: &Experiment, judged: &[Judged]) {
    let _ = writeln!(text, "\n== {title}");
    let _ = writeln!(
        text,
        "test: {} normal images; anomalies: {}",
        experiment.normal.len(),
        experiment
            .anomalies
            .iter()
            .map(|s| format!("{} {}", s.len(), s.kind))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = writeln!(
        text,
        "\narea under the ROC curve, test normals against each kind"
    );
    let _ = write!(text, "  {:<24}", "model");
    for set in &experiment.anomalies {
        let _ = write!(text, " {:>14}", set.kind);
    }
    let _ = writeln!(text);
    for j in judged {
        let _ = write!(text, "  {:<24}", j.scores.model);
        for o in &j.outcomes {
            let _ = write!(text, " {:>14.4}", o.auc);
        }
        let _ = writeln!(text);
    }
    let _ = writeln!(
        text,
        "\nthresholds set on the validation normals; flagged = score above the threshold"
    );
    let _ = writeln!(
        text,
        "  {:<24} {:<18} {:>11} {:<16} {:>9} {:>7} {:>5} {:>5} {:>5} {:>5}",
        "model", "rule", "threshold", "anomalies", "precision", "recall", "TP", "FP", "TN", "FN"
    );
    for j in judged {
        for o in &j.outcomes {
            for d in &o.decisions {
                let c = d.confusion;
                let _ = writeln!(
                    text,
                    "  {:<24} {:<18} {:>11.4e} {:<16} {:>9.3} {:>7.3} {:>5} {:>5} {:>5} {:>5}",
                    j.scores.model,
                    d.rule.describe(),
                    d.threshold,
                    o.kind,
                    c.precision(),
                    c.recall(),
                    c.true_positives,
                    c.false_positives,
                    c.true_negatives,
                    c.false_negatives
                );
            }
        }
    }
    let _ = writeln!(text, "\nscores and fitting");
    for j in judged {
        let loss = j
            .validation_loss
            .map_or(String::new(), |l| format!(", last validation loss {l:.4}"));
        let _ = writeln!(
            text,
            "  {:<24} {}; fitted in {:.1} s{loss}",
            j.scores.model, j.score_name, j.seconds
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_quarter_sets_the_threshold() {
        let train = Images {
            pixels: (0..8 * IMAGE_PIXELS)
                .map(|i| (i / IMAGE_PIXELS) as f32)
                .collect(),
            labels: (0..8).collect(),
            description: "MNIST test[:8]".into(),
        };
        let (fit, validation) = split_off_validation(&train);
        assert_eq!(fit.labels, [0, 1, 2, 3, 4, 5]);
        assert_eq!(validation.labels, [6, 7]);
        assert_eq!(validation.image(0)[0], 6.0);
        assert_eq!(fit.description, "MNIST test[:8][:6]");
        assert_eq!(validation.description, "MNIST test[:8][6:]");
    }
}
