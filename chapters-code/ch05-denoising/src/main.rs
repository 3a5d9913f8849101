//! Chapter 5's binary: trains one of chapter 3's autoencoders to remove
//! Gaussian noise, prints the PSNR before and after, and writes the figures
//! and a results file; with `--geron`, Géron's two denoisers instead.

use ae_support::cli::{CommonArgs, RunResult};
use ae_support::data::{Dataset, IMAGE_PIXELS, Images};
use ae_support::report::provenance;
use ch03_simple_autoencoder::Architecture;
use ch05_denoising::geron::{
    GERON_DENOISER_EPOCHS, GERON_DROPOUT, GERON_GAUSSIAN, geron_config, geron_fashion_split,
    predict, train_geron_denoiser,
};
use ch05_denoising::report::{geron_results_text, results_text, write_figures, write_geron_grid};
use ch05_denoising::{NoiseConfig, NoiseFactor, NoiseSchedule, NoisySet, TrainAndScore};
use clap::Parser;
use std::path::Path;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    about = "Chapter 5: a denoising autoencoder. Trains one of chapter 3's autoencoders on \
             noisy images with clean targets and reports the PSNR before and after; \
             --geron trains Géron's two denoisers on Fashion-MNIST instead."
)]
struct Cli {
    #[command(flatten)]
    common: CommonArgs,
    /// Standard deviation of the Gaussian noise added to every pixel before
    /// clipping to [0, 1] (0.5 in the Keras blog, 0.4 in Dertat's notebook).
    #[arg(
        long,
        default_value_t = NoiseFactor::KERAS_BLOG,
        value_name = "SIGMA",
        allow_hyphen_values = true
    )]
    noise_factor: NoiseFactor,
    /// Which of chapter 3's autoencoders to train.
    #[arg(long, value_enum, default_value_t = Architecture::Deep)]
    model: Architecture,
    /// `fresh`: new noise for every batch; `fixed`: one noisy copy of the
    /// training set, drawn before training, as in the classic examples.
    #[arg(long, value_enum, default_value_t = NoiseSchedule::Fresh)]
    noise: NoiseSchedule,
    /// Train twice, with fresh and with fixed noise, from the same initial
    /// weights, and plot both loss curves in one figure.
    #[arg(long, conflicts_with = "noise")]
    compare_schedules: bool,
    /// Géron's denoisers instead: his stacked 784-100-30 model with
    /// Dropout(0.5) and with GaussianNoise(0.2) on its input, MSE, Nadam,
    /// 10 epochs, batch 32, on Fashion-MNIST train[:55000] -> train[55000:]
    /// (his settings: --epochs, --batch-size, --dataset and the splits do
    /// not apply).
    #[arg(
        long,
        conflicts_with_all = ["noise", "compare_schedules", "noise_factor", "model",
                              "epochs", "batch_size", "dataset", "train_split", "eval_split"]
    )]
    geron: bool,
}

/// The default number of epochs; other counts are named in the files.
const EPOCHS: &str = "30";

#[global_allocator]
static ALLOCATOR: ae_fast::Allocator = ae_fast::Allocator;

fn main() -> ExitCode {
    ae_support::cli::exit_quietly_on_closed_pipe();
    ae_fast::threads::main_thread_joins_pool();
    let cli: Cli = ae_support::cli::parse(&[("epochs", EPOCHS), ("batch_size", "32")]);
    if cli.geron {
        ae_support::cli::exit_code(geron(&cli.common))
    } else {
        ae_support::cli::exit_code(run(&cli))
    }
}

