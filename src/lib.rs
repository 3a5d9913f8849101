//! The book's own machinery: the include expander shared with `build.rs`, and
//! the rules every page must follow. With `cargo test`, rustdoc also receives
//! every page of the book (expanded by `build.rs`) and runs its Rust blocks.

pub mod expand;
pub mod policy;

#[cfg(doctest)]
include!(concat!(env!("OUT_DIR"), "/pages.rs"));
