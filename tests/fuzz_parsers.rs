//! Fuzz targets for every parser, on stable Rust (no nightly here for
//! `cargo fuzz`): a driver feeds random bytes through `arbitrary` to build
//! each input (raw bytes, generated HCL, fixtures, mutations of them, JSON),
//! then runs every parser of `src/parse/` on it. A target fails on a panic,
//! a stack overflow (the process aborts: run it, the last `case` line printed
//! with `FUZZ_VERBOSE=1` names the input), or a case slower than
//! `FUZZ_CASE_SECONDS` (default 10 s; a hang). Each crash found becomes a
//! regression test at the end of this file.
//!
//! Knobs: `FUZZ_SEED`, `FUZZ_CASES` (default 1,500 per target), `FUZZ_SECONDS`
//! (time budget per target, default 30). The long mode is described in
//! `tools/hcl-diff/README.md`.

mod gen_hcl;

use arbitrary::Unstructured;
use cercle::parse::{fast, hcl, json, skim, tf_json};
use gen_hcl::{Gen, Rng};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::time::{Duration, Instant};

fn env_num(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

/// Fixture texts, as seeds for mutations.
fn seeds(exts: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")];
    while let Some(dir) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            if p.is_dir() {
                stack.push(p);
            } else if exts.iter().any(|x| name.ends_with(x))
                && let Ok(s) = std::fs::read_to_string(&p)
            {
                out.push(s);
            }
        }
    }
    out.sort();
    out
}

