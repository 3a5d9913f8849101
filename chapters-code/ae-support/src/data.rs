//! Loading MNIST or Fashion-MNIST: the one call every chapter makes.
//!
//! ```no_run
//! use ae_support::data::{load, Dataset};
//!
//! let split = "test[:8000]".parse()?;
//! let images = load(Dataset::Mnist, &split, None)?;
//! assert_eq!(images.image(0).len(), ae_support::data::IMAGE_PIXELS);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Where the files come from, first match wins, file by file:
//!
//! 1. the `--data-dir` folder, if given (it must exist);
//! 2. otherwise the folder in `MNIST_DIR` / `FASHION_MNIST_DIR`, if set (it
//!    must exist); `--data-dir` takes precedence over the variable;
//! 3. `./data/mnist/` or `./data/fashion-mnist/`;
//! 4. for Fashion-MNIST, `/usr/share/datasets/fashion-mnist/` (Debian's
//!    `dataset-fashion-mnist` package);
//! 5. otherwise the file is downloaded, checksum-verified, into the cache
//!    folder `./data/<name>/`, where step 3 finds it next time.
//!
//! Each file may be stored as `name.gz` or unpacked as `name`. Only the two
//! files a split needs are opened, so a test split works with no training
//! files anywhere. Each file opened is read to its end and checked against
//! its header (and its gzip trailer), even when the split takes only its
//! first images: a damaged download is rejected at once, naming the file. When a file can be neither found nor downloaded, the error
//! lists every place looked and how to fix it, in one message.

use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::download::{self, DownloadError, RemoteFile};
use crate::idx::{self, IdxError};
use crate::split::{Part, Split, SplitError};

/// Width and height of every image.
pub const IMAGE_SIDE: usize = 28;
/// Pixels per image: the length of one flattened input vector.
pub const IMAGE_PIXELS: usize = IMAGE_SIDE * IMAGE_SIDE;

/// Which dataset to load. Both share one file layout, so one loader serves both.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Dataset {
    /// Handwritten digits 0-9.
    Mnist,
    /// Zalando's clothing images, a harder drop-in replacement for MNIST.
    Fashion,
}

impl Dataset {
    /// Name for captions and messages: `"MNIST"` or `"Fashion-MNIST"`.
    pub fn display_name(self) -> &'static str {
        match self {
            Dataset::Mnist => "MNIST",
            Dataset::Fashion => "Fashion-MNIST",
        }
    }

    /// What each label 0..=9 means.
    pub fn class_names(self) -> [&'static str; 10] {
        match self {
            Dataset::Mnist => ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
            Dataset::Fashion => [
                "T-shirt/top",
                "Trouser",
                "Pullover",
                "Dress",
                "Coat",
                "Sandal",
                "Shirt",
                "Sneaker",
                "Bag",
                "Ankle boot",
            ],
        }
    }

    /// Folder name under `./data/`: `"mnist"` or `"fashion-mnist"`.
    pub fn folder_name(self) -> &'static str {
        match self {
            Dataset::Mnist => "mnist",
            Dataset::Fashion => "fashion-mnist",
        }
    }

    /// Environment variable naming a folder that holds the files.
    pub fn dir_env_var(self) -> &'static str {
        match self {
            Dataset::Mnist => "MNIST_DIR",
            Dataset::Fashion => "FASHION_MNIST_DIR",
        }
    }

    /// Environment variable overriding the download mirror; set it to an
    /// empty value to forbid downloads.
    pub fn mirror_env_var(self) -> &'static str {
        match self {
            Dataset::Mnist => "MNIST_MIRROR",
            Dataset::Fashion => "FASHION_MNIST_MIRROR",
        }
    }

    /// Where files are downloaded from by default. For MNIST this is the
    /// mirror TensorFlow Datasets uses; the original site no longer serves them.
    pub fn default_mirror(self) -> &'static str {
        match self {
            Dataset::Mnist => "https://storage.googleapis.com/cvdf-datasets/mnist/",
            Dataset::Fashion => "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
        }
    }

    /// The four gzip files as served by the mirror, with pinned hashes.
    pub fn remote_files(self) -> &'static [RemoteFile; 4] {
        match self {
            Dataset::Mnist => &MNIST_FILES,
            Dataset::Fashion => &FASHION_FILES,
        }
    }

    /// Folders searched after the environment variable's, before downloading.
    fn default_dirs(self) -> Vec<SearchDir> {
        let mut dirs = vec![SearchDir {
            path: self.cache_dir(),
            origin: "default",
        }];
        if self == Dataset::Fashion {
            dirs.push(SearchDir {
                path: PathBuf::from("/usr/share/datasets/fashion-mnist"),
                origin: "Debian package dataset-fashion-mnist",
            });
        }
        dirs
    }

    /// Where downloads go: `./data/<folder_name>`.
    fn cache_dir(self) -> PathBuf {
        Path::new("data").join(self.folder_name())
    }
}

