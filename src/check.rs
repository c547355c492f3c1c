//! Checks: from placed resources to findings. This stage knows CRC000 (from
//! loading) and CRC003 (unresolved placements); the tier rules plug in here.

use crate::findings::{Code, Finding, PlacementSummary, Related};
use crate::pipeline::Analysis;
use crate::place::PlaceKind;

/// Options of the check stage.
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    /// `--strict`: unresolved placements are errors.
    pub strict: bool,
}

/// All findings of an analysis, filtered to the files named on the command
/// line when there are some, sorted.
pub fn check(an: &Analysis, opts: &CheckOptions) -> Vec<Finding> {
    let mut out: Vec<Finding> = an.findings.clone();
    for r in &an.resources {
        if matches!(r.kind, PlaceKind::Inert | PlaceKind::Global { .. }) {
            continue;
        }
        let Some(u) = &r.unresolved else { continue };
        let mut f = Finding::new(
            Code::Crc003,
            r.primary.file,
            Some(r.primary),
            format!(
                "the placement of {} cannot be determined: {}",
                r.address, u.what
            ),
        );
        f.address = Some(r.address.clone());
        f.placement = Some(PlacementSummary {
            provider: r.provider.clone(),
            region: None,
            endpoint: r.endpoint.clone(),
        });
        if u.span != r.primary {
            f.related.push(Related {
                span: u.span,
                message: "this cannot be resolved statically".to_string(),
            });
        }
        f.related.extend(r.origins.iter().cloned());
        f.help = Some(
            "set the region in the configuration (a literal, a variable default or a tfvars value), or pass it with --var"
                .to_string(),
        );
        out.push(f);
    }
    if opts.strict {
        for f in &mut out {
            if f.code == Code::Crc003 {
                f.severity = crate::findings::Severity::Error;
            }
        }
    }
    if let Some(explicit) = &an.explicit_files {
        out.retain(|f| {
            explicit.contains(&f.file)
                || f.span.is_some_and(|s| explicit.contains(&s.file))
                || f.related.iter().any(|r| explicit.contains(&r.span.file))
        });
    }
    crate::report::sort_findings(&an.sources, &mut out);
    out.dedup();
    out
}
