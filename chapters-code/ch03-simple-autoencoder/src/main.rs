//! Chapter 3's binary: the toy autoencoder, then the simple and the deep MNIST
//! autoencoders, their loss curves and reconstructions, and their weights
//! saved for chapter 4.

use ae_support::checkpoint;
use ae_support::cli::{CommonArgs, RunResult};
use ae_support::data::Images;
use ae_support::figures::{DigitRow, ImageShape, Series, digit_grid, loss_curves};
use ae_support::losses::BinaryCrossEntropy;
use ae_support::training::History;
use ch03_simple_autoencoder::checkpoints::default_checkpoint;
use ch03_simple_autoencoder::toy::toy_experiment;
use ch03_simple_autoencoder::{
    Architecture, DeepAutoencoder, SimpleAutoencoder, fit_autoencoder, reconstruct,
};
use clap::Parser;
use dfdx::prelude::*;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    about = "Chapter 3: a 100-4-100 toy autoencoder, then the simple (784-32-784) and \
             deep (784-128-32-128-784) MNIST autoencoders"
)]
struct Cli {
    #[command(flatten)]
    common: CommonArgs,
    /// Train only this model [default: both]
    #[arg(long, value_enum)]
    model: Option<Architecture>,
    /// Folder for the trained weights [default: target/checkpoints of the workspace]
    #[arg(long, value_name = "DIR")]
    checkpoint_dir: Option<PathBuf>,
    /// Epochs of the toy autoencoder on generated data.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u16).range(1..))]
    toy_epochs: u16,
}

#[global_allocator]
static ALLOCATOR: ae_fast::Allocator = ae_fast::Allocator;

fn main() -> ExitCode {
    ae_support::cli::exit_quietly_on_closed_pipe();
    ae_fast::threads::main_thread_joins_pool();
    let cli: Cli = ae_support::cli::parse(&[("epochs", "10"), ("batch_size", "256")]);
    ae_support::cli::exit_code(run(cli))
}

/// One trained model: its name, losses, and reconstructions of the figure digits.
struct Outcome {
    architecture: Architecture,
    history: History,
    reconstructions: Vec<f32>,
}

fn run(cli: Cli) -> RunResult {
    let common = &cli.common;

    common.prepare_figures_dir("ch03")?;
    let (train, eval) = common.load_splits()?;

    let toy = toy_experiment(cli.toy_epochs.into(), common.seed);
    println!(
        "toy 100-4-100 autoencoder, {} epochs on generated data (2000 train / 500 held out):",
        cli.toy_epochs
    );
    println!(
        "  held-out BCE {:.4}; predict-the-mean baseline {:.4}; lowest possible {:.4}",
        toy.autoencoder, toy.mean_baseline, toy.floor
    );
    println!(
        "\ntraining on {} ({} images), evaluating on {} ({} images)",
        train.description,
        train.len(),
        eval.description,
        eval.len()
    );
    let shown = one_of_each_digit(&eval);
    let shown_pixels: Vec<f32> = shown.iter().flat_map(|&i| eval.image(i).to_vec()).collect();

    let config = common.fit_config();
    let architectures = match cli.model {
        Some(one) => vec![one],
        None => Architecture::ALL.to_vec(),
    };
    let mut outcomes = Vec::new();
    for architecture in architectures {
        println!(
            "\n{} autoencoder ({})",
            architecture.name(),
            architecture.layout()
        );
        // The same seed gives the same initial weights, run after run.
        let dev = Cpu::seed_from_u64(common.seed);
        let path = checkpoint_path(&cli, architecture);
        let (history, reconstructions) = match architecture {
            Architecture::Simple => {
                let model = dev.build_module::<SimpleAutoencoder, f32>();
                println!("  {} trainable parameters", model.num_trainable_params());
                let (model, history) = fit_autoencoder(
                    model,
                    BinaryCrossEntropy,
                    &train.pixels,
                    &eval.pixels,
                    &config,
                )?;
                checkpoint::save(&model, &path)?;
                (history, reconstruct(&model, &shown_pixels))
            }
            Architecture::Deep => {
                let model = dev.build_module::<DeepAutoencoder, f32>();
                println!("  {} trainable parameters", model.num_trainable_params());
                let (model, history) = fit_autoencoder(
                    model,
                    BinaryCrossEntropy,
                    &train.pixels,
                    &eval.pixels,
                    &config,
                )?;
                checkpoint::save(&model, &path)?;
                (history, reconstruct(&model, &shown_pixels))
            }
        };
        println!(
            "  trained in {:.1}s ({:.0} images/s); weights saved to {}",
            history.elapsed.as_secs_f64(),
            history.samples_per_second,
            path.display()
        );
        outcomes.push(Outcome {
            architecture,
            history,
            reconstructions,
        });
    }

    print_results(&outcomes, common, &train, &eval);
    let figures = common.figures_dir("ch03");
    std::fs::create_dir_all(&figures)?;
    let figures = figures.canonicalize().unwrap_or(figures);
    write_figures(&figures, &shown_pixels, &outcomes)?;
    Ok(())
}

