//! Context for named files (SPEC §1): when PATH is a file, the modules that
//! call its module, directly or transitively, found from the repository root.
//!
//! A pre-commit hook passes the staged files. A file of a called module
//! (`modules/bucket/main.tf`) checked as its own root would lose its
//! callers' tiers, arguments and providers; so its callers are found and
//! loaded too, and the named module is then evaluated through them, once per
//! calling instance, like any called module ([`super::find_roots`]).
//!
//! # Cost
//!
//! The whole repository is walked (honouring `.gitignore`, `.ignore` and the
//! configuration's `exclude`, not entering `.git/` or `.terraform/`), but a
//! file is only read, not parsed: a file with no `module` block at its top
//! level is told apart by a substring test, then by the skimmer
//! ([`crate::parse::skim`]); only files with a `module` block are parsed,
//! and only their `module` blocks' `source` is read. Installed modules are
//! followed through each directory's `.terraform/modules/modules.json`.
//! Only the directories that call the named files' directories, directly or
//! transitively, are then loaded.

use crate::discover::{self, Candidate, Discovered, Discovery};
use crate::model::FileKind;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Files above this size are not read for their module calls (a generated
/// file of this size holds resources, not calls to local modules).
const MAX_READ: u64 = 4 << 20;

/// Adds to `disc` the files of every directory that calls, directly or
/// transitively, the directory of a file named on the command line (the
/// files of `disc` marked `explicit`). Their directories are then scanned
/// like the named ones: the topmost callers are the roots.
pub(super) fn add_callers(
    disc: &mut Discovery,
    named: &[PathBuf],
    cwd: &Path,
    excluded: &(dyn Fn(&Path) -> bool + Sync),
) {
    let named_dirs: BTreeSet<PathBuf> = named
        .iter()
        .filter(|p| p.is_file())
        .map(|p| absolute(&parent(p), cwd))
        .collect();
    if named_dirs.is_empty() {
        return;
    }
    let root = repo_root(cwd);
    // Callers live in the same repository: a named file outside it has none
    // to look for.
    if !named_dirs.iter().any(|d| d.starts_with(&root)) {
        return;
    }
    let walk_root = relative(&root, cwd);
    let found = discover::discover(std::slice::from_ref(&walk_root), excluded);
    let callers = calling_dirs(&found.files, &named_dirs, cwd);
    let have: HashSet<PathBuf> = disc.files.iter().map(|f| f.path.clone()).collect();
    let mut errors = Vec::new();
    let mut added: Vec<Discovered> = Vec::new();
    for dir in callers {
        let dir = relative(&dir, cwd);
        for f in discover::list_dir(&dir, &found.fence, &mut errors) {
            if f.candidate != Candidate::Json && !excluded(&f.path) && !have.contains(&f.path) {
                added.push(f);
            }
        }
    }
    if added.is_empty() {
        return;
    }
    disc.files.extend(added);
    disc.files.sort_by(|a, b| a.path.cmp(&b.path));
}

/// The directories (absolute) that call one of `targets`, directly or
/// transitively, through a local module source or an installed module's
/// manifest, other than `targets` themselves.
fn calling_dirs(
    files: &[Discovered],
    targets: &BTreeSet<PathBuf>,
    cwd: &Path,
) -> BTreeSet<PathBuf> {
    // Called directory -> the directories calling it.
    let mut callers: HashMap<PathBuf, BTreeSet<PathBuf>> = HashMap::new();
    let mut dirs_seen: HashSet<PathBuf> = HashSet::new();
    for f in files {
        let dir = absolute(&parent(&f.path), cwd);
        if dirs_seen.insert(dir.clone()) {
            for called in manifest_dirs(&dir) {
                callers.entry(called).or_default().insert(dir.clone());
            }
        }
        let Candidate::Known(kind) = f.candidate else {
            continue;
        };
        for src in local_sources(&f.path, kind) {
            let called = discover::normalize(&dir.join(src));
            callers.entry(called).or_default().insert(dir.clone());
        }
    }
    let mut out = BTreeSet::new();
    let mut stack: Vec<&PathBuf> = targets.iter().collect();
    let mut seen: HashSet<&PathBuf> = targets.iter().collect();
    while let Some(d) = stack.pop() {
        for c in callers.get(d).into_iter().flatten() {
            if seen.insert(c) {
                out.insert(c.clone());
                stack.push(c);
            }
        }
    }
    out
}

/// The local sources (`./x`, `../x`) of a configuration file's `module`
/// blocks. Most files have none: they are not parsed.
fn local_sources(path: &Path, kind: FileKind) -> Vec<String> {
    if !kind.is_config() || std::fs::metadata(path).map_or(true, |m| m.len() > MAX_READ) {
        return Vec::new();
    }
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    if !text.contains("module") {
        return Vec::new();
    }
    if kind == FileKind::Hcl && crate::parse::skim::only_blocks(&text, |k| k != "module") {
        return Vec::new();
    }
    // A file that does not parse calls nothing here; it is reported when its
    // module is loaded, if it is.
    let Ok(body) = crate::parse::load::reparse(&text, kind, 0) else {
        return Vec::new();
    };
    body.blocks
        .iter()
        .filter(|b| b.kind == "module")
        .flat_map(|b| module_sources(&b.body))
        .collect()
}

/// The local source of a `module` block's body (`source = "./x"`).
fn module_sources(body: &crate::model::Body) -> Option<String> {
    let s = body.attr("source")?.expr.as_str()?;
    (s.starts_with("./") || s.starts_with("../") || s == "." || s == "..").then(|| s.to_string())
}

/// The directories of the modules a directory's `terraform init` installed
/// (`.terraform/modules/modules.json`), absolute.
fn manifest_dirs(dir: &Path) -> Vec<PathBuf> {
    // The `Dir` of each entry only (the loader's `read_manifest` also keeps
    // the keys): read here rather than shared, so that this file imports
    // nothing from `analyse/mod.rs`, which calls it.
    let manifest = dir.join(".terraform/modules/modules.json");
    let Ok(text) = std::fs::read_to_string(&manifest) else {
        return Vec::new();
    };
    let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else {
        return Vec::new();
    };
    let entries = v.get("Modules").and_then(|m| m.as_array());
    entries
        .into_iter()
        .flatten()
        .filter_map(|m| m.get("Dir")?.as_str())
        .filter(|d| !d.is_empty())
        .map(|d| discover::normalize(&dir.join(d.replace('\\', "/"))))
        .collect()
}

/// The repository root: the nearest directory from `cwd` up holding `.git`
/// (a directory, or a file in a worktree), else `cwd`. Absolute.
pub(super) fn repo_root(cwd: &Path) -> PathBuf {
    let cwd = absolute(cwd, Path::new("/"));
    cwd.ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
        .unwrap_or(cwd)
}

fn parent(p: &Path) -> PathBuf {
    match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn absolute(p: &Path, cwd: &Path) -> PathBuf {
    discover::normalize(&if p.is_absolute() {
        p.to_path_buf()
    } else {
        cwd.join(p)
    })
}

/// `p` (absolute) as the paths discovery gives: relative to `cwd` when under
/// it (`infra/main.tf`), else through `..` (`../other`), so that a module
/// directory has one name whichever way it is reached.
fn relative(p: &Path, cwd: &Path) -> PathBuf {
    let cwd = absolute(cwd, Path::new("/"));
    if let Ok(rest) = p.strip_prefix(&cwd) {
        return discover::normalize(rest);
    }
    let mut up = PathBuf::new();
    for a in cwd.ancestors().skip(1) {
        up.push("..");
        if let Ok(rest) = p.strip_prefix(a) {
            return discover::normalize(&up.join(rest));
        }
    }
    p.to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_relative_to_the_working_directory() {
        let cwd = Path::new("/r/infra");
        assert_eq!(relative(Path::new("/r/infra"), cwd), PathBuf::from("."));
        assert_eq!(
            relative(Path::new("/r/infra/modules/b"), cwd),
            PathBuf::from("modules/b")
        );
        assert_eq!(
            relative(Path::new("/r/other"), cwd),
            PathBuf::from("../other")
        );
        assert_eq!(relative(Path::new("/r"), cwd), PathBuf::from(".."));
    }

    #[test]
    fn only_local_sources_are_followed() {
        let body = |src: &str| {
            crate::parse::load::reparse(
                &format!("module \"m\" {{\n  source = \"{src}\"\n}}\n"),
                FileKind::Hcl,
                0,
            )
            .unwrap()
        };
        let first = |src: &str| module_sources(&body(src).blocks[0].body);
        assert_eq!(first("./modules/b"), Some("./modules/b".into()));
        assert_eq!(first("../x"), Some("../x".into()));
        assert_eq!(first("hashicorp/consul/aws"), None);
        assert_eq!(first("git::https://example.org/x.git"), None);
    }
}
