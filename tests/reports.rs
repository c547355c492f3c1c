//! Every report format on the same fixture (`fixtures/report-provenance`: a
//! finding in a child module whose region comes from a variable default in
//! `variables.tf` through a module argument in `main.tf`, where the tier is
//! declared), as snapshots; `--output`, `--report` and the exit codes of
//! reports that cannot be written.

use std::path::{Path, PathBuf};

mod common;
use common::run;

fn tempdir(name: &str) -> common::Scratch {
    common::tempdir("reports", name)
}

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/report-provenance")
}

/// The human summary line ends with the run's duration: ` in 0.05s`.
fn without_duration(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let line = match line.rfind(" in ") {
            Some(i)
                if line[i + 4..].ends_with('s')
                    && line[i + 4..line.len() - 1]
                        .chars()
                        .all(|c| c.is_ascii_digit() || c == '.') =>
            {
                format!("{} in [duration]", &line[..i])
            }
            _ => line.to_string(),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

#[test]
fn every_format_of_the_same_findings() {
    for format in ["human", "json", "sarif", "github", "junit", "markdown"] {
        let (code, out, err) = run(&fixture(), &["check", ".", "--format", format]);
        assert_eq!(code, 1, "{format}: {err}");
        assert!(err.is_empty(), "{format}: {err}");
        let out = if format == "human" {
            without_duration(&out)
        } else {
            assert!(
                !out.contains("duration"),
                "{format}: nothing but the human report shows the time"
            );
            out
        };
        insta::assert_snapshot!(format!("report-{format}"), out);
    }
}

#[test]
fn sarif_carries_suppressed_findings_and_related_locations() {
    let (_, out, _) = run(&fixture(), &["check", ".", "--format", "sarif"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let run = &v["runs"][0];
    let results = run["results"].as_array().unwrap();
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 10);
    for r in results {
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], r["ruleId"]);
        assert!(r["partialFingerprints"]["cercleFingerprint/v1"].is_string());
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert!(
            region["endLine"].as_u64() > region["startLine"].as_u64()
                || region["endColumn"].as_u64() > region["startColumn"].as_u64(),
            "an empty region: {region}"
        );
    }
    let suppressed: Vec<_> = results
        .iter()
        .filter(|r| r["suppressions"].is_array())
        .collect();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(suppressed[0]["suppressions"][0]["kind"], "inSource");
    assert!(
        suppressed[0]["suppressions"][0]["justification"]
            .as_str()
            .unwrap()
            .contains("ticket 1234")
    );
    let files = results
        .iter()
        .find(|r| r["properties"]["address"] == "module.exports.aws_s3_bucket.files")
        .unwrap();
    let related: Vec<&str> = files["relatedLocations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            l["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(related, ["variables.tf", "main.tf", "main.tf"]);
}

#[test]
fn baselined_findings_are_external_suppressions_in_sarif() {
    let d = tempdir("baseline");
    let baseline = d.join("baseline.json");
    let b = baseline.to_str().unwrap();
    // Writing a baseline accepts today's findings: exit 0.
    let (code, _, err) = run(&fixture(), &["check", ".", "--write-baseline", b]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = run(
        &fixture(),
        &["check", ".", "--baseline", b, "--format", "sarif"],
    );
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    assert!(results.iter().all(|r| r["suppressions"].is_array()));
    assert_eq!(
        results
            .iter()
            .filter(|r| r["suppressions"][0]["kind"] == "external")
            .count(),
        5
    );
}

#[test]
fn reports_from_the_same_run_match_the_single_format_runs() {
    let d = tempdir("extra");
    let file = |n: &str| d.join(n).to_str().unwrap().to_string();
    let (sarif, json, md) = (file("c.sarif"), file("c.json"), file("summary.md"));
    let (code, out, err) = run(
        &fixture(),
        &[
            "check",
            ".",
            "--format",
            "github",
            "--report",
            &format!("sarif:{sarif}"),
            "--report",
            &format!("json:{json}"),
            "--report",
            &format!("markdown:{md}"),
        ],
    );
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        out,
        run(&fixture(), &["check", ".", "--format", "github"]).1
    );
    for (format, path) in [("sarif", &sarif), ("json", &json), ("markdown", &md)] {
        assert_eq!(
            std::fs::read_to_string(path).unwrap(),
            run(&fixture(), &["check", ".", "--format", format]).1,
            "{format}"
        );
    }
    let (code, _, err) = run(&fixture(), &["check", ".", "--report", "xml:out.xml"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown format"), "{err}");
}

#[test]
fn output_writes_the_file_and_nothing_on_stdout() {
    let d = tempdir("output");
    for (cmd, format) in [("check", "sarif"), ("inventory", "json")] {
        let path = d.join(format!("{cmd}.out"));
        let (code, out, err) = run(
            &fixture(),
            &[
                cmd,
                ".",
                "--format",
                format,
                "--output",
                path.to_str().unwrap(),
            ],
        );
        assert!(code == 0 || code == 1, "{cmd}: {err}");
        assert_eq!(out, "", "{cmd}: stdout must stay empty");
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text, run(&fixture(), &[cmd, ".", "--format", format]).1);
        let leftovers: Vec<_> = std::fs::read_dir(&d)
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    }
}

#[test]
fn a_report_that_cannot_be_written_is_exit_2_naming_the_path() {
    let d = tempdir("unwritable");
    let missing = d.join("no-such-dir/cercle.sarif");
    let m = missing.to_str().unwrap();
    for args in [
        vec!["check", ".", "--format", "sarif", "--output", m],
        vec!["check", ".", "--report", &*format!("junit:{m}")],
        vec!["inventory", ".", "--output", m],
    ] {
        let (code, _, err) = run(&fixture(), &args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(
            err.contains(m),
            "{args:?}: the error must name the path: {err}"
        );
    }
    // A directory is not a file either.
    let (code, _, err) = run(&fixture(), &["check", ".", "--output", d.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn quiet_drops_the_summary_line() {
    for format in ["human", "github"] {
        let (_, loud, _) = run(&fixture(), &["check", ".", "--format", format]);
        let (_, quiet, _) = run(&fixture(), &["check", ".", "--format", format, "--quiet"]);
        assert!(loud.contains("3 errors, 1 warning, 1 note in 6 files (5 resources)"));
        assert!(!quiet.contains("3 errors"), "{format}: {quiet}");
    }
}

#[test]
fn a_clean_run_says_so() {
    let d = tempdir("clean");
    std::fs::write(
        d.join("main.tf"),
        "provider \"aws\" {\n  region = \"eu-west-3\"\n}\n\n# cercle:tier peu-sensible\nresource \"aws_s3_bucket\" \"b\" {}\n",
    )
    .unwrap();
    let (code, out, _) = run(&d, &["check", ".", "--format", "markdown"]);
    assert_eq!(code, 0);
    assert!(out.contains("No findings."), "{out}");
    let (_, out, _) = run(&d, &["check", ".", "--format", "junit"]);
    assert!(
        out.contains("tests=\"1\" failures=\"0\" errors=\"0\""),
        "{out}"
    );
    let (_, out, _) = run(&d, &["check", ".", "--format", "github", "--quiet"]);
    assert_eq!(out, "");
    // No table of causes when there is nothing to group.
    for format in ["human", "markdown", "github"] {
        let (_, out, err) = run(&d, &["check", ".", "--format", format]);
        assert!(
            !out.contains("by cause") && !err.contains("by cause"),
            "{format}: {out}{err}"
        );
    }
}
