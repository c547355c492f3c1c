//! Copies of data (CRC005): where each resource instance sends a copy of its
//! data, or of another resource's data (replication, backup copy, replica).
//!
//! Which arguments name a copy's destination and source comes from the
//! [catalogue](crate::catalogue)'s `egress` entries. A destination is placed
//! like a resource: a resource it names is placed with its own provider and
//! region; a region it names is a region of the resource's provider; a replica
//! is placed where it is. What cannot be resolved gives no edge (the
//! placement of resources is CRC003's business).

pub use crate::analysis::Egress;
use crate::catalogue::{Egress as Rule, EgressTo, type_matches};
use crate::eval::Scope;
use crate::eval::value::{Origin, V, Val};
use crate::findings::Related;
use crate::model::{Attribute, Body, ExprKind};
use crate::place::Placer;
use crate::place::{PlaceKind, Placed};
use crate::source::Span;
use std::collections::BTreeMap;
use std::rc::Rc;

/// A destination, once resolved.
enum Dest {
    Resource(Rc<Placed>),
    Region(String, Vec<Origin>),
}

impl Placer<'_, '_, '_> {
    /// The copies of data a placed resource instance makes.
    pub fn egress(&self, me: &Placed) -> Vec<Egress> {
        let module = self.module_of(me.inst);
        let d = &module.resources[me.decl];
        if !d.managed || me.kind == PlaceKind::Inert || !me.copies_data {
            return Vec::new();
        }
        let facts = self.type_facts(&me.provider, &d.ty);
        let Some(cat) = facts.provider.filter(|_| facts.copies_data) else {
            return Vec::new();
        };
        let Some(scope) = self.resource_scope(me.inst, me.decl, &me.key) else {
            return Vec::new();
        };
        let mut out: Vec<Egress> = Vec::new();
        for rule in cat.egress(&d.ty) {
            let source = match &rule.source {
                Some(path) => {
                    let found = self.named(me, &d.block.body, path, &scope, rule, true);
                    match found.into_iter().find_map(|(span, dest)| match dest {
                        Dest::Resource(p) => Some((p.address.clone(), span)),
                        Dest::Region(..) => None,
                    }) {
                        Some(s) => Some(s),
                        // A replica of something cercle cannot find: its data
                        // is not known to be anyone's but its own.
                        None if rule.to == EgressTo::Itself => continue,
                        None => None,
                    }
                }
                None => None,
            };
            if rule.to == EgressTo::Itself {
                let e = Egress {
                    span: me.primary,
                    source,
                    dest: None,
                    itself: true,
                    provider: me.provider.to_string(),
                    kind: me.kind,
                    regions: me
                        .regions
                        .iter()
                        .map(|r| (r.region.clone(), related(&r.origins)))
                        .collect(),
                    endpoint: me.endpoint.clone(),
                };
                push(&mut out, e);
                continue;
            }
            let Some(path) = &rule.destination else {
                continue;
            };
            for (span, dest) in self.named(me, &d.block.body, path, &scope, rule, false) {
                let e = match dest {
                    Dest::Resource(p) => {
                        if p.kind == PlaceKind::Inert {
                            continue;
                        }
                        Egress {
                            span,
                            source: source.clone(),
                            dest: Some(p.address.clone()),
                            itself: false,
                            provider: p.provider.to_string(),
                            kind: p.kind,
                            regions: p
                                .regions
                                .iter()
                                .map(|r| {
                                    let mut o = vec![Related {
                                        span: p.primary,
                                        message: format!("{} is placed here", p.address),
                                    }];
                                    o.extend(related(&r.origins));
                                    (r.region.clone(), o)
                                })
                                .collect(),
                            endpoint: p.endpoint.clone(),
                        }
                    }
                    Dest::Region(region, origins) => Egress {
                        span,
                        source: source.clone(),
                        dest: None,
                        itself: false,
                        provider: me.provider.to_string(),
                        kind: PlaceKind::Regional,
                        regions: vec![(cat.canonical_region(&region), related(&origins))],
                        endpoint: me.endpoint.clone(),
                    },
                };
                push(&mut out, e);
            }
        }
        out
    }

    /// What the argument at `path` names: for each value it may take, the
    /// resource (of the source or destination types) or the region.
    fn named(
        &self,
        me: &Placed,
        body: &Body,
        path: &str,
        scope: &Scope,
        rule: &Rule,
        source: bool,
    ) -> Vec<(Span, Dest)> {
        let (types, name_attr) = if source {
            (&rule.source_types, rule.source_name_attr.as_deref())
        } else {
            (
                &rule.destination_types,
                rule.destination_name_attr.as_deref(),
            )
        };
        let parts: Vec<&str> = path.split('.').collect();
        let mut attrs = Vec::new();
        self.attrs_at(body, &parts, scope, &mut attrs);
        let mut out = Vec::new();
        for (a, sc) in attrs {
            let v = self.eval(&a.expr, &sc);
            for alt in v.alts() {
                if matches!(alt.v, V::Null) {
                    continue;
                }
                if !source && rule.to == EgressTo::Region {
                    if let Some(s) = alt.as_str() {
                        let mut o = alt.origins();
                        o.reverse();
                        out.push((a.expr.span, Dest::Region(s.to_string(), o)));
                    }
                    continue;
                }
                if let Some(p) = self.resource_named(me, &alt, types, name_attr) {
                    out.push((a.expr.span, Dest::Resource(p)));
                } else if !source
                    && rule.arn_region
                    && let Some(s) = alt.as_str()
                    && let Some(region) = arn_region(s)
                {
                    let mut o = alt.origins();
                    o.reverse();
                    out.push((a.expr.span, Dest::Region(region.to_string(), o)));
                }
            }
        }
        out
    }

    /// The attributes at `path` (blocks, then the attribute) of a body, with
    /// the scope each is evaluated in: `dynamic` blocks are expanded.
    pub(crate) fn attrs_at<'b>(
        &self,
        body: &'b Body,
        path: &[&str],
        scope: &Scope,
        out: &mut Vec<(&'b Attribute, Scope)>,
    ) {
        let Some((first, rest)) = path.split_first() else {
            return;
        };
        if rest.is_empty() {
            if let Some(a) = body.attr(first) {
                out.push((a, scope.clone()));
            }
            return;
        }
        for b in body.blocks.iter().filter(|b| b.kind == *first) {
            self.attrs_at(&b.body, rest, scope, out);
        }
        for b in body.blocks.iter().filter(|b| b.kind == "dynamic") {
            if b.label(0) != Some(*first) {
                continue;
            }
            let (Some(each), Some(content)) = (b.body.attr("for_each"), b.body.block("content"))
            else {
                continue;
            };
            let iterator = b
                .body
                .attr("iterator")
                .and_then(|a| match &a.expr.kind {
                    ExprKind::Var(n) => Some(n.clone()),
                    _ => None,
                })
                .unwrap_or_else(|| first.to_string());
            let items = self.eval(&each.expr, scope);
            for (k, v) in dynamic_items(&items) {
                let mut sc = scope.clone();
                let it = Val::map(BTreeMap::from([
                    ("key".to_string(), k),
                    ("value".to_string(), v),
                ]));
                sc.vars.push((Rc::from(iterator.as_str()), it));
                self.attrs_at(&content.body, rest, &sc, out);
            }
        }
    }

    /// The managed resource of one of `types` a value names: the resource it
    /// was read from, else one whose `name_attr` is the value or its last
    /// segment (an ARN or an ID ends with the name).
    fn resource_named(
        &self,
        me: &Placed,
        v: &Val,
        types: &[String],
        name_attr: Option<&str>,
    ) -> Option<Rc<Placed>> {
        let is_type = |ty: &str| types.iter().any(|t| type_matches(t, ty));
        for o in v.origins() {
            if let Some(r) = &o.resource {
                let d = &self.module_of(r.inst).resources[r.decl];
                if d.managed && is_type(&d.ty) {
                    return Some(self.place(r.inst, r.decl, &r.key));
                }
            }
        }
        let name_attr = name_attr?;
        let s = v.as_str()?;
        let last = s.rsplit([':', '/']).next().unwrap_or(s);
        let module = self.module_of(me.inst);
        for (i, d) in module.resources.iter().enumerate() {
            if !d.managed || !is_type(&d.ty) || (i == me.decl) {
                continue;
            }
            let exp = self.resource_instances(me.inst, i);
            for (k, _) in &exp.instances {
                let n = self.resource_attr(me.inst, i, k.clone(), name_attr, d.block.head_span());
                if n.alt_values().iter().any(|x| {
                    x.as_str()
                        .is_some_and(|n| n == s || (!n.is_empty() && n == last))
                }) {
                    return Some(self.place(me.inst, i, k));
                }
            }
        }
        None
    }
}

