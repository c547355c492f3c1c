//! Differential test: cercle's parsers against HashiCorp's HCL parser
//! (hcl/v2, its WebAssembly build published on npm as `@cdktf/hcl2json`),
//! run by `tools/hcl-diff/oracle.js` under node.
//!
//! On every fixture (`.tf`, `.tofu`, `.tfvars`, `.tf.json`, `.tfvars.json`),
//! on generated Terraform-like HCL (random line breaks wherever HCL allows
//! them, comments, heredocs, templates, `for`, conditionals, duplicate object
//! keys) and on mutations of both, cercle must accept what HashiCorp's parser
//! accepts and reject what it rejects; when both reject, the first error must
//! be on the same line.
//!
//! The oracle is found through `HCL2JSON_DIR` (the `--prefix` of `npm
//! install @cdktf/hcl2json`, as `.ci/run` does). Without it the test is
//! skipped, unless `CERCLE_REQUIRE_TOOLS=1`. Knobs (see
//! `tools/hcl-diff/README.md`): `HCL_DIFF_SEED`, `HCL_DIFF_CASES` (generated
//! texts, as many mutations again), `HCL_DIFF_SECONDS` (a time budget for
//! generation), `HCL_DIFF_KEEP` (a directory where disagreeing inputs are
//! copied).

mod gen_hcl;

use cercle::parse::{hcl, tf_json};
use gen_hcl::{Gen, Rng};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Verdict {
    Ok,
    /// Rejected, first error on this line (1-based; 0 when unknown).
    Err(usize, String),
}

fn oracle_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("HCL2JSON_DIR").map(PathBuf::from)?;
    dir.join("node_modules/@cdktf/hcl2json/package.json")
        .exists()
        .then_some(dir)
}

fn require_tools() -> bool {
    std::env::var_os("CERCLE_REQUIRE_TOOLS").is_some_and(|v| v == "1")
}

/// Runs the oracle on `files`, returning each file's verdict.
fn oracle(dir: &Path, files: &[PathBuf]) -> HashMap<PathBuf, Verdict> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/hcl-diff/oracle.js");
    let list = std::env::temp_dir().join(format!("cercle-hcl-diff-{}.list", std::process::id()));
    let mut s = String::new();
    for f in files {
        s.push_str(&f.display().to_string());
        s.push('\n');
    }
    std::fs::write(&list, s).unwrap();
    let out = Command::new("node")
        .arg("--stack-size=4000")
        .arg(&script)
        .arg("--list")
        .arg(&list)
        .env("HCL2JSON_DIR", dir)
        .output()
        .expect("node runs");
    let _ = std::fs::remove_file(&list);
    assert!(
        out.status.success(),
        "oracle failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut map = HashMap::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let mut it = line.split('\t');
        let (Some(p), Some(v)) = (it.next(), it.next()) else {
            continue;
        };
        let v = match v {
            "ok" => Verdict::Ok,
            _ => Verdict::Err(
                it.next().and_then(|l| l.parse().ok()).unwrap_or(0),
                it.next().unwrap_or("").to_string(),
            ),
        };
        map.insert(PathBuf::from(p), v);
    }
    map
}

/// cercle's verdict on one file, parsed as `load.rs` parses it.
fn cercle(path: &Path) -> Verdict {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Verdict::Err(0, "not UTF-8".into());
    };
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => format!("   {rest}"),
        None => text,
    };
    let name = path.file_name().unwrap().to_string_lossy();
    let res = if name.ends_with(".tfvars.json") {
        tf_json::parse_tfvars_json(&text, 0).map(|_| ())
    } else if name.ends_with(".json") {
        tf_json::parse_tf_json(&text, 0).map(|_| ())
    } else {
        hcl::parse_body(&text, 0).map(|_| ())
    };
    match res {
        Ok(()) => Verdict::Ok,
        Err(e) => {
            let at = e.offset.min(text.len());
            let line = 1 + text.as_bytes()[..at]
                .iter()
                .filter(|&&c| c == b'\n')
                .count();
            Verdict::Err(line, e.message)
        }
    }
}

