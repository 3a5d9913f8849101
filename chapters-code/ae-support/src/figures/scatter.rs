//! Scatter plots of 2-D points coloured by class, alone or as a grid of panels.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{FigureError, backend, colour, finite_range, pad_range, write_figure};

const SCATTER_SIZE: (u32, u32) = (860, 640);
/// Width of the legend column beside a single scatter plot. The legend lives
/// outside the plot so that it never hides points.
const LEGEND_WIDTH: u32 = 140;
const PANEL_SIZE: (u32, u32) = (360, 340);
const PANEL_LEGEND_HEIGHT: u32 = 44;
/// Dots overlap heavily in a 10 000-point plot; some transparency keeps
/// dense regions readable.
const DOT_ALPHA: f64 = 0.7;

/// One panel of [`scatter_panels`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Panel<'a> {
    /// Panel heading, e.g. `"epoch 5 (accuracy 71.2%)"`.
    pub title: &'a str,
    /// One `(x, y)` per sample.
    pub points: &'a [(f32, f32)],
    /// Class index of each point, indexing `class_names`.
    pub labels: &'a [u8],
}

/// Writes an SVG scatter plot with one colour per class and a legend listing
/// every class name (present or not, so colours mean the same across figures).
///
/// Up to ten classes get distinct colours; beyond that colours repeat.
/// Points with a non-finite coordinate are skipped.
pub fn scatter_by_label(
    path: &Path,
    title: &str,
    points: &[(f32, f32)],
    labels: &[u8],
    class_names: &[&str],
) -> Result<(), FigureError> {
    scatter(path, title, None, points, labels, class_names)
}

/// [`scatter_by_label`] with a title on each axis, `[x, y]`: for maps whose
/// axes mean something a reader needs to be told (a principal component, a
/// t-SNE coordinate).
pub fn scatter_with_axes(
    path: &Path,
    title: &str,
    axes: [&str; 2],
    points: &[(f32, f32)],
    labels: &[u8],
    class_names: &[&str],
) -> Result<(), FigureError> {
    scatter(path, title, Some(axes), points, labels, class_names)
}

