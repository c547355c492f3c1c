//! Tiers (SPEC §3): how sensitive each resource's data is, and where that was
//! declared. A resource takes the first of, most specific first:
//! 1. a tier tag or label (its own, else its provider's default tags);
//! 2. a `cercle:tier` annotation in the comment lines directly above its block;
//! 3. for a resource in a child module, the tier of the `module` block that
//!    instantiates it (levels 2 to 5 of that block, or its own caller's);
//! 4. a file annotation: a `cercle:tier` comment before the first block of the
//!    file, followed by a blank line;
//! 5. the last `[[scope]]` of the configuration whose glob matches the file;
//! 6. `--tier`, else `default_tier`.
//!
//! A name no active pack defines is CRC004 where it was written, and the
//! resource falls back to the next source.

use crate::analyse::{Analysis, CallChain, Resource};
use crate::findings::{Code, Finding};
use crate::policy::config::Config;
use crate::policy::packs::Pack;
use crate::source::{FileId, SourceFile, SourceMap, Span};
use rustc_hash::FxHashMap as HashMap;
use std::borrow::Cow;
use std::collections::BTreeSet;
use std::sync::Arc;

/// Where a tier was declared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TierSource {
    Tag,
    Annotation,
    Module,
    File,
    Scope,
    Default,
}

impl TierSource {
    pub fn as_str(self) -> &'static str {
        match self {
            TierSource::Tag => "tag",
            TierSource::Annotation => "annotation",
            TierSource::Module => "module",
            TierSource::File => "file",
            TierSource::Scope => "scope",
            TierSource::Default => "default",
        }
    }
}

/// A resource's declared tier.
#[derive(Clone, Debug)]
pub struct Declared {
    /// The names it may take (a tag built with a conditional may take several),
    /// each defined by at least one active pack.
    pub names: Vec<String>,
    /// Where it was written (`None` for `--tier`).
    pub span: Option<Span>,
    pub source: TierSource,
}

impl Declared {
    /// The tier a pack gives: the most sensitive of the names it defines.
    pub fn in_pack<'p>(&self, pack: &'p Pack) -> Option<&'p crate::policy::packs::Tier> {
        self.names
            .iter()
            .filter_map(|n| pack.tier(n))
            .min_by_key(|t| t.rank)
    }

    /// The name shown in reports: the canonical id in the first pack that
    /// defines it.
    pub fn display<'p>(&'p self, packs: &'p [Pack]) -> Cow<'p, str> {
        packs
            .iter()
            .find_map(|p| self.in_pack(p).map(|t| Cow::Borrowed(t.id.as_str())))
            .unwrap_or_else(|| Cow::Owned(self.names.join("|")))
    }
}

/// Tier inputs that do not come from the code.
pub struct TierInputs<'a> {
    pub config: &'a Config,
    /// The config file in the source map, for spans there.
    pub config_file: Option<FileId>,
    /// `--tier`.
    pub cli_tier: Option<String>,
    pub packs: &'a [Pack],
}

/// A resource's tier, if it has one: shared by the resources that get it from
/// the same place (the instances of a declaration, the resources of a file).
pub type ResourceTier = Option<Arc<Declared>>;

/// Resolves every resource's tier. Returns one entry per resource (same
/// order) and the CRC004 findings.
pub fn resolve(an: &Analysis, inp: &TierInputs) -> (Vec<ResourceTier>, Vec<Finding>) {
    use rayon::prelude::*;
    // In parallel chunks, each with its own caches; a CRC004 found in several
    // chunks is kept once, in chunk order (the result does not depend on the
    // thread count).
    let parts: Vec<(Vec<ResourceTier>, Vec<Finding>)> = an
        .resources
        .par_chunks(4096)
        .map(|chunk| {
            let mut r = Resolver {
                sources: &an.sources,
                inp,
                findings: Vec::new(),
                reported: BTreeSet::new(),
                file_ann: HashMap::default(),
                file_level: HashMap::default(),
                scopes: HashMap::default(),
                calls: HashMap::default(),
                last: None,
                last_above: None,
            };
            let out: Vec<ResourceTier> = chunk.iter().map(|res| r.resource(an, res)).collect();
            (out, r.findings)
        })
        .collect();
    let mut out = Vec::with_capacity(an.resources.len());
    let mut findings = Vec::new();
    let mut seen: BTreeSet<(Option<Span>, Option<String>)> = BTreeSet::new();
    for (o, f) in parts {
        out.extend(o);
        for x in f {
            if seen.insert((x.span, x.tier.clone())) {
                findings.push(x);
            }
        }
    }
    (out, findings)
}

