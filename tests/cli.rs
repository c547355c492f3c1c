//! The command line: configuration errors, `init`, `rules`, exit codes.

use std::path::Path;

mod common;
use common::run;

fn tempdir(name: &str) -> common::Scratch {
    common::tempdir("cli", name)
}

fn module(dir: &Path) {
    std::fs::write(
        dir.join("main.tf"),
        "provider \"aws\" {\n  region = \"eu-west-3\"\n}\n\n# cercle:tier peu-sensible\nresource \"aws_s3_bucket\" \"b\" {}\n",
    )
    .unwrap();
}

#[test]
fn config_errors_exit_2_and_point_at_the_line() {
    let cases = [
        (
            "unknown key",
            "packs = [\"fr-doctrine-2018\"]\nbogus = 1\n",
            "cercle.toml:2",
        ),
        (
            "bad glob",
            "[[scope]]\npaths = [\"envs/[prod\"]\ntier = \"sensible\"\n",
            "cercle.toml:2",
        ),
        ("unknown pack", "\npacks = [\"nope\"]\n", "cercle.toml:2"),
        (
            "bad severity",
            "[rules]\nCRC003 = \"loud\"\n",
            "cercle.toml:2",
        ),
        (
            "unknown set",
            "[[placement]]\nset = \"nowhere\"\nprovider = \"terraform-provider-openstack/openstack\"\nendpoint = \"https://x/*\"\n",
            "cercle.toml:2",
        ),
    ];
    for (what, toml, place) in cases {
        let d = tempdir(&what.replace(' ', "-"));
        module(&d);
        std::fs::write(d.join("cercle.toml"), toml).unwrap();
        let (code, _, err) = run(&d, &["check", "."]);
        assert_eq!(code, 2, "{what}: {err}");
        assert!(
            err.contains(place),
            "{what}: the error should point at {place}:\n{err}"
        );
    }
}

#[test]
fn unknown_tier_or_pack_on_the_command_line_is_a_usage_error() {
    let d = tempdir("cli-tier");
    module(&d);
    assert_eq!(run(&d, &["check", ".", "--tier", "top-secret"]).0, 2);
    assert_eq!(run(&d, &["check", ".", "--pack", "nope"]).0, 2);
    assert_eq!(run(&d, &["check", "does-not-exist"]).0, 2);
    assert_eq!(
        run(&d, &["check", ".", "--tier", "CERCLE3"]).0,
        0,
        "aliases are case-insensitive"
    );
}

