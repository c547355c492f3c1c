//! The pipeline as a library: from paths to placed resources and findings.
//!
//! # Lifecycle of the parsed model
//!
//! The parsed model of a whole tree is several times the size of its text,
//! and a root module's is needed only while that root is evaluated. So:
//!
//! 1. Loading (in parallel) keeps, of each parsed file, only its *shell*
//!    ([`load::shell_body`]): its `module` and `terraform` blocks, enough to
//!    follow module sources, find the roots and read backends, and its
//!    `variable` and `locals` blocks, which OpenTofu's early evaluation of a
//!    module `source` may read (a root drops them once the roots are known,
//!    unless one of its calls needs them). A file that
//!    does not parse is reported (CRC000) and recorded as `broken` here, once.
//!    A file whose shell is empty is not even parsed ([`crate::parse::skim`]):
//!    a syntax error in it is reported, and the file recorded as `broken`,
//!    when its module is parsed in full (steps 2 and 3, [`full_module`]).
//! 2. Once the roots are known, every other module (shared modules, modules
//!    in a call cycle, installed modules) is parsed again in full from the
//!    texts kept in the [`SourceMap`] (same file ids, so the same spans), and
//!    kept for the run.
//! 3. Each root is parsed again in full inside its own evaluation task
//!    (`Loader::overlay`), seen by the evaluator through [`Modules`] in
//!    place of its shell, and dropped when the task ends.
//!
//! After analysis, [`Analysis::modules`] holds the shells of the roots (their
//! directory, files, module calls, backend and required providers) and the
//! other modules in full.

mod callers;

pub use crate::analysis::{Analysis, CallChain, Resource};
use crate::analysis::{RegionVal, index};
use crate::assemble::{Module, tfvars_rank};
use crate::catalogue::Catalogue;
use crate::discover::{self, Candidate, Discovered, Discovery, Fence};
use crate::eval::value::Origin;
use crate::eval::{CliValues, Eval, InstId, Modules, Resolver};
use crate::findings::{Code, Finding, Related};
use crate::model::{Attribute, Body, Expr, ExprKind, FileKind};
use crate::parse::load::{self, ParsedFile};
use crate::place::{PlaceState, Placer};
use crate::source::{FileId, SourceMap, Span};
use crate::terragrunt::source::SourceMap as SourceMappings;
use rayon::prelude::*;
use rustc_hash::FxHasher;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// What to analyse, and how.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub paths: Vec<PathBuf>,
    /// `--var NAME=VALUE` and `--var-file FILE`, in command-line order.
    pub var_args: Vec<VarArg>,
    /// Worker threads; `None`: all cores.
    pub threads: Option<usize>,
    /// Paths excluded by the configuration (globs, matched on the path
    /// relative to `exclude_base`, the configuration's directory).
    pub exclude_base: PathBuf,
    /// Paths excluded by the configuration (globs, matched on the path as
    /// discovered).
    pub exclude: Vec<String>,
    /// Tag and label keys that carry a tier (SPEC §3).
    pub tier_tags: Vec<String>,
    /// `[[source]]`: remote module sources read from local checkouts.
    pub sources: crate::terragrunt::source::SourceMap,
}

#[derive(Clone, Debug)]
pub enum VarArg {
    Var(String),
    File(PathBuf),
}

/// A usage error: exit status 2.
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Runs discovery, parsing, assembly, evaluation and placement.
pub fn analyse(opts: &Options, cat: &Catalogue) -> Result<Analysis, UsageError> {
    let mut builder = rayon::ThreadPoolBuilder::new().stack_size(64 << 20);
    if let Some(n) = opts.threads {
        builder = builder.num_threads(n.max(1));
    }
    let pool = builder
        .build()
        .map_err(|e| UsageError(format!("cannot start worker threads: {e}")))?;
    pool.install(|| analyse_in_pool(opts, cat))
}

fn analyse_in_pool(opts: &Options, cat: &Catalogue) -> Result<Analysis, UsageError> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let disc = discover_paths(opts, &cwd)?;
    crate::sys::stages::mark("discovered");
    let mut an = Analysis::default();
    for e in &disc.errors {
        let f = load::walk_error_finding(e, &mut an.sources, &cwd);
        an.findings.push(f);
    }
    for e in &disc.skipped {
        let mut f = load::walk_error_finding(e, &mut an.sources, &cwd);
        f.code = Code::Crc003;
        f.severity = Code::Crc003.default_severity();
        an.findings.push(f);
    }
    let mut fence = disc.fence.clone();
    for m in &opts.sources.mappings {
        fence.allow(&cwd.join(&m.local));
    }
    let cli = load_cli_values(&opts.var_args, &mut an.sources, &cwd, &mut an.findings)?;
    let file_args = disc.file_args;
    let (units, named_hcl, explicit_units) = terragrunt_units(&disc, opts, &mut an, &cwd);
    let unit_sources: Vec<PathBuf> = units.iter().filter_map(|u| u.module.clone()).collect();
    let mut tree = load_tree(
        disc.files,
        &unit_sources,
        &cli,
        &opts.sources,
        &mut an,
        &cwd,
        &fence,
    );
    unit_modules(&mut tree, units, &mut an);
    crate::sys::stages::mark("shells loaded");
    let Tree {
        mut modules,
        index,
        manifests,
    } = assemble(tree, &an.sources);
    let roots = find_roots(&modules, &index, &manifests, &cli, &opts.sources);
    // Every other module in full, for the whole run.
    let mut kinds: Vec<Option<FileKind>> = vec![None; an.sources.len()];
    for (id, k) in &an.file_kinds {
        kinds[*id as usize] = Some(*k);
    }
    let is_root: HashSet<usize> = roots.iter().copied().collect();
    complete_shared(&mut modules, &is_root, &kinds, &mut an);
    for &r in &roots {
        drop_early_values(&mut modules[r]);
    }
    crate::sys::stages::mark("shared modules full");
    let ctx = RootsCtx {
        modules: &modules,
        index: &index,
        manifests: &manifests,
        is_root: &is_root,
        kinds: &kinds,
        cli: &cli,
        cat,
        tier_tags: &opts.tier_tags,
        fence: &fence,
        sources: &opts.sources,
    };
    let (results, orphans, broken) = ctx.evaluate(&roots, &an.sources);
    mark_broken(&mut modules, broken, &mut an.findings);
    crate::sys::stages::mark("roots evaluated");
    an.roots = roots.iter().chain(orphans.iter()).copied().collect();
    let mut lists = Vec::with_capacity(results.len());
    for r in results {
        lists.push(r.resources);
        an.findings.extend(r.findings);
    }
    place_files(&mut an, &mut modules, &mut lists, cat, &opts.tier_tags);
    an.resources = crate::sys::concat::concat(lists);
    crate::sys::stages::mark("concatenated");
    sort_resources(&mut an.resources, &file_ranks(&an.sources));
    crate::sys::stages::mark("sorted");
    an.findings.dedup();
    if file_args {
        an.explicit_files = Some(
            modules
                .iter()
                .flat_map(|m| m.explicit.iter().copied())
                .chain(named_hcl)
                .collect(),
        );
    }
    an.explicit_roots = modules
        .iter()
        .enumerate()
        .filter(|(_, m)| m.unit.as_ref().is_some_and(|u| explicit_units.contains(u)))
        .map(|(i, _)| i as u32)
        .collect();
    an.root_names = modules
        .iter()
        .map(|m| crate::source::display_path(m.unit.as_ref().unwrap_or(&m.dir), &cwd))
        .collect();
    an.modules = modules;
    Ok(an)
}

