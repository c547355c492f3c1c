//! The commands of SPEC §2, one file each: their arguments (clap derives,
//! which `main.rs` assembles) and their bodies. A command returns its
//! [`Status`] or an [`Error`]; `main.rs` prints the error and turns either
//! into the exit code.

pub mod check;
pub mod explain;
pub mod init;
pub mod input;
pub mod inventory;
pub mod output;
pub mod rules;

use crate::policy::packs::PackError;

/// How a command that ran ended (SPEC §2: exit 0 or 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Exit 0.
    Success,
    /// Exit 1: a finding at or above `--fail-on`.
    Findings,
}

/// Why a command could not run or finish: exit 2.
#[derive(Debug)]
pub enum Error {
    /// A usage error, or a report that cannot be written: one line.
    Usage(String),
    /// A mistake in a configuration or pack file, shown at its place.
    File(PackError),
    /// Already printed (each report that could not be written).
    Reported,
}

impl From<PackError> for Error {
    fn from(e: PackError) -> Error {
        Error::File(e)
    }
}

impl From<String> for Error {
    fn from(e: String) -> Error {
        Error::Usage(e)
    }
}

impl Error {
    /// Prints the error to stderr.
    pub fn print(&self) {
        match self {
            Error::Usage(msg) => eprintln!("error: {msg}"),
            Error::File(e) => print_file_error(e),
            Error::Reported => {}
        }
    }
}

/// Prints a mistake in a configuration or pack file at its place.
fn print_file_error(e: &PackError) {
    use miette::{
        GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource, Report,
    };
    let mut d = MietteDiagnostic::new(e.message.clone()).with_code("cercle::policy::config");
    if let Some(span) = &e.span {
        d = d.with_label(LabeledSpan::at(span.clone(), "here"));
    }
    let report = Report::new(d).with_source_code(NamedSource::new(e.file.clone(), e.text.clone()));
    let theme = if crate::sys::term::color(crate::sys::term::Stream::Stderr) {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let mut out = String::new();
    // A place too far along its line for a snippet: the plain form names it.
    let fits = e
        .span
        .as_ref()
        .is_some_and(|s| crate::report::human::fits_snippet(&e.text, s.start, s.end));
    if fits
        && GraphicalReportHandler::new_themed(theme)
            .render_report(&mut out, report.as_ref())
            .is_ok()
    {
        eprint!("{out}");
    } else {
        eprintln!("error: {e}");
    }
}

/// `--version`: cercle's version and the version of each built-in pack, since
/// both decide what a check reports. Once per process (clap keeps it for the
/// process's life).
pub fn long_version() -> &'static str {
    let mut v = env!("CARGO_PKG_VERSION").to_string();
    match crate::policy::packs::builtin(crate::catalogue::Catalogue::builtin()) {
        Ok(packs) => {
            v.push_str("\npacks:");
            for p in packs {
                v.push_str(&format!("\n  {} {}", p.id, p.version));
            }
        }
        Err(e) => v.push_str(&format!("\npacks: cannot be loaded: {e}")),
    }
    Box::leak(v.into_boxed_str())
}
