#![doc = include_str!("docs/CRC006.md")]
//!
//! The backend is placed by [`crate::place::backend`].

use super::{Ctx, Rule};
use crate::findings::{Code, Finding, PlacementSummary, Related};
use crate::place::backend::backend_place;
use crate::policy::packs::Place;

/// CRC006 state-backend.
pub struct StateBackend;

impl Rule for StateBackend {
    fn code(&self) -> Code {
        Code::Crc006
    }

    fn doc(&self) -> &'static str {
        include_str!("docs/CRC006.md")
    }

    fn security_severity(&self) -> &'static str {
        "8.0"
    }

    fn precision(&self) -> &'static str {
        "high"
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Finding>) {
        out.extend(check(ctx));
    }
}

/// CRC006 (and CRC003 for a backend whose location is unknown): the state
/// backend of each root module, checked against the most sensitive tier of the
/// module's resources, per pack.
fn check(ctx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    // The tiered resources of each root, in one pass.
    let mut by_root: std::collections::HashMap<usize, Vec<usize>> = Default::default();
    for (i, r) in ctx.an.resources.iter().enumerate() {
        if ctx.tiers[i].is_some() {
            by_root.entry(r.root as usize).or_default().push(i);
        }
    }
    for &root in &ctx.an.roots {
        let m = &ctx.an.modules[root];
        let Some((block, _)) = &m.backend else {
            continue;
        };
        let Some(bp) = backend_place(block, ctx.cat) else {
            continue;
        };
        let Some(tiered) = by_root.get(&root) else {
            continue;
        };
        if let Some(u) = &bp.unresolved {
            let mut f = Finding::new(
                Code::Crc003,
                bp.span.file,
                Some(bp.span),
                format!(
                    "the {} state backend's location cannot be determined: {u}",
                    bp.kind
                ),
            );
            f.root = Some(root as u32);
            f.placement = Some(PlacementSummary {
                provider: bp.provider.clone(),
                region: None,
                endpoint: bp.endpoint.clone(),
            });
            out.push(f);
            continue;
        }
        for pack in ctx.packs {
            // The most sensitive tier of the module's resources in this pack.
            let best = tiered
                .iter()
                .filter_map(|i| {
                    let d = ctx.tiers[*i].as_ref()?;
                    d.in_pack(pack).map(|t| (t, *i))
                })
                .min_by_key(|(t, _)| t.rank);
            let Some((tier, which)) = best else { continue };
            let place = Place {
                provider: &bp.provider,
                region: bp.region.as_deref(),
                endpoint: bp.endpoint.as_deref(),
            };
            let allowed = tier
                .allows
                .iter()
                .filter_map(|s| pack.sets.get(s))
                .any(|s| s.contains(ctx.cat, &place));
            if allowed {
                continue;
            }
            let r = &ctx.an.resources[which];
            let at = match (&bp.region, &bp.endpoint) {
                (Some(reg), Some(e)) => format!("{} {reg} at {e}", bp.provider),
                (Some(reg), None) => format!("{} {reg}", bp.provider),
                (None, Some(e)) => format!("{} at {e}", bp.provider),
                (None, None) => bp.provider.clone(),
            };
            let tier_name = if ctx.packs.len() > 1 {
                format!("tier '{}' of {}", tier.id, pack.id)
            } else {
                format!("tier '{}'", tier.id)
            };
            let mut f = Finding::new(
                Code::Crc006,
                bp.span.file,
                Some(bp.span),
                format!(
                    "the {} state backend stores the state in {at}, which {tier_name} (of {}) does not allow",
                    bp.kind, r.address
                ),
            );
            f.tier = Some(tier.id.clone());
            f.block = Some(block.head_span());
            f.root = Some(root as u32);
            f.placement = Some(PlacementSummary {
                provider: bp.provider.clone(),
                region: bp.region.clone(),
                endpoint: bp.endpoint.clone(),
            });
            f.related.push(Related {
                span: r.head,
                message: format!("{} has {tier_name}, the module's most sensitive", r.address),
            });
            if let Some(s) = ctx.tiers[which].as_ref().and_then(|d| d.span) {
                f.related.push(Related {
                    span: s,
                    message: format!("tier '{}' declared here", tier.id),
                });
            }
            f.help = Some(format!("{tier_name} allows: {}", pack.allows_text(tier)));
            out.push(f);
        }
    }
    out
}
