//! Azure Resource Manager templates (a `.json` file whose `$schema` names
//! `deploymentTemplate.json`, SPEC §1): every resource of the template, and of
//! the templates nested in `Microsoft.Resources/deployments`, is placed from
//! its `location` with the Azure region catalogue (provider `azure/arm`, whose
//! regions are those of `hashicorp/azurerm`).
//!
//! A `location` is a region name, `global`, or a template expression. The
//! expressions real templates use for a location are evaluated:
//! `parameters('x')` (its `defaultValue`, or the value a nested deployment
//! passes), `variables('x')`, string literals, `toLower`, `toUpper`, `concat`,
//! `format`, `replace`, `first` and property access on objects. `resourceGroup().location`
//! and `deployment().location` are chosen when the template is deployed: they
//! stay unresolved (CRC003), naming the expression. A child resource (nested in
//! its parent's `resources`, or declared at the top level with a child type
//! such as `Microsoft.Storage/storageAccounts/blobServices`) with no location of
//! its own lives where its parent lives.

use crate::analysis::Resource;
use crate::catalogue::Catalogue;
use crate::findings::Related;
use crate::parse::error::SyntaxError;
use crate::parse::json::{self, Value, ValueKind};
use crate::place::tags::TagTier;
use crate::place::{PlaceKind, Unresolved};
use crate::source::{FileId, Span};
use std::collections::HashMap;
use std::sync::Arc;

/// The provider id ARM resources are placed with.
pub const PROVIDER: &str = "azure/arm";

/// Nesting of deployments followed at most (a template that nests itself
/// through expressions cannot loop, but a deep file must not recurse forever).
const MAX_NESTING: usize = 32;

/// Places every resource of a template; `module` is the index the template
/// has among the analysis's modules.
pub fn place(
    text: &str,
    file: FileId,
    cat: &Catalogue,
    tier_tags: &[String],
    module: usize,
) -> Result<Vec<Resource>, SyntaxError> {
    let doc = json::parse(text, file)?;
    let mut w = Walker {
        cat,
        tier_tags,
        module,
        out: Vec::new(),
        outer_scope: false,
    };
    w.template(&doc, HashMap::new(), "", 0);
    Ok(w.out)
}

/// A value an expression evaluates to.
#[derive(Clone, Debug)]
enum Val<'v, 'a> {
    Str(String),
    /// A JSON value of the template (an object parameter, say).
    Json(&'v Value<'a>),
    /// Cannot be known before deployment; says why.
    Unknown(String),
}

/// Where a resource's location came from.
struct Loc {
    region: Result<String, String>,
    /// The place that decided it (the `location` value or the parameter's
    /// default), and the places it came through.
    origins: Vec<Related>,
    primary: Span,
}

/// The names a template expression can read: its parameters (with the values
/// passed to it, if any) and variables.
struct Scope<'v, 'a> {
    params: Option<&'v Value<'a>>,
    /// Values passed by a nested deployment: parameter -> value.
    passed: HashMap<String, Passed<'v, 'a>>,
    vars: Option<&'v Value<'a>>,
}

/// A parameter value passed by the deployment that nests a template.
#[derive(Clone)]
struct Passed<'v, 'a> {
    value: Val<'v, 'a>,
    span: Span,
}

struct Walker<'c> {
    cat: &'c Catalogue,
    tier_tags: &'c [String],
    module: usize,
    out: Vec<Resource>,
    /// The template being walked is deployed at a subscription, management
    /// group or tenant (its `$schema`): its resources without a location are
    /// objects of that scope, not of a region.
    outer_scope: bool,
}

/// A member by name, ignoring ASCII case (ARM property names are not case
/// sensitive).
fn get_ci<'v, 'a>(v: &'v Value<'a>, key: &str) -> Option<&'v Value<'a>> {
    v.as_object()?
        .iter()
        .rev()
        .find(|m| m.key.value.eq_ignore_ascii_case(key))
        .map(|m| &m.value)
}

/// The resources of a template: an array, or (language version 2.0) an object
/// keyed by symbolic names.
fn resources<'v, 'a>(t: &'v Value<'a>) -> Vec<(Option<&'v str>, &'v Value<'a>)> {
    match get_ci(t, "resources").map(|r| &r.kind) {
        Some(ValueKind::Array(a)) => a.iter().map(|r| (None, r)).collect(),
        Some(ValueKind::Object(o)) => o
            .iter()
            .map(|m| (Some(m.key.value.as_ref()), &m.value))
            .collect(),
        _ => Vec::new(),
    }
}

/// A resource's type and name as written out (relative ones completed by
/// their parent's), and its name evaluated with unknown values kept as
/// their expression text, to match a child's `concat`/`format` name against
/// its parent's when the parameters have no value.
struct Named {
    ty: String,
    name: String,
    key: String,
}

