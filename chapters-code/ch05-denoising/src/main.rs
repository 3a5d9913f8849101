//! Chapter 5's binary: trains one of chapter 3's autoencoders to remove
//! Gaussian noise, prints the PSNR before and after, and writes the figures
//! and a results file into the book.

use ae_support::cli::{CommonArgs, RunResult};
use ae_support::data::{IMAGE_PIXELS, Images};
use ae_support::figures::{DigitRow, ImageShape, Series, digit_grid, loss_curves};
use ae_support::training::{FitConfig, History};
use ch03_simple_autoencoder::{Architecture, Trainable, WithModel};
use ch05_denoising::{
    DenoisingScores, NoiseConfig, NoiseFactor, NoiseSchedule, NoisySet, fit_denoiser, score,
    scores_by_noise,
};
use clap::Parser;
use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    about = "Chapter 5: a denoising autoencoder. Trains one of chapter 3's autoencoders on \
             noisy images with clean targets and reports the PSNR before and after."
)]
struct Cli {
    #[command(flatten)]
    common: CommonArgs,
    /// Standard deviation of the Gaussian noise added to every pixel before
    /// clipping to [0, 1] (0.5 in the Keras blog, 0.4 in Dertat's article).
    #[arg(
        long,
        default_value = "0.5",
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
}

#[global_allocator]
static ALLOCATOR: ae_fast::Allocator = ae_fast::Allocator;

fn main() -> ExitCode {
    ae_support::cli::exit_quietly_on_closed_pipe();
    ae_fast::threads::main_thread_joins_pool();
    let cli: Cli = ae_support::cli::parse(&[("epochs", "30"), ("batch_size", "32")]);
    ae_support::cli::exit_code(run(cli))
}

/// The noise factors of the robustness table: weaker and stronger noise than
/// the model was trained on.
const SWEEP: [f32; 8] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8];

/// Everything one run measured.
struct Outcome {
    schedule: NoiseSchedule,
    history: History,
    scores: DenoisingScores,
    sweep: Vec<(NoiseFactor, DenoisingScores)>,
    /// PSNR of the model's output for clean inputs: the best it can do.
    clean_psnr: f32,
    denoised: Vec<f32>,
}

fn run(cli: Cli) -> RunResult {
    cli.common.prepare_figures_dir("ch05")?;
    let (train, eval) = cli.common.load_splits()?;
    let common = &cli.common;
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
        // Same seed, same initial weights, whatever the schedule.
        let job = TrainAndScore {
            train: &train,
            validation: &validation,
            config: &config,
            noise,
            eval_seed,
        };
        let outcome = cli.model.build_and(common.seed, job)?;
        print_scores(&eval, &outcome);
        outcomes.push(outcome);
    }

    let dir = common.figures_dir("ch05");
    let stem = file_stem(&cli);
    // The results first: should a figure fail, the numbers are still kept.
    let results = dir.join(format!("{stem}-results.txt"));
    ae_support::atomic::write_file(&results, results_text(&cli, &train, &eval, &outcomes))
        .map_err(|e| format!("cannot write {}: {e}", results.display()))?;
    let mut written = vec![results];
    let title = format!(
        "Denoising {} ({}), noise factor {}",
        common.dataset.display_name(),
        cli.model.name(),
        cli.noise_factor
    );
    if let [outcome] = outcomes.as_slice() {
        let grid = dir.join(format!("{stem}.png"));
        write_grid(&grid, &eval, &validation, &outcome.denoised)?;
        written.push(grid);
        let curve = dir.join(format!("{stem}-loss.svg"));
        loss_curves(
            &curve,
            &title,
            &[
                Series::new(
                    &format!("training: noisy {} → clean", train.description),
                    &outcome.history.train_loss,
                ),
                Series::new(
                    &format!("validation: noisy {} → clean", eval.description),
                    &outcome.history.validation_loss,
                ),
            ],
            "binary cross-entropy per pixel",
        )?;
        written.push(curve);
    } else {
        let curve = dir.join(format!("{stem}-loss.svg"));
        let series: Vec<(String, &[f32])> = outcomes
            .iter()
            .flat_map(|o| {
                let name = o.schedule.name();
                [
                    (format!("{name} noise, training"), &o.history.train_loss[..]),
                    (
                        format!("{name} noise, validation"),
                        &o.history.validation_loss[..],
                    ),
                ]
            })
            .collect();
        let series: Vec<Series> = series.iter().map(|(n, v)| Series::new(n, v)).collect();
        loss_curves(&curve, &title, &series, "binary cross-entropy per pixel")?;
        written.push(curve);
    }
    for path in written {
        println!("wrote {}", ae_support::paths::shown(&path).display());
    }
    Ok(())
}

fn print_scores(eval: &Images, outcome: &Outcome) {
    let s = &outcome.scores;
    println!(
        "mean PSNR over the {} evaluation images ({}):",
        eval.len(),
        eval.description
    );
    println!("  noisy input vs clean   {:6.2} dB", s.noisy_psnr);
    println!(
        "  denoised vs clean      {:6.2} dB  ({:+.2} dB)",
        s.denoised_psnr,
        s.gain_db()
    );
    println!("  denoised BCE per pixel {:8.4}", s.denoised_bce);
    println!(
        "  clean input, no noise  {:6.2} dB  (the model's output for the clean images)",
        outcome.clean_psnr
    );
}

/// Trains a fresh `model`, then scores it at the training noise factor and
/// across [`SWEEP`].
/// Trains a denoiser of whichever architecture and scores it.
struct TrainAndScore<'a> {
    train: &'a Images,
    validation: &'a NoisySet,
    config: &'a FitConfig,
    noise: NoiseConfig,
    eval_seed: u64,
}

