//! The functions that read files next to the configuration, as Terraform does
//! while it plans (`file`, `fileexists`, `templatefile`), `templatestring`,
//! `abspath`, and the path functions `basename` and `dirname`.
//!
//! A relative path is relative to the root module's directory (where Terraform
//! runs); `path.module` gives absolute paths. Only regular files of at most
//! [`MAX_FILE`] bytes of UTF-8 are read, never written; nothing else (no
//! network, no environment). What cannot be read is unknown, naming the call.
//!
//! The evaluator hands these functions what they need ([`Files`]): the root
//! module's directory and a way to evaluate a template; they never see it.

use super::{s, str_fn};
use crate::eval::value::{V, Val};
use crate::model::Expr;
use crate::source::Span;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// Larger files are not read (their value is unknown).
pub const MAX_FILE: u64 = 1 << 20;

/// `fileset` visits at most this many directory entries and this many
/// levels below its path: past them its value is unknown, naming the bound.
pub const MAX_FILESET_ENTRIES: usize = 100_000;
const MAX_FILESET_DEPTH: usize = 32;

/// Evaluates a parsed template with these variables in scope.
pub type Template<'a> = dyn Fn(&Expr, Vec<(Rc<str>, Val)>) -> Val + 'a;

/// What the file functions need from the evaluator.
pub struct Files<'a> {
    /// The root module's directory, where relative paths start; `None`
    /// where there is no module (a value in a `.tfvars` file).
    pub root: &'a dyn Fn() -> Option<PathBuf>,
    /// Evaluates a parsed template with these variables in scope (the scope
    /// of the call otherwise).
    pub template: &'a Template<'a>,
}

/// `Some` when `name` is one of the functions that need [`Files`].
pub fn call(
    files: &Files,
    name: &str,
    args: &[Val],
    span: Span,
    text: &dyn Fn() -> String,
) -> Option<Val> {
    let name = name.strip_prefix("core::").unwrap_or(name);
    if !matches!(
        name,
        "file"
            | "fileexists"
            | "fileset"
            | "templatefile"
            | "templatestring"
            | "abspath"
            | "pathexpand"
    ) {
        return None;
    }
    let unknown = |why: &str| Val::unknown(span, format!("{} ({why})", text()));
    if let Some(u) = args.iter().find(|a| a.is_unknown()) {
        return Some(u.clone());
    }
    // A null path is an error in Terraform (`try()` then falls through, as
    // Fabric's `try(fileset(pathexpand(null), ...), [])` relies on), not an
    // unknown value.
    if matches!(name, "pathexpand" | "fileset")
        && args.first().is_some_and(|a| matches!(a.v, V::Null))
    {
        return Some(Val::error(span, format!("{} (its path is null)", text())));
    }
    let first = args.first().and_then(|a| a.as_str().map(str::to_string));
    let Some(first) = first else {
        return Some(unknown("its first argument is not one known string"));
    };
    // `~` would be the home directory: the environment is never read.
    if name != "templatestring" && first.starts_with('~') {
        return Some(unknown("a path in the home directory"));
    }
    let via = |v: Val| args.iter().fold(v, |v, a| v.with_via(&a.via));
    // Any other path is unchanged by `pathexpand`.
    if name == "pathexpand" {
        return Some(via(Val::str(&first)));
    }
    let path = if name == "templatestring" {
        PathBuf::new()
    } else {
        match (files.root)() {
            Some(root) => resolve(&root, &first),
            None => return Some(unknown("no module directory to read a file from")),
        }
    };
    Some(match name {
        "fileexists" => via(Val::bool(path.is_file())),
        "fileset" => match args.get(1).and_then(|a| a.as_str()) {
            Some(pattern) => match fileset(&path, pattern) {
                Ok(files) => via(Val::list(files.iter().map(|f| Val::str(f)).collect())),
                Err(why) => unknown(&why),
            },
            None => unknown("its pattern is not one known string"),
        },
        // Go's filepath.Abs: joined to the working directory and cleaned.
        "abspath" => {
            let p = crate::discover::normalize(
                &std::path::absolute(&path).unwrap_or_else(|_| path.clone()),
            );
            via(Val::str(&p.to_string_lossy().replace('\\', "/")))
        }
        "file" => match read(&path) {
            Ok(t) => via(Val::str(&t)),
            Err(why) => unknown(&why),
        },
        _ => {
            let tpl = if name == "templatefile" {
                match read(&path) {
                    Ok(t) => t,
                    Err(why) => return Some(unknown(&why)),
                }
            } else {
                first
            };
            match template(files, &tpl, args.get(1), span) {
                Ok(v) => via(v),
                Err(why) => unknown(why),
            }
        }
    })
}

