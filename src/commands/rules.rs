//! `cercle rules`: packs, tiers and the placements each tier accepts.

use super::output::write_out;
use super::{Error, Status};
use crate::catalogue::Catalogue;
use crate::check::load_packs;
use clap::Args;
use std::path::{Path, PathBuf};

#[derive(Args, Debug)]
pub struct RulesArgs {
    /// Show only this pack (id or file; repeatable)
    #[arg(long = "pack", value_name = "ID|FILE")]
    pub packs: Vec<String>,
    /// Configuration file (its [[placement]] entries are shown)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// Runs `cercle rules`: every built-in pack, or those of `--pack`.
pub fn run(a: &RulesArgs) -> Result<Status, Error> {
    let cat = Catalogue::builtin();
    let config = super::input::config(a.config.as_ref(), Path::new("."))?;
    let packs = if a.packs.is_empty() {
        let ids: Vec<String> = crate::policy::packs::builtin(cat)?
            .iter()
            .map(|p| p.id.clone())
            .collect();
        load_packs(&ids, &config, cat)?
    } else {
        load_packs(&a.packs, &config, cat)?
    };
    let lang = crate::policy::packs::Lang::from_locale(
        ["LC_ALL", "LC_MESSAGES", "LANG"].map(|k| std::env::var(k).ok()),
    );
    write_out(&None, &crate::report::rules::render(&packs, lang))?;
    Ok(Status::Success)
}
