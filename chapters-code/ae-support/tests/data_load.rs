//! `load` and `DataSource` on hand-built files in temporary folders: where
//! files are found, what is read, and the errors when something is wrong.

mod data_fixtures;

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use ae_support::data::{self, DataError, DataSource, Dataset, IMAGE_PIXELS, SearchDir};
use ae_support::download::DownloadError;
use ae_support::idx::IdxError;
use ae_support::split::{Split, SplitError};
use clap::ValueEnum;
use data_fixtures::*;

fn split(text: &str) -> Split {
    text.parse().unwrap()
}

/// A source searching `dirs` (origin "test"), downloading nothing.
fn offline_source(dataset: Dataset, dirs: &[PathBuf], cache: PathBuf) -> DataSource {
    DataSource {
        dataset,
        search: dirs
            .iter()
            .map(|path| SearchDir {
                path: path.clone(),
                origin: "test",
            })
            .collect(),
        cache_dir: cache,
        mirror: None,
    }
}

#[test]
fn loads_a_test_slice_scaled_to_unit_range() {
    let dir = TempDir::new("load-slice");
    write_test_part_gz(dir.path(), 10, 4);
    let source = offline_source(
        Dataset::Mnist,
        &[dir.path().to_path_buf()],
        dir.join("cache"),
    );

    let images = source.load(&split("test[2:5]")).unwrap();
    assert_eq!(images.len(), 3);
    assert!(!images.is_empty());
    assert_eq!(images.labels, vec![6, 7, 8]);
    assert_eq!(images.pixels.len(), 3 * IMAGE_PIXELS);
    assert_eq!(images.description, "MNIST test[2:5]");
    for (slot, i) in (2..5).enumerate() {
        let expected: Vec<f32> = (0..IMAGE_PIXELS)
            .map(|p| pixel(i, p) as f32 / 255.0)
            .collect();
        assert_eq!(images.image(slot), expected.as_slice(), "image {i}");
    }
    assert!(images.pixels.iter().all(|&v| (0.0..=1.0).contains(&v)));
    assert!(images.pixels.contains(&1.0) && images.pixels.contains(&0.0));
}

#[test]
fn a_test_split_needs_no_training_files() {
    // Only t10k files exist and downloading is off: success proves the
    // training files were never needed.
    let dir = TempDir::new("load-test-only");
    write_test_part_gz(dir.path(), 6, 0);
    let source = offline_source(
        Dataset::Fashion,
        &[dir.path().to_path_buf()],
        dir.join("cache"),
    );
    let images = source.load(&split("test")).unwrap();
    assert_eq!(images.labels, vec![0, 1, 2, 3, 4, 5]);
    assert_eq!(images.description, "Fashion-MNIST test");
}

#[test]
fn accepts_unpacked_files() {
    let dir = TempDir::new("load-raw");
    write(
        dir.path(),
        "train-images-idx3-ubyte",
        &images_idx(4, 28, 28),
    );
    write(
        dir.path(),
        "train-labels-idx1-ubyte",
        &labels_idx(&[9, 8, 7, 6]),
    );
    let source = offline_source(
        Dataset::Mnist,
        &[dir.path().to_path_buf()],
        dir.join("cache"),
    );
    let images = source.load(&split("train[50%:]")).unwrap();
    assert_eq!(images.labels, vec![7, 6]);
    assert_eq!(images.image(0)[1], pixel(2, 1) as f32 / 255.0);
    assert_eq!(
        source.find("train-images-idx3-ubyte"),
        Some(dir.join("train-images-idx3-ubyte"))
    );
}

#[test]
fn earlier_folders_win_file_by_file() {
    let root = TempDir::new("load-order");
    let (first, second) = (root.join("first"), root.join("second"));
    // The first folder has both test files (labels start at 1) and the
    // training labels only; the second has everything (labels start at 2).
    write_test_part_gz(&first, 5, 1);
    write(
        &first,
        "train-labels-idx1-ubyte.gz",
        &gzip(&labels_idx(&[1, 1, 1])),
    );
    write_test_part_gz(&second, 5, 2);
    write(&second, "train-images-idx3-ubyte", &images_idx(3, 28, 28));
    write(&second, "train-labels-idx1-ubyte", &labels_idx(&[2, 2, 2]));
    let source = offline_source(
        Dataset::Mnist,
        &[first.clone(), second.clone()],
        root.join("c"),
    );

    assert_eq!(
        source.load(&split("test")).unwrap().labels,
        vec![1, 2, 3, 4, 5]
    );
    // Training images come from the second folder, labels from the first.
    assert_eq!(source.load(&split("train")).unwrap().labels, vec![1, 1, 1]);
    assert_eq!(
        source.find("train-images-idx3-ubyte"),
        Some(second.join("train-images-idx3-ubyte"))
    );
    // `name.gz` is preferred to `name` within one folder.
    write(&first, "t10k-labels-idx1-ubyte", &labels_idx(&[0; 5]));
    assert_eq!(
        source.find("t10k-labels-idx1-ubyte"),
        Some(first.join("t10k-labels-idx1-ubyte.gz"))
    );
}

