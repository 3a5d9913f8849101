//! Chapter 3's trained weights: loaded when chapter 3 has run, trained here
//! (with chapter 3's own code and defaults) when it has not. Either way the
//! weights come with a record of what they were trained on, and weights
//! trained on something else than this run asks for are refused.

use ae_support::checkpoint::{self, CheckpointError};
use ae_support::data::Images;
use ae_support::losses::BinaryCrossEntropy;
use ae_support::training::{FitConfig, TrainError};
use ch03_simple_autoencoder::saved_weights::TrainedOn;
use ch03_simple_autoencoder::{Architecture, SimpleAutoencoder, SimpleModel, fit_autoencoder};
use dfdx::prelude::*;
use std::path::{Path, PathBuf};

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
    #[error("cannot write the training record beside {path}: {source}")]
    Record {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{path} has no record of what it was trained on ({} is missing): run chapter 3 \
         again, or give --checkpoint a new file to train one here",
        TrainedOn::path_beside(path).display()
    )]
    Unrecorded { path: PathBuf },
    #[error(
        "{path} holds {found}, but this run asks for {wanted}: run chapter 3 with the same \
         flags, or give --checkpoint a new file to train one here"
    )]
    Mismatch {
        path: PathBuf,
        found: Box<TrainedOn>,
        wanted: Box<TrainedOn>,
    },
}

// ANCHOR: load_or_train
/// The trained simple autoencoder: from `path` if that file exists and its
/// record says it was trained on `train` with `config`'s settings, else
/// trained on `train` (validated on `validation`) and saved to `path` with
/// that record beside it.
pub fn load_or_train(
    path: &Path,
    train: &Images,
    validation: &Images,
    config: &FitConfig,
) -> Result<(SimpleModel, Provenance), WeightsError> {
    let wanted = TrainedOn {
        model: Architecture::Simple.name().to_string(),
        data: train.description.clone(),
        epochs: config.epochs,
        batch_size: config.batch_size,
        seed: config.seed,
    };
    let dev = Cpu::seed_from_u64(config.seed);
    let mut model = dev.build_module::<SimpleAutoencoder, f32>();
    if path.exists() {
        let path = path.to_path_buf();
        match TrainedOn::read_beside(&path) {
            None => return Err(WeightsError::Unrecorded { path }),
            Some(found) if found != wanted => {
                let (found, wanted) = (Box::new(found), Box::new(wanted));
                return Err(WeightsError::Mismatch {
                    path,
                    found,
                    wanted,
                });
            }
            Some(_) => {}
        }
        checkpoint::load(&mut model, &path)?;
        return Ok((model, Provenance::Loaded));
    }
    let (model, history) = fit_autoencoder(
        model,
        BinaryCrossEntropy,
        &train.pixels,
        &validation.pixels,
        config,
    )?;
    checkpoint::save(&model, path)?;
    wanted
        .write_beside(path)
        .map_err(|source| WeightsError::Record {
            path: path.to_path_buf(),
            source,
        })?;
    let validation_loss = history.validation_loss.last().copied().unwrap_or(f32::NAN);
    Ok((model, Provenance::Trained { validation_loss }))
}
// ANCHOR_END: load_or_train
