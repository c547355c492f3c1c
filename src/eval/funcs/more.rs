//! More Terraform functions met in real code around regions: collection
//! shapes (`setproduct`, `transpose`, `chunklist`, `matchkeys`), strings
//! (`urlencode`, `indent`), networks (`cidrsubnet`, `cidrhost`), the AWS
//! provider's `provider::aws::arn_parse` / `arn_build`, and `yamldecode` of the
//! plain YAML that configuration files use. Each follows Terraform's
//! documented result; what is not understood is an error or unknown, never a
//! guess.

use crate::eval::funcs::{n, s};
use crate::eval::value::{V, Val};
use std::collections::BTreeMap;

/// The names this module evaluates (after `core::` is stripped).
pub const NAMES: &[&str] = &[
    "setproduct",
    "transpose",
    "chunklist",
    "matchkeys",
    "urlencode",
    "indent",
    "cidrsubnet",
    "cidrhost",
    "provider::aws::arn_parse",
    "provider::aws::arn_build",
];

fn items(v: &Val) -> Result<Vec<Val>, String> {
    match &v.v {
        V::List(xs) => Ok(xs.to_vec()),
        _ => Err(format!("expected a list, got a {}", v.type_name())),
    }
}

fn get(a: &[Val], i: usize) -> Result<&Val, String> {
    a.get(i)
        .ok_or_else(|| format!("missing argument {}", i + 1))
}

/// At most this many elements are built by `setproduct` / `chunklist`.
const MAX_ELEMENTS: usize = 100_000;

/// Applies function `name` (one of [`NAMES`]) to known arguments.
pub fn apply(name: &str, a: &[Val]) -> Result<Val, String> {
    Ok(match name {
        "setproduct" => {
            if a.len() < 2 {
                return Err("at least two arguments are required".into());
            }
            let mut out: Vec<Vec<Val>> = vec![Vec::new()];
            for l in a {
                let xs = items(l)?;
                if out.len().saturating_mul(xs.len()) > MAX_ELEMENTS {
                    return Err("too many combinations".into());
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
            Val::list(out.into_iter().map(Val::list).collect())
        }
        "transpose" => {
            let V::Map(m) = &get(a, 0)?.v else {
                return Err("expected a map of lists of strings".into());
            };
            let mut out: BTreeMap<String, Vec<Val>> = BTreeMap::new();
            for (k, l) in m.iter() {
                for x in items(l)? {
                    out.entry(s(&x)?).or_default().push(Val::str(k));
                }
            }
            Val::map(out.into_iter().map(|(k, v)| (k, Val::list(v))).collect())
        }
        "chunklist" => {
            let l = items(get(a, 0)?)?;
            let size = n(get(a, 1)?)?;
            if size < 0.0 || size.fract() != 0.0 {
                return Err("the size must be a whole number, 0 or more".into());
            }
            let size = size as usize;
            if size == 0 {
                return Ok(Val::list(vec![Val::list(l)]));
            }
            Val::list(l.chunks(size).map(|c| Val::list(c.to_vec())).collect())
        }
        "matchkeys" => {
            let values = items(get(a, 0)?)?;
            let keys = items(get(a, 1)?)?;
            let search = items(get(a, 2)?)?;
            if values.len() != keys.len() {
                return Err("the values and keys lists must have the same length".into());
            }
            Val::list(
                values
                    .into_iter()
                    .zip(keys)
                    .filter(|(_, k)| search.contains(k))
                    .map(|(v, _)| v)
                    .collect(),
            )
        }
        // Go's url.QueryEscape, which Terraform uses.
        "urlencode" => {
            let mut out = String::new();
            for b in s(get(a, 0)?)?.bytes() {
                match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                        out.push(b as char)
                    }
                    b' ' => out.push('+'),
                    _ => out.push_str(&format!("%{b:02X}")),
                }
            }
            Val::str(&out)
        }
        "indent" => {
            let n = n(get(a, 0)?)?.max(0.0) as usize;
            let text = s(get(a, 1)?)?;
            Val::str(&text.replace('\n', &format!("\n{}", " ".repeat(n))))
        }
        "cidrsubnet" => {
            let (base, bits) = cidr(&s(get(a, 0)?)?)?;
            let newbits = whole(n(get(a, 1)?)?)?;
            let netnum = u64::from(whole(n(get(a, 2)?)?)?);
            let len = bits + newbits;
            if len > 32 || (newbits < 32 && netnum >= (1u64 << newbits)) {
                return Err("not enough remaining address space".into());
            }
            let net = u64::from(base) | if len == 0 { 0 } else { netnum << (32 - len) };
            Val::str(&format!("{}/{len}", ipv4(net as u32)))
        }
        "cidrhost" => {
            let (base, bits) = cidr(&s(get(a, 0)?)?)?;
            let host = n(get(a, 1)?)?;
            let size = 1i64 << (32 - bits);
            if host.fract() != 0.0 || host.abs() >= size as f64 {
                return Err("host number out of range".into());
            }
            let h = if host < 0.0 {
                size + host as i64
            } else {
                host as i64
            };
            Val::str(&ipv4((base as i64 + h) as u32))
        }
        // arn:partition:service:region:account-id:resource
        "provider::aws::arn_parse" => {
            let text = s(get(a, 0)?)?;
            let parts: Vec<&str> = text.splitn(6, ':').collect();
            if parts.len() != 6 || parts[0] != "arn" {
                return Err(format!("{text:?} is not an ARN"));
            }
            let m = BTreeMap::from([
                ("partition".to_string(), Val::str(parts[1])),
                ("service".to_string(), Val::str(parts[2])),
                ("region".to_string(), Val::str(parts[3])),
                ("account_id".to_string(), Val::str(parts[4])),
                ("resource".to_string(), Val::str(parts[5])),
            ]);
            Val::map(m)
        }
        "provider::aws::arn_build" => {
            let p: Vec<String> = (0..5).map(|i| s(get(a, i)?)).collect::<Result<_, _>>()?;
            Val::str(&format!("arn:{}", p.join(":")))
        }
        _ => return Err(format!("function {name}")),
    })
}