impl fmt::Display for Dataset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.display_name())
    }
}

// ANCHOR: mnist_files
const MNIST_FILES: [RemoteFile; 4] = [
    RemoteFile {
        name: "train-images-idx3-ubyte.gz",
        sha256: "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
        size: 9_912_422,
    },
    RemoteFile {
        name: "train-labels-idx1-ubyte.gz",
        sha256: "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
        size: 28_881,
    },
    RemoteFile {
        name: "t10k-images-idx3-ubyte.gz",
        sha256: "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
        size: 1_648_877,
    },
    RemoteFile {
        name: "t10k-labels-idx1-ubyte.gz",
        sha256: "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
        size: 4_542,
    },
];
// ANCHOR_END: mnist_files

const FASHION_FILES: [RemoteFile; 4] = [
    RemoteFile {
        name: "train-images-idx3-ubyte.gz",
        sha256: "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7",
        size: 26_421_856,
    },
    RemoteFile {
        name: "train-labels-idx1-ubyte.gz",
        sha256: "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056",
        size: 29_491,
    },
    RemoteFile {
        name: "t10k-images-idx3-ubyte.gz",
        sha256: "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa",
        size: 4_422_079,
    },
    RemoteFile {
        name: "t10k-labels-idx1-ubyte.gz",
        sha256: "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05",
        size: 5_125,
    },
];

/// The IDX file names (without `.gz`) holding one part's images and labels.
pub fn file_names(part: Part) -> (&'static str, &'static str) {
    match part {
        Part::Train => ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
        Part::Test => ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
    }
}

/// Images and their labels, ready for a model.
#[derive(Clone, Debug, PartialEq)]
pub struct Images {
    /// `len() * IMAGE_PIXELS` values, row by row, scaled from 0..=255 to 0.0..=1.0
    /// so they can be compared with a sigmoid output directly.
    pub pixels: Vec<f32>,
    /// One class index 0..=9 per image.
    pub labels: Vec<u8>,
    /// What was loaded, for captions and logs, e.g. `"MNIST test[:8000]"`.
    pub description: String,
}

impl Images {
    /// Number of images.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// True when there are no images.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The `i`-th image as `IMAGE_PIXELS` values. Panics if `i >= len()`.
    pub fn image(&self, i: usize) -> &[f32] {
        &self.pixels[i * IMAGE_PIXELS..(i + 1) * IMAGE_PIXELS]
    }

    /// The index of the first image of each class 0-9 (fewer if a class is
    /// missing), so that a figure shows every class once.
    pub fn first_of_each_class(&self) -> Vec<usize> {
        (0..10u8)
            .filter_map(|class| self.labels.iter().position(|&l| l == class))
            .collect()
    }

    /// The pixels of the images at `indices`, back to back.
    pub fn pixels_of(&self, indices: &[usize]) -> Vec<f32> {
        indices
            .iter()
            .flat_map(|&i| self.image(i))
            .copied()
            .collect()
    }
}

/// Loads `split` of `dataset`, searching `data_dir` first (the `--data-dir`
/// flag), then the environment, the default folders, and finally downloading.
/// See the [module documentation](self) for the full order.
pub fn load(dataset: Dataset, split: &Split, data_dir: Option<&Path>) -> Result<Images, DataError> {
    DataSource::from_env(dataset, data_dir)?.load(split)
}

