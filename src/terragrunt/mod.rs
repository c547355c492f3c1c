//! Terragrunt units (SPEC §1 "Terragrunt units"): a directory holding
//! `terragrunt.hcl` is evaluated as Terragrunt does, without running it:
//! `include` (with `expose` and the merge of the parent's blocks), `locals`,
//! `read_terragrunt_config`, the path functions, `dependency` mocks. The
//! result of a unit is what the analysis needs to check it as a root module:
//! the module directory its `terraform { source }` names, its `inputs` as
//! variable values, the files its `generate` blocks write, its
//! `remote_state` as a state backend. Nothing is written, nothing run.

mod eval;
pub mod files;
mod generate;
pub mod source;
mod stack;

use crate::eval::value::{V, Val};
use crate::findings::{Code, Finding};
use crate::model::{Attribute, Block, Body, Expr, ExprKind};
use crate::source::{FileId, SourceMap, Span};
use eval::{Dirs, Scope};
use files::{ConfigFiles, Loaded, LoadedFile};
pub use generate::Generated;
use source::SourceMap as SourceMappings;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use crate::discover::UNIT_FILE_NAMES as UNIT_FILES;

/// A unit, evaluated.
#[derive(Debug)]
pub struct Unit {
    /// The unit's directory, as discovered.
    pub dir: PathBuf,
    /// Its `terragrunt.hcl`.
    pub config: FileId,
    /// The module directory, when it can be read.
    pub module: Option<PathBuf>,
    /// The `[[source]]` mapping used, to name in the inventory.
    pub mapping: Option<String>,
    /// `inputs`: constant attributes, with spans where they were written.
    pub inputs: Body,
    /// Files `generate` blocks write (`.tf` only), as parsed bodies.
    pub generated: Vec<Generated>,
    /// `remote_state`, as a `backend "TYPE" {}` block.
    pub backend: Option<(Block, FileId)>,
    /// The configuration files this unit read (its own, included ones,
    /// `read_terragrunt_config`'s), sorted: what decides its placement.
    pub read: Vec<FileId>,
    /// The stack files that declared it (not generated yet), outermost
    /// first: with its own configuration, the files that decide all of it.
    pub stacks: Vec<FileId>,
    /// The `unit` block of the stack that declared it.
    pub declared_at: Option<Span>,
}

/// Everything the Terragrunt stage found.
#[derive(Debug, Default)]
pub struct Units {
    pub units: Vec<Unit>,
    pub findings: Vec<Finding>,
    /// The remote packages (`git::...repo.git`) that no `[[source]]` maps
    /// and no cache holds, each once, sorted.
    pub unmapped: Vec<String>,
    /// Units a stack declares whose source cannot be read (CRC003 each):
    /// counted in the summary with the units checked.
    pub unread: usize,
    /// Units declared by stacks not generated yet (read or not).
    pub declared: usize,
    /// Stack files not generated yet, expanded (not those nested in another).
    pub stacks: usize,
}

