//! The comparison with Keras 3 that the chapter shows: rounds that time the
//! fused build (and the plain one) here and the Keras script
//! (`compare/keras_epoch.py`) one after the other on the same machine, and a
//! results file with each time's median and range over the rounds.
//!
//! Timings of one machine move with whatever else it runs; interleaving the
//! tools round by round spreads that over all of them alike, and the ranges
//! show how much it moved.

use crate::models::{Build, Model};
use crate::timing::median;
use std::fmt::Write as _;

/// The timings of one model, build and batch size, one per round.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Series {
    /// Seconds per epoch, each the median of a round's timed epochs.
    pub seconds: Vec<f64>,
    /// The mean training loss of each round's last epoch.
    pub losses: Vec<f32>,
}

impl Series {
    /// Adds one round's result.
    pub fn push(&mut self, seconds: f64, loss: f32) {
        self.seconds.push(seconds);
        self.losses.push(loss);
    }

    /// The median seconds, or `None` before the first round.
    pub fn median(&self) -> Option<f64> {
        median(&self.seconds)
    }

    /// "0.531 (0.522–0.560)": the median and, with more than one round, the
    /// range; "–" with no rounds.
    pub fn time_cell(&self) -> String {
        let Some(median) = self.median() else {
            return "–".into();
        };
        let (low, high) = self
            .seconds
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &s| {
                (lo.min(s), hi.max(s))
            });
        if self.seconds.len() == 1 {
            format!("{median:.3}")
        } else {
            format!("{median:.3} ({low:.3}–{high:.3})")
        }
    }

    /// The last epoch's loss, as a range when the rounds differ.
    pub fn loss_cell(&self) -> String {
        let low = self.losses.iter().copied().fold(f32::INFINITY, f32::min);
        let high = self
            .losses
            .iter()
            .copied()
            .fold(f32::NEG_INFINITY, f32::max);
        match self.losses.len() {
            0 => "–".into(),
            _ if format!("{low:.4}") == format!("{high:.4}") => format!("{low:.4}"),
            _ => format!("{low:.4}–{high:.4}"),
        }
    }
}

/// What one run of the Keras script printed: its first line (the processor,
/// the Keras version and its backend) and one `(layout, seconds, loss)` per
/// row of its table.
#[derive(Clone, Debug, PartialEq)]
pub struct KerasRun {
    pub header: String,
    pub rows: Vec<(String, f64, f32)>,
}

impl KerasRun {
    /// Reads the script's output; an error says what did not fit.
    pub fn parse(output: &str) -> Result<KerasRun, String> {
        let header = output
            .lines()
            .find(|line| line.contains("Keras"))
            .ok_or_else(|| format!("no line names Keras in the script's output:\n{output}"))?
            .to_string();
        let mut rows = Vec::new();
        for line in output.lines().filter(|l| l.starts_with("| 784")) {
            let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
            let parsed = match cells[..] {
                [layout, seconds, loss] => seconds
                    .parse()
                    .ok()
                    .zip(loss.parse().ok())
                    .map(|(s, l)| (layout.to_string(), s, l)),
                _ => None,
            };
            rows.push(parsed.ok_or_else(|| format!("cannot read the row {line:?}"))?);
        }
        Ok(KerasRun { header, rows })
    }

    /// The Keras version and backend from the header, such as
    /// "Keras 3.15.1 on jax".
    pub fn keras(&self) -> &str {
        self.header
            .split("; ")
            .find(|part| part.starts_with("Keras"))
            .unwrap_or("Keras")
    }

    /// The row of the model with this layout.
    pub fn row(&self, layout: &str) -> Option<(f64, f32)> {
        self.rows
            .iter()
            .find(|(l, _, _)| l == layout)
            .map(|&(_, s, loss)| (s, loss))
    }
}

/// Everything the rounds measured at one batch size.
#[derive(Clone, Debug, PartialEq)]
pub struct BatchResults {
    pub batch_size: usize,
    /// Per model, in the order of the table: plain (possibly empty), fast, Keras.
    pub rows: Vec<(Model, [Series; 3])>,
}

impl BatchResults {
    pub fn new(batch_size: usize, models: &[Model]) -> Self {
        BatchResults {
            batch_size,
            rows: models.iter().map(|&m| (m, Default::default())).collect(),
        }
    }

    /// The series of `model` for `build`.
    pub fn series(&mut self, model: Model, build: Build) -> &mut Series {
        let index = match build {
            Build::Plain => 0,
            Build::Fast => 1,
        };
        &mut self.model_row(model)[index]
    }

