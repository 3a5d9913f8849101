//! The chapter's figures, from numbers the program has already computed.

use crate::training::Terms;
use ae_support::data::IMAGE_PIXELS;
use ae_support::figures::{
    DigitRow, FigureError, ImageShape, Panel, Series, digit_grid, loss_curves, scatter_panels,
};
use std::path::Path;

/// A `side × side` grid of decoded images, in the order of
/// [`crate::latent::quantile_grid`].
pub fn latent_grid(path: &Path, images: &[f32], side: usize) -> Result<(), FigureError> {
    let rows: Vec<DigitRow> = images
        .chunks(side * IMAGE_PIXELS)
        .map(|row| DigitRow::from_concatenated("decoded", row, ImageShape::MNIST))
        .collect();
    digit_grid(path, &rows, ImageShape::MNIST, 1)
}

/// Rows of images with a label each, at twice their size.
pub fn image_rows(path: &Path, rows: &[(&str, &[f32])]) -> Result<(), FigureError> {
    let rows: Vec<DigitRow> = rows
        .iter()
        .map(|&(label, images)| DigitRow::from_concatenated(label, images, ImageShape::MNIST))
        .collect();
    digit_grid(path, &rows, ImageShape::MNIST, 2)
}

/// Two-value points, back to back, as pairs for a scatter plot.
fn pairs(points: &[f32]) -> Vec<(f32, f32)> {
    points.chunks(2).map(|p| (p[0], p[1])).collect()
}

/// Side by side: where a VAE puts the images (its means) and where a plain
/// 2-d autoencoder puts them (its codes).
pub fn latent_planes(
    path: &Path,
    vae_means: &[f32],
    plain_codes: &[f32],
    labels: &[u8],
    class_names: &[&str],
) -> Result<(), FigureError> {
    let (vae, plain) = (pairs(vae_means), pairs(plain_codes));
    let panels = [
        Panel {
            title: "VAE: mean of each image's code",
            points: &vae,
            labels,
        },
        Panel {
            title: "plain autoencoder: each image's code",
            points: &plain,
            labels,
        },
    ];
    scatter_panels(path, &panels, class_names)
}

/// Both terms per epoch, for training and validation.
pub fn term_curves(
    path: &Path,
    title: &str,
    train: &[Terms],
    validation: &[Terms],
    y_label: &str,
) -> Result<(), FigureError> {
    let column = |terms: &[Terms], pick: fn(&Terms) -> f32| terms.iter().map(pick).collect();
    let curves: [(&str, Vec<f32>); 4] = [
        (
            "training: reconstruction",
            column(train, |t| t.reconstruction),
        ),
        (
            "validation: reconstruction",
            column(validation, |t| t.reconstruction),
        ),
        ("training: KL", column(train, |t| t.kl)),
        ("validation: KL", column(validation, |t| t.kl)),
    ];
    let series: Vec<Series> = curves.iter().map(|(n, v)| Series::new(n, v)).collect();
    loss_curves(path, title, &series, y_label)
}
