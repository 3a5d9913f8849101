//! Bad flags are refused with a message.

use ae_support::testing::assert_usage_error;
use std::process::Output;

fn run(args: &[&str]) -> Output {
    ae_support::testing::run(env!("CARGO_BIN_EXE_ch06-sparse"), args)
}

#[track_caller]
fn refused(args: &[&str], expected: &str) {
    assert_usage_error(&run(args), expected);
}

#[test]
fn negative_weights_are_refused() {
    refused(&["--lambda", "-1e-5"], "cannot be negative");
    refused(&["--lambda=-0.001"], "cannot be negative");
    refused(
        &["--penalty", "kl", "--beta", "-5e-3"],
        "cannot be negative",
    );
}

#[test]
fn weights_must_be_finite_numbers() {
    refused(&["--lambda", "NaN"], "must be a finite number");
    refused(
        &["--penalty", "kl", "--beta", "inf"],
        "must be a finite number",
    );
    refused(&["--lambda", "small"], "is not a number");
}

#[test]
fn the_target_activation_lies_inside_the_unit_interval() {
    refused(&["--target", "1.5"], "strictly between 0 and 1");
    refused(&["--target", "0"], "strictly between 0 and 1");
}

#[test]
fn unknown_penalties_and_zero_epochs_are_refused() {
    refused(&["--penalty", "l2"], "invalid value 'l2'");
    refused(&["--epochs", "0"], "must be at least 1");
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

#[test]
fn flags_of_the_other_penalty_are_refused() {
    refused(&["--beta", "1e-3"], "--beta applies only to --penalty kl");
    refused(
        &["--target", "0.2"],
        "--target applies only to --penalty kl",
    );
    refused(
        &["--penalty", "kl", "--lambda", "1e-4"],
        "--lambda applies only to --penalty l1",
    );
}

#[test]
#[ignore = "needs MNIST_DIR (real MNIST)"]
fn the_models_are_named_in_words() {
    let data = ae_support::testing::data_dir(ae_support::data::Dataset::Mnist);
    let dir = ae_support::testing::scratch_dir("ch06-words");
    let output = run(&[
        "--data-dir",
        data.to_str().unwrap(),
        "--train-split",
        "test[:200]",
        "--eval-split",
        "test[9000:9200]",
        "--epochs",
        "1",
        "--quiet",
        "--figures-dir",
        dir.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(
        stdout.contains("training the standard model (no penalty)"),
        "{stdout}"
    );
    assert!(stdout.contains("(L1 penalty, λ = 0.00032)"), "{stdout}");
    assert!(
        !stdout.contains("None") && !stdout.contains("lambda:"),
        "{stdout}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn geron_runs_use_his_settings_and_refuse_others() {
    refused(&["--geron", "--epochs", "5"], "cannot be used with");
    refused(&["--geron", "--penalty", "kl"], "cannot be used with");
    refused(&["--geron", "--lambda", "1e-3"], "cannot be used with");
}
