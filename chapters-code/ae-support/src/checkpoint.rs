//! Saving and loading model weights as `.safetensors` files.
//!
//! Two things are added on top of dfdx's own `save_safetensors` /
//! `load_safetensors`:
//!
//! * **Atomic saves** (through [`crate::atomic`]). Weights are written to a
//!   temporary file in the target's directory, flushed to disk, then renamed
//!   over the target. A crash or a
//!   full disk mid-save leaves the previous checkpoint intact instead of a
//!   truncated file that fails to load after hours of training.
//! * **Checked loads.** The whole file is compared with the model (names,
//!   shapes, dtypes) *before* any weight is copied. dfdx checks shapes tensor by
//!   tensor while copying, so a file that matches the first layers but not a
//!   later one would leave the model half overwritten; here a mismatch leaves
//!   it untouched and the error lists every offending tensor by name.

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use dfdx::nn::{
    LoadFromSafetensors, RecursiveWalker, SaveToSafetensors, ScalarOptions, TensorCollection,
    TensorOptions, TensorVisitor, ViewTensorName, ViewTensorRef,
};
use dfdx::shapes::{HasShape, Shape};
use dfdx::tensor::{Cpu, Tensor};
use num_traits::NumCast;
use safetensors::{Dtype, SafeTensorError, SafeTensors};

/// Why a checkpoint could not be saved or loaded. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum CheckpointError {
    /// There is no file at the path given to [`load`].
    #[error("checkpoint {path} does not exist")]
    NotFound {
        /// The checkpoint that was asked for.
        path: PathBuf,
    },
    /// The path has no file name, e.g. `/` or `..`.
    #[error("checkpoint path {path} does not name a file")]
    InvalidPath {
        /// The offending path.
        path: PathBuf,
    },
    /// Reading, writing, syncing or renaming failed.
    #[error("cannot {action} checkpoint {path}: {source}")]
    Io {
        /// The checkpoint involved.
        path: PathBuf,
        /// What was being attempted, e.g. `"read"`.
        action: &'static str,
        /// The underlying I/O failure.
        source: io::Error,
    },
    /// The file exists but is not a readable safetensors file, or the weights
    /// could not be encoded when saving.
    #[error("checkpoint {path} is not valid safetensors: {source}")]
    Format {
        /// The checkpoint involved.
        path: PathBuf,
        /// The error reported by the safetensors crate.
        source: SafeTensorError,
    },
    /// The file is valid but holds weights for a different model.
    #[error("checkpoint {path} does not fit the model: {}", join(problems))]
    Mismatch {
        /// The checkpoint involved.
        path: PathBuf,
        /// Every difference found, in model order, then unexpected extras.
        problems: Vec<TensorMismatch>,
    },
    /// dfdx rejected the weights after they were validated. Not expected to
    /// happen; kept so that a surprise is an error rather than a panic.
    #[error("dfdx could not load checkpoint {path}: {message}")]
    Load {
        /// The checkpoint involved.
        path: PathBuf,
        /// dfdx's error, which has no `Display`, in debug form.
        message: String,
    },
}

/// One difference between a checkpoint file and the model it is loaded into.
/// Names are dfdx's dotted field paths, e.g. `"0.weight"` for the weight of the
/// first layer of a tuple model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TensorMismatch {
    /// The model has this tensor, the file does not.
    Missing {
        /// Tensor name.
        name: String,
        /// Shape the model expects.
        expected: Vec<usize>,
    },
    /// Both have it, with different shapes.
    Shape {
        /// Tensor name.
        name: String,
        /// Shape in the file.
        found: Vec<usize>,
        /// Shape the model expects.
        expected: Vec<usize>,
    },
    /// Both have it, but the file stores another element type (e.g. `F64`).
    Dtype {
        /// Tensor name.
        name: String,
        /// Element type in the file.
        found: String,
        /// Element type the model expects.
        expected: String,
    },
    /// The file has a tensor the model does not know.
    Unexpected {
        /// Tensor name.
        name: String,
        /// Shape in the file.
        shape: Vec<usize>,
    },
}

impl fmt::Display for TensorMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing { name, expected } => {
                write!(f, "`{name}` {expected:?} is missing from the file")
            }
            Self::Shape {
                name,
                found,
                expected,
            } => write!(
                f,
                "`{name}` has shape {found:?} in the file, model expects {expected:?}"
            ),
            Self::Dtype {
                name,
                found,
                expected,
            } => write!(
                f,
                "`{name}` is {found} in the file, model expects {expected}"
            ),
            Self::Unexpected { name, shape } => {
                write!(f, "`{name}` {shape:?} is in the file but not in the model")
            }
        }
    }
}

