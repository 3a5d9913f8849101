//! The run's numbers as plain-text tables, which the book includes.

use crate::pretraining::{Comparison, mean_and_spread};
use std::fmt::Write as _;

/// One row of the reconstruction table.
#[derive(Clone, Debug)]
pub struct ReconstructionRow {
    pub model: &'static str,
    pub parameters: usize,
    /// Epochs as trained, e.g. `"10"` or `"10 + 10"` for the two phases.
    pub epochs: String,
    /// Mean squared error per pixel of the validation images.
    pub validation_mse: f32,
    pub seconds: f64,
}

/// The reconstruction table: one row per way of training the stack.
pub fn reconstruction_table(rows: &[ReconstructionRow]) -> String {
    let mut t = String::new();
    let _ = writeln!(
        t,
        "  {:<30} {:>10}  {:>8}  {:>14}  {:>8}",
        "model", "parameters", "epochs", "validation MSE", "time"
    );
    for r in rows {
        let _ = writeln!(
            t,
            "  {:<30} {:>10}  {:>8}  {:>14.5}  {:>6.1} s",
            r.model,
            thousands(r.parameters),
            r.epochs,
            r.validation_mse,
            r.seconds
        );
    }
    t
}

/// The pretraining table: validation accuracy per seed and start, then
/// mean ± sample standard deviation.
pub fn pretraining_table(rows: &[Comparison]) -> String {
    let mut t = String::new();
    let _ = writeln!(
        t,
        "  {:>6}  {:>14}  {:>18}  {:>16}",
        "seed", "random weights", "pretrained encoder", "frozen encoder"
    );
    for r in rows {
        let _ = writeln!(
            t,
            "  {:>6}  {:>13.1}%  {:>17.1}%  {:>15.1}%",
            r.seed,
            100.0 * r.random,
            100.0 * r.pretrained,
            100.0 * r.frozen
        );
    }
    let summary = |pick: fn(&Comparison) -> f32| {
        let values: Vec<f32> = rows.iter().map(pick).collect();
        let (mean, sd) = mean_and_spread(&values);
        format!("{:.1} ± {:.1}%", 100.0 * mean, 100.0 * sd)
    };
    let _ = writeln!(
        t,
        "  {:>6}  {:>14}  {:>18}  {:>16}",
        "mean",
        summary(|r| r.random),
        summary(|r| r.pretrained),
        summary(|r| r.frozen)
    );
    t
}

/// `163814` as `163,814`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_get_thousands_separators() {
        assert_eq!(thousands(163_814), "163,814");
        assert_eq!(thousands(82_414), "82,414");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }

    #[test]
    fn the_pretraining_table_ends_with_mean_and_spread() {
        let rows = [
            Comparison {
                seed: 1,
                random: 0.5,
                pretrained: 0.7,
                frozen: 0.6,
            },
            Comparison {
                seed: 2,
                random: 0.7,
                pretrained: 0.7,
                frozen: 0.6,
            },
        ];
        let table = pretraining_table(&rows);
        let last = table.lines().last().unwrap();
        assert!(last.contains("60.0 ± 14.1%"), "{last}");
        assert!(last.contains("70.0 ± 0.0%"), "{last}");
        assert!(last.contains("60.0 ± 0.0%"), "{last}");
    }
}
