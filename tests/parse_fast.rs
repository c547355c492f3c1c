//! The fast HCL parser (`src/parse/fast.rs`) against hcl-edit, its reference:
//! on every HCL fixture, on hand-written tricky snippets, on generated
//! configurations and on mutated ones, the fast parser either declines
//! (`None`) or builds exactly the model that the hcl-edit path builds (same
//! nodes, strings and spans). It must also decline rarely on valid files.
//!
//! The skimmer (`src/parse/skim.rs`), which tells files whose shell is empty
//! without parsing them, is checked the same way: whenever it skims a text
//! that hcl-edit parses, that text's shell is empty.
//!
//! The generated benchmark corpus is checked by `corpus_agrees` (ignored by
//! default: `cargo test --release --test parse_fast -- --ignored`).

use cercle::model::{Body, FileKind};
use cercle::parse::load;
use cercle::parse::{fast, hcl, skim};
use std::path::{Path, PathBuf};

/// What happened to one text.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
enum Outcome {
    /// Both parsed it, to the same model.
    Same,
    /// The fast parser declined; hcl-edit parsed it.
    Bailed,
    /// Both declined (hcl-edit reports a syntax error).
    Invalid,
    /// The fast parser reports an error that hcl-edit misses (`1.2.3`,
    /// `a.0.1`...): HashiCorp's parser reports it (`tests/hcl_diff.rs`).
    Refused,
    /// The fast parser accepts what hcl-edit refuses but HashiCorp's parser
    /// accepts (a key written twice in an object, line breaks inside a `for`,
    /// nesting deeper than 64 levels): checked by `tests/hcl_diff.rs`.
    Beyond,
}

/// Checks one text; panics when the fast parser is wrong.
fn check(text: &str, what: &str) -> Outcome {
    let fast = fast::parse(text, 7);
    let reference = hcl::parse_body_hcl_edit(text, 7);
    match (fast, reference) {
        (Err(None), Ok(_)) => Outcome::Bailed,
        (Err(Some(e)), Ok(_)) => {
            if std::env::var_os("SHOW_REFUSED").is_some() {
                eprintln!("REFUSED {}", e.message);
            }
            Outcome::Refused
        }
        (Err(_), Err(_)) => Outcome::Invalid,
        (Ok(_), Err(_)) => Outcome::Beyond,
        (Ok(f), Ok(r)) => {
            assert_same(&f, &r, text, what);
            Outcome::Same
        }
    }
}

fn assert_same(fast: &Body, reference: &Body, text: &str, what: &str) {
    // Debug output also tells -0.0 from 0.0, which `==` does not.
    if fast == reference {
        let (f, r) = (format!("{fast:?}"), format!("{reference:?}"));
        if f == r {
            return;
        }
    }
    let (f, r) = (format!("{fast:#?}"), format!("{reference:#?}"));
    let at = f
        .lines()
        .zip(r.lines())
        .position(|(a, b)| a != b)
        .unwrap_or(0);
    let around = |s: &str| {
        s.lines()
            .skip(at.saturating_sub(12))
            .take(24)
            .collect::<Vec<_>>()
            .join("\n")
    };
    panic!(
        "{what}: the fast parser's model differs from hcl-edit's, at line {at} of the dumps\n\
         --- text ---\n{text}\n--- fast ---\n{}\n--- hcl-edit ---\n{}",
        around(&f),
        around(&r)
    );
}

/// What `load.rs` does to a byte order mark before parsing.
fn as_loaded(text: String) -> String {
    match text.strip_prefix('\u{feff}') {
        Some(rest) => format!("   {rest}"),
        None => text,
    }
}

fn hcl_files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p
                .extension()
                .is_some_and(|x| x == "tf" || x == "tofu" || x == "tfvars")
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[derive(Default, Debug)]
struct Tally {
    same: usize,
    bailed: Vec<String>,
    invalid: usize,
    refused: usize,
    beyond: usize,
}

impl Tally {
    fn add(&mut self, o: Outcome, what: &str) {
        match o {
            Outcome::Same => self.same += 1,
            Outcome::Bailed => self.bailed.push(what.to_string()),
            Outcome::Invalid => self.invalid += 1,
            Outcome::Refused => self.refused += 1,
            Outcome::Beyond => self.beyond += 1,
        }
    }
}

/// CRLF line endings everywhere.
fn crlf(s: &str) -> String {
    s.replace("\r\n", "\n").replace('\n', "\r\n")
}

#[test]
fn fixtures_agree_and_do_not_bail() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let files = hcl_files(&root);
    assert!(files.len() > 100, "fixtures found: {}", files.len());
    let mut t = Tally::default();
    for p in &files {
        let Ok(bytes) = std::fs::read(p) else {
            continue;
        };
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        let text = as_loaded(text);
        let what = p.display().to_string();
        t.add(check(&text, &what), &what);
        t.add(check(&crlf(&text), &what), &format!("{what} (CRLF)"));
    }
    eprintln!(
        "fixtures: {} texts, {} same, {} invalid for hcl-edit, {} declined by the fast parser: {:?}",
        files.len() * 2,
        t.same,
        t.invalid,
        t.bailed.len(),
        t.bailed
    );
    assert!(
        t.bailed.is_empty(),
        "the fast parser declined valid fixtures: {:?}",
        t.bailed
    );
}

