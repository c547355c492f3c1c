//! Terragrunt units (SPEC §1, issue 14) beyond the fixture snapshots: the
//! pre-commit case (a named `region.hcl` or `root.hcl`), `[[source]]`, the
//! unit count, and what is never done (writing, reading the environment).

use std::path::Path;

mod common;
use common::{run, tempdir};

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// A copy of a fixture as a repository root (`.git`), as a hook sees it.
fn repo(name: &str, test: &str) -> common::Scratch {
    let d = tempdir("terragrunt", test);
    copy_dir(&fixture(name), &d);
    std::fs::create_dir_all(d.join(".git")).unwrap();
    d
}

fn json(out: &str) -> serde_json::Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

/// The findings of a JSON report that `keep` keeps.
fn findings_where(
    v: &serde_json::Value,
    keep: impl Fn(&&serde_json::Value) -> bool,
) -> Vec<&serde_json::Value> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(keep)
        .collect()
}

fn roots_of_findings(v: &serde_json::Value) -> Vec<String> {
    let mut r: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}",
                f["code"].as_str().unwrap(),
                f["address"].as_str().unwrap_or("-")
            )
        })
        .collect();
    r.sort();
    r
}

#[test]
fn a_named_region_hcl_reports_the_units_whose_placement_it_decided() {
    let d = repo("terragrunt-live", "region");
    // The prod region is eu-west-3 and the prod unit is `sensible`: its
    // resources are refused, and the finding is reported for region.hcl.
    let (code, out, err) = run(
        &d,
        &["check", "prod/eu-west-3/region.hcl", "--format", "json"],
    );
    assert_eq!(code, 1, "{err}");
    let v = json(&out);
    assert_eq!(
        roots_of_findings(&v),
        ["CRC001 aws_db_instance.mysql", "CRC001 aws_s3_bucket.dumps"]
    );
    assert_eq!(v["summary"]["units"], 1, "only the unit that reads it");
    // The non-prod region decides nothing that is refused.
    let (code, out, err) = run(
        &d,
        &["check", "non-prod/us-east-1/region.hcl", "--format", "json"],
    );
    assert_eq!(code, 0, "{err}");
    let v = json(&out);
    assert!(roots_of_findings(&v).is_empty(), "{out}");
    assert_eq!(v["summary"]["units"], 1);
}

