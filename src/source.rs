//! Source files and spans.
//!
//! Every file read by cercle gets a [`FileId`]; every node of every parsed file
//! keeps a [`Span`] (a byte range in that file). Line and column numbers are
//! computed from spans only when a report needs them: lines are 1-based and
//! columns count characters, 1-based (SPEC §7).

use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Index of a file in the [`SourceMap`].
pub type FileId = u32;

/// A byte range in one source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span {
            file,
            start: start as u32,
            end: end.max(start) as u32,
        }
    }

    /// The smallest span covering both (same file assumed).
    pub fn to(self, other: Span) -> Span {
        if self.file != other.file {
            return self;
        }
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// A 1-based position: line and column (in characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// One file's text and where it lives.
#[derive(Debug)]
pub struct SourceFile {
    pub id: FileId,
    /// The path as it is read from disk.
    pub path: PathBuf,
    /// The path shown in reports: relative to the current directory when it is
    /// below it, with `/` separators.
    pub display: String,
    /// The text; invalid UTF-8 is replaced (and reported by the parser).
    pub text: Arc<str>,
    line_starts: Vec<u32>,
}

impl SourceFile {
    pub fn new(id: FileId, path: PathBuf, display: String, text: Arc<str>) -> SourceFile {
        let mut line_starts = vec![0u32];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(i as u32 + 1);
            }
        }
        SourceFile {
            id,
            path,
            display,
            text,
            line_starts,
        }
    }

    /// Line and column of a byte offset (clamped to the text).
    pub fn position(&self, offset: u32) -> Position {
        let offset = (offset as usize).min(self.text.len());
        let line = match self.line_starts.binary_search(&(offset as u32)) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line] as usize;
        // An ASCII prefix (the usual case) ends on a character boundary and
        // has no byte order mark: its column is its length.
        if let Some(prefix) = self.text.as_bytes().get(start..offset)
            && prefix.is_ascii()
        {
            return Position {
                line: line + 1,
                column: prefix.len() + 1,
            };
        }
        let mut end = offset;
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let prefix = &self.text[start..end];
        // A byte order mark is not a column.
        let prefix = if line == 0 {
            prefix.strip_prefix('\u{feff}').unwrap_or(prefix)
        } else {
            prefix
        };
        let column = prefix.chars().count() + 1;
        Position {
            line: line + 1,
            column,
        }
    }

    /// The text of 1-based line `line`, without its line break.
    pub fn line_text(&self, line: usize) -> Option<&str> {
        let start = *self.line_starts.get(line.checked_sub(1)?)? as usize;
        let end = self
            .line_starts
            .get(line)
            .map(|e| *e as usize)
            .unwrap_or(self.text.len());
        let s = self.text.get(start..end)?;
        Some(s.trim_end_matches(['\n', '\r']))
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The byte offset where 1-based line `line` starts.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.line_starts
            .get(line.checked_sub(1)?)
            .map(|s| *s as usize)
    }

    /// The text covered by a span (empty when out of range).
    pub fn slice(&self, span: Span) -> &str {
        self.text
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }
}

/// Every file read during a run, indexed by [`FileId`].
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<Arc<SourceFile>>,
}

impl SourceMap {
    pub fn add(&mut self, path: PathBuf, display: String, text: Arc<str>) -> FileId {
        let id = self.files.len() as FileId;
        self.add_file(SourceFile::new(id, path, display, text))
    }

    /// Adds a file built beforehand (in parallel: finding its lines is not
    /// free); its id is set to its index, the one [`SourceMap::len`] gave
    /// before.
    pub fn add_file(&mut self, mut file: SourceFile) -> FileId {
        let id = self.files.len() as FileId;
        file.id = id;
        self.files.push(Arc::new(file));
        id
    }

    pub fn get(&self, id: FileId) -> &Arc<SourceFile> {
        &self.files[id as usize]
    }

    pub fn files(&self) -> &[Arc<SourceFile>] {
        &self.files
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Line and column where a span starts.
    pub fn start(&self, span: Span) -> Position {
        self.get(span.file).position(span.start)
    }

    /// Line and column where a span ends (exclusive end, as editors show it).
    pub fn end(&self, span: Span) -> Position {
        self.get(span.file).position(span.end)
    }

    pub fn slice(&self, span: Span) -> &str {
        self.get(span.file).slice(span)
    }
}

/// The path shown in reports for `path`: relative to `cwd` when below it, `/`
/// separators always.
pub fn display_path(path: &Path, cwd: &Path) -> String {
    let rel = path.strip_prefix(cwd).unwrap_or(path);
    let rel = rel.strip_prefix(".").unwrap_or(rel);
    let mut out = String::new();
    for c in rel.components() {
        match c {
            std::path::Component::RootDir => out.push('/'),
            std::path::Component::CurDir => {}
            c => {
                if !out.is_empty() && !out.ends_with('/') {
                    out.push('/');
                }
                out.push_str(&c.as_os_str().to_string_lossy());
            }
        }
    }
    if out.is_empty() { ".".to_string() } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_after_a_byte_order_mark() {
        let text = "\u{feff}ab\né = \"x\"\n  y\r\nz";
        let file = SourceFile::new(0, "a.tf".into(), "a.tf".into(), Arc::from(text));
        for offset in 0..=text.len() + 2 {
            let o = offset.min(text.len());
            let before = &text.as_bytes()[..o];
            let line_start = before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            let mut end = o;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            let prefix = text[line_start..end].trim_start_matches('\u{feff}');
            let expected = Position {
                line: before.iter().filter(|&&b| b == b'\n').count() + 1,
                column: prefix.chars().count() + 1,
            };
            assert_eq!(file.position(offset as u32), expected, "offset {offset}");
        }
    }
}
