//! Skimming an HCL file: its top-level blocks found by matching braces, at
//! lexical speed, without parsing their bodies.
//!
//! # Why
//!
//! The first loading pass keeps only a file's shell (`load::shell_body`):
//! its `module`, `terraform`, `variable` and `locals` blocks. Most files of a
//! configuration hold none of them (`main.tf`, `network.tf`, `outputs.tf`...
//! are resources, data sources, outputs, providers), and their shell is empty;
//! building their model only to drop it costs as much as the whole later
//! parse. [`only_blocks`] tells such a file from the others without building
//! anything; the file is parsed in full later, when its module is.
//!
//! # Exactness
//!
//! On any text that hcl-edit accepts, [`only_blocks`] returns `true` only if
//! the file's top level is exactly a sequence of blocks whose kinds `skip`
//! accepts (no attribute, no other block). On text that hcl-edit rejects it
//! may answer either way: the caller parses the file again in full before
//! using it, reports the syntax error then, and a broken file contributes
//! nothing to its module either way.
//!
//! Block bodies are skipped with the lexical rules of the
//! [fast parser](super::fast), which mirror hcl-edit's: quoted strings and
//! their backslash escapes, `${ }` interpolations and `%{ }` directives
//! (nested, with strings and heredocs inside), `$${` and `%%{` literals, the
//! raw bodies of directives (no escapes, a `"` is text, and even inside a
//! heredoc no line ends it), heredocs (`<<EOF`, `<<-EOF`, closed by a line of
//! blanks and the delimiter), and `#`, `//` and `/* */` comments. Whenever
//! the text leaves that ground (a top-level attribute, a label with escapes,
//! a directive keyword out of place, a lone `\r` ending a comment, anything
//! unterminated, a non-ASCII identifier...) it answers `false`, and the file
//! is parsed in full.
//!
//! No recursion: nested contexts are a stack, so no input overflows the
//! thread's stack.

/// Whether `text` is, at its top level, only blocks whose kinds `skip`
/// accepts (see the module documentation for what that promises); `false`
/// when unsure.
pub fn only_blocks(text: &str, skip: impl Fn(&str) -> bool) -> bool {
    if text.len() >= u32::MAX as usize {
        return false;
    }
    let mut s = Skimmer {
        b: text.as_bytes(),
        pos: 0,
        stack: Vec::new(),
    };
    s.top_level(skip).is_some()
}

/// Where the scan is, inside a block body.
#[derive(Clone, Copy)]
enum Ctx<'a> {
    /// Expression text: a block body, an interpolation or a directive tag.
    /// `{` nests; the `}` at depth 0 ends it.
    Expr { depth: usize },
    /// A quoted string, up to its closing `"`.
    Quoted,
    /// A heredoc with this delimiter, up to its closing line.
    Heredoc(&'a [u8]),
    /// The body of an `%{if}` or `%{for}` directive, up to its
    /// `%{else}`/`%{endif}`/`%{endfor}`: raw text.
    Directive,
}

struct Skimmer<'a> {
    b: &'a [u8],
    pos: usize,
    stack: Vec<Ctx<'a>>,
}

/// The bytes that matter in expression text, in a quoted string and in a
/// heredoc: a table, to skip the others quickly.
static EXPR: [bool; 256] = table(b"{}\"<#/");
static QUOTED: [bool; 256] = table(b"\"\\$%");
static HEREDOC: [bool; 256] = table(b"\n\r$%");

const fn table(bytes: &[u8]) -> [bool; 256] {
    let mut t = [false; 256];
    let mut i = 0;
    while i < bytes.len() {
        t[bytes[i] as usize] = true;
        i += 1;
    }
    t
}

