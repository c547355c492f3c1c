//! cercle's span-keeping JSON parser (`src/parse/json.rs`) against
//! `jsonc-parser` with every extension off (the well-kept crate that keeps
//! byte ranges), and `serde_json` (no spans) for scale, on a generated
//! Terraform plan of about 20 MB (deterministic) and on the `.json` files of
//! `fixtures/`:
//!
//! ```sh
//! cargo bench --bench json
//! ```

use std::time::{Duration, Instant};

/// A plan-shaped document: `planned_values` with many resources, each with
/// nested attribute objects, lists, numbers, escapes and non-ASCII text.
fn plan(resources: usize) -> String {
    let mut s = String::from(
        "{\"format_version\":\"1.2\",\"terraform_version\":\"1.9.0\",\"planned_values\":{\"root_module\":{\"resources\":[",
    );
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for i in 0..resources {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        if i > 0 {
            s.push(',');
        }
        s.push_str(&format!(
            "{{\"address\":\"aws_s3_bucket.b[{i}]\",\"mode\":\"managed\",\"type\":\"aws_s3_bucket\",\"name\":\"b\",\"index\":{i},\
             \"provider_name\":\"registry.terraform.io/hashicorp/aws\",\"schema_version\":0,\
             \"values\":{{\"bucket\":\"données-{x:x}\",\"region\":\"eu-west-3\",\"force_destroy\":false,\
             \"tags\":{{\"cercle-tier\":\"sensible\",\"Name\":\"b\\u00e9 \\\"{i}\\\"\"}},\
             \"policy\":\"{{\\\"Version\\\":\\\"2012-10-17\\\"}}\",\"lifecycle_rule\":[{{\"id\":\"r{i}\",\"enabled\":true,\"expiration\":[{{\"days\":{},\"date\":null}}]}}],\
             \"sizes\":[1,2.5,-3e2,{}]}},\"sensitive_values\":{{}}}}",
            x % 365,
            x % 1000
        ));
    }
    s.push_str("]}}}");
    s
}

fn time<F: FnMut()>(mut f: F) -> Duration {
    let mut runs: Vec<Duration> = (0..5)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    runs.sort();
    runs[2]
}

fn main() {
    let big = plan(40_000);
    let mut docs = vec![("generated plan".to_string(), big)];
    let mut all = String::new();
    let mut n = 0;
    for e in walk("fixtures") {
        if e.extension().is_some_and(|x| x == "json")
            && let Ok(t) = std::fs::read_to_string(&e)
            && serde_json::from_str::<serde_json::Value>(&t).is_ok()
        {
            all.push_str(&t);
            all.push('\u{0}');
            n += 1;
        }
    }
    let fixture_docs: Vec<String> = all
        .split('\u{0}')
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    let opts = jsonc_parser::ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    let collect = jsonc_parser::CollectOptions {
        comments: jsonc_parser::CommentCollectionStrategy::Off,
        tokens: false,
    };
    docs.push((format!("{n} fixture files, concatenated"), String::new()));
    for (name, text) in &docs {
        let texts: Vec<&str> = if text.is_empty() {
            fixture_docs.iter().map(String::as_str).collect()
        } else {
            vec![text.as_str()]
        };
        let bytes: usize = texts.iter().map(|t| t.len()).sum();
        let ours = time(|| {
            for t in &texts {
                let v = cercle::parse::json::parse(t, 0).expect("valid JSON");
                std::hint::black_box(&v);
            }
        });
        let jsonc = time(|| {
            for t in &texts {
                let v = jsonc_parser::parse_to_ast(t, &collect, &opts).expect("valid JSON");
                std::hint::black_box(&v);
            }
        });
        let serde = time(|| {
            for t in &texts {
                let v: serde_json::Value = serde_json::from_str(t).expect("valid JSON");
                std::hint::black_box(&v);
            }
        });
        let mbs = |d: Duration| bytes as f64 / 1e6 / d.as_secs_f64();
        println!(
            "{name} ({:.1} MB): cercle {:.1} ms ({:.0} MB/s), jsonc-parser {:.1} ms ({:.0} MB/s), serde_json (no spans) {:.1} ms ({:.0} MB/s)",
            bytes as f64 / 1e6,
            ours.as_secs_f64() * 1e3,
            mbs(ours),
            jsonc.as_secs_f64() * 1e3,
            mbs(jsonc),
            serde.as_secs_f64() * 1e3,
            mbs(serde),
        );
    }
}

fn walk(dir: &str) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(dir)];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}
