//! The Terraform functions that real code uses to build a region or a name
//! (SPEC §4). A function that is not here, or that depends on the outside
//! world (`file`, `timestamp`), gives an unknown value naming the call.

pub mod filesystem;
pub mod more;

use crate::eval::map_alts;
use crate::eval::value::{V, Val, fmt_num};
use crate::source::Span;
use std::collections::BTreeMap;

/// Calls function `name` on evaluated arguments. `text` gives the call's
/// source, used to name it when it cannot be evaluated (built only then: most
/// calls are evaluated).
pub fn call(name: &str, args: &[Val], span: Span, text: &dyn Fn() -> String) -> Val {
    let name = name.strip_prefix("core::").unwrap_or(name);
    let unknown_fn = || {
        Val::unknown(
            span,
            format!("{} (function {name} is not evaluated statically)", text()),
        )
    };
    if !KNOWN.contains(&name) && !crate::eval::funcs::more::NAMES.contains(&name) {
        return unknown_fn();
    }
    // Functions that look inside unknowns themselves.
    if name == "coalesce" {
        return map_alts(args, |a| {
            for x in a {
                match &x.v {
                    V::Null => continue,
                    V::Str(s) if s.is_empty() => continue,
                    _ => return x.clone(),
                }
            }
            Val::error(span, "coalesce: no non-null argument")
        });
    }
    // A key the map has: the value came through the map and the key, not
    // through the default it did not use (its origins would mislead).
    if name == "lookup"
        && let [m, k, _] = args
        && let V::Map(entries) = &m.v
        && let Some(v) = k.as_str().and_then(|k| entries.get(k))
    {
        return v.clone().with_via(&m.via).with_via(&k.via);
    }
    // A key or index that is not known statically (a variable with no value,
    // a value known only after apply) into a known map or list: the value is
    // one of its elements, or the default, each checked (SPEC §4).
    if let Some(k) = args.get(1)
        && k.as_unknown().is_some_and(|u| !u.error)
        && let Some(c) = args.first()
        && (name == "lookup" || (name == "element" && matches!(c.v, V::List(_))))
        && let Some(mut xs) = crate::eval::elements(c)
        && !xs.is_empty()
        && xs.len() < crate::eval::value::MAX_CHOICES
        && !xs.iter().any(contains_unknown)
    {
        if name == "lookup"
            && let Some(d) = args.get(2)
        {
            xs.push(d.clone());
        }
        let why = crate::eval::value::Origin {
            span,
            message: format!(
                "one value of {}: the key or index is not known statically",
                text()
            )
            .into(),
            resource: None,
        };
        return Val::choice(xs).with_via(&c.via).through(why);
    }
    map_alts(args, |a| {
        if let Some(u) = a.iter().find(|x| x.is_unknown() || contains_unknown(x)) {
            if u.is_unknown() {
                return u.clone();
            }
            // A collection holding an unknown: functions that only pick an
            // element may still give a known value.
            if !matches!(
                name,
                "lookup"
                    | "element"
                    | "merge"
                    | "concat"
                    | "keys"
                    | "length"
                    | "tomap"
                    | "tolist"
                    | "toset"
                    | "flatten"
                    | "values"
                    | "contains"
                    | "one"
                    | "index"
                    | "compact"
                    | "distinct"
                    | "reverse"
                    | "slice"
                    | "zipmap"
                    | "coalescelist"
                    | "anytrue"
                    | "alltrue"
            ) {
                return Val::unknown(span, format!("{} (an argument is unknown)", text()));
            }
        }
        apply(name, a, span).unwrap_or_else(|msg| Val::error(span, format!("{name}: {msg}")))
    })
}

