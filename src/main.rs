//! The `cercle` command line: argument parsing and exit codes only; the work
//! is done by the library.

use cercle::analyse::{Options, VarArg};
use cercle::catalogue::Catalogue;
use cercle::check::{CheckInput, check, load_packs};
use cercle::findings::{Hidden, HiddenBy, Severity};
use cercle::policy::config::Config;
use cercle::policy::packs::{Pack, PackError};
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
    /// Packs, tiers and the placements each tier accepts
    Rules(RulesArgs),
    /// The documentation of one rule (CRC002 or region-not-allowed)
    Explain {
        /// A rule code or name
        code: String,
    },
    /// Write a commented starter cercle.toml (never overwrites)
    Init {
        /// Where to write it
        #[arg(default_value = "cercle.toml")]
        path: PathBuf,
    },
    /// Print a shell completion script
    Completions {
        /// bash, zsh, fish, elvish or powershell
        shell: clap_complete::Shell,
    },
}

#[derive(Args)]
struct RulesArgs {
    /// Show only this pack (id or file; repeatable)
    #[arg(long = "pack", value_name = "ID|FILE")]
    packs: Vec<String>,
    /// Configuration file (its [[placement]] entries are shown)
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
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
    /// Configuration file (default: the nearest cercle.toml or .cercle.toml)
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Rule pack, built-in id or file (repeatable; replaces the configuration's)
    #[arg(long = "pack", value_name = "ID|FILE")]
    packs: Vec<String>,
    /// Default tier (overrides default_tier)
    #[arg(long, value_name = "TIER")]
    tier: Option<String>,
}

#[derive(Args)]
struct CheckArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Report format: human (diagnostics with snippets), json, sarif (SARIF
    /// 2.1.0, for GitHub code scanning), github (workflow annotations), junit
    /// (JUnit XML), markdown (a job summary)
    #[arg(long, value_enum, default_value = "human")]
    format: CheckFormat,
    /// Also write a report in FORMAT to FILE, from the same run (repeatable;
    /// e.g. --report sarif:cercle.sarif --report markdown:summary.md)
    #[arg(long = "report", value_name = "FORMAT:FILE", value_parser = parse_report, action = ArgAction::Append)]
    reports: Vec<(report::Format, PathBuf)>,
    /// Lowest severity that fails the run
    #[arg(long, value_enum, default_value = "error")]
    fail_on: FailOn,
    /// Unresolved placements (CRC003) are errors
    #[arg(long)]
    strict: bool,
    /// No summary line (human and github formats)
    #[arg(long)]
    quiet: bool,
    /// Hide the findings recorded in this baseline file
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Record today's findings in this baseline file
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
    /// No colours (also when NO_COLOR is set or stdout is not a terminal)
    #[arg(long)]
    no_color: bool,
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

/// mimalloc: the analysis allocates many small strings and trees across
/// threads; glibc's allocator spent about a fifth of the run time in
/// malloc/free there (see benches/README.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `--version`: cercle's version and the version of each built-in pack, since
/// both decide what a check reports.
fn long_version() -> &'static str {
    let mut v = env!("CARGO_PKG_VERSION").to_string();
    match cercle::policy::packs::builtin(Catalogue::builtin()) {
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

/// No transparent huge pages for this process. The allocator asks the kernel
/// for huge pages on its arenas; with the kernel's usual `defrag = madvise`,
/// each first touch of one then zeroes (and may compact) 2 MB. On the bench
/// corpus that was a quarter of the run (system time 1.2 to 2 s of 5 s at one
/// thread, against 0.4 s without) and 70 MB more peak memory (benches/README.md).
#[cfg(target_os = "linux")]
fn no_huge_pages() {
    const PR_SET_THP_DISABLE: std::ffi::c_int = 41;
    unsafe extern "C" {
        fn prctl(option: std::ffi::c_int, ...) -> std::ffi::c_int;
    }
    // SAFETY: prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) only sets a flag of this
    // process; a kernel that does not know it returns an error, ignored here.
    unsafe {
        prctl(
            PR_SET_THP_DISABLE,
            1 as std::ffi::c_ulong,
            0 as std::ffi::c_ulong,
            0 as std::ffi::c_ulong,
            0 as std::ffi::c_ulong,
        );
    }
}

#[cfg(not(target_os = "linux"))]
fn no_huge_pages() {}

/// Freed memory goes back to the system after 1 ms instead of mimalloc's
/// default 10 ms. When every root's resources are gathered into one list, the
/// default kept the per-root lists resident next to the new one (about 80 MB
/// more peak memory on the bench corpus). Purging at once (0) keeps the
/// peak lowest but makes every freed page a system call and a new page
/// fault later: on the bench corpus, 0 ms gave 189 MB and 0.99 s at two
/// threads, 1 ms 200 MB and 0.93 s, 10 ms 205 to 225 MB and 0.92 to 1.01 s
/// (benches/README.md). `mi_option_purge_delay` is 15 in the `mi_option_e`
/// enum of the mimalloc v3 sources libmimalloc-sys builds
/// (`c_src/mimalloc/v3/include/mimalloc.h`), the version Cargo.lock pins.
fn purge_soon() {
    const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;
    const PURGE_DELAY_MS: std::ffi::c_long = 1;
    unsafe extern "C" {
        fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
    }
    // SAFETY: sets one option of the allocator this binary links; options
    // may be set at any time and only tune when memory is returned.
    unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) };
}

fn main() -> ExitCode {
    cercle::sys::stages::mark("start");
    no_huge_pages();
    purge_soon();
    use clap::{CommandFactory, FromArgMatches};
    let mut cmd = <Cli as CommandFactory>::command();
    // Loading the packs costs a little: only for `--version`.
    if std::env::args().any(|a| a == "--version") {
        cmd = cmd.long_version(long_version());
    }
    let parsed = cmd
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
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
        Command::Rules(a) => run_rules(a),
        Command::Explain { code } => run_explain(&code),
        Command::Init { path } => run_init(&path),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            // Into a buffer: clap_complete panics when stdout is a closed pipe.
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut cmd, "cercle", &mut buf);
            match write_out(&None, &String::from_utf8_lossy(&buf)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => usage_error(&e),
            }
        }
    }
}