    /// The Keras series of `model`.
    pub fn keras(&mut self, model: Model) -> &mut Series {
        &mut self.model_row(model)[2]
    }

    fn model_row(&mut self, model: Model) -> &mut [Series; 3] {
        let (_, row) = self
            .rows
            .iter_mut()
            .find(|(m, _)| *m == model)
            .expect("a model of the comparison");
        row
    }
}

/// The results file: `heading` (how it was measured), then one table per
/// batch size with the plain and fast builds, Keras, the fast build's time
/// as a fraction of Keras's, and the losses.
pub fn results_markdown(heading: &str, keras: &str, batches: &[BatchResults]) -> String {
    let mut t = format!("{heading}\n");
    for batch in batches {
        let _ = write!(
            t,
            "\nBatch {}:\n\n| model | plain dfdx | fast | {keras} | fast ÷ Keras | \
             loss, last epoch: plain / fast / Keras |\n|---|---|---|---|---|---|\n",
            batch.batch_size
        );
        for (model, [plain, fast, keras]) in &batch.rows {
            let ratio = fast
                .median()
                .zip(keras.median())
                .map_or("–".into(), |(f, k)| format!("{:.2}", f / k));
            let _ = writeln!(
                t,
                "| {} | {} | {} | {} | {ratio} | {} / {} / {} |",
                model.layout(),
                plain.time_cell(),
                fast.time_cell(),
                keras.time_cell(),
                plain.loss_cell(),
                fast.loss_cell(),
                keras.loss_cell(),
            );
        }
    }
    t
}

/// The results file's name for this processor's vector width, so that
/// machines of both kinds keep their own.
pub fn results_file_name(vector_width: &str) -> String {
    let kind = vector_width
        .split(',')
        .next()
        .unwrap_or(vector_width)
        .to_lowercase()
        .replace(|c: char| !c.is_ascii_alphanumeric(), "-");
    format!("compare-{kind}.txt")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_series_reports_its_median_and_range() {
        let mut s = Series::default();
        assert_eq!(s.time_cell(), "–");
        s.push(0.52, 0.3214);
        assert_eq!(s.time_cell(), "0.520");
        s.push(0.61, 0.3214);
        s.push(0.50, 0.3216);
        assert_eq!(s.time_cell(), "0.520 (0.500–0.610)");
        assert_eq!(s.loss_cell(), "0.3214–0.3216");
    }

    #[test]
    fn the_keras_script_output_is_read_row_by_row() {
        let out = "Intel(R) Xeon(R) Processor (AVX-512, 16 f32 per vector); Keras 3.15.1 on jax; \
                   60000 random MNIST-like images\n| model | s/epoch | loss, last epoch |\n\
                   |---|---|---|\n| 784-32-784 | 0.368 | 0.3217 |\n| 784-32-784 linear | 0.305 | 0.0542 |\n";
        let run = KerasRun::parse(out).unwrap();
        assert_eq!(run.keras(), "Keras 3.15.1 on jax");
        assert_eq!(run.row("784-32-784 linear"), Some((0.305, 0.0542)));
        assert_eq!(run.row("784-128-32-128-784"), None);
        let broken = KerasRun::parse("Keras\n| 784-32-784 | fast |\n").unwrap_err();
        assert!(broken.contains("784-32-784"), "{broken}");
        assert!(KerasRun::parse("Traceback ...").is_err());
    }

    #[test]
    fn the_table_has_a_row_per_model_and_the_ratio_of_medians() {
        let mut batch = BatchResults::new(32, &[Model::Simple, Model::Linear]);
        batch.series(Model::Simple, Build::Fast).push(0.4, 0.3140);
        batch.keras(Model::Simple).push(0.5, 0.3120);
        let text = results_markdown("heading", "Keras 3 on jax", &[batch]);
        assert!(text.contains("Batch 32:"), "{text}");
        assert!(
            text.contains("| 784-32-784 | – | 0.400 | 0.500 | 0.80 | – / 0.3140 / 0.3120 |"),
            "{text}"
        );
        assert!(
            text.contains("| 784-32-784 linear | – | – | – | – |"),
            "{text}"
        );
    }

    #[test]
    fn each_vector_width_has_its_own_file() {
        assert_eq!(
            results_file_name("AVX-512, 16 f32 per vector"),
            "compare-avx-512.txt"
        );
        assert_eq!(
            results_file_name("AVX2 and FMA, 8 f32 per vector"),
            "compare-avx2-and-fma.txt"
        );
    }
}
