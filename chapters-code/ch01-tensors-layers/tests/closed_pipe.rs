//! A reader who pipes the program into `head` closes its output early; the
//! program must then stop quietly, like any command-line tool, not panic.
#![cfg(unix)]

use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};

/// SIGPIPE's number, the same on every Unix.
const SIGPIPE: i32 = 13;

#[test]
fn a_closed_output_ends_the_program_quietly() {
    // The reading end is closed before the program starts, so its very first
    // line meets a closed pipe, as after `| head -0`.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = Command::new(env!("CARGO_BIN_EXE_ch01-tensors-layers"))
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .expect("the chapter binary starts");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        out.status.success() || out.status.signal() == Some(SIGPIPE),
        "{:?}: {stderr}",
        out.status
    );
}
