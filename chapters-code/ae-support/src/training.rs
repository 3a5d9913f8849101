//! A training loop in the spirit of Keras' `fit`: epochs of shuffled
//! mini-batches, a progress bar with the live loss, one summary line per epoch,
//! and the loss history returned for plotting.
//!
//! The loop owns the plumbing only. What one step *does* (forward pass, loss,
//! backward pass, optimiser update) stays in the chapter, passed in as a
//! closure, because that is what each chapter is about.

use crate::batching::shuffled_batches;
use crate::progress;
use rand::SeedableRng;
use rand::rngs::StdRng;
use std::time::{Duration, Instant};

// ANCHOR: fit_config
/// How to train: the knobs Keras' `fit` takes.
#[derive(Clone, Debug)]
pub struct FitConfig {
    pub epochs: usize,
    pub batch_size: usize,
    /// Seeds the shuffling, so a run can be repeated exactly.
    pub seed: u64,
    /// No progress bar and no per-epoch lines.
    pub quiet: bool,
}
// ANCHOR_END: fit_config

/// What one epoch produced, handed to the observer after each epoch.
#[derive(Clone, Debug, PartialEq)]
pub struct EpochReport {
    /// 1-based.
    pub epoch: usize,
    /// Mean of the batch losses, weighted by batch size.
    pub train_loss: f32,
    pub validation_loss: Option<f32>,
}

/// The losses of a whole run, and how fast it went.
#[derive(Clone, Debug, Default)]
pub struct History {
    pub train_loss: Vec<f32>,
    pub validation_loss: Vec<f32>,
    pub elapsed: Duration,
    pub samples_per_second: f64,
}

/// Why training stopped early.
#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    #[error(
        "the loss became {value} at epoch {epoch}, batch {batch}: training diverged \
         (try a smaller learning rate, or check the inputs for NaN)"
    )]
    NonFiniteLoss {
        epoch: usize,
        batch: usize,
        value: f32,
    },
    #[error("nothing to train on: the training set is empty")]
    EmptyTrainingSet,
    #[error("--epochs and --batch-size must be at least 1 (got {epochs} and {batch_size})")]
    BadConfig { epochs: usize, batch_size: usize },
}

/// Trains for `config.epochs` epochs over `train_len` examples.
///
/// `state` is whatever the steps need mutable access to (model, optimiser,
/// gradients); passing it separately lets both closures use it.
/// `train_step` gets the indices of one mini-batch and returns its mean loss;
/// `validation_loss` returns the loss on held-out data, or `None`.
pub fn fit<S>(
    state: &mut S,
    config: &FitConfig,
    train_len: usize,
    train_step: impl FnMut(&mut S, &[usize]) -> f32,
    validation_loss: impl FnMut(&mut S) -> Option<f32>,
) -> Result<History, TrainError> {
    fit_observed(
        state,
        config,
        train_len,
        train_step,
        validation_loss,
        |_, _| {},
    )
}

