//! Where a unit's module is: `terraform { source }` as a local path (with
//! its `//` sub-directory), a `[[source]]` mapping of `cercle.toml` to a
//! local checkout, or a copy Terragrunt already fetched into the unit's
//! `.terragrunt-cache`. Module calls of Terraform use the mappings too
//! ([`SourceMap::map`]).

use super::eval::Scope;
use crate::findings::{Code, Finding};
use crate::source::Span;
use std::path::{Path, PathBuf};

/// A `[[source]]`: addresses starting with `remote` are read from `local`.
#[derive(Clone, Debug)]
pub struct Mapping {
    pub remote: String,
    /// A directory (relative to the working directory, or absolute).
    pub local: PathBuf,
}

/// The `[[source]]` mappings of the configuration.
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    pub mappings: Vec<Mapping>,
}

impl SourceMap {
    /// The local directory of a remote module address, when a mapping
    /// covers it, with the mapping's `remote`.
    pub fn map(&self, address: &str) -> Option<(PathBuf, &str)> {
        let bare = strip_query(address);
        self.mappings
            .iter()
            .filter(|m| !m.remote.is_empty() && bare.starts_with(m.remote.as_str()))
            .max_by_key(|m| m.remote.len())
            .map(|m| {
                let rest = bare[m.remote.len()..].replace("//", "/");
                let rest = rest.trim_start_matches('/');
                let dir = if rest.is_empty() {
                    m.local.clone()
                } else {
                    m.local.join(rest)
                };
                (crate::discover::normalize(&dir), m.remote.as_str())
            })
    }
}

/// The address without `?ref=...` and the like.
pub fn strip_query(address: &str) -> &str {
    address.split_once('?').map(|(a, _)| a).unwrap_or(address)
}

/// `(package, sub-directory)`: go-getter's `//` separator, not the one of a
/// `scheme://`.
pub fn split_subdir(address: &str) -> (&str, Option<&str>) {
    let bare = strip_query(address);
    let from = bare.find("://").map(|i| i + 3).unwrap_or(0);
    match bare[from..].find("//") {
        Some(i) => (&bare[..from + i], Some(&bare[from + i + 2..])),
        None => (bare, None),
    }
}

/// Whether go-getter (which Terragrunt fetches sources with) reads
/// `address` as a local path: anything its remote detectors do not claim (a
/// forced getter `git::`, a URL, `git@host:`, GitHub, GitLab, Bitbucket, S3
/// and GCS hosts) is a path, `./` or not (`source = "modules/vpc"`).
fn is_local(address: &str) -> bool {
    if address.starts_with("./") || address.starts_with("../") || address.starts_with('/') {
        return true;
    }
    if address.contains("::") || address.contains("://") || address.starts_with("git@") {
        return false;
    }
    let host = address.split('/').next().unwrap_or("");
    let remote_host = ["github.com", "gitlab.com", "bitbucket.org"].contains(&host)
        || host.ends_with(".amazonaws.com")
        || host.ends_with("googleapis.com");
    !(remote_host && address.contains('/'))
}

/// Where `address` is on this machine: a local path (relative to `base`,
/// with its `//` sub-directory), or a `[[source]]` mapping's checkout (with
/// the mapping's remote). `Ok(None)`: a remote address no mapping covers.
/// `Err`: the directory it names does not exist (`what` names the address
/// in the message: "module source", "source"). `copy_of`: `base` is a copy
/// of that directory (a stack unit, generated from its source directory):
/// a path inside `base` (`.`, `./modules/x`) is read there.
pub(crate) fn local_dir<'m>(
    address: &str,
    base: &Path,
    copy_of: Option<&Path>,
    mappings: &'m SourceMap,
    what: &str,
) -> Result<Option<(PathBuf, Option<&'m str>)>, String> {
    if is_local(address) {
        let (path, sub) = split_subdir(address);
        let mut dir = base.join(path);
        if let Some(sub) = sub {
            dir = dir.join(sub);
        }
        let mut dir = crate::discover::normalize(&dir);
        if let Some(home) = copy_of
            && let Ok(inside) = dir.strip_prefix(crate::discover::normalize(base))
        {
            dir = crate::discover::normalize(&home.join(inside));
        }
        if dir.is_dir() {
            return Ok(Some((dir, None)));
        }
        return Err(format!(
            "its {what} {address} is not a directory ({})",
            dir.display()
        ));
    }
    match mappings.map(address) {
        Some((dir, remote)) if dir.is_dir() => Ok(Some((dir, Some(remote)))),
        Some((dir, remote)) => Err(format!(
            "[[source]] {remote} maps {address} to {}, which is not a directory",
            dir.display()
        )),
        None => Ok(None),
    }
}

/// The unit's module directory and the mapping used; a CRC003 when the
/// source cannot be read locally.
pub fn resolve(
    scopes: &[&Scope],
    unit_dir: &Path,
    copy_of: Option<&Path>,
    mappings: &SourceMap,
    findings: &mut Vec<Finding>,
) -> (Option<PathBuf>, Option<String>) {
    let (dir, mapping) = resolve_as_written(scopes, unit_dir, copy_of, mappings, findings);
    let cwd = scopes
        .first()
        .map(|s| s.files.cwd().to_path_buf())
        .unwrap_or_default();
    (dir.map(|d| like(&d, unit_dir, &cwd)), mapping)
}

/// `dir` in the form of `unit_dir`: relative to `cwd` when the unit's is
/// (and `dir` is below `cwd`), absolute when the unit's is; so that a module
/// directory is named one way only.
fn like(dir: &Path, unit_dir: &Path, cwd: &Path) -> PathBuf {
    let abs = crate::discover::normalize(&cwd.join(dir));
    if unit_dir.is_absolute() {
        return abs;
    }
    match abs.strip_prefix(cwd) {
        Ok(rel) if rel.as_os_str().is_empty() => PathBuf::from("."),
        Ok(rel) => rel.to_path_buf(),
        Err(_) => crate::discover::normalize(dir),
    }
}