/// ASCII bytes that continue an identifier.
fn id_continue(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

impl<'a> Skimmer<'a> {
    /// Moves to the next byte that `table` marks; `None` at the end.
    fn skip_to(&mut self, table: &[bool; 256]) -> Option<u8> {
        let at = self
            .b
            .get(self.pos..)?
            .iter()
            .position(|c| table[*c as usize])?;
        self.pos += at;
        Some(self.b[self.pos])
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn peek_at(&self, n: usize) -> Option<u8> {
        self.b.get(self.pos + n).copied()
    }

    /// Blocks up to the end of the text; `None` when unsure or when a block's
    /// kind is not to be skipped.
    fn top_level(&mut self, skip: impl Fn(&str) -> bool) -> Option<()> {
        loop {
            self.blanks_and_comments()?;
            if self.pos == self.b.len() {
                return Some(());
            }
            let kind = self.ident()?;
            if !skip(std::str::from_utf8(kind).ok()?) {
                return None;
            }
            // Labels, up to the body.
            loop {
                while matches!(self.peek(), Some(b' ' | b'\t')) {
                    self.pos += 1;
                }
                match self.peek()? {
                    b'"' => self.label()?,
                    b'{' => break,
                    b'/' if self.peek_at(1) == Some(b'*') => self.inline_comment()?,
                    _ => {
                        self.ident()?;
                    }
                }
            }
            self.block_body()?;
        }
    }

    /// Blanks, line endings and comments between top-level blocks.
    fn blanks_and_comments(&mut self) -> Option<()> {
        loop {
            while matches!(self.peek(), Some(b' ' | b'\t' | b'\r' | b'\n')) {
                self.pos += 1;
            }
            match (self.peek(), self.peek_at(1)) {
                (Some(b'#'), _) | (Some(b'/'), Some(b'/')) => self.line_comment()?,
                (Some(b'/'), Some(b'*')) => self.inline_comment()?,
                _ => return Some(()),
            }
        }
    }

    /// An ASCII identifier; `None` when none starts here, or when a
    /// non-ASCII character follows (identifiers may hold some: unsure).
    fn ident(&mut self) -> Option<&'a [u8]> {
        let start = self.pos;
        if !self.peek()?.is_ascii_alphabetic() && self.peek()? != b'_' {
            return None;
        }
        self.pos += 1;
        while self.peek().is_some_and(id_continue) {
            self.pos += 1;
        }
        if self.peek().is_some_and(|c| !c.is_ascii()) {
            return None;
        }
        self.b.get(start..self.pos)
    }

    /// A quoted block label of plain text (no escape, template or line
    /// ending), at its `"`.
    fn label(&mut self) -> Option<()> {
        let from = self.pos + 1;
        let n = self
            .b
            .get(from..)?
            .iter()
            .position(|c| matches!(c, b'"' | b'\\' | b'$' | b'%' | b'\r' | b'\n'))?;
        if self.b.get(from + n) != Some(&b'"') {
            return None;
        }
        self.pos = from + n + 1;
        Some(())
    }

    /// `#...` or `//...`, up to its line ending (not included), which must be
    /// `\n` or `\r\n` (hcl-edit ends no line at a lone `\r`).
    fn line_comment(&mut self) -> Option<()> {
        self.pos = super::fast::line_comment_end(self.b, self.pos)?;
        Some(())
    }

    /// `/* ... */`, at its `/`.
    fn inline_comment(&mut self) -> Option<()> {
        self.pos = super::fast::inline_comment_end(self.b, self.pos)?;
        Some(())
    }

    /// A block's `{ ... }`, at the `{`: past its matching `}`.
    fn block_body(&mut self) -> Option<()> {
        self.pos += 1;
        self.stack.clear();
        self.stack.push(Ctx::Expr { depth: 0 });
        while let Some(ctx) = self.stack.last().copied() {
            match ctx {
                Ctx::Expr { depth } => self.expr(depth)?,
                Ctx::Quoted => self.quoted()?,
                Ctx::Heredoc(delim) => self.heredoc(delim)?,
                Ctx::Directive => self.directive_body()?,
            }
        }
        Some(())
    }

    /// Expression text up to its next significant byte, which is handled.
    fn expr(&mut self, depth: usize) -> Option<()> {
        let c = self.skip_to(&EXPR)?;
        let top = self.stack.last_mut()?;
        match c {
            b'{' => {
                *top = Ctx::Expr { depth: depth + 1 };
                self.pos += 1;
            }
            b'}' => {
                if depth == 0 {
                    self.stack.pop();
                } else {
                    *top = Ctx::Expr { depth: depth - 1 };
                }
                self.pos += 1;
            }
            b'"' => {
                self.stack.push(Ctx::Quoted);
                self.pos += 1;
            }
            b'<' if self.peek_at(1) == Some(b'<') => self.heredoc_start()?,
            b'#' => self.line_comment()?,
            b'/' if self.peek_at(1) == Some(b'/') => self.line_comment()?,
            b'/' if self.peek_at(1) == Some(b'*') => self.inline_comment()?,
            _ => self.pos += 1,
        }
        Some(())
    }

    /// `<<EOF` or `<<-EOF` and its line ending: the heredoc's text follows.
    fn heredoc_start(&mut self) -> Option<()> {
        self.pos += 2;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let delim = self.ident()?;
        match (self.peek(), self.peek_at(1)) {
            (Some(b'\n'), _) => self.pos += 1,
            (Some(b'\r'), Some(b'\n')) => self.pos += 2,
            _ => return None,
        }
        // A first line that looks like the delimiter: hcl-edit's reading of
        // it depends on what follows (see the fast parser).
        if self.heredoc_end_at(self.pos, delim)?.is_some() {
            return None;
        }
        self.stack.push(Ctx::Heredoc(delim));
        Some(())
    }

    /// Whether blanks, `delim` and no identifier character follow `at`: the
    /// length of that closing line's text. `None` when unsure (a non-ASCII
    /// character right after the delimiter).
    fn heredoc_end_at(&self, at: usize, delim: &[u8]) -> Option<Option<usize>> {
        let mut p = at;
        while matches!(self.b.get(p), Some(b' ' | b'\t')) {
            p += 1;
        }
        if !self.b.get(p..).is_some_and(|r| r.starts_with(delim)) {
            return Some(None);
        }
        let after = p + delim.len();
        match self.b.get(after) {
            Some(c) if !c.is_ascii() => None,
            Some(c) if id_continue(*c) => Some(None),
            _ => Some(Some(after - at)),
        }
    }

    /// Quoted string text up to its next significant byte, which is handled.
    fn quoted(&mut self) -> Option<()> {
        match self.skip_to(&QUOTED)? {
            b'"' => {
                self.stack.pop();
                self.pos += 1;
            }
            b'\\' => {
                // The escapes the fast parser reads; `\u` and `\U` are
                // followed by hex digits, plain text here.
                let next = self.peek_at(1)?;
                if !matches!(next, b'n' | b'r' | b't' | b'\\' | b'"' | b'u' | b'U') {
                    return None;
                }
                self.pos += 2;
            }
            _ => self.template_marker()?,
        }
        Some(())
    }

    /// Heredoc text up to its next significant byte, which is handled.
    fn heredoc(&mut self, delim: &'a [u8]) -> Option<()> {
        let le = match (self.skip_to(&HEREDOC)?, self.peek_at(1)) {
            (b'\n', _) => 1,
            (b'\r', Some(b'\n')) => 2,
            (b'\r', _) => {
                self.pos += 1;
                return Some(());
            }
            _ => return self.template_marker(),
        };
        match self.heredoc_end_at(self.pos + le, delim)? {
            Some(n) => {
                self.stack.pop();
                self.pos += le + n;
            }
            None => self.pos += le,
        }
        Some(())
    }

    /// A directive's body (raw text) up to its next `$` or `%`, which is
    /// handled.
    fn directive_body(&mut self) -> Option<()> {
        let rest = self.b.get(self.pos..)?;
        let at = rest.iter().position(|c| matches!(c, b'$' | b'%'))?;
        self.pos += at;
        self.template_marker()
    }

    /// At a `$` or `%` of template text: a `$${` or `%%{` literal, an
    /// interpolation, a directive tag, or plain text.
    fn template_marker(&mut self) -> Option<()> {
        let c = self.peek()?;
        match (self.peek_at(1), self.peek_at(2)) {
            (Some(n), Some(b'{')) if n == c => self.pos += 3,
            (Some(b'{'), _) if c == b'$' => {
                self.pos += 2;
                self.stack.push(Ctx::Expr { depth: 0 });
            }
            (Some(b'{'), _) => self.directive_tag()?,
            _ => self.pos += 1,
        }
        Some(())
    }

    /// A directive tag, at its `%{`: `if` and `for` open a directive body,
    /// `else` continues one, `endif` and `endfor` close one; the rest of the
    /// tag, up to its `}`, is expression text.
    fn directive_tag(&mut self) -> Option<()> {
        self.pos += 2;
        if self.peek() == Some(b'~') {
            self.pos += 1;
        }
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            self.pos += 1;
        }
        let in_body = matches!(self.stack.last(), Some(Ctx::Directive));
        match self.ident()? {
            b"if" | b"for" => self.stack.push(Ctx::Directive),
            b"else" if in_body => {}
            b"endif" | b"endfor" if in_body => {
                self.stack.pop();
            }
            _ => return None,
        }
        self.stack.push(Ctx::Expr { depth: 0 });
        Some(())
    }
}
