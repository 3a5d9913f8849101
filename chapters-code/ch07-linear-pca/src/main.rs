//! Chapter 7's binary. By default: the 3-D toy, offline and in seconds,
//! printing the loss, the principal angles and both MSEs, and writing the two
//! figures. With `--mnist`: the linear autoencoder, PCA and chapter 3's model
//! on MNIST digits.

use ae_support::cli::{CommonArgs, RunResult};
use ae_support::figures::{DigitRow, ImageShape, digit_grid};
use ch07_linear_pca::cloud::CloudShape;
use ch07_linear_pca::figures::{cloud_and_plane, codings_and_components};
use ch07_linear_pca::mnist::{MnistComparison, MnistConfig, compare, one_of_each_digit};
use ch07_linear_pca::toy::{ToyConfig, ToyResult, mixing_matrix, run_toy};
use clap::Parser;
use std::path::Path;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    about = "Chapter 7: a linear autoencoder learns the PCA subspace. By default the \
             3-2-3 toy on a generated point cloud; with --mnist the 784-32-784 comparison."
)]
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
    #[arg(long, default_value_t = 1000)]
    steps: usize,
    /// Toy: Adam's learning rate.
    #[arg(long, default_value_t = 0.01, allow_negative_numbers = true, value_parser = positive)]
    learning_rate: f64,
    /// Toy: standard deviation of the short in-plane coordinate t (x = s + t/2, y = s/2 - t).
    #[arg(long, value_name = "STD", default_value_t = CloudShape::default().short_std,
          allow_negative_numbers = true, value_parser = standard_deviation)]
    short_std: f64,
    /// Toy: standard deviation of the noise off the plane.
    #[arg(long, value_name = "STD", default_value_t = CloudShape::default().off_plane_std,
          allow_negative_numbers = true, value_parser = standard_deviation)]
    off_plane_std: f64,
}

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
    let cli: Cli = ae_support::cli::parse(&[("epochs", "50"), ("batch_size", "256")]);
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
    cli.common.prepare_figures_dir("ch07")?;
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
    println!(
        "3-2-3 linear autoencoder on {} points near a plane (seed {}), full-batch Adam, lr {}, {} steps",
        config.points, config.seed, config.learning_rate, config.steps
    );
    let every = (config.steps / 10).max(1);
    let result = run_toy(&config, |step, loss| {
        if !cli.common.quiet && (step % every == 0 || step == config.steps) {
            println!("  step {step:>5}  MSE {loss:.6}");
        }
    });
    report_toy(&result);
    if !result.autoencoder_mse.is_finite() {
        return Err("the loss became NaN or infinite: try a smaller --learning-rate".into());
    }

    let dir = cli.common.figures_dir("ch07");
    std::fs::create_dir_all(&dir)?;
    let dir = std::fs::canonicalize(&dir)?;
    let plane = dir.join("cloud-and-plane.svg");
    let codings = dir.join("codings-vs-pca.svg");
    cloud_and_plane(&plane, &result)?;
    codings_and_components(&codings, &result)?;
    println!("\nfigures: {}, {}", plane.display(), codings.display());
    Ok(())
}

fn report_toy(r: &ToyResult) {
    let [v1, v2] = [r.pca.variances[0], r.pca.variances[1]];
    let v3 = r.pca.total_variance - v1 - v2;
    println!("\nexact PCA (Jacobi): variances {v1:.4}, {v2:.4}, {v3:.4}");
    println!(
        "principal angles between the decoder's plane and PCA's: {:.4}° and {:.4}°",
        r.angles_degrees[0], r.angles_degrees[1]
    );
    println!(
        "reconstruction MSE: autoencoder {:.6}, PCA {:.6} (optimum; {:+.3}%)",
        r.autoencoder_mse,
        r.pca_mse,
        100.0 * r.excess_mse()
    );
    println!(
        "projecting straight onto the learned plane instead: MSE {:.6} ({:+.3}%)",
        r.plane_mse,
        100.0 * (r.plane_mse / r.pca_mse - 1.0)
    );
    let (a, b) = mixing_matrix(r);
    println!(
        "codings = A * (principal components) + b with A = [[{:.3}, {:.3}], [{:.3}, {:.3}]], b = [{:.3}, {:.3}]",
        a[0][0], a[0][1], a[1][0], a[1][1], b[0], b[1]
    );
}

fn run_mnist(common: &CommonArgs, pca_iterations: usize) -> RunResult {
    common.prepare_figures_dir("ch07")?;
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
    report_mnist(&result, common.epochs);
    println!("(took {:.0} s)", started.elapsed().as_secs_f64());

    let dir = common.figures_dir("ch07");
    std::fs::create_dir_all(&dir)?;
    let path = std::fs::canonicalize(&dir)?.join("mnist-reconstructions.png");
    write_grid(&path, &eval, &result)?;
    println!("figure: {}", path.display());
    Ok(())
}

fn report_mnist(r: &MnistComparison, epochs: usize) {
    let (train, eval) = (&r.train_description, &r.eval_description);
    println!("\nreconstruction MSE per pixel (trained on {train}, evaluated on {eval}):");
    println!("  {:<52} {:>12} {:>12}", "model", "train MSE", "eval MSE");
    let rows = [
        ("PCA, 32 components (subspace iteration)", r.pca),
        ("linear autoencoder 784-32-784, MSE loss", r.linear),
        (
            "chapter 3: ReLU code, sigmoid output, BCE loss",
            r.nonlinear,
        ),
    ];
    for (name, m) in rows {
        println!("  {name:<52} {:>12.6} {:>12.6}", m.train, m.eval);
    }
    println!(
        "PCA keeps {:.3}% of the variance of {train}; its optimum there is {:.6} (from the eigenvalues)",
        100.0 * r.explained_variance,
        r.pca_train_optimum
    );
    println!(
        "subspace iteration: the PCA subspace moved by at most {:.4}° in its second half of rounds",
        r.pca_convergence_degrees
    );
    let [v1, v31, v32, v33] = r.variances_at_cut;
    println!(
        "variance along principal directions 1, 31, 32 and 33: {v1:.4}, {v31:.4}, {v32:.4}, {v33:.4}"
    );
    let angles = &r.angles_degrees;
    println!(
        "principal angles, linear decoder vs PCA subspace after {epochs} epochs: smallest {:.2}°, median {:.2}°, largest {:.2}°",
        angles[0],
        angles[angles.len() / 2],
        angles[angles.len() - 1]
    );
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
