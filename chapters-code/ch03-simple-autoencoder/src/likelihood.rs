//! The reconstruction loss read as a probability: minimising it makes the
//! training images as likely as possible under a distribution that the
//! decoder's output describes. The distribution follows from the data, and
//! the loss from the distribution.

// ANCHOR: log_likelihoods
/// `-ln P(x)` when the decoder's output `p` is the probability that a
/// Bernoulli variable is 1 and `x` is what was observed: the binary
/// cross-entropy of one value. (For grey values, `x` in [0, 1] is read as
/// the share of ink; the formula is the same.)
pub fn bernoulli_nll(p: f64, x: f64) -> f64 {
    -(x * p.ln() + (1.0 - x) * (1.0 - p).ln())
}

/// `-ln` of the Gaussian density with the decoder's output as its `mean`
/// and a fixed `sigma`: `(x - mean)² / (2 sigma²)` plus a constant. Only the
/// squared error depends on the model: minimising it is the MSE.
pub fn gaussian_nll(mean: f64, x: f64, sigma: f64) -> f64 {
    (x - mean).powi(2) / (2.0 * sigma * sigma) + (sigma * (2.0 * std::f64::consts::PI).sqrt()).ln()
}
// ANCHOR_END: log_likelihoods

// ANCHOR: loss_for
/// The two reconstruction losses of this book.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LossChoice {
    /// Values in [0, 1]: a Bernoulli decoder, sigmoid output, cross-entropy.
    BinaryCrossEntropy,
    /// Any other values: a Gaussian decoder, linear output, squared error.
    MeanSquaredError,
}

/// The loss the data asks for. The cross-entropy needs targets in [0, 1]
/// (outside it the formula can go negative and stops being a likelihood);
/// data that leaves that range, such as standardised features, gets the MSE.
pub fn loss_for(data: &[f32]) -> LossChoice {
    if data.iter().all(|x| (0.0..=1.0).contains(x)) {
        LossChoice::BinaryCrossEntropy
    } else {
        LossChoice::MeanSquaredError
    }
}
// ANCHOR_END: loss_for
