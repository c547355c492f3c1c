//! `yamldecode`, as Terraform decodes YAML (its `go-cty-yaml`, v1.2).
//!
//! The syntax is read by `saphyr-parser` (a YAML 1.2 event parser: anchors
//! and aliases, flow collections, block scalars, tags, documents); what the
//! events mean is decided here, as `go-cty-yaml` decides it, which is not a
//! plain YAML 1.2 core schema:
//! - a plain scalar is a bool for `true`/`false` *and* YAML 1.1's
//!   `y`/`yes`/`on`/`n`/`no`/`off` (in their three casings), null for ``,
//!   `~`, `null`; a number for a decimal, `0o` octal or `0x` hex integer or a
//!   decimal float; a date or time (`2024-01-31`, `2024-01-31T10:00:00Z`) is
//!   the string of its RFC 3339 form; anything else is a string;
//! - a quoted scalar is a string; a block scalar (`|`, `>`) is read as a
//!   plain one;
//! - the tags `!!str`, `!!int`, `!!float`, `!!bool`, `!!null`,
//!   `!!timestamp`, `!!binary`, `!!map`, `!!seq` are understood, any other
//!   tag (`!Ref`) is an error;
//! - a mapping key is a scalar, converted to a string (null is an error);
//!   a key written twice keeps the last value; `<<` merges a mapping or a
//!   sequence of mappings in, later keys winning;
//! - an alias is the value of its anchor (shared, not copied); an alias
//!   inside its own anchor's definition is an error;
//! - more than one document is an error; no document is null.
//!
//! Nesting deeper than [`MAX_DEPTH`] is an error, so that no later stage
//! recurses without bound over a decoded value.

use crate::eval::value::{V, Val, fmt_num};
use saphyr_parser::{Event, Parser, ScalarStyle, Span, Tag};
use std::collections::{BTreeMap, HashMap, HashSet};

/// The deepest nesting of sequences and mappings decoded.
pub const MAX_DEPTH: usize = 1000;

/// A collection being read.
enum Frame {
    Seq {
        items: Vec<Val>,
        anchor: usize,
    },
    Map {
        entries: BTreeMap<String, Val>,
        anchor: usize,
        /// The key read, waiting for its value.
        key: Option<Key>,
    },
}

enum Key {
    Name(String),
    Merge,
}

#[derive(Default)]
struct Decoder {
    stack: Vec<Frame>,
    anchors: HashMap<usize, Val>,
    pending: HashSet<usize>,
    result: Option<Val>,
}

/// Decodes `text` as Terraform's `yamldecode` does.
pub fn decode(text: &str) -> Result<Val, String> {
    let mut d = Decoder::default();
    let mut documents = 0;
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| format!("invalid YAML: {e}"))?;
        let at = |msg: &str| Err(format!("{msg} (line {})", span.start.line()));
        match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return at("only a single document is allowed");
                }
            }
            Event::Scalar(value, style, anchor, tag) => {
                if d.awaits_key() {
                    d.key(&value, style, anchor, tag.as_deref(), span)?;
                } else {
                    let v = scalar(&value, style, tag.as_deref()).map_err(|e| line(e, span))?;
                    d.anchor(anchor, &v);
                    d.node(v, span)?;
                }
            }
            Event::Alias(id) => {
                if d.awaits_key() {
                    return at("only strings are allowed as mapping keys");
                }
                if d.pending.contains(&id) {
                    return at("cannot refer to an anchor from inside its own definition");
                }
                let v = d
                    .anchors
                    .get(&id)
                    .cloned()
                    .ok_or("reference to an undefined anchor")?;
                d.node(v, span)?;
            }
            Event::SequenceStart(anchor, tag) => d.start(true, anchor, tag.as_deref(), span)?,
            Event::MappingStart(anchor, tag) => d.start(false, anchor, tag.as_deref(), span)?,
            Event::SequenceEnd | Event::MappingEnd => {
                let v = d.end();
                d.node(v, span)?;
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
        }
    }
    Ok(d.result.unwrap_or_else(Val::null))
}

fn line(msg: String, span: Span) -> String {
    format!("{msg} (line {})", span.start.line())
}

