//! Functions over lists and maps (Terraform's `collection.go` and the set
//! functions of cty's stdlib). Every list made here is checked against
//! [`MAX_LIST`] before it is built.

use super::{MAX_LIST, arg, check_count, items, list, map, n, s};
use crate::eval::value::{V, Val, fmt_num};
use crate::source::Span;
use std::collections::{BTreeMap, HashSet};

type R = Result<Val, String>;

/// The first argument that is neither null nor an empty string; unknowns are
/// looked at here (an unknown before any known value makes it unknown).
pub(super) fn coalesce(a: &[Val], _: Span) -> R {
    for x in a {
        match &x.v {
            V::Null => continue,
            V::Str(s) if s.is_empty() => continue,
            _ => return Ok(x.clone()),
        }
    }
    Err("coalesce: no non-null argument".into())
}

pub(super) fn coalescelist(a: &[Val], _: Span) -> R {
    Ok(a.iter()
        .find(|x| matches!(&x.v, V::List(xs) if !xs.is_empty()))
        .cloned()
        .unwrap_or_else(|| Val::list(Vec::new())))
}

pub(super) fn lookup(a: &[Val], _: Span) -> R {
    let m = map(arg(a, 0)?)?;
    let k = s(arg(a, 1)?)?;
    match m.get(&k) {
        Some(v) => Ok(v.clone()),
        None => match a.get(2) {
            Some(d) => Ok(d.clone()),
            None => Err(format!("no key {k:?} and no default")),
        },
    }
}

pub(super) fn element(a: &[Val], _: Span) -> R {
    let l = list(arg(a, 0)?)?;
    if l.is_empty() {
        return Err("empty list".into());
    }
    let i = n(arg(a, 1)?)? as usize;
    Ok(l[i % l.len()].clone())
}

pub(super) fn index(a: &[Val], _: Span) -> R {
    let l = list(arg(a, 0)?)?;
    let x = arg(a, 1)?;
    match l.iter().position(|y| y == x) {
        Some(i) => Ok(Val::num(i as f64)),
        None => Err("value not found".into()),
    }
}

/// The lists one after the other: their total length is checked first, so a
/// list doubling through locals stops at the bound instead of allocating.
pub(super) fn concat(a: &[Val], _: Span) -> R {
    let mut total = 0usize;
    for l in a {
        if let V::List(xs) = &l.v {
            total = total.saturating_add(xs.len());
        }
    }
    check_count(total)?;
    let mut out = Vec::with_capacity(total);
    for l in a {
        out.extend(list(l)?);
    }
    Ok(Val::list(out))
}

pub(super) fn merge(a: &[Val], _: Span) -> R {
    let mut out = BTreeMap::new();
    for m in a {
        if let V::Unknown(_) = m.v {
            return Ok(m.clone());
        }
        out.extend(map(m)?);
    }
    Ok(Val::map(out))
}

/// A set of values: known scalars by their text (linear time over a
/// collection), the others compared one by one.
#[derive(Default)]
struct Members {
    keys: HashSet<String>,
    rest: Vec<Val>,
}

impl Members {
    fn of(xs: &[Val]) -> Members {
        let mut m = Members::default();
        for x in xs {
            m.insert(x);
        }
        m
    }

    fn key(x: &Val) -> Option<String> {
        match &x.v {
            V::Str(t) => Some(format!("s{t}")),
            V::Num(n) => Some(format!("n{}", fmt_num(*n))),
            V::Bool(b) => Some(format!("b{b}")),
            _ => None,
        }
    }

    fn contains(&self, x: &Val) -> bool {
        match Members::key(x) {
            Some(k) => self.keys.contains(&k),
            None => self.rest.contains(x),
        }
    }

    /// Whether `x` was not a member yet.
    fn insert(&mut self, x: &Val) -> bool {
        match Members::key(x) {
            Some(k) => self.keys.insert(k),
            None if self.rest.contains(x) => false,
            None => {
                self.rest.push(x.clone());
                true
            }
        }
    }
}

/// The elements without repeats, in their first order. Known scalars are
/// deduplicated by their text, in linear time.
pub(super) fn dedup(xs: Vec<Val>) -> Vec<Val> {
    let mut seen = Members::default();
    xs.into_iter().filter(|x| seen.insert(x)).collect()
}

