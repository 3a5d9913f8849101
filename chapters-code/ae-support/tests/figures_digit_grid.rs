//! Digit grids: PNG files of the documented size, clear errors on bad input.

use std::path::{Path, PathBuf};

use ae_support::figures::{
    CELL_GAP, DigitRow, FigureError, GRID_MARGIN, ImageShape, ROW_GAP, digit_grid, grid_caption,
    grid_dimensions,
};

fn out_dir(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("figures")
        .join(test);
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Width and height from a PNG's IHDR chunk, after checking the signature.
fn png_size(path: &Path) -> (u32, u32) {
    let bytes = std::fs::read(path).expect("PNG was written");
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR", "first chunk is IHDR");
    let w = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    (w, h)
}

/// An "L": a bar down the left side and one along the bottom, so a flipped or
/// transposed rendering is obvious when the figure is looked at.
fn letter_l(shape: ImageShape, brightness: f32) -> Vec<f32> {
    let (w, h) = (shape.width as usize, shape.height as usize);
    let mut img = vec![0.0; w * h];
    for y in h / 6..h - h / 6 {
        for x in w / 4..w / 4 + w.div_ceil(7) {
            img[y * w + x] = brightness;
        }
    }
    for y in h - h / 6 - h.div_ceil(7)..h - h / 6 {
        for x in w / 4..w - w / 4 {
            img[y * w + x] = brightness;
        }
    }
    img
}

#[test]
fn writes_mnist_grid_of_documented_size() {
    let path = out_dir("mnist").join("nested/dir/grid.png");
    let shape = ImageShape::MNIST;
    let originals: Vec<Vec<f32>> = (0..6)
        .map(|i| letter_l(shape, 0.5 + i as f32 * 0.1))
        .collect();
    // Out-of-range values must be clamped, not wrapped.
    let noisy: Vec<Vec<f32>> = originals
        .iter()
        .enumerate()
        .map(|(i, img)| {
            img.iter()
                .enumerate()
                .map(|(j, v)| v + if (i + j) % 5 == 0 { 3.0 } else { -0.2 })
                .collect()
        })
        .collect();
    let rows = [
        DigitRow::new("original", originals.iter().map(Vec::as_slice)),
        DigitRow::new("noisy", noisy.iter().map(Vec::as_slice)),
        // A shorter row leaves blank cells on the right.
        DigitRow::new("reconstructed", originals[..4].iter().map(Vec::as_slice)),
    ];
    digit_grid(&path, &rows, shape, 3).expect("grid is written");

    let expected = (
        6 * 28 * 3 + 5 * CELL_GAP + 2 * GRID_MARGIN,
        3 * 28 * 3 + 2 * ROW_GAP + 2 * GRID_MARGIN,
    );
    assert_eq!(grid_dimensions(3, 6, shape, 3), Some(expected));
    assert_eq!(png_size(&path), expected);
    assert_eq!(
        grid_caption(&rows),
        "Rows, top to bottom: original; noisy; reconstructed."
    );
}

#[test]
fn small_code_images_from_concatenated_batch() {
    let path = out_dir("codes").join("codes.png");
    let shape = ImageShape::new(8, 4);
    let batch: Vec<f32> = (0..5 * 32).map(|i| (i % 32) as f32 / 31.0).collect();
    let rows = [DigitRow::from_concatenated("codes", &batch, shape)];
    assert_eq!(rows[0].images.len(), 5);
    digit_grid(&path, &rows, shape, 10).expect("grid is written");
    assert_eq!(
        png_size(&path),
        (
            5 * 80 + 4 * CELL_GAP + 2 * GRID_MARGIN,
            40 + 2 * GRID_MARGIN
        )
    );
}

#[test]
fn wrong_image_length_is_an_error_naming_row_and_path() {
    let path = out_dir("bad_len").join("grid.png");
    let good = vec![0.5; 784];
    let short = vec![0.5; 700];
    let rows = [DigitRow::new("noisy", [good.as_slice(), short.as_slice()])];
    let err = digit_grid(&path, &rows, ImageShape::MNIST, 2).unwrap_err();
    assert!(matches!(err, FigureError::InvalidInput { .. }), "{err:?}");
    assert_eq!(err.path(), path);
    let msg = err.to_string();
    assert!(
        msg.contains("noisy") && msg.contains("700") && msg.contains("784"),
        "{msg}"
    );
    assert!(msg.contains("grid.png"), "{msg}");
    assert!(!path.exists(), "nothing is written on invalid input");
}

#[test]
fn degenerate_inputs_are_errors() {
    let path = out_dir("degenerate").join("grid.png");
    let img = vec![0.0; 784];
    let one = [DigitRow::new("a", [img.as_slice()])];
    assert!(digit_grid(&path, &[], ImageShape::MNIST, 2).is_err());
    assert!(digit_grid(&path, &one, ImageShape::MNIST, 0).is_err());
    assert!(digit_grid(&path, &[DigitRow::new("empty", [])], ImageShape::MNIST, 2).is_err());
    assert!(digit_grid(&path, &one, ImageShape::MNIST, 100_000).is_err());
}

#[test]
fn unwritable_target_is_an_error_not_a_panic() {
    let dir = out_dir("unwritable");
    std::fs::create_dir_all(&dir).unwrap();
    // A regular file where a directory is needed.
    let blocker = dir.join("blocker");
    std::fs::write(&blocker, b"x").unwrap();
    let path = blocker.join("grid.png");
    let img = vec![0.0; 784];
    let err = digit_grid(
        &path,
        &[DigitRow::new("a", [img.as_slice()])],
        ImageShape::MNIST,
        1,
    )
    .unwrap_err();
    assert!(matches!(err, FigureError::CreateDir { .. }), "{err:?}");
    assert_eq!(err.path(), path);
}
