//! What chapter 6's run reports: the comparison table (printed and written
//! as a results file) and the three figures. Everything here receives
//! finished values; nothing trains.

use crate::stats::CodeStats;
use crate::training::{Losses, Reconstruction, Sparsity};
use ae_support::data::Images;
use ae_support::figures::{
    DigitRow, FigureError, ImageShape, Series, digit_grid, histograms, loss_curves,
};
use ae_support::training::History;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// One trained and evaluated model.
pub struct Outcome {
    /// "standard", or e.g. "sparse, λ = 0.00032".
    pub label: String,
    pub sparsity: Sparsity,
    pub history: History,
    /// On the evaluation set.
    pub losses: Losses,
    pub stats: CodeStats,
    /// Model outputs for the figure's images, as pixels.
    pub pictures: Vec<f32>,
    /// The evaluation set's codes.
    pub codes: Vec<f32>,
}

/// What the compared models share.
pub struct Experiment {
    pub reconstruction: Reconstruction,
    /// e.g. "784-32-784, 32 ReLU code units, binary cross-entropy".
    pub layout: &'static str,
    /// How the penalty is defined.
    pub penalty: &'static str,
    /// The KL penalty's target activation, when that is the penalty.
    pub target: Option<f32>,
}

impl Experiment {
    fn loss_name(&self) -> &'static str {
        match self.reconstruction {
            Reconstruction::CrossEntropy => "BCE per pixel",
            Reconstruction::SquaredError => "MSE per pixel",
        }
    }
}

/// The comparison table: `provenance`, the shared settings, then one column
/// per model.
pub fn results_text(
    provenance: &str,
    experiment: &Experiment,
    training: &str,
    eval: &Images,
    outcomes: &[Outcome],
) -> String {
    let mut t = provenance.to_string();
    let _ = writeln!(t, "model:    {}", experiment.layout);
    let _ = writeln!(t, "training: {training}");
    let _ = writeln!(t, "penalty:  {}", experiment.penalty);
    if let Some(target) = experiment.target {
        let _ = writeln!(t, "target:   mean activation {target}");
    }
    let _ = writeln!(t);
    let row = |t: &mut String, label: &str, cells: Vec<String>| {
        let _ = write!(t, "  {label:<40}");
        for cell in cells {
            let _ = write!(t, "{cell:>24}");
        }
        let _ = writeln!(t);
    };
    let each = |f: &dyn Fn(&Outcome) -> String| outcomes.iter().map(f).collect::<Vec<_>>();
    row(
        &mut t,
        &format!("on the {} evaluation images", eval.len()),
        each(&|o| o.label.clone()),
    );
    row(
        &mut t,
        experiment.loss_name(),
        each(&|o| format!("{:.4}", o.losses.reconstruction)),
    );
    row(
        &mut t,
        "penalty (as added to the loss)",
        each(&|o| match o.sparsity {
            Sparsity::None => "-".into(),
            _ => format!("{:.6}", o.losses.penalty),
        }),
    );
    row(
        &mut t,
        "loss including the penalty",
        each(&|o| format!("{:.4}", o.losses.total())),
    );
    row(
        &mut t,
        "training loss, last epoch (with penalty)",
        each(&|o| {
            o.history
                .train_loss
                .last()
                .map_or("-".into(), |v| format!("{v:.4}"))
        }),
    );
    row(
        &mut t,
        "mean code value",
        each(&|o| format!("{:.3}", o.stats.mean)),
    );
    row(
        &mut t,
        "code values exactly 0",
        each(&|o| percent(o.stats.zero_fraction)),
    );
    row(
        &mut t,
        "code values below 0.05",
        each(&|o| percent(o.stats.near_zero_fraction)),
    );
    let width = outcomes.first().map_or(0, |o| o.stats.unit_means.len());
    if experiment.reconstruction == Reconstruction::CrossEntropy {
        row(
            &mut t,
            &format!("units in use per image (of {width})"),
            each(&|o| format!("{:.1}", o.stats.active_per_image())),
        );
    }
    row(
        &mut t,
        &format!("units never active (of {width})"),
        each(&|o| {
            let silent = o.stats.unit_means.iter().filter(|&&m| m == 0.0).count();
            silent.to_string()
        }),
    );
    if let Some(target) = experiment.target {
        row(
            &mut t,
            &format!("units with mean activation {target}±0.05"),
            each(&|o| {
                let near = |&&m: &&f32| (m - target).abs() <= 0.05;
                o.stats.unit_means.iter().filter(near).count().to_string()
            }),
        );
        row(
            &mut t,
            "median of the units' mean activations",
            each(&|o| {
                let mut m = o.stats.unit_means.clone();
                m.sort_by(f32::total_cmp);
                format!("{:.3}", m[m.len() / 2])
            }),
        );
    }
    row(
        &mut t,
        "training time",
        each(&|o| format!("{:.0} s", o.history.elapsed.as_secs_f64())),
    );
    t
}

fn percent(fraction: f32) -> String {
    format!("{:.1}%", 100.0 * fraction)
}

