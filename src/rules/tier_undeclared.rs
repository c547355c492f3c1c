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

/// Resource types that configure another resource and keep no data of
/// their own, reviewed from each provider's documentation of the type: an
/// S3 bucket's versioning, access block, ownership, encryption, lifecycle,
/// ACL, CORS, website, logging, request-payment, acceleration and policy
/// settings ("Provides a resource to manage ... for an S3 bucket", AWS
/// provider docs, registry.terraform.io/providers/hashicorp/aws); the
/// attachments and associations that link two resources; security-group and
/// route rules; an Azure resource group ("a container that holds related
/// resources", learn.microsoft.com/azure/azure-resource-manager/management/
/// manage-resource-groups-portal), role assignments and locks; Google IAM
/// bindings and enabled services; the same Azure objects written as ARM
/// types (`Microsoft.Resources/resourceGroups`, learn.microsoft.com/azure/
/// templates/microsoft.resources/resourcegroups). A `*` stands for any run
/// of characters; ARM types compare case-insensitively. Global types are
/// judged by the catalogue's `holds_data`.
const HOLD_NO_DATA: &[&str] = &[
    "aws_s3_bucket_versioning",
    "aws_s3_bucket_public_access_block",
    "aws_s3_bucket_ownership_controls",
    "aws_s3_bucket_server_side_encryption_configuration",
    "aws_s3_bucket_lifecycle_configuration",
    "aws_s3_bucket_acl",
    "aws_s3_bucket_cors_configuration",
    "aws_s3_bucket_website_configuration",
    "aws_s3_bucket_logging",
    "aws_s3_bucket_request_payment_configuration",
    "aws_s3_bucket_accelerate_configuration",
    "aws_s3_bucket_policy",
    "aws_*_attachment",
    "aws_*_association",
    "aws_security_group_rule",
    "aws_vpc_security_group_*_rule",
    "aws_route",
    "azurerm_resource_group",
    "azurerm_role_assignment",
    "azurerm_management_lock",
    "azurerm_*_association",
    "google_*_iam_member",
    "google_*_iam_binding",
    "google_*_iam_policy",
    "google_project_service",
    "microsoft.resources/resourcegroups",
    "microsoft.authorization/roleassignments",
    "microsoft.authorization/locks",
];

/// `pattern` with at most one `*` matches `ty`.
fn matches(pattern: &str, ty: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == ty,
        Some((pre, post)) => {
            ty.len() >= pre.len() + post.len() && ty.starts_with(pre) && ty.ends_with(post)
        }
    }
}

/// Whether a resource may hold data, so that its missing tier matters:
/// not inert, not a global type the catalogue says holds none, not a type
/// of [`HOLD_NO_DATA`].
fn holds_data(r: &crate::analyse::Resource) -> bool {
    match r.kind {
        PlaceKind::Inert | PlaceKind::Global { holds_data: false } => false,
        _ => {
            let ty = r.ty.to_ascii_lowercase();
            !HOLD_NO_DATA.iter().any(|p| matches(p, &ty))
        }
    }
}

/// One note per module that has resources with no tier (that may hold
/// data).
fn check(ctx: &Ctx) -> Vec<Finding> {
    let mut by_module: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, (r, t)) in ctx.an.resources.iter().zip(ctx.tiers).enumerate() {
        if t.is_none() && holds_data(r) {
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
        if idx.iter().all(|i| ctx.an.resources[*i].root == first.root) {
            f.root = Some(first.root);
        }
        f.help = Some(
            "declare a tier: a `cercle-tier` tag, a `# cercle:tier NAME` comment above the block or the module call, a [[scope]] or default_tier in cercle.toml, or --tier"
                .to_string(),
        );
        out.push(f);
    }
    out
}
