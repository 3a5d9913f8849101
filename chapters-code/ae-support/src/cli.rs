//! The command line every chapter binary shares, so `--help` reads the same
//! everywhere, plus the one place where errors become a message and exit code 1.
//! What the flags mean lives elsewhere: data and its fallback in [`crate::data`],
//! folders in [`crate::paths`], provenance text in [`crate::report`].

use crate::data::{self, DataError, Dataset, Images};
use crate::paths;
use crate::split::Split;
use crate::training::FitConfig;
use clap::Parser;
use std::error::Error;
use std::path::PathBuf;
use std::process::ExitCode;

/// Flags common to every chapter; a chapter adds its own and flattens these in.
#[derive(Clone, Debug, clap::Args)]
pub struct CommonArgs {
    /// Data set to train and evaluate on.
    #[arg(long, value_enum, default_value_t = Dataset::Mnist)]
    pub dataset: Dataset,
    /// Passes over the training set.
    #[arg(long, value_parser = at_least_one)]
    pub epochs: usize,
    /// Examples per optimiser step.
    #[arg(long, value_parser = at_least_one)]
    pub batch_size: usize,
    /// Seeds weights, shuffling and noise: the same seed gives the same run.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Folder holding the IDX files (overrides MNIST_DIR / FASHION_MNIST_DIR).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Training split, e.g. `train`, `test[:8000]`, `train[:10%]` [default: train]
    #[arg(long, value_name = "SPLIT")]
    pub train_split: Option<Split>,
    /// Evaluation split, e.g. `test`, `test[8000:]` [default: test]
    #[arg(long, value_name = "SPLIT")]
    pub eval_split: Option<Split>,
    #[command(flatten)]
    pub output: OutputArgs,
    /// No progress bars and no per-epoch lines.
    #[arg(long)]
    pub quiet: bool,
}

/// Where a chapter writes its figures and results files. A plain run writes
/// into the ignored `target/` folder, so running a chapter never changes a
/// tracked file; only `--book` replaces what the book shows.
#[derive(Clone, Debug, Default, clap::Args)]
pub struct OutputArgs {
    /// Where figures and results go [default: target/figures/<chapter> of the workspace]
    #[arg(long, value_name = "DIR")]
    pub figures_dir: Option<PathBuf>,
    /// Write figures and results into the book's own book/src/figures/<chapter>,
    /// replacing what the book shows (for the book's authors)
    #[arg(long, conflicts_with = "figures_dir")]
    pub book: bool,
}

impl OutputArgs {
    /// The folder for `chapter`'s outputs: `--figures-dir`, the book's folder
    /// with `--book`, or else `target/figures/<chapter>` of the workspace.
    pub fn dir(&self, chapter: &str) -> PathBuf {
        match (&self.figures_dir, self.book) {
            (Some(dir), _) => dir.clone(),
            (None, true) => paths::book_figures_dir(chapter),
            (None, false) => paths::run_figures_dir(chapter),
        }
    }

    /// Creates the folder for `chapter`'s outputs, checks that a file can be
    /// written there (writing a probe and removing it), and says where the
    /// outputs will go. Chapters call it before training, so a folder that
    /// cannot take the results fails the run in its first second, not after
    /// minutes of training. From then on Ctrl-C says which outputs were kept
    /// (see [`crate::interrupt`]).
    pub fn prepare(&self, chapter: &str) -> Result<PathBuf, OutputDirError> {
        let dir = self.dir(chapter);
        let probe = dir.join(format!(".write-probe-{}", std::process::id()));
        let checked = std::fs::create_dir_all(&dir)
            .and_then(|()| std::fs::write(&probe, b""))
            .and_then(|()| std::fs::remove_file(&probe));
        match checked {
            Ok(()) => {
                println!("figures and results go to {}", paths::shown(&dir).display());
                crate::interrupt::report_outputs_on_ctrl_c(&dir);
                Ok(dir)
            }
            Err(error) => Err(OutputDirError { dir, error }),
        }
    }
}

/// The output folder cannot be created or written to.
#[derive(Debug, thiserror::Error)]
#[error(
    "cannot write figures and results into {}: {error}; choose a writable folder with \
     --figures-dir DIR",
    dir.display()
)]
pub struct OutputDirError {
    /// The folder.
    pub dir: PathBuf,
    /// What creating it or writing into it reported.
    pub error: std::io::Error,
}

impl CommonArgs {
    /// The folder for this chapter's figures and results (see [`OutputArgs::dir`]).
    pub fn figures_dir(&self, chapter: &str) -> PathBuf {
        self.output.dir(chapter)
    }

    /// Prepares that folder before any training (see [`OutputArgs::prepare`]).
    pub fn prepare_figures_dir(&self, chapter: &str) -> Result<PathBuf, OutputDirError> {
        self.output.prepare(chapter)
    }

