//! SVG charts: files carry their title, axis descriptions and legend entries
//! as text, and bad input is an error rather than a panic.

use std::path::{Path, PathBuf};

use ae_support::figures::{
    FigureError, Panel, Series, histograms, loss_curves, scatter_by_label, scatter_panels,
};

fn out_dir(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("figures")
        .join(test);
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn read_svg(path: &Path) -> String {
    let svg = std::fs::read_to_string(path).expect("SVG was written");
    assert!(
        svg.starts_with("<svg"),
        "an SVG document: {}",
        &svg[..40.min(svg.len())]
    );
    assert!(svg.trim_end().ends_with("</svg>"), "SVG is complete");
    svg
}

/// The text of every `<text>` element, in document order.
fn texts(svg: &str) -> Vec<&str> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            t.split_once('>')
                .and_then(|(_, rest)| rest.split_once("</text>"))
        })
        .map(|(body, _)| body.trim())
        .collect()
}

const DIGITS: [&str; 10] = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
];

/// Points with their class labels.
type Labelled = (Vec<(f32, f32)>, Vec<u8>);

/// Deterministic points: ten clusters on a circle, one per class.
fn clusters(n: usize, spread: f32) -> Labelled {
    (0..n)
        .map(|i| {
            let class = (i % 10) as u8;
            let angle = f32::from(class) * std::f32::consts::TAU / 10.0;
            let jitter = ((i * 7919) % 101) as f32 / 100.0 - 0.5;
            let jitter2 = ((i * 104_729) % 97) as f32 / 96.0 - 0.5;
            (
                (
                    4.0 * angle.cos() + spread * jitter,
                    4.0 * angle.sin() + spread * jitter2,
                ),
                class,
            )
        })
        .unzip()
}

#[test]
fn loss_curves_svg_has_title_axes_and_legend() {
    let path = out_dir("loss").join("sub/loss.svg");
    let train: Vec<f32> = (1..=20).map(|e| 0.3 / e as f32 + 0.09).collect();
    let val: Vec<f32> = (1..=20).map(|e| 0.28 / e as f32 + 0.1).collect();
    loss_curves(
        &path,
        "Simple autoencoder loss",
        &[
            Series::new("training", &train),
            Series::new("validation", &val),
        ],
        "binary cross-entropy",
    )
    .expect("chart is written");
    let svg = read_svg(&path);
    let t = texts(&svg);
    for needle in [
        "Simple autoencoder loss",
        "training",
        "validation",
        "epoch",
        "binary cross-entropy",
    ] {
        assert!(t.contains(&needle), "missing text {needle:?} in {t:?}");
    }
    // Epochs are counted from 1, so no tick is labelled 0.
    assert!(!t.contains(&"0"), "{t:?}");
}

#[test]
fn loss_curves_tolerate_single_epoch_and_nan() {
    let path = out_dir("loss_edge").join("loss.svg");
    loss_curves(&path, "one epoch", &[Series::new("loss", &[0.5])], "loss").unwrap();
    read_svg(&path);
    loss_curves(
        &path,
        "diverged",
        &[Series::new("loss", &[0.5, 0.4, f32::NAN, f32::INFINITY])],
        "loss",
    )
    .unwrap();
    read_svg(&path);

    let err = loss_curves(&path, "empty", &[Series::new("loss", &[f32::NAN])], "loss").unwrap_err();
    assert!(matches!(err, FigureError::InvalidInput { .. }), "{err:?}");
    assert!(loss_curves(&path, "none", &[], "loss").is_err());
}

