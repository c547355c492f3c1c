//! Reports: one file per format; every format takes the same sorted findings
//! (SPEC §7).

pub mod github;
pub mod human;
pub mod inventory;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod rules;
pub mod sarif;

use crate::findings::{Finding, Hidden, Severity};
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

/// A resource instance that was checked (JUnit has a test case for each).
#[derive(Clone, Copy, Debug)]
pub struct Checked<'a> {
    /// The block's labels (its file and line).
    pub head: Span,
    pub address: &'a str,
}

/// Every resource instance of an analysis, as the reports see it.
pub fn checked(an: &crate::analyse::Analysis) -> Vec<Checked<'_>> {
    an.resources
        .iter()
        .map(|r| Checked {
            head: r.head,
            address: &r.address,
        })
        .collect()
}

/// A JSON list whose elements the function's iterator builds one at a time
/// as they are written, never all at once: a report's JSON values take
/// several times the size of its text.
pub(crate) struct Lazy<F>(pub F);

impl<F, I> serde::Serialize for Lazy<F>
where
    F: Fn() -> I,
    I: Iterator<Item = serde_json::Value>,
{
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq((self.0)())
    }
}

/// What every check report renders.
pub struct CheckReport<'a> {
    pub sources: &'a SourceMap,
    /// The findings reported, sorted ([`sort_findings`]).
    pub findings: &'a [Finding],
    /// Findings hidden by an ignore comment or a baseline, sorted
    /// ([`sort_hidden`]): SARIF carries them as suppressed results.
    pub hidden: &'a [Hidden],
    /// The resources checked.
    pub resources: &'a [Checked<'a>],
    pub summary: Summary,
    pub packs: Vec<String>,
}

/// The check report formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
    Junit,
    Markdown,
}

impl Format {
    pub const ALL: [Format; 6] = [
        Format::Human,
        Format::Json,
        Format::Sarif,
        Format::Github,
        Format::Junit,
        Format::Markdown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Github => "github",
            Format::Junit => "junit",
            Format::Markdown => "markdown",
        }
    }

    pub fn parse(s: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

/// Renders a check report. `style` is used by `human` (colour, width) and by
/// `human` and `github` (`quiet`: no summary line). Only `human` shows the
/// duration.
pub fn render(format: Format, r: &CheckReport, style: human::Style) -> String {
    match format {
        Format::Human => human::render(r, style),
        Format::Json => json::render(r),
        Format::Sarif => sarif::render(r),
        Format::Github => github::render(r, style.quiet),
        Format::Junit => junit::render(r),
        Format::Markdown => markdown::render(r),
    }
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

type SortKey = (
    String,
    usize,
    usize,
    crate::findings::Code,
    String,
    Option<String>,
);

fn sort_key(sources: &SourceMap, f: &Finding) -> SortKey {
    let l = finding_loc(sources, f);
    (
        l.file,
        l.line,
        l.column,
        f.code,
        f.message.clone(),
        f.address.clone(),
    )
}

/// Sorts findings by file, line, column, code (SPEC §7), then message.
pub fn sort_findings(sources: &SourceMap, findings: &mut [Finding]) {
    findings.sort_by_cached_key(|f| sort_key(sources, f));
}

/// Sorts hidden findings like [`sort_findings`].
pub fn sort_hidden(sources: &SourceMap, hidden: &mut [Hidden]) {
    hidden.sort_by_cached_key(|h| sort_key(sources, &h.finding));
}
