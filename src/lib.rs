//! cercle: where every resource of a Terraform configuration runs, and whether
//! its data may be there.
//!
//! The pipeline, one module per stage, data flowing one way:
//! [`discover`] → [`load`] (parse, in parallel) → [`module`] (assemble) →
//! [`eval`] and [`place`] (per root module, in parallel) → checks → reports.

pub mod arm;
pub mod baseline;
pub mod catalogue;
pub mod check;
pub mod config;
pub mod discover;
pub mod early;
pub mod egress;
pub mod eval;
pub mod files;
pub mod findings;
pub mod funcs;
pub mod funcs_more;
pub mod fxhash;
pub mod load;
pub mod model;
pub mod module;
pub mod overrides;
pub mod packs;
pub mod parse;
pub mod pipeline;
pub mod place;
pub mod plan;
pub mod provider_each;
pub mod report;
pub mod rules;
pub mod source;
pub mod stages;
pub mod suppress;
pub mod tags;
pub mod tier;
pub mod value;

pub use pipeline::{Analysis, Options, Resource, analyse};
