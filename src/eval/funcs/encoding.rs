//! Encodings (Terraform's `encoding.go` and cty's JSON and YAML functions):
//! `jsonencode`, `jsondecode`, `yamldecode` (in [`super::yaml`]) and
//! `urlencode`.

use super::{arg, check_len, s};
use crate::eval::value::{V, Val, fmt_num};
use crate::source::Span;

type R = Result<Val, String>;

pub(super) fn jsondecode(a: &[Val], _: Span) -> R {
    let text = s(arg(a, 0)?)?;
    let j: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("invalid JSON: {e}"))?;
    Ok(from_json(&j))
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

/// `jsonencode`: unknown when the value holds an unknown; the text is
/// checked against the string bound as it grows (a value that shares its
/// parts, as YAML aliases make, can encode to far more than it holds).
pub(super) fn jsonencode(a: &[Val], span: Span) -> R {
    let mut out = String::new();
    if json_into(arg(a, 0)?, &mut out)? {
        Ok(Val::str(&out))
    } else {
        Ok(Val::unknown(span, "jsonencode of an unknown value"))
    }
}

/// Appends the JSON of `v`; `Ok(false)` when `v` holds an unknown or a choice.
fn json_into(v: &Val, out: &mut String) -> Result<bool, String> {
    let quote = |t: &str| serde_json::to_string(t).unwrap_or_default();
    match &v.v {
        V::Null => out.push_str("null"),
        V::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        V::Num(x) => out.push_str(&fmt_num(*x)),
        V::Str(t) => out.push_str(&quote(t)),
        V::List(xs) => {
            out.push('[');
            for (i, x) in xs.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                if !json_into(x, out)? {
                    return Ok(false);
                }
            }
            out.push(']');
        }
        V::Map(m) => {
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&quote(k));
                out.push(':');
                if !json_into(x, out)? {
                    return Ok(false);
                }
            }
            out.push('}');
        }
        V::Unknown(_) | V::Choice(_) => return Ok(false),
    }
    check_len(out.len())?;
    Ok(true)
}

pub(super) fn yamldecode(a: &[Val], _: Span) -> R {
    super::yaml::decode(&s(arg(a, 0)?)?)
}

/// Go's `url.QueryEscape`, which Terraform uses.
pub(super) fn urlencode(a: &[Val], _: Span) -> R {
    let mut out = String::new();
    for b in s(arg(a, 0)?)?.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    Ok(Val::str(&out))
}

#[cfg(test)]
mod tests {
    use super::super::tests::{error_of, run, strs};
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn json_both_ways() {
        let v = run(
            "jsondecode",
            vec![Val::str(r#"{"r":["eu-west-3",1,true,null]}"#)],
        );
        let m = Val::map(BTreeMap::from([(
            "r".to_string(),
            Val::list(vec![
                Val::str("eu-west-3"),
                Val::num(1.0),
                Val::bool(true),
                Val::null(),
            ]),
        )]));
        assert_eq!(v, m);
        assert_eq!(
            run("jsonencode", vec![m]),
            Val::str(r#"{"r":["eu-west-3",1,true,null]}"#)
        );
        let u = Val::list(vec![Val::unknown(Span::default(), "x")]);
        assert!(run("jsonencode", vec![u]).is_unknown());
        assert!(error_of(&run("jsondecode", vec![Val::str("{")])).contains("invalid JSON"));
    }

    #[test]
    fn jsonencode_of_shared_parts_is_bounded() {
        let mut v = strs(&["0123456789abcdef"]);
        for _ in 0..30 {
            v = Val::list(vec![v.clone(), v]);
        }
        let e = error_of(&run("jsonencode", vec![v]));
        assert!(e.contains("16777216"), "{e}");
    }

    #[test]
    fn urlencode_as_go() {
        assert_eq!(
            run("urlencode", vec![Val::str("a b/é")]),
            Val::str("a+b%2F%C3%A9")
        );
    }
}
