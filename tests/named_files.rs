//! A file named on the command line is checked in the context of the modules
//! that call its module (SPEC §1, `src/analyse/callers.rs`): what a
//! pre-commit hook passes when a commit changes only a child module, a
//! tfvars line or a provider's region.

use serde_json::Value;
use std::path::Path;

mod common;
use common::{run, tempdir};

fn write(dir: &Path, file: &str, text: &str) {
    let p = dir.join(file);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// A repository (`.git`) whose root `infra` gives its call of
/// `modules/bucket` the tier `sensibilite-moindre` (SecNumCloud or internal
/// clouds, in the default pack) and an Outscale provider in a SecNumCloud
/// region.
fn repo(name: &str) -> common::Scratch {
    let d = tempdir("named-files", name);
    std::fs::create_dir_all(d.join(".git")).unwrap();
    write(
        &d,
        "infra/providers.tf",
        "provider \"outscale\" {\n  region = var.region\n}\n",
    );
    write(
        &d,
        "infra/variables.tf",
        "variable \"region\" {\n  type    = string\n  default = \"cloudgouv-eu-west-1\"\n}\n",
    );
    write(
        &d,
        "infra/versions.tf",
        "terraform {\n  required_providers {\n    outscale = {\n      source = \"outscale/outscale\"\n    }\n  }\n}\n",
    );
    write(
        &d,
        "infra/main.tf",
        "# cercle:tier sensibilite-moindre\nmodule \"archive\" {\n  source = \"./modules/bucket\"\n  name   = \"archive\"\n}\n",
    );
    write(
        &d,
        "infra/modules/bucket/main.tf",
        "variable \"name\" {\n  type = string\n}\n\nresource \"outscale_net\" \"archive\" {\n  ip_range = \"10.0.0.0/16\"\n}\n",
    );
    write(
        &d,
        "infra/modules/bucket/versions.tf",
        "terraform {\n  required_providers {\n    outscale = {\n      source = \"outscale/outscale\"\n    }\n  }\n}\n",
    );
    d
}

/// `cercle check ARGS --format json` in `dir`: exit status and the findings
/// as `CODE file:line address`.
fn check(dir: &Path, args: &[&str]) -> (i32, Vec<String>, Value) {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let (code, out, err) = run(dir, &all);
    assert!(code == 0 || code == 1, "exit {code}: {err}");
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    let findings = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}:{} {}",
                f["code"].as_str().unwrap(),
                f["file"].as_str().unwrap(),
                f["line"],
                f["address"].as_str().unwrap_or("-")
            )
        })
        .collect();
    (code, findings, v)
}

const CHILD_PROVIDER: &str = "provider \"outscale\" {\n  region = \"eu-west-2\"\n}\n";

#[test]
fn a_child_module_file_is_checked_with_its_callers_tier() {
    let d = repo("child");
    // Clean: the child file passes, through its caller.
    let (code, found, v) = check(&d, &["infra/modules/bucket/main.tf"]);
    assert_eq!((code, found), (0, vec![]), "{v:#}");
    // The caller was loaded: two modules, the child reached through it.
    assert_eq!(v["summary"]["modules"], 2, "{v:#}");
    // The commit of issue 15: an Outscale provider in eu-west-2 (not
    // SecNumCloud) added to the child module only.
    write(&d, "infra/modules/bucket/provider.tf", CHILD_PROVIDER);
    for named in [
        "infra/modules/bucket/provider.tf",
        "infra/modules/bucket/main.tf",
    ] {
        let (code, found, v) = check(&d, &[named]);
        assert_eq!(code, 1, "{named}: {v:#}");
        assert_eq!(
            found,
            ["CRC002 infra/modules/bucket/main.tf:5 module.archive.outscale_net.archive"],
            "{named}"
        );
    }
    // The whole tree says the same.
    let (_, found, _) = check(&d, &["infra"]);
    assert_eq!(
        found,
        ["CRC002 infra/modules/bucket/main.tf:5 module.archive.outscale_net.archive"]
    );
    // A file of the caller that decided nothing of it reports nothing.
    let (code, found, _) = check(&d, &["infra/versions.tf"]);
    assert_eq!((code, found), (0, vec![]));
}

