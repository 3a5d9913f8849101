//! Training curves: one line per series, one point per epoch.

use std::path::Path;

use plotters::prelude::*;

use super::{
    FONT, FigureError, LABEL_SIZE, TICK_SIZE, backend, colour, finish_chart, finite_range,
    pad_range, svg_chart, write_figure,
};

/// One named curve, e.g. the training or validation loss per epoch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Series<'a> {
    /// Legend entry.
    pub name: &'a str,
    /// One value per epoch; `values[0]` is epoch 1.
    pub values: &'a [f32],
}

impl<'a> Series<'a> {
    /// A named series.
    pub const fn new(name: &'a str, values: &'a [f32]) -> Self {
        Self { name, values }
    }
}

const SIZE: (u32, u32) = (800, 500);

/// Writes an SVG line chart of per-epoch values with a legend.
///
/// Epochs are numbered from 1 because "after epoch 1" is how a training log
/// reads. Each epoch is also marked with a dot: with a handful of epochs the
/// dots show where the measurements are and the lines only guide the eye.
/// Non-finite values are left out rather than dragging the axis to infinity.
pub fn loss_curves(
    path: &Path,
    title: &str,
    series: &[Series<'_>],
    y_label: &str,
) -> Result<(), FigureError> {
    let epochs = series.iter().map(|s| s.values.len()).max().unwrap_or(0);
    let Some((lo, hi)) = finite_range(series.iter().flat_map(|s| s.values.iter().copied())) else {
        return Err(FigureError::invalid(path, "no finite values to plot"));
    };
    let (y_lo, y_hi) = pad_range(lo, hi, 0.05);
    // One segment per epoch, points at segment centres: the first and last
    // epochs then sit inside the frame instead of on the axes.
    let x_end =
        u32::try_from(epochs + 1).map_err(|_| FigureError::invalid(path, "too many epochs"))?;

    write_figure(path, |tmp| {
        let root = SVGBackend::new(tmp, SIZE).into_drawing_area();
        let mut chart = svg_chart(
            &root,
            path,
            title,
            (1u32..x_end).into_segmented(),
            y_lo..y_hi,
        )?;
        chart
            .configure_mesh()
            .x_desc("epoch")
            .y_desc(y_label)
            .x_labels(epochs.clamp(2, 12))
            .light_line_style(WHITE.mix(0.0))
            .axis_desc_style((FONT, LABEL_SIZE))
            .label_style((FONT, TICK_SIZE))
            .draw()
            .map_err(backend(path))?;

        for (i, s) in series.iter().enumerate() {
            let c = colour(i);
            let points: Vec<(SegmentValue<u32>, f32)> = (1u32..)
                .zip(s.values.iter().copied())
                .filter(|(_, v)| v.is_finite())
                .map(|(e, v)| (SegmentValue::CenterOf(e), v))
                .collect();
            chart
                .draw_series(LineSeries::new(points.iter().cloned(), c.stroke_width(2)))
                .map_err(backend(path))?
                .label(s.name)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(2))
                });
            chart
                .draw_series(points.iter().map(|p| Circle::new(p.clone(), 3, c.filled())))
                .map_err(backend(path))?;
        }
        finish_chart(&mut chart, &root, path, SeriesLabelPosition::UpperRight)
    })
}
