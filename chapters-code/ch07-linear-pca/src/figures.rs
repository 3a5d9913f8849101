//! The chapter's two figures, drawn with plotters: the cloud in 3-D with the
//! plane the autoencoder learned, and the autoencoder's codings next to the
//! principal components.

use crate::linalg::{Matrix, orthonormal_columns};
use crate::toy::{ToyResult, mixing_matrix};
use plotters::prelude::*;
use std::error::Error;
use std::path::Path;

type FigureResult = Result<(), Box<dyn Error>>;

const ABOVE: RGBColor = RGBColor(31, 119, 180);
const BELOW: RGBColor = RGBColor(214, 95, 14);
const PLANE: RGBColor = RGBColor(44, 160, 44);
const YAW: f64 = 2.2;
const PITCH: f64 = 0.4;

/// The cloud in 3-D, the plane the decoder spans (green), and a thin line from
/// each point to its reconstruction. Points above the plane are blue, points
/// below it orange. The vertical axis is `z`.
pub fn cloud_and_plane(path: &Path, result: &ToyResult) -> FigureResult {
    // The normal pointing upwards (positive z), so that "above" means higher.
    let normal = plane_normal(&result.decoder_basis);
    let normal = if normal[2] < 0.0 {
        normal.map(|c| -c)
    } else {
        normal
    };
    let centre = mean3(&result.reconstructions);
    let above = |p: &[f32; 3]| {
        (0..3)
            .map(|d| (f64::from(p[d]) - centre[d]) * normal[d])
            .sum::<f64>()
            >= 0.0
    };
    // A rectangle of the learned plane, along an orthonormal basis (u, v) of
    // the decoder's columns, just large enough to hold every reconstruction.
    let basis = orthonormal_columns(&result.decoder_basis);
    let (u, v) = (basis.column(0), basis.column(1));
    let coordinate = |p: &[f32; 3], axis: &[f64]| -> f64 {
        (0..3)
            .map(|d| (f64::from(p[d]) - centre[d]) * axis[d])
            .sum()
    };
    let (s, t): (Vec<f64>, Vec<f64>) = result
        .reconstructions
        .iter()
        .map(|r| (coordinate(r, &u), coordinate(r, &v)))
        .unzip();
    let ((s0, s1), (t0, t1)) = (padded_range(&s, 0.05), padded_range(&t, 0.05));
    let point_at =
        |s: f64, t: f64| -> [f64; 3] { [0, 1, 2].map(|d| centre[d] + s * u[d] + t * v[d]) };
    let corners = [
        point_at(s0, t0),
        point_at(s1, t0),
        point_at(s1, t1),
        point_at(s0, t1),
    ];
    let range = |d: usize| {
        let values: Vec<f64> = result
            .points
            .iter()
            .map(|p| f64::from(p[d]))
            .chain(corners.iter().map(|c| c[d]))
            .collect();
        padded_range(&values, 0.03)
    };
    let ((x0, x1), (y0, y1), (z0, z1)) = (range(0), range(1), range(2));
    // plotters draws its second axis upwards, so points go in as (x, z, y).
    let at = |x: f64, y: f64, z: f64| (x, z, y);
    let on_plane = |s: f64, t: f64| {
        let p = point_at(s, t);
        at(p[0], p[1], p[2])
    };

    let root = SVGBackend::new(path, (760, 620)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .margin(10)
        .caption(
            "60 points near a plane, and the plane the linear autoencoder learned",
            ("sans-serif", 20),
        )
        .build_cartesian_3d(x0..x1, z0..z1, y0..y1)?;
    chart.with_projection(|mut p| {
        p.yaw = YAW;
        p.pitch = PITCH;
        p.scale = 0.85;
        p.into_matrix()
    });
    // Tick labels name their axis ("x=1.0"): 3-D axes in plotters have no titles.
    let (x_ticks, y_ticks, z_ticks) = (
        |v: &f64| format!("x={v:.1}"),
        |v: &f64| format!("z={v:.1}"),
        |v: &f64| format!("y={v:.1}"),
    );
    chart
        .configure_axes()
        .light_grid_style(BLACK.mix(0.08))
        .max_light_lines(4)
        .x_labels(5)
        .y_labels(5)
        .z_labels(5)
        .x_formatter(&x_ticks)
        .y_formatter(&y_ticks)
        .z_formatter(&z_ticks)
        .label_style(("sans-serif", 13))
        .draw()?;

    chart.draw_series(std::iter::once(Polygon::new(
        corners
            .iter()
            .map(|c| at(c[0], c[1], c[2]))
            .collect::<Vec<_>>(),
        PLANE.mix(0.25).filled(),
    )))?;
    let steps = 6;
    for i in 0..=steps {
        let f = i as f64 / steps as f64;
        let (s, t) = (s0 + f * (s1 - s0), t0 + f * (t1 - t0));
        for line in [
            [on_plane(s, t0), on_plane(s, t1)],
            [on_plane(s0, t), on_plane(s1, t)],
        ] {
            chart.draw_series(LineSeries::new(line, PLANE.mix(0.6)))?;
        }
    }

    let plot = |p: &[f32; 3]| at(f64::from(p[0]), f64::from(p[1]), f64::from(p[2]));
    for (p, r) in result.points.iter().zip(&result.reconstructions) {
        let colour = if above(p) { ABOVE } else { BELOW };
        chart.draw_series(LineSeries::new([plot(p), plot(r)], colour.mix(0.7)))?;
    }
    chart
        .draw_series(
            result
                .points
                .iter()
                .filter(|p| above(p))
                .map(|p| Circle::new(plot(p), 5, ABOVE.filled())),
        )?
        .label("point above the plane")
        .legend(|(x, y)| Circle::new((x + 10, y), 4, ABOVE.filled()));
    chart
        .draw_series(
            result
                .points
                .iter()
                .filter(|p| !above(p))
                .map(|p| Circle::new(plot(p), 5, BELOW.filled())),
        )?
        .label("point below the plane")
        .legend(|(x, y)| Circle::new((x + 10, y), 4, BELOW.filled()));
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK.mix(0.3))
        .label_font(("sans-serif", 14))
        .position(SeriesLabelPosition::UpperLeft)
        .draw()?;
    root.present()?;
    Ok(())
}

