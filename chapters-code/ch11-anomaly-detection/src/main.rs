//! Chapter 11's binary: fits four detectors on normal digits only, scores
//! held-out digits against real and made-up anomalies, and writes the
//! results, every score and the figures into the book.

use ae_support::cli::{CommonArgs, RunResult};
use ae_support::data::{Dataset, Images, load};
use ae_support::figures::{DigitRow, ImageShape, digit_grid};
use ch11_anomaly_detection::charts::{roc_chart, score_histogram};
use ch11_anomaly_detection::corrupt::Corruption;
use ch11_anomaly_detection::detectors::{self, Detector};
use ch11_anomaly_detection::experiment::{Experiment, Outcome, ScoreRow, Scores, Set, write_csv};
use ch11_anomaly_detection::metrics::{ThresholdRule, roc_curve};
use clap::Parser;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

#[derive(Parser)]
#[command(
    about = "Chapter 11: anomaly detection. Fits PCA, an autoencoder, a denoiser and a VAE \
             on normal images only and scores unseen ones against the other data set, \
             corrupted images and a held-out class."
)]
struct Cli {
    #[command(flatten)]
    common: CommonArgs,
    /// The class left out of the second experiment's training, then detected.
    #[arg(long, default_value_t = 7, value_parser = clap::value_parser!(u8).range(0..=9))]
    held_out: u8,
    /// k of the `mean + k std` threshold, set on the normal validation scores.
    #[arg(long, default_value_t = 3.0, allow_hyphen_values = true, value_parser = ae_support::cli::positive_f64)]
    k: f64,
    /// Percentile of the normal validation scores used as the second threshold.
    #[arg(long, default_value_t = 99.0, value_parser = percentile)]
    percentile: f64,
    /// Anomalies of each kind: images of the other data set, and corrupted
    /// copies of the first test normals.
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    anomalies: u64,
    /// Components kept by PCA.
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u64).range(1..=200))]
    components: u64,
    /// Folder holding the other data set's IDX files (Fashion-MNIST's when the
    /// normal images are MNIST digits) [default: its variable, e.g. FASHION_MNIST_DIR]
    #[arg(long, value_name = "DIR")]
    other_data_dir: Option<PathBuf>,
}

fn percentile(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(p) if (0.0..=100.0).contains(&p) => Ok(p),
        Ok(p) => Err(format!("a percentile lies between 0 and 100, got {p}")),
        Err(_) => Err(format!("`{text}` is not a number")),
    }
}

#[global_allocator]
static ALLOCATOR: ae_fast::Allocator = ae_fast::Allocator;

fn main() -> ExitCode {
    ae_support::cli::exit_quietly_on_closed_pipe();
    ae_fast::threads::main_thread_joins_pool();
    let cli: Cli = ae_support::cli::parse(&[("epochs", "50"), ("batch_size", "128")]);
    ae_support::cli::exit_code(run(cli))
}

/// A detector's scores and what they achieve.
struct Judged {
    scores: Scores,
    outcomes: Vec<Outcome>,
    seconds: f64,
    score_name: &'static str,
    validation_loss: Option<f32>,
}

