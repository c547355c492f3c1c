//! Values of the static evaluator, with their provenance.
//!
//! A [`Val`] is a Terraform value, an [`Unknown`] (something that cannot be
//! known before apply, with the span of the expression), or a choice between
//! several values (a conditional on an unknown, say): every alternative is
//! kept. Each value carries the chain of places it came through
//! ([`Origin`]s), so a diagnostic can show them.

use crate::source::Span;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::rc::Rc;

/// At most this many alternatives are kept for one value.
pub const MAX_CHOICES: usize = 64;

/// At most this many origins are kept on one value. A value combined with
/// itself over and over (`concat(local.a, local.a)` through 30 locals) would
/// otherwise carry a chain that doubles at each step; past the bound the
/// chain keeps each origin once, newest first, up to the bound.
pub const MAX_VIA: usize = 1000;

/// The length of `via`, counted up to `limit` + 1.
fn chain_len(via: &Via, limit: usize) -> usize {
    let mut n = 0;
    let mut cur = via.as_ref();
    while let Some(c) = cur
        && n <= limit
    {
        n += 1;
        cur = c.next.as_ref();
    }
    n
}

/// `mine` then the origins of `theirs`, each once, at most [`MAX_VIA`].
fn bounded_chain(mine: Vec<Origin>, theirs: &Via) -> Via {
    let mut all: Vec<Origin> = Vec::new();
    let mut cur = theirs.as_ref();
    let mut rest = Vec::new();
    while let Some(c) = cur {
        rest.push(c.origin.clone());
        cur = c.next.as_ref();
    }
    for o in mine.into_iter().chain(rest) {
        if all.len() < MAX_VIA && !all.contains(&o) {
            all.push(o);
        }
    }
    let mut out = None;
    for origin in all.into_iter().rev() {
        out = Some(Rc::new(Chain { origin, next: out }));
    }
    out
}

/// A place a value came through.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    pub span: Span,
    /// Shared: origins are copied along with every value that came through
    /// them.
    pub message: Rc<str>,
    /// When the value was read from a resource's attribute: that resource
    /// (module instance, index in its module's resources, instance key).
    pub resource: Option<ResourceRef>,
}

/// A resource instance a value was read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceRef {
    pub inst: usize,
    pub decl: usize,
    pub key: Option<Key>,
}

/// An instance key: `[0]` or `["paris"]`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Key {
    Int(i64),
    Str(String),
}

impl Key {
    /// As Terraform writes it in an address: `[0]`, `["a"]`.
    pub fn address(&self) -> String {
        match self {
            Key::Int(i) => format!("[{i}]"),
            Key::Str(s) => {
                let mut out = String::from("[\"");
                for c in s.chars() {
                    match c {
                        '"' => out.push_str("\\\""),
                        '\\' => out.push_str("\\\\"),
                        c => out.push(c),
                    }
                }
                out.push_str("\"]");
                out
            }
        }
    }
}

/// The chain of origins, newest first.
#[derive(Debug)]
pub struct Chain {
    pub origin: Origin,
    pub next: Via,
}

pub type Via = Option<Rc<Chain>>;

/// Something that cannot be known statically.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unknown {
    pub span: Span,
    /// What could not be resolved: the expression, and why.
    pub what: String,
    /// An evaluation error (missing attribute, bad index) rather than a value
    /// known only at apply time; `try` and `can` catch these.
    pub error: bool,
}

#[derive(Clone, Debug)]
pub enum V {
    Null,
    Bool(bool),
    Num(f64),
    Str(Rc<str>),
    List(Rc<Vec<Val>>),
    Map(Rc<BTreeMap<String, Val>>),
    Unknown(Rc<Unknown>),
    /// One of several values; never nested, never empty.
    Choice(Rc<Vec<Val>>),
}

#[derive(Clone, Debug)]
pub struct Val {
    pub v: V,
    pub via: Via,
}

impl PartialEq for Val {
    fn eq(&self, other: &Val) -> bool {
        match (&self.v, &other.v) {
            (V::Null, V::Null) => true,
            (V::Bool(a), V::Bool(b)) => a == b,
            (V::Num(a), V::Num(b)) => a == b,
            (V::Str(a), V::Str(b)) => a == b,
            (V::List(a), V::List(b)) => a == b,
            (V::Map(a), V::Map(b)) => a == b,
            (V::Unknown(a), V::Unknown(b)) => a == b,
            (V::Choice(a), V::Choice(b)) => a == b,
            _ => false,
        }
    }
}

