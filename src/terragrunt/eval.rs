//! Evaluation of Terragrunt configuration: its own scope (`local`, `include`,
//! `dependency`), Terragrunt's functions, and Terraform's through
//! [`crate::eval::funcs`]. The environment is never read, no command is run:
//! what cannot be known is an unknown value naming it.

use super::files::{ConfigFiles, Loaded};
use crate::eval::value::{Origin, V, Val};
use crate::model::{BinaryOp, Body, Expr, ExprKind, TemplatePart, UnaryOp};
use crate::source::Span;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Functions whose value depends on the outside world: always unknown.
const OUTSIDE: &[&str] = &[
    "run_cmd",
    "sops_decrypt_file",
    "get_aws_account_id",
    "get_aws_account_alias",
    "get_aws_caller_identity_arn",
    "get_aws_caller_identity_user_id",
    "get_terraform_command",
    "get_terraform_cli_args",
    "get_working_dir",
    "get_platform",
    "get_default_retryable_errors",
    "timestamp",
    "uuid",
    "mark_as_read",
    "constraint_check",
];

/// How deep `read_terragrunt_config` and `include` may nest.
const MAX_NESTING: usize = 16;

/// The directories a configuration file is evaluated with.
#[derive(Clone, Debug)]
pub struct Dirs {
    /// The unit's directory (`get_terragrunt_dir`, `get_original_terragrunt_dir`).
    pub unit: PathBuf,
    /// The directory of the file being evaluated.
    pub here: PathBuf,
    /// The included file's directory, when evaluating an included file
    /// (`get_parent_terragrunt_dir`, `path_relative_to_include`).
    pub parent: Option<PathBuf>,
    /// The repository root (the directory holding `.git`), for
    /// `get_path_to_repo_root`.
    pub repo: PathBuf,
    /// The unit's includes by name, with their directories
    /// (`get_parent_terragrunt_dir("root")`).
    pub named: Vec<(String, PathBuf)>,
}

/// One configuration file being evaluated: its body and its namespaces.
pub struct Scope<'a> {
    pub files: &'a ConfigFiles,
    pub body: &'a Body,
    pub dirs: Dirs,
    /// `include.NAME` (exposed includes).
    pub include: BTreeMap<String, Val>,
    /// `dependency.NAME`.
    pub dependency: BTreeMap<String, Val>,
    /// `values`: a stack unit's `terragrunt.values.hcl`.
    pub values: Option<Val>,
    pub nesting: usize,
    locals: RefCell<HashMap<String, Val>>,
    active: RefCell<HashSet<String>>,
}

