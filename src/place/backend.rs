//! State backends (SPEC §5, CRC006): where a root module's
//! `terraform { backend "TYPE" {} }` or `cloud {}` block stores the state,
//! placed like a resource. A backend's arguments are literals (Terraform reads
//! them before any variable); what is not written is unresolved, naming it.

use crate::catalogue::Catalogue;
use crate::model::{Block, ExprKind};
use crate::source::Span;

/// Backends that store the state in a region of a cloud provider, named by
/// one argument: (backend, provider, argument). Terraform's backend docs
/// (developer.hashicorp.com/terraform/language/backend/{oss,cos}).
const REGIONAL: &[(&str, &str, &str)] = &[
    ("oss", "aliyun/alicloud", "region"),
    ("cos", "tencentcloudstack/tencentcloud", "region"),
];

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
    if let Some((_, provider, attr)) = REGIONAL.iter().find(|(k, _, _)| *k == kind) {
        regional(&mut p, provider, attr);
        return Some(p);
    }
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