const KNOWN: &[&str] = &[
    "lower",
    "upper",
    "title",
    "trimspace",
    "trim",
    "trimprefix",
    "trimsuffix",
    "chomp",
    "replace",
    "substr",
    "split",
    "join",
    "format",
    "formatlist",
    "lookup",
    "coalesce",
    "coalescelist",
    "element",
    "concat",
    "merge",
    "tomap",
    "toset",
    "tolist",
    "tostring",
    "tonumber",
    "tobool",
    "keys",
    "values",
    "length",
    "contains",
    "distinct",
    "flatten",
    "compact",
    "one",
    "zipmap",
    "startswith",
    "endswith",
    "strcontains",
    "reverse",
    "sort",
    "slice",
    "range",
    "min",
    "max",
    "abs",
    "ceil",
    "floor",
    "index",
    "setunion",
    "sensitive",
    "nonsensitive",
    "type",
    "strrev",
    "jsonencode",
    "jsondecode",
    "yamldecode",
    "anytrue",
    "alltrue",
    "basename",
    "dirname",
    "sum",
    "setintersection",
    "setsubtract",
    "regex",
    "regexall",
];

fn contains_unknown(v: &Val) -> bool {
    match &v.v {
        V::Unknown(_) => true,
        V::List(xs) => xs.iter().any(contains_unknown),
        V::Map(m) => m.values().any(contains_unknown),
        V::Choice(xs) => xs.iter().any(contains_unknown),
        _ => false,
    }
}

/// A string argument (also used by `funcs_more`).
pub(crate) fn s(v: &Val) -> Result<String, String> {
    v.to_string_value()
        .ok_or_else(|| format!("expected a string, got a {}", v.type_name()))
}

/// A number argument, or a string that reads as one (also used by `funcs_more`).
pub(crate) fn n(v: &Val) -> Result<f64, String> {
    match &v.v {
        V::Num(x) => Ok(*x),
        V::Str(t) => t.parse().map_err(|_| format!("{t:?} is not a number")),
        _ => Err(format!("expected a number, got a {}", v.type_name())),
    }
}

fn list(v: &Val) -> Result<Vec<Val>, String> {
    match &v.v {
        V::List(xs) => Ok(xs.to_vec()),
        V::Null => Ok(Vec::new()),
        _ => Err(format!("expected a list, got a {}", v.type_name())),
    }
}

fn map(v: &Val) -> Result<BTreeMap<String, Val>, String> {
    match &v.v {
        V::Map(m) => Ok((**m).clone()),
        V::Null => Ok(BTreeMap::new()),
        _ => Err(format!("expected a map, got a {}", v.type_name())),
    }
}

fn arg(a: &[Val], i: usize) -> Result<&Val, String> {
    a.get(i)
        .ok_or_else(|| format!("missing argument {}", i + 1))
}

fn str_fn(a: &[Val], f: impl Fn(&str) -> String) -> Result<Val, String> {
    Ok(Val::str(&f(&s(arg(a, 0)?)?)))
}

