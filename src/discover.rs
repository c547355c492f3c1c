//! Discovery: which files to read, and what each one is (SPEC §1).
//!
//! Directories are walked with the `ignore` crate: `.gitignore` and `.ignore`
//! are honoured, `.git/` and `.terraform/` are not entered (installed modules
//! are found through their manifest by the loader). A file named on the command
//! line is always read, and its whole directory is loaded for context.
//! When `x.tofu` and `x.tf` both exist, `x.tofu` wins, as in OpenTofu.

use crate::model::FileKind;
use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

/// What a file name says about a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Candidate {
    Known(FileKind),
    /// A `.json` file that may be a plan or an ARM template: its content decides.
    Json,
}

/// A file to read.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Discovered {
    pub path: PathBuf,
    pub candidate: Candidate,
    /// Named on the command line (findings are reported for it).
    pub explicit: bool,
    /// An override file (`override.tf`, `*_override.tf`...): merged into its
    /// module last (`assemble::overrides`).
    pub is_override: bool,
}

impl Discovered {
    pub fn new(path: PathBuf, candidate: Candidate, explicit: bool) -> Discovered {
        let is_override = path
            .file_name()
            .is_some_and(|n| is_override(&n.to_string_lossy()));
        Discovered {
            path,
            candidate,
            explicit,
            is_override,
        }
    }
}

/// Whether a configuration file name is an override file.
pub fn is_override(name: &str) -> bool {
    let stem = [".tf.json", ".tofu.json", ".tf", ".tofu"]
        .iter()
        .find_map(|ext| name.strip_suffix(ext));
    stem.is_some_and(|s| s == "override" || s.ends_with("_override"))
}

/// A path that could not be walked (permission, symlink loop...).
#[derive(Clone, Debug)]
pub struct WalkError {
    pub path: PathBuf,
    pub message: String,
}

/// The result of discovery.
#[derive(Debug, Default)]
pub struct Discovery {
    pub files: Vec<Discovered>,
    pub errors: Vec<WalkError>,
    /// Whether a PATH argument was a file: then findings are limited to the
    /// files named (SPEC §1).
    pub file_args: bool,
    /// Symbolic links not followed because their target lies outside
    /// [`Discovery::fence`].
    pub skipped: Vec<WalkError>,
    /// Where the scan may read.
    pub fence: Fence,
    /// Terragrunt units: directories holding `terragrunt.hcl` (or
    /// `terragrunt.hcl.json`), sorted, including the units a stack generated
    /// under `.terragrunt-stack/`.
    pub units: Vec<PathBuf>,
    /// Terragrunt stacks (`terragrunt.stack.hcl`) whose units are not
    /// generated (no `.terragrunt-stack/` beside them): reported, not
    /// checked.
    pub stacks: Vec<PathBuf>,
    /// Terragrunt configuration files named on the command line
    /// (`region.hcl`, `root.hcl`, a unit's `terragrunt.hcl`).
    pub terragrunt_args: Vec<PathBuf>,
}

/// The directories a scan may read: for each path given, the repository
/// holding it (the nearest directory above it with a `.git`), else the
/// working directory when the path is below it, else the path itself. A
/// symbolic link, a module `source` or an installed module whose target lies
/// outside is never read: a pull request must not make the report print a
/// file of the machine that checks it (`leak.tf -> ~/.ssh/id_rsa`), nor walk
/// `/proc`. Paths named on the command line are read wherever they are.
#[derive(Clone, Debug, Default)]
pub struct Fence {
    /// Canonical directories.
    roots: Vec<PathBuf>,
}

impl Fence {
    /// The fence of a scan of `paths` from `cwd`.
    pub fn new(paths: &[PathBuf], cwd: &Path) -> Fence {
        let cwd = std::fs::canonicalize(cwd).unwrap_or_else(|_| cwd.to_path_buf());
        let mut roots: Vec<PathBuf> = Vec::new();
        for p in paths {
            let Ok(c) = std::fs::canonicalize(cwd.join(p)) else {
                continue;
            };
            let dir = if c.is_dir() {
                c
            } else {
                c.parent().map(Path::to_path_buf).unwrap_or(c)
            };
            let repo = dir.ancestors().find(|a| a.join(".git").exists());
            let root = match repo {
                Some(r) => r.to_path_buf(),
                None if dir.starts_with(&cwd) => cwd.clone(),
                None => dir,
            };
            if !roots.contains(&root) {
                roots.push(root);
            }
        }
        Fence { roots }
    }

