#![doc = include_str!("docs/CRC001.md")]

use super::{Ctx, Rule, Subject};
use crate::catalogue::Catalogue;
use crate::findings::{Code, Finding};
use crate::place::PlaceKind;

/// CRC001 provider-not-allowed.
pub struct ProviderNotAllowed;

impl Rule for ProviderNotAllowed {
    fn code(&self) -> Code {
        Code::Crc001
    }

    fn doc(&self) -> &'static str {
        include_str!("docs/CRC001.md")
    }

    fn security_severity(&self) -> &'static str {
        "8.0"
    }

    fn precision(&self) -> &'static str {
        "high"
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Finding>) {
        out.extend(ctx.subjects().filter_map(|s| check(&s, ctx.cat)));
    }
}

/// The provider is allowed nowhere by the tier: once per resource and pack.
/// CRC002 and CRC007 say nothing of such a resource.
fn check(s: &Subject, cat: &Catalogue) -> Option<Finding> {
    if s.r.kind == PlaceKind::Inert || s.provider_allowed(cat) {
        return None;
    }
    let known = cat.provider(&s.r.provider).is_some();
    let mut f = s.finding(
        Code::Crc001,
        None,
        format!(
            "{} uses provider {}, which {} does not allow anywhere{}",
            s.r.address,
            s.r.provider,
            s.tier_name(),
            if known {
                ""
            } else {
                " (a provider cercle's catalogue does not know)"
            }
        ),
    );
    if let Some(p) = &mut f.placement {
        p.region = s.r.regions.first().cloned();
    }
    Some(f)
}
