//! The command line every chapter binary shares, so `--help` reads the same
//! everywhere, plus the one place where errors become a message and exit code 1.

use crate::data::{self, DataError, Dataset, Images};
use crate::split::{Part, Split};
use crate::training::FitConfig;
use clap::Parser;
use std::error::Error;
use std::path::{Path, PathBuf};
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
    /// Where figures go [default: the book's own figure folder for this chapter]
    #[arg(long, value_name = "DIR")]
    pub figures_dir: Option<PathBuf>,
    /// No progress bars and no per-epoch lines.
    #[arg(long)]
    pub quiet: bool,
}

impl CommonArgs {
    /// The folder for this chapter's figures: `--figures-dir`, or the book's
    /// `book/src/figures/<chapter>` so a run refreshes what the book shows.
    pub fn figures_dir(&self, chapter: &str) -> PathBuf {
        self.figures_dir
            .clone()
            .unwrap_or_else(|| book_figures_dir(chapter))
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

/// The training and evaluation sets the flags ask for.
///
/// Without `--train-split`/`--eval-split` this is `train` and `test`. When the
/// training files cannot be found or downloaded (the 60,000 MNIST training
/// images are large and often missing offline), it says so loudly and trains on
/// `test[:8000]`, evaluating on `test[8000:]`; the sets' descriptions carry the
/// slices into every number and figure. An explicit split never falls back.
pub fn load_splits(args: &CommonArgs) -> Result<(Images, Images), DataError> {
    let dir = args.data_dir.as_deref();
    let (train, eval) = match (args.train_split, args.eval_split) {
        (None, None) => {
            let train_split = Split::full(Part::Train);
            match data::load(args.dataset, &train_split, dir) {
                Ok(train) => (
                    train,
                    data::load(args.dataset, &Split::full(Part::Test), dir)?,
                ),
                Err(DataError::NotFound(missing)) if missing.part == Part::Train => {
                    let (train, eval): (Split, Split) =
                        (FALLBACK_TRAIN.parse()?, FALLBACK_EVAL.parse()?);
                    eprintln!(
                        "note: the {} training files are not available ({missing_file}.gz not found, \
                         download failed or off).\n      Training on {train} and evaluating on {eval} \
                         instead; every number and figure of this run says so.",
                        args.dataset.display_name(),
                        missing_file = missing.file,
                    );
                    (
                        data::load(args.dataset, &train, dir)?,
                        data::load(args.dataset, &eval, dir)?,
                    )
                }
                Err(other) => return Err(other),
            }
        }
        (train, eval) => {
            let train = train.unwrap_or_else(|| Split::full(Part::Train));
            let eval = eval.unwrap_or_else(|| Split::full(Part::Test));
            (
                data::load(args.dataset, &train, dir)?,
                data::load(args.dataset, &eval, dir)?,
            )
        }
    };
    Ok((train, eval))
}

/// The first two lines of a run's results file: the command that reproduces
/// it and the data it trained and evaluated on, so no number loses its source.
pub fn provenance(package: &str, train: &Images, eval: &Images) -> String {
    let args: Vec<String> = std::env::args().skip(1).collect();
    format!(
        "command:  {}\ndata:     {}\n",
        cargo_run_command(package, &args),
        trained_and_evaluated_on(train, eval)
    )
}

/// `cargo run -p <package> -- <args>`, each argument quoted for the shell so
/// the line can be pasted as it is, in bash or zsh (where an unquoted
/// `test[:2000]` is a glob pattern that fails to match).
fn cargo_run_command(package: &str, args: &[String]) -> String {
    let mut command = format!("cargo run -p {package}");
    if !args.is_empty() {
        command.push_str(" --");
        for arg in args {
            command.push(' ');
            command.push_str(&shell_quoted(arg));
        }
    }
    command
}

/// `text` as a shell word: as it is when every character is plain, otherwise in
/// single quotes, inside which only a single quote needs care (`'\''`).
fn shell_quoted(text: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

/// "trained on <train> (<n> images), evaluated on <eval> (<m> images)": where
/// a run's numbers come from, as the runs print it and their results files
/// record it.
pub fn trained_and_evaluated_on(train: &Images, eval: &Images) -> String {
    format!(
        "trained on {} ({} images), evaluated on {} ({} images)",
        train.description,
        train.len(),
        eval.description,
        eval.len()
    )
}

/// `path` as the reader would type it: relative to the current folder when it
/// lies below it, without `..` detours.
pub fn shown(path: &std::path::Path) -> std::path::PathBuf {
    let full = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    std::env::current_dir()
        .ok()
        .and_then(|here| full.strip_prefix(here).ok().map(Path::to_path_buf))
        .unwrap_or(full)
}

/// The slices of the test split used when no training files are available.
const FALLBACK_TRAIN: &str = "test[:8000]";
const FALLBACK_EVAL: &str = "test[8000:]";

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

/// `book/src/figures/<chapter>` of this checkout, wherever the command runs from.
pub fn book_figures_dir(chapter: &str) -> PathBuf {
    workspace_dir().join("book/src/figures").join(chapter)
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
    use super::cargo_run_command;

    fn command(args: &[&str]) -> String {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        cargo_run_command("ch05-denoising", &args)
    }

    #[test]
    fn the_recorded_command_can_be_pasted_into_a_shell() {
        assert_eq!(command(&[]), "cargo run -p ch05-denoising");
        assert_eq!(
            command(&["--train-split", "test[:2000]", "--epochs", "3"]),
            "cargo run -p ch05-denoising -- --train-split 'test[:2000]' --epochs 3"
        );
        assert_eq!(
            command(&["--figures-dir", "my figures", "--beta=1e-4,5e-3", ""]),
            "cargo run -p ch05-denoising -- --figures-dir 'my figures' --beta=1e-4,5e-3 ''"
        );
        assert_eq!(
            command(&["--note", "it's", "$HOME"]),
            r"cargo run -p ch05-denoising -- --note 'it'\''s' '$HOME'"
        );
    }
}
