//! `cercle explain CODE`: the documentation of one rule, from the registry.

use super::output::write_out;
use super::{Error, Status};
use crate::findings::Code;

/// Prints the documentation of a rule named by its code or its name, or,
/// without one, the list of rules.
pub fn run(code: Option<&str>) -> Result<Status, Error> {
    let Some(code) = code else {
        write_out(&None, &list())?;
        return Ok(Status::Success);
    };
    let Some(c) = Code::parse(code) else {
        return Err(Error::Usage(format!(
            "unknown rule {code:?}: expected a code CRC000..CRC009 or a name such as region-not-allowed"
        )));
    };
    write_out(&None, crate::rules::get(c).doc())?;
    Ok(Status::Success)
}

/// Every rule: code, name, default severity and what a finding means.
pub fn list() -> String {
    use strum::IntoEnumIterator;
    let codes: Vec<Code> = Code::iter().collect();
    let w = codes.iter().map(|c| c.name().len()).max().unwrap_or(0);
    let mut out = String::new();
    for c in codes {
        out.push_str(&format!(
            "{}  {:<w$}  {:<7}  {}\n",
            c.as_str(),
            c.name(),
            c.default_severity().as_str(),
            c.description()
        ));
    }
    out.push_str("\n`cercle explain CODE` (or NAME) documents one rule.\n");
    out
}
