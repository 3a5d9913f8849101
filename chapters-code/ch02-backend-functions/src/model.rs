//! The classifier: four numbers in, two hidden units, one output.

use dfdx::prelude::*;

// ANCHOR: classifier
/// 4 inputs -> 2 hidden units with a sigmoid -> 1 output.
///
/// The output is a *logit*: the sigmoid that turns it into the probability
/// of "forged" is applied by the loss during training and by
/// [`crate::training::predict`] afterwards (chapter 3 explains why).
pub type Classifier = (Linear<4, 2>, Sigmoid, Linear<2, 1>);

/// The classifier with its weights on the CPU.
pub type ClassifierModel = <Classifier as BuildOnDevice<Cpu, f32>>::Built;
// ANCHOR_END: classifier
