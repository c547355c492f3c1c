#![doc = include_str!("docs/CRC008.md")]
//!
//! Emitted where ignore comments are applied to the findings (`check::suppress`),
//! since whether a comment suppresses anything is known only then.

use super::{Ctx, Rule};
use crate::findings::{Code, Finding};

/// CRC008 bad-suppression.
pub struct BadSuppression;

impl Rule for BadSuppression {
    fn code(&self) -> Code {
        Code::Crc008
    }

    fn doc(&self) -> &'static str {
        include_str!("docs/CRC008.md")
    }

    fn security_severity(&self) -> &'static str {
        "4.0"
    }

    fn precision(&self) -> &'static str {
        "very-high"
    }

    /// Emitted by another stage (above).
    fn check(&self, _: &Ctx, _: &mut Vec<Finding>) {}
}
