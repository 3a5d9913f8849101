//! The binary refuses bad flags with a message, and (given real data) runs end
//! to end on a tiny slice.

use ae_support::data::Dataset;
use ae_support::testing::{assert_usage_error, data_dir, stderr};
use std::path::PathBuf;
use std::process::Output;

fn run(args: &[&str]) -> Output {
    ae_support::testing::run(env!("CARGO_BIN_EXE_ch05-denoising"), args)
}

#[track_caller]
fn refused(args: &[&str], expected: &str) {
    assert_usage_error(&run(args), expected);
}

#[test]
fn a_negative_noise_factor_is_refused() {
    refused(&["--noise-factor", "-0.5"], "cannot be negative");
    refused(&["--noise-factor=-0.5"], "cannot be negative");
}

#[test]
fn a_noise_factor_that_is_not_a_finite_number_is_refused() {
    refused(&["--noise-factor", "NaN"], "must be a finite number");
    refused(&["--noise-factor", "inf"], "must be a finite number");
    refused(&["--noise-factor", "lots"], "is not a number");
}

#[test]
fn zero_epochs_are_refused() {
    refused(&["--epochs", "0"], "must be at least 1");
}

#[test]
fn unknown_datasets_and_models_are_refused() {
    refused(&["--dataset", "cifar10"], "invalid value 'cifar10'");
    refused(&["--model", "huge"], "invalid value 'huge'");
}

#[test]
fn comparing_schedules_and_choosing_one_contradict_each_other() {
    refused(
        &["--compare-schedules", "--noise", "fixed"],
        "cannot be used with",
    );
}

#[test]
fn missing_data_is_an_error_with_a_message_not_a_panic() {
    let output = run(&[
        "--data-dir",
        "/nonexistent/ch05",
        "--train-split",
        "test[:100]",
        "--quiet",
    ]);
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{message}");
    assert!(message.starts_with("error: "), "{message}");
    assert!(!message.contains("panicked"), "{message}");
}

#[test]
fn an_unwritable_figures_folder_fails_before_any_data_is_read() {
    // A folder below a file can never be created; the data folder does not
    // exist either, and it is the figures folder that is reported.
    let root = std::env::temp_dir().join(format!("ch05-unwritable-{}", std::process::id()));
    std::fs::create_dir_all(&root).unwrap();
    let file = root.join("a-file");
    std::fs::write(&file, b"").unwrap();
    let output = run(&[
        "--figures-dir",
        file.join("figures").to_str().unwrap(),
        "--data-dir",
        "/nonexistent/ch05",
        "--quiet",
    ]);
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{message}");
    assert!(
        message.starts_with("error: cannot write figures and results into"),
        "{message}"
    );
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
#[ignore = "needs MNIST_DIR (real MNIST)"]
fn a_tiny_run_on_real_data_prints_psnr_and_writes_its_files() {
    let dir = data_dir(Dataset::Mnist);
    let dir = dir.to_str().unwrap();
    let figures = std::env::temp_dir().join(format!("ch05-cli-test-{}", std::process::id()));
    let output = run(&[
        "--data-dir",
        dir,
        "--train-split",
        "test[:300]",
        "--eval-split",
        "test[9900:]",
        "--epochs",
        "1",
        "--model",
        "simple",
        "--quiet",
        "--figures-dir",
        figures.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{}\n{stdout}", stderr(&output));
    assert!(stdout.contains("noisy input vs clean"), "{stdout}");
    assert!(stdout.contains(" dB"), "{stdout}");
    // The names say what differs from the default run: the model, the
    // training slice's size and the epochs.
    let files: Vec<PathBuf> = [
        "mnist-simple-train300-epochs1.png",
        "mnist-simple-train300-epochs1-loss.svg",
        "mnist-simple-train300-epochs1-results.txt",
    ]
    .iter()
    .map(|f| figures.join(f))
    .collect();
    for f in &files {
        assert!(f.is_file(), "{} was not written", f.display());
    }
    let results = std::fs::read_to_string(&files[2]).unwrap();
    assert!(results.contains("MNIST test[:300]"), "{results}");
    std::fs::remove_dir_all(&figures).ok();
}

#[test]
fn geron_runs_use_his_settings_and_refuse_others() {
    refused(&["--geron", "--epochs", "5"], "cannot be used with");
    refused(&["--geron", "--dataset", "mnist"], "cannot be used with");
    refused(&["--geron", "--noise-factor", "0.3"], "cannot be used with");
}
