//! Reads the type catalogue files (`rules/providers/generated/*.toml` and
//! `rules/providers/corrections/*.toml`, tools/catalogue/FORMAT.md), checks
//! them, applies the corrections and writes the static tables the binary
//! looks types up in ([`super::types`]).
//!
//! `build.rs` includes this file (`#[path]`): the files are read once, at
//! build time, and a file that does not follow the format fails the build.
//! It uses only `std` and `toml`, so that the build script can compile it;
//! the library keeps it for the tests (`tests/catalogue_types.rs`), which
//! read the same files through the same code.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

/// One `[types]` entry, after checking (the `why` key resolved to its text).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileEntry {
    pub kind: String,
    pub location: Vec<String>,
    pub required: bool,
    pub default: Option<String>,
    pub parent: Vec<String>,
    pub parent_types: Vec<String>,
    pub parent_name_attr: Option<String>,
    pub fallback_provider: bool,
    pub holds_data: Option<bool>,
    pub why: Option<String>,
    /// Its own (corrections) or its file's (generated).
    pub source_ref: String,
    pub regions_from: Option<String>,
    /// From a corrections file.
    pub corrected: bool,
}

/// A checked generated or corrections file.
#[derive(Clone, Debug, Default)]
pub struct TypeFile {
    /// Generated files only: `namespace/type`.
    pub provider: String,
    pub provider_version: String,
    pub types: BTreeMap<String, FileEntry>,
}

/// The kinds, as the files write them.
pub const KINDS: &[&str] = &["own", "default", "parent", "provider", "global", "account"];

/// The fields each kind may have (besides `kind`, `source_ref`, `why`).
fn allowed(kind: &str) -> &'static [&'static str] {
    match kind {
        "own" => &["location", "required"],
        "default" => &["location", "default"],
        "parent" => &[
            "location",
            "parent",
            "parent_types",
            "parent_name_attr",
            "fallback",
        ],
        "provider" => &["location", "why"],
        "global" => &["holds_data", "why", "regions_from"],
        "account" => &["holds_data", "why", "regions_from"],
        _ => &[],
    }
}

const HEADER: &[&str] = &[
    "provider",
    "provider_version",
    "source_ref",
    "schema",
    "schema_commit",
    "schema_note",
    "type_count",
    "why",
    "types",
];

fn strings(v: &toml::Value, what: &str) -> Result<Vec<String>, String> {
    let arr = v
        .as_array()
        .ok_or_else(|| format!("{what}: not a list of strings"))?;
    arr.iter()
        .map(|x| {
            x.as_str()
                .map(str::to_string)
                .ok_or_else(|| format!("{what}: not a list of strings"))
        })
        .collect()
}

fn string(v: &toml::Value, what: &str) -> Result<String, String> {
    v.as_str()
        .map(str::to_string)
        .ok_or_else(|| format!("{what}: not a string"))
}

