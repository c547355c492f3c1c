//! Terragrunt stacks (`terragrunt.stack.hcl`) that are not generated yet:
//! each `unit` block is evaluated where `terragrunt stack generate` would
//! write it (`.terragrunt-stack/<path>`, or `<path>` with
//! `no_dot_terragrunt_stack`; nowhere with `enabled = false`), from its
//! source directory (a local path, or a remote catalog mapped by
//! `[[source]]`), with the block's `values` as `values`; `stack` blocks nest the same way. Nothing is written: the
//! unit's files are read where they are, its directory is the one
//! Terragrunt would give it (for `find_in_parent_folders`, relative module
//! sources and reports). A source that cannot be read is one CRC003 naming
//! it, so that a stack never passes in silence.

use super::eval::{Dirs, Scope};
use super::files::{ConfigFiles, Loaded};
use super::source::{SourceMap, split_subdir};
use crate::eval::value::{Origin, Val};
use crate::findings::{Code, Finding};
use crate::model::{Block, ExprKind};
use crate::source::Span;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

/// How deep `stack` blocks may nest (a stack whose source is itself would
/// otherwise never end).
const MAX_DEPTH: usize = 8;

/// `unit` and `stack` blocks to expand at most, over all stacks of a run
/// (nested stacks multiply: 10 stacks of 10 stacks of 10 units...).
const MAX_BLOCKS: usize = 10_000;

/// A unit a stack declares, to evaluate where it would be generated.
pub struct StackUnit {
    /// Where `terragrunt stack generate` would write it, in the form of the
    /// stack file's path (relative to the working directory, or absolute).
    pub dir: PathBuf,
    /// The unit's configuration file, in its source directory.
    pub config: PathBuf,
    /// Its source directory (absolute).
    pub home: PathBuf,
    /// The block's `values`.
    pub values: Option<Val>,
    /// The stack files that declared it, outermost first (absolute).
    pub stacks: Vec<PathBuf>,
    /// Its `unit` block's head, where a `# cercle:tier` comment above
    /// applies to the whole unit.
    pub block: Span,
}

/// The units of the stacks at `paths` (as discovered), a finding for each
/// one that cannot be read, and how many those are (units all the same, in
/// the summary). A stack file that another stack nests (a
/// catalog's stack) is expanded through that stack only: alone, its
/// `values` are unknown.
pub fn expand(
    paths: &[PathBuf],
    files: &ConfigFiles,
    repo: &Path,
    mappings: &SourceMap,
    findings: &mut Vec<Finding>,
) -> Expanded {
    let mut each = Vec::new();
    let mut work = Work {
        budget: MAX_BLOCKS,
        told: false,
        unread: 0,
        reached: HashSet::new(),
    };
    for path in paths {
        let abs = crate::discover::normalize(&files.cwd().join(path));
        let at = Stack {
            file: abs.clone(),
            shown_dir: super::dir_of(path),
            abs_dir: super::dir_of(&abs),
            values: None,
            chain: vec![abs.clone()],
        };
        let (mut units, mut found) = (Vec::new(), Vec::new());
        let before = work.unread;
        one_stack(
            &at, files, repo, mappings, &mut found, &mut units, &mut work,
        );
        let reached = std::mem::take(&mut work.reached);
        each.push((abs, reached, units, found, work.unread - before));
    }
    // A stack file another one nests is read through it only, unless they
    // nest each other (then each says so).
    let through_another = |i: usize| {
        let (abs, reached, ..) = &each[i];
        each.iter().enumerate().any(|(j, (other, theirs, ..))| {
            j != i && theirs.contains(abs) && !reached.contains(other)
        })
    };
    let dropped: Vec<bool> = (0..each.len()).map(through_another).collect();
    let mut out = Expanded::default();
    for ((_, _, units, found, not_read), dropped) in each.into_iter().zip(dropped) {
        if !dropped {
            out.units.extend(units);
            findings.extend(found);
            out.unread += not_read;
            out.stacks += 1;
        }
    }
    out
}

/// The stacks of a run, expanded.
#[derive(Default)]
pub struct Expanded {
    pub units: Vec<StackUnit>,
    /// Units declared whose source or configuration cannot be read.
    pub unread: usize,
    /// Stack files expanded (not counting those nested in another).
    pub stacks: usize,
}

