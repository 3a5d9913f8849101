//! Chapter 8's binary: Géron's stacked autoencoder trained end to end, with
//! tied weights and greedy layer-wise; its encoder as the start of a
//! classifier with 500 labels; a t-SNE map of its codes. Writes the tables
//! and figures into the book.

use ae_support::cli::{CommonArgs, RunResult};
use ae_support::data::{IMAGE_PIXELS, Images};
use ae_support::figures::{DigitRow, ImageShape, digit_grid, scatter_by_label};
use ae_support::training::FitConfig;
use ch04_encoder_split::tsne::tsne_map;
use ch05_denoising::geron::{StackedAutoencoder, fit_nadam, mean_squared_error, predict};
use ch08_stacked::greedy::train_greedy;
use ch08_stacked::pretraining::{LABELLED, compare};
use ch08_stacked::report::{ReconstructionRow, pretraining_table, reconstruction_table};
use ch08_stacked::splits::load_geron_splits;
use ch08_stacked::tied::build_tied;
use clap::Parser;
use dfdx::prelude::*;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Parser)]
#[command(
    about = "Chapter 8: stacked autoencoders (Géron's models): end to end, tied weights, \
             greedy layer-wise; unsupervised pretraining; a t-SNE map of the codes."
)]
struct Cli {
    #[command(flatten)]
    common: CommonArgs,
    /// Epochs of each classifier in the pretraining comparison (500 images).
    #[arg(long, default_value_t = 20)]
    classifier_epochs: usize,
    /// How many seeds the pretraining comparison repeats over.
    #[arg(long, default_value_t = 5)]
    seeds: u64,
    /// Validation images placed on the t-SNE map.
    #[arg(long, default_value_t = 5_000)]
    map_points: usize,
}

/// Géron trains the stacked autoencoder for 20 epochs.
const GERON_EPOCHS: usize = 20;

fn main() -> ExitCode {
    ae_support::cli::exit_quietly_on_closed_pipe();
    let cli: Cli = ae_support::cli::parse(&[
        ("dataset", "fashion"),
        ("epochs", "5"),
        ("batch_size", "32"),
    ]);
    ae_support::cli::exit_code(run(cli))
}