fn options(i: &InputArgs, config: &Config) -> Options {
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
    // The stages after the analysis (tiers, checks, reports) run on rayon's
    // global pool: `--threads` bounds it too. It can only be set once; a
    // second call (tests running the CLI in one process) keeps the first.
    if let Some(n) = i.threads {
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global();
    }
    Options {
        paths: i.paths.clone(),
        var_args: var_args.into_iter().map(|(_, v)| v).collect(),
        threads: i.threads,
        exclude: config.exclude.clone(),
        exclude_base: config.dir.clone(),
        tier_tags: config.tier_tags.clone(),
    }
}

/// The directory a baseline's file names are relative to: the baseline's own,
/// so that it holds whatever directory cercle runs from.
fn baseline_dir(path: &std::path::Path) -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let abs = cwd.join(path);
    abs.parent().map(|p| p.to_path_buf()).unwrap_or(cwd)
}

fn usage_error(msg: &str) -> ExitCode {
    eprintln!("error: {msg}");
    ExitCode::from(2)
}

/// Streams a report to `--output` or stdout through a buffer. A report file
/// is written into a temporary file beside it, then renamed over it, so that
/// a reader never sees half a report; something that is not a regular file
/// (`/dev/stdout`, a pipe) is written directly.
fn stream_out(
    path: &Option<PathBuf>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), String> {
    let Some(path) = path else {
        let mut w = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
        return write(&mut w)
            .and_then(|_| w.flush())
            .map_err(|e| format!("cannot write the report: {e}"));
    };
    let fail = |e: std::io::Error| format!("cannot write the report to {}: {e}", path.display());
    let regular_or_new = match std::fs::metadata(path) {
        Ok(m) => m.is_file(),
        Err(_) => true,
    };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    let target = match (regular_or_new, &name) {
        (true, Some(name)) => {
            path.with_file_name(format!(".{name}.cercle-{}.tmp", std::process::id()))
        }
        _ => path.clone(),
    };
    let result = std::fs::File::create(&target).and_then(|file| {
        let mut w = std::io::BufWriter::with_capacity(1 << 16, file);
        write(&mut w)?;
        w.flush()
    });
    let result = result.and_then(|_| {
        if target != *path {
            std::fs::rename(&target, path)
        } else {
            Ok(())
        }
    });
    if let Err(e) = result {
        if target != *path {
            let _ = std::fs::remove_file(&target);
        }
        return Err(fail(e));
    }
    Ok(())
}

/// Writes a whole report to a file (see [`stream_out`]).
fn write_file(path: &std::path::Path, text: &str) -> Result<(), String> {
    stream_out(&Some(path.to_path_buf()), |w| w.write_all(text.as_bytes()))
}

/// Writes a whole report to `--output` or stdout (see [`stream_out`]).
fn write_out(path: &Option<PathBuf>, text: &str) -> Result<(), String> {
    stream_out(path, |w| w.write_all(text.as_bytes()))
}

