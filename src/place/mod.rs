//! Placement: for every resource instance, the provider configuration, the
//! regions and the endpoint it lands on (SPEC §4), each with where it came from.
//!
//! What a provider means by "region" (which arguments, zones, global types,
//! parents, defaults) comes from the [catalogue](crate::catalogue), not from
//! code here.

pub mod arm;
pub mod backend;
pub mod cluster;
pub mod egress;
mod entry;
pub mod plan;
pub mod provider_each;
pub mod tags;

pub use crate::analysis::{PlaceKind, RegionVal, Unresolved};
use crate::assemble::ResourceDecl;
use crate::catalogue::types::{TypeEntry, TypeKind};
use crate::catalogue::{Catalogue, GlobalTypes, Parent, Provider};
use crate::eval::value::{Key, Origin, V, Val};
use crate::eval::{Eval, InstId, InstanceKey, Oracle, Scope, join_addr};
use crate::model::{Block, Expr, ExprKind};
use crate::source::Span;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::cell::RefCell;
use std::rc::Rc;

/// A provider configuration that applies to a resource.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ProviderRef {
    /// A `provider` block, in a module instance; `key` picks one instance of
    /// a block with `for_each` (None: any of them).
    Block {
        inst: InstId,
        idx: usize,
        key: Option<String>,
    },
    /// No block: the empty default configuration Terraform creates.
    Implicit { local: String, source: String },
}

/// The provider configuration of a resource declaration in a module instance.
#[derive(Debug)]
pub struct DeclProvider {
    /// The source its module gives the local name it asks for (`aws` for
    /// `aws.us`).
    pub source: Rc<str>,
    pub pref: ProviderRef,
}

/// Where a provider configuration places things.
#[derive(Clone, Debug)]
pub struct ProviderPlace {
    /// `aws`, `aws.us`, `module.net.google`. Shared with every resource
    /// placed there, as `source`.
    pub name: Rc<str>,
    pub source: Rc<str>,
    pub regions: Vec<RegionVal>,
    pub endpoint: Option<String>,
    pub endpoint_origins: Vec<Origin>,
    /// Why the endpoint is not known: written but unknown, or left to the
    /// environment by a provider that has no default endpoint.
    pub endpoint_unresolved: Option<Unresolved>,
    pub unresolved: Option<Unresolved>,
    /// The provider block, when there is one.
    pub block_span: Option<Span>,
}

/// A placed resource instance.
#[derive(Clone, Debug)]
pub struct Placed {
    pub inst: InstId,
    pub decl: usize,
    pub key: Option<Key>,
    pub address: String,
    pub provider: Rc<str>,
    pub provider_config: Rc<str>,
    pub kind: PlaceKind,
    /// The step of the resolution order that decided it.
    pub placed_by: Option<TypeKind>,
    pub regions: Vec<RegionVal>,
    pub endpoint: Option<String>,
    pub unresolved: Option<Unresolved>,
    /// The primary location of a finding about this resource.
    pub primary: Span,
    /// Where the placement came from (region values, provider block), oldest
    /// first, without duplicates.
    pub origins: Vec<Origin>,
    /// The catalogue gives its type egress rules under its provider
    /// ([`TypeFacts::copies_data`]): kept so that [`Eval::egress`] looks the
    /// type up again only for such a resource.
    pub copies_data: bool,
}

/// What the catalogue says of a resource type under a provider. Its lists
/// are scanned by type pattern: looked up once per root evaluation
/// ([`Eval::type_facts`]), not once per resource instance.
#[derive(Clone, Copy)]
pub struct TypeFacts<'c> {
    /// A provider that places no data anywhere.
    pub inert: bool,
    pub provider: Option<&'c Provider>,
    pub global: Option<&'c GlobalTypes>,
    pub parent: Option<&'c Parent>,
    pub default: Option<&'c crate::catalogue::Default>,
    /// The type catalogue's entry (rules/providers/generated/ and
    /// corrections/), when no hand-written fact above decides the type.
    pub entry: Option<&'static TypeEntry>,
    /// The type has egress rules (CRC005).
    pub copies_data: bool,
}

impl<'a> Placer<'_, '_, 'a> {
    /// The catalogue's facts on type `ty` of provider `source` (cached).
    pub fn type_facts(&self, source: &str, ty: &str) -> TypeFacts<'a> {
        if let Some(f) = self
            .st
            .type_facts_cache
            .borrow()
            .get(source)
            .and_then(|m| m.get(ty))
        {
            return *f;
        }
        let cat: &'a Catalogue = self.st.cat;
        let provider = cat.provider(source);
        let f = TypeFacts {
            inert: cat.is_inert(source),
            provider,
            global: provider.and_then(|c| c.global(ty)),
            parent: provider.and_then(|c| c.parent(ty)),
            default: provider.and_then(|c| c.default_for(ty)),
            entry: cat.type_entry(source, ty),
            copies_data: provider.is_some_and(|c| c.egress(ty).next().is_some()),
        };
        self.st
            .type_facts_cache
            .borrow_mut()
            .entry(source.to_string())
            .or_default()
            .insert(ty.to_string(), f);
        f
    }
}

