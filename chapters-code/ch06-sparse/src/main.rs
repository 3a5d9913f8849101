//! Chapter 6's binary: trains a standard autoencoder and one or more sparse
//! ones the same way (same data, same initial weights, same batches) and
//! compares their codes and losses.
//!
//! * `--penalty l1` (the default): chapter 3's 784-32-784 model, binary
//!   cross-entropy, with and without an L1 penalty on the code, as in
//!   Dertat's article.
//! * `--penalty kl`: a 784-100-300-100-784 model with a sigmoid code, mean
//!   squared error, with and without a KL-divergence sparsity penalty, as in
//!   Géron's Fashion-MNIST example.

use ae_fast::FuseLayers;
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
use dfdx::nn::modules::TensorCollection;
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

/// This book's λ for Dertat's `l1(10e-6)`: 1e-5, summed over batches of 32.
const DEFAULT_LAMBDA: f32 = 3.2e-4;
/// This book's β for Géron's weight 5e-3, divided by tf.keras by the batch size 32.
const DEFAULT_BETA: f32 = 1.5625e-4;
const DEFAULT_TARGET: f32 = 0.1;

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
    /// batches of 32 in the Keras of the time) in this convention. Several
    /// values, separated by commas, train one sparse model each.
    #[arg(
        long,
        default_value = "3.2e-4",
        value_delimiter = ',',
        allow_hyphen_values = true,
        value_name = "LAMBDA"
    )]
    lambda: Vec<Weight>,
    /// Weight of the KL penalty, per batch: loss = reconstruction +
    /// β·Σ_j KL(target ‖ mean activation of unit j). The default is Géron's
    /// 5e-3 divided by his batch size of 32, as tf.keras applied it. Several
    /// values, separated by commas, train one sparse model each.
    #[arg(
        long,
        default_value = "1.5625e-4",
        value_delimiter = ',',
        allow_hyphen_values = true,
        value_name = "BETA"
    )]
    beta: Vec<Weight>,
    /// Mean activation the KL penalty steers each code unit towards.
    #[arg(long, default_value = "0.1", allow_hyphen_values = true)]
    target: TargetActivation,
}

#[global_allocator]
static ALLOCATOR: ae_fast::Allocator = ae_fast::Allocator;

fn main() -> ExitCode {
    ae_fast::threads::main_thread_joins_pool();
    ae_support::cli::exit_quietly_on_closed_pipe();
    let cli: Cli = ae_support::cli::parse(&[("epochs", "20"), ("batch_size", "32")]);
    ae_support::cli::exit_code(run(cli))
}

/// One trained and evaluated model.
struct Side {
    /// "standard", or e.g. "λ = 0.00032".
    label: String,
    sparsity: Sparsity,
    history: History,
    losses: Losses,
    stats: CodeStats,
    /// Model outputs for the figure's images, as pixels.
    pictures: Vec<f32>,
    codes: Vec<f32>,
}

/// What the models share.
struct Experiment {
    reconstruction: Reconstruction,
    /// e.g. "784-32-784, 32 ReLU code units, binary cross-entropy".
    layout: &'static str,
    /// The sparse models: a label and a penalty each.
    sparse: Vec<(String, Sparsity)>,
    /// How the penalty is defined, for the results.
    penalty: &'static str,
}

fn experiment(cli: &Cli) -> Experiment {
    match cli.penalty {
        Penalty::L1 => Experiment {
            reconstruction: Reconstruction::CrossEntropy,
            layout: "784-32-784, 32 ReLU code units, binary cross-entropy",
            sparse: cli
                .lambda
                .iter()
                .map(|l| {
                    let lambda = l.get();
                    (format!("sparse, λ = {l}"), Sparsity::L1 { lambda })
                })
                .collect(),
            penalty: "L1 activity penalty: λ·Σ|code| per image, averaged over the batch",
        },
        Penalty::Kl => Experiment {
            reconstruction: Reconstruction::SquaredError,
            layout: "784-100-300-100-784, 300 sigmoid code units, mean squared error",
            sparse: cli
                .beta
                .iter()
                .map(|b| {
                    let sparsity = Sparsity::Kl {
                        beta: b.get(),
                        target: cli.target.get(),
                    };
                    (format!("sparse, β = {b}"), sparsity)
                })
                .collect(),
            penalty: "KL sparsity penalty: β·Σ_j KL(target ‖ mean activation of unit j over \
                      the batch), once per batch",
        },
    }
}

