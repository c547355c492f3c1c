//! Terraform's JSON configuration syntax (`.tf.json`, `.tofu.json`) and JSON
//! variable files (`.tfvars.json`) into the [model](crate::model).
//!
//! JSON cannot tell a block from an attribute, so the mapping follows
//! Terraform's schema for the block types cercle reads: top-level block types
//! and their labels (`resource` has two, `provider` one, `locals` none...),
//! and the meta blocks (`lifecycle`, `provisioner`, `connection`, `dynamic`,
//! the `terraform` block's `required_providers`, `backend` and `cloud`, a few
//! provider blocks such as `default_tags`). Everything else is an attribute
//! whose value is an object or array expression; the evaluator treats an
//! object attribute and a nested block alike.
//!
//! Wherever a block body is expected, an object is one block, an array of
//! objects is several blocks and `null` is none, as in HCL's JSON syntax.
//! `"//"` properties are comments and skipped in bodies, at label levels and
//! in object expressions (not in literal values: variable defaults and
//! `.tfvars.json` values are data).
//!
//! Strings are templates (`"${var.region}"`), except where Terraform reads
//! them as references or literals: `provider` and `depends_on` of resources,
//! a module's `providers` values, lifecycle `ignore_changes` and
//! `replace_triggered_by`, `moved`/`import`/`removed` addresses (kept as
//! [`ExprKind::Str`], read by [`Expr::as_path`]), and a variable's `type` and
//! `default`, a module's `source` and `version`, a provider's `alias`
//! (literals).
//!
//! Spans: a labeled block's `kind_span` is its innermost label's key, not the
//! shared `"resource"` key (which may sit hundreds of lines above): then
//! [`Block::head_span`] is the block's own key, unique per block, which is
//! where a diagnostic should point. An unlabeled block's `kind_span` is its
//! type key. `Block::span` runs from that innermost key to the end of the body
//! object, or is the array element for a block written in an array.

use crate::model::{Attribute, Block, Body, Expr, ExprKind, is_ident};
use crate::parse::hcl::{SyntaxError, parse_template};
use crate::parse::json::{self, JsonStr, Member, Value, ValueKind};
use crate::source::{FileId, Span};

/// Parses a `.tf.json` (or `.tofu.json`) file.
pub fn parse_tf_json(text: &str, file: FileId) -> Result<Body, SyntaxError> {
    configuration(text, file, "Terraform", Ctx::Root)
}

/// Parses a Terragrunt JSON configuration (`terragrunt.hcl.json`, a
/// `root.hcl.json` it includes): the same JSON rules, with Terragrunt's
/// blocks (`include`, `generate`, `dependency`...) instead of Terraform's;
/// `inputs` and the other top-level keys are attributes.
pub fn parse_terragrunt_json(text: &str, file: FileId) -> Result<Body, SyntaxError> {
    configuration(text, file, "Terragrunt", Ctx::TgRoot)
}

/// A JSON configuration whose root object is read as a body in `ctx`.
fn configuration(text: &str, file: FileId, tool: &str, ctx: Ctx) -> Result<Body, SyntaxError> {
    let root = json::parse(text, file)?;
    if root.as_object().is_none() {
        return Err(err(
            root.span.start as usize,
            format!(
                "a {tool} JSON configuration must be an object at its root, found {}",
                root.type_name()
            ),
        ));
    }
    Conv { file }.body(&root, ctx, "the file")
}

/// Parses a `.tfvars.json` file: each property is a variable value, taken
/// literally (strings are not templates).
pub fn parse_tfvars_json(text: &str, file: FileId) -> Result<Body, SyntaxError> {
    let root = json::parse(text, file)?;
    let Some(members) = root.as_object() else {
        return Err(err(
            root.span.start as usize,
            format!(
                "a JSON variables file must be an object at its root, found {}",
                root.type_name()
            ),
        ));
    };
    let conv = Conv { file };
    let mut body = Body::default();
    for m in members {
        if m.key.as_str() == "//" {
            continue;
        }
        body.attrs.push(Attribute {
            name: m.key.as_str().to_string(),
            name_span: m.key_span,
            expr: conv.expr(&m.value, Mode::Literal)?,
            span: m.span(),
        });
    }
    Ok(body)
}

fn err(offset: usize, message: String) -> SyntaxError {
    SyntaxError { offset, message }
}

/// Which body is being read: decides which keys are nested blocks and how
/// attribute values are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ctx {
    Root,
    /// `resource`, `data`, `ephemeral`, and `data` inside `check`.
    Resource,
    Module,
    Provider,
    Output,
    Variable,
    Lifecycle,
    Provisioner,
    Dynamic,
    /// A `dynamic` block's `content`.
    Content,
    Terraform,
    Cloud,
    Check,
    Moved,
    Import,
    Removed,
    /// `locals`, `required_providers`, `backend`, `connection`... : attributes only.
    Plain,
    /// A Terragrunt configuration's top level.
    TgRoot,
    /// Terragrunt's `terraform` block (hooks and `extra_arguments`).
    TgTerraform,
}

/// A nested block type: the names of its labels (for messages) and its body.
#[derive(Clone, Copy)]
struct Spec {
    labels: &'static [&'static str],
    ctx: Ctx,
}

const fn spec(labels: &'static [&'static str], ctx: Ctx) -> Option<Spec> {
    Some(Spec { labels, ctx })
}