/// Two panels: the autoencoder's codings `(z1, z2)` and the first two
/// principal components `(c1, c2)` of the same points, on equal scales. Each
/// point has the same colour in both panels (its value of `c1`), and the left
/// panel shows where the two principal axes land among the codings.
pub fn codings_and_components(path: &Path, result: &ToyResult) -> FigureResult {
    let root = SVGBackend::new(path, (1000, 480)).into_drawing_area();
    root.fill(&WHITE)?;
    let (left, right) = root.split_horizontally(500);
    let c1: Vec<f64> = result.pca_codings.iter().map(|c| f64::from(c[0])).collect();
    let (c1_min, c1_max) = padded_range(&c1, 0.0);
    let colour = |i: usize| {
        let f = (c1[i] - c1_min) / (c1_max - c1_min);
        HSLColor(0.75 * (1.0 - f), 0.75, 0.45)
    };
    let (mixing, offset) = mixing_matrix(result);

    // Where the PC1 and PC2 axes (from -2 to 2 standard deviations) land in code space.
    let axes: Vec<(&str, Vec<(f64, f64)>)> = (0..2)
        .map(|k| {
            let std = result.pca.variances[k].sqrt();
            let ends = [-2.0 * std, 2.0 * std]
                .map(|s| (offset[0] + mixing[0][k] * s, offset[1] + mixing[1][k] * s));
            (["PC1 axis", "PC2 axis"][k], ends.to_vec())
        })
        .collect();

    let panels = [
        (
            left,
            "Autoencoder codings",
            ("z1", "z2"),
            &result.codings,
            Some(axes),
        ),
        (
            right,
            "Principal components (exact PCA)",
            ("c1", "c2"),
            &result.pca_codings,
            None,
        ),
    ];
    for (area, title, (x_name, y_name), points, axes) in panels {
        let xy: Vec<(f64, f64)> = points
            .iter()
            .map(|p| (f64::from(p[0]), f64::from(p[1])))
            .collect();
        let (x_range, y_range) = equal_aspect(&xy);
        let mut chart = ChartBuilder::on(&area)
            .margin(12)
            .caption(title, ("sans-serif", 20))
            .x_label_area_size(40)
            .y_label_area_size(48)
            .build_cartesian_2d(x_range.0..x_range.1, y_range.0..y_range.1)?;
        chart
            .configure_mesh()
            .x_desc(x_name)
            .y_desc(y_name)
            .light_line_style(BLACK.mix(0.05))
            .label_style(("sans-serif", 14))
            .draw()?;
        if let Some(axes) = axes {
            for (name, ends) in axes {
                let style = BLACK.mix(0.55).stroke_width(2);
                chart.draw_series(LineSeries::new(ends.clone(), style))?;
                let (x, y) = ends[1];
                chart.draw_series(std::iter::once(Text::new(name, (x, y), ("sans-serif", 14))))?;
            }
        }
        chart.draw_series(
            xy.iter()
                .enumerate()
                .map(|(i, &p)| Circle::new(p, 4, colour(i).filled())),
        )?;
    }
    root.present()?;
    Ok(())
}

/// Ranges for `x` and `y` of equal length, covering every point with a margin,
/// so that a square plot shows shapes undistorted.
fn equal_aspect(points: &[(f64, f64)]) -> ((f64, f64), (f64, f64)) {
    let xs: Vec<f64> = points.iter().map(|p| p.0).collect();
    let ys: Vec<f64> = points.iter().map(|p| p.1).collect();
    let (x, y) = (padded_range(&xs, 0.1), padded_range(&ys, 0.1));
    let half = (x.1 - x.0).max(y.1 - y.0) / 2.0;
    let (cx, cy) = ((x.0 + x.1) / 2.0, (y.0 + y.1) / 2.0);
    ((cx - half, cx + half), (cy - half, cy + half))
}

fn padded_range(values: &[f64], pad: f64) -> (f64, f64) {
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let margin = (hi - lo) * pad;
    (lo - margin, hi + margin)
}

fn mean3(points: &[[f32; 3]]) -> [f64; 3] {
    let mut mean = [0.0; 3];
    for p in points {
        (0..3).for_each(|d| mean[d] += f64::from(p[d]) / points.len() as f64);
    }
    mean
}

fn cross(a: &[f64], b: &[f64]) -> Vec<f64> {
    vec![
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ]
}

/// The unit normal of the plane spanned by the columns of a `3 x 2` matrix.
pub fn plane_normal(basis: &Matrix) -> [f64; 3] {
    let q = orthonormal_columns(basis);
    let n = cross(&q.column(0), &q.column(1));
    [n[0], n[1], n[2]]
}
