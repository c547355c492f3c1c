//! The provider and region catalogue: what cercle knows about each provider.
//!
//! The data lives in `rules/providers/*.toml` (one file per provider) and
//! `rules/catalogue.toml` (the sources and the providers that place nothing);
//! it is compiled into the binary. Every pack uses this one catalogue. The
//! placement engine asks it which arguments carry a region or an endpoint,
//! which types are global, which types live in a parent, how a zone maps to
//! its region and what a provider does when nothing is written.
//!
//! Every fact names a source, a key of `[sources]` in `rules/catalogue.toml`.

pub mod typefile;
pub mod types;

use serde::Deserialize;
use std::collections::BTreeMap;

/// A document a fact comes from.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub title: String,
    pub url: String,
    /// When the document was published or read (YYYY-MM-DD or YYYY-MM).
    pub date: String,
}

/// `rules/catalogue.toml`
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogueFile {
    /// Providers that place no data anywhere (`hashicorp/random`...), and
    /// `terraform.io/builtin/terraform`.
    pub inert_providers: Vec<String>,
    /// The sources that say these providers place no data.
    #[serde(default)]
    pub inert_source_refs: Vec<String>,
    pub sources: BTreeMap<String, Source>,
}

/// How a zone name maps to its region.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "kebab-case")]
pub enum ZoneRule {
    /// No zones (or zones are not region-like).
    #[default]
    None,
    /// `eu-west-3a` -> `eu-west-3`, `cloudgouv-eu-west-1a` -> `cloudgouv-eu-west-1`.
    TrailingLetter,
    /// `us-central1-a` -> `us-central1`, `fr-par-1` -> `fr-par`.
    TrailingSegment,
    /// OVHcloud public cloud: trailing digits dropped (`GRA11` -> `GRA`,
    /// `DE1` -> `DE`), or a trailing one-letter segment (`eu-west-par-a` ->
    /// `eu-west-par`).
    Ovh,
}

/// One provider: `rules/providers/<name>.toml`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    /// `namespace/type`, e.g. `hashicorp/aws`.
    pub source: String,
    /// A human name: "Amazon Web Services".
    pub name: String,
    /// Provider configuration arguments that carry the region, first present wins.
    #[serde(default)]
    pub region_attrs: Vec<String>,
    /// Provider configuration arguments that carry a zone (mapped to its region
    /// when no region argument is set), e.g. google `zone`.
    #[serde(default)]
    pub zone_attrs: Vec<String>,
    /// Provider configuration arguments that carry the endpoint; a value may be
    /// nested: `endpoints.api` names attribute `api` of block `endpoints`.
    #[serde(default)]
    pub endpoint_attrs: Vec<String>,
    /// The environment variables the provider reads its endpoint from when the
    /// configuration does not set it: it has no default endpoint, so an
    /// unwritten one is unresolved (OVH `OVH_ENDPOINT`, OpenStack `OS_AUTH_URL`).
    #[serde(default)]
    pub endpoint_env: Vec<String>,
    /// Resource arguments that carry the region, first present wins.
    #[serde(default)]
    pub resource_region_attrs: Vec<String>,
    /// Resource arguments that carry a zone.
    #[serde(default)]
    pub resource_zone_attrs: Vec<String>,
    #[serde(default)]
    pub zone_rule: ZoneRule,
    /// Where the zone names the rule maps are documented, when the provider
    /// file's `source_ref` does not say it (OVHcloud's `GRA11`).
    #[serde(default)]
    pub zone_source_ref: Option<String>,
    /// The provider is placed by its endpoint: a region that is not written is
    /// not a gap (OpenStack `region` is optional when `auth_url` is known).
    #[serde(default)]
    pub region_optional: bool,
    /// Where the provider's source documents its arguments.
    pub source_ref: String,
    /// Data sources whose attributes give the provider configuration's region
    /// (`data.aws_region.current.name`).
    #[serde(default)]
    pub data_region: Vec<DataRegion>,
    /// Resource types with no region of their own.
    #[serde(default)]
    pub global: Vec<GlobalTypes>,
    /// Resource types that live where their parent lives. A global type may
    /// have one too: it is placed with its parent when the parent is placed
    /// regionally (a global parent pinned by `regions_from`), global otherwise.
    #[serde(default)]
    pub parent: Vec<Parent>,
    /// Placements decided by the provider when nothing is written.
    #[serde(default)]
    pub default: Vec<Default>,
    /// The regions, with where they are.
    #[serde(default)]
    pub region: Vec<Region>,
    /// Hosts of the provider's S3-compatible object storage: an `s3` state
    /// backend whose endpoint is one of them stores the state there.
    #[serde(default)]
    pub s3_endpoint: Vec<S3Endpoint>,
    /// Takes the regions of another provider of the catalogue (ARM templates
    /// use the Azure regions of `hashicorp/azurerm`).
    #[serde(default)]
    pub regions_from: Option<String>,
    /// Resource types that send a copy of their data elsewhere (CRC005).
    #[serde(default)]
    pub egress: Vec<Egress>,
    /// Normalised region id or alias -> index in `region` (built on load).
    #[serde(skip)]
    region_index: rustc_hash::FxHashMap<String, usize>,
}