/// The paths to read, checked, and what discovery finds under them.
fn discover_paths(opts: &Options, cwd: &Path) -> Result<Discovery, UsageError> {
    let exclude = build_globs(&opts.exclude)?;
    let base = absolute(&opts.exclude_base, cwd);
    let excluded = |p: &Path| {
        exclude.as_ref().is_some_and(|g| {
            let rel = crate::source::display_path(&absolute(p, cwd), &base);
            g.is_match(&rel) || g.is_match(p)
        })
    };
    let paths: Vec<PathBuf> = if opts.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        opts.paths.clone()
    };
    for p in &paths {
        if let Err(e) = std::fs::metadata(p) {
            let why = match e.kind() {
                std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
                _ => e.to_string(),
            };
            return Err(UsageError(format!("{}: {why}", p.display())));
        }
    }
    let mut disc = discover::discover(&paths, &excluded);
    if disc.file_args {
        callers::add_callers(&mut disc, &paths, cwd, &excluded);
    }
    Ok(disc)
}

/// The Terragrunt units to check, the files of theirs named on the command
/// line (with the files their `generate` blocks wrote), and the units whose
/// own configuration or declaring stack file is named (all their findings
/// are reported). A named
/// Terragrunt file (`region.hcl`, `root.hcl`: what a pre-commit hook passes)
/// brings in every unit of the repository that reads it, and only those.
fn terragrunt_units(
    disc: &Discovery,
    opts: &Options,
    an: &mut Analysis,
    cwd: &Path,
) -> (Vec<crate::terragrunt::Unit>, Vec<FileId>, Vec<PathBuf>) {
    an.terragrunt =
        !(disc.units.is_empty() && disc.stacks.is_empty() && disc.terragrunt_args.is_empty());
    let mut dirs = disc.units.clone();
    let mut stacks = disc.stacks.clone();
    if let Some(first) = disc.terragrunt_args.first() {
        let start = absolute(&dir_of(first), cwd);
        let root = start
            .ancestors()
            .find(|d| d.join(".git").exists())
            .unwrap_or(cwd)
            .to_path_buf();
        let root = match root.strip_prefix(cwd) {
            Ok(r) if r.as_os_str().is_empty() => PathBuf::from("."),
            Ok(r) => r.to_path_buf(),
            Err(_) => root.clone(),
        };
        let exclude = build_globs(&opts.exclude).ok().flatten();
        let excluded = |p: &Path| exclude.as_ref().is_some_and(|g| g.is_match(p));
        let (more_units, more_stacks) = discover::find_units(&root, &excluded);
        // Found from a repository root above the working directory: named
        // as discovery names them (relative), so that no unit is read twice.
        let relative = |p: PathBuf| match p.strip_prefix(cwd) {
            Ok(r) if r.as_os_str().is_empty() => PathBuf::from("."),
            Ok(r) => r.to_path_buf(),
            Err(_) => p,
        };
        let more_units: Vec<PathBuf> = more_units.into_iter().map(relative).collect();
        let more_stacks: Vec<PathBuf> = more_stacks.into_iter().map(relative).collect();
        dirs.extend(more_units);
        dirs.sort();
        dirs.dedup();
        stacks.extend(more_stacks);
        stacks.sort();
        stacks.dedup();
    }
    let units =
        crate::terragrunt::evaluate_units(&dirs, &stacks, &mut an.sources, cwd, &opts.sources);
    an.findings.extend(units.findings);
    let unread = units.unread;
    let mut units = units.units;
    if disc.terragrunt_args.is_empty() {
        an.units = units.len() + unread;
        return (units, Vec::new(), Vec::new());
    }
    let named_paths: HashSet<PathBuf> = disc
        .terragrunt_args
        .iter()
        .map(|p| absolute(p, cwd))
        .collect();
    let named: Vec<FileId> = (0..an.sources.len() as FileId)
        .filter(|id| named_paths.contains(&absolute(&an.sources.get(*id).path, cwd)))
        .collect();
    units.retain(|u| disc.units.contains(&u.dir) || u.read.iter().any(|r| named.contains(r)));
    let explicit = units
        .iter()
        .filter(|u| named.contains(&u.config) || u.stacks.iter().any(|s| named.contains(s)))
        .map(|u| u.dir.clone())
        .collect();
    let mut out = named.clone();
    for u in &units {
        out.extend(
            u.generated
                .iter()
                .filter(|g| named.contains(&g.from))
                .map(|g| g.id),
        );
    }
    an.units = units.len();
    (units, out, explicit)
}

