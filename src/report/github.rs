//! The `github` report (SPEC §7): one GitHub Actions workflow command per
//! finding, which the runner shows as an annotation on the file:
//!
//! ```text
//! ::error file=main.tf,line=12,col=14,endLine=12,endColumn=33,title=CRC002 region-not-allowed::message
//! ```
//!
//! Values are escaped as the Actions toolkit escapes them (`@actions/core`,
//! `command.ts`): in the message, `%`, `\r` and `\n`; in properties, also `:`
//! and `,`. The places the value came through and the help line follow the
//! message on their own lines.

use super::{CheckReport, finding_loc, loc};
use crate::findings::{Finding, Severity};
use crate::source::SourceMap;

/// Escapes a command's message (`escapeData`).
pub fn escape_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes a property value (`escapeProperty`).
pub fn escape_property(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' => out.push_str("%3A"),
            ',' => out.push_str("%2C"),
            c => out.push(c),
        }
    }
    out
}

fn command(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    }
}

/// One finding's workflow command, with its line break.
pub fn annotation(sources: &SourceMap, f: &Finding, out: &mut String) {
    let l = finding_loc(sources, f);
    let mut message = f.message.clone();
    for r in &f.related {
        let rl = loc(sources, r.span);
        message.push_str(&format!(
            "\n{}:{}:{}: {}",
            rl.file, rl.line, rl.column, r.message
        ));
    }
    if let Some(h) = &f.help {
        message.push_str(&format!("\nhelp: {h}"));
    }
    out.push_str("::");
    out.push_str(command(f.severity));
    out.push_str(" file=");
    out.push_str(&escape_property(&l.file));
    if f.span.is_some() {
        // An empty span still covers one column (end columns are exclusive).
        let end_column = if l.end_line == l.line && l.end_column <= l.column {
            l.column + 1
        } else {
            l.end_column
        };
        out.push_str(&format!(
            ",line={},col={},endLine={},endColumn={}",
            l.line,
            l.column,
            l.end_line.max(l.line),
            end_column
        ));
    } else {
        out.push_str(",line=1");
    }
    out.push_str(",title=");
    out.push_str(&escape_property(&format!(
        "{} {}",
        f.code.as_str(),
        f.code.name()
    )));
    out.push_str("::");
    out.push_str(&escape_data(&message));
    out.push('\n');
}

/// GitHub shows at most 10 error, 10 warning and 10 notice annotations of
/// a step (and 50 of a job): beyond, the rest are dropped silently.
/// <https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands>
pub const PER_STEP: usize = 10;

/// The commands of the findings of one severity: each finding when they
/// fit in [`PER_STEP`], else one per rule × provider × region (a cause with
/// one finding is that finding), the causes past the limit in one last
/// annotation. Nothing is lost: each summary says how many findings it
/// stands for, and every finding is in the other reports.
fn annotations(sources: &SourceMap, findings: &[Finding], out: &mut String) {
    if findings.len() <= PER_STEP {
        for f in findings {
            annotation(sources, f, out);
        }
        return;
    }
    let causes = super::causes(findings);
    let shown = if causes.len() > PER_STEP {
        PER_STEP - 1
    } else {
        causes.len()
    };
    for c in &causes[..shown] {
        let first = &findings[c.first];
        if c.count == 1 {
            annotation(sources, first, out);
            continue;
        }
        let mut where_ = String::new();
        if !c.provider.is_empty() {
            where_.push_str(&format!(" for {}", c.provider));
        }
        if !c.region.is_empty() {
            where_.push_str(&format!(" in {}", c.region));
        }
        let mut f = first.clone();
        f.message = format!(
            "{} findings of {} {}{where_} (GitHub shows {PER_STEP} annotations of each kind per step; all are in the report). The first: {}",
            c.count,
            c.code.as_str(),
            c.code.name(),
            first.message
        );
        f.related.clear();
        annotation(sources, &f, out);
    }
    if causes.len() > shown {
        let rest = &causes[shown..];
        let n: usize = rest.iter().map(|c| c.count).sum();
        let mut f = findings[rest[0].first].clone();
        f.message = format!(
            "{n} more findings of {} more causes (rule, provider, region), not annotated: GitHub shows {PER_STEP} annotations of each kind per step; all are in the report",
            rest.len()
        );
        f.related.clear();
        f.help = None;
        annotation(sources, &f, out);
    }
}