fn whole(x: f64) -> Result<u32, String> {
    if x < 0.0 || x.fract() != 0.0 {
        return Err(format!("{x} is not a whole number"));
    }
    u32::try_from(x as u64).map_err(|_| format!("{x} is too large"))
}

/// An IPv4 CIDR prefix: (network address with host bits cleared, prefix length).
fn cidr(text: &str) -> Result<(u32, u32), String> {
    let bad = || format!("{text:?} is not an IPv4 CIDR prefix");
    let (ip, len) = text.split_once('/').ok_or_else(bad)?;
    let len: u32 = len.parse().map_err(|_| bad())?;
    let octets: Vec<u8> = ip
        .split('.')
        .map(|o| o.parse::<u8>())
        .collect::<Result<_, _>>()
        .map_err(|_| bad())?;
    if octets.len() != 4 || len > 32 {
        return Err(bad());
    }
    let addr = u32::from_be_bytes([octets[0], octets[1], octets[2], octets[3]]);
    let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
    Ok((addr & mask, len))
}

fn ipv4(x: u32) -> String {
    let b = x.to_be_bytes();
    format!("{}.{}.{}.{}", b[0], b[1], b[2], b[3])
}

/// `yamldecode` of the YAML configuration files use: block mappings and
/// sequences of plain or quoted scalars, nested by indentation, `#` comments,
/// flow sequences of scalars. Anything else (anchors, tags, multi-line
/// scalars, several documents, flow mappings) is `None`: not guessed.
pub fn yaml(text: &str) -> Option<Val> {
    let mut lines: Vec<(usize, &str)> = Vec::new();
    for raw in text.lines() {
        let line = strip_comment(raw.trim_end());
        let body = line.trim_start();
        if body.is_empty() || body == "---" && lines.is_empty() {
            continue;
        }
        if body.starts_with("---") || body.starts_with("...") || body.starts_with('%') {
            return None;
        }
        if raw.starts_with('\t') {
            return None;
        }
        lines.push((line.len() - body.len(), body));
    }
    if lines.is_empty() {
        return Some(Val::null());
    }
    let mut pos = 0;
    let v = block(&lines, &mut pos, lines[0].0)?;
    (pos == lines.len()).then_some(v)
}

fn strip_comment(line: &str) -> &str {
    let mut quote = None;
    let mut prev = ' ';
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') if prev == ' ' || prev == ':' || prev == '-' || i == 0 => {
                quote = Some(c)
            }
            (Some(q), c) if c == q => quote = None,
            (None, '#') if i == 0 || prev == ' ' => return line[..i].trim_end(),
            _ => {}
        }
        prev = c;
    }
    line
}

