//! The Terraform functions that real code uses to build a region or a name
//! (SPEC §4), grouped by kind as Terraform's own `lang/funcs` is. A function
//! that is not here, or that depends on the outside world (`timestamp`),
//! gives an unknown value naming the call.
//!
//! [`TABLE`] maps every name to its function; [`call`] deals with unknown
//! arguments and choices once for all of them, then checks the size of what
//! the function made ([`MAX_STRING`], [`MAX_LIST`]).
//!
//! Nothing here imports the evaluator: a function sees values only, and the
//! file functions ([`filesystem`]) are handed what they need.

mod collection;
mod conversion;
mod encoding;
pub mod filesystem;
mod format;
mod ipaddr;
mod numeric;
mod provider;
mod regex;
mod string;
mod yaml;

use crate::eval::value::{MAX_CHOICES, Origin, V, Val, map_alts};
use crate::source::Span;
use std::collections::BTreeMap;

/// A function: known arguments (no choice among them) to its value, or an
/// error message (without the function's name, which [`call`] adds).
type Func = fn(&[Val], Span) -> Result<Val, String>;

/// Every function evaluated here, sorted by name (a test checks it).
const TABLE: &[(&str, Func)] = &[
    ("abs", numeric::abs),
    ("alltrue", collection::alltrue),
    ("anytrue", collection::anytrue),
    ("basename", filesystem::basename),
    ("ceil", numeric::ceil),
    ("chomp", string::chomp),
    ("chunklist", collection::chunklist),
    ("cidrhost", ipaddr::cidrhost),
    ("cidrnetmask", ipaddr::cidrnetmask),
    ("cidrsubnet", ipaddr::cidrsubnet),
    ("cidrsubnets", ipaddr::cidrsubnets),
    ("coalesce", collection::coalesce),
    ("coalescelist", collection::coalescelist),
    ("compact", collection::compact),
    ("concat", collection::concat),
    ("contains", collection::contains),
    ("dirname", filesystem::dirname),
    ("distinct", collection::distinct),
    ("element", collection::element),
    ("endswith", string::endswith),
    ("flatten", collection::flatten),
    ("floor", numeric::floor),
    ("format", format::format),
    ("formatlist", format::formatlist),
    ("indent", string::indent),
    ("index", collection::index),
    ("join", string::join),
    ("jsondecode", encoding::jsondecode),
    ("jsonencode", encoding::jsonencode),
    ("keys", collection::keys),
    ("length", collection::length),
    ("lookup", collection::lookup),
    ("lower", string::lower),
    ("matchkeys", collection::matchkeys),
    ("max", numeric::max),
    ("merge", collection::merge),
    ("min", numeric::min),
    ("nonsensitive", conversion::identity),
    ("one", collection::one),
    ("provider::aws::arn_build", provider::arn_build),
    ("provider::aws::arn_parse", provider::arn_parse),
    ("range", collection::range),
    ("regex", regex::regex),
    ("regexall", regex::regexall),
    ("replace", string::replace),
    ("reverse", collection::reverse),
    ("sensitive", conversion::identity),
    ("setintersection", collection::setintersection),
    ("setproduct", collection::setproduct),
    ("setsubtract", collection::setsubtract),
    ("setunion", collection::setunion),
    ("slice", collection::slice),
    ("sort", collection::sort),
    ("split", string::split),
    ("startswith", string::startswith),
    ("strcontains", string::strcontains),
    ("strrev", string::strrev),
    ("substr", string::substr),
    ("sum", numeric::sum),
    ("title", string::title),
    ("tobool", conversion::tobool),
    ("tolist", conversion::tolist),
    ("tomap", conversion::tomap),
    ("tonumber", conversion::tonumber),
    ("toset", conversion::toset),
    ("tostring", conversion::tostring),
    ("transpose", collection::transpose),
    ("trim", string::trim),
    ("trimprefix", string::trimprefix),
    ("trimspace", string::trimspace),
    ("trimsuffix", string::trimsuffix),
    ("type", conversion::type_of),
    ("upper", string::upper),
    ("urlencode", encoding::urlencode),
    ("values", collection::values),
    ("yamldecode", encoding::yamldecode),
    ("zipmap", collection::zipmap),
];

/// Functions that only pick or rearrange elements: a collection holding an
/// unknown may still give them a known value.
const PICKERS: &[&str] = &[
    "alltrue",
    "anytrue",
    "coalescelist",
    "compact",
    "concat",
    "contains",
    "distinct",
    "element",
    "flatten",
    "index",
    "keys",
    "length",
    "lookup",
    "merge",
    "one",
    "reverse",
    "slice",
    "tolist",
    "tomap",
    "toset",
    "values",
    "zipmap",
];

/// The longest string a function may make, in bytes (16 MiB): past it the
/// call is an error naming the bound, never an allocation of gigabytes.
pub const MAX_STRING: usize = 16 << 20;

