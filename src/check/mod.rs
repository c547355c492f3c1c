//! The check stage: tiers, then the rules, then severities from the
//! configuration, then the files named on the command line (SPEC §1).

pub mod baseline;
pub mod suppress;

use crate::analyse::Analysis;
use crate::catalogue::Catalogue;
use crate::findings::{Code, Finding, Hidden, Severity};
use crate::policy::config::Config;
use crate::policy::packs::{Pack, PackError, PlacementEntry};
use crate::policy::tier::{self, ResourceTier, TierInputs};
use crate::rules::{self, Ctx};
use std::path::Path;
use std::sync::Arc;

/// What the check needs besides the analysis.
pub struct CheckInput<'a> {
    pub config: &'a Config,
    pub packs: &'a [Pack],
    /// `--tier`, already validated.
    pub cli_tier: Option<String>,
    /// `--strict` or `strict = true`.
    pub strict: bool,
}

/// The findings and every resource's tier.
pub struct Outcome {
    pub tiers: Vec<ResourceTier>,
    pub findings: Vec<Finding>,
    /// Findings hidden by an ignore comment, sorted like `findings`.
    pub suppressed: Vec<Hidden>,
}

/// Loads the packs: `--pack` values (or the configuration's `packs`, or the
/// default pack), each a built-in id or a file path.
pub fn load_packs(
    names: &[String],
    config: &Config,
    cat: &Catalogue,
) -> Result<Vec<Pack>, PackError> {
    let cfg_err = |span: Option<std::ops::Range<usize>>, message: String| PackError {
        file: config
            .path
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "--pack".to_string()),
        text: config.text.clone(),
        span,
        message,
    };
    let wanted: Vec<(String, Option<std::ops::Range<usize>>)> = if !names.is_empty() {
        names.iter().map(|n| (n.clone(), None)).collect()
    } else if !config.packs.is_empty() {
        config
            .packs
            .iter()
            .map(|p| (p.value.clone(), Some(p.span.clone())))
            .collect()
    } else {
        crate::policy::packs::builtin(cat)?
            .into_iter()
            .filter(|p| p.default)
            .map(|p| (p.id, None))
            .collect()
    };
    let mut packs: Vec<Pack> = Vec::new();
    for (name, span) in wanted {
        let pack = if let Some(p) = crate::policy::packs::builtin_pack(&name, cat) {
            p?
        } else {
            let path = if span.is_some() {
                config.dir.join(&name)
            } else {
                Path::new(&name).to_path_buf()
            };
            if !path.is_file() {
                let msg = format!(
                    "unknown pack {name:?}: not a built-in pack ({}) nor a file",
                    crate::policy::packs::builtin_ids().join(", ")
                );
                return Err(if span.is_some() {
                    cfg_err(span, msg)
                } else {
                    PackError {
                        file: "--pack".into(),
                        text: String::new(),
                        span: None,
                        message: msg,
                    }
                });
            }
            let text = std::fs::read_to_string(&path).map_err(|e| PackError {
                file: path.display().to_string(),
                text: String::new(),
                span: None,
                message: format!("cannot read the pack: {e}"),
            })?;
            crate::policy::packs::load_pack(&path.display().to_string(), &text, cat)?
        };
        if packs.iter().all(|p| p.id != pack.id) {
            packs.push(pack);
        }
    }
    // The organisation's own placements.
    for pl in &config.placements {
        let mut used = false;
        for pack in &mut packs {
            if let Some(set) = pack.sets.get_mut(&pl.set.value) {
                let provider = match cat.provider(&pl.provider.value) {
                    Some(c) => c.source.clone(),
                    None => crate::assemble::normalise_source(&pl.provider.value),
                };
                let regions = pl
                    .regions
                    .iter()
                    .map(|r| {
                        cat.provider(&provider)
                            .map(|c| c.canonical_region(r))
                            .unwrap_or_else(|| crate::catalogue::normalise_region(r))
                    })
                    .collect();
                set.placements.push(PlacementEntry {
                    name: pl.name.clone().unwrap_or_else(|| provider.clone()),
                    provider,
                    regions,
                    endpoint: pl
                        .endpoint
                        .as_deref()
                        .map(crate::policy::packs::EndpointPattern::new),
                    qualification: None,
                    since: None,
                    from_config: true,
                });
                used = true;
            }
        }
        if !used {
            return Err(cfg_err(
                Some(pl.set.span.clone()),
                format!("no active pack has a placement set {:?}", pl.set.value),
            ));
        }
    }
    Ok(packs)
}

