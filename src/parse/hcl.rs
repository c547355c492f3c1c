//! HCL files (`.tf`, `.tofu`, `.tfvars`) into the [model](crate::model), with
//! hcl-edit, keeping every node's span.

use crate::model::{
    Attribute, BinaryOp, Block, Body, Expr, ExprKind, ForExpr, TemplatePart, Traverse, UnaryOp,
};
use crate::source::{FileId, Span};
use hcl_edit::Span as _;
use hcl_edit::expr::{self as hx, Expression, TraversalOperator};
use hcl_edit::structure as hs;
use hcl_edit::template as ht;

pub use super::error::SyntaxError;

/// Parses a whole HCL file: with the [fast parser](super::fast) when it is
/// sure of the text, else with hcl-edit (whose errors are the ones reported).
pub fn parse_body(text: &str, file: FileId) -> Result<Body, SyntaxError> {
    match super::fast::parse(text, file) {
        Ok(body) => Ok(body),
        Err(Some(e)) => Err(e),
        Err(None) => parse_body_hcl_edit(text, file),
    }
}

/// Parses a whole HCL file with hcl-edit: the reference the fast parser is
/// checked against, and the source of syntax errors.
pub fn parse_body_hcl_edit(text: &str, file: FileId) -> Result<Body, SyntaxError> {
    let body = hcl_edit::parser::parse_body(text).map_err(|e| SyntaxError {
        offset: e.location().offset(),
        message: first_line(e.message()),
    })?;
    let conv = Conv { file, base: 0 };
    Ok(conv.body(&body, Span::new(file, 0, text.len())))
}

/// Parses a template string (a Terraform JSON string value) whose text starts
/// at byte `base` of file `file`. Spans are exact when the JSON string has no
/// escape sequences, and stay within the string otherwise.
pub fn parse_template(text: &str, file: FileId, base: usize) -> Result<Expr, SyntaxError> {
    let whole = Span::new(file, base, base + text.len());
    if !text.contains("${") && !text.contains("%{") {
        return Ok(Expr::new(ExprKind::Str(text.to_string()), whole));
    }
    let tpl = hcl_edit::parser::parse_template(text).map_err(|e| SyntaxError {
        offset: base + e.location().offset(),
        message: first_line(e.message()),
    })?;
    let conv = Conv { file, base };
    Ok(conv.template_expr(&tpl, whole))
}

/// Parses one expression (a `--var` value) held in `text`.
pub fn parse_expr(text: &str, file: FileId) -> Result<Expr, SyntaxError> {
    let e = hcl_edit::parser::parse_expr(text).map_err(|e| SyntaxError {
        offset: e.location().offset(),
        message: first_line(e.message()),
    })?;
    let conv = Conv { file, base: 0 };
    Ok(conv.expr(&e, Span::new(file, 0, text.len())))
}

fn first_line(s: &str) -> String {
    s.lines()
        .next()
        .unwrap_or("syntax error")
        .trim()
        .to_string()
}

struct Conv {
    file: FileId,
    base: usize,
}

impl Conv {
    fn span(&self, s: Option<std::ops::Range<usize>>, fallback: Span) -> Span {
        match s {
            Some(r) => Span::new(self.file, self.base + r.start, self.base + r.end),
            None => fallback,
        }
    }

    fn body(&self, body: &hs::Body, parent: Span) -> Body {
        // Sized exactly: the model of every file is held for the whole run.
        let blocks = body.iter().filter(|s| s.is_block()).count();
        let mut out = Body {
            attrs: Vec::with_capacity(body.len() - blocks),
            blocks: Vec::with_capacity(blocks),
        };
        for s in body.iter() {
            match s {
                hs::Structure::Attribute(a) => out.attrs.push(self.attribute(a, parent)),
                hs::Structure::Block(b) => out.blocks.push(self.block(b, parent)),
            }
        }
        out
    }

    fn attribute(&self, a: &hs::Attribute, parent: Span) -> Attribute {
        let span = self.span(a.span(), parent);
        let name_span = self.span(a.key.span(), span);
        Attribute {
            name: a.key.as_str().to_string(),
            name_span,
            expr: self.expr(&a.value, span),
            span,
        }
    }

    fn block(&self, b: &hs::Block, parent: Span) -> Block {
        let span = self.span(b.span(), parent);
        let kind_span = self.span(b.ident.span(), span);
        Block {
            kind: b.ident.as_str().to_string(),
            kind_span,
            labels: b.labels.iter().map(|l| l.as_str().to_string()).collect(),
            label_spans: b.labels.iter().map(|l| self.span(l.span(), span)).collect(),
            body: self.body(&b.body, span),
            span,
        }
    }