impl Decoder {
    fn awaits_key(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Map { key: None, .. }))
    }

    fn anchor(&mut self, anchor: usize, v: &Val) {
        if anchor != 0 {
            self.pending.remove(&anchor);
            self.anchors.insert(anchor, v.clone());
        }
    }

    fn start(
        &mut self,
        seq: bool,
        anchor: usize,
        tag: Option<&Tag>,
        span: Span,
    ) -> Result<(), String> {
        if self.awaits_key() {
            return Err(line(
                "only strings are allowed as mapping keys".into(),
                span,
            ));
        }
        let want = if seq { "seq" } else { "map" };
        if let Some(t) = tag
            && !(t.is_yaml_core_schema() && t.suffix == want)
        {
            let what = if seq { "sequence" } else { "mapping" };
            return Err(line(format!("can't interpret {what} as {t}"), span));
        }
        if self.stack.len() >= MAX_DEPTH {
            return Err(line(
                format!("nested deeper than {MAX_DEPTH} levels, the bound on YAML nesting"),
                span,
            ));
        }
        if anchor != 0 {
            self.pending.insert(anchor);
        }
        self.stack.push(if seq {
            Frame::Seq {
                items: Vec::new(),
                anchor,
            }
        } else {
            Frame::Map {
                entries: BTreeMap::new(),
                anchor,
                key: None,
            }
        });
        Ok(())
    }

    /// Closes the collection on top of the stack.
    fn end(&mut self) -> Val {
        let (v, anchor) = match self.stack.pop() {
            Some(Frame::Seq { items, anchor }) => (Val::list(items), anchor),
            Some(Frame::Map {
                entries, anchor, ..
            }) => (Val::map(entries), anchor),
            None => (Val::null(), 0),
        };
        self.anchor(anchor, &v);
        v
    }

    /// A mapping key.
    fn key(
        &mut self,
        value: &str,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<&Tag>,
        span: Span,
    ) -> Result<(), String> {
        let merge = match tag {
            None => style == ScalarStyle::Plain && value == "<<",
            Some(t) => t.is_yaml_core_schema() && t.suffix == "merge",
        };
        let k = if merge {
            Key::Merge
        } else {
            let v = scalar(value, style, tag).map_err(|e| line(e, span))?;
            self.anchor(anchor, &v);
            Key::Name(match &v.v {
                V::Str(t) => t.to_string(),
                V::Num(x) => fmt_num(*x),
                V::Bool(b) => b.to_string(),
                _ => return Err(line("mapping key cannot be null".into(), span)),
            })
        };
        if let Some(Frame::Map { key, .. }) = self.stack.last_mut() {
            *key = Some(k);
        }
        Ok(())
    }

    /// A complete value: into the collection on top of the stack, or the
    /// document's value.
    fn node(&mut self, v: Val, span: Span) -> Result<(), String> {
        match self.stack.last_mut() {
            None => self.result = Some(v),
            Some(Frame::Seq { items, .. }) => {
                super::check_count(items.len() + 1)?;
                items.push(v);
            }
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                Some(Key::Name(k)) => {
                    entries.insert(k, v);
                }
                Some(Key::Merge) => merge(entries, &v).map_err(|e| line(e, span))?,
                None => {
                    return Err(line(
                        "only strings are allowed as mapping keys".into(),
                        span,
                    ));
                }
            },
        }
        Ok(())
    }
}

/// `<<: value`: a mapping, or a sequence of mappings, merged in order.
fn merge(entries: &mut BTreeMap<String, Val>, v: &Val) -> Result<(), String> {
    match &v.v {
        V::Map(m) => entries.extend(m.iter().map(|(k, x)| (k.clone(), x.clone()))),
        V::List(xs) => {
            for x in xs.iter() {
                let V::Map(m) = &x.v else {
                    return Err(format!(
                        "cannot merge {} (from sequence) into mapping",
                        x.type_name()
                    ));
                };
                entries.extend(m.iter().map(|(k, x)| (k.clone(), x.clone())));
            }
        }
        _ => return Err(format!("cannot merge {} into mapping", v.type_name())),
    }
    Ok(())
}

