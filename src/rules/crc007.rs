#![doc = include_str!("docs/CRC007.md")]

use super::Subject;
use crate::catalogue::Catalogue;
use crate::findings::{Code, Finding};
use crate::place::PlaceKind;

/// CRC007: a global type that holds or serves data, under a tier that does not
/// allow its provider everywhere. Control-plane global types pass when their
/// provider is allowed (CRC001 otherwise).
pub fn check(s: &Subject, cat: &Catalogue) -> Option<Finding> {
    let PlaceKind::Global { holds_data: true } = s.r.kind else {
        return None;
    };
    if s.allows_everywhere(&s.r.provider) {
        return None;
    }
    let _ = cat;
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
