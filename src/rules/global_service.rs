#![doc = include_str!("docs/CRC007.md")]

use super::{Ctx, Rule, Subject};
use crate::catalogue::Catalogue;
use crate::findings::{Code, Finding};
use crate::place::PlaceKind;

/// CRC007 global-service.
pub struct GlobalService;

impl Rule for GlobalService {
    fn code(&self) -> Code {
        Code::Crc007
    }

    fn doc(&self) -> &'static str {
        include_str!("docs/CRC007.md")
    }

    fn security_severity(&self) -> &'static str {
        "7.0"
    }

    fn precision(&self) -> &'static str {
        "high"
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Finding>) {
        out.extend(ctx.subjects().filter_map(|s| check(&s, ctx.cat)));
    }
}

/// A global type that holds or serves data, under a tier that does not allow
/// its provider everywhere. Control-plane global types pass when their
/// provider is allowed; a provider the tier does not allow at all is CRC001's.
fn check(s: &Subject, cat: &Catalogue) -> Option<Finding> {
    let PlaceKind::Global { holds_data: true } = s.r.kind else {
        return None;
    };
    if s.allows_everywhere(&s.r.provider) || !s.provider_allowed(cat) {
        return None;
    }
    Some(s.finding(
        Code::Crc007,
        None,
        format!(
            "{} is a global service of {} that holds or serves data outside any region, which {} does not allow",
            s.r.address,
            s.r.provider,
            s.tier_name()
        ),
    ))
}
