//! Chapter 7's binary. By default: the 3-D toy, offline and in seconds,
//! printing the loss, the principal angles and both MSEs, and writing the two
//! figures. With `--mnist`: the linear autoencoder, PCA and chapter 3's model
//! on MNIST digits. Either way the numbers also go to a results file named
//! after the settings that differ from the defaults, which the book includes.

use ae_support::cli::{CommonArgs, RunResult};
use ae_support::figures::{DigitRow, ImageShape, digit_grid};
use ae_support::report::provenance;
use ch07_linear_pca::cloud::CloudShape;
use ch07_linear_pca::figures::{cloud_and_plane, codings_and_components};
use ch07_linear_pca::mnist::{MnistComparison, MnistConfig, compare, one_of_each_digit};
use ch07_linear_pca::toy::{ToyConfig, ToyResult, mixing_matrix, run_toy};
use clap::{ArgGroup, Parser};
use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    about = "Chapter 7: a linear autoencoder learns the PCA subspace. By default the \
             3-2-3 toy on a generated point cloud; with --mnist the 784-32-784 comparison."
)]
// The toy generates its points and trains full-batch for --steps: the data and
// epoch flags would do nothing there, so they are refused without --mnist.
#[command(group(
    ArgGroup::new("mnist_only")
        .args(["dataset", "data_dir", "train_split", "eval_split", "epochs", "batch_size", "pca_iterations"])
        .multiple(true)
        .requires("mnist")
))]
struct Cli {
    #[command(flatten)]
    common: CommonArgs,
    /// Run the MNIST comparison (linear autoencoder, PCA, chapter 3's model) instead of the toy.
    #[arg(long)]
    mnist: bool,
    /// MNIST: rounds of subspace iteration for PCA.
    #[arg(long, default_value_t = 50)]
    pca_iterations: usize,
    /// Toy: full-batch Adam steps.
    #[arg(long, default_value_t = DEFAULT_STEPS, conflicts_with = "mnist")]
    steps: usize,
    /// Toy: Adam's learning rate.
    #[arg(long, alias = "lr", default_value_t = DEFAULT_LEARNING_RATE, allow_negative_numbers = true,
          value_parser = positive, conflicts_with = "mnist")]
    learning_rate: f64,
    /// Toy: standard deviation of the short in-plane coordinate t (x = s + t/2, y = s/2 - t).
    #[arg(long, value_name = "STD", default_value_t = CloudShape::default().short_std,
          allow_negative_numbers = true, value_parser = standard_deviation, conflicts_with = "mnist")]
    short_std: f64,
    /// Toy: standard deviation of the noise off the plane.
    #[arg(long, value_name = "STD", default_value_t = CloudShape::default().off_plane_std,
          allow_negative_numbers = true, value_parser = standard_deviation, conflicts_with = "mnist")]
    off_plane_std: f64,
}

const DEFAULT_STEPS: usize = 1000;
const DEFAULT_LEARNING_RATE: f64 = 0.01;
const DEFAULT_EPOCHS: &str = "50";

fn standard_deviation(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        Ok(v) => Err(format!(
            "a standard deviation must be a finite number >= 0, got {v}"
        )),
        Err(_) => Err(format!("`{text}` is not a number")),
    }
}

fn positive(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
        Ok(v) => Err(format!("must be a finite number > 0, got {v}")),
        Err(_) => Err(format!("`{text}` is not a number")),
    }
}

#[global_allocator]
static ALLOCATOR: ae_fast::Allocator = ae_fast::Allocator;

fn main() -> ExitCode {
    ae_support::cli::exit_quietly_on_closed_pipe();
    ae_fast::threads::main_thread_joins_pool();
    let cli: Cli = ae_support::cli::parse(&[("epochs", DEFAULT_EPOCHS), ("batch_size", "256")]);
    ae_support::cli::exit_code(run(cli))
}

fn run(cli: Cli) -> RunResult {
    if cli.mnist {
        run_mnist(&cli.common, cli.pca_iterations)
    } else {
        run_toy_chapter(&cli)
    }
}

