//! Helpers for the chapters' command-line tests, which run each chapter's
//! binary the way a reader does.

use crate::data::Dataset;
use std::ffi::OsString;
use std::path::PathBuf;
use std::process::{Command, Output};

/// Runs the binary at `path` (a test's `env!("CARGO_BIN_EXE_<name>")`)
/// with `args`. Downloads are forbidden, so no test can reach the network:
/// without data on disk, a run fails with the offline message instead.
pub fn run(path: &str, args: &[&str]) -> Output {
    Command::new(path)
        .args(args)
        .env(Dataset::Mnist.mirror_env_var(), "")
        .env(Dataset::Fashion.mirror_env_var(), "")
        .output()
        .expect("the binary starts")
}

/// What the run wrote to standard error.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Asserts that `output` is a command-line usage error (exit status 2)
/// whose message contains `expected`.
#[track_caller]
pub fn assert_usage_error(output: &Output, expected: &str) {
    let message = stderr(output);
    assert_eq!(output.status.code(), Some(2), "{message}");
    assert!(
        message.contains(expected),
        "expected `{expected}` in:\n{message}"
    );
}

/// A folder for one test's output, unique to this test process and
/// emptied first; `name` tells the tests of one binary apart.
pub fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ae-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Asserts that `output` is a clear run-time error: exit status 1, a message
/// that starts with `error:` and contains `expected`, and no panic.
#[track_caller]
pub fn assert_error(output: &Output, expected: &str) {
    let message = stderr(output);
    assert_eq!(output.status.code(), Some(1), "{message}");
    assert!(message.starts_with("error:"), "{message}");
    assert!(
        message.contains(expected),
        "expected `{expected}` in:\n{message}"
    );
    assert!(!message.contains("panicked"), "{message}");
}

/// The folder named by `dataset`'s variable (`MNIST_DIR` or
/// `FASHION_MNIST_DIR`), for tests marked
/// `#[ignore = "needs MNIST_DIR (real MNIST)"]`. Such a test runs only when
/// asked for (`--include-ignored`, as CI does with the data present), so
/// missing data fails it instead of letting it pass without checking anything.
#[track_caller]
pub fn data_dir(dataset: Dataset) -> PathBuf {
    let var = dataset.dir_env_var();
    required_dir(var, std::env::var_os(var))
}

#[track_caller]
fn required_dir(var: &str, value: Option<OsString>) -> PathBuf {
    let dir = PathBuf::from(value.unwrap_or_default());
    assert!(
        dir.is_dir(),
        "this test needs {var} naming the folder with the real data; it is {:?}",
        dir.display().to_string()
    );
    dir
}

#[cfg(test)]
mod tests {
    use super::required_dir;

    #[test]
    #[should_panic(expected = "this test needs MNIST_DIR")]
    fn a_data_test_without_its_variable_fails() {
        required_dir("MNIST_DIR", None);
    }

    #[test]
    #[should_panic(expected = "this test needs FASHION_MNIST_DIR")]
    fn a_data_test_with_a_missing_folder_fails() {
        required_dir("FASHION_MNIST_DIR", Some("/nonexistent".into()));
    }

    #[test]
    fn an_existing_folder_is_returned() {
        let dir = std::env::temp_dir();
        assert_eq!(required_dir("MNIST_DIR", Some(dir.clone().into())), dir);
    }
}
