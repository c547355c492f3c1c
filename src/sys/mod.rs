//! The process: allocator and kernel knobs, stage marks.

pub mod stages;
