//! The GitHub Action (SPEC §10): `action.yml` is valid action metadata and
//! hands every input to `action/run.sh`; the script runs as GitHub runs it
//! (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and GITHUB_WORKSPACE set to temporary
//! files), with the cercle just built, on a module with findings and on one
//! without: outputs, annotations, job summary, SARIF file and exit status.
//! `action/cache-key.sh` chooses the cercle (a release's binary at a tag,
//! the action's checkout elsewhere) and `action/install.sh` installs it: a
//! release archive checked against its SHA-256 (served here from a
//! directory through a file:// URL), or `cargo build --locked --release` (a
//! stand-in `cargo` records what it was asked).

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn tempdir(name: &str) -> common::Scratch {
    common::tempdir("action", name)
}

/// What a run of the script left behind.
struct Run {
    status: i32,
    stdout: String,
    stderr: String,
    output: String,
    summary: String,
    workspace: PathBuf,
}

impl Run {
    fn output(&self, name: &str) -> Option<String> {
        self.output
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{name}=")))
            .map(str::to_string)
    }
}

/// Runs `action/run.sh` in `workspace` with the environment the action's
/// `env:` gives it, plus `inputs` (`CERCLE_*` names).
fn run_action(workspace: &Path, inputs: &[(&str, &str)]) -> Run {
    let runner_dir = tempdir("runner");
    let runner: &Path = &runner_dir;
    let output = runner.join("github_output");
    let summary = runner.join("step_summary");
    std::fs::write(&output, "").unwrap();
    std::fs::write(&summary, "").unwrap();
    let mut cmd = Command::new("bash");
    cmd.arg(root().join("action/run.sh"))
        .current_dir(runner)
        .env("CERCLE_BIN", env!("CARGO_BIN_EXE_cercle"))
        .env("GITHUB_WORKSPACE", workspace)
        .env("GITHUB_OUTPUT", &output)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("GITHUB_ACTION_PATH", root())
        .env("RUNNER_TEMP", runner)
        .env("NO_COLOR", "1");
    for k in [
        "CERCLE_PATHS",
        "CERCLE_CONFIG",
        "CERCLE_FORMAT",
        "CERCLE_FAIL_ON",
        "CERCLE_SARIF_FILE",
        "CERCLE_ARGS",
    ] {
        cmd.env_remove(k);
    }
    for (k, v) in inputs {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    Run {
        status: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        output: std::fs::read_to_string(&output).unwrap(),
        summary: std::fs::read_to_string(&summary).unwrap(),
        workspace: workspace.to_path_buf(),
    }
}

fn write(dir: &Path, file: &str, text: &str) {
    let p = dir.join(file);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// A workspace with a module `infra/` whose provider is in `region`, and a
/// personal-data bucket (eu-gdpr pack).
fn workspace(name: &str, region: &str) -> common::Scratch {
    let d = tempdir(name);
    write(&d, "cercle.toml", "packs = [\"eu-gdpr\"]\n");
    write(
        &d,
        "infra/providers.tf",
        &format!("provider \"aws\" {{\n  region = \"{region}\"\n}}\n"),
    );
    write(
        &d,
        "infra/main.tf",
        "# cercle:tier personal-data\nresource \"aws_s3_bucket\" \"patients\" {\n  bucket = \"patients\"\n}\n",
    );
    d
}

// ---------------------------------------------------------------------------
// action.yml

/// The `inputs:` (or `outputs:`) keys of action.yml: two-space-indented keys
/// of that top-level section.
fn section_keys(yml: &str, section: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let mut inside = false;
    for line in yml.lines() {
        if !line.starts_with(' ') && !line.trim().is_empty() {
            inside = line.trim_end() == format!("{section}:");
            continue;
        }
        if inside
            && let Some(rest) = line.strip_prefix("  ")
            && !rest.starts_with(' ')
            && let Some((k, _)) = rest.split_once(':')
        {
            keys.push(k.to_string());
        }
    }
    keys
}

#[test]
fn action_yml_hands_every_input_to_the_script() {
    let yml = std::fs::read_to_string(root().join("action.yml")).unwrap();
    let script = std::fs::read_to_string(root().join("action/run.sh")).unwrap();
    let inputs = section_keys(&yml, "inputs");
    assert_eq!(
        inputs,
        [
            "paths",
            "config",
            "format",
            "fail-on",
            "sarif-file",
            "version",
            "args"
        ],
        "SPEC §10 and issue 5 name these inputs"
    );
    assert!(yml.contains("using: composite"));
    for input in &inputs {
        let reference = format!("${{{{ inputs.{input} }}}}");
        let line = yml
            .lines()
            .find(|l| l.contains(&reference))
            .unwrap_or_else(|| panic!("input {input} is not used in action.yml"));
        // Inputs reach the shell through `env:`, never pasted into a script.
        let (var, _) = line.trim().split_once(':').unwrap();
        assert!(var.starts_with("CERCLE_"), "{line}");
        if *input != "version" {
            assert!(script.contains(var), "run.sh does not read {var}");
        }
    }
    assert!(
        !yml.contains("run: ${{"),
        "an input pasted into a run: script"
    );
    let outputs = section_keys(&yml, "outputs");
    assert!(outputs.contains(&"findings".to_string()));
    for o in &outputs {
        assert!(
            yml.contains(&format!("value: ${{{{ steps.run.outputs.{o} }}}}")),
            "{o}"
        );
        assert!(
            script.contains(&format!("echo \"{o}=")),
            "run.sh never sets {o}"
        );
    }
    // Which cercle (cache-key.sh), cached, installed (install.sh), run.
    assert!(yml.contains("CERCLE_ACTION_REF: ${{ github.action_ref }}"));
    assert!(yml.contains("run: '\"$GITHUB_ACTION_PATH/action/cache-key.sh\"'"));
    assert!(yml.contains("uses: actions/cache@v4"));
    assert!(yml.contains("path: ${{ steps.key.outputs.dir }}"));
    assert!(yml.contains("run: '\"$GITHUB_ACTION_PATH/action/install.sh\"'"));
    assert!(yml.contains("CERCLE_BIN: ${{ steps.key.outputs.bin }}"));
    assert!(yml.contains("run: '\"$GITHUB_ACTION_PATH/action/run.sh\"'"));
    // Never a crate installed by name: no `cargo install` at all.
    for file in ["action.yml", "action/install.sh", "action/cache-key.sh"] {
        let text = std::fs::read_to_string(root().join(file)).unwrap();
        assert!(!text.contains("cargo install"), "{file}");
    }
    let install = std::fs::read_to_string(root().join("action/install.sh")).unwrap();
    assert!(install.contains("cargo build --locked --release"));
}

#[test]
fn action_yml_is_valid_against_the_action_metadata_schema() {
    // check-jsonschema ships SchemaStore's github-action schema.
    let out = Command::new("check-jsonschema")
        .args(["--builtin-schema", "vendor.github-actions"])
        .arg(root().join("action.yml"))
        .output();
    match out {
        Ok(o) => assert!(
            o.status.success(),
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
        Err(_) => {
            assert!(
                std::env::var_os("CERCLE_REQUIRE_TOOLS").is_none_or(|v| v != "1"),
                "CERCLE_REQUIRE_TOOLS=1 but check-jsonschema is not installed"
            );
            eprintln!(
                "SKIPPED: check-jsonschema is not installed (python3 -m pip install check-jsonschema); .ci/run installs it"
            );
        }
    }
}

/// The outputs of action/cache-key.sh run in `action_path` with `env`.
fn cache_key(action_path: &Path, env: &[(&str, &str)]) -> Vec<(String, String)> {
    let d = tempdir("key");
    let out = d.join("out");
    std::fs::write(&out, "").unwrap();
    let mut cmd = Command::new("bash");
    cmd.arg(root().join("action/cache-key.sh"))
        .env("GITHUB_ACTION_PATH", action_path)
        .env("GITHUB_OUTPUT", &out)
        .env("RUNNER_OS", "Linux")
        .env("RUNNER_ARCH", "X64")
        .env("RUNNER_TEMP", "/runner/temp")
        .env_remove("CERCLE_VERSION")
        .env_remove("CERCLE_ACTION_REF");
    for (k, v) in env {
        cmd.env(k, v);
    }
    assert!(cmd.status().unwrap().success());
    std::fs::read_to_string(&out)
        .unwrap()
        .lines()
        .map(|l| {
            let (k, v) = l.split_once('=').unwrap();
            (k.to_string(), v.to_string())
        })
        .collect()
}

fn get<'a>(outputs: &'a [(String, String)], name: &str) -> &'a str {
    outputs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no output {name}: {outputs:?}"))
}

fn crate_version() -> String {
    let toml = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    toml.lines()
        .find_map(|l| l.strip_prefix("version = \""))
        .unwrap()
        .trim_end_matches('"')
        .to_string()
}

#[test]
fn the_cache_key_hashes_the_source_or_names_the_release() {
    // A branch, a commit, `local` or no ref at all: the action's checkout,
    // keyed by a hash of its source.
    let local = cache_key(root(), &[]);
    assert_eq!(get(&local, "source"), "build");
    assert!(
        get(&local, "key").starts_with("cercle-Linux-X64-src-"),
        "{local:?}"
    );
    assert_eq!(cache_key(root(), &[("CERCLE_VERSION", "local")]), local);
    assert_eq!(
        cache_key(root(), &[("CERCLE_ACTION_REF", "main")]),
        local,
        "a branch builds"
    );
    assert_eq!(get(&local, "bin"), format!("{}/cercle", get(&local, "dir")));
    // A version asked for: that release.
    let v = cache_key(root(), &[("CERCLE_VERSION", "0.2.0")]);
    assert_eq!(get(&v, "source"), "release");
    assert_eq!(get(&v, "tag"), "v0.2.0");
    assert_eq!(get(&v, "key"), "cercle-Linux-X64-v0.2.0-cercle");
    assert_eq!(get(&v, "dir"), "/runner/temp/cercle-action/v0.2.0");
    assert_eq!(cache_key(root(), &[("CERCLE_VERSION", "v0.2.0")]), v);
    // The action's own tag, exact or moving: the release of its Cargo.toml.
    let tag = format!("v{}", crate_version());
    for r in [tag.as_str(), "v0"] {
        let o = cache_key(root(), &[("CERCLE_ACTION_REF", r)]);
        assert_eq!(get(&o, "source"), "release", "{r}");
        assert_eq!(get(&o, "tag"), tag, "{r}");
    }
    // Without github.action_ref, the ref is read from where the runner
    // checked the action out (_actions/OWNER/REPO/REF).
    let d = tempdir("actions");
    let checkout = d.join("_actions/cercle-lint/cercle/v0");
    std::fs::create_dir_all(&checkout).unwrap();
    std::fs::copy(root().join("Cargo.toml"), checkout.join("Cargo.toml")).unwrap();
    let o = cache_key(&checkout, &[]);
    assert_eq!(get(&o, "source"), "release");
    assert_eq!(get(&o, "tag"), tag);
}

#[test]
fn the_cache_key_and_the_binary_name_end_in_exe_on_windows() {
    let w = cache_key(
        root(),
        &[("RUNNER_OS", "Windows"), ("CERCLE_VERSION", "0.2.0")],
    );
    assert_eq!(get(&w, "bin"), format!("{}/cercle.exe", get(&w, "dir")));
    assert_eq!(get(&w, "key"), "cercle-Windows-X64-v0.2.0-cercle.exe");
    let l = cache_key(root(), &[("CERCLE_VERSION", "0.2.0")]);
    assert_ne!(get(&w, "key"), get(&l, "key"));
}

// ---------------------------------------------------------------------------
// action/install.sh

/// Runs action/install.sh with `env`; its exit status and output.
fn install(env: &[(&str, &str)], path_prefix: Option<&Path>) -> (i32, String) {
    let mut cmd = Command::new("bash");
    cmd.arg(root().join("action/install.sh"))
        .env("GITHUB_ACTION_PATH", root())
        .env("RUNNER_OS", "Linux")
        .env("RUNNER_ARCH", "X64")
        .env_remove("CERCLE_VERSION")
        .env_remove("CERCLE_RELEASE_URL");
    if let Some(p) = path_prefix {
        cmd.env(
            "PATH",
            format!(
                "{}:{}",
                p.display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        );
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// A release directory as the release workflow publishes it: the Linux
/// x86_64 archive (`cercle-TARGET/cercle`, here the cercle just built) and
/// its `.sha256`.
fn release(dir: &Path, tag: &str) -> PathBuf {
    let target = "x86_64-unknown-linux-musl";
    let stage = dir.join("stage").join(format!("cercle-{target}"));
    std::fs::create_dir_all(&stage).unwrap();
    std::fs::copy(env!("CARGO_BIN_EXE_cercle"), stage.join("cercle")).unwrap();
    let rel = dir.join("releases").join(tag);
    std::fs::create_dir_all(&rel).unwrap();
    let archive = format!("cercle-{target}.tar.gz");
    let s = Command::new("tar")
        .arg("-czf")
        .arg(rel.join(&archive))
        .arg("-C")
        .arg(dir.join("stage"))
        .arg(format!("cercle-{target}"))
        .status()
        .unwrap();
    assert!(s.success());
    let s = Command::new("sh")
        .arg("-c")
        .arg(format!("sha256sum {archive} > {archive}.sha256"))
        .current_dir(&rel)
        .status()
        .unwrap();
    assert!(s.success());
    dir.join("releases")
}

#[test]
fn a_release_binary_is_installed_only_when_its_sum_matches() {
    let d = tempdir("release");
    let releases = release(&d, "v9.9.9");
    let url = format!("file://{}", releases.display());
    let bin = d.join("bin/cercle");
    let env = [
        ("CERCLE_SOURCE", "release"),
        ("CERCLE_TAG", "v9.9.9"),
        ("CERCLE_BIN", bin.to_str().unwrap()),
        ("CERCLE_VERSION", "9.9.9"),
        ("CERCLE_RELEASE_URL", url.as_str()),
        ("RUNNER_TEMP", d.to_str().unwrap()),
    ];
    let (code, out) = install(&env, None);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("SHA-256"), "{out}");
    assert!(out.contains("cercle 0."), "{out}");
    assert!(bin.is_file());
    std::fs::remove_file(&bin).unwrap();

    // A sum that does not match: an error, nothing installed, no fallback.
    let sums = releases.join("v9.9.9/cercle-x86_64-unknown-linux-musl.tar.gz.sha256");
    std::fs::write(
        &sums,
        format!(
            "{}  cercle-x86_64-unknown-linux-musl.tar.gz\n",
            "0".repeat(64)
        ),
    )
    .unwrap();
    for version in ["9.9.9", ""] {
        let mut env = env.to_vec();
        env[3] = ("CERCLE_VERSION", version);
        let (code, out) = install(&env, None);
        assert_eq!(code, 1, "{out}");
        assert!(
            out.contains("::error title=cercle::cercle-x86_64-unknown-linux-musl.tar.gz of release v9.9.9: SHA-256"),
            "{out}"
        );
        assert!(!bin.exists());
    }

    // A version asked for that has no release: an error.
    let mut missing = env.to_vec();
    missing[1] = ("CERCLE_TAG", "v0.0.0");
    missing[3] = ("CERCLE_VERSION", "0.0.0");
    let (code, out) = install(&missing, None);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("no release binary could be downloaded"),
        "{out}"
    );
}

/// A stand-in `cargo` that records its arguments and "builds" the binary
/// where `cargo build --target-dir DIR --release` would put it.
fn fake_cargo(dir: &Path) -> PathBuf {
    let bin = dir.join("fake-bin");
    std::fs::create_dir_all(&bin).unwrap();
    let script = format!(
        "#!/bin/sh\necho \"$@\" > {log}\nwhile [ $# -gt 0 ]; do\n  if [ \"$1\" = --target-dir ]; then t=$2; fi\n  shift\ndone\nmkdir -p \"$t/release\"\ncp {cercle} \"$t/release/cercle\"\n",
        log = dir.join("cargo-args").display(),
        cercle = env!("CARGO_BIN_EXE_cercle"),
    );
    let cargo = bin.join("cargo");
    std::fs::write(&cargo, script).unwrap();
    let s = Command::new("chmod")
        .arg("+x")
        .arg(&cargo)
        .status()
        .unwrap();
    assert!(s.success());
    bin
}

#[test]
fn an_untagged_ref_builds_the_checkout_with_cargo_build_locked() {
    let d = tempdir("build");
    let fake = fake_cargo(&d);
    let bin = d.join("bin/cercle");
    let (code, out) = install(
        &[
            ("CERCLE_SOURCE", "build"),
            ("CERCLE_BIN", bin.to_str().unwrap()),
            ("RUNNER_TEMP", d.to_str().unwrap()),
        ],
        Some(&fake),
    );
    assert_eq!(code, 0, "{out}");
    assert!(bin.is_file());
    let args = std::fs::read_to_string(d.join("cargo-args")).unwrap();
    assert!(
        args.starts_with(&format!(
            "build --locked --release --manifest-path {}/Cargo.toml --target-dir ",
            root().display()
        )),
        "{args}"
    );

    // At the action's own tag, a release that cannot be downloaded falls
    // back to the checkout, with a warning.
    std::fs::remove_file(&bin).unwrap();
    let url = format!("file://{}", d.join("no-releases").display());
    let (code, out) = install(
        &[
            ("CERCLE_SOURCE", "release"),
            ("CERCLE_TAG", "v9.9.9"),
            ("CERCLE_BIN", bin.to_str().unwrap()),
            ("CERCLE_RELEASE_URL", url.as_str()),
            ("RUNNER_TEMP", d.to_str().unwrap()),
        ],
        Some(&fake),
    );
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(
            "::warning title=cercle::cercle v9.9.9: no release binary could be downloaded"
        ),
        "{out}"
    );
    assert!(bin.is_file());
}

// ---------------------------------------------------------------------------
// action/run.sh

#[test]
fn bad_inputs_fail_the_step_before_running_cercle() {
    let ws = workspace("bad-input", "eu-west-3");
    let r = run_action(&ws, &[("CERCLE_FAIL_ON", "sometimes")]);
    assert_eq!(r.status, 2);
    assert!(
        r.stdout.contains(
            "::error title=cercle::fail-on must be error, warning or never, not 'sometimes'"
        ),
        "{}",
        r.stdout
    );
    let r = run_action(&ws, &[("CERCLE_FORMAT", "pdf")]);
    assert_eq!(r.status, 2);
    assert!(r.stdout.contains("format must be"), "{}", r.stdout);
}

#[test]
fn findings_are_annotated_counted_summarised_and_fail_the_step() {
    let ws = workspace("findings", "us-east-1");
    let r = run_action(
        &ws,
        &[
            ("CERCLE_PATHS", "infra"),
            ("CERCLE_SARIF_FILE", "reports/cercle.sarif"),
        ],
    );
    assert_eq!(r.status, 1, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(r.output("findings").as_deref(), Some("1"), "{}", r.output);
    assert_eq!(r.output("errors").as_deref(), Some("1"), "{}", r.output);
    assert_eq!(r.output("warnings").as_deref(), Some("0"), "{}", r.output);
    // One annotation, at the resource, with the rule as its title.
    let annotations: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.starts_with("::error file="))
        .collect();
    assert_eq!(annotations.len(), 1, "{}", r.stdout);
    assert!(
        annotations[0].starts_with("::error file=infra/main.tf,line=2,col=10,"),
        "{}",
        annotations[0]
    );
    assert!(
        annotations[0].contains("title=CRC002 region-not-allowed::"),
        "{}",
        annotations[0]
    );
    assert!(annotations[0].contains("us-east-1"), "{}", annotations[0]);
    // The job summary: a markdown table of the findings.
    assert!(r.summary.contains("CRC002"), "{}", r.summary);
    assert!(
        r.summary
            .lines()
            .any(|l| l.starts_with('|') && l.contains("infra/main.tf")),
        "{}",
        r.summary
    );
    // The SARIF file, relative to the workspace.
    let sarif: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(r.workspace.join("reports/cercle.sarif")).unwrap(),
    )
    .unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["runs"][0]["results"][0]["ruleId"], "CRC002");
    // The human report in the log, in a group where no workflow command runs.
    assert!(
        r.stdout.contains("::group::cercle report (human)"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("::stop-commands::"), "{}", r.stdout);
    assert!(
        r.stdout.contains(
            "cercle: 1 error, 0 warnings, 0 notes in 2 files (1 resource); fail-on error"
        ),
        "{}",
        r.stdout
    );
    // One summary line in the whole log, the script's.
    assert_eq!(
        r.stdout.matches(" in 2 files (1 resource)").count(),
        1,
        "{}",
        r.stdout
    );
}

