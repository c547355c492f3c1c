//! The rules of SPEC §5: one file per rule, named for what it checks, each
//! with its check and its documentation (`docs/CRCxxx.md` beside this file:
//! the rule file's doc comment and what `cercle explain` prints).
//!
//! [`REGISTRY`] lists every rule in code order; findings (through
//! `findings::RULES`, the rule's name, default severity and summary),
//! `cercle explain`, `docs/rules/` and the SARIF report read it. A rule that
//! another stage emits (CRC000 while parsing, CRC004 while resolving tiers,
//! CRC008 while applying ignore comments) is registered here too, with an
//! empty check.
//!
//! A new rule: a variant of `findings::Code` and its row of
//! `findings::RULES`, a file here with a unit struct that implements [`Rule`],
//! its `docs/CRCxxx.md`, its entry in [`REGISTRY`], and a fixture folder
//! `fixtures/rules/<name>/` (tests/rules.rs snapshots it).

mod bad_suppression;
mod data_egress;
mod global_service;
mod parse_error;
mod placement_unresolved;
mod provider_not_allowed;
mod region_not_allowed;
pub mod state_backend;
mod tier_undeclared;
mod unknown_tier;

use crate::analyse::{Analysis, Resource};
use crate::catalogue::Catalogue;
use crate::findings::{Code, Finding, PlacementSummary, Related, Severity};
use crate::place::PlaceKind;
use crate::policy::packs::{Pack, Place, Set, Tier};
use crate::policy::tier::Declared;
use strum::EnumCount;

/// A rule of SPEC §5.
pub trait Rule: Sync {
    /// Its code; its name, default severity and summary are the code's row
    /// of `findings::RULES`.
    fn code(&self) -> Code;

    /// Its documentation (its `docs/CRCxxx.md`): what it checks, why, an
    /// example that fails and the fix.
    fn doc(&self) -> &'static str;

    /// GitHub code scanning's `security-severity` (0 to 10: 9+ critical, 7+
    /// high, 4+ medium, else low): data placed where its tier forbids is high.
    fn security_severity(&self) -> &'static str;

    /// How often a finding of the rule is right (SARIF `precision`).
    fn precision(&self) -> &'static str;

    /// Appends the rule's findings, each with its default severity (the
    /// configuration's severities apply after).
    fn check(&self, ctx: &Ctx, out: &mut Vec<Finding>);

    fn name(&self) -> &'static str {
        self.code().name()
    }

    fn default_severity(&self) -> Severity {
        self.code().default_severity()
    }

    /// One sentence: what a finding means.
    fn summary(&self) -> &'static str {
        self.code().description()
    }
}

/// Every rule, in code order (`REGISTRY[code as usize]` is the rule of `code`).
pub static REGISTRY: [&dyn Rule; Code::COUNT] = [
    &parse_error::ParseError,
    &provider_not_allowed::ProviderNotAllowed,
    &region_not_allowed::RegionNotAllowed,
    &placement_unresolved::PlacementUnresolved,
    &unknown_tier::UnknownTier,
    &data_egress::DataEgress,
    &state_backend::StateBackend,
    &global_service::GlobalService,
    &bad_suppression::BadSuppression,
    &tier_undeclared::TierUndeclared,
];

/// The rule of a code.
pub fn get(code: Code) -> &'static dyn Rule {
    REGISTRY[code as usize]
}

/// The documentation of a rule.
pub fn doc(code: Code) -> &'static str {
    get(code).doc()
}

/// Runs every rule, in code order (within a code, the findings keep the order
/// the rule emits them: the sort of the reports is stable).
pub fn check_all(ctx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    for rule in REGISTRY {
        rule.check(ctx, &mut out);
    }
    out
}

/// Everything a rule may look at.
pub struct Ctx<'a> {
    pub an: &'a Analysis,
    pub cat: &'a Catalogue,
    pub packs: &'a [Pack],
    /// The tier of each resource (same order as `an.resources`).
    pub tiers: &'a [crate::policy::tier::ResourceTier],
}

impl Ctx<'_> {
    /// Every resource that has a tier, under each active pack that defines
    /// it: what the placement rules check.
    pub fn subjects(&self) -> impl Iterator<Item = Subject<'_>> {
        let many_packs = self.packs.len() > 1;
        self.an
            .resources
            .iter()
            .zip(self.tiers)
            .filter_map(|(r, d)| Some((r, d.as_ref()?)))
            .flat_map(move |(r, declared)| {
                self.packs.iter().filter_map(move |pack| {
                    Some(Subject {
                        r,
                        pack,
                        tier: declared.in_pack(pack)?,
                        declared,
                        many_packs,
                    })
                })
            })
    }
}

impl Ctx<'_> {
    /// The resource at index `i` under each active pack that defines its
    /// tier (none when it has no tier).
    pub fn subjects_of(&self, i: usize) -> impl Iterator<Item = Subject<'_>> {
        let many_packs = self.packs.len() > 1;
        let r = &self.an.resources[i];
        let declared = self.tiers[i].as_ref();
        self.packs.iter().filter_map(move |pack| {
            let declared = declared?;
            Some(Subject {
                r,
                pack,
                tier: declared.in_pack(pack)?,
                declared,
                many_packs,
            })
        })
    }
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

    /// Whether the tier allows every placement (a set `any`).
    pub fn allows_anything(&self) -> bool {
        self.sets().iter().any(|s| s.any)
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
        f.root = Some(self.r.root);
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

/// A region with where it is, from the catalogue: `eu-west-2 (London, GB)`
/// for AWS, `eu-west-2 (Paris, FR)` for Outscale; the bare id when the
/// catalogue does not know the region.
pub fn region_named(cat: &Catalogue, provider: &str, region: &str) -> String {
    match cat.provider(provider).and_then(|p| p.region(region)) {
        Some(r) if !r.name.is_empty() => format!("{region} ({}, {})", r.name, r.country),
        _ => region.to_string(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    #[test]
    fn the_registry_is_in_code_order_and_each_doc_names_its_rule() {
        for c in Code::iter() {
            let rule = get(c);
            assert_eq!(rule.code(), c);
            assert!(
                rule.doc()
                    .starts_with(&format!("# {} {}\n", c.as_str(), rule.name())),
                "{}",
                c.as_str()
            );
        }
    }
}