pub(super) fn distinct(a: &[Val], _: Span) -> R {
    Ok(Val::list(dedup(list(arg(a, 0)?)?)))
}

/// Sorts as cercle orders a set: by the text of each element.
pub(super) fn sort_set(out: &mut [Val]) {
    out.sort_by_key(|x| x.to_string_value().unwrap_or_default());
}

pub(super) fn setunion(a: &[Val], _: Span) -> R {
    let mut out: Vec<Val> = Vec::new();
    let mut seen = Members::default();
    for l in a {
        out.extend(list(l)?.into_iter().filter(|x| seen.insert(x)));
    }
    sort_set(&mut out);
    Ok(Val::list(out))
}

/// The elements of the first set that `keep` keeps, given the other sets.
/// Membership is hashed for known scalars: `setintersection(range(65536))`
/// was quadratic (20 s, found by tests/fuzz_eval.rs).
fn set_filter(a: &[Val], keep: impl Fn(&[Members], &Val) -> bool) -> R {
    let first = list(arg(a, 0)?)?;
    let others: Vec<Members> = a[1..]
        .iter()
        .map(|o| list(o).map(|xs| Members::of(&xs)))
        .collect::<Result<_, _>>()?;
    let mut seen = Members::default();
    let mut out: Vec<Val> = Vec::new();
    for x in first {
        if keep(&others, &x) && seen.insert(&x) {
            out.push(x);
        }
    }
    sort_set(&mut out);
    Ok(Val::list(out))
}

pub(super) fn setintersection(a: &[Val], _: Span) -> R {
    set_filter(a, |others, x| others.iter().all(|o| o.contains(x)))
}

pub(super) fn setsubtract(a: &[Val], _: Span) -> R {
    set_filter(a, |others, x| !others.iter().any(|o| o.contains(x)))
}

pub(super) fn keys(a: &[Val], _: Span) -> R {
    Ok(Val::list(
        map(arg(a, 0)?)?.keys().map(|k| Val::str(k)).collect(),
    ))
}

pub(super) fn values(a: &[Val], _: Span) -> R {
    Ok(Val::list(map(arg(a, 0)?)?.into_values().collect()))
}

pub(super) fn length(a: &[Val], _: Span) -> R {
    match &arg(a, 0)?.v {
        V::List(xs) => Ok(Val::num(xs.len() as f64)),
        V::Map(m) => Ok(Val::num(m.len() as f64)),
        V::Str(t) => Ok(Val::num(t.chars().count() as f64)),
        _ => Err("length of a non-collection".into()),
    }
}

pub(super) fn contains(a: &[Val], span: Span) -> R {
    let l = list(arg(a, 0)?)?;
    let x = arg(a, 1)?;
    if l.iter().any(|y| y.is_unknown()) && !l.contains(x) {
        return Ok(Val::unknown(
            span,
            "contains on a list with unknown elements",
        ));
    }
    Ok(Val::bool(l.contains(x)))
}

/// Nested lists into one, counting as it goes (shared sublists, as YAML
/// aliases make, could otherwise flatten into far more than they hold).
pub(super) fn flatten(a: &[Val], _: Span) -> R {
    let mut out = Vec::new();
    let mut stack = vec![arg(a, 0)?];
    while let Some(v) = stack.pop() {
        match &v.v {
            V::List(xs) => stack.extend(xs.iter().rev()),
            _ => {
                if out.len() == MAX_LIST {
                    check_count(MAX_LIST + 1)?;
                }
                out.push(v.clone());
            }
        }
    }
    Ok(Val::list(out))
}

pub(super) fn compact(a: &[Val], _: Span) -> R {
    Ok(Val::list(
        list(arg(a, 0)?)?
            .into_iter()
            .filter(|x| !matches!(&x.v, V::Null) && x.as_str() != Some(""))
            .collect(),
    ))
}

pub(super) fn one(a: &[Val], _: Span) -> R {
    let l = list(arg(a, 0)?)?;
    match l.len() {
        0 => Ok(Val::null()),
        1 => Ok(l[0].clone()),
        _ => Err("more than one element".into()),
    }
}

