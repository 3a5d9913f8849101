//! Shared plumbing for the chapters of *Autoencoders in Rust*.
//!
//! Each chapter crate tells its own story and leans on this crate for everything
//! that is not the point of the chapter. Dependencies flow one way:
//!
//! - [`cli`] (the flags) sits on [`data`], [`training`], [`report`], [`paths`]
//!   and [`interrupt`];
//! - [`data`] sits on [`download`], [`idx`] and [`split`]; [`report`] on [`data`];
//! - [`training`] sits on [`batching`] and [`progress`];
//! - [`figures`] and [`checkpoint`] sit on [`atomic`];
//! - [`losses`], [`summary`] and the rest are leaves.

pub mod atomic;
pub mod batching;
pub mod checkpoint;
pub mod cli;
pub mod data;
pub mod download;
pub mod figures;
pub mod idx;
pub mod interrupt;
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
