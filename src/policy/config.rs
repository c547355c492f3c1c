//! `cercle.toml` (SPEC §8): found upward from the first PATH; unknown keys,
//! bad values and bad globs are errors at their place in the file.

use crate::findings::{Code, Severity};
use crate::policy::packs::PackError;
use globset::{Glob, GlobMatcher};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    packs: Option<Vec<Spanned<String>>>,
    default_tier: Option<Spanned<String>>,
    tier_tags: Option<Vec<Spanned<String>>>,
    exclude: Option<Vec<Spanned<String>>>,
    strict: Option<bool>,
    allow_suppressions: Option<bool>,
    #[serde(default)]
    scope: Vec<RawScope>,
    #[serde(default)]
    placement: Vec<RawPlacement>,
    #[serde(default)]
    source: Vec<RawSource>,
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScope {
    paths: Vec<Spanned<String>>,
    tier: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlacement {
    set: Spanned<String>,
    provider: Spanned<String>,
    endpoint: Option<Spanned<String>>,
    regions: Option<Vec<Spanned<String>>>,
    name: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    remote: Spanned<String>,
    local: Spanned<String>,
}

/// A `[[source]]`: a remote module address prefix read from a local
/// checkout (relative to the configuration's directory).
#[derive(Clone, Debug)]
pub struct SourceRule {
    pub remote: At<String>,
    pub local: At<String>,
}

/// A value written in the configuration, with its byte range there.
#[derive(Clone, Debug)]
pub struct At<T> {
    pub value: T,
    pub span: Range<usize>,
}

fn at<T: Clone>(s: &Spanned<T>) -> At<T> {
    At {
        value: s.get_ref().clone(),
        span: s.span(),
    }
}

/// A `[[scope]]`.
#[derive(Clone, Debug)]
pub struct ScopeRule {
    pub patterns: Vec<String>,
    pub matchers: Vec<GlobMatcher>,
    pub tier: At<String>,
}

/// A `[[placement]]`: the organisation's own placement added to a set.
#[derive(Clone, Debug)]
pub struct ConfigPlacement {
    pub set: At<String>,
    pub provider: At<String>,
    pub endpoint: Option<String>,
    pub regions: Vec<String>,
    pub name: Option<String>,
}

/// The configuration, with defaults when there is no file.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// The file, when there is one.
    pub path: Option<PathBuf>,
    pub text: String,
    /// The directory globs are relative to.
    pub dir: PathBuf,
    pub packs: Vec<At<String>>,
    pub default_tier: Option<At<String>>,
    pub tier_tags: Vec<String>,
    pub exclude: Vec<String>,
    pub strict: bool,
    pub allow_suppressions: bool,
    pub scopes: Vec<ScopeRule>,
    pub placements: Vec<ConfigPlacement>,
    /// `[[source]]` mappings.
    pub sources: Vec<SourceRule>,
    /// `None`: the rule is off.
    pub severities: BTreeMap<Code, Option<Severity>>,
}

pub const FILE_NAMES: [&str; 2] = ["cercle.toml", ".cercle.toml"];

impl Config {
    pub fn defaults(dir: PathBuf) -> Config {
        Config {
            dir,
            tier_tags: vec!["cercle-tier".to_string()],
            allow_suppressions: true,
            ..Config::default()
        }
    }

    /// Finds the nearest `cercle.toml` or `.cercle.toml` in `start` or its parents.
    pub fn find(start: &Path) -> Option<PathBuf> {
        let abs = std::fs::canonicalize(start).unwrap_or_else(|_| start.to_path_buf());
        let mut dir = if abs.is_file() {
            abs.parent().map(Path::to_path_buf)
        } else {
            Some(abs)
        };
        while let Some(d) = dir {
            for n in FILE_NAMES {
                let p = d.join(n);
                if p.is_file() {
                    return Some(p);
                }
            }
            dir = d.parent().map(Path::to_path_buf);
        }
        None
    }

    /// Reads and validates a configuration file.
    pub fn load(path: &Path) -> Result<Config, PackError> {
        let text = std::fs::read_to_string(path).map_err(|e| PackError {
            file: path.display().to_string(),
            text: String::new(),
            span: None,
            message: format!("cannot read the configuration: {e}"),
        })?;
        let dir = path
            .parent()
            .map(Path::to_path_buf)
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or_else(|| PathBuf::from("."));
        Config::parse(&path.display().to_string(), &text, dir).map(|mut c| {
            c.path = Some(path.to_path_buf());
            c
        })
    }