#[test]
fn a_named_root_hcl_reaches_every_unit_and_its_generated_provider() {
    let d = repo("terragrunt-live", "root");
    let (code, out, err) = run(&d, &["check", "root.hcl", "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    let v = json(&out);
    assert_eq!(v["summary"]["units"], 2);
    let findings = v["findings"].as_array().unwrap();
    // The provider region is written by root.hcl's generate block: the
    // finding points there, at the line that wrote it.
    let crc001 = findings
        .iter()
        .find(|f| f["code"] == "CRC001")
        .expect("a CRC001");
    let related = crc001["related"].as_array().unwrap();
    assert!(
        related
            .iter()
            .any(|r| r["file"] == "root.hcl" && r["line"] == 19),
        "{crc001}"
    );
    assert!(
        related
            .iter()
            .any(|r| r["file"] == "prod/eu-west-3/region.hcl"),
        "the chain reaches region.hcl: {crc001}"
    );
    assert!(findings.iter().any(|f| f["code"] == "CRC006"), "{out}");
}

#[test]
fn an_unmapped_remote_source_is_one_crc003_per_unit_and_a_mapping_reads_it() {
    let d = tempdir("terragrunt", "mapping");
    let live = d.join("live");
    copy_dir(
        &fixture("terragrunt-dependencies-includes").join("live/legacy"),
        &live.join("legacy"),
    );
    std::fs::write(
        live.join("root.hcl"),
        std::fs::read_to_string(fixture("terragrunt-dependencies-includes").join("root.hcl"))
            .unwrap(),
    )
    .unwrap();
    let (code, out, err) = run(&live, &["check", ".", "--format", "json"]);
    assert_eq!(code, 0, "a warning: {err}");
    let v = json(&out);
    assert_eq!(v["summary"]["units"], 1);
    assert_eq!(v["summary"]["resources"], 0);
    let f = &v["findings"][0];
    assert_eq!(f["code"], "CRC003");
    let msg = f["message"].as_str().unwrap();
    assert!(
        msg.contains("git::https://github.com/acme/infrastructure-modules.git//legacy?ref=v1.2.0"),
        "{msg}"
    );
    assert!(msg.contains("[[source]]"), "{msg}");
    // The checkout beside it, mapped.
    let modules = d.join("infrastructure-modules/legacy");
    std::fs::create_dir_all(&modules).unwrap();
    std::fs::write(
        modules.join("main.tf"),
        "resource \"aws_sqs_queue\" \"q\" {\n  name = \"q\"\n}\n",
    )
    .unwrap();
    std::fs::write(
        live.join("cercle.toml"),
        "[[source]]\nremote = \"git::https://github.com/acme/infrastructure-modules.git\"\nlocal = \"../infrastructure-modules\"\n",
    )
    .unwrap();
    let (_, out, err) = run(&live, &["inventory", ".", "--format", "json"]);
    let v = json(&out);
    let res = v["resources"].as_array().unwrap();
    assert_eq!(res.len(), 1, "{out} {err}");
    assert_eq!(res[0]["root"], "legacy");
    assert_eq!(res[0]["regions"][0], "eu-west-3");
}

#[test]
fn a_bad_source_mapping_is_an_error_at_its_place() {
    let d = tempdir("terragrunt", "bad-mapping");
    std::fs::write(
        d.join("cercle.toml"),
        "[[source]]\nremote = \"\"\nlocal = \"x\"\n",
    )
    .unwrap();
    let (code, _, err) = run(&d, &["check", "."]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("remote"), "{err}");
}

#[test]
fn the_environment_is_never_read_and_nothing_is_written() {
    let d = repo("terragrunt-live", "env");
    let before = listing(&d);
    let out = std::process::Command::new(common::bin())
        .args(["inventory", ".", "--format", "json"])
        .current_dir(&*d)
        .env("TG_BUCKET_PREFIX", "from-the-environment-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("from-the-environment"), "{text}");
    assert_eq!(before, listing(&d), "cercle wrote into the tree");
}

fn listing(d: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![d.to_path_buf()];
    while let Some(p) = stack.pop() {
        for e in std::fs::read_dir(&p).unwrap() {
            let e = e.unwrap().path();
            if e.is_dir() {
                stack.push(e.clone());
            }
            out.push(e.display().to_string());
        }
    }
    out.sort();
    out
}

#[test]
fn a_source_mapping_applies_to_terraform_module_calls_too() {
    let d = tempdir("terragrunt", "tf-mapping");
    let root = d.join("root");
    let checkout = d.join("modules/queue");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::create_dir_all(&checkout).unwrap();
    std::fs::write(
        root.join("main.tf"),
        "provider \"aws\" {\n  region = \"eu-west-3\"\n}\n\nmodule \"q\" {\n  source = \"git::https://github.com/acme/modules.git//queue?ref=v1.0.0\"\n}\n",
    )
    .unwrap();
    std::fs::write(
        checkout.join("main.tf"),
        "resource \"aws_sqs_queue\" \"q\" {\n  name = \"q\"\n}\n",
    )
    .unwrap();
    let (_, out, _) = run(&root, &["inventory", ".", "--format", "json"]);
    assert!(
        json(&out)["resources"].as_array().unwrap().is_empty(),
        "{out}"
    );
    std::fs::write(
        root.join("cercle.toml"),
        "[[source]]\nremote = \"git::https://github.com/acme/modules.git\"\nlocal = \"../modules\"\n",
    )
    .unwrap();
    let (_, out, err) = run(&root, &["inventory", ".", "--format", "json"]);
    let v = json(&out);
    let res = v["resources"].as_array().unwrap();
    assert_eq!(res.len(), 1, "{out} {err}");
    assert_eq!(res[0]["address"], "module.q.aws_sqs_queue.q");
    assert_eq!(res[0]["regions"][0], "eu-west-3");
}

#[test]
fn init_in_a_terragrunt_repository_says_so_and_maps_the_sibling_checkout() {
    let d = tempdir("terragrunt", "init");
    let live = d.join("live");
    copy_dir(
        &fixture("terragrunt-dependencies-includes").join("live/legacy"),
        &live.join("legacy"),
    );
    std::fs::copy(
        fixture("terragrunt-dependencies-includes").join("root.hcl"),
        live.join("root.hcl"),
    )
    .unwrap();
    let modules = d.join("infrastructure-modules/legacy");
    std::fs::create_dir_all(&modules).unwrap();
    std::fs::write(
        modules.join("main.tf"),
        "resource \"aws_sqs_queue\" \"q\" {\n  name = \"q\"\n}\n",
    )
    .unwrap();
    let (code, _, err) = run(&live, &["init"]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(live.join("cercle.toml")).unwrap();
    assert!(text.contains("# Terragrunt: 1 unit(s)"), "{text}");
    assert!(
        text.contains("[[source]]\nremote = \"git::https://github.com/acme/infrastructure-modules.git\"\nlocal = \"../infrastructure-modules\""),
        "{text}"
    );
    // The starter it wrote is valid and reads the checkout.
    let (_, out, err) = run(&live, &["inventory", ".", "--format", "json"]);
    assert_eq!(
        json(&out)["resources"].as_array().unwrap().len(),
        1,
        "{err}"
    );
}

#[test]
fn init_beside_a_catalog_checkout_maps_the_stacks_catalog() {
    // The stacks fixture without its cercle.toml: the catalog checkout is
    // found in the repository, by the remote repository's name.
    let live = tempdir("terragrunt", "init-stacks");
    copy_dir(&fixture("terragrunt-stack-catalog"), &live);
    std::fs::remove_file(live.join("cercle.toml")).unwrap();
    let (code, _, err) = run(&live, &["init"]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(live.join("cercle.toml")).unwrap();
    assert!(
        text.contains("# Terragrunt: 5 unit(s) are checked here (0 directories with terragrunt.hcl,\n# 5 declared by 2 terragrunt.stack.hcl"),
        "{text}"
    );
    assert!(
        text.contains(
            "[[source]]\nremote = \"git::git@github.com:acme/catalog.git\"\nlocal = \"./catalog\""
        ),
        "{text}"
    );
    // With it, every unit the catalog holds is checked; the other catalog
    // (platform-catalog) is still named, once per unit.
    let (_, out, err) = run(&live, &["check", ".", "--format", "json"]);
    let v = json(&out);
    assert_eq!(v["summary"]["units"], 5, "{out} {err}");
    assert_eq!(v["summary"]["resources"], 4, "{out}");
    let crc003 = findings_where(&v, |f| f["code"] == "CRC003");
    assert_eq!(crc003.len(), 1, "{out}");
    assert!(
        crc003[0]["message"]
            .as_str()
            .unwrap()
            .contains("platform-catalog")
    );
}

#[test]
fn a_config_that_reads_itself_is_named_and_many_reads_stay_bounded() {
    let d = tempdir("terragrunt", "read-cycle");
    // Ten reads of itself per file: without one evaluation per file and unit
    // this is 10^16 evaluations; a cycle is named, not followed.
    let reads: String = (0..10)
        .map(|i| format!("  r{i} = read_terragrunt_config(\"a.hcl\")\n"))
        .collect();
    std::fs::write(d.join("a.hcl"), format!("locals {{\n{reads}}}\n")).unwrap();
    std::fs::create_dir_all(d.join("u")).unwrap();
    std::fs::create_dir_all(d.join("m")).unwrap();
    std::fs::write(
        d.join("u/terragrunt.hcl"),
        "# cercle:tier non-sensible\n\
         locals {\n  a = read_terragrunt_config(find_in_parent_folders(\"a.hcl\"))\n}\n\
         terraform {\n  source = \"../m\"\n}\ninputs = {\n  region = local.a.locals.r3\n}\n",
    )
    .unwrap();
    std::fs::write(
        d.join("m/main.tf"),
        "variable \"region\" {}\nprovider \"aws\" {\n  region = var.region\n}\n\
         resource \"aws_s3_bucket\" \"b\" {}\n",
    )
    .unwrap();
    let start = std::time::Instant::now();
    // A tier whose placements depend on the region (EU), so that an
    // unknown region is a CRC003.
    let args = [
        "check",
        ".",
        "--format",
        "json",
        "--pack",
        "fr-cloud-au-centre",
    ];
    let (_, out, err) = run(&d, &args);
    assert!(start.elapsed().as_secs() < 10, "took {:?}", start.elapsed());
    let v = json(&out);
    let msgs: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "CRC003")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(
        msgs.iter()
            .any(|m| m.contains("read_terragrunt_config reads itself: a.hcl -> a.hcl")),
        "{msgs:?} {err}"
    );
}

#[test]
fn a_stack_not_generated_is_one_crc003_per_unit_whose_catalog_is_not_mapped() {
    let d = tempdir("terragrunt", "stack-not-generated");
    std::fs::create_dir_all(d.join("prod/svc")).unwrap();
    std::fs::write(
        d.join("prod/svc/terragrunt.stack.hcl"),
        "unit \"db\" {\n  source = \"github.com/acme/catalog//units/db\"\n  path = \"db\"\n}\n\
         unit \"role\" {\n  source = \"github.com/acme/catalog//units/role\"\n  path = \"role\"\n}\n",
    )
    .unwrap();
    let (_, out, err) = run(&d, &["check", ".", "--format", "json"]);
    let v = json(&out);
    let f = findings_where(&v, |f| f["code"] == "CRC003");
    assert_eq!(f.len(), 2, "{out} {err}");
    for (f, unit) in f.iter().zip(["db", "role"]) {
        let m = f["message"].as_str().unwrap();
        assert!(
            m.contains(&format!("unit \"{unit}\" is not checked")),
            "{m}"
        );
        assert!(
            m.contains(&format!("github.com/acme/catalog//units/{unit}")),
            "{m}"
        );
        assert!(m.contains("remote = \"github.com/acme/catalog\""), "{m}");
        assert_eq!(f["line"], if unit == "db" { 2 } else { 6 }, "{f}");
    }
    // Once generated, the stack's units are checked there and the stack
    // file is not read again.
    std::fs::create_dir_all(d.join("prod/svc/.terragrunt-stack")).unwrap();
    let (_, out, _) = run(&d, &["check", ".", "--format", "json"]);
    assert!(!out.contains("is not checked"), "{out}");
}

#[test]
fn find_in_parent_folders_finds_a_directory_too() {
    // As in Terragrunt's own fixtures (stacks/get-original-terragrunt-dir):
    // a stack's unit source found by the name of a parent directory.
    let d = tempdir("terragrunt", "find-dir");
    std::fs::create_dir_all(d.join("units/app")).unwrap();
    std::fs::create_dir_all(d.join("live/prod")).unwrap();
    std::fs::write(d.join("units/app/terragrunt.hcl"), "inputs = {}\n").unwrap();
    std::fs::write(
        d.join("units/app/main.tf"),
        "provider \"aws\" {\n  region = \"eu-west-3\"\n}\n\nresource \"aws_s3_bucket\" \"b\" {}\n",
    )
    .unwrap();
    std::fs::write(
        d.join("live/prod/terragrunt.stack.hcl"),
        "unit \"app\" {\n  source = \"${find_in_parent_folders(\"units\")}/app\"\n  path   = \"app\"\n}\n\n\
         unit \"off\" {\n  enabled = false\n  source  = \"../nowhere\"\n  path    = \"off\"\n}\n",
    )
    .unwrap();
    // A unit with `enabled = false` is not generated: nothing to say of it.
    let (_, out, _) = run(&d, &["check", ".", "--format", "json"]);
    assert!(!out.contains("nowhere"), "{out}");
    assert_eq!(json(&out)["summary"]["units"], 1, "{out}");
    let (_, out, err) = run(&d, &["inventory", ".", "--format", "json"]);
    let v = json(&out);
    assert_eq!(
        v["resources"][0]["root"], "live/prod/.terragrunt-stack/app",
        "{out} {err}"
    );
    assert_eq!(v["resources"][0]["regions"][0], "eu-west-3");
}

#[test]
fn a_stack_unit_reads_its_own_directory_where_terragrunt_copies_it() {
    // Terragrunt's stacks/basic fixture: the catalog unit runs the `.tf`
    // files beside it (`source = "."`, or a sub-directory), which `stack
    // generate` copies with it into `.terragrunt-stack/<path>`.
    let d = tempdir("terragrunt", "stack-dot-source");
    std::fs::create_dir_all(d.join("units/chick/sub")).unwrap();
    std::fs::create_dir_all(d.join("live")).unwrap();
    std::fs::write(
        d.join("units/chick/terragrunt.hcl"),
        "terraform {\n  source = \".\"\n}\n",
    )
    .unwrap();
    std::fs::write(
        d.join("units/chick/main.tf"),
        "provider \"aws\" {\n  region = \"eu-west-3\"\n}\n\nresource \"aws_s3_bucket\" \"b\" {}\n",
    )
    .unwrap();
    std::fs::create_dir_all(d.join("units/hen")).unwrap();
    std::fs::write(
        d.join("units/hen/terragrunt.hcl"),
        "terraform {\n  source = \"./sub\"\n}\n",
    )
    .unwrap();
    std::fs::create_dir_all(d.join("units/hen/sub")).unwrap();
    std::fs::write(
        d.join("units/hen/sub/main.tf"),
        "provider \"aws\" {\n  region = \"eu-west-1\"\n}\n\nresource \"aws_sqs_queue\" \"q\" {}\n",
    )
    .unwrap();
    std::fs::write(
        d.join("live/terragrunt.stack.hcl"),
        "unit \"chick\" {\n  source = \"../units/chick\"\n  path   = \"chick\"\n}\n\
         unit \"hen\" {\n  source = \"../units/hen\"\n  path   = \"hen\"\n}\n",
    )
    .unwrap();
    let (_, out, err) = run(&d, &["inventory", ".", "--format", "json"]);
    let v = json(&out);
    let placed: Vec<String> = v["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| format!("{} {}", r["root"].as_str().unwrap(), r["regions"][0]))
        .collect();
    assert_eq!(
        placed,
        [
            "live/.terragrunt-stack/chick \"eu-west-3\"",
            "live/.terragrunt-stack/hen \"eu-west-1\""
        ],
        "{out} {err}"
    );
}

#[test]
fn stacks_that_nest_themselves_or_each_other_say_so() {
    let d = tempdir("terragrunt", "stack-cycles");
    std::fs::create_dir_all(d.join("a")).unwrap();
    std::fs::create_dir_all(d.join("b")).unwrap();
    std::fs::create_dir_all(d.join("self")).unwrap();
    let nest = |src: &str| format!("stack \"s\" {{\n  source = \"{src}\"\n  path   = \"s\"\n}}\n");
    std::fs::write(d.join("a/terragrunt.stack.hcl"), nest("../b")).unwrap();
    std::fs::write(d.join("b/terragrunt.stack.hcl"), nest("../a")).unwrap();
    std::fs::write(d.join("self/terragrunt.stack.hcl"), nest(".")).unwrap();
    let (_, out, err) = run(&d, &["check", ".", "--format", "json"]);
    let v = json(&out);
    let said: Vec<&str> = findings_where(&v, |f| {
        f["message"]
            .as_str()
            .unwrap()
            .contains("include themselves")
    })
    .iter()
    .map(|f| f["file"].as_str().unwrap())
    .collect();
    // Each stack file says it, none is dropped as "nested in another".
    assert_eq!(
        said,
        [
            "a/terragrunt.stack.hcl",
            "b/terragrunt.stack.hcl",
            "self/terragrunt.stack.hcl"
        ],
        "{out} {err}"
    );
}

#[test]
fn stacks_nest_within_bounds_and_a_catalog_stack_is_read_through_its_caller() {
    let d = tempdir("terragrunt", "stack-bounds");
    // A stack of 30 stacks of 30 stacks of 30 units (27,000 units): the
    // expansion stops at its bound and says so, quickly.
    std::fs::create_dir_all(d.join("cat/a")).unwrap();
    std::fs::create_dir_all(d.join("cat/b")).unwrap();
    std::fs::create_dir_all(d.join("cat/u")).unwrap();
    std::fs::create_dir_all(d.join("live")).unwrap();
    let blocks = |kind: &str, src: &str| {
        (0..30)
            .map(|i| format!("{kind} \"x{i}\" {{\n  source = \"{src}\"\n  path = \"x{i}\"\n}}\n"))
            .collect::<String>()
    };
    std::fs::write(
        d.join("live/terragrunt.stack.hcl"),
        blocks("stack", "../cat/a"),
    )
    .unwrap();
    std::fs::write(
        d.join("cat/a/terragrunt.stack.hcl"),
        blocks("stack", "../b"),
    )
    .unwrap();
    std::fs::write(d.join("cat/b/terragrunt.stack.hcl"), blocks("unit", "../u")).unwrap();
    std::fs::write(d.join("cat/u/terragrunt.hcl"), "inputs = {}\n").unwrap();
    std::fs::write(
        d.join("cat/u/main.tf"),
        "resource \"aws_s3_bucket\" \"b\" {}\n",
    )
    .unwrap();
    let (_, out, err) = run(&d, &["check", ".", "--format", "json"]);
    let v = json(&out);
    let bound = findings_where(&v, |f| {
        f["message"]
            .as_str()
            .unwrap()
            .contains("more than 10000 units and stacks")
    });
    assert_eq!(bound.len(), 1, "{err}");
    // cat/a and cat/b are nested stacks: not expanded alone. The units
    // checked are those within the bound.
    let units = v["summary"]["units"].as_u64().unwrap();
    assert!((8_000..10_000).contains(&units), "{units}");
    assert!(
        !out.contains("cat/a/.terragrunt-stack"),
        "cat/a expanded alone"
    );
}

#[test]
fn a_remote_state_outside_the_tier_is_crc006() {
    let d = repo("terragrunt-remote-state", "state-outside");
    let unit = d.join("aws/eu-west-3/bucket/terragrunt.hcl");
    let text = std::fs::read_to_string(&unit).unwrap();
    // The state (only) moves to us-east-1, outside the EU tier.
    std::fs::write(
        &unit,
        text.replace("region = local.region\n", "region = \"us-east-1\"\n")
            .replace("peu-sensible", "sensible"),
    )
    .unwrap();
    let (_, out, err) = run(&d, &["check", "aws", "--format", "json"]);
    let v = json(&out);
    let f = findings_where(&v, |f| f["code"] == "CRC006");
    assert_eq!(f.len(), 1, "{out} {err}");
    assert!(
        f[0]["file"].as_str().unwrap().ends_with("terragrunt.hcl"),
        "{}",
        f[0]
    );
}

#[test]
fn generate_contents_with_directives_are_evaluated_and_shown_as_the_generated_file() {
    let d = tempdir("terragrunt", "generate-directives");
    std::fs::create_dir_all(d.join("app")).unwrap();
    std::fs::write(
        d.join("root.hcl"),
        "locals {\n  eu = true\n}\n\ngenerate \"provider\" {\n  path      = \"provider.tf\"\n  if_exists = \"overwrite\"\n  contents  = <<EOF\nprovider \"aws\" {\n%{ if local.eu ~}\n  region = \"eu-west-3\"\n%{ else ~}\n  region = \"us-east-1\"\n%{ endif ~}\n}\nEOF\n}\n",
    )
    .unwrap();
    std::fs::write(
        d.join("app/terragrunt.hcl"),
        "include \"root\" {\n  path = find_in_parent_folders(\"root.hcl\")\n}\n",
    )
    .unwrap();
    std::fs::write(
        d.join("app/main.tf"),
        "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"b\"\n}\n",
    )
    .unwrap();
    let (code, out, err) = run(&d, &["inventory", ".", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v = json(&out);
    let r = &v["resources"][0];
    assert_eq!(r["regions"], serde_json::json!(["eu-west-3"]), "{out}");
    // The region is shown where it is in the generated text (line 2: the
    // `~` strip markers remove the directives' lines), named after the block
    // that wrote it, not at a line of root.hcl that does not hold it.
    let (_, human, _) = run(&d, &["inventory", "."]);
    assert!(
        human.contains("root.hcl (generate \"provider\": provider.tf):2:10"),
        "{human}"
    );
}

#[test]
fn a_broken_terragrunt_json_file_is_crc000_at_its_place_and_the_others_are_checked() {
    let d = repo("terragrunt-json", "broken-json");
    std::fs::write(
        d.join("us/us-east-1/data/terragrunt.hcl.json"),
        "{\n  \"inputs\": {\n    \"name\": \"x\",\n  }\n}\n",
    )
    .unwrap();
    let (_, out, err) = run(&d, &["check", ".", "--format", "json"]);
    let v = json(&out);
    let broken = findings_where(&v, |f| f["code"] == "CRC000");
    assert_eq!(broken.len(), 1, "{out} {err}");
    assert!(
        broken[0]["file"]
            .as_str()
            .unwrap()
            .ends_with("us/us-east-1/data/terragrunt.hcl.json"),
        "{}",
        broken[0]
    );
    assert_eq!(broken[0]["line"], 4, "{}", broken[0]);
    // The Paris unit is still read: its bucket is in the inventory.
    let (_, inv, _) = run(&d, &["inventory", ".", "--format", "json"]);
    assert!(inv.contains("\"eu-west-3\""), "{inv}");
}

#[test]
fn an_include_inside_an_included_file_is_named_once_as_terragrunt_refuses_it() {
    let d = repo("terragrunt-live", "nested-include");
    // root.hcl (included by both units) includes another file: Terragrunt
    // stops with "Only one level of includes is allowed".
    let root = d.join("root.hcl");
    let text = std::fs::read_to_string(&root).unwrap();
    std::fs::write(
        &root,
        format!("include \"common\" {{\n  path = \"common.hcl\"\n}}\n{text}"),
    )
    .unwrap();
    std::fs::write(d.join("common.hcl"), "locals {}\n").unwrap();
    let (_, out, err) = run(&d, &["check", ".", "--format", "json"]);
    let v = json(&out);
    let nested = findings_where(&v, |f| {
        f["message"]
            .as_str()
            .unwrap()
            .contains("one level of includes")
    });
    assert_eq!(nested.len(), 1, "{out} {err}");
    assert_eq!(nested[0]["code"], "CRC003");
    assert_eq!(nested[0]["line"], 1);
    // The units are still checked, their region still read through root.hcl.
    let (_, inv, _) = run(&d, &["inventory", ".", "--format", "json"]);
    assert!(inv.contains("\"eu-west-3\""), "{inv}");
}

#[test]
fn a_named_unit_or_stack_file_reports_every_finding_of_its_units() {
    let d = repo("terragrunt-stack-catalog", "named-stack");
    // The stack file of us-east-1 declares the unit placed in North
    // Virginia: its CRC002 (decided by region.hcl, not by the stack file)
    // is reported, and nothing of the Paris stack.
    let (_, out, err) = run(
        &d,
        &[
            "check",
            "live/non-prod/us-east-1/terragrunt.stack.hcl",
            "--format",
            "json",
        ],
    );
    let v = json(&out);
    assert_eq!(
        roots_of_findings(&v),
        ["CRC002 aws_s3_bucket.this", "CRC003 -"],
        "{out} {err}"
    );
    assert_eq!(v["summary"]["units"], 1, "{out}");
    let (_, out, _) = run(
        &d,
        &[
            "check",
            "live/prod/eu-west-3/terragrunt.stack.hcl",
            "--format",
            "json",
        ],
    );
    let v = json(&out);
    assert_eq!(roots_of_findings(&v), Vec::<String>::new(), "{out}");
    assert_eq!(v["summary"]["units"], 3, "{out}");
    // A unit's own terragrunt.hcl, from a working directory below the
    // repository root: the unit once, with its findings.
    let live = repo("terragrunt-live", "named-unit");
    let (_, out, err) = run(
        &live.join("non-prod"),
        &[
            "check",
            "us-east-1/qa/mysql/terragrunt.hcl",
            "--format",
            "json",
        ],
    );
    let v = json(&out);
    assert_eq!(v["summary"]["units"], 1, "{out} {err}");
    assert_eq!(v["summary"]["resources"], 2, "{out}");
    assert_eq!(roots_of_findings(&v), ["CRC009 -"], "{out}");
}