/// The (key, value) pairs a `dynamic` block's `for_each` iterates over.
fn dynamic_items(v: &Val) -> Vec<(Val, Val)> {
    let mut out = Vec::new();
    for alt in v.alts() {
        match &alt.v {
            V::List(xs) => {
                for (i, x) in xs.iter().enumerate() {
                    out.push((Val::num(i as f64), x.clone().with_via(&alt.via)));
                }
            }
            V::Map(m) => {
                for (k, x) in m.iter() {
                    out.push((Val::str(k), x.clone().with_via(&alt.via)));
                }
            }
            _ => {}
        }
    }
    out
}

/// The region field of an ARN (`arn:aws:backup:eu-west-3:123:backup-vault:x`),
/// when it has one.
pub fn arn_region(s: &str) -> Option<&str> {
    let mut parts = s.split(':');
    if parts.next() != Some("arn") {
        return None;
    }
    let region = parts.nth(2)?;
    (!region.is_empty()).then_some(region)
}

fn related(origins: &[Origin]) -> Vec<Related> {
    origins
        .iter()
        .map(|o| Related {
            span: o.span,
            message: o.message.to_string(),
        })
        .collect()
}

fn push(out: &mut Vec<Egress>, e: Egress) {
    if !out.contains(&e) {
        out.push(e);
    }
}

#[cfg(test)]
mod tests {
    use super::arn_region;

    #[test]
    fn the_region_of_an_arn() {
        assert_eq!(
            arn_region("arn:aws:backup:eu-west-2:123456789012:backup-vault:copies"),
            Some("eu-west-2")
        );
        assert_eq!(arn_region("arn:aws:s3:::archives"), None);
        assert_eq!(arn_region("archives"), None);
        assert_eq!(arn_region("arn:aws"), None);
    }
}
