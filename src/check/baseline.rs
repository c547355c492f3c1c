//! Baselines (SPEC §6): `--write-baseline FILE` records today's findings by a
//! fingerprint that does not depend on line numbers (code, file, address, and
//! the offending attribute or message); `--baseline FILE` hides the findings
//! it records.

use crate::findings::Finding;
use crate::source::SourceMap;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::Path;

/// FNV-1a, 64 bits: a stable hash (std's hasher is randomised per process).
pub fn fnv1a(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0u8)) {
            h ^= b as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

/// The attribute a span sits on: `region` for `region = var.region`.
fn attribute_of(sources: &SourceMap, f: &Finding) -> String {
    let Some(span) = f.span else {
        return String::new();
    };
    let file = sources.get(span.file);
    let line = file.position(span.start).line;
    let text = file.line_text(line).unwrap_or("");
    match text.split_once('=') {
        Some((name, _)) if crate::model::is_ident(name.trim()) => name.trim().to_string(),
        _ => String::new(),
    }
}

/// The finding's file, relative to `base` (the baseline file's directory; a
/// relative `base` is taken from the current directory)
/// with `/` separators, so that a baseline does not depend on the directory
/// cercle runs from.
fn file_of(sources: &SourceMap, f: &Finding, base: &Path) -> String {
    let file = sources.get(f.span.map(|s| s.file).unwrap_or(f.file));
    let cwd = std::env::current_dir().unwrap_or_default();
    let abs = crate::discover::normalize(&cwd.join(&file.path));
    crate::source::display_path(&abs, &crate::discover::normalize(&cwd.join(base)))
}

/// A finding's fingerprint: code, file (relative to `base`), address and
/// attribute; findings that are not about a resource use their message. Line
/// numbers play no part: moving a block or adding lines above it keeps it.
pub fn fingerprint(sources: &SourceMap, f: &Finding, base: &Path) -> String {
    let file = &file_of(sources, f, base);
    let attr = attribute_of(sources, f);
    let what = match (&f.address, &f.placement) {
        (Some(a), Some(p)) => format!(
            "{a}|{}|{}",
            p.region.clone().unwrap_or_default(),
            p.endpoint.clone().unwrap_or_default()
        ),
        (Some(a), None) => a.clone(),
        (None, _) => f.message.clone(),
    };
    fnv1a(&[f.code.as_str(), file, &what, &attr])
}

#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    fingerprint: String,
    code: String,
    file: String,
    address: Option<String>,
    message: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct BaselineFile {
    version: u32,
    findings: Vec<Entry>,
}

/// The baseline file's text for these findings.
/// `base` is the directory of the baseline file.
pub fn write(sources: &SourceMap, findings: &[Finding], base: &Path) -> String {
    let doc = BaselineFile {
        version: 1,
        findings: findings
            .iter()
            .map(|f| Entry {
                fingerprint: fingerprint(sources, f, base),
                code: f.code.as_str().to_string(),
                file: file_of(sources, f, base),
                address: f.address.clone(),
                message: f.message.clone(),
            })
            .collect(),
    };
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// Reads a baseline file: its fingerprints.
pub fn read(text: &str) -> Result<BTreeSet<String>, String> {
    let doc: BaselineFile =
        serde_json::from_str(text).map_err(|e| format!("invalid baseline: {e}"))?;
    if doc.version != 1 {
        return Err(format!("unsupported baseline version {}", doc.version));
    }
    Ok(doc.findings.into_iter().map(|e| e.fingerprint).collect())
}

/// A baseline file given with `--baseline`: its fingerprints and the
/// directory its file names are relative to.
pub struct Baseline {
    pub known: BTreeSet<String>,
    pub dir: std::path::PathBuf,
}

impl Baseline {
    /// Reads `--baseline FILE`; the error names the option and the file.
    pub fn load(path: &Path) -> Result<Baseline, String> {
        let known = std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|t| read(&t))
            .map_err(|e| format!("--baseline {}: {e}", path.display()))?;
        Ok(Baseline {
            known,
            dir: dir(path),
        })
    }

    /// Splits findings into (new, baselined); see [`filter`].
    pub fn split(
        &self,
        sources: &SourceMap,
        findings: Vec<Finding>,
    ) -> (Vec<Finding>, Vec<Finding>) {
        filter(sources, findings, &self.known, &self.dir)
    }
}

/// The directory a baseline's file names are relative to: the baseline's own,
/// so that it holds whatever directory cercle runs from.
pub fn dir(path: &Path) -> std::path::PathBuf {
    let cwd = std::env::current_dir().unwrap_or_else(|_| std::path::PathBuf::from("."));
    let abs = cwd.join(path);
    abs.parent().map(|p| p.to_path_buf()).unwrap_or(cwd)
}

/// Splits findings into (new, baselined), keeping the order of each; `base`
/// is the baseline's directory.
pub fn filter(
    sources: &SourceMap,
    findings: Vec<Finding>,
    known: &BTreeSet<String>,
    base: &Path,
) -> (Vec<Finding>, Vec<Finding>) {
    let mut kept = Vec::new();
    let mut hidden = Vec::new();
    for f in findings {
        if known.contains(&fingerprint(sources, &f, base)) {
            hidden.push(f);
        } else {
            kept.push(f);
        }
    }
    (kept, hidden)
}
