#![doc = include_str!("docs/CRC005.md")]

use super::{Ctx, Refusal, Rule, Subject, Target};
use crate::analyse::Resource;
use crate::findings::{Code, Finding, PlacementSummary, Related};
use crate::place::egress::Egress;
use std::collections::HashMap;

/// CRC005 data-egress.
pub struct DataEgress;

impl Rule for DataEgress {
    fn code(&self) -> Code {
        Code::Crc005
    }

    fn doc(&self) -> &'static str {
        include_str!("docs/CRC005.md")
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

/// A copy of data goes to a placement the tier of the copied data
/// does not allow. The tier is the source's (the resource whose data is
/// copied; for a copy of its own data, the resource's); once per
/// destination region, at the argument that names the destination.
fn check(ctx: &Ctx) -> Vec<Finding> {
    let rs = &ctx.an.resources;
    if rs.iter().all(|r| r.egress.is_empty()) {
        return Vec::new();
    }
    let index: HashMap<(usize, &str), usize> = rs
        .iter()
        .enumerate()
        .map(|(i, r)| ((r.root as usize, &*r.address), i))
        .collect();
    let many = ctx.packs.len() > 1;
    let mut out = Vec::new();
    for (i, r) in rs.iter().enumerate() {
        for e in &r.egress {
            let source = match &e.source {
                Some((addr, _)) => index.get(&(r.root as usize, addr.as_str())).copied(),
                None => Some(i),
            };
            // The tier of the copied data; a configuration whose source has no
            // tier falls back to its own. A replica has no other tier to use.
            let tiered = |j: usize| ctx.tiers[j].as_ref().map(|d| (j, d));
            let Some((j, declared)) = source
                .and_then(tiered)
                .or_else(|| if e.itself { None } else { tiered(i) })
            else {
                continue;
            };
            for pack in ctx.packs {
                let Some(tier) = declared.in_pack(pack) else {
                    continue;
                };
                // A replica with the tier of its source: CRC002 already
                // checks its placement against that tier.
                if e.itself
                    && ctx.tiers[i]
                        .as_ref()
                        .and_then(|d| d.in_pack(pack))
                        .is_some_and(|t| t.id == tier.id)
                {
                    continue;
                }
                let s = Subject {
                    r: &rs[j],
                    pack,
                    tier,
                    declared,
                    many_packs: many,
                };
                let regions: Vec<String> = e.regions.iter().map(|(r, _)| r.clone()).collect();
                let target = Target {
                    provider: &e.provider,
                    kind: e.kind,
                    regions: &regions,
                    endpoint: e.endpoint.as_deref(),
                };
                for refusal in s.refusals(ctx.cat, &target) {
                    out.push(finding(r, e, &s, &refusal, i == j));
                }
            }
        }
    }
    out
}

fn finding(r: &Resource, e: &Egress, s: &Subject, refusal: &Refusal, own: bool) -> Finding {
    let region = match refusal {
        Refusal::Region(x) => Some(x.clone()),
        Refusal::Provider => e.regions.first().map(|(x, _)| x.clone()),
        Refusal::Endpoint | Refusal::Global => None,
    };
    let mut at = match (&region, &e.endpoint) {
        (Some(x), Some(ep)) => format!("{x} (endpoint {ep})"),
        (Some(x), None) => x.clone(),
        (None, Some(ep)) => format!("endpoint {ep}"),
        (None, None) => format!("the default endpoint of {}", e.provider),
    };
    if *refusal == Refusal::Global {
        at = format!("a global service of {}", e.provider);
    }
    if let Some(d) = &e.dest {
        at = format!("{at} ({d})");
    }
    let why = match refusal {
        Refusal::Provider => format!(
            "whose provider {} that tier does not allow anywhere",
            e.provider
        ),
        _ => "which that tier does not allow".to_string(),
    };
    let tier = s.tier_name();
    let message = match (&e.source, e.itself, own) {
        (Some((src, _)), true, _) => format!(
            "{} is a copy of the data of {src} ({tier}) placed in {at}, {why}",
            r.address
        ),
        (Some((src, _)), false, false) => format!(
            "{} copies the data of {src} ({tier}) to {at}, {why}",
            r.address
        ),
        _ => format!("{} copies its data ({tier}) to {at}, {why}", r.address),
    };
    let mut f = Finding::new(Code::Crc005, e.span.file, Some(e.span), message);
    f.address = Some(r.address.to_string());
    f.root = Some(r.root);
    f.block = Some(r.head);
    f.tier = Some(s.tier.id.clone());
    f.placement = Some(PlacementSummary {
        provider: e.provider.clone(),
        region: region.clone(),
        endpoint: e.endpoint.clone(),
    });
    for (x, origins) in &e.regions {
        if region.as_deref() == Some(x.as_str()) {
            f.related.extend(origins.iter().cloned());
        }
    }
    if let Some((src, span)) = &e.source {
        f.related.push(Related {
            span: *span,
            message: format!("the data of {src}"),
        });
    }
    if let Some(span) = s.declared.span {
        f.related.push(Related {
            span,
            message: format!("tier '{}' declared here", s.tier.id),
        });
    }
    let mut seen = Vec::new();
    f.related.retain(|x| {
        x.span != e.span && !seen.contains(&x.span) && {
            seen.push(x.span);
            true
        }
    });
    f.help = Some(format!(
        "{} allows: {}",
        s.tier_name(),
        s.pack.allows_text(s.tier)
    ));
    f
}