    /// Lets the scan read `dir` too: a `[[source]]` checkout the
    /// configuration maps remote modules to.
    pub fn allow(&mut self, dir: &Path) {
        if let Ok(c) = std::fs::canonicalize(dir)
            && !self.roots.contains(&c)
        {
            self.roots.push(c);
        }
    }

    /// Where `path` really lies when that is outside the fence; `None` when
    /// it is inside (or does not exist: nothing is read then).
    pub fn outside(&self, path: &Path) -> Option<PathBuf> {
        let real = std::fs::canonicalize(path).ok()?;
        (!self.roots.iter().any(|r| real.starts_with(r))).then_some(real)
    }

    /// The message of a symbolic link not followed. It names the link, never
    /// the target's content.
    pub fn skipped(path: &Path) -> WalkError {
        WalkError {
            path: path.to_path_buf(),
            message: format!(
                "{} is a symbolic link to a place outside the repository: not read",
                path.display()
            ),
        }
    }
}

/// The names of a Terragrunt unit's configuration file.
pub const UNIT_FILE_NAMES: [&str; 2] = ["terragrunt.hcl", "terragrunt.hcl.json"];

/// Whether a file name is a unit's Terragrunt configuration.
pub fn is_unit_file(name: &str) -> bool {
    UNIT_FILE_NAMES.contains(&name)
}

/// The kind a file name announces, or `None` for files cercle does not read.
pub fn classify(path: &Path) -> Option<Candidate> {
    let name = path.file_name()?.to_str()?;
    // Terraform ignores editor backups and hidden files.
    if name.starts_with('.') || name.ends_with('~') || name.starts_with('#') {
        return None;
    }
    let kind = if name.ends_with(".tf") || name.ends_with(".tofu") {
        FileKind::Hcl
    } else if name.ends_with(".tf.json") || name.ends_with(".tofu.json") {
        FileKind::TfJson
    } else if name == "terraform.tfvars" || name.ends_with(".auto.tfvars") {
        FileKind::Tfvars
    } else if name == "terraform.tfvars.json" || name.ends_with(".auto.tfvars.json") {
        FileKind::TfvarsJson
    } else if name.ends_with(".json") {
        return Some(Candidate::Json);
    } else {
        return None;
    };
    Some(Candidate::Known(kind))
}

/// Lexically normalised path: `a/./b/../c` -> `a/c` (symlinks are not resolved,
/// as Terraform resolves module sources).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                let last = out.components().next_back();
                match last {
                    Some(Component::Normal(_)) => {
                        out.pop();
                    }
                    Some(Component::RootDir) | Some(Component::Prefix(_)) => {}
                    _ => out.push(".."),
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// Walks the PATH arguments. `excluded` says whether a path is excluded by
/// the configuration (explicitly named files are read anyway).
pub fn discover(paths: &[PathBuf], excluded: &(dyn Fn(&Path) -> bool + Sync)) -> Discovery {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let mut out = Discovery {
        fence: Fence::new(paths, &cwd),
        ..Discovery::default()
    };
    let mut seen = HashSet::new();
    for arg in paths {
        let arg = normalize(arg);
        let meta = match std::fs::metadata(&arg) {
            Ok(m) => m,
            Err(e) => {
                out.errors.push(WalkError {
                    path: arg.clone(),
                    message: format!("cannot read {}: {e}", arg.display()),
                });
                continue;
            }
        };
        if meta.is_file() {
            out.file_args = true;
            if arg.to_string_lossy().ends_with(".hcl")
                || arg.to_string_lossy().ends_with(".hcl.json")
            {
                out.terragrunt_args.push(arg.clone());
            }
            // A file cercle does not read (`prod.tfvars`) still loads its module.
            if let Some(candidate) = classify(&arg) {
                push(&mut out.files, &mut seen, arg.clone(), candidate, true);
            }
            let dir = arg
                .parent()
                .map(normalize)
                .unwrap_or_else(|| PathBuf::from("."));
            let dir = if dir.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                dir
            };
            if UNIT_FILE_NAMES.iter().any(|n| dir.join(n).is_file()) {
                out.units.push(dir.clone());
            }
            for d in list_dir(&dir, &out.fence, &mut out.errors) {
                if !excluded(&d.path) {
                    push(&mut out.files, &mut seen, d.path, d.candidate, false);
                }
            }
        } else {
            walk(&arg, excluded, &mut out, &mut seen);
        }
    }
    out.files = prefer_tofu(std::mem::take(&mut out.files));
    out.units.sort();
    out.units.dedup();
    out
}

