//! Beyond the toy: on MNIST digits, a linear 784 -> 32 -> 784 autoencoder,
//! PCA with 32 components, and chapter 3's non-linear 784-32-784 model,
//! compared by their reconstruction MSE.

use crate::linalg::{Matrix, principal_angles_degrees};
use crate::model::{LinearAutoencoderModel, decoder_basis, linear_trainer};
use crate::pca::{Pca, top_eigenpairs};
use ae_fast::unfuse;
use ae_support::batching::{Batch, gather, slice};
use ae_support::data::{IMAGE_PIXELS, Images};
use ae_support::losses::BinaryCrossEntropy;
use ae_support::training::{FitConfig, History, TrainError, fit};
use ch03_simple_autoencoder::{SimpleAutoencoder, fit_autoencoder, reconstruct};
use dfdx::prelude::*;

/// Size of the code of all three models.
pub const CODE_SIZE: usize = 32;

/// How to run the comparison.
#[derive(Clone, Debug)]
pub struct MnistConfig {
    /// Epochs, batch size, seed and verbosity of both autoencoders.
    pub fit: FitConfig,
    /// Adam's learning rate for the linear autoencoder (chapter 3's model
    /// keeps its own Keras defaults).
    pub learning_rate: f64,
    /// Rounds of subspace iteration for PCA.
    pub pca_iterations: usize,
    /// Extra columns carried along by subspace iteration (see [`top_eigenpairs`]).
    pub pca_extra_columns: usize,
}

impl MnistConfig {
    pub fn new(fit: FitConfig) -> Self {
        MnistConfig {
            fit,
            learning_rate: 1e-3,
            pca_iterations: 50,
            pca_extra_columns: 16,
        }
    }
}

/// A reconstruction MSE on the training and on the evaluation set.
#[derive(Clone, Copy, Debug)]
pub struct Mse {
    pub train: f64,
    pub eval: f64,
}

/// Everything the comparison measured.
#[derive(Clone, Debug)]
pub struct MnistComparison {
    pub train_description: String,
    pub eval_description: String,
    pub pca: Mse,
    /// PCA's training MSE computed from the eigenvalues (the dropped variance):
    /// the optimum of any rank-32 linear model on the training set.
    pub pca_train_optimum: f64,
    /// Share of the training set's variance the 32 components keep.
    pub explained_variance: f64,
    /// Largest principal angle (degrees) between the PCA subspace after half
    /// the rounds of subspace iteration and after all of them: near zero when
    /// the iteration has converged.
    pub pca_convergence_degrees: f64,
    /// Variance along principal directions 1, 31, 32 and 33 of the training
    /// set: how much the first direction left out carries, next to the last
    /// ones kept.
    pub variances_at_cut: [f64; 4],
    pub linear: Mse,
    pub linear_history: History,
    pub nonlinear: Mse,
    pub nonlinear_history: History,
    /// Principal angles (degrees, smallest first) between the linear
    /// decoder's column space and the 32 principal directions.
    pub angles_degrees: Vec<f64>,
    /// Reconstructions of the images `shown` of the evaluation set, in
    /// order: PCA, linear autoencoder, chapter 3's model.
    pub shown: Vec<usize>,
    pub shown_reconstructions: [Vec<f32>; 3],
}