fn run(cli: Cli) -> RunResult {
    cli.common.prepare_figures_dir("ch06")?;
    let (train, eval) = cli.common.load_splits()?;
    let experiment = experiment(&cli);
    println!(
        "Sparse autoencoders on {}: {}",
        cli.common.dataset.display_name(),
        experiment.layout
    );
    println!(
        "{}",
        ae_support::report::trained_and_evaluated_on(&train, &eval)
    );
    let config = cli.common.fit_config();
    let picks = one_per_class(&eval.labels);
    let mut runs = vec![("standard".to_string(), Sparsity::None)];
    runs.extend(experiment.sparse.iter().cloned());
    let mut sides = Vec::new();
    for (label, sparsity) in runs {
        println!("training the {label} model ({sparsity:?})");
        // The same seed for every model: identical initial weights.
        let dev = Cpu::seed_from_u64(cli.common.seed);
        let side = match cli.penalty {
            Penalty::L1 => train_side::<_, _, _, _, 32>(
                dev.build_module::<SimpleAutoencoder, f32>(),
                &train,
                &eval,
                &picks,
                &config,
                experiment.reconstruction,
                sparsity,
            )?,
            Penalty::Kl => train_side::<_, _, _, _, KL_CODE_SIZE>(
                dev.build_module::<KlAutoencoder, f32>(),
                &train,
                &eval,
                &picks,
                &config,
                experiment.reconstruction,
                sparsity,
            )?,
        };
        sides.push(Side { label, ..side });
    }
    let report = report(&cli, &experiment, &train, &eval, &sides);
    print!("{report}");
    write_figures(&cli, &experiment, &train, &eval, &picks, &sides, &report)
}