    fn expr(&self, e: &Expression, parent: Span) -> Expr {
        let span = self.span(e.span(), parent);
        let kind = match e {
            Expression::Null(_) => ExprKind::Null,
            Expression::Bool(b) => ExprKind::Bool(*b.value()),
            Expression::Number(n) => ExprKind::Number(n.value().as_f64().unwrap_or(f64::NAN)),
            Expression::String(s) => ExprKind::Str(s.value().to_string()),
            Expression::Array(a) => ExprKind::Array(a.iter().map(|x| self.expr(x, span)).collect()),
            Expression::Object(o) => ExprKind::Object(
                o.iter()
                    .map(|(k, v)| {
                        let key = match k {
                            hx::ObjectKey::Ident(id) => Expr::new(
                                ExprKind::Str(id.as_str().to_string()),
                                self.span(id.span(), span),
                            ),
                            hx::ObjectKey::Expression(x) => self.expr(x, span),
                        };
                        (key, self.expr(v.expr(), span))
                    })
                    .collect(),
            ),
            Expression::StringTemplate(t) => return self.template_expr(t, span),
            Expression::HeredocTemplate(h) => return self.template_expr(&h.template, span),
            Expression::Parenthesis(p) => return self.expr(p.inner(), span),
            Expression::Variable(v) => ExprKind::Var(v.as_str().to_string()),
            Expression::Conditional(c) => ExprKind::Conditional(
                Box::new(self.expr(&c.cond_expr, span)),
                Box::new(self.expr(&c.true_expr, span)),
                Box::new(self.expr(&c.false_expr, span)),
            ),
            Expression::FuncCall(f) => {
                let mut name = String::new();
                for ns in &f.name.namespace {
                    name.push_str(ns.as_str());
                    name.push_str("::");
                }
                name.push_str(f.name.name.as_str());
                ExprKind::Call {
                    name,
                    args: f.args.iter().map(|a| self.expr(a, span)).collect(),
                    expand: f.args.expand_final(),
                }
            }
            Expression::Traversal(t) => return self.traversal(t, span),
            Expression::UnaryOp(u) => ExprKind::Unary(
                match u.operator.value() {
                    hx::UnaryOperator::Neg => UnaryOp::Neg,
                    hx::UnaryOperator::Not => UnaryOp::Not,
                },
                Box::new(self.expr(&u.expr, span)),
            ),
            Expression::BinaryOp(b) => {
                use hx::BinaryOperator as B;
                let op = match b.operator.value() {
                    B::Eq => BinaryOp::Eq,
                    B::NotEq => BinaryOp::NotEq,
                    B::LessEq => BinaryOp::LtEq,
                    B::GreaterEq => BinaryOp::GtEq,
                    B::Less => BinaryOp::Lt,
                    B::Greater => BinaryOp::Gt,
                    B::Plus => BinaryOp::Add,
                    B::Minus => BinaryOp::Sub,
                    B::Mul => BinaryOp::Mul,
                    B::Div => BinaryOp::Div,
                    B::Mod => BinaryOp::Mod,
                    B::And => BinaryOp::And,
                    B::Or => BinaryOp::Or,
                };
                ExprKind::Binary(
                    op,
                    Box::new(self.expr(&b.lhs_expr, span)),
                    Box::new(self.expr(&b.rhs_expr, span)),
                )
            }
            Expression::ForExpr(f) => ExprKind::For(Box::new(ForExpr {
                key_var: f.intro.key_var.as_ref().map(|k| k.as_str().to_string()),
                value_var: f.intro.value_var.as_str().to_string(),
                collection: self.expr(&f.intro.collection_expr, span),
                key: f.key_expr.as_ref().map(|k| self.expr(k, span)),
                value: self.expr(&f.value_expr, span),
                cond: f.cond.as_ref().map(|c| self.expr(&c.expr, span)),
                grouping: f.grouping,
            })),
        };
        Expr::new(kind, span)
    }