/// [`fit`], calling `observe` after every epoch (for figures that watch the
/// model learn, the role of a Keras callback).
pub fn fit_observed<S>(
    state: &mut S,
    config: &FitConfig,
    train_len: usize,
    mut train_step: impl FnMut(&mut S, &[usize]) -> f32,
    mut validation_loss: impl FnMut(&mut S) -> Option<f32>,
    mut observe: impl FnMut(&mut S, &EpochReport),
) -> Result<History, TrainError> {
    if config.epochs == 0 || config.batch_size == 0 {
        return Err(TrainError::BadConfig {
            epochs: config.epochs,
            batch_size: config.batch_size,
        });
    }
    if train_len == 0 {
        return Err(TrainError::EmptyTrainingSet);
    }
    let mut rng = StdRng::seed_from_u64(config.seed);
    let mut history = History::default();
    let started = Instant::now();
    for epoch in 1..=config.epochs {
        let batches = shuffled_batches(train_len, config.batch_size, &mut rng);
        let bar = progress::bar(batches.len() as u64, config.quiet);
        bar.set_prefix(format!("epoch {epoch}/{}", config.epochs));
        let mut loss_sum = 0.0f64;
        for (batch, indices) in batches.iter().enumerate() {
            let loss = train_step(state, indices);
            if !loss.is_finite() {
                bar.abandon();
                return Err(TrainError::NonFiniteLoss {
                    epoch,
                    batch: batch + 1,
                    value: loss,
                });
            }
            loss_sum += f64::from(loss) * indices.len() as f64;
            bar.inc(1);
            bar.set_message(format!("loss {loss:.4}"));
        }
        bar.finish_and_clear();
        let report = EpochReport {
            epoch,
            train_loss: (loss_sum / train_len as f64) as f32,
            validation_loss: validation_loss(state),
        };
        history.train_loss.push(report.train_loss);
        if let Some(v) = report.validation_loss {
            history.validation_loss.push(v);
        }
        if !config.quiet {
            print_epoch(&report, config.epochs, started.elapsed());
        }
        observe(state, &report);
    }
    history.elapsed = started.elapsed();
    history.samples_per_second =
        (train_len * config.epochs) as f64 / history.elapsed.as_secs_f64().max(f64::EPSILON);
    Ok(history)
}

fn print_epoch(report: &EpochReport, epochs: usize, elapsed: Duration) {
    let validation = report
        .validation_loss
        .map(|v| format!(" - val_loss {v:.4}"))
        .unwrap_or_default();
    println!(
        "epoch {:>3}/{epochs} - loss {:.4}{validation} - {:.1}s",
        report.epoch,
        report.train_loss,
        elapsed.as_secs_f64()
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(epochs: usize) -> FitConfig {
        FitConfig {
            epochs,
            batch_size: 4,
            seed: 1,
            quiet: true,
        }
    }

    #[test]
    fn every_example_is_seen_once_per_epoch_and_losses_are_weighted() {
        let mut seen = vec![0usize; 10];
        let history = fit(
            &mut seen,
            &config(3),
            10,
            |seen, batch| {
                batch.iter().for_each(|&i| seen[i] += 1);
                batch.len() as f32 // a batch's "loss" is its size
            },
            |_| Some(0.5),
        )
        .unwrap();
        assert_eq!(seen, vec![3; 10]);
        // Batches of 4, 4, 2: weighted mean (4*4 + 4*4 + 2*2) / 10 = 3.6.
        assert_eq!(history.train_loss.len(), 3);
        assert!((history.train_loss[0] - 3.6).abs() < 1e-6);
        assert_eq!(history.validation_loss, [0.5, 0.5, 0.5]);
    }

    #[test]
    fn a_nan_loss_stops_training_with_its_position() {
        let mut steps = 0;
        let err = fit(
            &mut steps,
            &config(5),
            10,
            |steps, _| {
                *steps += 1;
                if *steps == 5 { f32::NAN } else { 1.0 }
            },
            |_| None,
        )
        .unwrap_err();
        assert!(
            matches!(
                err,
                TrainError::NonFiniteLoss {
                    epoch: 2,
                    batch: 2,
                    ..
                }
            ),
            "{err}"
        );
        assert_eq!(steps, 5, "no step runs after the NaN");
    }

    #[test]
    fn zero_epochs_and_empty_sets_are_errors() {
        let step = |_: &mut (), _: &[usize]| 0.0;
        assert!(matches!(
            fit(&mut (), &config(0), 10, step, |_| None),
            Err(TrainError::BadConfig { .. })
        ));
        assert!(matches!(
            fit(&mut (), &config(1), 0, step, |_| None),
            Err(TrainError::EmptyTrainingSet)
        ));
    }

    #[test]
    fn the_observer_sees_each_epoch_in_order() {
        let mut epochs = Vec::new();
        fit_observed(
            &mut (),
            &config(3),
            8,
            |_, _| 1.0,
            |_| None,
            |_, r| epochs.push(r.epoch),
        )
        .unwrap();
        assert_eq!(epochs, [1, 2, 3]);
    }
}
