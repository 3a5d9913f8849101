//! The memory allocator of every program that links this crate.
//!
//! A training step allocates and frees the same few buffers of hundreds of
//! kilobytes each, thousands of times per epoch. The system allocator hands
//! buffers that large straight back to the operating system when they are
//! freed, so the next step pays for fresh pages all over again: system calls,
//! page faults, zeroing, and on two threads, flushing each other's address
//! translations. mimalloc keeps freed memory and reuses it.

#[cfg(not(feature = "system-allocator"))]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