/// The module directories read so far, before assembly.
struct Shells {
    by_dir: BTreeMap<PathBuf, Module>,
    manifests: HashMap<PathBuf, HashMap<String, PathBuf>>,
    /// The directories discovery found (not only reached through calls).
    scanned: BTreeSet<PathBuf>,
    /// The root modules of Terragrunt units.
    units: Vec<Module>,
}

/// Loads the discovered files, then the module directories they call, until
/// nothing is new.
fn load_tree(
    files: Vec<Discovered>,
    unit_sources: &[PathBuf],
    cli: &CliValues,
    sources: &SourceMappings,
    an: &mut Analysis,
    cwd: &Path,
    fence: &Fence,
) -> Shells {
    let mut scanned: Vec<PathBuf> = files.iter().map(|f| dir_of(&f.path)).collect();
    // The files of a directory come together (discovery sorts them).
    scanned.dedup();
    let scanned: BTreeSet<PathBuf> = scanned.into_iter().collect();
    let mut by_dir: BTreeMap<PathBuf, Module> = BTreeMap::new();
    let mut manifests: HashMap<PathBuf, HashMap<String, PathBuf>> = HashMap::new();
    let mut known_dirs: HashSet<PathBuf> = scanned.iter().cloned().collect();
    for d in &scanned {
        by_dir
            .entry(d.clone())
            .or_insert_with(|| Module::new(d.clone()));
    }
    let mut pending: Vec<Discovered> = files;
    let mut walk_errors = Vec::new();
    // The modules of Terragrunt units, loaded as called modules are.
    for t in unit_sources {
        if known_dirs.insert(t.clone()) && t.is_dir() && fence.outside(t).is_none() {
            by_dir
                .entry(t.clone())
                .or_insert_with(|| Module::new(t.clone()));
            pending.extend(
                discover::list_dir(t, fence, &mut walk_errors)
                    .into_iter()
                    .filter(|f| f.candidate != Candidate::Json),
            );
        }
    }
    while !pending.is_empty() {
        let batch = std::mem::take(&mut pending);
        let parsed = load::load_shells(batch, &mut an.sources, cwd, &mut an.findings);
        an.files += parsed.len();
        an.file_kinds.extend(parsed.iter().map(|f| (f.id, f.kind)));
        let mut touched = BTreeSet::new();
        let mut parsed = parsed.into_iter().peekable();
        while let Some(f) = parsed.next() {
            let dir = f.dir.clone();
            let m = by_dir
                .entry(dir.clone())
                .or_insert_with(|| Module::new(dir.clone()));
            add_file(m, f, &an.sources);
            // The files of a directory come together: one lookup for them all.
            while let Some(f) = parsed.next_if(|f| f.dir == dir) {
                add_file(m, f, &an.sources);
            }
            touched.insert(dir);
        }
        for dir in touched {
            let Some(m) = by_dir.get(&dir) else { continue };
            let mut targets = call_targets(m, &dir, cli, sources);
            // Modules installed by `terraform init`, from this root's manifest.
            let manifest = dir.join(".terraform/modules/modules.json");
            if !manifests.contains_key(&dir)
                && let Some(entries) = read_manifest(&manifest, &dir)
            {
                targets.extend(entries.values().cloned());
                manifests.insert(dir.clone(), entries);
            }
            for t in targets {
                // A module outside the repository is not read: the call
                // says so (DirResolver::resolve).
                if known_dirs.insert(t.clone()) && t.is_dir() && fence.outside(&t).is_none() {
                    by_dir
                        .entry(t.clone())
                        .or_insert_with(|| Module::new(t.clone()));
                    pending.extend(
                        discover::list_dir(&t, fence, &mut walk_errors)
                            .into_iter()
                            .filter(|f| f.candidate != Candidate::Json),
                    );
                }
            }
        }
    }
    for e in &walk_errors {
        let f = load::walk_error_finding(e, &mut an.sources, cwd);
        an.findings.push(f);
    }
    Shells {
        by_dir,
        manifests,
        scanned,
        units: Vec::new(),
    }
}

/// The root module of each Terragrunt unit whose module could be read: the
/// module's files (but those a `generate` block overwrites), the generated
/// files, its variable files, the unit's `inputs` and `remote_state`. The
/// module's directory is then checked through its units only.
fn unit_modules(shells: &mut Shells, units: Vec<crate::terragrunt::Unit>, an: &mut Analysis) {
    for u in units {
        let Some(src) = u.module else { continue };
        let mut m = Module::new(src.clone());
        let name_of = |id: FileId, an: &Analysis| {
            an.sources
                .get(id)
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        };
        let kinds: HashMap<FileId, FileKind> = an.file_kinds.iter().copied().collect();
        if let Some(shell) = shells.by_dir.get(&src) {
            for &id in &shell.files {
                let name = name_of(id, an);
                if u.generated
                    .iter()
                    .any(|g| g.name == name && !g.skip_if_exists)
                {
                    continue;
                }
                let Some(kind) = kinds.get(&id).copied() else {
                    continue;
                };
                if let Ok(body) = load::reparse(&an.sources.get(id).text, kind, id) {
                    add_unit_file(&mut m, id, kind, body, &name);
                }
            }
            m.tfvars = shell.tfvars.clone();
            m.broken = shell.broken.clone();
        }
        for g in &u.generated {
            let exists = m.files.iter().any(|id| name_of(*id, an) == g.name);
            if g.skip_if_exists && exists {
                continue;
            }
            let file = an.sources.get(g.id).clone();
            match load::reparse(&file.text, FileKind::Hcl, g.id) {
                Ok(body) => {
                    an.file_kinds.push((g.id, FileKind::Hcl));
                    m.given.extend(g.given.iter().map(|(s, e, via)| {
                        (Span::new(g.id, *s as usize, *e as usize), via.clone())
                    }));
                    add_unit_file(&mut m, g.id, FileKind::Hcl, body, &g.name);
                }
                Err((offset, message)) => {
                    an.findings
                        .push(load::parse_error_finding(&file, offset, message));
                }
            }
        }
        if u.backend.is_some() {
            m.backend = u.backend;
        }
        m.inputs = vec![(u.config, u.inputs)];
        m.unit = Some(u.dir);
        m.unit_block = u.declared_at;
        m.scanned = true;
        shells.scanned.remove(&src);
        shells.units.push(m);
    }
}