/// The most elements a function may put in a list it makes.
pub const MAX_LIST: usize = 1_000_000;

fn lookup_fn(name: &str) -> Option<Func> {
    TABLE
        .binary_search_by(|(n, _)| n.cmp(&name))
        .ok()
        .map(|i| TABLE[i].1)
}

/// Calls function `name` on evaluated arguments. `text` gives the call's
/// source, used to name it when it cannot be evaluated (built only then: most
/// calls are evaluated).
pub fn call(name: &str, args: &[Val], span: Span, text: &dyn Fn() -> String) -> Val {
    let name = name.strip_prefix("core::").unwrap_or(name);
    let Some(f) = lookup_fn(name) else {
        return Val::unknown(
            span,
            format!("{} (function {name} is not evaluated statically)", text()),
        );
    };
    // Functions that look inside unknowns themselves.
    if name == "coalesce" {
        return map_alts(args, |a| {
            collection::coalesce(a, span).unwrap_or_else(|msg| Val::error(span, msg))
        });
    }
    if let Some(v) = lookup_through_key(name, args, span, text) {
        return v;
    }
    map_alts(args, |a| {
        if let Some(u) = a.iter().find(|x| x.is_unknown() || contains_unknown(x)) {
            if u.is_unknown() {
                return u.clone();
            }
            if !PICKERS.contains(&name) {
                return Val::unknown(span, format!("{} (an argument is unknown)", text()));
            }
        }
        f(a, span)
            .and_then(bounded)
            .unwrap_or_else(|msg| Val::error(span, format!("{name}: {msg}")))
    })
}

/// `lookup` and `element` with a key that the map has, or that is not known
/// statically: `None` when the general path applies.
fn lookup_through_key(
    name: &str,
    args: &[Val],
    span: Span,
    text: &dyn Fn() -> String,
) -> Option<Val> {
    // A key the map has: the value came through the map and the key, not
    // through the default it did not use (its origins would mislead).
    if name == "lookup"
        && let [m, k, _] = args
        && let V::Map(entries) = &m.v
        && let Some(v) = k.as_str().and_then(|k| entries.get(k))
    {
        return Some(v.clone().with_via(&m.via).with_via(&k.via));
    }
    // A key or index that is not known statically (a variable with no value,
    // a value known only after apply) into a known map or list: the value is
    // one of its elements, or the default, each checked (SPEC §4).
    let k = args.get(1)?;
    let c = args.first()?;
    if !(k.as_unknown().is_some_and(|u| !u.error)
        && (name == "lookup" || (name == "element" && matches!(c.v, V::List(_)))))
    {
        return None;
    }
    let mut xs = crate::eval::value::elements(c)?;
    if xs.is_empty() || xs.len() >= MAX_CHOICES || xs.iter().any(contains_unknown) {
        return None;
    }
    if name == "lookup"
        && let Some(d) = args.get(2)
    {
        xs.push(d.clone());
    }
    let why = Origin {
        span,
        message: format!(
            "one value of {}: the key or index is not known statically",
            text()
        )
        .into(),
        resource: None,
    };
    Some(Val::choice(xs).with_via(&c.via).through(why))
}

/// The value a function made, if within [`MAX_STRING`] and [`MAX_LIST`]
/// (functions that could make more check before they allocate).
fn bounded(v: Val) -> Result<Val, String> {
    match &v.v {
        V::Str(t) => check_len(t.len())?,
        V::List(xs) => check_count(xs.len())?,
        _ => {}
    }
    Ok(v)
}

/// `Err` naming the bound when a string of `len` bytes would be too long.
pub(crate) fn check_len(len: usize) -> Result<(), String> {
    if len > MAX_STRING {
        return Err(format!(
            "the result would be longer than {MAX_STRING} bytes, the bound on a string"
        ));
    }
    Ok(())
}

/// `Err` naming the bound when a list of `count` elements would be too long.
pub(crate) fn check_count(count: usize) -> Result<(), String> {
    if count > MAX_LIST {
        return Err(format!(
            "the result would have more than {MAX_LIST} elements, the bound on a list"
        ));
    }
    Ok(())
}

fn contains_unknown(v: &Val) -> bool {
    match &v.v {
        V::Unknown(_) => true,
        V::List(xs) => xs.iter().any(contains_unknown),
        V::Map(m) => m.values().any(contains_unknown),
        V::Choice(xs) => xs.iter().any(contains_unknown),
        _ => false,
    }
}

/// A string argument.
pub(crate) fn s(v: &Val) -> Result<String, String> {
    v.to_string_value()
        .ok_or_else(|| format!("expected a string, got a {}", v.type_name()))
}

/// A number argument, or a string that reads as one.
pub(crate) fn n(v: &Val) -> Result<f64, String> {
    match &v.v {
        V::Num(x) => Ok(*x),
        V::Str(t) => t.parse().map_err(|_| format!("{t:?} is not a number")),
        _ => Err(format!("expected a number, got a {}", v.type_name())),
    }
}