impl Val {
    pub fn new(v: V) -> Val {
        Val { v, via: None }
    }
    pub fn null() -> Val {
        Val::new(V::Null)
    }
    pub fn str(s: &str) -> Val {
        Val::new(V::Str(Rc::from(s)))
    }
    pub fn num(n: f64) -> Val {
        Val::new(V::Num(n))
    }
    pub fn bool(b: bool) -> Val {
        Val::new(V::Bool(b))
    }
    pub fn list(items: Vec<Val>) -> Val {
        Val::new(V::List(Rc::new(items)))
    }
    pub fn map(m: BTreeMap<String, Val>) -> Val {
        Val::new(V::Map(Rc::new(m)))
    }
    pub fn unknown(span: Span, what: impl Into<String>) -> Val {
        Val::new(V::Unknown(Rc::new(Unknown {
            span,
            what: what.into(),
            error: false,
        })))
    }
    pub fn error(span: Span, what: impl Into<String>) -> Val {
        Val::new(V::Unknown(Rc::new(Unknown {
            span,
            what: what.into(),
            error: true,
        })))
    }

    /// Adds an origin at the head of the chain.
    pub fn through(mut self, origin: Origin) -> Val {
        self.via = Some(Rc::new(Chain {
            origin,
            next: self.via.take(),
        }));
        self
    }

    /// Keeps the value, takes the provenance of `other` after its own.
    pub fn with_via(mut self, via: &Via) -> Val {
        if self.via.is_none() {
            self.via = via.clone();
        } else if via.is_some() {
            // Prepend our chain onto theirs.
            let mut mine = self.origins();
            if mine.len() + chain_len(via, MAX_VIA) > MAX_VIA {
                self.via = bounded_chain(mine, via);
                return self;
            }
            mine.reverse();
            let mut out = via.clone();
            for o in mine {
                out = Some(Rc::new(Chain {
                    origin: o,
                    next: out,
                }));
            }
            self.via = out;
        }
        self
    }

