//! Where things are: the workspace the chapters live in, the folders their
//! outputs go to, and paths as messages should show them.

use std::path::{Path, PathBuf};

/// The root of this checkout (the workspace), wherever the command runs
/// from: the chapters' default places for figures and checkpoints hang off
/// it.
pub fn workspace_dir() -> PathBuf {
    // This crate lives in `<workspace>/chapters-code/ae-support`.
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("the support crate sits two folders below the workspace root")
        .to_path_buf()
}

/// `target/figures/<chapter>` of this checkout: where a chapter's figures and
/// results go by default, in the folder git and cargo already ignore.
pub fn run_figures_dir(chapter: &str) -> PathBuf {
    workspace_dir().join("target/figures").join(chapter)
}

/// `book/src/figures/<chapter>` of this checkout, wherever the command runs
/// from: where `--book` writes, to regenerate what the book shows.
pub fn book_figures_dir(chapter: &str) -> PathBuf {
    workspace_dir().join("book/src/figures").join(chapter)
}

/// `path` as the reader would type it: relative to the current folder when it
/// lies below it, without `..` detours.
pub fn shown(path: &Path) -> PathBuf {
    let full = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    std::env::current_dir()
        .ok()
        .and_then(|here| full.strip_prefix(here).ok().map(Path::to_path_buf))
        .unwrap_or(full)
}