/// Prints a mistake in a configuration or pack file at its place.
fn file_error(e: &PackError) -> ExitCode {
    use miette::{
        GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource, Report,
    };
    let mut d = MietteDiagnostic::new(e.message.clone()).with_code("cercle::policy::config");
    if let Some(span) = &e.span {
        d = d.with_label(LabeledSpan::at(span.clone(), "here"));
    }
    let report = Report::new(d).with_source_code(NamedSource::new(e.file.clone(), e.text.clone()));
    let color = std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let mut out = String::new();
    if e.span.is_some()
        && GraphicalReportHandler::new_themed(theme)
            .render_report(&mut out, report.as_ref())
            .is_ok()
    {
        eprint!("{out}");
    } else {
        eprintln!("error: {e}");
    }
    ExitCode::from(2)
}

/// The configuration, packs and `--tier` of a run, or the exit code of a usage error.
struct Setup {
    config: Config,
    packs: Vec<Pack>,
    tier: Option<String>,
}

fn setup(i: &InputArgs) -> Result<Setup, ExitCode> {
    let config = match &i.config {
        Some(p) => {
            if !p.is_file() {
                return Err(usage_error(&format!(
                    "--config {}: no such file",
                    p.display()
                )));
            }
            Config::load(p).map_err(|e| file_error(&e))?
        }
        None => {
            let start = i
                .paths
                .first()
                .cloned()
                .unwrap_or_else(|| PathBuf::from("."));
            match Config::find(&start) {
                Some(p) => Config::load(&p).map_err(|e| file_error(&e))?,
                None => Config::defaults(PathBuf::from(".")),
            }
        }
    };
    let packs = load_packs(&i.packs, &config, Catalogue::builtin()).map_err(|e| file_error(&e))?;
    if let Some(t) = &i.tier
        && !packs.iter().any(|p| p.tier(t).is_some())
    {
        let known: Vec<String> = packs
            .iter()
            .flat_map(|p| p.tiers.iter().map(|t| t.id.clone()))
            .collect();
        return Err(usage_error(&format!(
            "--tier {t}: no active pack defines this tier (known: {})",
            known.join(", ")
        )));
    }
    Ok(Setup {
        config,
        packs,
        tier: i.tier.clone(),
    })
}

