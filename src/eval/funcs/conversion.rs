//! Type conversions (Terraform's `conversion.go`), `sensitive` and `type`.

use super::collection::{dedup, sort_set};
use super::{arg, list, map, n, s};
use crate::eval::value::{V, Val};
use crate::source::Span;

type R = Result<Val, String>;

pub(super) fn tostring(a: &[Val], _: Span) -> R {
    match &arg(a, 0)?.v {
        V::Null => Ok(Val::null()),
        _ => Ok(Val::str(&s(arg(a, 0)?)?)),
    }
}

pub(super) fn tonumber(a: &[Val], _: Span) -> R {
    Ok(Val::num(n(arg(a, 0)?)?))
}

pub(super) fn tobool(a: &[Val], _: Span) -> R {
    match &arg(a, 0)?.v {
        V::Bool(b) => Ok(Val::bool(*b)),
        V::Str(t) if &**t == "true" => Ok(Val::bool(true)),
        V::Str(t) if &**t == "false" => Ok(Val::bool(false)),
        _ => Err("not a bool".into()),
    }
}

pub(super) fn tomap(a: &[Val], _: Span) -> R {
    Ok(Val::map(map(arg(a, 0)?)?))
}

pub(super) fn tolist(a: &[Val], _: Span) -> R {
    Ok(Val::list(list(arg(a, 0)?)?))
}

/// A set: without repeats, in cercle's set order.
pub(super) fn toset(a: &[Val], _: Span) -> R {
    let mut out = dedup(list(arg(a, 0)?)?);
    sort_set(&mut out);
    Ok(Val::list(out))
}

/// `sensitive` and `nonsensitive`: the value itself.
pub(super) fn identity(a: &[Val], _: Span) -> R {
    Ok(arg(a, 0)?.clone())
}

pub(super) fn type_of(a: &[Val], _: Span) -> R {
    Ok(Val::str(arg(a, 0)?.type_name()))
}

#[cfg(test)]
mod tests {
    use super::super::tests::{run, strs};
    use super::*;

    #[test]
    fn conversions() {
        assert_eq!(run("tostring", vec![Val::num(3.0)]), Val::str("3"));
        assert_eq!(run("tostring", vec![Val::null()]), Val::null());
        assert_eq!(run("tonumber", vec![Val::str("2.5")]), Val::num(2.5));
        assert_eq!(run("tobool", vec![Val::str("true")]), Val::bool(true));
        assert!(run("tobool", vec![Val::str("yes")]).is_unknown());
        assert_eq!(
            run("toset", vec![strs(&["b", "a", "b"])]),
            strs(&["a", "b"])
        );
        assert_eq!(run("tolist", vec![Val::null()]), Val::list(vec![]));
        assert_eq!(run("sensitive", vec![Val::str("x")]), Val::str("x"));
        assert_eq!(run("type", vec![Val::num(1.0)]), Val::str("number"));
    }
}
