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

impl<'c> Walker<'c> {
    /// Places one resource and its nested children; returns its type, name and
    /// location for the children declared elsewhere.
    #[allow(clippy::too_many_arguments)]
    fn resource<'v, 'a>(
        &mut self,
        r: &'v Value<'a>,
        ty: &str,
        symbolic: Option<&str>,
        parent: Option<(&str, &str, &Loc)>,
        scope: &Scope<'v, 'a>,
        prefix: &str,
        depth: usize,
        top: &[(String, String, Loc)],
    ) -> Option<(String, String, Loc)> {
        let name = match get_ci(r, "name").and_then(|n| n.as_str()) {
            Some(n) => match eval_str(n, scope) {
                Val::Str(s) => s,
                _ => n.to_string(),
            },
            None => symbolic.unwrap_or("").to_string(),
        };
        // A child nested in its parent: its type and name are relative.
        let (full_ty, full_name) = match parent {
            // Relative types have no namespace (`blobServices`, not
            // `Microsoft.Storage/...`).
            Some((pty, pname, _)) if !ty.contains('.') => {
                (format!("{pty}/{ty}"), format!("{pname}/{name}"))
            }
            _ => (ty.to_string(), name.clone()),
        };
        if full_ty.eq_ignore_ascii_case("Microsoft.Resources/deployments") {
            self.deployment(r, scope, &full_name, prefix, depth);
            return None;
        }
        let type_member = r.member("type")?;
        let head = type_member.value.span;
        let address = format!("{prefix}{full_ty}/{full_name}");
        let mut res = Resource::from_file(
            address,
            full_ty.clone(),
            self.module,
            head,
            r.span,
            PROVIDER.to_string(),
            "arm".to_string(),
            tags(r, self.tier_tags),
        );
        let cat = self.cat.provider(PROVIDER);
        let loc = match get_ci(r, "location") {
            Some(v) => Some(self.location(v, scope)),
            None => {
                // The parent it is nested in, else a top-level resource of the
                // parent type whose name prefixes this one's.
                let from_parent = parent.map(|(_, pname, l)| (pname.to_string(), l));
                let from_top = || {
                    let (pty, _) = full_ty.rsplit_once('/')?;
                    let pname = full_name.rsplit_once('/').map(|(p, _)| p).unwrap_or("");
                    top.iter()
                        .find(|(t, n, _)| t.eq_ignore_ascii_case(pty) && n == pname)
                        .map(|(_, n, l)| (n.clone(), l))
                };
                from_parent.or_else(from_top).map(|(pname, l)| Loc {
                    region: l.region.clone(),
                    origins: {
                        let mut o = l.origins.clone();
                        o.push(Related {
                            span: l.primary,
                            message: format!("location of its parent {pname}"),
                        });
                        o
                    },
                    primary: head,
                })
            }
        };
        let global = cat.and_then(|c| c.global(&full_ty));
        match &loc {
            Some(Loc {
                region: Ok(region), ..
            }) if region.eq_ignore_ascii_case("global") => {
                res.kind = PlaceKind::Global {
                    holds_data: global.is_some_and(|g| g.holds_data),
                };
            }
            _ if global.is_some() && loc.is_none() => {
                res.kind = PlaceKind::Global {
                    holds_data: global.is_some_and(|g| g.holds_data),
                };
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
        self.out.push(res);
        // Children nested in this resource.
        let own = loc.unwrap_or(Loc {
            region: Err(format!("the location of {full_ty}/{full_name}")),
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
                Some((&full_ty, &full_name, &own)),
                scope,
                prefix,
                depth,
                top,
            );
        }
        Some((full_ty, full_name, own))
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
        let mut placed: Vec<(String, String, Loc)> = Vec::new();
        for (symbolic, r) in resources(t) {
            let Some(ty) = get_ci(r, "type").and_then(|t| t.as_str()) else {
                continue;
            };
            if let Some(loc) = self.resource(r, ty, symbolic, None, &scope, prefix, depth, &placed)
            {
                placed.push(loc);
            }
        }
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

/// Evaluates a template string (an expression when it is `[...]`).
fn eval_str<'v, 'a>(s: &str, scope: &Scope<'v, 'a>) -> Val<'v, 'a> {
    eval_traced(s, scope, &mut Vec::new())
}

/// Evaluates a template string, recording the parameter defaults and passed
/// values it reads.
fn eval_traced<'v, 'a>(s: &str, scope: &Scope<'v, 'a>, trace: &mut Vec<Related>) -> Val<'v, 'a> {
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
        self.call(&name, args, &text)
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