fn run(cli: Cli) -> RunResult {
    let common = &cli.common;
    common.prepare_figures_dir("ch08")?;
    let (train, valid) = load_geron_splits(common)?;
    println!(
        "{}",
        ae_support::report::trained_and_evaluated_on(&train, &valid)
    );
    if common.epochs < GERON_EPOCHS {
        println!(
            "note: epochs per model: {} (Géron trains for {GERON_EPOCHS}; pass --epochs {GERON_EPOCHS} \
             for his setting)",
            common.epochs
        );
    }
    let config = common.fit_config();
    let (x, v) = (&train.pixels[..], &valid.pixels[..]);
    let epochs = common.epochs.to_string();

    println!("1. stacked autoencoder, end to end");
    let started = Instant::now();
    let model = Cpu::seed_from_u64(common.seed).build_module::<StackedAutoencoder, f32>();
    let (stacked, _) = fit_nadam(
        model,
        (x, x),
        &config,
        mse_loss,
        |_| {},
        |m| Some(mean_squared_error(m, v, v)),
    )?;
    let mut rows = vec![row("end to end", &stacked, &epochs, v, started)];

    println!("2. tied weights");
    let started = Instant::now();
    let tied = build_tied(common.seed);
    let (tied, _) = fit_nadam(
        tied,
        (x, x),
        &config,
        mse_loss,
        |_| {},
        |m| Some(mean_squared_error(m, v, v)),
    )?;
    rows.push(row("tied weights", &tied, &epochs, v, started));

    println!("3. greedy layer-wise");
    let started = Instant::now();
    let greedy = train_greedy(x, v, &config)?;
    let both = format!("{epochs} + {epochs}");
    rows.push(row("greedy layer-wise", &greedy.model, &both, v, started));
    let reconstruction = reconstruction_table(&rows);
    print!("{reconstruction}");

    println!("4. pretraining: a classifier on {LABELLED} labelled images");
    let labelled = LABELLED.min(train.len());
    let labelled = (&x[..labelled * IMAGE_PIXELS], &train.labels[..labelled]);
    let classifier = FitConfig {
        epochs: cli.classifier_epochs,
        quiet: true,
        ..config.clone()
    };
    let seeds: Vec<u64> = (0..cli.seeds).map(|s| common.seed + s).collect();
    let comparisons = compare(
        &stacked.0,
        labelled,
        (v, &valid.labels),
        &classifier,
        &seeds,
    )?;
    let pretraining = pretraining_table(&comparisons);
    print!("{pretraining}");

    println!("5. t-SNE map of the codes");
    let points = cli.map_points.min(valid.len());
    let codes = predict::<_, IMAGE_PIXELS, 30>(&stacked.0, &v[..points * IMAGE_PIXELS]);
    let map = tsne_map(&codes, 30, common.seed);

    let dir = common.figures_dir("ch08");
    let stem = match common.dataset {
        ae_support::data::Dataset::Mnist => "mnist",
        ae_support::data::Dataset::Fashion => "fashion",
    };
    let mut written: Vec<PathBuf> = Vec::new();
    let path = dir.join(format!("{stem}-codes-tsne.svg"));
    scatter_by_label(
        &path,
        &format!(
            "t-SNE map of the 30-d codes of {points} images ({})",
            valid.description
        ),
        &map,
        &valid.labels[..points],
        &common.dataset.class_names(),
    )?;
    written.push(path);
    let path = dir.join(format!("{stem}-reconstructions.png"));
    let outputs = [
        (
            "end to end",
            predict::<_, IMAGE_PIXELS, IMAGE_PIXELS>(&stacked, v),
        ),
        (
            "tied weights",
            predict::<_, IMAGE_PIXELS, IMAGE_PIXELS>(&tied, v),
        ),
        (
            "greedy",
            predict::<_, IMAGE_PIXELS, IMAGE_PIXELS>(&greedy.model, v),
        ),
    ];
    write_grid(&path, &valid, &outputs)?;
    written.push(path);

    let mut text = ae_support::report::provenance("ch08-stacked", &train, &valid);
    text.push_str(&format!(
        "settings: MSE, Nadam (Keras 3 defaults), batch {}, seed {}; epochs per model: {}{}\n\n",
        common.batch_size,
        common.seed,
        common.epochs,
        if common.epochs < GERON_EPOCHS {
            format!(" (Géron: {GERON_EPOCHS})")
        } else {
            String::new()
        }
    ));
    let files = [
        ("reconstruction", reconstruction),
        ("pretraining", pretraining),
    ];
    for (name, table) in &files {
        let path = dir.join(format!("{stem}-{name}.txt"));
        ae_support::atomic::write_file(&path, table)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        written.push(path);
    }
    text.push_str("validation MSE per pixel\n");
    text.push_str(&files[0].1);
    text.push_str(&format!(
        "\nclassifier (stacked encoder + Dense(10) softmax, cross-entropy) trained on the first \
         {} images for {} epochs; validation accuracy\n",
        labelled.1.len(),
        cli.classifier_epochs
    ));
    text.push_str(&files[1].1);
    let path = dir.join(format!("{stem}-results.txt"));
    ae_support::atomic::write_file(&path, text)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    written.push(path);
    for path in written {
        println!("wrote {}", ae_support::paths::shown(&path).display());
    }
    Ok(())
}

/// A reconstruction-table row for `model`, trained since `started`.
fn row<M>(
    name: &'static str,
    model: &M,
    epochs: &str,
    valid: &[f32],
    started: Instant,
) -> ReconstructionRow
where
    M: Module<
            ae_support::batching::Batch<IMAGE_PIXELS>,
            Output = ae_support::batching::Batch<IMAGE_PIXELS>,
        > + NumParams<f32, Cpu>,
{
    ReconstructionRow {
        model: name,
        parameters: model.num_trainable_params(),
        epochs: epochs.to_string(),
        validation_mse: mean_squared_error(model, valid, valid),
        seconds: started.elapsed().as_secs_f64(),
    }
}

/// Originals and each model's reconstructions of one image per class.
fn write_grid(
    path: &std::path::Path,
    valid: &Images,
    outputs: &[(&str, Vec<f32>)],
) -> Result<(), Box<dyn std::error::Error>> {
    let picks: Vec<usize> = (0..10u8)
        .filter_map(|c| valid.labels.iter().position(|&l| l == c))
        .collect();
    let mut rows = vec![DigitRow::new(
        "original",
        picks.iter().map(|&i| valid.image(i)),
    )];
    for (name, out) in outputs {
        rows.push(DigitRow::new(name, picks.iter().map(|&i| image(out, i))));
    }
    digit_grid(path, &rows, ImageShape::MNIST, 2)?;
    Ok(())
}

/// Image `i` of the row-major table `rows`.
fn image(rows: &[f32], i: usize) -> &[f32] {
    &rows[i * IMAGE_PIXELS..(i + 1) * IMAGE_PIXELS]
}
