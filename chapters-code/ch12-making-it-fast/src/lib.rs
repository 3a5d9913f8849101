//! Chapter 12: making training fast, and measuring it honestly.
//!
//! The chapter's models are the book's own: chapter 3's simple and deep
//! autoencoders, chapter 6's sparse one and chapter 7's linear one. Each
//! comes in two builds ([`models`]): the chapter's own, dfdx's layers,
//! `Adam` and losses, and its fused twin (`ae_fast::Fuse`); [`timing`] trains
//! either for whole epochs, with the figures of merit [`machine`] supplies;
//! [`compare`] sets them beside Keras 3, round by round.

pub mod compare;
pub mod machine;
pub mod models;
pub mod timing;