/// Snippets the fast parser must parse (and agree on).
const MUST_PARSE: &[&str] = &[
    "",
    "\n\n",
    "# only a comment",
    "a = 1",
    "a = 1\n",
    "a = 1 # trailing\nb = 2 // trailing\nc = 3 /* inline */\n",
    "/* lead */ a = 1\n",
    "a /* x */ = /* y */ 1 /* z */\n",
    "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"x\"\n}\n",
    "block {}\n",
    "block { }\n",
    "block { a = 1 }\n",
    "block \"l\" { a = [1, 2] }\n",
    "block label1 \"label2\" {\n}\n",
    "block { # comment\n  a = 1\n}\n",
    "a {\n  b {\n    c {\n      d = 1\n    }\n  }\n}\n",
    "a = null\nb = true\nc = false\n",
    "n = [0, 1, 42, 1.5, 1e3, 1E+3, 2.5e-3, 0.0, 18446744073709551615, 18446744073709551616, 123456789012345678901234567890]\n",
    "n = [-1, - 2, -0, -0.0, -1.5e3, -18446744073709551615, -9223372036854775808]\n",
    "s = \"plain\"\n",
    "s = \"\"\n",
    "s = \"esc \\n \\t \\r \\\\ \\\" \\u00e9 \\U0001F600 end\"\n",
    "s = \"dollar $ percent % $$ %% $${x} %%{y} $$${a} $\"\n",
    "s = \"unicode: héllo wörld 日本 🎉\"\n",
    "s = \"${var.x}\"\n",
    "s = \"${ var.x }\"\n",
    "s = \"${~ var.x ~}\"\n",
    "s = \"a-${var.x}-b\"\n",
    "s = \"${a}${b}\"\n",
    "s = \"x ${\"nested ${y} str\"} z\"\n",
    "s = \"%{if a}yes%{endif}\"\n",
    "s = \"%{ if a ~}yes%{~ else ~}no%{ endif ~}\"\n",
    "s = \"pre %{for x in xs}${x},%{endfor} post\"\n",
    "s = \"%{ for k, v in m }${k}=${v}%{ endfor }\"\n",
    "s = \"%{if a}%{if b}x%{else}y%{endif}%{endif}\"\n",
    "s = \"${a ? \"b\" : \"c\"}\"\n",
    "s = \"${\n  a\n}\"\n",
    "v = var.x\n",
    "v = var.x.y.z\n",
    "v = a[0]\n",
    "v = a[\"k\"].b[var.i + 1]\n",
    "v = a.0.b.1\n",
    "v = a[*].b\n",
    "v = a.*.b\n",
    "v = a[*].b[0].c.*.d\n",
    "v = a[*]\n",
    "v = aws_instance.web[count.index].id\n",
    "v = a . b\n",
    "v = a[ 1 ]\n",
    "f = f()\n",
    "f = f( )\n",
    "f = f(1)\n",
    "f = f(1, 2,)\n",
    "f = f(1, [2]...)\n",
    "f = f(a...)\n",
    "f = f(\n  1,\n  2\n)\n",
    "f = f(\n  1, # one\n  2, // two\n)\n",
    "f = provider::aws::arn_parse(x)\n",
    "f = provider :: aws :: arn_parse (x)\n",
    "f = f (1)\n",
    "f = merge(var.a, { b = 1 }).b\n",
    "f = f(1)[0]\n",
    "t = []\n",
    "t = [1]\n",
    "t = [1,]\n",
    "t = [1, 2, 3]\n",
    "t = [\n  1,\n  2,\n]\n",
    "t = [\n  # c\n  1, /* d */\n  2 // e\n]\n",
    "t = [[[]]]\n",
    "o = {}\n",
    "o = { }\n",
    "o = { a = 1 }\n",
    "o = { a = 1, b = 2 }\n",
    "o = { a = 1, b = 2, }\n",
    "o = {\n  a = 1\n  b = 2\n}\n",
    "o = {\n  a = 1,\n  b = 2,\n}\n",
    "o = {\n  a : 1\n  \"b\" : 2\n}\n",
    "o = {\n  a = 1 # c\n  b = 2 // d\n}\n",
    "o = { (var.k) = 1 }\n",
    "o = { \"${var.k}\" = 1 }\n",
    "o = { \"k-${var.k}\" = 1, \"j-${var.k}\" = 2 }\n",
    "o = { a.b = 1 }\n",
    "o = { null = 1 }\n",
    "o = { true = 1, false = 2 }\n",
    "o = { 1 = 2 }\n",
    "o = { a = { b = { c = 1 } } }\n",
    "o = {\n\n  a = 1\n\n}\n",
    "e = 1 + 2 * 3 - 4 / 5 % 6\n",
    "e = a == b != c\n",
    "e = a < b && c >= d || !e\n",
    "e = a || b && c == d < e + f * g\n",
    "e = a - b - c\n",
    "e = a / b / c\n",
    "e = (a + b) * c\n",
    "e = (a)\n",
    "e = ((a))\n",
    "e = (a).b\n",
    "e = (a)[0] + (b)\n",
    "e = (\n  a +\n  b\n)\n",
    "e = -a\n",
    "e = - a.b\n",
    "e = !a\n",
    "e = !!a\n",
    "e = -(-a)\n",
    "e = a * -1\n",
    "e = a - -b\n",
    "e = a ? b : c\n",
    "e = a ? b : c ? d : e\n",
    "e = a ? b ? c : d : e\n",
    "e = a == 1 ? \"x\" : \"y\"\n",
    "e = a + b ? c + d : e + f\n",
    "e = (a ? b : c).d\n",
    "e = [\n  a\n  ? b\n  : c\n]\n",
    "e = [for x in xs : x]\n",
    "e = [for x in xs : x if x != null]\n",
    "e = [for i, x in xs : \"${i}=${x}\"]\n",
    "e = [\n  for x in xs :\n  upper(x)\n  if x != \"\"\n]\n",
    "e = {for k, v in m : k => v}\n",
    "e = {for k, v in m : v => k...}\n",
    "e = {for k, v in m : k => v if v != null}\n",
    "e = { for k, v in m : k => v... if v }\n",
    "e = [for x in [for y in ys : y] : x]\n",
    "e = [format, for_each, forx]\n",
    "e = { format = 1, for_each = 2 }\n",
    "h = <<EOF\nhello\nEOF\n",
    "h = <<EOF\nhello\n  world\nEOF\n",
    "h = <<EOF\n${var.x}\nEOF\n",
    "h = <<EOF\na ${var.x} b\n%{ if c }yes%{ endif }\nEOF\n",
    "h = <<EOF\n\nEOF\n",
    "h = <<EOF\nEOFX\nEOF\n",
    "h = <<EOF\n  EOF is here but not alone EOF\nEOF\n",
    "h = <<EOF\nquote \" and \\ backslash and $${x}\nEOF\n",
    "h = <<-EOF\n    indented\n      more\n    back\n    EOF\n",
    "h = <<-EOF\n\tTAB\n\tEOF\n",
    "h = <<-EOF\n    a ${x}\n    b\n  EOF\n",
    "h = <<-EOF\n    a ${x} c\n  b\nEOF\n",
    "h = <<-EOF\n\n    blank line first\n\n    EOF\n",
    "h = <<-EOT\n  one\n   two\n  EOT\n",
    "h = f(<<EOF\nx\nEOF\n)\n",
    "h = [<<EOF\nx\nEOF\n, 1]\n",
    "h = <<EOF\n%{for x in xs}${x}\n%{endfor}\nEOF\n",
    "h = <<-EOF\n  %{for x in xs}\n  ${x}\n  %{endfor}\n  EOF\n",
    // Strip markers: the literal next to `~` loses its white space.
    "s = \"a  ${~ x ~}  b\"\n",
    "s = \"  ${~ x}\"\n",
    "h = <<EOF\n  %{~ if c ~}\n  yes\n  %{~ else ~}\n  no\n  %{~ endif ~}\n  after\nEOF\n",
    "h = <<-EOF\n    %{~ if var.eu ~}\n    eu-west-3\n    %{~ else ~}\n    us-east-1\n    %{~ endif ~}\n  EOF\n",
    "h = <<EOF\nx %{~ for a in b ~} ${a} %{~ endfor ~} y\nEOF\n",
    "s = \"%{ if a ~}%{~ endif }\"\n",
    "s = \"${a ~}${~ b}  c\"\n",
    "u = \"ça\"\n",
    "résumé = 1\n",
    "a = résumé.naïve\n",
    "é {\n  ñ = 1\n}\n",
    "a-b = c-d\n",
    "a = b - c\n",
    "a = b-c\n",
    "a_b = _c\n",
    "   a = 1\n",
    "\ta = 1\n",
    "a = 1\n\n\n# end\n",
    "a {\n}\n\nb {\n}\n",
    "locals {\n  x = {\n    for k, v in var.m : k => merge(v, {\n      name = k\n    })\n  }\n}\n",
    "a = [\n  1,\n  2\n]\nb = a\n",
    "a = f(\n)\n",
    "x = a.b[*].c[\"d\"].e\n",
    "x = a[0][1][2]\n",
    "x = { a = 1 }.a\n",
    "x = [1, 2][0]\n",
    "x = \"str\".length\n",
    "x = 1.5.foo\n",
    "x = 1.e\n",
];