fn apply(name: &str, a: &[Val], span: Span) -> Result<Val, String> {
    Ok(match name {
        "lower" => str_fn(a, |x| x.to_lowercase())?,
        "upper" => str_fn(a, |x| x.to_uppercase())?,
        "title" => str_fn(a, |x| {
            let mut out = String::new();
            let mut start = true;
            for c in x.chars() {
                if start && c.is_alphabetic() {
                    out.extend(c.to_uppercase());
                } else {
                    out.push(c);
                }
                start = !c.is_alphanumeric();
            }
            out
        })?,
        "trimspace" => str_fn(a, |x| x.trim().to_string())?,
        "chomp" => str_fn(a, |x| x.trim_end_matches(['\n', '\r']).to_string())?,
        "strrev" => str_fn(a, |x| x.chars().rev().collect())?,
        "trim" => {
            let cut = s(arg(a, 1)?)?;
            str_fn(a, |x| x.trim_matches(|c| cut.contains(c)).to_string())?
        }
        "trimprefix" => {
            let p = s(arg(a, 1)?)?;
            str_fn(a, |x| x.strip_prefix(p.as_str()).unwrap_or(x).to_string())?
        }
        "trimsuffix" => {
            let p = s(arg(a, 1)?)?;
            str_fn(a, |x| x.strip_suffix(p.as_str()).unwrap_or(x).to_string())?
        }
        "replace" => {
            let from = s(arg(a, 1)?)?;
            let to = s(arg(a, 2)?)?;
            // `/.../`: a regular expression, `$1` / `${name}` in the
            // replacement, as Go's ReplaceAllString.
            if from.len() > 1 && from.starts_with('/') && from.ends_with('/') {
                let re = compile(&from[1..from.len() - 1])?;
                return Ok(Val::str(&re.replace_all(&s(arg(a, 0)?)?, to.as_str())));
            }
            str_fn(a, |x| x.replace(&from, &to))?
        }
        "substr" => {
            let text = s(arg(a, 0)?)?;
            let off = n(arg(a, 1)?)? as i64;
            let len = n(arg(a, 2)?)? as i64;
            let chars: Vec<char> = text.chars().collect();
            let start = if off < 0 {
                (chars.len() as i64 + off).max(0)
            } else {
                off
            } as usize;
            let start = start.min(chars.len());
            let end = if len < 0 {
                chars.len()
            } else {
                (start + len as usize).min(chars.len())
            };
            Val::str(&chars[start..end].iter().collect::<String>())
        }
        "split" => {
            let sep = s(arg(a, 0)?)?;
            let text = s(arg(a, 1)?)?;
            if text.is_empty() {
                Val::list(Vec::new())
            } else {
                Val::list(text.split(sep.as_str()).map(Val::str).collect())
            }
        }
        "join" => {
            let sep = s(arg(a, 0)?)?;
            let mut parts = Vec::new();
            for l in &a[1..] {
                for x in list(l)? {
                    parts.push(s(&x)?);
                }
            }
            Val::str(&parts.join(&sep))
        }
        "format" => Val::str(&format(&s(arg(a, 0)?)?, &a[1..])?),
        "formatlist" => {
            let f = s(arg(a, 0)?)?;
            let len = a[1..]
                .iter()
                .filter_map(|x| match &x.v {
                    V::List(xs) => Some(xs.len()),
                    _ => None,
                })
                .max()
                .unwrap_or(1);
            let mut out = Vec::new();
            for i in 0..len {
                let row: Vec<Val> = a[1..]
                    .iter()
                    .map(|x| match &x.v {
                        V::List(xs) => xs.get(i).cloned().unwrap_or_else(Val::null),
                        _ => x.clone(),
                    })
                    .collect();
                out.push(Val::str(&format(&f, &row)?));
            }
            Val::list(out)
        }
        "lookup" => {
            let m = map(arg(a, 0)?)?;
            let k = s(arg(a, 1)?)?;
            match m.get(&k) {
                Some(v) => v.clone(),
                None => match a.get(2) {
                    Some(d) => d.clone(),
                    None => return Err(format!("no key {k:?} and no default")),
                },
            }
        }
        "coalescelist" => a
            .iter()
            .find(|x| matches!(&x.v, V::List(xs) if !xs.is_empty()))
            .cloned()
            .unwrap_or_else(|| Val::list(Vec::new())),
        "element" => {
            let l = list(arg(a, 0)?)?;
            if l.is_empty() {
                return Err("empty list".into());
            }
            let i = n(arg(a, 1)?)? as usize;
            l[i % l.len()].clone()
        }
        "index" => {
            let l = list(arg(a, 0)?)?;
            let x = arg(a, 1)?;
            match l.iter().position(|y| y == x) {
                Some(i) => Val::num(i as f64),
                None => return Err("value not found".into()),
            }
        }
        "concat" => {
            let mut out = Vec::new();
            for l in a {
                out.extend(list(l)?);
            }
            Val::list(out)
        }
        "merge" => {
            let mut out = BTreeMap::new();
            for m in a {
                if let V::Unknown(_) = m.v {
                    return Ok(m.clone());
                }
                out.extend(map(m)?);
            }
            Val::map(out)
        }
        "tomap" => Val::map(map(arg(a, 0)?)?),
        "tolist" => Val::list(list(arg(a, 0)?)?),
        "toset" | "distinct" => {
            let mut out: Vec<Val> = Vec::new();
            let mut seen = std::collections::HashSet::new();
            for x in list(arg(a, 0)?)? {
                // Known scalars are deduplicated by their text, in linear time.
                let key = match &x.v {
                    V::Str(t) => Some(format!("s{t}")),
                    V::Num(n) => Some(format!("n{}", fmt_num(*n))),
                    V::Bool(b) => Some(format!("b{b}")),
                    _ => None,
                };
                match key {
                    Some(k) => {
                        if seen.insert(k) {
                            out.push(x);
                        }
                    }
                    None => {
                        if !out.contains(&x) {
                            out.push(x);
                        }
                    }
                }
            }
            if name == "toset" {
                out.sort_by_key(|x| x.to_string_value().unwrap_or_default());
            }
            Val::list(out)
        }
        "setunion" => {
            let mut out: Vec<Val> = Vec::new();
            for l in a {
                for x in list(l)? {
                    if !out.contains(&x) {
                        out.push(x);
                    }
                }
            }
            out.sort_by_key(|x| x.to_string_value().unwrap_or_default());
            Val::list(out)
        }
        "tostring" => match &arg(a, 0)?.v {
            V::Null => Val::null(),
            _ => Val::str(&s(arg(a, 0)?)?),
        },
        "tonumber" => Val::num(n(arg(a, 0)?)?),
        "tobool" => match &arg(a, 0)?.v {
            V::Bool(b) => Val::bool(*b),
            V::Str(t) if &**t == "true" => Val::bool(true),
            V::Str(t) if &**t == "false" => Val::bool(false),
            _ => return Err("not a bool".into()),
        },
        "keys" => Val::list(map(arg(a, 0)?)?.keys().map(|k| Val::str(k)).collect()),
        "values" => Val::list(map(arg(a, 0)?)?.into_values().collect()),
        "length" => match &arg(a, 0)?.v {
            V::List(xs) => Val::num(xs.len() as f64),
            V::Map(m) => Val::num(m.len() as f64),
            V::Str(t) => Val::num(t.chars().count() as f64),
            _ => return Err("length of a non-collection".into()),
        },
        "contains" => {
            let l = list(arg(a, 0)?)?;
            let x = arg(a, 1)?;
            if l.iter().any(|y| y.is_unknown()) && !l.contains(x) {
                return Ok(Val::unknown(
                    span,
                    "contains on a list with unknown elements",
                ));
            }
            Val::bool(l.contains(x))
        }
        "flatten" => {
            fn flat(v: &Val, out: &mut Vec<Val>) {
                match &v.v {
                    V::List(xs) => xs.iter().for_each(|x| flat(x, out)),
                    _ => out.push(v.clone()),
                }
            }
            let mut out = Vec::new();
            flat(arg(a, 0)?, &mut out);
            Val::list(out)
        }
        "compact" => Val::list(
            list(arg(a, 0)?)?
                .into_iter()
                .filter(|x| !matches!(&x.v, V::Null) && x.as_str() != Some(""))
                .collect(),
        ),
        "one" => {
            let l = list(arg(a, 0)?)?;
            match l.len() {
                0 => Val::null(),
                1 => l[0].clone(),
                _ => return Err("more than one element".into()),
            }
        }
        "zipmap" => {
            let k = list(arg(a, 0)?)?;
            let v = list(arg(a, 1)?)?;
            let mut out = BTreeMap::new();
            for (kk, vv) in k.iter().zip(v) {
                out.insert(s(kk)?, vv);
            }
            Val::map(out)
        }
        "startswith" => Val::bool(s(arg(a, 0)?)?.starts_with(&s(arg(a, 1)?)?)),
        "endswith" => Val::bool(s(arg(a, 0)?)?.ends_with(&s(arg(a, 1)?)?)),
        "strcontains" => Val::bool(s(arg(a, 0)?)?.contains(&s(arg(a, 1)?)?)),
        "reverse" => {
            let mut l = list(arg(a, 0)?)?;
            l.reverse();
            Val::list(l)
        }
        "sort" => {
            let mut l: Vec<String> = list(arg(a, 0)?)?.iter().map(s).collect::<Result<_, _>>()?;
            l.sort();
            Val::list(l.iter().map(|x| Val::str(x)).collect())
        }
        "slice" => {
            let l = list(arg(a, 0)?)?;
            let from = n(arg(a, 1)?)? as usize;
            let to = n(arg(a, 2)?)? as usize;
            if from > to || to > l.len() {
                return Err("slice out of range".into());
            }
            Val::list(l[from..to].to_vec())
        }
        "range" => {
            let nums: Vec<f64> = a.iter().map(n).collect::<Result<_, _>>()?;
            let (start, end, step) = match nums.as_slice() {
                [e] => (0.0, *e, 1.0),
                [s0, e] => (*s0, *e, if e >= s0 { 1.0 } else { -1.0 }),
                [s0, e, st] => (*s0, *e, *st),
                _ => return Err("range takes 1 to 3 numbers".into()),
            };
            if step == 0.0 {
                return Err("step 0".into());
            }
            let mut out = Vec::new();
            let mut x = start;
            while (step > 0.0 && x < end) || (step < 0.0 && x > end) {
                out.push(Val::num(x));
                x += step;
                if out.len() > 1024 {
                    break;
                }
            }
            Val::list(out)
        }
        "min" | "max" => {
            let nums: Vec<f64> = a.iter().map(n).collect::<Result<_, _>>()?;
            let r = if name == "min" {
                nums.iter().cloned().fold(f64::INFINITY, f64::min)
            } else {
                nums.iter().cloned().fold(f64::NEG_INFINITY, f64::max)
            };
            Val::num(r)
        }
        // A known `true` (`anytrue`) or `false` (`alltrue`) decides, whatever
        // the unknown elements are; else an unknown element makes it unknown.
        "anytrue" | "alltrue" => {
            let decisive = name == "anytrue";
            let mut unknown = None;
            for x in list(arg(a, 0)?)? {
                match &x.v {
                    V::Bool(b) if *b == decisive => return Ok(Val::bool(decisive)),
                    V::Bool(_) => {}
                    V::Str(t) if &**t == "true" || &**t == "false" => {
                        if (&**t == "true") == decisive {
                            return Ok(Val::bool(decisive));
                        }
                    }
                    V::Unknown(_) => unknown = Some(x.clone()),
                    _ => return Err(format!("expected a bool, got a {}", x.type_name())),
                }
            }
            unknown.unwrap_or_else(|| Val::bool(!decisive))
        }
        "basename" => str_fn(a, |x| path_base(x).to_string())?,
        "dirname" => str_fn(a, path_dir)?,
        "sum" => {
            let l = list(arg(a, 0)?)?;
            if l.is_empty() {
                return Err("cannot sum an empty list".into());
            }
            Val::num(l.iter().map(n).sum::<Result<f64, _>>()?)
        }
        "setintersection" | "setsubtract" => {
            let first = list(arg(a, 0)?)?;
            let others: Vec<Vec<Val>> = a[1..].iter().map(list).collect::<Result<_, _>>()?;
            let mut out: Vec<Val> = Vec::new();
            for x in first {
                let keep = if name == "setintersection" {
                    others.iter().all(|o| o.contains(&x))
                } else {
                    !others.iter().any(|o| o.contains(&x))
                };
                if keep && !out.contains(&x) {
                    out.push(x);
                }
            }
            out.sort_by_key(|x| x.to_string_value().unwrap_or_default());
            Val::list(out)
        }
        "regex" => {
            let re = compile(&s(arg(a, 0)?)?)?;
            let text = s(arg(a, 1)?)?;
            let shape = Shape::of(&re)?;
            let caps = re
                .captures(&text)
                .ok_or("pattern did not match any part of the given string")?;
            shape.result(&re, &caps)
        }
        "regexall" => {
            let re = compile(&s(arg(a, 0)?)?)?;
            let text = s(arg(a, 1)?)?;
            let shape = Shape::of(&re)?;
            Val::list(
                re.captures_iter(&text)
                    .map(|c| shape.result(&re, &c))
                    .collect(),
            )
        }
        "abs" => Val::num(n(arg(a, 0)?)?.abs()),
        "ceil" => Val::num(n(arg(a, 0)?)?.ceil()),
        "floor" => Val::num(n(arg(a, 0)?)?.floor()),
        "sensitive" | "nonsensitive" => arg(a, 0)?.clone(),
        "type" => Val::str(arg(a, 0)?.type_name()),
        "jsondecode" => {
            let text = s(arg(a, 0)?)?;
            let j: serde_json::Value =
                serde_json::from_str(&text).map_err(|e| format!("invalid JSON: {e}"))?;
            from_json(&j)
        }
        "yamldecode" => match crate::eval::funcs::more::yaml(&s(arg(a, 0)?)?) {
            Some(v) => v,
            None => {
                return Ok(Val::unknown(
                    span,
                    "yamldecode of YAML beyond plain mappings, sequences and scalars",
                ));
            }
        },
        "jsonencode" => match json(arg(a, 0)?) {
            Some(j) => Val::str(&j),
            None => return Ok(Val::unknown(span, "jsonencode of an unknown value")),
        },
        other if crate::eval::funcs::more::NAMES.contains(&other) => {
            crate::eval::funcs::more::apply(other, a)?
        }
        _ => return Ok(Val::unknown(span, format!("function {name}"))),
    })
}

