//! The `human` report: one miette diagnostic per finding, with the snippet,
//! the primary label on the offending value, secondary labels where the value
//! came from (in other files too), a help line, and a summary line.

use super::CheckReport;
use crate::findings::{Finding, Severity};
use crate::source::{SourceMap, Span};
use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

/// How to draw.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub color: bool,
    pub width: usize,
    pub quiet: bool,
}

type Src = NamedSource<Arc<str>>;

/// Builds each file's `NamedSource` once, however many findings it has.
struct Sources<'a> {
    map: &'a SourceMap,
    cache: HashMap<u32, Src>,
}

impl Sources<'_> {
    fn get(&mut self, file: u32) -> Src {
        self.cache
            .entry(file)
            .or_insert_with(|| {
                let f = self.map.get(file);
                NamedSource::new(f.display.clone(), f.text.clone())
            })
            .clone()
    }
}

struct Diag {
    message: String,
    code: String,
    severity: Severity,
    help: Option<String>,
    source: Option<Src>,
    labels: Vec<LabeledSpan>,
    related: Vec<Diag>,
    url: Option<String>,
}

impl fmt::Debug for Diag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Diag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Diag {}

impl Diagnostic for Diag {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        (!self.code.is_empty()).then(|| Box::new(&self.code) as Box<dyn fmt::Display>)
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
        })
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn url<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.url
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(self.related.iter().map(|d| d as &dyn Diagnostic)))
        }
    }
}

/// Past this many bytes from the start of its line, a label is not drawn:
/// miette pads to its column with a width that must fit in 16 bits (it
/// panicked at column 65,536), and a snippet that wide helps nobody.
pub const MAX_SNIPPET_COLUMN: usize = 10_000;

/// Whether a label on `start..end` of `text` can be drawn in a snippet: both
/// ends lie within [`MAX_SNIPPET_COLUMN`] bytes of their line's start.
pub fn fits_snippet(text: &str, start: usize, end: usize) -> bool {
    let column = |at: usize| {
        let at = at.min(text.len());
        let line_start = text.as_bytes()[..at]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        at - line_start
    };
    column(start) <= MAX_SNIPPET_COLUMN && column(end) <= MAX_SNIPPET_COLUMN
}

/// A diagnostic with a label too far along its line to draw: no snippet, the
/// place named in the message.
fn without_snippet(mut d: Diag, map: &SourceMap, span: Span) -> Diag {
    let f = map.get(span.file);
    let p = f.position(span.start);
    d.message = format!(
        "{} ({}:{}:{}: the line is too long to show)",
        d.message, f.display, p.line, p.column
    );
    d.source = None;
    d.labels.clear();
    d
}

fn fits(map: &SourceMap, span: Span) -> bool {
    fits_snippet(
        &map.get(span.file).text,
        span.start as usize,
        span.end as usize,
    )
}

fn label(span: Span, text: &str, primary: bool) -> LabeledSpan {
    let len = (span.end - span.start) as usize;
    if primary {
        LabeledSpan::new_primary_with_span(Some(text.to_string()), (span.start as usize, len))
    } else {
        LabeledSpan::new_with_span(Some(text.to_string()), (span.start as usize, len))
    }
}

fn diag(f: &Finding, srcs: &mut Sources) -> Diag {
    let mut labels = Vec::new();
    let mut related = Vec::new();
    let file = f.span.map(|s| s.file).unwrap_or(f.file);
    // A related place that starts where the primary label does (the part
    // of the value that could not be resolved) names the primary label
    // instead of drawing a second one at the same column.
    let region = f.placement.as_ref().and_then(|p| p.region.clone());
    let merged = f.related.iter().find(|r| {
        region.is_none()
            && f.span
                .is_some_and(|s| s.file == r.span.file && s.start == r.span.start)
    });
    if let Some(s) = f.span {
        let primary_text = match (&region, merged) {
            (Some(region), _) => region.clone(),
            (None, Some(r)) => r.message.clone(),
            (None, None) => "here".to_string(),
        };
        labels.push(label(s, &primary_text, true));
    }
    // A place of the same file far above the primary label would be drawn
    // as the first snippet, whose header an editor jumps to: it is drawn
    // after, as a related place, so that the first snippet is the finding's.
    let primary_line = f.span.map(|s| srcs.map.start(s).line);
    let far_above = |span: Span| primary_line.is_some_and(|p| srcs.map.start(span).line + 2 < p);
    for r in &f.related {
        if r.span.file == file && !far_above(r.span) {
            if Some(r.span) != f.span && merged != Some(r) {
                labels.push(label(r.span, &r.message, false));
            }
        } else {
            let d = Diag {
                message: r.message.clone(),
                code: String::new(),
                severity: Severity::Note,
                help: None,
                source: Some(srcs.get(r.span.file)),
                labels: vec![label(r.span, &r.message, true)],
                related: Vec::new(),
                url: None,
            };
            related.push(if fits(srcs.map, r.span) {
                d
            } else {
                without_snippet(d, srcs.map, r.span)
            });
        }
    }
    let wide = f
        .span
        .into_iter()
        .chain(f.related.iter().map(|r| r.span))
        .find(|s| s.file == file && !fits(srcs.map, *s));
    let d = Diag {
        message: f.message.clone(),
        code: format!("{}({})", f.code.as_str(), f.code.name()),
        severity: f.severity,
        help: f
            .help
            .clone()
            .or_else(|| Some(format!("see `cercle explain {}`", f.code.as_str()))),
        source: Some(srcs.get(file)),
        labels,
        related,
        url: None,
    };
    match wide {
        Some(s) => without_snippet(d, srcs.map, s),
        None => d,
    }
}

