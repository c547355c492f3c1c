#![doc = include_str!("docs/CRC001.md")]

use super::Subject;
use crate::catalogue::Catalogue;
use crate::findings::{Code, Finding};
use crate::place::PlaceKind;

/// CRC001: the provider is allowed nowhere by the tier. Once per resource.
pub fn check(s: &Subject, cat: &Catalogue) -> Option<Finding> {
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
