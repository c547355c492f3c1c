//! The `markdown` report: a summary for people, as a GitHub job summary
//! (`$GITHUB_STEP_SUMMARY`) or a merge request comment shows it. A heading
//! with the counts, then one table row per finding (at most
//! [`MAX_ROWS`], then a note saying how many more there are), then, when
//! it is at most half as long, a table by rule × provider × region.

use super::{CheckReport, finding_loc};

/// Job summaries are limited in size (1 MiB on GitHub): the table stops here.
pub const MAX_ROWS: usize = 1000;

/// Makes text safe in a table cell: no line breaks, no cell separators, no
/// HTML.
fn cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' => out.push_str("<br>"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// A code span in a table cell (falls back to plain text when the text has
/// a backtick).
fn code(s: &str) -> String {
    if s.contains('`') || s.contains('\n') {
        cell(s)
    } else {
        format!("`{}`", s.replace('|', "\\|"))
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

pub fn render(r: &CheckReport) -> String {
    let s = &r.summary;
    let mut out = format!(
        "## cercle: {}, {}, {}\n\n",
        plural(s.errors, "error"),
        plural(s.warnings, "warning"),
        plural(s.notes, "note")
    );
    let mut counts = format!(
        "{} checked in {} ({} {})",
        plural(s.resources, "resource"),
        plural(s.files, "file"),
        if r.packs.len() == 1 { "pack" } else { "packs" },
        r.packs
            .iter()
            .map(|p| format!("`{p}`"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if s.suppressed > 0 {
        counts.push_str(&format!(", {} suppressed", s.suppressed));
    }
    if s.baselined > 0 {
        counts.push_str(&format!(", {} baselined", s.baselined));
    }
    out.push_str(&counts);
    out.push_str(".\n\n");
    if r.findings.is_empty() {
        out.push_str("No findings.\n");
        return out;
    }
    out.push_str("| severity | code | file:line | address | message |\n");
    out.push_str("| --- | --- | --- | --- | --- |\n");
    for f in r.findings.iter().take(MAX_ROWS) {
        let l = finding_loc(r.sources, f);
        out.push_str(&format!(
            "| {} | [{}]({}) {} | {} | {} | {} |\n",
            f.severity.as_str(),
            f.code.as_str(),
            super::sarif::help_uri(f.code),
            f.code.name(),
            code(&format!("{}:{}", l.file, l.line)),
            f.address.as_deref().map(code).unwrap_or_default(),
            cell(&f.message)
        ));
    }
    if r.findings.len() > MAX_ROWS {
        out.push_str(&format!(
            "\n{} more not shown: see the full report.\n",
            plural(r.findings.len() - MAX_ROWS, "finding")
        ));
    }
    out.push_str(&causes_table(r));
    out
}

/// The findings by rule × provider × region, when the table is at most
/// half as long as the findings.
fn causes_table(r: &CheckReport) -> String {
    let causes = super::causes(r.findings);
    if !super::causes_worth_a_table(&causes) {
        return String::new();
    }
    let mut out = String::from(
        "\n### By cause\n\n| count | rule | provider | region |\n| ---: | --- | --- | --- |\n",
    );
    for c in causes.iter().take(super::MAX_CAUSES) {
        let or_dash = |s: &str| {
            if s.is_empty() {
                "-".to_string()
            } else {
                code(s)
            }
        };
        out.push_str(&format!(
            "| {} | {} {} | {} | {} |\n",
            c.count,
            c.code.as_str(),
            c.code.name(),
            or_dash(&c.provider),
            or_dash(&c.region)
        ));
    }
    if causes.len() > super::MAX_CAUSES {
        out.push_str(&format!(
            "\nand {} more.\n",
            plural(causes.len() - super::MAX_CAUSES, "cause")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_hold_no_table_syntax() {
        assert_eq!(cell("a|b\nc <x>"), "a\\|b<br>c &lt;x&gt;");
        assert_eq!(code("a|b"), "`a\\|b`");
        assert_eq!(code("a`b"), "a`b");
    }
}
