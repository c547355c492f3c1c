//! Baselines (SPEC §6): `--write-baseline FILE` records today's findings,
//! `--baseline FILE` hides them; unrelated edits (lines added above, a block
//! moved, another resource added) do not bring them back, a new finding fails.

use serde_json::Value;
use std::path::Path;

mod common;
use common::run;

fn tempdir(name: &str) -> common::Scratch {
    common::tempdir("baseline", name)
}

fn json(dir: &Path, args: &[&str]) -> (i32, Value) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let (code, out, err) = run(dir, &all);
    let v = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    (code, v)
}

fn addresses(v: &Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{} {}", f["code"].as_str().unwrap(), f["address"]))
        .collect()
}

const PROVIDERS: &str = "provider \"aws\" {\n  region = \"us-east-1\"\n}\n";

const MAIN: &str = "# cercle:tier sensible
resource \"aws_s3_bucket\" \"exports\" {
  region = \"us-west-2\"
}

# cercle:tier sensible
resource \"aws_s3_bucket\" \"archive\" {}
";

/// A module with two findings and its baseline.
fn baselined(name: &str) -> common::Scratch {
    let d = tempdir(name);
    std::fs::write(d.join("providers.tf"), PROVIDERS).unwrap();
    std::fs::write(d.join("main.tf"), MAIN).unwrap();
    let (code, v) = json(&d, &["."]);
    assert_eq!(code, 1);
    assert_eq!(v["summary"]["findings"], 2, "{v:#}");
    let (code, out, err) = run(
        &d,
        &["check", ".", "--write-baseline", "cercle-baseline.json"],
    );
    // Writing a baseline accepts today's findings: the run succeeds.
    assert_eq!(code, 0, "{out}{err}");
    let b: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("cercle-baseline.json")).unwrap())
            .unwrap();
    assert_eq!(b["version"], 1);
    assert_eq!(b["findings"].as_array().unwrap().len(), 2, "{b:#}");
    d
}

#[test]
fn a_baseline_hides_the_findings_it_records() {
    let d = baselined("hides");
    let (code, v) = json(&d, &[".", "--baseline", "cercle-baseline.json"]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["summary"]["findings"], 0);
    assert_eq!(v["summary"]["baselined"], 2);
    let (_, out, _) = run(&d, &["check", ".", "--baseline", "cercle-baseline.json"]);
    assert!(out.contains("2 baselined"), "{out}");
}

#[test]
fn unrelated_edits_do_not_resurrect_baselined_findings() {
    let d = baselined("edits");
    // Lines added above, the two blocks swapped, a compliant resource and a
    // variable added between them, a comment inside a block.
    let edited = "variable \"unused\" {
  default = \"x\"
}

# cercle:tier sensible
resource \"aws_s3_bucket\" \"archive\" {}

# cercle:tier peu-sensible
resource \"aws_s3_bucket\" \"public\" {}

# cercle:tier sensible
resource \"aws_s3_bucket\" \"exports\" {
  # where the exports go
  region = \"us-west-2\"
}
";
    std::fs::write(d.join("main.tf"), edited).unwrap();
    std::fs::write(
        d.join("providers.tf"),
        format!("# the only provider\n\n{PROVIDERS}"),
    )
    .unwrap();
    let (code, v) = json(&d, &[".", "--baseline", "cercle-baseline.json"]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["summary"]["baselined"], 2);
}

#[test]
fn a_new_finding_still_fails() {
    let d = baselined("new");
    let mut main = MAIN.to_string();
    main.push_str("\n# cercle:tier sensible\nresource \"aws_s3_bucket\" \"new\" {}\n");
    std::fs::write(d.join("main.tf"), main).unwrap();
    let (code, v) = json(&d, &[".", "--baseline", "cercle-baseline.json"]);
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(
        addresses(&v),
        vec!["CRC001 \"aws_s3_bucket.new\"".to_string()]
    );
    assert_eq!(v["summary"]["baselined"], 2);
}

#[test]
fn a_baselined_resource_moved_to_another_region_is_new() {
    let d = baselined("moved-region");
    std::fs::write(d.join("main.tf"), MAIN.replace("us-west-2", "ap-south-1")).unwrap();
    let (code, v) = json(&d, &[".", "--baseline", "cercle-baseline.json"]);
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(
        addresses(&v),
        vec!["CRC001 \"aws_s3_bucket.exports\"".to_string()]
    );
}

#[test]
fn the_baseline_holds_from_another_directory() {
    let d = baselined("cwd");
    let parent = d.parent().unwrap();
    let name = d.file_name().unwrap().to_str().unwrap();
    let baseline = format!("{name}/cercle-baseline.json");
    let (code, v) = json(parent, &[name, "--baseline", &baseline]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["summary"]["baselined"], 2);
}

#[test]
fn updating_a_baseline_keeps_what_it_hid() {
    let d = baselined("update");
    let mut main = MAIN.to_string();
    main.push_str("\n# cercle:tier sensible\nresource \"aws_s3_bucket\" \"new\" {}\n");
    std::fs::write(d.join("main.tf"), main).unwrap();
    let (code, _, err) = run(
        &d,
        &[
            "check",
            ".",
            "--baseline",
            "cercle-baseline.json",
            "--write-baseline",
            "cercle-baseline.json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let (code, v) = json(&d, &[".", "--baseline", "cercle-baseline.json"]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["summary"]["baselined"], 3);
}

#[test]
fn a_missing_or_broken_baseline_is_a_usage_error() {
    let d = baselined("broken");
    let (code, _, err) = run(&d, &["check", ".", "--baseline", "nope.json"]);
    assert_eq!(code, 2);
    assert!(err.contains("--baseline nope.json"), "{err}");
    std::fs::write(d.join("bad.json"), "{\"version\": 7, \"findings\": []}").unwrap();
    let (code, _, err) = run(&d, &["check", ".", "--baseline", "bad.json"]);
    assert_eq!(code, 2);
    assert!(err.contains("unsupported baseline version 7"), "{err}");
}
