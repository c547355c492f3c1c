//! Inline suppressions (SPEC §6):
//!
//! ```text
//! # cercle:ignore CRC002 -- statistics are public, see ticket 1234
//! # cercle:ignore CRC002,CRC005 until=2027-06-30 -- migration to cloudgouv planned
//! ```
//!
//! On the comment line(s) directly above a block or an attribute, or at the end
//! of the offending line; for the findings of a resource, on any line of its
//! block too (above a line inside it, or at the end of one). Without a reason, or past its date, a suppression does
//! not apply. Each problem is one CRC008: a missing reason, an expired date, an
//! unknown code, and each code that suppressed nothing.

use crate::findings::{Code, Finding, Hidden, HiddenBy};
use crate::model::FileKind;
use crate::source::{FileId, SourceFile, SourceMap, Span};

/// One `cercle:ignore` comment.
#[derive(Clone, Debug)]
pub struct Suppression {
    pub file: FileId,
    /// The line the comment is on (1-based).
    pub line: usize,
    /// The line it applies to.
    pub target: Option<usize>,
    /// Codes as written, with their span and the code when it exists.
    pub codes: Vec<(String, Span, Option<Code>)>,
    pub until: Option<(String, Span)>,
    pub reason: Option<String>,
    /// The whole directive.
    pub span: Span,
}

const MARK: &str = "cercle:ignore";

fn comment_only(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with('#') || t.starts_with("//") || t.starts_with("/*") || t.starts_with('*')
}

/// Finds every suppression of a file.
pub fn parse_file(file: &SourceFile) -> Vec<Suppression> {
    let mut out = Vec::new();
    if !file.text.contains(MARK) {
        return out;
    }
    let n = file.line_count();
    for l in 1..=n {
        let Some(text) = file.line_text(l) else {
            continue;
        };
        let Some(i) = text.find(MARK) else { continue };
        // The mark must be in a comment.
        let before = &text[..i];
        let in_comment = before.contains('#') || before.contains("//") || before.contains("/*");
        if !in_comment {
            continue;
        }
        let base = file.line_start(l).unwrap_or(0);
        let target = if comment_only(text) {
            // The first line after the comment group directly above it.
            let mut t = l + 1;
            loop {
                match file.line_text(t) {
                    Some(x) if x.trim().is_empty() => break None,
                    Some(x) if comment_only(x) => t += 1,
                    Some(_) => break Some(t),
                    None => break None,
                }
            }
        } else {
            Some(l)
        };
        let rest_start = i + MARK.len();
        let rest = &text[rest_start..];
        let rest = rest.trim_end().trim_end_matches("*/");
        let (head, reason) = match rest.find("--") {
            Some(k) => (&rest[..k], Some(rest[k + 2..].trim().to_string())),
            None => (rest, None),
        };
        let mut codes = Vec::new();
        let mut until = None;
        let mut pos = rest_start;
        for word in head.split(|c: char| c.is_whitespace() || c == ',') {
            // Locate the word in the line for its span.
            let at = text[pos..].find(word).map(|k| pos + k).unwrap_or(pos);
            pos = at + word.len();
            if word.is_empty() {
                continue;
            }
            let span = Span::new(file.id, base + at, base + at + word.len());
            if let Some(d) = word.strip_prefix("until=") {
                until = Some((d.to_string(), span));
            } else {
                codes.push((word.to_string(), span, Code::parse(word)));
            }
        }
        let end = base + text.trim_end().len();
        out.push(Suppression {
            file: file.id,
            line: l,
            target,
            codes,
            until,
            reason: reason.filter(|r| !r.is_empty()),
            span: Span::new(file.id, base + i, end),
        });
    }
    out
}

/// Today's date as `YYYY-MM-DD` (UTC), from the system clock.
pub fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

/// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn valid_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && s[..4].parse::<u32>().is_ok()
        && s[5..7].parse::<u32>().is_ok_and(|m| (1..=12).contains(&m))
        && s[8..].parse::<u32>().is_ok_and(|d| (1..=31).contains(&d))
}

/// The result of applying suppressions.
pub struct Applied {
    pub kept: Vec<Finding>,
    pub suppressed: Vec<Hidden>,
}

/// The blocks of the resources: the span of a block's labels (a finding's
/// `block`) to the span of the whole block.
pub type Blocks = std::collections::HashMap<Span, Span>;

