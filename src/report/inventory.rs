//! `cercle inventory`: every resource with its placement and where each part
//! came from (SPEC §2), as text or JSON.

use super::loc;
use crate::analyse::{Analysis, Resource};
use crate::findings::Related;
use crate::place::PlaceKind;
use crate::policy::packs::Pack;
use crate::policy::tier::{Declared, ResourceTier};
use crate::source::{Position, Span};
use rustc_hash::FxHashMap;
use std::ops::Range;
use std::sync::Arc;

/// Resources per batch: each batch is rendered in parallel, then written, so
/// the report never sits whole in memory (the buffers of a few batches live
/// at once, see [`AHEAD`]).
const BATCH: usize = 1024;
/// Resources rendered into one buffer by one task.
const CHUNK: usize = 256;
/// Batches rendered ahead of the one being written.
const AHEAD: usize = 3;

/// Streams the JSON report to `w`, in parallel within each batch; the bytes do
/// not depend on the thread count.
///
/// The text is written by hand, byte for byte what `serde_json`'s pretty
/// printer (two-space indent) gives for the report object: the layout is
/// fixed, strings are escaped as `serde_json` escapes them (see
/// [`push_str`]), and numbers are decimal integers. `tiers` are the
/// resources' tiers (same order), named as `packs` name them.
pub fn write_json<W: std::io::Write + ?Sized>(
    w: &mut W,
    an: &Analysis,
    tiers: &[ResourceTier],
    packs: &[Pack],
) -> std::io::Result<()> {
    use rayon::prelude::*;
    w.write_all(b"{\n  \"version\": 2,\n  \"resources\": [")?;
    if an.resources.is_empty() {
        return w.write_all(b"]\n}\n");
    }
    let names = Names::new(an);
    // Batches are rendered in order on a scoped thread, each in parallel
    // through rayon, up to `AHEAD` batches ahead of this thread, which writes
    // them: writing the report overlaps rendering it, and neither waits for
    // the other batch by batch. A written batch's buffers go back to be
    // rendered into again (fresh memory for each batch costs page faults).
    let render = |b: usize, batch: &[Resource], mut buffers: Vec<Vec<u8>>| -> Vec<Vec<u8>> {
        buffers.resize_with(batch.len().div_ceil(CHUNK), Vec::new);
        batch
            .par_chunks(CHUNK)
            .zip(buffers)
            .enumerate()
            .map(|(c, (chunk, out))| {
                let base = b * BATCH + c * CHUNK;
                let mut r = Renderer::new(an, &names, packs, out, chunk.len());
                for (i, res) in chunk.iter().enumerate() {
                    let t = tiers.get(base + i).and_then(|t| t.as_deref());
                    r.out
                        .extend_from_slice(if base + i == 0 { b"\n    " } else { b",\n    " });
                    r.resource(res, t);
                }
                r.out
            })
            .collect()
    };
    let (to_write, rendered) = std::sync::mpsc::sync_channel::<Vec<Vec<u8>>>(AHEAD);
    let (to_reuse, reusable) = std::sync::mpsc::channel::<Vec<Vec<u8>>>();
    std::thread::scope(|s| -> std::io::Result<()> {
        s.spawn(move || {
            for (b, batch) in an.resources.chunks(BATCH).enumerate() {
                let buffers = reusable.try_recv().unwrap_or_default();
                // A send fails when the writer stopped on an error.
                if to_write.send(render(b, batch, buffers)).is_err() {
                    break;
                }
            }
        });
        // Owned here: an error below drops it, which stops the renderer.
        let rendered = rendered;
        for texts in rendered.iter() {
            for t in &texts {
                w.write_all(t)?;
            }
            let _ = to_reuse.send(texts);
        }
        Ok(())
    })?;
    w.write_all(b"\n  ]\n}\n")
}

/// The names every resource repeats, each escaped and quoted once for the
/// whole report: file display paths (by [`crate::source::FileId`]) and root
/// names.
struct Names {
    files: Vec<Vec<u8>>,
    roots: Vec<Vec<u8>>,
}

impl Names {
    /// The names of every file and root of the analysis.
    fn new(an: &Analysis) -> Names {
        let quoted = |s: &str| {
            let mut out = Vec::with_capacity(s.len() + 2);
            push_str(&mut out, s);
            out
        };
        Names {
            files: an
                .sources
                .files()
                .iter()
                .map(|f| quoted(&f.display))
                .collect(),
            roots: an.root_names.iter().map(|r| quoted(r)).collect(),
        }
    }
}