/// A pattern of `regex` / `regexall`. Terraform uses Go's RE2 syntax, which
/// the `regex` crate follows (same named groups `(?P<n>...)`, flags, classes;
/// no backreferences or lookaround in either). One difference is left: Go's
/// `\d`, `\w`, `\s` and `\b` are ASCII-only, Unicode-aware here.
fn compile(pattern: &str) -> Result<regex::Regex, String> {
    regex::Regex::new(pattern).map_err(|e| format!("invalid regular expression: {e}"))
}

/// What one match gives, as Terraform decides it from the capture groups: the
/// matched text when there are none, a list for unnamed groups, an object for
/// named ones (mixing both is an error).
enum Shape {
    Whole,
    List,
    Object,
}

impl Shape {
    fn of(re: &regex::Regex) -> Result<Shape, String> {
        let names: Vec<Option<&str>> = re.capture_names().skip(1).collect();
        let named = names.iter().filter(|n| n.is_some()).count();
        Ok(if names.is_empty() {
            Shape::Whole
        } else if named == 0 {
            Shape::List
        } else if named == names.len() {
            Shape::Object
        } else {
            return Err(
                "invalid regular expression: must not mix named and unnamed capture groups".into(),
            );
        })
    }

    /// A group that took no part in the match is null, as in Terraform.
    fn result(&self, re: &regex::Regex, caps: &regex::Captures) -> Val {
        let group = |i: usize| caps.get(i).map_or_else(Val::null, |m| Val::str(m.as_str()));
        match self {
            Shape::Whole => group(0),
            Shape::List => Val::list((1..caps.len()).map(group).collect()),
            Shape::Object => Val::map(
                re.capture_names()
                    .enumerate()
                    .filter_map(|(i, n)| Some((n?.to_string(), group(i))))
                    .collect(),
            ),
        }
    }
}

