//! Reading and parsing files, in parallel (rayon): one parse per file. A file
//! that cannot be read or parsed becomes a CRC000 finding; every other file is
//! still read.

use crate::discover::{Candidate, Discovered, WalkError};
use crate::findings::{Code, Finding};
use crate::model::{Body, FileKind};
use crate::parse;
use crate::source::{FileId, SourceFile, SourceMap, Span, display_path};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A file after parsing.
#[derive(Debug)]
pub struct ParsedFile {
    pub id: FileId,
    pub kind: FileKind,
    pub path: PathBuf,
    /// The file's directory (its module).
    pub dir: PathBuf,
    pub explicit: bool,
    /// An override file (decided at discovery).
    pub is_override: bool,
    /// `None` when the file could not be parsed (a CRC000 says why).
    pub body: Option<Body>,
}

/// Reads and parses `files` in parallel. Ids are given in the order of `files`,
/// so the result does not depend on the thread count.
pub fn load(
    files: Vec<Discovered>,
    sources: &mut SourceMap,
    cwd: &Path,
    findings: &mut Vec<Finding>,
) -> Vec<ParsedFile> {
    load_as(files, sources, cwd, findings, false)
}

/// As [`load`], but each body is cut down to its shell as soon as it is
/// parsed (see [`shell_body`]): what finds modules, not what evaluates them.
/// [`reparse`] gives the whole body again, from the text kept in `sources`.
pub fn load_shells(
    files: Vec<Discovered>,
    sources: &mut SourceMap,
    cwd: &Path,
    findings: &mut Vec<Finding>,
) -> Vec<ParsedFile> {
    load_as(files, sources, cwd, findings, true)
}

fn load_as(
    files: Vec<Discovered>,
    sources: &mut SourceMap,
    cwd: &Path,
    findings: &mut Vec<Finding>,
    shells: bool,
) -> Vec<ParsedFile> {
    let base = sources.len() as FileId;
    let results: Vec<(Discovered, SourceFile, ParseResult)> = files
        .into_par_iter()
        .enumerate()
        .map(|(i, d)| {
            let id = base + i as FileId;
            let (text, mut res) = read_and_parse(&d, id, shells);
            if shells && let Ok(Some((kind, body))) = &mut res {
                *body = shell_body(*kind, std::mem::take(body));
            }
            let display = display_path(&d.path, cwd);
            let file = SourceFile::new(id, d.path.clone(), display, text);
            (d, file, res)
        })
        .collect();
    let mut out = Vec::with_capacity(results.len());
    for (d, file, res) in results {
        let id = sources.add_file(file);
        let dir = d
            .path
            .parent()
            .map(|p| {
                if p.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    p
                }
            })
            .unwrap_or(Path::new("."))
            .to_path_buf();
        match res {
            Ok(Some((kind, body))) => out.push(ParsedFile {
                id,
                kind,
                path: d.path,
                dir,
                explicit: d.explicit,
                is_override: d.is_override,
                body: Some(body),
            }),
            // A `.json` file that is neither a plan nor a template: skipped silently.
            Ok(None) => {}
            Err((offset, message)) => {
                let kind = match d.candidate {
                    Candidate::Known(k) => k,
                    Candidate::Json => FileKind::Plan,
                };
                findings.push(parse_error_finding(sources.get(id), offset, message));
                out.push(ParsedFile {
                    id,
                    kind,
                    path: d.path,
                    dir,
                    explicit: d.explicit,
                    is_override: d.is_override,
                    body: None,
                });
            }
        }
    }
    out
}

/// What a file's module needs before evaluation: its `module` blocks (to find
/// the modules it calls and roots), `terraform` blocks (backend, required
/// providers), and what OpenTofu's early evaluation of a module `source` may
/// read: `variable` and `locals` blocks, and variable files whole (they are
/// small, and say whether a variable is set elsewhere).
pub fn shell_body(kind: FileKind, body: Body) -> Body {
    if !kind.is_config() {
        return body;
    }
    Body {
        attrs: Vec::new(),
        blocks: body
            .blocks
            .into_iter()
            .filter(|b| is_shell_block(&b.kind))
            .collect(),
    }
}

/// Whether [`shell_body`] keeps top-level blocks of this kind.
pub fn is_shell_block(kind: &str) -> bool {
    matches!(kind, "module" | "terraform" | "variable" | "locals")
}

