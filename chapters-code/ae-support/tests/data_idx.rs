//! The IDX reader on hand-built files: both encodings, slices, and every way
//! a file can be bad.

mod data_fixtures;

use ae_support::idx::{self, IdxError};
use data_fixtures::*;

fn expected_pixels(range: std::ops::Range<usize>) -> Vec<u8> {
    range
        .flat_map(|i| (0..784).map(move |p| pixel(i, p)))
        .collect()
}

#[test]
fn reads_raw_images_and_labels() {
    let dir = TempDir::new("idx-raw");
    let images = write(dir.path(), "images", &images_idx(5, 28, 28));
    let labels = write(dir.path(), "labels", &labels_idx(&[3, 1, 4, 1, 5]));

    let read = idx::read_images(&images).unwrap();
    assert_eq!((read.count, read.rows, read.cols), (5, 28, 28));
    assert_eq!(read.pixels, expected_pixels(0..5));
    assert_eq!(idx::read_labels(&labels).unwrap(), vec![3, 1, 4, 1, 5]);
}

#[test]
fn reads_gzip_the_same_as_raw() {
    let dir = TempDir::new("idx-gz");
    let raw = images_idx(7, 28, 28);
    let gz = gzip(&raw);
    assert_eq!(&gz[..2], &[0x1f, 0x8b]);
    let raw_path = write(dir.path(), "images", &raw);
    // The name says nothing: gzip is recognised by its magic bytes.
    let gz_path = write(dir.path(), "images-unlabelled-gzip", &gz);
    let labels_gz = write(dir.path(), "labels.gz", &gzip(&labels_idx(&[9, 8, 7])));

    let from_gz = idx::read_images(&gz_path).unwrap();
    assert_eq!(from_gz, idx::read_images(&raw_path).unwrap());
    assert_eq!(from_gz.pixels, expected_pixels(0..7));
    assert_eq!(idx::read_labels(&labels_gz).unwrap(), vec![9, 8, 7]);
}

#[test]
fn range_reads_return_exactly_the_slice() {
    let dir = TempDir::new("idx-range");
    let images = write(dir.path(), "images.gz", &gzip(&images_idx(10, 28, 28)));
    let labels = write(
        dir.path(),
        "labels.gz",
        &gzip(&labels_idx(&cycling_labels(10, 0))),
    );

    let slice = idx::read_images_range(&images, 3..7).unwrap();
    assert_eq!(slice.count, 4);
    assert_eq!(slice.pixels, expected_pixels(3..7));
    assert_eq!(
        idx::read_labels_range(&labels, 3..7).unwrap(),
        vec![3, 4, 5, 6]
    );
    assert_eq!(
        idx::read_labels_range(&labels, 10..10).unwrap(),
        Vec::<u8>::new()
    );
    assert_eq!(idx::count_images(&images).unwrap(), 10);
    assert_eq!(idx::count_labels(&labels).unwrap(), 10);
}

#[test]
fn a_slice_before_a_truncation_is_still_rejected() {
    // A slice needs only its own bytes, but a damaged file is rejected whatever
    // slice is asked for.
    let dir = TempDir::new("idx-early");
    let mut bytes = images_idx(10, 28, 28);
    bytes.truncate(16 + 5 * 784);
    let path = write(dir.path(), "images", &bytes);
    assert!(matches!(
        idx::read_images_range(&path, 0..5),
        Err(IdxError::Truncated {
            expected: 7856,
            found: 3936,
            ..
        })
    ));
}

