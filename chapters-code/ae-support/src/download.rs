//! Fetching a dataset file from a public mirror, safely.
//!
//! Three properties matter more than speed here:
//!
//! * **Verified.** The bytes are hashed while they stream in and compared with
//!   a SHA-256 pinned in the source, so a captive portal's HTML page or a
//!   half-finished transfer is never mistaken for data.
//! * **Atomic.** The body goes to a temporary file in the destination folder
//!   and is renamed into place only once verified; an interrupted run leaves no
//!   file that a later run would trust.
//! * **Quick to give up.** Connecting times out after a few seconds, so a
//!   machine without internet gets a clear error instead of a hang.
//!
//! This module knows nothing about datasets; callers pass a [`RemoteFile`].

use std::fs::{self, File};
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use sha2::{Digest, Sha256};

/// How long to wait for a TCP connection before deciding we are offline.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a single read may stall once connected.
pub const READ_TIMEOUT: Duration = Duration::from_secs(30);

/// A file on a mirror, with the hash and size it must have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RemoteFile {
    /// File name, appended to the mirror's base URL and used on disk.
    pub name: &'static str,
    /// Lower-case hex SHA-256 of the file's bytes as served.
    pub sha256: &'static str,
    /// Size in bytes as served.
    pub size: u64,
}

/// Why a download failed. Every variant names the URL or the file.
#[derive(Debug, thiserror::Error)]
pub enum DownloadError {
    /// No HTTP response: no network, DNS failure, connection refused, timeout.
    #[error("could not download {url}: {message}")]
    Request {
        /// The URL.
        url: String,
        /// What the HTTP client reported.
        message: String,
    },
    /// The server answered with an error status.
    #[error("could not download {url}: the server answered HTTP {status}")]
    Status {
        /// The URL.
        url: String,
        /// The HTTP status code.
        status: u16,
    },
    /// The body was not the expected length.
    #[error("download of {url} has the wrong size: expected {expected} bytes, got {actual}")]
    SizeMismatch {
        /// The URL.
        url: String,
        /// Size pinned in [`RemoteFile::size`].
        expected: u64,
        /// Bytes received (a lower bound when the body was too long).
        actual: u64,
    },
    /// The body's SHA-256 differs from the pinned one.
    #[error("download of {url} failed its checksum: expected SHA-256 {expected}, got {actual}")]
    ChecksumMismatch {
        /// The URL.
        url: String,
        /// Hash pinned in [`RemoteFile::sha256`].
        expected: String,
        /// Hash of the bytes received.
        actual: String,
    },
    /// Writing the file failed.
    #[error("could not write {}: {source}", path.display())]
    Io {
        /// The file or folder being written.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
}

/// Downloads `base_url/<file.name>` into `dest_dir/<file.name>` and returns
/// that path. Fails, leaving nothing behind, unless the size and SHA-256 match.
///
/// The destination folder is created only after the server has answered, so
/// an offline attempt leaves the disk untouched.
pub fn fetch(base_url: &str, file: &RemoteFile, dest_dir: &Path) -> Result<PathBuf, DownloadError> {
    let url = format!("{}/{}", base_url.trim_end_matches('/'), file.name);
    let agent = ureq::AgentBuilder::new()
        .timeout_connect(CONNECT_TIMEOUT)
        .timeout_read(READ_TIMEOUT)
        .build();
    // `identity` stops a server from gzip-encoding the transfer of a `.gz`
    // file, which the client would then silently unpack and fail the hash.
    let response = agent
        .get(&url)
        .set("Accept-Encoding", "identity")
        .call()
        .map_err(|error| match error {
            ureq::Error::Status(status, _) => DownloadError::Status {
                url: url.clone(),
                status,
            },
            ureq::Error::Transport(transport) => {
                // The client's text starts with the URL, which ours already shows.
                let text = transport.to_string();
                let prefix = transport
                    .url()
                    .map(|u| format!("{u}: "))
                    .unwrap_or_default();
                DownloadError::Request {
                    url: url.clone(),
                    message: text.strip_prefix(&prefix).unwrap_or(&text).to_string(),
                }
            }
        })?;

    fs::create_dir_all(dest_dir).map_err(|source| DownloadError::Io {
        path: dest_dir.to_path_buf(),
        source,
    })?;
    let final_path = dest_dir.join(file.name);
    let part_path = dest_dir.join(format!(".{}.{}.part", file.name, std::process::id()));
    let written = write_verified(response.into_reader(), &part_path, file, &url).and_then(|()| {
        fs::rename(&part_path, &final_path).map_err(|source| DownloadError::Io {
            path: final_path.clone(),
            source,
        })
    });
    if written.is_err() {
        let _ = fs::remove_file(&part_path);
    }
    written.map(|()| final_path)
}

/// Streams `body` into `path`, hashing as it goes, then checks size and hash.
fn write_verified(
    mut body: impl Read,
    path: &Path,
    file: &RemoteFile,
    url: &str,
) -> Result<(), DownloadError> {
    let io_error = |source| DownloadError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut out = File::create(path).map_err(io_error)?;
    let progress = progress_bar(file);
    let mut hasher = Sha256::new();
    let mut received: u64 = 0;
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let n = match body.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(DownloadError::Request {
                    url: url.to_string(),
                    message: e.to_string(),
                });
            }
        };
        received += n as u64;
        if received > file.size {
            // Stop early: a body longer than the pinned size is not our file.
            return Err(DownloadError::SizeMismatch {
                url: url.to_string(),
                expected: file.size,
                actual: received,
            });
        }
        hasher.update(&buffer[..n]);
        out.write_all(&buffer[..n]).map_err(io_error)?;
        progress.inc(n as u64);
    }
    progress.finish_and_clear();
    if received != file.size {
        return Err(DownloadError::SizeMismatch {
            url: url.to_string(),
            expected: file.size,
            actual: received,
        });
    }
    let actual = hex(&hasher.finalize());
    if !actual.eq_ignore_ascii_case(file.sha256) {
        return Err(DownloadError::ChecksumMismatch {
            url: url.to_string(),
            expected: file.sha256.to_string(),
            actual,
        });
    }
    out.sync_all().map_err(io_error)
}

/// A byte-counting bar on stderr, hidden when stderr is not a terminal so
/// logs and captured test output stay clean.
fn progress_bar(file: &RemoteFile) -> ProgressBar {
    if !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(file.size);
    if let Ok(style) = ProgressStyle::with_template(
        "{msg} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(format!("downloading {}", file.name));
    bar
}

/// Lower-case hex SHA-256 of a file's bytes, in the format of [`RemoteFile::sha256`].
pub fn sha256_file(path: &Path) -> io::Result<String> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    io::copy(&mut file, &mut hasher)?;
    Ok(hex(&hasher.finalize()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
