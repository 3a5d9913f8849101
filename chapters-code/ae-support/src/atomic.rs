//! Writing a file so that it is either complete or as it was before: figures,
//! results files and checkpoints all go through [`write_atomically`], so a run
//! interrupted while writing (Ctrl-C, a full disk, a crash) never leaves half a
//! file where a whole one is expected.

use std::ffi::OsString;
use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The step of [`write_atomically`] that failed, for error messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Creating the folder that holds the file.
    CreateDir,
    /// Forcing the temporary file's contents to disk.
    Flush,
    /// Renaming the temporary file over the target.
    Rename,
}

impl Step {
    /// What was being attempted, to follow "cannot": `"move into place"`, ...
    pub fn verb(self) -> &'static str {
        match self {
            Step::CreateDir => "create the folder of",
            Step::Flush => "flush",
            Step::Rename => "move into place",
        }
    }
}

/// Writes `path` by letting `write` fill a temporary file beside it, then
/// renaming that file over `path`, creating missing folders first.
///
/// The rename is atomic because the temporary file lies in the same folder, on
/// the same file system: `path` holds either its old contents or the complete
/// new ones. On failure the temporary file is removed. Its name is hidden and
/// ends with `path`'s own name, so writers that pick a format by extension
/// (plotters' PNG backend does) see the right one. `io_error` turns a failure of
/// this function's own steps into the caller's error type.
pub fn write_atomically<T, E>(
    path: &Path,
    write: impl FnOnce(&Path) -> Result<T, E>,
    io_error: impl Fn(Step, io::Error) -> E,
) -> Result<T, E> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    fs::create_dir_all(dir).map_err(|e| io_error(Step::CreateDir, e))?;
    let tmp = temporary_beside(dir, path);
    let result = write(&tmp).and_then(|value| {
        File::open(&tmp)
            .and_then(|file| file.sync_all())
            .map_err(|e| io_error(Step::Flush, e))?;
        fs::rename(&tmp, path).map_err(|e| io_error(Step::Rename, e))?;
        Ok(value)
    });
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
        return result;
    }
    // Make the rename itself durable. Best effort: not every platform lets a
    // folder be opened and synced, and the data is already safe.
    if let Ok(folder) = File::open(dir) {
        let _ = folder.sync_all();
    }
    result
}

/// Writes `contents` to `path` atomically (see [`write_atomically`]).
pub fn write_file(path: &Path, contents: impl AsRef<[u8]>) -> io::Result<()> {
    write_atomically(path, |tmp| fs::write(tmp, contents), |_, e| e)
}

/// `dir/.<pid>-<n>-<name>`: unique to this process and call, so two threads
/// writing the same file never share a temporary file.
fn temporary_beside(dir: &Path, path: &Path) -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let mut name = OsString::from(format!(
        ".{}-{}-",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    name.push(path.file_name().unwrap_or_default());
    dir.join(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("ae-atomic-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_temporary() {
        let dir = scratch("fail");
        let path = dir.join("results.txt");
        write_file(&path, "old").unwrap();
        let failed: Result<(), String> = write_atomically(
            &path,
            |tmp| {
                fs::write(tmp, "half of the new").unwrap();
                Err("interrupted".to_string())
            },
            |step, e| format!("{}: {e}", step.verb()),
        );
        assert_eq!(failed.unwrap_err(), "interrupted");
        assert_eq!(fs::read_to_string(&path).unwrap(), "old");
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_writer_sees_a_temporary_file_with_the_same_extension() {
        let dir = scratch("ext");
        let path = dir.join("nested/figure.png");
        write_atomically(
            &path,
            |tmp| {
                assert_ne!(tmp, path);
                assert_eq!(tmp.parent(), path.parent());
                assert_eq!(tmp.extension().unwrap(), "png");
                assert!(!tmp.exists());
                fs::write(tmp, "new")
            },
            |_, e| e,
        )
        .unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(fs::read_dir(path.parent().unwrap()).unwrap().count(), 1);
        fs::remove_dir_all(&dir).unwrap();
    }
}
