//! The type catalogue (rules/providers/generated/ and corrections/,
//! tools/catalogue/FORMAT.md) as the binary sees it: every type of each
//! generated file is in the compiled tables exactly once with one kind, the
//! corrections win whole, google's corrections apply to google-beta, the
//! hand-written facts win over both, and the files' format is enforced.

use cercle::catalogue::Catalogue;
use cercle::catalogue::typefile;
use cercle::catalogue::types::{self, TYPE_TABLES, TypeKind};
use std::path::Path;

fn dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/providers"))
}

#[test]
fn every_type_of_each_provider_has_exactly_one_kind() {
    let merged = typefile::load(dir()).expect("the type catalogue loads");
    assert_eq!(merged.len(), 11, "one table per generated file");
    assert_eq!(TYPE_TABLES.len(), merged.len());
    let mut total = 0;
    for m in &merged {
        let table = types::table(&m.provider).expect("a compiled table per provider");
        assert_eq!(table.file, m.file);
        assert_eq!(table.types.len(), m.types.len(), "{}", m.file);
        // Sorted and unique: one entry per type, found by binary search.
        for w in table.types.windows(2) {
            assert!(
                w[0].ty < w[1].ty,
                "{}: {} then {}",
                m.file,
                w[0].ty,
                w[1].ty
            );
        }
        for (ty, e) in &m.types {
            let got = types::lookup(&m.provider, ty).expect("every type is found");
            assert_eq!(got.kind.as_str(), e.kind, "{ty}");
            assert_eq!(got.corrected, e.corrected, "{ty}");
            assert_eq!(got.location.len(), e.location.len(), "{ty}");
        }
        total += m.types.len();
    }
    assert!(total > 8000, "{total} types");
    assert!(types::lookup("hashicorp/aws", "aws_no_such_type").is_none());
    // Case-insensitive provider, as Terraform compares sources.
    assert!(types::lookup("IBM-Cloud/ibm", "ibm_cis").is_some());
    assert!(types::lookup("ibm-cloud/IBM", "ibm_cis").is_some());
}

#[test]
fn corrections_win_whole_and_google_ones_apply_to_google_beta() {
    for p in ["hashicorp/google", "hashicorp/google-beta"] {
        let e = types::lookup(p, "google_spanner_instance").unwrap();
        assert!(e.corrected, "{p}");
        assert_eq!(e.location, &["config"], "{p}");
        let e = types::lookup(p, "google_secret_manager_secret").unwrap();
        assert_eq!(e.kind, TypeKind::Global);
        assert_eq!(e.holds_data, Some(true));
        assert_eq!(
            e.regions_from,
            Some("replication.user_managed.replicas.location")
        );
        assert_eq!(e.source_ref, "cdktf-google");
    }
    let kube = types::lookup("ovh/ovh", "ovh_cloud_project_kube").unwrap();
    assert!(kube.required, "the correction says region is required");
    assert_eq!(kube.source_ref, "repo-ovh-schema-code");
    let generated = types::lookup("ovh/ovh", "ovh_cloud_project_database").unwrap();
    assert!(!generated.corrected);
    assert_eq!(generated.source_ref, "repo-ovh");
    assert_eq!(generated.location, &["nodes.region"]);
}

#[test]
fn hand_written_facts_win_over_the_type_catalogue() {
    let cat = Catalogue::builtin();
    // [[global]] google_pubsub_topic, [[default]] google_bigquery_dataset,
    // [[parent]] google_sql_database: the generated entries are not used.
    for ty in [
        "google_pubsub_topic",
        "google_bigquery_dataset",
        "google_sql_database",
    ] {
        assert!(types::lookup("hashicorp/google", ty).is_some(), "{ty}");
        assert!(cat.type_entry("hashicorp/google", ty).is_none(), "{ty}");
        assert_eq!(
            cat.type_source("hashicorp/google", ty).map(|s| s.1),
            Some("rules/providers")
        );
    }
    let e = cat
        .type_entry("hashicorp/google", "google_kms_crypto_key")
        .unwrap();
    assert_eq!(e.kind, TypeKind::Parent);
    assert_eq!(e.parent, &["key_ring"]);
    assert_eq!(
        cat.type_source("hashicorp/google", "google_kms_crypto_key"),
        Some(("cdktf-google", "rules/providers/generated"))
    );
}

#[test]
fn unknown_fields_and_bad_entries_are_rejected() {
    let header =
        "provider = \"x/y\"\nprovider_version = \"1\"\nsource_ref = \"s\"\nschema = \"s\"\n";
    let ok = format!("{header}type_count = 1\n[types]\ny_a = {{ kind = \"provider\" }}\n");
    assert!(typefile::parse(&ok, false).is_ok());
    for bad in [
        // An unknown header key.
        format!("{header}type_count = 1\nextra = 1\n[types]\ny_a = {{ kind = \"provider\" }}\n"),
        // An unknown field of an entry.
        format!(
            "{header}type_count = 1\n[types]\ny_a = {{ kind = \"provider\", colour = \"red\" }}\n"
        ),
        // A field the kind does not take.
        format!(
            "{header}type_count = 1\n[types]\ny_a = {{ kind = \"global\", location = [\"region\"] }}\n"
        ),
        // An unknown kind.
        format!("{header}type_count = 1\n[types]\ny_a = {{ kind = \"somewhere\" }}\n"),
        // Kind own without its location.
        format!("{header}type_count = 1\n[types]\ny_a = {{ kind = \"own\" }}\n"),
        // A wrong count.
        format!("{header}type_count = 2\n[types]\ny_a = {{ kind = \"provider\" }}\n"),
        // A `why` that is not a key of [why].
        format!("{header}type_count = 1\n[types]\ny_a = {{ kind = \"global\", why = \"nope\" }}\n"),
    ] {
        assert!(typefile::parse(&bad, false).is_err(), "accepted:\n{bad}");
    }
    // A correction needs its own source, and takes no header.
    assert!(typefile::parse("[types]\ny_a = { kind = \"provider\" }\n", true).is_err());
    assert!(
        typefile::parse(
            "[types]\ny_a = { kind = \"provider\", source_ref = \"s\" }\n",
            true
        )
        .is_ok()
    );
    assert!(typefile::parse("provider = \"x/y\"\n[types]\n", true).is_err());
}