/// A list argument (null is an empty list).
fn list(v: &Val) -> Result<Vec<Val>, String> {
    match &v.v {
        V::List(xs) => Ok(xs.to_vec()),
        V::Null => Ok(Vec::new()),
        _ => Err(format!("expected a list, got a {}", v.type_name())),
    }
}

/// A list argument, null refused.
fn items(v: &Val) -> Result<Vec<Val>, String> {
    match &v.v {
        V::List(xs) => Ok(xs.to_vec()),
        _ => Err(format!("expected a list, got a {}", v.type_name())),
    }
}

/// A map argument (null is an empty map).
fn map(v: &Val) -> Result<BTreeMap<String, Val>, String> {
    match &v.v {
        V::Map(m) => Ok((**m).clone()),
        V::Null => Ok(BTreeMap::new()),
        _ => Err(format!("expected a map, got a {}", v.type_name())),
    }
}

/// Argument `i`.
fn arg(a: &[Val], i: usize) -> Result<&Val, String> {
    a.get(i)
        .ok_or_else(|| format!("missing argument {}", i + 1))
}

/// A function of one string argument to a string.
fn str_fn(a: &[Val], f: impl Fn(&str) -> String) -> Result<Val, String> {
    Ok(Val::str(&f(&s(arg(a, 0)?)?)))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Calls `name` as the evaluator does.
    pub(crate) fn run(name: &str, args: Vec<Val>) -> Val {
        call(name, &args, Span::default(), &|| name.to_string())
    }

    pub(crate) fn strs(xs: &[&str]) -> Val {
        Val::list(xs.iter().map(|x| Val::str(x)).collect())
    }

    /// The message of an error value.
    pub(crate) fn error_of(v: &Val) -> String {
        match v.as_unknown() {
            Some(u) if u.error => u.what.clone(),
            _ => panic!("not an error: {v:?}"),
        }
    }

    #[test]
    fn the_table_is_sorted_and_has_no_duplicate() {
        for w in TABLE.windows(2) {
            assert!(w[0].0 < w[1].0, "{} before {}", w[0].0, w[1].0);
        }
        for p in PICKERS {
            assert!(lookup_fn(p).is_some(), "{p}");
        }
    }

    #[test]
    fn an_unknown_function_is_unknown_naming_the_call() {
        let v = run("timestamp", vec![]);
        let u = v.as_unknown().unwrap();
        assert!(!u.error);
        assert!(
            u.what.contains("function timestamp is not evaluated"),
            "{}",
            u.what
        );
        assert_eq!(run("core::upper", vec![Val::str("a")]), Val::str("A"));
    }

    #[test]
    fn an_unknown_argument_makes_the_value_unknown_except_for_pickers() {
        let u = Val::unknown(Span::default(), "var.x");
        assert!(run("upper", vec![u.clone()]).is_unknown());
        let l = Val::list(vec![Val::str("a"), u]);
        assert_eq!(run("length", vec![l.clone()]), Val::num(2.0));
        assert!(run("join", vec![Val::str(","), l]).is_unknown());
    }

    #[test]
    fn lookup_of_a_present_key_does_not_come_through_the_default() {
        let why = |m: &str| Origin {
            span: Span::default(),
            message: m.into(),
            resource: None,
        };
        let mut entries = BTreeMap::new();
        entries.insert(
            "zone".to_string(),
            Val::str("europe-west1-d").through(why("replica zone")),
        );
        let default = Val::str("us-central1-c").through(why("local.zone"));
        let got = run(
            "lookup",
            vec![Val::map(entries.clone()), Val::str("zone"), default.clone()],
        );
        assert_eq!(got, Val::str("europe-west1-d"));
        let said: Vec<String> = got
            .origins()
            .into_iter()
            .map(|o| o.message.to_string())
            .collect();
        assert!(said.contains(&"replica zone".to_string()), "{said:?}");
        assert!(!said.contains(&"local.zone".to_string()), "{said:?}");
        // A missing key takes the default, and says so.
        let got = run("lookup", vec![Val::map(entries), Val::str("tier"), default]);
        assert_eq!(got, Val::str("us-central1-c"));
        let said: Vec<String> = got
            .origins()
            .into_iter()
            .map(|o| o.message.to_string())
            .collect();
        assert!(said.contains(&"local.zone".to_string()), "{said:?}");
    }

    #[test]
    fn a_key_not_known_statically_gives_one_of_the_elements() {
        let m = Val::map(BTreeMap::from([
            ("a".to_string(), Val::str("eu-west-3")),
            ("b".to_string(), Val::str("eu-west-1")),
        ]));
        let k = Val::unknown(Span::default(), "var.k");
        let v = run("lookup", vec![m, k, Val::str("us-east-1")]);
        let V::Choice(xs) = &v.v else { panic!("{v:?}") };
        assert_eq!(xs.len(), 3);
    }
}