fn run(cli: &Cli) -> RunResult {
    let common = &cli.common;
    let figures = common.prepare_figures_dir("ch05")?;
    let (train, eval) = common.load_splits()?;
    let schedules = if cli.compare_schedules {
        vec![NoiseSchedule::Fresh, NoiseSchedule::Fixed]
    } else {
        vec![cli.noise]
    };
    println!(
        "Denoising {}: {} autoencoder ({}), noise factor {}",
        common.dataset.display_name(),
        cli.model.name(),
        cli.model.layout(),
        cli.noise_factor,
    );
    println!(
        "{}",
        ae_support::report::trained_and_evaluated_on(&train, &eval)
    );
    let config = common.fit_config();
    // The evaluation noise has its own seed, so the scores of two runs that
    // train differently are measured on exactly the same noisy images.
    let eval_seed = common.seed.wrapping_add(2);
    let validation = NoisySet::new(&eval.pixels, cli.noise_factor, eval_seed);
    let mut outcomes = Vec::new();
    for schedule in schedules {
        println!("training with {} noise", schedule.name());
        let noise = NoiseConfig {
            factor: cli.noise_factor,
            schedule,
            seed: common.seed.wrapping_add(1),
        };
        let job = TrainAndScore {
            train: &train.pixels,
            validation: &validation,
            config: &config,
            noise,
            eval_seed,
        };
        // Same seed, same initial weights, whatever the schedule.
        outcomes.push(cli.model.build_and(common.seed, job)?);
    }

    let model = format!(
        "{} {}, Adam (lr 0.001), batch {}, {} epochs, seed {}",
        cli.model.name(),
        cli.model.layout(),
        common.batch_size,
        common.epochs,
        common.seed
    );
    let text = results_text(
        &provenance("ch05-denoising", &train, &eval),
        &model,
        cli.noise_factor,
        &eval,
        &outcomes,
    );
    print!("\n{text}");
    let stem = file_stem(cli, &train);
    // The numbers first: should a figure fail, they are kept.
    let results = figures.join(format!("{stem}-results.txt"));
    ae_support::atomic::write_file(&results, &text)?;
    let title = format!(
        "Denoising {} ({}), noise factor {}",
        common.dataset.display_name(),
        cli.model.name(),
        cli.noise_factor
    );
    let mut written = vec![results];
    written.extend(write_figures(
        &figures,
        &stem,
        &title,
        &train,
        &eval,
        &validation,
        &outcomes,
    )?);
    show(&written);
    Ok(())
}

/// Géron's two denoisers, with his settings, on his split of Fashion-MNIST.
fn geron(common: &CommonArgs) -> RunResult {
    let figures = common.prepare_figures_dir("ch05")?;
    let (train, eval) = geron_fashion_split(common.data_dir.as_deref())?;
    println!(
        "{}",
        ae_support::report::trained_and_evaluated_on(&train, &eval)
    );
    let config = geron_config(GERON_DENOISER_EPOCHS, &common.fit_config());
    let mut denoisers = Vec::new();
    for noise in [GERON_DROPOUT, GERON_GAUSSIAN] {
        println!("training Géron's denoiser with {}", noise.keras_layer());
        let denoiser = train_geron_denoiser(noise, &train.pixels, &eval.pixels, &config)?;
        denoisers.push((noise.keras_layer(), denoiser));
    }
    let settings = format!(
        "stacked 784-100-30-100-784 (ReLU, linear output), MSE, Nadam (Keras 3 defaults), \
         {} epochs, batch {}, seed {}; the noise layer is on the input during training only",
        config.epochs, config.batch_size, config.seed
    );
    let text = geron_results_text(
        &provenance("ch05-denoising", &train, &eval),
        &settings,
        &denoisers,
    );
    print!("\n{text}");
    let results = figures.join("geron-fashion-results.txt");
    ae_support::atomic::write_file(&results, &text)?;
    let shown: Vec<_> = denoisers
        .into_iter()
        .map(|(layer, d)| {
            let outputs = predict::<_, IMAGE_PIXELS, IMAGE_PIXELS>(&d.model, &d.noisy_validation);
            (layer, d, outputs)
        })
        .collect();
    let grid = figures.join("geron-fashion.png");
    write_geron_grid(&grid, &eval, &shown)?;
    show(&[results, grid]);
    Ok(())
}

fn show(written: &[impl AsRef<Path>]) {
    for path in written {
        println!(
            "wrote {}",
            ae_support::paths::shown(path.as_ref()).display()
        );
    }
}

/// `mnist-deep`, `fashion-simple-fixed`, `mnist-deep-epochs10`, ...: names
/// the files of a run after what varies between the runs the book shows,
/// so that one run never overwrites another's results.
fn file_stem(cli: &Cli, train: &Images) -> String {
    let dataset = match cli.common.dataset {
        Dataset::Mnist => "mnist",
        Dataset::Fashion => "fashion",
    };
    let mut stem = format!("{dataset}-{}", cli.model.name());
    if cli.noise_factor != NoiseFactor::KERAS_BLOG {
        stem.push_str(&format!("-noise{}", cli.noise_factor));
    }
    if cli.compare_schedules {
        stem.push_str("-fresh-vs-fixed");
    } else if cli.noise == NoiseSchedule::Fixed {
        stem.push_str("-fixed");
    }
    if cli.common.train_split.is_some() {
        stem.push_str(&format!("-train{}", train.len()));
    }
    if cli.common.epochs.to_string() != EPOCHS {
        stem.push_str(&format!("-epochs{}", cli.common.epochs));
    }
    stem
}
