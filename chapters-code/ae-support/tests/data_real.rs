//! Checks against the real MNIST and Fashion-MNIST files.
//!
//! They are ignored by a plain `cargo test`; `cargo test -- --include-ignored`
//! runs them (as CI does) and then they fail unless `MNIST_DIR` /
//! `FASHION_MNIST_DIR` name folders holding the gzip files. They never touch
//! the internet: the one download test uses a loopback mirror.

mod data_fixtures;

use std::fs::File;
use std::path::Path;

use ae_support::data::{self, DataError, DataSource, Dataset, IMAGE_PIXELS, SearchDir};
use ae_support::download;
use ae_support::idx;
use ae_support::split::Split;
use ae_support::testing::data_dir;
use data_fixtures::*;

fn split(text: &str) -> Split {
    text.parse().unwrap()
}

fn only(dataset: Dataset, dir: &Path) -> DataSource {
    DataSource {
        dataset,
        search: vec![SearchDir {
            path: dir.to_path_buf(),
            origin: "test",
        }],
        cache_dir: dir.join("cache-unused"),
        mirror: None,
    }
}

fn class_counts(labels: &[u8]) -> [usize; 10] {
    let mut counts = [0; 10];
    for &label in labels {
        counts[label as usize] += 1;
    }
    counts
}