#[test]
fn image_and_label_counts_must_agree() {
    let dir = TempDir::new("load-count");
    write(
        dir.path(),
        "t10k-images-idx3-ubyte.gz",
        &gzip(&images_idx(10, 28, 28)),
    );
    write(
        dir.path(),
        "t10k-labels-idx1-ubyte.gz",
        &gzip(&labels_idx(&[0; 9])),
    );
    let source = offline_source(
        Dataset::Mnist,
        &[dir.path().to_path_buf()],
        dir.join("cache"),
    );
    let error = source.load(&split("test[:5]")).unwrap_err();
    match &error {
        DataError::CountMismatch {
            images,
            image_count,
            labels,
            label_count,
        } => {
            assert_eq!(images, &dir.join("t10k-images-idx3-ubyte.gz"));
            assert_eq!(labels, &dir.join("t10k-labels-idx1-ubyte.gz"));
            assert_eq!((*image_count, *label_count), (10, 9));
        }
        other => panic!("expected CountMismatch, got {other:?}"),
    }
    let message = error.to_string();
    assert!(message.contains("t10k-images-idx3-ubyte.gz") && message.contains("t10k-labels"));
    assert!(
        message.contains("10 images") && message.contains("9 labels"),
        "{message}"
    );
}

#[test]
fn file_errors_pass_through_naming_the_file() {
    let dir = TempDir::new("load-bad-file");
    write(dir.path(), "t10k-images-idx3-ubyte", &labels_idx(&[1; 20]));
    write(dir.path(), "t10k-labels-idx1-ubyte", &labels_idx(&[1; 20]));
    let source = offline_source(
        Dataset::Mnist,
        &[dir.path().to_path_buf()],
        dir.join("cache"),
    );
    let error = source.load(&split("test")).unwrap_err();
    assert!(
        matches!(&error, DataError::Idx(IdxError::BadMagic { path, .. }) if *path == dir.join("t10k-images-idx3-ubyte")),
        "{error:?}"
    );
    assert!(error.to_string().contains("t10k-images-idx3-ubyte"));
}

#[test]
fn a_damaged_file_is_rejected_even_for_a_small_slice() {
    // The split reads only the first 1,024 of 2,000 examples, but each file
    // loaded is checked to its end.
    let count = 2000;
    let files = [
        ("t10k-images-idx3-ubyte", images_idx(count, 28, 28), 16),
        (
            "t10k-labels-idx1-ubyte",
            labels_idx(&cycling_labels(count, 0)),
            8,
        ),
    ];
    for damage in Damage::ALL {
        for damaged in 0..files.len() {
            let dir = TempDir::new("load-damaged");
            for (i, (name, bytes, header)) in files.iter().enumerate() {
                let bytes = if i == damaged {
                    damage.apply(bytes, *header)
                } else {
                    bytes.clone()
                };
                write(dir.path(), &format!("{name}{}", damage.suffix()), &bytes);
            }
            let source = offline_source(
                Dataset::Mnist,
                &[dir.path().to_path_buf()],
                dir.join("cache"),
            );
            let error = source.load(&split("test[:1024]")).unwrap_err();
            let bad_file = dir.join(&format!("{}{}", files[damaged].0, damage.suffix()));
            let message = error.to_string();
            assert!(
                message.contains(&bad_file.display().to_string()),
                "{damage:?}: {message}"
            );
            let what = match damage {
                Damage::RawWithTrailingBytes => "where its header promises exactly",
                _ => "truncated",
            };
            assert!(message.contains(what), "{damage:?}: {message}");
        }
    }
}

#[test]
fn a_split_larger_than_the_data_is_an_error() {
    let dir = TempDir::new("load-split");
    write_test_part_gz(dir.path(), 10, 0);
    let source = offline_source(
        Dataset::Mnist,
        &[dir.path().to_path_buf()],
        dir.join("cache"),
    );
    let error = source.load(&split("test[:8000]")).unwrap_err();
    assert!(
        matches!(
            &error,
            DataError::Split(SplitError::OutOfRange {
                index: 8000,
                total: 10,
                ..
            })
        ),
        "{error:?}"
    );
    assert!(error.to_string().contains("test[:8000]"));
}