/// What a scalar is, as `go-cty-yaml`'s `resolveScalar` decides.
fn scalar(src: &str, style: ScalarStyle, tag: Option<&Tag>) -> Result<Val, String> {
    let tag = match tag {
        None => "",
        Some(t) if t.is_yaml_core_schema() => match t.suffix.as_str() {
            s @ ("str" | "bool" | "int" | "float" | "null" | "timestamp" | "binary") => s,
            _ => return Err(format!("unsupported tag \"{t}\"")),
        },
        Some(t) => return Err(format!("unsupported tag \"{t}\"")),
    };
    let quoted = matches!(style, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted);
    let mut tag = tag;
    if tag.is_empty() && quoted {
        return Ok(Val::str(src));
    }
    if tag != "str" && tag != "binary" {
        if let Some(v) = fixed(src) {
            return Ok(v);
        }
        if tag.is_empty() && matches!(src, ".nan" | ".NaN" | ".NAN") {
            return Err("floating point NaN is not supported".into());
        }
        if tag.is_empty() {
            match src.as_bytes().first() {
                Some(b'.') if let Some(x) = decimal(src) => return Ok(Val::num(x)),
                Some(b'0'..=b'9' | b'+' | b'-') => {
                    if let Some(t) = timestamp(src) {
                        return Ok(Val::str(&t));
                    }
                    if is_integer(src) {
                        tag = "int";
                    } else if is_float(src) {
                        tag = "float";
                    }
                }
                _ => {}
            }
        }
    }
    let cannot = || format!("cannot parse \"{src}\" as !!{tag}");
    match tag {
        "" | "str" => Ok(Val::str(src)),
        "binary" => {
            let ok = src.len().is_multiple_of(4)
                && src
                    .trim_end_matches('=')
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/');
            if ok {
                Ok(Val::str(src))
            } else {
                Err(format!("{}: not valid base64", cannot()))
            }
        }
        "bool" => match fixed(src) {
            Some(v @ Val { v: V::Bool(_), .. }) => Ok(v),
            _ => Err(cannot()),
        },
        "int" | "float" => number(&src.replace('_', ""))
            .map(Val::num)
            .ok_or_else(cannot),
        "timestamp" => timestamp(src).map(|t| Val::str(&t)).ok_or_else(cannot),
        _ => Ok(Val::null()),
    }
}

/// The scalars with a fixed meaning: bools, nulls, infinities.
fn fixed(src: &str) -> Option<Val> {
    Some(match src {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            Val::bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Val::bool(false)
        }
        "" | "~" | "null" | "Null" | "NULL" => Val::null(),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Val::num(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Val::num(f64::NEG_INFINITY),
        _ => return None,
    })
}

/// YAML 1.2's integer: `[-+]?[0-9]+`, `0o[0-7]+`, `0x[0-9a-fA-F]+`.
fn is_integer(s: &str) -> bool {
    let all = |t: &str, ok: fn(&u8) -> bool| !t.is_empty() && t.as_bytes().iter().all(ok);
    if let Some(o) = s.strip_prefix("0o") {
        return all(o, |b| (b'0'..=b'7').contains(b));
    }
    if let Some(x) = s.strip_prefix("0x") {
        return all(x, u8::is_ascii_hexdigit);
    }
    all(s.strip_prefix(['-', '+']).unwrap_or(s), u8::is_ascii_digit)
}

/// YAML 1.2's float: `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`.
fn is_float(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (mantissa, exp) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let all_digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some(("", frac)) => !frac.is_empty() && all_digits(frac),
        Some((int, frac)) => all_digits(int) && all_digits(frac),
        None => !mantissa.is_empty() && all_digits(mantissa),
    };
    let exp_ok = exp.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && all_digits(e)
    });
    mantissa_ok && exp_ok
}

/// A decimal number as `cty.ParseNumberVal` reads one (Go's `big.ParseFloat`
/// in base 10).
fn decimal(s: &str) -> Option<f64> {
    if !is_float(s) {
        return None;
    }
    s.parse().ok()
}

/// A number tagged or resolved `!!int` / `!!float`: decimal first, then Go's
/// `ParseInt` with its base prefixes (`0x`, `0o`, `0b`, a leading `0` for
/// octal).
fn number(s: &str) -> Option<f64> {
    if let Some(x) = decimal(s) {
        return Some(x);
    }
    let (neg, body) = match s.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let (radix, digits) = if let Some(d) = body.strip_prefix("0x").or(body.strip_prefix("0X")) {
        (16, d)
    } else if let Some(d) = body.strip_prefix("0o").or(body.strip_prefix("0O")) {
        (8, d)
    } else if let Some(d) = body.strip_prefix("0b").or(body.strip_prefix("0B")) {
        (2, d)
    } else if body.len() > 1 && body.starts_with('0') {
        (8, &body[1..])
    } else {
        return None;
    };
    let x = u64::from_str_radix(digits, radix).ok()? as f64;
    Some(if neg { -x } else { x })
}

