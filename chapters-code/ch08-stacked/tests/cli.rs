//! The binary refuses bad flags with a message, and (given real data) runs
//! end to end on small slices.

use ae_support::data::Dataset;
use ae_support::testing::{assert_error, assert_usage_error, data_dir, scratch_dir, stderr};
use std::process::Output;

fn run(args: &[&str]) -> Output {
    ae_support::testing::run(env!("CARGO_BIN_EXE_ch08-stacked"), args)
}

#[test]
fn zero_epochs_and_unknown_datasets_are_refused() {
    assert_usage_error(&run(&["--epochs", "0"]), "must be at least 1");
    assert_usage_error(&run(&["--dataset", "cifar10"]), "invalid value 'cifar10'");
}

#[test]
fn missing_data_is_an_error_with_a_message_not_a_panic() {
    let output = run(&["--data-dir", "/nonexistent/ch08", "--quiet"]);
    assert_error(&output, "");
}

/// A run on small slices of `dataset`; returns standard output and the
/// results file.
fn small_run(dataset: Dataset, name: &str, train: &str, eval: &str) -> (String, String) {
    let data = data_dir(dataset);
    let figures = scratch_dir(name);
    let output = run(&[
        "--dataset",
        name,
        "--data-dir",
        data.to_str().unwrap(),
        "--train-split",
        train,
        "--eval-split",
        eval,
        "--epochs",
        "1",
        "--seeds",
        "2",
        "--classifier-epochs",
        "2",
        "--map-points",
        "200",
        "--quiet",
        "--figures-dir",
        figures.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "{}\n{stdout}", stderr(&output));
    for file in [
        "codes-tsne.svg",
        "reconstructions.png",
        "reconstruction.txt",
        "pretraining.txt",
    ] {
        let path = figures.join(format!("{name}-{file}"));
        assert!(path.is_file(), "{} was not written", path.display());
    }
    let results = std::fs::read_to_string(figures.join(format!("{name}-results.txt"))).unwrap();
    std::fs::remove_dir_all(&figures).ok();
    (stdout, results)
}

#[test]
#[ignore = "needs FASHION_MNIST_DIR"]
fn a_small_fashion_run_fills_both_tables() {
    let (stdout, results) = small_run(Dataset::Fashion, "fashion", "train[:600]", "train[59500:]");
    for model in ["end to end", "tied weights", "greedy layer-wise"] {
        assert!(results.contains(model), "{results}");
    }
    assert!(
        results.contains("82,414") && results.contains("163,814"),
        "{results}"
    );
    assert!(results.contains("Fashion-MNIST train[:600]"), "{results}");
    assert!(stdout.contains("pretrained encoder"), "{stdout}");
}

#[test]
#[ignore = "needs MNIST_DIR (real MNIST)"]
fn mnist_works_on_slices_of_the_test_split() {
    let (_, results) = small_run(Dataset::Mnist, "mnist", "test[:600]", "test[9500:]");
    assert!(results.contains("MNIST test[:600]"), "{results}");
    assert!(results.contains("± "), "{results}");
}