fn add_unit_file(m: &mut Module, id: FileId, kind: FileKind, body: Body, name: &str) {
    m.add(
        ParsedFile {
            id,
            kind,
            path: PathBuf::new(),
            dir: PathBuf::new(),
            explicit: false,
            is_override: crate::discover::is_override(name),
            body: Some(load::shell_body(kind, body)),
        },
        name,
    );
}

/// The local directories a module's calls name (literally, or through
/// OpenTofu's early evaluation).
fn call_targets(m: &Module, dir: &Path, cli: &CliValues, sources: &SourceMappings) -> Vec<PathBuf> {
    let mut targets = Vec::new();
    for c in &m.calls {
        if let Some(src) = c.local_source() {
            targets.push(discover::normalize(&dir.join(src)));
        } else if let Some(src) = crate::eval::early::local_source(m, c, true, cli) {
            targets.push(discover::normalize(&dir.join(src)));
        } else if let Some(d) = mapped(c, sources) {
            targets.push(d);
        }
    }
    targets
}

/// The local checkout a `[[source]]` maps a remote module call to.
fn mapped(c: &crate::assemble::ModuleCall, sources: &SourceMappings) -> Option<PathBuf> {
    if sources.mappings.is_empty() {
        return None;
    }
    let (src, _) = c.source()?;
    sources.map(src).map(|(d, _)| d)
}

/// The assembled modules, in path order, and how to find them.
struct Tree {
    modules: Vec<Module>,
    index: HashMap<PathBuf, usize>,
    manifests: HashMap<usize, HashMap<String, PathBuf>>,
}

/// Assembly: modules in path order; variable files in precedence order.
fn assemble(shells: Shells, sources: &SourceMap) -> Tree {
    let Shells {
        by_dir,
        manifests,
        scanned,
        units,
    } = shells;
    let mut modules: Vec<Module> = by_dir.into_values().collect();
    modules.extend(units);
    for m in &mut modules {
        m.apply_overrides();
        m.scanned = m.unit.is_some()
            || (scanned.contains(&m.dir) && !crate::eval::is_installed_dir(&m.dir));
        m.installed = crate::eval::is_installed_dir(&m.dir);
        let names: Vec<(u8, String)> = m
            .tfvars
            .iter()
            .map(|(id, _)| {
                let p = &sources.get(*id).path;
                tfvars_rank(
                    &p.file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                )
            })
            .collect();
        let mut pairs: Vec<_> = names
            .into_iter()
            .zip(std::mem::take(&mut m.tfvars))
            .collect();
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
        m.tfvars = pairs.into_iter().map(|(_, t)| t).collect();
    }
    // A unit's module is never the target of a call.
    let index: HashMap<PathBuf, usize> = modules
        .iter()
        .enumerate()
        .filter(|(_, m)| m.unit.is_none())
        .map(|(i, m)| (m.dir.clone(), i))
        .collect();
    let manifests: HashMap<usize, HashMap<String, PathBuf>> = manifests
        .into_iter()
        .filter_map(|(d, m)| index.get(&d).map(|i| (*i, m)))
        .collect();
    Tree {
        modules,
        index,
        manifests,
    }
}

/// Roots: scanned modules that no other loaded module calls by path.
fn find_roots(
    modules: &[Module],
    index: &HashMap<PathBuf, usize>,
    manifests: &HashMap<usize, HashMap<String, PathBuf>>,
    cli: &CliValues,
    sources: &SourceMappings,
) -> Vec<usize> {
    let mut called: HashSet<usize> = HashSet::new();
    for (i, m) in modules.iter().enumerate() {
        for c in &m.calls {
            // A source computed by OpenTofu's early evaluation counts too: a
            // dir no root then reaches is still evaluated, as an orphan.
            let early = crate::eval::early::local_source(m, c, true, cli);
            if let Some(src) = c.local_source().or(early.as_deref())
                && let Some(t) = index.get(&discover::normalize(&m.dir.join(src)))
                && *t != i
            {
                called.insert(*t);
            }
            if let Some(d) = mapped(c, sources)
                && let Some(t) = index.get(&d)
            {
                called.insert(*t);
            }
        }
    }
    // Local modules a root's manifest records are called too (a source
    // computed by OpenTofu's early evaluation is not a literal path).
    for (r, entries) in manifests {
        for d in entries.values() {
            if let Some(t) = index.get(d)
                && t != r
            {
                called.insert(*t);
            }
        }
    }
    (0..modules.len())
        .filter(|i| modules[*i].scanned && !called.contains(i))
        .collect()
}

/// Parses every module that is not a root in full, for the whole run (roots
/// are parsed in full only while they are evaluated).
fn complete_shared(
    modules: &mut [Module],
    is_root: &HashSet<usize>,
    kinds: &[Option<FileKind>],
    an: &mut Analysis,
) {
    let sources = &an.sources;
    let broken: Vec<Vec<Finding>> = modules
        .par_iter_mut()
        .enumerate()
        .filter(|(i, _)| !is_root.contains(i))
        .map(|(_, m)| {
            let (full, broken) = full_module(m, sources, kinds);
            *m = full;
            broken
        })
        .collect();
    an.findings.extend(broken.into_iter().flatten());
}

/// What the evaluation of every root reads.
struct RootsCtx<'a> {
    modules: &'a [Module],
    index: &'a HashMap<PathBuf, usize>,
    manifests: &'a HashMap<usize, HashMap<String, PathBuf>>,
    is_root: &'a HashSet<usize>,
    kinds: &'a [Option<FileKind>],
    cli: &'a CliValues,
    cat: &'a Catalogue,
    tier_tags: &'a [String],
    fence: &'a Fence,
    sources: &'a SourceMappings,
}

