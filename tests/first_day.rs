//! A new user's first day (issue 15): exit codes, noise, suppressions,
//! human output, the command line and words.

use std::path::Path;
use std::process::Command;

mod common;
use common::run;

fn tempdir(name: &str) -> common::Scratch {
    common::tempdir("first-day", name)
}

fn write(dir: &Path, name: &str, text: &str) {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// Runs cercle with `COLUMNS` set (the width tests).
fn run_columns(dir: &Path, columns: &str, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(common::bin())
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("COLUMNS", columns)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const AWS_PARIS: &str = "provider \"aws\" {\n  region = \"eu-west-3\"\n}\n\n";

/// An Outscale module whose region comes from a variable with no value: one
/// CRC003 warning under a tier that allows SecNumCloud (Outscale is allowed
/// somewhere).
fn outscale_unresolved(dir: &Path, tier: &str) {
    write(
        dir,
        "main.tf",
        &format!(
            "terraform {{\n  required_providers {{\n    outscale = {{ source = \"outscale/outscale\" }}\n  }}\n}}\n\nvariable \"region\" {{}}\n\nprovider \"outscale\" {{\n  region = var.region\n}}\n\n# cercle:tier {tier}\nresource \"outscale_volume\" \"data\" {{\n  subregion_name = \"${{var.region}}a\"\n  size           = 10\n}}\n"
        ),
    );
}

// ---- item 5: exit codes and counts -------------------------------------

#[test]
fn a_tree_without_terraform_is_an_error() {
    let d = tempdir("empty");
    write(&d, "README.md", "nothing here\n");
    let (code, out, err) = run(&d, &["check", "."]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("no Terraform or OpenTofu files found in ."),
        "{err}"
    );
    let (code, _, err) = run(&d, &["inventory", "."]);
    assert_eq!(code, 2, "{err}");
    // A directory with Terraform passes.
    write(
        &d,
        "main.tf",
        &format!("{AWS_PARIS}# cercle:tier peu-sensible\nresource \"aws_s3_bucket\" \"b\" {{}}\n"),
    );
    assert_eq!(run(&d, &["check", "."]).0, 0);
}

#[test]
fn an_unknown_tier_in_the_configuration_is_exit_2_at_its_line() {
    for (what, toml) in [
        (
            "default",
            "default_tier = \"top-secret\"\n\n[rules]\nCRC004 = \"off\"\n",
        ),
        (
            "scope",
            "[rules]\nCRC004 = \"off\"\n\n[[scope]]\npaths = [\"**\"]\ntier = \"top-secret\"\n",
        ),
    ] {
        let d = tempdir(what);
        write(
            &d,
            "main.tf",
            &format!("{AWS_PARIS}resource \"aws_s3_bucket\" \"b\" {{}}\n"),
        );
        write(&d, "cercle.toml", toml);
        let (code, out, err) = run(&d, &["check", "."]);
        assert_eq!(code, 2, "{what}: {out}{err}");
        let line = toml.lines().position(|l| l.contains("top-secret")).unwrap() + 1;
        assert!(
            err.contains(&format!("cercle.toml:{line}")),
            "{what}: {err}"
        );
        assert!(
            err.contains("tier 'top-secret' is not defined"),
            "{what}: {err}"
        );
    }
    // `--tier` overrides default_tier: a wrong default is then not used.
    let d = tempdir("default-overridden");
    write(
        &d,
        "main.tf",
        &format!("{AWS_PARIS}resource \"aws_s3_bucket\" \"b\" {{}}\n"),
    );
    write(&d, "cercle.toml", "default_tier = \"top-secret\"\n");
    assert_eq!(run(&d, &["check", ".", "--tier", "peu-sensible"]).0, 0);
}

#[test]
fn junit_counts_only_failing_findings_as_failures() {
    let d = tempdir("junit");
    outscale_unresolved(&d, "sensibilite-moindre");
    let (code, out, err) = run(&d, &["check", ".", "--format", "junit"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("CRC003"), "a warning is there: {out}");
    assert!(out.contains("failures=\"0\""), "{out}");
    assert!(!out.contains("<failure"), "{out}");
    assert!(
        out.contains("<system-out>CRC003 placement-unresolved (warning)"),
        "{out}"
    );
    // The same run with --fail-on warning fails, and JUnit agrees.
    let (code, out, _) = run(
        &d,
        &["check", ".", "--format", "junit", "--fail-on", "warning"],
    );
    assert_eq!(code, 1);
    assert!(out.contains("<failure type=\"CRC003\""), "{out}");
    assert!(!out.contains("failures=\"0\""), "{out}");
}

// ---- item 6: noise ------------------------------------------------------

#[test]
fn crc003_only_where_a_placement_would_decide_something() {
    // No tier: nothing to check, no CRC003 (the CRC009 note says why).
    let d = tempdir("crc003-untiered");
    write(
        &d,
        "main.tf",
        "variable \"region\" {}\n\nprovider \"aws\" {\n  region = var.region\n}\n\nresource \"aws_s3_bucket\" \"b\" {}\n",
    );
    let (_, out, _) = run(&d, &["check", ".", "--format", "json"]);
    assert!(!out.contains("CRC003"), "{out}");
    assert!(out.contains("CRC009"), "{out}");
    // A tier that allows any placement.
    let (_, out, _) = run(
        &d,
        &["check", ".", "--format", "json", "--tier", "peu-sensible"],
    );
    assert!(!out.contains("\"CRC003\""), "{out}");
    // A tier that refuses the provider: CRC001 alone.
    let (code, out, _) = run(
        &d,
        &["check", ".", "--format", "json", "--tier", "sensible"],
    );
    assert_eq!(code, 1);
    assert!(out.contains("\"CRC001\""), "{out}");
    assert!(!out.contains("\"CRC003\""), "{out}");
    // A tier that allows the provider somewhere: CRC003.
    let d = tempdir("crc003-matters");
    outscale_unresolved(&d, "sensibilite-moindre");
    let (_, out, _) = run(&d, &["check", ".", "--format", "json"]);
    assert!(out.contains("\"CRC003\""), "{out}");
}

#[test]
fn crc009_does_not_list_resources_that_hold_no_data() {
    let d = tempdir("crc009");
    write(
        &d,
        "main.tf",
        &format!(
            "{AWS_PARIS}resource \"aws_s3_bucket_versioning\" \"v\" {{\n  bucket = \"b\"\n  versioning_configuration {{\n    status = \"Enabled\"\n  }}\n}}\n\nresource \"aws_iam_role\" \"r\" {{\n  name = \"r\"\n}}\n"
        ),
    );
    let (_, out, _) = run(&d, &["check", ".", "--format", "json"]);
    assert!(!out.contains("CRC009"), "{out}");
    write(&d, "bucket.tf", "resource \"aws_s3_bucket\" \"b\" {}\n");
    let (_, out, _) = run(&d, &["check", ".", "--format", "json"]);
    assert!(
        out.contains("1 resource in the current directory has no tier, so no placement rule applies: aws_s3_bucket.b\""),
        "{out}"
    );
}

/// 25 buckets in one refused provider block.
fn many_refused(d: &Path) {
    let mut tf = AWS_PARIS.to_string();
    for i in 0..25 {
        tf.push_str(&format!("resource \"aws_s3_bucket\" \"b{i:02}\" {{}}\n"));
    }
    write(d, "main.tf", &tf);
}

#[test]
fn a_strict_first_run_reads_as_a_handful_of_causes() {
    let d = tempdir("causes");
    many_refused(&d);
    let (code, out, _) = run(&d, &["check", ".", "--tier", "sensible"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("25 findings by cause (rule, provider, region):"),
        "{out}"
    );
    assert!(
        out.contains("     25  CRC001 provider-not-allowed  hashicorp/aws  eu-west-3\n"),
        "{out}"
    );
    let (_, out, _) = run(&d, &["check", ".", "--tier", "sensible", "-q"]);
    assert!(!out.contains("by cause"), "-q hides the table: {out}");
    let (_, md, _) = run(
        &d,
        &["check", ".", "--tier", "sensible", "--format", "markdown"],
    );
    assert!(
        md.contains("### By cause\n\n| count | rule | provider | region |\n| ---: | --- | --- | --- |\n| 25 | CRC001 provider-not-allowed | `hashicorp/aws` | `eu-west-3` |\n"),
        "{md}"
    );
}

#[test]
fn github_annotations_beyond_the_step_limit_are_summarised() {
    let d = tempdir("github");
    many_refused(&d);
    write(
        &d,
        "other.tf",
        "provider \"google\" {\n  region = \"us-central1\"\n}\n\nresource \"google_storage_bucket\" \"g\" {\n  name     = \"g\"\n  location = \"US\"\n}\n",
    );
    let (code, out, _) = run(
        &d,
        &["check", ".", "--tier", "sensible", "--format", "github"],
    );
    assert_eq!(code, 1);
    let errors: Vec<&str> = out.lines().filter(|l| l.starts_with("::error ")).collect();
    assert!(errors.len() <= 10, "{out}");
    assert_eq!(errors.len(), 2, "two causes: {out}");
    assert!(
        errors.iter().any(|l| l.contains(
            "::25 findings of CRC001 provider-not-allowed for hashicorp/aws in eu-west-3"
        )),
        "{out}"
    );
    // Every finding is still in the other reports.
    let (_, json, _) = run(
        &d,
        &["check", ".", "--tier", "sensible", "--format", "json"],
    );
    assert_eq!(json.matches("\"code\": \"CRC001\"").count(), 26, "{json}");
}

// ---- item 8: suppressions -----------------------------------------------

#[test]
fn an_ignore_comment_anywhere_in_the_block_applies_to_its_findings() {
    let d = tempdir("ignore");
    write(
        &d,
        "main.tf",
        &format!(
            "{AWS_PARIS}# cercle:tier sensible\nresource \"aws_s3_bucket\" \"b\" {{\n  bucket = \"b\" # cercle:ignore CRC001 -- public statistics, ticket 12\n}}\n\n# cercle:tier sensible\nresource \"aws_s3_bucket\" \"c\" {{\n  # cercle:ignore CRC001 -- public statistics, ticket 13\n  bucket = \"c\"\n}}\n"
        ),
    );
    let (code, out, err) = run(&d, &["check", ".", "--format", "json"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(!out.contains("CRC008"), "{out}");
    assert!(out.contains("\"suppressed\": 2"), "{out}");
}

// ---- item 9: human output -----------------------------------------------

fn replica(d: &Path) {
    write(
        d,
        "main.tf",
        "# cercle:tier sensibilite-moindre\n\nprovider \"aws\" {\n  region = \"eu-west-3\"\n}\n\nmodule \"replica_kms\" {\n  source   = \"./kms\"\n  for_each = toset([\"eu-west-3\"])\n  region   = each.key\n}\n",
    );
    write(
        d,
        "kms/main.tf",
        "variable \"region\" {}\n\nresource \"aws_kms_key\" \"k\" {\n  region      = var.region\n  description = \"replicated exports\"\n}\n",
    );
}

#[test]
fn the_human_report_wraps_at_the_terminal_width() {
    let d = tempdir("width");
    replica(&d);
    for columns in ["80", "200"] {
        let (code, out, err) = run_columns(&d, columns, &["check", "."]);
        assert_eq!(code, 1, "{err}");
        assert!(
            out.contains("module.replica_kms[\"eu-west-3\"].aws_kms_key.k"),
            "an address is never split:\n{out}"
        );
        let widest = out.lines().map(|l| l.chars().count()).max().unwrap();
        let limit: usize = columns.parse().unwrap();
        assert!(widest <= limit, "{columns}: a line of {widest}:\n{out}");
        // The summary line's duration varies.
        let out = match out.rfind(" in ") {
            Some(k) if out[k..].trim_end().ends_with('s') => format!("{} in [time]\n", &out[..k]),
            _ => out,
        };
        insta::assert_snapshot!(format!("width_{columns}"), out);
    }
}

#[test]
fn the_first_snippet_is_the_offending_line_not_the_file_comment() {
    let d = tempdir("snippet");
    replica(&d);
    let (_, out, _) = run(&d, &["check", "."]);
    let first = out.lines().find(|l| l.contains("╭─[")).unwrap_or_default();
    assert!(first.contains("[kms/main.tf:4:"), "{first}\n{out}");
    assert!(
        out.contains("main.tf:1:"),
        "the comment is still shown:\n{out}"
    );
}

#[test]
fn a_finding_says_where_its_region_is() {
    let d = tempdir("region-names");
    write(
        &d,
        "main.tf",
        "provider \"aws\" {\n  region = \"eu-west-2\"\n}\n\n# cercle:tier non-sensible\nresource \"aws_s3_bucket\" \"b\" {}\n",
    );
    let (code, out, _) = run(
        &d,
        &[
            "check",
            ".",
            "--pack",
            "fr-cloud-au-centre",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("is placed in eu-west-2 (London, GB)"), "{out}");
}

#[test]
fn output_and_write_baseline_still_say_how_the_run_ended() {
    let d = tempdir("output");
    many_refused(&d);
    let (code, out, err) = run(
        &d,
        &["check", ".", "--tier", "sensible", "--output", "report.txt"],
    );
    assert_eq!(code, 1);
    assert_eq!(out, "");
    assert!(
        err.starts_with("25 errors, 0 warnings in 1 file (25 resources) in "),
        "{err}"
    );
    assert!(
        std::fs::read_to_string(d.join("report.txt"))
            .unwrap()
            .contains("CRC001")
    );
    let (code, out, err) = run(
        &d,
        &[
            "check",
            ".",
            "--tier",
            "sensible",
            "--write-baseline",
            "b.json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "", "no finding is printed");
    assert_eq!(err, "wrote 25 findings to b.json\n");
    assert_eq!(
        run(
            &d,
            &["check", ".", "--tier", "sensible", "--baseline", "b.json"]
        )
        .0,
        0
    );
}

#[test]
fn the_inventory_says_where_each_tier_came_from() {
    let d = tempdir("inventory");
    replica(&d);
    write(
        &d,
        "more.tf",
        "# cercle:tier peu-sensible\nresource \"aws_s3_bucket\" \"x\" {\n  tags = { cercle-tier = \"sensible\" }\n}\n",
    );
    let (code, out, err) = run(&d, &["inventory", "."]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("tier      sensibilite-moindre (module call, main.tf:1:15)"),
        "{out}"
    );
    assert!(out.contains("tier      sensible (tag, more.tf:3:"), "{out}");
    let (_, out, _) = run(&d, &["inventory", "kms", "--tier", "peu-sensible"]);
    assert!(out.contains("tier      peu-sensible (--tier)"), "{out}");
}

// ---- item 10: the command line ------------------------------------------

#[test]
fn the_command_line_helps() {
    let d = tempdir("cli");
    write(
        &d,
        "main.tf",
        &format!("{AWS_PARIS}# cercle:tier peu-sensible\nresource \"aws_s3_bucket\" \"b\" {{}}\n"),
    );
    // -q
    let (code, out, _) = run(&d, &["check", ".", "-q"]);
    assert_eq!((code, out.as_str()), (0, ""));
    // --pack and --tier name their values.
    let (_, help, _) = run(&d, &["check", "--help"]);
    let (_, rules, _) = run(&d, &["rules"]);
    for line in rules
        .lines()
        .filter(|l| !l.starts_with(' ') && l.contains(" 20"))
    {
        let id = line.split(' ').next().unwrap();
        assert!(help.contains(id), "--pack help should name {id}:\n{help}");
    }
    for tier in [
        "sensible",
        "sensibilite-moindre",
        "peu-sensible",
        "sensitive",
    ] {
        assert!(help.contains(tier), "--tier help should name {tier}");
    }
    // The list of rules.
    let (code, list, _) = run(&d, &["explain"]);
    assert_eq!(code, 0);
    assert!(
        list.contains("CRC001  provider-not-allowed  error    "),
        "{list}"
    );
    assert!(
        list.contains("CRC009  tier-undeclared       note     "),
        "{list}"
    );
    assert_eq!(list.lines().filter(|l| l.starts_with("CRC")).count(), 10);
    // --var for no declared variable.
    let (code, _, err) = run(&d, &["check", ".", "--var", "nosuch=1"]);
    assert_eq!(code, 0);
    assert!(
        err.contains("value for undeclared variable: --var nosuch="),
        "{err}"
    );
    // --var-file naming a directory.
    std::fs::create_dir(d.join("vars")).unwrap();
    let (code, _, err) = run(&d, &["check", ".", "--var-file", "vars"]);
    assert_eq!(code, 2);
    assert!(err.contains("--var-file vars: is a directory"), "{err}");
}

#[test]
fn naming_a_configuration_file_checks_the_tree_it_governs() {
    let d = tempdir("config-path");
    write(
        &d,
        "infra/main.tf",
        &format!("{AWS_PARIS}resource \"aws_s3_bucket\" \"b\" {{}}\n"),
    );
    write(&d, "infra/cercle.toml", "default_tier = \"sensible\"\n");
    let (code, out, err) = run(&d, &["check", "infra/cercle.toml", "--format", "json"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("\"CRC001\""),
        "the config's tier applies: {out}"
    );
    write(&d, "infra/cercle.toml", "default_tier = \"nope\"\n");
    let (code, _, err) = run(&d, &["check", "infra/cercle.toml"]);
    assert_eq!(code, 2, "a broken config fails the commit: {err}");
}

// ---- items 2 and 12: words ----------------------------------------------

#[test]
fn init_links_to_the_project() {
    let d = tempdir("init");
    assert_eq!(run(&d, &["init"]).0, 0);
    let text = std::fs::read_to_string(d.join("cercle.toml")).unwrap();
    assert!(
        text.contains("https://github.com/cercle-lint/cercle"),
        "{text}"
    );
}

#[test]
fn english_aliases_and_what_sensible_means_in_each_pack() {
    let d = tempdir("words");
    write(
        &d,
        "main.tf",
        &format!("{AWS_PARIS}# cercle:tier sensitive\nresource \"aws_s3_bucket\" \"b\" {{}}\n"),
    );
    let (code, out, _) = run(&d, &["check", ".", "--format", "json"]);
    assert_eq!(code, 1, "sensitive is sensible: {out}");
    assert!(out.contains("\"tier\": \"sensible\""), "{out}");
    let rules_in = |lang: &str| {
        let out = Command::new(common::bin())
            .arg("rules")
            .current_dir(&*d)
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("LANG", lang)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let rules = rules_in("en_GB.UTF-8");
    assert!(
        rules.contains("note: tier 'sensible' does not mean the same placements in every pack: interne only in fr-doctrine-2018; interne or secnumcloud in fr-cloud-au-centre."),
        "{rules}"
    );
    assert!(
        rules.contains(
            "interne: internal clouds run by the French State itself, such as Cloud π and Nubo"
        ),
        "{rules}"
    );
    // Labels in the user's language.
    assert!(
        rules.contains("      data of particular sensitivity\n"),
        "{rules}"
    );
    assert!(!rules.contains("sensibilité particulière"), "{rules}");
    let rules = rules_in("fr_FR.UTF-8");
    assert!(
        rules.contains("      données d'une sensibilité particulière\n"),
        "{rules}"
    );
    assert!(
        rules.contains("interne: clouds internes de l'État"),
        "{rules}"
    );
    let (_, doc, _) = run(&d, &["explain", "CRC002"]);
    assert!(doc.contains("in `fr-doctrine-2018`, but"), "{doc}");
}