fn resolve_as_written(
    scopes: &[&Scope],
    unit_dir: &Path,
    copy_of: Option<&Path>,
    mappings: &SourceMap,
    findings: &mut Vec<Finding>,
) -> (Option<PathBuf>, Option<String>) {
    let found = scopes.iter().rev().find_map(|s| {
        let a = s.body.block("terraform")?.body.attr("source")?;
        Some((s.eval(&a.expr), a.expr.span))
    });
    let Some((v, span)) = found else {
        // No source: Terragrunt runs Terraform in the unit's directory (a
        // stack unit's: the copy of its source directory).
        return (Some(copy_of.unwrap_or(unit_dir).to_path_buf()), None);
    };
    let Some(address) = v.as_str() else {
        let what = super::unknown_text(&v);
        findings.push(unresolved(
            span,
            unit_dir,
            &format!("its module source cannot be known ({what})"),
        ));
        return (None, None);
    };
    match local_dir(address, unit_dir, copy_of, mappings, "module source") {
        Ok(Some((dir, remote))) => {
            return (Some(dir), remote.map(|r| format!("[[source]] {r}")));
        }
        Err(why) => {
            findings.push(Finding::new(
                Code::Crc000,
                span.file,
                Some(span),
                format!("unit {}: {why}", unit_dir.display()),
            ));
            return (None, None);
        }
        Ok(None) => {}
    }
    if let Some(dir) = cached(unit_dir, address) {
        return (Some(dir), Some(".terragrunt-cache".to_string()));
    }
    let (package, _) = split_subdir(address);
    if let Some(s) = scopes.first() {
        s.files.unmapped.borrow_mut().push(package.to_string());
    }
    findings.push(unresolved(
        span,
        unit_dir,
        &format!(
            "its module source {address} is not available locally: map it to a checkout with [[source]] in cercle.toml (remote = \"{package}\", local = \"PATH\"), or run `terragrunt init` so that .terragrunt-cache holds it"
        ),
    ));
    (None, None)
}

fn unresolved(span: Span, unit_dir: &Path, why: &str) -> Finding {
    let mut f = Finding::new(
        Code::Crc003,
        span.file,
        Some(span),
        format!(
            "Terragrunt unit {}: {why}; its resources cannot be placed",
            unit_dir.display()
        ),
    );
    f.help = Some(
        "[[source]] in cercle.toml reads a remote module from a local checkout (SPEC §8)"
            .to_string(),
    );
    f
}

/// A copy of the module in `.terragrunt-cache/<hash>/<hash>/`, with the
/// address's sub-directory: the first (by name) that holds `.tf` files.
fn cached(unit_dir: &Path, address: &str) -> Option<PathBuf> {
    let (_, sub) = split_subdir(address);
    let cache = unit_dir.join(".terragrunt-cache");
    let mut found: Vec<PathBuf> = Vec::new();
    for a in sorted_dirs(&cache) {
        for b in sorted_dirs(&a) {
            let dir = match sub {
                Some(s) => b.join(s),
                None => b,
            };
            if has_tf(&dir) {
                found.push(crate::discover::normalize(&dir));
            }
        }
    }
    found.into_iter().next()
}

fn sorted_dirs(dir: &Path) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = rd
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    out.sort();
    out
}

fn has_tf(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|rd| {
        rd.filter_map(|e| e.ok()).any(|e| {
            let n = e.file_name();
            let n = n.to_string_lossy();
            n.ends_with(".tf") || n.ends_with(".tf.json")
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_subdirectories() {
        assert_eq!(
            split_subdir("git::git@github.com:o/m.git//modules/mysql?ref=v0.8.0"),
            ("git::git@github.com:o/m.git", Some("modules/mysql"))
        );
        assert_eq!(
            split_subdir("tfr:///terraform-aws-modules/vpc/aws?version=5.0.0"),
            ("tfr:///terraform-aws-modules/vpc/aws", None)
        );
        assert_eq!(split_subdir("../modules//vpc"), ("../modules", Some("vpc")));
        assert_eq!(
            split_subdir("https://example.com/m.zip//x"),
            ("https://example.com/m.zip", Some("x"))
        );
    }

    #[test]
    fn maps_remote_sources() {
        let m = SourceMap {
            mappings: vec![Mapping {
                remote: "git::git@github.com:o/m.git".into(),
                local: PathBuf::from("../m"),
            }],
        };
        assert_eq!(
            m.map("git::git@github.com:o/m.git//modules/mysql?ref=v1")
                .map(|(d, _)| d),
            Some(PathBuf::from("../m/modules/mysql"))
        );
        assert!(m.map("git::git@github.com:o/other.git//x").is_none());
    }

    #[test]
    fn local_paths_as_go_getter_reads_them() {
        for local in [".", "./m", "../m", "/abs/m", "modules/vpc", "test", "..\\w"] {
            assert!(is_local(local), "{local}");
        }
        for remote in [
            "git::https://example.com/m.git",
            "tfr:///terraform-aws-modules/vpc/aws?version=5.0.0",
            "https://example.com/m.zip",
            "git@github.com:acme/m.git",
            "github.com/acme/m//sub",
            "gitlab.com/acme/m",
            "bitbucket.org/acme/m",
            "bucket.s3.amazonaws.com/m.zip",
            "www.googleapis.com/storage/v1/b/m",
        ] {
            assert!(!is_local(remote), "{remote}");
        }
    }
}