fn scatter(
    path: &Path,
    title: &str,
    axes: Option<[&str; 2]>,
    points: &[(f32, f32)],
    labels: &[u8],
    class_names: &[&str],
) -> Result<(), FigureError> {
    check_points(path, "", points, labels, class_names)?;
    let ranges = axis_ranges(points)
        .ok_or_else(|| FigureError::invalid(path, "no finite points to plot"))?;

    write_figure(path, |tmp| {
        let root = SVGBackend::new(tmp, SCATTER_SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(backend(path))?;
        let root = root
            .titled(title, ("sans-serif", 24))
            .map_err(backend(path))?;
        let (plot, legend) = root.split_horizontally(SCATTER_SIZE.0 - LEGEND_WIDTH);
        draw_scatter(
            path,
            &plot,
            ranges,
            (points, labels),
            class_names.len(),
            axes,
            14,
            2,
        )?;
        draw_legend(path, &legend, class_names, Layout::Column)?;
        root.present().map_err(backend(path))?;
        Ok(())
    })
}

/// Writes an SVG grid of small scatter panels sharing one legend.
///
/// Made for showing how a 2-D hidden layer evolves during training: each panel
/// gets its own axis range (the layer's scale changes a lot between epochs)
/// and its own title. Panels fill a near-square grid, row by row.
pub fn scatter_panels(
    path: &Path,
    panels: &[Panel<'_>],
    class_names: &[&str],
) -> Result<(), FigureError> {
    if panels.is_empty() {
        return Err(FigureError::invalid(path, "no panels to draw"));
    }
    let mut ranges = Vec::with_capacity(panels.len());
    for p in panels {
        check_points(path, p.title, p.points, p.labels, class_names)?;
        ranges.push(axis_ranges(p.points).unwrap_or(((-1.0, 1.0), (-1.0, 1.0))));
    }
    draw_panels(path, panels, class_names, ranges)
}

/// Like [`scatter_panels`], but every panel shows the same axis range (the
/// union of all panels' points), so that a cloud that stretches or shrinks
/// between panels is seen to do so, instead of being rescaled to fill each one.
pub fn scatter_panels_on_shared_axes(
    path: &Path,
    panels: &[Panel<'_>],
    class_names: &[&str],
) -> Result<(), FigureError> {
    if panels.is_empty() {
        return Err(FigureError::invalid(path, "no panels to draw"));
    }
    for p in panels {
        check_points(path, p.title, p.points, p.labels, class_names)?;
    }
    let all: Vec<(f32, f32)> = panels
        .iter()
        .flat_map(|p| p.points.iter().copied())
        .collect();
    let range = axis_ranges(&all).unwrap_or(((-1.0, 1.0), (-1.0, 1.0)));
    draw_panels(path, panels, class_names, vec![range; panels.len()])
}

/// Draws checked panels, each in its given axis range.
fn draw_panels(
    path: &Path,
    panels: &[Panel<'_>],
    class_names: &[&str],
    ranges: Vec<Ranges>,
) -> Result<(), FigureError> {
    let cols = (panels.len() as f64).sqrt().ceil() as usize;
    let rows = panels.len().div_ceil(cols);
    let too_big = || FigureError::invalid(path, "too many panels");
    let width = u32::try_from(cols)
        .ok()
        .and_then(|c| c.checked_mul(PANEL_SIZE.0))
        .ok_or_else(too_big)?;
    let height = u32::try_from(rows)
        .ok()
        .and_then(|r| r.checked_mul(PANEL_SIZE.1))
        .and_then(|h| h.checked_add(PANEL_LEGEND_HEIGHT))
        .ok_or_else(too_big)?;

    write_figure(path, |tmp| {
        let root = SVGBackend::new(tmp, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(backend(path))?;
        let (grid, legend) = root.split_vertically(height - PANEL_LEGEND_HEIGHT);
        let areas = grid.split_evenly((rows, cols));
        for ((area, panel), range) in areas.iter().zip(panels).zip(ranges) {
            let area = area
                .titled(panel.title, ("sans-serif", 16))
                .map_err(backend(path))?;
            draw_scatter(
                path,
                &area,
                range,
                (panel.points, panel.labels),
                class_names.len(),
                None,
                11,
                2,
            )?;
        }
        draw_legend(path, &legend, class_names, Layout::Row)?;
        root.present().map_err(backend(path))?;
        Ok(())
    })
}

type Ranges = ((f32, f32), (f32, f32));

/// Rejects inputs that cannot be coloured: mismatched lengths, unknown labels.
fn check_points(
    path: &Path,
    panel: &str,
    points: &[(f32, f32)],
    labels: &[u8],
    class_names: &[&str],
) -> Result<(), FigureError> {
    let context = if panel.is_empty() {
        String::new()
    } else {
        format!("panel `{panel}`: ")
    };
    if points.len() != labels.len() {
        return Err(FigureError::invalid(
            path,
            format!(
                "{context}{} points but {} labels",
                points.len(),
                labels.len()
            ),
        ));
    }
    if let Some(&bad) = labels
        .iter()
        .find(|&&l| usize::from(l) >= class_names.len())
    {
        return Err(FigureError::invalid(
            path,
            format!(
                "{context}label {bad} has no class name ({} names given)",
                class_names.len()
            ),
        ));
    }
    Ok(())
}

/// Padded x and y ranges of the finite points, or `None` if there are none.
fn axis_ranges(points: &[(f32, f32)]) -> Option<Ranges> {
    let finite = || {
        points
            .iter()
            .filter(|(x, y)| x.is_finite() && y.is_finite())
    };
    let (x_lo, x_hi) = finite_range(finite().map(|p| p.0))?;
    let (y_lo, y_hi) = finite_range(finite().map(|p| p.1))?;
    Some((pad_range(x_lo, x_hi, 0.04), pad_range(y_lo, y_hi, 0.04)))
}

/// Draws axes and one dot per point, class by class so later classes do not
/// systematically hide behind earlier ones more than necessary.
#[allow(clippy::too_many_arguments)]
fn draw_scatter(
    path: &Path,
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    ((x_lo, x_hi), (y_lo, y_hi)): Ranges,
    (points, labels): (&[(f32, f32)], &[u8]),
    n_classes: usize,
    axes: Option<[&str; 2]>,
    font_size: u32,
    radius: u32,
) -> Result<(), FigureError> {
    // Axis titles need room beside the tick labels.
    let extra = if axes.is_some() { font_size * 2 } else { 0 };
    let mut chart = ChartBuilder::on(area)
        .margin(8)
        .x_label_area_size(font_size * 2 + extra)
        .y_label_area_size(font_size * 4 + extra)
        .build_cartesian_2d(x_lo..x_hi, y_lo..y_hi)
        .map_err(backend(path))?;
    let [x_title, y_title] = axes.unwrap_or(["", ""]);
    chart
        .configure_mesh()
        .x_labels(6)
        .y_labels(6)
        .x_desc(x_title)
        .y_desc(y_title)
        .label_style(("sans-serif", font_size))
        .axis_desc_style(("sans-serif", font_size))
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(backend(path))?;
    for class in 0..n_classes {
        let style = colour(class).mix(DOT_ALPHA).filled();
        let dots = points
            .iter()
            .zip(labels)
            .filter(|&(&(x, y), &l)| usize::from(l) == class && x.is_finite() && y.is_finite())
            .map(|(&p, _)| Circle::new(p, radius, style));
        chart.draw_series(dots).map_err(backend(path))?;
    }
    Ok(())
}

enum Layout {
    /// One entry per line, for a legend beside the plot.
    Column,
    /// Entries side by side, for a legend strip under a grid of panels.
    Row,
}

/// Draws a colour key by hand. Plotters' built-in legend belongs to a single
/// chart; a shared key for several panels, or one outside the plot area,
/// has to be drawn on the surrounding drawing area.
fn draw_legend(
    path: &Path,
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    class_names: &[&str],
    layout: Layout,
) -> Result<(), FigureError> {
    let (width, height) = area.dim_in_pixel();
    let n = class_names.len().max(1) as i32;
    let text_style = TextStyle::from(("sans-serif", 15))
        .color(&BLACK)
        .pos(Pos::new(HPos::Left, VPos::Center));
    for (i, name) in (0i32..).zip(class_names) {
        let (x, y) = match layout {
            Layout::Column => (12, 40 + i * 24),
            Layout::Row => {
                let slot = width as i32 / n;
                (i * slot + slot / 4, height as i32 / 2)
            }
        };
        let c = colour(i as usize);
        area.draw(&Circle::new((x, y), 6, c.mix(DOT_ALPHA).filled()))
            .map_err(backend(path))?;
        area.draw(&Text::new(*name, (x + 12, y), text_style.clone()))
            .map_err(backend(path))?;
    }
    Ok(())
}