/// The placement state of one root evaluation: the catalogue, and the caches
/// that make placing every instance of a root cheap.
pub struct PlaceState<'c> {
    pub cat: &'c Catalogue,
    pub(crate) provider_cache: RefCell<HashMap<ProviderRef, Rc<ProviderPlace>>>,
    pub(crate) decl_provider_cache: RefCell<HashMap<(InstId, usize), Rc<DeclProvider>>>,
    /// [`Placer::type_facts`], by provider source then type.
    pub(crate) type_facts_cache: RefCell<HashMap<String, HashMap<String, TypeFacts<'c>>>>,
    /// [`Placer::resolve_provider`]'s answers, per instance: (local name,
    /// alias, configuration).
    #[allow(clippy::type_complexity)]
    pub(crate) provider_ref_cache:
        RefCell<HashMap<InstId, Vec<(String, Option<String>, ProviderRef)>>>,
    pub(crate) place_cache: RefCell<HashMap<InstanceKey, Rc<Placed>>>,
    pub(crate) placing: RefCell<HashSet<InstanceKey>>,
    /// The tier tag of each provider block's default tags or labels
    /// (provider instance, block index).
    pub(crate) default_tag_cache: RefCell<HashMap<(InstId, usize), Option<tags::TagTier>>>,
}

impl<'c> PlaceState<'c> {
    pub fn new(cat: &'c Catalogue) -> PlaceState<'c> {
        PlaceState {
            cat,
            provider_cache: RefCell::default(),
            decl_provider_cache: RefCell::default(),
            type_facts_cache: RefCell::default(),
            provider_ref_cache: RefCell::default(),
            place_cache: RefCell::default(),
            placing: RefCell::default(),
            default_tag_cache: RefCell::default(),
        }
    }
}

/// Placement over one evaluation: it reads values through the evaluation
/// (which it dereferences to) and keeps what it found in its [`PlaceState`].
pub struct Placer<'e, 'a, 'c> {
    pub ev: &'e Eval<'a>,
    pub st: &'e PlaceState<'c>,
}

impl<'e, 'a, 'c> Placer<'e, 'a, 'c> {
    pub fn new(ev: &'e Eval<'a>, st: &'e PlaceState<'c>) -> Self {
        Placer { ev, st }
    }
}

impl<'a> std::ops::Deref for Placer<'_, 'a, '_> {
    type Target = Eval<'a>;
    fn deref(&self) -> &Eval<'a> {
        self.ev
    }
}

impl Oracle for PlaceState<'_> {
    fn implied_attr(
        &self,
        ev: &Eval<'_>,
        inst: InstId,
        decl: usize,
        key: &Option<Key>,
        attr: &str,
        _scope: &Scope,
    ) -> Option<Val> {
        Placer { ev, st: self }.implied_attr(inst, decl, key, attr)
    }
}

/// `aws.by_region[each.key]` → (`["aws", "by_region"]`, the index);
/// `aws.us` → (`["aws", "us"]`, None).
pub fn split_index(e: &Expr) -> Option<(Vec<&str>, Option<&Expr>)> {
    match &e.kind {
        ExprKind::Index(base, idx) => base.as_path().map(|p| (p, Some(&**idx))),
        _ => e.as_path().map(|p| (p, None)),
    }
}

/// Generic region arguments for providers the catalogue does not know.
const GENERIC_RESOURCE_REGION: &[&str] = &["region", "location"];
const GENERIC_PROVIDER_REGION: &[&str] = &["region"];