impl RootsCtx<'_> {
    /// Evaluates every root in parallel, then the scanned modules that no
    /// root reaches (a call cycle with no entry) as their own roots. Returns
    /// the results, those orphans, and the files found broken on the way.
    fn evaluate(
        &self,
        roots: &[usize],
        sources: &SourceMap,
    ) -> (Vec<RootResult>, Vec<usize>, Vec<(usize, Finding)>) {
        let modules = self.modules;
        let resolver = DirResolver {
            sources: self.sources,
            modules,
            index: self.index,
            manifests: self.manifests,
            cli: self.cli,
            fence: self.fence,
        };
        let load = Loader {
            modules,
            index: self.index,
            manifests: self.manifests,
            lazy: self.is_root,
            sources,
            kinds: self.kinds,
            broken: Mutex::default(),
        };
        let run = |roots: &[usize]| -> Vec<RootResult> {
            roots
                .par_iter()
                .map(|r| {
                    // This root's model, in full, for this evaluation only.
                    let overlay = load.overlay(*r);
                    let view = Modules {
                        base: modules,
                        overlay: &overlay,
                    };
                    evaluate_root(
                        *r,
                        view,
                        sources,
                        self.cat,
                        self.cli,
                        &resolver,
                        self.tier_tags,
                    )
                })
                .collect()
        };
        let mut results = run(roots);
        let reached: HashSet<usize> = results
            .iter()
            .flat_map(|r| r.reached.iter().copied())
            .collect();
        let orphans: Vec<usize> = (0..modules.len())
            .filter(|i| modules[*i].scanned && !reached.contains(i))
            .collect();
        results.extend(run(&orphans));
        (results, orphans, load.take_broken())
    }
}

/// Plans and ARM templates: resources placed from the file alone, each file
/// its own module.
fn place_files(
    an: &mut Analysis,
    modules: &mut Vec<Module>,
    lists: &mut Vec<Vec<Resource>>,
    cat: &Catalogue,
    tier_tags: &[String],
) {
    let placed_files: Vec<(FileId, FileKind)> = an
        .file_kinds
        .iter()
        .filter(|(_, k)| matches!(k, FileKind::Plan | FileKind::Arm))
        .copied()
        .collect();
    for (id, kind) in placed_files {
        let text = an.sources.get(id).text.clone();
        let module = modules.len();
        let placed = if kind == FileKind::Arm {
            crate::place::arm::place(&text, id, cat, tier_tags, module)
        } else {
            crate::place::plan::place(&text, id, cat, tier_tags, module)
        };
        match placed {
            Ok(planned) => {
                let mut m = Module::new(an.sources.get(id).path.clone());
                m.files.push(id);
                modules.push(m);
                lists.push(planned);
            }
            Err(e) => an.findings.push(Finding::new(
                Code::Crc000,
                id,
                Some(Span::new(id, e.offset, e.offset)),
                e.message,
            )),
        }
    }
}

/// Each file's rank in the order of display paths (by [`FileId`]): the first
/// part of the order of resources ([`sort_resources`]).
fn file_ranks(src: &SourceMap) -> Vec<u64> {
    let mut ids: Vec<FileId> = (0..src.len() as FileId).collect();
    ids.par_sort_unstable_by(|a, b| src.get(*a).display.cmp(&src.get(*b).display));
    let mut rank = vec![0u64; ids.len()];
    for (k, id) in ids.iter().enumerate() {
        rank[*id as usize] = k as u64;
    }
    rank
}

/// Sorts resources by path, position and address, then root: the order does
/// not depend on the order files were read in. `rank` is [`file_ranks`].
///
/// The sort runs on a small key per resource: (file rank, position) in one
/// integer, then the address and the root. No two resources compare equal
/// (an address is unique in a root), so the unstable sort is deterministic.
/// The resources are then moved to their places in place, along the cycles
/// of the permutation: no buffer is as large as the resources, and sorting
/// moves keys rather than whole resources.
fn sort_resources(resources: &mut [Resource], rank: &[u64]) {
    // Resources are counted in `u32` (each takes hundreds of bytes: there are
    // far fewer than 2^32). Every file has a rank; one without would sort
    // last.
    let mut order: Vec<(u64, &str, u32, u32)> = resources
        .par_iter()
        .enumerate()
        .map(|(i, r)| {
            let file = rank.get(r.file as usize).copied().unwrap_or(u64::MAX >> 32);
            (
                file << 32 | u64::from(r.head.start),
                &*r.address,
                r.root,
                i as u32,
            )
        })
        .collect();
    order.par_sort_unstable();
    // The resource at `from[k]` goes to `k`.
    let mut from: Vec<usize> = order.into_iter().map(|(.., i)| i as usize).collect();
    for start in 0..from.len() {
        let mut k = start;
        while from[k] != start {
            let next = from[k];
            resources.swap(k, next);
            from[k] = k;
            k = next;
        }
        from[k] = k;
    }
}

fn build_globs(patterns: &[String]) -> Result<Option<globset::GlobSet>, UsageError> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut b = globset::GlobSetBuilder::new();
    for p in patterns {
        let g = globset::GlobBuilder::new(p)
            .literal_separator(false)
            .build()
            .map_err(|e| UsageError(format!("invalid exclude glob {p:?}: {e}")))?;
        b.add(g);
    }
    b.build()
        .map(Some)
        .map_err(|e| UsageError(format!("invalid exclude globs: {e}")))
}

fn absolute(p: &Path, cwd: &Path) -> PathBuf {
    discover::normalize(&if p.is_absolute() {
        p.to_path_buf()
    } else {
        cwd.join(p)
    })
}

fn dir_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn add_file(m: &mut Module, f: ParsedFile, sources: &SourceMap) {
    let name = sources
        .get(f.id)
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    m.add(f, &name);
}

