#![doc = include_str!("docs/CRC003.md")]

use super::{Ctx, Rule};
use crate::analyse::Resource;
use crate::findings::{Code, Finding, PlacementSummary, Related};
use crate::place::PlaceKind;

/// CRC003 placement-unresolved (of a resource here; of a state backend in
/// `state_backend.rs`; of an expression evaluation gave up on, in `eval`).
pub struct PlacementUnresolved;

impl Rule for PlacementUnresolved {
    fn code(&self) -> Code {
        Code::Crc003
    }

    fn doc(&self) -> &'static str {
        include_str!("docs/CRC003.md")
    }

    fn security_severity(&self) -> &'static str {
        "5.0"
    }

    /// CRC003 depends on what static evaluation can see.
    fn precision(&self) -> &'static str {
        "medium"
    }

    /// Only where a placement would matter: a resource with a tier that
    /// does not allow every placement, whose provider that tier allows
    /// (else CRC001 says all there is to say).
    fn check(&self, ctx: &Ctx, out: &mut Vec<Finding>) {
        for (i, r) in ctx.an.resources.iter().enumerate() {
            if r.unresolved.is_none() {
                continue;
            }
            let subjects: Vec<_> = ctx.subjects_of(i).collect();
            let matters = !subjects.is_empty()
                && !subjects.iter().all(|s| s.allows_anything())
                && subjects.iter().all(|s| s.provider_allowed(ctx.cat));
            if matters {
                out.extend(check(r));
            }
        }
    }
}

/// The placement of a resource cannot be determined statically. One
/// per resource, at its own region or provider argument, with the expression
/// that could not be resolved as a related location.
fn check(r: &Resource) -> Option<Finding> {
    if matches!(r.kind, PlaceKind::Inert | PlaceKind::Global { .. }) {
        return None;
    }
    let u = r.unresolved.as_ref()?;
    let mut f = Finding::new(
        Code::Crc003,
        r.primary.file,
        Some(r.primary),
        format!(
            "the placement of {} cannot be determined: {}",
            r.address, u.what
        ),
    );
    f.address = Some(r.address.to_string());
    f.root = Some(r.root);
    f.block = Some(r.head);
    f.placement = Some(PlacementSummary {
        provider: r.provider.to_string(),
        region: None,
        endpoint: r.endpoint.as_deref().map(str::to_string),
    });
    if u.span != r.primary {
        f.related.push(Related {
            span: u.span,
            message: "this cannot be resolved statically".to_string(),
        });
    }
    f.related
        .extend(r.origins.iter().filter(|o| o.span != r.primary).cloned());
    f.help = Some(if *r.provider == *crate::place::arm::PROVIDER {
        "write the location in the template (a literal, or a parameter's defaultValue)".to_string()
    } else {
        "set it in the configuration (a literal, a variable default or a tfvars value), or pass it with --var"
            .to_string()
    });
    Some(f)
}
