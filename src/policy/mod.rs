//! Policy: what is allowed where (packs), how the run is configured
//! (`cercle.toml`), and how sensitive each resource's data is (tiers).

pub mod config;
pub mod packs;
pub mod tier;