fn fixture_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            if p.is_dir() {
                stack.push(p);
            } else if [".tf", ".tofu", ".tfvars", ".tf.json", ".tfvars.json"]
                .iter()
                .any(|x| name.ends_with(x))
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Random bytes deleted, inserted or replaced, or a line duplicated or
/// dropped.
fn mutate(rng: &mut Rng, seed: &str) -> Option<String> {
    let alphabet: &[u8] = b"{}[]()\"'$%~=:,.?!<>-+*/&|#\\\n\r\t 0123aez_";
    let mut bytes = seed.as_bytes().to_vec();
    for _ in 0..1 + rng.below(3) {
        let at = if bytes.is_empty() {
            0
        } else {
            rng.below(bytes.len() + 1)
        };
        match rng.below(5) {
            0 if at < bytes.len() => {
                bytes.remove(at);
            }
            1 if at < bytes.len() => bytes[at] = alphabet[rng.below(alphabet.len())],
            2 => {
                // A line break where there was a blank (or anywhere).
                let at = bytes
                    .iter()
                    .skip(at)
                    .position(|&c| c == b' ')
                    .map_or(at, |i| at + i);
                if at < bytes.len() {
                    bytes[at] = b'\n';
                }
            }
            _ => bytes.insert(at, alphabet[rng.below(alphabet.len())]),
        }
    }
    String::from_utf8(bytes).ok()
}

struct Case {
    path: PathBuf,
    what: String,
}