    /// The origins, newest first.
    pub fn origins(&self) -> Vec<Origin> {
        let mut out = Vec::new();
        let mut cur = self.via.as_ref();
        while let Some(c) = cur {
            out.push(c.origin.clone());
            cur = c.next.as_ref();
        }
        out
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self.v, V::Unknown(_))
    }

    pub fn as_unknown(&self) -> Option<&Unknown> {
        match &self.v {
            V::Unknown(u) => Some(u),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.v {
            V::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The alternatives of a value (itself when it is not a choice).
    /// The alternatives as they are stored, without [`Val::alts`]'s copy of
    /// each with the choice's own origins added: enough to look at what they
    /// are, not at where they came from, and it allocates nothing.
    pub fn alt_values(&self) -> &[Val] {
        match &self.v {
            V::Choice(xs) => xs,
            _ => std::slice::from_ref(self),
        }
    }

    pub fn alts(&self) -> Vec<Val> {
        match &self.v {
            V::Choice(xs) => xs.iter().map(|x| x.clone().with_via(&self.via)).collect(),
            _ => vec![self.clone()],
        }
    }

    /// A value that is one of `vals` (flattened, deduplicated, capped).
    pub fn choice(vals: Vec<Val>) -> Val {
        let mut out: Vec<Val> = Vec::new();
        for v in vals {
            for a in v.alts() {
                if !out.contains(&a) {
                    if out.len() >= MAX_CHOICES {
                        break;
                    }
                    out.push(a);
                }
            }
        }
        match out.len() {
            0 => Val::null(),
            1 => out.pop().unwrap_or_else(Val::null),
            _ => Val::new(V::Choice(Rc::new(out))),
        }
    }

    /// Converts to a string as Terraform does for templates: numbers and bools
    /// are converted; `None` for null, collections and unknowns.
    pub fn to_string_value(&self) -> Option<String> {
        match &self.v {
            V::Str(s) => Some(s.to_string()),
            V::Num(n) => Some(fmt_num(*n)),
            V::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    pub fn type_name(&self) -> &'static str {
        match &self.v {
            V::Null => "null",
            V::Bool(_) => "bool",
            V::Num(_) => "number",
            V::Str(_) => "string",
            V::List(_) => "list",
            V::Map(_) => "object",
            V::Unknown(_) => "unknown",
            V::Choice(_) => "choice",
        }
    }

    /// A short rendering for messages and tests.
    pub fn render(&self) -> String {
        let mut s = String::new();
        render(self, &mut s);
        s
    }
}

pub fn fmt_num(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

fn render(v: &Val, out: &mut String) {
    match &v.v {
        V::Null => out.push_str("null"),
        V::Bool(b) => write!(out, "{b}").unwrap_or(()),
        V::Num(n) => out.push_str(&fmt_num(*n)),
        V::Str(s) => write!(out, "{s:?}").unwrap_or(()),
        V::List(xs) => {
            out.push('[');
            for (i, x) in xs.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                render(x, out);
            }
            out.push(']');
        }
        V::Map(m) => {
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write!(out, "{k} = ").unwrap_or(());
                render(x, out);
            }
            out.push('}');
        }
        V::Unknown(u) => write!(out, "(unknown: {})", u.what).unwrap_or(()),
        V::Choice(xs) => {
            out.push_str("one of (");
            for (i, x) in xs.iter().enumerate() {
                if i > 0 {
                    out.push_str(" | ");
                }
                render(x, out);
            }
            out.push(')');
        }
    }
}

/// The elements of a list, or the values of a map.
pub fn elements(v: &Val) -> Option<Vec<Val>> {
    match &v.v {
        V::List(xs) => Some(xs.to_vec()),
        V::Map(m) => Some(m.values().cloned().collect()),
        _ => None,
    }
}

/// Applies `f` to every combination of the alternatives of `args`.
pub fn map_alts(args: &[Val], f: impl Fn(&[Val]) -> Val) -> Val {
    if !args.iter().any(|a| matches!(a.v, V::Choice(_))) {
        let v = f(args);
        return args.iter().fold(v, |acc, a| acc.with_via(&a.via));
    }
    // The combinations are the first MAX_CHOICES of the product of the
    // arguments' alternatives in lexicographic order (the first argument
    // varies slowest), enumerated by a mixed-radix counter: linear in the
    // number of arguments. Building them argument by argument cloned every
    // partial combination at each argument, quadratic: `sort(x, (c ? 1 : 2),
    // range(65536)...)` took minutes (fuzz_evaluator, seed 0x1352956).
    let alts: Vec<Vec<Val>> = args.iter().map(Val::alts).collect();
    let count = alts
        .iter()
        .fold(1usize, |n, a| n.saturating_mul(a.len()).min(MAX_CHOICES));
    let mut digits = vec![0usize; alts.len()];
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        let combo: Vec<Val> = alts
            .iter()
            .zip(&digits)
            .map(|(a, &d)| a[d].clone())
            .collect();
        out.push(combo.iter().fold(f(&combo), |acc, a| acc.with_via(&a.via)));
        for (d, a) in digits.iter_mut().zip(&alts).rev() {
            if a.len() > 1 {
                *d += 1;
                if *d < a.len() {
                    break;
                }
                *d = 0;
            }
        }
    }
    Val::choice(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_combined_with_itself_keeps_a_bounded_chain() {
        let why = |i: usize| Origin {
            span: Span::default(),
            message: format!("local.e{i}").into(),
            resource: None,
        };
        let mut v = Val::str("eu-west-3").through(why(0));
        for i in 1..=40 {
            let w = v.clone();
            v = map_alts(&[w.clone(), w], |_| Val::str("eu-west-3")).through(why(i));
        }
        let origins = v.origins();
        assert!(origins.len() <= MAX_VIA + 1, "{}", origins.len());
        assert_eq!(&*origins[0].message, "local.e40");
        assert!(origins.iter().any(|o| &*o.message == "local.e0"));
        // A short chain is kept as it is, repeats included.
        let a = Val::null().through(why(1));
        let b = Val::null().through(why(1));
        assert_eq!(a.with_via(&b.via).origins().len(), 2);
    }
}
