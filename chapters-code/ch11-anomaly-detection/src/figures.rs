//! The chapter's figures from the scores of a run.

use crate::charts::{roc_chart, score_histogram};
use crate::experiment::Experiment;
use crate::metrics::{ThresholdRule, roc_curve};
use crate::report::Judged;
use ae_support::data::{IMAGE_PIXELS, Images};
use ae_support::figures::{DigitRow, ImageShape, digit_grid};
use std::path::{Path, PathBuf};

/// The ROC curves, the score histograms and the most and least anomalous
/// images.
pub fn write_all(
    dir: &Path,
    fit: &Images,
    other: &Images,
    (first, first_judged): (&Experiment, &[Judged]),
    (second, second_judged): (&Experiment, &[Judged]),
    rules: &[ThresholdRule],
) -> Result<Vec<PathBuf>, Box<dyn std::error::Error>> {
    let trained = format!("trained on {}", fit.description);
    let autoencoder = &first_judged[1];
    let mut written = Vec::new();

    // The autoencoder against every kind of anomaly.
    let mut curves: Vec<(String, Vec<(f64, f64)>)> = first
        .anomalies
        .iter()
        .zip(&autoencoder.scores.anomalies)
        .zip(&autoencoder.outcomes)
        .map(|((set, scores), o)| {
            (
                format!("{}, AUC {:.3}", set.kind, o.auc),
                roc_curve(&autoencoder.scores.normal, scores),
            )
        })
        .collect();
    let held = &second_judged[1];
    curves.push((
        format!(
            "{} (model without it), AUC {:.3}",
            second.anomalies[0].kind, held.outcomes[0].auc
        ),
        roc_curve(&held.scores.normal, &held.scores.anomalies[0]),
    ));
    let path = dir.join("roc-autoencoder.svg");
    roc_chart(&path, &format!("Autoencoder {trained}"), &curves)?;
    written.push(path);

    // Every model against the other data set.
    let curves: Vec<(String, Vec<(f64, f64)>)> = first_judged
        .iter()
        .map(|j| {
            (
                format!("{}, AUC {:.3}", j.scores.model, j.outcomes[0].auc),
                roc_curve(&j.scores.normal, &j.scores.anomalies[0]),
            )
        })
        .collect();
    let path = dir.join("roc-models.svg");
    let title = format!("{} as anomalies, models {trained}", first.anomalies[0].kind);
    roc_chart(&path, &title, &curves)?;
    written.push(path);

    // Histograms of the autoencoder's scores, with the mean + k std threshold.
    let rule = rules[0];
    for (name, experiment, judged) in [
        ("scores-other.svg", first, autoencoder),
        ("scores-held-out.svg", second, held),
    ] {
        let path = dir.join(name);
        let threshold = judged.outcomes[0].decisions[0].threshold;
        score_histogram(
            &path,
            &format!("Scores of {}, {trained}", judged.scores.model),
            &[
                ("test normals", &judged.scores.normal),
                (&experiment.anomalies[0].kind, &judged.scores.anomalies[0]),
            ],
            (&format!("threshold: {}", rule.describe()), threshold),
            40,
        )?;
        written.push(path);
    }

    // Least and most anomalous test normals and images of the other data set.
    let extremes = |scores: &[f32]| {
        let mut order: Vec<usize> = (0..scores.len()).collect();
        order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
        let least = order[..10.min(order.len())].to_vec();
        let most = order[order.len().saturating_sub(10)..]
            .iter()
            .rev()
            .copied()
            .collect::<Vec<_>>();
        (least, most)
    };
    let (normal_least, normal_most) = extremes(&autoencoder.scores.normal);
    let (other_least, other_most) = extremes(&autoencoder.scores.anomalies[0]);
    let normal = &first.normal.pixels;
    let image = |rows: &'_ [f32], i: usize| -> Vec<f32> {
        rows[i * IMAGE_PIXELS..(i + 1) * IMAGE_PIXELS].to_vec()
    };
    let pick = |rows: &[f32], ids: &[usize]| {
        ids.iter()
            .flat_map(|&i| image(rows, i))
            .collect::<Vec<f32>>()
    };
    let tables = [
        pick(normal, &normal_least),
        pick(normal, &normal_most),
        pick(&other.pixels, &other_least),
        pick(&other.pixels, &other_most),
    ];
    let labels = [
        "normal, least anomalous",
        "normal, most anomalous",
        "other, least",
        "other, most",
    ];
    let rows: Vec<DigitRow> = labels
        .iter()
        .zip(&tables)
        .map(|(label, table)| DigitRow::from_concatenated(label, table, ImageShape::MNIST))
        .collect();
    let path = dir.join("extremes.png");
    digit_grid(&path, &rows, ImageShape::MNIST, 2)?;
    written.push(path);
    Ok(written)
}
