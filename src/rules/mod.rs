//! The rules of SPEC §5: one file per rule, with its check; each rule's
//! documentation is `docs/CRCxxx.md` beside this file, which is both its doc
//! comment and what `cercle explain` prints.

pub mod crc001;
pub mod crc002;
pub mod crc003;
pub mod crc005;
pub mod crc006;
pub mod crc007;
pub mod crc009;

use crate::analyse::{Analysis, Resource};
use crate::catalogue::Catalogue;
use crate::findings::{Code, Finding, PlacementSummary, Related};
use crate::place::PlaceKind;
use crate::policy::packs::{Pack, Place, Set, Tier};
use crate::policy::tier::Declared;

/// The documentation of every rule, by code.
pub const DOCS: [(Code, &str); 10] = [
    (Code::Crc000, include_str!("docs/CRC000.md")),
    (Code::Crc001, include_str!("docs/CRC001.md")),
    (Code::Crc002, include_str!("docs/CRC002.md")),
    (Code::Crc003, include_str!("docs/CRC003.md")),
    (Code::Crc004, include_str!("docs/CRC004.md")),
    (Code::Crc005, include_str!("docs/CRC005.md")),
    (Code::Crc006, include_str!("docs/CRC006.md")),
    (Code::Crc007, include_str!("docs/CRC007.md")),
    (Code::Crc008, include_str!("docs/CRC008.md")),
    (Code::Crc009, include_str!("docs/CRC009.md")),
];

/// The documentation of a rule.
pub fn doc(code: Code) -> &'static str {
    DOCS.iter()
        .find(|(c, _)| *c == code)
        .map(|(_, d)| *d)
        .unwrap_or("")
}

/// Everything a rule may look at.
pub struct Ctx<'a> {
    pub an: &'a Analysis,
    pub cat: &'a Catalogue,
    pub packs: &'a [Pack],
    /// The tier of each resource (same order as `an.resources`).
    pub tiers: &'a [crate::policy::tier::ResourceTier],
}

/// One resource checked by one pack under one tier.
pub struct Subject<'a> {
    pub r: &'a Resource,
    pub pack: &'a Pack,
    pub tier: &'a Tier,
    pub declared: &'a Declared,
    /// Several packs are active: messages name the pack.
    pub many_packs: bool,
}

