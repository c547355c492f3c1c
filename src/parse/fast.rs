//! A hand-written HCL parser straight into the [model](crate::model), for speed.
//!
//! # What and why
//!
//! [`super::hcl::parse_body`] used to parse every `.tf`/`.tofu`/`.tfvars` file
//! with hcl-edit, which builds a lossless tree (decor, every span, raw
//! strings) that is then converted into our model and dropped. That parser is
//! about a quarter of all the CPU time of `cercle inventory`. This module
//! reads the same text once, byte by byte, and builds the model directly, with
//! no intermediate tree.
//!
//! # HashiCorp's parser is the reference, hcl-edit the fallback
//!
//! Where hcl-edit accepts a text that HashiCorp's parser (hcl/v2, what
//! Terraform runs) accepts too, the result must be exactly what `hcl.rs`
//! produces through hcl-edit: the same nodes, the same strings, the same
//! spans byte for byte (including its quirks: a parenthesised expression is
//! its inner expression, `"${x}"` is `x` with the span of `x`, a binary
//! operation spans its operands with their parentheses, a bare identifier
//! object key is a string, an indented heredoc is dedented the way hcl-edit
//! does it...). `tests/parse_fast.rs` checks this on every fixture, on
//! hand-written snippets and on generated ones.
//!
//! Where the two disagree, this parser follows HashiCorp's, as
//! `tests/hcl_diff.rs` checks against it: it accepts a key written twice in
//! an object, line breaks anywhere inside a `for` or a directive, and
//! nesting far beyond hcl-edit's 64 levels (up to [`MAX_DEPTH`], the stack
//! growing on the heap); it reports errors that hcl-edit misses (`1.2.3`,
//! `a.0.1`, `a.*.b.*`, a token after an argument, a line break after an
//! operator outside brackets, a quoted string over two lines...) and errors
//! at the place a user looks for them (an unclosed block at its opening
//! brace, an unclosed string at its opening quote, an unclosed heredoc at
//! its `<<`).
//!
//! On anything else it is not sure of it returns "declined", and the caller
//! runs hcl-edit, whose errors and error locations (CRC000) are then the
//! ones users see.
//!
//! Deliberate bail-outs (hcl-edit's reading of them is odd, or they are
//! rare): a heredoc with no closing line after its first line (hcl-edit then
//! reads it as empty, its first line as the end), keywords glued to what
//! follows (`%{ifx}`, `[for x in y: x ifz]`), a legacy index glued to letters
//! (`a.0b`), numbers that overflow to infinity, a non-ASCII character right
//! after a keyword or a legacy index, duplicate object keys that differ only
//! in spelling (`a` and `"a"`, which hcl-edit accepts).

use super::error::SyntaxError;
use crate::model::{
    Attribute, BinaryOp, Block, Body, Expr, ExprKind, ForExpr, TemplatePart, Traverse, UnaryOp,
};
use crate::source::{FileId, Span};
use std::collections::HashSet;

/// Nesting levels (blocks, brackets, parentheses, templates, unary operators,
/// binary operators in one value) past which a file is refused. HashiCorp's
/// parser has no limit of its own (only Go's stack, far beyond this);
/// hcl-edit's is 64. Recursion past the thread's stack continues on the heap
/// ([`grow`]), so this bounds memory, not the stack.
pub const MAX_DEPTH: usize = 20_000;

/// Stack kept free before recursing deeper, and the size of each stack
/// segment added on the heap when less is left.
const RED_ZONE: usize = 256 * 1024;
const STACK_SEGMENT: usize = 4 * 1024 * 1024;

/// Runs `f` on the current stack, or on a new heap segment when less than
/// [`RED_ZONE`] is left: recursion never overflows the stack.
fn grow<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, f)
}

/// Parses a whole HCL file, or returns `None` when hcl-edit must decide.
pub fn parse_body(text: &str, file: FileId) -> Option<Body> {
    parse(text, file).ok()
}

/// Parses a whole HCL file: `Err(Some(error))` for an error HashiCorp's
/// parser reports too (the error to show), `Err(None)` when hcl-edit must
/// decide (a construct this parser does not handle).
pub fn parse(text: &str, file: FileId) -> Result<Body, Option<SyntaxError>> {
    if text.len() >= u32::MAX as usize {
        return Err(None);
    }
    let mut p = Parser {
        src: text,
        b: text.as_bytes(),
        pos: 0,
        file,
        depth: 0,
        ops: 0,
        scratch: Scratch::default(),
        error: None,
    };
    let body = p.body();
    if let Some(e) = p.error.take() {
        return Err(Some(e));
    }
    let body = body.ok_or(None)?;
    if p.pos != p.b.len() {
        let at = p.pos;
        p.item_required::<()>(at);
        return Err(p.error.take());
    }
    Ok(body)
}

struct Parser<'a> {
    src: &'a str,
    b: &'a [u8],
    pos: usize,
    file: FileId,
    /// Nesting depth, counted where hcl-edit counts it.
    depth: usize,
    /// Binary operators in the current attribute value.
    ops: usize,
    scratch: Scratch,
    /// The first error found that HashiCorp's parser reports too.
    error: Option<SyntaxError>,
}

/// Stacks where the items of lists being read are gathered, then moved into
/// a `Vec` of exactly their number: the model of every file is held for the
/// whole run, so it has no slack (as `hcl.rs` built it), and lists grow
/// without reallocations. A nested list is taken off before its parent's
/// next item is pushed.
#[derive(Default)]
struct Scratch {
    attrs: Vec<Attribute>,
    blocks: Vec<Block>,
    labels: Vec<(String, Span)>,
    exprs: Vec<Expr>,
    items: Vec<(Expr, Expr)>,
    parts: Vec<TemplatePart>,
    /// Escaped text of the template literal being read.
    lit: String,
    /// The sequence just read ended with `~}`: the next literal loses its
    /// leading white space.
    ltrim: bool,
}

/// The items of `v` from `base` on, moved into an exact-size `Vec`.
/// Where the `/* ... */` comment starting at `pos` (its `/`) ends, just
/// past its `*/`; `None` when it is not closed. Shared with the skimmer.
pub(super) fn inline_comment_end(b: &[u8], pos: usize) -> Option<usize> {
    let from = pos + 2;
    let at = b.get(from..)?.windows(2).position(|w| w == b"*/")?;
    Some(from + at + 2)
}

/// Where the `#...` or `//...` comment starting at `pos` ends: at its line
/// ending (not included), `\n` or `\r\n`. `None` at a lone `\r`, which ends
/// no line for hcl-edit. Shared with the skimmer.
pub(super) fn line_comment_end(b: &[u8], pos: usize) -> Option<usize> {
    match b
        .get(pos..)?
        .iter()
        .position(|c| matches!(c, b'\n' | b'\r'))
    {
        Some(at) => {
            let end = pos + at;
            (b[end] == b'\n' || b.get(end + 1) == Some(&b'\n')).then_some(end)
        }
        None => Some(b.len()),
    }
}

fn take<T>(v: &mut Vec<T>, base: usize) -> Vec<T> {
    v.split_off(base.min(v.len()))
}

/// Where a run of template elements stops.
#[derive(Clone, Copy)]
enum Mode<'a> {
    /// A quoted string: stops at its closing `"`; backslash escapes.
    Quoted,
    /// A heredoc: stops at a line ending, blanks and the delimiter.
    Heredoc(&'a [u8]),
    /// The body of a directive: stops at a `%{` that opens no directive, or at
    /// the end of input. As in hcl-edit, even inside a quoted string, its text
    /// is raw: no backslash escapes, and a `"` is text.
    Directive,
}

