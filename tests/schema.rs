//! The JSON Schemas of the reports users script against
//! (`docs/schema/report.schema.json`, `docs/schema/inventory.schema.json`,
//! draft 2020-12) are valid schemas, and real reports are valid against them:
//! `check --format json` and `inventory --format json` of every fixture, of
//! `fixtures/` as a whole, and of a project with suppressed and baselined
//! findings. A report with a member missing, renamed or added is not.
//!
//! Validation is check-jsonschema's (`python3 -m pip install
//! check-jsonschema`): skipped with a message when it is missing, unless
//! `CERCLE_REQUIRE_TOOLS=1` (as `.ci/run` sets after installing it).

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn schema(name: &str) -> PathBuf {
    root().join("docs/schema").join(name)
}

/// check-jsonschema's verdict on `instances` against `schema` (None when the
/// tool is not installed and may be missing).
fn validate(schema: &Path, instances: &[PathBuf]) -> Option<(bool, String)> {
    let out = Command::new("check-jsonschema")
        .arg("--schemafile")
        .arg(schema)
        .args(instances)
        .output();
    match out {
        Ok(o) => Some((
            o.status.success(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            ),
        )),
        Err(_) => {
            assert!(
                std::env::var_os("CERCLE_REQUIRE_TOOLS").is_none_or(|v| v != "1"),
                "CERCLE_REQUIRE_TOOLS=1 but check-jsonschema is not installed"
            );
            eprintln!(
                "SKIPPED: check-jsonschema is not installed (python3 -m pip install check-jsonschema); .ci/run installs it"
            );
            None
        }
    }
}

/// Runs cercle from the repository root and writes its stdout to `to`.
fn report(args: &[&str], dir: &Path, to: &Path) {
    let (code, out, err) = common::run(dir, args);
    assert!(
        code == 0 || code == 1,
        "cercle {args:?}: exit {code}\n{err}"
    );
    let _: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("cercle {args:?}: {e}\n{out}"));
    std::fs::write(to, out).unwrap();
}

fn fixtures() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("fixtures"))
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn the_schemas_are_valid_draft_2020_12_schemas() {
    for name in ["report.schema.json", "inventory.schema.json"] {
        let text = std::fs::read_to_string(schema(name)).unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            v["$schema"], "https://json-schema.org/draft/2020-12/schema",
            "{name}"
        );
        let out = Command::new("check-jsonschema")
            .arg("--check-metaschema")
            .arg(schema(name))
            .output();
        if let Ok(o) = out {
            assert!(
                o.status.success(),
                "{name}: {}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            );
        }
    }
}

#[test]
fn every_fixtures_reports_are_valid_against_the_schemas() {
    let out = common::tempdir("schema", "fixtures");
    let mut checks = Vec::new();
    let mut inventories = Vec::new();
    let mut paths: Vec<String> = fixtures()
        .into_iter()
        .map(|f| format!("fixtures/{f}"))
        .collect();
    paths.push("fixtures".to_string());
    for (i, p) in paths.iter().enumerate() {
        let check = out.join(format!("check-{i}.json"));
        report(
            &["check", p, "--format", "json", "--fail-on", "never"],
            root(),
            &check,
        );
        checks.push(check);
        let inventory = out.join(format!("inventory-{i}.json"));
        report(&["inventory", p, "--format", "json"], root(), &inventory);
        inventories.push(inventory);
    }
    let Some((ok, text)) = validate(&schema("report.schema.json"), &checks) else {
        return;
    };
    assert!(ok, "{text}");
    let (ok, text) = validate(&schema("inventory.schema.json"), &inventories).unwrap();
    assert!(ok, "{text}");
}

