//! The chapter 3 binary as a reader runs it: clear errors without data, and a
//! short real run on MNIST (ignored unless asked for; needs MNIST_DIR).

use ae_support::data::Dataset;
use ae_support::testing::{assert_error, data_dir, run, scratch_dir, stderr};
use std::process::{Command, Output};

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
        stdout
            .contains("trained on MNIST test[:2000] (2000 images), evaluated on MNIST test[8000:]"),
        "{stdout}"
    );
    for file in [
        "ch03-simple.safetensors",
        "ch03-simple-adadelta.safetensors",
        "results.txt",
        "reconstructions.png",
        "loss-curves.svg",
    ] {
        assert!(dir.join(file).is_file(), "{file} missing; {stdout}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `git status --porcelain` of the whole checkout.
fn git_status() -> String {
    let workspace = ae_support::paths::workspace_dir();
    let out = Command::new("git")
        .arg("-C")
        .arg(&workspace)
        .args(["status", "--porcelain"])
        .output()
        .expect("git runs");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
#[ignore = "needs MNIST_DIR (real MNIST)"]
fn a_run_with_default_folders_changes_no_tracked_file() {
    data_dir(Dataset::Mnist);
    // Weights go to a scratch folder, not over the ones chapter 4 loads.
    let weights = scratch_dir("ch03-default-folders");
    let before = git_status();
    let out = ch03(&[
        "--checkpoint-dir",
        weights.to_str().unwrap(),
        "--epochs",
        "1",
        "--toy-epochs",
        "1",
        "--quiet",
        "--train-split",
        "test[:256]",
        "--eval-split",
        "test[256:512]",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(git_status(), before);
    let figures = ae_support::paths::workspace_dir().join("target/figures/ch03");
    assert!(figures.join("loss-curves.svg").is_file());
    let _ = std::fs::remove_dir_all(&weights);
}