/// A `cercle:tier` comment: the name and where it is written.
type Annotation = (String, Span);

struct Resolver<'a> {
    sources: &'a SourceMap,
    inp: &'a TierInputs<'a>,
    findings: Vec<Finding>,
    reported: BTreeSet<(Span, String)>,
    file_ann: HashMap<FileId, Option<(String, Span)>>,
    /// Levels 4 to 6 depend on the file only.
    file_level: HashMap<FileId, ResourceTier>,
    /// The `[[scope]]` of each file.
    scopes: HashMap<FileId, ResourceTier>,
    /// Level 3 depends on the call chain only.
    calls: HashMap<CallChain, ResourceTier>,
    /// The last resource without a tag tier, by file, block start and call
    /// chain (all its tier depends on), and its tier: the instances of a
    /// declaration come one after another.
    last: Option<((FileId, u32, CallChain), ResourceTier)>,
    /// The annotation above the last block read, by file and block start
    /// (the instances of a declaration in every root come one after another).
    last_above: Option<((FileId, u32), Option<Annotation>)>,
}

impl Resolver<'_> {
    /// Keeps the names an active pack defines; reports the others (once per place).
    fn known(&mut self, names: &[String], span: Option<Span>) -> Vec<String> {
        let mut ok = Vec::new();
        for n in names {
            if self.inp.packs.iter().any(|p| p.tier(n).is_some()) {
                ok.push(n.trim().to_string());
            } else if let Some(s) = span
                && self.reported.insert((s, n.clone()))
            {
                let known: Vec<String> = self
                    .inp
                    .packs
                    .iter()
                    .flat_map(|p| p.tiers.iter().map(|t| t.id.clone()))
                    .collect();
                let mut f = Finding::new(
                    Code::Crc004,
                    s.file,
                    Some(s),
                    format!("tier '{n}' is not defined by the active packs"),
                );
                f.tier = Some(n.clone());
                f.help = Some(format!("known tiers: {}", known.join(", ")));
                self.findings.push(f);
            }
        }
        ok
    }

    fn declared(
        &mut self,
        names: Vec<String>,
        span: Option<Span>,
        source: TierSource,
    ) -> ResourceTier {
        let names = self.known(&names, span);
        (!names.is_empty()).then(|| {
            Arc::new(Declared {
                names,
                span,
                source,
            })
        })
    }

    /// A resource's tier. Without a tag tier, it depends only on where the
    /// block is and on its call chain: the last such result is reused (the
    /// CRC004 findings of the places it reads were reported the first time).
    fn resource(&mut self, an: &Analysis, res: &Resource) -> ResourceTier {
        // The resources of one module in several Terragrunt units share
        // their block and call chain: not their tier.
        let unit = an
            .modules
            .get(res.root as usize)
            .is_some_and(|m| m.unit.is_some());
        if res.tag_tier.is_some() || unit {
            return self.resource_uncached(an, res);
        }
        if let Some(((file, start, chain), d)) = &self.last
            && *file == res.file
            && *start == res.block.start
            && **chain == *res.call_chain
        {
            return d.clone();
        }
        let d = self.resource_uncached(an, res);
        let key = (res.file, res.block.start, res.call_chain.clone());
        self.last = Some((key, d.clone()));
        d
    }

    fn resource_uncached(&mut self, an: &Analysis, res: &Resource) -> ResourceTier {
        // An unknown name is CRC004 where it is written, even where a more
        // specific source decides (SPEC §3).
        let above = self.annotation_above(res.file, res.block.start);
        for (n, s) in above.iter().cloned().chain(self.file_annotation(res.file)) {
            self.known(&[n], Some(s));
        }
        // 1. tag
        if let Some(t) = &res.tag_tier
            && let Some(d) = self.declared(t.values.clone(), Some(t.span), TierSource::Tag)
        {
            return Some(d);
        }
        // 2. annotation above the block
        if let Some((n, s)) = above
            && let Some(d) = self.declared(vec![n], Some(s), TierSource::Annotation)
        {
            return Some(d);
        }
        // 3. the module call that instantiates it
        if let Some(d) = self.call_tier(an, &res.call_chain) {
            return Some(d);
        }
        // 3'. the Terragrunt unit it is deployed by, as a module call
        if let Some(d) = self.unit_tier(an, res) {
            return Some(d);
        }
        // 4, 5, 6
        self.file_level(res.file)
    }

    /// The annotation of the `terragrunt.hcl` of the unit whose root module
    /// holds the resource: above its `unit` block in the stack that declares
    /// it, else at the top of the file or above `terraform {}` (or its
    /// `[[scope]]`), applied as a module call's.
    fn unit_tier(&mut self, an: &Analysis, res: &Resource) -> ResourceTier {
        let m = an.modules.get(res.root as usize)?;
        m.unit.as_ref()?;
        // A stack unit: a comment above its `unit` block first.
        if let Some(b) = m.unit_block
            && let Some((n, s)) = annotation_above(self.sources.get(b.file), b.start)
            && let Some(d) = self.declared(vec![n], Some(s), TierSource::Module)
        {
            return Some(d);
        }
        let config = m.inputs.first()?.0;
        if let Some((n, s)) = unit_annotation(self.sources.get(config))
            && let Some(d) = self.declared(vec![n], Some(s), TierSource::Module)
        {
            return Some(d);
        }
        self.scope(config).map(|d| {
            Arc::new(Declared {
                source: TierSource::Module,
                ..Arc::unwrap_or_clone(d)
            })
        })
    }

    /// The annotation above the block at `start` in `file` (the last one is
    /// kept).
    fn annotation_above(&mut self, file: FileId, start: u32) -> Option<Annotation> {
        if let Some((at, above)) = &self.last_above
            && *at == (file, start)
        {
            return above.clone();
        }
        let above = annotation_above(self.sources.get(file), start);
        self.last_above = Some(((file, start), above.clone()));
        above
    }

    /// Levels 4 to 6 for a file (cached: they depend on the file only).
    fn file_level(&mut self, file: FileId) -> ResourceTier {
        if let Some(d) = self.file_level.get(&file) {
            return d.clone();
        }
        let d = self.file_level_uncached(file);
        self.file_level.insert(file, d.clone());
        d
    }

    fn file_level_uncached(&mut self, file: FileId) -> ResourceTier {
        if let Some((n, s)) = self.file_annotation(file)
            && let Some(d) = self.declared(vec![n], Some(s), TierSource::File)
        {
            return Some(d);
        }
        if let Some(d) = self.scope(file) {
            return Some(d);
        }
        self.default()
    }

    fn file_annotation(&mut self, file: FileId) -> Option<(String, Span)> {
        if let Some(a) = self.file_ann.get(&file) {
            return a.clone();
        }
        let a = file_annotation(self.sources.get(file));
        self.file_ann.insert(file, a.clone());
        a
    }

    fn scope(&mut self, file: FileId) -> ResourceTier {
        if let Some(d) = self.scopes.get(&file) {
            return d.clone();
        }
        let d = self.scope_uncached(file);
        self.scopes.insert(file, d.clone());
        d
    }

    fn scope_uncached(&mut self, file: FileId) -> ResourceTier {
        let path = &self.sources.get(file).path;
        let rel = self.inp.config.relative(path);
        let hit = self
            .inp
            .config
            .scopes
            .iter()
            .rev()
            .find(|s| s.matchers.iter().any(|m| m.is_match(&rel)))?;
        let span = self
            .inp
            .config_file
            .map(|f| Span::new(f, hit.tier.span.start, hit.tier.span.end));
        self.declared(vec![hit.tier.value.clone()], span, TierSource::Scope)
    }

    fn default(&mut self) -> ResourceTier {
        if let Some(t) = &self.inp.cli_tier {
            // Validated by the command line (exit 2 when unknown).
            return Some(Arc::new(Declared {
                names: vec![t.clone()],
                span: None,
                source: TierSource::Default,
            }));
        }
        let d = self.inp.config.default_tier.as_ref()?;
        let span = self
            .inp
            .config_file
            .map(|f| Span::new(f, d.span.start, d.span.end));
        self.declared(vec![d.value.clone()], span, TierSource::Default)
    }

    /// Level 3 for a call chain (cached: the resources of a module instance
    /// share it).
    fn call_tier(&mut self, an: &Analysis, chain: &CallChain) -> ResourceTier {
        if chain.is_empty() {
            return None;
        }
        if let Some(d) = self.calls.get(chain) {
            return d.clone();
        }
        let d = self.call_tier_uncached(an, chain).map(|d| {
            Arc::new(Declared {
                source: TierSource::Module,
                ..Arc::unwrap_or_clone(d)
            })
        });
        self.calls.insert(chain.clone(), d.clone());
        d
    }

    /// The tier of the innermost module call of `chain` from levels 2 to 5,
    /// else its caller's (the default of level 6 is not passed down).
    fn call_tier_uncached(&mut self, an: &Analysis, chain: &[(usize, usize)]) -> ResourceTier {
        for (m, c) in chain.iter().rev() {
            let call = &an.modules[*m].calls[*c];
            let sources = self.sources;
            if let Some((n, s)) = annotation_above(sources.get(call.file), call.block.span.start)
                && let Some(d) = self.declared(vec![n], Some(s), TierSource::Annotation)
            {
                return Some(d);
            }
            if let Some((n, s)) = self.file_annotation(call.file)
                && let Some(d) = self.declared(vec![n], Some(s), TierSource::File)
            {
                return Some(d);
            }
            if let Some(d) = self.scope(call.file) {
                return Some(d);
            }
        }
        None
    }
}