fn run_toy_chapter(cli: &Cli) -> RunResult {
    let dir = cli.common.prepare_figures_dir("ch07")?;
    let config = ToyConfig {
        shape: CloudShape {
            short_std: cli.short_std,
            off_plane_std: cli.off_plane_std,
            ..CloudShape::default()
        },
        seed: cli.common.seed,
        steps: cli.steps,
        learning_rate: cli.learning_rate,
        ..ToyConfig::default()
    };
    let mut text = format!(
        "3-2-3 linear autoencoder on {} points near a plane (seed {}), full-batch Adam, \
         learning rate {}, {} steps\n",
        config.points, config.seed, config.learning_rate, config.steps
    );
    print!("{text}");
    let every = (config.steps / 10).max(1);
    let result = run_toy(&config, |step, loss| {
        if step % every == 0 || step == config.steps {
            let line = format!("  step {step:>5}  MSE {loss:.6}\n");
            if !cli.common.quiet {
                print!("{line}");
            }
            text.push_str(&line);
        }
    });
    let report = toy_report(&result);
    print!("{report}");
    text.push_str(&report);
    let results = dir.join(results_name("toy", &toy_flags(cli)));
    ae_support::atomic::write_file(&results, &text)?;
    if !result.autoencoder_mse.is_finite() {
        return Err("the loss became NaN or infinite: try a smaller --learning-rate".into());
    }

    let plane = dir.join("cloud-and-plane.svg");
    let codings = dir.join("codings-vs-pca.svg");
    cloud_and_plane(&plane, &result)?;
    codings_and_components(&codings, &result)?;
    println!();
    for path in [&results, &plane, &codings] {
        println!("wrote {}", ae_support::paths::shown(path).display());
    }
    Ok(())
}

/// The toy flags that differ from their defaults, as `(name, value)`.
fn toy_flags(cli: &Cli) -> Vec<(&'static str, String)> {
    let shape = CloudShape::default();
    let mut flags = Vec::new();
    if cli.common.seed != 42 {
        flags.push(("seed", cli.common.seed.to_string()));
    }
    if cli.short_std != shape.short_std {
        flags.push(("short-std", cli.short_std.to_string()));
    }
    if cli.off_plane_std != shape.off_plane_std {
        flags.push(("off-plane-std", cli.off_plane_std.to_string()));
    }
    if cli.steps != DEFAULT_STEPS {
        flags.push(("steps", cli.steps.to_string()));
    }
    if cli.learning_rate != DEFAULT_LEARNING_RATE {
        flags.push(("learning-rate", cli.learning_rate.to_string()));
    }
    flags
}

/// `toy.txt` for the default run, `toy-seed9-short-std0.4.txt` for another:
/// each run the book shows keeps its own file.
fn results_name(kind: &str, flags: &[(&str, String)]) -> String {
    let mut name = kind.to_string();
    for (flag, value) in flags {
        let _ = write!(name, "-{flag}{value}");
    }
    name + ".txt"
}

fn toy_report(r: &ToyResult) -> String {
    let [v1, v2] = [r.pca.variances[0], r.pca.variances[1]];
    let v3 = r.pca.total_variance - v1 - v2;
    let (a, b) = mixing_matrix(r);
    format!(
        "\nexact PCA (Jacobi): variances {v1:.4}, {v2:.4}, {v3:.4}\n\
         principal angles between the decoder's plane and PCA's: {:.4}° and {:.4}°\n\
         reconstruction MSE: autoencoder {:.6}, PCA {:.6} (optimum; {:+.3}%)\n\
         projecting straight onto the learned plane instead: MSE {:.6} ({:+.3}%)\n\
         codings = A * (principal components) + b with\n  \
         A = [[{:6.3}, {:6.3}],\n       [{:6.3}, {:6.3}]],  b = [{:.3}, {:.3}]\n",
        r.angles_degrees[0],
        r.angles_degrees[1],
        r.autoencoder_mse,
        r.pca_mse,
        100.0 * r.excess_mse(),
        r.plane_mse,
        100.0 * (r.plane_mse / r.pca_mse - 1.0),
        a[0][0],
        a[0][1],
        a[1][0],
        a[1][1],
        b[0],
        b[1]
    )
}

