//! Bad flags are refused with a message.

use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ch06-sparse"))
        .args(args)
        .env("MNIST_MIRROR", "")
        .env("FASHION_MNIST_MIRROR", "")
        .output()
        .expect("the binary starts")
}

fn assert_usage_error(args: &[&str], expected: &str) {
    let output = run(args);
    let message = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{args:?}: {message}");
    assert!(
        message.contains(expected),
        "{args:?}: expected `{expected}` in:\n{message}"
    );
}

#[test]
fn negative_weights_are_refused() {
    assert_usage_error(&["--lambda", "-1e-5"], "cannot be negative");
    assert_usage_error(&["--lambda=-0.001"], "cannot be negative");
    assert_usage_error(
        &["--penalty", "kl", "--beta", "-5e-3"],
        "cannot be negative",
    );
}

#[test]
fn weights_must_be_finite_numbers() {
    assert_usage_error(&["--lambda", "NaN"], "must be a finite number");
    assert_usage_error(&["--beta", "inf"], "must be a finite number");
    assert_usage_error(&["--lambda", "small"], "is not a number");
}

#[test]
fn the_target_activation_lies_inside_the_unit_interval() {
    assert_usage_error(&["--target", "1.5"], "strictly between 0 and 1");
    assert_usage_error(&["--target", "0"], "strictly between 0 and 1");
}

#[test]
fn unknown_penalties_and_zero_epochs_are_refused() {
    assert_usage_error(&["--penalty", "l2"], "invalid value 'l2'");
    assert_usage_error(&["--epochs", "0"], "must be at least 1");
}

#[test]
fn missing_data_is_an_error_with_a_message() {
    let output = run(&[
        "--data-dir",
        "/nonexistent/ch06",
        "--train-split",
        "test[:100]",
        "--quiet",
    ]);
    let message = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{message}");
    assert!(message.starts_with("error: "), "{message}");
}
