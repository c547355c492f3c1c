//! The process: allocator and kernel knobs (the only place `unsafe` is
//! allowed), the terminal, stage marks.

pub mod concat;
pub mod memory;
pub mod stages;
pub mod term;
