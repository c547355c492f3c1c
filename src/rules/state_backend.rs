#![doc = include_str!("docs/CRC006.md")]
//!
//! The state backend is placed here too ([`backend_place`], with the
//! backends' provider names written here rather than read from the
//! catalogue): its place is `src/place/`, where it will move.

use super::{Ctx, Rule};
use crate::catalogue::Catalogue;
use crate::findings::{Code, Finding, PlacementSummary, Related};
use crate::model::{Block, ExprKind};
use crate::policy::packs::Place;
use crate::source::Span;

/// Where a state backend stores the state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackendPlace {
    pub kind: String,
    pub provider: String,
    pub region: Option<String>,
    pub endpoint: Option<String>,
    /// Why the location cannot be known.
    pub unresolved: Option<String>,
    /// The argument that decided it, else the block's head.
    pub span: Span,
}

fn literal(b: &Block, name: &str) -> Option<(String, Span)> {
    let a = b.body.attr(name)?;
    a.expr.as_str().map(|s| (s.to_string(), a.expr.span))
}

/// `endpoints = { s3 = "..." }` (attribute or block) or the legacy `endpoint`.
fn s3_endpoint(b: &Block) -> Option<(String, Span)> {
    if let Some(a) = b.body.attr("endpoints")
        && let ExprKind::Object(items) = &a.expr.kind
    {
        for (k, v) in items {
            if k.as_str() == Some("s3")
                && let Some(s) = v.as_str()
            {
                return Some((s.to_string(), v.span));
            }
        }
    }
    if let Some(e) = b.body.block("endpoints")
        && let Some(x) = literal(e, "s3")
    {
        return Some(x);
    }
    literal(b, "endpoint")
}

/// The provider and region of an S3-compatible endpoint of the catalogue.
fn s3_compatible(cat: &Catalogue, url: &str) -> Option<(String, String)> {
    cat.providers.iter().find_map(|c| {
        c.s3_endpoint
            .iter()
            .find_map(|x| x.region_of(url))
            .map(|r| (c.source.clone(), c.canonical_region(&r)))
    })
}

/// Places a `backend "TYPE" {}` or `cloud {}` block (their arguments cannot
/// use variables: they are literals). `None` for the `local` backend.
pub fn backend_place(b: &Block, cat: &Catalogue) -> Option<BackendPlace> {
    let head = b.head_span();
    let kind = if b.kind == "cloud" {
        "cloud".to_string()
    } else {
        b.label(0).unwrap_or("").to_string()
    };
    let mut p = BackendPlace {
        kind: kind.clone(),
        provider: String::new(),
        region: None,
        endpoint: None,
        unresolved: None,
        span: head,
    };
    let regional = |p: &mut BackendPlace, provider: &str, attr: &str| {
        p.provider = provider.to_string();
        match literal(b, attr) {
            Some((r, s)) => {
                p.region = Some(
                    cat.provider(provider)
                        .map(|c| c.canonical_region(&r))
                        .unwrap_or_else(|| crate::catalogue::normalise_region(&r)),
                );
                p.span = s;
            }
            // OpenTofu 1.8 early evaluation allows variables here; cercle
            // reads only literals in a backend.
            None if let Some(a) = b.body.attr(attr) => {
                p.unresolved = Some(format!(
                    "the {kind} backend's {attr} is an expression, not a literal"
                ));
                p.span = a.expr.span;
            }
            None => {
                p.unresolved = Some(format!(
                    "the {kind} backend's {attr} is not written in the configuration"
                ))
            }
        }
    };
    match kind.as_str() {
        "local" | "" => return None,
        "s3" => match s3_endpoint(b) {
            // The S3-compatible storage of a provider of the catalogue
            // (Outscale OOS, Scaleway Object Storage): the state is there.
            Some((e, s)) if let Some((prov, region)) = s3_compatible(cat, &e) => {
                p.provider = prov;
                p.region = Some(region);
                p.endpoint = Some(e);
                p.span = s;
            }
            Some((e, s)) => {
                p.provider = "hashicorp/aws".to_string();
                p.endpoint = Some(e);
                p.span = s;
                if let Some((r, _)) = literal(b, "region") {
                    p.region = Some(crate::catalogue::normalise_region(&r));
                }
            }
            None => regional(&mut p, "hashicorp/aws", "region"),
        },
        "oss" => regional(&mut p, "aliyun/alicloud", "region"),
        "cos" => regional(&mut p, "tencentcloudstack/tencentcloud", "region"),
        "gcs" => {
            p.provider = "hashicorp/google".to_string();
            let bucket = literal(b, "bucket").map(|(s, _)| s).unwrap_or_default();
            p.unresolved = Some(format!(
                "the location of GCS bucket {bucket:?} is not in the configuration"
            ));
        }
        "azurerm" => {
            p.provider = "hashicorp/azurerm".to_string();
            let acct = literal(b, "storage_account_name")
                .map(|(s, _)| s)
                .unwrap_or_default();
            p.unresolved = Some(format!(
                "the location of storage account {acct:?} is not in the configuration"
            ));
        }
        "cloud" | "remote" => {
            p.provider = "hashicorp/tfe".to_string();
            let host = literal(b, "hostname");
            p.endpoint = Some(
                host.as_ref()
                    .map(|(h, _)| h.clone())
                    .unwrap_or_else(|| "app.terraform.io".to_string()),
            );
            if let Some((_, s)) = host {
                p.span = s;
            }
        }
        other => {
            p.provider = format!("backend/{other}");
            for a in ["address", "conn_str", "host", "endpoint", "path"] {
                if let Some((e, s)) = literal(b, a) {
                    p.endpoint = Some(e);
                    p.span = s;
                    break;
                }
            }
        }
    }
    Some(p)
}

