//! What chapter 4's run reports: the numbers behind the codes (the results
//! file) and the two figures. Everything here receives finished values.

use crate::code_images::code_image;
use crate::pca::Pca;
use ae_support::data::{Dataset, IMAGE_PIXELS, Images};
use ae_support::figures::{
    DigitRow, FigureError, ImageShape, digit_grid, grid_caption, scatter_with_axes,
};
use ch03_simple_autoencoder::CODE_SIZE;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The codes projected onto their first two principal components, and
/// their t-SNE map.
pub struct CodeMap {
    pub pca: Pca,
    /// One `(component 1, component 2)` per code.
    pub points: Vec<(f32, f32)>,
    /// One t-SNE `(x, y)` per code.
    pub tsne: Vec<(f32, f32)>,
}

impl CodeMap {
    /// Fits the projection to `codes` (rows of [`CODE_SIZE`]) and projects
    /// them; the t-SNE map is chapter 8's, its start drawn from `seed`.
    pub fn of(codes: &[f32], seed: u64) -> CodeMap {
        // ANCHOR: code_map
        let pca = Pca::fit(codes, CODE_SIZE, 2);
        let points: Vec<(f32, f32)> = codes
            .chunks(CODE_SIZE)
            .map(|code| {
                let p = pca.project(code);
                (p[0] as f32, p[1] as f32)
            })
            .collect();
        // ANCHOR_END: code_map
        let tsne = crate::tsne::tsne_map(codes, CODE_SIZE, seed);
        CodeMap { pca, points, tsne }
    }

    /// Share of the codes' variance along component `i`.
    fn share(&self, i: usize) -> f64 {
        self.pca.variances[i] / self.pca.total_variance
    }
}

/// The results file: where the weights came from, the loss, how the code
/// units behave, and where each class sits on the map.
pub fn results_text(
    provenance: &str,
    weights: &str,
    loss: f32,
    eval: &Images,
    codes: &[f32],
    map: &CodeMap,
) -> String {
    let mut t = format!("{provenance}weights:  {weights}\n\n");
    let _ = writeln!(
        t,
        "autoencoder loss on {} ({} images): {loss:.4} BCE per pixel",
        eval.description,
        eval.len()
    );
    let _ = writeln!(
        t,
        "decoder(encoder(x)) == autoencoder(x) for all {} images\n",
        eval.len()
    );
    // ReLU codes are often exactly zero, and a unit that is zero for every
    // image carries nothing.
    let zeros = codes.iter().filter(|&&c| c == 0.0).count();
    let silent_units = (0..CODE_SIZE)
        .filter(|&u| codes.chunks(CODE_SIZE).all(|code| code[u] == 0.0))
        .count();
    let largest = codes.iter().copied().fold(0.0f32, f32::max);
    let mean = codes.iter().sum::<f32>() / codes.len() as f32;
    let _ = writeln!(
        t,
        "code values: mean {mean:.2}, largest {largest:.2}, {:.1}% exactly zero; \
         {silent_units} of {CODE_SIZE} units zero for every image",
        100.0 * zeros as f64 / codes.len() as f64
    );
    let first: Vec<String> = codes[..CODE_SIZE]
        .iter()
        .map(|c| format!("{c:.1}"))
        .collect();
    let _ = writeln!(
        t,
        "code of the first held-out image (a {}):\n  [{}]\n",
        eval.labels[0],
        first.join(", ")
    );
    let _ = writeln!(
        t,
        "first two principal components: {:.1}% of the codes' variance ({:.1}% and {:.1}%)",
        100.0 * map.pca.explained(),
        100.0 * map.share(0),
        100.0 * map.share(1)
    );
    let _ = writeln!(
        t,
        "class centres on the map (component 1, component 2; mean distance from the centre):"
    );
    for class in 0..10u8 {
        let mine: Vec<(f32, f32)> = map
            .points
            .iter()
            .zip(&eval.labels)
            .filter(|&(_, &l)| l == class)
            .map(|(&p, _)| p)
            .collect();
        if mine.is_empty() {
            continue;
        }
        let n = mine.len() as f32;
        let cx = mine.iter().map(|p| p.0).sum::<f32>() / n;
        let cy = mine.iter().map(|p| p.1).sum::<f32>() / n;
        let spread = mine.iter().map(|p| (p.0 - cx).hypot(p.1 - cy)).sum::<f32>() / n;
        let _ = writeln!(
            t,
            "  {class}: ({cx:6.2}, {cy:6.2}); {spread:.2}  [{} images]",
            mine.len()
        );
    }
    t
}

/// `codes.png` (digits, their codes as pictures, the decoder's images),
/// `code-map.svg` (principal components) and `code-tsne.svg` in `dir`;
/// returns the files and the grid's caption.
pub fn write_figures(
    dir: &Path,
    dataset: Dataset,
    eval: &Images,
    codes: &[f32],
    decoded: &[f32],
    map: &CodeMap,
) -> Result<(Vec<PathBuf>, String), FigureError> {
    let shown = eval.first_of_each_class();
    let code_of = |i: usize| &codes[i * CODE_SIZE..(i + 1) * CODE_SIZE];
    // A few large values would leave every other cell dark; white stands for
    // the 98th percentile of all held-out code values, or more.
    let mut sorted = codes.to_vec();
    sorted.sort_by(f32::total_cmp);
    let brightest = sorted[sorted.len() * 98 / 100].max(f32::MIN_POSITIVE);
    let code_pictures: Vec<Vec<f32>> = shown
        .iter()
        .map(|&i| code_image(code_of(i), brightest))
        .collect();
    let rows = [
        DigitRow::new("held-out digits", shown.iter().map(|&i| eval.image(i))),
        DigitRow::new(
            "their 32-number codes as 4 x 8 cells (brighter = larger)",
            code_pictures.iter().map(Vec::as_slice),
        ),
        DigitRow::new(
            "the decoder's images of those codes",
            shown
                .iter()
                .map(|&i| &decoded[i * IMAGE_PIXELS..(i + 1) * IMAGE_PIXELS]),
        ),
    ];
    let grid = dir.join("codes.png");
    digit_grid(&grid, &rows, ImageShape::MNIST, 3)?;
    let caption = format!(
        "{} White code cells: {brightest:.2} or more, the 98th percentile.",
        grid_caption(&rows)
    );

    let names = dataset.class_names();
    let title = format!(
        "Codes of {}, first 2 principal components ({:.0}% of variance)",
        eval.description,
        100.0 * map.pca.explained()
    );
    let plot = dir.join("code-map.svg");
    let axes = ["principal component 1", "principal component 2"];
    scatter_with_axes(&plot, &title, axes, &map.points, &eval.labels, &names)?;
    let title = format!("Codes of {}, t-SNE map", eval.description);
    let tsne = dir.join("code-tsne.svg");
    let axes = ["t-SNE coordinate 1", "t-SNE coordinate 2"];
    scatter_with_axes(&tsne, &title, axes, &map.tsne, &eval.labels, &names)?;
    Ok((vec![grid, plot, tsne], caption))
}