#[test]
fn ovh_regions_and_zone_rule() {
    let ovh = Catalogue::builtin().provider("ovh/ovh").unwrap();
    assert_eq!(ovh.region.len(), 13);
    for (value, region) in [
        ("GRA11", "gra"),
        ("gra7", "gra"),
        ("SBG5", "sbg"),
        ("BHS5", "bhs"),
        ("SGP1", "sgp"),
        ("DE1", "de"),
        ("UK1", "uk"),
        ("WAW1", "waw"),
        ("GRA", "gra"),
        ("EU-WEST-PAR", "eu-west-par"),
        ("eu-west-par-a", "eu-west-par"),
        ("EU-WEST-LZ-LUX-A", "eu-west-lz-lux-a"),
    ] {
        assert_eq!(ovh.canonical_region(value), region, "{value}");
        assert!(
            ovh.region(&ovh.canonical_region(value)).is_some(),
            "{value}"
        );
    }
    assert_eq!(ovh.region("gra").unwrap().country, "FR");
    assert_eq!(ovh.region("bhs").unwrap().country, "CA");
    assert_eq!(ovh.region("sgp").unwrap().country, "SG");
    // Not a zone of a known region.
    assert_eq!(ovh.zone_region("XYZ1"), None);
}

/// `placed-by.tsv` of a fixture: (address, placement, placed_by).
fn placed_by_oracle(dir: &Path) -> Option<Vec<(String, String, String)>> {
    let text = std::fs::read_to_string(dir.join("placed-by.tsv")).ok()?;
    Some(
        text.lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let c: Vec<&str> = l.split('\t').collect();
                assert_eq!(c.len(), 3, "{}: bad line {l:?}", dir.display());
                (c[0].to_string(), c[1].to_string(), c[2].to_string())
            })
            .collect(),
    )
}

#[test]
fn fixtures_are_placed_by_the_expected_kind() {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures"));
    let mut dirs: Vec<_> = std::fs::read_dir(root)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    dirs.sort();
    let (mut checked, mut failures) = (0, Vec::new());
    for dir in dirs {
        let Some(oracle) = placed_by_oracle(&dir) else {
            continue;
        };
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_cercle"))
            .args(["inventory", ".", "--format", "json"])
            .current_dir(&dir)
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("inventory JSON");
        let resources = v["resources"].as_array().unwrap();
        assert_eq!(resources.len(), oracle.len(), "{}", dir.display());
        for (address, placement, placed_by) in oracle {
            checked += 1;
            let r = resources
                .iter()
                .find(|r| r["address"] == address.as_str())
                .unwrap_or_else(|| panic!("{}: no {address}", dir.display()));
            let got = (
                r["placement"].as_str().unwrap_or("-"),
                r["placed_by"].as_str().unwrap_or("-"),
            );
            if got != (placement.as_str(), placed_by.as_str()) {
                failures.push(format!(
                    "{}: {address}: expected {placement} by {placed_by}, got {got:?}",
                    dir.display()
                ));
            }
            // The source of what placed it is a known source.
            if let Some(s) = r["placed_by_source"].as_str() {
                assert!(Catalogue::builtin().sources.contains_key(s), "{s}");
            }
        }
    }
    assert!(checked >= 30, "{checked} resources checked");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn an_undeclared_provider_outside_hashicorp_is_placed_with_a_note() {
    let cat = Catalogue::builtin();
    assert_eq!(cat.undeclared_source("ovh").as_deref(), Some("ovh/ovh"));
    assert_eq!(
        cat.undeclared_source("scaleway").as_deref(),
        Some("scaleway/scaleway")
    );
    assert_eq!(cat.undeclared_source("aws"), None, "hashicorp/aws exists");
    assert_eq!(
        cat.undeclared_source("random"),
        None,
        "inert hashicorp/random"
    );
    assert_eq!(cat.undeclared_source("nothing_like_it"), None);
    let dir = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/catalogue-undeclared-provider"
    ));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cercle"))
        .args(["inventory", ".", "--format", "json"])
        .current_dir(dir)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for r in v["resources"].as_array().unwrap() {
        let notes: Vec<&str> = r["origins"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|o| o["message"].as_str())
            .filter(|m| m.contains("not in required_providers"))
            .collect();
        assert_eq!(notes.len(), 1, "{}", r["address"]);
        assert!(notes[0].contains("declare it"), "{}", notes[0]);
    }
}
