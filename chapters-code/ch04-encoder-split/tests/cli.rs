//! The chapter 4 binary: a clear error without data, and, when MNIST is
//! available (MNIST_DIR set), training the missing weights, then loading them.

use std::path::PathBuf;
use std::process::{Command, Output};

fn ch04(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ch04-encoder-split"))
        .args(args)
        .output()
        .expect("the chapter binary starts")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ch04-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn a_missing_data_folder_is_a_clear_error() {
    let out = ch04(&["--data-dir", "/nonexistent", "--quiet"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.starts_with("error:"), "{stderr}");
    assert!(stderr.contains("/nonexistent"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn missing_weights_are_trained_then_loaded() {
    if std::env::var_os("MNIST_DIR").is_none() {
        println!("skipped: MNIST_DIR is not set");
        return;
    }
    let dir = scratch("run");
    let weights = dir.join("simple.safetensors");
    let args = [
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
