//! A grammar-based generator of Terraform-like HCL, for the differential test
//! (`tests/hcl_diff.rs`) and the parser fuzz targets (`tests/fuzz_parsers.rs`).
//!
//! Line breaks are placed where HCL's native syntax allows them (hcl/v2's
//! `PushIncludeNewlines`): anywhere inside parentheses, brackets, function
//! arguments, index brackets, interpolations and `for` expressions; between
//! the items of an object, but not inside an item's value unless nested in one
//! of the former; never inside a top-level argument's value otherwise. With
//! `wild`, some are also placed where HCL does not allow them, so that both
//! sides have something to reject.

#![allow(dead_code)]

/// A small deterministic PRNG (xorshift64*), to need no crate.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        if self.0 == 0 {
            self.0 = 0x9E37_79B9_7F4A_7C15;
        }
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    pub fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
    pub fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

pub struct Gen {
    pub rng: Rng,
    /// Also put line breaks where HCL does not allow them, now and then.
    pub wild: bool,
}

impl Gen {
    pub fn new(seed: u64, wild: bool) -> Gen {
        Gen {
            rng: Rng(seed),
            wild,
        }
    }

    /// Blanks where newlines do not count.
    fn sp(&mut self) -> &'static str {
        if self.wild && self.rng.chance(300) {
            return "\n";
        }
        let r = &mut self.rng;
        r.pick(&[" ", " ", " ", "", "  ", "\t", " /* c */ ", "/**/"])
    }

    /// Blanks where newlines may appear.
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
            "\n\n",
        ])
    }

    /// `ws` when newlines are allowed here, else `sp`.
    fn gap(&mut self, nl: bool) -> &'static str {
        if nl { self.ws() } else { self.sp() }
    }

    fn ident(&mut self) -> String {
        let r = &mut self.rng;
        r.pick(&[
            "a", "b", "var", "local", "each", "x_1", "my-name", "for_each", "format", "iffy",
            "count", "naïve", "_u", "in_x", "nullable", "trueish", "Z9", "forx", "region",
        ])
        .to_string()
    }

    fn number(&mut self) -> String {
        if self.wild && self.rng.chance(200) {
            return self.rng.pick(&["1.2.3", "1.", "1e", "0x10"]).to_string();
        }
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
                    let (a, e, b) = (self.ws(), self.expr(depth + 1, true), self.ws());
                    s.push_str(&format!("${{{strip_l}{a}{e}{b}{strip_r}}}"));
                }
                3 => {
                    let c = self.expr(depth + 1, true);
                    let t = self.string_lit();
                    if self.rng.chance(2) {
                        let e = self.string_lit();
                        s.push_str(&format!("%{{if {c}}}{t}%{{else}}{e}%{{endif}}"));
                    } else {
                        s.push_str(&format!("%{{ if {c} ~}}{t}%{{~ endif }}"));
                    }
                }
                _ => {
                    let c = self.expr(depth + 1, true);
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
            match self.rng.below(5) {
                0 => {
                    let e = self.expr(depth + 1, true);
                    s.push_str(&format!("x ${{{e}}} y"));
                }
                1 => s.push_str("quote \" back \\ $${lit}"),
                2 => {}
                3 => {
                    let c = self.expr(depth + 1, true);
                    s.push_str(&format!("%{{ if {c} }}yes%{{ endif }}"));
                }
                _ => s.push_str("text"),
            }
            s.push('\n');
        }
        s.push_str(base);
        s.push_str(delim);
        // A heredoc's closing line ends the argument's line.
        s.push('\n');
        s
    }

    /// An object constructor. Line breaks separate items; an item's value
    /// may not hold one unless nested in brackets.
    fn object(&mut self, depth: usize) -> String {
        let n = self.rng.below(4);
        let mut s = String::from("{");
        let mut keys = Vec::new();
        for i in 0..n {
            s.push_str(self.ws());
            // Now and then a key written twice: the last value wins.
            let k = if i > 0 && self.rng.chance(4) {
                keys[self.rng.below(keys.len())]
            } else {
                i
            };
            keys.push(k);
            let key = match self.rng.below(5) {
                0 => format!("\"k{k}\""),
                1 => format!("(k{k})"),
                2 => format!("\"${{k{k}}}\""),
                3 => format!("k{k}.x"),
                _ => format!("k{k}"),
            };
            let eq = if self.rng.chance(3) { ":" } else { "=" };
            let (a, b) = (self.sp(), self.sp());
            let v = self.expr(depth + 1, false);
            s.push_str(&format!("{key}{a}{eq}{b}{v}"));
            if v.ends_with('\n') {
                // After a heredoc: its line ending separates.
                continue;
            }
            s.push_str(self.sp());
            s.push_str(self.rng.pick(&[",", "\n", ",\n", " # c\n", "\r\n", ", "]));
        }
        s.push_str(self.ws());
        s.push('}');
        s
    }

    fn term(&mut self, depth: usize, nl: bool) -> String {
        let deep = depth > 2;
        let mut t = match self.rng.below(if deep { 5 } else { 17 }) {
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
                    let (a, e, b) = (self.ws(), self.expr(depth + 1, true), self.ws());
                    items.push(format!("{a}{e}{b}"));
                }
                let trailing = if n > 0 && self.rng.chance(3) { "," } else { "" };
                format!("[{}{trailing}{}]", items.join(","), self.ws())
            }
            7 => self.object(depth),
            8 => {
                let name = self
                    .rng
                    .pick(&["f", "merge", "provider::aws::arn", "lookup", "try"]);
                let n = self.rng.below(4);
                let mut args = Vec::new();
                for _ in 0..n {
                    let (a, e, b) = (self.ws(), self.expr(depth + 1, true), self.ws());
                    args.push(format!("{a}{e}{b}"));
                }
                let tail = if n > 0 {
                    self.rng.pick(&["", "", ",", "...", "... "])
                } else {
                    ""
                };
                format!("{name}({}{tail}{})", args.join(","), self.ws())
            }
            9 => {
                let (a, e, b) = (self.ws(), self.expr(depth + 1, true), self.ws());
                format!("({a}{e}{b})")
            }
            10 => format!("!{}", self.term(depth + 1, nl)),
            11 => {
                let g = self.gap(nl);
                format!("-{g}{}", self.term(depth + 1, nl))
            }
            12 => {
                // Inside a `for`, line breaks may go anywhere.
                let c = self.expr(depth + 1, true);
                let v = self.expr(depth + 1, true);
                let cond = if self.rng.chance(2) {
                    let (a, e) = (self.ws(), self.expr(depth + 1, true));
                    format!("{a}if {e}")
                } else {
                    String::new()
                };
                let kv = if self.rng.chance(2) { "k, v" } else { "v" };
                let w: Vec<&str> = (0..5).map(|_| self.ws()).collect();
                format!(
                    "[{}for {kv} in {c}{}:{}{v}{cond}{}]",
                    w[0], w[1], w[2], w[3]
                )
            }
            13 => {
                let c = self.expr(depth + 1, true);
                let k = self.expr(depth + 1, true);
                let v = self.expr(depth + 1, true);
                let group = if self.rng.chance(3) { "..." } else { "" };
                let cond = if self.rng.chance(2) {
                    let (a, e) = (self.ws(), self.expr(depth + 1, true));
                    format!("{a}if {e}")
                } else {
                    String::new()
                };
                let w: Vec<&str> = (0..6).map(|_| self.ws()).collect();
                format!(
                    "{{{}for k, v in {c}{}:{}{k}{}=>{}{v}{group}{cond}{}}}",
                    w[0], w[1], w[2], w[3], w[4], w[5]
                )
            }
            14 => self.heredoc(depth),
            15 => {
                // A conditional in brackets: line breaks around `?` and `:`.
                let c = self.expr(depth + 1, true);
                let (a, b) = (self.expr(depth + 1, true), self.expr(depth + 1, true));
                let w: Vec<&str> = (0..4).map(|_| self.ws()).collect();
                format!("({c}{}?{}{a}{}:{}{b})", w[0], w[1], w[2], w[3])
            }
            _ => format!("{}.{}", self.ident(), self.ident()),
        };
        if t.ends_with('\n') {
            return t;
        }
        // Traversals.
        while self.rng.chance(3) {
            let op = match self.rng.below(7) {
                0 => format!(".{}", self.ident()),
                1 => {
                    let (a, e, b) = (self.ws(), self.expr(depth + 1, true), self.ws());
                    format!("[{a}{e}{b}]")
                }
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

    /// An expression; `nl`: whether line breaks may separate its parts.
    pub fn expr(&mut self, depth: usize, nl: bool) -> String {
        let mut s = self.term(depth, nl);
        while depth < 4 && !s.ends_with('\n') && self.rng.chance(3) {
            let op = self.rng.pick(&[
                "+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "&&", "||",
            ]);
            let sp1 = self.gap(nl);
            let sp2 = self.gap(nl);
            let t = self.term(depth + 1, nl);
            s.push_str(&format!("{sp1}{op}{sp2}{t}"));
        }
        if depth < 4 && !s.ends_with('\n') && self.rng.chance(8) {
            let (a, b) = (self.expr(depth + 1, nl), self.expr(depth + 1, nl));
            if a.ends_with('\n') {
                return s;
            }
            let w: Vec<&str> = (0..4).map(|_| self.gap(nl)).collect();
            s = format!("{s}{}?{}{a}{}:{}{b}", w[0], w[1], w[2], w[3]);
        }
        s
    }

    pub fn body(&mut self, depth: usize, out: &mut String) {
        let n = 1 + self.rng.below(3);
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
                    let e = self.expr(1, false);
                    out.push_str(&e);
                    out.push_str(if e.ends_with('\n') { "}\n" } else { " }\n" });
                } else {
                    out.push_str(" {\n");
                    self.body(depth + 1, out);
                    out.push_str("}\n");
                }
            } else {
                // Now and then an argument written twice (an error).
                let name = if i > 0 && self.rng.chance(30) { 0 } else { i };
                let (a, b) = (self.sp(), self.sp());
                let e = self.expr(0, false);
                out.push_str(&format!("attr{name}{a}={b}{e}"));
                if !e.ends_with('\n') {
                    out.push_str(
                        self.rng
                            .pick(&["\n", " # c\n", " // c\n", "\r\n", " /* c */\n"]),
                    );
                }
            }
        }
    }
}
