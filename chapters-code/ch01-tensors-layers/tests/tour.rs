//! The chapter 1 binary as a reader runs it: no data, no network, one tour.

use std::process::{Command, Output};

fn ch01(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ch01-tensors-layers"))
        .args(args)
        .output()
        .expect("the chapter binary starts")
}

#[test]
fn the_tour_shows_tensors_layers_and_a_learning_step() {
    let out = ch01(&[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for expected in [
        "stack   Rank3<4, 2, 3> shape [4, 2, 3]",
        "matrix 3: [31.000, 32.000, 33.000]",
        "Total params: 23",
        "0 (Linear<4, 3>)   [5, 4] -> [5, 3]",
        "weight, shape [3, 4]",
        "loss (mean squared error)",
    ] {
        assert!(
            stdout.contains(expected),
            "missing `{expected}` in\n{stdout}"
        );
    }
}

#[test]
fn the_same_seed_gives_the_same_tour() {
    let a = ch01(&["--seed", "7"]);
    let b = ch01(&["--seed", "7"]);
    assert!(a.status.success());
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn a_learning_rate_that_is_not_positive_is_rejected() {
    // `--lr`, the name of earlier editions, still works.
    for flag in ["--learning-rate", "--lr"] {
        let out = ch01(&[flag, "0"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success());
        assert!(stderr.contains("must be a positive number"), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn the_learning_step_is_written_to_the_results_file_the_book_includes() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("ch01-results");
    let _ = std::fs::remove_dir_all(&dir);
    let out = ch01(&[
        "--learning-rate",
        "0.05",
        "--figures-dir",
        dir.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let results = std::fs::read_to_string(dir.join("results.txt")).unwrap();
    assert!(
        results.starts_with("one step of SGD (learning rate 0.05, seed 42)"),
        "{results}"
    );
    assert!(results.contains("loss (mean squared error)"), "{results}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains(&results));
    let first_layer = std::fs::read_to_string(dir.join("first-layer.txt")).unwrap();
    assert!(
        first_layer.starts_with("layer 0: Linear<4, 3>"),
        "{first_layer}"
    );
    assert!(stdout.contains(&first_layer));
}
