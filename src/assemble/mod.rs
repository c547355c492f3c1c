//! Assembly: the files of a directory become one module (SPEC §1), with its
//! variables, locals, outputs, provider configurations, resources, module calls
//! and variable files, in a form that does not care which syntax they came from.

pub mod overrides;

use crate::model::{Attribute, Block, Body, ExprKind, FileKind};
use crate::parse::load::ParsedFile;
use crate::source::{FileId, Span};
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

#[derive(Debug)]
pub struct Variable {
    pub name: String,
    pub block: Block,
    pub file: FileId,
}

impl Variable {
    /// The declared type as written (`string`, `list(string)`...), if any.
    pub fn type_text(&self) -> Option<String> {
        let e = &self.block.body.attr("type")?.expr;
        match &e.kind {
            ExprKind::Var(v) => Some(v.clone()),
            ExprKind::Str(s) => Some(s.clone()),
            ExprKind::Call { name, .. } => Some(name.clone()),
            _ => None,
        }
    }
}

#[derive(Debug)]
pub struct ProviderConfig {
    /// The provider's local name: `aws`.
    pub local: String,
    pub alias: Option<String>,
    pub block: Block,
    pub file: FileId,
}

impl ProviderConfig {
    /// `aws` or `aws.us`.
    pub fn key(&self) -> String {
        match &self.alias {
            Some(a) => format!("{}.{a}", self.local),
            None => self.local.clone(),
        }
    }
}

#[derive(Debug)]
pub struct ResourceDecl {
    /// `resource` (true) or `data` (false).
    pub managed: bool,
    pub ty: String,
    pub name: String,
    pub block: Block,
    pub file: FileId,
}

#[derive(Debug)]
pub struct ModuleCall {
    pub name: String,
    pub block: Block,
    pub file: FileId,
}

impl ModuleCall {
    pub fn source(&self) -> Option<(&str, Span)> {
        let a = self.block.body.attr("source")?;
        a.expr.as_str().map(|s| (s, a.expr.span))
    }

    /// Whether the source is a local path (`./x`, `../x`).
    pub fn local_source(&self) -> Option<&str> {
        let (s, _) = self.source()?;
        (s.starts_with("./") || s.starts_with("../") || s == "." || s == "..").then_some(s)
    }
}

/// A required provider: `aws = { source = "hashicorp/aws" }`.
#[derive(Debug, Clone)]
pub struct Required {
    pub source: String,
    pub span: Span,
    /// `configuration_aliases = [aws.us]`
    pub aliases: Vec<String>,
}

/// One directory's configuration.
#[derive(Debug, Default)]
pub struct Module {
    pub dir: PathBuf,
    /// Configuration files (not variable files).
    pub files: Vec<FileId>,
    /// Files named on the command line.
    pub explicit: Vec<FileId>,
    /// Whether discovery found this directory (as opposed to a module call or
    /// the manifest naming it).
    pub scanned: bool,
    /// Installed by `terraform init` (under `.terraform/modules`).
    pub installed: bool,
    pub variables: BTreeMap<String, Variable>,
    pub locals: HashMap<String, (Attribute, FileId)>,
    pub outputs: HashMap<String, (Block, FileId)>,
    pub providers: Vec<ProviderConfig>,
    pub required: BTreeMap<String, Required>,
    pub resources: Vec<ResourceDecl>,
    /// (managed, type, name) -> index in `resources`
    pub resource_index: HashMap<(bool, String, String), usize>,
    /// Resource types declared here (managed), for reference lookup.
    pub calls: Vec<ModuleCall>,
    /// `terraform { backend "x" {} }` or `cloud {}`.
    pub backend: Option<(Block, FileId)>,
    /// Override files (name, id, body), merged by
    /// [`Module::apply_overrides`] once every file is added.
    pub overrides: Vec<(String, FileId, Body)>,
    /// Variable files, in ascending precedence.
    pub tfvars: Vec<(FileId, Body)>,
    /// Files that could not be parsed.
    pub broken: Vec<FileId>,
    /// A Terragrunt unit's root module: the unit's directory (the module's
    /// files are those of `dir`, its `terraform { source }`).
    pub unit: Option<PathBuf>,
    /// A stack unit's `unit` block (its tier annotation applies first).
    pub unit_block: Option<Span>,
    /// A Terragrunt unit's `inputs`: variable values above the defaults,
    /// below the variable files (`TF_VAR_`).
    pub inputs: Vec<(FileId, Body)>,
    /// Values Terragrunt wrote into a generated file (a span of its text),
    /// with the places they came through, newest first.
    pub given: Vec<(Span, Vec<(Span, String)>)>,
}

impl Module {
    pub fn new(dir: PathBuf) -> Module {
        Module {
            dir,
            ..Module::default()
        }
    }

