//! Chapter 3's binary: the toy autoencoder, then the MNIST autoencoders of
//! Chollet's post and Dertat's article, their results file, loss curves and
//! reconstructions, and their weights saved for chapter 4.

use ae_support::cli::{CommonArgs, RunResult};
use ae_support::data::{self, Dataset, Images};
use ae_support::losses::BinaryCrossEntropy;
use ae_support::report::provenance;
use ae_support::split::{Part, Split};
use ae_support::training::{FitConfig, History};
use ch03_simple_autoencoder::adadelta::{self, Adadelta};
use ch03_simple_autoencoder::report::{Halves, Outcome, results_text, write_figures};
use ch03_simple_autoencoder::saved_weights::{self, TrainedOn, weights_file};
use ch03_simple_autoencoder::toy::toy_experiment;
use ch03_simple_autoencoder::{
    Architecture, EVAL_BATCH, IMAGE_PIXELS, OptimizerChoice, SimpleAutoencoder, Trainable,
    WithModel, evaluate, fit_autoencoder, fit_autoencoder_with, reconstruct,
};
use clap::Parser;
use dfdx::prelude::*;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    about = "Chapter 3: a 100-4-100 toy autoencoder, then the MNIST autoencoders of \
             Chollet's post (784-32-784 with Adam and with Adadelta; 784-128-64-32-64-128-784) \
             and Dertat's article (784-128-32-128-784)"
)]
struct Cli {
    #[command(flatten)]
    common: CommonArgs,
    /// Train only this model [default: all three]
    #[arg(long, value_enum)]
    model: Option<Architecture>,
    /// Folder for the trained weights [default: target/checkpoints of the workspace]
    #[arg(long, value_name = "DIR")]
    checkpoint_dir: Option<PathBuf>,
    /// Epochs of the toy autoencoder on generated data.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u16).range(1..))]
    toy_epochs: u16,
}

#[global_allocator]
static ALLOCATOR: ae_fast::Allocator = ae_fast::Allocator;

fn main() -> ExitCode {
    ae_support::cli::exit_quietly_on_closed_pipe();
    ae_fast::threads::main_thread_joins_pool();
    let cli: Cli = ae_support::cli::parse(&saved_weights::DEFAULTS);
    ae_support::cli::exit_code(run(cli))
}

fn run(cli: Cli) -> RunResult {
    let common = &cli.common;
    let figures = common.prepare_figures_dir("ch03")?;
    let (train, eval) = common.load_splits()?;

    let toy = toy_experiment(cli.toy_epochs.into(), common.seed);
    println!(
        "toy 100-4-100 autoencoder, {} epochs on generated data: held-out BCE {:.4}; \
         predict-the-mean baseline {:.4}; lowest possible {:.4}",
        toy.epochs, toy.autoencoder, toy.mean_baseline, toy.floor
    );
    println!(
        "\n{}",
        ae_support::report::trained_and_evaluated_on(&train, &eval)
    );

    let shown = eval.pixels_of(&eval.first_of_each_class());
    let mut outcomes = Vec::new();
    for (architecture, optimizer, epochs) in runs(&cli) {
        println!(
            "\n{} {} ({}), {}, {epochs} epochs",
            architecture.source(),
            architecture.layout(),
            architecture.name(),
            optimizer.label()
        );
        let job = TrainOne {
            optimizer,
            config: FitConfig {
                epochs,
                ..common.fit_config()
            },
            train: &train,
            eval: &eval,
            shown: &shown,
            checkpoint: weights_file(
                cli.checkpoint_dir.as_deref(),
                &optimizer.run_name(architecture),
            ),
            record: TrainedOn {
                model: optimizer.run_name(architecture),
                data: train.description.clone(),
                epochs,
                batch_size: common.batch_size,
                seed: common.seed,
            },
        };
        let (history, reconstructions) = architecture.build_and(common.seed, job)?;
        outcomes.push(Outcome {
            architecture,
            optimizer,
            history,
            reconstructions,
        });
    }
    let halves = writers_halves(&cli)?;

    let settings = format!(
        "batch size {}, seed {}; Chollet's deep model trains twice the epochs, as in his post",
        common.batch_size, common.seed
    );
    let text = results_text(
        &provenance("ch03-simple-autoencoder", &train, &eval),
        &settings,
        &toy,
        &outcomes,
        halves.as_ref(),
    );
    print!("\n{text}");
    // The numbers first: should a figure fail, they are kept.
    let results = figures.join("results.txt");
    ae_support::atomic::write_file(&results, &text)?;
    let mut written = vec![results];
    written.extend(write_figures(&figures, &shown, &outcomes)?);
    for path in written {
        println!("wrote {}", ae_support::paths::shown(&path).display());
    }
    Ok(())
}