/// Snippets where the fast parser may decline, but must never be wrong.
const ANY: &[&str] = &[
    // hcl-edit accepts it; HashiCorp's parser does not ("Invalid attribute
    // name"): refused.
    "v = a.\n b\n",
    "a = 1\na = 2\n",
    "a { b = 1\n}\n",
    "a = { a = 1, a = 2 }\n",
    "a = { \"a\" = 1, a = 2 }\n",
    "a = { (a) = 1, (a) = 2 }\n",
    "a = { (a) = 1, ( a ) = 2 }\n",
    "a = { \"${a}\" = 1, \"${a}\" = 2 }\n",
    "a = { 1 = 1, 1.0 = 2 }\n",
    "a = 1 b = 2\n",
    "a =\n1\n",
    "a = [1\n2]\n",
    "a = [,]\n",
    "a = [1,,2]\n",
    "a = f(,)\n",
    "a = f(1,,)\n",
    "a = f(...)\n",
    "a = f(1...,)\n",
    "a = f(1..)\n",
    "a = \"unterminated\n",
    "a = \"bad \\q escape\"\n",
    "a = \"\\u12\"\n",
    "a = \"\\uD800\"\n",
    "a = \"\\U00110000\"\n",
    "a = \"${\"\n",
    "a = \"${a\"\n",
    "a = \"%{ if a }x\"\n",
    "a = \"%{ endif }\"\n",
    "a = \"%{ bogus }\"\n",
    "a = \"%{if a}x\\\"y%{endif}\"\n",
    "a = \"%{if a}x\"y%{endif}\"\n",
    "a = \"%{ifx}y%{endif}\"\n",
    "a = \"%{if a}y%{elsex}z%{endif}\"\n",
    "a = \"%{for x in y}%{endif}\"\n",
    "a = <<EOF\nEOF\n",
    "a = <<EOF\nEOF\nb = <<EOF\nx\nEOF\n",
    "a = <<EOF \nx\nEOF\n",
    "a = <<EOF\nx\n",
    "a = <<EOF\nx\nEOFé\nEOF\n",
    "a = <<EOF\n%{ bogus }\nEOF\n",
    "a = 1e\n",
    "a = 1e+\n",
    "a = 1.5e\n",
    "a = 1e999\n",
    "a = a.01\n",
    "a = a.0b\n",
    "a = a.99999999999999999999999\n",
    "a = a.\n",
    "a = a[\n",
    "a = a[*\n",
    "a = a[* ]\n",
    "a = a.*b\n",
    "a = !\n",
    "a = b !c\n",
    "a = b & c\n",
    "a = b | c\n",
    "a = b +\n",
    "a = b ? c\n",
    "a = b ? c :\n",
    "a = (b\n",
    "a = ()\n",
    "a = [for x in y : x ifx]\n",
    "a = [for x in y : x if]\n",
    "a = [for x in y x]\n",
    "a = {for x in y : x}\n",
    "a = {for k, v in y : k => v ...}\n",
    "a = [for x in y : x...]\n",
    "a = [for\r\nx in y : x]\n",
    "a = /* unterminated\n",
    "a = 1 # comment \r lone cr\n",
    "a = 1\r",
    "a = 1\rb = 2\n",
    "a { b {} }\n",
    "a { b = 1 c = 2 }\n",
    "a \"${x}\" {}\n",
    "a \"bad \\q\" {}\n",
    "a\n{}\n",
    "a = {\n  b = 1\n  , c = 2\n}\n",
    "a = { b = 1 c = 2 }\n",
    "a = { b\n= 1 }\n",
    "a = { b = 1 # c }\n",
    "a = { b = 1 /* c */ }\n",
    "a = { b = 1 / c }\n",
    "a = [1]\n+ 2\n",
    "a = f(1)\n.b\n",
    "a = [1]\n[0]\n",
    "a = x\n[0]\n",
    "a = - /* c */ 1\n",
    "a = -1.foo\n",
    "a = -a.b\n",
    "a = \"${x}\".y\n",
    "a = (x).y\n",
    "a = (x) + (y)\n",
    "a = { (x) = 1 }\n",
    "\u{feff}a = 1\n",
    "a = \u{feff}1\n",
    "a = 1\u{a0}\n",
    "a = 1\0\n",
    "é = 1\n",
    "a = ŝ\n",
    "a = a.ŝ\n",
    "a = <<ÉOF\nx\nÉOF\n",
    "a = <<EOF\nx\nEOFŝ\nEOF\n",
    "a = <<EOF\nx\nEOF·\nEOF\n",
    "a = provider::x(1)\n",
    "a = provider::(1)\n",
    "a = a::b\n",
    "a = for\n",
    "a = in\n",
    "a = if\n",
    "}\n",
    "a = 1\n}\n",
    "{\n}\n",
    "\"a\" = 1\n",
    "1 = 1\n",
    "a = 1,\n",
    "a = [1]]\n",
    "a = \"x\" \"y\"\n",
];

