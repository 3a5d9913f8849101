//! `cargo run --release -p ch12-making-it-fast -- epoch`: seconds per
//! 60,000-sample epoch for every model of the book, in its plain-dfdx build
//! and its fast build, against this machine's measured matrix-multiply peak.
//! `-- compare` sets the builds beside Keras 3, in interleaved rounds, and
//! writes the chapter's results file.

use ae_support::cli::OutputArgs;
use ch12_making_it_fast::compare::{self, BatchResults, KerasRun};
use ch12_making_it_fast::machine;
use ch12_making_it_fast::models::*;
use ch12_making_it_fast::timing::{Timing, synthetic_images};
use clap::{Parser, Subcommand};
use std::error::Error;
use std::process::{Command as Process, ExitCode};

#[derive(Parser)]
#[command(about = "Times training epochs of the book's models, plain dfdx against fused layers")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Time whole training epochs (the default).
    Epoch(EpochArgs),
    /// Time the builds and Keras 3 in interleaved rounds and write the
    /// chapter's results file.
    Compare(CompareArgs),
}

#[derive(Parser, Clone)]
struct EpochArgs {
    /// Models to time: the dense ones by default; `conv-chollet` and
    /// `conv-keras` are chapter 9's, in their plain build only.
    #[arg(long, value_delimiter = ',', default_values_t = Model::ALL.to_vec(), value_enum)]
    models: Vec<Model>,
    /// Builds to time: stock dfdx layers and losses, or the fused ones.
    #[arg(long, value_delimiter = ',', default_values_t = vec![Build::Plain, Build::Fast], value_enum)]
    builds: Vec<Build>,
    #[arg(long, default_value_t = 256)]
    batch_size: usize,
    /// Timed epochs per model, after one warm-up epoch; the table shows the median.
    #[arg(long, default_value_t = 3)]
    epochs: usize,
    /// Images per epoch.
    #[arg(long, default_value_t = 60_000)]
    samples: usize,
    /// Seeds the weights, the images and the shuffling.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Leave the main thread out of rayon's pool, as a program that does not
    /// call `ae_fast::threads::main_thread_joins_pool` does.
    #[arg(long)]
    main_thread_waits: bool,
}

#[derive(Parser, Clone)]
struct CompareArgs {
    /// Models to compare.
    #[arg(long, value_delimiter = ',', default_values_t = Model::ALL.to_vec(), value_enum)]
    models: Vec<Model>,
    /// Batch sizes: chapter 3's 256 and chapters 5 and 6's 32.
    #[arg(long, value_delimiter = ',', default_values_t = vec![256, 32])]
    batch_sizes: Vec<usize>,
    /// Batch sizes at which the plain build is timed too (it is slow).
    #[arg(long, value_delimiter = ',', default_values_t = vec![256])]
    plain_batch_sizes: Vec<usize>,
    /// Rounds; the table shows each time's median and range over them.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u16).range(1..))]
    rounds: u16,
    /// Images per epoch.
    #[arg(long, default_value_t = 60_000)]
    samples: usize,
    /// The Python that has Keras 3 and JAX (`pip install "jax[cpu]" keras`).
    #[arg(long, default_value = "python3")]
    python: String,
    #[command(flatten)]
    output: OutputArgs,
}

/// Timed epochs per model in each round, after one warm-up, as the Keras
/// script times them.
const COMPARE_EPOCHS: usize = 3;

/// mimalloc unless the `system-allocator` feature measures without it.
#[cfg(not(feature = "system-allocator"))]
#[global_allocator]
static ALLOCATOR: ae_fast::Allocator = ae_fast::Allocator;

fn main() -> ExitCode {
    ae_support::cli::exit_quietly_on_closed_pipe();
    let cli = Cli::parse();
    let args = match cli.command {
        Some(Command::Epoch(args)) => args,
        Some(Command::Compare(args)) => {
            ae_fast::threads::main_thread_joins_pool();
            return ae_support::cli::exit_code(compare(&args));
        }
        None => EpochArgs::parse_from(["epoch"]),
    };
    epoch(args);
    ExitCode::SUCCESS
}