impl WithModel for TrainAndScore<'_> {
    type Output = Result<Outcome, Box<dyn std::error::Error>>;

    fn run<M: Trainable<IMAGE_PIXELS> + Clone>(self, model: M) -> Self::Output {
        let TrainAndScore {
            train,
            validation,
            config,
            noise,
            eval_seed,
        } = self;
        train_and_score(model, train, validation, config, noise, eval_seed)
    }
}

fn train_and_score<M: Trainable<IMAGE_PIXELS>>(
    model: M,
    train: &Images,
    validation: &NoisySet,
    config: &FitConfig,
    noise: NoiseConfig,
    eval_seed: u64,
) -> Result<Outcome, Box<dyn std::error::Error>> {
    let (model, history) = fit_denoiser(model, &train.pixels, validation, config, noise)?;
    let (scores, denoised) = score(&model, validation);
    let factors: Vec<NoiseFactor> = SWEEP
        .iter()
        .map(|&f| NoiseFactor::new(f).expect("the sweep factors are valid"))
        .collect();
    let sweep = scores_by_noise(&model, &validation.clean, &factors, eval_seed);
    let no_noise = NoiseFactor::new(0.0).expect("zero is a valid noise factor");
    let clean_psnr = score(
        &model,
        &NoisySet::new(&validation.clean, no_noise, eval_seed),
    )
    .0
    .denoised_psnr;
    Ok(Outcome {
        schedule: noise.schedule,
        history,
        scores,
        sweep,
        clean_psnr,
        denoised,
    })
}

/// `mnist-deep`, `fashion-simple-fixed`, ...: names the files of a run after
/// what varies between the runs the book shows.
fn file_stem(cli: &Cli) -> String {
    let dataset = match cli.common.dataset {
        ae_support::data::Dataset::Mnist => "mnist",
        ae_support::data::Dataset::Fashion => "fashion",
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
    stem
}

/// The first evaluation image of each class, so the figure shows one of every
/// digit (or garment).
fn one_per_class(labels: &[u8]) -> Vec<usize> {
    (0..10u8)
        .filter_map(|class| labels.iter().position(|&l| l == class))
        .collect()
}

/// Image `i` of the row-major table `rows`.
fn image(rows: &[f32], i: usize) -> &[f32] {
    &rows[i * IMAGE_PIXELS..(i + 1) * IMAGE_PIXELS]
}

/// Three rows: original, noisy input, model output.
fn write_grid(
    path: &Path,
    eval: &Images,
    set: &NoisySet,
    denoised: &[f32],
) -> Result<(), Box<dyn std::error::Error>> {
    let picks = one_per_class(&eval.labels);
    let rows = [
        DigitRow::new("original", picks.iter().map(|&i| image(&set.clean, i))),
        DigitRow::new("noisy input", picks.iter().map(|&i| image(&set.noisy, i))),
        DigitRow::new("denoised output", picks.iter().map(|&i| image(denoised, i))),
    ];
    digit_grid(path, &rows, ImageShape::MNIST, 2)?;
    Ok(())
}

/// The run's numbers as plain text, written next to the figures.
fn results_text(cli: &Cli, train: &Images, eval: &Images, outcomes: &[Outcome]) -> String {
    let c = &cli.common;
    let mut t = ae_support::report::provenance("ch05-denoising", train, eval);
    let _ = writeln!(
        t,
        "model:    {} {}, Adam (lr 0.001), batch {}, {} epochs, seed {}",
        cli.model.name(),
        cli.model.layout(),
        c.batch_size,
        c.epochs,
        c.seed
    );
    for outcome in outcomes {
        let h = &outcome.history;
        let s = &outcome.scores;
        let _ = writeln!(
            t,
            "noise:    factor {}, {}",
            cli.noise_factor,
            match outcome.schedule {
                NoiseSchedule::Fresh => "fresh noise for every training batch",
                NoiseSchedule::Fixed => "one noisy copy of the training set, drawn once",
            }
        );
        let _ = writeln!(t);
        let _ = writeln!(
            t,
            "binary cross-entropy per pixel, noisy input -> clean target"
        );
        let _ = writeln!(t, "  epoch   training   validation");
        for (i, train_loss) in h.train_loss.iter().enumerate() {
            let v = h.validation_loss.get(i).copied().unwrap_or(f32::NAN);
            let _ = writeln!(t, "  {:>5}   {train_loss:.4}     {v:.4}", i + 1);
        }
        let _ = writeln!(t);
        let _ = writeln!(
            t,
            "mean PSNR over the {} evaluation images, noise factor {}",
            eval.len(),
            cli.noise_factor
        );
        let _ = writeln!(t, "  noisy input vs clean   {:6.2} dB", s.noisy_psnr);
        let _ = writeln!(
            t,
            "  denoised vs clean      {:6.2} dB   ({:+.2} dB)",
            s.denoised_psnr,
            s.gain_db()
        );
        let _ = writeln!(
            t,
            "  clean input, no noise  {:6.2} dB   (the model's output for the clean images)",
            outcome.clean_psnr
        );
        let _ = writeln!(t);
        let _ = writeln!(t, "the same model at other noise factors (mean PSNR, dB)");
        let _ = writeln!(t, "  factor   noisy   denoised     gain");
        for (factor, s) in &outcome.sweep {
            let _ = writeln!(
                t,
                "  {:>6}  {:6.2}    {:6.2}   {:+6.2}",
                factor.to_string(),
                s.noisy_psnr,
                s.denoised_psnr,
                s.gain_db()
            );
        }
        let _ = writeln!(t);
        let _ = writeln!(
            t,
            "training took {:.1} s ({:.0} images/s)",
            h.elapsed.as_secs_f64(),
            h.samples_per_second
        );
    }
    t
}
