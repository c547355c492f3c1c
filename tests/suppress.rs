//! Inline suppressions (SPEC §6): `# cercle:ignore CODE[,CODE] [until=DATE] -- reason`,
//! each CRC008 case, `allow_suppressions = false`, and how reports list what
//! was suppressed.

use serde_json::Value;

mod common;
use common::run;

fn tempdir(name: &str) -> common::Scratch {
    common::tempdir("suppress", name)
}

const PROVIDER: &str = "provider \"aws\" {\n  region = \"us-east-1\"\n}\n\n";

/// A module whose `main.tf` is the provider block followed by `body`; returns
/// the JSON report and the exit status.
fn check(name: &str, body: &str) -> (i32, Value) {
    check_with(name, body, None)
}

fn check_with(name: &str, body: &str, config: Option<&str>) -> (i32, Value) {
    let d = tempdir(name);
    std::fs::write(d.join("main.tf"), format!("{PROVIDER}{body}")).unwrap();
    if let Some(c) = config {
        std::fs::write(d.join("cercle.toml"), c).unwrap();
    }
    let (code, out, err) = run(&d, &["check", ".", "--format", "json"]);
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    (code, v)
}

/// `(code, line, message)` of every finding.
fn findings(v: &Value) -> Vec<(String, u64, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn codes(v: &Value) -> Vec<String> {
    findings(v).into_iter().map(|f| f.0).collect()
}

fn crc008(v: &Value) -> Vec<String> {
    findings(v)
        .into_iter()
        .filter(|f| f.0 == "CRC008")
        .map(|f| f.2)
        .collect()
}

// Lines 5.. of main.tf hold the body.

#[test]
fn a_comment_above_the_block_with_a_reason_suppresses_and_is_listed() {
    let (code, v) = check(
        "above",
        "# cercle:tier sensible\n# cercle:ignore CRC001 -- statistics are public, ticket 1234\nresource \"aws_s3_bucket\" \"stats\" {}\n",
    );
    assert_eq!(code, 0, "{v:#}");
    assert!(findings(&v).is_empty(), "{v:#}");
    assert_eq!(v["summary"]["suppressed"], 1);
    let s = &v["suppressed"][0];
    assert_eq!(s["code"], "CRC001");
    assert_eq!(s["address"], "aws_s3_bucket.stats");
    assert_eq!(
        s["suppression"]["reason"],
        "statistics are public, ticket 1234"
    );
    assert_eq!(s["suppression"]["line"], 6);
    assert_eq!(s["suppression"]["until"], Value::Null);
}

#[test]
fn the_human_summary_counts_suppressed_findings() {
    let d = tempdir("human");
    std::fs::write(
        d.join("main.tf"),
        format!(
            "{PROVIDER}# cercle:tier sensible\n# cercle:ignore CRC001 -- public data\nresource \"aws_s3_bucket\" \"a\" {{}}\n"
        ),
    )
    .unwrap();
    let (code, out, _) = run(&d, &["check", "."]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("1 suppressed"), "{out}");
}

#[test]
fn a_comment_at_the_end_of_the_offending_line_suppresses() {
    let (code, v) = check(
        "eol",
        "# cercle:tier sensible\nresource \"aws_s3_bucket\" \"b\" {\n  region = \"us-west-2\" # cercle:ignore CRC001 -- mirror of public data\n}\n",
    );
    assert_eq!(code, 0, "{v:#}");
    assert!(findings(&v).is_empty(), "{v:#}");
    assert_eq!(v["summary"]["suppressed"], 1);
}

#[test]
fn a_comment_above_the_attribute_suppresses() {
    let (code, v) = check(
        "attr",
        "# cercle:tier sensible\nresource \"aws_s3_bucket\" \"b\" {\n  // cercle:ignore CRC001 until=2999-12-31 -- mirror of public data\n  region = \"us-west-2\"\n}\n",
    );
    assert_eq!(code, 0, "{v:#}");
    assert!(findings(&v).is_empty(), "{v:#}");
    assert_eq!(v["suppressed"][0]["suppression"]["until"], "2999-12-31");
}

#[test]
fn block_comments_and_several_codes() {
    let (code, v) = check(
        "block-comment",
        "# cercle:tier sensible\n/* cercle:ignore CRC001,CRC002 -- public data */\nresource \"aws_s3_bucket\" \"a\" {}\n",
    );
    // CRC001 is used; CRC002 suppressed nothing there.
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["summary"]["suppressed"], 1);
    assert_eq!(
        crc008(&v),
        vec!["CRC002 suppressed nothing here: remove it".to_string()]
    );
}

#[test]
fn crc008_no_reason_and_the_finding_stays() {
    let (code, v) = check(
        "no-reason",
        "# cercle:tier sensible\n# cercle:ignore CRC001\nresource \"aws_s3_bucket\" \"a\" {}\n",
    );
    assert_eq!(code, 1);
    let m = crc008(&v);
    assert_eq!(m.len(), 1, "{v:#}");
    assert!(m[0].contains("has no reason"), "{m:?}");
    assert!(codes(&v).contains(&"CRC001".to_string()));
    assert_eq!(v["summary"]["suppressed"], 0);
    // An empty reason is no reason.
    let (code, v) = check(
        "empty-reason",
        "# cercle:tier sensible\n# cercle:ignore CRC001 --   \nresource \"aws_s3_bucket\" \"a\" {}\n",
    );
    assert_eq!(code, 1);
    assert_eq!(crc008(&v).len(), 1, "{v:#}");
}

