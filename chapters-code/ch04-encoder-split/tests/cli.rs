//! The chapter 4 binary: a clear error without data, and, when MNIST is
//! available (ignored unless asked for; needs MNIST_DIR), training the missing
//! weights, then loading them.

use ae_support::data::Dataset;
use ae_support::testing::{assert_error, data_dir, run, scratch_dir};
use std::process::Output;

fn ch04(args: &[&str]) -> Output {
    run(env!("CARGO_BIN_EXE_ch04-encoder-split"), args)
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
    let args = [
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
        dir.to_str().unwrap(),
        "--checkpoint",
        weights.to_str().unwrap(),
    ];
    let first = ch04(&args);
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(
        first.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(stdout.contains("no trained weights at"), "{stdout}");
    assert!(
        stdout.contains("autoencoder(x) for all of them: true"),
        "{stdout}"
    );
    assert!(
        weights.is_file() && dir.join("codes.png").is_file() && dir.join("code-map.svg").is_file()
    );

    let second = ch04(&args);
    let stdout = String::from_utf8_lossy(&second.stdout);
    assert!(second.status.success());
    assert!(
        stdout.contains("loaded the trained autoencoder"),
        "{stdout}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
