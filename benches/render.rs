//! Rendering benchmark: every check report format on 10,000 findings over
//! 2,000 files, and on one finding in a 5 MB `.tf.json` file (miette must
//! not re-scan a big file more than it needs to). Only rendering is timed:
//! the findings are built here, not analysed.
//!
//! ```sh
//! CARGO_TARGET_DIR=/tmp/target-bench cargo bench --bench render
//! CARGO_TARGET_DIR=/tmp/target-bench cargo bench --bench render -- --iters 5
//! ```
//!
//! No harness, no external crate: `std::time::Instant`, medians of a few runs.

use cercle::findings::{Code, Finding, PlacementSummary, Related, Severity};
use cercle::report::{self, CheckReport, Checked, Format, Summary};
use cercle::source::{SourceMap, Span};
use std::path::PathBuf;
use std::time::{Duration, Instant};

const FILES: usize = 2_000;
const FINDINGS: usize = 10_000;
const BIG_JSON_BYTES: usize = 5 << 20;

/// A generated resource: the byte ranges of its labels and of its region
/// value, and its address.
type Generated = ((usize, usize), (usize, usize), String);

/// One generated `.tf` file with `n` resources: its text and its resources.
fn tf_file(k: usize, n: usize) -> (String, Vec<Generated>) {
    let mut text = format!(
        "# generated file {k}\n# cercle:tier sensible\n\nvariable \"region_{k}\" {{\n  default = \"us-east-1\"\n}}\n\n"
    );
    let mut spans = Vec::new();
    for i in 0..n {
        let head_start = text.len() + "resource ".len();
        text.push_str(&format!("resource \"aws_s3_bucket\" \"b{k}_{i}\" {{\n"));
        let head_end = text.len() - 3;
        text.push_str(&format!("  bucket = \"bucket-{k}-{i}-é\"\n  region = "));
        let r_start = text.len();
        text.push_str(&format!("var.region_{k}"));
        let r_end = text.len();
        text.push_str("\n  tags = {\n    team = \"data\"\n  }\n}\n\n");
        spans.push((
            (head_start, head_end),
            (r_start, r_end),
            format!("aws_s3_bucket.b{k}_{i}"),
        ));
    }
    (text, spans)
}

fn finding(
    code: Code,
    file: u32,
    region: (usize, usize),
    head: (usize, usize),
    address: &str,
    related: Vec<Related>,
) -> Finding {
    let mut f = Finding::new(
        code,
        file,
        Some(Span::new(file, region.0, region.1)),
        format!("{address} is placed in us-east-1, which tier 'sensible' does not allow"),
    );
    f.address = Some(address.to_string());
    f.block = Some(Span::new(file, head.0, head.1));
    f.tier = Some("sensible".into());
    f.placement = Some(PlacementSummary {
        provider: "hashicorp/aws".into(),
        region: Some("us-east-1".into()),
        endpoint: None,
    });
    f.related = related;
    f.help = Some("tier 'sensible' allows: internal clouds (interne)".into());
    f
}

struct Case {
    name: String,
    sources: SourceMap,
    findings: Vec<Finding>,
    heads: Vec<(Span, String)>,
}

fn many_files() -> Case {
    let mut sources = SourceMap::default();
    let mut findings = Vec::with_capacity(FINDINGS);
    let mut heads = Vec::new();
    let per_file = FINDINGS / FILES;
    for k in 0..FILES {
        let (text, spans) = tf_file(k, per_file);
        let default_at = text.find("\"us-east-1\"").unwrap();
        let tier_at = text.find("sensible").unwrap();
        let name = format!("envs/team-{:02}/stack-{k:04}/main.tf", k % 50);
        let id = sources.add(PathBuf::from(&name), name, text.into());
        for (head, region, address) in spans {
            heads.push((Span::new(id, head.0, head.1), address.clone()));
            // The value came from the variable default of the previous file
            // (another file, as through a module argument).
            let prev = id.saturating_sub(1);
            let related = vec![
                Related {
                    span: Span::new(prev, default_at, default_at + 11),
                    message: format!("default of var.region_{}", prev),
                },
                Related {
                    span: Span::new(id, tier_at, tier_at + 8),
                    message: "tier 'sensible' declared here".into(),
                },
            ];
            findings.push(finding(Code::Crc002, id, region, head, &address, related));
        }
    }
    report::sort_findings(&sources, &mut findings);
    Case {
        name: format!("{FINDINGS} findings, {FILES} files"),
        sources,
        findings,
        heads,
    }
}

