//! `cercle rules`: packs, tiers and the placements each tier accepts.

use crate::catalogue::Catalogue;
use crate::policy::packs::Pack;
use std::fmt::Write;

pub fn render(packs: &[Pack], cat: &Catalogue) -> String {
    let _ = cat;
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
            let _ = writeln!(out, "      fr: {}", t.label.fr);
            let _ = writeln!(out, "      en: {}", t.label.en);
            let _ = writeln!(out, "      allows: {}", t.allows.join(", "));
            for s in t.allows.iter().filter_map(|s| p.sets.get(s)) {
                let _ = writeln!(out, "        {}: {}", s.id, s.label.en);
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
    out
}
