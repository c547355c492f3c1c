#![doc = include_str!("docs/CRC002.md")]

use super::{Ctx, Refusal, Rule, Subject};
use crate::catalogue::Catalogue;
use crate::findings::{Code, Finding};

/// CRC002 region-not-allowed.
pub struct RegionNotAllowed;

impl Rule for RegionNotAllowed {
    fn code(&self) -> Code {
        Code::Crc002
    }

    fn doc(&self) -> &'static str {
        include_str!("docs/CRC002.md")
    }

    fn security_severity(&self) -> &'static str {
        "8.0"
    }

    fn precision(&self) -> &'static str {
        "high"
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Finding>) {
        for s in ctx.subjects() {
            check(&s, ctx.cat, out);
        }
    }
}

/// The provider is allowed for the tier, this region or endpoint is not.
/// Each disallowed region of a resource is reported once (a provider the
/// tier does not allow at all is CRC001's).
fn check(s: &Subject, cat: &Catalogue, out: &mut Vec<Finding>) {
    for refusal in s.refusals(cat, &s.target()) {
        match refusal {
            Refusal::Region(region) => {
                let named = super::region_named(cat, &s.r.provider, &region);
                let at = match &s.r.endpoint {
                    Some(e) => format!("{named} (endpoint {e})"),
                    None => named,
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
}