/// The Terragrunt units under `root` (walked as [`discover`] does): the
/// units that may read a Terragrunt file named on the command line.
/// Also the stack files not generated yet.
pub fn find_units(
    root: &Path,
    excluded: &(dyn Fn(&Path) -> bool + Sync),
) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let mut out = Discovery::default();
    let mut seen = HashSet::new();
    walk(root, excluded, &mut out, &mut seen);
    out.units.sort();
    out.units.dedup();
    out.stacks.sort();
    out.stacks.dedup();
    (out.units, out.stacks)
}

fn push(
    files: &mut Vec<Discovered>,
    seen: &mut HashSet<PathBuf>,
    path: PathBuf,
    candidate: Candidate,
    explicit: bool,
) {
    if seen.insert(path.clone()) {
        files.push(Discovered::new(path, candidate, explicit));
    } else if explicit && let Some(f) = files.iter_mut().find(|f| f.path == path) {
        f.explicit = true;
    }
}

fn walk(
    root: &Path,
    excluded: &(dyn Fn(&Path) -> bool + Sync),
    out: &mut Discovery,
    seen: &mut HashSet<PathBuf>,
) {
    let fence = out.fence.clone();
    let skipped = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let skip = skipped.clone();
    let mut builder = ignore::WalkBuilder::new(root);
    builder
        .git_global(false)
        .git_exclude(true)
        .git_ignore(true)
        .ignore(true)
        .require_git(false)
        .parents(true)
        .follow_links(true)
        // Siblings by name: the order of their paths, without comparing
        // their common parents.
        .sort_by_file_name(|a, b| a.cmp(b))
        .hidden(false)
        .filter_entry(move |e| {
            let name = e.file_name();
            // Hidden entries are skipped, but for the units a Terragrunt
            // stack generates (`.terragrunt-stack/`).
            if e.depth() > 0
                && name.as_encoded_bytes().starts_with(b".")
                && name != ".terragrunt-stack"
            {
                return false;
            }
            fenced(e, &fence, &skip)
        });
    for entry in builder.build() {
        match entry {
            Ok(e) => {
                if !e.file_type().is_some_and(|t| t.is_file()) {
                    continue;
                }
                let path = normalize(e.path());
                if excluded(&path) {
                    continue;
                }
                if path
                    .file_name()
                    .is_some_and(|n| n == "terragrunt.stack.hcl")
                    && !path.with_file_name(".terragrunt-stack").is_dir()
                {
                    out.stacks.push(path.clone());
                }
                if path
                    .file_name()
                    .is_some_and(|n| is_unit_file(&n.to_string_lossy()))
                {
                    out.units.push(
                        path.parent()
                            .filter(|p| !p.as_os_str().is_empty())
                            .map(Path::to_path_buf)
                            .unwrap_or_else(|| PathBuf::from(".")),
                    );
                }
                if let Some(c) = classify(&path) {
                    push(&mut out.files, seen, path, c, false);
                }
            }
            Err(err) => out.errors.push(walk_error(root, &err)),
        }
    }
    if let Ok(mut s) = skipped.lock() {
        out.skipped.append(&mut s);
    }
}

/// Whether the walk may enter `e`: anything but a symbolic link (below the
/// path given) whose target lies outside the fence, which is noted in `skip`.
fn fenced(e: &ignore::DirEntry, fence: &Fence, skip: &std::sync::Mutex<Vec<WalkError>>) -> bool {
    if e.depth() == 0 || !e.path_is_symlink() || fence.outside(e.path()).is_none() {
        return true;
    }
    if let Ok(mut s) = skip.lock() {
        s.push(Fence::skipped(&normalize(e.path())));
    }
    false
}

fn walk_error(root: &Path, err: &ignore::Error) -> WalkError {
    let path = io_path(err).unwrap_or_else(|| root.to_path_buf());
    let message = match err {
        ignore::Error::WithPath { err, .. } => err.to_string(),
        e => e.to_string(),
    };
    WalkError { path, message }
}

fn io_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            io_path(err)
        }
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        _ => None,
    }
}