/// What all expansions of a run share: the blocks left to expand; and the
/// stack files the current one reached as nested stacks.
struct Work {
    budget: usize,
    /// Whether the end of the budget was reported (once per run).
    told: bool,
    /// Units declared whose source or configuration cannot be read.
    unread: usize,
    reached: HashSet<PathBuf>,
}

/// A stack file being expanded.
struct Stack {
    /// The file read (absolute).
    file: PathBuf,
    /// Where it is (or would be generated), as shown; and absolute.
    shown_dir: PathBuf,
    abs_dir: PathBuf,
    values: Option<Val>,
    /// The stack files down to this one.
    chain: Vec<PathBuf>,
}

fn one_stack(
    at: &Stack,
    files: &ConfigFiles,
    repo: &Path,
    mappings: &SourceMap,
    findings: &mut Vec<Finding>,
    out: &mut Vec<StackUnit>,
    work: &mut Work,
) {
    let Loaded::Ok(file) = files.get(&at.file) else {
        return;
    };
    let dirs = Dirs {
        unit: at.abs_dir.clone(),
        here: super::dir_of(&at.file),
        parent: None,
        repo: repo.to_path_buf(),
        named: Vec::new(),
    };
    let mut scope = Scope::new(files, &file.body, dirs, 0);
    scope.values = at.values.clone();
    for b in file.body.blocks("unit").chain(file.body.blocks("stack")) {
        let is_unit = b.kind == "unit";
        let name = b.label(0).unwrap_or("").to_string();
        // `enabled = false`: Terragrunt generates nothing for the block.
        if b.body
            .attr("enabled")
            .is_some_and(|a| scope.eval(&a.expr) == Val::bool(false))
        {
            continue;
        }
        if work.budget == 0 {
            if work.told {
                return;
            }
            work.told = true;
            findings.push(at_block(
                b,
                format!(
                    "{} {name:?}: the stacks of this run declare more than {MAX_BLOCKS} units and stacks; this one and the next are not checked",
                    b.kind
                ),
            ));
            return;
        }
        work.budget -= 1;
        let Some(place) = placed(&scope, b, at, findings) else {
            continue;
        };
        let Some(home) = source_dir(&scope, b, &name, files, mappings, findings) else {
            work.unread += usize::from(is_unit);
            continue;
        };
        let values = values(&scope, b);
        let (shown, abs) = place;
        if is_unit {
            let config = crate::discover::UNIT_FILE_NAMES
                .iter()
                .map(|n| home.join(n))
                .find(|p| p.is_file());
            let Some(config) = config else {
                work.unread += 1;
                findings.push(at_block(
                    b,
                    format!(
                        "unit {name:?}: its source {} holds no terragrunt.hcl, so the unit is not checked",
                        home.display()
                    ),
                ));
                continue;
            };
            out.push(StackUnit {
                dir: shown,
                config,
                home,
                values,
                stacks: at.chain.clone(),
                block: b.head_span(),
            });
        } else {
            let nested = home.join("terragrunt.stack.hcl");
            work.reached.insert(nested.clone());
            if at.chain.len() >= MAX_DEPTH || at.chain.contains(&nested) {
                findings.push(at_block(
                    b,
                    format!(
                        "stack {name:?}: stacks nest deeper than {MAX_DEPTH} levels or include themselves here; its units are not checked"
                    ),
                ));
                continue;
            }
            if !nested.is_file() {
                findings.push(at_block(
                    b,
                    format!(
                        "stack {name:?}: its source {} holds no terragrunt.stack.hcl, so its units are not checked",
                        home.display()
                    ),
                ));
                continue;
            }
            let mut chain = at.chain.clone();
            chain.push(nested.clone());
            let inner = Stack {
                file: nested,
                shown_dir: shown,
                abs_dir: abs,
                values,
                chain,
            };
            one_stack(&inner, files, repo, mappings, findings, out, work);
        }
    }
}