fn checkpoint_path(cli: &Cli, architecture: Architecture) -> PathBuf {
    match &cli.checkpoint_dir {
        Some(dir) => dir.join(format!("ch03-{}.safetensors", architecture.name())),
        None => default_checkpoint(architecture),
    }
}

/// The index of the first image of each digit 0-9 in `images` (fewer if some
/// digit is missing), so the figures show every digit once.
fn one_of_each_digit(images: &Images) -> Vec<usize> {
    (0..10u8)
        .filter_map(|digit| images.labels.iter().position(|&l| l == digit))
        .collect()
}

fn print_results(outcomes: &[Outcome], common: &CommonArgs, train: &Images, eval: &Images) {
    println!(
        "\nresults (trained on {}, evaluated on {}; batch size {}, seed {}):",
        train.description, eval.description, common.batch_size, common.seed
    );
    for outcome in outcomes {
        let h = &outcome.history;
        println!(
            "  {:<6} {:<20} epochs {:>3}  train loss {:.4}  validation loss {:.4}",
            outcome.architecture.name(),
            outcome.architecture.layout(),
            h.train_loss.len(),
            h.train_loss.last().copied().unwrap_or(f32::NAN),
            h.validation_loss.last().copied().unwrap_or(f32::NAN),
        );
    }
    println!("  (binary cross-entropy per pixel)");
}

fn write_figures(dir: &Path, originals: &[f32], outcomes: &[Outcome]) -> RunResult {
    let mut rows = vec![DigitRow::from_concatenated(
        "held-out originals",
        originals,
        ImageShape::MNIST,
    )];
    for outcome in outcomes {
        rows.push(DigitRow::from_concatenated(
            outcome.architecture.name(),
            &outcome.reconstructions,
            ImageShape::MNIST,
        ));
    }
    let grid = dir.join("reconstructions.png");
    digit_grid(&grid, &rows, ImageShape::MNIST, 3)?;

    let names: Vec<(String, String)> = outcomes
        .iter()
        .map(|o| {
            let name = o.architecture.name();
            (format!("{name}: training"), format!("{name}: validation"))
        })
        .collect();
    let mut series = Vec::new();
    for (outcome, (train_name, eval_name)) in outcomes.iter().zip(&names) {
        series.push(Series::new(train_name, &outcome.history.train_loss));
        series.push(Series::new(eval_name, &outcome.history.validation_loss));
    }
    let curves = dir.join("loss-curves.svg");
    loss_curves(
        &curves,
        "Autoencoder loss per epoch",
        &series,
        "binary cross-entropy per pixel",
    )?;
    println!(
        "\nfigures: {} ({}), {}",
        grid.display(),
        ae_support::figures::grid_caption(&rows),
        curves.display()
    );
    Ok(())
}
