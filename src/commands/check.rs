//! `cercle check`: analysis, tiers and rules, baselines, every report of the
//! run, and whether it fails (`--fail-on`).

use super::input::{InputArgs, Setup, options, setup};
use super::output::{write_file, write_out};
use super::{Error, Status};
use crate::analyse::Analysis;
use crate::catalogue::Catalogue;
use crate::check::baseline::{self, Baseline};
use crate::check::{CheckInput, check};
use crate::findings::{Finding, Hidden, HiddenBy, Severity};
use crate::report::{self, CheckReport, Summary};
use crate::sys::stages::mark;
use crate::sys::term::{self, Stream};
use clap::{ArgAction, Args, ValueEnum};
use std::path::PathBuf;
use std::time::Instant;

#[derive(Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Report format: human (diagnostics with snippets), json, sarif (SARIF
    /// 2.1.0, for GitHub code scanning), github (workflow annotations), junit
    /// (JUnit XML), markdown (a job summary)
    #[arg(long, value_enum, default_value = "human")]
    pub format: CheckFormat,
    /// Also write a report in FORMAT to FILE, from the same run (repeatable;
    /// e.g. --report sarif:cercle.sarif --report markdown:summary.md)
    #[arg(long = "report", value_name = "FORMAT:FILE", value_parser = parse_report, action = ArgAction::Append)]
    pub reports: Vec<(report::Format, PathBuf)>,
    /// Lowest severity that fails the run
    #[arg(long, value_enum, default_value = "error")]
    pub fail_on: FailOn,
    /// Unresolved placements (CRC003) are errors
    #[arg(long)]
    pub strict: bool,
    /// No summary line (human and github formats), no table of causes
    #[arg(short, long)]
    pub quiet: bool,
    /// Hide the findings recorded in this baseline file
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record today's findings in this baseline file (prints how many
    /// instead of the human report)
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// No colours (also when NO_COLOR is set or stdout is not a terminal)
    #[arg(long)]
    pub no_color: bool,
}

/// `--report FORMAT:FILE`.
fn parse_report(s: &str) -> Result<(report::Format, PathBuf), String> {
    let names = report::Format::ALL.map(|f| f.as_str()).join(", ");
    let (format, file) = s
        .split_once(':')
        .ok_or_else(|| format!("expected FORMAT:FILE, where FORMAT is one of {names}"))?;
    let format = report::Format::parse(format)
        .ok_or_else(|| format!("unknown format {format:?}: expected one of {names}"))?;
    if file.is_empty() {
        return Err("expected FORMAT:FILE: the file is missing".into());
    }
    Ok((format, PathBuf::from(file)))
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum CheckFormat {
    Human,
    Json,
    Sarif,
    Github,
    Junit,
    Markdown,
}

impl CheckFormat {
    fn format(self) -> report::Format {
        match self {
            CheckFormat::Human => report::Format::Human,
            CheckFormat::Json => report::Format::Json,
            CheckFormat::Sarif => report::Format::Sarif,
            CheckFormat::Github => report::Format::Github,
            CheckFormat::Junit => report::Format::Junit,
            CheckFormat::Markdown => report::Format::Markdown,
        }
    }
}

/// `--fail-on`: the lowest severity that fails the run.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum FailOn {
    Error,
    Warning,
    Never,
}

impl FailOn {
    /// The lowest severity that fails the run (`None`: nothing does).
    pub fn severity(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Never => None,
        }
    }

    /// Whether these (open) findings fail the run.
    pub fn fails(self, findings: &[Finding]) -> bool {
        let Some(at_least) = self.severity() else {
            return false;
        };
        findings.iter().any(|f| f.severity >= at_least)
    }
}

/// What the reports of a run show.
struct Run {
    findings: Vec<Finding>,
    /// Suppressed and baselined findings, for the formats that carry them.
    hidden: Vec<Hidden>,
    summary: Summary,
    packs: Vec<String>,
}

