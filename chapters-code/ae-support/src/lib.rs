//! Shared plumbing for the chapters of *Autoencoders in Rust*.
//!
//! Each chapter crate tells its own story and leans on this crate for everything
//! that is not the point of the chapter. Dependencies flow one way:
//! [`training`] sits on [`batching`], which sits on [`data`], which sits on
//! [`download`]; [`figures`] and [`checkpoint`] are leaves.

pub mod atomic;
pub mod batching;
pub mod checkpoint;
pub mod cli;
pub mod data;
pub mod download;
pub mod figures;
pub mod idx;
pub mod losses;
pub mod paths;
pub mod progress;
pub mod report;
pub mod split;
pub mod summary;
/// Helpers for the chapters' command-line tests; chapters enable the feature
/// in their `[dev-dependencies]`, so it is no part of the library they run on.
#[cfg(feature = "testing")]
pub mod testing;
pub mod training;
