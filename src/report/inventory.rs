//! `cercle inventory`: every resource with its placement and where each part
//! came from (SPEC §2), as text or JSON.

use super::loc;
use crate::pipeline::{Analysis, Resource};
use crate::place::PlaceKind;
use serde::Serialize;

/// The tier of a resource as the inventory shows it (filled by the tier stage).
#[derive(Clone, Debug, Default)]
pub struct TierInfo {
    pub tier: Option<String>,
    pub source: Option<&'static str>,
}

/// Resources per batch: each batch is serialised in parallel, written, then
/// dropped, so the report never sits whole in memory.
const BATCH: usize = 2048;

/// Streams the JSON report to `w`. Resources are serialised from borrowed
/// structs (no intermediate value tree), in parallel within each batch; the
/// bytes do not depend on the thread count.
pub fn write_json<W: std::io::Write + ?Sized>(
    w: &mut W,
    an: &Analysis,
    tiers: &[TierInfo],
) -> std::io::Result<()> {
    use rayon::prelude::*;
    w.write_all(b"{\n  \"version\": 1,\n  \"resources\": [")?;
    if an.resources.is_empty() {
        return w.write_all(b"]\n}\n");
    }
    let none = TierInfo::default();
    for (b, batch) in an.resources.chunks(BATCH).enumerate() {
        let base = b * BATCH;
        let texts: Vec<Vec<u8>> = batch
            .par_iter()
            .enumerate()
            .map(|(i, r)| {
                let t = tiers.get(base + i).unwrap_or(&none);
                let v = resource_json(an, r, t);
                let mut buf = Vec::with_capacity(1024);
                let fmt = serde_json::ser::PrettyFormatter::with_indent(b"  ");
                let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
                // Serialising borrowed strings and numbers cannot fail.
                let _ = v.serialize(&mut ser);
                let mut out = Vec::with_capacity(buf.len() + buf.len() / 6 + 8);
                out.extend_from_slice(if base + i == 0 { b"\n    " } else { b",\n    " });
                for &c in &buf {
                    out.push(c);
                    if c == b'\n' {
                        out.extend_from_slice(b"    ");
                    }
                }
                out
            })
            .collect();
        for t in &texts {
            w.write_all(t)?;
        }
    }
    w.write_all(b"\n  ]\n}\n")
}

#[derive(Serialize)]
struct OriginJson<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    message: &'a str,
}

#[derive(Serialize)]
struct ResourceJson<'a> {
    address: &'a str,
    #[serde(rename = "type")]
    ty: &'a str,
    file: &'a str,
    line: usize,
    column: usize,
    root: &'a str,
    tier: Option<&'a str>,
    tier_source: Option<&'static str>,
    provider: &'a str,
    provider_config: &'a str,
    placement: &'static str,
    regions: &'a [String],
    endpoint: Option<&'a str>,
    unresolved: Option<&'a str>,
    origins: Vec<OriginJson<'a>>,
}

fn resource_json<'a>(an: &'a Analysis, r: &'a Resource, tier: &'a TierInfo) -> ResourceJson<'a> {
    let p = an.sources.start(r.head);
    ResourceJson {
        address: &r.address,
        ty: &r.ty,
        file: &an.sources.get(r.head.file).display,
        line: p.line,
        column: p.column,
        root: &an.root_names[r.root],
        tier: tier.tier.as_deref(),
        tier_source: tier.source,
        provider: &r.provider,
        provider_config: &r.provider_config,
        placement: kind_name(r.kind),
        regions: &r.regions,
        endpoint: r.endpoint.as_deref(),
        unresolved: r.unresolved.as_ref().map(|u| u.what.as_str()),
        origins: r
            .origins
            .iter()
            .map(|o| {
                let op = an.sources.start(o.span);
                OriginJson {
                    file: &an.sources.get(o.span.file).display,
                    line: op.line,
                    column: op.column,
                    message: &o.message,
                }
            })
            .collect(),
    }
}

/// How a resource is placed, in one word.
pub fn kind_name(k: PlaceKind) -> &'static str {
    match k {
        PlaceKind::Regional => "regional",
        PlaceKind::Global { .. } => "global",
        PlaceKind::Inert => "none",
        PlaceKind::Endpoint => "endpoint",
    }
}

/// The text form: one block per resource.
pub fn human(an: &Analysis, tiers: &[TierInfo]) -> String {
    let mut out = String::new();
    for (i, r) in an.resources.iter().enumerate() {
        let l = loc(&an.sources, r.head);
        let where_ = match r.kind {
            PlaceKind::Inert => "places no data".to_string(),
            PlaceKind::Global { .. } => "global (placed at the provider)".to_string(),
            _ if r.regions.is_empty() => "-".to_string(),
            _ => r.regions.join(", "),
        };
        out.push_str(&format!("{}\n", r.address));
        out.push_str(&format!("  at        {}:{}:{}\n", l.file, l.line, l.column));
        if an.roots.len() > 1 {
            out.push_str(&format!("  root      {}\n", an.root_names[r.root]));
        }
        out.push_str(&format!(
            "  provider  {} ({})\n",
            r.provider, r.provider_config
        ));
        out.push_str(&format!("  region    {where_}\n"));
        if let Some(e) = &r.endpoint {
            out.push_str(&format!("  endpoint  {e}\n"));
        }
        if let Some(t) = tiers.get(i).and_then(|t| t.tier.clone()) {
            out.push_str(&format!("  tier      {t}\n"));
        }
        if let Some(u) = &r.unresolved {
            let ul = loc(&an.sources, u.span);
            out.push_str(&format!(
                "  UNRESOLVED {} ({}:{}:{})\n",
                u.what, ul.file, ul.line, ul.column
            ));
        }
        for o in &r.origins {
            let ol = loc(&an.sources, o.span);
            out.push_str(&format!(
                "  from      {}:{}:{} {}\n",
                ol.file, ol.line, ol.column, o.message
            ));
        }
    }
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    out.push_str(&format!(
        "{} in {}\n",
        plural(an.resources.len(), "resource", "resources"),
        plural(an.files, "file", "files")
    ));
    out
}