/// Why a run of template elements stopped.
enum Stop {
    Quote,
    /// At a heredoc's closing line; the line ending's length.
    HeredocEnd(usize),
    /// At a `%{` that opens no directive (an `else`, `endif`, `endfor`...).
    Control,
    Eof,
}

/// ASCII bytes that continue an identifier (non-ASCII bytes are `false`:
/// checked one character at a time).
static ID_CONTINUE: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 128 {
        t[c] = ascii_id_continue(c as u8);
        c += 1;
    }
    t
};

const fn ascii_id_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

const fn ascii_id_continue(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

/// hcl-edit's `is_id_start` for a non-ASCII character (rare: checked through
/// hcl-edit's own identifier validation, so that both agree).
fn uni_id_start(c: char) -> bool {
    hcl_edit::Ident::try_new(c.to_string()).is_ok()
}

fn uni_id_continue(c: char) -> bool {
    let mut s = String::with_capacity(5);
    s.push('a');
    s.push(c);
    hcl_edit::Ident::try_new(s).is_ok()
}

fn precedence(op: BinaryOp) -> u8 {
    match op {
        BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod => 6,
        BinaryOp::Add | BinaryOp::Sub => 5,
        BinaryOp::Lt | BinaryOp::LtEq | BinaryOp::Gt | BinaryOp::GtEq => 4,
        BinaryOp::Eq | BinaryOp::NotEq => 3,
        BinaryOp::And => 2,
        BinaryOp::Or => 1,
    }
}

/// An operand of a binary chain: its model and its source range (hcl-edit's
/// span, which keeps the parentheses that the model drops).
struct Operand {
    e: Expr,
    start: usize,
    end: usize,
}

impl<'a> Parser<'a> {
    // ------------------------------------------------------------ bytes

    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn peek_at(&self, n: usize) -> Option<u8> {
        self.b.get(self.pos + n).copied()
    }

    fn starts_with(&self, s: &[u8]) -> bool {
        self.b.get(self.pos..).is_some_and(|r| r.starts_with(s))
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        if self.peek() == Some(c) {
            self.pos += 1;
            Some(())
        } else {
            None
        }
    }

    fn eat_str(&mut self, s: &[u8]) -> Option<()> {
        if self.starts_with(s) {
            self.pos += s.len();
            Some(())
        } else {
            None
        }
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    fn char_at(&self, at: usize) -> Option<char> {
        self.src.get(at..).and_then(|s| s.chars().next())
    }

    /// Whether the character at `at` may start an identifier.
    fn id_start_at(&self, at: usize) -> bool {
        match self.b.get(at) {
            Some(&c) if c < 0x80 => ascii_id_start(c),
            Some(_) => self.char_at(at).is_some_and(uni_id_start),
            None => false,
        }
    }

    /// The length of the identifier character at `at`, if it continues one.
    fn id_continue_len(&self, at: usize) -> Option<usize> {
        match self.b.get(at) {
            Some(&c) if c < 0x80 => ascii_id_continue(c).then_some(1),
            Some(_) => self
                .char_at(at)
                .filter(|c| uni_id_continue(*c))
                .map(char::len_utf8),
            None => None,
        }
    }

    /// An identifier at the current position.
    fn ident(&mut self) -> Option<&'a str> {
        let start = self.pos;
        match self.b.get(start) {
            Some(&c) if c < 0x80 => {
                if !ascii_id_start(c) {
                    return None;
                }
                self.pos += 1;
            }
            _ => {
                let c = self.char_at(start).filter(|c| uni_id_start(*c))?;
                self.pos += c.len_utf8();
            }
        }
        loop {
            // ASCII first, quickly.
            let rest = self.b.get(self.pos..).unwrap_or_default();
            let n = rest
                .iter()
                .position(|&c| !ID_CONTINUE[c as usize])
                .unwrap_or(rest.len());
            self.pos += n;
            match self.b.get(self.pos) {
                Some(&c) if c >= 0x80 => match self.id_continue_len(self.pos) {
                    Some(n) => self.pos += n,
                    None => break,
                },
                _ => break,
            }
        }
        self.src.get(start..self.pos)
    }

    /// A keyword (`if`, `for`...) not glued to what follows.
    fn at_keyword(&self, kw: &[u8]) -> bool {
        self.starts_with(kw) && self.id_continue_len(self.pos + kw.len()).is_none() && {
            // A non-ASCII character after the keyword: let hcl-edit decide.
            self.b.get(self.pos + kw.len()).is_none_or(|c| *c < 0x80)
        }
    }

    // ------------------------------------------------------------ trivia

    /// `/* ... */`, the opening already seen.
    fn inline_comment(&mut self) -> Option<()> {
        self.pos = inline_comment_end(self.b, self.pos)?;
        Some(())
    }

    /// `#...` or `//...` up to (not including) the line ending.
    fn line_comment(&mut self) -> Option<()> {
        // As in HashiCorp's parser, a lone `\r` is part of the comment
        // (hcl-edit refuses it): the comment ends at `\n` or `\r\n`.
        let rest = self.b.get(self.pos..)?;
        self.pos = match rest.iter().position(|&c| c == b'\n') {
            Some(at) if at > 0 && rest[at - 1] == b'\r' => self.pos + at - 1,
            Some(at) => self.pos + at,
            None => self.b.len(),
        };
        Some(())
    }

    /// hcl-edit's `sp`: spaces, tabs and inline comments.
    fn sp(&mut self) -> Option<()> {
        loop {
            while matches!(self.peek(), Some(b' ' | b'\t')) {
                self.pos += 1;
            }
            if self.starts_with(b"/*") {
                self.inline_comment()?;
            } else {
                return Some(());
            }
        }
    }

    /// hcl-edit's `ws`: all whitespace and all comments.
    fn ws(&mut self) -> Option<()> {
        loop {
            while let Some(c @ (b' ' | b'\t' | b'\r' | b'\n')) = self.peek() {
                if c == b'\r' && self.peek_at(1) != Some(b'\n') {
                    return self.fail(
                        self.pos,
                        "Invalid character: a carriage return (\\r) that ends no line",
                    );
                }
                self.pos += 1;
            }
            match self.peek() {
                Some(b'#') => self.line_comment()?,
                Some(b'/') if self.peek_at(1) == Some(b'/') => self.line_comment()?,
                Some(b'/') if self.peek_at(1) == Some(b'*') => self.inline_comment()?,
                _ => return Some(()),
            }
        }
    }

    fn ws_or_sp(&mut self, nl: bool) -> Option<()> {
        if nl { self.ws() } else { self.sp() }
    }

    /// An optional `#`/`//` comment after `sp`.
    fn opt_line_comment(&mut self) -> Option<()> {
        match self.peek() {
            Some(b'#') => self.line_comment(),
            Some(b'/') if self.peek_at(1) == Some(b'/') => self.line_comment(),
            _ => Some(()),
        }
    }

    /// `\n` or `\r\n`.
    fn line_ending(&mut self) -> Option<()> {
        match self.peek() {
            Some(b'\n') => {
                self.pos += 1;
                Some(())
            }
            Some(b'\r') if self.peek_at(1) == Some(b'\n') => {
                self.pos += 2;
                Some(())
            }
            _ => None,
        }
    }

    /// Records an error HashiCorp's parser reports too (the first one
    /// wins), and stops: `None`.
    fn fail<T>(&mut self, at: usize, message: impl Into<String>) -> Option<T> {
        if self.error.is_none() {
            self.error = Some(SyntaxError {
                offset: at.min(self.b.len()),
                message: message.into(),
            });
        }
        None
    }

    fn enter(&mut self) -> Option<()> {
        if self.depth >= MAX_DEPTH {
            return self.fail(
                self.pos,
                format!("nesting too deep: more than {MAX_DEPTH} nested levels"),
            );
        }
        self.depth += 1;
        Some(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    // ------------------------------------------------------------ structure

    /// Attributes and blocks up to the first thing that starts neither (the
    /// caller checks it is `}` or the end of input).
    fn body(&mut self) -> Option<Body> {
        let attrs_base = self.scratch.attrs.len();
        let blocks_base = self.scratch.blocks.len();
        // Attribute names seen, for hcl-edit's "redefined attribute" error;
        // a set once the body is large.
        let mut names: Vec<&'a str> = Vec::new();
        let mut set: Option<HashSet<&'a str>> = None;
        loop {
            self.ws()?;
            if !self.id_start_at(self.pos) {
                return Some(Body {
                    attrs: take(&mut self.scratch.attrs, attrs_base),
                    blocks: take(&mut self.scratch.blocks, blocks_base),
                });
            }
            let start = self.pos;
            let name = self.ident()?;
            let name_span = self.span(start, self.pos);
            self.sp()?;
            match self.peek() {
                Some(b'=') => {
                    let dup = match &mut set {
                        Some(set) => !set.insert(name),
                        None => {
                            let dup = names.contains(&name);
                            names.push(name);
                            if names.len() > 16 {
                                set = Some(names.iter().copied().collect());
                            }
                            dup
                        }
                    };
                    if dup {
                        return None;
                    }
                    let expr = self.attr_value()?;
                    let span = self.span(start, self.pos);
                    self.scratch.attrs.push(Attribute {
                        name: name.to_string(),
                        name_span,
                        expr,
                        span,
                    });
                }
                Some(_) => {
                    let base = self.scratch.labels.len();
                    loop {
                        let at = self.pos;
                        let label = if self.peek() == Some(b'"') {
                            self.plain_string()?
                        } else if self.id_start_at(at) {
                            self.ident()?.to_string()
                        } else {
                            break;
                        };
                        let span = self.span(at, self.pos);
                        self.scratch.labels.push((label, span));
                        self.sp()?;
                    }
                    let n = self.scratch.labels.len() - base;
                    let mut labels = Vec::with_capacity(n);
                    let mut label_spans = Vec::with_capacity(n);
                    for (l, s) in self.scratch.labels.drain(base..) {
                        labels.push(l);
                        label_spans.push(s);
                    }
                    if self.peek() != Some(b'{') {
                        return None;
                    }
                    let inner = self.block_body()?;
                    let span = self.span(start, self.pos);
                    self.scratch.blocks.push(Block {
                        kind: name.to_string(),
                        kind_span: name_span,
                        labels,
                        label_spans,
                        body: inner,
                        span,
                    });
                }
                None => return None,
            }
            self.sp()?;
            self.opt_line_comment()?;
            if self.pos < self.b.len() && self.line_ending().is_none() {
                return self.stray(start);
            }
        }
    }

    /// Where an argument or a block must start but something else does.
    fn item_required<T>(&mut self, at: usize) -> Option<T> {
        match self.peek() {
            // A lone `\r`, or a closing brace: let hcl-edit decide.
            Some(b'\r') | None => None,
            Some(b'}') if self.depth > 0 => None,
            _ => self.fail(
                at,
                "Argument or block definition required: expected an argument (`name = value`) \
                 or a block (`type \"label\" { ... }`)",
            ),
        }
    }

    /// A line break where HashiCorp's parser needs the rest of an
    /// expression on the same line (outside brackets and parentheses).
    fn no_break_here(&mut self, what: &str) -> Option<()> {
        let at = self.pos;
        if self.at_line_break() {
            return self.fail(
                at,
                format!(
                    "Invalid expression: {what} on the same line (a line break ends an \
                     argument; put the expression in parentheses to split it)"
                ),
            );
        }
        Some(())
    }

    /// Whether a line ends here (a line ending, or a comment running to it).
    fn at_line_break(&self) -> bool {
        match self.peek() {
            Some(b'\n') => true,
            Some(b'\r') => self.peek_at(1) == Some(b'\n'),
            Some(b'#') => true,
            Some(b'/') => self.peek_at(1) == Some(b'/'),
            _ => false,
        }
    }

    /// Something after a complete argument or block on its line (`a = 1 2`,
    /// `a = "x" b`): HashiCorp's parser rejects it at that token.
    fn stray<T>(&mut self, item: usize) -> Option<T> {
        let at = self.pos;
        // A lone `\r` is a line ending hcl-edit does not know: let it decide.
        if self.peek() == Some(b'\r') || self.peek() == Some(b'}') {
            return None;
        }
        let what = if self.b.get(item..).is_some_and(|r| {
            let n = r
                .iter()
                .position(|c| !ascii_id_continue(*c))
                .unwrap_or(r.len());
            r[n..].trim_ascii_start().starts_with(b"=")
        }) {
            "argument"
        } else {
            "block"
        };
        let token: String = self.src[at..]
            .chars()
            .take_while(|c| !c.is_whitespace())
            .take(20)
            .collect();
        self.fail(
            at,
            format!(
                "Missing newline after {what}: an {what} definition must end with a newline, \
                 found `{token}`"
            ),
        )
    }

    /// `= expr` of an attribute, at the `=`.
    fn attr_value(&mut self) -> Option<Expr> {
        self.eat(b'=')?;
        self.sp()?;
        self.ops = 0;
        self.expr(false)
    }

    /// `{ ... }`, at the `{`: a multi-line body, or a one-line block holding
    /// at most one attribute.
    fn block_body(&mut self) -> Option<Body> {
        self.enter()?;
        let brace = self.pos;
        self.eat(b'{')?;
        let open = self.pos;
        self.sp()?;
        self.opt_line_comment()?;
        let body = if self.line_ending().is_some() {
            let body = grow(|| self.body())?;
            if self.pos >= self.b.len() {
                return self.fail(
                    brace,
                    "Unclosed configuration block: there is no closing brace `}` for this \
                     block before the end of the file",
                );
            }
            if self.peek() != Some(b'}') {
                let at = self.pos;
                return self.item_required(at);
            }
            body
        } else {
            self.pos = open;
            self.sp()?;
            let mut body = Body::default();
            if self.id_start_at(self.pos) {
                let start = self.pos;
                let name = self.ident()?;
                let name_span = self.span(start, self.pos);
                self.sp()?;
                let expr = self.attr_value()?;
                body.attrs = vec![Attribute {
                    name: name.to_string(),
                    name_span,
                    expr,
                    span: self.span(start, self.pos),
                }];
                self.sp()?;
            }
            body
        };
        self.eat(b'}')?;
        self.leave();
        Some(body)
    }

    // ------------------------------------------------------------ expressions

    /// A nested expression (hcl-edit's `expr`/`multiline_expr`/
    /// `expr_with_state`): one level deeper.
    fn sub(&mut self, nl: bool) -> Option<Expr> {
        self.enter()?;
        let e = grow(|| self.expr(nl))?;
        self.leave();
        Some(e)
    }

    /// An expression: a term, binary operations, a conditional. `nl`: whether
    /// newlines may separate its parts (they may once an array, a call or an
    /// object `for` has been read, as in hcl-edit).
    fn expr(&mut self, mut nl: bool) -> Option<Expr> {
        let start = self.pos;
        let first = self.term(&mut nl)?;
        // Most expressions are a lone term: no chain to build.
        let save = self.pos;
        self.ws_or_sp(nl)?;
        let lone = match self.peek() {
            Some(b'?') => false,
            _ => self.binary_operator()?.is_none(),
        };
        self.pos = save;
        if lone {
            return Some(first);
        }
        let mut operands = vec![Operand {
            e: first,
            start,
            end: self.pos,
        }];
        let mut operators: Vec<BinaryOp> = Vec::new();
        loop {
            let save = self.pos;
            self.ws_or_sp(nl)?;
            if self.peek() == Some(b'?') {
                let cond = build_binary(operands, operators, self.file)?;
                self.pos += 1;
                self.ws_or_sp(nl)?;
                if !nl {
                    self.no_break_here("the true value of the conditional is expected after `?`")?;
                }
                let yes = self.sub(nl)?;
                self.ws_or_sp(nl)?;
                if !nl && self.peek() != Some(b':') {
                    // `a ? b` then `: c` on the next line: the line break
                    // ends the argument before its `:` (HashiCorp: "Missing
                    // false expression in conditional").
                    if self.at_line_break() {
                        return self.fail(
                            self.pos,
                            "Missing false expression in conditional: the `:` and the false \
                             value must follow on the same line (a line break ends an argument; \
                             put the conditional in parentheses to split it)",
                        );
                    }
                }
                self.eat(b':')?;
                self.ws_or_sp(nl)?;
                if !nl {
                    self.no_break_here("the false value of the conditional is expected after `:`")?;
                }
                let no = self.sub(nl)?;
                return Some(Expr::new(
                    ExprKind::Conditional(Box::new(cond.e), Box::new(yes), Box::new(no)),
                    self.span(start, self.pos),
                ));
            }
            let Some((op, len)) = self.binary_operator()? else {
                self.pos = save;
                break;
            };
            self.ops += 1;
            if self.ops > MAX_DEPTH {
                return self.fail(
                    self.pos,
                    format!("too many operators: more than {MAX_DEPTH} in one value"),
                );
            }
            self.pos += len;
            self.ws_or_sp(nl)?;
            if !nl {
                self.no_break_here("an operand is expected after the operator")?;
            }
            let at = self.pos;
            let mut operand_nl = nl;
            let e = self.term(&mut operand_nl)?;
            operators.push(op);
            operands.push(Operand {
                e,
                start: at,
                end: self.pos,
            });
        }
        build_binary(operands, operators, self.file).map(|o| o.e)
    }

    /// The binary operator at the current position: `Some(None)` when none
    /// starts here, `None` when hcl-edit would fail (`!x`, `&x`, `|x`).
    fn binary_operator(&self) -> Option<Option<(BinaryOp, usize)>> {
        let c0 = self.peek();
        let c1 = self.peek_at(1);
        // hcl-edit looks at two characters: one alone ends the expression.
        if c1.is_none() {
            return Some(None);
        }
        Some(Some(match (c0, c1) {
            (Some(b'='), Some(b'=')) => (BinaryOp::Eq, 2),
            (Some(b'!'), Some(b'=')) => (BinaryOp::NotEq, 2),
            (Some(b'!'), _) => return None,
            (Some(b'<'), Some(b'=')) => (BinaryOp::LtEq, 2),
            (Some(b'<'), _) => (BinaryOp::Lt, 1),
            (Some(b'>'), Some(b'=')) => (BinaryOp::GtEq, 2),
            (Some(b'>'), _) => (BinaryOp::Gt, 1),
            (Some(b'+'), _) => (BinaryOp::Add, 1),
            (Some(b'-'), _) => (BinaryOp::Sub, 1),
            (Some(b'*'), _) => (BinaryOp::Mul, 1),
            (Some(b'%'), _) => (BinaryOp::Mod, 1),
            (Some(b'/'), Some(b'/')) => return Some(None),
            (Some(b'/'), Some(b'*')) => return None,
            (Some(b'/'), _) => (BinaryOp::Div, 1),
            (Some(b'&'), Some(b'&')) => (BinaryOp::And, 2),
            (Some(b'&'), _) => return None,
            (Some(b'|'), Some(b'|')) => (BinaryOp::Or, 2),
            (Some(b'|'), _) => return None,
            _ => return Some(None),
        }))
    }

    /// An expression term and its traversals. Its source range is from where
    /// it starts to where it leaves the position.
    fn term(&mut self, nl: &mut bool) -> Option<Expr> {
        let start = self.pos;
        let base = match self.peek()? {
            b'"' => self.string_term()?,
            b'[' => {
                // HashiCorp's parser: no line break after it either (hcl-edit allows one).
                self.array()?
            }
            b'{' => self.object()?,
            b'0'..=b'9' => self.number(start, false)?,
            b'<' => self.heredoc()?,
            b'-' => {
                self.pos += 1;
                self.ws_or_sp(*nl)?;
                if self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    self.number(start, true)?
                } else {
                    self.pos = start + 1;
                    self.ws_or_sp(*nl)?;
                    if !*nl {
                        self.no_break_here("an operand is expected after `-`")?;
                    }
                    self.unary(start, UnaryOp::Neg, *nl)?
                }
            }
            b'!' => {
                self.pos += 1;
                self.ws_or_sp(*nl)?;
                if !*nl {
                    self.no_break_here("an operand is expected after `!`")?;
                }
                self.unary(start, UnaryOp::Not, *nl)?
            }
            b'(' => {
                self.pos += 1;
                self.ws()?;
                let inner = self.sub(true)?;
                self.ws()?;
                self.eat(b')')?;
                // The model drops the parentheses: the inner expression,
                // with its own span.
                inner
            }
            _ if self.id_start_at(start) => self.identlike(start, nl)?,
            _ => return None,
        };
        self.traversal(base, *nl)
    }

    fn unary(&mut self, start: usize, op: UnaryOp, nl: bool) -> Option<Expr> {
        self.enter()?;
        let mut operand_nl = nl;
        let e = grow(|| self.term(&mut operand_nl))?;
        self.leave();
        Some(Expr::new(
            ExprKind::Unary(op, Box::new(e)),
            self.span(start, self.pos),
        ))
    }

    /// Each step of a traversal nests the expression one level deeper (and
    /// every later stage walks it recursively): bounded as nesting is.
    fn traversal_step(&mut self, steps: usize) -> Option<()> {
        if steps > MAX_DEPTH {
            return self.fail(
                self.pos,
                format!("traversal too long: more than {MAX_DEPTH} steps (`.name` or `[index]`) in one reference"),
            );
        }
        Some(())
    }

    /// `.name`, `.0`, `.*`, `[expr]`, `[*]` after a term, as the conversion
    /// in `hcl.rs` builds them.
    fn traversal(&mut self, base: Expr, nl: bool) -> Option<Expr> {
        let mut cur = base;
        // After a splat: the base, the rest and the span so far.
        let mut splat: Option<(Expr, Vec<Traverse>, Span)> = None;
        // Inside an attribute-only splat (`.*`), which a `[` ends.
        let mut attr_splat = false;
        let mut steps = 0usize;
        loop {
            let save = self.pos;
            self.ws_or_sp(nl)?;
            let c = self.peek();
            if !(c == Some(b'.') || c == Some(b'[')) || self.starts_with(b"..") {
                self.pos = save;
                break;
            }
            steps += 1;
            self.traversal_step(steps)?;
            let op_start = self.pos;
            self.pos += 1;
            enum Op<'s> {
                Attr(&'s str),
                Legacy(u64),
                Index(Expr),
                Splat,
            }
            if c == Some(b'[') {
                attr_splat = false;
            }
            let op = if c == Some(b'.') {
                self.ws_or_sp(nl)?;
                match self.peek()? {
                    b'*' => {
                        if attr_splat {
                            return self.fail(
                                self.pos,
                                "Nested splat expression not allowed: a splat `.*` cannot be \
                                 used inside another `.*`",
                            );
                        }
                        attr_splat = true;
                        self.pos += 1;
                        Op::Splat
                    }
                    b'0'..=b'9' => {
                        let at = self.pos;
                        let n = self.legacy_index()?;
                        if self.peek() == Some(b'.')
                            && self.peek_at(1).is_some_and(|c| c.is_ascii_digit())
                        {
                            return self.fail(
                                at,
                                "Invalid legacy index syntax: two indexes chained with dots \
                                 (`.0.1`) are not allowed; write `[0][1]`",
                            );
                        }
                        Op::Legacy(n)
                    }
                    _ if self.id_start_at(self.pos) => Op::Attr(self.ident()?),
                    _ => {
                        return self.fail(
                            self.pos,
                            "Invalid attribute name: a name is required after a dot",
                        );
                    }
                }
            } else {
                self.ws()?;
                let op = if self.peek() == Some(b'*') {
                    self.pos += 1;
                    Op::Splat
                } else {
                    Op::Index(self.sub(true)?)
                };
                self.ws()?;
                self.eat(b']')?;
                op
            };
            let op_span = self.span(op_start, self.pos);
            if let Some((_, rest, end)) = &mut splat {
                *end = end.to(op_span);
                rest.push(match op {
                    Op::Attr(name) => Traverse::Attr(name.to_string()),
                    Op::Index(ix) => Traverse::Index(ix),
                    Op::Legacy(n) => {
                        Traverse::Index(Expr::new(ExprKind::Number(n as f64), op_span))
                    }
                    // A second splat: the rest is unknown.
                    Op::Splat => Traverse::Attr("*".to_string()),
                });
                continue;
            }
            let whole = cur.span.to(op_span);
            cur = match op {
                Op::Attr(name) => {
                    Expr::new(ExprKind::GetAttr(Box::new(cur), name.to_string()), whole)
                }
                Op::Index(ix) => Expr::new(ExprKind::Index(Box::new(cur), Box::new(ix)), whole),
                Op::Legacy(n) => {
                    let ix = Expr::new(ExprKind::Number(n as f64), op_span);
                    Expr::new(ExprKind::Index(Box::new(cur), Box::new(ix)), whole)
                }
                Op::Splat => {
                    let base = std::mem::replace(&mut cur, Expr::new(ExprKind::Null, whole));
                    splat = Some((base, Vec::new(), whole));
                    continue;
                }
            };
        }
        Some(match splat {
            Some((base, mut rest, end)) => {
                rest.shrink_to_fit();
                Expr::new(ExprKind::Splat(Box::new(base), rest), end)
            }
            None => cur,
        })
    }

    /// The digits of a legacy index `.0`, as winnow's `dec_uint` reads them.
    fn legacy_index(&mut self) -> Option<u64> {
        let start = self.pos;
        if self.peek() == Some(b'0') {
            self.pos += 1;
        } else {
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.pos += 1;
            }
        }
        // `a.01`, `a.0é`: odd, leave them to hcl-edit. A letter after the
        // digits starts the next token for HashiCorp's parser (`[for x in
        // a : x.1if x.0]`), as here.
        if self.peek().is_some_and(|c| c.is_ascii_digit() || c >= 0x80) {
            return None;
        }
        let digits = self.src.get(start..self.pos)?;
        // An exponent belongs to the number token (`a.5e1` is `a[50]` for
        // HashiCorp's scanner); `a.1e` or `a.1else` do not have one.
        if matches!(self.peek(), Some(b'e' | b'E')) {
            let sign = usize::from(matches!(self.peek_at(1), Some(b'+' | b'-')));
            if self.peek_at(1 + sign).is_some_and(|c| c.is_ascii_digit()) {
                let mut end = self.pos + 1 + sign;
                while self.b.get(end).is_some_and(|c| c.is_ascii_digit()) {
                    end += 1;
                }
                let v: f64 = self.src.get(start..end)?.parse().ok()?;
                // A fractional or huge index: hcl-edit's to judge.
                if v.fract() != 0.0 || !(0.0..9.0e15).contains(&v) {
                    return None;
                }
                self.pos = end;
                return Some(v as u64);
            }
        }
        digits.parse().ok()
    }

    /// A number; `start` is where its term starts (at the `-` when `neg`).
    fn number(&mut self, start: usize, neg: bool) -> Option<Expr> {
        let digits = self.pos;
        let skip_digits = |p: &mut Self| {
            let at = p.pos;
            while p.peek().is_some_and(|c| c.is_ascii_digit()) {
                p.pos += 1;
            }
            p.pos > at
        };
        skip_digits(self);
        let mut float = false;
        if self.peek() == Some(b'.') && self.peek_at(1).is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
            skip_digits(self);
            float = true;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !skip_digits(self) {
                return self.fail(
                    start,
                    "Invalid number literal: an exponent needs digits (`1e3`)",
                );
            }
            float = true;
        }
        if self.peek() == Some(b'.') && self.peek_at(1).is_some_and(|c| c.is_ascii_digit()) {
            return self.fail(
                start,
                "Invalid number literal: a number has at most one decimal point (`1.5`, not `1.5.0`)",
            );
        }
        let text = self.src.get(digits..self.pos)?;
        let mut v = if float {
            text.parse::<f64>().ok()?
        } else {
            match text.parse::<u64>() {
                Ok(n) => n as f64,
                Err(_) => text.parse::<f64>().ok()?,
            }
        };
        if !v.is_finite() {
            // `1e400`: valid HCL (numbers are arbitrary-precision there),
            // beyond what cercle computes with: an unknown value.
            return Some(Expr::new(
                ExprKind::Unsupported(format!(
                    "the number {}{text}, beyond the range of numbers cercle computes with",
                    if neg { "-" } else { "" }
                )),
                self.span(start, self.pos),
            ));
        }
        if neg {
            v = -v;
        }
        // hcl-edit's numbers hold no negative zero.
        if v == 0.0 {
            v = 0.0;
        }
        Some(Expr::new(ExprKind::Number(v), self.span(start, self.pos)))
    }

    /// A variable, `null`, `true`, `false` or a function call.
    fn identlike(&mut self, start: usize, nl: &mut bool) -> Option<Expr> {
        let first = self.ident()?;
        let after = self.pos;
        self.ws_or_sp(*nl)?;
        let is_call = self.starts_with(b"::") || self.peek() == Some(b'(');
        if !is_call {
            self.pos = after;
            let kind = match first {
                "null" => ExprKind::Null,
                "true" => ExprKind::Bool(true),
                "false" => ExprKind::Bool(false),
                _ => ExprKind::Var(first.to_string()),
            };
            return Some(Expr::new(kind, self.span(start, after)));
        }
        let mut name = first.to_string();
        while self.eat_str(b"::").is_some() {
            self.ws_or_sp(*nl)?;
            let part = self.ident()?;
            self.ws_or_sp(*nl)?;
            name.push_str("::");
            name.push_str(part);
        }
        name.shrink_to_fit();
        // HashiCorp's parser: no line break after it either (hcl-edit allows one).
        self.eat(b'(')?;
        let base = self.scratch.exprs.len();
        let mut expand = false;
        self.ws()?;
        if !matches!(self.peek(), Some(b')')) {
            loop {
                if matches!(self.peek(), Some(b',' | b'.' | b')') | None) {
                    return None;
                }
                let arg = self.sub(true)?;
                self.scratch.exprs.push(arg);
                self.ws()?;
                match self.peek() {
                    Some(b',') => {
                        self.pos += 1;
                        self.ws()?;
                        if self.peek() == Some(b')') {
                            break;
                        }
                    }
                    Some(b'.') => {
                        self.eat_str(b"...")?;
                        expand = true;
                        self.ws()?;
                        break;
                    }
                    _ => break,
                }
            }
        }
        self.eat(b')')?;
        let args = take(&mut self.scratch.exprs, base);
        Some(Expr::new(
            ExprKind::Call { name, args, expand },
            self.span(start, self.pos),
        ))
    }

    /// hcl-edit's test for a `for` expression after `[` or `{`.
    fn for_ahead(&mut self) -> bool {
        let save = self.pos;
        let yes = self.ws().is_some()
            && self.starts_with(b"for")
            && matches!(self.peek_at(3), Some(b' ' | b'\t' | b'#' | b'/' | b'\n'));
        self.pos = save;
        yes
    }

    /// `for k, v in coll :`, up to and including the `:`.
    fn for_intro(&mut self) -> Option<(Option<String>, String, Expr)> {
        self.ws()?;
        self.eat_str(b"for")?;
        self.ws()?;
        let first = self.ident()?;
        self.ws()?;
        let mut second = None;
        if self.eat(b',').is_some() {
            self.ws()?;
            second = Some(self.ident()?);
            self.ws()?;
        }
        if !self.at_keyword(b"in") {
            if self.starts_with(b"in") && self.b.get(self.pos + 2).is_some_and(|c| *c < 0x80) {
                return self.fail(
                    self.pos,
                    "Invalid 'for' expression: the `in` keyword is required after its names",
                );
            }
            return None;
        }
        self.pos += 2;
        self.ws()?;
        // Inside a `for`, line breaks may go anywhere (hcl/v2 ignores them).
        let coll = self.sub(true)?;
        self.ws()?;
        self.eat(b':')?;
        Some(match second {
            Some(v) => (Some(first.to_string()), v.to_string(), coll),
            None => (None, first.to_string(), coll),
        })
    }

    /// An optional `if cond` of a `for` expression.
    fn for_cond(&mut self) -> Option<Option<Expr>> {
        let save = self.pos;
        self.ws()?;
        if !self.starts_with(b"if") {
            self.pos = save;
            return Some(None);
        }
        if !self.at_keyword(b"if") {
            return None;
        }
        self.pos += 2;
        self.ws()?;
        let c = self.sub(true)?;
        self.ws()?;
        Some(Some(c))
    }

    fn array(&mut self) -> Option<Expr> {
        let start = self.pos;
        self.eat(b'[')?;
        if self.for_ahead() {
            let (key_var, value_var, collection) = self.for_intro()?;
            self.ws()?;
            let value = self.sub(true)?;
            self.ws()?;
            let cond = self.for_cond()?;
            self.eat(b']')?;
            return Some(Expr::new(
                ExprKind::For(Box::new(ForExpr {
                    key_var,
                    value_var,
                    collection,
                    key: None,
                    value,
                    cond,
                    grouping: false,
                })),
                self.span(start, self.pos),
            ));
        }
        let base = self.scratch.exprs.len();
        self.ws()?;
        if self.peek() != Some(b']') {
            loop {
                let item = self.sub(true)?;
                self.scratch.exprs.push(item);
                self.ws()?;
                match self.peek() {
                    Some(b',') => {
                        self.pos += 1;
                        self.ws()?;
                        if self.peek() == Some(b']') {
                            break;
                        }
                    }
                    Some(b']') => break,
                    _ => return None,
                }
            }
        }
        self.eat(b']')?;
        let items = take(&mut self.scratch.exprs, base);
        Some(Expr::new(
            ExprKind::Array(items),
            self.span(start, self.pos),
        ))
    }

    fn object(&mut self) -> Option<Expr> {
        let start = self.pos;
        self.eat(b'{')?;
        if self.for_ahead() {
            // HashiCorp's parser: no line break after it either (hcl-edit allows one).
            let (key_var, value_var, collection) = self.for_intro()?;
            self.ws()?;
            let key = self.sub(true)?;
            self.ws()?;
            self.eat_str(b"=>")?;
            self.ws()?;
            let value = self.sub(true)?;
            self.ws()?;
            let grouping = self.eat_str(b"...").is_some();
            if grouping {
                self.ws()?;
            }
            let cond = self.for_cond()?;
            self.eat(b'}')?;
            return Some(Expr::new(
                ExprKind::For(Box::new(ForExpr {
                    key_var,
                    value_var,
                    collection,
                    key: Some(key),
                    value,
                    cond,
                    grouping,
                })),
                self.span(start, self.pos),
            ));
        }
        let base = self.scratch.items.len();
        loop {
            self.ws()?;
            match self.peek()? {
                b'}' => break,
                _ => {
                    let key_start = self.pos;
                    let mut key = self.sub(false)?;
                    // A bare identifier key is hcl-edit's `ObjectKey::Ident`:
                    // a string. `(a)` and `"${a}"` stay variables.
                    if let ExprKind::Var(name) = &mut key.kind
                        && self.src.get(key_start..self.pos) == Some(name.as_str())
                    {
                        key.kind = ExprKind::Str(std::mem::take(name));
                    }
                    self.sp()?;
                    match self.peek() {
                        Some(b'=' | b':') => self.pos += 1,
                        _ => return None,
                    }
                    self.sp()?;
                    let value = self.sub(false)?;
                    self.sp()?;
                    self.scratch.items.push((key, value));
                    match self.peek()? {
                        b'}' => break,
                        b'\r' | b'\n' => self.line_ending()?,
                        b',' => self.pos += 1,
                        b'#' => {
                            self.line_comment()?;
                            self.line_ending()?;
                        }
                        b'/' if self.peek_at(1) == Some(b'/') => {
                            self.line_comment()?;
                            self.line_ending()?;
                        }
                        _ => return None,
                    }
                }
            }
        }
        self.eat(b'}')?;
        // A key written twice is kept twice: HashiCorp's parser accepts it
        // and evaluation keeps the last value, as Terraform does.
        let items = take(&mut self.scratch.items, base);
        Some(Expr::new(
            ExprKind::Object(items),
            self.span(start, self.pos),
        ))
    }

    // ------------------------------------------------------------ strings

    /// A quoted string of plain text (no escape, `$` or `%`), the common
    /// case: its text, past the closing quote.
    fn simple_string(&mut self) -> Option<&'a str> {
        let from = self.pos + 1;
        let rest = self.b.get(from..)?;
        let n = rest
            .iter()
            .position(|c| matches!(c, b'"' | b'\\' | b'$' | b'%' | b'\n' | b'\r'))?;
        if rest.get(n) != Some(&b'"') {
            return None;
        }
        self.pos = from + n + 1;
        self.src.get(from..from + n)
    }

    /// A quoted string with no interpolation (a block label).
    fn plain_string(&mut self) -> Option<String> {
        if let Some(s) = self.simple_string() {
            return Some(s.to_string());
        }
        self.eat(b'"')?;
        let (parts, stop) = self.elements(Mode::Quoted)?;
        if !matches!(stop, Stop::Quote) {
            return None;
        }
        self.eat(b'"')?;
        match parts.len() {
            0 => Some(String::new()),
            1 => match parts.into_iter().next() {
                Some(TemplatePart::Literal(s)) => Some(s),
                _ => None,
            },
            _ => None,
        }
    }

    /// A quoted string or template term.
    fn string_term(&mut self) -> Option<Expr> {
        let start = self.pos;
        if let Some(s) = self.simple_string() {
            let kind = ExprKind::Str(s.to_string());
            return Some(Expr::new(kind, self.span(start, self.pos)));
        }
        self.eat(b'"')?;
        let (parts, stop) = self.elements(Mode::Quoted)?;
        if !matches!(stop, Stop::Quote) {
            return None;
        }
        self.eat(b'"')?;
        Some(template_expr(parts, self.span(start, self.pos)))
    }

    /// `<<EOF` / `<<-EOF` heredocs.
    fn heredoc(&mut self) -> Option<Expr> {
        let start = self.pos;
        self.eat_str(b"<<")?;
        let indented = self.eat(b'-').is_some();
        let delim = self.ident()?.as_bytes();
        self.line_ending()?;
        let content = self.pos;
        // A first line that looks like the delimiter does not end the
        // heredoc (hcl-edit needs a line ending before it): the scan below
        // does not look at it either, and bails out when no later line ends
        // the heredoc (hcl-edit then reads an empty one).
        let Some((mut parts, stop)) = self.elements(Mode::Heredoc(delim)) else {
            // No line closes it before the end of the file: said at the
            // `<<`, where the user looks, rather than by hcl-edit at the
            // first line of text.
            if self.error.is_none()
                && self.pos >= self.b.len()
                && self.heredoc_end_at(content, delim).is_none()
            {
                let name = String::from_utf8_lossy(delim).into_owned();
                return self.fail(
                    start,
                    format!(
                        "Unterminated heredoc: no line `{name}` closes this heredoc before the \
                         end of the file"
                    ),
                );
            }
            return None;
        };
        let Stop::HeredocEnd(le) = stop else {
            return None;
        };
        let ending = self.src.get(self.pos..self.pos + le)?;
        match parts.last_mut() {
            Some(TemplatePart::Literal(s)) => s.push_str(ending),
            // Right after a `~}`: the line ending is white space it strips.
            _ if std::mem::take(&mut self.scratch.ltrim) => {
                parts.push(TemplatePart::Literal(String::new()))
            }
            _ => parts.push(TemplatePart::Literal(ending.to_string())),
        }
        self.pos += le;
        if let Some(TemplatePart::Literal(s)) = parts.last_mut() {
            s.shrink_to_fit();
        }
        parts.shrink_to_fit();
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
        self.pos += delim.len();
        if indented {
            dedent(&mut parts);
        }
        Some(template_expr(parts, self.span(start, self.pos)))
    }

    /// Whether blanks, `delim` and no identifier character follow `at` (the
    /// closing line of a heredoc, after its line ending); the length of what
    /// matched.
    fn heredoc_end_at(&self, at: usize, delim: &[u8]) -> Option<usize> {
        let mut p = at;
        while matches!(self.b.get(p), Some(b' ' | b'\t')) {
            p += 1;
        }
        if !self.b.get(p..).is_some_and(|r| r.starts_with(delim)) {
            return None;
        }
        let after = p + delim.len();
        self.id_continue_len(after).is_none().then_some(after - at)
    }

    /// Template elements up to where `mode` stops. Literals are merged the
    /// way hcl-edit merges them (one literal between two other elements).
    fn elements(&mut self, mode: Mode<'a>) -> Option<(Vec<TemplatePart>, Stop)> {
        let base = self.scratch.parts.len();
        if !matches!(mode, Mode::Directive) {
            // A new template: no `~}` before it (a directive body's is set
            // by its opening sequence).
            self.scratch.ltrim = false;
        }
        // A quoted string's opening quote, where its errors are reported.
        let quote = self.pos.saturating_sub(1);
        // The literal being read: `src[from..pos]`, after `scratch.lit` when
        // that holds escaped text.
        let mut from = self.pos;
        let stop = loop {
            let Some(c) = self.peek() else {
                match mode {
                    Mode::Directive => break Stop::Eof,
                    Mode::Quoted => {
                        return self.fail(
                            quote,
                            "Unterminated string: this string has no closing `\"` before the end of the file",
                        );
                    }
                    _ => return None,
                }
            };
            match c {
                b'"' => match mode {
                    Mode::Quoted => break Stop::Quote,
                    _ => self.pos += 1,
                },
                b'\\' => match mode {
                    Mode::Quoted => {
                        let done = self.src.get(from..self.pos)?;
                        self.scratch.lit.push_str(done);
                        let c = self.escape()?;
                        self.scratch.lit.push(c);
                        from = self.pos;
                    }
                    _ => self.pos += 1,
                },
                b'$' | b'%' => {
                    let next = self.peek_at(1);
                    if next == Some(c) && self.peek_at(2) == Some(b'{') {
                        // `$${` and `%%{`: the marker, literally.
                        let done = self.src.get(from..self.pos)?;
                        self.scratch.lit.push_str(done);
                        self.scratch.lit.push(c as char);
                        self.scratch.lit.push('{');
                        self.pos += 3;
                        from = self.pos;
                    } else if next == Some(b'{') {
                        self.flush_literal(from)?;
                        let seq = if c == b'$' {
                            Some(self.interpolation()?)
                        } else {
                            self.directive()?
                        };
                        match seq {
                            Some((part, before, after)) => {
                                if before {
                                    crate::model::strip_before(&mut self.scratch.parts[base..]);
                                }
                                self.scratch.parts.push(part);
                                self.scratch.ltrim = after;
                            }
                            None => match mode {
                                Mode::Directive => {
                                    from = self.pos;
                                    break Stop::Control;
                                }
                                _ => return None,
                            },
                        }
                        from = self.pos;
                    } else {
                        self.pos += 1;
                    }
                }
                b'\r' | b'\n' => {
                    if let Mode::Quoted = mode {
                        return self.fail(
                            quote,
                            "Invalid multi-line string: this string is not closed on its line (a \
                             quoted string cannot go on to the next line; write `\\n` or use a \
                             heredoc, `<<EOT`)",
                        );
                    }
                    if let Mode::Heredoc(delim) = mode {
                        let le = match c {
                            b'\n' => 1,
                            _ if self.peek_at(1) == Some(b'\n') => 2,
                            _ => 0,
                        };
                        if le > 0 && self.heredoc_end_at(self.pos + le, delim).is_some() {
                            break Stop::HeredocEnd(le);
                        }
                    }
                    self.pos += 1;
                }
                _ => {
                    // Skip plain text quickly.
                    self.pos += 1;
                    while let Some(&c) = self.b.get(self.pos) {
                        if matches!(c, b'"' | b'\\' | b'$' | b'%' | b'\r' | b'\n') {
                            break;
                        }
                        self.pos += 1;
                    }
                }
            }
        };
        self.flush_literal(from)?;
        Some((take(&mut self.scratch.parts, base), stop))
    }

    /// Ends the literal being read (`scratch.lit` then `src[from..pos]`), if
    /// any: one literal between two other elements, as in hcl-edit.
    fn flush_literal(&mut self, from: usize) -> Option<()> {
        let rest = self.src.get(from..self.pos)?;
        let mut text = if self.scratch.lit.is_empty() {
            rest.to_string()
        } else {
            self.scratch.lit.push_str(rest);
            let t = self.scratch.lit.as_str().to_string();
            self.scratch.lit.clear();
            t
        };
        if !text.is_empty() {
            // A `~}` just before trims this literal (and is spent only by
            // one: with no text here, a heredoc's last line ending is it).
            if std::mem::take(&mut self.scratch.ltrim) {
                let cut = text.len() - text.trim_start().len();
                text.drain(..cut);
            }
            self.scratch.parts.push(TemplatePart::Literal(text));
        }
        Some(())
    }

    /// A backslash escape of a quoted string, at the `\`.
    fn escape(&mut self) -> Option<char> {
        self.pos += 1;
        let c = self.peek()?;
        self.pos += 1;
        Some(match c {
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'\\' => '\\',
            b'"' => '"',
            b'u' | b'U' => {
                let n = if c == b'u' { 4 } else { 8 };
                let hex = self.b.get(self.pos..self.pos + n)?;
                if !hex.iter().all(u8::is_ascii_hexdigit) {
                    return None;
                }
                let v = u32::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?;
                self.pos += n;
                char::from_u32(v)?
            }
            _ => return None,
        })
    }

    /// An optional strip marker `~`: whether there was one.
    fn strip(&mut self) -> bool {
        let there = self.peek() == Some(b'~');
        if there {
            self.pos += 1;
        }
        there
    }

    /// `${ expr }`, at the `$`, with its strip markers (before, after).
    fn interpolation(&mut self) -> Option<(TemplatePart, bool, bool)> {
        self.pos += 2;
        let before = self.strip();
        self.ws()?;
        let e = self.sub(true)?;
        self.ws()?;
        let after = self.strip();
        self.eat(b'}')?;
        Some((TemplatePart::Interp(e), before, after))
    }

    /// A `%{if}` or `%{for}` directive, at the `%`, with the strip markers
    /// of its opening and closing sequences (before, after); `Some(None)`
    /// (position unchanged) when the `%{` opens neither.
    #[allow(clippy::type_complexity)]
    fn directive(&mut self) -> Option<Option<(TemplatePart, bool, bool)>> {
        let start = self.pos;
        self.pos += 2;
        let before = self.strip();
        self.ws()?;
        if self.starts_with(b"if") {
            if !self.at_keyword(b"if") {
                return None;
            }
            self.pos += 2;
            self.ws()?;
            let cond = self.sub(true)?;
            self.ws()?;
            let open_after = self.strip();
            self.eat(b'}')?;
            self.scratch.ltrim = open_after;
            let mut then = self.directive_body()?;
            let mut otherwise = Vec::new();
            let (mut kw, mut strip) = self.closing()?;
            if kw == b"else" {
                if strip {
                    crate::model::strip_before(&mut then);
                }
                self.pos += 4;
                self.ws()?;
                let else_after = self.strip();
                self.eat(b'}')?;
                self.scratch.ltrim = else_after;
                otherwise = self.directive_body()?;
                (kw, strip) = self.closing()?;
                if strip {
                    crate::model::strip_before(&mut otherwise);
                }
            } else if strip {
                crate::model::strip_before(&mut then);
            }
            if kw != b"endif" {
                return None;
            }
            self.pos += 5;
            self.ws()?;
            let after = self.strip();
            self.eat(b'}')?;
            return Some(Some((
                TemplatePart::If {
                    cond,
                    then,
                    otherwise,
                },
                before,
                after,
            )));
        }
        if self.starts_with(b"for") {
            if !self.at_keyword(b"for") {
                return None;
            }
            self.pos += 3;
            self.ws()?;
            self.ident()?;
            self.ws()?;
            if self.eat(b',').is_some() {
                self.ws()?;
                self.ident()?;
                self.ws()?;
            }
            self.eat_str(b"in")?;
            self.ws()?;
            self.sub(true)?;
            self.ws()?;
            self.strip();
            self.eat(b'}')?;
            self.directive_body()?;
            if self.closing()?.0 != b"endfor" {
                return None;
            }
            self.pos += 6;
            self.ws()?;
            let after = self.strip();
            self.eat(b'}')?;
            return Some(Some((
                TemplatePart::For(self.span(start, self.pos)),
                before,
                after,
            )));
        }
        self.pos = start;
        Some(None)
    }

    /// The body of a directive, one level deeper.
    fn directive_body(&mut self) -> Option<Vec<TemplatePart>> {
        self.enter()?;
        let (parts, stop) = grow(|| self.elements(Mode::Directive))?;
        if !matches!(stop, Stop::Control) {
            return None;
        }
        self.leave();
        Some(parts)
    }

    /// After a directive body, at `%{`: past `%{~ ` to the keyword, which is
    /// returned (`else`, `endif`, `endfor`), unconsumed, with whether a `~`
    /// came before it.
    fn closing(&mut self) -> Option<(&'static [u8], bool)> {
        self.eat_str(b"%{")?;
        let strip = self.strip();
        self.ws()?;
        let keywords: [&'static [u8]; 3] = [b"else", b"endif", b"endfor"];
        keywords
            .into_iter()
            .find(|kw| self.starts_with(kw))
            .map(|kw| (kw, strip))
    }
}

