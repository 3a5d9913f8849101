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
