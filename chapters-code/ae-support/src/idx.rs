//! Reader for the IDX files MNIST and Fashion-MNIST ship in.
//!
//! An IDX file is a big-endian header followed by raw bytes: a magic number
//! (`0x00000803` for a stack of images, `0x00000801` for a list of labels), the
//! count, and for images the rows and columns. The files are usually
//! distributed gzip-compressed; the reader recognises gzip by its magic bytes
//! (`1f 8b`), so `name.gz` and an unpacked `name` read the same way.
//!
//! Every problem comes back as an [`IdxError`] naming the file instead of a
//! panic: a corrupt or half-downloaded file is an ordinary event when the data
//! comes from the internet, and the reader should be told which file to delete.
//!
//! The `_range` readers return a slice of the examples but still read the
//! whole file: a damaged file must be rejected whatever slice is asked for, and
//! only at the end of the data can its length be compared with the header's
//! and a gzip stream's trailer (CRC-32 and length) be checked.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Magic number of an IDX file holding unsigned-byte images (3 dimensions).
pub const IMAGES_MAGIC: u32 = 0x0000_0803;
/// Magic number of an IDX file holding unsigned-byte labels (1 dimension).
pub const LABELS_MAGIC: u32 = 0x0000_0801;
/// Rows and columns every image must have. Other sizes are rejected rather
/// than reshaped, because every model in the book assumes 28x28 inputs.
pub const SIDE: usize = 28;
/// Labels are class indices, so anything above this is corruption.
pub const MAX_LABEL: u8 = 9;

const IMAGES_HEADER_BYTES: usize = 16;
const LABELS_HEADER_BYTES: usize = 8;
const PIXELS_PER_IMAGE: usize = SIDE * SIDE;

/// Images read from an IDX file: `count` images of `rows * cols` bytes each,
/// one after another, row by row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdxImages {
    /// How many images `pixels` holds.
    pub count: usize,
    /// Rows per image (always 28 here).
    pub rows: usize,
    /// Columns per image (always 28 here).
    pub cols: usize,
    /// `count * rows * cols` grey levels, 0 (background) to 255 (ink).
    pub pixels: Vec<u8>,
}

/// Why an IDX file could not be read. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum IdxError {
    /// The file does not exist.
    #[error("{}: no such file", path.display())]
    Missing {
        /// The file.
        path: PathBuf,
    },
    /// The file could not be read (permissions, corrupt gzip stream, ...).
    #[error("{}: cannot read: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// The file does not start with the magic number for its kind.
    #[error(
        "{}: not an IDX {kind} file (magic number {found:#010x}, expected {expected:#010x})",
        path.display()
    )]
    BadMagic {
        /// The file.
        path: PathBuf,
        /// `"images"` or `"labels"`.
        kind: &'static str,
        /// The magic number this kind of file must have.
        expected: u32,
        /// The first four bytes of the file.
        found: u32,
    },
    /// The file ends before the data its header promises.
    #[error(
        "{}: truncated: its header promises {expected} bytes (unpacked) but it holds \
         only {found}; a partial download? delete it and fetch it again",
        path.display()
    )]
    Truncated {
        /// The file.
        path: PathBuf,
        /// Bytes (after decompression) the header implies are needed.
        expected: usize,
        /// Bytes actually present.
        found: usize,
    },
    /// The file holds more data than its header promises.
    #[error(
        "{}: {found} bytes (unpacked) where its header promises exactly {expected}; \
         the file is damaged: delete it and fetch it again",
        path.display()
    )]
    TooLong {
        /// The file.
        path: PathBuf,
        /// Bytes (after decompression) the header implies.
        expected: usize,
        /// Bytes actually present.
        found: usize,
    },
    /// A gzip stream holds all the data but stops before its trailer, so its
    /// CRC-32 cannot be checked.
    #[error(
        "{}: the gzip stream stops before its trailer (CRC-32 and length); \
         a partial download? delete it and fetch it again",
        path.display()
    )]
    GzipCut {
        /// The file.
        path: PathBuf,
    },
    /// The images are not 28x28.
    #[error("{}: images are {rows}x{cols}, expected {SIDE}x{SIDE}", path.display())]
    WrongDimensions {
        /// The file.
        path: PathBuf,
        /// Rows per image in the header.
        rows: usize,
        /// Columns per image in the header.
        cols: usize,
    },
    /// A label is not a class index 0..=9.
    #[error("{}: label {index} is {value}, but labels must be 0 to {MAX_LABEL}", path.display())]
    BadLabel {
        /// The file.
        path: PathBuf,
        /// Position of the bad label in the file.
        index: usize,
        /// Its value.
        value: u8,
    },
    /// The requested examples lie outside the file.
    #[error("{}: asked for examples {}..{}, but the file holds {count}", path.display(), range.start, range.end)]
    RangeOutOfBounds {
        /// The file.
        path: PathBuf,
        /// The examples asked for.
        range: Range<usize>,
        /// How many the file holds.
        count: usize,
    },
}

