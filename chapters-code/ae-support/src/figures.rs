//! Figures for the book: digit grids (PNG) and charts (SVG).
//!
//! Plotters is built without its `ttf` feature so that the book builds on a
//! machine with no system font libraries. That choice shapes this module:
//!
//! * **SVG charts carry their text.** The SVG backend writes every label as a
//!   `<text>` element and lets the browser pick the font; plotters only needs a
//!   rough width estimate for layout, which its built-in estimator provides.
//! * **PNGs carry no text.** Without a font, the bitmap backend panics as soon as
//!   it is asked to rasterise a glyph. Digit grids are therefore pure pixels, and
//!   their row labels belong in the book's caption (see [`grid_caption`]).
//!
//! Every function creates missing parent directories, writes through a
//! temporary file renamed into place, and reports problems as a
//! [`FigureError`] that names the file, so a chapter can bubble it up with `?`
//! instead of panicking halfway through a long training run.

mod digit_grid;
mod histogram;
mod loss_curve;
mod scatter;

pub use digit_grid::{
    CELL_GAP, DigitRow, GRID_MARGIN, ImageShape, ROW_GAP, digit_grid, grid_caption, grid_dimensions,
};
pub use histogram::histograms;
pub use loss_curve::{Series, loss_curves};
pub use scatter::{
    Panel, scatter_by_label, scatter_panels, scatter_panels_on_shared_axes, scatter_with_axes,
};

use crate::atomic::{self, Step};
use std::error::Error as StdError;
use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::coord::ranged1d::AsRangedCoord;
use plotters::prelude::*;

/// Why a figure could not be written. Every variant names the target file.
#[derive(Debug, thiserror::Error)]
pub enum FigureError {
    /// The directory that should hold the figure could not be created.
    #[error("cannot create the directory for figure {path}: {source}")]
    CreateDir {
        /// The figure that was being written.
        path: PathBuf,
        /// The underlying I/O failure.
        source: std::io::Error,
    },
    /// The finished figure could not be flushed or moved into place.
    #[error("cannot {action} figure {path}: {source}")]
    Io {
        /// The figure that was being written.
        path: PathBuf,
        /// What was being attempted, e.g. `"move into place"`.
        action: &'static str,
        /// The underlying I/O failure.
        source: std::io::Error,
    },
    /// The data handed in cannot be drawn (empty, mismatched lengths, ...).
    #[error("cannot draw figure {path}: {reason}")]
    InvalidInput {
        /// The figure that was being written.
        path: PathBuf,
        /// What is wrong with the input.
        reason: String,
    },
    /// Plotters failed while drawing or encoding the file.
    #[error("plotting backend failed on figure {path}: {source}")]
    Backend {
        /// The figure that was being written.
        path: PathBuf,
        /// The error reported by plotters.
        source: Box<dyn StdError + Send + Sync>,
    },
}

impl FigureError {
    /// The figure this error is about.
    pub fn path(&self) -> &Path {
        match self {
            Self::CreateDir { path, .. }
            | Self::Io { path, .. }
            | Self::InvalidInput { path, .. }
            | Self::Backend { path, .. } => path,
        }
    }

    pub(crate) fn invalid(path: &Path, reason: impl Into<String>) -> Self {
        Self::InvalidInput {
            path: path.to_path_buf(),
            reason: reason.into(),
        }
    }
}

/// Adapter for `map_err`: wraps a plotters error together with the file name.
pub fn backend<E: StdError + Send + Sync + 'static>(
    path: &Path,
) -> impl FnOnce(E) -> FigureError + '_ {
    move |e| FigureError::Backend {
        path: path.to_path_buf(),
        source: Box::new(e),
    }
}

/// A chart being drawn into an SVG file, over axes of ranges `X` and `Y`.
pub type SvgChart<'a, 'b, X, Y> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<X, Y>>;

/// A chart on `root`, on a white background, with the title, margins and
/// label areas every chart of the book shares, over the axes `x` and `y`.
/// With [`write_figure`], [`finish_chart`], [`colour`] and the font sizes,
/// it is also how a chapter draws a chart of its own in the book's style.
pub fn svg_chart<'a, 'b: 'a, X: AsRangedCoord, Y: AsRangedCoord>(
    root: &'a DrawingArea<SVGBackend<'b>, Shift>,
    path: &Path,
    title: &str,
    x: X,
    y: Y,
) -> Result<SvgChart<'a, 'b, X::CoordDescType, Y::CoordDescType>, FigureError> {
    root.fill(&WHITE).map_err(backend(path))?;
    ChartBuilder::on(root)
        .caption(title, (FONT, TITLE_SIZE))
        .margin(16)
        .x_label_area_size(44)
        .y_label_area_size(64)
        .build_cartesian_2d(x, y)
        .map_err(backend(path))
}

/// Draws the legend of `chart` at `position` and writes the file.
pub fn finish_chart<'a, 'b: 'a, CT: CoordTranslate>(
    chart: &mut ChartContext<'a, SVGBackend<'b>, CT>,
    root: &DrawingArea<SVGBackend<'b>, Shift>,
    path: &Path,
    position: SeriesLabelPosition,
) -> Result<(), FigureError> {
    chart
        .configure_series_labels()
        .position(position)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.4))
        .label_font((FONT, LABEL_SIZE))
        .draw()
        .map_err(backend(path))?;
    root.present().map_err(backend(path))
}

/// Writes the figure at `path` by letting `draw` draw into a temporary file
/// beside it, renamed into place once complete (see
/// [`crate::atomic::write_atomically`]): an interrupted run never leaves half a
/// figure. Missing parent folders are created first.
pub fn write_figure(
    path: &Path,
    draw: impl FnOnce(&Path) -> Result<(), FigureError>,
) -> Result<(), FigureError> {
    atomic::write_atomically(path, draw, |step, source| match step {
        Step::CreateDir => FigureError::CreateDir {
            path: path.to_path_buf(),
            source,
        },
        _ => FigureError::Io {
            path: path.to_path_buf(),
            action: step.verb(),
            source,
        },
    })
}

/// Matplotlib's "tab10" palette: ten colours chosen to stay distinguishable
/// from each other, which is exactly what ten digit classes need.
pub(crate) const PALETTE: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

/// Colour of series or class `i`; cycles after ten.
pub fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// Smallest and largest finite value, or `None` if there is none. Non-finite
/// values (a diverged loss, say) are skipped rather than allowed to blow up
/// the axis range.
pub(crate) fn finite_range(values: impl IntoIterator<Item = f32>) -> Option<(f32, f32)> {
    values
        .into_iter()
        .filter(|v| v.is_finite())
        .fold(None, |acc, v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
        })
}

/// Widens `[lo, hi]` by `frac` of its width on each side so that extreme points
/// are not drawn on the frame; a zero-width range gets a unit width.
pub(crate) fn pad_range(lo: f32, hi: f32, frac: f32) -> (f32, f32) {
    if hi > lo {
        let pad = (hi - lo) * frac;
        (lo - pad, hi + pad)
    } else {
        (lo - 0.5, hi + 0.5)
    }
}

/// Font family for SVG text; the viewer's browser picks the actual face.
pub const FONT: &str = "sans-serif";
/// Plotters scales font sizes down by 1.24 when writing SVG, so these are a
/// little larger than the pixel sizes that end up in the file.
pub(crate) const TITLE_SIZE: u32 = 28;
pub const LABEL_SIZE: u32 = 19;
pub const TICK_SIZE: u32 = 16;
