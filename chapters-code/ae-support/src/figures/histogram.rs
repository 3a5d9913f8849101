//! Overlaid histograms, e.g. code activations of two autoencoders.

use std::path::Path;

use plotters::prelude::*;

use super::{
    FONT, FigureError, LABEL_SIZE, TICK_SIZE, backend, colour, finish_chart, finite_range,
    pad_range, svg_chart, write_figure,
};

const SIZE: (u32, u32) = (800, 500);
/// Fill opacity: low enough that an overlapped bar still shows both colours.
const FILL_ALPHA: f64 = 0.45;

/// Writes an SVG with one semi-transparent histogram per series, all sharing
/// the same `bins` equal-width bins so their bars line up and can be compared
/// directly. Bar heights are counts, so compare series of equal size.
/// Non-finite values are ignored.
pub fn histograms(
    path: &Path,
    title: &str,
    series: &[(&str, &[f32])],
    bins: usize,
) -> Result<(), FigureError> {
    if bins == 0 {
        return Err(FigureError::invalid(
            path,
            "histogram needs at least one bin",
        ));
    }
    let Some((lo, hi)) = finite_range(series.iter().flat_map(|(_, v)| v.iter().copied())) else {
        return Err(FigureError::invalid(path, "no finite values to plot"));
    };
    // A constant series still deserves a visible bar.
    let (lo, hi) = if hi > lo {
        (lo, hi)
    } else {
        pad_range(lo, hi, 0.0)
    };
    let width = (hi - lo) / bins as f32;
    let counts: Vec<Vec<u32>> = series
        .iter()
        .map(|(_, values)| {
            let mut c = vec![0u32; bins];
            for &v in values.iter().filter(|v| v.is_finite()) {
                // `hi` itself falls into the last bin.
                let b = (((v - lo) / width) as usize).min(bins - 1);
                c[b] += 1;
            }
            c
        })
        .collect();
    let max_count = counts.iter().flatten().copied().max().unwrap_or(0).max(1);

    write_figure(path, |tmp| {
        let root = SVGBackend::new(tmp, SIZE).into_drawing_area();
        let mut chart = svg_chart(&root, path, title, lo..hi, 0f32..max_count as f32 * 1.05)?;
        chart
            .configure_mesh()
            .x_desc("value")
            .y_desc("count")
            // Counts are whole numbers; the f32 axis would print "500.0".
            .y_label_formatter(&|v| format!("{v:.0}"))
            .light_line_style(WHITE.mix(0.0))
            .axis_desc_style((FONT, LABEL_SIZE))
            .label_style((FONT, TICK_SIZE))
            .draw()
            .map_err(backend(path))?;

        for (i, ((name, _), counts)) in series.iter().zip(&counts).enumerate() {
            let style = colour(i).mix(FILL_ALPHA).filled();
            let bars = (0..bins).filter(|&b| counts[b] > 0).map(move |b| {
                let x0 = lo + b as f32 * width;
                Rectangle::new([(x0, 0.0), (x0 + width, counts[b] as f32)], style)
            });
            chart
                .draw_series(bars)
                .map_err(backend(path))?
                .label(*name)
                .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 16, y + 6)], style));
        }
        finish_chart(&mut chart, &root, path, SeriesLabelPosition::UpperRight)
    })
}