impl Placer<'_, '_, '_> {
    /// The provider local name and alias a resource asks for.
    pub fn provider_request(d: &ResourceDecl) -> (String, Option<String>) {
        if let Some(a) = d.block.body.attr("provider")
            && let Some((p, _)) = split_index(&a.expr)
            && let Some(first) = p.first()
        {
            return (first.to_string(), p.get(1).map(|s| s.to_string()));
        }
        let local = d.ty.split('_').next().unwrap_or(&d.ty).to_string();
        (local, None)
    }

    /// The source of provider `local` in `module` (SPEC §4): its
    /// `required_providers` entry, else `hashicorp/<local>` as Terraform
    /// reads it, unless the catalogue has no `hashicorp/<local>` and knows
    /// one provider of that name in another namespace (`ovh/ovh`,
    /// `scaleway/scaleway`): that one, with a note ([`Placer::undeclared_note`]).
    pub fn provider_source(&self, module: &crate::assemble::Module, local: &str) -> String {
        let source = module.provider_source(local);
        if module.required.contains_key(local) {
            return source;
        }
        self.st.cat.undeclared_source(local).unwrap_or(source)
    }

    /// The note for a resource whose provider is placed as a catalogued
    /// provider outside `hashicorp/` although `required_providers` does not
    /// name it.
    fn undeclared_note(&self, inst: InstId, d: &ResourceDecl, source: &str) -> Option<Origin> {
        let (local, _) = Self::provider_request(d);
        let module = self.module_of(inst);
        if module.required.contains_key(&local) || module.provider_source(&local) == source {
            return None;
        }
        Some(Origin {
            span: d.block.labels_span(),
            message: format!(
                "provider {local} is not in required_providers: Terraform reads it as hashicorp/{local}, which the catalogue does not know; placed as {source}, the only {local} provider it knows: declare it (source = \"{source}\")"
            )
            .into(),
            resource: None,
        })
    }

    /// The provider configuration resource `decl` of instance `inst` asks for
    /// ([`Eval::provider_request`]) and the one it gets
    /// ([`Eval::resolve_provider`]). Both depend on the declaration and the
    /// module instance only, never on the resource's instance key: cached per
    /// declaration, shared by its `count`/`for_each` instances and by
    /// placement, tags and implied attributes.
    pub fn decl_provider(&self, inst: InstId, decl: usize) -> Rc<DeclProvider> {
        if let Some(p) = self.st.decl_provider_cache.borrow().get(&(inst, decl)) {
            return p.clone();
        }
        let d = &self.module_of(inst).resources[decl];
        let (local, alias) = Self::provider_request(d);
        let pref = self.resolve_provider(inst, &local, alias.as_deref());
        let source = self.provider_source(self.module_of(inst), &local).into();
        let p = Rc::new(DeclProvider { source, pref });
        self.st
            .decl_provider_cache
            .borrow_mut()
            .insert((inst, decl), p.clone());
        p
    }

    /// Resolves a provider configuration from instance `inst` (SPEC §4):
    /// a block of the module, else what the call's `providers` map passes, else
    /// (for a default configuration) the parent's, else the empty default.
    /// Cached: the declarations of a module instance ask for a few providers.
    pub fn resolve_provider(&self, inst: InstId, local: &str, alias: Option<&str>) -> ProviderRef {
        if let Some(known) = self.st.provider_ref_cache.borrow().get(&inst)
            && let Some((_, _, r)) = known
                .iter()
                .find(|(l, a, _)| l == local && a.as_deref() == alias)
        {
            return r.clone();
        }
        let r = self.resolve_provider_uncached(inst, local, alias);
        self.st
            .provider_ref_cache
            .borrow_mut()
            .entry(inst)
            .or_default()
            .push((local.to_string(), alias.map(str::to_string), r.clone()));
        r
    }

    fn resolve_provider_uncached(
        &self,
        inst: InstId,
        local: &str,
        alias: Option<&str>,
    ) -> ProviderRef {
        let me = self.inst(inst);
        let module = &self.modules[me.module];
        if let Some(idx) = module
            .providers
            .iter()
            .position(|p| p.local == local && p.alias.as_deref() == alias)
        {
            return ProviderRef::Block {
                inst,
                idx,
                key: None,
            };
        }
        let key = match alias {
            Some(a) => format!("{local}.{a}"),
            None => local.to_string(),
        };
        let source = self.provider_source(module, local);
        if let Some(parent) = &me.parent {
            let pm = self.module_of(parent.inst);
            let call = &pm.calls[me.call.unwrap_or(0)];
            if let Some(map) = call.block.body.attr("providers") {
                if let ExprKind::Object(items) = &map.expr.kind {
                    for (k, v) in items {
                        let kp = k.as_path().map(|p| p.join("."));
                        if kp.as_deref() == Some(key.as_str())
                            && let Some((p, index)) = split_index(v)
                        {
                            let alias = p.get(1).copied();
                            let r = self.resolve_provider(parent.inst, p[0], alias);
                            return self.keyed_provider(r, index, parent);
                        }
                    }
                }
                // An explicit map passes only what it names.
                return ProviderRef::Implicit {
                    local: local.to_string(),
                    source,
                };
            }
            if alias.is_none() {
                // Implicit inheritance of default configurations, by provider.
                let parent_local = pm
                    .required
                    .iter()
                    .find(|(_, r)| r.source.eq_ignore_ascii_case(&source))
                    .map(|(n, _)| n.clone())
                    .unwrap_or_else(|| local.to_string());
                return self.resolve_provider(parent.inst, &parent_local, None);
            }
        }
        ProviderRef::Implicit {
            local: local.to_string(),
            source,
        }
    }

    /// Where a provider configuration places things (cached).
    pub fn provider_place(&self, r: &ProviderRef, at: Span) -> Rc<ProviderPlace> {
        if let Some(p) = self.st.provider_cache.borrow().get(r) {
            return p.clone();
        }
        // A Kubernetes provider is where its cluster is (place/cluster.rs).
        let p = Rc::new(
            self.cluster_provider(r, at)
                .unwrap_or_else(|| self.provider_place_uncached(r, at)),
        );
        self.st
            .provider_cache
            .borrow_mut()
            .insert(r.clone(), p.clone());
        p
    }

    fn provider_place_uncached(&self, r: &ProviderRef, at: Span) -> ProviderPlace {
        match r {
            ProviderRef::Implicit { local, source } => {
                let cat = self.st.cat.provider(source);
                let has_region = cat.map(|c| !c.region_attrs.is_empty()).unwrap_or(false);
                ProviderPlace {
                    name: local.as_str().into(),
                    source: source.as_str().into(),
                    regions: Vec::new(),
                    endpoint: None,
                    endpoint_origins: Vec::new(),
                    endpoint_unresolved: cat
                        .filter(|c| !c.endpoint_env.is_empty())
                        .map(|c| Unresolved {
                            what: format!(
                                "provider {local} has no configuration block: its endpoint would come from the environment ({})",
                                c.endpoint_env.join(" or ")
                            ),
                            span: at,
                        }),
                    unresolved: has_region.then(|| Unresolved {
                        what: format!(
                            "provider {local} has no configuration block: its region would come from the environment"
                        ),
                        span: at,
                    }),
                    block_span: None,
                }
            }
            ProviderRef::Block { inst, idx, key } => {
                let me = self.inst(*inst);
                let module = &self.modules[me.module];
                let pc = &module.providers[*idx];
                let source = self.provider_source(module, &pc.local);
                let mut name = join_addr(&me.addr, &pc.key());
                if let Some(k) = key {
                    name.push_str(&Key::Str(k.clone()).address());
                }
                let cat = self.st.cat.provider(&source);
                let (scopes, missing) = self.provider_scopes(*inst, *idx, key);
                let scope = scopes.first().cloned().unwrap_or_else(|| Scope::of(*inst));
                let region_attrs: Vec<&str> = match cat {
                    Some(c) => c.region_attrs.iter().map(String::as_str).collect(),
                    None => GENERIC_PROVIDER_REGION.to_vec(),
                };
                let zone_attrs: Vec<&str> = cat
                    .map(|c| c.zone_attrs.iter().map(String::as_str).collect())
                    .unwrap_or_default();
                let label: Rc<str> = format!("region of provider {name}").into();
                let (mut regions, mut unresolved) = (Vec::new(), None);
                for scope in &scopes {
                    let (mut r, mut u) =
                        self.region_from(&pc.block, &region_attrs, scope, cat, &label, false);
                    if r.is_empty() && u.is_none() {
                        (r, u) = self.region_from(&pc.block, &zone_attrs, scope, cat, &label, true);
                    }
                    for x in r {
                        if !regions.iter().any(|y: &RegionVal| y.region == x.region) {
                            regions.push(x);
                        }
                    }
                    unresolved = unresolved.or(u);
                }
                if let Some(what) = missing {
                    unresolved = Some(Unresolved {
                        what,
                        span: pc.block.head_span(),
                    });
                }
                if regions.is_empty()
                    && unresolved.is_none()
                    && !region_attrs.is_empty()
                    && cat.is_some()
                {
                    unresolved = Some(Unresolved {
                        what: format!(
                            "provider {name} sets no {}: it would come from the environment",
                            region_attrs.join(" or ")
                        ),
                        span: pc.block.head_span(),
                    });
                }
                let (endpoint, endpoint_origins, endpoint_unresolved) = match cat {
                    Some(c) => self.endpoint_from(&pc.block, c, &scope, &name),
                    None => (None, Vec::new(), None),
                };
                // Placed by its endpoint: an unwritten region is not a gap.
                if regions.is_empty()
                    && endpoint.is_some()
                    && cat.is_some_and(|c| c.region_optional)
                    && unresolved
                        .as_ref()
                        .is_some_and(|u| u.span == pc.block.head_span())
                {
                    unresolved = None;
                }
                // Placed by its endpoint: an unknown endpoint is the gap to name.
                if cat.is_some_and(|c| c.region_optional)
                    && endpoint_unresolved.is_some()
                    && unresolved
                        .as_ref()
                        .is_some_and(|u| u.span == pc.block.head_span())
                {
                    unresolved = None;
                }
                ProviderPlace {
                    name: name.into(),
                    source: source.into(),
                    regions,
                    endpoint,
                    endpoint_origins,
                    endpoint_unresolved,
                    unresolved,
                    block_span: Some(pc.block.head_span()),
                }
            }
        }
    }

    /// Reads the first of `attrs` written in `block` as region values.
    fn region_from(
        &self,
        block: &Block,
        attrs: &[&str],
        scope: &Scope,
        cat: Option<&Provider>,
        label: &Rc<str>,
        zones: bool,
    ) -> (Vec<RegionVal>, Option<Unresolved>) {
        for name in attrs {
            // `api.region`: an argument of a nested block (Outscale's
            // provider writes its region inside `api {}` since v1).
            let a = match name.split_once('.') {
                Some((b, attr)) => block.body.block(b).and_then(|b| b.body.attr(attr)),
                None => block.body.attr(name),
            };
            let Some(a) = a else {
                continue;
            };
            let v = self.eval(&a.expr, scope).through(Origin {
                span: a.expr.span,
                message: label.clone(),
                resource: None,
            });
            let text = short(self.sources.slice(a.expr.span));
            let (regions, unresolved, all_null) = region_values(&v, &text, cat, zones);
            if all_null {
                continue;
            }
            return (regions, unresolved);
        }
        (Vec::new(), None)
    }

    fn endpoint_from(
        &self,
        block: &Block,
        cat: &Provider,
        scope: &Scope,
        name: &str,
    ) -> (Option<String>, Vec<Origin>, Option<Unresolved>) {
        for path in &cat.endpoint_attrs {
            let mut parts = path.split('.');
            let first = parts.next().unwrap_or("");
            let rest: Vec<&str> = parts.collect();
            let expr = if rest.is_empty() {
                block.body.attr(first).map(|a| &a.expr)
            } else {
                block
                    .body
                    .block(first)
                    .and_then(|b| b.body.attr(rest[0]))
                    .map(|a| &a.expr)
            };
            let v = match expr {
                Some(e) => self.eval(e, scope).through(Origin {
                    span: e.span,
                    message: format!("endpoint of provider {name}").into(),
                    resource: None,
                }),
                None => match block.body.attr(first) {
                    // `endpoints = { api = "..." }` written as an object.
                    Some(a) if !rest.is_empty() => {
                        let v = self.eval(&a.expr, scope);
                        match &v.v {
                            V::Map(m) => match m.get(rest[0]) {
                                Some(x) => x.clone(),
                                None => continue,
                            },
                            _ => continue,
                        }
                    }
                    _ => continue,
                },
            };
            if let Some(s) = v.alts().iter().find_map(|x| x.as_str().map(str::to_string)) {
                let mut o = v.origins();
                o.reverse();
                return (Some(s), o, None);
            }
            // Written, but not known: never the provider's default.
            if let Some(u) = v.alts().iter().find_map(|x| x.as_unknown().cloned()) {
                let what = format!("endpoint of provider {name}: {}", u.what);
                return (None, Vec::new(), Some(Unresolved { what, span: u.span }));
            }
        }
        let unresolved = (!cat.endpoint_env.is_empty()).then(|| Unresolved {
            what: format!(
                "provider {name} sets no {}: it would come from the environment ({})",
                cat.endpoint_attrs.join(" or "),
                cat.endpoint_env.join(" or ")
            ),
            span: block.head_span(),
        });
        (None, Vec::new(), unresolved)
    }

    /// Places one instance of resource `decl` of instance `inst`.
    pub fn place(&self, inst: InstId, decl: usize, key: &Option<Key>) -> Rc<Placed> {
        let ck = (inst, decl, key.clone());
        if let Some(p) = self.st.place_cache.borrow().get(&ck) {
            return p.clone();
        }
        let mut placed = self.place_uncached(inst, decl, key);
        if !placed.provider.starts_with("hashicorp/") {
            let d = &self.module_of(inst).resources[decl];
            if let Some(note) = self.undeclared_note(inst, d, &placed.provider) {
                placed.origins.push(note);
            }
        }
        let p = Rc::new(placed);
        self.st.place_cache.borrow_mut().insert(ck, p.clone());
        p
    }

    fn place_uncached(&self, inst: InstId, decl: usize, key: &Option<Key>) -> Placed {
        let me = self.inst(inst);
        let module = &self.modules[me.module];
        let d = &module.resources[decl];
        let head = d.block.head_span();
        let address = instance_address(&me.addr, d, key);
        let dp = self.decl_provider(inst, decl);
        let pref = self.resource_provider(inst, decl, d, key);
        let pp = self.provider_place(&pref, head);
        let source = match &pref {
            ProviderRef::Implicit { .. } => dp.source.clone(),
            ProviderRef::Block { .. } => pp.source.clone(),
        };
        let provider_attr = d.block.body.attr("provider").map(|a| a.expr.span);
        let mut placed = Placed {
            inst,
            decl,
            key: key.clone(),
            address,
            provider: source.clone(),
            provider_config: pp.name.clone(),
            kind: PlaceKind::Regional,
            placed_by: None,
            regions: Vec::new(),
            endpoint: pp.endpoint.clone(),
            unresolved: None,
            primary: provider_attr.unwrap_or(d.block.labels_span()),
            origins: Vec::new(),
            copies_data: false,
        };
        // In a Kubernetes cluster: where the cluster is (place/cluster.rs).
        if cluster::is_cluster_provider(&dp.source) {
            self.take_provider(&mut placed, &pp);
            return placed;
        }
        let facts = self.type_facts(&source, &d.ty);
        placed.copies_data = facts.copies_data;

        if facts.inert {
            placed.kind = PlaceKind::Inert;
            placed.endpoint = None;
            return placed;
        }
        let cat = facts.provider;
        if let Some(g) = facts.global {
            // Kept in the regions a nested attribute lists, when it is set.
            if let Some(path) = &g.regions_from
                && let Some(scope) = self.resource_scope(inst, decl, key)
                && let Some((span, regions, unresolved)) =
                    self.regions_at(&d.block, path, &scope, cat, &placed.address)
            {
                placed.primary = span;
                for r in &regions {
                    placed.origins.extend(r.origins.iter().cloned());
                }
                placed.regions = regions;
                placed.placed_by = Some(TypeKind::Global);
                placed.unresolved = unresolved.or_else(|| pp.endpoint_unresolved.clone());
                placed.origins.extend(pp.endpoint_origins.iter().cloned());
                dedup_origins(&mut placed.origins);
                return placed;
            }
            // Lives in a parent that is placed regionally (a subscription in
            // its pinned topic).
            if let Some(parent) = facts.parent
                && let Some((span, p)) = self.global_parent(inst, decl, key, d, parent)
                && p.kind == PlaceKind::Regional
            {
                placed.primary = span;
                placed.placed_by = Some(TypeKind::Parent);
                placed.regions = p.regions.clone();
                placed.unresolved = p.unresolved.clone();
                placed.origins.push(Origin {
                    span,
                    message: format!("{} lives in {}", placed.address, p.address).into(),
                    resource: None,
                });
                placed.origins.extend(p.origins.iter().cloned());
                dedup_origins(&mut placed.origins);
                return placed;
            }
            placed.kind = PlaceKind::Global {
                holds_data: g.holds_data,
            };
            placed.placed_by = Some(TypeKind::Global);
            placed.origins = pp.endpoint_origins.clone();
            placed.unresolved = pp.endpoint_unresolved.clone();
            return placed;
        }
        let guard = (inst, decl, key.clone());
        if !self.st.placing.borrow_mut().insert(guard.clone()) {
            self.note_instance_event();
            placed.unresolved = Some(Unresolved {
                what: format!("{} is placed by itself", placed.address),
                span: head,
            });
            return placed;
        }
        match facts.entry {
            Some(e) => self.place_by_entry(&mut placed, d, e, cat, &pp),
            None => self.place_regions(&mut placed, d, &facts, &pp),
        }
        self.st.placing.borrow_mut().remove(&guard);
        if placed.unresolved.is_none() {
            placed.unresolved = pp.endpoint_unresolved.clone();
        }
        if placed.regions.is_empty()
            && placed.unresolved.is_none()
            && placed.kind == PlaceKind::Regional
            && cat.is_some_and(|c| c.region_attrs.is_empty() && c.resource_region_attrs.is_empty())
        {
            placed.kind = PlaceKind::Endpoint;
        }
        placed.origins.extend(pp.endpoint_origins.iter().cloned());
        dedup_origins(&mut placed.origins);
        placed
    }

    fn place_regions(
        &self,
        placed: &mut Placed,
        d: &ResourceDecl,
        facts: &TypeFacts,
        pp: &ProviderPlace,
    ) {
        let Some(scope) = self.resource_scope(placed.inst, placed.decl, &placed.key) else {
            return;
        };
        let cat = facts.provider;
        // 1. The resource's own region argument.
        let own: Vec<&str> = match cat {
            Some(c) => c.resource_region_attrs.iter().map(String::as_str).collect(),
            None => GENERIC_RESOURCE_REGION.to_vec(),
        };
        let zone_attrs: Vec<&str> = cat
            .map(|c| c.resource_zone_attrs.iter().map(String::as_str).collect())
            .unwrap_or_default();
        for (attrs, zones) in [(&own, false), (&zone_attrs, true)] {
            for name in attrs.iter() {
                let Some(a) = d.block.body.attr(name) else {
                    continue;
                };
                let v = self.eval(&a.expr, &scope);
                let text = short(self.sources.slice(a.expr.span));
                let (regions, unresolved, all_null) = region_values(&v, &text, cat, zones);
                if all_null {
                    continue;
                }
                placed.primary = a.expr.span;
                let has_null = v
                    .alt_values()
                    .iter()
                    .any(|x| matches!(&x.v, V::Null) || matches!(&x.v, V::Str(s) if s.is_empty()));
                placed.regions = regions;
                placed.unresolved = unresolved;
                for r in &placed.regions {
                    placed.origins.extend(r.origins.iter().cloned());
                }
                placed.placed_by = Some(TypeKind::Own);
                // `region = var.x ? "a" : null`: null means the provider's.
                if has_null {
                    self.take_provider(placed, pp);
                }
                dedup_regions(&mut placed.regions);
                return;
            }
        }
        // 2. A parent it lives in.
        if let Some(parent) = facts.parent
            && self.place_in_parent(placed, d, parent, &scope)
        {
            return;
        }
        // 3. What the provider decides when nothing is written.
        if let Some(def) = facts.default
            && d.block.body.attr(&def.attr).is_none()
        {
            placed.regions = vec![RegionVal {
                region: cat
                    .map(|c| c.canonical_region(&def.value))
                    .unwrap_or_default(),
                origins: vec![Origin {
                    span: d.block.head_span(),
                    message: format!(
                        "{} has no {}: the provider puts it in {}",
                        placed.address, def.attr, def.value
                    )
                    .into(),
                    resource: None,
                }],
            }];
            placed.origins = placed.regions[0].origins.clone();
            placed.placed_by = Some(TypeKind::Default);
            return;
        }
        // 4. The provider configuration's region.
        let provider_has_region = match cat {
            Some(c) => !c.region_attrs.is_empty(),
            None => true,
        };
        if provider_has_region {
            placed.placed_by = Some(TypeKind::Provider);
            self.take_provider(placed, pp);
        } else if !own.is_empty() {
            placed.placed_by = Some(TypeKind::Own);
            placed.unresolved = Some(Unresolved {
                what: format!(
                    "region of {}: {} is not set",
                    placed.address,
                    own.join(" or ")
                ),
                span: d.block.head_span(),
            });
        }
    }

    /// Places `placed` in the parent its arguments name, or says the parent
    /// could not be found: `false` when no argument naming a parent is written.
    fn place_in_parent(
        &self,
        placed: &mut Placed,
        d: &ResourceDecl,
        parent: &Parent,
        scope: &Scope,
    ) -> bool {
        for name in &parent.attrs {
            let Some(a) = d.block.body.attr(name) else {
                continue;
            };
            let v = self.eval(&a.expr, scope);
            if let Some(p) = self.find_parent(
                placed.inst,
                &v,
                &parent.parent_types,
                &parent.parent_name_attr,
            ) {
                placed.placed_by = Some(TypeKind::Parent);
                placed.regions = p.regions.clone();
                placed.unresolved = p.unresolved.clone();
                placed.origins.push(Origin {
                    span: a.expr.span,
                    message: format!("{} lives in {}", placed.address, p.address).into(),
                    resource: None,
                });
                placed.origins.extend(p.origins.iter().cloned());
                return true;
            }
            placed.placed_by = Some(TypeKind::Parent);
            placed.unresolved = Some(Unresolved {
                what: format!(
                    "{name} = {}: the parent {} could not be found",
                    self.sources.slice(a.expr.span),
                    parent.parent_types.join(" or ")
                ),
                span: a.expr.span,
            });
            return true;
        }
        false
    }

    /// The regions listed by the attribute at `path` (nested blocks, then the
    /// attribute; `dynamic` blocks expanded): a region or a list of regions,
    /// each a value it may take. `None` when it is not set (absent, null or
    /// empty); an unknown value is unresolved.
    fn regions_at(
        &self,
        block: &Block,
        path: &str,
        scope: &Scope,
        cat: Option<&Provider>,
        address: &str,
    ) -> Option<(Span, Vec<RegionVal>, Option<Unresolved>)> {
        let parts: Vec<&str> = path.split('.').collect();
        let mut attrs = Vec::new();
        self.attrs_at(&block.body, &parts, scope, &mut attrs);
        let (mut span, mut regions, mut unresolved) = (None, Vec::new(), None);
        for (a, sc) in attrs {
            let v = self.eval(&a.expr, &sc).through(Origin {
                span: a.expr.span,
                message: format!("{address} is kept in the regions of {path}").into(),
                resource: None,
            });
            let items: Vec<Val> = v
                .alts()
                .into_iter()
                .flat_map(|alt| match &alt.v {
                    V::List(xs) => xs.iter().map(|x| x.clone().with_via(&alt.via)).collect(),
                    _ => vec![alt],
                })
                .collect();
            let text = short(self.sources.slice(a.expr.span));
            let (r, u, all_null) = region_values(&Val::choice(items), &text, cat, false);
            if all_null {
                continue;
            }
            span.get_or_insert(a.expr.span);
            regions.extend(r);
            unresolved = unresolved.or(u);
        }
        dedup_regions(&mut regions);
        Some((span?, regions, unresolved))
    }

    /// The parent of a global type that has one, placed, with the argument
    /// that points to it; `None` when not found (or placed by itself).
    fn global_parent(
        &self,
        inst: InstId,
        decl: usize,
        key: &Option<Key>,
        d: &ResourceDecl,
        parent: &crate::catalogue::Parent,
    ) -> Option<(Span, Rc<Placed>)> {
        let scope = self.resource_scope(inst, decl, key)?;
        let a = parent.attrs.iter().find_map(|n| d.block.body.attr(n))?;
        let guard = (inst, decl, key.clone());
        if !self.st.placing.borrow_mut().insert(guard.clone()) {
            self.note_instance_event();
            return None;
        }
        let v = self.eval(&a.expr, &scope);
        let p = self.find_parent(inst, &v, &parent.parent_types, &parent.parent_name_attr);
        self.st.placing.borrow_mut().remove(&guard);
        Some((a.expr.span, p?))
    }

    fn take_provider(&self, placed: &mut Placed, pp: &ProviderPlace) {
        placed.regions.extend(pp.regions.iter().cloned());
        if placed.unresolved.is_none() {
            placed.unresolved = pp.unresolved.clone();
        }
        for r in &pp.regions {
            placed.origins.extend(r.origins.iter().cloned());
        }
        dedup_regions(&mut placed.regions);
    }

    /// The parent resource a value points to: through the resource it was read
    /// from, else by name among the module's resources of the parent types.
    fn find_parent(
        &self,
        inst: InstId,
        v: &Val,
        types: &[String],
        name_attr: &str,
    ) -> Option<Rc<Placed>> {
        for alt in v.alts() {
            for o in alt.origins() {
                if let Some(r) = &o.resource {
                    let d = &self.module_of(r.inst).resources[r.decl];
                    if d.managed
                        && types
                            .iter()
                            .any(|t| crate::catalogue::type_matches(t, &d.ty))
                    {
                        return Some(self.place(r.inst, r.decl, &r.key));
                    }
                }
            }
        }
        let name = v
            .alts()
            .iter()
            .find_map(|x| x.as_str().map(str::to_string))?;
        let module = self.module_of(inst);
        for (i, d) in module.resources.iter().enumerate() {
            if !d.managed
                || !types
                    .iter()
                    .any(|t| crate::catalogue::type_matches(t, &d.ty))
            {
                continue;
            }
            let exp = self.resource_instances(inst, i);
            for (k, _) in &exp.instances {
                let n = self.resource_attr(inst, i, k.clone(), name_attr, d.block.head_span());
                if n.alt_values()
                    .iter()
                    .any(|x| x.as_str() == Some(name.as_str()))
                {
                    return Some(self.place(inst, i, k));
                }
            }
        }
        None
    }
}

