//! Override files (`override.tf`, `*_override.tf`, their `.tf.json` and
//! OpenTofu `.tofu` forms): Terraform loads them after the other files of the
//! module, in lexical order, and merges each of their blocks into the block of
//! the same type and labels (Terraform docs, "Override Files"): an argument
//! replaces the original's, a nested block replaces every nested block of its
//! type (a resource's `lifecycle` merges argument by argument), `locals`
//! replace by name, `required_providers` by provider, and a `backend` or
//! `cloud` block replaces the original's. A block with no original is an
//! error to Terraform: it is not added.

use crate::assemble::Module;
use crate::model::{Block, Body};
use crate::source::FileId;

fn merge(orig: &mut Body, ov: Body, lifecycle_by_arg: bool) {
    for a in ov.attrs {
        match orig.attrs.iter_mut().find(|x| x.name == a.name) {
            Some(x) => *x = a,
            None => orig.attrs.push(a),
        }
    }
    let mut replaced: Vec<String> = Vec::new();
    for b in ov.blocks {
        if lifecycle_by_arg
            && b.kind == "lifecycle"
            && let Some(l) = orig.blocks.iter_mut().find(|x| x.kind == "lifecycle")
        {
            merge(&mut l.body, b.body, false);
            continue;
        }
        if !replaced.contains(&b.kind) {
            orig.blocks.retain(|x| x.kind != b.kind);
            replaced.push(b.kind.clone());
        }
        orig.blocks.push(b);
    }
}

fn alias(b: &Block) -> Option<String> {
    b.body
        .attr("alias")
        .and_then(|a| a.expr.as_str().map(str::to_string))
}

impl Module {
    /// Merges the override files held in `overrides` into the module (once,
    /// after every file of the module is added).
    pub fn apply_overrides(&mut self) {
        let mut files = std::mem::take(&mut self.overrides);
        files.sort_by(|a, b| a.0.cmp(&b.0));
        for (_, file, body) in files {
            for b in body.blocks {
                self.apply_override(b, file);
            }
        }
    }

    fn apply_override(&mut self, b: Block, file: FileId) {
        let l0 = b.label(0).map(str::to_string);
        match (b.kind.as_str(), l0) {
            ("variable", Some(n)) => {
                if let Some(v) = self.variables.get_mut(&n) {
                    merge(&mut v.block.body, b.body, false);
                }
            }
            ("output", Some(n)) => {
                if let Some((o, _)) = self.outputs.get_mut(&n) {
                    merge(&mut o.body, b.body, false);
                }
            }
            ("locals", _) => {
                for a in b.body.attrs {
                    self.locals.insert(a.name.clone(), (a, file));
                }
            }
            ("provider", Some(n)) => {
                let al = alias(&b);
                if let Some(p) = self
                    .providers
                    .iter_mut()
                    .find(|p| p.local == n && p.alias == al)
                {
                    merge(&mut p.block.body, b.body, false);
                }
            }
            ("resource" | "data", Some(ty)) => {
                let Some(name) = b.label(1).map(str::to_string) else {
                    return;
                };
                let key = (b.kind == "resource", ty, name);
                if let Some(&i) = self.resource_index.get(&key) {
                    merge(&mut self.resources[i].block.body, b.body, true);
                }
            }
            ("module", Some(n)) => {
                if let Some(c) = self.calls.iter_mut().find(|c| c.name == n) {
                    merge(&mut c.block.body, b.body, false);
                }
            }
            ("terraform", _) => {
                if b.body
                    .blocks
                    .iter()
                    .any(|x| x.kind == "backend" || x.kind == "cloud")
                {
                    self.backend = None;
                }
                self.add_terraform(b, file);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn override_file_names() {
        for n in [
            "override.tf",
            "a_override.tf",
            "override.tf.json",
            "x_override.tofu",
        ] {
            assert!(crate::discover::is_override(n), "{n}");
        }
        for n in [
            "overrides.tf",
            "main.tf",
            "override_a.tf",
            "override.tfvars",
        ] {
            assert!(!crate::discover::is_override(n), "{n}");
        }
    }
}