fn run_check(a: CheckArgs) -> ExitCode {
    let start = Instant::now();
    let cat = Catalogue::builtin();
    let st = match setup(&a.input) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let mut an = match cercle::analyse(&options(&a.input, &st.config), cat) {
        Ok(an) => an,
        Err(e) => return usage_error(&e.0),
    };
    cercle::sys::stages::mark("analysed");
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
    cercle::sys::stages::mark("checked");
    let mut findings = outcome.findings.clone();
    let known = match &a.baseline {
        Some(path) => match std::fs::read_to_string(path)
            .map_err(|e| format!("--baseline {}: {e}", path.display()))
            .and_then(|t| {
                cercle::check::baseline::read(&t)
                    .map_err(|e| format!("--baseline {}: {e}", path.display()))
            }) {
            Ok(k) => Some((k, baseline_dir(path))),
            Err(e) => return usage_error(&e),
        },
        None => None,
    };
    // The baseline records every finding of the run, including those an older
    // baseline hides: `--baseline B --write-baseline B` updates B.
    if let Some(path) = &a.write_baseline {
        let text = cercle::check::baseline::write(&an.sources, &findings, &baseline_dir(path));
        if let Err(e) = write_file(path, &text) {
            return usage_error(&e);
        }
    }
    let mut baselined = Vec::new();
    if let Some((known, dir)) = &known {
        let (kept, hidden) = cercle::check::baseline::filter(&an.sources, findings, known, dir);
        findings = kept;
        baselined = hidden;
    }
    let findings = &findings;
    let mut summary = Summary {
        files: an.files,
        modules: an.modules.iter().filter(|m| !m.files.is_empty()).count(),
        resources: an.resources.len(),
        ..Summary::default()
    };
    summary.count(findings);
    summary.suppressed = outcome.suppressed.len();
    summary.baselined = baselined.len();
    // Writing a baseline accepts today's findings: the run succeeds.
    let fail_on = if a.write_baseline.is_some() {
        FailOn::Never
    } else {
        a.fail_on
    };
    let fail = match fail_on {
        FailOn::Error => findings.iter().any(|f| f.severity >= Severity::Error),
        FailOn::Warning => findings.iter().any(|f| f.severity >= Severity::Warning),
        FailOn::Never => false,
    };
    // Suppressed and baselined findings, for the formats that carry them.
    let mut hidden = outcome.suppressed.clone();
    hidden.extend(baselined.into_iter().map(|f| Hidden {
        finding: f,
        by: HiddenBy::Baseline,
    }));
    report::sort_hidden(&an.sources, &mut hidden);
    let packs: Vec<String> = st.packs.iter().map(|p| p.id.clone()).collect();
    let duration_ms = start.elapsed().as_millis();
    let render = |format: report::Format, color: bool| {
        // Only JUnit lists the resources (a test case each).
        let resources = if format == report::Format::Junit {
            report::checked(&an)
        } else {
            Vec::new()
        };
        let mut summary = summary.clone();
        // Only people read the time: no other report depends on it.
        if format == report::Format::Human {
            summary.duration_ms = Some(duration_ms);
        }
        report::render(
            format,
            &CheckReport {
                sources: &an.sources,
                findings,
                hidden: &hidden,
                resources: &resources,
                summary,
                packs: packs.clone(),
            },
            report::human::Style {
                color,
                width: 100,
                quiet: a.quiet,
            },
        )
    };
    let color = !a.no_color
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && a.input.output.is_none()
        && std::io::stdout().is_terminal();
    let mut write_failed = false;
    if let Err(e) = write_out(&a.input.output, &render(a.format.format(), color)) {
        eprintln!("error: {e}");
        write_failed = true;
    }
    for (format, path) in &a.reports {
        if let Err(e) = write_file(path, &render(*format, false)) {
            eprintln!("error: {e}");
            write_failed = true;
        }
    }
    cercle::sys::stages::mark("written");
    if write_failed {
        return ExitCode::from(2);
    }
    // The process ends here: freeing the analysis would only cost time.
    std::mem::forget(an);
    std::mem::forget(outcome);
    if fail {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn run_inventory(a: InventoryArgs) -> ExitCode {
    let cat = Catalogue::builtin();
    let st = match setup(&a.input) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let mut an = match cercle::analyse(&options(&a.input, &st.config), cat) {
        Ok(an) => an,
        Err(e) => return usage_error(&e.0),
    };
    cercle::sys::stages::mark("analysed");
    // The tier stage alone: the inventory reports no findings.
    let (declared, _) = cercle::check::tiers(
        &mut an,
        &CheckInput {
            config: &st.config,
            packs: &st.packs,
            cli_tier: st.tier.clone(),
            strict: false,
        },
    );
    cercle::sys::stages::mark("tiers");
    let written = match a.format {
        InventoryFormat::Json => stream_out(&a.input.output, |w| {
            report::inventory::write_json(w, &an, &declared, &st.packs)
        }),
        InventoryFormat::Human => write_out(
            &a.input.output,
            &report::inventory::human(&an, &declared, &st.packs),
        ),
    };
    if let Err(e) = written {
        return usage_error(&e);
    }
    cercle::sys::stages::mark("written");
    // The process ends here: freeing the analysis would only cost time.
    std::mem::forget(an);
    std::mem::forget(declared);
    ExitCode::SUCCESS
}

fn run_rules(a: RulesArgs) -> ExitCode {
    let cat = Catalogue::builtin();
    let config = match &a.config {
        Some(p) => match Config::load(p) {
            Ok(c) => c,
            Err(e) => return file_error(&e),
        },
        None => match Config::find(std::path::Path::new(".")) {
            Some(p) => match Config::load(&p) {
                Ok(c) => c,
                Err(e) => return file_error(&e),
            },
            None => Config::defaults(PathBuf::from(".")),
        },
    };
    let packs = if a.packs.is_empty() {
        match cercle::policy::packs::builtin(cat) {
            Ok(p) => {
                let ids: Vec<String> = p.iter().map(|p| p.id.clone()).collect();
                match load_packs(&ids, &config, cat) {
                    Ok(p) => p,
                    Err(e) => return file_error(&e),
                }
            }
            Err(e) => return file_error(&e),
        }
    } else {
        match load_packs(&a.packs, &config, cat) {
            Ok(p) => p,
            Err(e) => return file_error(&e),
        }
    };
    let text = cercle::report::rules::render(&packs, cat);
    match write_out(&None, &text) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => usage_error(&e),
    }
}

fn run_explain(code: &str) -> ExitCode {
    match cercle::findings::Code::parse(code) {
        Some(c) => {
            let doc = cercle::rules::doc(c);
            match write_out(&None, doc) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => usage_error(&e),
            }
        }
        None => usage_error(&format!(
            "unknown rule {code:?}: expected a code CRC000..CRC009 or a name such as region-not-allowed"
        )),
    }
}

fn run_init(path: &std::path::Path) -> ExitCode {
    if path.exists() {
        return usage_error(&format!(
            "{} already exists: cercle init never overwrites",
            path.display()
        ));
    }
    match std::fs::write(path, cercle::policy::config::STARTER) {
        Ok(()) => {
            println!("wrote {}", path.display());
            ExitCode::SUCCESS
        }
        Err(e) => usage_error(&format!("cannot write {}: {e}", path.display())),
    }
}
