//! Chapter 6's binary: trains a standard and a sparse autoencoder the same
//! way (same data, same initial weights, same batches) and compares their
//! codes and losses.
//!
//! * `--penalty l1` (the default): chapter 3's 784-32-784 model, binary
//!   cross-entropy, with and without an L1 penalty on the code, as in
//!   Dertat's article.
//! * `--penalty kl`: a 784-100-300-100-784 model with a sigmoid code, mean
//!   squared error, with and without a KL-divergence sparsity penalty, as in
//!   Géron's Fashion-MNIST example.

use ae_support::batching::Batch;
use ae_support::cli::{CommonArgs, RunResult};
use ae_support::data::{Dataset, IMAGE_PIXELS, Images};
use ae_support::figures::{DigitRow, ImageShape, Series, digit_grid, histograms, loss_curves};
use ae_support::training::{FitConfig, History};
use ch03_simple_autoencoder::TracedBatch;
use ch06_sparse::{
    CodeStats, KL_CODE_SIZE, KlAutoencoder, Losses, Reconstruction, SimpleAutoencoder, Sparsity,
    TargetActivation, Weight, encode_all, evaluate, fit_sparse, outputs,
};
use clap::Parser;
use dfdx::prelude::*;
use std::error::Error;
use std::fmt::Write as _;
use std::process::ExitCode;

/// Which sparsity penalty to compare against no penalty.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Penalty {
    /// L1 penalty on a 32-unit ReLU code (784-32-784, cross-entropy).
    L1,
    /// KL-divergence penalty on a 300-unit sigmoid code (784-100-300-100-784, squared error).
    Kl,
}

#[derive(Parser)]
#[command(
    about = "Chapter 6: sparse autoencoders. Trains a standard and a sparse autoencoder \
             identically and compares their codes and losses."
)]
struct Cli {
    #[command(flatten)]
    common: CommonArgs,
    /// Which penalty to try.
    #[arg(long, value_enum, default_value_t = Penalty::L1)]
    penalty: Penalty,
    /// Weight of the L1 penalty, per image: loss = reconstruction + λ·Σ|code|,
    /// averaged over the batch. The default is Dertat's 1e-5 (summed over
    /// batches of 32 in the Keras of the time) in this convention.
    #[arg(long, default_value = "3.2e-4", allow_hyphen_values = true)]
    lambda: Weight,
    /// Weight of the KL penalty, per batch: loss = reconstruction +
    /// β·Σ_j KL(target ‖ mean activation of unit j). The default is Géron's
    /// 5e-3 divided by his batch size of 32, as tf.keras applied it.
    #[arg(long, default_value = "1.5625e-4", allow_hyphen_values = true)]
    beta: Weight,
    /// Mean activation the KL penalty steers each code unit towards.
    #[arg(long, default_value = "0.1", allow_hyphen_values = true)]
    target: TargetActivation,
}

fn main() -> ExitCode {
    let cli: Cli = ae_support::cli::parse(&[("epochs", "20"), ("batch_size", "32")]);
    ae_support::cli::exit_code(run(cli))
}

/// One of the two models after training and evaluation.
struct Side {
    history: History,
    losses: Losses,
    stats: CodeStats,
    /// Model outputs for the figure's images, as pixels.
    pictures: Vec<f32>,
    codes: Vec<f32>,
}

/// What the two models share and what tells them apart.
struct Experiment {
    reconstruction: Reconstruction,
    sparsity: Sparsity,
    /// e.g. "784-32-784, ReLU code".
    layout: &'static str,
    /// e.g. "L1, λ = 3.2e-4".
    penalty: String,
}