/// The chapter's runs: each architecture with Adam, Chollet's simple model
/// also with the Adadelta of his post, and his deep model for twice the
/// epochs (100 to the simple model's 50 in the post).
fn runs(cli: &Cli) -> Vec<(Architecture, OptimizerChoice, usize)> {
    let epochs = cli.common.epochs;
    let all = [
        (Architecture::Simple, OptimizerChoice::Adam, epochs),
        (Architecture::Simple, OptimizerChoice::Adadelta, epochs),
        (Architecture::Deep, OptimizerChoice::Adam, epochs),
        (Architecture::CholletDeep, OptimizerChoice::Adam, 2 * epochs),
    ];
    all.into_iter()
        .filter(|(architecture, ..)| cli.model.is_none_or(|only| only == *architecture))
        .collect()
}

/// Trains one freshly built model with one optimiser, saves its weights and
/// reconstructs the figure digits.
struct TrainOne<'a> {
    optimizer: OptimizerChoice,
    config: FitConfig,
    train: &'a Images,
    eval: &'a Images,
    shown: &'a [f32],
    checkpoint: PathBuf,
    /// What the weights were trained on, saved beside them.
    record: TrainedOn,
}

impl WithModel for TrainOne<'_> {
    type Output = Result<(History, Vec<f32>), Box<dyn std::error::Error>>;

    fn run<M: Trainable<IMAGE_PIXELS> + Clone>(self, model: M) -> Self::Output {
        println!("  {} trainable parameters", model.num_trainable_params());
        let (train, eval) = (&self.train.pixels, &self.eval.pixels);
        let (model, history) = match self.optimizer {
            OptimizerChoice::Adam => {
                fit_autoencoder(model, BinaryCrossEntropy, train, eval, &self.config)?
            }
            OptimizerChoice::Adadelta => {
                let optimizer = Adadelta::new(&model, adadelta::KERAS_2);
                fit_autoencoder_with(
                    model,
                    optimizer,
                    BinaryCrossEntropy,
                    train,
                    eval,
                    &self.config,
                )?
            }
        };
        ae_support::checkpoint::save(&model, &self.checkpoint)?;
        self.record.write_beside(&self.checkpoint)?;
        println!(
            "  trained in {:.1}s ({:.0} images/s); weights saved to {}",
            history.elapsed.as_secs_f64(),
            history.samples_per_second,
            ae_support::paths::shown(&self.checkpoint).display()
        );
        Ok((history, reconstruct(&model, self.shown)))
    }
}

/// MNIST's test set has two halves by writer, the first 5,000 images
/// easier than the last. When the simple model is trained on a slice of the
/// test set, one more is trained on `test[:4000]` and scored on unseen
/// images of each half, to show how much the evaluation slice moves a loss.
fn writers_halves(cli: &Cli) -> Result<Option<Halves>, Box<dyn std::error::Error>> {
    let common = &cli.common;
    let test_based = common
        .train_split
        .is_none_or(|split| split.part == Part::Test);
    let simple_trained = cli.model.is_none_or(|only| only == Architecture::Simple);
    if common.dataset != Dataset::Mnist || !test_based || !simple_trained {
        return Ok(None);
    }
    let load = |slice: &str| -> Result<Images, Box<dyn std::error::Error>> {
        let split: Split = slice.parse()?;
        Ok(data::load(
            common.dataset,
            &split,
            common.data_dir.as_deref(),
        )?)
    };
    let (train, easy, hard) = (
        load("test[:4000]")?,
        load("test[4000:5000]")?,
        load("test[8000:]")?,
    );
    println!(
        "\nwriters' halves: the simple model, Adam, on {}",
        train.description
    );
    let model = Cpu::seed_from_u64(common.seed).build_module::<SimpleAutoencoder, f32>();
    let (model, _) = fit_autoencoder(
        model,
        BinaryCrossEntropy,
        &train.pixels,
        &easy.pixels,
        &common.fit_config(),
    )?;
    let loss = |images: &Images| evaluate(&model, &BinaryCrossEntropy, &images.pixels, EVAL_BATCH);
    Ok(Some(Halves {
        trained_on: train.description.clone(),
        losses: [
            (easy.description.clone(), loss(&easy)),
            (hard.description.clone(), loss(&hard)),
        ],
    }))
}