/// A template's string value, with `vars` in scope.
fn template(files: &Files, tpl: &str, vars: Option<&Val>, span: Span) -> Result<Val, &'static str> {
    let vars = match vars.map(|v| &v.v) {
        Some(V::Map(m)) => m
            .iter()
            .map(|(k, v)| (Rc::<str>::from(k.as_str()), v.clone()))
            .collect(),
        None | Some(V::Null) => Vec::new(),
        Some(_) => return Err("its variables are not one known object"),
    };
    let Ok(expr) = crate::parse::hcl::parse_template(tpl, span.file, 0) else {
        return Err("the template does not parse");
    };
    let v = (files.template)(&expr, vars);
    // Spans inside the template are not in the source map: only its
    // string result is kept, coming through the call's arguments.
    match v.alts().as_slice() {
        [one] if let Some(s) = one.as_str() => Ok(Val::str(s)),
        _ => Err("the template does not give one known string"),
    }
}

/// Terraform's `fileset`: the regular files under `dir` whose path relative
/// to it (`/`-separated) matches `pattern` (`*` and `?` stay inside one path
/// element, `**` crosses them, `[...]` and `{a,b}` as in Go's doublestar),
/// sorted. Bounded by [`MAX_FILESET_ENTRIES`] and a depth; links are not
/// followed (nothing outside the directory is listed).
fn fileset(dir: &Path, pattern: &str) -> Result<Vec<String>, String> {
    let glob = globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .map_err(|e| format!("its pattern is not a valid glob: {e}"))?
        .compile_matcher();
    let meta =
        std::fs::symlink_metadata(dir).map_err(|_| format!("{} cannot be read", dir.display()))?;
    if !meta.is_dir() {
        return Err(format!("{} is not a directory", dir.display()));
    }
    let (mut out, mut seen) = (Vec::new(), 0usize);
    let mut stack = vec![(dir.to_path_buf(), String::new(), 0usize)];
    while let Some((at, rel, depth)) = stack.pop() {
        let entries =
            std::fs::read_dir(&at).map_err(|_| format!("{} cannot be read", at.display()))?;
        for e in entries.flatten() {
            seen += 1;
            if seen > MAX_FILESET_ENTRIES {
                return Err(format!(
                    "{} holds more than {MAX_FILESET_ENTRIES} entries",
                    dir.display()
                ));
            }
            let Ok(kind) = e.file_type() else { continue };
            let name = e.file_name().to_string_lossy().into_owned();
            let r = if rel.is_empty() {
                name
            } else {
                format!("{rel}/{name}")
            };
            if kind.is_dir() && depth < MAX_FILESET_DEPTH {
                stack.push((e.path(), r, depth + 1));
            } else if kind.is_file() && glob.is_match(&r) {
                out.push(r);
            }
        }
    }
    out.sort();
    Ok(out)
}

fn resolve(root: &Path, p: &str) -> PathBuf {
    let p = Path::new(p);
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        root.join(p)
    }
}

fn read(p: &Path) -> Result<String, String> {
    // Pseudo-files (`/proc/self/environ`) would read the environment.
    let real = std::fs::canonicalize(p).map_err(|_| format!("{} cannot be read", p.display()))?;
    if ["/proc", "/sys", "/dev", "/run"]
        .iter()
        .any(|d| real.starts_with(d))
    {
        return Err(format!("{} is not a configuration file", p.display()));
    }
    let meta = std::fs::metadata(p).map_err(|_| format!("{} cannot be read", p.display()))?;
    if !meta.is_file() {
        return Err(format!("{} is not a file", p.display()));
    }
    if meta.len() > MAX_FILE {
        return Err(format!("{} is larger than {MAX_FILE} bytes", p.display()));
    }
    let bytes = std::fs::read(p).map_err(|_| format!("{} cannot be read", p.display()))?;
    String::from_utf8(bytes).map_err(|_| format!("{} is not UTF-8", p.display()))
}

/// The last element of a path, as Go's `filepath.Base` (Terraform's `basename`).
pub(super) fn basename(a: &[Val], _: Span) -> Result<Val, String> {
    str_fn(a, |x| path_base(x).to_string())
}

/// All but the last element of a path, as Go's `filepath.Dir` (Terraform's
/// `dirname`), without cleaning `..`.
pub(super) fn dirname(a: &[Val], _: Span) -> Result<Val, String> {
    Ok(Val::str(&path_dir(&s(super::arg(a, 0)?)?)))
}

