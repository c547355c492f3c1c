//! Provider configurations with `for_each` (OpenTofu 1.9): a block
//! `provider "aws" { alias = "by_region"; for_each = var.regions; region = each.value }`
//! has one instance per key, and `provider = aws.by_region[each.key]` (or
//! `providers = { aws = aws.by_region[each.key] }` on a module call) picks one.
//! Each resource instance is placed at the provider instance it names; when the
//! key cannot be known, every instance of the provider is a possible place.

use crate::assemble::ResourceDecl;
use crate::eval::value::Key;
use crate::eval::{InstId, Scope};
use crate::model::Expr;
use crate::place::Placer;
use crate::place::{ProviderRef, split_index};

impl Placer<'_, '_, '_> {
    /// `r` narrowed to the instance `index` names, evaluated in `sc`; an
    /// index that is not one known string leaves every instance possible.
    pub fn keyed_provider(&self, r: ProviderRef, index: Option<&Expr>, sc: &Scope) -> ProviderRef {
        match (r, index) {
            (ProviderRef::Block { inst, idx, .. }, Some(e)) => {
                let v = self.eval(e, sc);
                let alts = v.alts();
                let key = match alts.as_slice() {
                    [one] => one.to_string_value(),
                    _ => None,
                };
                ProviderRef::Block { inst, idx, key }
            }
            (r, _) => r,
        }
    }

    /// The provider configuration of one instance of resource `d`, with the
    /// provider instance its `provider = x.y[key]` names.
    pub fn resource_provider(
        &self,
        inst: InstId,
        decl: usize,
        d: &ResourceDecl,
        key: &Option<Key>,
    ) -> ProviderRef {
        let r = self.decl_provider(inst, decl).pref.clone();
        let index = d
            .block
            .body
            .attr("provider")
            .and_then(|a| split_index(&a.expr))
            .and_then(|(_, i)| i);
        match index.and_then(|i| Some((i, self.resource_scope(inst, decl, key)?))) {
            Some((i, sc)) => self.keyed_provider(r, Some(i), &sc),
            None => r,
        }
    }

    /// The scopes a provider block is evaluated in: one per instance of its
    /// `for_each` (only the one `key` names, when known and present), or the
    /// module's scope for a block without `for_each`; and, when `key` names
    /// no instance of a known `for_each`, why (Terraform would stop there).
    pub fn provider_scopes(
        &self,
        inst: InstId,
        idx: usize,
        key: &Option<String>,
    ) -> (Vec<Scope>, Option<String>) {
        let pc = &self.module_of(inst).providers[idx];
        if pc.block.body.attr("for_each").is_none() {
            return (vec![Scope::of(inst)], None);
        }
        let exp = self.expand(&pc.block.body, Scope::of(inst));
        if exp.unknown.is_none()
            && let Some(k) = key
        {
            return match exp
                .instances
                .iter()
                .find(|(ik, _)| matches!(ik, Some(Key::Str(x)) if x == k))
            {
                Some((_, s)) => (vec![s.clone()], None),
                None => (
                    Vec::new(),
                    Some(format!(
                        "provider {} has no instance {k:?} (its for_each has no such key)",
                        pc.key()
                    )),
                ),
            };
        }
        (exp.instances.into_iter().map(|(_, s)| s).collect(), None)
    }
}