fn block_spec(ctx: Ctx, key: &str) -> Option<Spec> {
    use Ctx::*;
    match (ctx, key) {
        (Root, "resource") => spec(&["resource type", "resource name"], Resource),
        (Root, "data") => spec(&["data source type", "data source name"], Resource),
        (Root, "ephemeral") => spec(
            &["ephemeral resource type", "ephemeral resource name"],
            Resource,
        ),
        (Root, "module") => spec(&["module name"], Module),
        (Root, "output") => spec(&["output name"], Output),
        (Root, "variable") => spec(&["variable name"], Variable),
        (Root, "provider") => spec(&["provider name"], Provider),
        (Root, "check") => spec(&["check name"], Check),
        (Root, "moved") => spec(&[], Moved),
        (Root, "import") => spec(&[], Import),
        (Root, "removed") => spec(&[], Removed),
        (Root, "locals") => spec(&[], Plain),
        (Root, "terraform") => spec(&[], Terraform),

        (Resource | Removed, "lifecycle") => spec(&[], Lifecycle),
        (Resource | Removed, "provisioner") => spec(&["provisioner type"], Provisioner),
        (Resource | Removed | Provisioner, "connection") => spec(&[], Plain),
        (Resource | Content, "dynamic") => spec(&["block type"], Dynamic),
        (Dynamic, "content") => spec(&[], Content),
        (Lifecycle, "precondition" | "postcondition") => spec(&[], Plain),
        (Output, "precondition") => spec(&[], Plain),
        (Variable, "validation") => spec(&[], Plain),

        (
            Provider,
            "default_tags"
            | "assume_role"
            | "assume_role_with_web_identity"
            | "endpoints"
            | "features"
            | "ignore_tags",
        ) => spec(&[], Plain),

        (Terraform, "required_providers") => spec(&[], Plain),
        (Terraform, "backend") => spec(&["backend type"], Plain),
        (Terraform, "cloud") => spec(&[], Cloud),
        (Terraform, "provider_meta") => spec(&["provider name"], Plain),
        (Cloud, "workspaces") => spec(&[], Plain),

        (Check, "data") => spec(&["data source type", "data source name"], Resource),
        (Check, "assert") => spec(&[], Plain),

        (TgRoot, "terraform") => spec(&[], TgTerraform),
        (
            TgRoot,
            "locals" | "remote_state" | "dependencies" | "exclude" | "errors" | "engine"
            | "catalog",
        ) => spec(&[], Plain),
        (TgRoot, "generate") => spec(&["generate name"], Plain),
        (TgRoot, "dependency") => spec(&["dependency name"], Plain),
        (TgRoot, "feature") => spec(&["feature name"], Plain),
        (TgRoot, "unit") => spec(&["unit name"], Plain),
        (TgRoot, "stack") => spec(&["stack name"], Plain),
        (TgTerraform, "extra_arguments" | "before_hook" | "after_hook" | "error_hook") => {
            spec(&["name"], Plain)
        }
        _ => None,
    }
}

/// Terragrunt's `include`: labeled (`{"root": {"path": ...}}`) unless its
/// object has a `path` that is not itself an object (the bare `include`,
/// `{"path": ...}`), as Terragrunt reads an unlabeled `include {}`.
fn include_spec(v: &Value) -> Spec {
    let bare = |ms: &[Member]| {
        ms.iter()
            .any(|m| m.key.as_str() == "path" && m.value.as_object().is_none())
    };
    let is_bare = match &v.kind {
        ValueKind::Object(ms) => bare(ms),
        ValueKind::Array(items) => items.iter().any(|i| i.as_object().is_some_and(bare)),
        _ => false,
    };
    Spec {
        labels: if is_bare { &[] } else { &["include name"] },
        ctx: Ctx::Plain,
    }
}

/// How an attribute's value is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// Strings are templates; `"//"` keys are skipped.
    Template,
    /// Strings are references (`"aws.us"`), kept as strings.
    Ref,
    /// Plain data: strings are strings.
    Literal,
}

fn attr_mode(ctx: Ctx, key: &str) -> Mode {
    use Ctx::*;
    match (ctx, key) {
        (Resource, "provider" | "depends_on") => Mode::Ref,
        (Module, "providers" | "depends_on") => Mode::Ref,
        (Module, "source" | "version") => Mode::Literal,
        (Output, "depends_on") => Mode::Ref,
        (Variable, "type" | "default") => Mode::Literal,
        (Provider, "alias") => Mode::Literal,
        (Lifecycle, "ignore_changes" | "replace_triggered_by") => Mode::Ref,
        (Moved, "from" | "to") | (Removed, "from") => Mode::Ref,
        (Import, "to" | "provider") => Mode::Ref,
        (Terraform, "experiments") => Mode::Ref,
        (Terraform, "required_version") => Mode::Literal,
        _ => Mode::Template,
    }
}

/// `kind "label" "label"`, for messages.
fn head(kind: &str, labels: &[(String, Span)]) -> String {
    let mut s = kind.to_string();
    for (l, _) in labels {
        s.push_str(&format!(" {l:?}"));
    }
    s
}

/// Whether a root-level value of an unknown key reads as block bodies.
fn is_body_like(v: &Value) -> bool {
    match &v.kind {
        ValueKind::Object(_) => true,
        ValueKind::Array(items) => {
            !items.is_empty() && items.iter().all(|i| i.as_object().is_some())
        }
        _ => false,
    }
}

/// A reference written as a string; an interpolation-only `"${aws.us}"`
/// (older Terraform style) is unwrapped.
fn reference(s: &str) -> &str {
    let t = s.trim();
    match t.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
        Some(inner) if !inner.contains(['{', '}']) => inner.trim(),
        _ => s,
    }
}

