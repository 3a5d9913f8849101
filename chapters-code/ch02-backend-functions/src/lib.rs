//! Chapter 2: functions through part of a network, the way Keras' backend
//! `K.function` builds them, and a classifier whose hidden layer we watch
//! while it learns.
//!
//! * [`notes`]: a generated stand-in for the banknote authentication data.
//! * [`model`]: the 4-2-1 classifier as a tuple of layers.
//! * [`functions`]: closures from one layer's input to another's output.
//! * [`training`]: the training step, accuracy, and snapshots of the hidden
//!   layer taken during training.

pub mod functions;
pub mod model;
pub mod notes;
pub mod training;

pub use functions::{as_points, hidden_and_probability, hidden_function};
pub use model::{Classifier, ClassifierModel};
pub use notes::{CLASS_NAMES, Notes, train_and_test};
pub use training::{Snapshot, Trainer, Watched, accuracy, predict, snapshot, train_and_watch};
