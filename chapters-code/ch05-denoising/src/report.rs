//! What chapter 5's runs report: the results files and the figures.
//! Everything here receives finished values; nothing trains.

use crate::denoising::{NoiseSchedule, NoisySet, Outcome};
use crate::geron::GeronDenoiser;
use crate::noise::NoiseFactor;
use ae_support::data::Images;
use ae_support::figures::{DigitRow, FigureError, ImageShape, Series, digit_grid, loss_curves};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The results of one denoising run (one outcome per noise schedule):
/// `provenance`, `model` (architecture and training settings), then per
/// schedule the losses per epoch, the PSNR, the noise sweep and the time.
pub fn results_text(
    provenance: &str,
    model: &str,
    factor: NoiseFactor,
    eval: &Images,
    outcomes: &[Outcome],
) -> String {
    let mut t = format!("{provenance}model:    {model}\n");
    for outcome in outcomes {
        let h = &outcome.history;
        let s = &outcome.scores;
        let schedule = match outcome.schedule {
            NoiseSchedule::Fresh => "fresh noise for every training batch",
            NoiseSchedule::Fixed => "one noisy copy of the training set, drawn once",
        };
        let _ = writeln!(t, "noise:    factor {factor}, {schedule}\n");
        let _ = writeln!(
            t,
            "binary cross-entropy per pixel, noisy input -> clean target"
        );
        let _ = writeln!(t, "  epoch   training   validation");
        for (i, train_loss) in h.train_loss.iter().enumerate() {
            let v = h.validation_loss.get(i).copied().unwrap_or(f32::NAN);
            let _ = writeln!(t, "  {:>5}   {train_loss:.4}     {v:.4}", i + 1);
        }
        let _ = writeln!(
            t,
            "\nmean PSNR over the {} evaluation images, noise factor {factor}",
            eval.len()
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
        let _ = writeln!(t, "\nthe same model at other noise factors (mean PSNR, dB)");
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
        let _ = writeln!(
            t,
            "\ntraining took {:.1} s ({:.0} images/s)",
            h.elapsed.as_secs_f64(),
            h.samples_per_second
        );
    }
    t
}

/// The figures of one denoising run in `dir`: with one outcome,
/// `<stem>.png` (originals, noisy inputs, outputs) and `<stem>-loss.svg`;
/// with two (the schedule comparison), only `<stem>-loss.svg` with both
/// schedules' curves.
pub fn write_figures(
    dir: &Path,
    stem: &str,
    title: &str,
    train: &Images,
    eval: &Images,
    validation: &NoisySet,
    outcomes: &[Outcome],
) -> Result<Vec<PathBuf>, FigureError> {
    let mut written = Vec::new();
    let mut labels = Vec::new();
    if let [outcome] = outcomes {
        let picks = eval.first_of_each_class();
        let denoised = Images {
            pixels: outcome.denoised.clone(),
            ..eval.clone()
        };
        let noisy = Images {
            pixels: validation.noisy.clone(),
            ..eval.clone()
        };
        let rows = [
            DigitRow::new("original", picks.iter().map(|&i| eval.image(i))),
            DigitRow::new("noisy input", picks.iter().map(|&i| noisy.image(i))),
            DigitRow::new("denoised output", picks.iter().map(|&i| denoised.image(i))),
        ];
        let grid = dir.join(format!("{stem}.png"));
        digit_grid(&grid, &rows, ImageShape::MNIST, 2)?;
        written.push(grid);
        labels.push([
            format!("training: noisy {} → clean", train.description),
            format!("validation: noisy {} → clean", eval.description),
        ]);
    } else {
        for o in outcomes {
            let name = o.schedule.name();
            labels.push([
                format!("{name} noise, training"),
                format!("{name} noise, validation"),
            ]);
        }
    }
    let mut series = Vec::new();
    for (o, [training, validation]) in outcomes.iter().zip(&labels) {
        series.push(Series::new(training, &o.history.train_loss));
        series.push(Series::new(validation, &o.history.validation_loss));
    }
    let curve = dir.join(format!("{stem}-loss.svg"));
    loss_curves(&curve, title, &series, "binary cross-entropy per pixel")?;
    written.push(curve);
    Ok(written)
}

/// The results of Géron's two denoisers: `provenance`, his settings, and
/// per denoiser the validation MSE per epoch and at the end, on clean and on
/// corrupted inputs.
pub fn geron_results_text(
    provenance: &str,
    settings: &str,
    denoisers: &[(String, GeronDenoiser)],
) -> String {
    let mut t = format!("{provenance}settings: {settings}\n\n");
    let _ = write!(t, "  {:<5}", "epoch");
    for (layer, _) in denoisers {
        let _ = write!(t, " {:>30}", format!("{layer}: train / val MSE"));
    }
    let _ = writeln!(t);
    let epochs = denoisers
        .first()
        .map_or(0, |(_, d)| d.history.train_loss.len());
    for epoch in 0..epochs {
        let _ = write!(t, "  {:>5}", epoch + 1);
        for (_, d) in denoisers {
            let h = &d.history;
            let v = h.validation_loss.get(epoch).copied().unwrap_or(f32::NAN);
            let _ = write!(t, " {:>30}", format!("{:.4} / {v:.4}", h.train_loss[epoch]));
        }
        let _ = writeln!(t);
    }
    let _ = writeln!(t, "\nvalidation MSE per pixel after training");
    for (layer, d) in denoisers {
        let _ = writeln!(
            t,
            "  {layer:<20} clean input {:.4}   corrupted input {:.4}   ({:.0} s)",
            d.clean_mse,
            d.denoised_mse,
            d.history.elapsed.as_secs_f64()
        );
    }
    t
}

/// `<stem>.png`: validation images, then for each of Géron's denoisers its
/// corrupted inputs and its outputs for them.
pub fn write_geron_grid(
    path: &Path,
    eval: &Images,
    denoisers: &[(String, GeronDenoiser, Vec<f32>)],
) -> Result<(), FigureError> {
    let picks = eval.first_of_each_class();
    let as_images = |pixels: &[f32]| Images {
        pixels: pixels.to_vec(),
        ..eval.clone()
    };
    let sets: Vec<(String, Images, String, Images)> = denoisers
        .iter()
        .map(|(layer, d, outputs)| {
            (
                format!("{layer} input"),
                as_images(&d.noisy_validation),
                format!("{layer} output"),
                as_images(outputs),
            )
        })
        .collect();
    let mut rows = vec![DigitRow::new(
        "original",
        picks.iter().map(|&i| eval.image(i)),
    )];
    for (input_label, inputs, output_label, outputs) in &sets {
        rows.push(DigitRow::new(
            input_label,
            picks.iter().map(|&i| inputs.image(i)),
        ));
        rows.push(DigitRow::new(
            output_label,
            picks.iter().map(|&i| outputs.image(i)),
        ));
    }
    digit_grid(path, &rows, ImageShape::MNIST, 2)
}
