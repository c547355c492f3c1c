//! One fixture per rule, in the style of ruff's: `fixtures/rules/<name>/`
//! is a small project where the rule fires, beside code where it must not
//! (a file or folder named `ok`). Each folder's whole JSON report is a
//! snapshot (`tests/snapshots/rules__check@<name>.snap`); `insta::glob!`
//! runs every folder and reports every failing one, not only the first.

use cercle::findings::Code;
use std::path::Path;

mod common;
use common::run;

/// Whether a report path is in code that must not trigger the rule.
fn in_ok(file: &str) -> bool {
    Path::new(file).components().any(|c| {
        let c = c.as_os_str().to_string_lossy();
        c == "ok" || c.starts_with("ok.")
    })
}

#[test]
fn every_rule_has_a_fixture_and_its_report_is_a_snapshot() {
    insta::glob!("../fixtures/rules", "*", |dir| {
        if !dir.is_dir() || dir.ends_with("rules") {
            return;
        }
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let code = Code::parse(&name).unwrap_or_else(|| panic!("{name}: not a rule name"));
        assert_eq!(code.name(), name, "a fixture folder is named for its rule");
        let (status, out, err) = run(dir, &["check", ".", "--format", "json"]);
        assert!(status == 0 || status == 1, "{name}: exit {status}: {err}");
        let report: serde_json::Value = serde_json::from_str(&out).expect("JSON report");
        let of_rule: Vec<&serde_json::Value> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["code"] == code.as_str())
            .collect();
        assert!(
            !of_rule.is_empty(),
            "{name}: {} does not fire",
            code.as_str()
        );
        for f in &of_rule {
            let file = f["file"].as_str().unwrap_or("");
            assert!(!in_ok(file), "{name}: {} fires in {file}", code.as_str());
        }
        insta::assert_snapshot!("check", out);
    });
}

#[test]
fn every_rule_has_a_fixture_folder() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules");
    for rule in cercle::rules::REGISTRY {
        assert!(
            root.join(rule.name()).is_dir(),
            "no fixtures/rules/{}/",
            rule.name()
        );
    }
}