impl<'a> Scope<'a> {
    pub fn new(files: &'a ConfigFiles, body: &'a Body, dirs: Dirs, nesting: usize) -> Scope<'a> {
        Scope {
            files,
            body,
            dirs,
            include: BTreeMap::new(),
            dependency: BTreeMap::new(),
            values: None,
            nesting,
            locals: RefCell::default(),
            active: RefCell::default(),
        }
    }

    /// `local.NAME`, evaluated once.
    pub fn local(&self, name: &str, at: Span) -> Val {
        if let Some(v) = self.locals.borrow().get(name) {
            return v.clone();
        }
        let Some(a) = self.body.blocks("locals").find_map(|b| b.body.attr(name)) else {
            return Val::error(at, format!("local.{name} is not declared"));
        };
        if !self.active.borrow_mut().insert(name.to_string()) {
            return Val::error(at, format!("local.{name} refers to itself"));
        }
        let v = self.eval(&a.expr).through(Origin {
            span: a.expr.span,
            message: format!("local.{name}").into(),
            resource: None,
        });
        self.active.borrow_mut().remove(name);
        self.locals.borrow_mut().insert(name.to_string(), v.clone());
        v
    }

    /// Every local, as `read_terragrunt_config` and `expose` show them.
    pub fn all_locals(&self) -> Val {
        let mut out = BTreeMap::new();
        for b in self.body.blocks("locals") {
            for a in &b.body.attrs {
                out.insert(a.name.clone(), self.local(&a.name, a.name_span));
            }
        }
        Val::map(out)
    }

    pub fn eval(&self, e: &Expr) -> Val {
        match &e.kind {
            ExprKind::Null => Val::null(),
            ExprKind::Bool(b) => Val::bool(*b),
            ExprKind::Number(n) => Val::num(*n),
            ExprKind::Str(s) => Val::str(s),
            ExprKind::Template(parts) => self.template(parts, e.span),
            ExprKind::Array(xs) => Val::list(xs.iter().map(|x| self.eval(x)).collect()),
            ExprKind::Object(items) => {
                let mut m = BTreeMap::new();
                for (k, v) in items {
                    let key = match &k.kind {
                        ExprKind::Var(n) => Val::str(n),
                        _ => self.eval(k),
                    };
                    match key.to_string_value() {
                        Some(key) => {
                            m.insert(key, self.eval(v));
                        }
                        None => return Val::unknown(k.span, "an object key that is not known"),
                    }
                }
                Val::map(m)
            }
            ExprKind::Var(name) => self.root(name, e.span),
            ExprKind::GetAttr(base, name) => {
                if let ExprKind::Var(root) = &base.kind
                    && root == "local"
                {
                    return self.local(name, e.span);
                }
                get(self.eval(base), name, e.span)
            }
            ExprKind::Index(base, idx) => {
                let b = self.eval(base);
                let i = self.eval(idx);
                match i.to_string_value() {
                    Some(k) => index(b, &k, e.span),
                    None => Val::unknown(e.span, self.files.text(e.span)),
                }
            }
            ExprKind::Call { name, args, expand } => {
                if *expand {
                    return Val::unknown(e.span, self.files.text(e.span));
                }
                self.call(name, args, e.span)
            }
            ExprKind::Conditional(c, a, b) => match self.eval(c).v {
                V::Bool(true) => self.eval(a),
                V::Bool(false) => self.eval(b),
                _ => Val::choice(vec![self.eval(a), self.eval(b)]),
            },
            ExprKind::Unary(op, x) => match (op, self.eval(x).v) {
                (UnaryOp::Not, V::Bool(b)) => Val::bool(!b),
                (UnaryOp::Neg, V::Num(n)) => Val::num(-n),
                _ => Val::unknown(e.span, self.files.text(e.span)),
            },
            ExprKind::Binary(op, a, b) => self.binary(*op, a, b, e.span),
            _ => Val::unknown(e.span, self.files.text(e.span)),
        }
    }

    fn root(&self, name: &str, at: Span) -> Val {
        match name {
            "include" => Val::map(self.include.clone()),
            "dependency" => Val::map(self.dependency.clone()),
            "values" => self.values.clone().unwrap_or_else(|| {
                Val::error(at, "values: no terragrunt.values.hcl beside this unit")
            }),
            "local" => Val::error(at, "local alone is not a value"),
            _ => Val::error(
                at,
                format!("{name} is not known in Terragrunt configuration"),
            ),
        }
    }

    fn template(&self, parts: &[TemplatePart], span: Span) -> Val {
        let mut out = String::new();
        let mut via = None;
        match self.template_into(parts, span, &mut out, &mut via) {
            Ok(()) => Val::str(&out).with_via(&via),
            Err(unknown) => unknown,
        }
    }

    /// Appends a template's text to `out`; `%{ if }` with a known condition
    /// takes its branch. `Err`: the unknown value the template is.
    fn template_into(
        &self,
        parts: &[TemplatePart],
        span: Span,
        out: &mut String,
        via: &mut crate::eval::value::Via,
    ) -> Result<(), Val> {
        for p in parts {
            match p {
                TemplatePart::Literal(s) => out.push_str(s),
                TemplatePart::Interp(e) => {
                    let v = self.eval(e);
                    match v.to_string_value() {
                        Some(s) => out.push_str(&s),
                        None if v.is_unknown() => return Err(v),
                        None => return Err(Val::unknown(e.span, self.files.text(e.span))),
                    }
                    if via.is_none() {
                        *via = v.via.clone();
                    }
                }
                TemplatePart::If {
                    cond,
                    then,
                    otherwise,
                } => match self.eval(cond).v {
                    V::Bool(true) => self.template_into(then, span, out, via)?,
                    V::Bool(false) => self.template_into(otherwise, span, out, via)?,
                    _ => return Err(Val::unknown(cond.span, self.files.text(cond.span))),
                },
                TemplatePart::For(_) => return Err(Val::unknown(span, self.files.text(span))),
            }
        }
        Ok(())
    }

    fn binary(&self, op: BinaryOp, a: &Expr, b: &Expr, span: Span) -> Val {
        let (x, y) = (self.eval(a), self.eval(b));
        let out = match (op, &x.v, &y.v) {
            (BinaryOp::Eq, _, _) if !x.is_unknown() && !y.is_unknown() => Val::bool(x == y),
            (BinaryOp::NotEq, _, _) if !x.is_unknown() && !y.is_unknown() => Val::bool(x != y),
            (BinaryOp::And, V::Bool(p), V::Bool(q)) => Val::bool(*p && *q),
            (BinaryOp::Or, V::Bool(p), V::Bool(q)) => Val::bool(*p || *q),
            (BinaryOp::Add, V::Num(p), V::Num(q)) => Val::num(p + q),
            (BinaryOp::Sub, V::Num(p), V::Num(q)) => Val::num(p - q),
            (BinaryOp::Mul, V::Num(p), V::Num(q)) => Val::num(p * q),
            _ => return Val::unknown(span, self.files.text(span)),
        };
        out.with_via(&x.via)
    }

    fn call(&self, name: &str, args: &[Expr], span: Span) -> Val {
        let text = || self.files.text(span);
        if OUTSIDE.contains(&name) {
            return Val::unknown(
                span,
                format!("{} (Terragrunt runs it: cercle does not)", text()),
            );
        }
        let vals: Vec<Val> = args.iter().map(|a| self.eval(a)).collect();
        if let Some(u) = vals.iter().find(|v| v.is_unknown())
            && name != "get_env"
            && name != "try"
        {
            return u.clone();
        }
        let s = |i: usize| vals.get(i).and_then(Val::to_string_value);
        let d = &self.dirs;
        let path = |p: &Path| Val::str(&p.to_string_lossy());
        match name {
            "get_env" => match vals.get(1) {
                Some(v) => v.clone().through(Origin {
                    span,
                    message: "the default of get_env (the environment is not read)".into(),
                    resource: None,
                }),
                None => Val::unknown(span, format!("{} (the environment is not read)", text())),
            },
            "get_terragrunt_dir" | "get_original_terragrunt_dir" => path(&d.unit),
            "get_parent_terragrunt_dir" => {
                let named = s(0).and_then(|n| d.named.iter().find(|(k, _)| *k == n));
                match named {
                    Some((_, dir)) => path(dir),
                    None => path(d.parent.as_ref().unwrap_or(&d.here)),
                }
            }
            "get_repo_root" => path(&d.repo),
            "get_path_to_repo_root" => Val::str(&relative(&d.repo, &d.unit)),
            "get_path_from_repo_root" => Val::str(&relative(&d.unit, &d.repo)),
            "path_relative_to_include" => match &d.parent {
                Some(p) => Val::str(&relative(&d.unit, p)),
                None => Val::str("."),
            },
            "path_relative_from_include" => match &d.parent {
                Some(p) => Val::str(&relative(p, &d.unit)),
                None => Val::str("."),
            },
            "find_in_parent_folders" => {
                let named = s(0);
                let file = named
                    .clone()
                    .unwrap_or_else(|| "terragrunt.hcl".to_string());
                let found = match named {
                    Some(_) => find_in_parent_folders(&d.unit, &[file.as_str()]),
                    None => find_in_parent_folders(&d.unit, &crate::discover::UNIT_FILE_NAMES),
                };
                match found {
                    Some(p) => path(&p),
                    None => match vals.get(1) {
                        Some(v) => v.clone(),
                        None => Val::error(
                            span,
                            format!(
                                "{}: no {file} in the parent folders of {}",
                                text(),
                                d.unit.display()
                            ),
                        ),
                    },
                }
            }
            "read_terragrunt_config" => match s(0) {
                Some(p) => self.read_config(&p, vals.get(1), span),
                None => Val::unknown(span, text()),
            },
            "try" => vals
                .iter()
                .find(|v| !v.as_unknown().is_some_and(|u| u.error))
                .cloned()
                .unwrap_or_else(|| Val::error(span, "try: no argument succeeded")),
            _ => crate::eval::funcs::call(name, &vals, span, &text),
        }
    }

    /// `read_terragrunt_config(path)`: the file's locals, inputs and other
    /// attributes, evaluated in its own directory.
    fn read_config(&self, p: &str, default: Option<&Val>, span: Span) -> Val {
        let path = crate::discover::normalize(&self.dirs.here.join(p));
        if self.nesting >= MAX_NESTING {
            return Val::unknown(span, "read_terragrunt_config nested too deeply");
        }
        let loaded = match self.files.get(&path) {
            Loaded::Ok(l) => l,
            Loaded::Missing(why) | Loaded::Broken(why) => {
                return default.cloned().unwrap_or_else(|| Val::error(span, why));
            }
        };
        let dirs = Dirs {
            here: super::dir_of(&path),
            ..self.dirs.clone()
        };
        let read = self
            .files
            .read_once(self.dirs.parent.as_deref(), &path, || {
                Scope::new(self.files, &loaded.body, dirs, self.nesting + 1).exported()
            });
        match read {
            Ok(v) => v.through(Origin {
                span,
                message: format!("read_terragrunt_config({})", self.files.display(loaded.id))
                    .into(),
                resource: None,
            }),
            Err(chain) => {
                let cwd = self.files.cwd();
                let shown: Vec<String> = chain
                    .iter()
                    .map(|p| crate::source::display_path(p, cwd))
                    .collect();
                Val::error(
                    span,
                    format!(
                        "read_terragrunt_config reads itself: {}",
                        shown.join(" -> ")
                    ),
                )
            }
        }
    }

    /// What `read_terragrunt_config` and `expose` give: `locals`, `inputs`
    /// and the other top-level attributes.
    pub fn exported(&self) -> Val {
        let mut m = BTreeMap::new();
        m.insert("locals".to_string(), self.all_locals());
        for a in &self.body.attrs {
            m.insert(a.name.clone(), self.eval(&a.expr));
        }
        Val::map(m)
    }
}

