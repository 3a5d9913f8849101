//! The two sparsity penalties of the chapter, as differentiable tensor
//! operations and as plain arithmetic on slices (to check the tensor versions
//! against, and to score codes after training).
//!
//! Both take a batch of codes, one row per image, and return one number that
//! is added, with a weight, to the mini-batch's reconstruction loss.

use dfdx::prelude::*;

/// A batch of codes of width `C`, recording operations for backpropagation
/// (or not, with `T = NoneTape`).
pub type Codes<const C: usize, T> = Tensor<(usize, Const<C>), f32, Cpu, T>;

// ANCHOR: l1_activity
/// The L1 activity penalty of a batch: `Σ_j |code_j|` for each image,
/// averaged over the images of the batch. Multiplied by λ, this is what the
/// book adds to the loss, whatever the batch size.
pub fn l1_activity<const C: usize, T: Tape<f32, Cpu>>(
    codes: Codes<C, T>,
) -> Tensor<Rank0, f32, Cpu, T> {
    codes.abs().sum::<(usize,), Axis<1>>().mean()
}
// ANCHOR_END: l1_activity

// ANCHOR: kl_sparsity
/// The KL-divergence sparsity penalty of a batch of codes in `(0, 1)` (a
/// sigmoid coding layer): with `ρ_j` the mean activation of unit `j` over the
/// batch and `t` the target activation,
/// `Σ_j [ t·ln(t/ρ_j) + (1−t)·ln((1−t)/(1−ρ_j)) ]`.
/// It is zero when every unit is active on average exactly `t` of the time and
/// grows steeply as a unit's mean activation approaches 0 or 1.
pub fn kl_sparsity<const C: usize, T: Tape<f32, Cpu>>(
    codes: Codes<C, T>,
    target: f32,
) -> Tensor<Rank0, f32, Cpu, T> {
    // Keep the logarithms finite, as Keras does.
    let rho = codes.mean::<Rank1<C>, Axis<0>>().clamp(1e-7, 1.0 - 1e-7);
    // `rho` is used twice: the second use gets its own tape, merged back below.
    let rho_again = rho.retaped::<T>();
    let t = target;
    let constant = t * t.ln() + (1.0 - t) * (1.0 - t).ln();
    let cross = rho.ln() * -t + (rho_again.negate() + 1.0).ln() * -(1.0 - t);
    cross.sum::<Rank0, _>() + constant * C as f32
}
// ANCHOR_END: kl_sparsity

/// [`l1_activity`] on plain numbers: `codes` holds rows of `width` values.
pub fn l1_activity_of(codes: &[f32], width: usize) -> f32 {
    let rows = row_count(codes, width);
    let total: f64 = codes.iter().map(|&c| f64::from(c.abs())).sum();
    (total / rows as f64) as f32
}

/// Kullback-Leibler divergence between two Bernoulli distributions with
/// success probabilities `target` and `p`: how surprised a unit meant to fire
/// with probability `target` should be to see it fire with probability `p`.
pub fn bernoulli_kl(target: f32, p: f32) -> f32 {
    let (t, p) = (f64::from(target), f64::from(p).clamp(1e-7, 1.0 - 1e-7));
    let term = |a: f64, b: f64| if a == 0.0 { 0.0 } else { a * (a / b).ln() };
    (term(t, p) + term(1.0 - t, 1.0 - p)) as f32
}

/// The mean activation of each of the `width` units over the rows of `codes`.
pub fn unit_means(codes: &[f32], width: usize) -> Vec<f32> {
    let rows = row_count(codes, width);
    let mut sums = vec![0.0f64; width];
    for row in codes.chunks(width) {
        for (s, &c) in sums.iter_mut().zip(row) {
            *s += f64::from(c);
        }
    }
    sums.iter().map(|&s| (s / rows as f64) as f32).collect()
}

/// [`kl_sparsity`] on plain numbers.
pub fn kl_sparsity_of(codes: &[f32], width: usize, target: f32) -> f32 {
    unit_means(codes, width)
        .iter()
        .map(|&rho| bernoulli_kl(target, rho))
        .sum()
}

fn row_count(codes: &[f32], width: usize) -> usize {
    assert!(
        width > 0 && codes.len().is_multiple_of(width),
        "codes are not whole rows of {width}"
    );
    assert!(!codes.is_empty(), "no codes");
    codes.len() / width
}

