//! The data every stage after placement reads: placed resources with their
//! regions, tiers read from tags and copies of data, and the whole
//! [`Analysis`] of a run. Placement (`place/`) and plans and ARM templates
//! produce these; policy, rules and reports consume them.

use crate::assemble::Module;
use crate::eval::value::Origin;
use crate::findings::{Finding, Related};
use crate::model::FileKind;
use crate::source::{FileId, SourceMap, Span};
use std::collections::BTreeSet;
use std::sync::Arc;

/// How a resource is placed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlaceKind {
    /// In one or more regions (or unresolved).
    Regional,
    /// A type with no region: placed at the provider alone.
    Global { holds_data: bool },
    /// A provider that places no data anywhere (`random`, `null`...).
    Inert,
    /// A provider with no notion of region (placed by endpoint, or nothing).
    Endpoint,
}

/// One value a region may take.
#[derive(Clone, Debug, PartialEq)]
pub struct RegionVal {
    /// Normalised (catalogue id when known; zones mapped to their region).
    pub region: String,
    /// The places the value came through, oldest first.
    pub origins: Vec<Origin>,
}

/// What could not be resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unresolved {
    pub what: String,
    pub span: Span,
}

/// A tier read from a tag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagTier {
    /// Every value the tag may take.
    pub values: Vec<String>,
    /// Where it was written.
    pub span: Span,
    /// From the provider's default tags rather than the resource's own.
    pub from_default: bool,
}

/// One copy of data, found when the resource is evaluated.
#[derive(Clone, Debug, PartialEq)]
pub struct Egress {
    /// The argument that names the destination; for a replica, its own
    /// placement argument.
    pub span: Span,
    /// The resource whose data is copied (its address in the same root, and
    /// the argument that names it); `None`: the resource's own data.
    pub source: Option<(String, Span)>,
    /// The destination resource's address; `None` when a region is named.
    pub dest: Option<String>,
    /// The resource is itself the copy (a read replica).
    pub itself: bool,
    pub provider: String,
    pub kind: PlaceKind,
    /// The destination's regions, each with where it came from (oldest first).
    pub regions: Vec<(String, Vec<Related>)>,
    pub endpoint: Option<String>,
}

/// The module calls that lead to a resource: (module, call index), outermost
/// first; shared by the resources of a module instance.
pub type CallChain = Arc<[(usize, usize)]>;

/// A placed managed resource instance, ready for checks and reports.
#[derive(Clone, Debug)]
///
/// Instances share what they have in common: the strings naming a type,
/// provider or configuration, and equal lists of regions and of origins,
/// are shared within a root module's evaluation (they are read-only once
/// placed).
///
/// There are many: indexes are `u32`, texts boxed slices without spare
/// capacity, and what most resources lack takes one word.
pub struct Resource {
    pub address: Box<str>,
    pub ty: Arc<str>,
    /// The module it is declared in (index in [`Analysis::modules`]).
    pub module: u32,
    /// Index of its declaration in its module.
    pub decl: u32,
    pub file: FileId,
    /// The block's labels.
    pub head: Span,
    /// The whole block.
    pub block: Span,
    pub provider: Arc<str>,
    pub provider_config: Arc<str>,
    pub kind: PlaceKind,
    /// The step of the resolution order that decided its placement (its own
    /// location argument, a default, its parent, the provider's region,
    /// global, account): `cercle inventory` shows it. None: a resource the
    /// catalogue does not place (inert providers, plans, templates).
    pub placed_by: Option<crate::catalogue::types::TypeKind>,
    pub regions: Arc<[String]>,
    pub endpoint: Option<Box<str>>,
    /// Boxed: most resources have none, and there are many resources.
    pub unresolved: Option<Box<Unresolved>>,
    /// The primary location of a finding about it.
    pub primary: Span,
    /// Where the placement came from, oldest first.
    pub origins: Arc<[Related]>,
    /// The module call blocks that lead to it, outermost first (for tiers
    /// declared on a call).
    pub call_chain: CallChain,
    /// The root module it was evaluated from (index in [`Analysis::modules`]).
    pub root: u32,
    /// The tier read from a tag or label, if any.
    /// Boxed, as `unresolved`.
    pub tag_tier: Option<Box<TagTier>>,
    /// The copies of data it makes (CRC005).
    pub egress: Box<[Egress]>,
}

impl Resource {
    /// A resource placed from a file that is its own module (a plan, an ARM
    /// template): regional, nothing resolved yet, its primary location at
    /// `head`.
    #[allow(clippy::too_many_arguments)]
    pub fn from_file(
        address: String,
        ty: String,
        module: usize,
        head: Span,
        block: Span,
        provider: String,
        provider_config: String,
        tag_tier: Option<TagTier>,
    ) -> Resource {
        Resource {
            address: address.into_boxed_str(),
            ty: ty.into(),
            module: index(module),
            decl: 0,
            file: head.file,
            head,
            block,
            provider: provider.into(),
            provider_config: provider_config.into(),
            kind: PlaceKind::Regional,
            regions: Arc::new([]),
            endpoint: None,
            unresolved: None,
            primary: head,
            origins: Arc::new([]),
            call_chain: Arc::new([]),
            tag_tier: tag_tier.map(Box::new),
            egress: Box::new([]),
            placed_by: None,
            root: index(module),
        }
    }
}

impl Resource {
    /// Whether a text of its placement (what is unresolved, where it came
    /// from, its copies of data) names `address`: such a text is its own.
    pub fn names(&self, address: &str) -> bool {
        self.unresolved
            .as_ref()
            .is_some_and(|u| u.what.contains(address))
            || self.origins.iter().any(|o| o.message.contains(address))
            || self.egress.iter().any(|e| {
                e.source.as_ref().is_some_and(|(s, _)| s.contains(address))
                    || e.dest.as_ref().is_some_and(|d| d.contains(address))
                    || e.regions
                        .iter()
                        .any(|(_, o)| o.iter().any(|o| o.message.contains(address)))
            })
    }
}

/// An index into the modules or a module's declarations, as a
/// [`Resource`] keeps it (there are fewer than 2^32 of either).
pub fn index(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// The result of an analysis.
#[derive(Debug, Default)]
pub struct Analysis {
    pub sources: SourceMap,
    pub modules: Vec<Module>,
    pub resources: Vec<Resource>,
    pub findings: Vec<Finding>,
    /// Files read (configuration, variables, plans).
    pub files: usize,
    /// When PATH arguments name files: only findings touching these files are
    /// reported (SPEC §1).
    pub explicit_files: Option<BTreeSet<FileId>>,
    /// With `explicit_files`: the roots whose every finding is reported,
    /// the Terragrunt units whose own configuration (or declaring stack
    /// file) was named.
    pub explicit_roots: BTreeSet<u32>,
    /// The kind of every parsed file.
    pub file_kinds: Vec<(FileId, FileKind)>,
    /// The display name of each module's directory (same index as `modules`).
    pub root_names: Vec<String>,
    /// The root modules (indexes in `modules`).
    pub roots: Vec<usize>,
    /// Terragrunt units found (checked or not).
    pub units: usize,
    /// Whether the paths held Terragrunt configuration (units, stacks, or
    /// Terragrunt files named on the command line), read or not.
    pub terragrunt: bool,
}