// ANCHOR: pca_mnist
/// PCA with `k` components of 784-pixel images by subspace iteration.
///
/// The covariance `(1/n) Xcᵀ Xc` (784 x 784) is one large matrix product, so
/// dfdx computes it, and each round of subspace iteration multiplies it with a
/// 784 x (k + extra) block, again in dfdx. Only the small work (Gram-Schmidt,
/// the final Jacobi on a (k + extra)-square matrix) is our own code.
pub fn pca_by_subspace_iteration(dev: &Cpu, rows: &[f32], k: usize, config: &MnistConfig) -> Pca {
    let n = rows.len() / IMAGE_PIXELS;
    let mut mean = vec![0.0f64; IMAGE_PIXELS];
    for row in rows.chunks_exact(IMAGE_PIXELS) {
        mean.iter_mut()
            .zip(row)
            .for_each(|(m, &x)| *m += f64::from(x) / n as f64);
    }
    let centred: Vec<f32> = rows
        .chunks_exact(IMAGE_PIXELS)
        .flat_map(|row| row.iter().zip(&mean).map(|(&x, &m)| x - m as f32))
        .collect();
    let xc = dev.tensor_from_vec(centred, (n, IMAGE_PIXELS));
    let covariance = xc.clone().permute::<_, Axes2<1, 0>>().matmul(xc) / n as f32;
    let total_variance: f64 = {
        let c = covariance.as_vec();
        (0..IMAGE_PIXELS)
            .map(|i| f64::from(c[i * IMAGE_PIXELS + i]))
            .sum()
    };
    let apply = |q: &Matrix| {
        let block =
            dev.tensor_from_vec(q.data.iter().map(|&v| v as f32).collect(), (q.rows, q.cols));
        let product = covariance.clone().matmul(block);
        Matrix {
            rows: q.rows,
            cols: q.cols,
            data: product.as_vec().into_iter().map(f64::from).collect(),
        }
    };
    let top = top_eigenpairs(
        IMAGE_PIXELS,
        k,
        config.pca_extra_columns,
        config.pca_iterations,
        config.fit.seed,
        apply,
    );
    Pca {
        mean,
        components: top.vectors,
        variances: top.values,
        total_variance,
    }
}
// ANCHOR_END: pca_mnist

/// Mean squared error per pixel between two equally long tables.
pub fn mse(reconstructed: &[f32], original: &[f32]) -> f64 {
    assert_eq!(reconstructed.len(), original.len(), "lengths differ");
    reconstructed
        .iter()
        .zip(original)
        .map(|(&r, &o)| (f64::from(r) - f64::from(o)).powi(2))
        .sum::<f64>()
        / original.len() as f64
}

/// The output of `model` for every row of `rows`, without any activation.
pub fn forward_all<M: Module<Batch<IMAGE_PIXELS>, Output = Batch<IMAGE_PIXELS>>>(
    model: &M,
    rows: &[f32],
) -> Vec<f32> {
    let dev = Cpu::default();
    model
        .forward(slice(&dev, rows, 0..rows.len() / IMAGE_PIXELS))
        .as_vec()
}

/// `mean + W Wᵀ (x - mean)` for every row, with `W` the principal directions:
/// [`Pca::reconstruct`] of [`Pca::project`], as two large products in dfdx.
pub fn pca_reconstructions(dev: &Cpu, pca: &Pca, rows: &[f32]) -> Vec<f32> {
    let n = rows.len() / IMAGE_PIXELS;
    let mean: Vec<f32> = pca.mean.iter().map(|&m| m as f32).collect();
    let centred: Vec<f32> = rows
        .chunks_exact(IMAGE_PIXELS)
        .flat_map(|row| row.iter().zip(&mean).map(|(x, m)| x - m))
        .collect();
    let w = dev.tensor_from_vec(
        pca.components.data.iter().map(|&v| v as f32).collect(),
        (IMAGE_PIXELS, pca.k()),
    );
    let xc = dev.tensor_from_vec(centred, (n, IMAGE_PIXELS));
    let codes = xc.matmul(w.clone());
    let back = codes.matmul(w.permute::<_, Axes2<1, 0>>()).as_vec();
    back.chunks_exact(IMAGE_PIXELS)
        .flat_map(|row| row.iter().zip(&mean).map(|(x, m)| x + m))
        .collect()
}