/// `module.a.aws_s3_bucket.b["k"]`, `data.x.y`: built in one string.
pub(crate) fn instance_address(prefix: &str, d: &ResourceDecl, key: &Option<Key>) -> String {
    let key = key.as_ref().map(Key::address);
    // Exactly the length: a resource keeps it as a boxed `str`.
    let mut out = String::with_capacity(
        prefix.len()
            + usize::from(!prefix.is_empty())
            + if d.managed { 0 } else { 5 }
            + d.ty.len()
            + 1
            + d.name.len()
            + key.as_ref().map_or(0, String::len),
    );
    if !prefix.is_empty() {
        out.push_str(prefix);
        out.push('.');
    }
    if !d.managed {
        out.push_str("data.");
    }
    out.push_str(&d.ty);
    out.push('.');
    out.push_str(&d.name);
    if let Some(k) = &key {
        out.push_str(k);
    }
    out
}

/// The value of a region attribute that is not written (`aws_s3_bucket.b.region`):
/// where the resource is placed. `None` for other attributes.
impl Placer<'_, '_, '_> {
    pub fn implied_attr(
        &self,
        inst: InstId,
        decl: usize,
        key: &Option<Key>,
        attr: &str,
    ) -> Option<Val> {
        let ev = self;
        let module = ev.module_of(inst);
        let d = &module.resources[decl];
        let pref = ev.resource_provider(inst, decl, d, key);
        let source = match &pref {
            ProviderRef::Block { inst, idx, .. } => {
                let m = ev.module_of(*inst);
                ev.provider_source(m, &m.providers[*idx].local)
            }
            ProviderRef::Implicit { source, .. } => source.clone(),
        };
        let cat = ev.st.cat.provider(&source);
        let region_like = match cat {
            Some(c) => {
                c.resource_region_attrs.iter().any(|a| a == attr)
                    || c.data_region(&d.ty)
                        .is_some_and(|dr| dr.attrs.iter().any(|a| a == attr))
            }
            None => GENERIC_RESOURCE_REGION.contains(&attr),
        };
        if !region_like {
            return None;
        }
        let p = if d.managed {
            ev.place(inst, decl, key)
        } else {
            // A data source that reports its provider's region.
            let dr = cat.and_then(|c| c.data_region(&d.ty))?;
            if let Some(arg) = &dr.arg
                && d.block.body.attr(arg).is_some()
            {
                return Some(ev.resource_attr(inst, decl, key.clone(), arg, d.block.head_span()));
            }
            let pp = ev.provider_place(&pref, d.block.head_span());
            let mut vals: Vec<Val> = pp
                .regions
                .iter()
                .map(|r| origins_val(Val::str(&r.region), &r.origins))
                .collect();
            if let Some(u) = &pp.unresolved {
                vals.push(Val::unknown(u.span, u.what.clone()));
            }
            return Some(Val::choice(vals));
        };
        let mut vals: Vec<Val> = p
            .regions
            .iter()
            .map(|r| origins_val(Val::str(&r.region), &r.origins))
            .collect();
        if let Some(u) = &p.unresolved {
            vals.push(Val::unknown(u.span, u.what.clone()));
        }
        if vals.is_empty() {
            return None;
        }
        Some(Val::choice(vals))
    }
}

