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

use ae_support::cli::{CommonArgs, RunResult};
use ae_support::data::Dataset;
use ae_support::report::provenance;
use ch05_denoising::geron::{geron_config, geron_fashion_split, mean_squared_error};
use ch06_sparse::geron::{
    GERON_CODE, GERON_L1, GERON_SPARSE_EPOCHS, GeronSparseAutoencoder, fit_with_nadam,
};
use ch06_sparse::report::{
    Experiment, GeronRun, Outcome, geron_results_text, results_text, write_figures,
};
use ch06_sparse::{
    CodeStats, KL_CODE_SIZE, KlAutoencoder, Reconstruction, SimpleAutoencoder, Sparsity,
    TargetActivation, Weight, encode_all, train_and_measure,
};
use clap::{CommandFactory, Parser};
use dfdx::prelude::*;
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
    /// Weight of the L1 penalty (`--penalty l1` only), per image: loss =
    /// reconstruction + λ·Σ|code|, averaged over the batch. Several values,
    /// separated by commas, train one sparse model each [default: Dertat's
    /// 1e-5, summed over batches of 32 in the Keras of the time, in this
    /// book's convention]
    #[arg(
        long,
        value_delimiter = ',',
        allow_hyphen_values = true,
        value_name = "LAMBDA"
    )]
    lambda: Option<Vec<Weight>>,
    /// Weight of the KL penalty (`--penalty kl` only), per batch: loss =
    /// reconstruction + β·Σ_j KL(target ‖ mean activation of unit j).
    /// Several values, separated by commas, train one sparse model each
    /// [default: Géron's 5e-3 divided by his batch size of 32, as tf.keras
    /// applied it]
    #[arg(
        long,
        value_delimiter = ',',
        allow_hyphen_values = true,
        value_name = "BETA"
    )]
    beta: Option<Vec<Weight>>,
    /// Mean activation the KL penalty steers each code unit towards
    /// (`--penalty kl` only) [default: Géron's 0.1]
    #[arg(long, allow_hyphen_values = true)]
    target: Option<TargetActivation>,
    /// Géron's runs instead, with his settings (MSE, Nadam, 10 epochs,
    /// batch 32, Fashion-MNIST train[:55000] -> train[55000:]): his sparse
    /// model (784-100-300 sigmoid code, L1 1e-4) and the KL model with his
    /// weight and target.
    #[arg(
        long,
        conflicts_with_all = ["penalty", "lambda", "beta", "target", "epochs", "batch_size",
                              "dataset", "train_split", "eval_split"]
    )]
    geron: bool,
}

/// Dertat's 20 epochs; other counts are named in the files.
const EPOCHS: &str = "20";

#[global_allocator]
static ALLOCATOR: ae_fast::Allocator = ae_fast::Allocator;

fn main() -> ExitCode {
    ae_support::cli::exit_quietly_on_closed_pipe();
    ae_fast::threads::main_thread_joins_pool();
    let cli: Cli = ae_support::cli::parse(&[("epochs", EPOCHS), ("batch_size", "32")]);
    refuse_flags_of_the_other_penalty(&cli);
    if cli.geron {
        ae_support::cli::exit_code(geron(&cli.common))
    } else {
        ae_support::cli::exit_code(run(cli))
    }
}

/// `--lambda` weighs only the L1 penalty, `--beta` and `--target` only the
/// KL penalty: given with the other one, they would silently do nothing.
fn refuse_flags_of_the_other_penalty(cli: &Cli) {
    let unused = match cli.penalty {
        Penalty::L1 if cli.beta.is_some() => Some("--beta"),
        Penalty::L1 if cli.target.is_some() => Some("--target"),
        Penalty::Kl if cli.lambda.is_some() => Some("--lambda"),
        _ => None,
    };
    if let Some(flag) = unused {
        let other = if flag == "--lambda" { "l1" } else { "kl" };
        Cli::command()
            .error(
                clap::error::ErrorKind::ArgumentConflict,
                format!("{flag} applies only to --penalty {other}"),
            )
            .exit();
    }
}