/// Reads `.terraform/modules/modules.json`: module key -> directory.
fn read_manifest(path: &Path, root: &Path) -> Option<HashMap<String, PathBuf>> {
    let text = std::fs::read_to_string(path).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    let mut out = HashMap::new();
    for m in v.get("Modules")?.as_array()? {
        let key = m.get("Key").and_then(|k| k.as_str()).unwrap_or("");
        let dir = m.get("Dir").and_then(|k| k.as_str()).unwrap_or("");
        if key.is_empty() || dir.is_empty() {
            continue;
        }
        // `terraform init` on Windows writes `.terraform\modules\x`.
        let dir = dir.replace('\\', "/");
        out.insert(key.to_string(), discover::normalize(&root.join(dir)));
    }
    Some(out)
}

struct DirResolver<'a> {
    sources: &'a SourceMappings,
    modules: &'a [Module],
    index: &'a HashMap<PathBuf, usize>,
    manifests: &'a HashMap<usize, HashMap<String, PathBuf>>,
    cli: &'a CliValues,
    fence: &'a Fence,
}

impl Resolver for DirResolver<'_> {
    fn resolve(
        &self,
        from_module: usize,
        call: usize,
        root_module: usize,
        key_path: &str,
    ) -> Result<usize, (Code, String)> {
        let m = &self.modules[from_module];
        let c = &m.calls[call];
        let installed = self
            .manifests
            .get(&root_module)
            .and_then(|m| m.get(key_path))
            .and_then(|dir| self.index.get(dir));
        let Some((src, _)) = c.source() else {
            // OpenTofu 1.8 early evaluation (`source = var.x`): `tofu init`
            // recorded where the source it computed was installed.
            if let Some(i) = installed {
                return Ok(*i);
            }
            if let Some(src) =
                crate::eval::early::local_source(m, c, from_module == root_module, self.cli)
                && let Some(i) = self.index.get(&discover::normalize(&m.dir.join(&src)))
            {
                return Ok(*i);
            }
            return Err((
                Code::Crc003,
                format!(
                    "module {} has no literal source: its resources cannot be placed",
                    c.name
                ),
            ));
        };
        if c.local_source().is_some() {
            let target = discover::normalize(&m.dir.join(src));
            if !self.index.contains_key(&target)
                && let Some(real) = self.fence.outside(&target)
            {
                return Err((
                    Code::Crc003,
                    format!(
                        "module {}: source {src} resolves outside the repository ({}): not read; its resources cannot be placed",
                        c.name,
                        real.display()
                    ),
                ));
            }
            return self.index.get(&target).copied().ok_or_else(|| {
                (
                    Code::Crc000,
                    format!(
                        "module {}: source directory {} does not exist",
                        c.name,
                        target.display()
                    ),
                )
            });
        }
        if let Some(dir) = self
            .manifests
            .get(&root_module)
            .and_then(|m| m.get(key_path))
            && let Some(i) = self.index.get(dir)
        {
            return Ok(*i);
        }
        if let Some(d) = mapped(c, self.sources)
            && let Some(i) = self.index.get(&d)
        {
            return Ok(*i);
        }
        Err((
            Code::Crc003,
            format!(
                "module {} ({src}) is not installed: run `terraform init` so that cercle can read .terraform/modules; its resources cannot be placed",
                c.name
            ),
        ))
    }
}

/// Parses again, in full, the modules kept as shells (see "Lifecycle of the
/// parsed model" in the module documentation).
struct Loader<'a> {
    modules: &'a [Module],
    index: &'a HashMap<PathBuf, usize>,
    manifests: &'a HashMap<usize, HashMap<String, PathBuf>>,
    /// The modules kept as shells: the roots.
    lazy: &'a HashSet<usize>,
    sources: &'a SourceMap,
    kinds: &'a [Option<FileKind>],
    /// Files of the shells parsed here that turned out not to parse: their
    /// module and CRC000 (see [`full_module`]), for [`mark_broken`].
    broken: Mutex<Vec<(usize, Finding)>>,
}

impl Loader<'_> {
    /// The shells an evaluation from `root` may reach, in full: every module
    /// its modules call by path, and every module of its manifest (what
    /// [`DirResolver`] can answer), when kept as a shell. In practice: the
    /// root alone.
    fn overlay(&self, root: usize) -> Vec<(usize, Module)> {
        let mut seen: HashSet<usize> = HashSet::from([root]);
        let mut stack = vec![root];
        if let Some(entries) = self.manifests.get(&root) {
            for dir in entries.values() {
                if let Some(i) = self.index.get(dir)
                    && seen.insert(*i)
                {
                    stack.push(*i);
                }
            }
        }
        let mut out = Vec::new();
        while let Some(m) = stack.pop() {
            let module = &self.modules[m];
            if self.lazy.contains(&m) {
                let (full, broken) = full_module(module, self.sources, self.kinds);
                if !broken.is_empty()
                    && let Ok(mut all) = self.broken.lock()
                {
                    all.extend(broken.into_iter().map(|f| (m, f)));
                }
                out.push((m, full));
            }
            for c in &module.calls {
                if let Some(src) = c.local_source()
                    && let Some(t) = self.index.get(&discover::normalize(&module.dir.join(src)))
                    && seen.insert(*t)
                {
                    stack.push(*t);
                }
            }
        }
        out
    }

    /// What [`Loader::overlay`] found broken, sorted by file, so that the
    /// result does not depend on the order roots were evaluated in.
    fn take_broken(&self) -> Vec<(usize, Finding)> {
        let mut all = self
            .broken
            .lock()
            .map(|mut all| std::mem::take(&mut *all))
            .unwrap_or_default();
        all.sort_by_key(|(_, f)| f.file);
        all
    }
}

/// Records files of shells that turned out not to parse when their module
/// was read in full (`(module, CRC000)`, sorted by file): the shell is then
/// what it would have been had the first pass seen the error (the file is
/// `broken`, not one of its `files`), and the finding is reported once.
fn mark_broken(modules: &mut [Module], broken: Vec<(usize, Finding)>, findings: &mut Vec<Finding>) {
    for (m, f) in broken {
        let Some(m) = modules.get_mut(m) else {
            continue;
        };
        if let Err(at) = m.broken.binary_search(&f.file) {
            m.broken.insert(at, f.file);
            m.files.retain(|id| *id != f.file);
            findings.push(f);
        }
    }
}

