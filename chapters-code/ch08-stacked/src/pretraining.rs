//! Unsupervised pretraining: an encoder trained without labels as the start
//! of a classifier that has only a few labelled images.
//!
//! The classifier is the stacked encoder (784-100-30) with a 10-way softmax
//! layer on top. Trained on 500 labelled images from random weights, it
//! must find its features in those 500 alone; started from the encoder of
//! an autoencoder trained on all the unlabelled images, it begins with
//! features that already describe the garments.

use ae_support::data::IMAGE_PIXELS;
use ae_support::training::{FitConfig, TrainError};
use ch05_denoising::geron::{StackedEncoder, fit_nadam, predict};
use dfdx::prelude::*;

/// Classes of Fashion-MNIST and MNIST.
pub const CLASSES: usize = 10;

/// Labelled images the classifier may learn from, as in Géron's
/// illustration of pretraining.
pub const LABELLED: usize = 500;

// ANCHOR: classifier
/// The stacked encoder with a dense 30 → 10 layer of logits on top; the
/// softmax lives in the loss, `cross_entropy_with_logits_loss`.
pub type Classifier = (StackedEncoder, Linear<30, CLASSES>);
/// [`Classifier`] built on the CPU.
pub type ClassifierModel = <Classifier as BuildOnDevice<Cpu, f32>>::Built;
/// The stacked encoder built on the CPU: what pretraining hands over.
pub type EncoderModel = <StackedEncoder as BuildOnDevice<Cpu, f32>>::Built;
// ANCHOR_END: classifier

/// Each label as a row of ten, with a one in its class's place.
pub fn one_hot(labels: &[u8]) -> Vec<f32> {
    let mut rows = vec![0.0; labels.len() * CLASSES];
    for (row, &label) in rows.chunks_mut(CLASSES).zip(labels) {
        row[usize::from(label)] = 1.0;
    }
    rows
}

/// The fraction of `images` whose largest logit is their label's.
pub fn accuracy(model: &ClassifierModel, images: &[f32], labels: &[u8]) -> f32 {
    let logits = predict::<_, IMAGE_PIXELS, CLASSES>(model, images);
    let right = logits
        .chunks(CLASSES)
        .zip(labels)
        .filter(|(row, label)| {
            let best = (0..CLASSES).max_by(|&a, &b| row[a].total_cmp(&row[b]));
            best == Some(usize::from(**label))
        })
        .count();
    right as f32 / labels.len() as f32
}

// ANCHOR: train_classifier
/// Trains a classifier on the labelled `(images, labels)`, starting from
/// `encoder` when given (the whole network is then fine-tuned) or from
/// random weights; returns its accuracy on the validation set.
pub fn train_classifier(
    encoder: Option<&EncoderModel>,
    (images, labels): (&[f32], &[u8]),
    (valid_images, valid_labels): (&[f32], &[u8]),
    config: &FitConfig,
) -> Result<f32, TrainError> {
    let mut model = Cpu::seed_from_u64(config.seed).build_module::<Classifier, f32>();
    if let Some(pretrained) = encoder {
        model.0 = pretrained.clone();
    }
    let targets = one_hot(labels);
    let (model, _) = fit_nadam(
        model,
        (images, &targets),
        config,
        cross_entropy_with_logits_loss,
        |_| {},
        |_| None,
    )?;
    Ok(accuracy(&model, valid_images, valid_labels))
}
// ANCHOR_END: train_classifier

/// Trains only a dense 30 → 10 layer on the codes that the frozen,
/// pretrained `encoder` gives the labelled images (Keras'
/// `trainable = False` on the encoder); returns the validation accuracy.
pub fn train_head_on_frozen(
    encoder: &EncoderModel,
    (images, labels): (&[f32], &[u8]),
    (valid_images, valid_labels): (&[f32], &[u8]),
    config: &FitConfig,
) -> Result<f32, TrainError> {
    let head = Cpu::seed_from_u64(config.seed).build_module::<Linear<30, CLASSES>, f32>();
    // The encoder never changes, so its codes are computed once.
    let codes = predict::<_, IMAGE_PIXELS, 30>(encoder, images);
    let targets = one_hot(labels);
    let (head, _) = fit_nadam(
        head,
        (&codes, &targets),
        config,
        cross_entropy_with_logits_loss,
        |_| {},
        |_| None,
    )?;
    let classifier = (encoder.clone(), head);
    Ok(accuracy(&classifier, valid_images, valid_labels))
}

/// One seed's validation accuracies: from random weights, from the
/// pretrained encoder (fine-tuned), and with the pretrained encoder frozen.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Comparison {
    pub seed: u64,
    pub random: f32,
    pub pretrained: f32,
    pub frozen: f32,
}

/// [`train_classifier`] from random and from pretrained weights, and
/// [`train_head_on_frozen`], once per seed in `seeds` (each seed sets the
/// classifier's initial weights and the order of the batches, the same for
/// every start).
pub fn compare(
    encoder: &EncoderModel,
    labelled: (&[f32], &[u8]),
    validation: (&[f32], &[u8]),
    config: &FitConfig,
    seeds: &[u64],
) -> Result<Vec<Comparison>, TrainError> {
    seeds
        .iter()
        .map(|&seed| {
            let config = FitConfig {
                seed,
                ..config.clone()
            };
            Ok(Comparison {
                seed,
                random: train_classifier(None, labelled, validation, &config)?,
                pretrained: train_classifier(Some(encoder), labelled, validation, &config)?,
                frozen: train_head_on_frozen(encoder, labelled, validation, &config)?,
            })
        })
        .collect()
}

/// Mean and sample standard deviation (0 for fewer than two values).
pub fn mean_and_spread(values: &[f32]) -> (f32, f32) {
    let n = values.len() as f64;
    let mean = values.iter().map(|&v| f64::from(v)).sum::<f64>() / n;
    if values.len() < 2 {
        return (mean as f32, 0.0);
    }
    let var = values
        .iter()
        .map(|&v| (f64::from(v) - mean).powi(2))
        .sum::<f64>()
        / (n - 1.0);
    (mean as f32, var.sqrt() as f32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_hot_rows_have_a_single_one_in_the_labels_place() {
        let rows = one_hot(&[2, 0]);
        assert_eq!(rows.len(), 20);
        assert_eq!(rows[2], 1.0);
        assert_eq!(rows[10], 1.0);
        assert_eq!(rows.iter().sum::<f32>(), 2.0);
    }

    #[test]
    fn mean_and_spread_of_known_values() {
        let (mean, sd) = mean_and_spread(&[1.0, 2.0, 3.0]);
        assert!((mean - 2.0).abs() < 1e-6);
        assert!((sd - 1.0).abs() < 1e-6);
        assert_eq!(mean_and_spread(&[0.5]), (0.5, 0.0));
    }

    #[test]
    fn a_classifier_learns_two_easy_classes() {
        // Class 0: the top half lit; class 1: the bottom half.
        let labels: Vec<u8> = (0..64).map(|i| (i % 2) as u8).collect();
        let images: Vec<f32> = labels
            .iter()
            .flat_map(|&l| {
                (0..IMAGE_PIXELS).map(move |i| f32::from(u8::from((i < 392) == (l == 0))))
            })
            .collect();
        let config = FitConfig {
            epochs: 20,
            batch_size: 16,
            seed: 0,
            quiet: true,
        };
        let acc = train_classifier(None, (&images, &labels), (&images, &labels), &config).unwrap();
        assert_eq!(acc, 1.0);
    }
}
