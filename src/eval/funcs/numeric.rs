//! Numeric functions (Terraform's `number.go` and cty's stdlib).

use super::{arg, list, n};
use crate::eval::value::Val;
use crate::source::Span;

type R = Result<Val, String>;

pub(super) fn abs(a: &[Val], _: Span) -> R {
    Ok(Val::num(n(arg(a, 0)?)?.abs()))
}

pub(super) fn ceil(a: &[Val], _: Span) -> R {
    Ok(Val::num(n(arg(a, 0)?)?.ceil()))
}

pub(super) fn floor(a: &[Val], _: Span) -> R {
    Ok(Val::num(n(arg(a, 0)?)?.floor()))
}

fn numbers(a: &[Val]) -> Result<Vec<f64>, String> {
    a.iter().map(n).collect()
}

pub(super) fn min(a: &[Val], _: Span) -> R {
    Ok(Val::num(
        numbers(a)?.into_iter().fold(f64::INFINITY, f64::min),
    ))
}

pub(super) fn max(a: &[Val], _: Span) -> R {
    Ok(Val::num(
        numbers(a)?.into_iter().fold(f64::NEG_INFINITY, f64::max),
    ))
}

pub(super) fn sum(a: &[Val], _: Span) -> R {
    let l = list(arg(a, 0)?)?;
    if l.is_empty() {
        return Err("cannot sum an empty list".into());
    }
    Ok(Val::num(l.iter().map(n).sum::<Result<f64, _>>()?))
}

#[cfg(test)]
mod tests {
    use super::super::tests::run;
    use super::*;

    #[test]
    fn numbers_and_sums() {
        let nums = Val::list(vec![Val::num(1.0), Val::num(2.5), Val::str("3")]);
        assert_eq!(run("sum", vec![nums]), Val::num(6.5));
        assert!(
            run("sum", vec![Val::list(vec![])])
                .as_unknown()
                .is_some_and(|u| u.error)
        );
        assert_eq!(
            run("min", vec![Val::num(3.0), Val::str("2")]),
            Val::num(2.0)
        );
        assert_eq!(
            run("max", vec![Val::num(3.0), Val::num(7.0)]),
            Val::num(7.0)
        );
        assert_eq!(run("abs", vec![Val::num(-2.0)]), Val::num(2.0));
        assert_eq!(run("ceil", vec![Val::num(1.2)]), Val::num(2.0));
        assert_eq!(run("floor", vec![Val::num(1.8)]), Val::num(1.0));
    }
}