    fn traversal(&self, t: &hx::Traversal, span: Span) -> Expr {
        let mut cur = self.expr(&t.expr, span);
        let mut ops = t.operators.iter().peekable();
        while let Some(op) = ops.next() {
            let op_span = self.span(op.span(), span);
            let whole = cur.span.to(op_span);
            match op.value() {
                TraversalOperator::GetAttr(id) => {
                    cur = Expr::new(
                        ExprKind::GetAttr(Box::new(cur), id.as_str().to_string()),
                        whole,
                    )
                }
                TraversalOperator::Index(ix) => {
                    let ix = self.expr(ix, op_span);
                    cur = Expr::new(ExprKind::Index(Box::new(cur), Box::new(ix)), whole)
                }
                TraversalOperator::LegacyIndex(n) => {
                    let ix = Expr::new(ExprKind::Number(*n.value() as f64), op_span);
                    cur = Expr::new(ExprKind::Index(Box::new(cur), Box::new(ix)), whole)
                }
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    let mut rest = Vec::new();
                    let mut end = whole;
                    for op in ops.by_ref() {
                        let s = self.span(op.span(), span);
                        end = end.to(s);
                        match op.value() {
                            TraversalOperator::GetAttr(id) => {
                                rest.push(Traverse::Attr(id.as_str().to_string()))
                            }
                            TraversalOperator::Index(ix) => {
                                rest.push(Traverse::Index(self.expr(ix, s)))
                            }
                            TraversalOperator::LegacyIndex(n) => rest.push(Traverse::Index(
                                Expr::new(ExprKind::Number(*n.value() as f64), s),
                            )),
                            // A second splat: keep the rest unknown.
                            _ => rest.push(Traverse::Attr("*".to_string())),
                        }
                    }
                    cur = Expr::new(ExprKind::Splat(Box::new(cur), rest), end);
                }
            }
        }
        cur
    }

    fn template_expr(&self, t: &ht::Template, span: Span) -> Expr {
        let parts = self.template(t, span);
        // `"${var.x}"` alone is the value of var.x, not a string of it.
        if let [TemplatePart::Interp(e)] = parts.as_slice() {
            return e.clone();
        }
        if parts.is_empty() {
            return Expr::new(ExprKind::Str(String::new()), span);
        }
        if let [TemplatePart::Literal(s)] = parts.as_slice() {
            return Expr::new(ExprKind::Str(s.clone()), span);
        }
        Expr::new(ExprKind::Template(parts), span)
    }

    /// A template's parts, with HCL's strip markers applied: `${~`/`%{~`
    /// remove the white space ending the literal before, `~}` the white
    /// space starting the literal after (hcl-edit keeps the source text).
    fn template(&self, t: &ht::Template, span: Span) -> Vec<TemplatePart> {
        use crate::model::{strip_after, strip_before};
        let mut out = Vec::with_capacity(t.len());
        let mut ltrim = false;
        for el in t.iter() {
            let trim_next = std::mem::take(&mut ltrim);
            match el {
                ht::Element::Literal(s) => {
                    let mut part = vec![TemplatePart::Literal(s.as_str().to_string())];
                    if trim_next {
                        strip_after(&mut part);
                    }
                    out.extend(part);
                }
                ht::Element::Interpolation(i) => {
                    if i.strip.strip_start() {
                        strip_before(&mut out);
                    }
                    out.push(TemplatePart::Interp(self.expr(&i.expr, span)));
                    ltrim = i.strip.strip_end();
                }
                ht::Element::Directive(d) => match d.as_ref() {
                    ht::Directive::If(ifd) => {
                        if ifd.if_expr.strip.strip_start() {
                            strip_before(&mut out);
                        }
                        let mut then = self.template(&ifd.if_expr.template, span);
                        if ifd.if_expr.strip.strip_end() {
                            strip_after(&mut then);
                        }
                        let mut otherwise = Vec::new();
                        if let Some(e) = &ifd.else_expr {
                            if e.strip.strip_start() {
                                strip_before(&mut then);
                            }
                            otherwise = self.template(&e.template, span);
                            if e.strip.strip_end() {
                                strip_after(&mut otherwise);
                            }
                        }
                        if ifd.endif_expr.strip.strip_start() {
                            match &ifd.else_expr {
                                Some(_) => strip_before(&mut otherwise),
                                None => strip_before(&mut then),
                            }
                        }
                        out.push(TemplatePart::If {
                            cond: self.expr(&ifd.if_expr.cond_expr, span),
                            then,
                            otherwise,
                        });
                        ltrim = ifd.endif_expr.strip.strip_end();
                    }
                    ht::Directive::For(f) => {
                        if f.for_expr.strip.strip_start() {
                            strip_before(&mut out);
                        }
                        out.push(TemplatePart::For(self.span(f.span(), span)));
                        ltrim = f.endfor_expr.strip.strip_end();
                    }
                },
            }
        }
        out
    }
}