fn env_num(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

/// Inputs on which cercle and HashiCorp's parser disagreed (long mode):
/// a legacy index with an exponent (`e.5e1` is `e[50]`), a number beyond
/// f64 (`1e400`, valid HCL), a number glued to a keyword after a legacy
/// index, an exponent without digits, a conditional's `:` on the next line
/// (an error: the line break ends the argument).
const FOUND: &[&str] = &[
    "a = e.5e+1\n",
    "a = x[0].5e1\n",
    "a = 900719925474e0993.forx\n",
    "a = 1e400\n",
    "a = -1e400 + 1\n",
    "a = [for x in y: x.1else]\n",
    "a = e.1e\n",
    "a = c ? f(\"x\")\n: 2\n",
    "a = c ? 1 # true\n: 2\n",
    "a = \"  ${~ x ~}  \"\nb = <<EOF\n  %{~ if c ~}\n  y\n  %{~ endif ~}\nEOF\n",
];

#[test]
fn cercle_agrees_with_hashicorp_hcl() {
    let Some(dir) = oracle_dir() else {
        assert!(
            !require_tools(),
            "CERCLE_REQUIRE_TOOLS=1 but HCL2JSON_DIR does not hold @cdktf/hcl2json"
        );
        eprintln!("skipped: set HCL2JSON_DIR to an `npm install --prefix` of @cdktf/hcl2json");
        return;
    };
    let seed = env_num("HCL_DIFF_SEED").unwrap_or(0x5EED_CE7C_1E00_0012);
    let n = env_num("HCL_DIFF_CASES").unwrap_or(1500) as usize;
    let budget = Duration::from_secs(env_num("HCL_DIFF_SECONDS").unwrap_or(40));
    let work = std::env::temp_dir().join(format!("cercle-hcl-diff-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap();

    let mut cases: Vec<Case> = fixture_files()
        .into_iter()
        .map(|p| Case {
            what: format!("fixture {}", p.display()),
            path: p,
        })
        .collect();
    let fixtures = cases.len();
    // Cases the long mode found, kept here so that CI compares them too.
    for (i, text) in FOUND.iter().enumerate() {
        let p = work.join(format!("found-{i}.tf"));
        std::fs::write(&p, text).unwrap();
        cases.push(Case {
            path: p,
            what: format!("FOUND[{i}]"),
        });
    }
    let mut seeds: Vec<(String, String)> = Vec::new();
    for c in &cases {
        if let Ok(s) = std::fs::read_to_string(&c.path)
            && s.len() < 6000
        {
            let name = c.path.file_name().unwrap().to_string_lossy().to_string();
            seeds.push((name, s));
        }
    }
    let mut g = Gen::new(seed, true);
    let mut rng = Rng(seed ^ 0xA5A5_A5A5_A5A5_A5A5);
    let start = Instant::now();
    let mut generated = 0;
    let mut mutated = 0;
    let mut i = 0;
    while i < n && start.elapsed() < budget {
        let mut text = String::new();
        g.body(0, &mut text);
        let ext = ["tf", "tf", "tofu", "tfvars"][rng.below(4)];
        let p = work.join(format!("gen-{i}.{ext}"));
        std::fs::write(&p, &text).unwrap();
        cases.push(Case {
            path: p,
            what: format!("generated #{i}"),
        });
        generated += 1;
        // A mutation of a generated text or of a fixture.
        let (name, base) = if rng.chance(2) {
            (format!("g.{ext}"), text)
        } else {
            seeds[rng.below(seeds.len())].clone()
        };
        if let Some(m) = mutate(&mut rng, &base) {
            let suffix = if name.ends_with(".tfvars.json") {
                "tfvars.json"
            } else if name.ends_with(".json") {
                "tf.json"
            } else {
                name.rsplit('.').next().unwrap()
            };
            let p = work.join(format!("mut-{i}.{suffix}"));
            std::fs::write(&p, m).unwrap();
            cases.push(Case {
                path: p,
                what: format!("mutation #{i} of {name}"),
            });
            mutated += 1;
        }
        i += 1;
    }
    let files: Vec<PathBuf> = cases.iter().map(|c| c.path.clone()).collect();
    let verdicts = oracle(&dir, &files);
    let keep = std::env::var_os("HCL_DIFF_KEEP").map(PathBuf::from);
    // Accept/reject disagreements fail the test; a different line for the
    // first error is counted and shown, and fails only with
    // HCL_DIFF_STRICT_LINES=1 (see the README for what is left).
    let mut bad = Vec::new();
    let mut lines = Vec::new();
    let (mut accepted, mut rejected) = (0, 0);
    for c in &cases {
        let missing = Verdict::Err(0, "the oracle gave no verdict".into());
        let o = verdicts.get(&c.path).unwrap_or(&missing);
        let r = cercle(&c.path);
        match o {
            Verdict::Ok => accepted += 1,
            Verdict::Err(..) => rejected += 1,
        }
        let out = match (o, &r) {
            (Verdict::Ok, Verdict::Ok) => continue,
            (Verdict::Err(a, _), Verdict::Err(b, _)) if a == b || *a == 0 => continue,
            (Verdict::Err(..), Verdict::Err(..)) => &mut lines,
            _ => &mut bad,
        };
        if let Some(k) = &keep {
            let _ = std::fs::create_dir_all(k);
            let _ = std::fs::copy(&c.path, k.join(c.path.file_name().unwrap()));
        }
        out.push(format!(
            "{} ({}):\n  hashicorp: {o:?}\n  cercle:    {r:?}",
            c.what,
            c.path.display()
        ));
    }
    let strict_lines = std::env::var_os("HCL_DIFF_STRICT_LINES").is_some_and(|v| v == "1");
    if bad.is_empty() && (lines.is_empty() || !strict_lines) {
        let _ = std::fs::remove_dir_all(&work);
    }
    eprintln!(
        "hcl-diff: seed {seed:#x}: {} cases ({fixtures} fixtures, {generated} generated, \
         {mutated} mutations), hashicorp accepts {accepted}, rejects {rejected}; \
         {} accept/reject disagreements, {} first errors on another line, {:.1} s",
        cases.len(),
        bad.len(),
        lines.len(),
        start.elapsed().as_secs_f64()
    );
    let show = env_num("HCL_DIFF_SHOW").unwrap_or(40) as usize;
    for b in bad.iter().take(show) {
        eprintln!("{b}");
    }
    assert!(
        bad.is_empty(),
        "{} disagreements with HashiCorp's parser",
        bad.len()
    );
}