/// Checks one entry; `why` is the file's `[why]` table, `file_ref` the
/// file's `source_ref` (None for a corrections file: each entry has its own).
fn entry(
    ty: &str,
    v: &toml::Value,
    why: &toml::Table,
    file_ref: Option<&str>,
) -> Result<FileEntry, String> {
    let t = v.as_table().ok_or_else(|| format!("{ty}: not a table"))?;
    let kind = string(
        t.get("kind").ok_or_else(|| format!("{ty}: no kind"))?,
        &format!("{ty}.kind"),
    )?;
    if !KINDS.contains(&kind.as_str()) {
        return Err(format!("{ty}: unknown kind {kind:?}"));
    }
    let mut e = FileEntry {
        kind: kind.clone(),
        location: Vec::new(),
        required: true,
        default: None,
        parent: Vec::new(),
        parent_types: Vec::new(),
        parent_name_attr: None,
        fallback_provider: false,
        holds_data: None,
        why: None,
        source_ref: file_ref.unwrap_or_default().to_string(),
        regions_from: None,
        corrected: file_ref.is_none(),
    };
    for (k, x) in t {
        let what = format!("{ty}.{k}");
        let ok_here = k == "kind"
            || (k == "source_ref" && file_ref.is_none())
            || (k == "why"
                && file_ref.is_some()
                && matches!(kind.as_str(), "provider" | "global" | "account"))
            || (allowed(&kind).contains(&k.as_str())
                && (k != "regions_from" || file_ref.is_none())
                && k != "why");
        if !ok_here {
            return Err(format!(
                "{ty}: field {k:?} is not allowed on kind {kind:?} here"
            ));
        }
        match k.as_str() {
            "kind" => {}
            "location" => e.location = strings(x, &what)?,
            "required" => {
                if x.as_bool() != Some(false) {
                    return Err(format!("{what}: only `required = false` is written"));
                }
                e.required = false;
            }
            "default" => e.default = Some(string(x, &what)?),
            "parent" => e.parent = strings(x, &what)?,
            "parent_types" => e.parent_types = strings(x, &what)?,
            "parent_name_attr" => {
                let s = string(x, &what)?;
                if s != "id" && s != "name" {
                    return Err(format!("{what}: {s:?} is neither \"id\" nor \"name\""));
                }
                e.parent_name_attr = Some(s);
            }
            "fallback" => {
                if x.as_str() != Some("provider") {
                    return Err(format!("{what}: only \"provider\" is known"));
                }
                e.fallback_provider = true;
            }
            "holds_data" => {
                e.holds_data = Some(x.as_bool().ok_or_else(|| format!("{what}: not a bool"))?)
            }
            "why" => {
                let key = string(x, &what)?;
                let text = why
                    .get(&key)
                    .and_then(|w| w.as_str())
                    .ok_or_else(|| format!("{what}: {key:?} is not a key of [why]"))?;
                e.why = Some(text.to_string());
            }
            "source_ref" => e.source_ref = string(x, &what)?,
            "regions_from" => e.regions_from = Some(string(x, &what)?),
            _ => unreachable!("checked above"),
        }
    }
    if e.source_ref.is_empty() {
        return Err(format!("{ty}: no source_ref"));
    }
    let needs: &[(&str, bool)] = &[
        ("location", kind == "own" || kind == "default"),
        ("default", kind == "default"),
        ("parent", kind == "parent"),
        ("parent_types", kind == "parent"),
    ];
    for (field, needed) in needs {
        let missing = match *field {
            "location" => e.location.is_empty(),
            "default" => e.default.is_none(),
            "parent" => e.parent.is_empty(),
            _ => e.parent_types.is_empty(),
        };
        if *needed && missing {
            return Err(format!("{ty}: kind {kind:?} needs {field}"));
        }
    }
    for p in e.location.iter().chain(e.regions_from.iter()) {
        if p.is_empty() || !p.split('.').all(is_ident) {
            return Err(format!(
                "{ty}: {p:?} is not a path of blocks and an argument"
            ));
        }
    }
    Ok(e)
}

fn is_ident(s: &str) -> bool {
    let mut c = s.chars();
    c.next()
        .is_some_and(|f| f.is_ascii_alphabetic() || f == '_')
        && c.all(|x| x.is_ascii_alphanumeric() || x == '_' || x == '-')
}

/// Parses and checks a generated file (`corrections = false`) or a
/// corrections file. Unknown keys are errors.
pub fn parse(text: &str, corrections: bool) -> Result<TypeFile, String> {
    let table: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut out = TypeFile::default();
    let empty = toml::Table::new();
    let why = match table.get("why") {
        Some(w) => w.as_table().ok_or("[why] is not a table")?,
        None => &empty,
    };
    for (k, v) in &table {
        let known = if corrections {
            k == "types"
        } else {
            HEADER.contains(&k.as_str())
        };
        if !known {
            return Err(format!("unknown key {k:?}"));
        }
        if !corrections && k != "why" && k != "types" && k != "type_count" && !v.is_str() {
            return Err(format!("{k}: not a string"));
        }
    }
    let file_ref = if corrections {
        None
    } else {
        for k in [
            "provider",
            "provider_version",
            "source_ref",
            "schema",
            "type_count",
        ] {
            if !table.contains_key(k) {
                return Err(format!("no {k} in the header"));
            }
        }
        out.provider = string(&table["provider"], "provider")?;
        out.provider_version = string(&table["provider_version"], "provider_version")?;
        Some(string(&table["source_ref"], "source_ref")?)
    };
    if let Some(types) = table.get("types") {
        let types = types.as_table().ok_or("[types] is not a table")?;
        for (ty, v) in types {
            let e = entry(ty, v, why, file_ref.as_deref())?;
            out.types.insert(ty.clone(), e);
        }
    }
    if !corrections {
        let count = table["type_count"]
            .as_integer()
            .ok_or("type_count: not an integer")?;
        if count != out.types.len() as i64 {
            return Err(format!(
                "type_count is {count} but [types] has {} entries",
                out.types.len()
            ));
        }
    }
    Ok(out)
}

/// The catalogue of one provider: its generated file with its corrections
/// applied (whole entries replaced or added).
#[derive(Clone, Debug)]
pub struct Merged {
    /// The file name without `.toml`: `google-beta`.
    pub file: String,
    pub provider: String,
    pub provider_version: String,
    pub types: BTreeMap<String, FileEntry>,
}

