//! String functions (Terraform's `string.go` and cty's stdlib). A function
//! whose result can be much larger than its arguments (`indent`, `join`,
//! `replace`) computes the length first and refuses past [`MAX_STRING`].
//!
//! [`MAX_STRING`]: super::MAX_STRING

use super::{arg, check_len, list, n, s, str_fn};
use crate::eval::value::Val;
use crate::source::Span;

type R = Result<Val, String>;

pub(super) fn lower(a: &[Val], _: Span) -> R {
    str_fn(a, |x| x.to_lowercase())
}

pub(super) fn upper(a: &[Val], _: Span) -> R {
    str_fn(a, |x| x.to_uppercase())
}

pub(super) fn title(a: &[Val], _: Span) -> R {
    str_fn(a, |x| {
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
    })
}

pub(super) fn trimspace(a: &[Val], _: Span) -> R {
    str_fn(a, |x| x.trim().to_string())
}

pub(super) fn chomp(a: &[Val], _: Span) -> R {
    str_fn(a, |x| x.trim_end_matches(['\n', '\r']).to_string())
}

pub(super) fn strrev(a: &[Val], _: Span) -> R {
    str_fn(a, |x| x.chars().rev().collect())
}

pub(super) fn trim(a: &[Val], _: Span) -> R {
    let cut = s(arg(a, 1)?)?;
    str_fn(a, |x| x.trim_matches(|c| cut.contains(c)).to_string())
}

pub(super) fn trimprefix(a: &[Val], _: Span) -> R {
    let p = s(arg(a, 1)?)?;
    str_fn(a, |x| x.strip_prefix(p.as_str()).unwrap_or(x).to_string())
}

pub(super) fn trimsuffix(a: &[Val], _: Span) -> R {
    let p = s(arg(a, 1)?)?;
    str_fn(a, |x| x.strip_suffix(p.as_str()).unwrap_or(x).to_string())
}

pub(super) fn startswith(a: &[Val], _: Span) -> R {
    Ok(Val::bool(s(arg(a, 0)?)?.starts_with(&s(arg(a, 1)?)?)))
}

pub(super) fn endswith(a: &[Val], _: Span) -> R {
    Ok(Val::bool(s(arg(a, 0)?)?.ends_with(&s(arg(a, 1)?)?)))
}

pub(super) fn strcontains(a: &[Val], _: Span) -> R {
    Ok(Val::bool(s(arg(a, 0)?)?.contains(&s(arg(a, 1)?)?)))
}

/// `replace(text, from, to)`: `from` written `/.../` is a regular expression
/// (`$1` / `${name}` in `to`, as Go's `ReplaceAllString`), else a substring.
pub(super) fn replace(a: &[Val], _: Span) -> R {
    let text = s(arg(a, 0)?)?;
    let from = s(arg(a, 1)?)?;
    let to = s(arg(a, 2)?)?;
    if from.len() > 1 && from.starts_with('/') && from.ends_with('/') {
        let re = super::regex::compile(&from[1..from.len() - 1])?;
        // As `Regex::replace_all`, with the length checked after each match.
        let mut out = String::new();
        let mut last = 0;
        for caps in re.captures_iter(&text) {
            let Some(m) = caps.get(0) else { continue };
            out.push_str(&text[last..m.start()]);
            caps.expand(&to, &mut out);
            last = m.end();
            check_len(out.len())?;
        }
        out.push_str(&text[last..]);
        check_len(out.len())?;
        return Ok(Val::str(&out));
    }
    if !from.is_empty() && to.len() > from.len() {
        let count = text.matches(from.as_str()).count();
        check_len(text.len() + count.saturating_mul(to.len() - from.len()))?;
    } else if from.is_empty() {
        let count = text.chars().count() + 1;
        check_len(text.len().saturating_add(count.saturating_mul(to.len())))?;
    }
    Ok(Val::str(&text.replace(&from, &to)))
}

pub(super) fn substr(a: &[Val], _: Span) -> R {
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
    Ok(Val::str(&chars[start..end].iter().collect::<String>()))
}

