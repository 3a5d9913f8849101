//! The binary refuses bad flags with a message, and (given real data) trains
//! all five models end to end on a tiny slice.

use ae_support::data::Dataset;
use ae_support::testing::{assert_error, assert_usage_error, data_dir, scratch_dir, stderr};
use std::process::Output;

fn run(args: &[&str]) -> Output {
    ae_support::testing::run(env!("CARGO_BIN_EXE_ch09-convolutional"), args)
}

#[test]
fn bad_flags_are_refused() {
    assert_usage_error(&run(&["--noise-factor", "-0.5"]), "cannot be negative");
    assert_usage_error(&run(&["--epochs", "0"]), "must be at least 1");
    assert_usage_error(&run(&["--batch-size", "none"]), "is not a whole number");
}

#[test]
fn missing_data_is_an_error_with_a_message_not_a_panic() {
    let output = run(&[
        "--data-dir",
        "/nonexistent/ch09",
        "--train-split",
        "test[:100]",
        "--quiet",
    ]);
    assert_error(&output, "");
}

#[test]
#[ignore = "needs MNIST_DIR (real MNIST)"]
fn a_tiny_run_on_real_data_compares_every_model_and_writes_its_files() {
    let dir = data_dir(Dataset::Mnist);
    let figures = scratch_dir("ch09-cli");
    let output = run(&[
        "--data-dir",
        dir.to_str().unwrap(),
        "--train-split",
        "test[:64]",
        "--eval-split",
        "test[9950:]",
        "--epochs",
        "1",
        "--quiet",
        "--figures-dir",
        figures.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{}\n{stdout}", stderr(&output));
    for model in [
        "dense 784-128-32-128-784 (ch. 3)",
        "Chollet's convolutional autoencoder",
        "keras.io example",
        "dense 784-128-32-128-784 (ch. 5)",
        "Chollet's convolutional denoiser",
    ] {
        assert!(stdout.contains(model), "{model} missing from:\n{stdout}");
    }
    assert!(figures.join("mnist-reconstructions.png").is_file());
    let results = std::fs::read_to_string(figures.join("mnist-results.txt")).unwrap();
    assert!(results.contains("MNIST test[:64]"), "{results}");
    assert!(results.contains("28353"), "{results}");
    std::fs::remove_dir_all(&figures).ok();
}
