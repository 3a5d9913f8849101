//! Training the classifier, and watching its hidden layer while it learns.

use ae_support::batching::{Batch, gather, slice};
use ae_support::training::{FitConfig, History, TrainError, fit_observed};
use dfdx::optim::{Adam, Optimizer};
use dfdx::prelude::*;

use crate::functions::{as_points, hidden_function};
use crate::model::ClassifierModel;
use crate::notes::Notes;

/// The model, its optimiser, and the gradient buffers reused from step to step.
pub struct Trainer {
    pub model: ClassifierModel,
    pub optimizer: Adam<ClassifierModel, f32, Cpu>,
    pub grads: Gradients<f32, Cpu>,
}

impl Trainer {
    /// Adam with learning rate `lr` and Keras' other defaults.
    pub fn new(model: ClassifierModel, lr: f64) -> Self {
        let optimizer = Adam::new(
            &model,
            AdamConfig {
                lr,
                betas: [0.9, 0.999],
                eps: 1e-7,
                weight_decay: None,
            },
        );
        let grads = model.alloc_grads();
        Trainer {
            model,
            optimizer,
            grads,
        }
    }

    // ANCHOR: step
    /// One optimiser step on one batch of notes and their labels (0 or 1);
    /// returns the batch's mean binary cross-entropy before the step.
    pub fn step(&mut self, notes: Batch<4>, labels: Batch<1>) -> f32 {
        let tape = std::mem::replace(&mut self.grads, Gradients::leaky());
        let logits = self.model.forward(notes.traced(tape));
        let loss = binary_cross_entropy_with_logits_loss(logits, labels);
        let value = loss.array();
        self.grads = loss.backward();
        self.optimizer
            .update(&mut self.model, &self.grads)
            .expect("every weight of the classifier receives a gradient");
        self.model.zero_grads(&mut self.grads);
        value
    }
    // ANCHOR_END: step
}

/// All notes of `notes` as one batch.
fn whole(notes: &Notes) -> Batch<4> {
    slice(&Cpu::default(), &notes.features, 0..notes.len())
}

/// The probability of "forged" the model gives each note.
pub fn predict(model: &ClassifierModel, notes: &Notes) -> Vec<f32> {
    model.forward(whole(notes)).sigmoid().as_vec()
}

/// Share of notes whose predicted class (probability above one half) is
/// their label.
pub fn accuracy(model: &ClassifierModel, notes: &Notes) -> f32 {
    let right = predict(model, notes)
        .iter()
        .zip(&notes.labels)
        .filter(|&(&p, &label)| u8::from(p > 0.5) == label)
        .count();
    right as f32 / notes.len() as f32
}

/// Mean binary cross-entropy on `notes`.
pub fn loss(model: &ClassifierModel, notes: &Notes) -> f32 {
    let dev = Cpu::default();
    let labels: Batch<1> = slice(&dev, &notes.targets(), 0..notes.len());
    binary_cross_entropy_with_logits_loss(model.forward(whole(notes)), labels).array()
}

/// The hidden layer's view of the test notes at one moment of training.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    /// Epochs trained so far (0: the freshly initialised model).
    pub epoch: usize,
    /// Test accuracy at that moment.
    pub accuracy: f32,
    /// The two hidden activations of every test note.
    pub hidden: Vec<(f32, f32)>,
}

// ANCHOR: snapshot
/// Runs the test notes through the hidden-layer function of the model as it
/// is *now*, and records the result with the current test accuracy.
pub fn snapshot(model: &ClassifierModel, epoch: usize, test: &Notes) -> Snapshot {
    let hidden = hidden_function(model);
    Snapshot {
        epoch,
        accuracy: accuracy(model, test),
        hidden: as_points(&hidden(whole(test))),
    }
}
// ANCHOR_END: snapshot

/// What [`train_and_watch`] returns.
pub struct Watched {
    pub model: ClassifierModel,
    /// One per watched epoch, in order.
    pub snapshots: Vec<Snapshot>,
    pub history: History,
}

// ANCHOR: train_and_watch
/// Trains `model` on `train` for `config.epochs` epochs and takes a
/// [`Snapshot`] on `test` after each epoch listed in `watch` (0 means
/// before the first step), the job a Keras callback would do.
pub fn train_and_watch(
    model: ClassifierModel,
    train: &Notes,
    test: &Notes,
    config: &FitConfig,
    lr: f64,
    watch: &[usize],
) -> Result<Watched, TrainError> {
    let dev = Cpu::default();
    let targets = train.targets();
    let mut snapshots = Vec::new();
    if watch.contains(&0) {
        snapshots.push(snapshot(&model, 0, test));
    }
    let mut trainer = Trainer::new(model, lr);
    let history = fit_observed(
        &mut trainer,
        config,
        train.len(),
        |trainer, rows| {
            let notes: Batch<4> = gather(&dev, &train.features, rows);
            let labels: Batch<1> = gather(&dev, &targets, rows);
            trainer.step(notes, labels)
        },
        |trainer| Some(loss(&trainer.model, test)),
        |trainer, report| {
            if watch.contains(&report.epoch) {
                snapshots.push(snapshot(&trainer.model, report.epoch, test));
            }
        },
    )?;
    Ok(Watched {
        model: trainer.model,
        snapshots,
        history,
    })
}
// ANCHOR_END: train_and_watch

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Classifier;
    use crate::notes::train_and_test;

    #[test]
    fn watching_takes_one_snapshot_per_listed_epoch_and_the_classes_separate() {
        let (train, test) = train_and_test(5);
        let model = Cpu::seed_from_u64(5).build_module::<Classifier, f32>();
        let config = FitConfig {
            epochs: 8,
            batch_size: 32,
            seed: 5,
            quiet: true,
        };
        let watched = train_and_watch(model, &train, &test, &config, 0.01, &[0, 3, 8]).unwrap();
        let epochs: Vec<usize> = watched.snapshots.iter().map(|s| s.epoch).collect();
        assert_eq!(epochs, [0, 3, 8]);
        assert!(
            watched
                .snapshots
                .iter()
                .all(|s| s.hidden.len() == test.len())
        );
        let last = watched.snapshots.last().unwrap();
        assert!(last.accuracy > 0.9, "accuracy {}", last.accuracy);
        assert_eq!(last.accuracy, accuracy(&watched.model, &test));
        assert_eq!(watched.history.validation_loss.len(), 8);
    }
}