#[test]
fn histograms_overlay_with_legend() {
    let path = out_dir("hist").join("hist.svg");
    let dense: Vec<f32> = (0..3200).map(|i| ((i * 37) % 400) as f32 / 100.0).collect();
    let sparse: Vec<f32> = (0..3200)
        .map(|i| {
            if i % 8 == 0 {
                ((i * 13) % 300) as f32 / 100.0
            } else {
                0.0
            }
        })
        .collect();
    histograms(
        &path,
        "Code activations",
        &[("standard", &dense), ("sparse (L1)", &sparse)],
        40,
    )
    .expect("chart is written");
    let svg = read_svg(&path);
    let t = texts(&svg);
    for needle in ["Code activations", "standard", "sparse (L1)", "count"] {
        assert!(t.contains(&needle), "missing text {needle:?} in {t:?}");
    }
    // Semi-transparent bars so that overlaps show both colours.
    assert!(svg.contains("opacity=\"0.45\""), "bars are translucent");

    let other = path.with_file_name("edge.svg");
    assert!(histograms(&other, "no bins", &[("a", &dense)], 0).is_err());
    assert!(histograms(&other, "no data", &[("a", &[])], 10).is_err());
    // A constant series still plots.
    histograms(&other, "constant", &[("a", &[2.0; 10])], 5).unwrap();
    read_svg(&other);
}

#[test]
fn scatter_has_ten_colours_and_full_legend() {
    let path = out_dir("scatter").join("scatter.svg");
    let (points, labels) = clusters(2000, 1.5);
    scatter_by_label(&path, "2-D codes & labels", &points, &labels, &DIGITS)
        .expect("chart is written");
    let svg = read_svg(&path);
    let t = texts(&svg);
    assert!(
        t.contains(&"2-D codes &amp; labels"),
        "title is escaped: {t:?}"
    );
    for name in DIGITS {
        assert!(t.contains(&name), "legend lacks {name}");
    }
    let fills: std::collections::HashSet<&str> = svg
        .split("<circle")
        .skip(1)
        .filter_map(|c| c.split("fill=\"").nth(1)?.split('"').next())
        .collect();
    assert_eq!(fills.len(), 10, "one colour per class: {fills:?}");
}

#[test]
fn scatter_rejects_mismatched_or_unknown_labels() {
    let path = out_dir("scatter_bad").join("scatter.svg");
    let points = [(0.0, 0.0), (1.0, 1.0)];
    let err = scatter_by_label(&path, "t", &points, &[0], &DIGITS).unwrap_err();
    assert!(err.to_string().contains("2 points but 1 labels"), "{err}");
    let err = scatter_by_label(&path, "t", &points, &[0, 3], &["a", "b"]).unwrap_err();
    assert!(err.to_string().contains("label 3"), "{err}");
    assert!(scatter_by_label(&path, "t", &[(f32::NAN, 0.0)], &[0], &DIGITS).is_err());
    assert!(!path.exists());
}

#[test]
fn panels_show_each_title_and_one_shared_legend() {
    let path = out_dir("panels").join("panels.svg");
    let data: Vec<Labelled> = [6.0, 3.0, 1.5, 0.6]
        .iter()
        .map(|&s| clusters(1000, s))
        .collect();
    let titles = [
        "epoch 0 (accuracy 11.3%)",
        "epoch 1 (accuracy 52.0%)",
        "epoch 5 (accuracy 80.4%)",
        "epoch 20 (accuracy 93.1%)",
    ];
    let panels: Vec<Panel> = titles
        .iter()
        .zip(&data)
        .map(|(title, (points, labels))| Panel {
            title,
            points,
            labels,
        })
        .collect();
    scatter_panels(&path, &panels, &DIGITS).expect("chart is written");
    let svg = read_svg(&path);
    let t = texts(&svg);
    for title in titles {
        assert!(t.contains(&title), "missing panel title {title:?}");
    }
    for name in DIGITS {
        assert_eq!(t.iter().filter(|&&x| x == name).count(), 1, "{name} once");
    }
    // 2x2 panels of 360x340 plus the legend strip.
    assert!(
        svg.contains("width=\"720\"") && svg.contains("height=\"724\""),
        "{}",
        &svg[..120]
    );

    let bad = [Panel {
        title: "broken",
        points: &[(0.0, 0.0)],
        labels: &[],
    }];
    let err = scatter_panels(&path, &bad, &DIGITS).unwrap_err();
    assert!(err.to_string().contains("panel `broken`"), "{err}");
    assert!(scatter_panels(&path, &[], &DIGITS).is_err());
}