pub(super) fn zipmap(a: &[Val], _: Span) -> R {
    let k = list(arg(a, 0)?)?;
    let v = list(arg(a, 1)?)?;
    let mut out = BTreeMap::new();
    for (kk, vv) in k.iter().zip(v) {
        out.insert(s(kk)?, vv);
    }
    Ok(Val::map(out))
}

pub(super) fn reverse(a: &[Val], _: Span) -> R {
    let mut l = list(arg(a, 0)?)?;
    l.reverse();
    Ok(Val::list(l))
}

pub(super) fn sort(a: &[Val], _: Span) -> R {
    let mut l: Vec<String> = list(arg(a, 0)?)?.iter().map(s).collect::<Result<_, _>>()?;
    l.sort();
    Ok(Val::list(l.iter().map(|x| Val::str(x)).collect()))
}

pub(super) fn slice(a: &[Val], _: Span) -> R {
    let l = list(arg(a, 0)?)?;
    let from = n(arg(a, 1)?)? as usize;
    let to = n(arg(a, 2)?)? as usize;
    if from > to || to > l.len() {
        return Err("slice out of range".into());
    }
    Ok(Val::list(l[from..to].to_vec()))
}

/// `range(end)`, `range(start, end)`, `range(start, end, step)`, up to
/// [`MAX_LIST`] elements; past it, an error naming the bound.
pub(super) fn range(a: &[Val], _: Span) -> R {
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
    let count = ((end - start) / step).ceil();
    if count.is_nan() || count > MAX_LIST as f64 {
        check_count(MAX_LIST + 1)?;
    }
    let mut out = Vec::with_capacity(count.max(0.0) as usize);
    let mut x = start;
    while (step > 0.0 && x < end) || (step < 0.0 && x > end) {
        if out.len() == MAX_LIST {
            check_count(MAX_LIST + 1)?;
        }
        out.push(Val::num(x));
        x += step;
    }
    Ok(Val::list(out))
}

/// A known `true` (`anytrue`) or `false` (`alltrue`) decides, whatever the
/// unknown elements are; else an unknown element makes it unknown.
fn any_all(a: &[Val], decisive: bool) -> R {
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
    Ok(unknown.unwrap_or_else(|| Val::bool(!decisive)))
}

pub(super) fn anytrue(a: &[Val], _: Span) -> R {
    any_all(a, true)
}

pub(super) fn alltrue(a: &[Val], _: Span) -> R {
    any_all(a, false)
}

/// Every combination of one element of each list, at most [`MAX_LIST`].
pub(super) fn setproduct(a: &[Val], _: Span) -> R {
    if a.len() < 2 {
        return Err("at least two arguments are required".into());
    }
    let mut out: Vec<Vec<Val>> = vec![Vec::new()];
    for l in a {
        let xs = items(l)?;
        if out.len().saturating_mul(xs.len()) > MAX_LIST {
            return Err(format!(
                "too many combinations: more than {MAX_LIST} elements, the bound on a list"
            ));
        }
        out = out
            .into_iter()
            .flat_map(|p| {
                xs.iter().map(move |x| {
                    let mut q = p.clone();
                    q.push(x.clone());
                    q
                })
            })
            .collect();
    }
    Ok(Val::list(out.into_iter().map(Val::list).collect()))
}

pub(super) fn transpose(a: &[Val], _: Span) -> R {
    let V::Map(m) = &arg(a, 0)?.v else {
        return Err("expected a map of lists of strings".into());
    };
    let mut out: BTreeMap<String, Vec<Val>> = BTreeMap::new();
    for (k, l) in m.iter() {
        for x in items(l)? {
            out.entry(s(&x)?).or_default().push(Val::str(k));
        }
    }
    Ok(Val::map(
        out.into_iter().map(|(k, v)| (k, Val::list(v))).collect(),
    ))
}

pub(super) fn chunklist(a: &[Val], _: Span) -> R {
    let l = items(arg(a, 0)?)?;
    let size = n(arg(a, 1)?)?;
    if size < 0.0 || size.fract() != 0.0 {
        return Err("the size must be a whole number, 0 or more".into());
    }
    let size = size as usize;
    if size == 0 {
        return Ok(Val::list(vec![Val::list(l)]));
    }
    Ok(Val::list(
        l.chunks(size).map(|c| Val::list(c.to_vec())).collect(),
    ))
}

