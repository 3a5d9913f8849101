//! Shared plumbing for the chapters of *Autoencoders in Rust*.
//!
//! Each chapter crate tells its own story and leans on this crate for everything
//! that is not the point of the chapter. Dependencies flow one way:
//! [`training`] sits on [`batching`], which sits on [`data`], which sits on
//! [`download`]; [`figures`] and [`checkpoint`] are leaves.

pub mod batching;
pub mod checkpoint;
pub mod cli;
pub mod data;
pub mod download;
pub mod figures;
pub mod idx;
pub mod losses;
pub mod progress;
pub mod split;
pub mod summary;
pub mod testing;
pub mod training;