#[test]
fn the_summary_line_is_printed_once_whatever_the_format() {
    let ws = workspace("summary-once", "us-east-1");
    for format in ["human", "github", "json"] {
        let r = run_action(
            &ws,
            &[("CERCLE_FORMAT", format), ("CERCLE_ARGS", "--quiet")],
        );
        assert_eq!(r.status, 1, "{format}: {}{}", r.stdout, r.stderr);
        assert_eq!(
            r.stdout.matches("in 2 files (1 resource)").count(),
            1,
            "{format}: {}",
            r.stdout
        );
    }
}

#[test]
fn options_in_args_win_over_the_inputs_and_are_never_passed_twice() {
    // A warning only (CRC003): `args: --fail-on warning` fails the step
    // (it was exit 2: --fail-on given twice).
    let ws = workspace("args", "eu-west-3");
    write(
        &ws,
        "infra/providers.tf",
        "variable \"region\" {}\nprovider \"aws\" {\n  region = var.region\n}\n",
    );
    let r = run_action(&ws, &[("CERCLE_ARGS", "--fail-on warning")]);
    assert_eq!(r.status, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("; fail-on warning"), "{}", r.stdout);
    let r = run_action(
        &ws,
        &[
            ("CERCLE_FAIL_ON", "warning"),
            ("CERCLE_ARGS", "--fail-on=never --strict"),
        ],
    );
    assert_eq!(r.status, 0, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(r.output("errors").as_deref(), Some("1"), "{}", r.output);
    // --format: the report in the log; the annotations stay.
    let r = run_action(&ws, &[("CERCLE_ARGS", "--format json")]);
    assert_eq!(r.status, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("::group::cercle report (json)"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("::warning file=infra/"), "{}", r.stdout);
    // --output FILE: that report written there, the annotations still on
    // stdout.
    let r = run_action(
        &ws,
        &[
            ("CERCLE_FORMAT", "junit"),
            ("CERCLE_ARGS", "--output reports/cercle.xml"),
        ],
    );
    assert_eq!(r.status, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("::warning file=infra/"), "{}", r.stdout);
    let xml = std::fs::read_to_string(ws.join("reports/cercle.xml")).unwrap();
    assert!(xml.starts_with("<?xml"), "{xml}");
    // --config in args wins over the input.
    write(&ws, "other.toml", "packs = [\"nope\"]\n");
    let r = run_action(
        &ws,
        &[
            ("CERCLE_CONFIG", "cercle.toml"),
            ("CERCLE_ARGS", "--config other.toml"),
        ],
    );
    assert_eq!(r.status, 2, "{}", r.stdout);
    assert!(r.stdout.contains("file=other.toml"), "{}", r.stdout);
    // An option without its value: the step fails, saying so.
    let r = run_action(&ws, &[("CERCLE_ARGS", "--strict --fail-on")]);
    assert_eq!(r.status, 2, "{}", r.stdout);
    assert!(
        r.stdout.contains("args: --fail-on needs a value"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_clean_module_passes_with_zero_findings() {
    let ws = workspace("clean", "eu-west-3");
    let r = run_action(&ws, &[("CERCLE_SARIF_FILE", "cercle.sarif")]);
    assert_eq!(r.status, 0, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(r.output("findings").as_deref(), Some("0"), "{}", r.output);
    assert!(!r.stdout.contains("::error"), "{}", r.stdout);
    assert!(!r.stdout.contains("::warning"), "{}", r.stdout);
    assert!(ws.join("cercle.sarif").is_file());
    assert!(!r.summary.is_empty());
}

#[test]
fn fail_on_decides_the_exit_status() {
    // A warning only: an unresolved region (CRC003).
    let ws = workspace("warning", "eu-west-3");
    write(
        &ws,
        "infra/providers.tf",
        "variable \"region\" {}\nprovider \"aws\" {\n  region = var.region\n}\n",
    );
    let r = run_action(&ws, &[]);
    assert_eq!(r.status, 0, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(r.output("warnings").as_deref(), Some("1"), "{}", r.output);
    assert!(r.stdout.contains("::warning file=infra/"), "{}", r.stdout);
    let r = run_action(&ws, &[("CERCLE_FAIL_ON", "warning")]);
    assert_eq!(r.status, 1, "{}", r.stdout);
    // `never`: the findings are reported, the step passes.
    let ws = workspace("never", "us-east-1");
    let r = run_action(&ws, &[("CERCLE_FAIL_ON", "never")]);
    assert_eq!(r.status, 0, "{}", r.stdout);
    assert_eq!(r.output("findings").as_deref(), Some("1"));
    // `args` reach cercle: --strict makes the CRC003 an error.
    let ws2 = tempdir("strict");
    write(&ws2, "cercle.toml", "packs = [\"eu-gdpr\"]\n");
    write(
        &ws2,
        "main.tf",
        "variable \"region\" {}\nprovider \"aws\" {\n  region = var.region\n}\n# cercle:tier personal-data\nresource \"aws_s3_bucket\" \"b\" {}\n",
    );
    let r = run_action(&ws2, &[("CERCLE_ARGS", "--strict")]);
    assert_eq!(r.status, 1, "{}", r.stdout);
    assert_eq!(r.output("errors").as_deref(), Some("1"), "{}", r.output);
}

#[test]
fn the_format_input_prints_that_report_in_the_log() {
    let ws = workspace("format", "us-east-1");
    let r = run_action(
        &ws,
        &[("CERCLE_FORMAT", "json"), ("CERCLE_FAIL_ON", "never")],
    );
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("::group::cercle report (json)"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("\"code\": \"CRC002\""), "{}", r.stdout);
    let r = run_action(
        &ws,
        &[("CERCLE_FORMAT", "github"), ("CERCLE_FAIL_ON", "never")],
    );
    assert!(!r.stdout.contains("::group::"), "{}", r.stdout);
}

#[test]
fn a_usage_error_fails_the_step_with_cercles_message() {
    let ws = workspace("usage", "eu-west-3");
    let r = run_action(&ws, &[("CERCLE_CONFIG", "missing.toml")]);
    assert_eq!(r.status, 2, "{}", r.stdout);
    assert!(
        r.stdout
            .contains("::error title=cercle::cercle could not run (exit 2): error: --config missing.toml: no such file"),
        "{}",
        r.stdout
    );
    assert!(
        r.stderr.contains("--config missing.toml: no such file"),
        "{}",
        r.stderr
    );
    assert!(r.summary.contains("cercle could not run"), "{}", r.summary);
    assert_eq!(r.output("findings"), None);
    // A broken configuration: cercle's diagnostic, exit 2, annotated at
    // its place in the file (relative to the workspace).
    write(&ws, "cercle.toml", "packs = [\"nope\"]\n");
    let r = run_action(&ws, &[]);
    assert_eq!(r.status, 2, "{}", r.stdout);
    assert!(
        r.stdout.contains(
            "::error file=cercle.toml,line=1,col=10,title=cercle::cercle could not run (exit 2): unknown pack \"nope\""
        ),
        "{}",
        r.stdout
    );
}

/// A wrong `paths` (a directory with no Terraform) is a red step, not a
/// green one with 0 findings (issue 15 item 5).
#[test]
fn a_wrong_paths_input_fails_the_step() {
    let ws = workspace("wrong-paths", "eu-west-3");
    write(&ws, "docs/README.md", "no Terraform here\n");
    let r = run_action(&ws, &[("CERCLE_PATHS", "docs")]);
    assert_eq!(r.status, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains("no Terraform or OpenTofu files found in docs"),
        "{}",
        r.stdout
    );
    assert_eq!(r.output("findings"), None, "{}", r.output);
    // The right path passes.
    let r = run_action(&ws, &[("CERCLE_PATHS", "infra")]);
    assert_eq!(r.status, 0, "{}\n{}", r.stdout, r.stderr);
}

// ---------------------------------------------------------------------------
// .github/workflows/release.yml

#[test]
fn the_release_publishes_what_the_action_downloads() {
    let release = std::fs::read_to_string(root().join(".github/workflows/release.yml")).unwrap();
    let install = std::fs::read_to_string(root().join("action/install.sh")).unwrap();
    // Every target the action downloads is built, archived under the name
    // it asks for, with its .sha256.
    let targets: Vec<&str> = install
        .lines()
        .filter_map(|l| l.trim().split_once(") echo "))
        .map(|(_, t)| t.trim_end_matches(" ;;").trim())
        .filter(|t| !t.is_empty() && *t != "\"\"")
        .collect();
    assert_eq!(targets.len(), 5, "{targets:?}");
    for t in &targets {
        assert!(
            release.contains(&format!("- {{ target: {t}, os: ")),
            "release.yml builds no binary for {t}"
        );
    }
    assert!(install.contains("archive=\"cercle-$target.tar.gz\""));
    assert!(install.contains("archive=\"cercle-$target.zip\""));
    assert!(release.contains("name=cercle-${{ matrix.target }}"));
    assert!(release.contains("archive=$name.tar.gz"));
    assert!(release.contains("archive=$name.zip"));
    assert!(release.contains("sha256sum \"$archive\" > \"$archive.sha256\""));
    // Locked builds, static Linux binaries, the wheels from python/.
    assert!(release.contains("cargo build --locked --release --target"));
    assert!(release.contains("x86_64-unknown-linux-musl"));
    assert!(release.contains("aarch64-unknown-linux-musl"));
    assert!(release.contains("working-directory: python"));
    assert!(release.contains("args: --release --locked --out dist"));
    assert!(!release.contains("cargo install"));

    let out = Command::new("check-jsonschema")
        .args(["--builtin-schema", "vendor.github-workflows"])
        .arg(root().join(".github/workflows/release.yml"))
        .output();
    match out {
        Ok(o) => assert!(
            o.status.success(),
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
        Err(_) => {
            assert!(
                std::env::var_os("CERCLE_REQUIRE_TOOLS").is_none_or(|v| v != "1"),
                "CERCLE_REQUIRE_TOOLS=1 but check-jsonschema is not installed"
            );
            eprintln!("SKIPPED: check-jsonschema is not installed; .ci/run installs it");
        }
    }
}