/// Renders the resources of one task into `out`, reusing text it already
/// wrote there. After the sort, neighbours are mostly instances of one
/// declaration (same head) and instances of one module instance share their
/// `origins` list (the same `Arc`); one origin (a region set in a variable
/// file, a provider's region) recurs across the lists of a root.
struct Renderer<'a> {
    an: &'a Analysis,
    names: &'a Names,
    /// The active packs, which name the tiers.
    packs: &'a [Pack],
    out: Vec<u8>,
    /// The last head and its position.
    head: Option<(Span, Position)>,
    /// Where `"origins": [...]` was rendered, by the list's address (the
    /// lists live as long as the analysis).
    lists: FxHashMap<(usize, usize), Range<usize>>,
    /// Where one origin object was rendered, by its span, with its message.
    items: FxHashMap<Span, (&'a str, Range<usize>)>,
    /// [`placed_by_source`] by (provider, type).
    sources: FxHashMap<(&'a str, &'a str), Option<&'static str>>,
}

impl<'a> Renderer<'a> {
    /// A renderer writing into `out` (emptied), for about `resources` resources.
    fn new(
        an: &'a Analysis,
        names: &'a Names,
        packs: &'a [Pack],
        mut out: Vec<u8>,
        resources: usize,
    ) -> Renderer<'a> {
        out.clear();
        out.reserve(resources * 1280);
        Renderer {
            an,
            names,
            packs,
            out,
            head: None,
            lists: FxHashMap::default(),
            items: FxHashMap::default(),
            sources: FxHashMap::default(),
        }
    }

    /// One resource object, at the indentation of an element of `resources`.
    fn resource(&mut self, r: &'a Resource, tier: Option<&Declared>) {
        let p = match self.head {
            Some((head, p)) if head.file == r.head.file && head.start == r.head.start => p,
            _ => {
                let p = self.an.sources.start(r.head);
                self.head = Some((r.head, p));
                p
            }
        };
        let source = match r.placed_by {
            Some(_) => *self
                .sources
                .entry((&r.provider, &r.ty))
                .or_insert_with(|| placed_by_source(r).map(|s| s.0)),
            None => None,
        };
        let out = &mut self.out;
        out.extend_from_slice(b"{\n      \"address\": ");
        push_str(out, &r.address);
        out.extend_from_slice(b",\n      \"type\": ");
        push_str(out, &r.ty);
        out.extend_from_slice(b",\n      ");
        push_location(out, b"\n      ", &self.names.files[r.head.file as usize], p);
        out.extend_from_slice(b",\n      \"root\": ");
        out.extend_from_slice(&self.names.roots[r.root as usize]);
        out.extend_from_slice(b",\n      \"tier\": ");
        push_opt(out, tier.map(|d| d.display(self.packs)).as_deref());
        out.extend_from_slice(b",\n      \"tier_source\": ");
        push_opt(out, tier.map(|d| d.source.as_str()));
        out.extend_from_slice(b",\n      \"provider\": ");
        push_str(out, &r.provider);
        out.extend_from_slice(b",\n      \"provider_config\": ");
        push_str(out, &r.provider_config);
        out.extend_from_slice(b",\n      \"placement\": ");
        push_str(out, kind_name(r.kind));
        out.extend_from_slice(b",\n      \"placed_by\": ");
        push_opt(out, r.placed_by.map(|k| k.as_str()));
        out.extend_from_slice(b",\n      \"placed_by_source\": ");
        push_opt(out, source);
        out.extend_from_slice(b",\n      \"regions\": [");
        for (i, region) in r.regions.iter().enumerate() {
            out.extend_from_slice(if i == 0 {
                b"\n        "
            } else {
                b",\n        "
            });
            push_str(out, region);
        }
        if !r.regions.is_empty() {
            out.extend_from_slice(b"\n      ");
        }
        out.extend_from_slice(b"],\n      \"endpoint\": ");
        push_opt(out, r.endpoint.as_deref());
        out.extend_from_slice(b",\n      \"unresolved\": ");
        push_opt(out, r.unresolved.as_ref().map(|u| u.what.as_str()));
        out.extend_from_slice(b",\n      \"origins\": [");
        self.origins(&r.origins);
        self.out.extend_from_slice(b"]\n    }");
    }

    /// The elements of `origins` and the line break before its `]`.
    fn origins(&mut self, list: &'a Arc<[Related]>) {
        let key = (Arc::as_ptr(list) as *const Related as usize, list.len());
        if let Some(done) = self.lists.get(&key) {
            self.out.extend_from_within(done.clone());
            return;
        }
        let start = self.out.len();
        for (i, o) in list.iter().enumerate() {
            self.out.extend_from_slice(if i == 0 {
                b"\n        "
            } else {
                b",\n        "
            });
            self.origin(o);
        }
        if !list.is_empty() {
            self.out.extend_from_slice(b"\n      ");
        }
        self.lists.insert(key, start..self.out.len());
    }

    /// One origin object.
    fn origin(&mut self, o: &'a Related) {
        if let Some((message, done)) = self.items.get(&o.span)
            && *message == o.message
        {
            self.out.extend_from_within(done.clone());
            return;
        }
        let start = self.out.len();
        let p = self.an.sources.start(o.span);
        let out = &mut self.out;
        out.extend_from_slice(b"{\n          ");
        push_location(
            out,
            b"\n          ",
            &self.names.files[o.span.file as usize],
            p,
        );
        out.extend_from_slice(b",\n          \"message\": ");
        push_str(out, &o.message);
        out.extend_from_slice(b"\n        }");
        self.items
            .insert(o.span, (o.message.as_str(), start..self.out.len()));
    }
}