fn path_base(p: &str) -> &str {
    if p.is_empty() {
        return ".";
    }
    let t = p.trim_end_matches('/');
    if t.is_empty() {
        return "/";
    }
    t.rsplit('/').next().unwrap_or(t)
}

fn path_dir(p: &str) -> String {
    match p.rfind('/') {
        None => ".".to_string(),
        Some(i) => {
            let d = p[..i].trim_end_matches('/');
            if d.is_empty() {
                "/".to_string()
            } else {
                d.to_string()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::run;
    use super::*;

    #[test]
    fn basename_and_dirname() {
        let base = |p: &str| run("basename", vec![Val::str(p)]);
        let dir = |p: &str| run("dirname", vec![Val::str(p)]);
        assert_eq!(base("foo/bar/baz.txt"), Val::str("baz.txt"));
        assert_eq!(base("/work/envs/prod/"), Val::str("prod"));
        assert_eq!(base("."), Val::str("."));
        assert_eq!(base("/"), Val::str("/"));
        assert_eq!(dir("foo/bar/baz.txt"), Val::str("foo/bar"));
        assert_eq!(dir("baz.txt"), Val::str("."));
        assert_eq!(dir("/baz.txt"), Val::str("/"));
    }

    fn files_in(root: Option<PathBuf>) -> impl Fn(&str, Vec<Val>) -> Option<Val> {
        move |name: &str, args: Vec<Val>| {
            let root = root.clone();
            let files = Files {
                root: &move || root.clone(),
                template: &|e, _| match &e.kind {
                    crate::model::ExprKind::Str(t) => Val::str(t),
                    _ => Val::unknown(Span::default(), "template"),
                },
            };
            call(&files, name, &args, Span::default(), &|| name.to_string())
        }
    }

    #[test]
    fn files_are_read_from_the_root_and_nothing_else_is() {
        let dir = std::env::temp_dir().join(format!("cercle-funcs-fs-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("region.txt"), "eu-west-3").unwrap();
        let f = files_in(Some(dir.clone()));
        assert_eq!(
            f("file", vec![Val::str("region.txt")]),
            Some(Val::str("eu-west-3"))
        );
        assert_eq!(
            f("fileexists", vec![Val::str("nope")]),
            Some(Val::bool(false))
        );
        assert_eq!(
            f("templatestring", vec![Val::str("plain"), Val::null()]),
            Some(Val::str("plain"))
        );
        assert!(
            f("file", vec![Val::str("/proc/self/environ")])
                .unwrap()
                .is_unknown()
        );
        assert!(
            f("file", vec![Val::str("~/.ssh/id_rsa")])
                .unwrap()
                .is_unknown()
        );
        assert_eq!(f("upper", vec![Val::str("x")]), None);
        // No module (a tfvars value): unknown, not a panic.
        let none = files_in(None);
        let v = none("abspath", vec![Val::str("x")]).unwrap();
        assert!(v.as_unknown().unwrap().what.contains("no module directory"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn pathexpand_and_fileset_as_terraform() {
        let dir = std::env::temp_dir().join(format!("cercle-funcs-fileset-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("data/projects/team")).unwrap();
        std::fs::write(dir.join("data/projects/b.yaml"), "b").unwrap();
        std::fs::write(dir.join("data/projects/a.yaml"), "a").unwrap();
        std::fs::write(dir.join("data/projects/notes.md"), "n").unwrap();
        std::fs::write(dir.join("data/projects/team/c.yaml"), "c").unwrap();
        let f = files_in(Some(dir.clone()));
        assert_eq!(
            f("pathexpand", vec![Val::str("data/projects")]),
            Some(Val::str("data/projects"))
        );
        assert!(f("pathexpand", vec![Val::str("~/x")]).unwrap().is_unknown());
        let set = |p: &str, g: &str| f("fileset", vec![Val::str(p), Val::str(g)]).unwrap();
        let strs = |v: &[&str]| Val::list(v.iter().map(|x| Val::str(x)).collect());
        assert_eq!(set("data/projects", "*.yaml"), strs(&["a.yaml", "b.yaml"]));
        assert_eq!(
            set("data/projects", "**/*.yaml"),
            strs(&["a.yaml", "b.yaml", "team/c.yaml"])
        );
        assert_eq!(set("data/projects", "*.json"), strs(&[]));
        assert!(set("missing", "*.yaml").is_unknown());
        // null is an error (which try() catches), not an unknown.
        let null = f("pathexpand", vec![Val::null()]).unwrap();
        assert!(null.as_unknown().is_some_and(|u| u.error));
        assert!(set("data/projects", "[").is_unknown());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