/// What the argument of an [`Egress`] names.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum EgressTo {
    /// Another resource (by reference, name or ARN): the copy goes where it
    /// is placed.
    Resource,
    /// A region of the resource's own provider.
    Region,
    /// Nothing: the resource itself is the copy (a read replica), placed like
    /// any resource; `source` names what it copies.
    #[serde(rename = "self")]
    Itself,
}

/// A resource type that copies data to another placement: replication,
/// backup copy, replica, export.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Egress {
    /// The types (globs allowed).
    pub types: Vec<String>,
    pub to: EgressTo,
    /// The argument that names the destination: nested blocks then the
    /// attribute, `rule.destination.bucket`; absent with `to = "self"`.
    #[serde(default)]
    pub destination: Option<String>,
    /// With `to = "resource"`: the types it may name.
    #[serde(default)]
    pub destination_types: Vec<String>,
    /// Their argument that holds the name when the destination is written as
    /// a name (or an ARN or ID whose last segment is that name).
    #[serde(default)]
    pub destination_name_attr: Option<String>,
    /// A destination written as a literal ARN gives its region in the ARN's
    /// fourth field (`arn:aws:backup:eu-west-3:...`).
    #[serde(default)]
    pub arn_region: bool,
    /// Where the ARN format is documented (with `arn_region`).
    #[serde(default)]
    pub arn_source_ref: Option<String>,
    /// The argument that names the resource whose data is copied (same
    /// syntax as `destination`); absent: the resource's own data.
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub source_types: Vec<String>,
    #[serde(default)]
    pub source_name_attr: Option<String>,
    pub source_ref: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataRegion {
    /// The data source type, e.g. `aws_region`.
    #[serde(rename = "type")]
    pub type_: String,
    /// Its attributes that hold the region name.
    pub attrs: Vec<String>,
    /// Its own argument that selects a region (`region` on aws v6), if any.
    #[serde(default)]
    pub arg: Option<String>,
    pub source_ref: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GlobalTypes {
    /// Type names or globs (`aws_iam_*`).
    pub types: Vec<String>,
    /// Whether these types hold or serve data (CDN, front door): CRC007.
    /// Control-plane types (IAM, DNS) are `false`.
    pub holds_data: bool,
    /// A path of nested blocks and an attribute (same syntax as an egress
    /// `destination`) whose value, when set, lists the regions the resource
    /// is kept in: it is then placed regionally there, each region checked
    /// (Pub/Sub `message_storage_policy.allowed_persistence_regions`). Set but
    /// unknown: unresolved. Not set: global.
    #[serde(default)]
    pub regions_from: Option<String>,
    pub source_ref: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Parent {
    /// The child types (globs allowed).
    pub types: Vec<String>,
    /// The child's arguments that point to the parent (by reference or by
    /// name), first present wins.
    pub attrs: Vec<String>,
    /// The parent types, used to find a parent written by name.
    pub parent_types: Vec<String>,
    /// The parent's argument that holds the name matched by `attrs`; `id`
    /// when the child points to the parent's id.
    #[serde(default = "default_name_attr")]
    pub parent_name_attr: String,
    pub source_ref: String,
}

fn default_name_attr() -> String {
    "name".to_string()
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Default {
    #[serde(rename = "type")]
    pub type_: String,
    /// The argument whose absence the default fills.
    pub attr: String,
    pub value: String,
    pub source_ref: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S3Endpoint {
    /// The host, with `{region}` standing for one DNS label that is the
    /// region: `s3.{region}.scw.cloud`.
    pub host: String,
    pub source_ref: String,
}

impl S3Endpoint {
    /// The region this endpoint URL names, if its host matches.
    pub fn region_of(&self, url: &str) -> Option<String> {
        let rest = url.split_once("://").map_or(url, |(_, r)| r);
        let host = rest.split(['/', ':', '?']).next().unwrap_or("");
        let host = host.to_ascii_lowercase();
        let (before, after) = self.host.split_once("{region}")?;
        let region = host.strip_prefix(before)?.strip_suffix(after)?;
        (!region.is_empty() && !region.contains('.')).then(|| region.to_string())
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    /// The identifier as the provider writes it, normalised (lower case, no spaces).
    pub id: String,
    /// Other names the provider accepts (`West Europe`), normalised when compared.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Where it is: "Paris", "Ireland".
    pub name: String,
    /// ISO 3166-1 alpha-2 country code; `EU` for an EU multi-region.
    pub country: String,
    /// Whose law applies to the data centres: `EU`, `EEA`, or the country code.
    pub jurisdiction: String,
    /// The endpoint (universe, API host) the region is reached through, when the
    /// region only exists there (S3NS `s3nsapis.fr`).
    #[serde(default)]
    pub endpoint: Option<String>,
    pub source_ref: String,
}

impl Egress {
    /// The fields each kind of destination needs are there, and only those.
    fn validate(&self) -> Result<(), String> {
        match self.to {
            EgressTo::Itself => {
                if self.destination.is_some() || !self.destination_types.is_empty() {
                    return Err("to = \"self\" takes no destination".into());
                }
                if self.source.is_none() || self.source_types.is_empty() {
                    return Err("to = \"self\" needs a source and source_types".into());
                }
            }
            EgressTo::Resource => {
                if self.destination.is_none() || self.destination_types.is_empty() {
                    return Err("to = \"resource\" needs destination and destination_types".into());
                }
            }
            EgressTo::Region => {
                if self.destination.is_none() {
                    return Err("to = \"region\" needs a destination".into());
                }
                if !self.destination_types.is_empty() || self.destination_name_attr.is_some() {
                    return Err("to = \"region\" names no destination type".into());
                }
            }
        }
        if self.arn_region != self.arn_source_ref.is_some() {
            return Err("arn_region and arn_source_ref go together".into());
        }
        if self.source.is_some() == self.source_types.is_empty() {
            return Err("source and source_types go together".into());
        }
        for path in self.destination.iter().chain(self.source.iter()) {
            if !is_path(path) {
                return Err(format!("{path:?} is not a path of blocks and an attribute"));
            }
        }
        Ok(())
    }
}

/// `a.b.c`: nested blocks, then an attribute.
fn is_path(path: &str) -> bool {
    !path.is_empty() && path.split('.').all(crate::model::is_ident)
}

/// The whole catalogue.
#[derive(Clone, Debug)]
pub struct Catalogue {
    pub inert_providers: Vec<String>,
    pub inert_source_refs: Vec<String>,
    pub sources: BTreeMap<String, Source>,
    pub providers: Vec<Provider>,
}

/// The built-in catalogue files, compiled in.
const BUILTIN_CATALOGUE: &str = include_str!("../../rules/catalogue.toml");
include!(concat!(env!("OUT_DIR"), "/providers.rs"));

/// Normalises a region name as providers compare them: lower case, no spaces,
/// no underscores (`"West Europe"` = `westeurope`, `EU` = `eu`).
pub fn normalise_region(s: &str) -> String {
    if s.is_ascii() {
        // Byte by byte: the same as below for ASCII, without decoding chars.
        return s
            .bytes()
            .filter(|&b| !ascii_space(b) && b != b'_')
            .map(|b| char::from(b.to_ascii_lowercase()))
            .collect();
    }
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

/// `s` normalised as [`normalise_region`] does, borrowed when it already is
/// (as most region values are): a lookup then copies nothing.
fn normalised(s: &str) -> std::borrow::Cow<'_, str> {
    if s.bytes()
        .all(|b| b.is_ascii() && !ascii_space(b) && b != b'_' && !b.is_ascii_uppercase())
    {
        std::borrow::Cow::Borrowed(s)
    } else {
        std::borrow::Cow::Owned(normalise_region(s))
    }
}

/// An ASCII byte that `char::is_whitespace` calls white space (unlike
/// `u8::is_ascii_whitespace`, it counts the vertical tab).
fn ascii_space(b: u8) -> bool {
    b == b' ' || (b'\t'..=b'\r').contains(&b)
}

/// Whether a type name matches a catalogue pattern (`aws_iam_*`).
pub fn type_matches(pattern: &str, ty: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => ty.starts_with(prefix),
        None => pattern == ty,
    }
}

impl Catalogue {
    /// The catalogue compiled into the binary.
    pub fn builtin() -> &'static Catalogue {
        static CAT: std::sync::OnceLock<Catalogue> = std::sync::OnceLock::new();
        CAT.get_or_init(|| {
            Catalogue::parse(BUILTIN_CATALOGUE, BUILTIN_PROVIDERS)
                .unwrap_or_else(|e| panic!("the built-in catalogue is invalid: {e}"))
        })
    }

    /// Parses a catalogue from its files: `(name, text)` of each provider file.
    pub fn parse(catalogue: &str, providers: &[(&str, &str)]) -> Result<Catalogue, String> {
        let file: CatalogueFile =
            toml::from_str(catalogue).map_err(|e| format!("rules/catalogue.toml: {e}"))?;
        let mut out = Catalogue {
            inert_providers: file.inert_providers,
            inert_source_refs: file.inert_source_refs,
            sources: file.sources,
            providers: Vec::new(),
        };
        for (name, text) in providers {
            let p: Provider =
                toml::from_str(text).map_err(|e| format!("rules/providers/{name}: {e}"))?;
            out.providers.push(p);
        }
        out.providers.sort_by(|a, b| a.source.cmp(&b.source));
        for i in 0..out.providers.len() {
            let Some(from) = out.providers[i].regions_from.clone() else {
                continue;
            };
            let regions = out
                .providers
                .iter()
                .find(|p| p.source == from)
                .map(|p| p.region.clone())
                .ok_or_else(|| {
                    format!(
                        "provider {}: regions_from names {from}, which the catalogue does not have",
                        out.providers[i].source
                    )
                })?;
            out.providers[i].region.extend(regions);
        }
        for p in &mut out.providers {
            p.index_regions();
        }
        out.validate()?;
        Ok(out)
    }

    /// Every fact cites a known source; region ids are unique per provider.
    fn validate(&self) -> Result<(), String> {
        for r in &self.inert_source_refs {
            if !self.sources.contains_key(r) {
                return Err(format!("inert_source_refs cites unknown source {r:?}"));
            }
        }
        for p in &self.providers {
            let file = &p.source;
            for g in &p.global {
                if let Some(path) = &g.regions_from
                    && !is_path(path)
                {
                    return Err(format!(
                        "{file}: global {}: regions_from {path:?} is not a path of blocks and an attribute",
                        g.types.join(", ")
                    ));
                }
            }
            for e in &p.egress {
                e.validate()
                    .map_err(|m| format!("{file}: egress {}: {m}", e.types.join(", ")))?;
            }
            for (r, what) in p.cited_sources() {
                if !self.sources.contains_key(r) {
                    return Err(format!("{file}: {what} cites unknown source {r:?}"));
                }
            }
            let mut seen = std::collections::BTreeSet::new();
            for r in &p.region {
                // A display name may normalise to the id ("France Central").
                let names: std::collections::BTreeSet<String> = std::iter::once(&r.id)
                    .chain(r.aliases.iter())
                    .map(|n| normalise_region(n))
                    .collect();
                for n in names {
                    if !seen.insert(n.clone()) {
                        return Err(format!("{file}: region name {n:?} is defined twice"));
                    }
                }
                if r.country.is_empty() || r.jurisdiction.is_empty() {
                    return Err(format!(
                        "{file}: region {} needs a country and a jurisdiction",
                        r.id
                    ));
                }
            }
        }
        Ok(())
    }

    /// The provider with this source address (case-insensitive, as Terraform).
    pub fn provider(&self, source: &str) -> Option<&Provider> {
        self.providers
            .iter()
            .find(|p| p.source.eq_ignore_ascii_case(source))
    }

    /// The type catalogue's entry for type `ty` of provider `source`, unless
    /// a hand-written `[[global]]`, `[[parent]]` or `[[default]]` of the
    /// provider's file decides the type (they win: FORMAT.md, precedence).
    pub fn type_entry(&self, source: &str, ty: &str) -> Option<&'static types::TypeEntry> {
        if let Some(p) = self.provider(source)
            && (p.global(ty).is_some() || p.parent(ty).is_some() || p.default_for(ty).is_some())
        {
            return None;
        }
        types::lookup(source, ty)
    }

    /// Where the catalogue's knowledge of type `ty` of provider `source`
    /// comes from: (the source key, which file): the hand-written fact that
    /// decides it, else its type catalogue entry, else the provider's file.
    pub fn type_source(&self, source: &str, ty: &str) -> Option<(&str, &'static str)> {
        let p = self.provider(source);
        if let Some(p) = p {
            if let Some(g) = p.global(ty) {
                return Some((&g.source_ref, "rules/providers"));
            }
            if let Some(x) = p.parent(ty) {
                return Some((&x.source_ref, "rules/providers"));
            }
            if let Some(d) = p.default_for(ty) {
                return Some((&d.source_ref, "rules/providers"));
            }
        }
        if let Some(e) = types::lookup(source, ty) {
            let from = if e.corrected {
                "rules/providers/corrections"
            } else {
                "rules/providers/generated"
            };
            return Some((e.source_ref, from));
        }
        p.map(|p| (p.source_ref.as_str(), "rules/providers"))
    }

    /// The catalogued provider a local name not declared in
    /// `required_providers` stands for, when `hashicorp/<local>` is not one
    /// and exactly one provider of that type name exists elsewhere.
    pub fn undeclared_source(&self, local: &str) -> Option<String> {
        let implied = format!("hashicorp/{local}");
        if self.provider(&implied).is_some()
            || self.is_inert(&implied)
            || types::table(&implied).is_some()
        {
            return None;
        }
        let mut found = self.providers.iter().filter(|p| {
            p.source
                .rsplit_once('/')
                .is_some_and(|(_, ty)| ty.eq_ignore_ascii_case(local))
        });
        let one = found.next()?;
        found.next().is_none().then(|| one.source.clone())
    }

    /// Whether a provider places no data anywhere.
    pub fn is_inert(&self, source: &str) -> bool {
        self.inert_providers
            .iter()
            .any(|p| p.eq_ignore_ascii_case(source))
    }
}

impl Provider {
    /// Every source a fact of this provider file cites, with what cites it
    /// (checked when the catalogue loads; every source must be cited by one).
    pub fn cited_sources(&self) -> Vec<(&str, String)> {
        let mut refs: Vec<(&str, String)> = vec![(self.source_ref.as_str(), "provider".into())];
        if let Some(z) = &self.zone_source_ref {
            refs.push((z.as_str(), "zone_rule".into()));
        }
        refs.extend(
            self.data_region
                .iter()
                .map(|d| (d.source_ref.as_str(), format!("data_region {}", d.type_))),
        );
        refs.extend(self.global.iter().map(|g| {
            (
                g.source_ref.as_str(),
                format!("global {}", g.types.join(", ")),
            )
        }));
        refs.extend(self.parent.iter().map(|x| {
            (
                x.source_ref.as_str(),
                format!("parent {}", x.types.join(", ")),
            )
        }));
        refs.extend(
            self.default
                .iter()
                .map(|d| (d.source_ref.as_str(), format!("default {}", d.type_))),
        );
        refs.extend(
            self.region
                .iter()
                .map(|r| (r.source_ref.as_str(), format!("region {}", r.id))),
        );
        refs.extend(
            self.s3_endpoint
                .iter()
                .map(|e| (e.source_ref.as_str(), format!("s3_endpoint {}", e.host))),
        );
        for e in &self.egress {
            let what = format!("egress {}", e.types.join(", "));
            refs.push((e.source_ref.as_str(), what.clone()));
            if let Some(a) = &e.arn_source_ref {
                refs.push((a.as_str(), what));
            }
        }
        refs
    }

    /// The global entry for a type, if the type is global.
    pub fn global(&self, ty: &str) -> Option<&GlobalTypes> {
        self.global
            .iter()
            .find(|g| g.types.iter().any(|p| type_matches(p, ty)))
    }

    pub fn parent(&self, ty: &str) -> Option<&Parent> {
        self.parent
            .iter()
            .find(|g| g.types.iter().any(|p| type_matches(p, ty)))
    }

    pub fn default_for(&self, ty: &str) -> Option<&Default> {
        self.default.iter().find(|d| d.type_ == ty)
    }

    /// The ways a type copies its data elsewhere.
    pub fn egress<'a>(&'a self, ty: &'a str) -> impl Iterator<Item = &'a Egress> + 'a {
        self.egress
            .iter()
            .filter(move |e| e.types.iter().any(|p| type_matches(p, ty)))
    }

    pub fn data_region(&self, ty: &str) -> Option<&DataRegion> {
        self.data_region.iter().find(|d| d.type_ == ty)
    }

    /// The region with this id or alias, after normalisation.
    pub fn region(&self, name: &str) -> Option<&Region> {
        if self.region_index.is_empty() {
            // A provider not loaded through `Catalogue::parse` (tests).
            let n = normalise_region(name);
            return self.region.iter().find(|r| {
                normalise_region(&r.id) == n || r.aliases.iter().any(|a| normalise_region(a) == n)
            });
        }
        self.region_index
            .get(normalised(name).as_ref())
            .map(|i| &self.region[*i])
    }

    /// Indexes the regions by their normalised id and aliases (the first
    /// region that claims a name keeps it, as a scan in order would).
    fn index_regions(&mut self) {
        let mut index = rustc_hash::FxHashMap::default();
        for (i, r) in self.region.iter().enumerate() {
            for n in std::iter::once(&r.id).chain(r.aliases.iter()) {
                index.entry(normalise_region(n)).or_insert(i);
            }
        }
        self.region_index = index;
    }

    /// Maps a zone to its region with the provider's zone rule; `None` when the
    /// name is not a zone of a known region.
    pub fn zone_region(&self, zone: &str) -> Option<String> {
        let z = normalised(zone);
        let candidate = match self.zone_rule {
            ZoneRule::None => return None,
            ZoneRule::TrailingLetter => {
                let last = z.chars().last()?;
                if !last.is_ascii_lowercase() {
                    return None;
                }
                z[..z.len() - 1].to_string()
            }
            ZoneRule::TrailingSegment => {
                let (head, _) = z.rsplit_once('-')?;
                head.to_string()
            }
            ZoneRule::Ovh => {
                let head = z.trim_end_matches(|c: char| c.is_ascii_digit());
                if head.len() < z.len() && !head.is_empty() {
                    head.to_string()
                } else {
                    match z.rsplit_once('-') {
                        Some((head, last)) if last.len() == 1 => head.to_string(),
                        _ => return None,
                    }
                }
            }
        };
        if self.region.is_empty() || self.region(&candidate).is_some() {
            Some(candidate)
        } else {
            None
        }
    }

    /// The canonical id of a region value: its catalogue id when known (aliases
    /// and zones resolved), else the value normalised.
    pub fn canonical_region(&self, value: &str) -> String {
        if let Some(r) = self.region(value) {
            return r.id.clone();
        }
        if let Some(r) = self.zone_region(value) {
            return r;
        }
        normalise_region(value)
    }
}