/// Builds the tree of a chain of binary operations the way hcl-edit's Pratt
/// parser does (left-associative at every level), each node spanning its
/// operands' source ranges.
fn build_binary(operands: Vec<Operand>, operators: Vec<BinaryOp>, file: FileId) -> Option<Operand> {
    let mut out: Vec<Operand> = Vec::with_capacity(operands.len());
    let mut stack: Vec<BinaryOp> = Vec::with_capacity(operators.len());
    fn reduce(out: &mut Vec<Operand>, op: BinaryOp, file: FileId) -> Option<()> {
        let r = out.pop()?;
        let l = out.pop()?;
        let (start, end) = (l.start, r.end);
        out.push(Operand {
            e: Expr::new(
                ExprKind::Binary(op, Box::new(l.e), Box::new(r.e)),
                Span::new(file, start, end),
            ),
            start,
            end,
        });
        Some(())
    }
    let mut operands = operands.into_iter();
    out.push(operands.next()?);
    for (op, rhs) in operators.into_iter().zip(operands) {
        while let Some(&top) = stack.last() {
            if precedence(top) >= precedence(op) {
                stack.pop();
                reduce(&mut out, top, file)?;
            } else {
                break;
            }
        }
        stack.push(op);
        out.push(rhs);
    }
    while let Some(top) = stack.pop() {
        reduce(&mut out, top, file)?;
    }
    if out.len() == 1 { out.pop() } else { None }
}

