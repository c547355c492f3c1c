//! `cercle inventory`: every resource, its tier and its placement, and where
//! each came from.

use super::input::{InputArgs, options, setup};
use super::output::{stream_out, write_out};
use super::{Error, Status};
use crate::catalogue::Catalogue;
use crate::check::CheckInput;
use crate::report;
use crate::sys::stages::mark;
use clap::{Args, ValueEnum};

#[derive(Args, Debug)]
pub struct InventoryArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Report format
    #[arg(long, value_enum, default_value = "human")]
    pub format: InventoryFormat,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum InventoryFormat {
    Human,
    Json,
}

/// Runs `cercle inventory`.
pub fn run(a: &InventoryArgs) -> Result<Status, Error> {
    let cat = Catalogue::builtin();
    let st = setup(&a.input)?;
    let mut an = crate::analyse(&options(&a.input, &st), cat).map_err(|e| e.0)?;
    mark("analysed");
    super::input::after_analysis(&a.input, &st, &an)?;
    // The tier stage alone: the inventory reports no findings.
    let (declared, _) = crate::check::tiers(
        &mut an,
        &CheckInput {
            config: &st.config,
            packs: &st.packs,
            cli_tier: st.tier.clone(),
            strict: false,
        },
    );
    mark("tiers");
    match a.format {
        InventoryFormat::Json => stream_out(&a.input.output, |w| {
            report::inventory::write_json(w, &an, &declared, &st.packs)
        }),
        InventoryFormat::Human => write_out(
            &a.input.output,
            &report::inventory::human(&an, &declared, &st.packs),
        ),
    }?;
    mark("written");
    // The process ends here: freeing the analysis would only cost time.
    std::mem::forget(an);
    std::mem::forget(declared);
    Ok(Status::Success)
}