/// Whether a line is (part of) a comment: `#`, `//`, `/* */`.
fn is_comment(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with('#')
        || t.starts_with("//")
        || t.starts_with("/*")
        || t.starts_with('*')
        || t.ends_with("*/")
}

/// Finds `cercle:tier NAME` in a line; the span of NAME.
fn tier_in_line(file: &SourceFile, line: usize) -> Option<(String, Span)> {
    let text = file.line_text(line)?;
    let i = text.find("cercle:tier")?;
    let rest = &text[i + "cercle:tier".len()..];
    let name_start = rest.len() - rest.trim_start().len();
    let name: String = rest
        .trim_start()
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '*' && *c != ',')
        .collect();
    if name.is_empty() {
        return None;
    }
    let start = file.line_start(line)? + i + "cercle:tier".len() + name_start;
    Some((name.clone(), Span::new(file.id, start, start + name.len())))
}

/// The annotation in the comment lines directly above the block starting at
/// byte `start`.
pub fn annotation_above(file: &SourceFile, start: u32) -> Option<(String, Span)> {
    let line = file.position(start).line;
    let mut l = line.checked_sub(1)?;
    while l >= 1 {
        let text = file.line_text(l)?;
        if text.trim().is_empty() || !is_comment(text) {
            break;
        }
        if let Some(t) = tier_in_line(file, l) {
            return Some(t);
        }
        l -= 1;
    }
    None
}