/// `hcl.rs`'s `template_expr`: a lone interpolation is its expression, a lone
/// literal a string.
fn template_expr(mut parts: Vec<TemplatePart>, span: Span) -> Expr {
    if parts.len() == 1 {
        match parts.pop() {
            Some(TemplatePart::Interp(e)) => return e,
            Some(TemplatePart::Literal(s)) => return Expr::new(ExprKind::Str(s), span),
            Some(other) => parts.push(other),
            None => {}
        }
    }
    if parts.is_empty() {
        return Expr::new(ExprKind::Str(String::new()), span);
    }
    Expr::new(ExprKind::Template(parts), span)
}

/// hcl-edit's dedent of an indented heredoc (`<<-`), on its top-level
/// elements: the smallest indent of the lines that start a line is removed
/// from each line.
fn dedent(parts: &mut [TemplatePart]) {
    let mut indent: Option<usize> = None;
    let mut mid_line = false;
    for part in parts.iter() {
        match part {
            TemplatePart::Literal(s) => {
                if let Some(n) = leading_blanks(s, mid_line) {
                    indent = Some(indent.map_or(n, |i| i.min(n)));
                }
                mid_line = !s.ends_with('\n');
            }
            // An interpolation or directive at a line start: no dedent.
            _ if !mid_line => return,
            _ => {}
        }
    }
    let Some(n) = indent else { return };
    let mut mid_line = false;
    for part in parts.iter_mut() {
        match part {
            TemplatePart::Literal(s) => {
                *s = dedent_lines(s, n, mid_line);
                mid_line = !s.ends_with('\n');
            }
            _ => mid_line = true,
        }
    }
}

/// The smallest count of leading whitespace characters of the non-empty
/// lines of `s` (the first skipped when `skip_first`); `None` when a line has
/// none, or when there is no such line.
fn leading_blanks(s: &str, skip_first: bool) -> Option<usize> {
    let mut min: Option<usize> = None;
    for (i, line) in s.lines().enumerate() {
        if (i == 0 && skip_first) || line.is_empty() {
            continue;
        }
        let n = line.chars().take_while(|c| c.is_whitespace()).count();
        if n == 0 {
            return None;
        }
        min = Some(min.map_or(n, |m| m.min(n)));
    }
    min
}

/// Removes `n` characters from the start of every non-empty line of `s` (but
/// the first when `skip_first`); lines end with `\n` afterwards.
fn dedent_lines(s: &str, n: usize, skip_first: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, line) in s.lines().enumerate() {
        if i == 0 && skip_first {
            out.push_str(line);
        } else if !line.is_empty() {
            out.extend(line.chars().skip(n));
        }
        out.push('\n');
    }
    if out.ends_with('\n') && !s.ends_with('\n') {
        out.pop();
    }
    out.shrink_to_fit();
    out
}