/// Drops what a root's shell holds only for OpenTofu's early evaluation of
/// module sources (its variables and locals), once the roots are known, when
/// nothing reads it any more. A root is evaluated from its module in full
/// (`Loader::overlay`); its shell is kept for the reports (directory, files,
/// module calls, backend) and its variable files for that evaluation. Only
/// [`DirResolver`] still reads a root shell's variables and locals, for a
/// module call whose source is not a literal: a root with such a call keeps
/// them.
fn drop_early_values(root: &mut Module) {
    if root.calls.iter().all(|c| c.source().is_some()) {
        root.variables = BTreeMap::new();
        root.locals = HashMap::new();
    }
}

/// A module in full from its shell: its files parsed again from the texts
/// kept in `sources`, in the same order (so declarations and variable files
/// come in the same order). Files that did not parse the first time are
/// still `broken`, and were reported then. A file whose shell was skimmed
/// may not parse only now: it is `broken` too, and its CRC000 is returned.
fn full_module(
    shell: &Module,
    sources: &SourceMap,
    kinds: &[Option<FileKind>],
) -> (Module, Vec<Finding>) {
    let mut m = Module::new(shell.dir.clone());
    let mut broken = Vec::new();
    for &id in &shell.files {
        let Some(kind) = kinds.get(id as usize).copied().flatten() else {
            continue;
        };
        let file = sources.get(id);
        let body = match load::reparse(&file.text, kind, id) {
            Ok(body) => body,
            Err((offset, message)) => {
                broken.push(load::parse_error_finding(file, offset, message));
                continue;
            }
        };
        // The file's name decides whether it is an override file.
        let name = file
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        m.add(
            ParsedFile {
                id,
                kind,
                path: PathBuf::new(),
                dir: PathBuf::new(),
                explicit: false,
                is_override: crate::discover::is_override(&name),
                body: Some(body),
            },
            &name,
        );
    }
    m.apply_overrides();
    // Variable files are kept whole in the shell (`load::shell_body`).
    m.tfvars = shell.tfvars.clone();
    m.explicit = shell.explicit.clone();
    m.broken = shell.broken.clone();
    m.broken.extend(broken.iter().map(|f| f.file));
    m.broken.sort_unstable();
    m.scanned = shell.scanned;
    m.installed = shell.installed;
    m.unit = shell.unit.clone();
    m.unit_block = shell.unit_block;
    m.inputs = shell.inputs.clone();
    m.given = shell.given.clone();
    (m, broken)
}

struct RootResult {
    resources: Vec<Resource>,
    findings: Vec<Finding>,
    reached: Vec<usize>,
}

fn evaluate_root(
    root: usize,
    modules: Modules,
    sources: &SourceMap,
    cat: &Catalogue,
    cli: &CliValues,
    resolver: &DirResolver,
    tier_tags: &[String],
) -> RootResult {
    let st = PlaceState::new(cat);
    let ev = Eval::new(modules, sources, cli, resolver, &st);
    let ev = Placer::new(&ev, &st);
    let r = ev.root(root);
    let mut out = RootResult {
        resources: Vec::new(),
        findings: Vec::new(),
        reached: Vec::new(),
    };
    let mut strings = Interner::default();
    let mut stack: Vec<(InstId, CallChain)> = vec![(r, Arc::new([]))];
    while let Some((inst, chain)) = stack.pop() {
        let me = ev.inst(inst);
        out.reached.push(me.module);
        let module = modules.get(me.module);
        for (i, d) in module.resources.iter().enumerate() {
            if !d.managed {
                continue;
            }
            let exp = ev.resource_instances(inst, i);
            let ty = strings.get(&d.ty);
            // Once an instance is placed (or its tags read) without looking at
            // its own `count` or `each` (`Eval::instance_events`), the
            // instances after it get the same result: computed once per
            // declaration and module instance, not once per instance.
            let mut placed_alike: Option<Resource> = None;
            let mut tier_alike: Option<Option<Box<crate::place::tags::TagTier>>> = None;
            for (key, _) in &exp.instances {
                if let Some(alike) = &placed_alike {
                    let tag_tier = match &tier_alike {
                        Some(t) => t.clone(),
                        None => ev.tag_tier(inst, i, key, tier_tags).map(Box::new),
                    };
                    out.resources.push(Resource {
                        address: crate::place::instance_address(&me.addr, d, key).into(),
                        tag_tier,
                        ..alike.clone()
                    });
                    continue;
                }
                let events = ev.instance_events();
                let p = ev.place(inst, i, key);
                let placed_events = ev.instance_events();
                // An unknown `count` or `for_each` leaves the number of
                // instances open, not where they run: an instance whose
                // placement depends on `count.index` or `each` is unresolved
                // through its own region.
                let unresolved = p.unresolved.clone().map(Box::new);
                let tag_tier = match &tier_alike {
                    Some(t) => t.clone(),
                    None => {
                        let t = ev.tag_tier(inst, i, key, tier_tags).map(Box::new);
                        if ev.instance_events() == placed_events {
                            tier_alike = Some(t.clone());
                        }
                        t
                    }
                };
                let tagged_events = ev.instance_events();
                let r = Resource {
                    address: p.address.as_str().into(),
                    ty: ty.clone(),
                    module: index(me.module),
                    decl: index(i),
                    file: d.file,
                    head: d.block.head_span(),
                    block: d.block.span,
                    provider: strings.get(&p.provider),
                    provider_config: strings.get(&p.provider_config),
                    kind: p.kind,
                    placed_by: p.placed_by,
                    regions: strings.regions(&p.regions),
                    endpoint: p.endpoint.as_deref().map(Box::from),
                    unresolved,
                    primary: p.primary,
                    origins: strings.origins(&p.origins),
                    call_chain: chain.clone(),
                    tag_tier,
                    egress: ev.egress(&p).into(),
                    root: index(root),
                };
                if exp.instances.len() > 1
                    && placed_events == events
                    && ev.instance_events() == tagged_events
                    && !r.names(&p.address)
                {
                    placed_alike = Some(r.clone());
                }
                out.resources.push(r);
            }
        }
        for ci in (0..module.calls.len()).rev() {
            for (_, kid) in ev.children(inst, ci).iter().rev() {
                let mut c = chain.to_vec();
                c.push((me.module, ci));
                stack.push((*kid, c.into()));
            }
        }
    }
    out.findings = ev.findings.take();
    // Held until every root is evaluated, then moved into one list: no slack.
    out.resources.shrink_to_fit();
    out
}