/// CRC006 state-backend.
pub struct StateBackend;

impl Rule for StateBackend {
    fn code(&self) -> Code {
        Code::Crc006
    }

    fn doc(&self) -> &'static str {
        include_str!("docs/CRC006.md")
    }

    fn security_severity(&self) -> &'static str {
        "8.0"
    }

    fn precision(&self) -> &'static str {
        "high"
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Finding>) {
        out.extend(check(ctx));
    }
}

/// CRC006 (and CRC003 for a backend whose location is unknown): the state
/// backend of each root module, checked against the most sensitive tier of the
/// module's resources, per pack.
fn check(ctx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    // The tiered resources of each root, in one pass.
    let mut by_root: std::collections::HashMap<usize, Vec<usize>> = Default::default();
    for (i, r) in ctx.an.resources.iter().enumerate() {
        if ctx.tiers[i].is_some() {
            by_root.entry(r.root as usize).or_default().push(i);
        }
    }
    for &root in &ctx.an.roots {
        let m = &ctx.an.modules[root];
        let Some((block, _)) = &m.backend else {
            continue;
        };
        let Some(bp) = backend_place(block, ctx.cat) else {
            continue;
        };
        let Some(tiered) = by_root.get(&root) else {
            continue;
        };
        if let Some(u) = &bp.unresolved {
            let mut f = Finding::new(
                Code::Crc003,
                bp.span.file,
                Some(bp.span),
                format!(
                    "the {} state backend's location cannot be determined: {u}",
                    bp.kind
                ),
            );
            f.placement = Some(PlacementSummary {
                provider: bp.provider.clone(),
                region: None,
                endpoint: bp.endpoint.clone(),
            });
            out.push(f);
            continue;
        }
        for pack in ctx.packs {
            // The most sensitive tier of the module's resources in this pack.
            let best = tiered
                .iter()
                .filter_map(|i| {
                    let d = ctx.tiers[*i].as_ref()?;
                    d.in_pack(pack).map(|t| (t, *i))
                })
                .min_by_key(|(t, _)| t.rank);
            let Some((tier, which)) = best else { continue };
            let place = Place {
                provider: &bp.provider,
                region: bp.region.as_deref(),
                endpoint: bp.endpoint.as_deref(),
            };
            let allowed = tier
                .allows
                .iter()
                .filter_map(|s| pack.sets.get(s))
                .any(|s| s.contains(ctx.cat, &place));
            if allowed {
                continue;
            }
            let r = &ctx.an.resources[which];
            let at = match (&bp.region, &bp.endpoint) {
                (Some(reg), Some(e)) => format!("{} {reg} at {e}", bp.provider),
                (Some(reg), None) => format!("{} {reg}", bp.provider),
                (None, Some(e)) => format!("{} at {e}", bp.provider),
                (None, None) => bp.provider.clone(),
            };
            let tier_name = if ctx.packs.len() > 1 {
                format!("tier '{}' of {}", tier.id, pack.id)
            } else {
                format!("tier '{}'", tier.id)
            };
            let mut f = Finding::new(
                Code::Crc006,
                bp.span.file,
                Some(bp.span),
                format!(
                    "the {} state backend stores the state in {at}, which {tier_name} (of {}) does not allow",
                    bp.kind, r.address
                ),
            );
            f.tier = Some(tier.id.clone());
            f.block = Some(block.head_span());
            f.placement = Some(PlacementSummary {
                provider: bp.provider.clone(),
                region: bp.region.clone(),
                endpoint: bp.endpoint.clone(),
            });
            f.related.push(Related {
                span: r.head,
                message: format!("{} has {tier_name}, the module's most sensitive", r.address),
            });
            if let Some(s) = ctx.tiers[which].as_ref().and_then(|d| d.span) {
                f.related.push(Related {
                    span: s,
                    message: format!("tier '{}' declared here", tier.id),
                });
            }
            f.help = Some(format!("{tier_name} allows: {}", pack.allows_text(tier)));
            out.push(f);
        }
    }
    out
}
