//! The chapter's experiment on the 3-D cloud: train the 3 -> 2 -> 3 linear
//! autoencoder, compute exact PCA, and compare the two.

use crate::cloud::{CLOUD_POINTS, CloudShape, flatten, tilted_plane_cloud};
use crate::linalg::{Matrix, dot, orthonormal_columns, principal_angles_degrees};
use crate::model::{LinearAutoencoderModel, decoder_basis, encode, linear_trainer};
use crate::pca::Pca;
use ae_fast::unfuse;
use ch03_simple_autoencoder::evaluate;
use dfdx::prelude::*;

/// The settings of the toy run: 60 points as in Géron's example, and full
/// batches of Adam with learning rate 0.01.
#[derive(Clone, Debug)]
pub struct ToyConfig {
    pub points: usize,
    pub shape: CloudShape,
    /// Seeds the cloud and the initial weights.
    pub seed: u64,
    /// Full-batch optimiser steps.
    pub steps: usize,
    pub learning_rate: f64,
}

impl Default for ToyConfig {
    fn default() -> Self {
        ToyConfig {
            points: CLOUD_POINTS,
            shape: CloudShape::default(),
            seed: 42,
            steps: 1000,
            learning_rate: 0.01,
        }
    }
}

/// Everything the chapter reports about the toy run.
#[derive(Clone, Debug)]
pub struct ToyResult {
    /// The trained 3 -> 2 -> 3 model.
    pub model: LinearAutoencoderModel<3, 2>,
    /// The centred cloud.
    pub points: Vec<[f32; 3]>,
    /// The loss before each step (`losses[0]` is the untrained model's).
    pub losses: Vec<f32>,
    /// Exact PCA with two components.
    pub pca: Pca,
    /// The decoder's two columns, spanning the learned plane.
    pub decoder_basis: Matrix,
    /// The biases of the decoder (close to zero: the data is centred).
    pub decoder_bias: [f32; 3],
    /// Principal angles in degrees between the learned plane and PCA's, smallest first.
    pub angles_degrees: Vec<f64>,
    /// Reconstruction MSE of the trained autoencoder.
    pub autoencoder_mse: f64,
    /// MSE of projecting each point orthogonally onto the learned plane
    /// (`b_dec + span(W_dec)`): what the autoencoder would reach if its
    /// encoder and decoder were already exact inverses on its plane.
    pub plane_mse: f64,
    /// Reconstruction MSE of PCA with two components (the optimum).
    pub pca_mse: f64,
    /// The autoencoder's reconstruction of each point.
    pub reconstructions: Vec<[f32; 3]>,
    /// The autoencoder's codings, one `[z1, z2]` per point.
    pub codings: Vec<[f32; 2]>,
    /// The first two principal components of each point.
    pub pca_codings: Vec<[f32; 2]>,
}

impl ToyResult {
    /// How much worse the autoencoder reconstructs than PCA, as a fraction
    /// (0.01 is 1% worse).
    pub fn excess_mse(&self) -> f64 {
        self.autoencoder_mse / self.pca_mse - 1.0
    }
}

