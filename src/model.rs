//! The syntax-neutral configuration model.
//!
//! HCL (`.tf`, `.tofu`, `.tfvars`) and Terraform JSON (`.tf.json`,
//! `.tfvars.json`) files both land in these types, so that the later stages do
//! not care which syntax a value was written in. Every node keeps its [`Span`].

use crate::source::{FileId, Span};

/// What a discovered file is; decided once, by discovery.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FileKind {
    /// `*.tf`, `*.tofu`
    Hcl,
    /// `*.tf.json`, `*.tofu.json`
    TfJson,
    /// `*.tfvars` (HCL)
    Tfvars,
    /// `*.tfvars.json`
    TfvarsJson,
    /// `terraform show -json` output
    Plan,
    /// Azure Resource Manager template
    Arm,
}

impl FileKind {
    /// Configuration files (as opposed to variable values, plans and templates).
    pub fn is_config(self) -> bool {
        matches!(self, FileKind::Hcl | FileKind::TfJson)
    }

    pub fn is_tfvars(self) -> bool {
        matches!(self, FileKind::Tfvars | FileKind::TfvarsJson)
    }
}

/// A parsed file: its top-level body.
#[derive(Clone, Debug)]
pub struct File {
    pub id: FileId,
    pub kind: FileKind,
    pub body: Body,
}

/// Attributes and blocks, in source order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Body {
    pub attrs: Vec<Attribute>,
    pub blocks: Vec<Block>,
}

impl Body {
    pub fn attr(&self, name: &str) -> Option<&Attribute> {
        self.attrs.iter().find(|a| a.name == name)
    }

    pub fn blocks<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
        self.blocks.iter().filter(move |b| b.kind == kind)
    }

    pub fn block(&self, kind: &str) -> Option<&Block> {
        self.blocks.iter().find(|b| b.kind == kind)
    }
}

/// `name = expr`
#[derive(Clone, Debug, PartialEq)]
pub struct Attribute {
    pub name: String,
    pub name_span: Span,
    pub expr: Expr,
    /// The whole attribute, name to end of value.
    pub span: Span,
}

/// `kind "label" "label" { body }`
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    pub kind: String,
    pub kind_span: Span,
    pub labels: Vec<String>,
    pub label_spans: Vec<Span>,
    pub body: Body,
    /// The whole block.
    pub span: Span,
}

impl Block {
    /// The span of the block's head: its identifier and labels.
    pub fn head_span(&self) -> Span {
        self.label_spans
            .last()
            .map(|l| self.kind_span.to(*l))
            .unwrap_or(self.kind_span)
    }

    /// The span of the block's labels (`"aws_s3_bucket" "exports"`), or of its
    /// identifier when it has none: where a finding about the block points.
    pub fn labels_span(&self) -> Span {
        match (self.label_spans.first(), self.label_spans.last()) {
            (Some(a), Some(b)) => a.to(*b),
            _ => self.kind_span,
        }
    }

    pub fn label(&self, i: usize) -> Option<&str> {
        self.labels.get(i).map(String::as_str)
    }
}

/// An expression of the Terraform language, with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Null,
    Bool(bool),
    Number(f64),
    /// A string with no interpolation.
    Str(String),
    /// A string with interpolations or directives.
    Template(Vec<TemplatePart>),
    Array(Vec<Expr>),
    /// Keys are expressions; a bare identifier key is a [`ExprKind::Str`].
    Object(Vec<(Expr, Expr)>),
    /// A root name: `var`, `local`, `each`, `count`, `module`, `data`, a
    /// resource type, a for-expression variable...
    Var(String),
    /// `expr.name`
    GetAttr(Box<Expr>, String),
    /// `expr[index]`
    Index(Box<Expr>, Box<Expr>),
    /// `expr[*].rest` or `expr.*.rest`: `rest` applies to each element.
    Splat(Box<Expr>, Vec<Traverse>),
    /// `name(args...)`; `expand` is true for a final `...` argument.
    Call {
        name: String,
        args: Vec<Expr>,
        expand: bool,
    },
    Conditional(Box<Expr>, Box<Expr>, Box<Expr>),
    Unary(UnaryOp, Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    For(Box<ForExpr>),
    /// Something cercle does not model; evaluates to unknown.
    Unsupported(String),
}

/// One step of a splat's rest.
#[derive(Clone, Debug, PartialEq)]
pub enum Traverse {
    Attr(String),
    Index(Expr),
}

/// A strip marker before a sequence (`${~`, `%{~`): the white space at the
/// end of the literal just before it goes, as in HCL (the literal stays,
/// empty if nothing else was left).
pub fn strip_before(parts: &mut [TemplatePart]) {
    if let Some(TemplatePart::Literal(s)) = parts.last_mut() {
        let keep = s.trim_end().len();
        s.truncate(keep);
    }
}

/// A strip marker after a sequence (`~}`): the white space at the start of
/// the literal just after it goes.
pub fn strip_after(parts: &mut [TemplatePart]) {
    if let Some(TemplatePart::Literal(s)) = parts.first_mut() {
        let cut = s.len() - s.trim_start().len();
        s.drain(..cut);
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum TemplatePart {
    Literal(String),
    Interp(Expr),
    If {
        cond: Expr,
        then: Vec<TemplatePart>,
        otherwise: Vec<TemplatePart>,
    },
    /// `%{ for }` directives are not evaluated: they make the string unknown.
    For(Span),
}

#[derive(Clone, Debug, PartialEq)]
pub struct ForExpr {
    pub key_var: Option<String>,
    pub value_var: String,
    pub collection: Expr,
    pub key: Option<Expr>,
    pub value: Expr,
    pub cond: Option<Expr>,
    pub grouping: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Neg,
    Not,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Eq,
    NotEq,
    Lt,
    LtEq,
    Gt,
    GtEq,
    And,
    Or,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

impl Expr {
    pub fn new(kind: ExprKind, span: Span) -> Expr {
        Expr { kind, span }
    }

    /// The literal string value, if this is a plain string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            ExprKind::Str(s) => Some(s),
            ExprKind::Template(parts) if parts.len() == 1 => match &parts[0] {
                TemplatePart::Literal(s) => Some(s),
                _ => None,
            },
            _ => None,
        }
    }

    /// A static traversal as its parts: `aws.us` -> `["aws", "us"]`,
    /// `module.x` -> `["module", "x"]`. Index steps are not accepted.
    pub fn as_path(&self) -> Option<Vec<&str>> {
        match &self.kind {
            ExprKind::Var(root) => Some(vec![root.as_str()]),
            ExprKind::GetAttr(base, name) => {
                let mut p = base.as_path()?;
                p.push(name.as_str());
                Some(p)
            }
            // Terraform JSON writes references as strings: "aws.us".
            ExprKind::Str(s) => {
                let parts: Vec<&str> = s.split('.').collect();
                if parts.iter().all(|p| is_ident(p)) {
                    Some(parts)
                } else {
                    None
                }
            }
            _ => None,
        }
    }
}

/// Whether `s` is an HCL identifier.
pub fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c.is_alphabetic() || c == '_' => {}
        _ => return false,
    }
    chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}
