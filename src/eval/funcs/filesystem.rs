//! The functions that read files next to the configuration, as Terraform does
//! while it plans (`file`, `fileexists`, `templatefile`), `templatestring` and
//! `abspath`.
//! A relative path is relative to the root module's directory (where Terraform
//! runs); `path.module` gives absolute paths. Only regular files of at most
//! [`MAX_FILE`] bytes of UTF-8 are read, never written; nothing else (no
//! network, no environment). What cannot be read is unknown, naming the call.

use crate::eval::value::{V, Val};
use crate::eval::{Eval, Scope};
use crate::source::Span;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// Larger files are not read (their value is unknown).
pub const MAX_FILE: u64 = 1 << 20;

/// `Some` when `name` is one of the functions of this module.
pub fn call(
    ev: &Eval,
    name: &str,
    args: &[Val],
    sc: &Scope,
    span: Span,
    text: &dyn Fn() -> String,
) -> Option<Val> {
    let name = name.strip_prefix("core::").unwrap_or(name);
    if !matches!(
        name,
        "file" | "fileexists" | "templatefile" | "templatestring" | "abspath"
    ) {
        return None;
    }
    let unknown = |why: &str| Val::unknown(span, format!("{} ({why})", text()));
    if let Some(u) = args.iter().find(|a| a.is_unknown()) {
        return Some(u.clone());
    }
    let first = args.first().and_then(|a| a.as_str().map(str::to_string));
    let Some(first) = first else {
        return Some(unknown("its first argument is not one known string"));
    };
    // `~` would be the home directory: the environment is never read.
    if name != "templatestring" && first.starts_with('~') {
        return Some(unknown("a path in the home directory"));
    }
    let path = || {
        let root = &ev.modules[ev.inst(ev.inst(sc.inst).root).module].dir;
        resolve(root, &first)
    };
    let via = |v: Val| args.iter().fold(v, |v, a| v.with_via(&a.via));
    Some(match name {
        "fileexists" => via(Val::bool(path().is_file())),
        // Go's filepath.Abs: joined to the working directory and cleaned.
        "abspath" => {
            let p =
                crate::discover::normalize(&std::path::absolute(path()).unwrap_or_else(|_| path()));
            via(Val::str(&p.to_string_lossy().replace('\\', "/")))
        }
        "file" => match read(&path()) {
            Ok(t) => via(Val::str(&t)),
            Err(why) => unknown(&why),
        },
        _ => {
            let tpl = if name == "templatefile" {
                match read(&path()) {
                    Ok(t) => t,
                    Err(why) => return Some(unknown(&why)),
                }
            } else {
                first
            };
            let vars = match args.get(1).map(|v| &v.v) {
                Some(V::Map(m)) => m
                    .iter()
                    .map(|(k, v)| (Rc::<str>::from(k.as_str()), v.clone()))
                    .collect(),
                None | Some(V::Null) => Vec::new(),
                Some(_) => return Some(unknown("its variables are not one known object")),
            };
            let Ok(expr) = crate::parse::hcl::parse_template(&tpl, span.file, 0) else {
                return Some(unknown("the template does not parse"));
            };
            let scope = Scope {
                inst: sc.inst,
                each: None,
                count: None,
                vars,
            };
            let v = ev.eval(&expr, &scope);
            // Spans inside the template are not in the source map: only its
            // string result is kept, coming through the call's arguments.
            match v.alts().as_slice() {
                [one] if let Some(s) = one.as_str() => via(Val::str(s)),
                _ => unknown("the template does not give one known string"),
            }
        }
    })
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
