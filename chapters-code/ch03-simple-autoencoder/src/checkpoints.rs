//! Where chapter 3 keeps its trained weights, so that chapter 4 can find them.

use crate::model::Architecture;
use std::path::{Path, PathBuf};

/// `target/checkpoints/ch03-<simple|deep>.safetensors` under the workspace
/// root, whichever folder the command runs from.
pub fn default_checkpoint(architecture: Architecture) -> PathBuf {
    // This crate lives in `<workspace>/chapters-code/<crate>`.
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("the crate sits two folders below the workspace root");
    workspace
        .join("target/checkpoints")
        .join(format!("ch03-{}.safetensors", architecture.name()))
}