/// Where the block's unit or stack is generated: (as shown, absolute).
fn placed(
    scope: &Scope,
    b: &Block,
    at: &Stack,
    findings: &mut Vec<Finding>,
) -> Option<(PathBuf, PathBuf)> {
    let name = b.label(0).unwrap_or("");
    let Some(a) = b.body.attr("path") else {
        findings.push(Finding::new(
            Code::Crc000,
            b.head_span().file,
            Some(b.head_span()),
            format!("{} {name:?} has no `path`: Terragrunt requires one", b.kind),
        ));
        return None;
    };
    let v = scope.eval(&a.expr);
    let Some(path) = v.as_str().filter(|p| !p.is_empty()) else {
        findings.push(Finding::new(
            Code::Crc003,
            a.expr.span.file,
            Some(a.expr.span),
            format!(
                "{} {name:?}: its path cannot be known ({}), so it is not checked",
                b.kind,
                super::unknown_text(&v)
            ),
        ));
        return None;
    };
    let flat = b
        .body
        .attr("no_dot_terragrunt_stack")
        .is_some_and(|a| scope.eval(&a.expr) == Val::bool(true));
    let rel = if flat {
        PathBuf::from(path)
    } else {
        Path::new(".terragrunt-stack").join(path)
    };
    Some((
        crate::discover::normalize(&at.shown_dir.join(&rel)),
        crate::discover::normalize(&at.abs_dir.join(&rel)),
    ))
}

/// The block's source directory: a local path (relative to the stack file)
/// or a `[[source]]` mapping; else a CRC003 naming the source.
fn source_dir(
    scope: &Scope,
    b: &Block,
    name: &str,
    files: &ConfigFiles,
    mappings: &SourceMap,
    findings: &mut Vec<Finding>,
) -> Option<PathBuf> {
    let a = b.body.attr("source")?;
    let v = scope.eval(&a.expr);
    let span = a.expr.span;
    let Some(address) = v.as_str() else {
        findings.push(not_read(
            span,
            &b.kind,
            name,
            &format!("its source cannot be known ({})", super::unknown_text(&v)),
        ));
        return None;
    };
    match super::source::local_dir(address, &scope.dirs.here, None, mappings, "source") {
        Ok(Some((dir, _))) => return Some(crate::discover::normalize(&files.cwd().join(dir))),
        Err(why) => {
            findings.push(Finding::new(
                Code::Crc000,
                span.file,
                Some(span),
                format!("{} {name:?}: {why}", b.kind),
            ));
            return None;
        }
        Ok(None) => {}
    }
    let (package, _) = split_subdir(address);
    files.unmapped.borrow_mut().push(package.to_string());
    findings.push(not_read(
        span,
        &b.kind,
        name,
        &format!(
            "its source {address} is not available locally: map it to a checkout with [[source]] in cercle.toml (remote = \"{package}\", local = \"PATH\"), or run `terragrunt stack generate`"
        ),
    ));
    None
}

/// A CRC003 at a `unit` or `stack` block's head.
fn at_block(b: &Block, why: String) -> Finding {
    Finding::new(Code::Crc003, b.head_span().file, Some(b.head_span()), why)
}

fn not_read(span: Span, kind: &str, name: &str, why: &str) -> Finding {
    let mut f = Finding::new(
        Code::Crc003,
        span.file,
        Some(span),
        format!("the Terragrunt stack's {kind} {name:?} is not checked: {why}"),
    );
    f.help = Some(
        "[[source]] in cercle.toml reads a remote catalog from a local checkout (SPEC §8)"
            .to_string(),
    );
    f
}

/// The block's `values`, each attribute with the place it was written.
fn values(scope: &Scope, b: &Block) -> Option<Val> {
    let a = b.body.attr("values")?;
    let origin = |span: Span, name: &str| Origin {
        span,
        message: format!("values.{name}").into(),
        resource: None,
    };
    if let ExprKind::Object(items) = &a.expr.kind {
        let mut m = BTreeMap::new();
        for (k, v) in items {
            let key = match &k.kind {
                ExprKind::Var(n) => n.clone(),
                _ => match scope.eval(k).to_string_value() {
                    Some(n) => n,
                    None => continue,
                },
            };
            let val = scope.eval(v).through(origin(v.span, &key));
            m.insert(key, val);
        }
        return Some(Val::map(m));
    }
    Some(scope.eval(&a.expr))
}