#[test]
fn not_found_lists_every_place_and_the_fixes() {
    let root = TempDir::new("load-not-found");
    let present = root.join("present");
    std::fs::create_dir_all(&present).unwrap();
    let absent = root.join("absent");
    let source = offline_source(
        Dataset::Mnist,
        &[present.clone(), absent.clone()],
        root.join("c"),
    );

    let started = Instant::now();
    let error = source.load(&split("train")).unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    let DataError::NotFound(details) = &error else {
        panic!("expected NotFound, got {error:?}");
    };
    assert_eq!(details.file, "train-images-idx3-ubyte");
    assert_eq!(details.search.len(), 2);
    assert!(details.download.is_none());

    let message = error.to_string();
    for needle in [
        "train-images-idx3-ubyte.gz",
        &present.display().to_string(),
        &format!("{} (test, does not exist)", absent.display()),
        "MNIST_DIR",
        "--data-dir",
        "Downloading is turned off",
        "--train-split 'test[:8000]' --eval-split 'test[8000:]'",
    ] {
        assert!(
            message.contains(needle),
            "missing {needle:?} in:\n{message}"
        );
    }

    // For a test split the advice to train on the test split makes no sense.
    let message = source.load(&split("test")).unwrap_err().to_string();
    assert!(message.contains("t10k-images-idx3-ubyte.gz"), "{message}");
    assert!(!message.contains("--train-split"), "{message}");
}

#[test]
fn offline_download_fails_fast_inside_the_not_found_message() {
    let root = TempDir::new("load-offline");
    let cache = root.join("cache");
    let mut source = offline_source(
        Dataset::Fashion,
        &[root.path().to_path_buf()],
        cache.clone(),
    );
    source.mirror = Some(dead_url());

    let started = Instant::now();
    let error = source.load(&split("test")).unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    let DataError::NotFound(details) = &error else {
        panic!("expected NotFound, got {error:?}");
    };
    assert!(matches!(
        details.download,
        Some(DownloadError::Request { .. })
    ));
    let message = error.to_string();
    assert!(message.contains("Downloading it failed"), "{message}");
    assert!(message.contains("FASHION_MNIST_DIR"), "{message}");
    assert!(!cache.exists(), "nothing may be written when offline");
}

#[test]
fn a_download_with_the_wrong_checksum_is_rejected() {
    // The loopback mirror serves a file of exactly the pinned size but the
    // wrong content: only the SHA-256 can catch it, and nothing is kept.
    let root = TempDir::new("load-bad-mirror");
    let server = serve(vec![("t10k-images-idx3-ubyte.gz", vec![0u8; 1_648_877])]);
    let cache = root.join("cache");
    let mut source = offline_source(Dataset::Mnist, &[root.join("cache")], cache.clone());
    source.mirror = Some(server.base_url.clone());

    let error = source.load(&split("test")).unwrap_err();
    let DataError::NotFound(details) = &error else {
        panic!("expected NotFound, got {error:?}");
    };
    match &details.download {
        Some(DownloadError::ChecksumMismatch {
            expected, actual, ..
        }) => {
            assert_eq!(
                expected,
                "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"
            );
            assert_ne!(actual, expected);
        }
        other => panic!("expected ChecksumMismatch, got {other:?}"),
    }
    assert!(error.to_string().contains("checksum"), "{error}");
    assert_eq!(server.requests(), vec!["/t10k-images-idx3-ubyte.gz"]);
    assert_eq!(listing(&cache), Vec::<String>::new());
}

#[test]
fn a_missing_data_dir_is_an_error_at_once() {
    let root = TempDir::new("load-missing-dir");
    let typo = root.join("mnsit");
    let started = Instant::now();
    let error = data::load(Dataset::Mnist, &split("test"), Some(&typo)).unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(1));
    assert!(
        matches!(&error, DataError::DataDirMissing { dir, origin: "--data-dir" } if *dir == typo),
        "{error:?}"
    );
    assert!(error.to_string().contains(&typo.display().to_string()));
}

