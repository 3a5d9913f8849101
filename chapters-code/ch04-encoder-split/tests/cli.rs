//! The chapter 4 binary: a clear error without data, and, when MNIST is
//! available (ignored unless asked for; needs MNIST_DIR), training the missing
//! weights, then loading them, and refusing weights trained on other data or
//! with other settings than the run asks for.

use ae_support::data::Dataset;
use ae_support::testing::{assert_error, data_dir, run, scratch_dir};
use std::path::Path;
use std::process::Output;

fn ch04(args: &[&str]) -> Output {
    run(env!("CARGO_BIN_EXE_ch04-encoder-split"), args)
}

/// A run on a small slice of `data`, with `weights` and `figures`.
fn small_run_args(data: &Path, weights: &Path, figures: &Path) -> Vec<String> {
    [
        "--data-dir",
        data.to_str().unwrap(),
        "--epochs",
        "1",
        "--quiet",
        "--train-split",
        "test[:2000]",
        "--eval-split",
        "test[8000:9000]",
        "--figures-dir",
        figures.to_str().unwrap(),
        "--checkpoint",
        weights.to_str().unwrap(),
    ]
    .map(String::from)
    .to_vec()
}

/// Runs with `args`, each `(flag, value)` of `changes` replacing the flag's
/// value there or added.
fn ch04_with(args: &[String], changes: &[(&str, &str)]) -> Output {
    let mut all: Vec<&str> = args.iter().map(String::as_str).collect();
    for &(flag, value) in changes {
        match all.iter().position(|&a| a == flag) {
            Some(i) => all[i + 1] = value,
            None => all.extend([flag, value]),
        }
    }
    ch04(&all)
}

#[test]
fn a_missing_data_folder_is_a_clear_error() {
    let out = ch04(&["--data-dir", "/nonexistent", "--quiet"]);
    assert_error(&out, "/nonexistent");
}

#[test]
#[ignore = "needs MNIST_DIR (real MNIST)"]
fn missing_weights_are_trained_then_loaded() {
    let data = data_dir(Dataset::Mnist);
    let dir = scratch_dir("ch04-run");
    let weights = dir.join("simple.safetensors");
    let args = small_run_args(&data, &weights, &dir);
    let first = ch04_with(&args, &[]);
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(
        first.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(stdout.contains("no trained weights at"), "{stdout}");
    assert!(
        stdout.contains("autoencoder(x) for all of them"),
        "{stdout}"
    );
    for file in ["codes.png", "code-map.svg", "code-tsne.svg", "results.txt"] {
        assert!(dir.join(file).is_file(), "{file} is missing");
    }
    assert!(weights.is_file());

    let second = ch04_with(&args, &[]);
    let stdout = String::from_utf8_lossy(&second.stdout);
    assert!(second.status.success());
    assert!(stdout.contains("loaded from"), "{stdout}");

    // Flags that describe other weights than the file holds are refused, not ignored.
    for (flag, value) in [("--epochs", "2"), ("--batch-size", "32"), ("--seed", "7")] {
        assert_error(
            &ch04_with(&args, &[(flag, value)]),
            "for 1 epochs (batch size 256, seed 42), but this run asks for",
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
#[ignore = "needs MNIST_DIR and FASHION_MNIST_DIR (real data)"]
fn mnist_weights_are_refused_for_fashion_mnist() {
    let dir = scratch_dir("ch04-fashion");
    let weights = dir.join("simple.safetensors");
    let mnist = small_run_args(&data_dir(Dataset::Mnist), &weights, &dir);
    assert!(ch04_with(&mnist, &[]).status.success());
    let fashion = small_run_args(&data_dir(Dataset::Fashion), &weights, &dir);
    assert_error(
        &ch04_with(&fashion, &[("--dataset", "fashion")]),
        "holds the simple model trained on MNIST test[:2000]",
    );
    // Weights without a record are not trusted either.
    std::fs::remove_file(weights.with_extension("trained-on.txt")).unwrap();
    assert_error(
        &ch04_with(&mnist, &[]),
        "has no record of what it was trained on",
    );
    let _ = std::fs::remove_dir_all(&dir);
}
