//! The chapter 3 binary as a reader runs it: clear errors without data, and a
//! short real run on MNIST (ignored unless asked for; needs MNIST_DIR).

use ae_support::data::Dataset;
use ae_support::testing::{assert_error, data_dir, run, scratch_dir};
use std::process::Output;

fn ch03(args: &[&str]) -> Output {
    run(env!("CARGO_BIN_EXE_ch03-simple-autoencoder"), args)
}

#[test]
fn a_missing_data_folder_is_a_clear_error() {
    let out = ch03(&["--data-dir", "/nonexistent", "--quiet"]);
    assert_error(&out, "/nonexistent");
}

#[test]
fn zero_epochs_are_rejected() {
    let out = ch03(&["--epochs", "0"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("at least 1"), "{stderr}");
}

#[test]
#[ignore = "needs MNIST_DIR (real MNIST)"]
fn one_epoch_on_mnist_writes_weights_and_figures() {
    let data = data_dir(Dataset::Mnist);
    let dir = scratch_dir("ch03-run");
    let dir_arg = dir.to_str().unwrap();
    let out = ch03(&[
        "--data-dir",
        data.to_str().unwrap(),
        "--epochs",
        "1",
        "--model",
        "simple",
        "--toy-epochs",
        "1",
        "--quiet",
        "--train-split",
        "test[:2000]",
        "--eval-split",
        "test[8000:]",
        "--figures-dir",
        dir_arg,
        "--checkpoint-dir",
        dir_arg,
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("trained on MNIST test[:2000], evaluated on MNIST test[8000:]"),
        "{stdout}"
    );
    for file in [
        "ch03-simple.safetensors",
        "reconstructions.png",
        "loss-curves.svg",
    ] {
        assert!(dir.join(file).is_file(), "{file} missing; {stdout}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