/// Every finding's command (summarised beyond GitHub's limits: see
/// [`annotations`]), then (unless `quiet`) the summary line, without the
/// duration.
pub fn render(r: &CheckReport, quiet: bool) -> String {
    let mut out = String::new();
    let count = |s: Severity| r.findings.iter().filter(|f| f.severity == s).count();
    let severities = [Severity::Error, Severity::Warning, Severity::Note];
    if severities.iter().all(|&s| count(s) <= PER_STEP) {
        for f in r.findings {
            annotation(r.sources, f, &mut out);
        }
    } else {
        for severity in severities {
            let of: Vec<Finding> = r
                .findings
                .iter()
                .filter(|f| f.severity == severity)
                .cloned()
                .collect();
            annotations(r.sources, &of, &mut out);
        }
    }
    if !quiet {
        let mut s = r.summary.clone();
        s.duration_ms = None;
        out.push_str(&super::human::summary_line(&s));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::{Code, Related};
    use crate::source::Span;
    use std::path::PathBuf;

    #[test]
    fn escapes_like_the_actions_toolkit() {
        assert_eq!(escape_data("50% a:b,c\r\nd"), "50%25 a:b,c%0D%0Ad");
        assert_eq!(escape_property("50% a:b,c\r\nd"), "50%25 a%3Ab%2Cc%0D%0Ad");
        assert_eq!(
            escape_data("%0A"),
            "%250A",
            "an escape is not decoded twice"
        );
    }

    #[test]
    fn an_annotation_names_its_place_and_related_places() {
        let mut sources = SourceMap::default();
        let main = sources.add(
            PathBuf::from("my env/main.tf"),
            "my env/main.tf".into(),
            "module \"m\" {\n  region = var.r\n}\n".into(),
        );
        let vars = sources.add(
            PathBuf::from("a,b:c.tf"),
            "a,b:c.tf".into(),
            "variable \"r\" { default = \"us-east-1\" }\n".into(),
        );
        let mut f = Finding::new(
            Code::Crc002,
            main,
            Some(Span::new(main, 24, 29)),
            "placed in us-east-1: 100% outside, line\nbreak".into(),
        );
        f.related.push(Related {
            span: Span::new(vars, 27, 38),
            message: "default, here".into(),
        });
        f.help = Some("tier 'x' allows: a, b".into());
        let mut out = String::new();
        annotation(&sources, &f, &mut out);
        assert_eq!(
            out,
            "::error file=my env/main.tf,line=2,col=12,endLine=2,endColumn=17,\
             title=CRC002 region-not-allowed::placed in us-east-1: 100%25 outside, line%0Abreak\
             %0Aa,b:c.tf:1:28: default, here%0Ahelp: tier 'x' allows: a, b\n"
        );
    }

    #[test]
    fn notes_are_notices_and_files_without_span_point_at_line_1() {
        let mut sources = SourceMap::default();
        let id = sources.add(PathBuf::from("a,b:c d.tf"), "a,b:c d.tf".into(), "".into());
        let mut f = Finding::new(Code::Crc009, id, None, "no tier".into());
        f.severity = Severity::Note;
        let mut out = String::new();
        annotation(&sources, &f, &mut out);
        assert_eq!(
            out,
            "::notice file=a%2Cb%3Ac d.tf,line=1,title=CRC009 tier-undeclared::no tier\n"
        );
    }
}