pub(super) fn split(a: &[Val], _: Span) -> R {
    let sep = s(arg(a, 0)?)?;
    let text = s(arg(a, 1)?)?;
    if text.is_empty() {
        return Ok(Val::list(Vec::new()));
    }
    if sep.is_empty() {
        super::check_count(text.chars().count())?;
    }
    Ok(Val::list(text.split(sep.as_str()).map(Val::str).collect()))
}

pub(super) fn join(a: &[Val], _: Span) -> R {
    let sep = s(arg(a, 0)?)?;
    let mut parts = Vec::new();
    let mut len = 0usize;
    for l in &a[1..] {
        for x in list(l)? {
            let part = s(&x)?;
            len = len.saturating_add(part.len() + sep.len());
            check_len(len.saturating_sub(sep.len()))?;
            parts.push(part);
        }
    }
    Ok(Val::str(&parts.join(&sep)))
}

/// `indent(n, text)`: `n` spaces after every line break. The size of the
/// result is known before it is built, and refused past the bound.
pub(super) fn indent(a: &[Val], _: Span) -> R {
    let spaces = n(arg(a, 0)?)?.max(0.0);
    let text = s(arg(a, 1)?)?;
    let breaks = text.matches('\n').count();
    if breaks == 0 {
        // Nothing to indent: a huge width must not be allocated (found by
        // tests/fuzz_eval.rs: `indent(1e300, "x")` was a capacity overflow).
        return Ok(Val::str(&text));
    }
    let grow = spaces * breaks as f64;
    if grow + text.len() as f64 > super::MAX_STRING as f64 {
        check_len(usize::MAX)?;
    }
    let spaces = spaces as usize;
    Ok(Val::str(
        &text.replace('\n', &format!("\n{}", " ".repeat(spaces))),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::tests::{error_of, run, strs};
    use super::*;

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
        let got = run(
            "replace",
            vec![Val::str("a.b.c"), Val::str("."), Val::str("-")],
        );
        assert_eq!(got, Val::str("a-b-c"));
    }

    #[test]
    fn strings() {
        assert_eq!(
            run("title", vec![Val::str("eu west-3")]),
            Val::str("Eu West-3")
        );
        assert_eq!(
            run("trim", vec![Val::str("--a-"), Val::str("-")]),
            Val::str("a")
        );
        assert_eq!(
            run(
                "substr",
                vec![Val::str("eu-west-3"), Val::num(-6.0), Val::num(4.0)]
            ),
            Val::str("west")
        );
        assert_eq!(
            run("split", vec![Val::str("-"), Val::str("eu-west-3")]),
            strs(&["eu", "west", "3"])
        );
        assert_eq!(
            run(
                "join",
                vec![Val::str("-"), strs(&["eu", "west"]), strs(&["3"])]
            ),
            Val::str("eu-west-3")
        );
        assert_eq!(
            run("indent", vec![Val::num(2.0), Val::str("a\nb")]),
            Val::str("a\n  b")
        );
    }

    #[test]
    fn indent_and_replace_are_bounded_before_they_allocate() {
        let e = error_of(&run("indent", vec![Val::num(1e9), Val::str("x\ny")]));
        assert!(e.starts_with("indent: ") && e.contains("16777216"), "{e}");
        // A huge indent of a single line adds nothing.
        assert_eq!(
            run("indent", vec![Val::num(1e9), Val::str("x")]),
            Val::str("x")
        );
        assert_eq!(
            run("indent", vec![Val::num(1e300), Val::str("x")]),
            Val::str("x")
        );
        let big = "a".repeat(200_000);
        let e = error_of(&run(
            "replace",
            vec![Val::str(&big), Val::str("a"), Val::str(&"b".repeat(100))],
        ));
        assert!(e.contains("16777216"), "{e}");
        let e = error_of(&run(
            "replace",
            vec![Val::str(&big), Val::str("/a/"), Val::str(&"b".repeat(100))],
        ));
        assert!(e.contains("16777216"), "{e}");
    }
}
