//! The pre-commit hook (SPEC §10), with the real `pre-commit` tool: a
//! temporary git repository installs the `cercle-system` hook of this
//! repository's `.pre-commit-hooks.yaml` (the binary just built on PATH), a
//! commit of a misplaced resource is refused with cercle's diagnostic, the
//! fixed commit passes.
//!
//! Skipped, with a message, when `pre-commit` is not installed, unless
//! `CERCLE_REQUIRE_TOOLS=1` (as `.ci/run` sets after installing it).

use std::path::{Path, PathBuf};
use std::process::Command;

fn tempdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("cercle-precommit-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

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
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("PATH", path)
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
/// pre-commit clones it.
fn hook_repo(root: &Path, cache: &Path) -> (PathBuf, String) {
    let hooks = root.join("hooks");
    std::fs::create_dir_all(&hooks).unwrap();
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml");
    std::fs::copy(manifest, hooks.join(".pre-commit-hooks.yaml")).unwrap();
    ok(&hooks, cache, "git", &["init", "-q"]);
    ok(&hooks, cache, "git", &["add", "."]);
    ok(&hooks, cache, "git", &["commit", "-q", "-m", "hooks"]);
    let sha = ok(&hooks, cache, "git", &["rev-parse", "HEAD"])
        .trim()
        .to_string();
    (hooks, sha)
}

#[test]
fn the_hook_refuses_a_misplaced_resource_and_accepts_the_fix() {
    if !precommit_installed() {
        return;
    }
    let root = tempdir("commit");
    let cache = root.join("cache");
    let (hooks, sha) = hook_repo(&root, &cache);
    let repo = root.join("project");
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
    write(&repo, "cercle.toml", "packs = [\"eu-gdpr\"]\n");
    write(&repo, "README.md", "infrastructure\n");
    ok(&repo, &cache, "pre-commit", &["install"]);
    ok(
        &repo,
        &cache,
        "git",
        &["add", ".pre-commit-config.yaml", "cercle.toml", "README.md"],
    );
    let out = ok(&repo, &cache, "git", &["commit", "-m", "no terraform yet"]);
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
        out.contains("aws_s3_bucket.patients is placed in us-east-1, which tier 'personal-data' does not allow"),
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