pub fn render(r: &CheckReport, style: Style) -> String {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        // Names are never split (`module.replica_kms["eu-west-3"]` at a
        // hyphen, `outscale/outscale` at a slash): lines break at spaces
        // only; a word longer than the line overflows it.
        .with_word_separator(textwrap::WordSeparator::AsciiSpace)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
        .with_break_words(false)
        .with_links(false)
        .with_context_lines(1)
        .with_show_related_as_nested(true);
    let mut srcs = Sources {
        map: r.sources,
        cache: HashMap::new(),
    };
    let mut out = String::new();
    for f in r.findings {
        let d = diag(f, &mut srcs);
        if handler.render_report(&mut out, &d).is_err() {
            out.push_str(&format!("{}: {}\n", f.code.as_str(), f.message));
        }
        out.push('\n');
    }
    if !style.quiet {
        out.push_str(&causes_table(r.findings));
        out.push_str(&summary_line(&r.summary));
        out.push('\n');
    }
    out
}

/// The findings by rule × provider × region, when the table is at most
/// half as long as the findings
/// (at most [`super::MAX_CAUSES`] rows), then a blank line; else nothing.
pub fn causes_table(findings: &[Finding]) -> String {
    let causes = super::causes(findings);
    if !super::causes_worth_a_table(&causes) {
        return String::new();
    }
    let rows: Vec<[String; 4]> = causes
        .iter()
        .take(super::MAX_CAUSES)
        .map(|c| {
            let dash = |s: &str| {
                if s.is_empty() {
                    "-".to_string()
                } else {
                    s.to_string()
                }
            };
            [
                c.count.to_string(),
                format!("{} {}", c.code.as_str(), c.code.name()),
                dash(&c.provider),
                dash(&c.region),
            ]
        })
        .collect();
    let header = ["count", "rule", "provider", "region"];
    let mut w = header.map(str::len);
    for r in &rows {
        for (k, cell) in r.iter().enumerate() {
            w[k] = w[k].max(cell.chars().count());
        }
    }
    let line = |cells: [&str; 4]| {
        format!(
            "  {:>w0$}  {:<w1$}  {:<w2$}  {}\n",
            cells[0],
            cells[1],
            cells[2],
            cells[3],
            w0 = w[0],
            w1 = w[1],
            w2 = w[2]
        )
    };
    let mut out = format!(
        "{} by cause (rule, provider, region):\n",
        plural(findings.len(), "finding")
    );
    out.push_str(&line(header));
    for r in &rows {
        out.push_str(&line([&r[0], &r[1], &r[2], &r[3]]));
    }
    if causes.len() > super::MAX_CAUSES {
        out.push_str(&format!(
            "  and {} more\n",
            plural(causes.len() - super::MAX_CAUSES, "cause")
        ));
    }
    out.push('\n');
    out
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// `3 errors, 1 warning in 12 files (41 resources) in 0.05s`
pub fn summary_line(s: &super::Summary) -> String {
    let mut parts = vec![plural(s.errors, "error"), plural(s.warnings, "warning")];
    if s.notes > 0 {
        parts.push(plural(s.notes, "note"));
    }
    let units = if s.units > 0 {
        format!(", {}", plural(s.units, "Terragrunt unit"))
    } else {
        String::new()
    };
    let mut line = format!(
        "{} in {}{units} ({})",
        parts.join(", "),
        plural(s.files, "file"),
        plural(s.resources, "resource")
    );
    if s.suppressed > 0 {
        line.push_str(&format!(", {} suppressed", s.suppressed));
    }
    if s.baselined > 0 {
        line.push_str(&format!(", {} baselined", s.baselined));
    }
    if let Some(ms) = s.duration_ms {
        line.push_str(&format!(" in {:.2}s", ms as f64 / 1000.0));
    }
    line
}
