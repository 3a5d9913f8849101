//! The chapter 2 binary as a reader runs it: no data set, no network.

use ae_support::testing::{run, scratch_dir};
use std::process::Output;

fn ch02(args: &[&str]) -> Output {
    run(env!("CARGO_BIN_EXE_ch02-backend-functions"), args)
}

#[test]
fn a_default_run_reports_accuracies_and_writes_the_figure() {
    let dir = scratch_dir("ch02-run");
    let out = ch02(&["--quiet", "--figures-dir", dir.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for epoch in ["epoch   0:", "epoch   1:", "epoch   5:", "epoch  20:"] {
        assert!(stdout.contains(epoch), "missing `{epoch}` in\n{stdout}");
    }
    let svg = std::fs::read_to_string(dir.join("hidden-layer.svg")).unwrap();
    assert!(
        svg.contains("epoch 20: test accuracy"),
        "panel titles missing"
    );
    assert!(
        svg.contains("forged") && svg.contains("genuine"),
        "legend missing"
    );
    // One axis range for every panel, so that a cloud that grows is drawn
    // larger: each panel's tick labels are the same.
    let ticks: Vec<Vec<&str>> = svg
        .split("test accuracy")
        .skip(1)
        .map(|panel| {
            panel
                .split('>')
                .filter_map(|t| t.split('<').next())
                .map(str::trim)
                .filter(|t| !t.is_empty() && t.parse::<f32>().is_ok())
                .collect()
        })
        .collect();
    assert_eq!(ticks.len(), 4);
    assert!(!ticks[0].is_empty());
    assert!(ticks.iter().all(|t| t == &ticks[0]), "{ticks:?}");
    // The book includes the results file: the same lines as the output, and
    // nothing that depends on the machine, such as the training time.
    let results = std::fs::read_to_string(dir.join("results.txt")).unwrap();
    assert!(results.contains("epoch  20: test accuracy"), "{results}");
    assert!(results.contains("final test loss"), "{results}");
    assert!(stdout.contains(&results));
    assert!(!results.contains("trained in"), "{results}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_learning_rate_is_named_as_in_every_chapter_and_lr_still_works() {
    for flag in ["--learning-rate", "--lr"] {
        let out = ch02(&[flag, "0"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success());
        assert!(stderr.contains("must be a positive number"), "{stderr}");
    }
}

#[test]
fn watching_an_epoch_past_the_end_is_a_clear_error() {
    let dir = scratch_dir("ch02-late");
    let out = ch02(&[
        "--epochs",
        "3",
        "--watch",
        "0,5",
        "--quiet",
        "--figures-dir",
        dir.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("--watch asks for epoch 5"), "{stderr}");
    assert!(!dir.exists(), "nothing is written before the error");
}

#[test]
fn a_short_run_draws_the_default_epochs_that_exist_and_the_last() {
    let dir = scratch_dir("ch02-short");
    let out = ch02(&[
        "--epochs",
        "3",
        "--quiet",
        "--figures-dir",
        dir.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    let shown: Vec<&str> = stdout
        .lines()
        .filter(|l| l.contains("test accuracy"))
        .collect();
    assert_eq!(shown.len(), 3, "{stdout}");
    assert!(shown[2].contains("epoch   3:"), "{stdout}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn zero_epochs_are_rejected() {
    let out = ch02(&["--epochs", "0"]);
    assert!(!out.status.success());
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}
