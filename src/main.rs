//! The `cercle` command line: argument parsing and exit codes only; the work
//! is done by the library.

use cercle::catalogue::Catalogue;
use cercle::check::{CheckOptions, check};
use cercle::findings::Severity;
use cercle::pipeline::{Options, VarArg};
use cercle::report::{self, CheckReport, Summary};
use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Parser)]
#[command(
    name = "cercle",
    version,
    about = "Keeps sensitive data where the law allows it: a residency linter for Terraform and OpenTofu"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check every resource's placement against its tier
    Check(CheckArgs),
    /// List every resource with its tier and placement, and where each came from
    Inventory(InventoryArgs),
}

#[derive(Args)]
struct InputArgs {
    /// Files or directories to read (default: .)
    paths: Vec<PathBuf>,
    /// Set a variable, as `terraform plan -var` (repeatable)
    #[arg(long = "var", value_name = "NAME=VALUE", action = ArgAction::Append)]
    vars: Vec<String>,
    /// Read variable values from a file (repeatable)
    #[arg(long = "var-file", value_name = "FILE", action = ArgAction::Append)]
    var_files: Vec<PathBuf>,
    /// Worker threads (default: all cores)
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// Write the report there instead of stdout
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Args)]
struct CheckArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Report format
    #[arg(long, value_enum, default_value = "human")]
    format: CheckFormat,
    /// Lowest severity that fails the run
    #[arg(long, value_enum, default_value = "error")]
    fail_on: FailOn,
    /// Unresolved placements (CRC003) are errors
    #[arg(long)]
    strict: bool,
    /// No summary line
    #[arg(long)]
    quiet: bool,
    /// No colours (also when NO_COLOR is set or stdout is not a terminal)
    #[arg(long)]
    no_color: bool,
}

#[derive(Args)]
struct InventoryArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Report format
    #[arg(long, value_enum, default_value = "human")]
    format: InventoryFormat,
}

#[derive(Clone, Copy, ValueEnum)]
enum CheckFormat {
    Human,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum InventoryFormat {
    Human,
    Json,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum FailOn {
    Error,
    Warning,
    Never,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match cli.command {
        Command::Check(a) => run_check(a),
        Command::Inventory(a) => run_inventory(a),
    }
}

fn options(i: &InputArgs) -> Options {
    let mut var_args: Vec<(usize, VarArg)> = Vec::new();
    // clap does not keep the relative order of two options; read it from argv.
    let argv: Vec<String> = std::env::args().collect();
    let (mut vi, mut fi) = (0, 0);
    let mut pos = 0;
    for (k, a) in argv.iter().enumerate() {
        if (a == "--var" || a.starts_with("--var=")) && vi < i.vars.len() {
            var_args.push((k, VarArg::Var(i.vars[vi].clone())));
            vi += 1;
        } else if (a == "--var-file" || a.starts_with("--var-file=")) && fi < i.var_files.len() {
            var_args.push((k, VarArg::File(i.var_files[fi].clone())));
            fi += 1;
        }
        pos = k;
    }
    for v in &i.vars[vi..] {
        pos += 1;
        var_args.push((pos, VarArg::Var(v.clone())));
    }
    for f in &i.var_files[fi..] {
        pos += 1;
        var_args.push((pos, VarArg::File(f.clone())));
    }
    var_args.sort_by_key(|(k, _)| *k);
    Options {
        paths: i.paths.clone(),
        var_args: var_args.into_iter().map(|(_, v)| v).collect(),
        threads: i.threads,
        exclude: Vec::new(),
    }
}

fn usage_error(msg: &str) -> ExitCode {
    eprintln!("error: {msg}");
    ExitCode::from(2)
}

fn write_out(path: &Option<PathBuf>, text: &str) -> Result<(), String> {
    match path {
        Some(p) => {
            std::fs::write(p, text).map_err(|e| format!("cannot write {}: {e}", p.display()))
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())
                .and_then(|_| out.flush())
                .map_err(|e| format!("cannot write the report: {e}"))
        }
    }
}

fn run_check(a: CheckArgs) -> ExitCode {
    let start = Instant::now();
    let cat = Catalogue::builtin();
    let an = match cercle::analyse(&options(&a.input), cat) {
        Ok(an) => an,
        Err(e) => return usage_error(&e.0),
    };
    let findings = check(&an, &CheckOptions { strict: a.strict });
    let mut summary = Summary {
        files: an.files,
        modules: an.modules.len(),
        resources: an.resources.len(),
        ..Summary::default()
    };
    summary.count(&findings);
    let fail = match a.fail_on {
        FailOn::Error => findings.iter().any(|f| f.severity >= Severity::Error),
        FailOn::Warning => findings.iter().any(|f| f.severity >= Severity::Warning),
        FailOn::Never => false,
    };
    let text = match a.format {
        CheckFormat::Json => report::json::render(&CheckReport {
            sources: &an.sources,
            findings: &findings,
            summary,
            packs: Vec::new(),
        }),
        CheckFormat::Human => {
            summary.duration_ms = Some(start.elapsed().as_millis());
            let color = !a.no_color
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && a.input.output.is_none()
                && std::io::stdout().is_terminal();
            report::human::render(
                &CheckReport {
                    sources: &an.sources,
                    findings: &findings,
                    summary,
                    packs: Vec::new(),
                },
                report::human::Style {
                    color,
                    width: 100,
                    quiet: a.quiet,
                },
            )
        }
    };
    if let Err(e) = write_out(&a.input.output, &text) {
        return usage_error(&e);
    }
    if fail {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn run_inventory(a: InventoryArgs) -> ExitCode {
    let cat = Catalogue::builtin();
    let an = match cercle::analyse(&options(&a.input), cat) {
        Ok(an) => an,
        Err(e) => return usage_error(&e.0),
    };
    let tiers = Vec::new();
    let text = match a.format {
        InventoryFormat::Json => report::inventory::json(&an, &tiers),
        InventoryFormat::Human => report::inventory::human(&an, &tiers),
    };
    if let Err(e) = write_out(&a.input.output, &text) {
        return usage_error(&e);
    }
    ExitCode::SUCCESS
}