#[test]
fn init_writes_a_starter_that_check_accepts_and_never_overwrites() {
    let d = tempdir("init");
    module(&d);
    let (code, _, err) = run(&d, &["init"]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(d.join("cercle.toml")).unwrap();
    assert!(text.contains("packs"));
    let (code, out, err) = run(&d, &["check", "."]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(run(&d, &["init"]).0, 2, "init must not overwrite");
    assert_eq!(
        std::fs::read_to_string(d.join("cercle.toml")).unwrap(),
        text
    );
}

#[test]
fn rules_lists_tiers_and_what_they_allow() {
    let d = tempdir("rules");
    let (code, out, _) = run(&d, &["rules", "--pack", "fr-cloud-au-centre"]);
    assert_eq!(code, 0);
    for needle in [
        "diffusion-restreinte",
        "sensible",
        "non-sensible",
        "secnumcloud",
        "cloudgouv-eu-west-1",
        "SREN",
    ] {
        assert!(out.contains(needle), "missing {needle} in:\n{out}");
    }
}

#[test]
fn exit_codes_follow_fail_on() {
    let d = tempdir("failon");
    std::fs::write(
        d.join("main.tf"),
        "provider \"aws\" {}\n\n# cercle:tier personal-data\nresource \"aws_s3_bucket\" \"b\" {}\n",
    )
    .unwrap();
    // A tier that allows AWS in some regions: where this bucket is matters.
    std::fs::write(d.join("cercle.toml"), "packs = [\"eu-gdpr\"]\n").unwrap();
    // Only a CRC003 warning: passes by default, fails with --fail-on warning or --strict.
    assert_eq!(run(&d, &["check", "."]).0, 0);
    assert_eq!(run(&d, &["check", ".", "--fail-on", "warning"]).0, 1);
    assert_eq!(run(&d, &["check", ".", "--strict"]).0, 1);
    assert_eq!(
        run(&d, &["check", ".", "--strict", "--fail-on", "never"]).0,
        0
    );
}

#[test]
fn every_builtin_pack_loads_and_cites_its_sources() {
    let cat = cercle::catalogue::Catalogue::builtin();
    let packs = cercle::policy::packs::builtin(cat).expect("built-in packs are valid");
    assert_eq!(packs.len(), 3);
    assert_eq!(packs.iter().filter(|p| p.default).count(), 1);
    for p in &packs {
        assert!(!p.sources.is_empty(), "{}: no source", p.id);
        for t in &p.tiers {
            assert!(t.source.is_some(), "{}/{}: no source", p.id, t.id);
            for s in &t.allows {
                let set = &p.sets[s];
                assert!(set.source.is_some(), "set {s} has no source");
                for e in &set.placements {
                    assert!(
                        cat.provider(&e.provider).is_some(),
                        "{}: unknown provider",
                        e.provider
                    );
                    for r in &e.regions {
                        assert!(
                            cat.provider(&e.provider).unwrap().region(r).is_some(),
                            "{r}: not in the catalogue"
                        );
                    }
                    if e.qualification.is_some() {
                        assert!(
                            e.since.is_some(),
                            "{}: a qualification needs its date",
                            e.name
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn a_broken_pack_file_is_exit_2_with_its_place() {
    let d = tempdir("badpack");
    module(&d);
    std::fs::write(
        d.join("pack.toml"),
        "id = \"mine\"\ntitle = \"t\"\nversion = \"1\"\n\n[[source]]\nid = \"s\"\ntitle = \"t\"\nurl = \"u\"\ndate = \"2026\"\n\n[[tier]]\nid = \"secret\"\nlabel = { fr = \"a\", en = \"b\" }\nallows = [\"nowhere\"]\nwhy = \"w\"\nsource_ref = \"s\"\n",
    )
    .unwrap();
    let (code, _, err) = run(&d, &["check", ".", "--pack", "pack.toml"]);
    assert_eq!(code, 2);
    assert!(err.contains("pack.toml:14"), "{err}");
}

#[test]
fn version_names_the_packs_and_their_versions() {
    let d = tempdir("version");
    let (code, out, _) = run(&d, &["--version"]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with(&format!("cercle {}\n", env!("CARGO_PKG_VERSION"))),
        "{out}"
    );
    for pack in ["fr-doctrine-2018", "fr-cloud-au-centre", "eu-gdpr"] {
        let line = out
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{pack} ")))
            .unwrap_or_else(|| panic!("{pack} not in {out}"));
        let version = line.split_whitespace().nth(1).unwrap();
        assert!(version.chars().next().unwrap().is_ascii_digit(), "{line}");
    }
    let (code, out, _) = run(&d, &["-V"]);
    assert_eq!(code, 0);
    assert_eq!(out, format!("cercle {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn completions_for_every_shell() {
    let d = tempdir("completions");
    for (shell, marker) in [
        ("bash", "_cercle()"),
        ("zsh", "#compdef cercle"),
        ("fish", "complete -c cercle"),
        ("elvish", "cercle"),
        ("powershell", "cercle"),
    ] {
        let (code, out, err) = run(&d, &["completions", shell]);
        assert_eq!(code, 0, "{shell}: {err}");
        assert!(out.contains(marker), "{shell}: {out}");
        assert!(out.contains("write-baseline"), "{shell}");
    }
    let (code, _, err) = run(&d, &["completions", "tcsh"]);
    assert_eq!(code, 2, "{err}");
}

/// What a pre-commit hook passes: the staged files of several modules. Each
/// module is loaded and evaluated once, and only the named files' findings
/// are reported.
#[test]
fn file_arguments_of_several_modules_check_each_module_once() {
    let d = tempdir("modules");
    for m in ["a", "b", "c"] {
        std::fs::create_dir_all(d.join(m)).unwrap();
        std::fs::write(
            d.join(m).join("providers.tf"),
            "provider \"aws\" {\n  region = \"us-east-1\"\n}\n",
        )
        .unwrap();
        std::fs::write(
            d.join(m).join("main.tf"),
            "# cercle:tier sensible\nresource \"aws_s3_bucket\" \"x\" {}\n",
        )
        .unwrap();
    }
    let (code, out, err) = run(
        &d,
        &[
            "check",
            "a/main.tf",
            "a/providers.tf",
            "b/providers.tf",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 1, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["summary"]["modules"], 2, "{v:#}");
    assert_eq!(v["summary"]["files"], 4, "{v:#}");
    assert_eq!(v["summary"]["resources"], 2, "{v:#}");
    let files: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    // b's finding is reported through its provider's region, named.
    assert_eq!(files, vec!["a/main.tf", "b/main.tf"], "{v:#}");
}

/// The diagnostic pasted in the README is what `cercle check` prints today.
#[test]
fn the_readme_diagnostic_is_real() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let at = readme
        .find("fixtures/report-provenance`, one of its findings")
        .expect("the README shows a diagnostic from fixtures/report-provenance");
    let rest = &readme[at..];
    let start = rest.find("```text\n").unwrap() + "```text\n".len();
    let block = &rest[start..start + rest[start..].find("\n```").unwrap()];
    let (code, out, err) = run(root, &["check", "fixtures/report-provenance", "--no-color"]);
    assert_eq!(code, 1, "{err}");
    let norm = |s: &str| {
        s.lines()
            .map(str::trim_end)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(
        norm(&out).contains(&norm(block)),
        "the README's diagnostic is no longer what cercle prints:\n{out}"
    );
}

/// SPEC §3: an unknown tier name is CRC004 at the place it was written, even
/// where a more specific source decides the resource's tier (a tag over an
/// annotation, annotations over a file annotation, a scope and
/// default_tier), so that a typo never hides behind another declaration.
/// In the configuration (`default_tier`, a `[[scope]]`), an unknown tier is
/// exit 2 at its line, as on `--tier` (tests/first_day.rs).
#[test]
fn unknown_tier_names_are_reported_even_where_another_source_decides() {
    let d = tempdir("masked-unknown-tiers");
    std::fs::write(
        d.join("main.tf"),
        "# cercle:tier nope-file\n\nprovider \"aws\" {\n  region = \"eu-west-3\"\n}\n\n\
         # cercle:tier nope-above\nresource \"aws_s3_bucket\" \"a\" {\n  tags = { cercle-tier = \"public\" }\n}\n\n\
         # cercle:tier public\nresource \"aws_s3_bucket\" \"b\" {}\n",
    )
    .unwrap();
    std::fs::write(d.join("cercle.toml"), "packs = [\"eu-gdpr\"]\n").unwrap();
    let found = |args: &[&str]| -> Vec<String> {
        let (code, out, err) = run(&d, args);
        assert_eq!(code, 1, "{err}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                assert_eq!(f["code"], "CRC004", "{f}");
                format!(
                    "{}:{} {}",
                    f["file"].as_str().unwrap(),
                    f["line"],
                    f["tier"].as_str().unwrap()
                )
            })
            .collect()
    };
    assert_eq!(
        found(&["check", ".", "--format", "json"]),
        ["main.tf:1 nope-file", "main.tf:7 nope-above"]
    );
    assert_eq!(
        found(&["check", ".", "--format", "json", "--tier", "public"]),
        ["main.tf:1 nope-file", "main.tf:7 nope-above"]
    );
}

/// A report that cannot be written (a full disk: `/dev/full`) is exit 2 with
/// the reason, for every report the inventory streams, and the run ends: the
/// renderer stops when the writer does.
#[cfg(target_os = "linux")]
#[test]
fn a_report_that_cannot_be_written_is_exit_2() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    // Several batches of the streamed inventory, rendered ahead of the writer.
    let many = tempdir("unwritable");
    std::fs::write(
        many.join("main.tf"),
        "provider \"aws\" {\n  region = \"eu-west-3\"\n}\n\nresource \"aws_s3_bucket\" \"b\" {\n  count  = 9000\n  bucket = \"b-${count.index}\"\n}\n",
    )
    .unwrap();
    let many = many.to_string_lossy().into_owned();
    for args in [
        &["inventory", ".", "--format", "json"][..],
        &["inventory", ".", "--format", "json", "--threads", "1"][..],
        &["check", ".", "--format", "sarif"][..],
        &["inventory", &many, "--format", "json", "--threads", "2"][..],
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full");
        let out = std::process::Command::new(common::bin())
            .args(args)
            .current_dir(&fixtures)
            .stdout(full)
            .output()
            .expect("run cercle");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("No space left on device"), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}
