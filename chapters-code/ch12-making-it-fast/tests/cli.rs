//! The bench command on a tiny workload: one table row per model and build.

use ae_support::testing::run;
use ch12_making_it_fast::models::Model;
use std::process::Output;

fn bench(args: &[&str]) -> Output {
    run(env!("CARGO_BIN_EXE_ch12-making-it-fast"), args)
}

#[test]
fn epoch_prints_one_row_per_model_and_build() {
    let out = bench(&[
        "epoch",
        "--samples",
        "512",
        "--epochs",
        "1",
        "--models",
        "simple,linear",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).expect("utf-8");
    assert!(stdout.contains("matmul peak"), "{stdout}");
    let rows: Vec<&str> = stdout.lines().filter(|l| l.starts_with("| 784")).collect();
    assert_eq!(rows.len(), 4, "{stdout}");
    assert!(
        rows[0].contains("plain dfdx") && rows[1].contains("fast"),
        "{stdout}"
    );
    assert!(rows[2].starts_with("| 784-32-784 linear"), "{stdout}");
}

#[test]
fn zero_epochs_is_refused_with_a_message() {
    let out = bench(&["epoch", "--epochs", "0"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--epochs"));
}

/// Whether the main thread works in rayon's pool changes where the work
/// runs, not what it computes: the losses agree to the last printed digit.
#[test]
fn the_main_thread_setting_changes_no_loss() {
    let table = |extra: &[&str]| {
        let mut args = vec![
            "epoch",
            "--samples",
            "512",
            "--epochs",
            "1",
            "--builds",
            "fast",
        ];
        args.extend_from_slice(extra);
        let out = bench(&args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8")
    };
    let losses = |stdout: &str| -> Vec<String> {
        let rows = stdout.lines().filter(|l| l.starts_with("| 784"));
        rows.map(|row| {
            row.split('|')
                .nth(8)
                .expect("loss column")
                .trim()
                .to_owned()
        })
        .collect()
    };
    let (working, waiting) = (table(&[]), table(&["--main-thread-waits"]));
    assert!(working.contains("(main thread working)"), "{working}");
    assert!(waiting.contains("(main thread waiting)"), "{waiting}");
    assert_eq!(losses(&working).len(), Model::ALL.len(), "{working}");
    assert_eq!(losses(&working), losses(&waiting));
}

/// A stand-in for Python with Keras: it prints the Keras script's table for
/// the simple and linear models, whatever it is asked.
const FAKE_PYTHON: &str = "#!/bin/sh
[ \"$1\" = \"-c\" ] && exit 0
echo 'Test CPU; Keras 3.0.0 on jax; 256 random MNIST-like images'
echo '| model | s/epoch | loss, last epoch |'
echo '|---|---|---|'
echo '| 784-32-784 | 0.500 | 0.3000 |'
echo '| 784-32-784 linear | 0.400 | 0.0500 |'
";

#[test]
fn compare_writes_a_table_per_batch_size_with_keras_beside_the_builds() {
    use std::os::unix::fs::PermissionsExt;
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("compare");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let python = dir.join("python");
    std::fs::write(&python, FAKE_PYTHON).unwrap();
    std::fs::set_permissions(&python, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = bench(&[
        "compare",
        "--rounds",
        "1",
        "--samples",
        "256",
        "--models",
        "simple,linear",
        "--batch-sizes",
        "64,32",
        "--plain-batch-sizes",
        "64",
        "--python",
        python.to_str().unwrap(),
        "--figures-dir",
        dir.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let file = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("compare-")
        })
        .expect("a results file");
    let text = std::fs::read_to_string(file).unwrap();
    assert_eq!(text.matches("\n| 784-32-784 |").count(), 2, "{text}");
    assert_eq!(text.matches("| 0.500 |").count(), 2, "{text}");
    assert!(text.contains("Keras 3.0.0 on jax"), "{text}");
    // The plain build is timed at batch 64 only.
    let batch_32 = &text[text.find("Batch 32").unwrap()..];
    assert!(batch_32.contains("| 784-32-784 | – |"), "{text}");
}

#[test]
fn compare_without_keras_stops_at_once_and_says_what_to_install() {
    let out = bench(&["compare", "--python", "false", "--samples", "256"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("pip install"), "{stderr}");
    assert!(
        !stderr.contains("round 1"),
        "no timing before the check: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}
