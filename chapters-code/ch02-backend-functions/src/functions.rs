//! Functions from one layer's input to another layer's output: what Keras'
//! backend `K.function` builds.
//!
//! A built dfdx model is a tuple, so `model.0`, `model.1` and `model.2` are
//! its layers, each a [`Module`] with its own `forward`. Chaining some of
//! them in a closure gives a function through that part of the network.

use ae_support::batching::Batch;
use dfdx::prelude::*;

use crate::model::ClassifierModel;

// ANCHOR: hidden_function
/// From the network's input to the output of its hidden layer: `model.0`
/// (the `Linear<4, 2>`) followed by `model.1` (its sigmoid).
pub fn hidden_function(model: &ClassifierModel) -> impl Fn(Batch<4>) -> Batch<2> + '_ {
    move |x| model.1.forward(model.0.forward(x))
}
// ANCHOR_END: hidden_function

// ANCHOR: two_outputs
/// One input, two outputs: the hidden layer's activations and the
/// probability of "forged" that the network computes from them.
pub fn hidden_and_probability(
    model: &ClassifierModel,
) -> impl Fn(Batch<4>) -> (Batch<2>, Batch<1>) + '_ {
    move |x| {
        let hidden = model.1.forward(model.0.forward(x));
        let probability = model.2.forward(hidden.clone()).sigmoid();
        (hidden, probability)
    }
}
// ANCHOR_END: two_outputs

/// A batch of two numbers per row as `(x, y)` points, ready for a scatter plot.
pub fn as_points(batch: &Batch<2>) -> Vec<(f32, f32)> {
    batch
        .as_vec()
        .chunks_exact(2)
        .map(|p| (p[0], p[1]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Classifier;

    #[test]
    fn the_functions_agree_with_the_whole_model() {
        let dev = Cpu::seed_from_u64(0);
        let model = dev.build_module::<Classifier, f32>();
        let x: Batch<4> = dev.sample_normal_like(&(6, Const));
        let hidden = hidden_function(&model)(x.clone());
        let (also_hidden, probability) = hidden_and_probability(&model)(x.clone());
        assert_eq!(hidden.as_vec(), also_hidden.as_vec());
        assert_eq!(probability.as_vec(), model.forward(x).sigmoid().as_vec());
        let points = as_points(&hidden);
        assert_eq!(points.len(), 6);
        assert!(
            points
                .iter()
                .all(|&(a, b)| (0.0..=1.0).contains(&a) && (0.0..=1.0).contains(&b))
        );
    }
}