/// The training and evaluation sets a chapter trains and evaluates on.
///
/// Without explicit splits (`--train-split`/`--eval-split`) this is `train`
/// and `test`. When the
/// training files cannot be found or downloaded (the 60,000 MNIST training
/// images are large and often missing offline), it says so loudly and trains on
/// `test[:8000]`, evaluating on `test[8000:]`; the sets' descriptions carry the
/// slices into every number and figure. An explicit split never falls back.
pub fn load_splits(
    dataset: Dataset,
    dir: Option<&Path>,
    train_split: Option<Split>,
    eval_split: Option<Split>,
) -> Result<(Images, Images), DataError> {
    let (train, eval) = match (train_split, eval_split) {
        (None, None) => {
            let train_split = Split::full(Part::Train);
            match load(dataset, &train_split, dir) {
                Ok(train) => (train, load(dataset, &Split::full(Part::Test), dir)?),
                Err(DataError::NotFound(missing)) if missing.part == Part::Train => {
                    let (train, eval): (Split, Split) =
                        (FALLBACK_TRAIN.parse()?, FALLBACK_EVAL.parse()?);
                    eprintln!(
                        "note: the {} training files are not available ({missing_file}.gz not found, \
                         download failed or off).\n      Training on {train} and evaluating on {eval} \
                         instead; every number and figure of this run says so.",
                        dataset.display_name(),
                        missing_file = missing.file,
                    );
                    (load(dataset, &train, dir)?, load(dataset, &eval, dir)?)
                }
                Err(other) => return Err(other),
            }
        }
        (train, eval) => {
            let train = train.unwrap_or_else(|| Split::full(Part::Train));
            let eval = eval.unwrap_or_else(|| Split::full(Part::Test));
            (load(dataset, &train, dir)?, load(dataset, &eval, dir)?)
        }
    };
    Ok((train, eval))
}

/// The slices of the test split used when no training files are available.
const FALLBACK_TRAIN: &str = "test[:8000]";
const FALLBACK_EVAL: &str = "test[8000:]";

/// A folder that may hold the dataset's files, and why it is searched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchDir {
    /// The folder.
    pub path: PathBuf,
    /// Where it came from, shown in messages: `"--data-dir"`, `"MNIST_DIR"`, `"default"`, ...
    pub origin: &'static str,
}

/// Everything [`load`] decides before touching a data file: where to look,
/// where to download to, and from which mirror. Building one by hand lets a
/// program or test control all of it without environment variables.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataSource {
    /// Which dataset.
    pub dataset: Dataset,
    /// Folders searched in order for each file.
    pub search: Vec<SearchDir>,
    /// Folder that downloaded files are written to.
    pub cache_dir: PathBuf,
    /// Base URL to download from; `None` forbids downloading.
    pub mirror: Option<String>,
}

impl DataSource {
    /// The search order described in the [module documentation](self), read
    /// from `data_dir` and the environment.
    pub fn from_env(dataset: Dataset, data_dir: Option<&Path>) -> Result<DataSource, DataError> {
        DataSource::from_vars(dataset, data_dir, |name| std::env::var_os(name))
    }

    /// [`DataSource::from_env`] with the environment given as a function, so
    /// the policy can be checked without touching the process's environment.
    ///
    /// `--data-dir` takes precedence: when it is given the folder variable is
    /// not read at all, so a stale `MNIST_DIR` cannot block an explicit flag.
    /// A folder that is used but does not exist is an error at once: it is
    /// almost certainly a typo, and silently downloading somewhere else
    /// instead would hide it.
    pub fn from_vars(
        dataset: Dataset,
        data_dir: Option<&Path>,
        var: impl Fn(&str) -> Option<OsString>,
    ) -> Result<DataSource, DataError> {
        let env_var = dataset.dir_env_var();
        let mut search = Vec::new();
        if let Some(dir) = data_dir {
            search.push(existing_dir(dir.to_path_buf(), "--data-dir")?);
        } else if let Some(dir) = var(env_var).filter(|v| !v.is_empty()) {
            search.push(existing_dir(PathBuf::from(dir), env_var)?);
        }
        search.extend(dataset.default_dirs());
        let mirror = match var(dataset.mirror_env_var()) {
            Some(url) if url.to_string_lossy().trim().is_empty() => None,
            Some(url) => Some(url.to_string_lossy().into_owned()),
            None => Some(dataset.default_mirror().to_string()),
        };
        Ok(DataSource {
            dataset,
            search,
            cache_dir: dataset.cache_dir(),
            mirror,
        })
    }

    /// Loads `split`: finds (or downloads) its two files, checks they agree on
    /// the number of examples, and reads only the examples the split selects.
    pub fn load(&self, split: &Split) -> Result<Images, DataError> {
        let (images_name, labels_name) = file_names(split.part);
        let images_path = self.obtain(images_name, split.part)?;
        let labels_path = self.obtain(labels_name, split.part)?;

        let image_count = idx::count_images(&images_path)?;
        let label_count = idx::count_labels(&labels_path)?;
        if image_count != label_count {
            return Err(DataError::CountMismatch {
                images: images_path,
                image_count,
                labels: labels_path,
                label_count,
            });
        }
        let range = split.resolve(image_count)?;
        let images = idx::read_images_range(&images_path, range.clone())?;
        let labels = idx::read_labels_range(&labels_path, range)?;
        Ok(Images {
            pixels: images.pixels.iter().map(|&p| p as f32 / 255.0).collect(),
            labels,
            description: format!("{} {split}", self.dataset.display_name()),
        })
    }