#[test]
#[ignore = "needs MNIST_DIR (real MNIST)"]
fn mnist_test_split_in_two_slices() {
    let dir = data_dir(Dataset::Mnist);
    let train = data::load(Dataset::Mnist, &split("test[:8000]"), Some(&dir)).unwrap();
    let eval = data::load(Dataset::Mnist, &split("test[8000:]"), Some(&dir)).unwrap();

    assert_eq!((train.len(), eval.len()), (8000, 2000));
    assert_eq!(train.pixels.len(), 8000 * IMAGE_PIXELS);
    assert_eq!(train.description, "MNIST test[:8000]");
    assert_eq!(eval.description, "MNIST test[8000:]");
    // The first ten MNIST test digits.
    assert_eq!(train.labels[..10], [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
    assert!(train.pixels.iter().all(|&v| (0.0..=1.0).contains(&v)));
    // Each image has background (0) and full ink (1) somewhere.
    assert!(train.image(0).contains(&0.0) && train.image(0).contains(&1.0));

    let whole = only(Dataset::Mnist, &dir).load(&split("test")).unwrap();
    assert_eq!([train.labels, eval.labels].concat(), whole.labels);
    assert_eq!([train.pixels, eval.pixels].concat(), whole.pixels);
    // Published class sizes of the MNIST test set.
    assert_eq!(
        class_counts(&whole.labels),
        [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    );
}

#[test]
#[ignore = "needs MNIST_DIR and FASHION_MNIST_DIR (real data)"]
fn pinned_hashes_match_the_real_files() {
    let mut checked = 0;
    for dataset in [Dataset::Mnist, Dataset::Fashion] {
        let dir = data_dir(dataset);
        for remote in dataset.remote_files() {
            let path = dir.join(remote.name);
            if !path.exists() {
                eprintln!("{} is absent; its hash was not checked", path.display());
                continue;
            }
            assert_eq!(
                std::fs::metadata(&path).unwrap().len(),
                remote.size,
                "{}",
                path.display()
            );
            assert_eq!(
                download::sha256_file(&path).unwrap(),
                remote.sha256,
                "{}",
                path.display()
            );
            checked += 1;
        }
    }
    // At least MNIST's test files and all four Fashion-MNIST files.
    assert!(checked >= 6, "only {checked} files hashed");
}

#[test]
#[ignore = "needs MNIST_DIR (real MNIST)"]
fn mnist_training_without_its_images_suggests_a_test_slice() {
    let dir = data_dir(Dataset::Mnist);
    let source = only(Dataset::Mnist, &dir);
    if source.find("train-images-idx3-ubyte").is_some() {
        // A complete copy: the training split simply loads.
        assert_eq!(source.load(&split("train[:10]")).unwrap().len(), 10);
        return;
    }
    let error = source.load(&split("train")).unwrap_err();
    assert!(matches!(&error, DataError::NotFound(d) if d.file == "train-images-idx3-ubyte"));
    let message = error.to_string();
    assert!(message.contains(&dir.display().to_string()), "{message}");
    assert!(message.contains("--train-split 'test[:8000]'"), "{message}");
}

#[test]
#[ignore = "needs MNIST_DIR (real MNIST)"]
fn downloads_real_files_from_a_loopback_mirror() {
    let dir = data_dir(Dataset::Mnist);
    let names = ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"];
    let server = serve(
        names
            .iter()
            .map(|name| (*name, std::fs::read(dir.join(name)).unwrap()))
            .collect(),
    );
    let root = TempDir::new("real-download");
    let cache = root.join("data/mnist");
    let source = DataSource {
        dataset: Dataset::Mnist,
        search: vec![SearchDir {
            path: cache.clone(),
            origin: "default",
        }],
        cache_dir: cache.clone(),
        mirror: Some(server.base_url.clone()),
    };

    let downloaded = source.load(&split("test[:8000]")).unwrap();
    assert_eq!(listing(&cache), names);
    assert_eq!(server.requests().len(), 2);
    let direct = only(Dataset::Mnist, &dir)
        .load(&split("test[:8000]"))
        .unwrap();
    assert_eq!(downloaded, direct);

    // The second load finds the cached files and asks the mirror for nothing.
    source.load(&split("test[8000:]")).unwrap();
    assert_eq!(server.requests().len(), 2);
}

/// Unpacks the four gzip files of `dir` into `out` under their raw names.
fn unpack_all(dir: &Path, out: &Path) {
    for remote in Dataset::Fashion.remote_files() {
        let mut gz = flate2::read::GzDecoder::new(File::open(dir.join(remote.name)).unwrap());
        let raw = out.join(remote.name.strip_suffix(".gz").unwrap());
        std::io::copy(&mut gz, &mut File::create(raw).unwrap()).unwrap();
    }
}

#[test]
#[ignore = "needs FASHION_MNIST_DIR (real Fashion-MNIST)"]
fn fashion_matches_the_mnist_crate() {
    let dir = data_dir(Dataset::Fashion);
    let raw = TempDir::new("real-fashion");
    unpack_all(&dir, raw.path());

    // The reference: the `mnist` crate, which needs all four unpacked files.
    let reference = mnist::MnistBuilder::new()
        .base_path(raw.path().to_str().unwrap())
        .finalize();
    assert_eq!(reference.tst_img.len(), 10_000 * IMAGE_PIXELS);

    let test_bytes = idx::read_images(&raw.join("t10k-images-idx3-ubyte")).unwrap();
    assert_eq!(test_bytes.pixels, reference.tst_img);
    let train_bytes = idx::read_images(&dir.join("train-images-idx3-ubyte.gz")).unwrap();
    assert_eq!(train_bytes.count, 60_000);
    assert_eq!(train_bytes.pixels, reference.trn_img);

    let from_raw = only(Dataset::Fashion, raw.path());
    let from_gz = only(Dataset::Fashion, &dir);
    let test = from_gz.load(&split("test")).unwrap();
    assert_eq!(test, from_raw.load(&split("test")).unwrap());
    let train = from_gz.load(&split("train")).unwrap();

    let normalized = reference.normalize();
    assert_eq!(test.labels, normalized.tst_lbl);
    assert_eq!(test.pixels, normalized.tst_img);
    assert_eq!(train.labels, normalized.trn_lbl);
    assert_eq!(train.pixels, normalized.trn_img);

    // Fashion-MNIST is balanced: 1,000 test and 6,000 training images per class.
    assert_eq!(class_counts(&test.labels), [1000; 10]);
    assert_eq!(class_counts(&train.labels), [6000; 10]);
    assert_eq!(
        Dataset::Fashion.class_names()[test.labels[0] as usize],
        "Ankle boot"
    );
}
