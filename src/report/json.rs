//! The `json` report (SPEC §7): stable, versioned (`version: 1`).

use super::{CheckReport, Lazy, finding_loc, loc};
use crate::findings::{Finding, HiddenBy};
use crate::source::SourceMap;
use serde::Serialize;
use serde_json::{Value, json};

pub fn render(r: &CheckReport) -> String {
    let findings = Lazy(|| r.findings.iter().map(|f| finding(r.sources, f)));
    // Findings suppressed by a comment are listed apart, each with its reason,
    // so that `findings` stays what fails a run (baselined ones are counted).
    let suppressed = Lazy(|| {
        r.hidden.iter().filter_map(|h| {
            let HiddenBy::Comment {
                reason,
                until,
                comment,
            } = &h.by
            else {
                return None;
            };
            let mut v = finding(r.sources, &h.finding);
            let at = loc(r.sources, *comment);
            v["suppression"] = json!({
                "kind": "inline",
                "reason": reason,
                "until": until,
                "file": at.file,
                "line": at.line,
                "column": at.column,
            });
            Some(v)
        })
    });
    let s = &r.summary;
    let mut summary = json!({
        "files": s.files, "modules": s.modules, "resources": s.resources,
        "findings": s.findings, "errors": s.errors, "warnings": s.warnings,
        "notes": s.notes, "suppressed": s.suppressed, "baselined": s.baselined,
    });
    if s.units > 0 {
        summary["units"] = json!(s.units);
    }
    if let Some(d) = s.duration_ms {
        summary["duration_ms"] = json!(d);
    }
    let doc = Doc {
        version: 1,
        tool: json!({"name": "cercle", "version": env!("CARGO_PKG_VERSION")}),
        packs: &r.packs,
        summary,
        findings,
        suppressed,
    };
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

/// The report object, its members in this order.
#[derive(Serialize)]
struct Doc<'a, F: Serialize, S: Serialize> {
    version: u32,
    tool: Value,
    packs: &'a [String],
    summary: Value,
    findings: F,
    suppressed: S,
}

/// One finding as the report lists it.
fn finding(sources: &SourceMap, f: &Finding) -> Value {
    let l = finding_loc(sources, f);
    let related: Vec<Value> = f
        .related
        .iter()
        .map(|rel| {
            let rl = loc(sources, rel.span);
            json!({"file": rl.file, "line": rl.line, "column": rl.column, "message": rel.message})
        })
        .collect();
    json!({
        "code": f.code.as_str(),
        "name": f.code.name(),
        "severity": f.severity.as_str(),
        "message": f.message,
        "file": l.file,
        "line": l.line,
        "column": l.column,
        "end_line": l.end_line,
        "end_column": l.end_column,
        "address": f.address,
        "tier": f.tier,
        "placement": f.placement.as_ref().map(|p| json!({
            "provider": p.provider, "region": p.region, "endpoint": p.endpoint
        })),
        "related": related,
    })
}
