//! `cercle inventory`: every resource with its placement and where each part
//! came from (SPEC §2), as text or JSON.

use super::loc;
use crate::pipeline::{Analysis, Resource};
use crate::place::PlaceKind;
use serde_json::{Value, json};

/// The tier of a resource as the inventory shows it (filled by the tier stage).
#[derive(Clone, Debug, Default)]
pub struct TierInfo {
    pub tier: Option<String>,
    pub source: Option<&'static str>,
}

pub fn json(an: &Analysis, tiers: &[TierInfo]) -> String {
    let resources: Vec<Value> = an
        .resources
        .iter()
        .enumerate()
        .map(|(i, r)| resource_json(an, r, tiers.get(i).cloned().unwrap_or_default()))
        .collect();
    let mut out = serde_json::to_string_pretty(&json!({"version": 1, "resources": resources}))
        .unwrap_or_default();
    out.push('\n');
    out
}

fn resource_json(an: &Analysis, r: &Resource, tier: TierInfo) -> Value {
    let l = loc(&an.sources, r.head);
    let origins: Vec<Value> = r
        .origins
        .iter()
        .map(|o| {
            let ol = loc(&an.sources, o.span);
            json!({"file": ol.file, "line": ol.line, "column": ol.column, "message": o.message})
        })
        .collect();
    json!({
        "address": r.address,
        "type": r.ty,
        "file": l.file,
        "line": l.line,
        "column": l.column,
        "tier": tier.tier,
        "tier_source": tier.source,
        "provider": r.provider,
        "provider_config": r.provider_config,
        "placement": kind_name(r.kind),
        "regions": r.regions,
        "endpoint": r.endpoint,
        "unresolved": r.unresolved.as_ref().map(|u| u.what.clone()),
        "origins": origins,
    })
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
    out.push_str(&format!(
        "{} resources in {} files\n",
        an.resources.len(),
        an.files
    ));
    out
}
