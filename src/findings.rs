//! Findings: what a check reports, with the codes of SPEC §5.

use crate::source::{FileId, Span};
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

/// A rule code (SPEC §5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
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

impl Code {
    pub const ALL: [Code; 10] = [
        Code::Crc000,
        Code::Crc001,
        Code::Crc002,
        Code::Crc003,
        Code::Crc004,
        Code::Crc005,
        Code::Crc006,
        Code::Crc007,
        Code::Crc008,
        Code::Crc009,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::Crc000 => "CRC000",
            Code::Crc001 => "CRC001",
            Code::Crc002 => "CRC002",
            Code::Crc003 => "CRC003",
            Code::Crc004 => "CRC004",
            Code::Crc005 => "CRC005",
            Code::Crc006 => "CRC006",
            Code::Crc007 => "CRC007",
            Code::Crc008 => "CRC008",
            Code::Crc009 => "CRC009",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Code::Crc000 => "parse-error",
            Code::Crc001 => "provider-not-allowed",
            Code::Crc002 => "region-not-allowed",
            Code::Crc003 => "placement-unresolved",
            Code::Crc004 => "unknown-tier",
            Code::Crc005 => "data-egress",
            Code::Crc006 => "state-backend",
            Code::Crc007 => "global-service",
            Code::Crc008 => "bad-suppression",
            Code::Crc009 => "tier-undeclared",
        }
    }

    /// One sentence: what a finding of this rule means (SPEC §5).
    pub fn description(self) -> &'static str {
        match self {
            Code::Crc000 => "A file cannot be read or parsed.",
            Code::Crc001 => "The provider is not allowed for the tier at all.",
            Code::Crc002 => {
                "The provider is allowed for the tier, but this region or endpoint is not."
            }
            Code::Crc003 => {
                "The provider or region of a resource (or the location of a state backend) cannot be determined statically."
            }
            Code::Crc004 => "A declared tier is not defined by the active packs.",
            Code::Crc005 => {
                "Replication, backup copy, replica or export sends the data to a placement the tier does not allow."
            }
            Code::Crc006 => {
                "The Terraform state backend stores the state where the module's most sensitive tier does not allow."
            }
            Code::Crc007 => {
                "A non-regional service that holds or serves data is used for a tier that requires a region."
            }
            Code::Crc008 => {
                "An ignore comment has no reason, is past its date, names an unknown code, or suppresses nothing."
            }
            Code::Crc009 => "Resources of a module have no tier.",
        }
    }

    pub fn default_severity(self) -> Severity {
        match self {
            Code::Crc003 | Code::Crc008 => Severity::Warning,
            Code::Crc009 => Severity::Note,
            _ => Severity::Error,
        }
    }

    /// Parses `CRC002` or `region-not-allowed` (case-insensitive).
    pub fn parse(s: &str) -> Option<Code> {
        Code::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(s) || c.name().eq_ignore_ascii_case(s))
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
#[derive(Clone, Debug, PartialEq, Eq)]
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
}

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