/// `"file": F, "line": L, "column": C`, one member per line; `newline` is a
/// line break and the object's indentation, `file` the quoted name.
fn push_location(out: &mut Vec<u8>, newline: &[u8], file: &[u8], p: Position) {
    out.extend_from_slice(b"\"file\": ");
    out.extend_from_slice(file);
    out.push(b',');
    out.extend_from_slice(newline);
    out.extend_from_slice(b"\"line\": ");
    push_num(out, p.line);
    out.push(b',');
    out.extend_from_slice(newline);
    out.extend_from_slice(b"\"column\": ");
    push_num(out, p.column);
}

fn push_opt(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => push_str(out, s),
        None => out.extend_from_slice(b"null"),
    }
}

fn push_num(out: &mut Vec<u8>, mut n: usize) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// A JSON string, escaped as `serde_json` does: `"` and `\\` with a
/// backslash, `\b \t \n \f \r` by name, other control characters as
/// `\u00xx` (lowercase hex); everything else (non-ASCII included) as is.
fn push_str(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut start = 0;
    let mut i = 0;
    // Eight bytes at a time while none needs escaping (the common case).
    while i + 8 <= bytes.len() {
        let mut word = [0u8; 8];
        word.copy_from_slice(&bytes[i..i + 8]);
        if needs_escape(u64::from_le_bytes(word)) {
            break;
        }
        i += 8;
    }
    for (i, &c) in bytes.iter().enumerate().skip(i) {
        if c >= 0x20 && c != b'"' && c != b'\\' {
            continue;
        }
        out.extend_from_slice(&bytes[start..i]);
        match c {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0x08 => out.extend_from_slice(b"\\b"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            0x0c => out.extend_from_slice(b"\\f"),
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[(c >> 4) as usize]);
                out.push(HEX[(c & 0xf) as usize]);
            }
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// Whether any of the eight bytes of `x` is a control character, `"` or `\\`
/// (exact: the classic "has a zero byte" test, on `x`, `x ^ '"'` and
/// `x ^ '\\'`, and "has a byte below 0x20" on `x`).
fn needs_escape(x: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let has_zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH != 0;
    let below_space = x.wrapping_sub(ONES * 0x20) & !x & HIGH != 0;
    below_space || has_zero(x ^ (ONES * b'"' as u64)) || has_zero(x ^ (ONES * b'\\' as u64))
}

/// The source (a key of `[sources]` in rules/catalogue.toml) and the file
/// of the catalogue fact that placed `r`.
fn placed_by_source(r: &Resource) -> Option<(&'static str, &'static str)> {
    crate::catalogue::Catalogue::builtin().type_source(&r.provider, &r.ty)
}

/// What decided a placement, in words (the human inventory).
fn placed_by_words(k: crate::catalogue::types::TypeKind) -> &'static str {
    use crate::catalogue::types::TypeKind;
    match k {
        TypeKind::Own => "its own location argument",
        TypeKind::Default => "the provider's default location",
        TypeKind::Parent => "its parent",
        TypeKind::Provider => "the provider configuration's region",
        TypeKind::Global => "a global type",
        TypeKind::Account => "an account-level type",
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
/// Where a resource's tier came from, in words, with its place:
/// `cercle-tier tag, main.tf:4:5`, `--tier`.
fn tier_origin(an: &Analysis, d: &crate::policy::tier::Declared) -> String {
    use crate::policy::tier::TierSource;
    let what = match d.source {
        TierSource::Tag => "tag",
        TierSource::Annotation => "`# cercle:tier` comment above the block",
        TierSource::Module => "module call",
        TierSource::File => "file comment",
        TierSource::Scope => "[[scope]]",
        TierSource::Default if d.span.is_none() => return "--tier".to_string(),
        TierSource::Default => "default_tier",
    };
    match d.span {
        Some(s) => {
            let l = loc(&an.sources, s);
            format!("{what}, {}:{}:{}", l.file, l.line, l.column)
        }
        None => what.to_string(),
    }
}

pub fn human(an: &Analysis, tiers: &[ResourceTier], packs: &[Pack]) -> String {
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
            out.push_str(&format!("  root      {}\n", an.root_names[r.root as usize]));
        }
        out.push_str(&format!(
            "  provider  {} ({})\n",
            r.provider, r.provider_config
        ));
        out.push_str(&format!("  region    {where_}\n"));
        if let Some(k) = r.placed_by {
            match placed_by_source(r) {
                Some((source, file)) => out.push_str(&format!(
                    "  placed by {} ({}: {source}, {file})\n",
                    placed_by_words(k),
                    k.as_str()
                )),
                None => out.push_str(&format!(
                    "  placed by {} ({})\n",
                    placed_by_words(k),
                    k.as_str()
                )),
            }
        }
        if let Some(e) = &r.endpoint {
            out.push_str(&format!("  endpoint  {e}\n"));
        }
        if let Some(d) = tiers.get(i).and_then(|t| t.as_deref()) {
            out.push_str(&format!(
                "  tier      {} ({})\n",
                d.display(packs),
                tier_origin(an, d)
            ));
        }
        if let Some(u) = &r.unresolved {
            let ul = loc(&an.sources, u.span);
            out.push_str(&format!(
                "  UNRESOLVED {} ({}:{}:{})\n",
                u.what, ul.file, ul.line, ul.column
            ));
        }
        for o in r.origins.iter() {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_as_serde_json_does() {
        let mut all: String = (0u8..0x80).map(char::from).collect();
        all.push_str("é\u{2028}\u{feff}😀\"\\");
        let long = format!(
            "{}\"{}\\x\n{}\u{1f}",
            "a".repeat(17),
            "é".repeat(9),
            "b".repeat(8)
        );
        for s in [
            "",
            "plain",
            "a\"b",
            "back\\slash",
            "\u{7f}",
            "exactly8",
            "sixteen bytes ok",
            "0123456\n",
            all.as_str(),
            long.as_str(),
        ] {
            let mut out = Vec::new();
            push_str(&mut out, s);
            let expected = serde_json::to_string(s).unwrap_or_default();
            assert_eq!(String::from_utf8_lossy(&out), expected);
        }
    }

    #[test]
    fn the_word_test_is_exact() {
        let scalar = |w: [u8; 8]| w.iter().any(|&c| c < 0x20 || c == b'"' || c == b'\\');
        for fill in [b'a', 0x80, 0xff, b' ', b'!', b'#', b'[', b']'] {
            for b in 0..=255u8 {
                for pos in 0..8 {
                    let mut w = [fill; 8];
                    w[pos] = b;
                    assert_eq!(needs_escape(u64::from_le_bytes(w)), scalar(w), "{w:?}");
                }
            }
        }
        // Pairs of bytes: borrows between neighbours.
        for a in 0..=255u8 {
            for b in 0..=255u8 {
                let w = [b'x', a, b, b'y', a, a, b, b];
                assert_eq!(needs_escape(u64::from_le_bytes(w)), scalar(w), "{w:?}");
            }
        }
    }

    #[test]
    fn numbers_are_decimal() {
        for n in [0usize, 7, 10, 99, 12345, usize::MAX] {
            let mut out = Vec::new();
            push_num(&mut out, n);
            assert_eq!(String::from_utf8_lossy(&out), n.to_string());
        }
    }
}
