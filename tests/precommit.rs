//! The pre-commit hooks (SPEC §10), with the real `pre-commit` tool: a
//! temporary git repository installs a hook of this repository's
//! `.pre-commit-hooks.yaml`, a commit of a misplaced resource is refused with
//! cercle's diagnostic, the fixed commit passes.
//!
//! - `cercle-system`: the binary just built, on PATH;
//! - `cercle` (`language: python`): pre-commit runs `pip install .` on the
//!   hook repository (the placeholder of `pyproject.toml`), which installs
//!   the `cercle` wheel built by maturin (`python/pyproject.toml`), offline:
//!   `CERCLE_WHEEL_DIR` names the directory holding it (`.ci/run` builds it
//!   there) and pip may look nowhere else.
//!
//! Skipped, with a message, when `pre-commit` (or the wheel) is missing,
//! unless `CERCLE_REQUIRE_TOOLS=1` (as `.ci/run` sets after installing it
//! and building the wheel).

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;

fn precommit_installed() -> bool {
    let ok = Command::new("pre-commit")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("CERCLE_REQUIRE_TOOLS").is_none_or(|v| v != "1"),
            "CERCLE_REQUIRE_TOOLS=1 but pre-commit is not installed"
        );
        eprintln!(
            "SKIPPED: `pre-commit` is not installed (python3 -m pip install pre-commit); .ci/run installs it"
        );
    }
    ok
}

/// Runs a command with a clean git identity, a private pre-commit cache and
/// the cercle just built first on PATH.
fn sh(dir: &Path, cache: &Path, program: &str, args: &[&str]) -> (bool, String) {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_cercle")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    sh_env(dir, cache, program, args, &[("PATH", &path)])
}

/// Runs a command with a clean git identity, a private pre-commit cache and
/// `env` on top of this process's environment.
fn sh_env(
    dir: &Path,
    cache: &Path,
    program: &str,
    args: &[&str],
    env: &[(&str, &str)],
) -> (bool, String) {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .envs(env.iter().copied())
        .env("PRE_COMMIT_HOME", cache)
        .env("NO_COLOR", "1")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.org")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.org")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_WORK_TREE")
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn ok(dir: &Path, cache: &Path, program: &str, args: &[&str]) -> String {
    let (success, out) = sh(dir, cache, program, args);
    assert!(success, "{program} {args:?} failed:\n{out}");
    out
}

fn write(dir: &Path, file: &str, text: &str) {
    let p = dir.join(file);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn providers(region: &str) -> String {
    format!("provider \"aws\" {{\n  region = \"{region}\"\n}}\n")
}

const MAIN: &str = "# cercle:tier personal-data
resource \"aws_s3_bucket\" \"patients\" {
  bucket = \"patients\"
}
";