#[test]
fn snippets_agree() {
    let mut must = Tally::default();
    for (i, s) in MUST_PARSE.iter().enumerate() {
        for (variant, text) in variants(s) {
            let what = format!("MUST_PARSE[{i}] ({variant})");
            let o = check(&text, &what);
            if variant == "as is" {
                assert_eq!(
                    o,
                    Outcome::Same,
                    "{what} was not parsed by the fast parser:\n{text}"
                );
            }
            must.add(o, &what);
        }
    }
    let mut any = Tally::default();
    for (i, s) in ANY.iter().enumerate() {
        for (variant, text) in variants(s) {
            let what = format!("ANY[{i}] ({variant})");
            any.add(check(&text, &what), &what);
        }
    }
    eprintln!(
        "snippets: must-parse {} same, {} declined {:?}; may-decline {} same, {} declined, {} invalid",
        must.same,
        must.bailed.len(),
        must.bailed,
        any.same,
        any.bailed.len(),
        any.invalid
    );
}

/// A snippet as is, with CRLF line endings, nested in a block, indented, and
/// without its last newline.
fn variants(s: &str) -> Vec<(&'static str, String)> {
    let mut v = vec![("as is", s.to_string()), ("CRLF", crlf(s))];
    let nested = format!("outer \"x\" {{\n{s}\n}}\n");
    v.push(("nested", nested.clone()));
    v.push(("nested CRLF", crlf(&nested)));
    v.push(("deeper", format!("a {{\n  b {{\n{s}\n  }}\n}}\n")));
    if let Some(t) = s.strip_suffix('\n') {
        v.push(("no final newline", t.to_string()));
    }
    v.push((
        "blank lines and comments",
        format!("# head\n\n{s}\n\n// tail\n"),
    ));
    v
}

// ----------------------------------------------------------------- generator

/// A small deterministic PRNG (xorshift64*), to need no crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

struct Gen {
    rng: Rng,
}

