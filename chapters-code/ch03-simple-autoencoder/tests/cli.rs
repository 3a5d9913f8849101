//! The chapter 3 binary as a reader runs it: clear errors without data, and a
//! short real run when MNIST is available (MNIST_DIR set).

use std::path::PathBuf;
use std::process::{Command, Output};

fn ch03(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ch03-simple-autoencoder"))
        .args(args)
        .output()
        .expect("the chapter binary starts")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ch03-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn a_missing_data_folder_is_a_clear_error() {
    let out = ch03(&["--data-dir", "/nonexistent", "--quiet"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.starts_with("error:"), "{stderr}");
    assert!(stderr.contains("/nonexistent"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn zero_epochs_are_rejected() {
    let out = ch03(&["--epochs", "0"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("at least 1"), "{stderr}");
}

#[test]
fn one_epoch_on_mnist_writes_weights_and_figures() {
    if std::env::var_os("MNIST_DIR").is_none() {
        println!("skipped: MNIST_DIR is not set");
        return;
    }
    let dir = scratch("run");
    let dir_arg = dir.to_str().unwrap();
    let out = ch03(&[
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