    /// The first `name.gz` or `name` in the search folders, if any.
    pub fn find(&self, name: &str) -> Option<PathBuf> {
        self.search.iter().find_map(|dir| {
            [format!("{name}.gz"), name.to_string()]
                .into_iter()
                .map(|file| dir.path.join(file))
                .find(|path| path.is_file())
        })
    }

    /// Finds `name` locally, or downloads it into the cache folder.
    fn obtain(&self, name: &str, part: Part) -> Result<PathBuf, DataError> {
        if let Some(path) = self.find(name) {
            return Ok(path);
        }
        let remote = self
            .dataset
            .remote_files()
            .iter()
            .find(|file| file.name.strip_suffix(".gz") == Some(name))
            .expect("every IDX file name has a pinned remote file");
        let download = match &self.mirror {
            None => None,
            Some(mirror) => match download::fetch(mirror, remote, &self.cache_dir) {
                Ok(path) => return Ok(path),
                Err(error) => Some(error),
            },
        };
        Err(DataError::NotFound(Box::new(NotFound {
            dataset: self.dataset,
            file: name.to_string(),
            part,
            search: self.search.clone(),
            download,
        })))
    }
}

fn existing_dir(path: PathBuf, origin: &'static str) -> Result<SearchDir, DataError> {
    if path.is_dir() {
        Ok(SearchDir { path, origin })
    } else {
        Err(DataError::DataDirMissing { dir: path, origin })
    }
}

/// Why a dataset could not be loaded. Every variant names the file, folder or
/// flag involved.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// `--data-dir` or the environment variable names a folder that does not exist.
    #[error("{origin} is set to {}, which is not an existing folder", dir.display())]
    DataDirMissing {
        /// The folder.
        dir: PathBuf,
        /// `"--data-dir"` or the environment variable's name.
        origin: &'static str,
    },
    /// A file is in none of the search folders and could not be downloaded.
    #[error("{0}")]
    NotFound(Box<NotFound>),
    /// An IDX file is missing, unreadable, truncated or malformed.
    #[error(transparent)]
    Idx(#[from] IdxError),
    /// The images file and labels file disagree on how many examples there are.
    #[error(
        "{} holds {image_count} images but {} holds {label_count} labels; \
         the two files must come from the same release",
        images.display(),
        labels.display()
    )]
    CountMismatch {
        /// The images file.
        images: PathBuf,
        /// Images it holds.
        image_count: usize,
        /// The labels file.
        labels: PathBuf,
        /// Labels it holds.
        label_count: usize,
    },
    /// The split does not fit the data (e.g. `test[:20000]`).
    #[error(transparent)]
    Split(#[from] SplitError),
}

/// The details of [`DataError::NotFound`]: what was looked for, where, and
/// what happened when downloading it was tried.
#[derive(Debug)]
pub struct NotFound {
    /// The dataset.
    pub dataset: Dataset,
    /// The file name without `.gz`.
    pub file: String,
    /// The part of the dataset the file belongs to.
    pub part: Part,
    /// Every folder searched, in order.
    pub search: Vec<SearchDir>,
    /// Why downloading failed; `None` when downloading was disabled.
    pub download: Option<DownloadError>,
}

impl fmt::Display for NotFound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (file, dataset) = (&self.file, self.dataset);
        writeln!(
            f,
            "cannot find {dataset} file {file}.gz (or unpacked {file})."
        )?;
        writeln!(f, "Looked in:")?;
        for dir in &self.search {
            let note = if dir.path.is_dir() {
                ""
            } else {
                ", does not exist"
            };
            // Relative folders are shown resolved: they depend on where the
            // program was started, which is the usual surprise.
            let shown = std::path::absolute(&dir.path).unwrap_or_else(|_| dir.path.clone());
            writeln!(f, "  - {} ({}{note})", shown.display(), dir.origin)?;
        }
        match &self.download {
            Some(error) => writeln!(f, "Downloading it failed: {error}")?,
            None => writeln!(
                f,
                "Downloading is turned off (no mirror; an empty {} does this).",
                dataset.mirror_env_var()
            )?,
        }
        write!(
            f,
            "To fix: put the file in one of those folders, point {} at a folder that \
             has it, or pass --data-dir <folder>.",
            dataset.dir_env_var()
        )?;
        if self.part == Part::Train {
            write!(
                f,
                "\nWithout the training files you can train on a slice of the test split: \
                 --train-split 'test[:8000]' --eval-split 'test[8000:]'"
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for NotFound {}