impl<'c> Walker<'c> {
    /// Places one resource and its nested children; returns its type, name and
    /// location for the children declared elsewhere. A resource whose
    /// `condition` is false is not deployed: not placed (its children, which
    /// a condition does not reach, still are).
    #[allow(clippy::too_many_arguments)]
    fn resource<'v, 'a>(
        &mut self,
        r: &'v Value<'a>,
        ty: &str,
        symbolic: Option<&str>,
        parent: Option<(&Named, &Loc)>,
        scope: &Scope<'v, 'a>,
        prefix: &str,
        depth: usize,
        top: &[(Named, Loc)],
    ) -> Option<(Named, Loc)> {
        let named = full_name(r, ty, symbolic, parent.map(|(n, _)| n), scope);
        let deployed = get_ci(r, "condition").is_none_or(|c| condition_holds(c, scope));
        if named
            .ty
            .eq_ignore_ascii_case("Microsoft.Resources/deployments")
        {
            if deployed {
                self.deployment(r, scope, &named.name, prefix, depth);
            }
            return None;
        }
        let head = r.member("type")?.value.span;
        let loc = match get_ci(r, "location") {
            Some(v) => Some(self.location(v, scope)),
            None => inherited(&named, parent, top, head),
        };
        if deployed {
            let res = self.placed(r, &named, &loc, head, prefix);
            self.out.push(res);
        }
        // Children nested in this resource.
        let own = loc.unwrap_or(Loc {
            region: Err(format!("the location of {}/{}", named.ty, named.name)),
            origins: Vec::new(),
            primary: head,
        });
        for (sym, child) in resources(r) {
            let Some(cty) = get_ci(child, "type").and_then(|t| t.as_str()) else {
                continue;
            };
            self.resource(
                child,
                cty,
                sym,
                Some((&named, &own)),
                scope,
                prefix,
                depth,
                top,
            );
        }
        Some((named, own))
    }

    /// The resource, placed from its location (`None`: none of its own and
    /// no parent).
    fn placed(
        &self,
        r: &Value,
        named: &Named,
        loc: &Option<Loc>,
        head: Span,
        prefix: &str,
    ) -> Resource {
        let address = format!("{prefix}{}/{}", named.ty, named.name);
        let mut res = Resource::from_file(
            address,
            named.ty.clone(),
            self.module,
            head,
            r.span,
            PROVIDER.to_string(),
            "arm".to_string(),
            tags(r, self.tier_tags),
        );
        let cat = self.cat.provider(PROVIDER);
        let global = cat.and_then(|c| c.global(&named.ty));
        let holds_data = global.is_some_and(|g| g.holds_data);
        match loc {
            Some(Loc {
                region: Ok(region), ..
            }) if region.eq_ignore_ascii_case("global") => {
                res.kind = PlaceKind::Global { holds_data };
            }
            // No location: a type of the subscription or the tenant, or any
            // top-level resource of a template deployed at those scopes.
            None if global.is_some() || self.outer_scope => {
                res.kind = PlaceKind::Global { holds_data };
            }
            Some(l) => {
                res.origins = l.origins.clone().into();
                res.primary = l.primary;
                match &l.region {
                    Ok(region) => {
                        res.regions = Arc::new([cat
                            .map(|c| c.canonical_region(region))
                            .unwrap_or_else(|| crate::catalogue::normalise_region(region))])
                    }
                    Err(why) => {
                        res.unresolved = Some(Box::new(Unresolved {
                            what: why.clone(),
                            span: l.primary,
                        }))
                    }
                }
            }
            None => {
                res.unresolved = Some(Box::new(Unresolved {
                    what: format!(
                        "{} has no location and no parent in the template",
                        res.address
                    ),
                    span: head,
                }))
            }
        }
        res
    }

    /// A nested deployment: its inline template, with the parameter values it
    /// passes (evaluated in the outer template).
    fn deployment<'v, 'a>(
        &mut self,
        r: &'v Value<'a>,
        scope: &Scope<'v, 'a>,
        name: &str,
        prefix: &str,
        depth: usize,
    ) {
        let Some(props) = get_ci(r, "properties") else {
            return;
        };
        let Some(inner) = get_ci(props, "template") else {
            return;
        };
        let mut passed = HashMap::new();
        if let Some(ps) = get_ci(props, "parameters").and_then(|p| p.as_object()) {
            for m in ps {
                let Some(v) = get_ci(&m.value, "value") else {
                    continue;
                };
                let value = match v.as_str() {
                    Some(s) => eval_str(s, scope),
                    None => Val::Json(v),
                };
                passed.insert(
                    m.key.value.to_string(),
                    Passed {
                        value,
                        span: v.span,
                    },
                );
            }
        }
        let prefix = format!("{prefix}{name}/");
        self.template(inner, passed, &prefix, depth + 1);
    }