fn run_mnist(common: &CommonArgs, pca_iterations: usize) -> RunResult {
    let dir = common.prepare_figures_dir("ch07")?;
    let (train, eval) = common.load_splits()?;
    println!(
        "training on {} ({} images), evaluating on {} ({} images)",
        train.description,
        train.len(),
        eval.description,
        eval.len()
    );
    let config = MnistConfig {
        pca_iterations,
        ..MnistConfig::new(common.fit_config())
    };
    let shown = one_of_each_digit(&eval);
    let started = std::time::Instant::now();
    let result = compare(&train, &eval, &shown, &config)?;
    let text = format!(
        "{}{}",
        provenance("ch07-linear-pca", &train, &eval),
        mnist_report(&result, &config)
    );
    print!("\n{text}");
    // This machine's time: printed, not kept in the results.
    println!("(took {:.0} s)", started.elapsed().as_secs_f64());

    let mut flags = Vec::new();
    if common.epochs.to_string() != DEFAULT_EPOCHS {
        flags.push(("epochs", common.epochs.to_string()));
    }
    let results = dir.join(results_name("mnist", &flags));
    ae_support::atomic::write_file(&results, &text)?;
    let grid = dir.join("mnist-reconstructions.png");
    write_grid(&grid, &eval, &result)?;
    for path in [&results, &grid] {
        println!("wrote {}", ae_support::paths::shown(path).display());
    }
    Ok(())
}

fn mnist_report(r: &MnistComparison, config: &MnistConfig) -> String {
    let epochs = config.fit.epochs;
    let mut text = format!(
        "settings: {epochs} epochs, batch size {}, seed {}; linear autoencoder: Adam, \
         learning rate {}; chapter 3's model: chapter 3's Adam and initial weights\n\n",
        config.fit.batch_size, config.fit.seed, config.learning_rate
    );
    let _ = writeln!(text, "reconstruction MSE per pixel:");
    let _ = writeln!(
        text,
        "  {:<52} {:>12} {:>12}",
        "model", "train MSE", "eval MSE"
    );
    let rows = [
        ("PCA, 32 components (subspace iteration)", r.pca),
        ("linear autoencoder 784-32-784, MSE loss", r.linear),
        (
            "chapter 3: ReLU code, sigmoid output, BCE loss",
            r.nonlinear,
        ),
    ];
    for (name, m) in rows {
        let _ = writeln!(text, "  {name:<52} {:>12.6} {:>12.6}", m.train, m.eval);
    }
    let last = |losses: &[f32]| losses.last().copied().unwrap_or(f32::NAN);
    let h = &r.nonlinear_history;
    let _ = writeln!(
        text,
        "chapter 3's model, its own loss (binary cross-entropy per pixel, as in chapter 3's \
         results): training {:.4}, validation {:.4}",
        last(&h.train_loss),
        last(&h.validation_loss)
    );
    let _ = writeln!(
        text,
        "PCA keeps {:.3}% of the training images' variance; its optimum there is {:.6} \
         (from the eigenvalues); the linear autoencoder is {:+.2}% above it",
        100.0 * r.explained_variance,
        r.pca_train_optimum,
        100.0 * (r.linear.train / r.pca_train_optimum - 1.0)
    );
    let _ = writeln!(
        text,
        "subspace iteration: the PCA subspace moved by at most {:.4}° in its second half of rounds",
        r.pca_convergence_degrees
    );
    let [v1, v31, v32, v33] = r.variances_at_cut;
    let _ = writeln!(
        text,
        "variance along principal directions 1, 31, 32 and 33: {v1:.4}, {v31:.4}, {v32:.4}, {v33:.4}"
    );
    let angles = &r.angles_degrees;
    let _ = writeln!(
        text,
        "principal angles, linear decoder vs PCA subspace after {epochs} epochs: smallest {:.2}°, \
         median {:.2}°, largest {:.2}°",
        angles[0],
        angles[angles.len() / 2],
        angles[angles.len() - 1]
    );
    text
}

fn write_grid(path: &Path, eval: &ae_support::data::Images, r: &MnistComparison) -> RunResult {
    let originals: Vec<f32> = r
        .shown
        .iter()
        .flat_map(|&i| eval.image(i).to_vec())
        .collect();
    let shape = ImageShape::MNIST;
    let rows = [
        DigitRow::from_concatenated("original", &originals, shape),
        DigitRow::from_concatenated("PCA, 32 components", &r.shown_reconstructions[0], shape),
        DigitRow::from_concatenated("linear autoencoder", &r.shown_reconstructions[1], shape),
        DigitRow::from_concatenated(
            "chapter 3's autoencoder",
            &r.shown_reconstructions[2],
            shape,
        ),
    ];
    digit_grid(path, &rows, shape, 2)?;
    Ok(())
}