/// The last element of a path, as Go's `filepath.Base` (Terraform's `basename`).
fn path_base(p: &str) -> &str {
    if p.is_empty() {
        return ".";
    }
    let t = p.trim_end_matches('/');
    if t.is_empty() {
        return "/";
    }
    t.rsplit('/').next().unwrap_or(t)
}

/// All but the last element of a path, as Go's `filepath.Dir` (Terraform's
/// `dirname`), without cleaning `..`.
fn path_dir(p: &str) -> String {
    match p.rfind('/') {
        None => ".".to_string(),
        Some(i) => {
            let d = p[..i].trim_end_matches('/');
            if d.is_empty() {
                "/".to_string()
            } else {
                d.to_string()
            }
        }
    }
}

fn from_json(j: &serde_json::Value) -> Val {
    match j {
        serde_json::Value::Null => Val::null(),
        serde_json::Value::Bool(b) => Val::bool(*b),
        serde_json::Value::Number(n) => Val::num(n.as_f64().unwrap_or(0.0)),
        serde_json::Value::String(t) => Val::str(t),
        serde_json::Value::Array(xs) => Val::list(xs.iter().map(from_json).collect()),
        serde_json::Value::Object(m) => {
            Val::map(m.iter().map(|(k, x)| (k.clone(), from_json(x))).collect())
        }
    }
}

