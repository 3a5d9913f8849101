//! Where chapter 3 keeps its trained weights, so that chapter 4 can find them.

use crate::model::Architecture;
use std::path::{Path, PathBuf};

/// Chapter 3's command-line defaults, Chollet's 50 epochs in batches of 256.
/// Chapter 4 starts from the same ones, so that the weights it finds (or
/// trains) are the ones chapter 3 saves when run without flags.
pub const DEFAULTS: [(&str, &str); 2] = [("epochs", "50"), ("batch_size", "256")];

/// `<dir>/ch03-<run>.safetensors`, where `dir` defaults to
/// `target/checkpoints` under the workspace root, whichever folder the
/// command runs from, and `run` names the model and its optimiser
/// (`simple`, `simple-adadelta`, `deep`, ...).
pub fn weights_file(dir: Option<&Path>, run: &str) -> PathBuf {
    let dir = dir.map_or_else(
        || ae_support::paths::workspace_dir().join("target/checkpoints"),
        Path::to_path_buf,
    );
    dir.join(format!("ch03-{run}.safetensors"))
}

/// Where chapter 3 saves `architecture` trained with Adam, by default.
pub fn default_checkpoint(architecture: Architecture) -> PathBuf {
    weights_file(None, architecture.name())
}

/// What a weights file was trained on, kept in a small text file beside it
/// (`ch03-simple.trained-on.txt`): a program that loads the weights checks
/// that they are the ones it asks for, instead of scoring, say, MNIST
/// weights on Fashion-MNIST without a word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrainedOn {
    /// The run's name: `simple`, `simple-adadelta`, `deep`, ...
    pub model: String,
    /// The training set's description, e.g. `MNIST test[:8000]`.
    pub data: String,
    pub epochs: usize,
    pub batch_size: usize,
    pub seed: u64,
}

impl TrainedOn {
    /// The record's file for the weights at `weights`.
    pub fn path_beside(weights: &Path) -> PathBuf {
        weights.with_extension("trained-on.txt")
    }

    /// Writes the record beside `weights` (atomically, like the weights).
    pub fn write_beside(&self, weights: &Path) -> std::io::Result<()> {
        let text = format!(
            "model: {}\ndata: {}\nepochs: {}\nbatch size: {}\nseed: {}\n",
            self.model, self.data, self.epochs, self.batch_size, self.seed
        );
        ae_support::atomic::write_file(&Self::path_beside(weights), text)
    }

    /// The record beside `weights`; `None` when there is none or it cannot
    /// be read as one.
    pub fn read_beside(weights: &Path) -> Option<TrainedOn> {
        let text = std::fs::read_to_string(Self::path_beside(weights)).ok()?;
        let field = |name: &str| {
            text.lines()
                .find_map(|line| line.strip_prefix(name)?.strip_prefix(": "))
                .map(str::to_string)
        };
        Some(TrainedOn {
            model: field("model")?,
            data: field("data")?,
            epochs: field("epochs")?.parse().ok()?,
            batch_size: field("batch size")?.parse().ok()?,
            seed: field("seed")?.parse().ok()?,
        })
    }
}

impl std::fmt::Display for TrainedOn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the {} model trained on {} for {} epochs (batch size {}, seed {})",
            self.model, self.data, self.epochs, self.batch_size, self.seed
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_record_reads_back_what_was_written() {
        let dir = std::env::temp_dir().join(format!("ch03-record-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let weights = dir.join("ch03-simple.safetensors");
        assert_eq!(TrainedOn::read_beside(&weights), None);
        let record = TrainedOn {
            model: "simple".into(),
            data: "MNIST test[:8000]".into(),
            epochs: 50,
            batch_size: 256,
            seed: 42,
        };
        record.write_beside(&weights).unwrap();
        assert_eq!(TrainedOn::read_beside(&weights), Some(record));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
