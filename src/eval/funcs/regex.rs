//! `regex` and `regexall`, and the compiled-pattern cache they share with
//! `replace`.
//!
//! Terraform uses Go's RE2 syntax, which the `regex` crate follows (same named
//! groups `(?P<n>...)`, flags, classes; no backreferences or lookaround in
//! either). One difference is left: Go's `\d`, `\w`, `\s` and `\b` are
//! ASCII-only, Unicode-aware here.
//!
//! Each distinct pattern is compiled once per thread, its error too: a
//! pattern in a `for` over a thousand elements, or one that fails (about
//! 15 ms to find out for a large one), is not compiled again at every call.
//! The cache keeps the [`CACHE`] most recently used patterns: a few lines
//! here rather than a crate, since it is only a map and a counter.

use super::{arg, s};
use crate::eval::value::Val;
use crate::source::Span;
use regex::{Captures, Regex};
use std::cell::RefCell;
use std::collections::HashMap;

type R = Result<Val, String>;

/// Patterns kept compiled per thread.
const CACHE: usize = 256;

#[derive(Default)]
struct Cache {
    /// Pattern to (compiled or error, last use).
    entries: HashMap<String, (Result<Regex, String>, u64)>,
    clock: u64,
}

thread_local! {
    static PATTERNS: RefCell<Cache> = RefCell::new(Cache::default());
}

/// `pattern` compiled, from the cache when it was met before.
pub(super) fn compile(pattern: &str) -> Result<Regex, String> {
    PATTERNS.with(|c| {
        let mut c = c.borrow_mut();
        c.clock += 1;
        let now = c.clock;
        if let Some((re, used)) = c.entries.get_mut(pattern) {
            *used = now;
            return re.clone();
        }
        if c.entries.len() >= CACHE
            && let Some(oldest) = c
                .entries
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(k, _)| k.clone())
        {
            c.entries.remove(&oldest);
        }
        let re = Regex::new(pattern).map_err(|e| format!("invalid regular expression: {e}"));
        c.entries.insert(pattern.to_string(), (re.clone(), now));
        re
    })
}

#[cfg(test)]
fn cached(pattern: &str) -> bool {
    PATTERNS.with(|c| c.borrow().entries.contains_key(pattern))
}

pub(super) fn regex(a: &[Val], _: Span) -> R {
    let re = compile(&s(arg(a, 0)?)?)?;
    let text = s(arg(a, 1)?)?;
    let shape = Shape::of(&re)?;
    let caps = re
        .captures(&text)
        .ok_or("pattern did not match any part of the given string")?;
    Ok(shape.result(&re, &caps))
}

pub(super) fn regexall(a: &[Val], _: Span) -> R {
    let re = compile(&s(arg(a, 0)?)?)?;
    let text = s(arg(a, 1)?)?;
    let shape = Shape::of(&re)?;
    let mut out = Vec::new();
    for c in re.captures_iter(&text) {
        super::check_count(out.len() + 1)?;
        out.push(shape.result(&re, &c));
    }
    Ok(Val::list(out))
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
    fn of(re: &Regex) -> Result<Shape, String> {
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
    fn result(&self, re: &Regex, caps: &Captures) -> Val {
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

#[cfg(test)]
mod tests {
    use super::super::tests::{run, strs};
    use super::*;

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
    fn a_pattern_is_compiled_once_and_its_error_is_kept() {
        // A large pattern that fails: compiling it takes milliseconds, a
        // thousand cached calls must not.
        let bad = format!("{}(", "[a-z]{1,50}".repeat(40));
        let first = compile(&bad).unwrap_err();
        assert!(cached(&bad));
        let start = std::time::Instant::now();
        for _ in 0..1000 {
            assert_eq!(compile(&bad).unwrap_err(), first);
        }
        assert!(start.elapsed().as_millis() < 500, "{:?}", start.elapsed());
        // The cache is bounded: the oldest pattern goes first.
        for i in 0..CACHE + 10 {
            compile(&format!("x{i}")).unwrap();
        }
        assert!(!cached(&bad));
        assert!(cached(&format!("x{}", CACHE + 9)));
        PATTERNS.with(|c| assert!(c.borrow().entries.len() <= CACHE));
    }
}
