//! What chapter 3's run reports: the results file, and the two figures.
//! Everything here receives finished numbers; nothing trains.

use crate::model::Architecture;
use crate::toy::ToyReport;
use ae_support::figures::{DigitRow, FigureError, ImageShape, Series, digit_grid, loss_curves};
use ae_support::training::History;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Which optimiser trained a model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptimizerChoice {
    /// dfdx's Adam at Keras' defaults.
    Adam,
    /// Adadelta at Keras 2's defaults (learning rate 1.0), as Chollet's post ran it.
    Adadelta,
}

impl OptimizerChoice {
    /// `simple`, `simple-adadelta`, ...: names a run of `architecture`
    /// with this optimiser in files and legends.
    pub fn run_name(self, architecture: Architecture) -> String {
        match self {
            OptimizerChoice::Adam => architecture.name().to_string(),
            OptimizerChoice::Adadelta => format!("{}-adadelta", architecture.name()),
        }
    }

    /// How the tables name it.
    pub fn label(self) -> &'static str {
        match self {
            OptimizerChoice::Adam => "Adam (Keras defaults)",
            OptimizerChoice::Adadelta => "Adadelta (Keras 2, lr 1.0)",
        }
    }
}

/// One model trained with one optimiser, and what it made of the figure digits.
pub struct Outcome {
    pub architecture: Architecture,
    pub optimizer: OptimizerChoice,
    pub history: History,
    pub reconstructions: Vec<f32>,
}

impl Outcome {
    /// `simple`, `simple-adadelta`, ...: names the run in files and legends.
    pub fn name(&self) -> String {
        self.optimizer.run_name(self.architecture)
    }
}

/// The simple model's loss on the two halves of MNIST's test set, which come
/// from different writers: the first 5,000 images from NIST's training
/// writers, the last 5,000 from its (harder) test writers.
pub struct Halves {
    /// What it trained on.
    pub trained_on: String,
    /// `(slice, loss)` for an easy and a hard slice, both unseen.
    pub losses: [(String, f32); 2],
}

/// The results file: provenance, settings, then one table row per run.
pub fn results_text(
    provenance: &str,
    settings: &str,
    toy: &ToyReport,
    outcomes: &[Outcome],
    halves: Option<&Halves>,
) -> String {
    let mut text = format!("{provenance}settings: {settings}\n\n");
    let _ = writeln!(
        text,
        "toy 100-4-100 autoencoder ({} epochs, generated data: 2000 train / 500 held out)\n  \
         held-out BCE {:.4}; predict-the-mean baseline {:.4}; lowest possible {:.4}\n",
        toy.epochs, toy.autoencoder, toy.mean_baseline, toy.floor
    );
    let _ = writeln!(
        text,
        "{:<46} {:<27} {:>6} {:>9} {:>11}",
        "model", "optimizer", "epochs", "training", "validation"
    );
    for outcome in outcomes {
        let h = &outcome.history;
        let model = format!(
            "{} {}",
            outcome.architecture.layout(),
            outcome.architecture.source()
        );
        let _ = writeln!(
            text,
            "{model:<46} {:<27} {:>6} {:>9.4} {:>11.4}",
            outcome.optimizer.label(),
            h.train_loss.len(),
            h.train_loss.last().copied().unwrap_or(f32::NAN),
            h.validation_loss.last().copied().unwrap_or(f32::NAN),
        );
    }
    text.push_str("(binary cross-entropy per pixel)\n");
    if let Some(halves) = halves {
        let _ = writeln!(
            text,
            "\nwriters' halves: the simple model, Adam, trained on {}",
            halves.trained_on
        );
        for (slice, loss) in &halves.losses {
            let _ = writeln!(text, "  {slice:<14} {loss:.4}");
        }
    }
    text
}

/// `reconstructions.png` (originals, then one row per run) and
/// `loss-curves.svg` (training and validation per run) in `dir`.
pub fn write_figures(
    dir: &Path,
    originals: &[f32],
    outcomes: &[Outcome],
) -> Result<Vec<PathBuf>, FigureError> {
    let mut rows = vec![DigitRow::from_concatenated(
        "held-out originals",
        originals,
        ImageShape::MNIST,
    )];
    let names: Vec<String> = outcomes.iter().map(Outcome::name).collect();
    for (outcome, name) in outcomes.iter().zip(&names) {
        rows.push(DigitRow::from_concatenated(
            name,
            &outcome.reconstructions,
            ImageShape::MNIST,
        ));
    }
    let grid = dir.join("reconstructions.png");
    digit_grid(&grid, &rows, ImageShape::MNIST, 3)?;

    let labels: Vec<[String; 2]> = names
        .iter()
        .map(|name| [format!("{name}: training"), format!("{name}: validation")])
        .collect();
    let mut series = Vec::new();
    for (outcome, [train, eval]) in outcomes.iter().zip(&labels) {
        series.push(Series::new(train, &outcome.history.train_loss));
        series.push(Series::new(eval, &outcome.history.validation_loss));
    }
    let curves = dir.join("loss-curves.svg");
    loss_curves(
        &curves,
        "Autoencoder loss per epoch",
        &series,
        "binary cross-entropy per pixel",
    )?;
    Ok(vec![grid, curves])
}
