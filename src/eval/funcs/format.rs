//! `format` and `formatlist` (cty's stdlib `format.go`, which Terraform
//! uses). Widths are bounded as Go's `fmt` bounds them (at most
//! [`MAX_WIDTH`]); the text made is bounded by [`MAX_STRING`].
//!
//! [`MAX_STRING`]: super::MAX_STRING

use super::{arg, check_count, check_len, n, s};
use crate::eval::value::{V, Val, fmt_num};
use crate::source::Span;

type R = Result<Val, String>;

/// The largest width or precision a verb may ask for: Go's `fmt` treats a
/// larger one as a bad width.
pub const MAX_WIDTH: usize = 1_000_000;

pub(super) fn format(a: &[Val], _: Span) -> R {
    Ok(Val::str(&render(&s(arg(a, 0)?)?, &a[1..])?))
}

/// `format` applied to each row of the list arguments (other arguments are
/// repeated).
pub(super) fn formatlist(a: &[Val], _: Span) -> R {
    let f = s(arg(a, 0)?)?;
    let len = a[1..]
        .iter()
        .filter_map(|x| match &x.v {
            V::List(xs) => Some(xs.len()),
            _ => None,
        })
        .max()
        .unwrap_or(1);
    check_count(len)?;
    let mut out = Vec::new();
    let mut total = 0usize;
    for i in 0..len {
        let row: Vec<Val> = a[1..]
            .iter()
            .map(|x| match &x.v {
                V::List(xs) => xs.get(i).cloned().unwrap_or_else(Val::null),
                _ => x.clone(),
            })
            .collect();
        let line = render(&f, &row)?;
        total = total.saturating_add(line.len());
        check_len(total)?;
        out.push(Val::str(&line));
    }
    Ok(Val::list(out))
}

/// `%s`, `%d`, `%v`, `%q`, `%%`, with flags and widths read and ignored
/// except zero padding of numbers.
fn render(f: &str, args: &[Val]) -> Result<String, String> {
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
        verb_into(&mut out, verb, &spec, v)?;
        check_len(out.len())?;
    }
    Ok(out)
}

fn verb_into(out: &mut String, verb: char, spec: &str, v: &Val) -> Result<(), String> {
    for number in spec.split('.') {
        let digits = number.trim_start_matches(['-', '+', '#', ' ', '0']);
        if digits.len() > 7 || digits.parse::<usize>().is_ok_and(|w| w > MAX_WIDTH) {
            return Err(format!(
                "width or precision {digits} is larger than {MAX_WIDTH}, the bound Go's fmt sets"
            ));
        }
    }
    match verb {
        's' | 'v' | 't' => out.push_str(&s(v)?),
        'q' => out.push_str(&format!("{:?}", s(v)?)),
        'd' => {
            let x = n(v)? as i64;
            let width: usize = spec
                .trim_start_matches(['-', '+', '0'])
                .parse()
                .unwrap_or(0);
            pad_int(out, x, width, spec.starts_with('0'));
        }
        'f' | 'g' | 'e' => out.push_str(&fmt_num(n(v)?)),
        other => return Err(format!("unsupported verb %{other}")),
    }
    Ok(())
}

/// `x` right-aligned in `width` characters, with zeros after the sign or
/// spaces before it (as `{x:0width$}` / `{x:width$}`, whose width cannot
/// exceed 65,535).
fn pad_int(out: &mut String, x: i64, width: usize, zeros: bool) {
    let digits = x.unsigned_abs().to_string();
    let len = digits.len() + usize::from(x < 0);
    let fill = width.saturating_sub(len);
    if zeros {
        if x < 0 {
            out.push('-');
        }
        out.extend(std::iter::repeat_n('0', fill));
    } else {
        out.extend(std::iter::repeat_n(' ', fill));
        if x < 0 {
            out.push('-');
        }
    }
    out.push_str(&digits);
}

#[cfg(test)]
mod tests {
    use super::super::tests::{error_of, run, strs};
    use super::*;

    fn fmt(f: &str, args: Vec<Val>) -> Val {
        let mut all = vec![Val::str(f)];
        all.extend(args);
        run("format", all)
    }

    #[test]
    fn verbs_and_padding() {
        assert_eq!(
            fmt("%s-%d", vec![Val::str("eu-west"), Val::num(3.0)]),
            Val::str("eu-west-3")
        );
        assert_eq!(fmt("%03d", vec![Val::num(7.0)]), Val::str("007"));
        assert_eq!(fmt("%05d", vec![Val::num(-7.0)]), Val::str("-0007"));
        assert_eq!(fmt("%4d", vec![Val::num(-7.0)]), Val::str("  -7"));
        assert_eq!(fmt("%q", vec![Val::str("a")]), Val::str("\"a\""));
        assert_eq!(fmt("100%%", vec![]), Val::str("100%"));
        assert_eq!(
            run(
                "formatlist",
                vec![Val::str("%s-%s"), strs(&["eu", "us"]), Val::str("1")]
            ),
            strs(&["eu-1", "us-1"])
        );
    }

    #[test]
    fn widths_are_bounded_and_never_panic() {
        // Past Rust's own limit of 65,535, which used to panic.
        let v = fmt("%65536d", vec![Val::num(1.0)]);
        let V::Str(t) = &v.v else { panic!("{v:?}") };
        assert_eq!(t.len(), 65536);
        assert!(t.ends_with(" 1"));
        for f in ["%1000001d", "%99999999999999999999d", "%.2000000f"] {
            let e = error_of(&fmt(f, vec![Val::num(1.0)]));
            assert!(
                e.starts_with("format: ") && e.contains("1000000"),
                "{f}: {e}"
            );
        }
        // Many verbs of the largest width add up past the string bound.
        let f = "%1000000d".repeat(20);
        let e = error_of(&fmt(&f, vec![Val::num(1.0); 20]));
        assert!(e.contains("16777216"), "{e}");
    }
}