#[test]
fn suppressed_and_baselined_findings_are_valid_too() {
    let d = common::tempdir("schema", "suppressed");
    std::fs::write(d.join("cercle.toml"), "packs = [\"eu-gdpr\"]\n").unwrap();
    std::fs::write(
        d.join("main.tf"),
        "provider \"aws\" {\n  region = \"us-east-1\"\n}\n\n\
         # cercle:tier personal-data\n\
         # cercle:ignore CRC002 until=2999-01-01 -- statistics are public, ticket 1234\n\
         resource \"aws_s3_bucket\" \"stats\" {}\n\n\
         # cercle:tier personal-data\n\
         # cercle:ignore CRC002 -- exports reviewed, ticket 99\n\
         resource \"aws_s3_bucket\" \"exports\" {}\n\n\
         # cercle:tier personal-data\n\
         resource \"aws_s3_bucket\" \"patients\" {}\n\n\
         # cercle:ignore CRC005\n\
         resource \"aws_s3_bucket\" \"untiered\" {}\n",
    )
    .unwrap();
    let (code, _, err) = common::run(&d, &["check", "--write-baseline", "baseline.json"]);
    assert_eq!(code, 0, "{err}");
    std::fs::write(
        d.join("more.tf"),
        "# cercle:tier nope\nresource \"aws_s3_bucket\" \"new\" {}\n",
    )
    .unwrap();
    let check = d.join("report.json");
    report(
        &[
            "check",
            ".",
            "--format",
            "json",
            "--baseline",
            "baseline.json",
        ],
        &d,
        &check,
    );
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&check).unwrap()).unwrap();
    assert_eq!(v["summary"]["suppressed"], 2, "{v:#}");
    assert!(v["summary"]["baselined"].as_u64().unwrap() >= 1, "{v:#}");
    assert_eq!(v["suppressed"][0]["suppression"]["kind"], "inline", "{v:#}");
    assert!(!v["findings"].as_array().unwrap().is_empty(), "{v:#}");
    let inventory = d.join("inventory.json");
    report(&["inventory", ".", "--format", "json"], &d, &inventory);
    let Some((ok, text)) = validate(&schema("report.schema.json"), &[check]) else {
        return;
    };
    assert!(ok, "{text}");
    let (ok, text) = validate(&schema("inventory.schema.json"), &[inventory]).unwrap();
    assert!(ok, "{text}");
}

#[test]
fn a_report_that_breaks_the_contract_is_invalid() {
    let d = common::tempdir("schema", "broken");
    let check = d.join("check.json");
    report(
        &[
            "check",
            "fixtures/tier-gdpr",
            "--format",
            "json",
            "--fail-on",
            "never",
        ],
        root(),
        &check,
    );
    let inventory = d.join("inventory.json");
    report(
        &["inventory", "fixtures/tier-gdpr", "--format", "json"],
        root(),
        &inventory,
    );
    let good: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&check).unwrap()).unwrap();
    assert!(!good["findings"].as_array().unwrap().is_empty());
    let inv: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&inventory).unwrap()).unwrap();
    assert!(!inv["resources"].as_array().unwrap().is_empty());

    let mut broken_checks = Vec::new();
    type Edit = Box<dyn Fn(&mut serde_json::Value)>;
    let edits: Vec<(&str, Edit)> = vec![
        (
            "no-line",
            Box::new(|v| {
                v["findings"][0].as_object_mut().unwrap().remove("line");
            }),
        ),
        (
            "renamed",
            Box::new(|v| {
                let f = v["findings"][0].as_object_mut().unwrap();
                let code = f.remove("code").unwrap();
                f.insert("rule".into(), code);
            }),
        ),
        (
            "added",
            Box::new(|v| {
                v["findings"][0]["confidence"] = "high".into();
            }),
        ),
        (
            "severity",
            Box::new(|v| {
                v["findings"][0]["severity"] = "fatal".into();
            }),
        ),
        (
            "line-0",
            Box::new(|v| {
                v["findings"][0]["line"] = 0.into();
            }),
        ),
        (
            "version",
            Box::new(|v| {
                v["version"] = 2.into();
            }),
        ),
    ];
    for (name, edit) in &edits {
        let mut v = good.clone();
        edit(&mut v);
        let p = d.join(format!("check-{name}.json"));
        std::fs::write(&p, v.to_string()).unwrap();
        broken_checks.push(p);
    }
    let mut v = inv.clone();
    v["resources"][0]["tier_source"] = "guess".into();
    let broken_inventory = d.join("inventory-tier-source.json");
    std::fs::write(&broken_inventory, v.to_string()).unwrap();

    // The untouched reports pass, each edit fails on its own.
    let Some((ok, text)) = validate(&schema("report.schema.json"), &[check]) else {
        return;
    };
    assert!(ok, "{text}");
    for p in &broken_checks {
        let (ok, text) = validate(&schema("report.schema.json"), std::slice::from_ref(p)).unwrap();
        assert!(!ok, "{} passed:\n{text}", p.display());
    }
    let (ok, text) = validate(&schema("inventory.schema.json"), &[inventory]).unwrap();
    assert!(ok, "{text}");
    let (ok, _) = validate(&schema("inventory.schema.json"), &[broken_inventory]).unwrap();
    assert!(!ok);
}