#[test]
fn every_kind_of_damage_is_rejected_whatever_slice_is_asked() {
    let dir = TempDir::new("idx-damage");
    let images = images_idx(40, 28, 28);
    let labels = labels_idx(&cycling_labels(40, 0));
    for damage in Damage::ALL {
        let image_path = write(
            dir.path(),
            &format!("images-{damage:?}{}", damage.suffix()),
            &damage.apply(&images, 16),
        );
        let label_path = write(
            dir.path(),
            &format!("labels-{damage:?}{}", damage.suffix()),
            &damage.apply(&labels, 8),
        );
        for range in [0..1, 0..10, 35..40, 0..40] {
            let error = idx::read_images_range(&image_path, range.clone()).unwrap_err();
            let message = error.to_string();
            assert!(
                message.contains(&image_path.display().to_string()),
                "{damage:?} {range:?}: {message}"
            );
            assert!(
                matches!(
                    (damage, &error),
                    (
                        Damage::GzipCutToAThird | Damage::GzipHoldingHalf,
                        IdxError::Truncated {
                            expected: 31376,
                            ..
                        }
                    ) | (
                        Damage::RawWithTrailingBytes,
                        IdxError::TooLong {
                            expected: 31376,
                            found: 31476,
                            ..
                        }
                    )
                ),
                "{damage:?} {range:?}: {error:?}"
            );
            let error = idx::read_labels_range(&label_path, range.clone()).unwrap_err();
            assert!(
                error
                    .to_string()
                    .contains(&label_path.display().to_string()),
                "{damage:?} {range:?}: {error}"
            );
        }
    }
}

#[test]
fn a_gzip_trailer_that_does_not_match_is_rejected() {
    let dir = TempDir::new("idx-trailer");
    let gz = gzip(&images_idx(3, 28, 28));
    let trailer = gz.len() - 8;

    let mut bad_crc = gz.clone();
    bad_crc[trailer] ^= 0xff;
    let path = write(dir.path(), "bad-crc.gz", &bad_crc);
    let error = idx::read_images_range(&path, 0..1).unwrap_err();
    assert!(matches!(&error, IdxError::Io { .. }), "{error:?}");
    assert!(error.to_string().contains("checksum"), "{error}");

    let mut bad_size = gz.clone();
    bad_size[gz.len() - 4] ^= 0x01;
    let path = write(dir.path(), "bad-size.gz", &bad_size);
    assert!(matches!(
        idx::read_images_range(&path, 0..1),
        Err(IdxError::Io { .. })
    ));

    let path = write(dir.path(), "no-trailer.gz", &gz[..trailer]);
    let error = idx::read_images_range(&path, 0..1).unwrap_err();
    assert!(
        matches!(&error, IdxError::GzipCut { path: p } if *p == path),
        "{error:?}"
    );
    assert!(error.to_string().contains("trailer"), "{error}");
}

#[test]
fn missing_file_is_an_error_naming_it() {
    let dir = TempDir::new("idx-missing");
    let path = dir.join("t10k-images-idx3-ubyte.gz");
    let error = idx::read_images(&path).unwrap_err();
    assert!(
        matches!(&error, IdxError::Missing { path: p } if *p == path),
        "{error:?}"
    );
    assert!(error.to_string().contains(&path.display().to_string()));
    assert!(matches!(
        idx::read_labels(&path),
        Err(IdxError::Missing { .. })
    ));
}

#[test]
fn bad_magic_in_an_images_file() {
    let dir = TempDir::new("idx-magic-images");
    // A label file where an image file belongs.
    let path = write(dir.path(), "images", &labels_idx(&[1, 2, 3, 4, 5, 6, 7, 8]));
    let error = idx::read_images(&path).unwrap_err();
    match &error {
        IdxError::BadMagic {
            path: p,
            kind,
            expected,
            found,
        } => {
            assert_eq!(p, &path);
            assert_eq!(*kind, "images");
            assert_eq!(*expected, 0x0803);
            assert_eq!(*found, 0x0801);
        }
        other => panic!("expected BadMagic, got {other:?}"),
    }
    let message = error.to_string();
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(message.contains("0x00000801"), "{message}");
}

#[test]
fn bad_magic_in_a_labels_file() {
    let dir = TempDir::new("idx-magic-labels");
    let path = write(dir.path(), "labels.gz", &gzip(b"<html>not found</html>"));
    match idx::read_labels(&path).unwrap_err() {
        IdxError::BadMagic {
            kind,
            expected,
            found,
            ..
        } => {
            assert_eq!((kind, expected), ("labels", 0x0801));
            assert_eq!(found, u32::from_be_bytes(*b"<htm"));
        }
        other => panic!("expected BadMagic, got {other:?}"),
    }
}

