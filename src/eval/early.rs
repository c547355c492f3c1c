//! OpenTofu 1.8 early evaluation of a module call's `source`: a local path
//! built from literals, `local.*` and, in a root module, `var.*` (its
//! default, or the one value the module's variable files give it, unless the
//! command line sets it). What depends on anything else is `None`: the call
//! stays unresolved (CRC003), never guessed.

use crate::assemble::{Module, ModuleCall};
use crate::eval::CliValues;
use crate::model::{Body, Expr, ExprKind, TemplatePart};

/// The local path `source` evaluates to, when it is not a literal.
/// `root`: whether the calling module is the root (its variables then take
/// their own values, not a caller's).
pub fn local_source(m: &Module, c: &ModuleCall, root: bool, cli: &CliValues) -> Option<String> {
    let a = c.block.body.attr("source")?;
    if a.expr.as_str().is_some() {
        return None;
    }
    let s = value(m, &a.expr, root, cli, 0)?;
    (s.starts_with("./") || s.starts_with("../")).then_some(s)
}

fn value(m: &Module, e: &Expr, root: bool, cli: &CliValues, depth: u32) -> Option<String> {
    if depth > 16 {
        return None;
    }
    match &e.kind {
        ExprKind::Str(s) => Some(s.clone()),
        ExprKind::Template(parts) => {
            let mut out = String::new();
            for p in parts {
                match p {
                    TemplatePart::Literal(s) => out.push_str(s),
                    TemplatePart::Interp(x) => out.push_str(&value(m, x, root, cli, depth + 1)?),
                    _ => return None,
                }
            }
            Some(out)
        }
        _ => match e.as_path()?.as_slice() {
            ["local", name] => {
                let (a, _) = m.locals.get(*name)?;
                value(m, &a.expr, root, cli, depth + 1)
            }
            ["var", name] if root => {
                if cli.layers.iter().any(|(_, b)| b.attr(name).is_some()) {
                    return None;
                }
                let set: Vec<&Body> = m
                    .tfvars
                    .iter()
                    .map(|(_, b)| b)
                    .filter(|b| b.attr(name).is_some())
                    .collect();
                match set.as_slice() {
                    [] => {
                        let d = m.variables.get(*name)?.block.body.attr("default")?;
                        d.expr.as_str().map(str::to_string)
                    }
                    [one] => one.attr(name)?.expr.as_str().map(str::to_string),
                    _ => None,
                }
            }
            _ => None,
        },
    }
}