impl Gen {
    /// Blanks where newlines do not count (`sp`).
    fn sp(&mut self) -> &'static str {
        let r = &mut self.rng;
        r.pick(&[" ", " ", " ", "", "  ", "\t", " /* c */ ", "/**/"])
    }

    /// Blanks where newlines may appear (`ws`, inside brackets).
    fn ws(&mut self) -> &'static str {
        let r = &mut self.rng;
        r.pick(&[
            " ",
            "",
            " ",
            "\n",
            "\n  ",
            " # c\n ",
            " // c\n",
            " /* c\n */ ",
            "\r\n",
            "  ",
        ])
    }

    fn ident(&mut self) -> String {
        let r = &mut self.rng;
        r.pick(&[
            "a", "b", "var", "local", "each", "x_1", "my-name", "for_each", "format", "iffy",
            "count", "é", "naïve", "_u", "in_x", "nullable", "trueish", "Z9",
        ])
        .to_string()
    }

    fn number(&mut self) -> String {
        let r = &mut self.rng;
        r.pick(&[
            "0",
            "1",
            "42",
            "1.5",
            "0.25",
            "1e3",
            "2E-2",
            "3.5e+1",
            "007",
            "18446744073709551616",
            "9007199254740993",
        ])
        .to_string()
    }

    fn string_lit(&mut self) -> String {
        let r = &mut self.rng;
        r.pick(&[
            "plain",
            "",
            "with space",
            "é ü 日本",
            "\\n",
            "\\\"q\\\"",
            "\\\\",
            "\\u0041",
            "\\U0001F600",
            "$${x}",
            "%%{y}",
            "$",
            "%",
            "a$b",
            "100%",
            "tab\\t",
        ])
        .to_string()
    }

    fn template(&mut self, depth: usize) -> String {
        let mut s = String::from("\"");
        for _ in 0..self.rng.below(4) {
            match self.rng.below(5) {
                0 | 1 => s.push_str(&self.string_lit()),
                2 => {
                    let strip_l = if self.rng.chance(4) { "~" } else { "" };
                    let strip_r = if self.rng.chance(4) { "~" } else { "" };
                    let e = self.expr(depth + 1);
                    s.push_str(&format!(
                        "${{{strip_l}{}{e}{}{strip_r}}}",
                        self.sp(),
                        self.sp()
                    ));
                }
                3 => {
                    let c = self.expr(depth + 1);
                    let t = self.string_lit();
                    if self.rng.chance(2) {
                        let e = self.string_lit();
                        s.push_str(&format!("%{{if {c}}}{t}%{{else}}{e}%{{endif}}"));
                    } else {
                        s.push_str(&format!("%{{ if {c} ~}}{t}%{{~ endif }}"));
                    }
                }
                _ => {
                    let c = self.expr(depth + 1);
                    s.push_str(&format!("%{{for v in {c}}}${{v}}%{{endfor}}"));
                }
            }
        }
        s.push('"');
        s
    }

    fn heredoc(&mut self, depth: usize) -> String {
        let indented = self.rng.chance(2);
        let delim = self.rng.pick(&["EOF", "EOT", "END_X"]);
        let mut s = format!("<<{}{delim}\n", if indented { "-" } else { "" });
        let base = if indented {
            self.rng.pick(&["  ", "    ", "\t", ""])
        } else {
            ""
        };
        for _ in 0..1 + self.rng.below(3) {
            let extra = self.rng.pick(&["", "", " ", "  "]);
            s.push_str(base);
            s.push_str(extra);
            match self.rng.below(4) {
                0 => {
                    let e = self.expr(depth + 1);
                    s.push_str(&format!("x ${{{e}}} y"));
                }
                1 => s.push_str("quote \" back \\ $${lit}"),
                2 => {}
                _ => s.push_str("text"),
            }
            s.push('\n');
        }
        s.push_str(base);
        s.push_str(delim);
        s
    }

    fn term(&mut self, depth: usize) -> String {
        let deep = depth > 3;
        let mut t = match self.rng.below(if deep { 5 } else { 16 }) {
            0 => self.number(),
            1 => self.ident(),
            2 => self.rng.pick(&["null", "true", "false"]).to_string(),
            3 => format!("\"{}\"", self.string_lit()),
            4 => format!("-{}{}", self.sp(), self.number()),
            5 => self.template(depth),
            6 => {
                let n = self.rng.below(4);
                let mut items = Vec::new();
                for _ in 0..n {
                    items.push(format!(
                        "{}{}{}",
                        self.ws(),
                        self.expr(depth + 1),
                        self.ws()
                    ));
                }
                let trailing = if n > 0 && self.rng.chance(3) { "," } else { "" };
                format!("[{}{trailing}{}]", items.join(","), self.ws())
            }
            7 => {
                let n = self.rng.below(4);
                let mut s = String::from("{");
                for i in 0..n {
                    s.push_str(self.ws());
                    let key = match self.rng.below(4) {
                        0 => format!("\"k{i}\""),
                        1 => format!("(k{i})"),
                        2 => format!("\"${{k{i}}}\""),
                        _ => format!("k{i}"),
                    };
                    let eq = if self.rng.chance(3) { ":" } else { "=" };
                    s.push_str(&format!(
                        "{key}{}{eq}{}{}",
                        self.sp(),
                        self.sp(),
                        self.expr(depth + 1)
                    ));
                    s.push_str(self.sp());
                    s.push_str(self.rng.pick(&[",", "\n", ",\n", " # c\n", "\r\n"]));
                }
                s.push_str(self.ws());
                s.push('}');
                s
            }
            8 => {
                let name = self
                    .rng
                    .pick(&["f", "merge", "provider::aws::arn", "lookup", "try"]);
                let n = self.rng.below(4);
                let mut args = Vec::new();
                for _ in 0..n {
                    args.push(format!(
                        "{}{}{}",
                        self.ws(),
                        self.expr(depth + 1),
                        self.ws()
                    ));
                }
                let tail = if n > 0 {
                    self.rng.pick(&["", "", ",", "...", "... "])
                } else {
                    ""
                };
                format!("{name}({}{tail}{})", args.join(","), self.ws())
            }
            9 => format!("({}{}{})", self.ws(), self.expr(depth + 1), self.ws()),
            10 => format!("!{}", self.term(depth + 1)),
            11 => format!("-{}{}", self.sp(), self.term(depth + 1)),
            12 => {
                let (c, v) = (self.expr(depth + 1), self.expr(depth + 1));
                let cond = if self.rng.chance(2) {
                    format!("{}if {}", self.ws(), self.expr(depth + 1))
                } else {
                    String::new()
                };
                let kv = if self.rng.chance(2) { "k, v" } else { "v" };
                format!("[for {kv} in {c} :{}{v}{cond}{}]", self.ws(), self.ws())
            }
            13 => {
                let (c, k, v) = (
                    self.expr(depth + 1),
                    self.expr(depth + 1),
                    self.expr(depth + 1),
                );
                let group = if self.rng.chance(3) { "..." } else { "" };
                let cond = if self.rng.chance(2) {
                    format!(" if {}", self.expr(depth + 1))
                } else {
                    String::new()
                };
                format!("{{for k, v in {c} : {k} => {v}{group}{cond}}}")
            }
            14 => self.heredoc(depth),
            _ => format!("{}.{}", self.ident(), self.ident()),
        };
        // Traversals.
        while self.rng.chance(3) {
            let op = match self.rng.below(7) {
                0 => format!(".{}", self.ident()),
                1 => format!("[{}]", self.expr(depth + 1)),
                2 => format!(".{}", self.rng.below(3)),
                3 => "[*]".to_string(),
                4 => ".*".to_string(),
                5 => format!("[ {} ]", self.number()),
                _ => format!(". {}", self.ident()),
            };
            t.push_str(&op);
        }
        t
    }

    fn expr(&mut self, depth: usize) -> String {
        let mut s = self.term(depth);
        while depth < 4 && self.rng.chance(3) {
            let op = self.rng.pick(&[
                "+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "&&", "||",
            ]);
            let sp1 = self.sp();
            let sp2 = self.sp();
            s.push_str(&format!("{sp1}{op}{sp2}{}", self.term(depth + 1)));
        }
        if depth < 4 && self.rng.chance(8) {
            let (a, b) = (self.expr(depth + 1), self.expr(depth + 1));
            s = format!("{s} ? {a} : {b}");
        }
        s
    }

    fn body(&mut self, depth: usize, out: &mut String) {
        let n = 1 + self.rng.below(4);
        for i in 0..n {
            out.push_str(self.rng.pick(&["", "\n", "  ", "# c\n", "/* c */ "]));
            if depth < 2 && self.rng.chance(3) {
                let kind = self.ident();
                out.push_str(&kind);
                for _ in 0..self.rng.below(3) {
                    out.push(' ');
                    if self.rng.chance(2) {
                        out.push_str(&format!("\"{}\"", self.string_lit()));
                    } else {
                        out.push_str(&self.ident());
                    }
                }
                if self.rng.chance(4) {
                    out.push_str(" { inner = ");
                    out.push_str(&self.expr(1));
                    out.push_str(" }\n");
                } else {
                    out.push_str(" {\n");
                    self.body(depth + 1, out);
                    out.push_str("}\n");
                }
            } else {
                out.push_str(&format!(
                    "attr{i}{}={}{}",
                    self.sp(),
                    self.sp(),
                    self.expr(0)
                ));
                out.push_str(
                    self.rng
                        .pick(&["\n", " # c\n", " // c\n", "\r\n", " /* c */\n"]),
                );
            }
        }
    }
}