    /// Parses a configuration's text; `file` names it in errors.
    pub fn parse(file: &str, text: &str, dir: PathBuf) -> Result<Config, PackError> {
        let err = |span: Option<Range<usize>>, message: String| PackError {
            file: file.to_string(),
            text: text.to_string(),
            span,
            message,
        };
        let raw: Raw =
            toml::from_str(text).map_err(|e| err(e.span(), e.message().trim().to_string()))?;
        let mut c = Config::defaults(dir);
        c.text = text.to_string();
        c.packs = raw.packs.unwrap_or_default().iter().map(at).collect();
        c.default_tier = raw.default_tier.as_ref().map(at);
        if let Some(tags) = raw.tier_tags {
            for t in &tags {
                if t.get_ref().trim().is_empty() {
                    return Err(err(Some(t.span()), "a tier tag key cannot be empty".into()));
                }
            }
            c.tier_tags = tags.iter().map(|t| t.get_ref().clone()).collect();
        }
        for e in raw.exclude.unwrap_or_default() {
            Glob::new(e.get_ref())
                .map_err(|x| err(Some(e.span()), format!("invalid glob: {}", x.kind())))?;
            c.exclude.push(e.get_ref().clone());
        }
        c.strict = raw.strict.unwrap_or(false);
        c.allow_suppressions = raw.allow_suppressions.unwrap_or(true);
        for s in &raw.scope {
            let mut matchers = Vec::new();
            if s.paths.is_empty() {
                return Err(err(
                    Some(s.tier.span()),
                    "a [[scope]] needs at least one path glob".into(),
                ));
            }
            for p in &s.paths {
                let g = Glob::new(p.get_ref())
                    .map_err(|x| err(Some(p.span()), format!("invalid glob: {}", x.kind())))?;
                matchers.push(g.compile_matcher());
            }
            c.scopes.push(ScopeRule {
                patterns: s.paths.iter().map(|p| p.get_ref().clone()).collect(),
                matchers,
                tier: at(&s.tier),
            });
        }
        for p in &raw.placement {
            if p.endpoint.is_none() && p.regions.as_ref().is_none_or(|r| r.is_empty()) {
                return Err(err(
                    Some(p.provider.span()),
                    "a [[placement]] needs an `endpoint` pattern or `regions`".into(),
                ));
            }
            c.placements.push(ConfigPlacement {
                set: at(&p.set),
                provider: at(&p.provider),
                endpoint: p.endpoint.as_ref().map(|e| e.get_ref().clone()),
                regions: p
                    .regions
                    .iter()
                    .flatten()
                    .map(|r| r.get_ref().clone())
                    .collect(),
                name: p.name.clone(),
            });
        }
        for s in &raw.source {
            if s.remote.get_ref().trim().is_empty() {
                return Err(err(
                    Some(s.remote.span()),
                    "a [[source]] needs a non-empty `remote` address prefix".into(),
                ));
            }
            if s.local.get_ref().trim().is_empty() {
                return Err(err(
                    Some(s.local.span()),
                    "a [[source]] needs a `local` directory".into(),
                ));
            }
            c.sources.push(SourceRule {
                remote: at(&s.remote),
                local: at(&s.local),
            });
        }
        for (k, v) in &raw.rules {
            let Some(code) = Code::parse(k.get_ref()) else {
                return Err(err(
                    Some(k.span()),
                    format!("unknown rule {:?}", k.get_ref()),
                ));
            };
            let sev = match v.get_ref().to_ascii_lowercase().as_str() {
                "error" => Some(Severity::Error),
                "warning" => Some(Severity::Warning),
                "note" => Some(Severity::Note),
                "off" => None,
                other => {
                    return Err(err(
                        Some(v.span()),
                        format!("invalid severity {other:?}: expected error, warning, note or off"),
                    ));
                }
            };
            c.severities.insert(code, sev);
        }
        Ok(c)
    }

    /// The line and column of a byte offset in the file, 1-based.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let before = &self.text[..offset.min(self.text.len())];
        let line = before.matches('\n').count() + 1;
        let col = before
            .rsplit('\n')
            .next()
            .map(|l| l.chars().count())
            .unwrap_or(0)
            + 1;
        (line, col)
    }

    /// The path of `file` relative to the configuration's directory, with `/`.
    pub fn relative(&self, file: &Path) -> String {
        let cwd = std::env::current_dir().unwrap_or_default();
        let abs = |p: &Path| {
            let j = if p.is_absolute() {
                p.to_path_buf()
            } else {
                cwd.join(p)
            };
            crate::discover::normalize(&j)
        };
        let f = abs(file);
        let d = abs(&self.dir);
        crate::source::display_path(&f, &d)
    }
}

/// The starter file `cercle init` writes.
pub const STARTER: &str = r#"# cercle configuration: https://github.com/cercle-lint/cercle
# Rule packs: fr-doctrine-2018 (default), fr-cloud-au-centre, eu-gdpr, or a path.
packs = ["fr-doctrine-2018"]

# The tier of resources that declare none (a tier id or alias of the packs).
# default_tier = "peu-sensible"

# Tag or label keys that carry a resource's tier.
tier_tags = ["cercle-tier"]

# Paths not to scan (globs).
exclude = [".terraform/**"]

# Unresolved placements (CRC003) are errors.
strict = false

# Inline `# cercle:ignore` comments are honoured.
allow_suppressions = true

# Tiers by path: the last matching scope wins.
# [[scope]]
# paths = ["envs/prod/**"]
# tier = "sensible"

# Your internal clouds, added to a placement set of the packs.
# [[placement]]
# set = "interne"
# provider = "terraform-provider-openstack/openstack"
# endpoint = "https://*.cloud.example.gouv.fr/*"

# Severities: error, warning, note or off.
[rules]
# CRC003 = "error"
"#;