/// Parses a file again, in full, from the text `load` kept: same id, so the
/// same spans. A file that did not parse the first time is not parsed again
/// (that was reported then); one whose shell was skimmed
/// ([`parse::skim`]) may fail only now: its error is the `(offset,
/// message)` the first pass would have given, for [`parse_error_finding`].
pub fn reparse(text: &str, kind: FileKind, id: FileId) -> Result<Body, (usize, String)> {
    let res = match text.strip_prefix('\u{feff}') {
        Some(rest) => parse_text(&format!("   {rest}"), Candidate::Known(kind), id),
        None => parse_text(text, Candidate::Known(kind), id),
    };
    // `None` is for `.json` files of no known kind: not one of a module's.
    res.map(|r| r.map(|(_, body)| body).unwrap_or_default())
}

/// The CRC000 finding of a file that cannot be read or parsed: at byte
/// `offset` of its text (clamped), one character wide.
pub fn parse_error_finding(file: &SourceFile, offset: usize, message: String) -> Finding {
    let start = offset.min(file.text.len());
    let end = next_char_end(&file.text, start);
    Finding::new(
        Code::Crc000,
        file.id,
        Some(Span::new(file.id, start, end)),
        message,
    )
}

fn next_char_end(text: &str, start: usize) -> usize {
    let mut end = start;
    if let Some(c) = text.get(start..).and_then(|s| s.chars().next())
        && c != '\n'
    {
        end += c.len_utf8();
    }
    end
}

type ParseResult = Result<Option<(FileKind, Body)>, (usize, String)>;

/// Reads a file and parses it. With `shells`, an HCL configuration file
/// whose shell is empty ([`parse::skim`]: only blocks that [`shell_body`]
/// drops) is not parsed: its body is empty, and a syntax error in it is found
/// when [`reparse`] reads it in full.
fn read_and_parse(d: &Discovered, id: FileId, shells: bool) -> (Arc<str>, ParseResult) {
    let bytes = match std::fs::read(&d.path) {
        Ok(b) => b,
        Err(e) => return (Arc::from(""), Err((0, format!("cannot read file: {e}")))),
    };
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return (
            Arc::from(""),
            Err((0, "binary file: not a Terraform configuration".to_string())),
        );
    }
    let text = match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            // The valid prefix is the same in the lossy text: the bad byte is there.
            let offset = e.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            return (
                Arc::from(lossy),
                Err((offset, "invalid UTF-8: the file is not text".to_string())),
            );
        }
    };
    let text: Arc<str> = Arc::from(text);
    // A byte order mark is not part of the configuration: parse it as blanks,
    // so that offsets stay those of the file.
    let parse = |text: &str| {
        if shells
            && d.candidate == Candidate::Known(FileKind::Hcl)
            && parse::skim::only_blocks(text, |kind| !is_shell_block(kind))
        {
            return Ok(Some((FileKind::Hcl, Body::default())));
        }
        parse_text(text, d.candidate, id)
    };
    let res = match text.strip_prefix('\u{feff}') {
        Some(rest) => parse(&format!("   {rest}")),
        None => parse(&text),
    };
    (text, res)
}

fn parse_text(text: &str, candidate: Candidate, id: FileId) -> ParseResult {
    let kind = match candidate {
        Candidate::Known(k) => k,
        Candidate::Json => match parse::json::sniff_kind(text) {
            Some(k) => k,
            None => return Ok(None),
        },
    };
    let res = match kind {
        FileKind::Hcl | FileKind::Tfvars => parse::hcl::parse_body(text, id),
        FileKind::TfJson => parse::tf_json::parse_tf_json(text, id),
        FileKind::TfvarsJson => parse::tf_json::parse_tfvars_json(text, id),
        // Plans and ARM templates are recognised; their placement is read by
        // their own stage.
        FileKind::Plan | FileKind::Arm => Ok(Body::default()),
    };
    res.map(|b| Some((kind, b)))
        .map_err(|e| (e.offset, e.message))
}

/// A CRC000 for a path that could not be walked.
pub fn walk_error_finding(err: &WalkError, sources: &mut SourceMap, cwd: &Path) -> Finding {
    let id = sources.add(
        err.path.clone(),
        display_path(&err.path, cwd),
        Arc::from(""),
    );
    Finding::new(Code::Crc000, id, None, err.message.clone())
}
