//! Where chapter 3 keeps its trained weights, so that chapter 4 can find them.

use crate::model::Architecture;
use std::path::PathBuf;

/// `target/checkpoints/ch03-<simple|deep>.safetensors` under the workspace
/// root, whichever folder the command runs from.
pub fn default_checkpoint(architecture: Architecture) -> PathBuf {
    ae_support::paths::workspace_dir()
        .join("target/checkpoints")
        .join(format!("ch03-{}.safetensors", architecture.name()))
}