    /// Adds a parsed file. Variable files must be added in ascending
    /// precedence (see [`tfvars_rank`]).
    pub fn add(&mut self, f: ParsedFile, tfvars_name: &str) {
        if f.explicit {
            self.explicit.push(f.id);
        }
        let Some(body) = f.body else {
            self.broken.push(f.id);
            return;
        };
        if f.kind.is_tfvars() {
            let _ = tfvars_name;
            self.tfvars.push((f.id, body));
            return;
        }
        if !f.kind.is_config() {
            return;
        }
        self.files.push(f.id);
        let file = f.id;
        if f.is_override {
            self.overrides.push((tfvars_name.to_string(), file, body));
            return;
        }
        for b in body.blocks {
            match b.kind.as_str() {
                "variable" => {
                    if let Some(name) = b.label(0).map(str::to_string) {
                        self.variables.entry(name.clone()).or_insert(Variable {
                            name,
                            block: b,
                            file,
                        });
                    }
                }
                "locals" => {
                    for a in b.body.attrs {
                        self.locals.entry(a.name.clone()).or_insert((a, file));
                    }
                }
                "output" => {
                    if let Some(name) = b.label(0).map(str::to_string) {
                        self.outputs.entry(name).or_insert((b, file));
                    }
                }
                "provider" => {
                    if let Some(local) = b.label(0).map(str::to_string) {
                        let alias = b
                            .body
                            .attr("alias")
                            .and_then(|a| a.expr.as_str().map(str::to_string));
                        self.providers.push(ProviderConfig {
                            local,
                            alias,
                            block: b,
                            file,
                        });
                    }
                }
                "resource" | "data" => {
                    let (Some(ty), Some(name)) = (b.label(0), b.label(1)) else {
                        continue;
                    };
                    let managed = b.kind == "resource";
                    let key = (managed, ty.to_string(), name.to_string());
                    if self.resource_index.contains_key(&key) {
                        continue;
                    }
                    self.resource_index.insert(key, self.resources.len());
                    self.resources.push(ResourceDecl {
                        managed,
                        ty: ty.to_string(),
                        name: name.to_string(),
                        block: b,
                        file,
                    });
                }
                "module" => {
                    if let Some(name) = b.label(0).map(str::to_string)
                        && self.calls.iter().all(|c| c.name != name)
                    {
                        self.calls.push(ModuleCall {
                            name,
                            block: b,
                            file,
                        });
                    }
                }
                "terraform" => self.add_terraform(b, file),
                _ => {}
            }
        }
    }

    pub(crate) fn add_terraform(&mut self, b: Block, file: FileId) {
        for inner in b.body.blocks {
            match inner.kind.as_str() {
                "required_providers" => {
                    for a in &inner.body.attrs {
                        let (source, aliases) = match &a.expr.kind {
                            ExprKind::Object(items) => {
                                let mut source = None;
                                let mut aliases = Vec::new();
                                for (k, v) in items {
                                    match k.as_str() {
                                        Some("source") => source = v.as_str().map(str::to_string),
                                        Some("configuration_aliases") => {
                                            if let ExprKind::Array(xs) = &v.kind {
                                                for x in xs {
                                                    if let Some(p) = x.as_path() {
                                                        aliases.push(p.join("."));
                                                    }
                                                }
                                            }
                                        }
                                        _ => {}
                                    }
                                }
                                (source, aliases)
                            }
                            // Legacy `aws = "~> 3.0"`: a version only.
                            _ => (None, Vec::new()),
                        };
                        let source = normalise_source(source.as_deref().unwrap_or(&a.name));
                        self.required.insert(
                            a.name.clone(),
                            Required {
                                source,
                                span: a.span,
                                aliases,
                            },
                        );
                    }
                }
                "backend" | "cloud" if self.backend.is_none() => {
                    self.backend = Some((inner, file));
                }
                _ => {}
            }
        }
    }

    /// The source address of a provider local name (SPEC §4): from
    /// `required_providers`, else `hashicorp/<name>`; `terraform` is built in.
    pub fn provider_source(&self, local: &str) -> String {
        if let Some(r) = self.required.get(local) {
            return r.source.clone();
        }
        if local == "terraform" {
            return "terraform.io/builtin/terraform".to_string();
        }
        format!("hashicorp/{local}")
    }

    /// Whether any configuration file of this module was named on the command line.
    pub fn has_explicit(&self) -> bool {
        !self.explicit.is_empty()
    }
}

/// `registry.terraform.io/hashicorp/aws` -> `hashicorp/aws`; a bare `aws` ->
/// `hashicorp/aws`. Namespaces and types are compared case-insensitively by
/// Terraform: we keep the spelling but compare with `eq_ignore_ascii_case`.
pub fn normalise_source(s: &str) -> String {
    let parts: Vec<&str> = s.split('/').collect();
    match parts.as_slice() {
        [ty] => format!("hashicorp/{}", ty.to_ascii_lowercase()),
        [ns, ty] => format!("{ns}/{ty}"),
        [host, ns, ty]
            if host.eq_ignore_ascii_case("registry.terraform.io")
                || host.eq_ignore_ascii_case("registry.opentofu.org") =>
        {
            format!("{ns}/{ty}")
        }
        _ => s.to_string(),
    }
}

/// The precedence of a variable file (SPEC §4): `terraform.tfvars` <
/// `terraform.tfvars.json` < `*.auto.tfvars(.json)` in lexical order.
pub fn tfvars_rank(name: &str) -> (u8, String) {
    match name {
        "terraform.tfvars" => (0, String::new()),
        "terraform.tfvars.json" => (1, String::new()),
        _ => (2, name.to_string()),
    }
}

/// Whether a kind of file belongs to a module's configuration.
pub fn is_module_file(kind: FileKind) -> bool {
    kind.is_config() || kind.is_tfvars()
}
