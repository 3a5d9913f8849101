//! `cargo run --release -p ch12-making-it-fast -- epoch`: seconds per
//! 60,000-sample epoch for every model of the book, in its plain-dfdx build
//! and its fast build, against this machine's measured matrix-multiply peak.

use ch12_making_it_fast::machine;
use ch12_making_it_fast::models::*;
use ch12_making_it_fast::timing::{Timing, Training, synthetic_images, time_epochs};
use clap::{Parser, Subcommand};

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

/// mimalloc unless the `system-allocator` feature measures without it.
#[cfg(not(feature = "system-allocator"))]
#[global_allocator]
static ALLOCATOR: ae_fast::Allocator = ae_fast::Allocator;

fn main() {
    ae_support::cli::exit_quietly_on_closed_pipe();
    let cli = Cli::parse();
    let args = match cli.command {
        Some(Command::Epoch(args)) => args,
        None => EpochArgs::parse_from(["epoch"]),
    };
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

/// Times whole epochs of whichever model it is given.
struct TimeEpochs<'a> {
    rows: &'a [f32],
    args: &'a EpochArgs,
}

impl WithModel for TimeEpochs<'_> {
    type Output = Timing;
    fn run<T: Training>(self, training: T) -> Timing {
        let a = self.args;
        time_epochs(training, self.rows, a.batch_size, a.epochs, a.seed)
    }
}

fn run(model: Model, build: Build, rows: &[f32], args: &EpochArgs) -> Timing {
    build_and(model, build, args.seed, TimeEpochs { rows, args })
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
