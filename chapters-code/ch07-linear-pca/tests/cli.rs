//! The binary as a reader runs it.

use ae_support::data::Dataset;
use ae_support::testing::{assert_error, data_dir, scratch_dir};
use std::process::Output;

fn run(args: &[&str]) -> Output {
    ae_support::testing::run(env!("CARGO_BIN_EXE_ch07-linear-pca"), args)
}

#[test]
fn the_default_run_prints_the_angles_and_both_errors_and_draws_the_figures() {
    let dir = scratch_dir("ch07-toy");
    let out = run(&["--figures-dir", dir.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("principal angles between the decoder's plane and PCA's"));
    assert!(stdout.contains("reconstruction MSE: autoencoder"));
    assert!(stdout.contains("step  1000"));
    // The book includes the numbers from this file; the paths printed beside
    // them are the machine's and stay out of it.
    let results = std::fs::read_to_string(dir.join("toy.txt")).unwrap();
    assert!(results.contains("step  1000  MSE"), "{results}");
    assert!(
        results.contains("reconstruction MSE: autoencoder"),
        "{results}"
    );
    assert!(!results.contains(dir.to_str().unwrap()), "{results}");
    for figure in ["cloud-and-plane.svg", "codings-vs-pca.svg"] {
        let svg = std::fs::read_to_string(dir.join(figure)).unwrap();
        assert!(svg.starts_with("<svg"), "{figure}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_toy_settings_are_refused_with_a_message() {
    for (flag, value) in [
        ("--off-plane-std", "-1"),
        ("--short-std", "NaN"),
        ("--learning-rate", "0"),
    ] {
        let out = run(&[flag, value, "--figures-dir", "/nonexistent"]);
        assert_eq!(out.status.code(), Some(2), "{flag} {value}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!("invalid value '{value}' for '{flag}")),
            "{stderr}"
        );
    }
}

#[test]
fn another_cloud_gets_its_own_results_file_named_after_its_flags() {
    let dir = scratch_dir("ch07-flatter");
    let out = run(&[
        "--seed",
        "9",
        "--short-std",
        "0.4",
        "--quiet",
        "--figures-dir",
        dir.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let results = std::fs::read_to_string(dir.join("toy-seed9-short-std0.4.txt")).unwrap();
    assert!(results.contains("(seed 9)"), "{results}");
    assert!(!dir.join("toy.txt").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_toy_refuses_data_flags_and_the_mnist_run_refuses_toy_flags() {
    // The toy generates its points and takes --steps, not epochs: these flags
    // would be silently ignored, so they are refused.
    for flag in [
        ["--train-split", "test[:100]"],
        ["--eval-split", "test[9000:]"],
        ["--dataset", "fashion"],
        ["--data-dir", "/nonexistent"],
        ["--epochs", "3"],
        ["--batch-size", "8"],
    ] {
        let out = run(&flag);
        assert_eq!(out.status.code(), Some(2), "{flag:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("--mnist"), "{flag:?}: {stderr}");
    }
    for flag in [
        ["--steps", "5"],
        ["--learning-rate", "0.1"],
        ["--off-plane-std", "0.1"],
    ] {
        let out = run(&["--mnist", flag[0], flag[1]]);
        assert_eq!(out.status.code(), Some(2), "{flag:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("cannot be used with"), "{flag:?}: {stderr}");
    }
}

#[test]
fn mnist_without_data_is_an_error_not_a_panic() {
    let missing = scratch_dir("ch07-no-data");
    let out = run(&["--mnist", "--data-dir", missing.to_str().unwrap()]);
    assert_error(&out, missing.to_str().unwrap());
}

#[test]
#[ignore = "needs MNIST_DIR (real MNIST)"]
fn mnist_comparison_on_a_small_slice() {
    let data = data_dir(Dataset::Mnist);
    let dir = scratch_dir("ch07-mnist");
    let out = run(&[
        "--mnist",
        "--data-dir",
        data.to_str().unwrap(),
        "--train-split",
        "test[:500]",
        "--eval-split",
        "test[9500:]",
        "--epochs",
        "2",
        "--quiet",
        "--figures-dir",
        dir.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let results = std::fs::read_to_string(dir.join("mnist-epochs2.txt")).unwrap();
    assert!(
        results.contains("data:     trained on MNIST test[:500]"),
        "{results}"
    );
    assert!(results.contains("PCA, 32 components"), "{results}");
    assert!(
        results.contains("chapter 3's model, its own loss"),
        "{results}"
    );
    assert!(stdout.contains(&results));
    assert!(dir.join("mnist-reconstructions.png").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}
