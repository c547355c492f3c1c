//! Reports: one file per format; every format takes the same sorted findings
//! (SPEC §7).

pub mod human;
pub mod inventory;
pub mod json;
pub mod rules;

use crate::findings::{Finding, Severity};
use crate::source::{SourceMap, Span};

/// Counts shown in summaries.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    pub modules: usize,
    pub resources: usize,
    pub findings: usize,
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
    pub suppressed: usize,
    pub baselined: usize,
    /// Wall time, when the caller wants it shown (never in snapshots).
    pub duration_ms: Option<u128>,
}

impl Summary {
    pub fn count(&mut self, findings: &[Finding]) {
        self.findings = findings.len();
        self.errors = findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count();
        self.warnings = findings
            .iter()
            .filter(|f| f.severity == Severity::Warning)
            .count();
        self.notes = findings
            .iter()
            .filter(|f| f.severity == Severity::Note)
            .count();
    }
}

/// What every check report renders.
pub struct CheckReport<'a> {
    pub sources: &'a SourceMap,
    pub findings: &'a [Finding],
    /// Findings hidden by ignore comments, listed apart (SPEC §6).
    pub suppressed: &'a [crate::suppress::Suppressed],
    pub summary: Summary,
    pub packs: Vec<String>,
}

/// A resolved location: display path and 1-based line/column range.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Loc {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

pub fn loc(sources: &SourceMap, span: Span) -> Loc {
    let s = sources.start(span);
    let e = sources.end(span);
    Loc {
        file: sources.get(span.file).display.clone(),
        line: s.line,
        column: s.column,
        end_line: e.line,
        end_column: e.column,
    }
}

/// The location of a finding (a file without span: its first line).
pub fn finding_loc(sources: &SourceMap, f: &Finding) -> Loc {
    match f.span {
        Some(s) => loc(sources, s),
        None => Loc {
            file: sources.get(f.file).display.clone(),
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 1,
        },
    }
}

/// Sorts findings by file, line, column, code (SPEC §7), then message.
pub fn sort_findings(sources: &SourceMap, findings: &mut [Finding]) {
    findings.sort_by_cached_key(|f| {
        let l = finding_loc(sources, f);
        (
            l.file,
            l.line,
            l.column,
            f.code,
            f.message.clone(),
            f.address.clone(),
        )
    });
}