fn run(cli: Cli) -> RunResult {
    let (train, eval) = ae_support::cli::load_splits(&cli.common)?;
    let experiment = match cli.penalty {
        Penalty::L1 => Experiment {
            reconstruction: Reconstruction::CrossEntropy,
            sparsity: Sparsity::L1 {
                lambda: cli.lambda.get(),
            },
            layout: "784-32-784, 32 ReLU code units, binary cross-entropy",
            penalty: format!("L1 activity penalty, λ = {} per image", cli.lambda),
        },
        Penalty::Kl => Experiment {
            reconstruction: Reconstruction::SquaredError,
            sparsity: Sparsity::Kl {
                beta: cli.beta.get(),
                target: cli.target.get(),
            },
            layout: "784-100-300-100-784, 300 sigmoid code units, mean squared error",
            penalty: format!(
                "KL sparsity penalty, β = {} per batch, target activation {}",
                cli.beta, cli.target
            ),
        },
    };
    println!(
        "Sparse autoencoder on {}: {}",
        cli.common.dataset.display_name(),
        experiment.layout
    );
    println!("penalty: {}", experiment.penalty);
    println!(
        "trained on {} ({} images), evaluated on {} ({} images)",
        train.description,
        train.len(),
        eval.description,
        eval.len()
    );
    let config = FitConfig {
        epochs: cli.common.epochs,
        batch_size: cli.common.batch_size,
        seed: cli.common.seed,
        quiet: cli.common.quiet,
    };
    let picks = one_per_class(&eval.labels);
    let mut sides = Vec::new();
    for (name, sparsity) in [
        ("standard", Sparsity::None),
        ("sparse", experiment.sparsity),
    ] {
        println!("training the {name} model");
        // The same seed for both: identical initial weights.
        let dev = Cpu::seed_from_u64(cli.common.seed);
        let side = match cli.penalty {
            Penalty::L1 => train_side::<_, _, 32>(
                dev.build_module::<SimpleAutoencoder, f32>(),
                &train,
                &eval,
                &picks,
                &config,
                experiment.reconstruction,
                sparsity,
            )?,
            Penalty::Kl => train_side::<_, _, KL_CODE_SIZE>(
                dev.build_module::<KlAutoencoder, f32>(),
                &train,
                &eval,
                &picks,
                &config,
                experiment.reconstruction,
                sparsity,
            )?,
        };
        sides.push(side);
    }
    let report = report(&cli, &experiment, &train, &eval, &sides);
    print!("{report}");
    write_figures(&cli, &experiment, &train, &eval, &picks, &sides, &report)
}

/// Trains one model and measures it on the evaluation set.
#[allow(clippy::too_many_arguments)]
fn train_side<E, D, const C: usize>(
    model: (E, D),
    train: &Images,
    eval: &Images,
    picks: &[usize],
    config: &FitConfig,
    reconstruction: Reconstruction,
    sparsity: Sparsity,
) -> Result<Side, Box<dyn Error>>
where
    E: ModuleMut<TracedBatch<IMAGE_PIXELS>, Output = TracedBatch<C>>
        + Module<Batch<IMAGE_PIXELS>, Output = Batch<C>>,
    D: ModuleMut<TracedBatch<C>, Output = TracedBatch<IMAGE_PIXELS>>
        + Module<Batch<C>, Output = Batch<IMAGE_PIXELS>>,
    (E, D): ZeroGrads<f32, Cpu>,
{
    let trained = fit_sparse(
        model,
        &train.pixels,
        &eval.pixels,
        config,
        reconstruction,
        sparsity,
    )?;
    let model = trained.model;
    let losses = evaluate(
        &model,
        &eval.pixels,
        reconstruction,
        sparsity,
        config.batch_size,
    );
    let codes = encode_all(&model.0, &eval.pixels);
    let stats = CodeStats::of(&codes, C);
    let chosen: Vec<f32> = picks.iter().flat_map(|&i| eval.image(i)).copied().collect();
    let pictures = outputs(&model, &chosen, reconstruction);
    Ok(Side {
        history: trained.history,
        losses,
        stats,
        pictures,
        codes,
    })
}

/// The first evaluation image of each class.
fn one_per_class(labels: &[u8]) -> Vec<usize> {
    (0..10u8)
        .filter_map(|class| labels.iter().position(|&l| l == class))
        .collect()
}

