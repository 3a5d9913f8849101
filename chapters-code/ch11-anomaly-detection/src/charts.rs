//! The chapter's two charts, which the support crate's line and histogram
//! charts cannot draw: ROC curves live on the unit square rather than over
//! epochs, and score histograms compare sets of different sizes (as shares,
//! not counts) over scores that span decades (on a log axis), with the
//! threshold drawn in.

use ae_support::figures::{
    FONT, FigureError, LABEL_SIZE, TICK_SIZE, backend, colour, finish_chart, svg_chart,
    write_figure,
};
use plotters::prelude::*;
use std::path::Path;

const SIZE: (u32, u32) = (800, 520);

/// ROC curves, one per named curve (with its AUC in the legend), and the
/// diagonal of a detector that guesses.
pub fn roc_chart(
    path: &Path,
    title: &str,
    curves: &[(String, Vec<(f64, f64)>)],
) -> Result<(), FigureError> {
    write_figure(path, |tmp| {
        let root = SVGBackend::new(tmp, SIZE).into_drawing_area();
        let mut chart = svg_chart(&root, path, title, 0f64..1f64, 0f64..1.001f64)?;
        chart
            .configure_mesh()
            .x_desc("false positive rate (normal images flagged)")
            .y_desc("true positive rate (anomalies flagged)")
            .axis_desc_style((FONT, LABEL_SIZE))
            .label_style((FONT, TICK_SIZE))
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(backend(path))?;
        chart
            .draw_series(LineSeries::new(
                [(0.0, 0.0), (1.0, 1.0)],
                BLACK.mix(0.3).stroke_width(1),
            ))
            .map_err(backend(path))?;
        for (i, (name, points)) in curves.iter().enumerate() {
            let c = colour(i);
            chart
                .draw_series(LineSeries::new(points.iter().copied(), c.stroke_width(2)))
                .map_err(backend(path))?
                .label(name)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(2))
                });
        }
        finish_chart(&mut chart, &root, path, SeriesLabelPosition::LowerRight)
    })
}

/// Histograms of the scores of each named set on a log₁₀ axis, bar heights
/// being the share of the set in each bin, with a dashed vertical line at
/// `threshold` (labelled `threshold_name`). Scores that are not positive
/// and finite cannot sit on a log axis and are left out.
pub fn score_histogram(
    path: &Path,
    title: &str,
    sets: &[(&str, &[f32])],
    threshold: (&str, f32),
    bins: usize,
) -> Result<(), FigureError> {
    let logs: Vec<Vec<f32>> = sets
        .iter()
        .map(|(_, s)| {
            s.iter()
                .filter(|v| v.is_finite() && **v > 0.0)
                .map(|v| v.log10())
                .collect()
        })
        .collect();
    let all = logs.iter().flatten().copied().chain([threshold.1.log10()]);
    let (lo, hi) = all.fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if !(lo.is_finite() && hi > lo) || bins == 0 {
        return Err(FigureError::InvalidInput {
            path: path.to_path_buf(),
            reason: "no spread of positive scores to draw".into(),
        });
    }
    let width = (hi - lo) / bins as f32;
    let shares: Vec<Vec<f32>> = logs
        .iter()
        .map(|values| {
            let mut counts = vec![0f32; bins];
            for v in values {
                counts[(((v - lo) / width) as usize).min(bins - 1)] += 1.0;
            }
            let n = values.len().max(1) as f32;
            counts.iter().map(|c| c / n).collect()
        })
        .collect();
    let top = shares.iter().flatten().fold(0f32, |a, &b| a.max(b)) * 1.1;

    write_figure(path, |tmp| {
        let root = SVGBackend::new(tmp, SIZE).into_drawing_area();
        let mut chart = svg_chart(&root, path, title, lo..hi, 0f32..top)?;
        chart
            .configure_mesh()
            .x_desc("score (log scale)")
            .y_desc("share of the set")
            .x_label_formatter(&|v| format!("{:.2e}", 10f32.powf(*v)))
            .axis_desc_style((FONT, LABEL_SIZE))
            .label_style((FONT, TICK_SIZE))
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(backend(path))?;
        for (i, ((name, _), shares)) in sets.iter().zip(&shares).enumerate() {
            let style = colour(i).mix(0.45).filled();
            let bars = (0..bins).filter(|&b| shares[b] > 0.0).map(move |b| {
                let x0 = lo + b as f32 * width;
                Rectangle::new([(x0, 0.0), (x0 + width, shares[b])], style)
            });
            chart
                .draw_series(bars)
                .map_err(backend(path))?
                .label(*name)
                .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 16, y + 6)], style));
        }
        let x = threshold.1.log10();
        let dashes = (0..20).map(|k| {
            let (a, b) = (k as f32 / 20.0 * top, (k as f32 + 0.5) / 20.0 * top);
            PathElement::new(vec![(x, a), (x, b)], BLACK.stroke_width(2))
        });
        chart
            .draw_series(dashes)
            .map_err(backend(path))?
            .label(threshold.0)
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLACK.stroke_width(2)));
        finish_chart(&mut chart, &root, path, SeriesLabelPosition::UpperRight)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_charts_write_svg_files() {
        let dir = std::env::temp_dir().join(format!("ch11-charts-{}", std::process::id()));
        let roc = dir.join("roc.svg");
        let curve = vec![(0.0, 0.0), (0.1, 0.8), (1.0, 1.0)];
        roc_chart(&roc, "ROC", &[("autoencoder, AUC 0.95".into(), curve)]).unwrap();
        assert!(std::fs::read_to_string(&roc).unwrap().contains("AUC 0.95"));
        let hist = dir.join("hist.svg");
        let normal = [0.01f32, 0.012, 0.02, 0.015];
        let odd = [0.1f32, 0.2, 0.05];
        score_histogram(
            &hist,
            "scores",
            &[("normal", &normal), ("odd", &odd)],
            ("threshold", 0.03),
            10,
        )
        .unwrap();
        assert!(
            std::fs::read_to_string(&hist)
                .unwrap()
                .contains("threshold")
        );
        let none = score_histogram(&hist, "t", &[("zeros", &[0.0f32][..])], ("t", 0.0), 5);
        assert!(matches!(none, Err(FigureError::InvalidInput { .. })));
        std::fs::remove_dir_all(&dir).ok();
    }
}
