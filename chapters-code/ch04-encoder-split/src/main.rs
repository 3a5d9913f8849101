//! Chapter 4's binary: split chapter 3's trained autoencoder into its encoder
//! and decoder, look at the codes, and map them onto a plane.

use ae_support::cli::{CommonArgs, RunResult};
use ae_support::data::{Dataset, Images};
use ae_support::figures::{DigitRow, ImageShape, digit_grid, grid_caption, scatter_by_label};
use ae_support::losses::BinaryCrossEntropy;
use ch03_simple_autoencoder::saved_weights::default_checkpoint;
use ch03_simple_autoencoder::{Architecture, CODE_SIZE, EVAL_BATCH, evaluate, reconstruct};
use ch04_encoder_split::code_images::code_image;
use ch04_encoder_split::{Pca, Provenance, decode, decoder, encode, encoder, load_or_train};
use clap::Parser;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    about = "Chapter 4: the encoder and decoder of chapter 3's trained autoencoder, its \
             32-number codes, and a 2-D map of them"
)]
struct Cli {
    #[command(flatten)]
    common: CommonArgs,
    /// Chapter 3's simple-autoencoder weights; trained and saved there when missing
    /// [default: target/checkpoints/ch03-simple.safetensors of the workspace]
    #[arg(long, value_name = "FILE")]
    checkpoint: Option<PathBuf>,
}

#[global_allocator]
static ALLOCATOR: ae_fast::Allocator = ae_fast::Allocator;

fn main() -> ExitCode {
    ae_support::cli::exit_quietly_on_closed_pipe();
    ae_fast::threads::main_thread_joins_pool();
    // The same defaults as chapter 3, so that weights trained here match its.
    let cli: Cli = ae_support::cli::parse(&[("epochs", "10"), ("batch_size", "256")]);
    ae_support::cli::exit_code(run(cli))
}

fn run(cli: Cli) -> RunResult {
    let common = &cli.common;
    common.prepare_figures_dir("ch04")?;
    let (train, eval) = common.load_splits()?;
    let path = cli
        .checkpoint
        .clone()
        .unwrap_or_else(|| default_checkpoint(Architecture::Simple));
    if !path.exists() {
        println!(
            "no trained weights at {}: training the simple autoencoder now on {} \
             ({} epochs, as chapter 3 would; run chapter 3 first to skip this)",
            path.display(),
            train.description,
            common.epochs
        );
    }
    let config = common.fit_config();
    let (model, provenance) = load_or_train(&path, &train.pixels, &eval.pixels, &config)?;
    match provenance {
        Provenance::Loaded => println!("loaded the trained autoencoder from {}", path.display()),
        Provenance::Trained { validation_loss } => println!(
            "trained (validation loss {validation_loss:.4}) and saved to {}",
            path.display()
        ),
    }
    let loss = evaluate(&model, &BinaryCrossEntropy, &eval.pixels, EVAL_BATCH);
    println!(
        "autoencoder loss on {} ({} images): {loss:.4} BCE per pixel",
        eval.description,
        eval.len()
    );

    // ANCHOR: split_use
    let codes = encode(encoder(&model), &eval.pixels);
    let decoded = decode(decoder(&model), &codes);
    let whole = reconstruct(&model, &eval.pixels);
    // ANCHOR_END: split_use
    let identical = decoded == whole;
    println!(
        "encoded {} images into {} numbers each; decoder(encoder(x)) == autoencoder(x) \
         for all of them: {identical}",
        eval.len(),
        CODE_SIZE
    );
    if !identical {
        return Err("decoding the codes did not reproduce the autoencoder's output".into());
    }
    print_code_statistics(&codes, &eval);

    let figures = common.figures_dir("ch04");
    std::fs::create_dir_all(&figures)?;
    let figures = figures.canonicalize().unwrap_or(figures);
    let shown = one_of_each_digit(&eval);
    write_code_grid(&figures.join("codes.png"), &shown, &eval, &codes, &decoded)?;
    write_code_map(&figures.join("code-map.svg"), &codes, &eval, common.dataset)?;
    Ok(())
}

