//! The `junit` report (SPEC §7): JUnit XML as GitLab, Jenkins and most CI
//! test views read it. One `<testsuite>` per file; one `<testcase>` per
//! resource checked (`classname` the file, `name` the address), passing or
//! with a `<failure>` per finding; findings that are not about a resource
//! (a parse error, an unknown tier, a backend, a suppression comment, a
//! module without tier) are test cases of their own. A file that cannot be
//! parsed is an `<error>`: its compliance is unknown. Only findings that
//! fail the run (at or above `--fail-on`) are failures: a warning or note
//! below it leaves its test case passing, with the finding in the case's
//! `<system-out>`, so that CI test views agree with the exit status.
//!
//! Counts follow the JUnit schema: `failures` and `errors` count test cases.
//! No time is written: nothing in a report depends on time.

use super::{CheckReport, finding_loc, loc};
use crate::findings::{Code, Finding, Severity};
use std::collections::BTreeMap;

/// Escapes text for XML 1.0 content and attribute values: markup
/// characters, and the control characters XML cannot hold (replaced by
/// U+FFFD, except tab, line feed and carriage return, kept as character
/// references in attributes).
pub fn escape(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\'' if attribute => out.push_str("&apos;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\n' | '\t' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

struct Case<'a> {
    /// Line and column: test cases in the order of the file.
    at: (usize, usize),
    name: String,
    findings: Vec<&'a Finding>,
}

/// Whether a finding fails the run (`fail_on`: the lowest severity that
/// does; `None`: nothing does).
fn fails(f: &Finding, fail_on: Option<Severity>) -> bool {
    fail_on.is_some_and(|s| f.severity >= s)
}

impl Case<'_> {
    fn errored(&self) -> bool {
        self.findings.iter().any(|f| f.code == Code::Crc000)
    }
    fn failed(&self, fail_on: Option<Severity>) -> bool {
        !self.errored() && self.findings.iter().any(|f| fails(f, fail_on))
    }
}

fn body(r: &CheckReport, f: &Finding) -> String {
    let l = finding_loc(r.sources, f);
    let mut b = format!(
        "{} {} ({})\n{}:{}:{}: {}\n",
        f.code.as_str(),
        f.code.name(),
        f.severity.as_str(),
        l.file,
        l.line,
        l.column,
        f.message
    );
    for rel in &f.related {
        let rl = loc(r.sources, rel.span);
        b.push_str(&format!(
            "{}:{}:{}: {}\n",
            rl.file, rl.line, rl.column, rel.message
        ));
    }
    if let Some(h) = &f.help {
        b.push_str(&format!("help: {h}\n"));
    }
    b.push_str(&format!("see {}\n", super::sarif::help_uri(f.code)));
    b
}

pub fn render(r: &CheckReport) -> String {
    // file -> (case key -> case)
    let mut files: BTreeMap<String, BTreeMap<String, Case>> = BTreeMap::new();
    for c in r.resources {
        let l = loc(r.sources, c.head);
        files
            .entry(l.file)
            .or_default()
            .entry(c.address.to_string())
            .or_insert_with(|| Case {
                at: (l.line, l.column),
                name: c.address.to_string(),
                findings: Vec::new(),
            });
    }
    for f in r.findings {
        let l = finding_loc(r.sources, f);
        let cases = files.entry(l.file).or_default();
        let name = match &f.address {
            Some(a) => a.clone(),
            None => format!(
                "{} {} at {}:{}",
                f.code.as_str(),
                f.code.name(),
                l.line,
                l.column
            ),
        };
        cases
            .entry(name.clone())
            .or_insert_with(|| Case {
                at: (l.line, l.column),
                name,
                findings: Vec::new(),
            })
            .findings
            .push(f);
    }
    let mut suites = String::new();
    let (mut tests, mut failures, mut errors) = (0, 0, 0);
    for (file, cases) in &files {
        let mut cases: Vec<&Case> = cases.values().collect();
        cases.sort_by(|a, b| (a.at, &a.name).cmp(&(b.at, &b.name)));
        let t = cases.len();
        let fl = cases.iter().filter(|c| c.failed(r.fail_on)).count();
        let er = cases.iter().filter(|c| c.errored()).count();
        tests += t;
        failures += fl;
        errors += er;
        let file_attr = escape(file, true);
        suites.push_str(&format!(
            "  <testsuite name=\"{file_attr}\" tests=\"{t}\" failures=\"{fl}\" errors=\"{er}\" skipped=\"0\">\n"
        ));
        for c in cases {
            let name = escape(&c.name, true);
            if c.findings.is_empty() {
                suites.push_str(&format!(
                    "    <testcase classname=\"{file_attr}\" name=\"{name}\"/>\n"
                ));
                continue;
            }
            suites.push_str(&format!(
                "    <testcase classname=\"{file_attr}\" name=\"{name}\">\n"
            ));
            let mut out = String::new();
            for f in &c.findings {
                let tag = if f.code == Code::Crc000 {
                    "error"
                } else if fails(f, r.fail_on) {
                    "failure"
                } else {
                    out.push_str(&body(r, f));
                    continue;
                };
                suites.push_str(&format!(
                    "      <{tag} type=\"{}\" message=\"{}\">{}</{tag}>\n",
                    f.code.as_str(),
                    escape(&f.message, true),
                    escape(&body(r, f), false)
                ));
            }
            if !out.is_empty() {
                suites.push_str(&format!(
                    "      <system-out>{}</system-out>\n",
                    escape(&out, false)
                ));
            }
            suites.push_str("    </testcase>\n");
        }
        suites.push_str("  </testsuite>\n");
    }
    let mut out = String::with_capacity(suites.len() + 200);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"cercle\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">\n"
    ));
    out.push_str(&suites);
    out.push_str("</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(
            escape("a<b>&\"c\"'\n\t\u{1}\u{7f}", true),
            "a&lt;b&gt;&amp;&quot;c&quot;&apos;&#10;&#9;\u{fffd}\u{7f}"
        );
        assert_eq!(escape("a\nb\r\u{0}\"", false), "a\nb&#13;\u{fffd}\"");
    }
}
