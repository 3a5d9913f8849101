//! `fetch` against a loopback HTTP server: never the internet.

mod data_fixtures;

use std::time::{Duration, Instant};

use ae_support::download::{self, DownloadError, RemoteFile};
use data_fixtures::*;

/// A `RemoteFile` describing `body` exactly.
fn remote_for(name: &'static str, body: &[u8], dir: &TempDir) -> RemoteFile {
    let path = write(dir.path(), "reference", body);
    let sha256 = download::sha256_file(&path).unwrap().leak();
    std::fs::remove_file(path).unwrap();
    RemoteFile {
        name,
        sha256,
        size: body.len() as u64,
    }
}

#[test]
fn sha256_of_known_inputs() {
    let dir = TempDir::new("dl-sha");
    let abc = write(dir.path(), "abc", b"abc");
    let empty = write(dir.path(), "empty", b"");
    assert_eq!(
        download::sha256_file(&abc).unwrap(),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(
        download::sha256_file(&empty).unwrap(),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
}

#[test]
fn fetch_downloads_verifies_and_renames_into_place() {
    let dir = TempDir::new("dl-ok");
    let body = gzip(&images_idx(3, 28, 28));
    let remote = remote_for("t10k-images-idx3-ubyte.gz", &body, &dir);
    let server = serve(vec![(remote.name, body.clone())]);
    let dest = dir.join("cache/mnist");

    // Base URL without a trailing slash works too.
    let base = server.base_url.trim_end_matches('/');
    let path = download::fetch(base, &remote, &dest).unwrap();

    assert_eq!(path, dest.join("t10k-images-idx3-ubyte.gz"));
    assert_eq!(std::fs::read(&path).unwrap(), body);
    assert_eq!(download::sha256_file(&path).unwrap(), remote.sha256);
    // Nothing but the finished file: the temporary file was renamed.
    assert_eq!(listing(&dest), vec!["t10k-images-idx3-ubyte.gz"]);
    assert_eq!(server.requests(), vec!["/t10k-images-idx3-ubyte.gz"]);

    // Fetching again replaces the file in place.
    let again = download::fetch(&server.base_url, &remote, &dest).unwrap();
    assert_eq!(again, path);
    assert_eq!(listing(&dest), vec!["t10k-images-idx3-ubyte.gz"]);
}

#[test]
fn wrong_bytes_fail_the_checksum_and_leave_nothing() {
    let dir = TempDir::new("dl-sha-mismatch");
    let good = labels_idx(&[1, 2, 3, 4]);
    let remote = remote_for("t10k-labels-idx1-ubyte.gz", &good, &dir);
    let mut bad = good.clone();
    bad[10] ^= 0xff; // same length, different content
    let server = serve(vec![(remote.name, bad.clone())]);
    let dest = dir.join("cache");

    let error = download::fetch(&server.base_url, &remote, &dest).unwrap_err();
    let bad_hash = download::sha256_file(&write(dir.path(), "bad", &bad)).unwrap();
    match &error {
        DownloadError::ChecksumMismatch {
            url,
            expected,
            actual,
        } => {
            assert_eq!(
                url,
                &format!("{}t10k-labels-idx1-ubyte.gz", server.base_url)
            );
            assert_eq!(expected, remote.sha256);
            assert_eq!(actual, &bad_hash);
        }
        other => panic!("expected ChecksumMismatch, got {other:?}"),
    }
    let message = error.to_string();
    assert!(message.contains("t10k-labels-idx1-ubyte.gz"), "{message}");
    assert!(
        message.contains(remote.sha256) && message.contains(&bad_hash),
        "{message}"
    );
    assert_eq!(listing(&dest), Vec::<String>::new());
}

#[test]
fn wrong_size_is_reported_before_hashing() {
    let dir = TempDir::new("dl-size");
    let good = labels_idx(&[1, 2, 3, 4, 5, 6]);
    let remote = remote_for("short.gz", &good, &dir);
    let server = serve(vec![
        ("short.gz", good[..10].to_vec()),
        ("long.gz", [good.as_slice(), b"extra"].concat()),
    ]);
    let dest = dir.join("cache");

    let error = download::fetch(&server.base_url, &remote, &dest).unwrap_err();
    assert!(
        matches!(
            error,
            DownloadError::SizeMismatch {
                expected: 14,
                actual: 10,
                ..
            }
        ),
        "{error:?}"
    );
    let long = RemoteFile {
        name: "long.gz",
        ..remote
    };
    let error = download::fetch(&server.base_url, &long, &dest).unwrap_err();
    assert!(
        // Reading stops as soon as the body is too long, so `actual` is a lower bound.
        matches!(error, DownloadError::SizeMismatch { expected: 14, actual, .. } if actual > 14),
        "{error:?}"
    );
    assert_eq!(listing(&dest), Vec::<String>::new());
}

#[test]
fn http_error_status_creates_nothing() {
    let dir = TempDir::new("dl-404");
    let server = serve(vec![]);
    let remote = RemoteFile {
        name: "missing.gz",
        sha256: "00",
        size: 1,
    };
    let dest = dir.join("cache");
    let error = download::fetch(&server.base_url, &remote, &dest).unwrap_err();
    assert!(
        matches!(&error, DownloadError::Status { status: 404, url } if url.ends_with("/missing.gz"))
    );
    assert!(error.to_string().contains("404"));
    assert!(
        !dest.exists(),
        "the destination must not be created on failure"
    );
}

#[test]
fn unreachable_mirror_fails_within_seconds() {
    let dir = TempDir::new("dl-offline");
    let remote = RemoteFile {
        name: "t10k-images-idx3-ubyte.gz",
        sha256: "00",
        size: 1,
    };
    let dest = dir.join("cache");
    let base = dead_url();
    let started = Instant::now();
    let error = download::fetch(&base, &remote, &dest).unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    match &error {
        DownloadError::Request { url, message } => {
            assert_eq!(url, &format!("{base}t10k-images-idx3-ubyte.gz"));
            assert!(!message.is_empty());
        }
        other => panic!("expected Request, got {other:?}"),
    }
    assert!(error.to_string().contains(&base));
    assert!(!dest.exists());
}
