//! The memory allocator the book's training programs choose.
//!
//! A training step allocates and frees the same few buffers of hundreds of
//! kilobytes each, thousands of times per epoch. The system allocator hands
//! buffers that large straight back to the operating system when they are
//! freed, so the next step pays for fresh pages all over again: system calls,
//! page faults, zeroing, and on two threads, flushing each other's address
//! translations. mimalloc keeps freed memory and reuses it.
//!
//! A library must not pick the allocator for the programs that use it, so
//! each chapter's `main.rs` declares it:
//! `#[global_allocator] static ALLOCATOR: ae_fast::Allocator = ae_fast::Allocator;`

/// mimalloc, for a program's `#[global_allocator]`.
pub use mimalloc::MiMalloc as Allocator;
