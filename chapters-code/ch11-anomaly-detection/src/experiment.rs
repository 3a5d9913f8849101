//! The sets every detector scores, the numbers drawn from their scores, and
//! the CSV file that keeps every score, so that anyone can redraw the curves.
//!
//! Three slices of normal images never meet: the detectors are fitted on the
//! first, the threshold is set on the second, and the third is scored
//! against the anomalies.

use crate::corrupt::{Corruption, corrupt};
use crate::detectors::Detector;
use crate::metrics::{Confusion, ThresholdRule, auc};
use ae_support::data::Images;
use std::fmt::Write as _;
use std::path::Path;

/// Images to score, and where each comes from.
#[derive(Clone, Debug, PartialEq)]
pub struct Set {
    /// `normal`, `fashion`, `noise`, `inverted`, `rotated`, `digit 7`, ...
    pub kind: String,
    /// The split the images were taken from, e.g. `MNIST test[8000:]`.
    pub source: String,
    /// Each image's position in that split.
    pub indices: Vec<usize>,
    pub labels: Vec<u8>,
    pub pixels: Vec<f32>,
}

impl Set {
    /// The images `indices` of `images`, as a set of this `kind`.
    pub fn pick(kind: &str, images: &Images, indices: Vec<usize>) -> Set {
        Set {
            kind: kind.to_string(),
            source: images.description.clone(),
            labels: indices.iter().map(|&i| images.labels[i]).collect(),
            pixels: images.pixels_of(&indices),
            indices,
        }
    }

    /// The same images damaged by `corruption` (noise drawn from `seed`).
    pub fn corrupted(&self, corruption: Corruption, seed: u64) -> Set {
        Set {
            kind: corruption.name().to_string(),
            pixels: corrupt(&self.pixels, corruption, seed),
            ..self.clone()
        }
    }

    /// The first `n` images (all of them if there are fewer).
    pub fn first(&self, n: usize) -> Set {
        let n = n.min(self.len());
        Set {
            indices: self.indices[..n].to_vec(),
            labels: self.labels[..n].to_vec(),
            pixels: self.pixels[..n * ae_support::data::IMAGE_PIXELS].to_vec(),
            ..self.clone()
        }
    }

    pub fn len(&self) -> usize {
        self.indices.len()
    }

    pub fn is_empty(&self) -> bool {
        self.indices.is_empty()
    }
}

/// One comparison: normal images to set the threshold on and to test, and
/// the anomalies to find among them.
pub struct Experiment {
    /// Added to each model's name in the scores file, e.g. `-without-7`.
    pub suffix: String,
    /// Normal images the detectors never trained on, for the threshold.
    pub validation: Set,
    /// Normal images seen by nothing before the test.
    pub normal: Set,
    pub anomalies: Vec<Set>,
}

/// A detector's scores on every set of an [`Experiment`].
pub struct Scores {
    /// The detector's name and the experiment's suffix.
    pub model: String,
    pub validation: Vec<f32>,
    pub normal: Vec<f32>,
    /// In the order of the experiment's anomalies.
    pub anomalies: Vec<Vec<f32>>,
}

/// How one threshold does on one kind of anomaly.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Decision {
    pub rule: ThresholdRule,
    pub threshold: f32,
    pub confusion: Confusion,
}

/// What a detector achieves on one kind of anomaly.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub kind: String,
    pub auc: f64,
    pub decisions: Vec<Decision>,
}

impl Experiment {
    /// Scores every set with `detector`.
    pub fn score(&self, detector: &Detector) -> Scores {
        Scores {
            model: format!("{}{}", detector.name, self.suffix),
            validation: detector.scores(&self.validation.pixels),
            normal: detector.scores(&self.normal.pixels),
            anomalies: self
                .anomalies
                .iter()
                .map(|set| detector.scores(&set.pixels))
                .collect(),
        }
    }

    /// The area under the ROC curve of each kind of anomaly against the
    /// test normals, and what each threshold rule, applied to the
    /// *validation* normals' scores, flags among them.
    pub fn outcomes(&self, scores: &Scores, rules: &[ThresholdRule]) -> Vec<Outcome> {
        let thresholds: Vec<(ThresholdRule, f32)> = rules
            .iter()
            .map(|&rule| (rule, rule.threshold(&scores.validation)))
            .collect();
        self.anomalies
            .iter()
            .zip(&scores.anomalies)
            .map(|(set, anomalous)| Outcome {
                kind: set.kind.clone(),
                auc: auc(&scores.normal, anomalous),
                decisions: thresholds
                    .iter()
                    .map(|&(rule, threshold)| Decision {
                        rule,
                        threshold,
                        confusion: Confusion::at(threshold, &scores.normal, anomalous),
                    })
                    .collect(),
            })
            .collect()
    }

    /// The scores of the test normals and the anomalies (not the validation
    /// images) as rows of the scores file.
    pub fn rows(&self, scores: &Scores) -> Vec<ScoreRow> {
        std::iter::once((&self.normal, &scores.normal))
            .chain(self.anomalies.iter().zip(&scores.anomalies))
            .flat_map(|(set, values)| {
                (0..set.len()).map(move |i| ScoreRow {
                    source: set.source.clone(),
                    index: set.indices[i],
                    label: set.labels[i],
                    kind: set.kind.clone(),
                    model: scores.model.clone(),
                    score: values[i],
                })
            })
            .collect()
    }
}

