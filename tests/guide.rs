//! The user guide (`docs/guide.md`) keeps up with the binary: every option
//! of `check` and `inventory` is in it, its rule table is the rules' own
//! (code, name, default severity, as `docs/rules/README.md` generated from
//! `cercle explain`), and every local link it has points at a file.

use std::path::Path;

mod common;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn guide() -> String {
    std::fs::read_to_string(root().join("docs/guide.md")).unwrap()
}

/// The long options a `--help` lists.
fn options(help: &str) -> Vec<String> {
    help.lines()
        .filter_map(|l| {
            let l = l.trim_start();
            // `-q, --quiet`: the long form.
            let l = match l.as_bytes() {
                [b'-', c, b',', b' ', ..] if *c != b'-' => &l[4..],
                _ => l,
            };
            l.strip_prefix("--")
                .map(|o| o.split([' ', '=']).next().unwrap().to_string())
        })
        .filter(|o| o != "help")
        .collect()
}

#[test]
fn every_option_of_check_and_inventory_is_in_the_guide() {
    let guide = guide();
    let d = common::tempdir("guide", "options");
    for command in ["check", "inventory"] {
        let (code, help, err) = common::run(&d, &[command, "--help"]);
        assert_eq!(code, 0, "{err}");
        let opts = options(&help);
        assert!(opts.len() >= 8, "{command}: {opts:?}");
        for o in opts {
            assert!(
                guide.contains(&format!("`--{o}")),
                "docs/guide.md does not name `{command} --{o}`"
            );
        }
    }
}

#[test]
fn the_guides_rule_table_is_the_rules_own() {
    let guide = guide();
    let table = std::fs::read_to_string(root().join("docs/rules/README.md")).unwrap();
    let mut rows = 0;
    for line in table.lines().filter(|l| l.starts_with("| [CRC")) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let code = &cells[1][1..7];
        let (name, severity) = (cells[2], cells[3]);
        let row = format!("| [{code}](rules/{code}.md) | {name} | {severity} |");
        assert!(
            guide.contains(&row),
            "docs/guide.md has no row starting `{row}`"
        );
        rows += 1;
    }
    assert_eq!(rows, 10);
}

#[test]
fn the_guides_local_links_point_at_files() {
    let guide = guide();
    let mut links = 0;
    for (i, _) in guide.match_indices("](") {
        let rest = &guide[i + 2..];
        let target = &rest[..rest.find(')').unwrap()];
        if target.starts_with('#') || target.contains("://") {
            continue;
        }
        let path = target.split('#').next().unwrap();
        assert!(
            root().join("docs").join(path).exists(),
            "docs/guide.md links to {target}, which does not exist"
        );
        links += 1;
    }
    assert!(links >= 12, "{links}");
}