/// Reads `dir/generated/*.toml` and `dir/corrections/*.toml` (dir is
/// `rules/providers`). `corrections/google.toml` applies to google-beta too,
/// unless `corrections/google-beta.toml` has the same type.
pub fn load(dir: &Path) -> Result<Vec<Merged>, String> {
    let read_dir = |sub: &str| -> Result<Vec<(String, String)>, String> {
        let d = dir.join(sub);
        let mut files = Vec::new();
        let rd = match std::fs::read_dir(&d) {
            Ok(rd) => rd,
            Err(_) => return Ok(files),
        };
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if let Some(stem) = name.strip_suffix(".toml") {
                let text = std::fs::read_to_string(e.path())
                    .map_err(|err| format!("{}: {err}", e.path().display()))?;
                files.push((stem.to_string(), text));
            }
        }
        files.sort();
        Ok(files)
    };
    let mut corrections = BTreeMap::new();
    for (stem, text) in read_dir("corrections")? {
        let f = parse(&text, true)
            .map_err(|e| format!("rules/providers/corrections/{stem}.toml: {e}"))?;
        corrections.insert(stem, f.types);
    }
    let mut out = Vec::new();
    for (stem, text) in read_dir("generated")? {
        let f = parse(&text, false)
            .map_err(|e| format!("rules/providers/generated/{stem}.toml: {e}"))?;
        let mut types = f.types;
        if let Some(c) = corrections.get(&stem)
            && let Some(ty) = c.keys().find(|t| !types.contains_key(*t))
        {
            return Err(format!(
                "rules/providers/corrections/{stem}.toml: {ty} is not a type of the generated file"
            ));
        }
        let mut apply = |from: &str| {
            if let Some(c) = corrections.get(from) {
                for (ty, e) in c {
                    types.insert(ty.clone(), e.clone());
                }
            }
        };
        if stem == "google-beta" {
            apply("google");
        }
        apply(&stem);
        out.push(Merged {
            file: stem,
            provider: f.provider,
            provider_version: f.provider_version,
            types,
        });
    }
    // Every source cited is a source of rules/catalogue.toml.
    let cat_path = dir.join("../catalogue.toml");
    let cat_text =
        std::fs::read_to_string(&cat_path).map_err(|e| format!("{}: {e}", cat_path.display()))?;
    let cat: toml::Table =
        toml::from_str(&cat_text).map_err(|e| format!("rules/catalogue.toml: {e}"))?;
    let sources = cat
        .get("sources")
        .and_then(|s| s.as_table())
        .ok_or("rules/catalogue.toml: no [sources]")?;
    for m in &out {
        for (ty, e) in &m.types {
            if !sources.contains_key(&e.source_ref) {
                return Err(format!(
                    "{} {ty}: source_ref {:?} is not a source of rules/catalogue.toml",
                    m.file, e.source_ref
                ));
            }
        }
    }
    for stem in corrections.keys() {
        if !out.iter().any(|m| &m.file == stem) {
            return Err(format!(
                "rules/providers/corrections/{stem}.toml: no generated file of that name"
            ));
        }
    }
    Ok(out)
}

/// The Rust source of the static tables (`TYPE_TABLES`), sorted by type name
/// for a binary search.
pub fn emit(merged: &[Merged]) -> String {
    let mut out =
        String::from("/// Generated from rules/providers/generated and corrections by build.rs.\n");
    out.push_str("pub static TYPE_TABLES: &[TypeTable] = &[\n");
    for m in merged {
        writeln!(
            out,
            "TypeTable {{ file: {:?}, provider: {:?}, provider_version: {:?}, types: &[",
            m.file, m.provider, m.provider_version
        )
        .unwrap();
        for (ty, e) in &m.types {
            let kind = match e.kind.as_str() {
                "own" => "Own",
                "default" => "Default",
                "parent" => "Parent",
                "provider" => "Provider",
                "global" => "Global",
                _ => "Account",
            };
            writeln!(
                out,
                "TypeEntry {{ ty: {ty:?}, kind: TypeKind::{kind}, location: &{:?}, required: {}, default: {:?}, parent: &{:?}, parent_types: &{:?}, parent_name_attr: {:?}, fallback_provider: {}, holds_data: {:?}, why: {:?}, source_ref: {:?}, regions_from: {:?}, corrected: {} }},",
                e.location,
                e.required,
                e.default,
                e.parent,
                e.parent_types,
                e.parent_name_attr.as_deref().unwrap_or("name"),
                e.fallback_provider,
                e.holds_data,
                e.why,
                e.source_ref,
                e.regions_from,
                e.corrected,
            )
            .unwrap();
        }
        out.push_str("]},\n");
    }
    out.push_str("];\n");
    out
}
