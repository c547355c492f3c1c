//! `cercle explain CODE`: the documentation of one rule, from the registry.

use super::output::write_out;
use super::{Error, Status};
use crate::findings::Code;

/// Prints the documentation of a rule named by its code or its name.
pub fn run(code: &str) -> Result<Status, Error> {
    let Some(c) = Code::parse(code) else {
        return Err(Error::Usage(format!(
            "unknown rule {code:?}: expected a code CRC000..CRC009 or a name such as region-not-allowed"
        )));
    };
    write_out(&None, crate::rules::get(c).doc())?;
    Ok(Status::Success)
}