fn run(cli: Cli) -> RunResult {
    let started = Instant::now();
    let common = &cli.common;
    common.prepare_figures_dir("ch11")?;
    let (train, eval) = common.load_splits()?;
    let (fit, validation) = split_off_validation(&train);
    let other_dataset = match common.dataset {
        Dataset::Mnist => Dataset::Fashion,
        Dataset::Fashion => Dataset::Mnist,
    };
    let other = load(
        other_dataset,
        &format!("test[:{}]", cli.anomalies).parse()?,
        cli.other_data_dir.as_deref(),
    )?;
    println!(
        "Normal data: {}. Detectors fitted on {} ({} images); thresholds set on {} ({}); \
         tested on {} ({}).",
        common.dataset.display_name(),
        fit.description,
        fit.len(),
        validation.description,
        validation.len(),
        eval.description,
        eval.len()
    );
    let rules = [
        ThresholdRule::MeanPlusStd(cli.k),
        ThresholdRule::Percentile(cli.percentile),
    ];
    let config = common.fit_config();
    let components = cli.components as usize;

    // Experiment 1: every class is normal; the anomalies come from elsewhere.
    let normal = Set::pick("normal", &eval, (0..eval.len()).collect());
    let made_from = normal.first(cli.anomalies as usize);
    let mut anomalies = vec![Set::pick(
        other_dataset.folder_name(),
        &other,
        (0..other.len()).collect(),
    )];
    for (i, corruption) in Corruption::ALL.into_iter().enumerate() {
        anomalies.push(made_from.corrupted(corruption, common.seed.wrapping_add(10 + i as u64)));
    }
    let all_classes = Experiment {
        suffix: String::new(),
        validation: Set::pick("validation", &validation, (0..validation.len()).collect()),
        normal,
        anomalies,
    };
    let fitters: [(&str, Fitter); 4] = [
        ("PCA", &|fit, _| {
            Ok(detectors::pca(fit, components, config.seed))
        }),
        ("autoencoder", &|fit, val| {
            Ok(detectors::autoencoder(fit, val, &config)?)
        }),
        ("denoiser", &|fit, val| {
            Ok(detectors::denoiser(fit, val, &config)?)
        }),
        ("VAE", &|fit, val| Ok(detectors::vae(fit, val, &config)?)),
    ];
    let first = judge_all(&all_classes, &fitters, &fit.pixels, &rules)?;

    // Experiment 2: one class is left out of training and is the anomaly.
    let held = cli.held_out;
    let without = |images: &Images, kind: &str| {
        Set::pick(
            kind,
            images,
            (0..images.len())
                .filter(|&i| images.labels[i] != held)
                .collect(),
        )
    };
    let class_name = common.dataset.class_names()[usize::from(held)];
    let held_out = Experiment {
        suffix: format!("-without-{held}"),
        validation: without(&validation, "validation"),
        normal: without(&eval, "normal"),
        anomalies: vec![Set::pick(
            &format!("held-out {class_name}"),
            &eval,
            (0..eval.len())
                .filter(|&i| eval.labels[i] == held)
                .collect(),
        )],
    };
    let fit_without = without(&fit, "training");
    let second = judge_all(&held_out, &fitters[..2], &fit_without.pixels, &rules)?;

    let dir = common.figures_dir("ch11");
    let mut written = Vec::new();
    let rows: Vec<ScoreRow> = first
        .iter()
        .flat_map(|j| all_classes.rows(&j.scores))
        .chain(second.iter().flat_map(|j| held_out.rows(&j.scores)))
        .collect();
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let csv = dir.join("scores.csv");
    write_csv(&csv, &rows).map_err(|e| format!("cannot write {}: {e}", csv.display()))?;
    written.push(csv);
    written.extend(figures(
        &dir,
        &fit,
        &other,
        (&all_classes, &first),
        (&held_out, &second),
        &rules,
    )?);

    let mut text = ae_support::report::provenance("ch11-anomaly-detection", &train, &eval);
    let _ = writeln!(
        text,
        "slices:   detectors fitted on {} ({} images), thresholds set on {} ({}), \
         tested on {} ({})",
        fit.description,
        fit.len(),
        validation.description,
        validation.len(),
        eval.description,
        eval.len()
    );
    let _ = writeln!(
        text,
        "models:   PCA ({components} components); chapter 3's deep autoencoder \
         784-128-32-128-784 and the same model as chapter 5's denoiser (noise 0.5), \
         cross-entropy; chapter 10's VAE 784-256-(2+2)-256-784; Adam (Keras defaults), \
         batch {}, {} epochs, seed {}",
        common.batch_size, common.epochs, common.seed
    );
    let _ = writeln!(
        text,
        "anomalies: {} ({} images); noise (factor 0.5), inversion and a quarter turn of the \
         first {} test normals",
        other.description,
        other.len(),
        made_from.len()
    );
    report(&mut text, "every class normal", &all_classes, &first);
    report(
        &mut text,
        &format!("class {held} ({class_name}) left out of training"),
        &held_out,
        &second,
    );
    let seconds = started.elapsed().as_secs_f64();
    let _ = writeln!(text, "\nthe whole run took {seconds:.0} s");
    print!("{text}");
    let results = dir.join("results.txt");
    std::fs::write(&results, &text)
        .map_err(|e| format!("cannot write {}: {e}", results.display()))?;
    written.push(results);
    for path in written {
        println!("wrote {}", ae_support::paths::shown(&path).display());
    }
    Ok(())
}

/// Fits one detector on training and validation pixels.
type Fitter<'a> = &'a dyn Fn(&[f32], &[f32]) -> Result<Detector, Box<dyn std::error::Error>>;

/// The first three quarters of `train` to fit on, the last quarter to set
/// the thresholds on: `test[:6000]` and `test[6000:8000]` of the fallback.
fn split_off_validation(train: &Images) -> (Images, Images) {
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
fn judge_all(
    experiment: &Experiment,
    fitters: &[(&str, Fitter)],
    fit: &[f32],
    rules: &[ThresholdRule],
) -> Result<Vec<Judged>, Box<dyn std::error::Error>> {
    fitters
        .iter()
        .map(|(name, fitter)| {
            println!("fitting {name} on {} normal images", fit.len() / 784);
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
fn report(text: &mut String, title: &str, experiment: &Experiment, judged: &[Judged]) {
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

/// The ROC curves, the score histograms and the most and least anomalous
/// images.
fn figures(
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
    curves.truncate(3);
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
            &format!("Autoencoder's scores ({})", judged.scores.model),
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
    let image = |rows: &'_ [f32], i: usize| -> Vec<f32> { rows[i * 784..(i + 1) * 784].to_vec() };
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