/// Runs `cercle check`.
pub fn run(a: &CheckArgs) -> Result<Status, Error> {
    let start = Instant::now();
    let cat = Catalogue::builtin();
    let st = setup(&a.input)?;
    let mut an = crate::analyse(&options(&a.input, &st), cat).map_err(|e| e.0)?;
    mark("analysed");
    super::input::after_analysis(&a.input, &st, &an)?;
    let outcome = check(
        &mut an,
        cat,
        &CheckInput {
            config: &st.config,
            packs: &st.packs,
            cli_tier: st.tier.clone(),
            strict: a.strict || st.config.strict,
        },
    );
    mark("checked");
    let known = a.baseline.as_deref().map(Baseline::load).transpose()?;
    let findings = outcome.findings;
    // The baseline records every finding of the run, including those an older
    // baseline hides: `--baseline B --write-baseline B` updates B.
    if let Some(path) = &a.write_baseline {
        let text = baseline::write(&an.sources, &findings, &baseline::dir(path));
        write_file(path, &text)?;
        if !a.quiet {
            eprintln!(
                "wrote {} to {}",
                if findings.len() == 1 {
                    "1 finding".to_string()
                } else {
                    format!("{} findings", findings.len())
                },
                path.display()
            );
        }
    }
    let (findings, baselined) = match &known {
        Some(b) => b.split(&an.sources, findings),
        None => (findings, Vec::new()),
    };
    // Writing a baseline accepts today's findings: the run succeeds.
    let fail_on = if a.write_baseline.is_some() {
        FailOn::Never
    } else {
        a.fail_on
    };
    let fail = fail_on.fails(&findings);
    let run = summarise(&an, &st, findings, outcome.suppressed, baselined);
    let written = write_reports(a, &an, &run, start.elapsed().as_millis());
    mark("written");
    written?;
    // The process ends here: freeing the analysis would only cost time.
    std::mem::forget(an);
    std::mem::forget(outcome.tiers);
    std::mem::forget(run);
    Ok(if fail {
        Status::Findings
    } else {
        Status::Success
    })
}

/// The counts, and the hidden findings in report order.
fn summarise(
    an: &Analysis,
    st: &Setup,
    findings: Vec<Finding>,
    suppressed: Vec<Hidden>,
    baselined: Vec<Finding>,
) -> Run {
    let mut summary = Summary {
        files: an.files,
        modules: an.modules.iter().filter(|m| !m.files.is_empty()).count(),
        resources: an.resources.len(),
        units: an.units,
        ..Summary::default()
    };
    summary.count(&findings);
    summary.suppressed = suppressed.len();
    summary.baselined = baselined.len();
    let mut hidden = suppressed;
    hidden.extend(baselined.into_iter().map(|f| Hidden {
        finding: f,
        by: HiddenBy::Baseline,
    }));
    report::sort_hidden(&an.sources, &mut hidden);
    Run {
        findings,
        hidden,
        summary,
        packs: st.packs.iter().map(|p| p.id.clone()).collect(),
    }
}

/// The report in `--format` to `--output` or stdout, then each `--report`;
/// every one is tried, each failure printed.
fn write_reports(a: &CheckArgs, an: &Analysis, run: &Run, duration_ms: u128) -> Result<(), Error> {
    let render = |format: report::Format, color: bool| {
        // Only JUnit lists the resources (a test case each).
        let resources = if format == report::Format::Junit {
            report::checked(an)
        } else {
            Vec::new()
        };
        let mut summary = run.summary.clone();
        // Only people read the time: no other report depends on it.
        if format == report::Format::Human {
            summary.duration_ms = Some(duration_ms);
        }
        let r = CheckReport {
            sources: &an.sources,
            findings: &run.findings,
            hidden: &run.hidden,
            resources: &resources,
            summary,
            packs: run.packs.clone(),
            // Writing a baseline accepts today's findings (as in `run`).
            fail_on: a.fail_on.severity().filter(|_| a.write_baseline.is_none()),
        };
        let style = report::human::Style {
            color,
            width: term::width(),
            quiet: a.quiet,
        };
        report::render(format, &r, style)
    };
    let color = !a.no_color && a.input.output.is_none() && term::color(Stream::Stdout);
    let mut failed = false;
    // Writing a baseline prints how many findings it recorded, not each
    // (unless the report goes to a file or is not for people).
    let main_report = a.write_baseline.is_none()
        || a.input.output.is_some()
        || !matches!(a.format, CheckFormat::Human);
    if main_report && let Err(e) = write_out(&a.input.output, &render(a.format.format(), color)) {
        eprintln!("error: {e}");
        failed = true;
    }
    // The report went to a file: people still see how the run ended (as
    // ruff does), on stderr so that stdout stays empty.
    if a.input.output.is_some() && !a.quiet {
        let mut summary = run.summary.clone();
        summary.duration_ms = Some(duration_ms);
        eprintln!("{}", report::human::summary_line(&summary));
    }
    for (format, path) in &a.reports {
        if let Err(e) = write_file(path, &render(*format, false)) {
            eprintln!("error: {e}");
            failed = true;
        }
    }
    if failed { Err(Error::Reported) } else { Ok(()) }
}