// ANCHOR: compare
/// Fits PCA, the linear autoencoder and chapter 3's model on `train`, and
/// measures all three on `train` and `eval`.
pub fn compare(
    train: &Images,
    eval: &Images,
    shown: &[usize],
    config: &MnistConfig,
) -> Result<MnistComparison, TrainError> {
    let dev = Cpu::seed_from_u64(config.fit.seed);
    let (x_train, x_eval) = (&train.pixels, &eval.pixels);
    let shown_pixels: Vec<f32> = shown.iter().flat_map(|&i| eval.image(i).to_vec()).collect();

    // PCA: no training, just linear algebra.
    let pca = pca_by_subspace_iteration(&dev, x_train, CODE_SIZE, config);
    let half = MnistConfig {
        pca_iterations: config.pca_iterations / 2,
        ..config.clone()
    };
    let earlier = pca_by_subspace_iteration(&dev, x_train, CODE_SIZE, &half);
    let pca_convergence_degrees = principal_angles_degrees(&earlier.components, &pca.components)
        .into_iter()
        .fold(0.0, f64::max);
    // One more component, only to see the variance of the first one left out.
    let wider = pca_by_subspace_iteration(&dev, x_train, CODE_SIZE + 1, config);
    let v = &wider.variances;
    let variances_at_cut = [v[0], v[CODE_SIZE - 2], v[CODE_SIZE - 1], v[CODE_SIZE]];
    let pca_mse = Mse {
        train: mse(&pca_reconstructions(&dev, &pca, x_train), x_train),
        eval: mse(&pca_reconstructions(&dev, &pca, x_eval), x_eval),
    };

    // The linear autoencoder, trained on the MSE like PCA is defined.
    let mut linear = linear_trainer::<IMAGE_PIXELS, CODE_SIZE>(&dev, config.learning_rate);
    let linear_history = fit(
        &mut linear,
        &config.fit,
        train.len(),
        |t, indices| {
            let batch: Batch<IMAGE_PIXELS> = gather(&dev, x_train, indices);
            t.step(batch.clone(), batch)
        },
        |t| Some(mse(&forward_all(&t.model, x_eval), x_eval) as f32),
    )?;
    let linear_mse = Mse {
        train: mse(&forward_all(&linear.model, x_train), x_train),
        eval: mse(&forward_all(&linear.model, x_eval), x_eval),
    };
    let linear_shown = forward_all(&linear.model, &shown_pixels);
    let linear = unfuse::<LinearAutoencoderModel<IMAGE_PIXELS, CODE_SIZE>>(linear.model);

    // Chapter 3's model: ReLU codes, sigmoid outputs, trained on cross-entropy.
    // A device seeded afresh, as chapter 3 seeds it, gives it chapter 3's
    // initial weights, so that this is chapter 3's run, not a look-alike.
    let (nonlinear, nonlinear_history) = fit_autoencoder::<_, _, IMAGE_PIXELS>(
        Cpu::seed_from_u64(config.fit.seed).build_module::<SimpleAutoencoder, f32>(),
        BinaryCrossEntropy,
        x_train,
        x_eval,
        &config.fit,
    )?;
    let nonlinear_mse = Mse {
        train: mse(&reconstruct(&nonlinear, x_train), x_train),
        eval: mse(&reconstruct(&nonlinear, x_eval), x_eval),
    };

    Ok(MnistComparison {
        train_description: train.description.clone(),
        eval_description: eval.description.clone(),
        pca_train_optimum: pca.optimal_mse(),
        explained_variance: pca.variances.iter().sum::<f64>() / pca.total_variance,
        pca_convergence_degrees,
        variances_at_cut,
        angles_degrees: principal_angles_degrees(&decoder_basis(&linear), &pca.components),
        shown: shown.to_vec(),
        shown_reconstructions: [
            pca_reconstructions(&dev, &pca, &shown_pixels),
            linear_shown,
            reconstruct(&nonlinear, &shown_pixels),
        ],
        pca: pca_mse,
        linear: linear_mse,
        linear_history,
        nonlinear: nonlinear_mse,
        nonlinear_history,
    })
}
// ANCHOR_END: compare

/// The index of the first image of each digit 0..=9 in `images` (fewer if a
/// digit is missing).
pub fn one_of_each_digit(images: &Images) -> Vec<usize> {
    (0..10u8)
        .filter_map(|d| images.labels.iter().position(|&l| l == d))
        .collect()
}