pub(super) fn matchkeys(a: &[Val], _: Span) -> R {
    let values = items(arg(a, 0)?)?;
    let keys = items(arg(a, 1)?)?;
    let search = items(arg(a, 2)?)?;
    if values.len() != keys.len() {
        return Err("the values and keys lists must have the same length".into());
    }
    Ok(Val::list(
        values
            .into_iter()
            .zip(keys)
            .filter(|(_, k)| search.contains(k))
            .map(|(v, _)| v)
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::tests::{error_of, run, strs};
    use super::*;

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
    fn set_operations() {
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
        assert_eq!(
            run("setunion", vec![strs(&["b", "a"]), strs(&["c", "a"])]),
            strs(&["a", "b", "c"])
        );
        assert_eq!(
            run("distinct", vec![strs(&["b", "a", "b"])]),
            strs(&["b", "a"])
        );
    }

    #[test]
    fn collection_shapes() {
        let p = run(
            "setproduct",
            vec![strs(&["eu"]), strs(&["west-1", "west-3"])],
        );
        assert_eq!(
            p,
            Val::list(vec![strs(&["eu", "west-1"]), strs(&["eu", "west-3"])])
        );
        let m = Val::map(BTreeMap::from([
            ("a".to_string(), strs(&["eu-west-3", "eu-west-1"])),
            ("b".to_string(), strs(&["eu-west-3"])),
        ]));
        let t = run("transpose", vec![m]);
        let V::Map(t) = &t.v else { panic!() };
        assert_eq!(t["eu-west-3"], strs(&["a", "b"]));
        assert_eq!(t["eu-west-1"], strs(&["a"]));
        let c = run("chunklist", vec![strs(&["a", "b", "c"]), Val::num(2.0)]);
        assert_eq!(c, Val::list(vec![strs(&["a", "b"]), strs(&["c"])]));
        let k = run(
            "matchkeys",
            vec![
                strs(&["eu-west-3", "us-east-1"]),
                strs(&["fr", "us"]),
                strs(&["fr"]),
            ],
        );
        assert_eq!(k, strs(&["eu-west-3"]));
        let f = run(
            "flatten",
            vec![Val::list(vec![
                strs(&["a"]),
                Val::list(vec![strs(&["b", "c"])]),
            ])],
        );
        assert_eq!(f, strs(&["a", "b", "c"]));
    }

    #[test]
    fn range_goes_past_the_old_silent_cut_and_errs_past_the_bound() {
        let V::List(xs) = run("range", vec![Val::num(5000.0)]).v else {
            panic!()
        };
        assert_eq!(xs.len(), 5000);
        assert_eq!(
            run("range", vec![Val::num(1.0), Val::num(4.0)]),
            Val::list(vec![Val::num(1.0), Val::num(2.0), Val::num(3.0)])
        );
        assert_eq!(
            run("range", vec![Val::num(3.0), Val::num(0.0), Val::num(-1.5)]),
            Val::list(vec![Val::num(3.0), Val::num(1.5)])
        );
        let e = error_of(&run("range", vec![Val::num(1e12)]));
        assert!(e.starts_with("range: ") && e.contains("1000000"), "{e}");
        let e = error_of(&run(
            "range",
            vec![Val::num(0.0), Val::num(1.0), Val::num(1e-300)],
        ));
        assert!(e.contains("1000000"), "{e}");
    }

    #[test]
    fn a_list_doubling_through_concat_stops_at_the_bound() {
        let mut l = strs(&["eu-west-3"]);
        let mut last = None;
        for _ in 0..30 {
            let next = run("concat", vec![l.clone(), l.clone()]);
            if next.is_unknown() {
                last = Some(next);
                break;
            }
            l = next;
        }
        let e = error_of(&last.expect("the bound stops the doubling"));
        assert!(e.starts_with("concat: ") && e.contains("1000000"), "{e}");
        // Shared sublists do not flatten past the bound either.
        let mut nest = strs(&["x"]);
        for _ in 0..25 {
            nest = Val::list(vec![nest.clone(), nest]);
        }
        assert!(error_of(&run("flatten", vec![nest])).contains("1000000"));
    }
}
