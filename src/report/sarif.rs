//! The `sarif` report (SPEC §7): SARIF 2.1.0, as GitHub code scanning reads
//! it. Every rule is described in `tool.driver.rules` with its documentation;
//! every finding is a result with its location, the places its value came
//! through (`relatedLocations`), a fingerprint that does not depend on line
//! numbers (the baseline's) and, when an ignore comment or a baseline hides
//! it, a suppression.
//!
//! Paths are relative to `%SRCROOT%`, the directory cercle ran in; columns
//! count Unicode code points (`columnKind`), and end columns are exclusive.

use super::{CheckReport, Lazy, finding_loc, loc};
use crate::findings::{Code, Finding, HiddenBy, Severity};
use crate::rules::{REGISTRY, Rule};
use crate::source::SourceMap;
use serde::Serialize;
use serde_json::{Map, Value, json};

/// The project's home page.
pub const INFORMATION_URI: &str = "https://github.com/cercle-lint/cercle";

/// Where a rule's documentation is published (`docs/rules/CRCxxx.md`).
pub fn help_uri(code: Code) -> String {
    format!(
        "{INFORMATION_URI}/blob/main/docs/rules/{}.md",
        code.as_str()
    )
}

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const SRCROOT: &str = "%SRCROOT%";
const FINGERPRINT: &str = "cercleFingerprint/v1";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// The first paragraph of the "What it checks" section, on one line.
fn full_description(doc: &str) -> String {
    let body = doc
        .split_once("## What it checks")
        .map(|(_, b)| b.trim_start())
        .unwrap_or("");
    let para = body.split("\n\n").next().unwrap_or("");
    para.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A rule of the registry, as `tool.driver.rules` describes it.
fn rule(rule: &dyn Rule) -> Value {
    let code = rule.code();
    let doc = rule.doc();
    let mut full = full_description(doc);
    if full.is_empty() {
        full = rule.summary().to_string();
    }
    json!({
        "id": code.as_str(),
        "name": rule.name(),
        "shortDescription": {"text": rule.summary()},
        "fullDescription": {"text": full},
        "help": {"text": doc, "markdown": doc},
        "helpUri": help_uri(code),
        "defaultConfiguration": {"level": level(rule.default_severity())},
        "properties": {
            "security-severity": rule.security_severity(),
            "precision": rule.precision(),
            "problem.severity": match rule.default_severity() {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Note => "recommendation",
            },
            "tags": ["security", "compliance", "data-residency", "terraform"],
        },
    })
}

/// Percent-encodes a path for a URI reference (RFC 3986: unreserved
/// characters and `/` stay as they are).
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A file's `artifactLocation`: relative to `%SRCROOT%`, or an absolute
/// `file:` URI for a file outside the directory cercle ran in.
fn artifact(display: &str) -> Value {
    let windows_drive =
        display.len() >= 3 && display.as_bytes()[0].is_ascii_alphabetic() && &display[1..3] == ":/";
    if display.starts_with('/') {
        json!({"uri": format!("file://{}", encode_path(display))})
    } else if windows_drive {
        json!({"uri": format!("file:///{}{}", &display[..2], encode_path(&display[2..]))})
    } else {
        json!({"uri": encode_path(display), "uriBaseId": SRCROOT})
    }
}

fn region(l: &super::Loc) -> Value {
    // End columns are exclusive; an empty span still covers one column.
    let end_column = if l.end_line == l.line && l.end_column <= l.column {
        l.column + 1
    } else {
        l.end_column
    };
    json!({
        "startLine": l.line,
        "startColumn": l.column,
        "endLine": l.end_line.max(l.line),
        "endColumn": end_column,
    })
}

fn physical(sources: &SourceMap, f: &Finding) -> Value {
    let l = finding_loc(sources, f);
    let mut p = Map::new();
    p.insert("artifactLocation".into(), artifact(&l.file));
    if f.span.is_some() {
        p.insert("region".into(), region(&l));
    }
    Value::Object(p)
}

/// A message as SARIF wants it: a sentence that ends with a period.
fn sentence(s: &str) -> String {
    let s = s.trim_end();
    if s.ends_with(['.', '!', '?']) {
        s.to_string()
    } else {
        format!("{s}.")
    }
}

fn result(sources: &SourceMap, f: &Finding, hidden: Option<&HiddenBy>) -> Value {
    // `tool.driver.rules` is the registry, in code order.
    let idx = f.code as usize;
    let mut text = sentence(&f.message);
    if let Some(h) = &f.help {
        text.push(' ');
        text.push_str(&sentence(h));
    }
    let mut r = Map::new();
    r.insert("ruleId".into(), json!(f.code.as_str()));
    r.insert("ruleIndex".into(), json!(idx));
    r.insert("level".into(), json!(level(f.severity)));
    r.insert("message".into(), json!({"text": text}));
    r.insert(
        "locations".into(),
        json!([{"physicalLocation": physical(sources, f)}]),
    );
    if !f.related.is_empty() {
        let related: Vec<Value> = f
            .related
            .iter()
            .enumerate()
            .map(|(i, rel)| {
                let l = loc(sources, rel.span);
                json!({
                    "id": i + 1,
                    "physicalLocation": {"artifactLocation": artifact(&l.file), "region": region(&l)},
                    "message": {"text": sentence(&rel.message)},
                })
            })
            .collect();
        r.insert("relatedLocations".into(), Value::Array(related));
    }
    r.insert(
        "partialFingerprints".into(),
        json!({FINGERPRINT: crate::check::baseline::fingerprint(sources, f, std::path::Path::new("."))}),
    );
    match hidden {
        Some(HiddenBy::Comment { reason, .. }) => {
            r.insert(
                "suppressions".into(),
                json!([{"kind": "inSource", "status": "accepted", "justification": reason}]),
            );
        }
        Some(HiddenBy::Baseline) => {
            r.insert(
                "suppressions".into(),
                json!([{"kind": "external", "status": "accepted", "justification": "recorded in the baseline file"}]),
            );
        }
        None => {}
    }
    let mut props = Map::new();
    if let Some(a) = &f.address {
        props.insert("address".into(), json!(a));
    }
    if let Some(t) = &f.tier {
        props.insert("tier".into(), json!(t));
    }
    if let Some(p) = &f.placement {
        props.insert(
            "placement".into(),
            json!({"provider": p.provider, "region": p.region, "endpoint": p.endpoint}),
        );
    }
    if !props.is_empty() {
        r.insert("properties".into(), Value::Object(props));
    }
    Value::Object(r)
}

pub fn render(r: &CheckReport) -> String {
    let rules: Vec<Value> = REGISTRY.iter().map(|r| rule(*r)).collect();
    let results = Lazy(|| {
        let found = r.findings.iter().map(|f| result(r.sources, f, None));
        let hidden = r
            .hidden
            .iter()
            .map(|h| result(r.sources, &h.finding, Some(&h.by)));
        found.chain(hidden)
    });
    let doc = Doc {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: json!({"driver": {
                "name": "cercle",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }}),
            invocations: json!([{"executionSuccessful": true}]),
            original_uri_base_ids: json!({SRCROOT: {
                "description": {"text": "The directory cercle ran in: paths are relative to it."}
            }}),
            column_kind: "unicodeCodePoints",
            results,
            properties: json!({"packs": r.packs}),
        }],
    };
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