fn get(base: Val, name: &str, span: Span) -> Val {
    index(base, name, span)
}

fn index(base: Val, key: &str, span: Span) -> Val {
    let out = match &base.v {
        V::Map(m) => match m.get(key) {
            Some(v) => v.clone(),
            None => return Val::error(span, format!("no attribute {key}")),
        },
        V::List(xs) => match key.parse::<usize>().ok().and_then(|i| xs.get(i)) {
            Some(v) => v.clone(),
            None => return Val::error(span, format!("no element {key}")),
        },
        V::Unknown(_) => return base,
        _ => return Val::error(span, format!("{} has no attribute {key}", base.type_name())),
    };
    out.with_via(&base.via)
}

/// `to` relative to `from`, with `/`: `../../x`.
pub fn relative(to: &Path, from: &Path) -> String {
    let to: Vec<_> = to.components().collect();
    let from: Vec<_> = from.components().collect();
    let common = to.iter().zip(&from).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); from.len() - common];
    parts.extend(
        to[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

/// The nearest of `names` in the parent folders of `dir` (not `dir`
/// itself), the first of them at each level: a file or a directory
/// (`find_in_parent_folders("units")`), as Terragrunt's probe (`vfs.Exists`)
/// finds either. Without a name, Terragrunt looks for [`UNIT_FILE_NAMES`].
///
/// [`UNIT_FILE_NAMES`]: crate::discover::UNIT_FILE_NAMES
pub fn find_in_parent_folders(dir: &Path, names: &[&str]) -> Option<PathBuf> {
    let mut cur = dir.parent();
    while let Some(d) = cur {
        if let Some(p) = names.iter().map(|n| d.join(n)).find(|p| p.exists()) {
            return Some(p);
        }
        cur = d.parent();
    }
    None
}