/// Generated configurations: every one agrees, and the fast parser declines
/// few of the valid ones.
#[test]
fn generated_agree() {
    let mut g = Gen {
        rng: Rng(0x9E37_79B9_7F4A_7C15),
    };
    let mut t = Tally::default();
    for i in 0..4000 {
        let mut text = String::new();
        g.body(0, &mut text);
        let what = format!("generated #{i}");
        t.add(check(&text, &what), &text);
    }
    eprintln!(
        "generated: {} same, {} declined, {} invalid for hcl-edit",
        t.same,
        t.bailed.len(),
        t.invalid
    );
    for b in t.bailed.iter().take(5) {
        eprintln!("declined:\n{b}\n---");
    }
    // Refused: `1.5.0`, `a.0.1`, `a.*.b.*`, which hcl-edit accepts and
    // HashiCorp's parser rejects (as `tests/hcl_diff.rs` checks).
    assert!(
        t.same + t.refused > 2000,
        "too few valid generated texts: {t:?}"
    );
    assert!(
        t.bailed.len() * 50 < t.same,
        "the fast parser declines too many valid generated texts ({} of {})",
        t.bailed.len(),
        t.same
    );
}

/// Fixtures and snippets with random bytes deleted, inserted or swapped: the
/// fast parser may decline them, but must never accept what hcl-edit rejects.
#[test]
fn mutations_agree() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut seeds: Vec<String> = MUST_PARSE.iter().map(|s| s.to_string()).collect();
    for p in hcl_files(&root).iter().take(60) {
        if let Ok(s) = std::fs::read_to_string(p)
            && s.len() < 4000
        {
            seeds.push(as_loaded(s));
        }
    }
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    let alphabet: &[u8] = b"{}[]()\"'$%~=:,.?!<>-+*/&|#\\\n\r\t 0aez_";
    let mut t = Tally::default();
    for i in 0..6000 {
        let seed = &seeds[rng.below(seeds.len())];
        let mut bytes = seed.as_bytes().to_vec();
        for _ in 0..1 + rng.below(3) {
            let at = if bytes.is_empty() {
                0
            } else {
                rng.below(bytes.len() + 1)
            };
            match rng.below(3) {
                0 if at < bytes.len() => {
                    bytes.remove(at);
                }
                1 if at < bytes.len() => bytes[at] = alphabet[rng.below(alphabet.len())],
                _ => bytes.insert(at, alphabet[rng.below(alphabet.len())]),
            }
        }
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        t.add(check(&text, &format!("mutation #{i}")), "");
    }
    eprintln!(
        "mutations: {} same, {} declined, {} invalid",
        t.same,
        t.bailed.len(),
        t.invalid
    );
}

/// Deep nesting: 10,000 levels of every kind are read (HashiCorp's parser
/// reads them; hcl-edit stops at 64), absurd nesting is an error, and the
/// parser never overflows the stack. Run on a thread with the pipeline's
/// stack size (64 MB), which dropping a 10,000-level model needs.
#[test]
fn deep_nesting() {
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(deep_nesting_on_a_big_stack)
        .unwrap()
        .join()
        .unwrap();
}