/// A git repository holding this repository's hook definitions, as
/// pre-commit clones it: the manifest and what `pip install .` reads there
/// (the placeholder package and Cargo.toml, for its version), not the Rust
/// sources, so that the `cercle` hook cannot build cercle: it must install
/// the wheel.
fn hook_repo(root: &Path, cache: &Path) -> (PathBuf, String) {
    let hooks = root.join("hooks");
    for file in [
        ".pre-commit-hooks.yaml",
        "pyproject.toml",
        "python/pre_commit_placeholder.py",
        "Cargo.toml",
    ] {
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
        std::fs::create_dir_all(hooks.join(file).parent().unwrap()).unwrap();
        std::fs::copy(&from, hooks.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    }
    ok(&hooks, cache, "git", &["init", "-q"]);
    ok(&hooks, cache, "git", &["add", "."]);
    ok(&hooks, cache, "git", &["commit", "-q", "-m", "hooks"]);
    let sha = ok(&hooks, cache, "git", &["rev-parse", "HEAD"])
        .trim()
        .to_string();
    (hooks, sha)
}

/// A git repository `name` (in a scratch directory for `test`) whose
/// `.pre-commit-config.yaml` runs the `cercle-system` hook of this
/// repository; with the pre-commit cache beside it, and the scratch
/// directory holding both (removed when dropped).
fn system_hook_project(test: &str, name: &str) -> (common::Scratch, PathBuf, PathBuf) {
    let root = common::tempdir("precommit", test);
    let cache = root.join("cache");
    let (hooks, sha) = hook_repo(&root, &cache);
    let repo = root.join(name);
    std::fs::create_dir_all(&repo).unwrap();
    ok(&repo, &cache, "git", &["init", "-q"]);
    write(
        &repo,
        ".pre-commit-config.yaml",
        &format!(
            "repos:\n  - repo: {}\n    rev: {sha}\n    hooks:\n      - id: cercle-system\n",
            hooks.display()
        ),
    );
    (root, repo, cache)
}

#[test]
fn the_hook_refuses_a_misplaced_resource_and_accepts_the_fix() {
    if !precommit_installed() {
        return;
    }
    let (_root, repo, cache) = system_hook_project("commit", "project");
    write(&repo, "cercle.toml", "packs = [\"eu-gdpr\"]\n");
    write(&repo, "README.md", "infrastructure\n");
    ok(&repo, &cache, "pre-commit", &["install"]);
    ok(
        &repo,
        &cache,
        "git",
        &["add", ".pre-commit-config.yaml", "cercle.toml", "README.md"],
    );
    // No Terraform yet: the hook checks the configuration only, and passes.
    let out = ok(&repo, &cache, "git", &["commit", "-m", "no terraform yet"]);
    assert!(out.contains("Passed"), "{out}");
    // A README alone is not the hook's business.
    write(&repo, "README.md", "infrastructure, soon\n");
    ok(&repo, &cache, "git", &["add", "README.md"]);
    let out = ok(&repo, &cache, "git", &["commit", "-m", "readme"]);
    assert!(out.contains("(no files to check)"), "{out}");

    // A personal-data bucket in us-east-1: refused, with cercle's diagnostic.
    write(&repo, "infra/providers.tf", &providers("us-east-1"));
    write(&repo, "infra/main.tf", MAIN);
    ok(&repo, &cache, "git", &["add", "infra"]);
    let (success, out) = sh(&repo, &cache, "git", &["commit", "-m", "patients bucket"]);
    assert!(!success, "the commit went through:\n{out}");
    assert!(out.contains("Failed"), "{out}");
    assert!(out.contains("CRC002"), "{out}");
    assert!(
        out.contains("aws_s3_bucket.patients is placed in us-east-1 (N. Virginia, US), which tier"),
        "{out}"
    );
    assert!(out.contains("infra/main.tf:2:10"), "{out}");

    // Fixed: the commit passes.
    write(&repo, "infra/providers.tf", &providers("eu-west-3"));
    ok(&repo, &cache, "git", &["add", "infra"]);
    let out = ok(
        &repo,
        &cache,
        "git",
        &["commit", "-m", "patients bucket in Paris"],
    );
    assert!(out.contains("Passed"), "{out}");

    // A commit that only changes the provider's region is still caught: the
    // staged file decided the placement (SPEC §1).
    write(&repo, "infra/providers.tf", &providers("us-west-2"));
    ok(&repo, &cache, "git", &["add", "infra/providers.tf"]);
    let (success, out) = sh(&repo, &cache, "git", &["commit", "-m", "move"]);
    assert!(!success, "the commit went through:\n{out}");
    assert!(out.contains("is placed in us-west-2"), "{out}");
    write(&repo, "infra/providers.tf", &providers("eu-west-3"));
    ok(&repo, &cache, "git", &["add", "infra/providers.tf"]);

    // A commit touching two modules: one cercle run, each module once.
    write(&repo, "infra/main.tf", &MAIN.replace("patients", "records"));
    write(&repo, "other/providers.tf", &providers("ap-south-1"));
    write(&repo, "other/main.tf", MAIN);
    ok(&repo, &cache, "git", &["add", "infra", "other"]);
    let (success, out) = sh(&repo, &cache, "git", &["commit", "-m", "two modules"]);
    assert!(!success, "the commit went through:\n{out}");
    let summaries: Vec<&str> = out.lines().filter(|l| l.contains(" in 4 files ")).collect();
    assert_eq!(summaries.len(), 1, "{out}");
    assert!(summaries[0].starts_with("1 error"), "{out}");
    assert!(out.contains("is placed in ap-south-1"), "{out}");
}

/// The directory holding the `cercle` wheel built by maturin, from
/// `CERCLE_WHEEL_DIR`; `None` (the test is skipped) when it is not set,
/// unless `CERCLE_REQUIRE_TOOLS=1`.
fn wheel_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("CERCLE_WHEEL_DIR").map(PathBuf::from);
    let found = dir.filter(|d| {
        std::fs::read_dir(d).is_ok_and(|rd| {
            rd.filter_map(Result::ok).any(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                name.starts_with("cercle-") && name.ends_with(".whl")
            })
        })
    });
    if found.is_none() {
        assert!(
            std::env::var_os("CERCLE_REQUIRE_TOOLS").is_none_or(|v| v != "1"),
            "CERCLE_REQUIRE_TOOLS=1 but CERCLE_WHEEL_DIR names no directory holding a cercle wheel"
        );
        eprintln!(
            "SKIPPED: no wheel (cd python && maturin build --release --out ../target/wheels, then CERCLE_WHEEL_DIR=target/wheels); .ci/run builds it"
        );
    }
    found
}

