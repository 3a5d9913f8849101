//! What a run interrupted with Ctrl-C leaves behind, said in words.
//!
//! Every figure, results file and checkpoint is written to a temporary file
//! beside its target and renamed into place (see [`crate::atomic`]), so an
//! interruption never leaves half a file under a real name. It can leave the
//! temporary file itself; the handler installed here removes this process's
//! temporary files from the output folders and lists the files that the run
//! finished before it was stopped.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

/// Folders the run writes into, and when it started writing.
static OUTPUTS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Registers `dir` as an output folder of this run and, the first time, makes
/// Ctrl-C clean up and report (exit status 130, as a shell reports SIGINT).
pub fn report_outputs_on_ctrl_c(dir: &Path) {
    let started = SystemTime::now();
    let mut outputs = OUTPUTS.lock().unwrap_or_else(|e| e.into_inner());
    let first = outputs.is_empty();
    outputs.push(dir.to_path_buf());
    drop(outputs);
    if first {
        // Fails only if another handler is already installed; then that one
        // decides what Ctrl-C does.
        let _ = ctrlc::set_handler(move || {
            let dirs = OUTPUTS.lock().map(|d| d.clone()).unwrap_or_default();
            eprintln!("\n{}", interrupted(&dirs, std::process::id(), started));
            std::process::exit(130);
        });
    }
}

/// Removes the temporary files that process `pid` left in `dirs` and says
/// which files were completed since `started`.
pub fn interrupted(dirs: &[PathBuf], pid: u32, started: SystemTime) -> String {
    let prefix = format!(".{pid}-");
    let mut kept = Vec::new();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with(&prefix) {
                let _ = std::fs::remove_file(entry.path());
                continue;
            }
            let modified = entry.metadata().and_then(|m| m.modified());
            if modified.is_ok_and(|time| time >= started) {
                kept.push(crate::paths::shown(&entry.path()).display().to_string());
            }
        }
    }
    kept.sort();
    if kept.is_empty() {
        "interrupted: no output of this run was complete yet, and nothing half-written was left"
            .to_string()
    } else {
        format!(
            "interrupted: nothing half-written was left; these files were complete and are kept:\n  {}",
            kept.join("\n  ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_files_go_and_finished_ones_are_listed() {
        let dir = std::env::temp_dir().join(format!("ae-interrupt-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let old = dir.join("old.txt");
        std::fs::write(&old, "from an earlier run").unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        let started = SystemTime::now();
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(dir.join("results.txt"), "whole").unwrap();
        let half = dir.join(".4242-0-loss.svg");
        std::fs::write(&half, "half a fig").unwrap();
        let other = dir.join(".99-0-loss.svg");
        std::fs::write(&other, "another process's").unwrap();

        let message = interrupted(std::slice::from_ref(&dir), 4242, started);
        assert!(message.contains("results.txt"), "{message}");
        assert!(!message.contains("old.txt"), "{message}");
        assert!(!half.exists(), "this process's temporary file is removed");
        assert!(other.exists(), "another process's is not touched");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