    /// Places the resources of a template (the file's, or one nested in a
    /// deployment with the parameter values it passes).
    fn template<'v, 'a>(
        &mut self,
        t: &'v Value<'a>,
        passed: HashMap<String, Passed<'v, 'a>>,
        prefix: &str,
        depth: usize,
    ) {
        if depth > MAX_NESTING {
            return;
        }
        let scope = Scope {
            params: get_ci(t, "parameters"),
            passed,
            vars: get_ci(t, "variables"),
        };
        let outer = self.outer_scope;
        self.outer_scope = get_ci(t, "$schema")
            .and_then(|s| s.as_str())
            .is_some_and(|s| {
                let s = s.to_ascii_lowercase();
                [
                    "subscriptiondeploymenttemplate",
                    "tenantdeploymenttemplate",
                    "managementgroupdeploymenttemplate",
                ]
                .iter()
                .any(|k| s.contains(k))
            });
        let mut placed: Vec<(Named, Loc)> = Vec::new();
        for (symbolic, r) in resources(t) {
            let Some(ty) = get_ci(r, "type").and_then(|t| t.as_str()) else {
                continue;
            };
            if let Some(loc) = self.resource(r, ty, symbolic, None, &scope, prefix, depth, &placed)
            {
                placed.push(loc);
            }
        }
        self.outer_scope = outer;
    }

    /// Evaluates a `location` value.
    fn location<'v, 'a>(&self, v: &'v Value<'a>, scope: &Scope<'v, 'a>) -> Loc {
        let Some(text) = v.as_str() else {
            return Loc {
                region: Err("a location that is not a string".to_string()),
                origins: Vec::new(),
                primary: v.span,
            };
        };
        let mut origins = Vec::new();
        let val = eval_traced(text, scope, &mut origins);
        Loc {
            region: match val {
                Val::Str(s) => Ok(s),
                Val::Json(j) => Err(format!(
                    "location {text} is not a string ({})",
                    j.as_str().unwrap_or("an object or array")
                )),
                Val::Unknown(why) => Err(why),
            },
            origins,
            primary: v.span,
        }
    }
}

/// The full type and name of a resource (a child nested in its parent has
/// relative ones: `blobServices`, not `Microsoft.Storage/...`).
fn full_name<'v, 'a>(
    r: &'v Value<'a>,
    ty: &str,
    symbolic: Option<&str>,
    parent: Option<&Named>,
    scope: &Scope<'v, 'a>,
) -> Named {
    let (name, key) = match get_ci(r, "name").and_then(|n| n.as_str()) {
        Some(n) => {
            let name = match eval_str(n, scope) {
                Val::Str(s) => s,
                _ => n.to_string(),
            };
            let key = match eval_symbolic(n, scope) {
                Val::Str(s) => s,
                _ => name.clone(),
            };
            (name, key)
        }
        None => {
            let s = symbolic.unwrap_or("").to_string();
            (s.clone(), s)
        }
    };
    match parent {
        Some(p) if !ty.contains('.') => Named {
            ty: format!("{}/{ty}", p.ty),
            name: format!("{}/{name}", p.name),
            key: format!("{}/{key}", p.key),
        },
        _ => Named {
            ty: ty.to_string(),
            name,
            key,
        },
    }
}

/// The location of a resource that writes none: the parent it is nested in,
/// else a resource of the parent type, earlier in the template, whose name
/// prefixes this one's (`[concat(parameters('server'), '/db')]` in
/// `[parameters('server')]`, even when the parameter has no value).
fn inherited(
    named: &Named,
    parent: Option<(&Named, &Loc)>,
    top: &[(Named, Loc)],
    head: Span,
) -> Option<Loc> {
    let from_top = || {
        let (pty, _) = named.ty.rsplit_once('/')?;
        let pkey = named.key.rsplit_once('/').map(|(p, _)| p).unwrap_or("");
        top.iter()
            .find(|(n, _)| n.ty.eq_ignore_ascii_case(pty) && n.key == pkey)
            .map(|(n, l)| (n, l))
    };
    let (pn, l) = parent.or_else(from_top)?;
    let mut origins = l.origins.clone();
    origins.push(Related {
        span: l.primary,
        message: format!("location of its parent {}", pn.name),
    });
    Some(Loc {
        region: l.region.clone(),
        origins,
        primary: head,
    })
}