fn json(v: &Val) -> Option<String> {
    Some(match &v.v {
        V::Null => "null".into(),
        V::Bool(b) => b.to_string(),
        V::Num(x) => fmt_num(*x),
        V::Str(t) => serde_json::to_string(&**t).ok()?,
        V::List(xs) => format!(
            "[{}]",
            xs.iter().map(json).collect::<Option<Vec<_>>>()?.join(",")
        ),
        V::Map(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, x)| Some(format!("{}:{}", serde_json::to_string(k).ok()?, json(x)?)))
                .collect::<Option<Vec<_>>>()?
                .join(",")
        ),
        _ => return None,
    })
}

/// Terraform's `format`: `%s`, `%d`, `%v`, `%q`, `%%`, with flags and widths
/// read and ignored except zero padding of numbers.
fn format(f: &str, args: &[Val]) -> Result<String, String> {
    let mut out = String::new();
    let mut it = f.chars().peekable();
    let mut i = 0;
    while let Some(c) = it.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        if it.peek() == Some(&'%') {
            it.next();
            out.push('%');
            continue;
        }
        let mut spec = String::new();
        while let Some(&d) = it.peek() {
            if d.is_ascii_digit() || "-+# .".contains(d) {
                spec.push(d);
                it.next();
            } else {
                break;
            }
        }
        let verb = it.next().ok_or("incomplete format verb")?;
        let v = args.get(i).ok_or("not enough arguments")?;
        i += 1;
        match verb {
            's' | 'v' => out.push_str(&s(v)?),
            'q' => out.push_str(&format!("{:?}", s(v)?)),
            'd' => {
                let x = n(v)? as i64;
                let width: usize = spec
                    .trim_start_matches(['-', '+', '0'])
                    .parse()
                    .unwrap_or(0);
                if spec.starts_with('0') {
                    out.push_str(&format!("{x:0width$}"));
                } else {
                    out.push_str(&format!("{x:width$}"));
                }
            }
            'f' | 'g' | 'e' => out.push_str(&fmt_num(n(v)?)),
            't' => out.push_str(&s(v)?),
            other => return Err(format!("unsupported verb %{other}")),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(name: &str, args: Vec<Val>) -> Val {
        call(name, &args, Span::default(), &|| name.to_string())
    }

    fn strs(xs: &[&str]) -> Val {
        Val::list(xs.iter().map(|x| Val::str(x)).collect())
    }

    #[test]
    fn replace_with_a_regular_expression_as_go_does() {
        let got = run(
            "replace",
            vec![Val::str("eu_west_3"), Val::str("/_/"), Val::str("-")],
        );
        assert_eq!(got, Val::str("eu-west-3"));
        let got = run(
            "replace",
            vec![
                Val::str("europe-west1-b"),
                Val::str("/^([a-z]+-[a-z]+[0-9]+)-[a-z]$/"),
                Val::str("$1"),
            ],
        );
        assert_eq!(got, Val::str("europe-west1"));
        let got = run("yamldecode", vec![Val::str("region: eu-west-3\n")]);
        assert_eq!(
            got,
            Val::map(BTreeMap::from([(
                "region".to_string(),
                Val::str("eu-west-3")
            )]))
        );
        assert!(run("yamldecode", vec![Val::str("a: &x 1\n")]).is_unknown());
        let parsed = run(
            "provider::aws::arn_parse",
            vec![Val::str("arn:aws:s3:eu-west-3:1:b")],
        );
        assert!(!parsed.is_unknown());
    }

    #[test]
    fn lookup_of_a_present_key_does_not_come_through_the_default() {
        let why = |m: &str| crate::eval::value::Origin {
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
    fn anytrue_and_alltrue() {
        let b = |x| Val::bool(x);
        assert_eq!(
            run("anytrue", vec![Val::list(vec![b(false), b(true)])]),
            b(true)
        );
        assert_eq!(run("anytrue", vec![Val::list(vec![])]), b(false));
        assert_eq!(
            run("alltrue", vec![Val::list(vec![b(true), b(false)])]),
            b(false)
        );
        assert_eq!(run("alltrue", vec![Val::list(vec![])]), b(true));
        // Terraform accepts the strings "true" and "false" as bools.
        assert_eq!(run("alltrue", vec![strs(&["true", "true"])]), b(true));
        // A known decisive element wins over an unknown one.
        let u = Val::unknown(Span::default(), "x");
        assert_eq!(
            run("anytrue", vec![Val::list(vec![u.clone(), b(true)])]),
            b(true)
        );
        assert_eq!(
            run("alltrue", vec![Val::list(vec![u.clone(), b(false)])]),
            b(false)
        );
        assert!(run("anytrue", vec![Val::list(vec![u.clone(), b(false)])]).is_unknown());
        assert!(run("alltrue", vec![Val::list(vec![u, b(true)])]).is_unknown());
    }

    #[test]
    fn regex_shapes_follow_the_capture_groups() {
        let re = |p: &str, x: &str| run("regex", vec![Val::str(p), Val::str(x)]);
        let all = |p: &str, x: &str| run("regexall", vec![Val::str(p), Val::str(x)]);
        // No group: the matched text.
        assert_eq!(
            re("[a-z]+-[a-z]+-[0-9]", "eu-west-3a"),
            Val::str("eu-west-3")
        );
        // Unnamed groups: a list, null for a group that did not take part.
        assert_eq!(
            re("^([a-z]+)-([a-z]+)-([0-9])(x)?", "eu-west-3a"),
            Val::list(vec![
                Val::str("eu"),
                Val::str("west"),
                Val::str("3"),
                Val::null()
            ])
        );
        // Named groups: an object.
        let m = re(
            "^/subscriptions/(?P<sub>[^/]+)/resourceGroups/(?P<rg>[^/]+)",
            "/subscriptions/0000/resourceGroups/app-rg/providers/x",
        );
        assert_eq!(
            m,
            Val::map(
                [
                    ("rg".to_string(), Val::str("app-rg")),
                    ("sub".to_string(), Val::str("0000"))
                ]
                .into_iter()
                .collect()
            )
        );
        // No match, an invalid pattern, mixed groups: errors (`try` and `can` see them).
        for v in [
            re("^us-", "eu-west-3"),
            re("([a-z]", "x"),
            re("(?P<a>x)(y)", "xy"),
        ] {
            assert!(v.as_unknown().is_some_and(|u| u.error), "{v:?}");
        }
        // regexall: every match, none is an empty list.
        assert_eq!(all("[0-9]", "a1b2"), strs(&["1", "2"]));
        assert_eq!(all("^us-", "eu-west-3"), Val::list(vec![]));
        assert_eq!(
            all("([a-z])([0-9])", "a1b2"),
            Val::list(vec![strs(&["a", "1"]), strs(&["b", "2"])])
        );
    }

    #[test]
    fn basename_and_dirname() {
        let base = |p: &str| run("basename", vec![Val::str(p)]);
        let dir = |p: &str| run("dirname", vec![Val::str(p)]);
        assert_eq!(base("foo/bar/baz.txt"), Val::str("baz.txt"));
        assert_eq!(base("/work/envs/prod/"), Val::str("prod"));
        assert_eq!(base("."), Val::str("."));
        assert_eq!(base("/"), Val::str("/"));
        assert_eq!(dir("foo/bar/baz.txt"), Val::str("foo/bar"));
        assert_eq!(dir("baz.txt"), Val::str("."));
        assert_eq!(dir("/baz.txt"), Val::str("/"));
    }

    #[test]
    fn sum_and_set_operations() {
        let nums = Val::list(vec![Val::num(1.0), Val::num(2.5), Val::str("3")]);
        assert_eq!(run("sum", vec![nums]), Val::num(6.5));
        assert!(
            run("sum", vec![Val::list(vec![])])
                .as_unknown()
                .is_some_and(|u| u.error)
        );
        assert_eq!(
            run(
                "setintersection",
                vec![strs(&["b", "a", "c"]), strs(&["c", "a", "d"])]
            ),
            strs(&["a", "c"])
        );
        assert_eq!(
            run("setsubtract", vec![strs(&["b", "a", "c"]), strs(&["c"])]),
            strs(&["a", "b"])
        );
    }
}
