//! Chapter 11's binary: fits four detectors on normal digits only, scores
//! held-out digits against real and made-up anomalies, and writes the
//! results, every score and the figures into the book.

use ae_support::cli::{CommonArgs, RunResult};
use ae_support::data::{Dataset, Images, load};
use ch11_anomaly_detection::corrupt::Corruption;
use ch11_anomaly_detection::detectors;
use ch11_anomaly_detection::experiment::{Experiment, ScoreRow, Set, write_csv};
use ch11_anomaly_detection::metrics::ThresholdRule;
use ch11_anomaly_detection::report::{Fitter, judge_all, split_off_validation, tables};
use clap::Parser;
use std::fmt::Write as _;
use std::path::PathBuf;
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
    written.extend(ch11_anomaly_detection::figures::write_all(
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
    tables(&mut text, "every class normal", &all_classes, &first);
    tables(
        &mut text,
        &format!("class {held} ({class_name}) left out of training"),
        &held_out,
        &second,
    );
    let seconds = started.elapsed().as_secs_f64();
    let _ = writeln!(text, "\nthe whole run took {seconds:.0} s");
    print!("{text}");
    let results = dir.join("results.txt");
    ae_support::atomic::write_file(&results, &text)
        .map_err(|e| format!("cannot write {}: {e}", results.display()))?;
    written.push(results);
    for path in written {
        println!("wrote {}", ae_support::paths::shown(&path).display());
    }
    Ok(())
}
