//! The `cercle` command line: parses the arguments, runs the command (the
//! library's `commands`), and turns how it ended into the exit status of
//! SPEC §2.

use cercle::commands::{self, Error, Status};
use cercle::commands::{check::CheckArgs, inventory::InventoryArgs, rules::RulesArgs};
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// mimalloc, tuned by `cercle::sys::memory` (why: there).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    /// The documentation of one rule (CRC002 or region-not-allowed), or
    /// without one the list of rules
    Explain {
        /// A rule code or name (none: list every rule)
        code: Option<String>,
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

/// A shell completion script for this command line.
fn completions(shell: clap_complete::Shell) -> Result<Status, Error> {
    let mut cmd = Cli::command();
    // Into a buffer: clap_complete panics when stdout is a closed pipe.
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "cercle", &mut buf);
    commands::output::write_out(&None, &String::from_utf8_lossy(&buf))?;
    Ok(Status::Success)
}

fn main() -> ExitCode {
    cercle::sys::stages::mark("start");
    cercle::sys::memory::tune();
    let mut cmd = Cli::command();
    // Loading the packs costs a little: only for `--version`.
    if std::env::args().any(|a| a == "--version") {
        cmd = cmd.long_version(commands::long_version());
    }
    let cli = match cmd
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m))
    {
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
    let outcome = match &cli.command {
        Command::Check(a) => commands::check::run(a),
        Command::Inventory(a) => commands::inventory::run(a),
        Command::Rules(a) => commands::rules::run(a),
        Command::Explain { code } => commands::explain::run(code.as_deref()),
        Command::Init { path } => commands::init::run(path),
        Command::Completions { shell } => completions(*shell),
    };
    match outcome {
        Ok(Status::Success) => ExitCode::SUCCESS,
        Ok(Status::Findings) => ExitCode::from(1),
        Err(e) => {
            e.print();
            ExitCode::from(2)
        }
    }
}