/// A Terraform JSON file of about 5 MB with one finding near its end.
fn big_json() -> Case {
    let mut text = String::from("{\n  \"resource\": {\n    \"aws_s3_bucket\": {\n");
    let mut i = 0;
    while text.len() < BIG_JSON_BYTES {
        text.push_str(&format!(
            "      \"b{i}\": {{\n        \"bucket\": \"bucket-{i}\",\n        \"region\": \"eu-west-3\",\n        \"tags\": {{\"cercle-tier\": \"sensible\", \"team\": \"data\"}}\n      }},\n"
        ));
        i += 1;
    }
    let head_start = text.len() + 6;
    text.push_str("      \"exports\": {\n        \"bucket\": \"exports\",\n        \"region\": ");
    let r_start = text.len();
    text.push_str("\"us-east-1\"");
    let r_end = text.len();
    text.push_str("\n      }\n    }\n  }\n}\n");
    let mut sources = SourceMap::default();
    let name = "generated/big.tf.json".to_string();
    let id = sources.add(PathBuf::from(&name), name, text.into());
    let f = finding(
        Code::Crc002,
        id,
        (r_start, r_end),
        (head_start, head_start + 9),
        "aws_s3_bucket.exports",
        Vec::new(),
    );
    Case {
        name: format!(
            "1 finding in a {:.1} MB .tf.json",
            BIG_JSON_BYTES as f64 / 1e6
        ),
        sources,
        findings: vec![f],
        heads: vec![(
            Span::new(id, head_start, head_start + 9),
            "aws_s3_bucket.exports".into(),
        )],
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let mut iters = 3;
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < argv.len() {
        match argv[i].as_str() {
            "--bench" => {}
            "--iters" => {
                i += 1;
                iters = argv.get(i).and_then(|v| v.parse().ok()).unwrap_or(3).max(1);
            }
            other => {
                eprintln!("usage: render [--iters N] (unknown argument {other:?})");
                std::process::exit(2);
            }
        }
        i += 1;
    }
    for case in [many_files(), big_json()] {
        let resources: Vec<Checked> = case
            .heads
            .iter()
            .map(|(head, address)| Checked {
                head: *head,
                address,
            })
            .collect();
        let mut summary = Summary {
            files: case.sources.len(),
            modules: case.sources.len(),
            resources: resources.len(),
            duration_ms: Some(0),
            ..Summary::default()
        };
        summary.count(&case.findings);
        assert!(case.findings.iter().all(|f| f.severity == Severity::Error));
        println!("{} (median of {iters}):", case.name);
        for format in Format::ALL {
            let mut times = Vec::new();
            let mut size = 0;
            for _ in 0..iters {
                let r = CheckReport {
                    sources: &case.sources,
                    findings: &case.findings,
                    hidden: &[],
                    resources: &resources,
                    summary: summary.clone(),
                    packs: vec!["fr-doctrine-2018".into()],
                    fail_on: Some(Severity::Error),
                };
                let t = Instant::now();
                let out = report::render(
                    format,
                    &r,
                    report::human::Style {
                        color: false,
                        width: 100,
                        quiet: false,
                    },
                );
                times.push(t.elapsed());
                size = out.len();
                std::hint::black_box(out);
            }
            let m = median(times);
            println!(
                "  {:<9} {:>9.1} ms  {:>7.2} MB",
                format.as_str(),
                m.as_secs_f64() * 1e3,
                size as f64 / 1e6
            );
        }
    }
}