struct Conv {
    file: FileId,
}

impl Conv {
    /// The members of a body or label level: an object, the objects of an
    /// array (flattened), nothing for null. `what` describes a wrong value.
    fn members<'v, 'a>(
        &self,
        v: &'v Value<'a>,
        what: &dyn Fn(&Value) -> String,
    ) -> Result<Vec<&'v Member<'a>>, SyntaxError> {
        match &v.kind {
            ValueKind::Null => Ok(Vec::new()),
            ValueKind::Object(ms) => Ok(ms.iter().collect()),
            ValueKind::Array(items) => {
                let mut out = Vec::new();
                for item in items {
                    match item.as_object() {
                        Some(ms) => out.extend(ms.iter()),
                        None => return Err(err(item.span.start as usize, what(item))),
                    }
                }
                Ok(out)
            }
            _ => Err(err(v.span.start as usize, what(v))),
        }
    }

    fn body(&self, v: &Value, ctx: Ctx, head: &str) -> Result<Body, SyntaxError> {
        let what = |x: &Value| {
            format!(
                "{head}: expected an object for the block body, found {}",
                x.type_name()
            )
        };
        let mut out = Body::default();
        for m in self.members(v, &what)? {
            let key = m.key.as_str();
            if key == "//" {
                continue;
            }
            let spec = if ctx == Ctx::TgRoot && key == "include" {
                Some(include_spec(&m.value))
            } else {
                block_spec(ctx, key)
            };
            let spec = spec.or_else(|| {
                // An unknown top-level key: a block without labels when it
                // looks like one (Terraform would reject it anyway).
                (ctx == Ctx::Root && is_body_like(&m.value)).then_some(Spec {
                    labels: &[],
                    ctx: Ctx::Plain,
                })
            });
            match spec {
                Some(spec) => {
                    self.unpack(&mut out.blocks, key, m.key_span, spec, &mut Vec::new(), m)?
                }
                None => out.attrs.push(Attribute {
                    name: key.to_string(),
                    name_span: m.key_span,
                    expr: self.expr(&m.value, attr_mode(ctx, key))?,
                    span: m.span(),
                }),
            }
        }
        Ok(out)
    }

    /// Peels label levels off `m.value`, then makes one block per body.
    fn unpack(
        &self,
        out: &mut Vec<Block>,
        kind: &str,
        kind_span: Span,
        spec: Spec,
        labels: &mut Vec<(String, Span)>,
        m: &Member,
    ) -> Result<(), SyntaxError> {
        let v = &m.value;
        if let Some(label) = spec.labels.get(labels.len()) {
            let what = |x: &Value| {
                format!(
                    "{}: expected an object of {label}s, found {}",
                    head(kind, labels),
                    x.type_name()
                )
            };
            for lm in self.members(v, &what)? {
                if lm.key.as_str() == "//" {
                    continue;
                }
                labels.push((lm.key.as_str().to_string(), lm.key_span));
                self.unpack(out, kind, kind_span, spec, labels, lm)?;
                labels.pop();
            }
            return Ok(());
        }
        match &v.kind {
            ValueKind::Null => {}
            ValueKind::Object(_) => {
                out.push(self.block(kind, kind_span, spec.ctx, labels, v, m.span())?)
            }
            ValueKind::Array(items) => {
                for item in items {
                    out.push(self.block(kind, kind_span, spec.ctx, labels, item, item.span)?);
                }
            }
            _ => {
                return Err(err(
                    v.span.start as usize,
                    format!(
                        "{}: expected an object (or an array of objects) for the block body, found {}",
                        head(kind, labels),
                        v.type_name()
                    ),
                ));
            }
        }
        Ok(())
    }

    fn block(
        &self,
        kind: &str,
        kind_span: Span,
        ctx: Ctx,
        labels: &[(String, Span)],
        v: &Value,
        span: Span,
    ) -> Result<Block, SyntaxError> {
        Ok(Block {
            kind: kind.to_string(),
            kind_span: labels.last().map(|(_, s)| *s).unwrap_or(kind_span),
            labels: labels.iter().map(|(l, _)| l.clone()).collect(),
            label_spans: labels.iter().map(|(_, s)| *s).collect(),
            body: self.body(v, ctx, &head(kind, labels))?,
            span,
        })
    }

    fn expr(&self, v: &Value, mode: Mode) -> Result<Expr, SyntaxError> {
        let kind = match &v.kind {
            ValueKind::Null => ExprKind::Null,
            ValueKind::Bool(b) => ExprKind::Bool(*b),
            ValueKind::Number { value, .. } => ExprKind::Number(*value),
            ValueKind::String(s) => return self.string(s, v.span, mode),
            ValueKind::Array(items) => ExprKind::Array(
                items
                    .iter()
                    .map(|i| self.expr(i, mode))
                    .collect::<Result<_, _>>()?,
            ),
            ValueKind::Object(ms) => {
                let mut out = Vec::with_capacity(ms.len());
                for m in ms {
                    if mode == Mode::Template && m.key.as_str() == "//" {
                        continue;
                    }
                    let key = match mode {
                        Mode::Template => self.template(&m.key, m.key_span)?,
                        Mode::Ref | Mode::Literal => {
                            Expr::new(ExprKind::Str(m.key.as_str().to_string()), m.key_span)
                        }
                    };
                    out.push((key, self.expr(&m.value, mode)?));
                }
                ExprKind::Object(out)
            }
        };
        Ok(Expr::new(kind, v.span))
    }