/// What `cercle init` writes about the Terragrunt units under `dir`: `None`
/// when there are none; else a commented section with a `[[source]]` for
/// each remote package the units name, its `local` a sibling checkout when
/// one of that name exists (`../infrastructure-modules`), else to fill in.
pub fn starter_section(dir: &Path) -> Option<String> {
    let (units, stacks) = crate::discover::find_units(dir, &|_| false);
    if units.is_empty() && stacks.is_empty() {
        return None;
    }
    let mut sources = SourceMap::default();
    let abs = crate::discover::normalize(&std::env::current_dir().unwrap_or_default().join(dir));
    let found = evaluate_units(
        &units,
        &stacks,
        &mut sources,
        &abs,
        &SourceMappings::default(),
    );
    let total = found.units.len() + found.unread;
    let mut out = if stacks.is_empty() {
        format!(
            "\n# Terragrunt: {} unit(s) (directories with terragrunt.hcl) are checked here,\n# each as a root module with its inputs, generated files and remote_state.\n",
            units.len()
        )
    } else {
        format!(
            "\n# Terragrunt: {} unit(s) are checked here ({} directories with terragrunt.hcl,\n# {declared} declared by {} terragrunt.stack.hcl not generated yet), each as a root\n# module with its inputs, generated files and remote_state.\n",
            total,
            total - found.declared,
            found.stacks,
            declared = found.declared,
        )
    };
    for package in &found.unmapped {
        let name = package
            .rsplit(['/', ':'])
            .next()
            .unwrap_or("")
            .trim_end_matches(".git");
        let sibling = ["..", "."]
            .iter()
            .map(|p| Path::new(p).join(name))
            .find(|p| !name.is_empty() && p.is_dir());
        match sibling {
            Some(local) => out.push_str(&format!(
                "\n# Units read modules from {package}: here from the checkout beside it.\n[[source]]\nremote = \"{package}\"\nlocal = \"{}\"\n",
                local.display()
            )),
            None => out.push_str(&format!(
                "\n# Units read modules from {package}: give a local checkout of it.\n# [[source]]\n# remote = \"{package}\"\n# local = \"../{name}\"\n"
            )),
        }
    }
    Some(out)
}

/// Evaluates the units found in `dirs`, and those the stacks at `stacks`
/// (not generated yet) declare. Their files are added to `sources`.
pub fn evaluate_units(
    dirs: &[PathBuf],
    stacks: &[PathBuf],
    sources: &mut SourceMap,
    cwd: &Path,
    mappings: &SourceMappings,
) -> Units {
    let files = ConfigFiles::new(std::mem::take(sources), cwd);
    let repo = repo_root(cwd);
    let mut out = Units::default();
    let expanded = stack::expand(stacks, &files, &repo, mappings, &mut out.findings);
    let declared = expanded.units;
    out.unread = expanded.unread;
    out.declared = declared.len() + expanded.unread;
    out.stacks = expanded.stacks;
    // A catalog's unit directory that a stack reads is checked through the
    // stack only (its `values` come from there), as a called module is.
    let homes: std::collections::HashSet<&Path> =
        declared.iter().map(|u| u.home.as_path()).collect();
    for dir in dirs {
        let Some(config) = UNIT_FILES.iter().map(|n| dir.join(n)).find(|p| p.is_file()) else {
            continue;
        };
        let abs = crate::discover::normalize(&cwd.join(dir));
        if homes.contains(abs.as_path()) {
            continue;
        }
        let dirs = Dirs {
            unit: abs.clone(),
            here: abs,
            parent: None,
            repo: repo.clone(),
            named: Vec::new(),
        };
        let at = At {
            dir,
            config: &config,
            values: None,
            home: None,
            stacks: &[],
            block: None,
        };
        if let Some(u) = unit(&files, at, dirs, mappings, &mut out.findings) {
            out.units.push(u);
        }
    }
    for s in &declared {
        let abs = crate::discover::normalize(&cwd.join(&s.dir));
        let dirs = Dirs {
            unit: abs,
            here: s.home.clone(),
            parent: None,
            repo: repo.clone(),
            named: Vec::new(),
        };
        let at = At {
            dir: &s.dir,
            config: &s.config,
            values: Some(
                s.values
                    .clone()
                    .unwrap_or_else(|| Val::map(BTreeMap::new())),
            ),
            home: Some(&s.home),
            stacks: &s.stacks,
            block: Some(s.block),
        };
        if let Some(u) = unit(&files, at, dirs, mappings, &mut out.findings) {
            out.units.push(u);
        }
    }
    out.units.sort_by(|a, b| a.dir.cmp(&b.dir));
    let (s, findings, mut unmapped) = files.into_sources();
    *sources = s;
    out.findings.extend(findings);
    unmapped.sort();
    unmapped.dedup();
    out.unmapped = unmapped;
    out
}