/// The configuration files of one directory (not recursive, no ignore files):
/// a module directory loaded because a module call or the manifest names it.
pub fn list_dir(dir: &Path, fence: &Fence, errors: &mut Vec<WalkError>) -> Vec<Discovered> {
    let rd = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) => {
            errors.push(WalkError {
                path: dir.to_path_buf(),
                message: format!("cannot read directory {}: {e}", dir.display()),
            });
            return Vec::new();
        }
    };
    let mut files: Vec<Discovered> = rd
        .filter_map(|e| e.ok())
        .filter(|e| std::fs::metadata(e.path()).is_ok_and(|m| m.is_file()))
        .filter(|e| {
            let link = e.file_type().is_ok_and(|t| t.is_symlink());
            if link && fence.outside(&e.path()).is_some() {
                errors.push(Fence::skipped(&normalize(&e.path())));
                return false;
            }
            true
        })
        .filter_map(|e| {
            let path = normalize(&e.path());
            let candidate = classify(&path)?;
            Some(Discovered::new(path, candidate, false))
        })
        .collect();
    files.sort();
    prefer_tofu(files)
}

/// Drops `x.tf` (`x.tf.json`) where `x.tofu` (`x.tofu.json`) exists beside
/// it, and sorts by path. Most trees have no `.tofu` file at all: then only
/// the sort remains, a check when the walk gave them in order already.
fn prefer_tofu(mut files: Vec<Discovered>) -> Vec<Discovered> {
    fn name(f: &Discovered) -> &[u8] {
        f.path.as_os_str().as_encoded_bytes()
    }
    if files
        .iter()
        .any(|f| name(f).ends_with(b".tofu") || name(f).ends_with(b".tofu.json"))
    {
        let names: HashSet<&[u8]> = files.iter().map(name).collect();
        let twin_exists = |f: &Discovered| {
            let n = name(f);
            let twin = |stem: &[u8], ext: &[u8]| names.contains([stem, ext].concat().as_slice());
            match n.strip_suffix(b".tf") {
                Some(stem) => twin(stem, b".tofu"),
                None => n
                    .strip_suffix(b".tf.json")
                    .is_some_and(|stem| twin(stem, b".tofu.json")),
            }
        };
        let keep: Vec<bool> = files.iter().map(|f| !twin_exists(f)).collect();
        let mut keep = keep.into_iter();
        files.retain(|_| keep.next().unwrap_or(true));
    }
    if !files.is_sorted_by(|a, b| a.path <= b.path) {
        files.sort_by(|a, b| a.path.cmp(&b.path));
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_paths() {
        assert_eq!(normalize(Path::new("a/./b/../c")), PathBuf::from("a/c"));
        assert_eq!(normalize(Path::new("../x/../y")), PathBuf::from("../y"));
        assert_eq!(normalize(Path::new("./")), PathBuf::from("."));
    }

    #[test]
    fn prefers_tofu_twins_and_sorts() {
        let d = |p: &str| {
            Discovered::new(
                PathBuf::from(p),
                classify(Path::new(p)).unwrap_or(Candidate::Json),
                false,
            )
        };
        let paths = |files: Vec<Discovered>| -> Vec<String> {
            files.iter().map(|f| f.path.display().to_string()).collect()
        };
        let files = vec![d("b/x.tf"), d("a/main.tf"), d("a/b/c.tf"), d("a.tf")];
        assert_eq!(
            paths(prefer_tofu(files)),
            ["a/b/c.tf", "a/main.tf", "a.tf", "b/x.tf"]
        );
        let files = vec![
            d("m/main.tf"),
            d("m/main.tofu"),
            d("m/x.tf.json"),
            d("m/x.tofu.json"),
            d("m/y.tf"),
            d("n/main.tf"),
        ];
        assert_eq!(
            paths(prefer_tofu(files)),
            ["m/main.tofu", "m/x.tofu.json", "m/y.tf", "n/main.tf"]
        );
    }

    #[test]
    fn classifies_names() {
        let k = |s: &str| classify(Path::new(s));
        assert_eq!(k("main.tf"), Some(Candidate::Known(FileKind::Hcl)));
        assert_eq!(k("main.tofu"), Some(Candidate::Known(FileKind::Hcl)));
        assert_eq!(k("main.tf.json"), Some(Candidate::Known(FileKind::TfJson)));
        assert_eq!(
            k("terraform.tfvars"),
            Some(Candidate::Known(FileKind::Tfvars))
        );
        assert_eq!(
            k("x.auto.tfvars.json"),
            Some(Candidate::Known(FileKind::TfvarsJson))
        );
        assert_eq!(k("prod.tfvars"), None);
        assert_eq!(k("plan.json"), Some(Candidate::Json));
        assert_eq!(k(".main.tf"), None);
        assert_eq!(k("main.tf~"), None);
    }
}