#[test]
fn the_python_hook_installs_the_wheel_offline_and_checks_terraform_and_config() {
    if !precommit_installed() {
        return;
    }
    let Some(wheels) = wheel_dir() else {
        return;
    };
    let wheels = std::fs::canonicalize(wheels).unwrap();
    let root = common::tempdir("precommit", "wheel");
    let cache = root.join("cache");
    let (hooks, sha) = hook_repo(&root, &cache);
    let repo = root.join("project");
    std::fs::create_dir_all(&repo).unwrap();
    // pip may install only from the built wheels: no index, no network. The
    // cercle just built is not on PATH: the hook must run the wheel's.
    let wheels = wheels.to_str().unwrap();
    let env = [
        ("PIP_NO_INDEX", "1"),
        ("PIP_FIND_LINKS", wheels),
        ("PIP_DISABLE_PIP_VERSION_CHECK", "1"),
    ];
    let run = |args: &[&str]| sh_env(&repo, &cache, args[0], &args[1..], &env);
    let must = |args: &[&str]| {
        let (success, out) = run(args);
        assert!(success, "{args:?} failed:\n{out}");
        out
    };
    must(&["git", "init", "-q"]);
    write(
        &repo,
        ".pre-commit-config.yaml",
        &format!(
            "repos:\n  - repo: {}\n    rev: {sha}\n    hooks:\n      - id: cercle\n",
            hooks.display()
        ),
    );
    write(&repo, "cercle.toml", "packs = [\"eu-gdpr\"]\n");
    must(&["pre-commit", "install"]);
    let started = std::time::Instant::now();
    must(&["pre-commit", "install-hooks"]);
    eprintln!(
        "the cercle hook installed from the wheel in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    // The hook's environment holds the wheel's binary.
    let envs: Vec<PathBuf> = walk(&cache)
        .into_iter()
        .filter(|p| {
            p.file_name().is_some_and(|n| n == "cercle")
                && p.parent().is_some_and(|d| d.ends_with("bin"))
        })
        .collect();
    assert_eq!(envs.len(), 1, "{envs:?}");

    // A personal-data bucket in us-east-1: refused, with cercle's diagnostic.
    write(&repo, "infra/providers.tf", &providers("us-east-1"));
    write(&repo, "infra/main.tf", MAIN);
    must(&["git", "add", "."]);
    let (success, out) = run(&["git", "commit", "-m", "patients bucket"]);
    assert!(!success, "the commit went through:\n{out}");
    assert!(out.contains("CRC002"), "{out}");
    assert!(out.contains("infra/main.tf:2:10"), "{out}");

    // Fixed: the commit passes.
    write(&repo, "infra/providers.tf", &providers("eu-west-3"));
    must(&["git", "add", "infra"]);
    let out = must(&["git", "commit", "-m", "patients bucket in Paris"]);
    assert!(out.contains("Passed"), "{out}");

    // A commit that only changes the configuration is checked too: a pack
    // that does not exist is refused with cercle's message.
    write(&repo, "cercle.toml", "packs = [\"eu-gpdr\"]\n");
    must(&["git", "add", "cercle.toml"]);
    let (success, out) = run(&["git", "commit", "-m", "typo in the pack"]);
    assert!(!success, "the commit went through:\n{out}");
    assert!(out.contains("unknown pack"), "{out}");
    assert!(out.contains("cercle.toml:1:10"), "{out}");
    // ...and a hidden .cercle.toml as well.
    std::fs::remove_file(repo.join("cercle.toml")).unwrap();
    write(&repo, "infra/.cercle.toml", "packs = [\"eu-gpdr\"]\n");
    must(&["git", "add", "-A"]);
    let (success, out) = run(&["git", "commit", "-m", "config by module"]);
    assert!(!success, "the commit went through:\n{out}");
    assert!(out.contains("unknown pack"), "{out}");
}

/// Every file under `dir` (symbolic links not followed).
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            match e.file_type() {
                Ok(t) if t.is_dir() => todo.push(p),
                Ok(_) => out.push(p),
                Err(_) => {}
            }
        }
    }
    out
}