/// The comparison table, printed and written next to the figures.
fn report(
    cli: &Cli,
    experiment: &Experiment,
    train: &Images,
    eval: &Images,
    sides: &[Side],
) -> String {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = if args.is_empty() {
        "cargo run -p ch06-sparse".to_string()
    } else {
        format!("cargo run -p ch06-sparse -- {}", args.join(" "))
    };
    let c = &cli.common;
    let (a, b) = (&sides[0], &sides[1]);
    let loss_name = match experiment.reconstruction {
        Reconstruction::CrossEntropy => "BCE per pixel",
        Reconstruction::SquaredError => "MSE per pixel",
    };
    let mut t = String::new();
    let _ = writeln!(t, "command:  {command}");
    let _ = writeln!(
        t,
        "data:     trained on {} ({} images), evaluated on {} ({} images)",
        train.description,
        train.len(),
        eval.description,
        eval.len()
    );
    let _ = writeln!(t, "model:    {}", experiment.layout);
    let _ = writeln!(
        t,
        "training: Adam (lr 0.001), batch {}, {} epochs, seed {} (same initial weights and batches for both)",
        c.batch_size, c.epochs, c.seed
    );
    let _ = writeln!(t, "penalty:  {} (sparse model only)", experiment.penalty);
    let _ = writeln!(t);
    let _ = writeln!(
        t,
        "on the {} evaluation images       standard      sparse",
        eval.len()
    );
    let row = |t: &mut String, label: &str, x: String, y: String| {
        let _ = writeln!(t, "  {label:<34}{x:>10}  {y:>10}");
    };
    row(
        &mut t,
        loss_name,
        format!("{:.4}", a.losses.reconstruction),
        format!("{:.4}", b.losses.reconstruction),
    );
    row(
        &mut t,
        "penalty (as added to the loss)",
        "-".into(),
        format!("{:.4}", b.losses.penalty),
    );
    row(
        &mut t,
        "loss including the penalty",
        format!("{:.4}", a.losses.total()),
        format!("{:.4}", b.losses.total()),
    );
    row(
        &mut t,
        "final training loss (incl. penalty)",
        last(&a.history.train_loss),
        last(&b.history.train_loss),
    );
    row(
        &mut t,
        "mean code value",
        format!("{:.3}", a.stats.mean),
        format!("{:.3}", b.stats.mean),
    );
    row(
        &mut t,
        "code values exactly 0",
        percent(a.stats.zero_fraction),
        percent(b.stats.zero_fraction),
    );
    row(
        &mut t,
        "code values below 0.05",
        percent(a.stats.near_zero_fraction),
        percent(b.stats.near_zero_fraction),
    );
    let width = a.stats.unit_means.len();
    if experiment.reconstruction == Reconstruction::CrossEntropy {
        row(
            &mut t,
            &format!("units in use per image (of {width})"),
            format!("{:.1}", a.stats.active_per_image()),
            format!("{:.1}", b.stats.active_per_image()),
        );
    }
    let dead = |s: &CodeStats| s.unit_means.iter().filter(|&&m| m == 0.0).count();
    row(
        &mut t,
        &format!("units never active (of {width})"),
        dead(&a.stats).to_string(),
        dead(&b.stats).to_string(),
    );
    if let Sparsity::Kl { target, .. } = experiment.sparsity {
        let near = |s: &CodeStats| {
            s.unit_means
                .iter()
                .filter(|&&m| (m - target).abs() <= 0.05)
                .count()
        };
        row(
            &mut t,
            &format!("units with mean activation {}±0.05", target),
            near(&a.stats).to_string(),
            near(&b.stats).to_string(),
        );
        let median = |s: &CodeStats| {
            let mut m = s.unit_means.clone();
            m.sort_by(f32::total_cmp);
            m[m.len() / 2]
        };
        row(
            &mut t,
            "median mean activation of a unit",
            format!("{:.3}", median(&a.stats)),
            format!("{:.3}", median(&b.stats)),
        );
    }
    let _ = writeln!(t);
    let _ = writeln!(
        t,
        "training took {:.1} s and {:.1} s",
        a.history.elapsed.as_secs_f64(),
        b.history.elapsed.as_secs_f64()
    );
    t
}