// ANCHOR: keras_scaling
/// How a Keras version scaled an `activity_regularizer` before adding it to
/// the loss of a mini-batch of `B` images.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KerasScaling {
    /// Keras 1 (a mean over the batch) and `tf.keras` in TensorFlow 2 (a sum
    /// over the batch, divided by `B`): λ per image, as in this book.
    PerImage,
    /// Keras 2.0 to 2.2 and Keras 3: the penalty summed over the batch, never
    /// divided, so its weight grows with the batch size.
    SummedOverBatch,
}

/// The λ of this book that gives the same training objective as the
/// published `keras_lambda` under `scaling` with batches of `batch_size`.
pub fn book_lambda(keras_lambda: f32, scaling: KerasScaling, batch_size: usize) -> f32 {
    match scaling {
        KerasScaling::PerImage => keras_lambda,
        KerasScaling::SummedOverBatch => keras_lambda * batch_size as f32,
    }
}
// ANCHOR_END: keras_scaling

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_l1_penalty_sums_over_units_and_averages_over_images() {
        let dev = Cpu::default();
        let codes = [1.0, -2.0, 0.0, 0.5, 0.5, 0.0];
        let t: Codes<3, NoneTape> = dev.tensor_from_vec(codes.to_vec(), (2, Const::<3>));
        // Rows sum to 3 and 1 in absolute value: the mean is 2.
        assert_eq!(l1_activity(t).array(), 2.0);
        assert_eq!(l1_activity_of(&codes, 3), 2.0);
    }

    #[test]
    fn the_kl_penalty_is_zero_on_target_and_matches_the_formula() {
        let dev = Cpu::default();
        let on_target: Codes<2, NoneTape> =
            dev.tensor_from_vec(vec![0.0, 0.2, 0.2, 0.0], (2, Const::<2>));
        assert!(kl_sparsity(on_target, 0.1).array().abs() < 1e-6);

        // Unit means 0.5 and 0.3 against a target of 0.1.
        let codes = vec![0.4, 0.2, 0.6, 0.4];
        let expected = bernoulli_kl(0.1, 0.5) + bernoulli_kl(0.1, 0.3);
        let by_hand = 0.1 * (0.1f32 / 0.5).ln()
            + 0.9 * (0.9f32 / 0.5).ln()
            + 0.1 * (0.1f32 / 0.3).ln()
            + 0.9 * (0.9f32 / 0.7).ln();
        assert!((expected - by_hand).abs() < 1e-6);
        let t: Codes<2, NoneTape> = dev.tensor_from_vec(codes.clone(), (2, Const::<2>));
        assert!((kl_sparsity(t, 0.1).array() - expected).abs() < 1e-5);
        assert!((kl_sparsity_of(&codes, 2, 0.1) - expected).abs() < 1e-6);
    }

    #[test]
    fn the_kl_penalty_stays_finite_for_dead_and_saturated_units() {
        let dev = Cpu::default();
        let t: Codes<2, NoneTape> = dev.tensor_from_vec(vec![0.0, 1.0, 0.0, 1.0], (2, Const::<2>));
        let value = kl_sparsity(t, 0.1).array();
        assert!(value.is_finite() && value > 10.0, "{value}");
    }

    #[test]
    fn gradients_reach_the_codes() {
        let dev = Cpu::default();
        let codes: Codes<2, NoneTape> =
            dev.tensor_from_vec(vec![0.5, -0.25, 0.0, 2.0], (2, Const::<2>));
        let grads = l1_activity(codes.clone().leaky_traced()).backward();
        // d/dc of mean_i Σ_j |c_ij| is sign(c) / 2 images.
        assert_eq!(grads.get(&codes).as_vec(), [0.5, -0.5, 0.0, 0.5]);

        let codes: Codes<1, NoneTape> = dev.tensor_from_vec(vec![0.5, 0.3], (2, Const::<1>));
        let grads = kl_sparsity(codes.clone().leaky_traced(), 0.1).backward();
        // With ρ = 0.4: dKL/dρ = −t/ρ + (1−t)/(1−ρ) = 1.25, shared by 2 images.
        for g in grads.get(&codes).as_vec() {
            assert!((g - 0.625).abs() < 1e-5, "{g}");
        }
    }

    #[test]
    fn keras_lambdas_map_onto_the_book() {
        assert_eq!(book_lambda(1e-5, KerasScaling::PerImage, 32), 1e-5);
        assert!((book_lambda(1e-5, KerasScaling::SummedOverBatch, 32) - 3.2e-4).abs() < 1e-10);
    }
}