/// Issue 15: a commit that changes only a child module is checked with its
/// caller's tier. `infra/main.tf` gives `module "archive"` the tier
/// `sensibilite-moindre` (SecNumCloud or internal clouds); a commit adds an
/// Outscale provider in `eu-west-2` (not SecNumCloud) to the child module
/// alone: refused; the fix is accepted.
#[test]
fn the_hook_checks_a_child_module_with_its_callers_tier() {
    if !precommit_installed() {
        return;
    }
    let (_root, repo, cache) = system_hook_project("child", "project");
    let versions = "terraform {\n  required_providers {\n    outscale = {\n      source = \"outscale/outscale\"\n    }\n  }\n}\n";
    write(&repo, "infra/versions.tf", versions);
    write(
        &repo,
        "infra/providers.tf",
        "provider \"outscale\" {\n  region = \"cloudgouv-eu-west-1\"\n}\n",
    );
    write(
        &repo,
        "infra/main.tf",
        "# cercle:tier sensibilite-moindre\nmodule \"archive\" {\n  source = \"./modules/bucket\"\n}\n",
    );
    write(&repo, "infra/modules/bucket/versions.tf", versions);
    write(
        &repo,
        "infra/modules/bucket/main.tf",
        "resource \"outscale_net\" \"archive\" {\n  ip_range = \"10.0.0.0/16\"\n}\n",
    );
    ok(&repo, &cache, "pre-commit", &["install"]);
    ok(&repo, &cache, "git", &["add", "."]);
    let out = ok(&repo, &cache, "git", &["commit", "-m", "archive"]);
    assert!(out.contains("Passed"), "{out}");

    // The child module alone gets its own provider, outside SecNumCloud.
    write(
        &repo,
        "infra/modules/bucket/main.tf",
        "provider \"outscale\" {\n  region = \"eu-west-2\"\n}\n\nresource \"outscale_net\" \"archive\" {\n  ip_range = \"10.0.0.0/16\"\n}\n",
    );
    ok(
        &repo,
        &cache,
        "git",
        &["add", "infra/modules/bucket/main.tf"],
    );
    let (success, out) = sh(&repo, &cache, "git", &["commit", "-m", "archive moves"]);
    assert!(!success, "the commit went through:\n{out}");
    assert!(out.contains("CRC002"), "{out}");
    assert!(
        out.contains("module.archive.outscale_net.archive is placed in eu-west-2"),
        "{out}"
    );
    assert!(
        out.contains("tier 'sensibilite-moindre' declared here"),
        "{out}"
    );
    assert!(out.contains("infra/modules/bucket/main.tf:5:10"), "{out}");

    // Fixed (the child's provider in the SecNumCloud region): the commit
    // passes.
    write(
        &repo,
        "infra/modules/bucket/main.tf",
        "provider \"outscale\" {\n  region = \"cloudgouv-eu-west-1\"\n}\n\nresource \"outscale_net\" \"archive\" {\n  ip_range = \"10.0.0.0/16\"\n}\n",
    );
    ok(
        &repo,
        &cache,
        "git",
        &["add", "infra/modules/bucket/main.tf"],
    );
    let out = ok(&repo, &cache, "git", &["commit", "-m", "archive stays"]);
    assert!(out.contains("Passed"), "{out}");
}

#[test]
fn the_hook_checks_terragrunt_units_when_a_region_hcl_changes() {
    if !precommit_installed() {
        return;
    }
    let (_root, repo, cache) = system_hook_project("terragrunt", "live");
    write(
        &repo,
        "cercle.toml",
        "packs = [\"eu-gdpr\"]\ndefault_tier = \"personal-data\"\n",
    );
    write(
        &repo,
        "root.hcl",
        "locals {\n  region = read_terragrunt_config(find_in_parent_folders(\"region.hcl\")).locals.region\n}\n\n\
         generate \"provider\" {\n  path      = \"provider.tf\"\n  if_exists = \"overwrite\"\n  contents  = <<EOF\nprovider \"aws\" {\n  region = \"${local.region}\"\n}\nEOF\n}\n",
    );
    write(
        &repo,
        "prod/region.hcl",
        "locals {\n  region = \"eu-west-3\"\n}\n",
    );
    write(
        &repo,
        "prod/records/terragrunt.hcl",
        "include \"root\" {\n  path = find_in_parent_folders(\"root.hcl\")\n}\n\nterraform {\n  source = \"../../modules//bucket\"\n}\n",
    );
    write(
        &repo,
        "modules/bucket/main.tf",
        "resource \"aws_s3_bucket\" \"records\" {\n  bucket = \"records\"\n}\n",
    );
    ok(&repo, &cache, "pre-commit", &["install"]);
    ok(&repo, &cache, "git", &["add", "."]);
    let out = ok(&repo, &cache, "git", &["commit", "-m", "records in Paris"]);
    assert!(out.contains("Passed"), "{out}");
    // Only region.hcl changes: the unit it places is checked, and refused.
    write(
        &repo,
        "prod/region.hcl",
        "locals {\n  region = \"us-east-1\"\n}\n",
    );
    ok(&repo, &cache, "git", &["add", "prod/region.hcl"]);
    let (success, out) = sh(&repo, &cache, "git", &["commit", "-m", "move"]);
    assert!(!success, "the commit went through:\n{out}");
    assert!(out.contains("CRC002"), "{out}");
    assert!(
        out.contains("aws_s3_bucket.records is placed in us-east-1"),
        "{out}"
    );
    assert!(out.contains("1 Terragrunt unit"), "{out}");
}
