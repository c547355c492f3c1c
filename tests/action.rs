//! The GitHub Action (SPEC §10): `action.yml` is valid action metadata and
//! hands every input to `action/run.sh`; the script runs as GitHub runs it
//! (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and GITHUB_WORKSPACE set to temporary
//! files), with the cercle just built, on a module with findings and on one
//! without: outputs, annotations, job summary, SARIF file and exit status.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn tempdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("cercle-action-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
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
    let runner = workspace.parent().unwrap().join(format!(
        "{}-runner",
        workspace.file_name().unwrap().to_str().unwrap()
    ));
    let _ = std::fs::remove_dir_all(&runner);
    std::fs::create_dir_all(&runner).unwrap();
    let output = runner.join("github_output");
    let summary = runner.join("step_summary");
    std::fs::write(&output, "").unwrap();
    std::fs::write(&summary, "").unwrap();
    let mut cmd = Command::new("bash");
    cmd.arg(root().join("action/run.sh"))
        .current_dir(&runner)
        .env("CERCLE_BIN", env!("CARGO_BIN_EXE_cercle"))
        .env("GITHUB_WORKSPACE", workspace)
        .env("GITHUB_OUTPUT", &output)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("GITHUB_ACTION_PATH", root())
        .env("RUNNER_TEMP", &runner)
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
fn workspace(name: &str, region: &str) -> PathBuf {
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
    // The install step: the action's own source, or a given version.
    assert!(yml.contains("cargo install --locked --path \"$GITHUB_ACTION_PATH\""));
    assert!(yml.contains("cargo install --locked cercle --version \"$CERCLE_VERSION\""));
    assert!(yml.contains("uses: actions/cache@v4"));
    assert!(yml.contains("run: '\"$GITHUB_ACTION_PATH/action/run.sh\"'"));
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

#[test]
fn the_cache_key_hashes_the_source_or_names_the_version() {
    let d = tempdir("key");
    let out = d.join("out");
    let key = |version: &str| {
        std::fs::write(&out, "").unwrap();
        let s = Command::new("bash")
            .arg(root().join("action/cache-key.sh"))
            .env("GITHUB_ACTION_PATH", root())
            .env("GITHUB_OUTPUT", &out)
            .env("CERCLE_VERSION", version)
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64")
            .status()
            .unwrap();
        assert!(s.success());
        std::fs::read_to_string(&out).unwrap()
    };
    let local = key("");
    assert!(local.starts_with("key=cercle-Linux-X64-src-"), "{local}");
    assert_eq!(key("local"), local);
    assert_eq!(key("0.2.0"), "key=cercle-Linux-X64-0.2.0\n");
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
        r.stdout
            .contains("cercle: 1 findings (1 errors, 0 warnings); fail-on error"),
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
    // A broken configuration: cercle's diagnostic, exit 2.
    write(&ws, "cercle.toml", "packs = [\"nope\"]\n");
    let r = run_action(&ws, &[]);
    assert_eq!(r.status, 2, "{}", r.stdout);
    assert!(r.stdout.contains("unknown pack"), "{}", r.stdout);
}
