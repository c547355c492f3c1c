#![doc = include_str!("docs/CRC004.md")]
//!
//! Emitted where tiers are resolved: `policy::tier` for the tiers of the code
//! (tags, comments), `check::tiers` for those of the configuration.

use super::{Ctx, Rule};
use crate::findings::{Code, Finding};

/// CRC004 unknown-tier.
pub struct UnknownTier;

impl Rule for UnknownTier {
    fn code(&self) -> Code {
        Code::Crc004
    }

    fn doc(&self) -> &'static str {
        include_str!("docs/CRC004.md")
    }

    fn security_severity(&self) -> &'static str {
        "6.0"
    }

    fn precision(&self) -> &'static str {
        "very-high"
    }

    /// Emitted by another stage (above).
    fn check(&self, _: &Ctx, _: &mut Vec<Finding>) {}
}
