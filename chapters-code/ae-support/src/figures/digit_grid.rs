//! Grids of small greyscale images: originals, noisy inputs, reconstructions.

use std::path::Path;

use plotters::prelude::*;

use super::{FigureError, backend, write_figure};

/// Pixels between neighbouring images in a row.
pub const CELL_GAP: u32 = 2;
/// Pixels between rows; wider than [`CELL_GAP`] so rows read as groups.
pub const ROW_GAP: u32 = 8;
/// Pixels of background around the whole grid.
pub const GRID_MARGIN: u32 = 4;

/// Background behind the images. Light grey, so the black borders of MNIST
/// digits stay visible as separate tiles.
const BACKGROUND: RGBColor = RGBColor(224, 224, 224);

/// Width and height of one image, in source pixels (row-major layout).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ImageShape {
    /// Pixels per row.
    pub width: u32,
    /// Number of rows.
    pub height: u32,
}

impl ImageShape {
    /// A 28x28 MNIST digit.
    pub const MNIST: Self = Self::new(28, 28);

    /// An image of `width` x `height` pixels, e.g. `ImageShape::new(8, 4)` to
    /// show a 32-value code as a small picture.
    pub const fn new(width: u32, height: u32) -> Self {
        Self { width, height }
    }

    /// Number of values one image occupies.
    pub const fn len(self) -> usize {
        self.width as usize * self.height as usize
    }

    /// True when the shape has no pixels.
    pub const fn is_empty(self) -> bool {
        self.len() == 0
    }
}

impl Default for ImageShape {
    fn default() -> Self {
        Self::MNIST
    }
}

/// One row of a digit grid.
///
/// The label is not drawn (PNGs here carry no text, see the module docs); it
/// names the row in error messages and in [`grid_caption`].
#[derive(Debug, Clone, PartialEq)]
pub struct DigitRow<'a> {
    /// What the row shows, e.g. `"noisy input"`.
    pub label: &'a str,
    /// The images, left to right, each [`ImageShape::len`] values in `[0, 1]`.
    pub images: Vec<&'a [f32]>,
}

impl<'a> DigitRow<'a> {
    /// A row from separate image slices.
    pub fn new(label: &'a str, images: impl IntoIterator<Item = &'a [f32]>) -> Self {
        Self {
            label,
            images: images.into_iter().collect(),
        }
    }

    /// A row from images stored back to back, the layout a batch tensor's
    /// `as_vec()` produces. A trailing partial image is kept so that
    /// [`digit_grid`] can report it instead of silently dropping it.
    pub fn from_concatenated(label: &'a str, data: &'a [f32], shape: ImageShape) -> Self {
        let images = if shape.is_empty() {
            Vec::new()
        } else {
            data.chunks(shape.len()).collect()
        };
        Self { label, images }
    }
}

/// Size in pixels of the PNG [`digit_grid`] writes for `rows` rows of at most
/// `cols` images of `shape`, each pixel scaled to `scale` x `scale`.
///
/// Returns `None` if the size does not fit in `u32`.
pub fn grid_dimensions(rows: u32, cols: u32, shape: ImageShape, scale: u32) -> Option<(u32, u32)> {
    let cell_w = shape.width.checked_mul(scale)?;
    let cell_h = shape.height.checked_mul(scale)?;
    let span = |n: u32, cell: u32, gap: u32| -> Option<u32> {
        n.checked_mul(cell)?
            .checked_add(n.saturating_sub(1).checked_mul(gap)?)?
            .checked_add(2 * GRID_MARGIN)
    };
    Some((span(cols, cell_w, CELL_GAP)?, span(rows, cell_h, ROW_GAP)?))
}