fn block(lines: &[(usize, &str)], pos: &mut usize, indent: usize) -> Option<Val> {
    let (_, first) = lines[*pos];
    if first == "-" || first.starts_with("- ") {
        let mut out = Vec::new();
        while *pos < lines.len() && lines[*pos].0 == indent {
            let body = lines[*pos].1;
            let rest = body.strip_prefix('-')?.trim_start();
            *pos += 1;
            if rest.is_empty() {
                let next = lines.get(*pos)?;
                if next.0 <= indent {
                    out.push(Val::null());
                    continue;
                }
                out.push(block(lines, pos, next.0)?);
            } else if key_of(rest).is_some() {
                return None; // a mapping inside a sequence item: not handled
            } else {
                out.push(scalar(rest)?);
            }
        }
        return Some(Val::list(out));
    }
    let mut out = BTreeMap::new();
    while *pos < lines.len() && lines[*pos].0 == indent {
        let (k, rest) = key_of(lines[*pos].1)?;
        *pos += 1;
        let v = if rest.is_empty() {
            match lines.get(*pos) {
                Some(next) if next.0 > indent || (next.0 == indent && next.1.starts_with("- ")) => {
                    block(lines, pos, next.0)?
                }
                _ => Val::null(),
            }
        } else {
            scalar(rest)?
        };
        if out.insert(k, v).is_some() {
            return None;
        }
    }
    if *pos < lines.len() && lines[*pos].0 > indent {
        return None;
    }
    Some(Val::map(out))
}

/// `key: rest` with a plain or quoted key.
fn key_of(body: &str) -> Option<(String, &str)> {
    let (k, rest) = if let Some(q) = body.strip_prefix('"') {
        let end = q.find('"')?;
        (q[..end].to_string(), q[end + 1..].strip_prefix(':')?)
    } else if let Some(q) = body.strip_prefix('\'') {
        let end = q.find('\'')?;
        (q[..end].to_string(), q[end + 1..].strip_prefix(':')?)
    } else {
        let i = body
            .find(": ")
            .or_else(|| body.ends_with(':').then(|| body.len() - 1))?;
        (body[..i].trim().to_string(), &body[i + 1..])
    };
    if !rest.is_empty() && !rest.starts_with(' ') {
        return None;
    }
    if k.is_empty() || k.starts_with(['&', '*', '!', '?', '{', '[', '|', '>']) {
        return None;
    }
    Some((k, rest.trim()))
}

