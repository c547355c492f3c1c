#![doc = include_str!("docs/CRC000.md")]
//!
//! Emitted where the code is read: a file that cannot be parsed
//! (`parse::load`, `analyse` for a plan or template), a module source that
//! does not exist (`analyse`), a module cycle (`eval`).

use super::{Ctx, Rule};
use crate::findings::{Code, Finding};

/// CRC000 parse-error.
pub struct ParseError;

impl Rule for ParseError {
    fn code(&self) -> Code {
        Code::Crc000
    }

    fn doc(&self) -> &'static str {
        include_str!("docs/CRC000.md")
    }

    fn security_severity(&self) -> &'static str {
        "5.0"
    }

    fn precision(&self) -> &'static str {
        "very-high"
    }

    /// Emitted by another stage (above).
    fn check(&self, _: &Ctx, _: &mut Vec<Finding>) {}
}