/// Reads every image in an IDX image file (gzip or raw).
pub fn read_images(path: &Path) -> Result<IdxImages, IdxError> {
    let mut reader = open(path)?;
    let count = read_images_header(&mut reader, path)?;
    read_image_range(reader, path, count, 0..count)
}

/// Reads images `range` of an IDX image file, checking the whole file.
pub fn read_images_range(path: &Path, range: Range<usize>) -> Result<IdxImages, IdxError> {
    let mut reader = open(path)?;
    let count = read_images_header(&mut reader, path)?;
    read_image_range(reader, path, count, range)
}

/// How many images an IDX image file says it holds; reads only the header,
/// so the rest of the file is not checked.
pub fn count_images(path: &Path) -> Result<usize, IdxError> {
    read_images_header(&mut open(path)?, path)
}

/// Reads every label in an IDX label file (gzip or raw).
pub fn read_labels(path: &Path) -> Result<Vec<u8>, IdxError> {
    let mut reader = open(path)?;
    let count = read_labels_header(&mut reader, path)?;
    read_label_range(reader, path, count, 0..count)
}

/// Reads labels `range` of an IDX label file, checking the whole file.
pub fn read_labels_range(path: &Path, range: Range<usize>) -> Result<Vec<u8>, IdxError> {
    let mut reader = open(path)?;
    let count = read_labels_header(&mut reader, path)?;
    read_label_range(reader, path, count, range)
}

/// How many labels an IDX label file says it holds; reads only the header,
/// so the rest of the file is not checked.
pub fn count_labels(path: &Path) -> Result<usize, IdxError> {
    read_labels_header(&mut open(path)?, path)
}

/// Opens `path`, unpacking it on the fly if it starts with the gzip magic bytes.
fn open(path: &Path) -> Result<Box<dyn Read>, IdxError> {
    let file = File::open(path).map_err(|source| match source.kind() {
        io::ErrorKind::NotFound => IdxError::Missing {
            path: path.to_path_buf(),
        },
        _ => io_error(path, source),
    })?;
    let mut reader = BufReader::with_capacity(64 * 1024, file);
    let is_gzip = reader
        .fill_buf()
        .map_err(|e| io_error(path, e))?
        .starts_with(&[0x1f, 0x8b]);
    Ok(if is_gzip {
        Box::new(flate2::bufread::MultiGzDecoder::new(reader))
    } else {
        Box::new(reader)
    })
}

fn read_images_header(reader: &mut dyn Read, path: &Path) -> Result<usize, IdxError> {
    let header = read_header::<4>(reader, path, IMAGES_HEADER_BYTES)?;
    check_magic(path, "images", IMAGES_MAGIC, header[0])?;
    let [_, count, rows, cols] = header.map(|word| word as usize);
    if (rows, cols) != (SIDE, SIDE) {
        return Err(IdxError::WrongDimensions {
            path: path.to_path_buf(),
            rows,
            cols,
        });
    }
    Ok(count)
}

fn read_labels_header(reader: &mut dyn Read, path: &Path) -> Result<usize, IdxError> {
    let [magic, count] = read_header::<2>(reader, path, LABELS_HEADER_BYTES)?;
    check_magic(path, "labels", LABELS_MAGIC, magic)?;
    Ok(count as usize)
}

/// Reads `N` big-endian `u32`s; a file too short to hold them is truncated.
fn read_header<const N: usize>(
    reader: &mut dyn Read,
    path: &Path,
    header_bytes: usize,
) -> Result<[u32; N], IdxError> {
    let mut bytes = Vec::with_capacity(header_bytes);
    let found = read_up_to(reader, path, header_bytes, &mut bytes)?;
    if found < header_bytes {
        return Err(IdxError::Truncated {
            path: path.to_path_buf(),
            expected: header_bytes,
            found,
        });
    }
    Ok(std::array::from_fn(|i| {
        u32::from_be_bytes([
            bytes[4 * i],
            bytes[4 * i + 1],
            bytes[4 * i + 2],
            bytes[4 * i + 3],
        ])
    }))
}