    fn string(&self, s: &JsonStr, token: Span, mode: Mode) -> Result<Expr, SyntaxError> {
        match mode {
            Mode::Template => self.template(s, token),
            Mode::Ref => Ok(Expr::new(
                ExprKind::Str(reference(s.as_str()).to_string()),
                token,
            )),
            Mode::Literal => Ok(Expr::new(ExprKind::Str(s.as_str().to_string()), token)),
        }
    }

    /// A string read as an HCL template. Spans inside are exact when the
    /// string has no escapes; otherwise they are offsets in the unescaped
    /// text, which is never longer than the source text, so they stay
    /// within the string. A plain string or template gets the token's span.
    fn template(&self, s: &JsonStr, token: Span) -> Result<Expr, SyntaxError> {
        if let Some(e) = self.simple_reference(s) {
            return Ok(e);
        }
        let mut e = parse_template(s.as_str(), self.file, s.content_start).map_err(|e| {
            err(
                e.offset.clamp(s.content_start, s.content_end),
                format!("invalid template in string: {}", e.message),
            )
        })?;
        if matches!(e.kind, ExprKind::Str(_) | ExprKind::Template(_)) {
            e.span = token;
        }
        Ok(e)
    }
}

impl Conv {
    /// `"${a.b.c}"` (no escapes, no spaces): the traversal, built directly
    /// with the spans the template parser would give. This is the most common
    /// string of generated Terraform JSON (CDKTF writes every reference so),
    /// and the template parser is much slower than this.
    fn simple_reference(&self, s: &JsonStr) -> Option<Expr> {
        if s.escaped {
            return None;
        }
        let inner = s.as_str().strip_prefix("${")?.strip_suffix('}')?;
        let base = s.content_start + 2;
        let mut parts = inner.split('.');
        let root = parts.next()?;
        if !is_ident(root) || matches!(root, "true" | "false" | "null") {
            return None;
        }
        let mut end = base + root.len();
        let mut e = Expr::new(
            ExprKind::Var(root.to_string()),
            Span::new(self.file, base, end),
        );
        for p in parts {
            if !is_ident(p) {
                return None;
            }
            end += 1 + p.len();
            e = Expr::new(
                ExprKind::GetAttr(Box::new(e), p.to_string()),
                Span::new(self.file, base, end),
            );
        }
        Some(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TemplatePart;

    fn tf(text: &str) -> Body {
        parse_tf_json(text, 0).unwrap_or_else(|e| panic!("{} at {}", e.message, e.offset))
    }

    fn tf_err(text: &str) -> SyntaxError {
        match parse_tf_json(text, 0) {
            Ok(b) => panic!("parsed: {b:?}"),
            Err(e) => e,
        }
    }

    fn slice(text: &str, s: Span) -> &str {
        &text[s.start as usize..s.end as usize]
    }

    /// A compact rendering of an expression, without spans.
    fn show(e: &Expr) -> String {
        match &e.kind {
            ExprKind::Null => "null".into(),
            ExprKind::Bool(b) => b.to_string(),
            ExprKind::Number(n) => n.to_string(),
            ExprKind::Str(s) => format!("{s:?}"),
            ExprKind::Var(v) => v.clone(),
            ExprKind::GetAttr(b, n) => format!("{}.{n}", show(b)),
            ExprKind::Index(b, i) => format!("{}[{}]", show(b), show(i)),
            ExprKind::Template(parts) => {
                let mut s = String::from("tpl(");
                for p in parts {
                    match p {
                        TemplatePart::Literal(l) => s.push_str(&format!("{l:?}")),
                        TemplatePart::Interp(e) => s.push_str(&format!("${{{}}}", show(e))),
                        _ => s.push('?'),
                    }
                }
                s.push(')');
                s
            }
            ExprKind::Array(items) => {
                format!(
                    "[{}]",
                    items.iter().map(show).collect::<Vec<_>>().join(", ")
                )
            }
            ExprKind::Object(kv) => format!(
                "{{{}}}",
                kv.iter()
                    .map(|(k, v)| format!("{} = {}", show(k), show(v)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            ExprKind::Call { name, args, .. } => format!(
                "{name}({})",
                args.iter().map(show).collect::<Vec<_>>().join(", ")
            ),
            other => format!("{other:?}"),
        }
    }

    /// The structure of a body, one line per attribute or block.
    fn outline(b: &Body, indent: usize, out: &mut Vec<String>) {
        for a in &b.attrs {
            out.push(format!(
                "{}{} = {}",
                " ".repeat(indent),
                a.name,
                show(&a.expr)
            ));
        }
        for bl in &b.blocks {
            out.push(format!(
                "{}{}{}",
                " ".repeat(indent),
                bl.kind,
                bl.labels
                    .iter()
                    .map(|l| format!(" {l:?}"))
                    .collect::<String>()
            ));
            outline(&bl.body, indent + 2, out);
        }
    }

    fn lines(b: &Body) -> Vec<String> {
        let mut out = Vec::new();
        outline(b, 0, &mut out);
        out
    }

    fn attr<'b>(b: &'b Body, name: &str) -> &'b Expr {
        &b.attr(name)
            .unwrap_or_else(|| panic!("no attribute {name}"))
            .expr
    }

    #[test]
    fn same_model_as_hcl() {
        let json = r#"{
  "//": "generated",
  "terraform": {
    "required_version": ">= 1.5",
    "required_providers": {"aws": {"source": "hashicorp/aws", "version": "~> 5.0"}},
    "backend": {"s3": {"bucket": "state", "region": "eu-west-3"}}
  },
  "provider": {"aws": {"region": "eu-west-3", "default_tags": {"tags": {"env": "prod"}}}},
  "variable": {"region": {"type": "string", "default": "eu-west-3"}},
  "locals": {"name": "app-${var.region}", "n": 3},
  "resource": {
    "aws_s3_bucket": {
      "logs": {"bucket": "${local.name}", "count": 2, "lifecycle": {"prevent_destroy": true}}
    }
  },
  "output": {"arn": {"value": "${aws_s3_bucket.logs[0].arn}"}},
  "module": {"net": {"source": "./net", "cidr": "10.0.0.0/16"}}
}"#;
        let hcl = r#"
terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.0" }
  }
  backend "s3" {
    bucket = "state"
    region = "eu-west-3"
  }
}
provider "aws" {
  region = "eu-west-3"
  default_tags {
    tags = { env = "prod" }
  }
}
variable "region" {
  type    = "string"
  default = "eu-west-3"
}
locals {
  name = "app-${var.region}"
  n    = 3
}
resource "aws_s3_bucket" "logs" {
  bucket = local.name
  count  = 2
  lifecycle {
    prevent_destroy = true
  }
}
output "arn" {
  value = aws_s3_bucket.logs[0].arn
}
module "net" {
  source = "./net"
  cidr   = "10.0.0.0/16"
}
"#;
        let from_json = lines(&tf(json));
        let from_hcl = lines(&crate::parse::hcl::parse_body(hcl, 0).unwrap());
        assert_eq!(from_json, from_hcl);
    }

