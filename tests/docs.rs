//! `docs/rules/*.md` are generated from the rules' own documentation
//! (`src/rules/docs/`, what `cercle explain` prints): this test fails when
//! they drift. Regenerate with `CERCLE_UPDATE_DOCS=1 cargo test --test docs`.

use cercle::findings::Code;
use cercle::rules::REGISTRY;
use std::path::Path;

#[test]
fn rule_docs_are_generated_from_the_rules() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules");
    let update = std::env::var_os("CERCLE_UPDATE_DOCS").is_some();
    if update {
        std::fs::create_dir_all(&dir).unwrap();
    }
    let mut index =
        String::from("# Rules\n\n| code | name | default severity |\n| --- | --- | --- |\n");
    for rule in REGISTRY {
        let code = rule.code();
        let doc = rule.doc();
        assert!(
            doc.starts_with(&format!("# {} {}", code.as_str(), rule.name())),
            "{}: the doc must start with its code and name",
            code.as_str()
        );
        for section in ["## What it checks", "## Why", "## Example", "## Fix"] {
            assert!(
                doc.contains(section),
                "{}: missing {section}",
                code.as_str()
            );
        }
        index.push_str(&format!(
            "| [{c}]({c}.md) | {} | {} |\n",
            rule.name(),
            rule.default_severity().as_str(),
            c = code.as_str()
        ));
        let path = dir.join(format!("{}.md", code.as_str()));
        if update {
            std::fs::write(&path, doc).unwrap();
        } else {
            let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
            assert!(
                on_disk == doc,
                "{} is out of date: run CERCLE_UPDATE_DOCS=1 cargo test --test docs",
                path.display()
            );
        }
    }
    let path = dir.join("README.md");
    if update {
        std::fs::write(&path, &index).unwrap();
    } else {
        assert_eq!(
            std::fs::read_to_string(&path).unwrap_or_default(),
            index,
            "docs/rules/README.md is out of date"
        );
    }
}

#[test]
fn explain_prints_the_same_text() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cercle"))
        .args(["explain", "region-not-allowed"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        cercle::rules::doc(Code::Crc002)
    );
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_cercle"))
        .args(["explain", "CRC999"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}
