//! Where chapter 3 keeps its trained weights, so that chapter 4 can find them.

use crate::model::Architecture;
use std::path::{Path, PathBuf};

/// `<dir>/ch03-<run>.safetensors`, where `dir` defaults to
/// `target/checkpoints` under the workspace root, whichever folder the
/// command runs from, and `run` names the model and its optimiser
/// (`simple`, `simple-adadelta`, `deep`, ...).
pub fn weights_file(dir: Option<&Path>, run: &str) -> PathBuf {
    let dir = dir.map_or_else(
        || ae_support::paths::workspace_dir().join("target/checkpoints"),
        Path::to_path_buf,
    );
    dir.join(format!("ch03-{run}.safetensors"))
}

/// Where chapter 3 saves `architecture` trained with Adam, by default.
pub fn default_checkpoint(architecture: Architecture) -> PathBuf {
    weights_file(None, architecture.name())
}
