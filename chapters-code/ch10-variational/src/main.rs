//! Chapter 10's binary: trains Chollet's 2-d VAE (and a plain autoencoder
//! with the same layers, for contrast) and Géron's 10-d VAE, reports both
//! terms of the loss per epoch, draws the latent space, and exports the 2-d
//! decoder for the book's interactive figure.

use ae_support::cli::{CommonArgs, RunResult};
use ae_support::data::{Dataset, IMAGE_PIXELS, Images};
use ae_support::split::Split;
use ae_support::training::History;
use ch05_denoising::nadam::{KERAS_NADAM, Nadam};
use ch10_variational::export::{decoder_json, fixture_json};
use ch10_variational::latent::{
    decode, empirical_quantile, encode_codes, encode_means, even_grid, interpolate, quantile_grid,
};
use ch10_variational::loss::{CHOLLET, GERON};
use ch10_variational::models::{CholletVae, GeronVae, PlainAutoencoder2d};
use ch10_variational::pictures::{image_rows, latent_grid, latent_planes, term_curves};
use ch10_variational::training::{KERAS_ADAM, Terms, fit_plain, fit_vae};
use clap::Parser;
use dfdx::optim::Adam;
use dfdx::prelude::*;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    about = "Chapter 10: variational autoencoders. Trains Chollet's 2-d VAE and a plain \
             2-d autoencoder on MNIST, and Géron's 10-d VAE on Fashion-MNIST."
)]
struct Cli {
    /// Settings of Chollet's model (`--dataset`, `--epochs`, `--batch-size`,
    /// splits); Géron's has its own flags below.
    #[command(flatten)]
    common: CommonArgs,
    /// Which models to train.
    #[arg(long, value_enum, default_value_t = Models::Both)]
    models: Models,
    /// Epochs of Géron's model (25 in the book it comes from).
    #[arg(long, default_value_t = 25)]
    geron_epochs: usize,
    /// Batch size of Géron's model.
    #[arg(long, default_value_t = 128)]
    geron_batch_size: usize,
    /// Training split of Géron's model (Fashion-MNIST).
    #[arg(long, default_value = "train[:55000]")]
    geron_train_split: Split,
    /// Evaluation split of Géron's model (Fashion-MNIST).
    #[arg(long, default_value = "train[55000:]")]
    geron_eval_split: Split,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Models {
    /// Chollet's 2-d VAE and the plain 2-d autoencoder.
    Chollet,
    /// Géron's 10-d VAE on Fashion-MNIST.
    Geron,
    Both,
}

fn main() -> ExitCode {
    ae_support::cli::exit_quietly_on_closed_pipe();
    let cli: Cli = ae_support::cli::parse(&[("epochs", "50"), ("batch_size", "100")]);
    ae_support::cli::exit_code(run(cli))
}

/// Points a side of Chollet's grid of decoded digits.
const GRID_SIDE: usize = 15;
/// Images per row of the sample figures.
const ROW: usize = 10;

fn run(cli: Cli) -> RunResult {
    let dir = cli.common.prepare_figures_dir("ch10")?;
    let mut written = Vec::new();
    if cli.models != Models::Geron {
        written.extend(two_dimensional(&cli.common, &dir)?);
    }
    if cli.models != Models::Chollet {
        let geron = CommonArgs {
            dataset: Dataset::Fashion,
            epochs: cli.geron_epochs,
            batch_size: cli.geron_batch_size,
            train_split: Some(cli.geron_train_split),
            eval_split: Some(cli.geron_eval_split),
            data_dir: None,
            ..cli.common.clone()
        };
        written.extend(ten_dimensional(&geron, &dir)?);
    }
    for path in written {
        println!("wrote {}", ae_support::paths::shown(&path).display());
    }
    Ok(())
}

type Written = Result<Vec<PathBuf>, Box<dyn std::error::Error>>;

/// Chollet's VAE and the plain autoencoder, trained alike on the same data.
fn two_dimensional(common: &CommonArgs, dir: &std::path::Path) -> Written {
    let (train, eval) = common.load_splits()?;
    let name = common.dataset.display_name();
    println!("Chollet's VAE on {name}: 784-256-(2+2)-256-784, cross-entropy summed + KL");
    println!(
        "{}",
        ae_support::report::trained_and_evaluated_on(&train, &eval)
    );
    let config = common.fit_config();
    let dev = Cpu::seed_from_u64(common.seed);
    let model = dev.build_module::<CholletVae, f32>();
    let adam = Adam::new(&model, KERAS_ADAM);
    let vae = fit_vae(model, adam, &train.pixels, &eval.pixels, &config, CHOLLET)?;
    println!("plain autoencoder with a 2-d code, same layers and loss, no KL term");
    let dev = Cpu::seed_from_u64(common.seed);
    let (plain, plain_history) = fit_plain(
        dev.build_module::<PlainAutoencoder2d, f32>(),
        &train.pixels,
        &eval.pixels,
        &config,
        CHOLLET,
    )?;

    let stem = dataset_stem(common.dataset);
    let file = |name: &str| dir.join(format!("{stem}-{name}"));
    let means = encode_means(&vae.model.0, &eval.pixels);
    let codes = encode_codes(&plain.0, &eval.pixels);
    let classes = common.dataset.class_names();
    let paths = [
        file("latent.svg"),
        file("vae-grid.png"),
        file("plain-grid.png"),
        file("samples.png"),
        file("interpolation.png"),
        file("vae-loss.svg"),
        file("vae-results.txt"),
        dir.join("decoder.json"),
        dir.join("decoder-fixture.json"),
    ];
    latent_planes(&paths[0], &means, &codes, &eval.labels, &classes)?;
    let grid = quantile_grid(GRID_SIDE);
    latent_grid(&paths[1], &decode(&vae.model.1, &grid, CHOLLET), GRID_SIDE)?;
    // The plain code has no prior: its grid spans where its codes lie.
    let range = |axis: usize| {
        let values: Vec<f32> = codes.iter().skip(axis).step_by(2).copied().collect();
        (
            empirical_quantile(&values, 0.05),
            empirical_quantile(&values, 0.95),
        )
    };
    let plain_grid = even_grid(GRID_SIDE, range(0), range(1));
    latent_grid(
        &paths[2],
        &decode(&plain.1, &plain_grid, CHOLLET),
        GRID_SIDE,
    )?;

    let noise = Cpu::seed_from_u64(common.seed.wrapping_add(3));
    let prior: Tensor<Rank2<{ 2 * ROW }, 2>, f32, Cpu> = noise.sample_normal();
    let prior = prior.as_vec();
    let fitted = gaussian_like(&codes, &prior);
    image_rows(
        &paths[3],
        &[
            (
                "VAE: z from N(0, I)",
                &decode(&vae.model.1, &prior, CHOLLET),
            ),
            (
                "plain autoencoder: z from a Gaussian fitted to its codes",
                &decode(&plain.1, &fitted, CHOLLET),
            ),
        ],
    )?;

    let (a, b) = interpolation_ends(&eval, (0, 1));
    let path_vae = interpolate(&means[2 * a..2 * a + 2], &means[2 * b..2 * b + 2], ROW);
    let path_plain = interpolate(&codes[2 * a..2 * a + 2], &codes[2 * b..2 * b + 2], ROW);
    image_rows(
        &paths[4],
        &[
            (
                "VAE: through the latent space",
                &decode(&vae.model.1, &path_vae, CHOLLET),
            ),
            (
                "plain autoencoder: through its code space",
                &decode(&plain.1, &path_plain, CHOLLET),
            ),
            (
                "through pixel space",
                &interpolate(eval.image(a), eval.image(b), ROW),
            ),
        ],
    )?;
    term_curves(
        &paths[5],
        &format!("Chollet's VAE on {}", train.description),
        &vae.train_terms,
        &vae.validation_terms,
        "per image (cross-entropy summed over pixels; KL)",
    )?;

    let mut text = ae_support::report::provenance("ch10-variational", &train, &eval);
    let _ = writeln!(
        text,
        "model:    Chollet's VAE, 784-256-(2+2)-256-784; Adam (Keras defaults; the source used \
         rmsprop), batch {}, {} epochs, seed {}",
        common.batch_size, common.epochs, common.seed
    );
    text.push_str(&terms_table(
        "loss per image: cross-entropy summed over the 784 pixels, plus KL",
        &vae.train_terms,
        &vae.validation_terms,
    ));
    text.push_str(&timing(&vae.history));
    let _ = writeln!(
        text,
        "\nplain autoencoder 784-256-2-256-784, same loss without the KL term\n  epoch   training   validation"
    );
    for (i, (t, v)) in plain_history
        .train_loss
        .iter()
        .zip(&plain_history.validation_loss)
        .enumerate()
    {
        let _ = writeln!(text, "  {:>5}   {t:8.2}   {v:8.2}", i + 1);
    }
    text.push_str(&timing(&plain_history));
    let _ = writeln!(
        text,
        "\nwhere the evaluation images land (mean ± standard deviation per axis)\n  \
         VAE means:               {}\n  plain autoencoder codes: {}",
        spread(&means),
        spread(&codes)
    );
    ae_support::atomic::write_file(&paths[6], text)
        .map_err(|e| format!("cannot write results: {e}"))?;
    let about = format!(
        "The decoder of Chollet's VAE, {} ({} epochs, seed {})",
        ae_support::report::trained_and_evaluated_on(&train, &eval),
        common.epochs,
        common.seed
    );
    ae_support::atomic::write_file(
        &paths[7],
        decoder_json(&vae.model.1, &about, &means, &eval.labels),
    )?;
    ae_support::atomic::write_file(&paths[8], fixture_json(&vae.model.1))?;
    Ok(paths.to_vec())
}

/// Géron's VAE: samples, reconstructions and an interpolation.
fn ten_dimensional(common: &CommonArgs, dir: &std::path::Path) -> Written {
    let (train, eval) = common.load_splits()?;
    println!(
        "Géron's VAE on {}: 784-150-100-(10+10)-100-150-784, squared error per pixel + KL/784",
        common.dataset.display_name()
    );
    println!(
        "{}",
        ae_support::report::trained_and_evaluated_on(&train, &eval)
    );
    let dev = Cpu::seed_from_u64(common.seed);
    let model = dev.build_module::<GeronVae, f32>();
    let nadam = Nadam::new(&model, KERAS_NADAM);
    let vae = fit_vae(
        model,
        nadam,
        &train.pixels,
        &eval.pixels,
        &common.fit_config(),
        GERON,
    )?;
    let stem = dataset_stem(common.dataset);
    let file = |name: &str| dir.join(format!("{stem}-{name}"));
    let paths = [
        file("samples.png"),
        file("vae-loss.svg"),
        file("vae-results.txt"),
    ];
    let noise = Cpu::seed_from_u64(common.seed.wrapping_add(3));
    let prior: Tensor<Rank2<{ 2 * ROW }, 10>, f32, Cpu> = noise.sample_normal();
    let means = encode_means(&vae.model.0, &eval.pixels[..ROW * IMAGE_PIXELS]);
    let (a, b) = interpolation_ends(&eval, (5, 9));
    let all_means = encode_means(&vae.model.0, &eval.pixels);
    let walk = interpolate(
        &all_means[10 * a..10 * a + 10],
        &all_means[10 * b..10 * b + 10],
        ROW,
    );
    image_rows(
        &paths[0],
        &[
            ("evaluation images", &eval.pixels[..ROW * IMAGE_PIXELS]),
            (
                "decoded from their means",
                &decode(&vae.model.1, &means, GERON),
            ),
            (
                "z from N(0, I)",
                &decode(&vae.model.1, &prior.as_vec(), GERON),
            ),
            (
                "through the latent space",
                &decode(&vae.model.1, &walk, GERON),
            ),
            (
                "through pixel space",
                &interpolate(eval.image(a), eval.image(b), ROW),
            ),
        ],
    )?;
    term_curves(
        &paths[1],
        &format!("Géron's VAE on {}", train.description),
        &vae.train_terms,
        &vae.validation_terms,
        "per pixel (squared error; KL / 784)",
    )?;
    let mut text = ae_support::report::provenance("ch10-variational", &train, &eval);
    let _ = writeln!(
        text,
        "model:    Géron's VAE, 784-150-100-(10+10)-100-150-784; Nadam (Keras defaults), \
         batch {}, {} epochs, seed {}",
        common.batch_size, common.epochs, common.seed
    );
    text.push_str(&terms_table(
        "loss per pixel: squared error averaged over the 784 pixels, plus KL / 784",
        &vae.train_terms,
        &vae.validation_terms,
    ));
    text.push_str(&timing(&vae.history));
    ae_support::atomic::write_file(&paths[2], text)
        .map_err(|e| format!("cannot write results: {e}"))?;
    Ok(paths.to_vec())
}

fn dataset_stem(dataset: Dataset) -> &'static str {
    match dataset {
        Dataset::Mnist => "mnist",
        Dataset::Fashion => "fashion",
    }
}