fn last(values: &[f32]) -> String {
    values.last().map_or("-".into(), |v| format!("{v:.4}"))
}

fn percent(fraction: f32) -> String {
    format!("{:.1}%", 100.0 * fraction)
}

/// `l1-mnist`, `kl-fashion`, and a suffix when the weight is not the default.
fn file_stem(cli: &Cli) -> String {
    let dataset = match cli.common.dataset {
        Dataset::Mnist => "mnist",
        Dataset::Fashion => "fashion",
    };
    match cli.penalty {
        Penalty::L1 if cli.lambda.get() != 3.2e-4 => format!("l1-{dataset}-lambda{}", cli.lambda),
        Penalty::L1 => format!("l1-{dataset}"),
        Penalty::Kl if cli.beta.get() != 1.5625e-4 || cli.target.get() != 0.1 => {
            format!("kl-{dataset}-beta{}-target{}", cli.beta, cli.target)
        }
        Penalty::Kl => format!("kl-{dataset}"),
    }
}

fn write_figures(
    cli: &Cli,
    experiment: &Experiment,
    train: &Images,
    eval: &Images,
    picks: &[usize],
    sides: &[Side],
    report: &str,
) -> RunResult {
    let dir = cli.common.figures_dir("ch06");
    let stem = file_stem(cli);
    let (a, b) = (&sides[0], &sides[1]);
    let mut written = Vec::new();

    // Code values (L1) or mean activations per unit (KL), both models.
    let histogram = dir.join(format!("{stem}-codes.svg"));
    match experiment.sparsity {
        Sparsity::Kl { .. } => histograms(
            &histogram,
            &format!("Mean activation of each of the {KL_CODE_SIZE} code units"),
            &[
                ("standard", &a.stats.unit_means),
                ("sparse (KL)", &b.stats.unit_means),
            ],
            40,
        )?,
        _ => {
            // Exact zeros would dwarf everything else; the title gives their share.
            let nonzero = |codes: &[f32]| -> Vec<f32> {
                codes.iter().copied().filter(|&c| c != 0.0).collect()
            };
            let (na, nb) = (nonzero(&a.codes), nonzero(&b.codes));
            histograms(
                &histogram,
                &format!(
                    "Non-zero code values; zeros: {} standard, {} sparse",
                    percent(a.stats.zero_fraction),
                    percent(b.stats.zero_fraction)
                ),
                &[("standard", &na), ("sparse (L1)", &nb)],
                60,
            )?
        }
    }
    written.push(histogram);

    let curve = dir.join(format!("{stem}-loss.svg"));
    loss_curves(
        &curve,
        &format!(
            "Training loss on {} (sparse: penalty included)",
            train.description
        ),
        &[
            Series::new("standard", &a.history.train_loss),
            Series::new("sparse", &b.history.train_loss),
            Series::new("standard, validation", &a.history.validation_loss),
            Series::new("sparse, validation", &b.history.validation_loss),
        ],
        match experiment.reconstruction {
            Reconstruction::CrossEntropy => "loss (binary cross-entropy per pixel + penalty)",
            Reconstruction::SquaredError => "loss (mean squared error per pixel + penalty)",
        },
    )?;
    written.push(curve);

    let grid = dir.join(format!("{stem}.png"));
    let originals: Vec<&[f32]> = picks.iter().map(|&i| eval.image(i)).collect();
    let rows = [
        DigitRow::new("original", originals),
        DigitRow::from_concatenated("standard", &a.pictures, ImageShape::MNIST),
        DigitRow::from_concatenated("sparse", &b.pictures, ImageShape::MNIST),
    ];
    digit_grid(&grid, &rows, ImageShape::MNIST, 2)?;
    written.push(grid);

    let results = dir.join(format!("{stem}-results.txt"));
    std::fs::write(&results, report)
        .map_err(|e| format!("cannot write {}: {e}", results.display()))?;
    written.push(results);
    for path in written {
        println!("wrote {}", path.display());
    }
    Ok(())
}
