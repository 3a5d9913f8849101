//! Chapter 2's binary: train the 4-2-1 classifier on generated banknote-like
//! data and draw its hidden layer's view of the test notes at a few epochs.
//! No data set and no network access needed; it runs in about a second.

use ae_support::cli::{OutputArgs, RunResult};
use ae_support::figures::{Panel, scatter_panels_on_shared_axes};
use ae_support::training::FitConfig;
use ch02_backend_functions::notes::{NOTES, TEST_NOTES, generate, ideal_accuracy};
use ch02_backend_functions::{CLASS_NAMES, Classifier, train_and_test, train_and_watch};
use clap::Parser;
use dfdx::prelude::*;
use std::fmt::Write as _;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    about = "Chapter 2: a 4-2-1 classifier on generated banknote-like data, and its \
             2-D hidden layer drawn at several epochs"
)]
struct Cli {
    /// Passes over the 1,000 training notes.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u16).range(1..))]
    epochs: u16,
    /// Notes per optimiser step.
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u16).range(1..))]
    batch_size: u16,
    /// Adam's learning rate.
    #[arg(long, alias = "lr", default_value_t = 0.01, value_parser = ae_support::cli::positive_f64)]
    learning_rate: f64,
    /// Epochs at which to draw the hidden layer, e.g. `0,1,5,20` (0: before
    /// training) [default: 0, 1, 5 and 20 where they are within --epochs, and
    /// the last epoch]
    #[arg(long, value_delimiter = ',')]
    watch: Option<Vec<usize>>,
    /// Seeds the data, the weights and the shuffling: the same seed gives the same run.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    #[command(flatten)]
    output: OutputArgs,
    /// No per-epoch lines.
    #[arg(long)]
    quiet: bool,
}

/// Notes generated to measure the best possible accuracy precisely.
const FRESH_NOTES: usize = 100_000;

/// The epochs of the chapter's figure.
const DEFAULT_WATCH: [usize; 4] = [0, 1, 5, 20];

fn main() -> ExitCode {
    ae_support::cli::exit_quietly_on_closed_pipe();
    ae_support::cli::exit_code(run(Cli::parse()))
}

fn run(cli: Cli) -> RunResult {
    let epochs = usize::from(cli.epochs);
    let mut watch = match &cli.watch {
        Some(asked) => {
            if let Some(late) = asked.iter().find(|&&e| e > epochs) {
                let msg = format!("--watch asks for epoch {late}, but --epochs is {epochs}");
                return Err(msg.into());
            }
            asked.clone()
        }
        None => DEFAULT_WATCH
            .into_iter()
            .filter(|&e| e <= epochs)
            .chain([epochs])
            .collect(),
    };
    watch.sort_unstable();
    watch.dedup();

    let dir = cli.output.prepare("ch02")?;
    let (train, test) = train_and_test(cli.seed);
    println!(
        "{NOTES} generated notes (seed {}): {} for training, {TEST_NOTES} for testing",
        cli.seed,
        train.len()
    );
    let model = Cpu::seed_from_u64(cli.seed).build_module::<Classifier, f32>();
    let config = FitConfig {
        epochs,
        batch_size: usize::from(cli.batch_size),
        seed: cli.seed,
        quiet: cli.quiet,
    };
    let watched = train_and_watch(model, &train, &test, &config, cli.learning_rate, &watch)?;

    let mut text = format!(
        "results (generated data, trained on 1,000 notes, tested on {TEST_NOTES}; \
         Adam learning rate {}, batch size {}, seed {}):\n",
        cli.learning_rate, cli.batch_size, cli.seed
    );
    for s in &watched.snapshots {
        let _ = writeln!(
            text,
            "  epoch {:>3}: test accuracy {:5.1}%",
            s.epoch,
            100.0 * s.accuracy
        );
    }
    let raw_test = generate(NOTES, cli.seed).split_at(NOTES - TEST_NOTES).1;
    let _ = writeln!(
        text,
        "  best possible (the rule that knows how the notes were made): {:.1}% on these \
         test notes, {:.1}% on 100,000 fresh ones",
        100.0 * ideal_accuracy(&raw_test),
        100.0 * ideal_accuracy(&generate(FRESH_NOTES, cli.seed.wrapping_add(1)))
    );
    let genuine = test.labels.iter().filter(|&&l| l == 0).count();
    let _ = writeln!(
        text,
        "  test notes: {genuine} genuine, {} forged (always answering \"genuine\" scores {:.1}%)",
        test.len() - genuine,
        100.0 * genuine as f32 / test.len() as f32
    );
    let weights = watched.model.0.weight.array();
    let biases = watched.model.0.bias.array();
    for (unit, (w, b)) in weights.iter().zip(biases).enumerate() {
        let _ = writeln!(
            text,
            "  hidden unit {}: weights ({:.2}, {:.2}, {:.2}, {:.2}), bias {:.2}",
            unit + 1,
            w[0],
            w[1],
            w[2],
            w[3],
            b
        );
    }
    let _ = writeln!(
        text,
        "  final test loss {:.4} (binary cross-entropy)",
        watched
            .history
            .validation_loss
            .last()
            .copied()
            .unwrap_or(f32::NAN),
    );
    print!("\n{text}");
    // The time is this machine's, not a result: printed, not kept.
    println!("  trained in {:.2}s", watched.history.elapsed.as_secs_f64());
    let results = dir.join("results.txt");
    ae_support::atomic::write_file(&results, &text)?;

    let titles: Vec<String> = watched
        .snapshots
        .iter()
        .map(|s| {
            format!(
                "epoch {}: test accuracy {:.1}%",
                s.epoch,
                100.0 * s.accuracy
            )
        })
        .collect();
    let labels = test.labels.clone();
    let panels: Vec<Panel> = watched
        .snapshots
        .iter()
        .zip(&titles)
        .map(|(s, title)| Panel {
            title,
            points: &s.hidden,
            labels: &labels,
        })
        .collect();
    let path = dir.join("hidden-layer.svg");
    scatter_panels_on_shared_axes(&path, &panels, &CLASS_NAMES)?;
    for written in [&results, &path] {
        println!("wrote {}", ae_support::paths::shown(written).display());
    }
    Ok(())
}