#[test]
fn crc008_expired_and_the_finding_comes_back() {
    let (code, v) = check(
        "expired",
        "# cercle:tier sensible\n# cercle:ignore CRC001 until=2020-01-31 -- migration planned\nresource \"aws_s3_bucket\" \"a\" {}\n",
    );
    assert_eq!(code, 1);
    let f = findings(&v);
    assert!(
        f.iter()
            .any(|(c, l, m)| c == "CRC008" && *l == 6 && m.contains("expired on 2020-01-31")),
        "{f:?}"
    );
    assert!(f.iter().any(|(c, _, _)| c == "CRC001"), "{f:?}");
    // Not yet expired: it applies, and is no problem.
    let (code, v) = check(
        "not-expired",
        "# cercle:tier sensible\n# cercle:ignore CRC001 until=2999-01-31 -- migration planned\nresource \"aws_s3_bucket\" \"a\" {}\n",
    );
    assert_eq!(code, 0, "{v:#}");
    assert!(findings(&v).is_empty(), "{v:#}");
}

#[test]
fn crc008_invalid_date() {
    let (code, v) = check(
        "bad-date",
        "# cercle:tier sensible\n# cercle:ignore CRC001 until=next-year -- migration planned\nresource \"aws_s3_bucket\" \"a\" {}\n",
    );
    assert_eq!(code, 1);
    let m = crc008(&v);
    assert_eq!(m.len(), 1, "{v:#}");
    assert!(m[0].contains("invalid date"), "{m:?}");
}

#[test]
fn crc008_unknown_code_and_the_known_one_still_applies() {
    let (code, v) = check(
        "unknown",
        "# cercle:tier sensible\n# cercle:ignore CRC999,CRC001 -- public data\nresource \"aws_s3_bucket\" \"a\" {}\n",
    );
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(crc008(&v), vec!["unknown rule code \"CRC999\"".to_string()]);
    assert_eq!(v["summary"]["suppressed"], 1);
    // A rule name is a code too.
    let (code, v) = check(
        "by-name",
        "# cercle:tier sensible\n# cercle:ignore provider-not-allowed -- public data\nresource \"aws_s3_bucket\" \"a\" {}\n",
    );
    assert_eq!(code, 0, "{v:#}");
    assert!(findings(&v).is_empty(), "{v:#}");
}

#[test]
fn crc008_suppressed_nothing() {
    let (code, v) = check(
        "unused",
        "# cercle:tier peu-sensible\n# cercle:ignore CRC001 -- public data\nresource \"aws_s3_bucket\" \"a\" {}\n",
    );
    assert_eq!(code, 0);
    let f = findings(&v);
    assert_eq!(
        f,
        vec![(
            "CRC008".to_string(),
            6,
            "CRC001 suppressed nothing here: remove it".to_string()
        )]
    );
    // A blank line between the comment and the block: it applies to nothing.
    let (code, v) = check(
        "detached",
        "# cercle:ignore CRC001 -- public data\n\n# cercle:tier sensible\nresource \"aws_s3_bucket\" \"a\" {}\n",
    );
    assert_eq!(code, 1);
    assert_eq!(crc008(&v).len(), 1, "{v:#}");
    assert!(codes(&v).contains(&"CRC001".to_string()));
}

#[test]
fn crc008_cannot_be_suppressed_and_a_bare_comment_is_reported() {
    let (_, v) = check(
        "self",
        "# cercle:tier peu-sensible\n# cercle:ignore CRC008 -- quiet please\nresource \"aws_s3_bucket\" \"a\" {}\n",
    );
    assert_eq!(
        crc008(&v),
        vec!["CRC008 cannot be suppressed".to_string()],
        "{v:#}"
    );
    let (_, v) = check(
        "bare",
        "# cercle:tier peu-sensible\n# cercle:ignore -- why\nresource \"aws_s3_bucket\" \"a\" {}\n",
    );
    assert_eq!(
        crc008(&v),
        vec!["this suppression names no rule code".to_string()],
        "{v:#}"
    );
}

#[test]
fn allow_suppressions_false_ignores_every_comment() {
    let (code, v) = check_with(
        "forbidden",
        "# cercle:tier sensible\n# cercle:ignore CRC001 -- public data\nresource \"aws_s3_bucket\" \"a\" {}\n# cercle:tier peu-sensible\n# cercle:ignore CRC999\nresource \"aws_s3_bucket\" \"b\" {}\n",
        Some("allow_suppressions = false\n"),
    );
    assert_eq!(code, 1);
    assert_eq!(codes(&v), vec!["CRC001".to_string()], "{v:#}");
    assert_eq!(v["summary"]["suppressed"], 0);
    assert_eq!(v["suppressed"], serde_json::json!([]));
}

#[test]
fn named_files_report_only_their_suppressions() {
    let d = tempdir("named");
    std::fs::write(d.join("providers.tf"), PROVIDER).unwrap();
    std::fs::write(
        d.join("a.tf"),
        "# cercle:tier sensible\n# cercle:ignore CRC001 -- public data\nresource \"aws_s3_bucket\" \"a\" {}\n",
    )
    .unwrap();
    std::fs::write(
        d.join("b.tf"),
        "# cercle:tier sensible\nresource \"aws_s3_bucket\" \"b\" {}\n",
    )
    .unwrap();
    let (code, out, err) = run(&d, &["check", "a.tf", "--format", "json"]);
    assert_eq!(code, 0, "{out}{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert!(findings(&v).is_empty(), "{v:#}");
    assert_eq!(v["summary"]["suppressed"], 1);
    assert_eq!(v["suppressed"][0]["file"], "a.tf");
}