#[test]
fn data_dir_comes_first_and_defaults_last() {
    let dir = TempDir::new("load-from-env");
    let source = DataSource::from_env(Dataset::Fashion, Some(dir.path())).unwrap();
    assert_eq!(
        source.search[0],
        SearchDir {
            path: dir.path().to_path_buf(),
            origin: "--data-dir"
        }
    );
    let tail: Vec<PathBuf> = source.search[source.search.len() - 2..]
        .iter()
        .map(|d| d.path.clone())
        .collect();
    assert_eq!(
        tail,
        vec![
            PathBuf::from("data/fashion-mnist"),
            PathBuf::from("/usr/share/datasets/fashion-mnist")
        ]
    );
    assert_eq!(source.cache_dir, PathBuf::from("data/fashion-mnist"));

    let mnist = DataSource::from_env(Dataset::Mnist, Some(dir.path())).unwrap();
    assert_eq!(
        mnist.search.last().unwrap().path,
        PathBuf::from("data/mnist")
    );

    // The loader reads the files from the flag's folder.
    write_test_part_gz(dir.path(), 3, 7);
    let images = data::load(Dataset::Mnist, &split("test"), Some(dir.path())).unwrap();
    assert_eq!(images.labels, vec![7, 8, 9]);
}

#[test]
fn data_dir_takes_precedence_over_the_environment() {
    let dir = TempDir::new("load-flag-over-env");
    let env = |name: &str| match name {
        "MNIST_DIR" => Some(OsString::from("/nonexistent")),
        _ => None,
    };
    let source = DataSource::from_vars(Dataset::Mnist, Some(dir.path()), env).unwrap();
    assert_eq!(source.search[0].origin, "--data-dir");
    assert!(source.search.iter().all(|d| d.origin != "MNIST_DIR"));

    // Without the flag, the variable is used, and a missing folder is an error.
    let error = DataSource::from_vars(Dataset::Mnist, None, env).unwrap_err();
    assert!(
        matches!(
            &error,
            DataError::DataDirMissing {
                origin: "MNIST_DIR",
                ..
            }
        ),
        "{error:?}"
    );
    let env_dir = |name: &str| (name == "MNIST_DIR").then(|| dir.path().as_os_str().to_owned());
    let source = DataSource::from_vars(Dataset::Mnist, None, env_dir).unwrap();
    assert_eq!(source.search[0].path, dir.path());
    assert_eq!(source.search[0].origin, "MNIST_DIR");
    assert!(source.mirror.is_some());
    let offline = |name: &str| (name == "MNIST_MIRROR").then(OsString::new);
    assert_eq!(
        DataSource::from_vars(Dataset::Mnist, None, offline)
            .unwrap()
            .mirror,
        None
    );
}

#[test]
fn load_splits_takes_the_whole_test_part_when_no_eval_split_is_given() {
    let dir = TempDir::new("load-splits");
    write_test_part_gz(dir.path(), 6, 0);
    let (train, eval) = data::load_splits(
        Dataset::Mnist,
        Some(dir.path()),
        Some(split("test[:4]")),
        None,
    )
    .unwrap();
    assert_eq!(train.labels, vec![0, 1, 2, 3]);
    assert_eq!(eval.labels, vec![0, 1, 2, 3, 4, 5]);
    assert_eq!(eval.description, "MNIST test");
}

#[test]
fn dataset_names_and_classes() {
    assert_eq!(Dataset::Mnist.display_name(), "MNIST");
    assert_eq!(Dataset::Fashion.display_name(), "Fashion-MNIST");
    assert_eq!(Dataset::Fashion.to_string(), "Fashion-MNIST");
    assert_eq!(Dataset::Mnist.class_names()[7], "7");
    assert_eq!(Dataset::Fashion.class_names()[0], "T-shirt/top");
    assert_eq!(Dataset::Fashion.class_names()[9], "Ankle boot");
    assert_eq!(Dataset::from_str("fashion", false), Ok(Dataset::Fashion));
    assert_eq!(Dataset::from_str("mnist", false), Ok(Dataset::Mnist));
    assert_eq!(
        Dataset::Mnist.default_mirror(),
        "https://storage.googleapis.com/cvdf-datasets/mnist/"
    );
    let names: Vec<&str> = Dataset::Mnist
        .remote_files()
        .iter()
        .map(|f| f.name)
        .collect();
    assert_eq!(
        names,
        [
            "train-images-idx3-ubyte.gz",
            "train-labels-idx1-ubyte.gz",
            "t10k-images-idx3-ubyte.gz",
            "t10k-labels-idx1-ubyte.gz"
        ]
    );
    assert_eq!(
        data::file_names(ae_support::split::Part::Test).0,
        "t10k-images-idx3-ubyte"
    );
}
