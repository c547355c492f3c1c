//! Tier tags (SPEC §3, level 1): a tag or label whose key is a tier tag key,
//! on the resource in any form its provider uses (a map, `key=value` strings,
//! `tags { key value }` blocks, values built with `merge` and locals), else in
//! the provider's `default_tags` / `default_labels`.

pub use crate::analysis::TagTier;
use crate::eval::value::{Key, V, Val};
use crate::eval::{InstId, Scope};
use crate::model::{Body, Expr, ExprKind};
use crate::place::Placer;
use crate::place::ProviderRef;
use crate::source::Span;

const TAG_ATTRS: &[&str] = &["tags", "labels", "tag"];

impl Placer<'_, '_, '_> {
    /// The tier tag of a resource instance.
    pub fn tag_tier(
        &self,
        inst: InstId,
        decl: usize,
        key: &Option<Key>,
        keys: &[String],
    ) -> Option<TagTier> {
        if keys.is_empty() {
            return None;
        }
        let d = &self.module_of(inst).resources[decl];
        let scope = self.resource_scope(inst, decl, key)?;
        if let Some(t) = self.tags_in(&d.block.body, TAG_ATTRS, &scope, keys) {
            return Some(t);
        }
        if let ProviderRef::Block {
            inst: pinst, idx, ..
        } = self.decl_provider(inst, decl).pref
        {
            return self.default_tag_tier(pinst, idx, keys);
        }
        None
    }

    /// The tier tag in a provider block's `default_tags` / `default_labels`,
    /// evaluated once per provider instance (`keys` are the same for a run).
    fn default_tag_tier(&self, pinst: InstId, idx: usize, keys: &[String]) -> Option<TagTier> {
        if let Some(t) = self.st.default_tag_cache.borrow().get(&(pinst, idx)) {
            return t.clone();
        }
        let pm = self.module_of(pinst);
        let pb = &pm.providers[idx].block;
        let ps = Scope::of(pinst);
        let mut found = None;
        if let Some(dt) = pb.body.block("default_tags") {
            found = self.tags_in(&dt.body, &["tags"], &ps, keys);
        }
        if found.is_none() {
            found = self.tags_in(&pb.body, &["default_labels", "default_tags"], &ps, keys);
        }
        if let Some(t) = &mut found {
            t.from_default = true;
        }
        self.st
            .default_tag_cache
            .borrow_mut()
            .insert((pinst, idx), found.clone());
        found
    }

    fn tags_in(
        &self,
        body: &Body,
        attrs: &[&str],
        scope: &Scope,
        keys: &[String],
    ) -> Option<TagTier> {
        for name in attrs {
            if let Some(a) = body.attr(name) {
                if self.lacks_keys(&a.expr, scope, keys, 0) {
                    continue;
                }
                let v = self.eval(&a.expr, scope);
                if let Some(t) = self.tier_in_value(&v, &a.expr, keys) {
                    return Some(t);
                }
            }
            // `tags { key = "cercle-tier" value = "sensible" }` blocks.
            for b in body.blocks(name) {
                let k = b.body.attr("key").map(|a| self.eval(&a.expr, scope));
                let Some(k) = k.and_then(|k| k.to_string_value()) else {
                    continue;
                };
                if !keys.iter().any(|x| x.eq_ignore_ascii_case(&k)) {
                    continue;
                }
                if let Some(va) = b.body.attr("value") {
                    let vv = self.eval(&va.expr, scope);
                    let values: Vec<String> = vv
                        .alts()
                        .iter()
                        .filter_map(|x| x.to_string_value())
                        .collect();
                    if !values.is_empty() {
                        return Some(TagTier {
                            values,
                            span: va.expr.span,
                            from_default: false,
                        });
                    }
                }
            }
        }
        None
    }

    /// Whether `e` is sure to be a map with no tier key, found without
    /// evaluating what does not matter: the keys of an object written out
    /// are read, not its values, and each argument of `merge` is looked at
    /// on its own; anything else (a variable, a local) is evaluated, which is
    /// cached per module instance. Most tags are an object, or a `merge` of
    /// common tags and an object whose values name the instance: those values
    /// are then not built for every instance. When this says no, the whole
    /// expression is evaluated as before.
    fn lacks_keys(&self, e: &Expr, scope: &Scope, keys: &[String], depth: u8) -> bool {
        let is_key = |k: &str| keys.iter().any(|t| t.eq_ignore_ascii_case(k));
        match &e.kind {
            ExprKind::Object(items) => items.iter().all(|(k, _)| match &k.kind {
                ExprKind::Str(k) => !is_key(k),
                _ => false,
            }),
            ExprKind::Call {
                name,
                args,
                expand: false,
            } if name == "merge" && depth < 8 => args
                .iter()
                .all(|a| self.lacks_keys(a, scope, keys, depth + 1)),
            _ => self
                .eval(e, scope)
                .alt_values()
                .iter()
                .all(|alt| match &alt.v {
                    V::Map(m) => !m.iter().any(|(k, _)| is_key(k)),
                    _ => false,
                }),
        }
    }

    fn tier_in_value(&self, v: &Val, expr: &Expr, keys: &[String]) -> Option<TagTier> {
        let mut values: Vec<String> = Vec::new();
        let mut span = None;
        for alt in v.alts() {
            match &alt.v {
                V::Map(m) => {
                    for (k, x) in m.iter() {
                        if keys.iter().any(|t| t.eq_ignore_ascii_case(k)) {
                            for xa in x.alts() {
                                if let Some(s) = xa.to_string_value() {
                                    values.push(s);
                                    if span.is_none() {
                                        span = literal_span(expr, k)
                                            .or_else(|| xa.origins().first().map(|o| o.span));
                                    }
                                }
                            }
                        }
                    }
                }
                V::List(items) => {
                    for it in items.iter() {
                        match &it.v {
                            V::Str(s) => {
                                let kv = s.split_once('=').or_else(|| s.split_once(':'));
                                if let Some((k, val)) = kv
                                    && keys.iter().any(|t| t.eq_ignore_ascii_case(k.trim()))
                                {
                                    values.push(val.trim().to_string());
                                }
                            }
                            V::Map(m) => {
                                let k = m.get("key").and_then(|k| k.to_string_value());
                                if k.is_some_and(|k| {
                                    keys.iter().any(|t| t.eq_ignore_ascii_case(&k))
                                }) && let Some(val) =
                                    m.get("value").and_then(|x| x.to_string_value())
                                {
                                    values.push(val);
                                }
                            }
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        values.dedup();
        if values.is_empty() {
            return None;
        }
        Some(TagTier {
            values,
            span: span.unwrap_or(expr.span),
            from_default: false,
        })
    }
}

/// The span of `key = value` in a literal object expression (also inside
/// `merge(...)` arguments), for the tier label.
fn literal_span(e: &Expr, key: &str) -> Option<Span> {
    match &e.kind {
        ExprKind::Object(items) => items.iter().find_map(|(k, v)| {
            let ks = match &k.kind {
                ExprKind::Str(s) => Some(s.as_str()),
                ExprKind::Var(s) => Some(s.as_str()),
                _ => k.as_str(),
            };
            (ks.is_some_and(|s| s.eq_ignore_ascii_case(key))).then_some(v.span)
        }),
        ExprKind::Call { args, .. } => args.iter().rev().find_map(|a| literal_span(a, key)),
        _ => None,
    }
}