fn check_magic(path: &Path, kind: &'static str, expected: u32, found: u32) -> Result<(), IdxError> {
    if found == expected {
        Ok(())
    } else {
        Err(IdxError::BadMagic {
            path: path.to_path_buf(),
            kind,
            expected,
            found,
        })
    }
}

fn read_image_range(
    reader: Box<dyn Read>,
    path: &Path,
    count: usize,
    range: Range<usize>,
) -> Result<IdxImages, IdxError> {
    let pixels = read_records(
        reader,
        path,
        count,
        range.clone(),
        PIXELS_PER_IMAGE,
        IMAGES_HEADER_BYTES,
    )?;
    Ok(IdxImages {
        count: range.len(),
        rows: SIDE,
        cols: SIDE,
        pixels,
    })
}

fn read_label_range(
    reader: Box<dyn Read>,
    path: &Path,
    count: usize,
    range: Range<usize>,
) -> Result<Vec<u8>, IdxError> {
    let labels = read_records(reader, path, count, range.clone(), 1, LABELS_HEADER_BYTES)?;
    if let Some(index) = labels.iter().position(|&label| label > MAX_LABEL) {
        return Err(IdxError::BadLabel {
            path: path.to_path_buf(),
            index: range.start + index,
            value: labels[index],
        });
    }
    Ok(labels)
}

/// Reads the rest of the file (the header has been consumed), keeping records
/// `range` of `record_bytes` each, and checks that the data is exactly the
/// `count` records the header promises. Reading to the end is also what makes
/// the gzip decoder check its trailer.
fn read_records(
    mut reader: Box<dyn Read>,
    path: &Path,
    count: usize,
    range: Range<usize>,
    record_bytes: usize,
    header_bytes: usize,
) -> Result<Vec<u8>, IdxError> {
    if range.start > range.end || range.end > count {
        return Err(IdxError::RangeOutOfBounds {
            path: path.to_path_buf(),
            range,
            count,
        });
    }
    let keep = range.start * record_bytes..range.end * record_bytes;
    // Capacity is not taken from the header alone: a corrupt count must not
    // trigger a huge allocation before the data proves it exists.
    let mut records = Vec::with_capacity(keep.len().min(64 * 1024 * 1024));
    let mut chunk = vec![0; 64 * 1024];
    let mut position = 0;
    let expected = count
        .saturating_mul(record_bytes)
        .saturating_add(header_bytes);
    loop {
        let n = match reader.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            // A gzip stream cut short: the data or its trailer is missing.
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
                let found = header_bytes + position;
                return Err(if found < expected {
                    IdxError::Truncated {
                        path: path.to_path_buf(),
                        expected,
                        found,
                    }
                } else {
                    IdxError::GzipCut {
                        path: path.to_path_buf(),
                    }
                });
            }
            Err(e) => return Err(io_error(path, e)),
        };
        let from = position.max(keep.start);
        let to = (position + n).min(keep.end);
        if from < to {
            records.extend_from_slice(&chunk[from - position..to - position]);
        }
        position += n;
    }
    let found = header_bytes + position;
    let path = path.to_path_buf();
    match found.cmp(&expected) {
        std::cmp::Ordering::Less => Err(IdxError::Truncated {
            path,
            expected,
            found,
        }),
        std::cmp::Ordering::Greater => Err(IdxError::TooLong {
            path,
            expected,
            found,
        }),
        std::cmp::Ordering::Equal => Ok(records),
    }
}

/// Appends up to `limit` bytes to `out`, returning how many were read. An
/// early end of data is not an error here; callers decide it means truncation.
fn read_up_to(
    reader: &mut dyn Read,
    path: &Path,
    limit: usize,
    out: &mut Vec<u8>,
) -> Result<usize, IdxError> {
    let before = out.len();
    match reader.take(limit as u64).read_to_end(out) {
        Ok(n) => Ok(n),
        // A gzip stream cut short reports `UnexpectedEof`: that is truncation.
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(out.len() - before),
        Err(e) => Err(io_error(path, e)),
    }
}

fn io_error(path: &Path, source: io::Error) -> IdxError {
    IdxError::Io {
        path: path.to_path_buf(),
        source,
    }
}