fn join(problems: &[TensorMismatch]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Saves `model`'s weights to `path` atomically, creating parent directories.
///
/// On success `path` holds the complete new checkpoint; on failure it holds
/// whatever it held before and no temporary file is left behind.
pub fn save<M: SaveToSafetensors<f32, Cpu>>(model: &M, path: &Path) -> Result<(), CheckpointError> {
    if path.file_name().is_none() {
        return Err(CheckpointError::InvalidPath {
            path: path.to_path_buf(),
        });
    }
    crate::atomic::write_atomically(
        path,
        |tmp| {
            model
                .save_safetensors(tmp)
                .map_err(|source| CheckpointError::Format {
                    path: path.to_path_buf(),
                    source,
                })
        },
        |step, source| CheckpointError::Io {
            path: path.to_path_buf(),
            action: step.verb(),
            source,
        },
    )
}

/// Loads weights from `path` into `model`.
///
/// The file must hold exactly the model's tensors, with the same names,
/// shapes and `f32` element type; otherwise [`CheckpointError::Mismatch`] lists
/// the differences and `model` is left unchanged.
pub fn load<M: LoadFromSafetensors<f32, Cpu>>(
    model: &mut M,
    path: &Path,
) -> Result<(), CheckpointError> {
    // Read into memory rather than memory-map like dfdx does: checkpoints here
    // are small, and a mapping would misbehave if the file were replaced
    // while being read.
    let bytes = fs::read(path).map_err(|source| match source.kind() {
        io::ErrorKind::NotFound => CheckpointError::NotFound {
            path: path.to_path_buf(),
        },
        _ => CheckpointError::Io {
            path: path.to_path_buf(),
            action: "read",
            source,
        },
    })?;
    let mut file = SafeTensors::deserialize(&bytes).map_err(|source| CheckpointError::Format {
        path: path.to_path_buf(),
        source,
    })?;

    let problems = compare(&*model, &file);
    if !problems.is_empty() {
        return Err(CheckpointError::Mismatch {
            path: path.to_path_buf(),
            problems,
        });
    }
    M::iter_tensors(&mut RecursiveWalker {
        m: (model, String::new()),
        f: &mut file,
    })
    .map_err(|e| CheckpointError::Load {
        path: path.to_path_buf(),
        message: format!("{e:?}"),
    })?;
    Ok(())
}

/// Lists every difference between the tensors `model` has and those in `file`.
fn compare<M: TensorCollection<f32, Cpu>>(
    model: &M,
    file: &SafeTensors<'_>,
) -> Vec<TensorMismatch> {
    let mut lister = Lister::default();
    let Ok(_) = M::iter_tensors(&mut RecursiveWalker {
        m: (model, String::new()),
        f: &mut lister,
    });

    let mut problems = Vec::new();
    for (name, expected) in &lister.tensors {
        match file.tensor(name) {
            Err(_) => problems.push(TensorMismatch::Missing {
                name: name.clone(),
                expected: expected.clone(),
            }),
            Ok(view) if view.dtype() != Dtype::F32 => problems.push(TensorMismatch::Dtype {
                name: name.clone(),
                found: format!("{:?}", view.dtype()),
                expected: "F32".into(),
            }),
            Ok(view) if view.shape() != expected.as_slice() => {
                problems.push(TensorMismatch::Shape {
                    name: name.clone(),
                    found: view.shape().to_vec(),
                    expected: expected.clone(),
                })
            }
            Ok(_) => {}
        }
    }
    // Scalars (e.g. a dropout rate) may be absent: dfdx then keeps the
    // model's default. If present they must be the single f64 dfdx writes,
    // because dfdx copies exactly eight bytes and panics on anything else.
    for name in &lister.scalars {
        if let Ok(view) = file.tensor(name) {
            if view.dtype() != Dtype::F64 {
                problems.push(TensorMismatch::Dtype {
                    name: name.clone(),
                    found: format!("{:?}", view.dtype()),
                    expected: "F64".into(),
                });
            } else if !view.shape().is_empty() {
                problems.push(TensorMismatch::Shape {
                    name: name.clone(),
                    found: view.shape().to_vec(),
                    expected: Vec::new(),
                });
            }
        }
    }
    let mut extras: Vec<TensorMismatch> = file
        .tensors()
        .into_iter()
        .filter(|(name, _)| {
            !lister.tensors.iter().any(|(n, _)| n == name) && !lister.scalars.contains(name)
        })
        .map(|(name, view)| TensorMismatch::Unexpected {
            name,
            shape: view.shape().to_vec(),
        })
        .collect();
    // `tensors()` comes from a hash map; sort for stable messages.
    extras.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    problems.extend(extras);
    problems
}

/// Visitor that records the name and shape of every tensor and the name of
/// every scalar in a model, without touching it.
#[derive(Default)]
struct Lister {
    tensors: Vec<(String, Vec<usize>)>,
    scalars: Vec<String>,
}

impl TensorVisitor<f32, Cpu> for Lister {
    type Viewer = (ViewTensorRef, ViewTensorName);
    type Err = std::convert::Infallible;
    type E2 = f32;
    type D2 = Cpu;

    fn visit<S: Shape>(
        &mut self,
        _: TensorOptions<S, f32, Cpu>,
        (t, name): (&Tensor<S, f32, Cpu>, String),
    ) -> Result<Option<Tensor<S, f32, Cpu>>, Self::Err> {
        self.tensors
            .push((name, t.shape().concrete().into_iter().collect()));
        Ok(None)
    }

    fn visit_scalar<N: NumCast>(
        &mut self,
        _: ScalarOptions<N>,
        (_, name): (&N, String),
    ) -> Result<Option<N>, Self::Err> {
        self.scalars.push(name);
        Ok(None)
    }
}