    /// The training and evaluation sets these flags ask for, falling back to
    /// slices of the test split when the training files are missing (see
    /// [`data::load_splits`]).
    pub fn load_splits(&self) -> Result<(Images, Images), DataError> {
        data::load_splits(
            self.dataset,
            self.data_dir.as_deref(),
            self.train_split,
            self.eval_split,
        )
    }

    /// The training loop's settings these flags give.
    pub fn fit_config(&self) -> FitConfig {
        FitConfig {
            epochs: self.epochs,
            batch_size: self.batch_size,
            seed: self.seed,
            quiet: self.quiet,
        }
    }
}

/// A `value_parser` for flags that take a finite number above zero (learning
/// rates, step sizes).
pub fn positive_f64(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if v > 0.0 && v.is_finite() => Ok(v),
        Ok(_) => Err("must be a positive number".into()),
        Err(_) => Err(format!("`{text}` is not a number")),
    }
}

fn at_least_one(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("`{text}` is not a whole number")),
    }
}

/// Lets a chapter's program stop quietly when the reader closes its output,
/// as in `cargo run -p ch01-tensors-layers | head -2`. Call it first in `main`.
///
/// Rust ignores SIGPIPE, so writing to a closed pipe returns an error, and
/// `println!` turns that error into a panic with a backtrace. Every command-line
/// tool the reader knows instead dies quietly of SIGPIPE, which is the signal's
/// default action; restoring it is one call, and covers every write to stdout
/// or stderr (progress bars included) without wrapping each `println!`.
/// Sockets are unaffected: the standard library sends with `MSG_NOSIGNAL`, so a
/// download still gets an ordinary error. Elsewhere than on Unix there is no
/// SIGPIPE and nothing to do.
pub fn exit_quietly_on_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: called at the start of `main`, before any other thread exists;
    // setting a signal's disposition to its default installs no handler code.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Parses the command line of `C`, with chapter-specific defaults such as
/// `[("epochs", "10"), ("batch_size", "256")]` (clap argument ids use `_`).
pub fn parse<C: Parser>(defaults: &[(&'static str, &'static str)]) -> C {
    let mut command = C::command();
    for &(id, value) in defaults {
        command = command.mut_arg(id, |arg| arg.required(false).default_value(value));
    }
    let matches = command.get_matches();
    C::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

/// What a chapter's `run` returns: any error, shown to the reader as a message.
pub type RunResult = Result<(), Box<dyn Error>>;

/// Turns the result of a chapter's `run` into an exit code, printing the error
/// and its causes (instead of a panic or a `Debug` dump) when there is one.
pub fn exit_code(result: RunResult) -> ExitCode {
    let Err(error) = result else {
        return ExitCode::SUCCESS;
    };
    eprintln!("error: {error}");
    let mut cause = error.source();
    while let Some(c) = cause {
        eprintln!("  caused by: {c}");
        cause = c.source();
    }
    ExitCode::FAILURE
}

#[cfg(test)]
mod tests {
    use super::OutputArgs;
    use crate::paths::workspace_dir;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        output: OutputArgs,
    }

    fn dir(args: &[&str]) -> Result<std::path::PathBuf, clap::Error> {
        let cli = Cli::try_parse_from(std::iter::once("chNN").chain(args.iter().copied()))?;
        Ok(cli.output.dir("ch05"))
    }

    #[test]
    fn a_plain_run_writes_below_target_and_only_book_writes_the_book() {
        let workspace = workspace_dir();
        assert_eq!(dir(&[]).unwrap(), workspace.join("target/figures/ch05"));
        assert_eq!(
            dir(&["--book"]).unwrap(),
            workspace.join("book/src/figures/ch05")
        );
        assert_eq!(
            dir(&["--figures-dir", "elsewhere"]).unwrap(),
            std::path::Path::new("elsewhere")
        );
        assert!(dir(&["--book", "--figures-dir", "elsewhere"]).is_err());
    }

    #[test]
    fn preparing_the_output_folder_creates_it_and_leaves_nothing_behind() {
        let root = std::env::temp_dir().join(format!("ae-prepare-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let target = root.join("figures/ch05");
        let output = OutputArgs {
            figures_dir: Some(target.clone()),
            book: false,
        };
        assert_eq!(output.prepare("ch05").unwrap(), target);
        assert_eq!(std::fs::read_dir(&target).unwrap().count(), 0);

        // A folder below a file can never be created.
        let file = root.join("a-file");
        std::fs::write(&file, b"").unwrap();
        let blocked = OutputArgs {
            figures_dir: Some(file.join("figures")),
            book: false,
        };
        let message = blocked.prepare("ch05").unwrap_err().to_string();
        assert!(message.contains(&file.display().to_string()), "{message}");
        assert!(message.contains("--figures-dir"), "{message}");
        std::fs::remove_dir_all(&root).unwrap();
    }
}