fn run(cli: Cli) -> RunResult {
    let common = &cli.common;
    let figures = common.prepare_figures_dir("ch06")?;
    let (train, eval) = common.load_splits()?;
    let (experiment, sparse) = experiment(&cli);
    println!(
        "Sparse autoencoders on {}: {}",
        common.dataset.display_name(),
        experiment.layout
    );
    println!(
        "{}",
        ae_support::report::trained_and_evaluated_on(&train, &eval)
    );

    let config = common.fit_config();
    let picks = eval.first_of_each_class();
    let mut runs = vec![("standard".to_string(), Sparsity::None)];
    runs.extend(sparse);
    let mut outcomes: Vec<Outcome> = Vec::new();
    for (label, sparsity) in runs {
        println!("training the {label} model ({sparsity})");
        let run = (label, sparsity);
        // The same seed for every model: identical initial weights.
        let dev = Cpu::seed_from_u64(common.seed);
        let reconstruction = experiment.reconstruction;
        outcomes.push(match cli.penalty {
            Penalty::L1 => train_and_measure(
                run,
                dev.build_module::<SimpleAutoencoder, f32>(),
                &train,
                &eval,
                &picks,
                &config,
                reconstruction,
            )?,
            Penalty::Kl => train_and_measure(
                run,
                dev.build_module::<KlAutoencoder, f32>(),
                &train,
                &eval,
                &picks,
                &config,
                reconstruction,
            )?,
        });
    }

    let training = format!(
        "Adam (lr 0.001), batch {}, epochs {}, seed {}; every model starts from the same \
         weights and sees the same batches",
        common.batch_size, common.epochs, common.seed
    );
    let text = results_text(
        &provenance("ch06-sparse", &train, &eval),
        &experiment,
        &training,
        &eval,
        &outcomes,
    );
    print!("{text}");
    let stem = file_stem(&cli);
    // The numbers first: should a figure fail, they are kept.
    let results = figures.join(format!("{stem}-results.txt"));
    ae_support::atomic::write_file(&results, &text)?;
    let mut written = vec![results];
    written.extend(write_figures(
        &figures,
        &stem,
        &experiment,
        &train.description,
        &eval,
        &picks,
        &outcomes,
    )?);
    for path in written {
        println!("wrote {}", ae_support::paths::shown(&path).display());
    }
    Ok(())
}

/// Géron's sparse model and the KL model, both trained with Nadam, on his
/// split of Fashion-MNIST.
fn geron(common: &CommonArgs) -> RunResult {
    let figures = common.prepare_figures_dir("ch06")?;
    let (train, eval) = geron_fashion_split(common.data_dir.as_deref())?;
    println!(
        "{}",
        ae_support::report::trained_and_evaluated_on(&train, &eval)
    );
    let config = geron_config(GERON_SPARSE_EPOCHS, &common.fit_config());
    let mut runs = Vec::new();
    let l1 = Sparsity::L1 { lambda: GERON_L1 };
    println!("training Géron's sparse model ({l1})");
    let model = Cpu::seed_from_u64(config.seed).build_module::<GeronSparseAutoencoder, f32>();
    let trained = fit_with_nadam(model, &train.pixels, &eval.pixels, &config, l1)?;
    let codes = encode_all(&trained.model.0, &eval.pixels);
    runs.push(GeronRun {
        label: format!("784-100-300 sigmoid, L1 λ = {GERON_L1}"),
        mse: mean_squared_error(&trained.model, &eval.pixels, &eval.pixels),
        loss: last(&trained.history.validation_loss),
        stats: CodeStats::of(&codes, GERON_CODE),
        history: trained.history,
    });

    let (beta, target) = (Weight::GERON_BETA.get(), TargetActivation::GERON.get());
    let kl = Sparsity::Kl { beta, target };
    println!("training the KL model with Nadam ({kl})");
    let model = Cpu::seed_from_u64(config.seed).build_module::<KlAutoencoder, f32>();
    let trained = fit_with_nadam(model, &train.pixels, &eval.pixels, &config, kl)?;
    let codes = encode_all(&trained.model.0, &eval.pixels);
    runs.push(GeronRun {
        label: format!("784-100-300 sigmoid, KL β = {beta}, target {target}"),
        mse: mean_squared_error(&trained.model, &eval.pixels, &eval.pixels),
        loss: last(&trained.history.validation_loss),
        stats: CodeStats::of(&codes, KL_CODE_SIZE),
        history: trained.history,
    });

    let settings = format!(
        "784-100-300-100-784 (ReLU, sigmoid code, ReLU, linear output), MSE, Nadam (Keras 3 \
         defaults), {} epochs, batch {}, seed {}",
        config.epochs, config.batch_size, config.seed
    );
    let text = geron_results_text(&provenance("ch06-sparse", &train, &eval), &settings, &runs);
    print!("\n{text}");
    let results = figures.join("geron-fashion-results.txt");
    ae_support::atomic::write_file(&results, &text)?;
    println!("wrote {}", ae_support::paths::shown(&results).display());
    Ok(())
}