    #[test]
    fn spans_point_at_the_source() {
        let t = r#"{"resource": {"aws_s3_bucket": {"b": {"bucket": "eu-${var.x}", "region": "${var.region}"}}}}"#;
        let body = tf(t);
        let b = &body.blocks[0];
        assert_eq!(
            (b.kind.as_str(), b.labels.as_slice()),
            (
                "resource",
                &["aws_s3_bucket".to_string(), "b".to_string()][..]
            )
        );
        assert_eq!(slice(t, b.label_spans[0]), "\"aws_s3_bucket\"");
        assert_eq!(slice(t, b.label_spans[1]), "\"b\"");
        assert_eq!(slice(t, b.kind_span), "\"b\"");
        assert_eq!(slice(t, b.head_span()), "\"b\"");
        assert!(slice(t, b.span).starts_with("\"b\": {\"bucket\""));
        assert!(slice(t, b.span).ends_with("\"${var.region}\"}"));
        let bucket = b.body.attr("bucket").unwrap();
        assert_eq!(slice(t, bucket.name_span), "\"bucket\"");
        assert_eq!(slice(t, bucket.span), "\"bucket\": \"eu-${var.x}\"");
        assert_eq!(slice(t, bucket.expr.span), "\"eu-${var.x}\"");
        assert_eq!(show(&bucket.expr), "tpl(\"eu-\"${var.x})");
        match &bucket.expr.kind {
            ExprKind::Template(parts) => match &parts[1] {
                TemplatePart::Interp(e) => assert_eq!(slice(t, e.span), "var.x"),
                p => panic!("{p:?}"),
            },
            k => panic!("{k:?}"),
        }
        let region = attr(&b.body, "region");
        assert_eq!(show(region), "var.region");
        assert_eq!(region.as_path(), Some(vec!["var", "region"]));
        assert_eq!(slice(t, region.span), "var.region");
    }

    #[test]
    fn escaped_strings_stay_within_the_string() {
        let t = r#"{"locals": {"a": "\u00e9\n${var.x}\t\"q\"", "b": "x\\y"}}"#;
        let body = tf(t);
        let l = &body.blocks[0].body;
        let a = l.attr("a").unwrap();
        assert_eq!(show(&a.expr), "tpl(\"é\\n\"${var.x}\"\\t\\\"q\\\"\")");
        let s = slice(t, a.expr.span);
        assert!(s.starts_with('"') && s.ends_with('"'), "{s}");
        fn check(e: &Expr, lo: u32, hi: u32) {
            assert!(e.span.start >= lo && e.span.end <= hi, "{e:?}");
            if let ExprKind::Template(parts) = &e.kind {
                for p in parts {
                    if let TemplatePart::Interp(x) = p {
                        check(x, lo, hi);
                    }
                }
            }
        }
        check(&a.expr, a.expr.span.start, a.expr.span.end);
        assert_eq!(show(attr(l, "b")), "\"x\\\\y\"");
    }