#[test]
fn truncated_raw_images() {
    let dir = TempDir::new("idx-trunc-raw");
    let mut bytes = images_idx(3, 28, 28);
    bytes.truncate(16 + 784 + 100);
    let path = write(dir.path(), "images", &bytes);
    let error = idx::read_images(&path).unwrap_err();
    match &error {
        IdxError::Truncated {
            path: p,
            expected,
            found,
        } => {
            assert_eq!(p, &path);
            assert_eq!(*expected, 16 + 3 * 784);
            assert_eq!(*found, 16 + 784 + 100);
        }
        other => panic!("expected Truncated, got {other:?}"),
    }
    assert!(error.to_string().contains(&path.display().to_string()));
}

#[test]
fn truncated_gzip_stream() {
    let dir = TempDir::new("idx-trunc-gz");
    let gz = gzip(&images_idx(20, 28, 28));
    let path = write(dir.path(), "images.gz", &gz[..gz.len() / 2]);
    let error = idx::read_images(&path).unwrap_err();
    match error {
        IdxError::Truncated {
            expected, found, ..
        } => {
            assert_eq!(expected, 16 + 20 * 784);
            assert!(found < expected, "found {found}");
        }
        other => panic!("expected Truncated, got {other:?}"),
    }
}

#[test]
fn truncated_labels_and_headers() {
    let dir = TempDir::new("idx-trunc-labels");
    let mut bytes = labels_idx(&[1, 2, 3, 4]);
    bytes.pop();
    let labels = write(dir.path(), "labels", &bytes);
    assert!(matches!(
        idx::read_labels(&labels),
        Err(IdxError::Truncated {
            expected: 12,
            found: 11,
            ..
        })
    ));

    let header_only = write(dir.path(), "images", &images_idx(1, 28, 28)[..5]);
    assert!(matches!(
        idx::read_images(&header_only),
        Err(IdxError::Truncated {
            expected: 16,
            found: 5,
            ..
        })
    ));
    let empty = write(dir.path(), "empty", b"");
    assert!(matches!(
        idx::count_labels(&empty),
        Err(IdxError::Truncated {
            expected: 8,
            found: 0,
            ..
        })
    ));
}

#[test]
fn wrong_dimensions() {
    let dir = TempDir::new("idx-dims");
    let path = write(dir.path(), "images", &images_idx(2, 32, 30));
    let error = idx::read_images(&path).unwrap_err();
    assert!(
        matches!(&error, IdxError::WrongDimensions { rows: 32, cols: 30, path: p } if *p == path),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(
        message.contains("32x30") && message.contains("28x28"),
        "{message}"
    );
    assert!(matches!(
        idx::count_images(&path),
        Err(IdxError::WrongDimensions { .. })
    ));
}

#[test]
fn label_outside_0_to_9() {
    let dir = TempDir::new("idx-label");
    let path = write(dir.path(), "labels", &labels_idx(&[0, 9, 5, 10, 3]));
    let error = idx::read_labels(&path).unwrap_err();
    assert!(
        matches!(
            error,
            IdxError::BadLabel {
                index: 3,
                value: 10,
                ..
            }
        ),
        "{error:?}"
    );
    // A slice that avoids the bad label is fine; one that holds it reports its
    // position in the file, not in the slice.
    assert_eq!(idx::read_labels_range(&path, 0..3).unwrap(), vec![0, 9, 5]);
    assert!(matches!(
        idx::read_labels_range(&path, 2..5),
        Err(IdxError::BadLabel {
            index: 3,
            value: 10,
            ..
        })
    ));
}

#[test]
fn range_past_the_end_is_an_error() {
    let dir = TempDir::new("idx-range-oob");
    let path = write(dir.path(), "images", &images_idx(10, 28, 28));
    let error = idx::read_images_range(&path, 5..11).unwrap_err();
    assert!(
        matches!(&error, IdxError::RangeOutOfBounds { count: 10, range, .. } if *range == (5..11)),
        "{error:?}"
    );
}

#[test]
fn corrupt_gzip_is_an_io_error_naming_the_file() {
    let dir = TempDir::new("idx-corrupt");
    let mut gz = gzip(&images_idx(4, 28, 28));
    for byte in &mut gz[12..40] {
        *byte ^= 0x5a;
    }
    let path = write(dir.path(), "images.gz", &gz);
    let error = idx::read_images(&path).unwrap_err();
    assert!(
        matches!(&error, IdxError::Io { path: p, .. } if *p == path),
        "{error:?}"
    );
    assert!(error.to_string().contains(&path.display().to_string()));
}