/// One line of `scores.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct ScoreRow {
    pub source: String,
    pub index: usize,
    pub label: u8,
    pub kind: String,
    pub model: String,
    pub score: f32,
}

/// The header of `scores.csv`.
pub const CSV_HEADER: &str = "source,index,label,kind,model,score";

/// Writes `rows` as CSV. No field holds a comma, so none needs quoting;
/// scores keep five significant digits, enough to redraw every curve.
pub fn write_csv(path: &Path, rows: &[ScoreRow]) -> std::io::Result<()> {
    let mut text = String::with_capacity(rows.len() * 40);
    text.push_str(CSV_HEADER);
    text.push('\n');
    for r in rows {
        debug_assert!(!(r.source.contains(',') || r.kind.contains(',') || r.model.contains(',')));
        let _ = writeln!(
            text,
            "{},{},{},{},{},{:.4e}",
            r.source, r.index, r.label, r.kind, r.model, r.score
        );
    }
    ae_support::atomic::write_file(path, text)
}

/// Reads a file written by [`write_csv`].
pub fn read_csv(path: &Path) -> Result<Vec<ScoreRow>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut lines = text.lines();
    if lines.next() != Some(CSV_HEADER) {
        return Err(format!("{}: not a scores file", path.display()));
    }
    lines
        .enumerate()
        .map(|(n, line)| {
            let bad = || format!("{} line {}: `{line}`", path.display(), n + 2);
            let f: Vec<&str> = line.split(',').collect();
            let [source, index, label, kind, model, score] = f[..] else {
                return Err(bad());
            };
            Ok(ScoreRow {
                source: source.to_string(),
                index: index.parse().map_err(|_| bad())?,
                label: label.parse().map_err(|_| bad())?,
                kind: kind.to_string(),
                model: model.to_string(),
                score: score.parse().map_err(|_| bad())?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detectors::Detector;
    use ae_support::data::IMAGE_PIXELS;

    fn images(n: usize) -> Images {
        Images {
            pixels: (0..n * IMAGE_PIXELS)
                .map(|i| (i % 3) as f32 / 2.0)
                .collect(),
            labels: (0..n).map(|i| (i % 10) as u8).collect(),
            description: "MNIST test[8000:]".into(),
        }
    }

    #[test]
    fn sets_keep_where_their_images_come_from() {
        let set = Set::pick("normal", &images(5), vec![4, 1]);
        assert_eq!(set.labels, [4, 1]);
        assert_eq!(set.pixels.len(), 2 * IMAGE_PIXELS);
        let rotated = set.corrupted(Corruption::Rotation, 0);
        assert_eq!(rotated.kind, "rotated");
        assert_eq!(
            (&rotated.indices, &rotated.source),
            (&set.indices, &set.source)
        );
        assert_eq!(set.first(1).indices, [4]);
    }

    /// A set of `n` flat images of brightness `value`.
    fn flat(kind: &str, value: f32, n: usize) -> Set {
        Set {
            kind: kind.into(),
            source: "made up".into(),
            indices: (0..n).collect(),
            labels: vec![0; n],
            pixels: vec![value; n * IMAGE_PIXELS],
        }
    }

    #[test]
    fn thresholds_come_from_the_validation_normals_only() {
        // The score is the mean brightness.
        let detector = Detector::new("mean", "brightness", None, |rows| {
            rows.chunks_exact(IMAGE_PIXELS)
                .map(|r| r.iter().sum::<f32>() / IMAGE_PIXELS as f32)
                .collect()
        });
        let experiment = Experiment {
            suffix: "-test".into(),
            validation: flat("validation", 0.25, 3),
            normal: flat("normal", 0.5, 2),
            anomalies: vec![flat("bright", 0.75, 4)],
        };
        let scores = experiment.score(&detector);
        assert_eq!(scores.model, "mean-test");
        let outcomes = experiment.outcomes(&scores, &[ThresholdRule::Percentile(50.0)]);
        assert_eq!(outcomes[0].auc, 1.0);
        let decision = outcomes[0].decisions[0];
        // Set at 0.25 by the validation images, so every test normal is flagged.
        assert_eq!(decision.threshold, 0.25);
        assert_eq!(decision.confusion.false_positives, 2);
        assert_eq!(decision.confusion.true_positives, 4);
        let rows = experiment.rows(&scores);
        assert_eq!(rows.len(), 6, "test normals and anomalies, not validation");
        assert_eq!(rows[5].kind, "bright");
    }

    #[test]
    fn scores_survive_the_csv_file() {
        let rows = vec![
            ScoreRow {
                source: "MNIST test[8000:]".into(),
                index: 8,
                label: 3,
                kind: "normal".into(),
                model: "autoencoder".into(),
                score: 0.012_345_67,
            },
            ScoreRow {
                source: "Fashion-MNIST test[:1000]".into(),
                index: 0,
                label: 9,
                kind: "fashion".into(),
                model: "vae-without-7".into(),
                score: 187.5,
            },
        ];
        let path = std::env::temp_dir().join(format!("ch11-scores-{}.csv", std::process::id()));
        write_csv(&path, &rows).unwrap();
        let back = read_csv(&path).unwrap();
        std::fs::remove_file(&path).ok();
        assert_eq!(back.len(), 2);
        assert_eq!(back[1], rows[1]);
        assert!((back[0].score / rows[0].score - 1.0).abs() < 1e-4);
    }
}
