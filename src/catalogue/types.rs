//! The type catalogue (tools/catalogue/FORMAT.md): how each resource type of
//! a catalogued provider is placed when none of its location arguments is
//! written. Read from `rules/providers/generated/` and `corrections/` by
//! `build.rs` ([`super::typefile`]) into static tables sorted by type name:
//! nothing is parsed at run time.

/// How a type is placed when none of its location arguments is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TypeKind {
    /// By its location arguments; none written: unresolved.
    Own,
    /// By its location arguments; none written: the provider's default.
    Default,
    /// Where its parent is.
    Parent,
    /// The provider configuration's region.
    Provider,
    /// No location: placed at the provider alone.
    Global,
    /// An object of the provider account: at the provider's endpoint.
    Account,
}

impl TypeKind {
    /// As the files and reports write it.
    pub fn as_str(self) -> &'static str {
        match self {
            TypeKind::Own => "own",
            TypeKind::Default => "default",
            TypeKind::Parent => "parent",
            TypeKind::Provider => "provider",
            TypeKind::Global => "global",
            TypeKind::Account => "account",
        }
    }
}

/// One type (see FORMAT.md, "Fields of an entry").
#[derive(Clone, Copy, Debug)]
pub struct TypeEntry {
    pub ty: &'static str,
    pub kind: TypeKind,
    /// Paths of its location arguments (`region`, `nodes.region`), first
    /// written wins.
    pub location: &'static [&'static str],
    /// `false`: kind `own` whose arguments are all optional.
    pub required: bool,
    pub default: Option<&'static str>,
    pub parent: &'static [&'static str],
    /// `"*"`: any resource.
    pub parent_types: &'static [&'static str],
    /// `id` or `name` (the default).
    pub parent_name_attr: &'static str,
    pub fallback_provider: bool,
    /// Kinds global and account; `None`: not known.
    pub holds_data: Option<bool>,
    /// The reason, in words.
    pub why: Option<&'static str>,
    /// A key of `[sources]` in rules/catalogue.toml.
    pub source_ref: &'static str,
    pub regions_from: Option<&'static str>,
    /// From `corrections/` (reviewed), not generated.
    pub corrected: bool,
}

/// The types of one provider, sorted by name.
#[derive(Debug)]
pub struct TypeTable {
    /// `google-beta` (rules/providers/generated/google-beta.toml).
    pub file: &'static str,
    /// `namespace/type`.
    pub provider: &'static str,
    pub provider_version: &'static str,
    pub types: &'static [TypeEntry],
}

include!(concat!(env!("OUT_DIR"), "/types.rs"));

/// The table of a provider (`namespace/type`, compared as Terraform does,
/// ignoring case).
pub fn table(provider: &str) -> Option<&'static TypeTable> {
    TYPE_TABLES
        .iter()
        .find(|t| t.provider.eq_ignore_ascii_case(provider))
}

/// The entry of type `ty` of provider `provider`.
pub fn lookup(provider: &str, ty: &str) -> Option<&'static TypeEntry> {
    let t = table(provider)?;
    t.types
        .binary_search_by(|e| e.ty.cmp(ty))
        .ok()
        .map(|i| &t.types[i])
}

/// Every source the type tables cite, with what cites it.
pub fn cited_sources() -> impl Iterator<Item = (&'static str, String)> {
    TYPE_TABLES.iter().flat_map(|t| {
        t.types
            .iter()
            .map(move |e| (e.source_ref, format!("{} {}", t.file, e.ty)))
    })
}
