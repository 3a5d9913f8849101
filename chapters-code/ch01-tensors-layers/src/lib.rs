//! Chapter 1: tensors and layers.
//!
//! * [`tensors`]: tensors of rank 0 to 3 whose shapes are part of their
//!   types, and a rank-3 tensor taken apart into the matrices it stacks.
//! * [`layers`]: a small network as a tuple of layers, its layers reached by
//!   index, and the shapes and tensors of each one.
//! * [`learning`]: one optimiser step, to watch the weights change and the
//!   loss fall.

pub mod layers;
pub mod learning;
pub mod tensors;

pub use layers::{LayerShapes, TinyNet, TinyNetModel, describe_linear, walk_layers};
pub use learning::{StepReport, sgd_step, toy_batch};
pub use tensors::{Matrix, Scalar, Stack, Vector, matrix, scalar, stack_of_matrices, vector};