fn origins_val(mut v: Val, origins: &[Origin]) -> Val {
    for o in origins {
        v = v.through(o.clone());
    }
    v
}

/// Splits a region value into known regions (normalised) and the first
/// unknown; `all_null` when every alternative is null (the argument is unset).
fn region_values(
    v: &Val,
    expr: &str,
    cat: Option<&Provider>,
    zones: bool,
) -> (Vec<RegionVal>, Option<Unresolved>, bool) {
    let mut regions = Vec::new();
    let mut unresolved = None;
    let alts = v.alts();
    // "An empty string is no region": `""` counts as unset.
    let unset = |a: &Val| match &a.v {
        V::Null => true,
        V::Str(s) => s.is_empty(),
        _ => false,
    };
    let all_null = alts.iter().all(unset);
    for a in &alts {
        match &a.v {
            V::Str(s) if s.is_empty() => {}
            V::Str(s) => {
                let region = match cat {
                    Some(c) if zones => c.zone_region(s).unwrap_or_else(|| c.canonical_region(s)),
                    Some(c) => c.canonical_region(s),
                    None => crate::catalogue::normalise_region(s),
                };
                let mut origins = a.origins();
                origins.reverse();
                regions.push(RegionVal { region, origins });
            }
            V::Null => {}
            V::Unknown(u) => {
                if unresolved.is_none() {
                    unresolved = Some(Unresolved {
                        what: u.what.clone(),
                        span: u.span,
                    });
                }
            }
            _ => {
                if unresolved.is_none() {
                    unresolved = Some(Unresolved {
                        what: format!("{expr} is a {}, not a region name", a.type_name()),
                        span: a.origins().last().map(|o| o.span).unwrap_or_default(),
                    });
                }
            }
        }
    }
    dedup_regions(&mut regions);
    (regions, unresolved, all_null)
}

/// An expression's source on one line, cut at 80 characters.
fn short(s: &str) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() > 80 {
        format!("{}...", s.chars().take(77).collect::<String>())
    } else {
        s
    }
}

/// Keeps the first value of each region, sorted by region. The lists are a
/// few items long: a scan of what is kept beats hashing (and cloning) names.
fn dedup_regions(regions: &mut Vec<RegionVal>) {
    let mut kept = 0;
    for i in 0..regions.len() {
        if !regions[..kept]
            .iter()
            .any(|k| k.region == regions[i].region)
        {
            regions.swap(kept, i);
            kept += 1;
        }
    }
    regions.truncate(kept);
    regions.sort_by(|a, b| a.region.cmp(&b.region));
}

/// Keeps the first origin of each (span, message), in order (see
/// [`dedup_regions`]).
fn dedup_origins(origins: &mut Vec<Origin>) {
    let mut kept = 0;
    for i in 0..origins.len() {
        let o = &origins[i];
        if !origins[..kept]
            .iter()
            .any(|k| k.span == o.span && k.message == o.message)
        {
            origins.swap(kept, i);
            kept += 1;
        }
    }
    origins.truncate(kept);
}