/// A date or date and time in one of the forms `go-cty-yaml` accepts, as
/// RFC 3339 (`2006-01-02T15:04:05Z07:00`): `2006-1-2`, `2006-1-2T15:4:5Z`
/// (or `t`, or an offset, with optional fractions of a second, which are
/// dropped), `2006-1-2 15:4:5` (UTC).
fn timestamp(s: &str) -> Option<String> {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return None;
    }
    let mut p = Cursor { s: b, i: 5 };
    let year: u32 = s[..4].parse().ok()?;
    let month = p.num()?;
    p.eat(b'-')?;
    let day = p.num()?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in(year, month) {
        return None;
    }
    let date = format!("{year:04}-{month:02}-{day:02}");
    if p.done() {
        return Some(format!("{date}T00:00:00Z"));
    }
    let zoned = match b[p.i] {
        b'T' | b't' => true,
        b' ' => false,
        _ => return None,
    };
    p.i += 1;
    let hour = p.num()?;
    p.eat(b':')?;
    let min = p.num()?;
    p.eat(b':')?;
    let sec = p.num()?;
    if hour > 23 || min > 59 || sec > 59 {
        return None;
    }
    if p.i + 1 < b.len() && (b[p.i] == b'.' || b[p.i] == b',') && b[p.i + 1].is_ascii_digit() {
        p.i += 1;
        while p.i < b.len() && b[p.i].is_ascii_digit() {
            p.i += 1;
        }
    }
    let time = format!("{date}T{hour:02}:{min:02}:{sec:02}");
    if !zoned {
        return p.done().then(|| format!("{time}Z"));
    }
    let zone = &s[p.i..];
    if zone == "Z" {
        return Some(format!("{time}Z"));
    }
    let zb = zone.as_bytes();
    let ok = zb.len() == 6
        && matches!(zb[0], b'+' | b'-')
        && zb[1..3].iter().all(u8::is_ascii_digit)
        && zb[3] == b':'
        && zb[4..6].iter().all(u8::is_ascii_digit);
    if !ok {
        return None;
    }
    if &zone[1..] == "00:00" {
        return Some(format!("{time}Z"));
    }
    Some(format!("{time}{zone}"))
}

struct Cursor<'a> {
    s: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    /// One or two digits, as Go's layouts `1`, `2`, `15`, `4`, `5` read them.
    fn num(&mut self) -> Option<u32> {
        let start = self.i;
        while self.i < self.s.len() && self.i - start < 2 && self.s[self.i].is_ascii_digit() {
            self.i += 1;
        }
        std::str::from_utf8(&self.s[start..self.i])
            .ok()?
            .parse()
            .ok()
    }
    fn eat(&mut self, c: u8) -> Option<()> {
        (self.s.get(self.i) == Some(&c)).then(|| self.i += 1)
    }
    fn done(&self) -> bool {
        self.i == self.s.len()
    }
}

