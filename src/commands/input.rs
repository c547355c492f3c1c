//! What `check` and `inventory` read: paths, variables, configuration,
//! packs and `--tier`.

use super::Error;
use crate::analyse::{Options, VarArg};
use crate::catalogue::Catalogue;
use crate::check::load_packs;
use crate::policy::config::Config;
use crate::policy::packs::{Pack, PackError};
use clap::{ArgAction, Args};
use std::path::{Path, PathBuf};

#[derive(Args, Debug)]
pub struct InputArgs {
    /// Files or directories to read (default: .); a cercle.toml names the
    /// tree it governs (its directory) and is its configuration
    pub paths: Vec<PathBuf>,
    /// Set a variable, as `terraform plan -var` (repeatable)
    #[arg(long = "var", value_name = "NAME=VALUE", action = ArgAction::Append)]
    pub vars: Vec<String>,
    /// Read variable values from a .tfvars or .tfvars.json file (repeatable)
    #[arg(long = "var-file", value_name = "FILE", action = ArgAction::Append)]
    pub var_files: Vec<PathBuf>,
    /// Worker threads (default: all cores)
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Write the report there instead of stdout
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Configuration file (default: the nearest cercle.toml or .cercle.toml)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Rule pack, built-in id or file (repeatable; replaces the
    /// configuration's). Built-in: fr-doctrine-2018 (default),
    /// fr-cloud-au-centre, eu-gdpr
    #[arg(long = "pack", value_name = "ID|FILE")]
    pub packs: Vec<String>,
    /// Default tier (overrides default_tier): a tier id or alias of the
    /// active packs. fr-doctrine-2018: sensible (sensitive), sensibilite-moindre
    /// (less-sensitive), peu-sensible (low-sensitivity); `cercle rules` lists
    /// every pack's
    #[arg(long, value_name = "TIER")]
    pub tier: Option<String>,
}

/// `--var` and `--var-file` in command-line order: clap does not keep the
/// relative order of two options, so it is read from argv.
fn var_args(i: &InputArgs) -> Vec<VarArg> {
    let mut var_args: Vec<(usize, VarArg)> = Vec::new();
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
    var_args.into_iter().map(|(_, v)| v).collect()
}

/// The most worker threads, whatever the cores: each has a 64 MiB stack
/// reserved, and thousands of them only cost time.
pub const MAX_THREADS: usize = 256;

/// `--threads n` on a machine with `cores` cores: at least 1, at most 4 per
/// core and [`MAX_THREADS`]; true when `n` was cut.
pub fn cap_threads(n: usize, cores: usize) -> (usize, bool) {
    let max = cores.saturating_mul(4).clamp(1, MAX_THREADS);
    (n.clamp(1, max), n > max)
}

/// The analysis options of a run.
pub fn options(i: &InputArgs, st: &Setup) -> Options {
    let config = &st.config;
    // The stages after the analysis (tiers, checks, reports) run on rayon's
    // global pool: `--threads` bounds it too. It can only be set once; a
    // second call (tests running the CLI in one process) keeps the first.
    let threads = i.threads.map(|n| {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let (n, capped) = cap_threads(n, cores);
        if capped {
            eprintln!(
                "cercle: --threads {} is more than this machine can use: {n} threads (4 per core on {cores} cores, at most {MAX_THREADS})",
                i.threads.unwrap_or(0)
            );
        }
        n
    });
    if let Some(n) = threads {
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global();
    }
    Options {
        paths: st.paths.clone(),
        var_args: var_args(i),
        threads,
        exclude: config.exclude.clone(),
        exclude_base: config.dir.clone(),
        tier_tags: config.tier_tags.clone(),
        sources: source_mappings(config),
    }
}

/// A directory relative to the working directory when below it (as
/// discovery names module directories), else absolute.
fn near(dir: &std::path::Path) -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_default();
    let abs = crate::discover::normalize(&cwd.join(dir));
    match abs.strip_prefix(&cwd) {
        Ok(r) if r.as_os_str().is_empty() => PathBuf::from("."),
        Ok(r) => r.to_path_buf(),
        Err(_) => abs,
    }
}

/// `[[source]]` of the configuration, with `local` from its directory.
fn source_mappings(config: &Config) -> crate::terragrunt::source::SourceMap {
    crate::terragrunt::source::SourceMap {
        mappings: config
            .sources
            .iter()
            .map(|s| crate::terragrunt::source::Mapping {
                remote: s.remote.value.clone(),
                local: near(&config.dir.join(&s.local.value)),
            })
            .collect(),
    }
}

/// The configuration, packs and `--tier` of a run.
pub struct Setup {
    /// The paths to read: a configuration file named on the command line
    /// stands for its directory.
    pub paths: Vec<PathBuf>,
    /// Every PATH named a configuration file (a commit of `cercle.toml`
    /// alone): a tree with no Terraform yet is then no error.
    pub only_config: bool,
    pub config: Config,
    pub packs: Vec<Pack>,
    pub tier: Option<String>,
}