fn epoch(args: EpochArgs) {
    if args.epochs == 0 || args.batch_size == 0 || args.samples == 0 {
        eprintln!("error: --epochs, --batch-size and --samples must be at least 1");
        std::process::exit(2);
    }
    if !args.main_thread_waits {
        ae_fast::threads::main_thread_joins_pool();
    }
    let peaks = machine::matmul_peaks();
    let peak = peaks.best();
    println!(
        "{} ({}), {} threads (main thread {}), {}; matmul peak {peak:.0} GFLOP/s \
         (1024 x 1024 f32: dfdx {:.0}, gemm 0.19 {:.0})",
        machine::cpu_name(),
        machine::vector_width(),
        rayon::current_num_threads(),
        if args.main_thread_waits {
            "waiting"
        } else {
            "working"
        },
        machine::allocator(),
        peaks.dfdx,
        peaks.fast,
    );
    println!(
        "{} random MNIST-like images per epoch, batch {}, Adam; median of {} epochs after 1 warm-up\n",
        args.samples, args.batch_size, args.epochs
    );
    println!(
        "| model | build | s/epoch | samples/s | GFLOP/s | x FLOP limit | peak RSS | loss, last epoch |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let rows = synthetic_images(args.samples, args.seed);
    for &model in &args.models {
        for &build in args.builds.iter().filter(|&&b| model.has_build(b)) {
            machine::reset_peak_rss();
            let timing = run(model, build, &rows, &args);
            print_row(model, build, &timing, &args, peak);
        }
    }
}

fn run(model: Model, build: Build, rows: &[f32], args: &EpochArgs) -> Timing {
    time_model(model, build, rows, args.batch_size, args.epochs, args.seed)
}

fn print_row(model: Model, build: Build, timing: &Timing, args: &EpochArgs, peak_gflops: f64) {
    let seconds = timing.median_seconds();
    let samples_per_second = args.samples as f64 / seconds;
    let gflops = model.training_flops_per_sample() * samples_per_second / 1e9;
    // The FLOP limit: an epoch's arithmetic at the measured peak rate.
    let limit = model.training_flops_per_sample() * args.samples as f64 / (peak_gflops * 1e9);
    let rss = machine::peak_rss_bytes()
        .map(|b| format!("{:.0} MiB", b as f64 / (1024.0 * 1024.0)))
        .unwrap_or_else(|| "n/a".into());
    println!(
        "| {} | {} | {seconds:.3} | {samples_per_second:.0} | {gflops:.1} | {:.1} | {rss} | {:.4} |",
        model.layout(),
        build.name(),
        seconds / limit,
        timing.losses.last().copied().unwrap_or(f32::NAN),
    );
}

/// The rounds of `compare`, and its results file.
fn compare(args: &CompareArgs) -> Result<(), Box<dyn Error>> {
    let dir = args.output.prepare("ch12")?;
    let script = ae_support::paths::workspace_dir()
        .join("chapters-code/ch12-making-it-fast/compare/keras_epoch.py");
    let names: Vec<String> = args
        .models
        .iter()
        .map(|m| {
            clap::ValueEnum::to_possible_value(m)
                .map_or_else(String::new, |v| v.get_name().to_string())
        })
        .collect();
    // Fail now, not after the first round's dfdx timings.
    python(args, &["-c", "import keras"])?;
    let rows = synthetic_images(args.samples, 0);
    let mut batches: Vec<BatchResults> = args
        .batch_sizes
        .iter()
        .map(|&b| BatchResults::new(b, &args.models))
        .collect();
    let mut keras = String::from("Keras 3");
    for round in 1..=args.rounds {
        for batch in &mut batches {
            let size = batch.batch_size;
            eprintln!("round {round} of {}, batch {size}: dfdx", args.rounds);
            let builds: &[Build] = match args.plain_batch_sizes.contains(&size) {
                true => &[Build::Plain, Build::Fast],
                false => &[Build::Fast],
            };
            for &model in &args.models {
                for &build in builds {
                    let t = time_model(model, build, &rows, size, COMPARE_EPOCHS, 0);
                    let loss = t.losses.last().copied().unwrap_or(f32::NAN);
                    batch.series(model, build).push(t.median_seconds(), loss);
                }
            }
            eprintln!("round {round} of {}, batch {size}: Keras", args.rounds);
            let run = run_keras(args, &script, &names.join(","), size)?;
            keras = run.keras().to_string();
            for &model in &args.models {
                let (seconds, loss) = run.row(model.layout()).ok_or_else(|| {
                    format!("the Keras script printed no row for {}", model.layout())
                })?;
                batch.keras(model).push(seconds, loss);
            }
        }
    }
    let heading = format!(
        "Measured by `cargo run --release -p ch12-making-it-fast -- compare` on {} ({}), \
         {} threads, against {keras}: {} random MNIST-like images per epoch, Adam; \
         seconds per epoch, the median of {} rounds (the range in brackets), each round's \
         own number the median of {COMPARE_EPOCHS} epochs after one warm-up; each round \
         times the builds and then Keras, at each batch size.",
        machine::cpu_name(),
        machine::vector_width(),
        rayon::current_num_threads(),
        args.samples,
        args.rounds,
    );
    let text = compare::results_markdown(&heading, &keras, &batches);
    print!("{text}");
    let path = dir.join(compare::results_file_name(machine::vector_width()));
    ae_support::atomic::write_file(&path, &text)?;
    eprintln!("wrote {}", ae_support::paths::shown(&path).display());
    Ok(())
}

/// One run of the Keras script at `batch_size`; its table, read.
fn run_keras(
    args: &CompareArgs,
    script: &std::path::Path,
    models: &str,
    batch_size: usize,
) -> Result<KerasRun, Box<dyn Error>> {
    let stdout = python(
        args,
        &[
            &script.to_string_lossy(),
            "--models",
            models,
            "--batch-size",
            &batch_size.to_string(),
            "--samples",
            &args.samples.to_string(),
        ],
    )?;
    Ok(KerasRun::parse(&stdout)?)
}

/// Runs `--python` with `argv` and Keras on JAX (unless `KERAS_BACKEND`
/// names another backend); its standard output, or why it failed.
fn python(args: &CompareArgs, argv: &[&str]) -> Result<String, Box<dyn Error>> {
    let mut command = Process::new(&args.python);
    command.args(argv);
    if std::env::var_os("KERAS_BACKEND").is_none() {
        command.env("KERAS_BACKEND", "jax");
    }
    let out = command.output().map_err(|e| {
        format!(
            "cannot run {} ({e}); name the Python that has Keras with --python",
            args.python
        )
    })?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(5).collect();
        return Err(format!(
            "{} failed ({}); install Keras 3 and JAX with `pip install \"jax[cpu]\" keras`, \
             or name another Python with --python. Its last words:\n{}",
            args.python,
            out.status,
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        )
        .into());
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}
