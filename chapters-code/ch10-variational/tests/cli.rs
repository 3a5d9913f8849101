//! The binary refuses bad flags with a message, and (given real data) runs
//! end to end on tiny slices, writing every file the book uses.

use ae_support::data::Dataset;
use ae_support::testing::{assert_error, assert_usage_error, data_dir, scratch_dir};
use std::process::Output;

fn run(args: &[&str]) -> Output {
    ae_support::testing::run(env!("CARGO_BIN_EXE_ch10-variational"), args)
}

#[test]
fn bad_flags_are_refused() {
    assert_usage_error(&run(&["--epochs", "0"]), "must be at least 1");
    assert_usage_error(&run(&["--models", "all"]), "invalid value 'all'");
    assert_usage_error(
        &run(&["--geron-train-split", "train[:nonsense]"]),
        "geron-train-split",
    );
}

#[test]
fn missing_data_is_an_error_with_a_message_not_a_panic() {
    let output = run(&[
        "--models",
        "chollet",
        "--data-dir",
        "/nonexistent/ch10",
        "--train-split",
        "test[:100]",
        "--quiet",
    ]);
    assert_error(&output, "");
}

/// Runs the binary on tiny slices into a fresh folder and returns it.
fn tiny_run(name: &str, args: &[&str]) -> std::path::PathBuf {
    let figures = scratch_dir(name);
    let mut all = vec!["--epochs", "1", "--geron-epochs", "1", "--quiet"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--figures-dir", figures.to_str().unwrap()]);
    let output = run(&all);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    figures
}

#[test]
#[ignore = "needs MNIST_DIR (real MNIST)"]
fn a_tiny_two_dimensional_run_writes_its_figures_results_and_exports() {
    let dir = data_dir(Dataset::Mnist);
    let figures = tiny_run(
        "ch10-chollet",
        &[
            "--models",
            "chollet",
            "--data-dir",
            dir.to_str().unwrap(),
            "--train-split",
            "test[:300]",
            "--eval-split",
            "test[9800:]",
        ],
    );
    for file in [
        "mnist-latent.svg",
        "mnist-vae-grid.png",
        "mnist-plain-grid.png",
        "mnist-samples.png",
        "mnist-interpolation.png",
        "mnist-vae-loss.svg",
    ] {
        assert!(figures.join(file).is_file(), "{file} missing");
    }
    let results = std::fs::read_to_string(figures.join("mnist-vae-results.txt")).unwrap();
    assert!(results.contains("MNIST test[:300]"), "{results}");
    assert!(results.contains("reconstruction"), "{results}");
    assert!(results.contains("KL"), "{results}");
    let decoder = std::fs::read_to_string(figures.join("decoder.json")).unwrap();
    assert!(
        decoder.contains("\"outputs\":784"),
        "the decoder has its last layer"
    );
    assert!(
        decoder.contains("MNIST test[:300]"),
        "the decoder says what it saw"
    );
    let fixture = std::fs::read_to_string(figures.join("decoder-fixture.json")).unwrap();
    assert!(fixture.starts_with("{\"points\":"));
}

#[test]
#[ignore = "needs FASHION_MNIST_DIR (real Fashion-MNIST)"]
fn a_tiny_ten_dimensional_run_reports_both_terms() {
    data_dir(Dataset::Fashion);
    let figures = tiny_run(
        "ch10-geron",
        &[
            "--models",
            "geron",
            "--geron-train-split",
            "test[:300]",
            "--geron-eval-split",
            "test[9800:]",
        ],
    );
    assert!(figures.join("fashion-samples.png").is_file());
    assert!(figures.join("fashion-vae-loss.svg").is_file());
    let results = std::fs::read_to_string(figures.join("fashion-vae-results.txt")).unwrap();
    assert!(results.contains("Fashion-MNIST test[:300]"), "{results}");
    assert!(results.contains("KL / 784"), "{results}");
    assert!(results.contains("Nadam (Keras defaults)"), "{results}");
}