fn deep_nesting_on_a_big_stack() {
    let kinds = [
        ("[", "]"),
        ("(", ")"),
        ("{a=", "}"),
        ("-", ""),
        ("!", ""),
        ("\"${", "}\""),
        ("\"%{if true}", "%{endif}\""),
        ("[for x in y : ", "]"),
    ];
    for n in [10_000, 300_000] {
        for (open, close) in kinds {
            let text = format!("a = {}1{}\n", open.repeat(n), close.repeat(n));
            let r = fast::parse(&text, 0);
            if n <= fast::MAX_DEPTH {
                assert!(r.is_ok(), "{n} {open}: {:?}", r.err());
            } else {
                let e = r.err().flatten().expect("an error");
                assert!(e.message.contains("nesting too deep"), "{}", e.message);
            }
        }
        let blocks = format!("{}{}", "b {\n".repeat(n), "}\n".repeat(n));
        assert_eq!(fast::parse(&blocks, 0).is_ok(), n <= fast::MAX_DEPTH);
        let ops = format!("a = {}1\n", "1 + ".repeat(n));
        assert_eq!(fast::parse(&ops, 0).is_ok(), n <= fast::MAX_DEPTH);
    }
    // Within hcl-edit's limits: the same model.
    for d in [10, 30, 60, 63] {
        for (open, close) in kinds {
            let text = format!("a = {}1{}\n", open.repeat(d), close.repeat(d));
            check(&text, &format!("depth {d} {open}"));
        }
        let blocks = format!("{}{}", "b {\n".repeat(d), "}\n".repeat(d));
        check(&blocks, &format!("{d} blocks"));
    }
    for k in [50, 99, 100, 101, 127, 128, 129, 200] {
        let text = format!("a = {}1\n", "1 + ".repeat(k));
        check(&text, &format!("{k} operators"));
    }
}

/// The generated benchmark corpus (`benches/corpus`): agreement and how many
/// files the fast parser declines. Slow in debug: run with `--release
/// --ignored`. The directory: `CERCLE_BENCH_CORPUS`, else the bench default.
#[test]
#[ignore]
fn corpus_agrees() {
    let dir = std::env::var_os("CERCLE_BENCH_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp/target-bench/cercle-bench-corpus"));
    let files = hcl_files(&dir);
    assert!(!files.is_empty(), "no corpus in {}", dir.display());
    let mut t = Tally::default();
    let mut bytes = 0;
    for p in &files {
        let text = as_loaded(std::fs::read_to_string(p).expect("corpus file"));
        bytes += text.len();
        let what = p.display().to_string();
        t.add(check(&text, &what), &what);
    }
    eprintln!(
        "corpus: {} files ({:.1} MB), {} same, {} declined {:?}, {} invalid",
        files.len(),
        bytes as f64 / 1e6,
        t.same,
        t.bailed.len(),
        t.bailed.iter().take(10).collect::<Vec<_>>(),
        t.invalid
    );
    assert!(t.bailed.is_empty());
}

// ------------------------------------------------------------ skimming

/// Whether the skimmer skims `text` (finds only blocks the shell drops);
/// panics when it does but hcl-edit parses the text to a non-empty shell.
fn check_skim(text: &str, what: &str) -> bool {
    let skimmed = skim::only_blocks(text, |kind| !load::is_shell_block(kind));
    if skimmed && let Ok(body) = hcl::parse_body_hcl_edit(text, 7) {
        let attrs = body.attrs.len();
        let shell = load::shell_body(FileKind::Hcl, body);
        assert!(
            attrs == 0 && shell.blocks.is_empty(),
            "{what}: skimmed, but its shell is not empty:\n{text}"
        );
    }
    skimmed
}

/// `body` as the body of a resource block.
fn in_resource(body: &str) -> String {
    format!("resource \"aws_s3_bucket\" \"x\" {{\n{body}\n}}\n")
}

/// A shell block after `text`: the skimmer must see it (or decline).
fn then_shell(text: &str) -> String {
    format!("{text}\nmodule \"m\" {{\n  source = \"./m\"\n}}\n")
}

/// Every fixture: the skimmer is right, and skims the files whose shell is
/// empty (all but a few).
#[test]
fn skim_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut skimmed = 0;
    let mut missed = Vec::new();
    for p in hcl_files(&root) {
        if p.extension().is_some_and(|x| x == "tfvars") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&p) else {
            continue;
        };
        let text = as_loaded(text);
        let what = p.display().to_string();
        for text in [text.clone(), crlf(&text)] {
            let s = check_skim(&text, &what);
            assert!(!check_skim(&then_shell(&text), &what), "{what}");
            let empty = hcl::parse_body_hcl_edit(&text, 7).is_ok_and(|b| {
                b.attrs.is_empty() && b.blocks.iter().all(|b| !load::is_shell_block(&b.kind))
            });
            if s {
                skimmed += 1;
            } else if empty {
                missed.push(what.clone());
            }
        }
    }
    eprintln!("skim fixtures: {skimmed} skimmed, missed {missed:?}");
    assert!(skimmed > 100, "{skimmed}");
    assert!(missed.len() * 50 < skimmed, "missed {missed:?}");
}

/// Resource bodies whose braces hide in strings, templates, heredocs and
/// comments: skimmed, and a shell block after them is seen.
const SKIMMED: &[&str] = &[
    "",
    "a = 1",
    "a = \"}\"",
    "a = \"{\"",
    "a = \"\\\"}\"",
    "a = \"\\\\\"\nb = \"}\"",
    "a = \"\\u007d}\"",
    "a = \"${\"}\"}\"",
    "a = \"${x}}\"",
    "a = \"${ {a = \"}\"}[\"a\"] }\"",
    "a = \"${ \"${ \"}\" }\" }\"",
    "a = \"$${\"",
    "a = \"%%{ }\"",
    "a = \"$$${x}}\"",
    "a = \"%{ if x }}%{ else }{%{ endif }\"",
    "a = \"%{~ for k, v in x ~}${k}}%{~ endfor ~}\"",
    "a = \"%{ if x }\\\"%{ endif }\"",
    "a = \"%{ if x }%{ if y }}%{ endif }%{ endif }\"",
    "a = <<EOF\n}\n{\n\"\nEOF\nb = 1",
    "a = <<-EOT\n  ${ \"}\" }\n  }\n  EOT\n",
    "a = <<EOF\n%{ for x in y }${x}}%{ endfor }\nEOF\n",
    "a = <<EOF\nEOFX }\n  EOF\n",
    "a = <<EOF\n${<<INNER\n}\nINNER\n}\nEOF\n",
    "a = <<EOF\n%{ if x }\nEOF\n}\n%{ endif }\nEOF\n",
    "a = [<<EOF\n}\nEOF\n, \"{\"]",
    "a = 1 # }",
    "a = 1 // {",
    "# \"\na = 1",
    "a = /* } \" */ 1",
    "a = 1 / 2 /* } */",
    "a = { for k, v in x : k => \"${v}}\" }",
    "a = x < 1 ? \"<\" : \"<<\"",
    "b {\n  c = \"}\"\n}",
    "b {\n  c {\n    d = <<EOF\n{{{\nEOF\n  }\n}",
    "dynamic \"x\" {\n  for_each = { a = \"}\" }\n  content {\n    y = \"{\"\n  }\n}",
];