/// The tier of every resource (same order as `an.resources`) and the CRC004
/// findings: the tier stage alone, as `cercle inventory` needs it. The
/// configuration file joins the source map, for spans in it.
pub fn tiers(an: &mut Analysis, input: &CheckInput) -> (Vec<ResourceTier>, Vec<Finding>) {
    let config_file = input.config.path.as_ref().map(|p| {
        let cwd = std::env::current_dir().unwrap_or_default();
        an.sources.add(
            p.clone(),
            crate::source::display_path(p, &cwd),
            Arc::from(input.config.text.as_str()),
        )
    });
    let (declared, mut findings) = tier::resolve(
        an,
        &TierInputs {
            config: input.config,
            config_file,
            cli_tier: input.cli_tier.clone(),
            packs: input.packs,
        },
    );
    // The configuration's tiers are CRC004 where they are written even when
    // no resource reaches them (SPEC §3): a scope every file of which has
    // annotations, a default_tier that --tier overrides is not.
    let cfg = input.config;
    let named = cfg.scopes.iter().map(|s| &s.tier).chain(
        cfg.default_tier
            .as_ref()
            .filter(|_| input.cli_tier.is_none()),
    );
    if let Some(file) = config_file {
        for t in named {
            let span = crate::source::Span::new(file, t.span.start, t.span.end);
            if input.packs.iter().all(|p| p.tier(&t.value).is_none())
                && !findings
                    .iter()
                    .any(|f| f.code == Code::Crc004 && f.span == Some(span))
            {
                let known: Vec<&str> = input
                    .packs
                    .iter()
                    .flat_map(|p| p.tiers.iter().map(|t| t.id.as_str()))
                    .collect();
                let mut f = Finding::new(
                    Code::Crc004,
                    file,
                    Some(span),
                    format!("tier '{}' is not defined by the active packs", t.value),
                );
                f.tier = Some(t.value.clone());
                f.help = Some(format!("known tiers: {}", known.join(", ")));
                findings.push(f);
            }
        }
    }
    (declared, findings)
}

/// Resolves tiers and runs every rule.
pub fn check(an: &mut Analysis, cat: &Catalogue, input: &CheckInput) -> Outcome {
    let (tiers, tier_findings) = tiers(an, input);
    let ctx = Ctx {
        an,
        cat,
        packs: input.packs,
        tiers: &tiers,
    };
    let mut out: Vec<Finding> = an.findings.clone();
    out.extend(tier_findings);
    out.extend(rules::check_all(&ctx));
    // Severities.
    for f in &mut out {
        if f.code == Code::Crc003 && input.strict {
            f.severity = Severity::Error;
        }
    }
    out.retain_mut(|f| match input.config.severities.get(&f.code) {
        Some(Some(s)) => {
            f.severity = *s;
            true
        }
        Some(None) => false,
        None => true,
    });
    let blocks: crate::check::suppress::Blocks =
        an.resources.iter().map(|r| (r.head, r.block)).collect();
    let applied = crate::check::suppress::apply(
        &an.sources,
        &an.file_kinds,
        &blocks,
        out,
        input.config.allow_suppressions,
        &crate::check::suppress::today(),
    );
    let mut out = applied.kept;
    let mut suppressed = applied.suppressed;
    if let Some(explicit) = &an.explicit_files {
        let touches = |f: &Finding| {
            explicit.contains(&f.file)
                || f.root.is_some_and(|r| an.explicit_roots.contains(&r))
                || f.span.is_some_and(|s| explicit.contains(&s.file))
                || f.related.iter().any(|r| explicit.contains(&r.span.file))
        };
        out.retain(touches);
        suppressed.retain(|h| touches(&h.finding));
    }
    crate::findings::sort_findings(&an.sources, &mut out);
    out.dedup();
    if an.explicit_files.is_some() {
        // A named file of a module called from several roots is checked in
        // each (SPEC §1): the same finding on the same resource address,
        // reached through another root, is reported once (the first root's
        // provenance is kept).
        out.dedup_by(|b, a| {
            a.address.is_some()
                && (a.code, a.span, &a.address, &a.message)
                    == (b.code, b.span, &b.address, &b.message)
        });
    }
    crate::findings::sort_hidden(&an.sources, &mut suppressed);
    suppressed.dedup();
    Outcome {
        tiers,
        findings: out,
        suppressed,
    }
}