/// How the 32 code units behave on the held-out images: ReLU codes are often
/// exactly zero, and a unit that is zero for every image carries nothing.
fn print_code_statistics(codes: &[f32], eval: &Images) {
    let zeros = codes.iter().filter(|&&c| c == 0.0).count();
    let silent_units = (0..CODE_SIZE)
        .filter(|&u| codes.chunks(CODE_SIZE).all(|code| code[u] == 0.0))
        .count();
    let largest = codes.iter().copied().fold(0.0f32, f32::max);
    let mean = codes.iter().sum::<f32>() / codes.len() as f32;
    println!(
        "code values on {}: mean {mean:.2}, largest {largest:.2}, {:.1}% exactly zero; \
         {silent_units} of {CODE_SIZE} units zero for every image",
        eval.description,
        100.0 * zeros as f64 / codes.len() as f64
    );
    let first = &codes[..CODE_SIZE];
    let shown: Vec<String> = first.iter().map(|c| format!("{c:.1}")).collect();
    println!(
        "code of the first held-out image (a {}): [{}]",
        eval.labels[0],
        shown.join(", ")
    );
}

fn one_of_each_digit(images: &Images) -> Vec<usize> {
    (0..10u8)
        .filter_map(|digit| images.labels.iter().position(|&l| l == digit))
        .collect()
}

fn write_code_grid(
    path: &Path,
    shown: &[usize],
    eval: &Images,
    codes: &[f32],
    decoded: &[f32],
) -> RunResult {
    let code_of = |i: usize| &codes[i * CODE_SIZE..(i + 1) * CODE_SIZE];
    // A few large values would leave every other cell dark; white stands for
    // the 98th percentile of all held-out code values, or more.
    let mut sorted = codes.to_vec();
    sorted.sort_by(f32::total_cmp);
    let brightest = sorted[sorted.len() * 98 / 100].max(f32::MIN_POSITIVE);
    let code_pictures: Vec<Vec<f32>> = shown
        .iter()
        .map(|&i| code_image(code_of(i), brightest))
        .collect();
    let rows = [
        DigitRow::new("held-out digits", shown.iter().map(|&i| eval.image(i))),
        DigitRow::new(
            "their 32-number codes as 4 x 8 cells (brighter = larger)",
            code_pictures.iter().map(Vec::as_slice),
        ),
        DigitRow::new(
            "the decoder's images of those codes",
            shown.iter().map(|&i| &decoded[i * 784..(i + 1) * 784]),
        ),
    ];
    digit_grid(path, &rows, ImageShape::MNIST, 3)?;
    println!(
        "figure: {} ({} White code cells: {brightest:.2} or more, the 98th percentile.)",
        path.display(),
        grid_caption(&rows)
    );
    Ok(())
}

fn write_code_map(path: &Path, codes: &[f32], eval: &Images, dataset: Dataset) -> RunResult {
    // ANCHOR: code_map
    let pca = Pca::fit(codes, CODE_SIZE, 2);
    let points: Vec<(f32, f32)> = codes
        .chunks(CODE_SIZE)
        .map(|code| {
            let p = pca.project(code);
            (p[0] as f32, p[1] as f32)
        })
        .collect();
    // ANCHOR_END: code_map
    let title = format!(
        "Codes of {}, first 2 principal components ({:.0}% of variance)",
        eval.description,
        100.0 * pca.explained()
    );
    let names = dataset.class_names();
    scatter_by_label(path, &title, &points, &eval.labels, &names)?;
    println!(
        "figure: {} (first two principal components keep {:.1}% of the codes' variance: \
         {:.1}% and {:.1}%)",
        path.display(),
        100.0 * pca.explained(),
        100.0 * pca.variances[0] / pca.total_variance,
        100.0 * pca.variances[1] / pca.total_variance
    );
    print_centroids(&points, &eval.labels);
    Ok(())
}

/// Where each digit's codes sit on the map, on average, and how spread out
/// they are: the numbers behind the picture.
fn print_centroids(points: &[(f32, f32)], labels: &[u8]) {
    println!("digit centres on the map (component 1, component 2; mean distance from the centre):");
    for digit in 0..10u8 {
        let mine: Vec<(f32, f32)> = points
            .iter()
            .zip(labels)
            .filter(|&(_, &l)| l == digit)
            .map(|(&p, _)| p)
            .collect();
        if mine.is_empty() {
            continue;
        }
        let n = mine.len() as f32;
        let cx = mine.iter().map(|p| p.0).sum::<f32>() / n;
        let cy = mine.iter().map(|p| p.1).sum::<f32>() / n;
        let spread = mine.iter().map(|p| (p.0 - cx).hypot(p.1 - cy)).sum::<f32>() / n;
        println!(
            "  {digit}: ({cx:6.2}, {cy:6.2}); {spread:.2}  [{} images]",
            mine.len()
        );
    }
}