/// `<stem>-codes.svg` (code values, or each unit's mean activation for the
/// KL penalty), `<stem>-loss.svg` and `<stem>.png` (the images of `picks`
/// and each model's output) in `dir`.
pub fn write_figures(
    dir: &Path,
    stem: &str,
    experiment: &Experiment,
    trained_on: &str,
    eval: &Images,
    picks: &[usize],
    outcomes: &[Outcome],
) -> Result<Vec<PathBuf>, FigureError> {
    let histogram = dir.join(format!("{stem}-codes.svg"));
    if experiment.target.is_some() {
        let series: Vec<(&str, &[f32])> = outcomes
            .iter()
            .map(|o| (o.label.as_str(), &o.stats.unit_means[..]))
            .collect();
        let width = outcomes.first().map_or(0, |o| o.stats.unit_means.len());
        histograms(
            &histogram,
            &format!("Mean activation of each of the {width} code units"),
            &series,
            50,
        )?;
    } else {
        // Exact zeros would dwarf everything else; the title gives their share.
        let nonzero: Vec<Vec<f32>> = outcomes
            .iter()
            .map(|o| o.codes.iter().copied().filter(|&c| c != 0.0).collect())
            .collect();
        let series: Vec<(&str, &[f32])> = outcomes
            .iter()
            .zip(&nonzero)
            .map(|(o, v)| (o.label.as_str(), &v[..]))
            .collect();
        let zeros: Vec<String> = outcomes
            .iter()
            .map(|o| percent(o.stats.zero_fraction))
            .collect();
        histograms(
            &histogram,
            &format!("Non-zero code values (zeros: {})", zeros.join(" / ")),
            &series,
            60,
        )?;
    }

    let curve = dir.join(format!("{stem}-loss.svg"));
    let names: Vec<[String; 2]> = outcomes
        .iter()
        .map(|o| {
            [
                format!("{}, training", o.label),
                format!("{}, validation", o.label),
            ]
        })
        .collect();
    let mut series = Vec::new();
    for (o, [training, validation]) in outcomes.iter().zip(&names) {
        series.push(Series::new(training, &o.history.train_loss));
        series.push(Series::new(validation, &o.history.validation_loss));
    }
    loss_curves(
        &curve,
        &format!("Loss per epoch, trained on {trained_on}"),
        &series,
        &format!("{} + penalty", experiment.loss_name()),
    )?;

    let grid = dir.join(format!("{stem}.png"));
    let originals: Vec<&[f32]> = picks.iter().map(|&i| eval.image(i)).collect();
    let mut rows = vec![DigitRow::new("original", originals)];
    for o in outcomes {
        rows.push(DigitRow::from_concatenated(
            &o.label,
            &o.pictures,
            ImageShape::MNIST,
        ));
    }
    digit_grid(&grid, &rows, ImageShape::MNIST, 2)?;
    Ok(vec![histogram, curve, grid])
}

/// One of Géron's runs, measured on the validation images.
pub struct GeronRun {
    /// e.g. "784-100-300 sigmoid, L1 1e-4".
    pub label: String,
    pub history: History,
    /// Validation MSE per pixel, without the penalty.
    pub mse: f32,
    /// Validation loss with the penalty, as Keras reports `val_loss`.
    pub loss: f32,
    pub stats: CodeStats,
}

/// The results of Géron's two sparse models: `provenance`, the shared
/// settings, then one row per model.
pub fn geron_results_text(provenance: &str, settings: &str, runs: &[GeronRun]) -> String {
    let mut t = format!("{provenance}settings: {settings}\n\n");
    // The model column is as wide as its longest label, so the columns line up.
    let width = runs
        .iter()
        .map(|run| run.label.chars().count())
        .chain(["model".len()])
        .max()
        .unwrap_or_default();
    let _ = writeln!(
        t,
        "  {:<width$} {:>9} {:>10} {:>10} {:>11} {:>8}",
        "model", "val MSE", "val loss", "mean code", "codes <0.05", "time"
    );
    for run in runs {
        let _ = writeln!(
            t,
            "  {:<width$} {:>9.4} {:>10.4} {:>10.3} {:>11} {:>6.0} s",
            run.label,
            run.mse,
            run.loss,
            run.stats.mean,
            percent(run.stats.near_zero_fraction),
            run.history.elapsed.as_secs_f64()
        );
    }
    t.push_str("(MSE per pixel; val loss includes the penalty)\n");
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn geron_rows_line_up_whatever_the_label_lengths() {
        let run = |label: &str| GeronRun {
            label: label.to_string(),
            history: History::default(),
            mse: 0.01,
            loss: 0.02,
            stats: CodeStats::of(&[0.0, 0.5], 2),
        };
        let long = "a label longer than the column it used to have, by far";
        let text = geron_results_text("", "", &[run("short"), run(long)]);
        let ends: Vec<usize> = text
            .lines()
            .filter(|line| line.ends_with(" s") || line.ends_with("time"))
            .map(str::len)
            .collect();
        assert_eq!(ends.len(), 3, "{text}");
        assert!(ends.iter().all(|&end| end == ends[0]), "{text}");
    }
}
