//! Whole-report tests over `fixtures/`: every fixture's inventory and check
//! reports are snapshots (`tests/snapshots/`), and every fixture's
//! `expected.tsv`, written by hand from what Terraform would do, is an
//! independent oracle for the placement of each resource.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

mod common;
use common::run;

/// Every fixture folder but `fixtures/rules/`, whose folders (one per rule)
/// tests/rules.rs snapshots; the tests below that check all of `fixtures/`
/// at once (`--threads`) read those too.
fn fixtures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("fixtures/")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_dir() && !p.ends_with("rules"))
        .collect();
    dirs.sort();
    dirs
}

fn name(dir: &Path) -> String {
    dir.file_name().unwrap().to_string_lossy().into_owned()
}

#[test]
fn inventory_snapshots() {
    for dir in fixtures() {
        let (code, out, err) = run(&dir, &["inventory", ".", "--format", "json"]);
        assert_eq!(code, 0, "{}: inventory failed: {err}", name(&dir));
        assert!(!err.contains("panicked"), "{err}");
        insta::assert_snapshot!(format!("inventory-{}", name(&dir)), out);
    }
}

#[test]
fn check_snapshots() {
    for dir in fixtures() {
        let (code, out, err) = run(&dir, &["check", ".", "--format", "json"]);
        assert!(
            code == 0 || code == 1,
            "{}: check exited {code}: {err}",
            name(&dir)
        );
        insta::assert_snapshot!(format!("check-{}", name(&dir)), out);
    }
}

/// One line of `expected.tsv`.
#[derive(Debug, PartialEq)]
struct Expected {
    provider: String,
    provider_config: String,
    regions: String,
    endpoint: String,
    unresolved: bool,
}

fn read_expected(dir: &Path) -> Option<BTreeMap<String, Expected>> {
    let text = std::fs::read_to_string(dir.join("expected.tsv")).ok()?;
    let mut out = BTreeMap::new();
    for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(
            cols.len(),
            6,
            "{}: bad expected.tsv line {line:?}",
            dir.display()
        );
        out.insert(
            cols[0].to_string(),
            Expected {
                provider: cols[1].to_string(),
                provider_config: cols[2].to_string(),
                regions: cols[3].to_string(),
                endpoint: cols[4].to_string(),
                unresolved: cols[5].trim() == "yes",
            },
        );
    }
    Some(out)
}

#[test]
fn placements_match_the_hand_written_oracles() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for dir in fixtures() {
        let Some(expected) = read_expected(&dir) else {
            continue;
        };
        let (_, out, _) = run(&dir, &["inventory", ".", "--format", "json"]);
        let v: serde_json::Value = serde_json::from_str(&out).expect("inventory JSON");
        // `ROOT@ADDRESS` keys: the same address in several roots (Terragrunt
        // units of one module).
        let by_root = expected.keys().any(|k| k.contains('@'));
        let mut actual = BTreeMap::new();
        for r in v["resources"].as_array().unwrap() {
            let key = if by_root {
                format!(
                    "{}@{}",
                    r["root"].as_str().unwrap_or("-"),
                    r["address"].as_str().unwrap()
                )
            } else {
                r["address"].as_str().unwrap().to_string()
            };
            let regions: Vec<&str> = r["regions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_str().unwrap())
                .collect();
            actual.insert(
                key,
                Expected {
                    provider: r["provider"].as_str().unwrap().to_string(),
                    provider_config: r["provider_config"].as_str().unwrap().to_string(),
                    regions: if regions.is_empty() {
                        "-".into()
                    } else {
                        regions.join(",")
                    },
                    endpoint: r["endpoint"].as_str().unwrap_or("-").to_string(),
                    unresolved: !r["unresolved"].is_null(),
                },
            );
        }
        for (addr, e) in &expected {
            checked += 1;
            match actual.get(addr) {
                None => failures.push(format!("{}: {addr} missing from the inventory", name(&dir))),
                Some(a) if a != e => failures.push(format!(
                    "{}: {addr}\n   expected {e:?}\n   actual   {a:?}",
                    name(&dir)
                )),
                _ => {}
            }
        }
        for addr in actual.keys() {
            if !expected.contains_key(addr) {
                failures.push(format!(
                    "{}: {addr} is in the inventory but not in expected.tsv",
                    name(&dir)
                ));
            }
        }
    }
    assert!(checked > 0, "no expected.tsv found");
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn reports_do_not_depend_on_the_thread_count() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for args in [
        vec!["inventory", "fixtures", "--format", "json"],
        vec!["check", "fixtures", "--format", "json"],
    ] {
        let mut one = args.clone();
        one.extend(["--threads", "1"]);
        let mut eight = args.clone();
        eight.extend(["--threads", "8"]);
        let (_, a, _) = run(root, &one);
        let (_, b, _) = run(root, &eight);
        assert!(a.len() > 100, "empty report for {args:?}");
        assert!(a == b, "{args:?}: --threads 1 and --threads 8 differ");
    }
}

#[test]
fn findings_match_the_hand_written_oracles() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for dir in fixtures() {
        let Ok(text) = std::fs::read_to_string(dir.join("expected-findings.tsv")) else {
            continue;
        };
        let mut expected: Vec<String> = text
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.trim_end().to_string())
            .collect();
        expected.sort();
        let (_, out, err) = run(&dir, &["check", ".", "--format", "json"]);
        let v: serde_json::Value =
            serde_json::from_str(&out).unwrap_or_else(|e| panic!("{}: {e}: {err}", name(&dir)));
        let mut actual: Vec<String> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                format!(
                    "{}\t{}\t{}",
                    f["code"].as_str().unwrap(),
                    f["address"].as_str().unwrap_or("-"),
                    f["placement"]["region"].as_str().unwrap_or("-")
                )
            })
            .collect();
        actual.sort();
        checked += 1;
        if actual != expected {
            failures.push(format!(
                "{}:\n  expected {expected:#?}\n  actual   {actual:#?}",
                name(&dir)
            ));
        }
    }
    assert!(checked > 0, "no expected-findings.tsv found");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