/// Unterminated or doubtful texts: the skimmer declines.
const NOT_SKIMMED: &[&str] = &[
    "resource \"a\" \"b\" {\n  a = \"}\n",
    "resource \"a\" \"b\" {\n  a = <<EOF\nx\n}\n",
    "resource \"a\" \"b\" {\n  a = \"${ x \"\n}\n",
    "resource \"a\" \"b\" {\n  a = \"%{ if x }\"\n}\n",
    "resource \"a\" \"b\" {\n  /* }\n",
    "resource \"a\" \"b\" {\n  a = {\n}\n",
    "resource \"a\" \"b\" {\n  a = <<EOF\n}\n",
    "resource \"a\" \"b\" {\n  a = <<EOF\nEOF\n}\nEOF\n}\n",
    "resource \"a\" \"b\" {\n  a = \"%{ endif }\"\n}\n",
    "resource \"a\" \"b\" {\n  a = \"\\q\"\n}\n",
    "resource \"a\" \"b\" {\n  # x\ry\n}\n",
    "resource \"a${x}\" \"b\" {\n}\n",
    "résource \"a\" \"b\" {\n}\n",
    "a = 1\n",
    "resource \"a\" \"b\" = 1\n",
    "resource \"a\" \"b\" {\n}\nlocals {\n}\n",
    "terraform {\n}\n",
    "variable \"v\" {\n}\n",
    "resource \"a\" \"b\" {",
];

#[test]
fn skim_snippets() {
    for (i, s) in SKIMMED.iter().enumerate() {
        for (variant, text) in variants(&in_resource(s)) {
            let what = format!("SKIMMED[{i}] ({variant})");
            assert!(check_skim(&text, &what), "{what} was not skimmed:\n{text}");
            assert!(
                hcl::parse_body_hcl_edit(&text, 7).is_ok(),
                "{what} is not valid HCL:\n{text}"
            );
            let after = then_shell(&text);
            assert!(
                !check_skim(&after, &what),
                "{what}: missed a module:\n{after}"
            );
        }
    }
    for (i, s) in NOT_SKIMMED.iter().enumerate() {
        for (variant, text) in variants(s) {
            let what = format!("NOT_SKIMMED[{i}] ({variant})");
            if variant == "as is" || variant == "CRLF" {
                assert!(!check_skim(&text, &what), "{what} was skimmed:\n{text}");
            } else {
                check_skim(&text, &what);
            }
        }
    }
    // Absurd nesting: no recursion, so no overflow; braces still balance.
    let n = 100_000;
    for (open, close) in [("{a=", "}"), ("\"${", "}\""), ("<<E\n${", "}\nE\n")] {
        let text = in_resource(&format!("a = {}1{}", open.repeat(n), close.repeat(n)));
        assert!(skim::only_blocks(&text, |_| true), "{open}");
        assert!(
            !skim::only_blocks(&text[..text.len() - 3], |_| true),
            "{open}"
        );
    }
    // The fast parser's snippets, as resource bodies.
    let mut skimmed = 0;
    for s in MUST_PARSE.iter().chain(ANY) {
        for (variant, text) in variants(&in_resource(s)) {
            let what = format!("{s:?} ({variant})");
            skimmed += usize::from(check_skim(&text, &what));
            check_skim(&then_shell(&text), &what);
        }
    }
    eprintln!("skim snippets: {skimmed} of the fast parser's skimmed");
}

/// Generated bodies and mutated texts, as resource bodies: the skimmer is
/// right on all, and skims nearly all the valid generated ones.
#[test]
fn skim_generated_and_mutated() {
    let mut g = Gen {
        rng: Rng(0x2545_F491_4F6C_DD1D),
    };
    let (mut valid, mut skimmed) = (0, 0);
    for i in 0..3000 {
        let mut body = String::new();
        g.body(0, &mut body);
        let text = in_resource(&body);
        let what = format!("generated #{i}");
        let s = check_skim(&text, &what);
        check_skim(&then_shell(&text), &what);
        if hcl::parse_body_hcl_edit(&text, 7).is_ok() {
            valid += 1;
            skimmed += usize::from(s);
        }
    }
    eprintln!("skim generated: {skimmed} of {valid} valid skimmed");
    assert!(
        valid > 1000 && skimmed * 20 > valid * 19,
        "{skimmed} of {valid}"
    );
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let seeds: Vec<String> = SKIMMED
        .iter()
        .map(|s| then_shell(&in_resource(s)))
        .collect();
    let alphabet: &[u8] = b"{}\"$%~<-#/*\\\n\r EOF";
    for i in 0..20000 {
        let mut bytes = seeds[rng.below(seeds.len())].as_bytes().to_vec();
        for _ in 0..1 + rng.below(3) {
            let at = rng.below(bytes.len() + 1);
            match rng.below(3) {
                0 if at < bytes.len() => {
                    bytes.remove(at);
                }
                1 if at < bytes.len() => bytes[at] = alphabet[rng.below(alphabet.len())],
                _ => bytes.insert(at, alphabet[rng.below(alphabet.len())]),
            }
        }
        if let Ok(text) = String::from_utf8(bytes) {
            check_skim(&text, &format!("mutation #{i}"));
        }
    }
}
