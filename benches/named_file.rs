//! A single-file commit on a 1,000-file repository: `cercle check <one child
//! module file>`, which walks the repository for the modules calling it
//! (SPEC §1, `src/analyse/callers.rs`). Target: under 0.2 s.
//!
//! ```sh
//! CARGO_TARGET_DIR=/tmp/target-bench cargo bench --bench named_file
//! CARGO_TARGET_DIR=/tmp/target-bench cargo bench --bench named_file -- --iters 20 --dir /tmp/named
//! ```
//!
//! The repository (generated, deterministic): `.git/`, 50 roots under
//! `live/` of 20 files each (providers, variables, a module call, outputs
//! naming `module.` values, a `terraform.tfvars`, 15 files of resources),
//! and 6 files of shared
//! modules under `modules/`: `storage` is called by `app`, which one root in
//! five calls; the others call `network`, which calls `subnet`. The named
//! file is `modules/storage/main.tf`: its callers are `modules/app` and 10
//! roots, found among 1,000 files. No harness: `Instant`, the median of a
//! few runs of the binary.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const TARGET_SECS: f64 = 0.2;
const ROOTS: usize = 50;

fn main() {
    let mut iters = 10usize;
    let mut dir: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--iters" => {
                iters = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(10)
                    .max(1)
            }
            "--dir" => dir = args.next().map(PathBuf::from),
            // `cargo bench` passes `--bench`.
            _ => {}
        }
    }
    let dir = dir.unwrap_or_else(|| std::env::temp_dir().join("cercle-bench-named-file"));
    let files = generate(&dir);
    let bin = env!("CARGO_BIN_EXE_cercle");
    let named = "modules/storage/main.tf";
    let run = || {
        let started = Instant::now();
        let out = Command::new(bin)
            .args(["check", named, "--format", "json"])
            .current_dir(&dir)
            .stderr(Stdio::null())
            .output()
            .expect("run cercle");
        let took = started.elapsed();
        (took, out)
    };
    let (_, out) = run();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("a JSON report");
    let modules = v["summary"]["modules"].as_u64().unwrap_or(0);
    let resources = v["summary"]["resources"].as_u64().unwrap_or(0);
    let findings = v["findings"].as_array().map_or(0, Vec::len);
    let mut times: Vec<Duration> = (0..iters).map(|_| run().0).collect();
    times.sort();
    let median = times[times.len() / 2].as_secs_f64();
    println!(
        "named_file: cercle check {named} on {files} files: median {median:.3} s (min {:.3}, max {:.3}, {iters} runs); {modules} modules loaded, {resources} resources, {findings} findings; target {TARGET_SECS} s: {}",
        times[0].as_secs_f64(),
        times[times.len() - 1].as_secs_f64(),
        if median < TARGET_SECS {
            "met"
        } else {
            "MISSED"
        }
    );
    // The named module is checked through its callers: the roots calling
    // `app` give its bucket their tier and region.
    assert!(findings > 0, "expected the callers' context: {v:#}");
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Writes the repository (again, after removing a previous one with its
/// stamp); returns its number of Terraform files.
fn generate(dir: &Path) -> usize {
    if dir.join(".cercle-bench-named-file").is_file() {
        std::fs::remove_dir_all(dir).unwrap();
    } else if dir.exists() && std::fs::read_dir(dir).unwrap().next().is_some() {
        panic!("{} exists and is not a generated repository", dir.display());
    }
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    write(&dir.join(".cercle-bench-named-file"), "");
    write(&dir.join(".git/HEAD"), "ref: refs/heads/main\n");
    write(&dir.join("cercle.toml"), "packs = [\"eu-gdpr\"]\n");
    let mut files = 0;
    let mut put = |rel: &str, text: &str| {
        write(&dir.join(rel), text);
        files += 1;
    };
    put(
        "modules/storage/main.tf",
        "variable \"name\" {\n  type = string\n}\n\nresource \"aws_s3_bucket\" \"data\" {\n  bucket = var.name\n}\n",
    );
    put(
        "modules/storage/outputs.tf",
        "output \"arn\" {\n  value = aws_s3_bucket.data.arn\n}\n",
    );
    put(
        "modules/app/main.tf",
        "variable \"name\" {\n  type = string\n}\n\nmodule \"storage\" {\n  source = \"../storage\"\n  name   = \"${var.name}-data\"\n}\n\nresource \"aws_sqs_queue\" \"jobs\" {\n  name = var.name\n}\n",
    );
    put(
        "modules/app/outputs.tf",
        "output \"bucket\" {\n  value = module.storage.arn\n}\n",
    );
    put(
        "modules/network/main.tf",
        "variable \"cidr\" {\n  type = string\n}\n\nmodule \"subnet\" {\n  source = \"../subnet\"\n  cidr   = var.cidr\n}\n\nresource \"aws_vpc\" \"main\" {\n  cidr_block = var.cidr\n}\n",
    );
    put(
        "modules/subnet/main.tf",
        "variable \"cidr\" {\n  type = string\n}\n\nresource \"aws_subnet\" \"a\" {\n  vpc_id     = \"vpc-1\"\n  cidr_block = var.cidr\n}\n",
    );
    for r in 0..ROOTS {
        let root = format!("live/env{r:03}");
        let region = "us-east-1";
        put(
            &format!("{root}/providers.tf"),
            "provider \"aws\" {\n  region = var.region\n}\n",
        );
        put(
            &format!("{root}/variables.tf"),
            "variable \"region\" {\n  type = string\n}\n\nvariable \"name\" {\n  type    = string\n  default = \"svc\"\n}\n",
        );
        put(
            &format!("{root}/terraform.tfvars"),
            &format!("region = \"{region}\"\n"),
        );
        let (call, output) = if r % 5 == 0 {
            (
                "# cercle:tier personal-data\nmodule \"app\" {\n  source = \"../../modules/app\"\n  name   = var.name\n}\n",
                "output \"bucket\" {\n  value = module.app.bucket\n}\n",
            )
        } else {
            (
                "module \"network\" {\n  source = \"../../modules/network\"\n  cidr   = \"10.0.0.0/16\"\n}\n",
                "output \"vpc\" {\n  value = module.network\n}\n",
            )
        };
        put(&format!("{root}/modules.tf"), call);
        put(&format!("{root}/outputs.tf"), output);
        for f in 0..15 {
            let mut text = String::new();
            for k in 0..12 {
                let _ = write!(
                    text,
                    "resource \"aws_sqs_queue\" \"q{f}_{k}\" {{\n  name = \"${{var.name}}-{f}-{k}\"\n  tags = {{\n    team = \"t{k}\"\n  }}\n}}\n\n"
                );
            }
            put(&format!("{root}/queues_{f:02}.tf"), &text);
        }
    }
    files
}
