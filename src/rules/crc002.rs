#![doc = include_str!("docs/CRC002.md")]

use super::{Refusal, Subject};
use crate::catalogue::Catalogue;
use crate::findings::{Code, Finding};

/// CRC002: the provider is allowed for the tier, this region or endpoint is
/// not. Each disallowed region of a resource is reported once.
pub fn check(s: &Subject, cat: &Catalogue) -> Vec<Finding> {
    let mut out = Vec::new();
    for refusal in s.refusals(cat, &s.target()) {
        match refusal {
            Refusal::Region(region) => {
                let at = match &s.r.endpoint {
                    Some(e) => format!("{region} (endpoint {e})"),
                    None => region.clone(),
                };
                out.push(s.finding(
                    Code::Crc002,
                    Some(&region),
                    format!(
                        "{} is placed in {at}, which {} does not allow",
                        s.r.address,
                        s.tier_name()
                    ),
                ));
            }
            Refusal::Endpoint => {
                let at = match &s.r.endpoint {
                    Some(e) => format!("endpoint {e}"),
                    None => format!("the default endpoint of {}", s.r.provider),
                };
                out.push(s.finding(
                    Code::Crc002,
                    None,
                    format!(
                        "{} is placed at {at}, which {} does not allow",
                        s.r.address,
                        s.tier_name()
                    ),
                ));
            }
            // CRC001 and CRC007.
            Refusal::Provider | Refusal::Global => {}
        }
    }
    out
}