/// The first evaluation images of two classes.
fn interpolation_ends(eval: &Images, (from, to): (u8, u8)) -> (usize, usize) {
    let first = |class| eval.labels.iter().position(|&l| l == class).unwrap_or(0);
    (first(from), first(to))
}

/// Standard normal draws (2-d, back to back) moved and stretched to the
/// mean and spread of `codes` on each axis.
fn gaussian_like(codes: &[f32], normal: &[f32]) -> Vec<f32> {
    let stats = [axis_stats(codes, 0), axis_stats(codes, 1)];
    normal
        .iter()
        .enumerate()
        .map(|(i, z)| stats[i % 2].0 + stats[i % 2].1 * z)
        .collect()
}

/// Mean and standard deviation of one axis of 2-d points.
fn axis_stats(points: &[f32], axis: usize) -> (f32, f32) {
    let values: Vec<f64> = points
        .iter()
        .skip(axis)
        .step_by(2)
        .map(|&v| f64::from(v))
        .collect();
    let n = values.len().max(1) as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
    (mean as f32, var.sqrt() as f32)
}

fn spread(points: &[f32]) -> String {
    let [(mx, sx), (my, sy)] = [axis_stats(points, 0), axis_stats(points, 1)];
    format!("x {mx:7.2} ± {sx:5.2}, y {my:7.2} ± {sy:5.2}")
}

fn terms_table(heading: &str, train: &[Terms], validation: &[Terms]) -> String {
    let mut t = format!(
        "\n{heading}\n  epoch   training: reconstruction       KL   validation: reconstruction       KL\n"
    );
    for (i, (tr, va)) in train.iter().zip(validation).enumerate() {
        let _ = writeln!(
            t,
            "  {:>5}   {:>24.4} {:>8.4}   {:>26.4} {:>8.4}",
            i + 1,
            tr.reconstruction,
            tr.kl,
            va.reconstruction,
            va.kl
        );
    }
    t
}

fn timing(history: &History) -> String {
    format!(
        "training took {:.1} s ({:.0} images/s)\n",
        history.elapsed.as_secs_f64(),
        history.samples_per_second
    )
}
