//! Chapter 9's binary: chapter 3's dense autoencoder and chapter 5's dense
//! denoiser against three convolutional models, trained on the same images,
//! scored by binary cross-entropy and PSNR; writes a results file and a
//! figure into the book.

use ae_support::cli::{CommonArgs, RunResult};
use ae_support::data::{IMAGE_PIXELS, Images};
use ae_support::figures::{DigitRow, ImageShape, digit_grid};
use ae_support::losses::BinaryCrossEntropy;
use ae_support::training::{FitConfig, History};
use ch03_simple_autoencoder::{Autoencoder, DeepAutoencoder, fit_autoencoder};
use ch05_denoising::{
    DenoisingScores, NoiseConfig, NoiseFactor, NoiseSchedule, NoisySet, fit_denoiser, score,
};
use ch09_convolutional::models::{CholletAutoencoder, CholletDenoiser, KerasExampleAutoencoder};
use ch09_convolutional::training::{clean_pairs, fit_model, noisy_pairs};
use clap::Parser;
use dfdx::prelude::*;
use std::fmt::Write as _;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    about = "Chapter 9: convolutional autoencoders. Trains chapter 3's dense autoencoder, \
             chapter 5's dense denoiser and three convolutional models on the same images \
             and compares their binary cross-entropy and PSNR."
)]
struct Cli {
    #[command(flatten)]
    common: CommonArgs,
    /// Standard deviation of the Gaussian noise of the denoisers' inputs,
    /// clipped to [0, 1] (0.5 in Chollet's post).
    #[arg(
        long,
        default_value = "0.5",
        value_name = "SIGMA",
        allow_hyphen_values = true
    )]
    noise_factor: NoiseFactor,
}

fn main() -> ExitCode {
    ae_support::cli::exit_quietly_on_closed_pipe();
    let cli: Cli = ae_support::cli::parse(&[("epochs", "3"), ("batch_size", "32")]);
    ae_support::cli::exit_code(run(cli))
}

/// One trained model's numbers and its output for the evaluation images.
struct Outcome {
    name: &'static str,
    parameters: usize,
    code: &'static str,
    history: History,
    scores: DenoisingScores,
    outputs: Vec<f32>,
}

impl Outcome {
    fn new(
        name: &'static str,
        parameters: usize,
        code: &'static str,
        history: History,
        (scores, outputs): (DenoisingScores, Vec<f32>),
    ) -> Self {
        Outcome {
            name,
            parameters,
            code,
            history,
            scores,
            outputs,
        }
    }
}

/// Trains a fresh `M` with [`fit_model`] and scores it on `eval`.
fn train_conv<M>(
    name: &'static str,
    code: &'static str,
    seed: u64,
    train: &NoisySet,
    eval: &NoisySet,
    config: &FitConfig,
) -> Result<Outcome, Box<dyn std::error::Error>>
where
    M: BuildOnDevice<Cpu, f32>,
    M::Built: Autoencoder<IMAGE_PIXELS>,
{
    println!("training {name}");
    let model = Cpu::seed_from_u64(seed).build_module::<M, f32>();
    let parameters = model.num_trainable_params();
    let (model, history) = fit_model(model, train, eval, config)?;
    Ok(Outcome::new(
        name,
        parameters,
        code,
        history,
        score(&model, eval),
    ))
}

