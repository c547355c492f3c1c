//! `cercle rules`: packs, tiers and the placements each tier accepts.

use crate::policy::packs::{Lang, Pack};
use std::fmt::Write;

/// Tier and set labels are shown in `lang` (the user's locale: French for
/// `fr*`, else English).
pub fn render(packs: &[Pack], lang: Lang) -> String {
    let mut out = String::new();
    for p in packs {
        let _ = writeln!(
            out,
            "{} {}{}",
            p.id,
            p.version,
            if p.default { " (default)" } else { "" }
        );
        let _ = writeln!(out, "  {}", p.title);
        let _ = writeln!(out, "  tiers, most sensitive first:");
        for t in &p.tiers {
            let aliases = if t.aliases.is_empty() {
                String::new()
            } else {
                format!(" (aliases: {})", t.aliases.join(", "))
            };
            let _ = writeln!(out, "    {}{aliases}", t.id);
            let _ = writeln!(out, "      {}", t.label.get(lang));
            let _ = writeln!(out, "      allows: {}", t.allows.join(", "));
            for s in t.allows.iter().filter_map(|s| p.sets.get(s)) {
                let _ = writeln!(out, "        {}: {}", s.id, s.label.get(lang));
                if s.any {
                    let _ = writeln!(out, "          every placement");
                }
                for e in &s.placements {
                    let mut line = format!("          {}", e.describe());
                    if let Some(q) = &e.qualification {
                        line.push_str(&format!(
                            " [{q}{}]",
                            e.since
                                .as_ref()
                                .map(|d| format!(", {d}"))
                                .unwrap_or_default()
                        ));
                    }
                    if e.from_config {
                        line.push_str(" [cercle.toml]");
                    }
                    let _ = writeln!(out, "{line}");
                }
                if !s.jurisdictions.is_empty() {
                    let _ = writeln!(
                        out,
                        "          every catalogued region under {} law",
                        s.jurisdictions.join(" or ")
                    );
                }
                if !s.countries.is_empty() {
                    let _ = writeln!(
                        out,
                        "          every catalogued region in {}",
                        s.countries.join(", ")
                    );
                }
                if !s.any
                    && s.placements.is_empty()
                    && s.jurisdictions.is_empty()
                    && s.countries.is_empty()
                {
                    let _ = writeln!(
                        out,
                        "          nothing yet: declare your internal clouds with [[placement]] set = \"{}\" in cercle.toml",
                        s.id
                    );
                }
            }
            let _ = writeln!(out, "      why: {}", t.why);
            if let Some(src) = &t.source {
                let _ = writeln!(
                    out,
                    "      source: {} ({}) {}",
                    src.title, src.date, src.url
                );
            }
        }
        let _ = writeln!(out);
    }
    out.push_str(&same_id_notes(packs));
    let _ = writeln!(
        out,
        "Rule codes: `cercle explain` lists them, `cercle explain CODE` documents one."
    );
    out
}

/// A tier id that several packs define with different placement sets: the
/// same word in a tag means a different rule when the packs change.
fn same_id_notes(packs: &[Pack]) -> String {
    let mut out = String::new();
    let mut seen: Vec<&str> = Vec::new();
    for (i, p) in packs.iter().enumerate() {
        for t in &p.tiers {
            if seen.contains(&t.id.as_str()) {
                continue;
            }
            let others: Vec<(&Pack, &crate::policy::packs::Tier)> = packs[i + 1..]
                .iter()
                .filter_map(|q| Some((q, q.tiers.iter().find(|u| u.id == t.id)?)))
                .filter(|(_, u)| u.allows != t.allows)
                .collect();
            if others.is_empty() {
                continue;
            }
            seen.push(&t.id);
            let mut line = format!(
                "note: tier '{}' does not mean the same placements in every pack: {} in {}",
                t.id,
                allows_words(&t.allows),
                p.id
            );
            for (q, u) in others {
                line.push_str(&format!("; {} in {}", allows_words(&u.allows), q.id));
            }
            let _ = writeln!(out, "{line}.");
        }
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

/// `interne only`, `interne or secnumcloud`: a tier's sets as words.
fn allows_words(sets: &[String]) -> String {
    match sets {
        [one] => format!("{one} only"),
        _ => sets.join(" or "),
    }
}
