//! Parsing: one parse per file, in parallel, into the syntax-neutral model.

pub mod load;

pub mod error;
pub mod fast;
pub mod hcl;
pub mod json;
pub mod skim;
pub mod tf_json;