#[test]
fn a_root_tfvars_line_or_provider_region_alone_is_caught() {
    let d = repo("root-values");
    // The tfvars line moves the root provider's region out of SecNumCloud.
    write(&d, "infra/terraform.tfvars", "region = \"eu-west-2\"\n");
    let (code, found, v) = check(&d, &["infra/terraform.tfvars"]);
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(
        found,
        ["CRC002 infra/modules/bucket/main.tf:5 module.archive.outscale_net.archive"]
    );
    let related: Vec<&str> = v["findings"][0]["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["file"].as_str().unwrap())
        .collect();
    assert!(related.contains(&"infra/terraform.tfvars"), "{v:#}");
    std::fs::remove_file(d.join("infra/terraform.tfvars")).unwrap();
    // The provider's region alone, in the root.
    write(
        &d,
        "infra/providers.tf",
        "provider \"outscale\" {\n  region = \"eu-west-2\"\n}\n",
    );
    let (code, found, v) = check(&d, &["infra/providers.tf"]);
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(
        found,
        ["CRC002 infra/modules/bucket/main.tf:5 module.archive.outscale_net.archive"]
    );
    // The module call's tier alone, in the root.
    write(
        &d,
        "infra/providers.tf",
        "provider \"outscale\" {\n  region = \"cloudgouv-eu-west-1\"\n}\n",
    );
    write(
        &d,
        "infra/main.tf",
        "# cercle:tier sensible\nmodule \"archive\" {\n  source = \"./modules/bucket\"\n  name   = \"archive\"\n}\n",
    );
    // (`sensible` allows internal clouds only: Outscale is not one, CRC001.)
    let (code, found, v) = check(&d, &["infra/main.tf"]);
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(
        found,
        ["CRC001 infra/modules/bucket/main.tf:5 module.archive.outscale_net.archive"]
    );
}

#[test]
fn a_file_called_from_two_roots_is_checked_in_both() {
    let d = repo("two-roots");
    // A second root, in another place of the repository, calls the same
    // module with another tier and provider.
    write(
        &d,
        "other/main.tf",
        "provider \"outscale\" {\n  region = \"eu-west-2\"\n}\n\n# cercle:tier sensibilite-moindre\nmodule \"archive\" {\n  source = \"../infra/modules/bucket\"\n  name   = \"other\"\n}\n",
    );
    write(
        &d,
        "other/versions.tf",
        "terraform {\n  required_providers {\n    outscale = {\n      source = \"outscale/outscale\"\n    }\n  }\n}\n",
    );
    // Only `other` misplaces it.
    let (code, found, v) = check(&d, &["infra/modules/bucket/main.tf"]);
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(
        found,
        ["CRC002 infra/modules/bucket/main.tf:5 module.archive.outscale_net.archive"]
    );
    assert_eq!(v["summary"]["modules"], 3, "{v:#}");
    // Both misplace it, the same way: one finding per address and place.
    write(
        &d,
        "infra/providers.tf",
        "provider \"outscale\" {\n  region = \"eu-west-2\"\n}\n",
    );
    let (code, found, v) = check(&d, &["infra/modules/bucket/main.tf"]);
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(
        found,
        ["CRC002 infra/modules/bucket/main.tf:5 module.archive.outscale_net.archive"],
        "{v:#}"
    );
}

#[test]
fn a_module_nobody_calls_is_its_own_root_and_ignored_callers_do_not_count() {
    let d = repo("no-caller");
    write(&d, "infra/modules/bucket/provider.tf", CHILD_PROVIDER);
    write(
        &d,
        "infra/modules/bucket/main.tf",
        // `sensible`: internal clouds only, Outscale is not one (CRC001).
        "# cercle:tier sensible\nresource \"outscale_net\" \"archive\" {\n  ip_range = \"10.0.0.0/16\"\n}\n",
    );
    // Called: through `infra`.
    let (_, found, _) = check(&d, &["infra/modules/bucket/main.tf"]);
    assert_eq!(
        found,
        ["CRC001 infra/modules/bucket/main.tf:2 module.archive.outscale_net.archive"]
    );
    // The caller is excluded by .gitignore, then by the configuration: the
    // module is its own root, as with no caller.
    write(&d, ".gitignore", "/infra/main.tf\n");
    let (_, found, _) = check(&d, &["infra/modules/bucket/main.tf"]);
    assert_eq!(
        found,
        ["CRC001 infra/modules/bucket/main.tf:2 outscale_net.archive"]
    );
    std::fs::remove_file(d.join(".gitignore")).unwrap();
    write(&d, "cercle.toml", "exclude = [\"infra/main.tf\"]\n");
    let (_, found, _) = check(&d, &["infra/modules/bucket/main.tf"]);
    assert_eq!(
        found,
        ["CRC001 infra/modules/bucket/main.tf:2 outscale_net.archive"]
    );
}

/// Run from a subdirectory of the repository: the callers are still found
/// from the repository root.
#[test]
fn callers_are_found_from_the_repository_root() {
    let d = repo("subdir");
    write(&d, "infra/modules/bucket/provider.tf", CHILD_PROVIDER);
    let (code, found, v) = check(&d.join("infra"), &["modules/bucket/main.tf"]);
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(
        found,
        ["CRC002 modules/bucket/main.tf:5 module.archive.outscale_net.archive"]
    );
}
