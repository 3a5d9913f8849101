//! The binary refuses bad flags with a message, and (given real data) runs
//! end to end on small slices, writing scores from which its AUCs can be
//! recomputed.

use ae_support::data::Dataset;
use ae_support::testing::{assert_error, assert_usage_error, data_dir, scratch_dir, stderr};
use ch11_anomaly_detection::experiment::read_csv;
use ch11_anomaly_detection::metrics::auc;
use std::process::Output;

fn run(args: &[&str]) -> Output {
    ae_support::testing::run(env!("CARGO_BIN_EXE_ch11-anomaly-detection"), args)
}

#[test]
fn bad_flags_are_refused() {
    assert_usage_error(&run(&["--held-out", "10"]), "--held-out");
    assert_usage_error(&run(&["--percentile", "101"]), "between 0 and 100");
    assert_usage_error(&run(&["--k", "-1"]), "must be a positive number");
    assert_usage_error(&run(&["--anomalies", "0"]), "--anomalies");
    assert_usage_error(&run(&["--epochs", "0"]), "must be at least 1");
}

#[test]
fn missing_data_is_an_error_with_a_message_not_a_panic() {
    let output = run(&[
        "--data-dir",
        "/nonexistent/ch11",
        "--train-split",
        "test[:100]",
        "--quiet",
    ]);
    assert_error(&output, "/nonexistent/ch11");
}

#[test]
#[ignore = "needs MNIST_DIR and FASHION_MNIST_DIR"]
fn a_small_run_writes_scores_that_give_back_its_areas() {
    let mnist = data_dir(Dataset::Mnist);
    let fashion = data_dir(Dataset::Fashion);
    let figures = scratch_dir("ch11-small-run");
    let output = run(&[
        "--data-dir",
        mnist.to_str().unwrap(),
        "--other-data-dir",
        fashion.to_str().unwrap(),
        "--train-split",
        "test[:800]",
        "--eval-split",
        "test[9600:]",
        "--anomalies",
        "100",
        "--epochs",
        "2",
        "--quiet",
        "--figures-dir",
        figures.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    for file in [
        "results.txt",
        "scores.csv",
        "roc-autoencoder.svg",
        "roc-models.svg",
        "scores-other.svg",
        "scores-held-out.svg",
        "extremes.png",
    ] {
        assert!(figures.join(file).is_file(), "{file} was not written");
    }
    let results = std::fs::read_to_string(figures.join("results.txt")).unwrap();
    assert!(results.contains("MNIST test[:800][:600]"), "{results}");

    // The autoencoder's AUC on Fashion-MNIST, as the results file reports it ...
    let mut lines = results.lines().skip_while(|l| !l.starts_with("area under"));
    let header: Vec<&str> = lines.nth(1).unwrap().split_whitespace().collect();
    let column = header.iter().position(|&h| h == "fashion-mnist").unwrap();
    let row = lines
        .find(|l| l.trim_start().starts_with("autoencoder "))
        .unwrap();
    let reported: f64 = row.split_whitespace().nth(column).unwrap().parse().unwrap();

    // ... and recomputed from the scores file.
    let rows = read_csv(&figures.join("scores.csv")).unwrap();
    let scores = |kind: &str| -> Vec<f32> {
        rows.iter()
            .filter(|r| r.model == "autoencoder" && r.kind == kind)
            .map(|r| r.score)
            .collect()
    };
    let (normal, fashion) = (scores("normal"), scores("fashion-mnist"));
    assert_eq!((normal.len(), fashion.len()), (400, 100));
    let recomputed = auc(&normal, &fashion);
    assert!(
        (recomputed - reported).abs() < 1e-3,
        "{recomputed} from the CSV, {reported} reported"
    );
    std::fs::remove_dir_all(&figures).ok();
}