/// A Terragrunt unit's annotation: in the comments at the top of its
/// `terragrunt.hcl`, or directly above its `terraform {}` block.
fn unit_annotation(file: &SourceFile) -> Option<(String, Span)> {
    let mut top = true;
    for l in 1..=file.line_count() {
        let text = file.line_text(l).unwrap_or("");
        if text.trim().is_empty() {
            continue;
        }
        if is_comment(text) {
            if top && let Some(t) = tier_in_line(file, l) {
                return Some(t);
            }
            continue;
        }
        top = false;
        if text.trim_start().starts_with("terraform")
            && let Some(start) = file.line_start(l)
            && let Some(t) = annotation_above(file, start as u32)
        {
            return Some(t);
        }
    }
    None
}

/// A `cercle:tier` comment before the first block of the file, followed by a
/// blank line.
pub fn file_annotation(file: &SourceFile) -> Option<(String, Span)> {
    let mut found: Option<(String, Span)> = None;
    let mut group_has: Option<(String, Span)> = None;
    for l in 1..=file.line_count() {
        let text = file.line_text(l).unwrap_or("");
        if text.trim().is_empty() {
            // A blank line closes a comment group: its annotation is the file's.
            if let Some(g) = group_has.take() {
                found = Some(g);
            }
            continue;
        }
        if !is_comment(text) {
            // The first block: a group directly above it belongs to the block.
            break;
        }
        if let Some(t) = tier_in_line(file, l) {
            group_has = Some(t);
        }
    }
    found
}
