#![doc = include_str!("docs/CRC009.md")]

use super::{Ctx, Rule};
use crate::findings::{Code, Finding};
use crate::place::PlaceKind;
use std::collections::BTreeMap;

/// CRC009 tier-undeclared.
pub struct TierUndeclared;

impl Rule for TierUndeclared {
    fn code(&self) -> Code {
        Code::Crc009
    }

    fn doc(&self) -> &'static str {
        include_str!("docs/CRC009.md")
    }

    fn security_severity(&self) -> &'static str {
        "2.0"
    }

    fn precision(&self) -> &'static str {
        "very-high"
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Finding>) {
        out.extend(check(ctx));
    }
}

/// One note per module that has resources with no tier.
fn check(ctx: &Ctx) -> Vec<Finding> {
    let mut by_module: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, (r, t)) in ctx.an.resources.iter().zip(ctx.tiers).enumerate() {
        if t.is_none() && r.kind != PlaceKind::Inert {
            by_module.entry(r.module as usize).or_default().push(i);
        }
    }
    let mut out = Vec::new();
    for (m, idx) in by_module {
        let first = &ctx.an.resources[idx[0]];
        let mut names: Vec<&str> = idx.iter().map(|i| &*ctx.an.resources[*i].address).collect();
        names.dedup();
        let shown: Vec<&str> = names.iter().take(5).copied().collect();
        let more = if names.len() > 5 {
            format!(" and {} more", names.len() - 5)
        } else {
            String::new()
        };
        let module = &ctx.an.modules[m];
        let dir = match crate::source::display_path(
            module.unit.as_ref().unwrap_or(&module.dir),
            &std::env::current_dir().unwrap_or_default(),
        ) {
            d if d == "." => "the current directory".to_string(),
            d => d,
        };
        let mut f = Finding::new(
            Code::Crc009,
            first.file,
            Some(first.head),
            format!(
                "{} in {dir} {} no tier, so no placement rule applies: {}{more}",
                if names.len() == 1 {
                    "1 resource".to_string()
                } else {
                    format!("{} resources", names.len())
                },
                if names.len() == 1 { "has" } else { "have" },
                shown.join(", ")
            ),
        );
        f.help = Some(
            "declare a tier: a `cercle-tier` tag, a `# cercle:tier NAME` comment above the block or the module call, a [[scope]] or default_tier in cercle.toml, or --tier"
                .to_string(),
        );
        out.push(f);
    }
    out
}
