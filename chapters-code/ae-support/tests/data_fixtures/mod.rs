//! Hermetic fixtures shared by the `data_*` integration tests: temporary
//! folders, hand-built IDX files, and a loopback HTTP server.
#![allow(dead_code)]

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;

use flate2::Compression;
use flate2::write::GzEncoder;

/// A fresh folder under the system temp dir, removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let path =
            std::env::temp_dir().join(format!("ae-support-{tag}-{}-{n}", std::process::id()));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).expect("create temp dir");
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    pub fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Deterministic grey level of pixel `p` of image `i`, different per image.
pub fn pixel(i: usize, p: usize) -> u8 {
    ((i * 37 + p * 11) % 256) as u8
}

/// An IDX image file of `count` images of `rows x cols`, pixels from [`pixel`].
pub fn images_idx(count: usize, rows: usize, cols: usize) -> Vec<u8> {
    let mut bytes = Vec::new();
    for word in [0x0000_0803, count as u32, rows as u32, cols as u32] {
        bytes.extend_from_slice(&u32::to_be_bytes(word));
    }
    for i in 0..count {
        bytes.extend((0..rows * cols).map(|p| pixel(i, p)));
    }
    bytes
}

/// An IDX label file holding `labels`.
pub fn labels_idx(labels: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::new();
    for word in [0x0000_0801, labels.len() as u32] {
        bytes.extend_from_slice(&u32::to_be_bytes(word));
    }
    bytes.extend_from_slice(labels);
    bytes
}

/// `labels.len()` labels cycling through 0..=9 starting at `first`.
pub fn cycling_labels(count: usize, first: u8) -> Vec<u8> {
    (0..count)
        .map(|i| ((first as usize + i) % 10) as u8)
        .collect()
}

pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// The three ways a downloaded file is usually damaged, each applied to a
/// well-formed IDX file `idx` holding `count` records after its header.
#[derive(Clone, Copy, Debug)]
pub enum Damage {
    /// A gzip file cut to a third of its bytes (an interrupted download).
    GzipCutToAThird,
    /// A well-formed gzip stream whose data stops halfway through the records.
    GzipHoldingHalf,
    /// Unpacked, with bytes after the last record.
    RawWithTrailingBytes,
}

impl Damage {
    pub const ALL: [Damage; 3] = [
        Damage::GzipCutToAThird,
        Damage::GzipHoldingHalf,
        Damage::RawWithTrailingBytes,
    ];

    /// The damaged bytes, given the header length of `idx`.
    pub fn apply(self, idx: &[u8], header_bytes: usize) -> Vec<u8> {
        match self {
            Damage::GzipCutToAThird => {
                let gz = gzip(idx);
                gz[..gz.len() / 3].to_vec()
            }
            Damage::GzipHoldingHalf => {
                let half = header_bytes + (idx.len() - header_bytes) / 2;
                gzip(&idx[..half])
            }
            Damage::RawWithTrailingBytes => {
                let mut bytes = idx.to_vec();
                bytes.extend_from_slice(&[0; 100]);
                bytes
            }
        }
    }

    /// File-name suffix matching the encoding.
    pub fn suffix(self) -> &'static str {
        match self {
            Damage::RawWithTrailingBytes => "",
            _ => ".gz",
        }
    }
}

pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    fs::create_dir_all(dir).unwrap();
    let path = dir.join(name);
    fs::write(&path, bytes).unwrap();
    path
}

/// Writes a gzip test part (t10k files) of `count` images to `dir`.
pub fn write_test_part_gz(dir: &Path, count: usize, first_label: u8) {
    write(
        dir,
        "t10k-images-idx3-ubyte.gz",
        &gzip(&images_idx(count, 28, 28)),
    );
    write(
        dir,
        "t10k-labels-idx1-ubyte.gz",
        &gzip(&labels_idx(&cycling_labels(count, first_label))),
    );
}

/// Names of the files in `dir`, sorted; empty if it does not exist.
pub fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// A minimal HTTP/1.1 server on 127.0.0.1 serving fixed files; anything else is 404.
pub struct Server {
    /// `http://127.0.0.1:<port>/`
    pub base_url: String,
    /// Paths requested so far, in order.
    pub requests: Arc<Mutex<Vec<String>>>,
}

impl Server {
    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

pub fn serve(files: Vec<(&str, Vec<u8>)>) -> Server {
    let files: Vec<(String, Vec<u8>)> = files
        .into_iter()
        .map(|(name, body)| (name.to_string(), body))
        .collect();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base_url = format!("http://{}/", listener.local_addr().unwrap());
    let requests = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&requests);
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            let _ = reader.read_line(&mut request_line);
            loop {
                let mut header = String::new();
                match reader.read_line(&mut header) {
                    Ok(0) | Err(_) => break,
                    Ok(_) if header == "\r\n" => break,
                    Ok(_) => {}
                }
            }
            let path = request_line
                .split_whitespace()
                .nth(1)
                .unwrap_or_default()
                .to_string();
            log.lock().unwrap().push(path.clone());
            let wanted = path.strip_prefix('/').unwrap_or(&path);
            let found = files.iter().find(|(name, _)| name == wanted);
            let (status, body): (&str, &[u8]) = match found {
                Some((_, body)) => ("200 OK", body),
                None => ("404 Not Found", b""),
            };
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(body);
            let _ = stream.flush();
        }
    });
    Server { base_url, requests }
}

/// A URL on 127.0.0.1 where nothing listens, so connecting fails at once,
/// like a machine without network.
pub fn dead_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}/")
}
