//! Placement of a resource whose type the type catalogue knows
//! (tools/catalogue/FORMAT.md, "The kinds"): its own location arguments,
//! then global / account, its parent, the provider's default, the provider
//! configuration's region, else unresolved (CRC003) naming what is missing.

use super::{
    PlaceKind, Placed, Placer, ProviderPlace, RegionVal, Unresolved, dedup_regions, region_values,
    short,
};
use crate::assemble::ResourceDecl;
use crate::catalogue::Provider;
use crate::catalogue::types::{TypeEntry, TypeKind};
use crate::eval::Scope;
use crate::eval::value::{Origin, V};

impl Placer<'_, '_, '_> {
    /// Places `placed` by the catalogue entry `e` of its type.
    pub(super) fn place_by_entry(
        &self,
        placed: &mut Placed,
        d: &ResourceDecl,
        e: &TypeEntry,
        cat: Option<&Provider>,
        pp: &ProviderPlace,
    ) {
        let Some(scope) = self.resource_scope(placed.inst, placed.decl, &placed.key) else {
            return;
        };
        // 1. Its own location arguments, first written wins.
        for path in e.location {
            if self.own_location(placed, d, path, &scope, cat, pp) {
                placed.placed_by = Some(TypeKind::Own);
                return;
            }
        }
        placed.placed_by = Some(e.kind);
        match e.kind {
            // 2. Global or account-level.
            TypeKind::Global | TypeKind::Account => {
                if let Some(path) = e.regions_from
                    && let Some((span, regions, unresolved)) =
                        self.regions_at(&d.block, path, &scope, cat, &placed.address)
                {
                    placed.primary = span;
                    for r in &regions {
                        placed.origins.extend(r.origins.iter().cloned());
                    }
                    placed.regions = regions;
                    placed.unresolved = unresolved;
                    return;
                }
                let at_endpoint = e.kind == TypeKind::Account
                    && cat.is_some_and(|c| !c.endpoint_attrs.is_empty());
                placed.kind = if at_endpoint {
                    PlaceKind::Endpoint
                } else {
                    PlaceKind::Global {
                        holds_data: e.holds_data.unwrap_or(false),
                    }
                };
            }
            // 3. Its parent.
            TypeKind::Parent => {
                if self.entry_parent(placed, d, e, &scope, cat) {
                    return;
                }
                if e.fallback_provider {
                    placed.placed_by = Some(TypeKind::Provider);
                    self.take_provider(placed, pp);
                } else {
                    placed.unresolved = Some(Unresolved {
                        what: format!(
                            "{} sets none of {}: the parent it lives in is not known",
                            placed.address,
                            e.parent.join(", ")
                        ),
                        span: d.block.head_span(),
                    });
                }
            }
            // 4. The provider's default.
            TypeKind::Default => {
                let value = e.default.unwrap_or_default();
                if value.eq_ignore_ascii_case("global") {
                    placed.kind = PlaceKind::Global { holds_data: false };
                    return;
                }
                let origin = Origin {
                    span: d.block.head_span(),
                    message: format!(
                        "{} has no {}: the provider puts it in {value}",
                        placed.address,
                        e.location.join(" or ")
                    )
                    .into(),
                    resource: None,
                };
                placed.origins.push(origin.clone());
                placed.regions = vec![RegionVal {
                    region: cat
                        .map(|c| c.canonical_region(value))
                        .unwrap_or_else(|| crate::catalogue::normalise_region(value)),
                    origins: vec![origin],
                }];
            }
            // 5. The provider configuration's region.
            TypeKind::Provider => self.take_provider(placed, pp),
            // 6. Nothing: unresolved, naming the argument.
            TypeKind::Own => {
                let args = e.location.join(" or ");
                let what = if e.required {
                    format!(
                        "{} sets no {args}: the provider requires it, and the provider's region does not apply",
                        placed.address
                    )
                } else {
                    format!(
                        "{} sets no {args}: the provider's schema does not say where it goes without it",
                        placed.address
                    )
                };
                placed.unresolved = Some(Unresolved {
                    what,
                    span: d.block.head_span(),
                });
            }
        }
    }

    /// Reads location argument `path` (`region`, or `nodes.region` through
    /// nested blocks: each element a placement); false when it is not written
    /// (absent, null or `""`).
    fn own_location(
        &self,
        placed: &mut Placed,
        d: &ResourceDecl,
        path: &str,
        scope: &Scope,
        cat: Option<&Provider>,
        pp: &ProviderPlace,
    ) -> bool {
        if path.contains('.') {
            let Some((span, regions, unresolved)) =
                self.regions_at(&d.block, path, scope, cat, &placed.address)
            else {
                return false;
            };
            if regions.is_empty() && unresolved.is_none() {
                return false;
            }
            placed.primary = span;
            for r in &regions {
                placed.origins.extend(r.origins.iter().cloned());
            }
            placed.regions = regions;
            placed.unresolved = unresolved;
            return true;
        }
        let Some(a) = d.block.body.attr(path) else {
            return false;
        };
        let v = self.eval(&a.expr, scope);
        let text = short(self.sources.slice(a.expr.span));
        let (regions, unresolved, all_null) = region_values(&v, &text, cat, false);
        if all_null {
            return false;
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
        // `location = var.x ? "a" : null`: null means what the kind says when
        // nothing is written; only the provider's region is followed here.
        if has_null && matches!(self.kind_without_argument(placed), Some(TypeKind::Provider)) {
            self.take_provider(placed, pp);
        }
        dedup_regions(&mut placed.regions);
        true
    }

    /// The kind of the entry of `placed`'s type (for a partly null argument).
    fn kind_without_argument(&self, placed: &Placed) -> Option<TypeKind> {
        let d = &self.module_of(placed.inst).resources[placed.decl];
        self.st
            .cat
            .type_entry(&placed.provider, &d.ty)
            .map(|e| e.kind)
    }

    /// The first written parent argument: a literal Google resource name
    /// gives its location; else the resource it references, or the one of
    /// the parent types it names. True when it decided (placed or not found).
    fn entry_parent(
        &self,
        placed: &mut Placed,
        d: &ResourceDecl,
        e: &TypeEntry,
        scope: &Scope,
        cat: Option<&Provider>,
    ) -> bool {
        for name in e.parent {
            let Some(a) = d.block.body.attr(name) else {
                continue;
            };
            let v = self.eval(&a.expr, scope);
            if v.alt_values().iter().all(|x| match &x.v {
                V::Null => true,
                V::Str(s) => s.is_empty(),
                _ => false,
            }) {
                continue;
            }
            let types: Vec<String> = e.parent_types.iter().map(|t| t.to_string()).collect();
            if let Some(p) = self.find_parent(placed.inst, &v, &types, e.parent_name_attr) {
                placed.regions = p.regions.clone();
                placed.unresolved = p.unresolved.clone();
                if p.kind != PlaceKind::Regional {
                    placed.kind = p.kind;
                }
                placed.primary = a.expr.span;
                placed.origins.push(Origin {
                    span: a.expr.span,
                    message: format!("{} lives in {}", placed.address, p.address).into(),
                    resource: None,
                });
                placed.origins.extend(p.origins.iter().cloned());
                return true;
            }
            if let Some((loc, val)) = v
                .alt_values()
                .iter()
                .find_map(|x| x.as_str().and_then(name_location).map(|l| (l, x)))
            {
                placed.primary = a.expr.span;
                if loc.eq_ignore_ascii_case("global") {
                    placed.kind = PlaceKind::Global { holds_data: false };
                    return true;
                }
                let origin = Origin {
                    span: a.expr.span,
                    message: format!("{} is in {loc}, the location of its {name}", placed.address)
                        .into(),
                    resource: None,
                };
                let mut origins = val.origins();
                origins.reverse();
                origins.push(origin);
                placed.origins.extend(origins.iter().cloned());
                placed.primary = a.expr.span;
                placed.regions = vec![RegionVal {
                    region: cat
                        .map(|c| c.canonical_region(loc))
                        .unwrap_or_else(|| crate::catalogue::normalise_region(loc)),
                    origins,
                }];
                return true;
            }
            if e.fallback_provider {
                return false;
            }
            placed.unresolved = Some(Unresolved {
                what: format!(
                    "{name} = {}: the parent {} could not be found",
                    short(self.sources.slice(a.expr.span)),
                    e.parent_types.join(" or ")
                ),
                span: a.expr.span,
            });
            return true;
        }
        false
    }
}

/// The location a Google resource name gives: `projects/P/locations/L/...`,
/// `.../regions/R/...`, `.../zones/Z/...` (L may be `global`).
pub(crate) fn name_location(name: &str) -> Option<&str> {
    let mut parts = name.split('/');
    while let Some(p) = parts.next() {
        if matches!(p, "locations" | "regions" | "zones")
            && let Some(loc) = parts.next()
            && !loc.is_empty()
            && !loc.contains(['$', '{'])
        {
            return Some(loc);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::name_location;

    #[test]
    fn google_names_give_their_location() {
        assert_eq!(
            name_location("projects/p/locations/europe-west1/keyRings/r"),
            Some("europe-west1")
        );
        assert_eq!(
            name_location("projects/p/regions/europe-west9/subnetworks/s"),
            Some("europe-west9")
        );
        assert_eq!(name_location("projects/p/secrets/s"), None);
        assert_eq!(name_location("my-ring"), None);
    }
}