/// Caption text listing the rows top to bottom, for the book's figure caption
/// (the PNG itself has no room for text).
pub fn grid_caption(rows: &[DigitRow<'_>]) -> String {
    let labels: Vec<&str> = rows.iter().map(|r| r.label).collect();
    format!("Rows, top to bottom: {}.", labels.join("; "))
}

/// Writes a PNG grid of greyscale images, one [`DigitRow`] per grid row.
///
/// Value 0 is black and 1 is white, matching how MNIST stores ink; values are
/// clamped to `[0, 1]` (NaN counts as 0), so a reconstruction that overshoots
/// does not wrap around. Each source pixel becomes a `scale` x `scale` block,
/// cells are [`CELL_GAP`] pixels apart and rows [`ROW_GAP`] pixels apart.
/// Rows may hold different numbers of images; the grid is as wide as the
/// longest one. See [`grid_dimensions`] for the exact size.
pub fn digit_grid(
    path: &Path,
    rows: &[DigitRow<'_>],
    shape: ImageShape,
    scale: u32,
) -> Result<(), FigureError> {
    if rows.is_empty() {
        return Err(FigureError::invalid(path, "no rows to draw"));
    }
    if shape.is_empty() || scale == 0 {
        return Err(FigureError::invalid(
            path,
            format!(
                "image shape {}x{} at scale {scale} has no pixels",
                shape.width, shape.height
            ),
        ));
    }
    for row in rows {
        for (i, image) in row.images.iter().enumerate() {
            if image.len() != shape.len() {
                return Err(FigureError::invalid(
                    path,
                    format!(
                        "row `{}`, image {i}: {} values, expected {} ({}x{})",
                        row.label,
                        image.len(),
                        shape.len(),
                        shape.width,
                        shape.height
                    ),
                ));
            }
        }
    }
    let cols = rows.iter().map(|r| r.images.len()).max().unwrap_or(0);
    if cols == 0 {
        return Err(FigureError::invalid(path, "every row is empty"));
    }
    let too_big = || FigureError::invalid(path, "grid is too large for a PNG");
    let n_rows = u32::try_from(rows.len()).map_err(|_| too_big())?;
    let n_cols = u32::try_from(cols).map_err(|_| too_big())?;
    let (width, height) = grid_dimensions(n_rows, n_cols, shape, scale).ok_or_else(too_big)?;
    // Keep pixel coordinates (i32 in plotters) and the RGB buffer in range.
    if width > 1 << 15 || height > 1 << 15 {
        return Err(too_big());
    }

    write_figure(path, |tmp| {
        let root = BitMapBackend::new(tmp, (width, height)).into_drawing_area();
        root.fill(&BACKGROUND).map_err(backend(path))?;
        let cell_w = shape.width * scale;
        let cell_h = shape.height * scale;
        for (r, row) in (0u32..).zip(rows) {
            let top = GRID_MARGIN + r * (cell_h + ROW_GAP);
            for (c, image) in (0u32..).zip(&row.images) {
                let left = GRID_MARGIN + c * (cell_w + CELL_GAP);
                for (i, &value) in (0u32..).zip(image.iter()) {
                    let grey = grey_level(value);
                    let colour = RGBColor(grey, grey, grey);
                    let x0 = left + (i % shape.width) * scale;
                    let y0 = top + (i / shape.width) * scale;
                    for dy in 0..scale {
                        for dx in 0..scale {
                            // Coordinates are below 2^15, so the casts are lossless.
                            root.draw_pixel(((x0 + dx) as i32, (y0 + dy) as i32), &colour)
                                .map_err(backend(path))?;
                        }
                    }
                }
            }
        }
        root.present().map_err(backend(path))?;
        Ok(())
    })
}

/// Maps a value in `[0, 1]` to an 8-bit grey level, clamping anything outside.
fn grey_level(value: f32) -> u8 {
    let v = if value.is_nan() {
        0.0
    } else {
        value.clamp(0.0, 1.0)
    };
    (v * 255.0).round() as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grey_levels_clamp() {
        assert_eq!(grey_level(-1.0), 0);
        assert_eq!(grey_level(f32::NAN), 0);
        assert_eq!(grey_level(0.5), 128);
        assert_eq!(grey_level(7.0), 255);
    }

    #[test]
    fn dimensions_add_gaps_and_margins() {
        // 10 columns of 28*2 = 56 px, 9 gaps, 2 margins.
        assert_eq!(
            grid_dimensions(3, 10, ImageShape::MNIST, 2),
            Some((
                10 * 56 + 9 * CELL_GAP + 2 * GRID_MARGIN,
                3 * 56 + 2 * ROW_GAP + 2 * GRID_MARGIN
            ))
        );
        assert_eq!(grid_dimensions(1, 1, ImageShape::MNIST, u32::MAX), None);
    }
}
