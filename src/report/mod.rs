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
    /// Terragrunt units found (shown only when there are some).
    pub units: usize,
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
    /// The lowest severity that fails the run (`--fail-on`; `None`: never):
    /// JUnit counts only those findings as failures.
    pub fail_on: Option<Severity>,
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

/// One cause of findings: a rule, a provider and a region (empty when the
/// finding has none), and how many findings it has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cause {
    pub code: crate::findings::Code,
    pub provider: String,
    pub region: String,
    pub count: usize,
    /// The first finding of the cause (in report order).
    pub first: usize,
}

/// The findings grouped by rule × provider × region, most frequent first
/// (then by rule, provider and region). A strict first run that refuses one
/// provider block reads as one line of 469 instead of 469 findings.
pub fn causes(findings: &[Finding]) -> Vec<Cause> {
    let mut by: std::collections::HashMap<(crate::findings::Code, &str, &str), usize> =
        std::collections::HashMap::new();
    let mut out: Vec<Cause> = Vec::new();
    for (i, f) in findings.iter().enumerate() {
        let (provider, region) = match &f.placement {
            Some(p) => (p.provider.as_str(), p.region.as_deref().unwrap_or("")),
            None => ("", ""),
        };
        match by.get(&(f.code, provider, region)) {
            Some(&k) => out[k].count += 1,
            None => {
                by.insert((f.code, provider, region), out.len());
                out.push(Cause {
                    code: f.code,
                    provider: provider.to_string(),
                    region: region.to_string(),
                    count: 1,
                    first: i,
                });
            }
        }
    }
    out.sort_by(|a, b| {
        (b.count, a.code, &a.provider, &a.region).cmp(&(a.count, b.code, &b.provider, &b.region))
    });
    out
}

/// Whether a table of causes says something the findings do not: it is at
/// most half as long as the list of findings (a run with a few findings of
/// different causes needs no table).
pub fn causes_worth_a_table(causes: &[Cause]) -> bool {
    let findings: usize = causes.iter().map(|c| c.count).sum();
    !causes.is_empty() && causes.len() * 2 <= findings
}

/// How many causes the human and markdown tables show.
pub const MAX_CAUSES: usize = 20;

pub use crate::findings::{Loc, finding_loc, loc, sort_findings, sort_hidden};
