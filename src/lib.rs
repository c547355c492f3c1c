//! cercle: where every resource of a Terraform configuration runs, and whether
//! its data may be there.
//!
//! The pipeline, one module per stage, data flowing one way (ARCHITECTURE.md):
//! [`discover`] → [`parse`] (in parallel) → [`assemble`] → [`eval`] and
//! [`place`] (per root module, in parallel; orchestrated by [`analyse`], into
//! an [`analysis::Analysis`]) → [`policy`] (tiers) → [`rules`] → [`check`]
//! (suppressions, baseline) → [`report`]; [`commands`] runs them for the CLI.

pub mod analyse;
pub mod analysis;
pub mod assemble;
pub mod catalogue;
pub mod check;
pub mod commands;
pub mod discover;
pub mod eval;
pub mod findings;
pub mod model;
pub mod parse;
pub mod place;
pub mod policy;
pub mod report;
pub mod rules;
pub mod source;
pub mod sys;

pub use analyse::{Analysis, Options, Resource, analyse};
