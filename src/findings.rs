//! Findings: what a check reports, with the codes of SPEC §5.

use crate::source::{FileId, SourceMap, Span};
use serde::Serialize;

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A rule code (SPEC §5). `Code::iter()` lists them in order; `as_str` and
/// `parse` come from strum's derives; the rest of a rule's metadata is its
/// row of [`RULES`].
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    strum::EnumIter,
    strum::EnumCount,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[strum(serialize_all = "UPPERCASE", ascii_case_insensitive)]
pub enum Code {
    Crc000,
    Crc001,
    Crc002,
    Crc003,
    Crc004,
    Crc005,
    Crc006,
    Crc007,
    Crc008,
    Crc009,
}

/// What every stage needs to know of a rule: its name, its default severity
/// and one sentence on what a finding means. The rule's check and its
/// documentation are in its own file of `src/rules/` (the registry there,
/// `rules::REGISTRY`, adds them); this table is here, below every stage,
/// because parsing and evaluation emit findings too (CRC000, CRC003) and
/// the configuration names rules (`[severity]`).
#[derive(Clone, Copy, Debug)]
pub struct RuleInfo {
    pub code: Code,
    /// The kebab-case name users write (`cercle explain region-not-allowed`).
    pub name: &'static str,
    pub severity: Severity,
    /// One sentence: what a finding of this rule means (SPEC §5).
    pub summary: &'static str,
}

const fn info(
    code: Code,
    name: &'static str,
    severity: Severity,
    summary: &'static str,
) -> RuleInfo {
    RuleInfo {
        code,
        name,
        severity,
        summary,
    }
}

/// Every rule's name, default severity and summary, in code order (SPEC §5).
pub const RULES: [RuleInfo; <Code as strum::EnumCount>::COUNT] = [
    info(
        Code::Crc000,
        "parse-error",
        Severity::Error,
        "A file cannot be read or parsed.",
    ),
    info(
        Code::Crc001,
        "provider-not-allowed",
        Severity::Error,
        "The provider is not allowed for the tier at all.",
    ),
    info(
        Code::Crc002,
        "region-not-allowed",
        Severity::Error,
        "The provider is allowed for the tier, but this region or endpoint is not.",
    ),
    info(
        Code::Crc003,
        "placement-unresolved",
        Severity::Warning,
        "The provider or region of a resource (or the location of a state backend) cannot be determined statically.",
    ),
    info(
        Code::Crc004,
        "unknown-tier",
        Severity::Error,
        "A declared tier is not defined by the active packs.",
    ),
    info(
        Code::Crc005,
        "data-egress",
        Severity::Error,
        "Replication, backup copy, replica or export sends the data to a placement the tier does not allow.",
    ),
    info(
        Code::Crc006,
        "state-backend",
        Severity::Error,
        "The Terraform state backend stores the state where the module's most sensitive tier does not allow.",
    ),
    info(
        Code::Crc007,
        "global-service",
        Severity::Error,
        "A non-regional service that holds or serves data is used for a tier that requires a region.",
    ),
    info(
        Code::Crc008,
        "bad-suppression",
        Severity::Warning,
        "An ignore comment has no reason, is past its date, names an unknown code, or suppresses nothing.",
    ),
    info(
        Code::Crc009,
        "tier-undeclared",
        Severity::Note,
        "Resources of a module have no tier.",
    ),
];

impl Code {
    /// `CRC002`.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// This rule's row of [`RULES`].
    pub fn info(self) -> &'static RuleInfo {
        &RULES[self as usize]
    }

    /// `region-not-allowed`.
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// One sentence: what a finding of this rule means (SPEC §5).
    pub fn description(self) -> &'static str {
        self.info().summary
    }

    pub fn default_severity(self) -> Severity {
        self.info().severity
    }

    /// Parses `CRC002` or `region-not-allowed` (case-insensitive).
    pub fn parse(s: &str) -> Option<Code> {
        s.parse().ok().or_else(|| {
            RULES
                .iter()
                .find(|r| r.name.eq_ignore_ascii_case(s))
                .map(|r| r.code)
        })
    }
}

/// A place a value came through, or where a tier was declared.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Related {
    pub span: Span,
    pub message: String,
}

/// Where a resource was placed, as reported with a finding.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct PlacementSummary {
    pub provider: String,
    pub region: Option<String>,
    pub endpoint: Option<String>,
}

/// One finding.
#[derive(Clone, Debug)]
pub struct Finding {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    /// The primary location; `None` only for a file that cannot be read at all
    /// (then `file` says which).
    pub span: Option<Span>,
    pub file: FileId,
    pub address: Option<String>,
    pub tier: Option<String>,
    pub placement: Option<PlacementSummary>,
    pub related: Vec<Related>,
    /// What would make it pass, shown as a help line.
    pub help: Option<String>,
    /// The block the finding is about (a resource's labels), where an ignore
    /// comment above the block applies too.
    pub block: Option<Span>,
    /// The root module (index in `Analysis::modules`) whose evaluation gave
    /// it, when it is about that root's resources: a named Terragrunt unit
    /// file (or the stack file declaring the unit) reports them all. Not
    /// part of a finding's identity: the same finding reached from two
    /// roots is one.
    pub root: Option<u32>,
}

impl PartialEq for Finding {
    fn eq(&self, o: &Finding) -> bool {
        let Finding {
            code,
            severity,
            message,
            span,
            file,
            address,
            tier,
            placement,
            related,
            help,
            block,
            root: _,
        } = self;
        (code, severity, message, span, file, address)
            == (
                &o.code,
                &o.severity,
                &o.message,
                &o.span,
                &o.file,
                &o.address,
            )
            && (tier, placement, related, help, block)
                == (&o.tier, &o.placement, &o.related, &o.help, &o.block)
    }
}

impl Eq for Finding {}

impl Finding {
    pub fn new(code: Code, file: FileId, span: Option<Span>, message: String) -> Finding {
        Finding {
            code,
            severity: code.default_severity(),
            message,
            span,
            file,
            address: None,
            tier: None,
            placement: None,
            related: Vec::new(),
            help: None,
            block: None,
            root: None,
        }
    }
}

/// Why a finding is not reported as open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HiddenBy {
    /// A `cercle:ignore` comment, with its reason, its date if any, and the
    /// directive's place.
    Comment {
        reason: String,
        until: Option<String>,
        comment: Span,
    },
    /// A `--baseline` file records it.
    Baseline,
}

/// A finding hidden by an ignore comment or a baseline: not counted, but
/// carried to the reports that can say it was suppressed (SARIF).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hidden {
    pub finding: Finding,
    pub by: HiddenBy,
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    #[test]
    fn the_table_is_in_code_order() {
        for (i, c) in Code::iter().enumerate() {
            assert_eq!(RULES[i].code, c);
            assert_eq!(c.as_str(), format!("CRC{i:03}"));
        }
    }

    #[test]
    fn codes_parse_by_code_or_name() {
        assert_eq!(Code::parse("crc002"), Some(Code::Crc002));
        assert_eq!(Code::parse("Region-Not-Allowed"), Some(Code::Crc002));
        assert_eq!(Code::parse("CRC010"), None);
        assert_eq!(Code::parse("Crc00"), None);
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

type SortKey = (String, usize, usize, Code, String, Option<String>);

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