fn run(cli: Cli) -> RunResult {
    cli.common.prepare_figures_dir("ch09")?;
    let (train, eval) = cli.common.load_splits()?;
    let common = &cli.common;
    println!(
        "{}",
        ae_support::report::trained_and_evaluated_on(&train, &eval)
    );
    let config = common.fit_config();
    let seed = common.seed;
    let clean_train = clean_pairs(&train.pixels);
    let clean_eval = clean_pairs(&eval.pixels);
    // The evaluation noise has its own seed: every denoiser is scored on
    // the same noisy images.
    let noisy_train = noisy_pairs(&train.pixels, cli.noise_factor, seed.wrapping_add(1));
    let noisy_eval = noisy_pairs(&eval.pixels, cli.noise_factor, seed.wrapping_add(2));

    // Chapter 3's and chapter 5's dense models, through their own code.
    println!("training the dense autoencoder (chapter 3)");
    let dense = Cpu::seed_from_u64(seed).build_module::<DeepAutoencoder, f32>();
    let parameters = dense.num_trainable_params();
    let (dense, history) = fit_autoencoder(
        dense,
        BinaryCrossEntropy,
        &train.pixels,
        &eval.pixels,
        &config,
    )?;
    let dense_autoencoder = Outcome::new(
        "dense 784-128-32-128-784 (ch. 3)",
        parameters,
        "32",
        history,
        score(&dense, &clean_eval),
    );
    println!("training the dense denoiser (chapter 5)");
    let dense = Cpu::seed_from_u64(seed).build_module::<DeepAutoencoder, f32>();
    let noise = NoiseConfig {
        factor: cli.noise_factor,
        schedule: NoiseSchedule::Fixed,
        seed: seed.wrapping_add(1),
    };
    let (dense, history) = fit_denoiser(dense, &train.pixels, &noisy_eval, &config, noise)?;
    let dense_denoiser = Outcome::new(
        "dense 784-128-32-128-784 (ch. 5)",
        parameters,
        "32",
        history,
        score(&dense, &noisy_eval),
    );

    let chollet = train_conv::<CholletAutoencoder>(
        "Chollet's convolutional autoencoder",
        "4×4×8",
        seed,
        &clean_train,
        &clean_eval,
        &config,
    )?;
    let keras_example = train_conv::<KerasExampleAutoencoder>(
        "keras.io example (transposed convolutions)",
        "7×7×32",
        seed,
        &clean_train,
        &clean_eval,
        &config,
    )?;
    let denoiser = train_conv::<CholletDenoiser>(
        "Chollet's convolutional denoiser",
        "7×7×32",
        seed,
        &noisy_train,
        &noisy_eval,
        &config,
    )?;

    let autoencoders = [dense_autoencoder, chollet, keras_example];
    let denoisers = [dense_denoiser, denoiser];
    let text = results_text(&cli, &train, &eval, &autoencoders, &denoisers);
    print!(
        "{}",
        text.split_once("\n\n").map_or(&text[..], |(_, rest)| rest)
    );

    let dir = common.figures_dir("ch09");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    // The results first: should the figure fail, the numbers are kept.
    let results = dir.join("mnist-results.txt");
    ae_support::atomic::write_file(&results, &text)
        .map_err(|e| format!("cannot write {}: {e}", results.display()))?;
    let figure = dir.join("mnist-reconstructions.png");
    let picks: Vec<usize> = (0..10u8)
        .filter_map(|class| eval.labels.iter().position(|&l| l == class))
        .collect();
    let row = |label, rows| picked(label, rows, &picks);
    let grid = [
        row("original", &eval.pixels[..]),
        row("dense (ch. 3)", &autoencoders[0].outputs),
        row("conv, Chollet", &autoencoders[1].outputs),
        row("conv, keras.io", &autoencoders[2].outputs),
        row("noisy input", &noisy_eval.noisy),
        row("dense denoiser", &denoisers[0].outputs),
        row("conv denoiser", &denoisers[1].outputs),
    ];
    digit_grid(&figure, &grid, ImageShape::MNIST, 2)?;
    for path in [figure, results] {
        println!("wrote {}", ae_support::paths::shown(&path).display());
    }
    Ok(())
}

/// The images `picks` of the row-major table `rows`, as one row of the figure.
fn picked<'a>(label: &'a str, rows: &'a [f32], picks: &'a [usize]) -> DigitRow<'a> {
    DigitRow::new(
        label,
        picks
            .iter()
            .map(|&i| &rows[i * IMAGE_PIXELS..(i + 1) * IMAGE_PIXELS]),
    )
}

/// The run's numbers as plain text, written next to the figure.
fn results_text(
    cli: &Cli,
    train: &Images,
    eval: &Images,
    autoencoders: &[Outcome],
    denoisers: &[Outcome],
) -> String {
    let c = &cli.common;
    let mut t = ae_support::report::provenance("ch09-convolutional", train, eval);
    let _ = writeln!(
        t,
        "training: dfdx Adam (lr 0.001, betas 0.9/0.999, eps 1e-7), binary cross-entropy \
         on logits, batch {}, {} epochs, seed {}",
        c.batch_size, c.epochs, c.seed
    );
    let table = |t: &mut String, title: &str, outcomes: &[Outcome]| {
        let _ = writeln!(t);
        let _ = writeln!(t, "{title}");
        let _ = writeln!(
            t,
            "  {:<44} {:>10} {:>7} {:>8} {:>9} {:>10}",
            "model", "parameters", "code", "BCE", "PSNR (dB)", "training"
        );
        for o in outcomes {
            let _ = writeln!(
                t,
                "  {:<44} {:>10} {:>7} {:>8.4} {:>9.2} {:>8.1} s",
                o.name,
                o.parameters,
                o.code,
                o.scores.denoised_bce,
                o.scores.denoised_psnr,
                o.history.elapsed.as_secs_f64()
            );
        }
    };
    table(
        &mut t,
        &format!(
            "reconstruction of the {} evaluation images ({})",
            eval.len(),
            eval.description
        ),
        autoencoders,
    );
    let input_psnr = denoisers.first().map_or(f32::NAN, |o| o.scores.noisy_psnr);
    table(
        &mut t,
        &format!(
            "denoising: noise factor {}, clipped to [0, 1], noisy input {input_psnr:.2} dB",
            cli.noise_factor
        ),
        denoisers,
    );
    let _ = writeln!(t);
    let _ = writeln!(t, "validation loss (BCE per pixel) after each epoch");
    for o in autoencoders.iter().chain(denoisers) {
        let losses: Vec<String> = o
            .history
            .validation_loss
            .iter()
            .map(|l| format!("{l:.4}"))
            .collect();
        let _ = writeln!(t, "  {:<44} {}", o.name, losses.join(" "));
    }
    t
}