/// A scalar as YAML 1.2's core schema reads it (what Terraform's decoder uses).
fn scalar(t: &str) -> Option<Val> {
    if let Some(q) = t.strip_prefix('"') {
        let inner = q.strip_suffix('"')?;
        if inner.contains('\\') || inner.contains('"') {
            return None;
        }
        return Some(Val::str(inner));
    }
    if let Some(q) = t.strip_prefix('\'') {
        let inner = q.strip_suffix('\'')?;
        return Some(Val::str(&inner.replace("''", "'")));
    }
    if let Some(inner) = t.strip_prefix('[') {
        let inner = inner.strip_suffix(']')?.trim();
        if inner.is_empty() {
            return Some(Val::list(Vec::new()));
        }
        if inner.contains(['[', '{', '"', '\'']) {
            return None;
        }
        return inner
            .split(',')
            .map(|x| scalar(x.trim()))
            .collect::<Option<Vec<_>>>()
            .map(Val::list);
    }
    if t.starts_with(['&', '*', '!', '|', '>', '{', '%', '@', '`']) {
        return None;
    }
    // YAML 1.1 readings (yes/no/on/off, octal, sexagesimal, dates) differ
    // between decoders: not guessed.
    let lower = t.to_ascii_lowercase();
    if matches!(lower.as_str(), "y" | "n" | "yes" | "no" | "on" | "off") {
        return None;
    }
    Some(match t {
        "~" | "null" | "Null" | "NULL" => Val::null(),
        "true" | "True" | "TRUE" => Val::bool(true),
        "false" | "False" | "FALSE" => Val::bool(false),
        _ if t.starts_with(|c: char| c.is_ascii_digit() || "+-.".contains(c)) => {
            let digits = t.trim_start_matches(['+', '-']);
            if !t.chars().all(|c| c.is_ascii_digit() || "+-.eE".contains(c))
                || (digits.len() > 1 && digits.starts_with('0') && !digits.starts_with("0."))
            {
                return None;
            }
            Val::num(t.parse::<f64>().ok()?)
        }
        _ => Val::str(t),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strs(xs: &[&str]) -> Val {
        Val::list(xs.iter().map(|x| Val::str(x)).collect())
    }

    #[test]
    fn collection_shapes() {
        let p = apply("setproduct", &[strs(&["eu"]), strs(&["west-1", "west-3"])]).unwrap();
        assert_eq!(
            p,
            Val::list(vec![strs(&["eu", "west-1"]), strs(&["eu", "west-3"])])
        );
        let m = Val::map(BTreeMap::from([
            ("a".to_string(), strs(&["eu-west-3", "eu-west-1"])),
            ("b".to_string(), strs(&["eu-west-3"])),
        ]));
        let t = apply("transpose", &[m]).unwrap();
        let V::Map(t) = &t.v else { panic!() };
        assert_eq!(t["eu-west-3"], strs(&["a", "b"]));
        assert_eq!(t["eu-west-1"], strs(&["a"]));
        let c = apply("chunklist", &[strs(&["a", "b", "c"]), Val::num(2.0)]).unwrap();
        assert_eq!(c, Val::list(vec![strs(&["a", "b"]), strs(&["c"])]));
        let k = apply(
            "matchkeys",
            &[
                strs(&["eu-west-3", "us-east-1"]),
                strs(&["fr", "us"]),
                strs(&["fr"]),
            ],
        )
        .unwrap();
        assert_eq!(k, strs(&["eu-west-3"]));
    }

    #[test]
    fn strings_and_networks() {
        let u = apply("urlencode", &[Val::str("a b/é")]).unwrap();
        assert_eq!(u, Val::str("a+b%2F%C3%A9"));
        let i = apply("indent", &[Val::num(2.0), Val::str("a\nb")]).unwrap();
        assert_eq!(i, Val::str("a\n  b"));
        let s = apply(
            "cidrsubnet",
            &[Val::str("10.1.0.0/16"), Val::num(8.0), Val::num(2.0)],
        )
        .unwrap();
        assert_eq!(s, Val::str("10.1.2.0/24"));
        let h = apply("cidrhost", &[Val::str("10.12.112.0/20"), Val::num(16.0)]).unwrap();
        assert_eq!(h, Val::str("10.12.112.16"));
        let h = apply("cidrhost", &[Val::str("10.0.0.0/24"), Val::num(-2.0)]).unwrap();
        assert_eq!(h, Val::str("10.0.0.254"));
        assert!(
            apply(
                "cidrsubnet",
                &[Val::str("fd00::/8"), Val::num(8.0), Val::num(1.0)]
            )
            .is_err()
        );
        assert!(
            apply(
                "cidrsubnet",
                &[Val::str("10.0.0.0/30"), Val::num(8.0), Val::num(1.0)]
            )
            .is_err()
        );
    }

    #[test]
    fn arns() {
        let p = apply(
            "provider::aws::arn_parse",
            &[Val::str("arn:aws:kms:eu-west-3:123456789012:key/a:b")],
        )
        .unwrap();
        let V::Map(m) = &p.v else { panic!() };
        assert_eq!(m["region"], Val::str("eu-west-3"));
        assert_eq!(m["resource"], Val::str("key/a:b"));
        let b = apply(
            "provider::aws::arn_build",
            &["aws", "s3", "", "", "bucket"].map(Val::str),
        )
        .unwrap();
        assert_eq!(b, Val::str("arn:aws:s3:::bucket"));
        assert!(apply("provider::aws::arn_parse", &[Val::str("nope")]).is_err());
    }

    #[test]
    fn plain_yaml_is_decoded_and_the_rest_is_not_guessed() {
        let y = yaml(
            "# regions\nprimary: eu-west-3 # Paris\nsecondary: 'eu-central-1'\nzones:\n  - eu-west-3a\n  - \"eu-west-3b\"\nnested:\n  enabled: true\n  count: 2\n  list: [a, b]\nempty:\n",
        )
        .unwrap();
        let V::Map(m) = &y.v else { panic!() };
        assert_eq!(m["primary"], Val::str("eu-west-3"));
        assert_eq!(m["secondary"], Val::str("eu-central-1"));
        assert_eq!(m["zones"], strs(&["eu-west-3a", "eu-west-3b"]));
        let V::Map(n) = &m["nested"].v else { panic!() };
        assert_eq!(n["enabled"], Val::bool(true));
        assert_eq!(n["count"], Val::num(2.0));
        assert_eq!(n["list"], strs(&["a", "b"]));
        assert_eq!(m["empty"], Val::null());
        let l = yaml("regions:\n- eu-west-3\n- eu-west-1\n").unwrap();
        let V::Map(m) = &l.v else { panic!() };
        assert_eq!(m["regions"], strs(&["eu-west-3", "eu-west-1"]));
        assert_eq!(
            yaml("r: eu-west-3").unwrap(),
            Val::map(BTreeMap::from([("r".to_string(), Val::str("eu-west-3"))]))
        );
        for bad in [
            "a: &x 1\nb: *x\n",
            "a: |\n  text\n",
            "a: 1\n---\nb: 2\n",
            "- name: x\n  region: y\n",
            "a: {b: 1}\n",
            "a: 1\n    b: 2\n",
            "a: \"x\\ty\"\n",
            "a: yes\n",
            "a: 012\n",
            "a: 2024-01-01\n",
            "a: 0x1F\n",
        ] {
            assert!(yaml(bad).is_none(), "{bad}");
        }
    }
}