/// Where a unit is evaluated.
struct At<'p> {
    /// Its directory, as discovered (or where a stack would generate it).
    dir: &'p Path,
    /// Its `terragrunt.hcl`.
    config: &'p Path,
    /// A stack unit's `values` (else its `terragrunt.values.hcl`, if any).
    values: Option<Val>,
    /// A stack unit's source directory: its files, and its module when it
    /// names no `terraform { source }`.
    home: Option<&'p Path>,
    /// The stack files that declared it, and its `unit` block there.
    stacks: &'p [PathBuf],
    block: Option<Span>,
}

/// The repository root: the nearest directory above `cwd` holding `.git`,
/// else `cwd`.
fn repo_root(cwd: &Path) -> PathBuf {
    let mut cur = Some(cwd);
    while let Some(d) = cur {
        if d.join(".git").exists() {
            return d.to_path_buf();
        }
        cur = d.parent();
    }
    cwd.to_path_buf()
}

pub(crate) fn dir_of(path: &Path) -> PathBuf {
    path.parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// An included file: its body and how it is included.
struct Parent {
    name: String,
    file: Rc<LoadedFile>,
    expose: bool,
}

fn unit(
    files: &ConfigFiles,
    at: At,
    dirs: Dirs,
    mappings: &SourceMappings,
    findings: &mut Vec<Finding>,
) -> Option<Unit> {
    let dir = at.dir;
    let abs_config = crate::discover::normalize(&files.cwd().join(at.config));
    files.start_unit();
    let stacks = at
        .stacks
        .iter()
        .filter_map(|s| match files.get(s) {
            Loaded::Ok(f) => Some(f.id),
            _ => None,
        })
        .collect();
    let Loaded::Ok(child) = files.get(&abs_config) else {
        return None;
    };
    let mut scope = Scope::new(files, &child.body, dirs.clone(), 0);
    let parents = includes(&scope, files, findings);
    let mut dirs = dirs;
    dirs.named = parents
        .iter()
        .map(|p| {
            (
                p.name.clone(),
                dir_of(&files.sources.borrow().get(p.file.id).path),
            )
        })
        .collect();
    scope.dirs.named = dirs.named.clone();
    let values = match at.values {
        Some(v) => Some(v),
        None => stack_values(files, &dirs),
    };
    let parent_scopes: Vec<Scope> = parents
        .iter()
        .map(|p| {
            let here = dir_of(&files.sources.borrow().get(p.file.id).path);
            let d = Dirs {
                here: here.clone(),
                parent: Some(here),
                ..dirs.clone()
            };
            let mut s = Scope::new(files, &p.file.body, d, 1);
            s.values = values.clone();
            s
        })
        .collect();
    scope.values = values.clone();
    let mut include = BTreeMap::new();
    for (p, s) in parents.iter().zip(&parent_scopes) {
        if p.expose {
            include.insert(p.name.clone(), s.exported());
        }
    }
    scope.include = include;
    // Dependencies: the child's and its parents'.
    let mut deps = BTreeMap::new();
    for s in parent_scopes.iter().chain(std::iter::once(&scope)) {
        dependencies(s, &mut deps);
    }
    scope.dependency = deps.clone();
    let all: Vec<&Scope> = parent_scopes
        .iter()
        .chain(std::iter::once(&scope))
        .collect();
    let inputs = merged_inputs(&all);
    let generated = generate::blocks(&all, dir, findings);
    let backend = all.iter().rev().find_map(|s| remote_state(s));
    let (module, mapping) = source::resolve(&all, dir, at.home, mappings, findings);
    let read = files.take_touched();
    Some(Unit {
        dir: dir.to_path_buf(),
        config: child.id,
        module,
        mapping,
        inputs,
        generated,
        backend,
        read,
        stacks,
        declared_at: at.block,
    })
}

/// A stack unit's `terragrunt.values.hcl` (written by `terragrunt stack
/// generate` from the `values` of its `unit` block), as the `values` object.
fn stack_values(files: &ConfigFiles, dirs: &Dirs) -> Option<Val> {
    let path = dirs.unit.join("terragrunt.values.hcl");
    if !path.is_file() {
        return None;
    }
    let Loaded::Ok(f) = files.get(&path) else {
        return None;
    };
    let s = Scope::new(files, &f.body, dirs.clone(), 1);
    let mut m = BTreeMap::new();
    for a in &f.body.attrs {
        let v = s.eval(&a.expr).through(crate::eval::value::Origin {
            span: a.expr.span,
            message: format!("values.{}", a.name).into(),
            resource: None,
        });
        m.insert(a.name.clone(), v);
    }
    Some(Val::map(m))
}

/// The files a unit's `include` blocks name, in order.
fn includes(scope: &Scope, files: &ConfigFiles, findings: &mut Vec<Finding>) -> Vec<Parent> {
    let mut out = Vec::new();
    for b in scope.body.blocks("include") {
        let name = b.label(0).unwrap_or("").to_string();
        let Some(a) = b.body.attr("path") else {
            continue;
        };
        let v = scope.eval(&a.expr);
        let Some(p) = v.as_str() else {
            findings.push(Finding::new(
                Code::Crc003,
                a.expr.span.file,
                Some(a.expr.span),
                format!(
                    "include {name:?}: its path cannot be known ({}): what it sets is not checked",
                    unknown_text(&v)
                ),
            ));
            continue;
        };
        let path = crate::discover::normalize(&scope.dirs.here.join(p));
        match files.get(&path) {
            Loaded::Ok(file) => {
                nested_include(&file, files);
                let expose = b
                    .body
                    .attr("expose")
                    .is_some_and(|e| matches!(scope.eval(&e.expr).v, V::Bool(true)));
                out.push(Parent { name, file, expose });
            }
            Loaded::Missing(why) => findings.push(Finding::new(
                Code::Crc000,
                a.expr.span.file,
                Some(a.expr.span),
                format!("include {name:?}: {why}"),
            )),
            Loaded::Broken(_) => {}
        }
    }
    out
}

/// An included file that includes another: Terragrunt stops there ("Only
/// one level of includes is allowed"), so what the second file sets is not
/// read; said once per file, whatever the number of units including it.
fn nested_include(file: &LoadedFile, files: &ConfigFiles) {
    for b in file.body.blocks("include") {
        let f = Finding::new(
            Code::Crc003,
            file.id,
            Some(b.head_span()),
            "an included file cannot include another: Terragrunt allows one level of includes (\"Only one level of includes is allowed\"), so this include is not read".to_string(),
        );
        let mut found = files.findings.borrow_mut();
        if !found.iter().any(|g| g.span == f.span) {
            found.push(f);
        }
    }
}

/// What an unknown value says it is.
fn unknown_text(v: &Val) -> String {
    v.alt_values()
        .iter()
        .find_map(|a| a.as_unknown().map(|u| u.what.clone()))
        .unwrap_or_else(|| v.render())
}

/// `dependency "NAME" {}`: `outputs` are the `mock_outputs` when they are
/// allowed for `plan` or `validate` (or for every command), else unknown.
fn dependencies(scope: &Scope, out: &mut BTreeMap<String, Val>) {
    for b in scope.body.blocks("dependency") {
        let Some(name) = b.label(0) else { continue };
        let allowed = match b.body.attr("mock_outputs_allowed_terraform_commands") {
            None => true,
            Some(a) => match &scope.eval(&a.expr).v {
                V::List(xs) => xs
                    .iter()
                    .any(|x| matches!(x.as_str(), Some("plan" | "validate"))),
                _ => false,
            },
        };
        let outputs = match b.body.attr("mock_outputs") {
            Some(a) if allowed => scope.eval(&a.expr).through(crate::eval::value::Origin {
                span: a.expr.span,
                message: format!("mock_outputs of dependency.{name}").into(),
                resource: None,
            }),
            _ => Val::unknown(
                b.head_span(),
                format!(
                    "dependency.{name}.outputs (read from the applied unit: no mock_outputs allowed for plan)"
                ),
            ),
        };
        let mut m = BTreeMap::new();
        m.insert("outputs".to_string(), outputs);
        out.insert(name.to_string(), Val::map(m));
    }
}

/// `inputs` of the parents then of the child, shallow-merged (the child's
/// win), as constant attributes.
fn merged_inputs(scopes: &[&Scope]) -> Body {
    let mut by_name: BTreeMap<String, Attribute> = BTreeMap::new();
    for s in scopes {
        let Some(a) = s.body.attr("inputs") else {
            continue;
        };
        if let ExprKind::Object(items) = &a.expr.kind {
            for (k, v) in items {
                let name = match &k.kind {
                    ExprKind::Var(n) => n.clone(),
                    _ => match s.eval(k).to_string_value() {
                        Some(n) => n,
                        None => continue,
                    },
                };
                let val = s.eval(v);
                by_name.insert(name.clone(), attribute(&name, k.span, &val, v.span));
            }
            continue;
        }
        match &s.eval(&a.expr).v {
            V::Map(m) => {
                for (name, val) in m.iter() {
                    by_name.insert(name.clone(), attribute(name, a.name_span, val, a.expr.span));
                }
            }
            _ => continue,
        }
    }
    Body {
        attrs: by_name.into_values().collect(),
        blocks: Vec::new(),
    }
}

fn attribute(name: &str, name_span: Span, v: &Val, span: Span) -> Attribute {
    Attribute {
        name: name.to_string(),
        name_span,
        expr: literal(v, span),
        span: name_span.to(span),
    }
}

/// A constant expression holding `v`, at `span`; an unknown is
/// [`ExprKind::Unsupported`] naming what it is.
pub fn literal(v: &Val, span: Span) -> Expr {
    let kind = match &v.v {
        V::Null => ExprKind::Null,
        V::Bool(b) => ExprKind::Bool(*b),
        V::Num(n) => ExprKind::Number(*n),
        V::Str(s) => ExprKind::Str(s.to_string()),
        V::List(xs) => ExprKind::Array(xs.iter().map(|x| literal(x, span)).collect()),
        V::Map(m) => ExprKind::Object(
            m.iter()
                .map(|(k, x)| (Expr::new(ExprKind::Str(k.clone()), span), literal(x, span)))
                .collect(),
        ),
        V::Unknown(u) => ExprKind::Unsupported(u.what.clone()),
        V::Choice(_) => ExprKind::Unsupported(format!("one of {}", v.render())),
    };
    Expr::new(kind, span)
}

/// `remote_state { backend = "s3" config = {...} }` as a `backend "s3"`
/// block whose arguments are the config's known values.
fn remote_state(scope: &Scope) -> Option<(Block, FileId)> {
    let b = scope.body.block("remote_state")?;
    let backend = b.body.attr("backend")?;
    let kind = scope.eval(&backend.expr).as_str()?.to_string();
    let mut attrs = Vec::new();
    if let Some(config) = b.body.attr("config") {
        if let ExprKind::Object(items) = &config.expr.kind {
            for (k, v) in items {
                let name = match &k.kind {
                    ExprKind::Var(n) => n.clone(),
                    _ => k.as_str().unwrap_or_default().to_string(),
                };
                let val = scope.eval(v);
                attrs.push(attribute(&name, k.span, &val, v.span));
            }
        } else if let V::Map(m) = &scope.eval(&config.expr).v {
            for (name, val) in m.iter() {
                attrs.push(attribute(name, config.name_span, val, config.expr.span));
            }
        }
    }
    let block = Block {
        kind: "backend".to_string(),
        kind_span: b.kind_span,
        labels: vec![kind],
        label_spans: vec![backend.expr.span],
        body: Body {
            attrs,
            blocks: Vec::new(),
        },
        span: b.span,
    };
    Some((block, b.span.file))
}
