//! Rule packs: tiers and the placement sets each tier allows (SPEC §9).
//!
//! The built-in packs are `rules/packs/*.toml`, with the placement sets they
//! share in `rules/sets.toml`, compiled into the binary; a pack can also be a
//! file given by path. Packs are validated when loaded: a broken pack is an
//! error with the place of the mistake. A pack names sets; sets name
//! placements (a provider, its regions, an endpoint pattern) or rules on the
//! [catalogue](crate::catalogue)'s regions (their jurisdiction, their country).

use crate::catalogue::{Catalogue, Source, normalise_region};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::ops::Range;
use toml::Spanned;

const BUILTIN_SETS: &str = include_str!("../../rules/sets.toml");
/// The built-in packs: (file name, text). The first is the default pack.
pub const BUILTIN_PACKS: &[(&str, &str)] = &[
    (
        "fr-doctrine-2018.toml",
        include_str!("../../rules/packs/fr-doctrine-2018.toml"),
    ),
    (
        "fr-cloud-au-centre.toml",
        include_str!("../../rules/packs/fr-cloud-au-centre.toml"),
    ),
    (
        "eu-gdpr.toml",
        include_str!("../../rules/packs/eu-gdpr.toml"),
    ),
];

/// Labels in French and English.
#[derive(Clone, Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Labels {
    pub fr: String,
    pub en: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SetsFile {
    set: Vec<SetDef>,
    sources: BTreeMap<String, Source>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SetDef {
    id: Spanned<String>,
    label: Labels,
    description: String,
    #[serde(default)]
    placement: Vec<PlacementDef>,
    #[serde(default)]
    jurisdictions: Vec<Spanned<String>>,
    #[serde(default)]
    countries: Vec<Spanned<String>>,
    #[serde(default)]
    any: bool,
    source_ref: Spanned<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlacementDef {
    name: Option<String>,
    provider: Spanned<String>,
    #[serde(default)]
    regions: Vec<Spanned<String>>,
    endpoint: Option<Spanned<String>>,
    qualification: Option<String>,
    since: Option<String>,
    checked: Option<String>,
    source_ref: Spanned<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PackFile {
    id: Spanned<String>,
    title: String,
    version: String,
    #[serde(default)]
    default: bool,
    #[serde(default)]
    source: Vec<PackSource>,
    tier: Vec<TierDef>,
    /// Sets of this pack only (user packs), beside the shared ones.
    #[serde(default)]
    set: Vec<SetDef>,
}

/// A document a pack cites.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackSource {
    pub id: String,
    pub title: String,
    pub url: String,
    pub date: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TierDef {
    id: Spanned<String>,
    #[serde(default)]
    aliases: Vec<Spanned<String>>,
    label: Labels,
    allows: Vec<Spanned<String>>,
    why: String,
    source_ref: Spanned<String>,
}

/// One placement of a set.
#[derive(Clone, Debug)]
pub struct PlacementEntry {
    pub name: String,
    pub provider: String,
    /// Canonical region ids; empty: every region (or none needed).
    pub regions: Vec<String>,
    /// A pattern on the endpoint (`*` matches any characters).
    pub endpoint: Option<EndpointPattern>,
    pub qualification: Option<String>,
    pub since: Option<String>,
    /// Added by the configuration (`[[placement]]` of cercle.toml).
    pub from_config: bool,
}

/// A named set of placements.
#[derive(Clone, Debug)]
pub struct Set {
    pub id: String,
    pub label: Labels,
    pub description: String,
    pub placements: Vec<PlacementEntry>,
    pub jurisdictions: Vec<String>,
    pub countries: Vec<String>,
    pub any: bool,
    pub source: Option<Source>,
}

/// A tier of a pack.
#[derive(Clone, Debug)]
pub struct Tier {
    pub id: String,
    pub aliases: Vec<String>,
    pub label: Labels,
    pub allows: Vec<String>,
    pub why: String,
    pub source: Option<PackSource>,
    /// 0 is the most sensitive.
    pub rank: usize,
}

/// A loaded, validated pack.
#[derive(Clone, Debug)]
pub struct Pack {
    pub id: String,
    pub title: String,
    pub version: String,
    pub default: bool,
    pub sources: Vec<PackSource>,
    pub tiers: Vec<Tier>,
    pub sets: BTreeMap<String, Set>,
}

/// A mistake in a pack file, at a byte range of its text.
#[derive(Clone, Debug)]
pub struct PackError {
    pub file: String,
    pub text: String,
    pub span: Option<Range<usize>>,
    pub message: String,
}

impl std::fmt::Display for PackError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.span {
            Some(s) => {
                let line = self.text[..s.start.min(self.text.len())]
                    .matches('\n')
                    .count()
                    + 1;
                write!(f, "{}:{line}: {}", self.file, self.message)
            }
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// A placement to test: provider, region, endpoint.
#[derive(Clone, Copy, Debug)]
pub struct Place<'a> {
    pub provider: &'a str,
    pub region: Option<&'a str>,
    pub endpoint: Option<&'a str>,
}

/// A pattern on an endpoint URL (SPEC §8): `*` matches any characters, `/`
/// included; every other character stands for itself; case is ignored. A
/// `globset` matcher, compiled once, with every character but `*` escaped.
#[derive(Clone, Debug)]
pub struct EndpointPattern {
    pub text: String,
    matcher: Option<globset::GlobMatcher>,
}

impl EndpointPattern {
    pub fn new(text: &str) -> EndpointPattern {
        let mut glob = String::new();
        for (i, part) in text.split('*').enumerate() {
            if i > 0 && !glob.ends_with('*') {
                glob.push('*');
            }
            glob.push_str(&globset::escape(part));
        }
        let matcher = globset::GlobBuilder::new(&glob)
            .case_insensitive(true)
            .literal_separator(false)
            .build()
            .ok()
            .map(|g| g.compile_matcher());
        EndpointPattern {
            text: text.to_string(),
            matcher,
        }
    }

    pub fn is_match(&self, endpoint: &str) -> bool {
        match &self.matcher {
            Some(m) => m.is_match(endpoint),
            // Every character but `*` is escaped: not reached; a pattern that
            // does not compile matches only itself.
            None => self.text.eq_ignore_ascii_case(endpoint),
        }
    }
}

impl std::fmt::Display for EndpointPattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl PlacementEntry {
    pub fn matches(&self, cat: &Catalogue, p: &Place) -> bool {
        if !self.provider.eq_ignore_ascii_case(p.provider) {
            return false;
        }
        if !self.regions.is_empty() {
            let Some(r) = p.region else { return false };
            let canon = cat
                .provider(p.provider)
                .map(|c| c.canonical_region(r))
                .unwrap_or_else(|| normalise_region(r));
            if !self.regions.contains(&canon) {
                return false;
            }
        }
        match (&self.endpoint, p.endpoint) {
            (None, _) => true,
            (Some(pat), Some(e)) => pat.is_match(e),
            (Some(_), None) => false,
        }
    }

    /// How it is shown in a help line: `outscale/outscale cloudgouv-eu-west-1`.
    pub fn describe(&self) -> String {
        let mut s = self.provider.clone();
        if !self.regions.is_empty() {
            s.push(' ');
            s.push_str(&self.regions.join(", "));
        }
        if let Some(e) = &self.endpoint {
            s.push_str(&format!(" at {e}"));
        }
        s
    }
}

impl Set {
    /// Whether the set holds this placement.
    pub fn contains(&self, cat: &Catalogue, p: &Place) -> bool {
        if self.any || self.placements.iter().any(|e| e.matches(cat, p)) {
            return true;
        }
        if self.jurisdictions.is_empty() && self.countries.is_empty() {
            return false;
        }
        let (Some(c), Some(r)) = (cat.provider(p.provider), p.region) else {
            return false;
        };
        let region = match c.region(r) {
            Some(x) => x,
            None => match c.zone_region(r).and_then(|z| c.region(&z)) {
                Some(x) => x,
                None => return false,
            },
        };
        // A region that only exists behind its own endpoint (S3NS) is only
        // there when that endpoint is used.
        if let Some(e) = &region.endpoint
            && !p.endpoint.is_some_and(|pe| pe.eq_ignore_ascii_case(e))
        {
            return false;
        }
        self.jurisdictions
            .iter()
            .any(|j| j.eq_ignore_ascii_case(&region.jurisdiction))
            || self
                .countries
                .iter()
                .any(|k| k.eq_ignore_ascii_case(&region.country))
    }

    /// Whether the set holds any placement of this provider.
    pub fn names_provider(&self, cat: &Catalogue, provider: &str) -> bool {
        if self.any
            || self
                .placements
                .iter()
                .any(|e| e.provider.eq_ignore_ascii_case(provider))
        {
            return true;
        }
        if self.jurisdictions.is_empty() && self.countries.is_empty() {
            return false;
        }
        cat.provider(provider).is_some_and(|c| {
            c.region.iter().any(|r| {
                r.endpoint.is_none()
                    && (self
                        .jurisdictions
                        .iter()
                        .any(|j| j.eq_ignore_ascii_case(&r.jurisdiction))
                        || self
                            .countries
                            .iter()
                            .any(|k| k.eq_ignore_ascii_case(&r.country)))
            })
        })
    }

    /// A short description of what the set allows, for help lines.
    pub fn describe(&self) -> String {
        if self.any {
            return "any placement".to_string();
        }
        let mut parts: Vec<String> = self
            .placements
            .iter()
            .map(PlacementEntry::describe)
            .collect();
        if !self.jurisdictions.is_empty() || !self.countries.is_empty() {
            parts.push(format!("{} ({})", self.label.en, self.id));
        }
        if parts.is_empty() {
            return format!(
                "{} (none declared: add [[placement]] with set = \"{}\" to cercle.toml)",
                self.label.en, self.id
            );
        }
        parts.join(", ")
    }
}

impl Pack {
    /// The tier with this id or alias (case-insensitive).
    pub fn tier(&self, name: &str) -> Option<&Tier> {
        let n = name.trim();
        self.tiers.iter().find(|t| {
            t.id.eq_ignore_ascii_case(n) || t.aliases.iter().any(|a| a.eq_ignore_ascii_case(n))
        })
    }

    /// What a tier allows, for a help line.
    pub fn allows_text(&self, tier: &Tier) -> String {
        tier.allows
            .iter()
            .filter_map(|s| self.sets.get(s))
            .map(Set::describe)
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// The shared sets, parsed once.
struct Shared {
    sets: Vec<SetDef>,
    sources: BTreeMap<String, Source>,
}

fn shared() -> Result<Shared, PackError> {
    let f: SetsFile = toml::from_str(BUILTIN_SETS).map_err(|e| PackError {
        file: "rules/sets.toml".into(),
        text: BUILTIN_SETS.into(),
        span: e.span(),
        message: e.message().to_string(),
    })?;
    Ok(Shared {
        sets: f.set,
        sources: f.sources,
    })
}

/// Loads a pack from its text. `file` names it in errors.
pub fn load_pack(file: &str, text: &str, cat: &Catalogue) -> Result<Pack, PackError> {
    let err = |span: Option<Range<usize>>, message: String| PackError {
        file: file.to_string(),
        text: text.to_string(),
        span,
        message,
    };
    let pf: PackFile = toml::from_str(text).map_err(|e| err(e.span(), e.message().to_string()))?;
    let shared = shared()?;
    let mut sets: BTreeMap<String, Set> = BTreeMap::new();
    let shared_err = |span: Range<usize>, message: String| PackError {
        file: "rules/sets.toml".into(),
        text: BUILTIN_SETS.into(),
        span: Some(span),
        message,
    };
    for s in &shared.sets {
        let set = build_set(s, cat, &|r| shared.sources.get(r).cloned(), &shared_err)?;
        sets.insert(set.id.clone(), set);
    }
    let own_sources: BTreeMap<String, Source> = pf
        .source
        .iter()
        .map(|s| {
            (
                s.id.clone(),
                Source {
                    title: s.title.clone(),
                    url: s.url.clone(),
                    date: s.date.clone(),
                },
            )
        })
        .collect();
    for s in &pf.set {
        let set = build_set(
            s,
            cat,
            &|r| {
                own_sources
                    .get(r)
                    .cloned()
                    .or_else(|| shared.sources.get(r).cloned())
            },
            &|span, m| err(Some(span), m),
        )?;
        sets.insert(set.id.clone(), set);
    }
    if pf.tier.is_empty() {
        return Err(err(
            pf.id.span().into(),
            "a pack needs at least one tier".into(),
        ));
    }
    let mut tiers = Vec::new();
    let mut names: BTreeMap<String, Range<usize>> = BTreeMap::new();
    for (rank, t) in pf.tier.iter().enumerate() {
        for n in std::iter::once(&t.id).chain(t.aliases.iter()) {
            let key = n.get_ref().to_lowercase();
            if key.trim().is_empty() {
                return Err(err(Some(n.span()), "empty tier name".into()));
            }
            if names.insert(key, n.span()).is_some() {
                return Err(err(
                    Some(n.span()),
                    format!("tier name {:?} is defined twice", n.get_ref()),
                ));
            }
        }
        for a in &t.allows {
            if !sets.contains_key(a.get_ref()) {
                return Err(err(
                    Some(a.span()),
                    format!(
                        "unknown placement set {:?}; known: {}",
                        a.get_ref(),
                        sets.keys().cloned().collect::<Vec<_>>().join(", ")
                    ),
                ));
            }
        }
        let source = pf
            .source
            .iter()
            .find(|s| s.id == *t.source_ref.get_ref())
            .cloned();
        if source.is_none() {
            return Err(err(
                Some(t.source_ref.span()),
                format!(
                    "source {:?} is not in this pack's [[source]] list",
                    t.source_ref.get_ref()
                ),
            ));
        }
        tiers.push(Tier {
            id: t.id.get_ref().clone(),
            aliases: t.aliases.iter().map(|a| a.get_ref().clone()).collect(),
            label: t.label.clone(),
            allows: t.allows.iter().map(|a| a.get_ref().clone()).collect(),
            why: t.why.clone(),
            source,
            rank,
        });
    }
    Ok(Pack {
        id: pf.id.get_ref().clone(),
        title: pf.title,
        version: pf.version,
        default: pf.default,
        sources: pf.source,
        tiers,
        sets,
    })
}

fn build_set(
    s: &SetDef,
    cat: &Catalogue,
    source: &dyn Fn(&str) -> Option<Source>,
    err: &dyn Fn(Range<usize>, String) -> PackError,
) -> Result<Set, PackError> {
    let src = source(s.source_ref.get_ref());
    if src.is_none() {
        return Err(err(
            s.source_ref.span(),
            format!("unknown source {:?}", s.source_ref.get_ref()),
        ));
    }
    let mut placements = Vec::new();
    for p in &s.placement {
        let prov = p.provider.get_ref();
        let cp = cat.provider(prov);
        let Some(cp) = cp else {
            return Err(err(
                p.provider.span(),
                format!("provider {prov:?} is not in the catalogue"),
            ));
        };
        let mut regions = Vec::new();
        for r in &p.regions {
            match cp.region(r.get_ref()) {
                Some(x) => regions.push(x.id.clone()),
                None => {
                    return Err(err(
                        r.span(),
                        format!(
                            "region {:?} is not a region of {prov} in the catalogue",
                            r.get_ref()
                        ),
                    ));
                }
            }
        }
        if source(p.source_ref.get_ref()).is_none() {
            return Err(err(
                p.source_ref.span(),
                format!("unknown source {:?}", p.source_ref.get_ref()),
            ));
        }
        if p.qualification.is_some() && p.since.is_none() && p.checked.is_none() {
            return Err(err(
                p.provider.span(),
                "a qualification needs its date (`since`) or the date it was checked (`checked`)"
                    .into(),
            ));
        }
        placements.push(PlacementEntry {
            name: p.name.clone().unwrap_or_else(|| prov.clone()),
            provider: cp.source.clone(),
            regions,
            endpoint: p
                .endpoint
                .as_ref()
                .map(|e| EndpointPattern::new(e.get_ref())),
            qualification: p.qualification.clone(),
            since: p.since.clone().or_else(|| p.checked.clone()),
            from_config: false,
        });
    }
    const JURISDICTIONS: &[&str] = &["EU", "EEA"];
    for j in &s.jurisdictions {
        let ok = JURISDICTIONS.contains(&j.get_ref().as_str()) || j.get_ref().len() == 2;
        if !ok {
            return Err(err(
                j.span(),
                format!("unknown jurisdiction {:?}", j.get_ref()),
            ));
        }
    }
    Ok(Set {
        id: s.id.get_ref().clone(),
        label: s.label.clone(),
        description: s.description.clone(),
        placements,
        jurisdictions: s
            .jurisdictions
            .iter()
            .map(|j| j.get_ref().clone())
            .collect(),
        countries: s.countries.iter().map(|j| j.get_ref().clone()).collect(),
        any: s.any,
        source: src,
    })
}

/// The built-in packs, in order (the default first).
pub fn builtin(cat: &Catalogue) -> Result<Vec<Pack>, PackError> {
    BUILTIN_PACKS
        .iter()
        .map(|(name, text)| load_pack(&format!("rules/packs/{name}"), text, cat))
        .collect()
}

/// A built-in pack by id.
pub fn builtin_pack(id: &str, cat: &Catalogue) -> Option<Result<Pack, PackError>> {
    BUILTIN_PACKS.iter().find_map(|(name, text)| {
        let stem = name.trim_end_matches(".toml");
        (stem == id).then(|| load_pack(&format!("rules/packs/{name}"), text, cat))
    })
}

/// The ids of the built-in packs.
pub fn builtin_ids() -> Vec<&'static str> {
    BUILTIN_PACKS
        .iter()
        .map(|(n, _)| n.trim_end_matches(".toml"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        let glob_match = |p: &str, t: &str| EndpointPattern::new(p).is_match(t);
        assert!(glob_match(
            "https://*.cloud.example.gouv.fr/*",
            "https://keystone.cloud.example.gouv.fr/v3"
        ));
        assert!(!glob_match(
            "https://*.cloud.example.gouv.fr/*",
            "https://evil.example.com/x.cloud.example.gouv.fr"
        ));
        assert!(glob_match("s3nsapis.fr", "S3NSAPIS.FR"));
        assert!(glob_match("*", ""));
        assert!(!glob_match("a*b", "ac"));
        // Only `*` is special: `?`, brackets and braces are themselves.
        assert!(glob_match("https://h/?a=[1]{x}*", "https://h/?a=[1]{x}&b"));
        assert!(!glob_match("https://h/?", "https://h/x"));
        assert!(glob_match("a**b", "a/x/b"));
    }
}