/// `--config FILE`, else the nearest configuration above `start`, else the
/// defaults.
pub fn config(path: Option<&PathBuf>, start: &std::path::Path) -> Result<Config, Error> {
    Ok(match path {
        Some(p) => Config::load(p)?,
        None => match Config::find(start) {
            Some(p) => Config::load(&p)?,
            None => Config::defaults(PathBuf::from(".")),
        },
    })
}

/// Whether a path names a configuration file (`cercle.toml`, `.cercle.toml`).
fn is_config_file(p: &Path) -> bool {
    p.is_file()
        && p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| crate::policy::config::FILE_NAMES.contains(&n))
}

/// The directory a configuration file governs (`.` for a bare file name).
fn config_dir(p: &Path) -> PathBuf {
    match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Loads the configuration and the packs, and checks `--tier`, the
/// configuration's tiers and `--var-file`.
pub fn setup(i: &InputArgs) -> Result<Setup, Error> {
    if let Some(p) = &i.config
        && !p.is_file()
    {
        return Err(Error::Usage(format!(
            "--config {}: no such file",
            p.display()
        )));
    }
    for f in &i.var_files {
        if f.is_dir() {
            return Err(Error::Usage(format!(
                "--var-file {}: is a directory; expected a file of variable values (.tfvars or .tfvars.json)",
                f.display()
            )));
        }
    }
    // A configuration file named as a PATH (the pre-commit hook names a
    // staged cercle.toml): its directory is checked, under it.
    let named_config = i.paths.iter().find(|p| is_config_file(p)).cloned();
    let mut paths: Vec<PathBuf> = Vec::new();
    for p in &i.paths {
        let p = if is_config_file(p) {
            config_dir(p)
        } else {
            p.clone()
        };
        if !paths.contains(&p) {
            paths.push(p);
        }
    }
    let start = paths.first().cloned().unwrap_or_else(|| PathBuf::from("."));
    let config = config(i.config.as_ref().or(named_config.as_ref()), &start)?;
    let packs = load_packs(&i.packs, &config, Catalogue::builtin())?;
    let known = || {
        packs
            .iter()
            .flat_map(|p| p.tiers.iter().map(|t| t.id.clone()))
            .collect::<Vec<String>>()
            .join(", ")
    };
    if let Some(t) = &i.tier
        && !packs.iter().any(|p| p.tier(t).is_some())
    {
        return Err(Error::Usage(format!(
            "--tier {t}: no active pack defines this tier (known: {})",
            known()
        )));
    }
    // The configuration's tiers, as `--tier` is: a typo there is a mistake in
    // the file, never a finding a severity could turn off.
    let named = config
        .scopes
        .iter()
        .map(|s| &s.tier)
        .chain(config.default_tier.as_ref().filter(|_| i.tier.is_none()));
    for t in named {
        if packs.iter().all(|p| p.tier(&t.value).is_none()) {
            return Err(Error::File(PackError {
                file: config
                    .path
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default(),
                text: config.text.clone(),
                span: Some(t.span.clone()),
                message: format!(
                    "tier '{}' is not defined by the active packs (known: {})",
                    t.value,
                    known()
                ),
            }));
        }
    }
    Ok(Setup {
        only_config: !i.paths.is_empty() && i.paths.iter().all(|p| is_config_file(p)),
        paths,
        config,
        packs,
        tier: i.tier.clone(),
    })
}

/// After the analysis: a run that read no Terraform (nor Terragrunt) is an error (a wrong
/// PATH or Action `paths` must not pass a gate silently; a configuration
/// file named alone is checked by loading it), and a `--var` no
/// root module declares is warned about, as Terraform does.
pub fn after_analysis(
    i: &InputArgs,
    st: &Setup,
    an: &crate::analyse::Analysis,
) -> Result<(), Error> {
    let read_config = an.file_kinds.iter().any(|(_, k)| !k.is_tfvars()) || an.terragrunt;
    if !read_config && !st.only_config {
        let shown: Vec<String> = if st.paths.is_empty() {
            vec![".".to_string()]
        } else {
            st.paths.iter().map(|p| p.display().to_string()).collect()
        };
        return Err(Error::Usage(format!(
            "no Terraform or OpenTofu files found in {} (*.tf, *.tf.json, *.tofu, plans, ARM templates): check the paths",
            shown.join(", ")
        )));
    }
    for v in &i.vars {
        let Some((name, _)) = v.split_once('=') else {
            continue;
        };
        let declared = an
            .roots
            .iter()
            .any(|&m| an.modules[m].variables.contains_key(name));
        if !declared {
            eprintln!(
                "warning: value for undeclared variable: --var {name}=...: no root module declares a variable \"{name}\", so the value is not used"
            );
        }
    }
    Ok(())
}