fn days_in(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strs(xs: &[&str]) -> Val {
        Val::list(xs.iter().map(|x| Val::str(x)).collect())
    }

    fn map_of(v: &Val) -> &BTreeMap<String, Val> {
        let V::Map(m) = &v.v else { panic!("{v:?}") };
        m
    }

    #[test]
    fn plain_yaml_as_before() {
        let y = decode(
            "# regions\nprimary: eu-west-3 # Paris\nsecondary: 'eu-central-1'\nzones:\n  - eu-west-3a\n  - \"eu-west-3b\"\nnested:\n  enabled: true\n  count: 2\n  list: [a, b]\nempty:\n",
        )
        .unwrap();
        let m = map_of(&y);
        assert_eq!(m["primary"], Val::str("eu-west-3"));
        assert_eq!(m["secondary"], Val::str("eu-central-1"));
        assert_eq!(m["zones"], strs(&["eu-west-3a", "eu-west-3b"]));
        let n = map_of(&m["nested"]);
        assert_eq!(n["enabled"], Val::bool(true));
        assert_eq!(n["count"], Val::num(2.0));
        assert_eq!(n["list"], strs(&["a", "b"]));
        assert_eq!(m["empty"], Val::null());
        assert_eq!(decode("").unwrap(), Val::null());
        assert_eq!(decode("# nothing\n").unwrap(), Val::null());
        assert_eq!(decode("---\nr: x\n...\n").unwrap(), decode("r: x").unwrap());
    }

    #[test]
    fn scalars_resolve_as_go_cty_yaml() {
        let one = |s: &str| map_of(&decode(&format!("k: {s}\n")).unwrap())["k"].clone();
        for (src, want) in [
            ("yes", Val::bool(true)),
            ("On", Val::bool(true)),
            ("n", Val::bool(false)),
            ("NO", Val::bool(false)),
            ("~", Val::null()),
            ("012", Val::num(12.0)),
            ("0o17", Val::num(15.0)),
            ("0x1F", Val::num(31.0)),
            ("-3", Val::num(-3.0)),
            ("+3", Val::num(3.0)),
            ("1e3", Val::num(1000.0)),
            (".5", Val::num(0.5)),
            ("1.", Val::num(1.0)),
            ("1_000", Val::str("1_000")),
            ("1.2.3", Val::str("1.2.3")),
            ("10:30", Val::str("10:30")),
            ("'123'", Val::str("123")),
            ("\"true\"", Val::str("true")),
            ("!!str 123", Val::str("123")),
            ("!!int \"42\"", Val::num(42.0)),
            ("!!int 0b101", Val::num(5.0)),
            ("2024-01-31", Val::str("2024-01-31T00:00:00Z")),
            (
                "2024-1-5T10:00:00.5+02:00",
                Val::str("2024-01-05T10:00:00+02:00"),
            ),
            ("2024-01-31 10:00:00", Val::str("2024-01-31T10:00:00Z")),
            ("2024-02-30", Val::str("2024-02-30")),
            ("eu-west-3", Val::str("eu-west-3")),
            ("\"a\\tb\"", Val::str("a\tb")),
        ] {
            assert_eq!(one(src), want, "{src}");
        }
        assert_eq!(one(".inf"), Val::num(f64::INFINITY));
        // A block scalar is resolved as a plain one.
        let m =
            decode("a: |\n  line one\n  line two\nb: |-\n  42\nc: >\n  folded\n  text\n").unwrap();
        let m = map_of(&m);
        assert_eq!(m["a"], Val::str("line one\nline two\n"));
        assert_eq!(m["b"], Val::num(42.0));
        assert_eq!(m["c"], Val::str("folded text\n"));
    }

    #[test]
    fn anchors_merges_flow_and_keys() {
        let y = decode(
            "base: &base {region: eu-west-3, tier: gold}\nprod:\n  <<: *base\n  tier: platinum\nlist: &l [a, b]\nagain: *l\n1: one\ntrue: t\n",
        )
        .unwrap();
        let m = map_of(&y);
        let prod = map_of(&m["prod"]);
        assert_eq!(prod["region"], Val::str("eu-west-3"));
        assert_eq!(prod["tier"], Val::str("platinum"));
        assert_eq!(m["again"], strs(&["a", "b"]));
        assert_eq!(m["1"], Val::str("one"));
        assert_eq!(m["true"], Val::str("t"));
        // A merge of a sequence of mappings, later ones winning; a key
        // written twice keeps the last value.
        let y =
            decode("a: &a {x: 1}\nb: &b {x: 2, y: 3}\nc:\n  <<: [*a, *b]\nd: 1\nd: 2\n").unwrap();
        let m = map_of(&y);
        assert_eq!(map_of(&m["c"])["x"], Val::num(2.0));
        assert_eq!(m["d"], Val::num(2.0));
        // A list of mappings (the shape of Kubernetes containers).
        let y = decode("- name: app\n  ports:\n    - containerPort: 8080\n- name: side\n").unwrap();
        let V::List(xs) = &y.v else { panic!() };
        assert_eq!(map_of(&xs[1])["name"], Val::str("side"));
    }

    #[test]
    fn what_terraform_rejects_is_an_error() {
        for (bad, says) in [
            ("a: 1\n---\nb: 2\n", "single document"),
            ("a: !Ref x\n", "unsupported tag"),
            ("a: .nan\n", "NaN"),
            ("? [a]\n: 1\n", "only strings"),
            ("~: 1\n", "null"),
            ("a: &x [*x]\n", "own definition"),
            ("a: *nope\n", "invalid YAML"),
            ("a: [1\n", "invalid YAML"),
            ("a: 1\n    b: 2\n", "invalid YAML"),
            ("a: !!int x\n", "cannot parse"),
            ("a: !!map [1]\n", "can't interpret"),
            ("<<: 1\n", "cannot merge"),
        ] {
            let e = decode(bad).unwrap_err();
            assert!(e.contains(says), "{bad:?}: {e}");
        }
    }

    #[test]
    fn nesting_and_aliases_are_bounded() {
        let deep = format!("{}x\n", "- ".repeat(MAX_DEPTH + 1));
        assert!(decode(&deep).unwrap_err().contains("1000"));
        let ok = format!("{}x\n", "- ".repeat(MAX_DEPTH));
        assert!(decode(&ok).is_ok());
        // The parser refuses flow collections nested past its own limit.
        let flow = format!("{}{}", "[".repeat(300), "]".repeat(300));
        assert!(decode(&flow).unwrap_err().contains("invalid YAML"));
        let flow = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert!(decode(&flow).is_ok());
        // A billion laughs: aliases share their value, nothing is copied.
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..9 {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                format!("l{}", i - 1)
            };
            text.push_str(&format!("l{i}: &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        assert!(decode(&text).is_ok());
    }
}