/// One shared copy of each string a root's resources repeat (types,
/// providers, configurations, module instance addresses), and of each list
/// of regions and of origins: most resources of a root are placed by the
/// same few provider configurations and region arguments.
#[derive(Default)]
struct Interner {
    set: rustc_hash::FxHashSet<Arc<str>>,
    /// By the hash of their regions; lists with the same hash in turn.
    regions: rustc_hash::FxHashMap<u64, Vec<Arc<[String]>>>,
    /// By the hash of their (span, message) pairs, as `regions`.
    origins: rustc_hash::FxHashMap<u64, Vec<Arc<[Related]>>>,
}

impl Interner {
    fn get(&mut self, s: &str) -> Arc<str> {
        if let Some(a) = self.set.get(s) {
            return a.clone();
        }
        let a: Arc<str> = Arc::from(s);
        self.set.insert(a.clone());
        a
    }

    /// The names of `regions`, shared.
    fn regions(&mut self, regions: &[RegionVal]) -> Arc<[String]> {
        let mut h = FxHasher::default();
        for r in regions {
            r.region.hash(&mut h);
        }
        let same = self.regions.entry(h.finish()).or_default();
        if let Some(a) = same
            .iter()
            .find(|a| a.iter().eq(regions.iter().map(|r| &r.region)))
        {
            return a.clone();
        }
        let a: Arc<[String]> = regions.iter().map(|r| r.region.clone()).collect();
        same.push(a.clone());
        a
    }

    /// `origins` as related locations, shared, without a repeat of the one
    /// before (same span and message).
    fn origins(&mut self, origins: &[Origin]) -> Arc<[Related]> {
        let kept = || {
            origins.iter().enumerate().filter_map(|(i, o)| {
                let repeat = i > 0 && {
                    let prev = &origins[i - 1];
                    prev.span == o.span && prev.message == o.message
                };
                (!repeat).then_some(o)
            })
        };
        let mut h = FxHasher::default();
        for o in kept() {
            o.span.hash(&mut h);
            o.message.hash(&mut h);
        }
        let same = self.origins.entry(h.finish()).or_default();
        if let Some(a) = same.iter().find(|a| {
            a.len() == kept().count()
                && a.iter()
                    .zip(kept())
                    .all(|(r, o)| r.span == o.span && *r.message == *o.message)
        }) {
            return a.clone();
        }
        let a: Arc<[Related]> = kept()
            .map(|o| Related {
                span: o.span,
                message: o.message.to_string(),
            })
            .collect();
        same.push(a.clone());
        a
    }
}

/// Reads `--var-file` files and `--var` values into variable layers.
fn load_cli_values(
    args: &[VarArg],
    sources: &mut SourceMap,
    cwd: &Path,
    findings: &mut Vec<Finding>,
) -> Result<CliValues, UsageError> {
    let mut out = CliValues::default();
    for a in args {
        match a {
            VarArg::File(p) => {
                if !p.is_file() {
                    return Err(UsageError(format!(
                        "--var-file {}: no such file",
                        p.display()
                    )));
                }
                let kind = if p.to_string_lossy().ends_with(".json") {
                    FileKind::TfvarsJson
                } else {
                    FileKind::Tfvars
                };
                let parsed = load::load(
                    vec![Discovered::new(p.clone(), Candidate::Known(kind), false)],
                    sources,
                    cwd,
                    findings,
                );
                for f in parsed {
                    if let Some(body) = f.body {
                        out.layers.push((f.id, body));
                    }
                }
            }
            VarArg::Var(s) => {
                let Some((name, value)) = s.split_once('=') else {
                    return Err(UsageError(format!("--var {s:?}: expected NAME=VALUE")));
                };
                let text = format!("{name}={value}");
                let id = sources.add(
                    PathBuf::from("--var"),
                    "--var".to_string(),
                    Arc::from(text.as_str()),
                );
                let start = name.len() + 1;
                let span = Span::new(id, start, text.len());
                // A value that reads as a list, map, number or bool is one;
                // anything else is a string, as `terraform plan -var` does for
                // string variables.
                let expr = if value.starts_with('[') || value.starts_with('{') {
                    match crate::parse::hcl::parse_expr(value, id) {
                        Ok(mut e) => {
                            shift(&mut e, start);
                            e
                        }
                        Err(_) => Expr::new(ExprKind::Str(value.to_string()), span),
                    }
                } else {
                    Expr::new(ExprKind::Str(value.to_string()), span)
                };
                out.layers.push((
                    id,
                    Body {
                        attrs: vec![Attribute {
                            name: name.to_string(),
                            name_span: Span::new(id, 0, name.len()),
                            expr,
                            span: Span::new(id, 0, text.len()),
                        }],
                        blocks: Vec::new(),
                    },
                ));
            }
        }
    }
    Ok(out)
}

/// Shifts every span of an expression parsed from a slice.
fn shift(e: &mut Expr, by: usize) {
    e.span.start += by as u32;
    e.span.end += by as u32;
    match &mut e.kind {
        ExprKind::Array(xs) => xs.iter_mut().for_each(|x| shift(x, by)),
        ExprKind::Object(items) => items.iter_mut().for_each(|(k, v)| {
            shift(k, by);
            shift(v, by)
        }),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    /// A run holds one per resource instance: a quarter of a million on the
    /// bench corpus.
    #[test]
    fn a_resource_stays_small() {
        assert!(std::mem::size_of::<super::Resource>() <= 224);
    }
}