impl Subject<'_> {
    pub fn sets(&self) -> Vec<&Set> {
        self.tier
            .allows
            .iter()
            .filter_map(|s| self.pack.sets.get(s))
            .collect()
    }

    pub fn provider_allowed(&self, cat: &Catalogue) -> bool {
        self.sets()
            .iter()
            .any(|s| s.names_provider(cat, &self.r.provider))
    }

    pub fn allowed(&self, cat: &Catalogue, region: Option<&str>) -> bool {
        self.allows(
            cat,
            &Place {
                provider: &self.r.provider,
                region,
                endpoint: self.r.endpoint.as_deref(),
            },
        )
    }

    /// Whether the tier allows a placement (of this resource or another).
    pub fn allows(&self, cat: &Catalogue, p: &Place) -> bool {
        self.sets().iter().any(|s| s.contains(cat, p))
    }

    /// Whether the tier allows a provider everywhere (a global service of it).
    pub fn allows_everywhere(&self, provider: &str) -> bool {
        self.sets().iter().any(|set| {
            set.any
                || set.placements.iter().any(|e| {
                    e.provider.eq_ignore_ascii_case(provider)
                        && e.regions.is_empty()
                        && e.endpoint.is_none()
                })
        })
    }

    /// What the tier does not allow of a placement: its provider, else each
    /// region, its endpoint, or its global service (CRC001, CRC002, CRC007
    /// for a resource; CRC005 for a copy's destination).
    pub fn refusals(&self, cat: &Catalogue, t: &Target) -> Vec<Refusal> {
        if t.kind == PlaceKind::Inert {
            return Vec::new();
        }
        if !self
            .sets()
            .iter()
            .any(|s| s.names_provider(cat, t.provider))
        {
            return vec![Refusal::Provider];
        }
        // A provider with no default endpoint whose endpoint is not known:
        // no region can be judged without it; CRC003 names what is missing.
        if t.endpoint.is_none()
            && cat
                .provider(t.provider)
                .is_some_and(|p| !p.endpoint_env.is_empty())
        {
            return Vec::new();
        }
        let place = |region| Place {
            provider: t.provider,
            region,
            endpoint: t.endpoint,
        };
        match t.kind {
            PlaceKind::Regional => t
                .regions
                .iter()
                .filter(|r| !self.allows(cat, &place(Some(r.as_str()))))
                .map(|r| Refusal::Region(r.clone()))
                .collect(),
            PlaceKind::Endpoint if !self.allows(cat, &place(None)) => vec![Refusal::Endpoint],
            PlaceKind::Global { holds_data: true } if !self.allows_everywhere(t.provider) => {
                vec![Refusal::Global]
            }
            _ => Vec::new(),
        }
    }

    /// This resource's own placement.
    pub fn target(&self) -> Target<'_> {
        Target {
            provider: &self.r.provider,
            kind: self.r.kind,
            regions: &self.r.regions,
            endpoint: self.r.endpoint.as_deref(),
        }
    }

    /// `tier 'sensible'` or `tier 'sensible' of fr-cloud-au-centre`.
    pub fn tier_name(&self) -> String {
        if self.many_packs {
            format!("tier '{}' of {}", self.tier.id, self.pack.id)
        } else {
            format!("tier '{}'", self.tier.id)
        }
    }

    /// A finding about this resource with its tier, placement, related
    /// locations and help line.
    pub fn finding(&self, code: Code, region: Option<&str>, message: String) -> Finding {
        let mut f = Finding::new(code, self.r.primary.file, Some(self.r.primary), message);
        f.address = Some(self.r.address.to_string());
        f.block = Some(self.r.head);
        f.tier = Some(self.tier.id.clone());
        f.placement = Some(PlacementSummary {
            provider: self.r.provider.to_string(),
            region: region.map(str::to_string),
            endpoint: self.r.endpoint.as_deref().map(str::to_string),
        });
        f.related = self.r.origins.to_vec();
        if let Some(s) = self.declared.span {
            f.related.push(Related {
                span: s,
                message: format!("tier '{}' declared here", self.tier.id),
            });
        }
        f.related.retain(|r| r.span != self.r.primary);
        f.help = Some(format!(
            "{} allows: {}",
            self.tier_name(),
            self.pack.allows_text(self.tier)
        ));
        f
    }
}

/// A placement to check against a tier.
pub struct Target<'a> {
    pub provider: &'a str,
    pub kind: PlaceKind,
    pub regions: &'a [String],
    pub endpoint: Option<&'a str>,
}

/// What a tier does not allow of a placement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The provider, anywhere.
    Provider,
    /// This region (of a regional placement).
    Region(String),
    /// The endpoint (of a placement by endpoint).
    Endpoint,
    /// A global service that holds data.
    Global,
}

/// Runs the placement rules on every resource that has a tier, for every
/// active pack that defines it.
pub fn check_placements(ctx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    let many = ctx.packs.len() > 1;
    for (r, d) in ctx.an.resources.iter().zip(ctx.tiers) {
        let Some(d) = d else { continue };
        for pack in ctx.packs {
            let Some(tier) = d.in_pack(pack) else {
                continue;
            };
            let s = Subject {
                r,
                pack,
                tier,
                declared: d,
                many_packs: many,
            };
            if let Some(f) = crc001::check(&s, ctx.cat) {
                out.push(f);
                continue;
            }
            out.extend(crc002::check(&s, ctx.cat));
            out.extend(crc007::check(&s, ctx.cat));
        }
    }
    out
}