/// One input built from fuzz bytes: generated, a seed, or raw, then mutated.
fn input(u: &mut Unstructured, seeds: &[String], hcl: bool) -> arbitrary::Result<String> {
    let base = match u.int_in_range(0..=3u8)? {
        0 => String::from_utf8_lossy(u.arbitrary::<&[u8]>()?).into_owned(),
        1 if hcl => {
            let mut g = Gen::new(u.arbitrary::<u64>()?, true);
            let mut text = String::new();
            g.body(0, &mut text);
            text
        }
        _ if !seeds.is_empty() => seeds[u.choose_index(seeds.len())?].clone(),
        _ => String::new(),
    };
    let mut bytes = base.into_bytes();
    let tokens: &[&[u8]] = &[
        b"{",
        b"}",
        b"[",
        b"]",
        b"(",
        b")",
        b"\"",
        b"${",
        b"%{",
        b"<<EOF\n",
        b"\nEOF\n",
        b"\n",
        b"\r",
        b"\\",
        b"for x in y :",
        b"=>",
        b"?",
        b":",
        b"...",
        b".*",
        b"[*]",
        b"1.2.3",
        b",",
        b"=",
        b"#",
        b"/*",
        b"*/",
        b"-",
        b"!",
        b"\xc3\xa9",
        b"\0",
        b"\xff",
    ];
    for _ in 0..u.int_in_range(0..=6u8)? {
        let at = if bytes.is_empty() {
            0
        } else {
            u.choose_index(bytes.len() + 1)?
        };
        match u.int_in_range(0..=3u8)? {
            0 if at < bytes.len() => {
                let n = u.int_in_range(1..=8usize)?.min(bytes.len() - at);
                bytes.drain(at..at + n);
            }
            1 => {
                let t = tokens[u.choose_index(tokens.len())?];
                bytes.splice(at..at, t.iter().copied());
            }
            2 => {
                // Deep nesting.
                let t = tokens[u.choose_index(6)?];
                let n = u.int_in_range(1..=3000usize)?;
                let rep: Vec<u8> = t.repeat(n);
                bytes.splice(at..at, rep);
            }
            _ => {
                let b = u.arbitrary::<u8>()?;
                bytes.insert(at.min(bytes.len()), b);
            }
        }
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Runs `target` on inputs built from random bytes; fails on a panic or a
/// slow case, naming the case and keeping its input in the temporary dir.
fn drive(name: &str, hcl_input: bool, seeds: &[String], target: fn(&str)) {
    let seed = env_num("FUZZ_SEED").unwrap_or(0x0F0F_1212_3434_5656);
    let cases = env_num("FUZZ_CASES").unwrap_or(1500);
    let budget = Duration::from_secs(env_num("FUZZ_SECONDS").unwrap_or(30));
    let slow = Duration::from_secs(env_num("FUZZ_CASE_SECONDS").unwrap_or(10));
    let verbose = std::env::var_os("FUZZ_VERBOSE").is_some();
    let mut rng = Rng(seed ^ name.len() as u64 ^ (name.as_bytes()[0] as u64) << 32);
    let start = Instant::now();
    let mut n = 0;
    while n < cases && start.elapsed() < budget {
        let raw: Vec<u8> = (0..4096).map(|_| rng.next() as u8).collect();
        let mut u = Unstructured::new(&raw);
        let Ok(text) = input(&mut u, seeds, hcl_input) else {
            continue;
        };
        let keep = std::env::temp_dir().join(format!("cercle-fuzz-{name}-{n}.txt"));
        if verbose {
            std::fs::write(&keep, &text).unwrap();
            eprintln!("case {n}: {}", keep.display());
        }
        let t0 = Instant::now();
        let r = catch_unwind(AssertUnwindSafe(|| target(&text)));
        let took = t0.elapsed();
        if r.is_err() || took > slow {
            std::fs::write(&keep, &text).unwrap();
            panic!(
                "{name}: case {n} {} ({:.1} s): input kept in {}",
                if r.is_err() {
                    "panicked"
                } else {
                    "is too slow"
                },
                took.as_secs_f64(),
                keep.display()
            );
        }
        n += 1;
    }
    eprintln!(
        "fuzz {name}: {n} cases in {:.1} s, no crash",
        start.elapsed().as_secs_f64()
    );
}

/// On a thread with the pipeline's stack size (64 MB), as cercle parses.
fn big_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap();
}

fn hcl_targets(text: &str) {
    let _ = fast::parse(text, 0);
    let _ = hcl::parse_body(text, 0);
    let _ = skim::only_blocks(text, |k| k == "variable" || k == "output");
}

#[test]
fn fuzz_hcl_parsers() {
    let s = seeds(&[".tf", ".tofu", ".tfvars"]);
    big_stack(move || drive("hcl", true, &s, hcl_targets));
}

#[test]
fn fuzz_hcl_edit_fallback() {
    let s = seeds(&[".tf", ".tfvars"]);
    big_stack(move || {
        drive("hcl-edit", true, &s, |t| {
            let _ = hcl::parse_body_hcl_edit(t, 0);
            let _ = hcl::parse_template(t, 0, 0);
            let _ = hcl::parse_expr(t, 0);
        })
    });
}

#[test]
fn fuzz_json_parsers() {
    let s = seeds(&[".json"]);
    big_stack(move || {
        drive("json", false, &s, |t| {
            let _ = json::parse(t, 0);
            let _ = json::sniff_kind(t);
            let _ = tf_json::parse_tf_json(t, 0);
            let _ = tf_json::parse_tfvars_json(t, 0);
        })
    });
}

// ----------------------------------------------------------- regressions
// Inputs that crashed or hung a parser once.

/// 10,000 levels of every kind of nesting: parsed, no stack overflow
/// (hcl-edit stopped at 64; the fast parser now grows its stack).
#[test]
fn ten_thousand_levels_parse() {
    big_stack(|| {
        for (open, close) in [
            ("[", "]"),
            ("(", ")"),
            ("{a=", "}"),
            ("\"${", "}\""),
            ("\"%{if x}", "%{endif}\""),
        ] {
            let n = 10_000;
            let text = format!("a = {}1{}\n", open.repeat(n), close.repeat(n));
            assert!(hcl::parse_body(&text, 0).is_ok(), "{open}");
        }
    });
}