/// Applies the suppressions of every HCL file to `findings`, and adds the
/// CRC008 findings. `allowed` is `allow_suppressions` of the configuration.
pub fn apply(
    sources: &SourceMap,
    kinds: &[(FileId, FileKind)],
    blocks: &Blocks,
    findings: Vec<Finding>,
    allowed: bool,
    today: &str,
) -> Applied {
    if !allowed {
        return Applied {
            kept: findings,
            suppressed: Vec::new(),
        };
    }
    let mut sups: Vec<Suppression> = Vec::new();
    for (id, kind) in kinds {
        if matches!(kind, FileKind::Hcl | FileKind::Tfvars) {
            sups.extend(parse_file(sources.get(*id)));
        }
    }
    let mut problems = Vec::new();
    let mut active: Vec<(usize, usize)> = Vec::new(); // (suppression, code index)
    for (si, s) in sups.iter().enumerate() {
        let mut ok = true;
        if s.reason.is_none() {
            problems.push(crc008(
                s.span,
                "this suppression has no reason: write one after `--`; it does not apply".into(),
            ));
            ok = false;
        }
        if let Some((d, span)) = &s.until {
            if !valid_date(d) {
                problems.push(crc008(*span, format!("invalid date {d:?}: expected until=YYYY-MM-DD; the suppression does not apply")));
                ok = false;
            } else if d.as_str() < today {
                problems.push(crc008(
                    *span,
                    format!("this suppression expired on {d}: it no longer applies"),
                ));
                ok = false;
            }
        }
        if s.codes.is_empty() {
            problems.push(crc008(s.span, "this suppression names no rule code".into()));
        }
        for (ci, (raw, span, code)) in s.codes.iter().enumerate() {
            match code {
                None => problems.push(crc008(*span, format!("unknown rule code {raw:?}"))),
                Some(Code::Crc008) => {
                    problems.push(crc008(*span, "CRC008 cannot be suppressed".into()))
                }
                Some(_) if ok => active.push((si, ci)),
                Some(_) => {}
            }
        }
    }
    let mut used = vec![false; active.len()];
    let mut kept = Vec::new();
    let mut suppressed = Vec::new();
    for f in findings {
        let hit = active.iter().position(|(si, ci)| {
            let s = &sups[*si];
            let code = s.codes[*ci].2;
            code == Some(f.code) && s.target.is_some() && matches(sources, blocks, s, &f)
        });
        match hit {
            Some(i) => {
                used[i] = true;
                // Every other matching code of the same place is used too.
                for (j, (si, ci)) in active.iter().enumerate() {
                    let s = &sups[*si];
                    if s.codes[*ci].2 == Some(f.code) && matches(sources, blocks, s, &f) {
                        used[j] = true;
                    }
                }
                let s = &sups[active[i].0];
                suppressed.push(Hidden {
                    finding: f,
                    by: HiddenBy::Comment {
                        reason: s.reason.clone().unwrap_or_default(),
                        until: s.until.as_ref().map(|u| u.0.clone()),
                        comment: s.span,
                    },
                });
            }
            None => kept.push(f),
        }
    }
    for (i, (si, ci)) in active.iter().enumerate() {
        if !used[i] {
            let (raw, span, _) = &sups[*si].codes[*ci];
            problems.push(crc008(
                *span,
                format!("{raw} suppressed nothing here: remove it"),
            ));
        }
    }
    kept.extend(problems);
    Applied { kept, suppressed }
}

/// Whether a suppression applies to a finding: it targets the line of the
/// finding or of its block's labels, or any line of the finding's block.
fn matches(sources: &SourceMap, blocks: &Blocks, s: &Suppression, f: &Finding) -> bool {
    let Some(target) = s.target else { return false };
    let on = |span: Option<Span>| {
        span.is_some_and(|sp| sp.file == s.file && sources.start(sp).line == target)
    };
    let inside = || {
        f.block.and_then(|h| blocks.get(&h)).is_some_and(|b| {
            b.file == s.file && (sources.start(*b).line..=sources.end(*b).line).contains(&target)
        })
    };
    on(f.span) || on(f.block) || inside()
}

fn crc008(span: Span, message: String) -> Finding {
    let mut f = Finding::new(Code::Crc008, span.file, Some(span), message);
    f.help = Some("syntax: # cercle:ignore CRC002[,CRC005] [until=YYYY-MM-DD] -- reason".into());
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_000), (2024, 10, 4));
        assert!(valid_date("2027-06-30"));
        assert!(!valid_date("2027-13-01"));
        assert!(!valid_date("tomorrow"));
    }

    #[test]
    fn parses_directives() {
        let text = "# cercle:ignore CRC002,CRC005 until=2027-06-30 -- migration planned\nresource \"a\" \"b\" {\n  region = \"x\" # cercle:ignore CRC002 -- public data\n}\n";
        let f = SourceFile::new(0, "m.tf".into(), "m.tf".into(), text.into());
        let s = parse_file(&f);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].target, Some(2));
        assert_eq!(s[0].codes.len(), 2);
        assert_eq!(s[0].codes[1].2, Some(Code::Crc005));
        assert_eq!(
            s[0].until.as_ref().map(|u| u.0.as_str()),
            Some("2027-06-30")
        );
        assert_eq!(s[0].reason.as_deref(), Some("migration planned"));
        assert_eq!(s[1].target, Some(3));
        assert_eq!(f.slice(s[1].codes[0].1), "CRC002");
    }
}