fn last(losses: &[f32]) -> f32 {
    losses.last().copied().unwrap_or(f32::NAN)
}

/// What the models share, and the sparse models' labels and penalties.
fn experiment(cli: &Cli) -> (Experiment, Vec<(String, Sparsity)>) {
    match cli.penalty {
        Penalty::L1 => {
            let sparse = lambdas(cli)
                .iter()
                .map(|l| (format!("sparse, λ = {l}"), Sparsity::L1 { lambda: l.get() }))
                .collect();
            let experiment = Experiment {
                reconstruction: Reconstruction::CrossEntropy,
                layout: "784-32-784, 32 ReLU code units, binary cross-entropy",
                penalty: "L1 activity penalty: λ·Σ|code| per image, averaged over the batch",
                target: None,
            };
            (experiment, sparse)
        }
        Penalty::Kl => {
            let target = cli.target.unwrap_or(TargetActivation::GERON).get();
            let sparse = betas(cli)
                .iter()
                .map(|b| {
                    let sparsity = Sparsity::Kl {
                        beta: b.get(),
                        target,
                    };
                    (format!("sparse, β = {b}"), sparsity)
                })
                .collect();
            let experiment = Experiment {
                reconstruction: Reconstruction::SquaredError,
                layout: "784-100-300-100-784, 300 sigmoid code units, mean squared error",
                penalty: "KL sparsity penalty: β·Σ_j KL(target ‖ mean activation of unit j \
                          over the batch), once per batch",
                target: Some(target),
            };
            (experiment, sparse)
        }
    }
}

fn lambdas(cli: &Cli) -> Vec<Weight> {
    cli.lambda.clone().unwrap_or(vec![Weight::DERTAT_LAMBDA])
}

fn betas(cli: &Cli) -> Vec<Weight> {
    cli.beta.clone().unwrap_or(vec![Weight::GERON_BETA])
}

/// `l1-mnist`, `kl-fashion`, with suffixes when the weights or the epochs
/// differ from the defaults, so that one run never overwrites another's.
fn file_stem(cli: &Cli) -> String {
    let stem = penalty_stem(cli);
    if cli.common.epochs.to_string() == EPOCHS {
        stem
    } else {
        format!("{stem}-epochs{}", cli.common.epochs)
    }
}

fn penalty_stem(cli: &Cli) -> String {
    let dataset = match cli.common.dataset {
        Dataset::Mnist => "mnist",
        Dataset::Fashion => "fashion",
    };
    let list = |weights: &[Weight]| {
        let each: Vec<String> = weights.iter().map(Weight::to_string).collect();
        each.join("-")
    };
    let target = cli.target.unwrap_or(TargetActivation::GERON);
    match cli.penalty {
        Penalty::L1 if lambdas(cli) != [Weight::DERTAT_LAMBDA] => {
            format!("l1-{dataset}-lambda{}", list(&lambdas(cli)))
        }
        Penalty::L1 => format!("l1-{dataset}"),
        Penalty::Kl if betas(cli) != [Weight::GERON_BETA] || target != TargetActivation::GERON => {
            format!("kl-{dataset}-beta{}-target{target}", list(&betas(cli)))
        }
        Penalty::Kl => format!("kl-{dataset}"),
    }
}