/// Whether a resource's `condition` holds: `false`, or an expression that
/// evaluates to false with the parameters' values, means it is not
/// deployed; a condition that cannot be known keeps it.
fn condition_holds<'v, 'a>(c: &'v Value<'a>, scope: &Scope<'v, 'a>) -> bool {
    let v = match c.as_str() {
        Some(s) => eval_str(s, scope),
        None => Val::Json(c),
    };
    truth(&v) != Some(false)
}

/// A value read as a boolean (`true`, `'False'`, a JSON boolean).
fn truth(v: &Val) -> Option<bool> {
    match v {
        Val::Str(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Val::Str(s) if s.eq_ignore_ascii_case("false") => Some(false),
        Val::Json(j) => j.as_bool(),
        _ => None,
    }
}

/// A value compared by `equals`: a string, or a scalar's text.
fn scalar(v: &Val) -> Option<String> {
    match v {
        Val::Str(s) => Some(s.clone()),
        Val::Json(j) => match &j.kind {
            ValueKind::Bool(b) => Some(b.to_string()),
            ValueKind::Number { raw, .. } => Some(raw.to_string()),
            ValueKind::String(s) => Some(s.as_str().to_string()),
            ValueKind::Null => Some("null".to_string()),
            _ => None,
        },
        Val::Unknown(_) => None,
    }
}

/// Evaluates a template string (an expression when it is `[...]`).
fn eval_str<'v, 'a>(s: &str, scope: &Scope<'v, 'a>) -> Val<'v, 'a> {
    eval_traced(s, scope, &mut Vec::new())
}

/// Evaluates a resource name, keeping what is not known as its expression
/// text (`{parameters('server')}/db`): two names built from the same unknown
/// parameter still compare equal.
fn eval_symbolic<'v, 'a>(s: &str, scope: &Scope<'v, 'a>) -> Val<'v, 'a> {
    eval_in(s, scope, &mut Vec::new(), true)
}

/// Evaluates a template string, recording the parameter defaults and passed
/// values it reads.
fn eval_traced<'v, 'a>(s: &str, scope: &Scope<'v, 'a>, trace: &mut Vec<Related>) -> Val<'v, 'a> {
    eval_in(s, scope, trace, false)
}

fn eval_in<'v, 'a>(
    s: &str,
    scope: &Scope<'v, 'a>,
    trace: &mut Vec<Related>,
    symbolic: bool,
) -> Val<'v, 'a> {
    let t = s.trim();
    if t.starts_with("[[") || !(t.starts_with('[') && t.ends_with(']')) {
        // `[[` escapes a literal leading bracket.
        let lit = t
            .strip_prefix('[')
            .filter(|r| r.starts_with('['))
            .unwrap_or(s);
        return Val::Str(lit.to_string());
    }
    let body = &t[1..t.len() - 1];
    let mut p = Parser {
        src: body,
        pos: 0,
        scope,
        trace,
        depth: 0,
        symbolic,
    };
    let v = p.expr();
    p.skip_ws();
    if p.pos < body.len() {
        return Val::Unknown(format!("the template expression {t} (not understood)"));
    }
    match v {
        Val::Unknown(why) if why.is_empty() => Val::Unknown(format!("the template expression {t}")),
        other => other,
    }
}

/// A small recursive-descent reader of ARM template expressions.
struct Parser<'s, 'r, 'v, 'a> {
    src: &'s str,
    pos: usize,
    scope: &'r Scope<'v, 'a>,
    trace: &'r mut Vec<Related>,
    depth: usize,
    /// Unknown values are kept as their text (resource names).
    symbolic: bool,
}

impl<'v, 'a> Parser<'_, '_, 'v, 'a> {
    fn skip_ws(&mut self) {
        while self.src[self.pos..].starts_with(char::is_whitespace) {
            self.pos += self.src[self.pos..]
                .chars()
                .next()
                .map_or(1, char::len_utf8);
        }
    }

    fn eat(&mut self, c: char) -> bool {
        self.skip_ws();
        if self.src[self.pos..].starts_with(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }

    fn expr(&mut self) -> Val<'v, 'a> {
        self.depth += 1;
        if self.depth > 64 {
            return Val::Unknown("a template expression nested too deeply".into());
        }
        let mut v = self.primary();
        // Property access and indexing.
        loop {
            if self.eat('.') {
                self.skip_ws();
                let name = self.ident();
                v = match v {
                    Val::Json(j) => match get_ci(j, &name) {
                        Some(x) => json_val(x, self.scope, self.trace),
                        None => Val::Unknown(format!("property {name} not found")),
                    },
                    Val::Unknown(why) => Val::Unknown(why),
                    Val::Str(s) if self.symbolic && s.starts_with('{') => {
                        Val::Str(format!("{s}.{name}"))
                    }
                    Val::Str(_) => Val::Unknown(format!("property {name} of a string")),
                };
            } else if self.eat('[') {
                let k = self.expr();
                self.eat(']');
                v = match (v, k) {
                    (Val::Json(j), Val::Str(key)) => match get_ci(j, &key) {
                        Some(x) => json_val(x, self.scope, self.trace),
                        None => Val::Unknown(format!("key {key} not found")),
                    },
                    (Val::Unknown(w), _) | (_, Val::Unknown(w)) => Val::Unknown(w),
                    _ => Val::Unknown(String::new()),
                };
            } else {
                break;
            }
        }
        self.depth -= 1;
        v
    }

    fn ident(&mut self) -> String {
        let start = self.pos;
        while self.src[self.pos..].starts_with(|c: char| c.is_alphanumeric() || c == '_') {
            self.pos += self.src[self.pos..]
                .chars()
                .next()
                .map_or(1, char::len_utf8);
        }
        self.src[start..self.pos].to_string()
    }

    fn primary(&mut self) -> Val<'v, 'a> {
        self.skip_ws();
        let rest = &self.src[self.pos..];
        if let Some(lit) = rest.strip_prefix('\'') {
            // A string literal; '' is a quote.
            let mut out = String::new();
            let mut chars = lit.char_indices().peekable();
            while let Some((i, c)) = chars.next() {
                if c == '\'' {
                    if matches!(chars.peek(), Some((_, '\''))) {
                        out.push('\'');
                        chars.next();
                        continue;
                    }
                    self.pos += 1 + i + 1;
                    return Val::Str(out);
                }
                out.push(c);
            }
            self.pos = self.src.len();
            return Val::Unknown("an unterminated string in a template expression".into());
        }
        if rest.starts_with(|c: char| c.is_ascii_digit() || c == '-') {
            let start = self.pos;
            self.pos += 1;
            while self.src[self.pos..].starts_with(|c: char| c.is_ascii_digit()) {
                self.pos += 1;
            }
            return Val::Str(self.src[start..self.pos].to_string());
        }
        let name = self.ident();
        if name.is_empty() {
            self.pos = self.src.len();
            return Val::Unknown(String::new());
        }
        if !self.eat('(') {
            return match name.to_ascii_lowercase().as_str() {
                "true" | "false" | "null" => Val::Str(name.to_ascii_lowercase()),
                _ => Val::Unknown(String::new()),
            };
        }
        let call_start = self.pos;
        let mut args = Vec::new();
        if !self.eat(')') {
            loop {
                args.push(self.expr());
                if self.eat(',') {
                    continue;
                }
                self.eat(')');
                break;
            }
        }
        let text = format!("{name}({}", &self.src[call_start..self.pos]);
        match self.call(&name, args, &text) {
            Val::Unknown(_) if self.symbolic => Val::Str(format!("{{{text}}}")),
            v => v,
        }
    }

    fn call(&mut self, name: &str, args: Vec<Val<'v, 'a>>, text: &str) -> Val<'v, 'a> {
        let strs = |args: &[Val]| -> Result<Vec<String>, String> {
            args.iter()
                .map(|a| match a {
                    Val::Str(s) => Ok(s.clone()),
                    Val::Unknown(w) => Err(w.clone()),
                    Val::Json(j) => j.as_str().map(str::to_string).ok_or_default(),
                })
                .collect()
        };
        if let Some(v) = logic(name, &args, text) {
            return v;
        }
        match name.to_ascii_lowercase().as_str() {
            "parameters" => match args.first() {
                Some(Val::Str(p)) => self.parameter(p),
                _ => Val::Unknown(format!("{text} (a parameter name that is not a literal)")),
            },
            "variables" => match args.first() {
                Some(Val::Str(n)) => match self.scope.vars.and_then(|vs| get_ci(vs, n)) {
                    Some(v) => {
                        self.trace.push(Related {
                            span: v.span,
                            message: format!("variable '{n}' of the template"),
                        });
                        json_val(v, self.scope, self.trace)
                    }
                    None => Val::Unknown(format!("{text}: the template has no variable '{n}'")),
                },
                _ => Val::Unknown(format!("{text} (a variable name that is not a literal)")),
            },
            "resourcegroup" | "deployment" | "subscription" | "managementgroup" | "tenant"
            | "environment" => Val::Unknown(format!(
                "{}, known only when the template is deployed",
                self.src.trim()
            )),
            "replace" => match strs(&args) {
                Ok(v) if v.len() == 3 => Val::Str(v[0].replace(&v[1], &v[2])),
                Ok(_) => Val::Unknown(format!("{text} (wrong arguments)")),
                Err(w) => Val::Unknown(w),
            },
            "tolower" | "toupper" | "trim" | "string" => match strs(&args) {
                Ok(v) if v.len() == 1 => Val::Str(match name.to_ascii_lowercase().as_str() {
                    "tolower" => v[0].to_lowercase(),
                    "toupper" => v[0].to_uppercase(),
                    "trim" => v[0].trim().to_string(),
                    _ => v[0].clone(),
                }),
                Ok(_) => Val::Unknown(format!("{text} (wrong arguments)")),
                Err(w) => Val::Unknown(w),
            },
            "concat" => match strs(&args) {
                Ok(v) => Val::Str(v.concat()),
                Err(w) => Val::Unknown(w),
            },
            "format" => match strs(&args) {
                Ok(v) if !v.is_empty() => {
                    let mut out = v[0].clone();
                    for (i, a) in v[1..].iter().enumerate() {
                        out = out.replace(&format!("{{{i}}}"), a);
                    }
                    Val::Str(out)
                }
                Ok(_) => Val::Unknown(format!("{text} (wrong arguments)")),
                Err(w) => Val::Unknown(w),
            },
            "first" => match args.into_iter().next() {
                Some(Val::Json(j)) => match j.as_array().and_then(|a| a.first()) {
                    Some(x) => json_val(x, self.scope, self.trace),
                    None => Val::Unknown(format!("{text} of an empty or non-array value")),
                },
                Some(Val::Str(s)) => {
                    Val::Str(s.chars().next().map(String::from).unwrap_or_default())
                }
                Some(u) => u,
                None => Val::Unknown(format!("{text} (wrong arguments)")),
            },
            _ => Val::Unknown(format!("{text} (function {name} is not evaluated)")),
        }
    }

    fn parameter(&mut self, p: &str) -> Val<'v, 'a> {
        if let Some(passed) = self
            .scope
            .passed
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(p))
            .map(|(_, v)| v.clone())
        {
            self.trace.push(Related {
                span: passed.span,
                message: format!("parameter '{p}' passed by the nested deployment"),
            });
            return passed.value;
        }
        let Some(def) = self.scope.params.and_then(|ps| get_ci(ps, p)) else {
            return Val::Unknown(format!(
                "parameters('{p}'): the template declares no such parameter"
            ));
        };
        match get_ci(def, "defaultValue") {
            Some(v) => {
                self.trace.push(Related {
                    span: v.span,
                    message: format!("default value of parameter '{p}'"),
                });
                json_val(v, self.scope, self.trace)
            }
            None => Val::Unknown(format!(
                "parameters('{p}'), which has no defaultValue: its value is given at deployment"
            )),
        }
    }
}

/// The logical and comparison functions conditions use (`equals`, `not`,
/// `and`, `or`, `if`, `bool`, `empty`); `None` for other functions.
fn logic<'v, 'a>(name: &str, args: &[Val<'v, 'a>], text: &str) -> Option<Val<'v, 'a>> {
    Some(match name.to_ascii_lowercase().as_str() {
        "equals" => match (args.first().and_then(scalar), args.get(1).and_then(scalar)) {
            (Some(a), Some(b)) if args.len() == 2 => Val::Str((a == b).to_string()),
            _ => Val::Unknown(format!("{text} (not known)")),
        },
        "not" | "bool" => match args.first().and_then(truth) {
            Some(b) if args.len() == 1 => Val::Str(
                (if name.eq_ignore_ascii_case("not") {
                    !b
                } else {
                    b
                })
                .to_string(),
            ),
            _ => Val::Unknown(format!("{text} (not known)")),
        },
        "and" | "or" => {
            let all: Vec<Option<bool>> = args.iter().map(truth).collect();
            let and = name.eq_ignore_ascii_case("and");
            // A false operand decides `and`, a true one `or`, unknowns or not.
            if all.contains(&Some(!and)) {
                Val::Str((!and).to_string())
            } else if !all.is_empty() && all.iter().all(Option::is_some) {
                Val::Str(and.to_string())
            } else {
                Val::Unknown(format!("{text} (not known)"))
            }
        }
        "if" => match (args.first().and_then(truth), args.len()) {
            (Some(c), 3) => args
                .get(if c { 1 } else { 2 })
                .cloned()
                .unwrap_or(Val::Unknown(String::new())),
            _ => Val::Unknown(format!("{text} (not known)")),
        },
        "empty" => match args.first() {
            Some(Val::Str(s)) => Val::Str(s.is_empty().to_string()),
            Some(Val::Json(j)) => match &j.kind {
                ValueKind::Array(a) => Val::Str(a.is_empty().to_string()),
                ValueKind::Object(o) => Val::Str(o.is_empty().to_string()),
                ValueKind::Null => Val::Str("true".to_string()),
                ValueKind::String(x) => Val::Str(x.as_str().is_empty().to_string()),
                _ => Val::Unknown(format!("{text} (not known)")),
            },
            _ => Val::Unknown(format!("{text} (not known)")),
        },
        _ => return None,
    })
}

/// A JSON value read from the template: strings are evaluated again (they may
/// be expressions), other values are kept as they are.
fn json_val<'v, 'a>(
    v: &'v Value<'a>,
    scope: &Scope<'v, 'a>,
    trace: &mut Vec<Related>,
) -> Val<'v, 'a> {
    match v.as_str() {
        Some(s) => eval_traced(s, scope, trace),
        None => Val::Json(v),
    }
}

trait OkOrDefault<T> {
    fn ok_or_default(self) -> Result<T, String>;
}

impl<T> OkOrDefault<T> for Option<T> {
    fn ok_or_default(self) -> Result<T, String> {
        self.ok_or_else(|| "a value that is not a string".to_string())
    }
}

/// The tier tag in the resource's `tags` object.
fn tags(r: &Value, keys: &[String]) -> Option<TagTier> {
    let obj = get_ci(r, "tags")?.as_object()?;
    for m in obj {
        if keys.iter().any(|k| k.eq_ignore_ascii_case(m.key.as_str()))
            && let Some(v) = m.value.as_str()
        {
            return Some(TagTier {
                values: vec![v.to_string()],
                span: m.value.span,
                from_default: false,
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn regions(text: &str) -> Vec<(String, Vec<String>, Option<String>)> {
        let cat = Catalogue::builtin();
        place(text, 0, cat, &["cercle-tier".to_string()], 0)
            .expect("parses")
            .into_iter()
            .map(|r| {
                (
                    r.address.into_string(),
                    r.regions.to_vec(),
                    r.unresolved.map(|u| u.what),
                )
            })
            .collect()
    }

    const HEAD: &str = r#""$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#""#;

    #[test]
    fn literals_escapes_and_functions() {
        let t = format!(
            r#"{{ {HEAD}, "variables": {{ "r": "[toUpper('france')]" }},
              "resources": [
                {{ "type": "A.B/c", "name": "one", "location": "[concat(toLower(variables('r')), 'central')]" }},
                {{ "type": "A.B/c", "name": "two", "location": "[format('{{0}}south', 'france')]" }},
                {{ "type": "A.B/c", "name": "[[literal", "location": "France Central" }},
                {{ "type": "A.B/c", "name": "q", "location": "[replace('it''s', 'it''s', 'westeurope')]" }}
              ] }}"#
        );
        let got = regions(&t);
        assert_eq!(got[0].1, vec!["francecentral"]);
        assert_eq!(got[1].1, vec!["francesouth"]);
        assert_eq!(got[2].0, "A.B/c/[literal");
        assert_eq!(got[2].1, vec!["francecentral"]);
        assert_eq!(got[3].1, vec!["westeurope"]);
    }

    #[test]
    fn unknowns_say_why() {
        let t = format!(
            r#"{{ {HEAD}, "parameters": {{ "loc": {{ "type": "string" }} }},
              "resources": [
                {{ "type": "A.B/c", "name": "p", "location": "[parameters('loc')]" }},
                {{ "type": "A.B/c", "name": "f", "location": "[uniqueString('x')]" }},
                {{ "type": "A.B/c", "name": "m", "location": "[parameters('nope')]" }},
                {{ "type": "A.B/c", "name": "bad", "location": "[concat('a' 'b')]" }},
                {{ "type": "A.B/c", "name": "none" }}
              ] }}"#
        );
        let got = regions(&t);
        let why: Vec<String> = got
            .iter()
            .map(|g| g.2.clone().unwrap_or_default())
            .collect();
        assert!(why[0].contains("no defaultValue"), "{}", why[0]);
        assert!(why[1].contains("uniqueString"), "{}", why[1]);
        assert!(why[2].contains("no such parameter"), "{}", why[2]);
        assert!(!why[3].is_empty());
        assert!(why[4].contains("no location"), "{}", why[4]);
        assert!(got.iter().all(|g| g.1.is_empty()));
    }

    #[test]
    fn top_level_child_lives_in_its_parent_and_symbolic_names_work() {
        let t = format!(
            r#"{{ {HEAD}, "languageVersion": "2.0",
              "resources": {{
                "sa": {{ "type": "Microsoft.Storage/storageAccounts", "name": "st1", "location": "francecentral" }},
                "blob": {{ "type": "Microsoft.Storage/storageAccounts/blobServices", "name": "st1/default" }}
              }} }}"#
        );
        let got = regions(&t);
        assert_eq!(
            got[1].0,
            "Microsoft.Storage/storageAccounts/blobServices/st1/default"
        );
        assert_eq!(got[1].1, vec!["francecentral"]);
    }

    #[test]
    fn false_conditions_are_not_deployed() {
        let t = format!(
            r#"{{ {HEAD}, "parameters": {{
                "on": {{ "type": "bool", "defaultValue": true }},
                "off": {{ "type": "bool", "defaultValue": false }},
                "env": {{ "type": "string", "defaultValue": "prod" }},
                "flag": {{ "type": "bool" }} }},
              "resources": [
                {{ "condition": "[parameters('off')]", "type": "A.B/c", "name": "off", "location": "westus" }},
                {{ "condition": false, "type": "A.B/c", "name": "literal", "location": "westus" }},
                {{ "condition": "[equals(parameters('env'), 'dev')]", "type": "A.B/c", "name": "dev", "location": "westus" }},
                {{ "condition": "[and(parameters('on'), not(parameters('off')))]", "type": "A.B/c", "name": "and", "location": "francecentral" }},
                {{ "condition": "[or(parameters('flag'), parameters('on'))]", "type": "A.B/c", "name": "or", "location": "francecentral" }},
                {{ "condition": "[parameters('flag')]", "type": "A.B/c", "name": "unknown", "location": "francecentral" }},
                {{ "condition": "[if(empty(parameters('env')), true, false)]", "type": "A.B/c", "name": "if", "location": "westus" }},
                {{ "condition": "[parameters('off')]", "type": "Microsoft.Resources/deployments", "name": "nested",
                   "properties": {{ "template": {{ "resources": [ {{ "type": "A.B/c", "name": "inner", "location": "westus" }} ] }} }} }}
              ] }}"#
        );
        let names: Vec<String> = regions(&t).into_iter().map(|g| g.0).collect();
        assert_eq!(names, vec!["A.B/c/and", "A.B/c/or", "A.B/c/unknown"]);
    }

    #[test]
    fn children_named_from_their_parents_unknown_name() {
        let t = format!(
            r#"{{ {HEAD}, "parameters": {{ "server": {{ "type": "string" }} }},
              "resources": [
                {{ "type": "Microsoft.Sql/servers", "name": "[parameters('server')]", "location": "francecentral" }},
                {{ "type": "Microsoft.Sql/servers/databases", "name": "[concat(parameters('server'), '/db')]" }},
                {{ "type": "Microsoft.Sql/servers/databases", "name": "[format('{{0}}/two', parameters('server'))]" }},
                {{ "type": "Microsoft.Sql/servers/databases", "name": "[concat(parameters('other'), '/db')]" }}
              ] }}"#
        );
        let got = regions(&t);
        assert_eq!(got[1].1, vec!["francecentral"]);
        assert_eq!(got[2].1, vec!["francecentral"]);
        assert!(got[3].1.is_empty() && got[3].2.is_some(), "{:?}", got[3]);
    }

    #[test]
    fn subscription_objects_are_global() {
        let t = r#"{ "$schema": "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#",
              "resources": [
                { "type": "Microsoft.Advisor/configurations", "name": "default" },
                { "type": "Microsoft.Resources/resourceGroups", "name": "rg", "location": "francecentral" }
              ] }"#;
        let rs = place(t, 0, Catalogue::builtin(), &[], 0).expect("parses");
        assert!(matches!(
            rs[0].kind,
            PlaceKind::Global { holds_data: false }
        ));
        assert_eq!(rs[1].regions.to_vec(), vec!["francecentral"]);
        let t = format!(
            r#"{{ {HEAD}, "resources": [ {{ "type": "Microsoft.Security/pricings", "name": "VirtualMachines" }} ] }}"#
        );
        let rs = place(&t, 0, Catalogue::builtin(), &[], 0).expect("parses");
        assert!(matches!(
            rs[0].kind,
            PlaceKind::Global { holds_data: false }
        ));
        assert!(rs[0].unresolved.is_none());
    }

    #[test]
    fn self_nesting_deployments_stop() {
        let mut t =
            String::from(r#"{"type": "A.B/c", "name": "leaf", "location": "francecentral"}"#);
        for i in 0..40 {
            t = format!(
                r#"{{"type": "Microsoft.Resources/deployments", "name": "d{i}", "properties": {{"template": {{"resources": [{t}]}}}}}}"#
            );
        }
        let doc = format!(r#"{{ {HEAD}, "resources": [{t}] }}"#);
        // Deeper than MAX_NESTING: the leaf is not reached, and nothing breaks.
        assert!(regions(&doc).is_empty());
    }
}