/// Trains one model and measures it on the evaluation set.
fn train_side<PE, PD, E, D, const C: usize>(
    model: (PE, PD),
    train: &Images,
    eval: &Images,
    picks: &[usize],
    config: &FitConfig,
    reconstruction: Reconstruction,
    sparsity: Sparsity,
) -> Result<Side, Box<dyn Error>>
where
    // The plain encoder and decoder, and (as in `fit_sparse`) their twins.
    PE: Module<Batch<IMAGE_PIXELS>, Output = Batch<C>>,
    PD: Module<Batch<C>, Output = Batch<IMAGE_PIXELS>>,
    (PE, PD): FuseLayers<Fused = (E, D)> + TensorCollection<f32, Cpu>,
    (E, D): TensorCollection<f32, Cpu>,
    E: ModuleMut<TracedBatch<IMAGE_PIXELS>, Output = TracedBatch<C>>
        + Module<Batch<IMAGE_PIXELS>, Output = Batch<C>>,
    D: ModuleMut<TracedBatch<C>, Output = TracedBatch<IMAGE_PIXELS>>
        + Module<Batch<C>, Output = Batch<IMAGE_PIXELS>>,
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
        &reconstruction,
        sparsity,
        config.batch_size,
    );
    let codes = encode_all(&model.0, &eval.pixels);
    let stats = CodeStats::of(&codes, C);
    let chosen: Vec<f32> = picks.iter().flat_map(|&i| eval.image(i)).copied().collect();
    let pictures = outputs(&model, &chosen, reconstruction);
    Ok(Side {
        label: String::new(),
        sparsity,
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
    let c = &cli.common;
    let mut t = ae_support::report::provenance("ch06-sparse", train, eval);
    let _ = writeln!(t, "model:    {}", experiment.layout);
    let _ = writeln!(
        t,
        "training: Adam (lr 0.001), batch {}, epochs {}, seed {}; every model starts from the \
         same weights and sees the same batches",
        c.batch_size, c.epochs, c.seed
    );
    let _ = writeln!(t, "penalty:  {}", experiment.penalty);
    if cli.penalty == Penalty::Kl {
        let _ = writeln!(t, "target:   mean activation {}", cli.target);
    }
    let _ = writeln!(t);
    let row = |t: &mut String, label: &str, cells: Vec<String>| {
        let _ = write!(t, "  {label:<40}");
        for cell in cells {
            let _ = write!(t, "{cell:>24}");
        }
        let _ = writeln!(t);
    };
    let each = |f: &dyn Fn(&Side) -> String| sides.iter().map(f).collect::<Vec<_>>();
    row(
        &mut t,
        &format!("on the {} evaluation images", eval.len()),
        each(&|s| s.label.clone()),
    );
    let loss_name = match experiment.reconstruction {
        Reconstruction::CrossEntropy => "BCE per pixel",
        Reconstruction::SquaredError => "MSE per pixel",
    };
    row(
        &mut t,
        loss_name,
        each(&|s| format!("{:.4}", s.losses.reconstruction)),
    );
    row(
        &mut t,
        "penalty (as added to the loss)",
        each(&|s| match s.sparsity {
            Sparsity::None => "-".into(),
            _ => format!("{:.6}", s.losses.penalty),
        }),
    );
    row(
        &mut t,
        "loss including the penalty",
        each(&|s| format!("{:.4}", s.losses.total())),
    );
    row(
        &mut t,
        "training loss, last epoch (with penalty)",
        each(&|s| last(&s.history.train_loss)),
    );
    row(
        &mut t,
        "mean code value",
        each(&|s| format!("{:.3}", s.stats.mean)),
    );
    row(
        &mut t,
        "code values exactly 0",
        each(&|s| percent(s.stats.zero_fraction)),
    );
    row(
        &mut t,
        "code values below 0.05",
        each(&|s| percent(s.stats.near_zero_fraction)),
    );
    let width = sides[0].stats.unit_means.len();
    if experiment.reconstruction == Reconstruction::CrossEntropy {
        row(
            &mut t,
            &format!("units in use per image (of {width})"),
            each(&|s| format!("{:.1}", s.stats.active_per_image())),
        );
    }
    row(
        &mut t,
        &format!("units never active (of {width})"),
        each(&|s| {
            s.stats
                .unit_means
                .iter()
                .filter(|&&m| m == 0.0)
                .count()
                .to_string()
        }),
    );
    if cli.penalty == Penalty::Kl {
        let target = cli.target.get();
        row(
            &mut t,
            &format!("units with mean activation {target}±0.05"),
            each(&|s| {
                s.stats
                    .unit_means
                    .iter()
                    .filter(|&&m| (m - target).abs() <= 0.05)
                    .count()
                    .to_string()
            }),
        );
        row(
            &mut t,
            "median of the units' mean activations",
            each(&|s| {
                let mut m = s.stats.unit_means.clone();
                m.sort_by(f32::total_cmp);
                format!("{:.3}", m[m.len() / 2])
            }),
        );
    }
    row(
        &mut t,
        "training time",
        each(&|s| format!("{:.0} s", s.history.elapsed.as_secs_f64())),
    );
    t
}

fn last(values: &[f32]) -> String {
    values.last().map_or("-".into(), |v| format!("{v:.4}"))
}

fn percent(fraction: f32) -> String {
    format!("{:.1}%", 100.0 * fraction)
}

/// `l1-mnist`, `kl-fashion`, and a suffix when the weights differ from the
/// defaults.
fn file_stem(cli: &Cli) -> String {
    let dataset = match cli.common.dataset {
        Dataset::Mnist => "mnist",
        Dataset::Fashion => "fashion",
    };
    let list = |weights: &[Weight]| {
        weights
            .iter()
            .map(Weight::to_string)
            .collect::<Vec<_>>()
            .join("-")
    };
    match cli.penalty {
        Penalty::L1 if cli.lambda != [Weight::new(DEFAULT_LAMBDA).unwrap()] => {
            format!("l1-{dataset}-lambda{}", list(&cli.lambda))
        }
        Penalty::L1 => format!("l1-{dataset}"),
        Penalty::Kl
            if cli.beta != [Weight::new(DEFAULT_BETA).unwrap()]
                || cli.target.get() != DEFAULT_TARGET =>
        {
            format!("kl-{dataset}-beta{}-target{}", list(&cli.beta), cli.target)
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
    // The results first: should a figure fail, the numbers are still kept.
    let results = dir.join(format!("{stem}-results.txt"));
    ae_support::atomic::write_file(&results, report)
        .map_err(|e| format!("cannot write {}: {e}", results.display()))?;
    let mut written = vec![results];

    // Code values (L1) or mean activations per unit (KL), all models.
    let histogram = dir.join(format!("{stem}-codes.svg"));
    if cli.penalty == Penalty::Kl {
        let series: Vec<(&str, &[f32])> = sides
            .iter()
            .map(|s| (s.label.as_str(), &s.stats.unit_means[..]))
            .collect();
        histograms(
            &histogram,
            &format!("Mean activation of each of the {KL_CODE_SIZE} code units"),
            &series,
            50,
        )?;
    } else {
        // Exact zeros would dwarf everything else; the title gives their share.
        let nonzero: Vec<Vec<f32>> = sides
            .iter()
            .map(|s| s.codes.iter().copied().filter(|&c| c != 0.0).collect())
            .collect();
        let series: Vec<(&str, &[f32])> = sides
            .iter()
            .zip(&nonzero)
            .map(|(s, v)| (s.label.as_str(), &v[..]))
            .collect();
        let zeros: Vec<String> = sides
            .iter()
            .map(|s| percent(s.stats.zero_fraction))
            .collect();
        histograms(
            &histogram,
            &format!("Non-zero code values (zeros: {})", zeros.join(" / ")),
            &series,
            60,
        )?;
    }
    written.push(histogram);

    let curve = dir.join(format!("{stem}-loss.svg"));
    let names: Vec<(String, String)> = sides
        .iter()
        .map(|s| {
            (
                format!("{}, training", s.label),
                format!("{}, validation", s.label),
            )
        })
        .collect();
    let mut series = Vec::new();
    for (s, (training, validation)) in sides.iter().zip(&names) {
        series.push(Series::new(training, &s.history.train_loss));
        series.push(Series::new(validation, &s.history.validation_loss));
    }
    loss_curves(
        &curve,
        &format!("Loss per epoch, trained on {}", train.description),
        &series,
        match experiment.reconstruction {
            Reconstruction::CrossEntropy => "BCE per pixel + penalty",
            Reconstruction::SquaredError => "MSE per pixel + penalty",
        },
    )?;
    written.push(curve);

    let grid = dir.join(format!("{stem}.png"));
    let originals: Vec<&[f32]> = picks.iter().map(|&i| eval.image(i)).collect();
    let mut rows = vec![DigitRow::new("original", originals)];
    for s in sides {
        rows.push(DigitRow::from_concatenated(
            &s.label,
            &s.pictures,
            ImageShape::MNIST,
        ));
    }
    digit_grid(&grid, &rows, ImageShape::MNIST, 2)?;
    written.push(grid);
    for path in written {
        println!("wrote {}", ae_support::paths::shown(&path).display());
    }
    Ok(())
}