    #[test]
    fn comments_are_skipped() {
        let t = r#"{
  "//": "top",
  "resource": {
    "//": "types",
    "aws_instance": {
      "//": "names",
      "web": {"//": "body", "ami": "x", "tags": {"//": "note", "Name": "web"}}
    }
  },
  "variable": {"v": {"default": {"//": "kept: this is data"}}}
}"#;
        let body = tf(t);
        assert_eq!(
            lines(&body),
            [
                "resource \"aws_instance\" \"web\"",
                "  ami = \"x\"",
                "  tags = {\"Name\" = \"web\"}",
                "variable \"v\"",
                "  default = {\"//\" = \"kept: this is data\"}",
            ]
        );
    }

    #[test]
    fn provider_arrays_and_aliases() {
        let t = r#"{
  "provider": {
    "aws": [
      {"region": "eu-west-3"},
      {"alias": "us", "region": "us-east-1"}
    ],
    "google": {"region": "europe-west9"}
  },
  "resource": {
    "aws_s3_bucket": {"b": {"provider": "aws.us", "depends_on": ["aws_iam_role.r", "${module.m}"]}}
  },
  "module": {"m": {"source": "./m", "providers": {"aws": "aws.us", "aws.west": "${aws.us}"}}}
}"#;
        let body = tf(t);
        let aws: Vec<&Block> = body
            .blocks("provider")
            .filter(|b| b.label(0) == Some("aws"))
            .collect();
        assert_eq!(aws.len(), 2);
        assert!(aws[0].body.attr("alias").is_none());
        assert_eq!(attr(&aws[1].body, "alias").as_str(), Some("us"));
        assert_eq!(slice(t, aws[0].span), "{\"region\": \"eu-west-3\"}");
        assert_eq!(slice(t, aws[1].head_span()), "\"aws\"");
        assert_eq!(body.blocks("provider").count(), 3);

        let b = &body.block("resource").unwrap().body;
        let p = attr(b, "provider");
        assert!(matches!(&p.kind, ExprKind::Str(s) if s == "aws.us"));
        assert_eq!(p.as_path(), Some(vec!["aws", "us"]));
        assert_eq!(
            show(attr(b, "depends_on")),
            "[\"aws_iam_role.r\", \"module.m\"]"
        );
        let m = &body.block("module").unwrap().body;
        assert_eq!(
            show(attr(m, "providers")),
            "{\"aws\" = \"aws.us\", \"aws.west\" = \"aws.us\"}"
        );
        assert_eq!(show(attr(m, "source")), "\"./m\"");
    }

    #[test]
    fn terraform_block_nesting() {
        let t = r#"{
  "terraform": {
    "required_providers": {"aws": {"source": "hashicorp/aws", "version": "~> 5.0", "configuration_aliases": ["aws.us"]}},
    "backend": {"s3": {"bucket": "b", "key": "k", "region": "eu-west-3"}},
    "cloud": {"organization": "o", "workspaces": {"name": "w"}}
  }
}"#;
        let body = tf(t);
        assert_eq!(
            lines(&body),
            [
                "terraform",
                "  required_providers",
                "    aws = {\"source\" = \"hashicorp/aws\", \"version\" = \"~> 5.0\", \"configuration_aliases\" = [\"aws.us\"]}",
                "  backend \"s3\"",
                "    bucket = \"b\"",
                "    key = \"k\"",
                "    region = \"eu-west-3\"",
                "  cloud",
                "    organization = \"o\"",
                "    workspaces",
                "      name = \"w\"",
            ]
        );
        let tb = body.block("terraform").unwrap();
        let be = tb.body.block("backend").unwrap();
        assert_eq!(slice(t, be.kind_span), "\"s3\"");
        assert_eq!(slice(t, be.label_spans[0]), "\"s3\"");
        assert_eq!(slice(t, tb.kind_span), "\"terraform\"");
        let rp = tb.body.block("required_providers").unwrap();
        let aws = rp.body.attr("aws").unwrap();
        assert!(matches!(aws.expr.kind, ExprKind::Object(_)));
        assert_eq!(slice(t, aws.name_span), "\"aws\"");
    }

    #[test]
    fn meta_blocks() {
        let t = r#"{
  "resource": {
    "aws_security_group": {
      "sg": {
        "name": "sg",
        "dynamic": {
          "ingress": {
            "for_each": "${var.ports}",
            "iterator": "port",
            "content": {"from_port": "${port.value}", "to_port": "${port.value}"}
          }
        },
        "provisioner": {"local-exec": {"command": "echo hi", "connection": {"host": "h"}}},
        "connection": {"type": "ssh"},
        "lifecycle": {"ignore_changes": ["tags"], "create_before_destroy": true, "precondition": [{"condition": "${true}", "error_message": "no"}]},
        "ingress_rule": {"cidr": "0.0.0.0/0"}
      }
    }
  },
  "moved": [{"from": "aws_instance.a", "to": "aws_instance.b"}, {"from": "module.x", "to": "module.y"}],
  "import": {"to": "aws_s3_bucket.b", "id": "bucket-${var.env}"},
  "check": {"health": {"data": {"http": {"site": {"url": "https://x"}}}, "assert": {"condition": "${true}", "error_message": "down"}}}
}"#;
        let body = tf(t);
        assert_eq!(
            lines(&body),
            [
                "resource \"aws_security_group\" \"sg\"",
                "  name = \"sg\"",
                "  ingress_rule = {\"cidr\" = \"0.0.0.0/0\"}",
                "  dynamic \"ingress\"",
                "    for_each = var.ports",
                "    iterator = \"port\"",
                "    content",
                "      from_port = port.value",
                "      to_port = port.value",
                "  provisioner \"local-exec\"",
                "    command = \"echo hi\"",
                "    connection",
                "      host = \"h\"",
                "  connection",
                "    type = \"ssh\"",
                "  lifecycle",
                "    ignore_changes = [\"tags\"]",
                "    create_before_destroy = true",
                "    precondition",
                "      condition = true",
                "      error_message = \"no\"",
                "moved",
                "  from = \"aws_instance.a\"",
                "  to = \"aws_instance.b\"",
                "moved",
                "  from = \"module.x\"",
                "  to = \"module.y\"",
                "import",
                "  to = \"aws_s3_bucket.b\"",
                "  id = tpl(\"bucket-\"${var.env})",
                "check \"health\"",
                "  data \"http\" \"site\"",
                "    url = \"https://x\"",
                "  assert",
                "    condition = true",
                "    error_message = \"down\"",
            ]
        );
    }

    #[test]
    fn variable_literals_and_locals_arrays() {
        let t = r#"{
  "variable": {"tags": {"type": "map(string)", "default": {"owner": "${not-a-template}"}}},
  "locals": [{"a": 1}, {"b": "${local.a}"}]
}"#;
        let body = tf(t);
        let v = &body.block("variable").unwrap().body;
        assert_eq!(show(attr(v, "type")), "\"map(string)\"");
        assert_eq!(
            show(attr(v, "default")),
            "{\"owner\" = \"${not-a-template}\"}"
        );
        let locals: Vec<&Block> = body.blocks("locals").collect();
        assert_eq!(locals.len(), 2);
        assert_eq!(show(attr(&locals[1].body, "b")), "local.a");
    }

    #[test]
    fn template_keys_and_values() {
        let t = r#"{"locals": {"m": {"${var.k}": "v", "plain": [1, true, null, "%{ if var.x }a%{ endif }"]}}}"#;
        let body = tf(t);
        let m = attr(&body.blocks[0].body, "m");
        let ExprKind::Object(kv) = &m.kind else {
            panic!("{m:?}")
        };
        assert_eq!(show(&kv[0].0), "var.k");
        assert_eq!(slice(t, kv[0].0.span), "var.k");
        assert_eq!(slice(t, kv[1].0.span), "\"plain\"");
        let ExprKind::Array(items) = &kv[1].1.kind else {
            panic!()
        };
        assert!(matches!(items[3].kind, ExprKind::Template(_)));
    }

    #[test]
    fn simple_reference_matches_the_template_parser() {
        fn spans(e: &Expr, out: &mut Vec<(u32, u32)>) {
            out.push((e.span.start, e.span.end));
            if let ExprKind::GetAttr(b, _) = &e.kind {
                spans(b, out);
            }
        }
        for t in [
            r#""${var.region}""#,
            r#""${aws_s3_bucket.b.id}""#,
            r#""${local.my-name}""#,
            r#""${var}""#,
            r#""${module.net.vpc_id}""#,
            r#""${true}""#,
            r#""${var.x[0]}""#,
            r#""${ var.x }""#,
            r#""${var.x}${var.y}""#,
            r#""${var.0}""#,
        ] {
            let v = json::parse(t, 0).unwrap();
            let ValueKind::String(s) = &v.kind else {
                panic!()
            };
            let conv = Conv { file: 0 };
            let slow = parse_template(s.as_str(), 0, s.content_start).unwrap();
            let fast = conv.template(s, v.span).unwrap();
            assert_eq!(show(&fast), show(&slow), "{t}");
            let (mut a, mut b) = (Vec::new(), Vec::new());
            spans(&fast, &mut a);
            spans(&slow, &mut b);
            if !matches!(slow.kind, ExprKind::Template(_)) {
                assert_eq!(a, b, "{t}");
            }
        }
    }

    #[test]
    fn null_blocks_and_unknown_keys() {
        let body =
            tf(r#"{"resource": null, "provider": {"aws": null}, "x_custom": {"a": 1}, "y": 2}"#);
        assert_eq!(lines(&body), ["y = 2", "x_custom", "  a = 1"]);
    }

    #[test]
    fn errors() {
        let cases: &[(&str, &str, &str)] = &[
            (
                "[1]",
                "[1]",
                "must be an object at its root, found an array",
            ),
            (
                r#"{"resource": {"aws_s3_bucket": "b"}}"#,
                "\"b\"",
                "resource \"aws_s3_bucket\": expected an object of resource names, found a string",
            ),
            (
                r#"{"resource": ["x"]}"#,
                "\"x\"",
                "resource: expected an object of resource types, found a string",
            ),
            (
                r#"{"resource": {"aws_s3_bucket": {"b": 3}}}"#,
                "3",
                "resource \"aws_s3_bucket\" \"b\": expected an object (or an array of objects) for the block body, found a number",
            ),
            (
                r#"{"provider": {"aws": [{"region": "x"}, "y"]}}"#,
                "\"y\"",
                "provider \"aws\": expected an object for the block body, found a string",
            ),
            (
                r#"{"terraform": {"backend": {"s3": true}}}"#,
                "true",
                "backend \"s3\": expected an object",
            ),
            (
                r#"{"locals": {"a": "${var."}}"#,
                "",
                "invalid template in string",
            ),
            (r#"{"locals": {"a": 1,}}"#, "}", "trailing comma"),
        ];
        for (text, at, msg) in cases {
            let e = tf_err(text);
            assert!(e.message.contains(msg), "{text}: {:?}", e.message);
            if !at.is_empty() {
                assert_eq!(
                    &text[e.offset..e.offset + at.len()],
                    *at,
                    "{text}: {}",
                    e.message
                );
            } else {
                assert!(e.offset < text.len());
            }
        }
    }

    #[test]
    fn tfvars() {
        let t = "{\n  \"//\": \"c\",\n  \"region\": \"eu-${x}\",\n  \"n\": 2,\n  \"tags\": {\"a\": \"b\"},\n  \"zones\": [\"a\", \"b\"]\n}";
        let body = parse_tfvars_json(t, 7).unwrap();
        assert_eq!(
            lines(&body),
            [
                "region = \"eu-${x}\"",
                "n = 2",
                "tags = {\"a\" = \"b\"}",
                "zones = [\"a\", \"b\"]",
            ]
        );
        let r = body.attr("region").unwrap();
        assert_eq!(r.span.file, 7);
        assert_eq!(slice(t, r.span), "\"region\": \"eu-${x}\"");
        assert_eq!(slice(t, r.expr.span), "\"eu-${x}\"");
        let e = parse_tfvars_json("\"x\"", 0).unwrap_err();
        assert!(e.message.contains("must be an object"));
        assert!(parse_tfvars_json("{\"a\": }", 0).is_err());
    }

    #[test]
    fn deep_nesting() {
        let depth = json::MAX_DEPTH - 3;
        let inner = format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth));
        let t = format!("{{\"locals\": {{\"x\": {inner}}}}}");
        // Converted in a thread with a small stack, as rayon workers have.
        let body = std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn(move || parse_tf_json(&t, 0).map(|b| b.blocks.len()))
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(body.unwrap(), 1);
        let too_deep = format!("{{\"locals\": {{\"x\": {}}}}}", "[".repeat(100_000));
        assert!(tf_err(&too_deep).message.contains("nesting too deep"));
    }

    #[test]
    fn garbage_never_panics() {
        let mut x: u64 = 0x2545f4914f6cdd1d;
        let pieces: &[&str] = &[
            "{",
            "}",
            "[",
            "]",
            ",",
            ":",
            "\"resource\"",
            "\"provider\"",
            "\"aws\"",
            "\"//\"",
            "\"${\"",
            "\"${var.x}\"",
            "\"dynamic\"",
            "\"content\"",
            "\"terraform\"",
            "\"backend\"",
            "null",
            "1",
            "\"a\"",
            "\"\\u00e9${\"",
            "\"locals\"",
        ];
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let n = (x % 30) as usize;
            let mut s = String::new();
            let mut y = x;
            for _ in 0..n {
                y ^= y << 13;
                y ^= y >> 7;
                y ^= y << 17;
                s.push_str(pieces[(y % pieces.len() as u64) as usize]);
            }
            if let Err(e) = parse_tf_json(&s, 0) {
                assert!(e.offset <= s.len());
            }
            let _ = parse_tfvars_json(&s, 0);
        }
    }

    fn big_config() -> (String, usize) {
        let mut s = String::from("{\"resource\": {\"aws_s3_bucket\": {");
        let mut n = 0;
        while s.len() < 10 * 1024 * 1024 {
            if n > 0 {
                s.push(',');
            }
            s.push_str(&format!(
                "\n  \"b{n}\": {{\"bucket\": \"b-${{var.env}}-{n}\", \"region\": \"${{var.region}}\", \"tags\": {{\"Name\": \"b{n}\", \"n\": {n}}}}}"
            ));
            n += 1;
        }
        s.push_str("\n}}}");
        (s, n)
    }

    #[test]
    fn big_file() {
        let (s, n) = big_config();
        let body = tf(&s);
        assert_eq!(body.blocks.len(), n);
        let last = body.blocks.last().unwrap();
        assert_eq!(last.label(1), Some(format!("b{}", n - 1).as_str()));
        assert_eq!(slice(&s, last.head_span()), format!("\"b{}\"", n - 1));
    }

    /// Throughput, run with `cargo test --release -- --ignored tf_json_speed --nocapture`.
    #[test]
    #[ignore]
    fn tf_json_speed() {
        let (s, _) = big_config();
        for _ in 0..3 {
            let t = std::time::Instant::now();
            let body = tf(&s);
            let dt = t.elapsed().as_secs_f64();
            eprintln!("tf_json: {:.0} MB/s", s.len() as f64 / dt / 1e6);
            assert!(!body.blocks.is_empty());
        }
    }

    #[test]
    fn terragrunt_json_blocks_and_attributes() {
        let t = r#"{
  "include": {"path": "${find_in_parent_folders()}"},
  "terraform": {"source": "../m", "before_hook": {"h": {"commands": ["plan"]}}},
  "generate": {"provider": {"path": "p.tf", "contents": "x"}},
  "dependency": {"vpc": {"config_path": "../vpc", "mock_outputs": {"id": "v"}}},
  "remote_state": {"backend": "s3", "config": {"region": "eu-west-3"}},
  "inputs": {"name": "n", "tags": {"a": "b"}},
  "iam_role": "arn"
}"#;
        let b = parse_terragrunt_json(t, 0).unwrap();
        let inc = b.block("include").unwrap();
        assert!(inc.labels.is_empty(), "a bare include: {inc:?}");
        assert!(inc.body.attr("path").is_some());
        let tf = b.block("terraform").unwrap();
        assert!(tf.body.attr("source").is_some());
        assert_eq!(tf.body.block("before_hook").unwrap().labels, ["h"]);
        assert_eq!(b.block("generate").unwrap().labels, ["provider"]);
        assert_eq!(b.block("dependency").unwrap().labels, ["vpc"]);
        assert!(
            b.block("remote_state")
                .unwrap()
                .body
                .attr("config")
                .is_some()
        );
        // `inputs` is an attribute (an object value), not a block.
        assert!(b.attr("inputs").is_some() && b.block("inputs").is_none());
        assert!(b.attr("iam_role").is_some());
        // A named include, one or several.
        let named = parse_terragrunt_json(
            r#"{"include": {"root": {"path": "r.hcl", "expose": true}, "env": {"path": "e.hcl"}}}"#,
            0,
        )
        .unwrap();
        let labels: Vec<&str> = named
            .blocks("include")
            .map(|b| b.labels[0].as_str())
            .collect();
        assert_eq!(labels, ["root", "env"]);
        assert!(parse_terragrunt_json("[1]", 0).is_err());
    }
}
