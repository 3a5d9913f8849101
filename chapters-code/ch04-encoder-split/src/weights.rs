//! Chapter 3's trained weights: loaded when chapter 3 has run, trained here
//! (with chapter 3's own code and defaults) when it has not.

use ae_support::checkpoint::{self, CheckpointError};
use ae_support::losses::BinaryCrossEntropy;
use ae_support::training::{FitConfig, TrainError};
use ch03_simple_autoencoder::{SimpleAutoencoder, SimpleModel, fit_autoencoder};
use dfdx::prelude::*;
use std::path::Path;

/// Where the weights came from, for the reader.
#[derive(Clone, Debug, PartialEq)]
pub enum Provenance {
    /// Read from a checkpoint file.
    Loaded,
    /// Trained now; the final validation loss.
    Trained { validation_loss: f32 },
}

/// Why no trained model could be had.
#[derive(Debug, thiserror::Error)]
pub enum WeightsError {
    #[error(transparent)]
    Checkpoint(#[from] CheckpointError),
    #[error(transparent)]
    Train(#[from] TrainError),
}

// ANCHOR: load_or_train
/// The trained simple autoencoder: from `path` if that file exists, else
/// trained on `train` (validated on `validation`) and saved to `path`.
pub fn load_or_train(
    path: &Path,
    train: &[f32],
    validation: &[f32],
    config: &FitConfig,
) -> Result<(SimpleModel, Provenance), WeightsError> {
    let dev = Cpu::seed_from_u64(config.seed);
    let mut model = dev.build_module::<SimpleAutoencoder, f32>();
    if path.exists() {
        checkpoint::load(&mut model, path)?;
        return Ok((model, Provenance::Loaded));
    }
    let (model, history) = fit_autoencoder(model, BinaryCrossEntropy, train, validation, config)?;
    checkpoint::save(&model, path)?;
    let validation_loss = history.validation_loss.last().copied().unwrap_or(f32::NAN);
    Ok((model, Provenance::Trained { validation_loss }))
}
// ANCHOR_END: load_or_train