// ANCHOR: run_toy
/// Trains the 3 -> 2 -> 3 linear autoencoder on the whole cloud at once,
/// calling `on_step(step, loss)` before each step and once after the last, and
/// compares the result with exact PCA.
pub fn run_toy(config: &ToyConfig, mut on_step: impl FnMut(usize, f32)) -> ToyResult {
    let points = tilted_plane_cloud(config.points, config.shape, config.seed);
    let rows = flatten(&points);
    let dev = Cpu::seed_from_u64(config.seed);
    let batch = || dev.tensor_from_vec(rows.clone(), (config.points, Const::<3>));

    let mut trainer = linear_trainer::<3, 2>(&dev, config.learning_rate);
    let mut losses = Vec::with_capacity(config.steps + 1);
    for step in 0..config.steps {
        let loss = trainer.step(batch(), batch());
        on_step(step, loss);
        losses.push(loss);
    }
    let final_loss = evaluate(&trainer.model, &trainer.loss, &rows, config.points);
    on_step(config.steps, final_loss);
    losses.push(final_loss);
    let model = unfuse::<LinearAutoencoderModel<3, 2>>(trainer.model);

    let pca = Pca::exact(&rows, 3, 2);
    let learned = decoder_basis(&model);
    let decoder_bias = model.1.bias.array();
    ToyResult {
        plane_mse: projection_mse(&points, &learned, decoder_bias),
        angles_degrees: principal_angles_degrees(&learned, &pca.components),
        autoencoder_mse: f64::from(final_loss),
        pca_mse: pca.reconstruction_mse(&rows),
        codings: pairs(&encode(&model, batch())),
        reconstructions: triples(&model.forward(batch()).as_vec()),
        pca_codings: points
            .iter()
            .map(|p| {
                let c = pca.project(p);
                [c[0] as f32, c[1] as f32]
            })
            .collect(),
        decoder_bias,
        decoder_basis: learned,
        model,
        losses,
        pca,
        points,
    }
}
// ANCHOR_END: run_toy

/// Mean squared distance per coordinate from each point to its orthogonal
/// projection onto the plane through `through` spanned by the columns of `basis`.
pub fn projection_mse(points: &[[f32; 3]], basis: &Matrix, through: [f32; 3]) -> f64 {
    let q = orthonormal_columns(basis);
    let mut sum = 0.0;
    for p in points {
        let offset: Vec<f64> = (0..3)
            .map(|d| f64::from(p[d]) - f64::from(through[d]))
            .collect();
        let along: Vec<f64> = (0..q.cols).map(|j| dot(&offset, &q.column(j))).collect();
        for d in 0..3 {
            let inside: f64 = (0..q.cols).map(|j| along[j] * q[(d, j)]).sum();
            sum += (offset[d] - inside).powi(2);
        }
    }
    sum / (3 * points.len()) as f64
}

/// Consecutive pairs of a flat table.
pub fn pairs(flat: &[f32]) -> Vec<[f32; 2]> {
    flat.chunks_exact(2).map(|c| [c[0], c[1]]).collect()
}

/// Consecutive triples of a flat table.
pub fn triples(flat: &[f32]) -> Vec<[f32; 3]> {
    flat.chunks_exact(3).map(|c| [c[0], c[1], c[2]]).collect()
}

/// The 2x2 matrix `A` and offset `b` that best map the principal components
/// `c` to the autoencoder's codings (`z ≈ A c + b`, least squares), with `A`
/// as rows `[[a11, a12], [a21, a22]]`.
///
/// When the two planes agree, the codings are this fixed invertible mixing of
/// the principal components (shifted by the encoder's bias), and nothing more.
pub fn mixing_matrix(result: &ToyResult) -> ([[f64; 2]; 2], [f64; 2]) {
    let n = result.codings.len() as f64;
    let mut offset = [0.0; 2];
    for z in &result.codings {
        (0..2).for_each(|i| offset[i] += f64::from(z[i]) / n);
    }
    // The principal components have mean zero, so the offset is the mean
    // coding, and A solves the normal equations A (Σ c cᵀ) = Σ (z - b) cᵀ.
    let (mut cc, mut zc) = ([[0.0; 2]; 2], [[0.0; 2]; 2]);
    for (z, c) in result.codings.iter().zip(&result.pca_codings) {
        for i in 0..2 {
            for j in 0..2 {
                cc[i][j] += f64::from(c[i]) * f64::from(c[j]);
                zc[i][j] += (f64::from(z[i]) - offset[i]) * f64::from(c[j]);
            }
        }
    }
    let det = cc[0][0] * cc[1][1] - cc[0][1] * cc[1][0];
    let inverse = [
        [cc[1][1] / det, -cc[0][1] / det],
        [-cc[1][0] / det, cc[0][0] / det],
    ];
    let mut a = [[0.0; 2]; 2];
    for i in 0..2 {
        for j in 0..2 {
            a[i][j] = (0..2).map(|k| zc[i][k] * inverse[k][j]).sum();
        }
    }
    (a, offset)
}