/// The SARIF log, its members in this order.
#[derive(Serialize)]
struct Doc<R: Serialize> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [R; 1],
}

/// The one run of the log, its members in this order; the results are built
/// as they are written ([`Lazy`]).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<R: Serialize> {
    tool: Value,
    invocations: Value,
    original_uri_base_ids: Value,
    column_kind: &'static str,
    results: R,
    properties: Value,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_encoded_uris() {
        assert_eq!(
            artifact("envs/prod env/main.tf"),
            json!({"uri": "envs/prod%20env/main.tf", "uriBaseId": "%SRCROOT%"})
        );
        assert_eq!(
            artifact("/abs/é.tf"),
            json!({"uri": "file:///abs/%C3%A9.tf"})
        );
        assert_eq!(artifact("C:/x/a.tf"), json!({"uri": "file:///C:/x/a.tf"}));
    }

    #[test]
    fn end_columns_are_exclusive_and_never_empty() {
        let l = super::super::Loc {
            file: "a.tf".into(),
            line: 3,
            column: 5,
            end_line: 3,
            end_column: 5,
        };
        assert_eq!(region(&l)["endColumn"], json!(6));
    }

    #[test]
    fn every_rule_has_help_and_a_description() {
        for c in REGISTRY {
            let r = rule(c);
            assert!(r["help"]["text"].as_str().unwrap().contains("## Fix"));
            assert!(!r["fullDescription"]["text"].as_str().unwrap().is_empty());
            assert!(r["helpUri"].as_str().unwrap().ends_with(".md"));
        }
    }
}
