//! Fuzz targets for evaluation, on stable Rust (no nightly here for
//! `cargo fuzz`), in the style of `tests/fuzz_parsers.rs`: a driver feeds
//! random bytes through `arbitrary` to build each input.
//!
//! - `fuzz_functions`: every function of Terraform's table
//!   (`src/eval/funcs/mod.rs`, `TABLE`) on random arguments (numbers from
//!   -1e308 to 1e308, NaN-making ones, format strings, patterns, CIDRs,
//!   nested lists and maps, null, unknown).
//! - `fuzz_evaluator`: one module of random expressions (every function,
//!   operators, conditionals, `for`, templates, splats, indexes) over random
//!   values, read through `locals`, variables with tfvars, and the region of
//!   a provider, through the whole analysis.
//! - `fuzz_pipeline`: a generated directory of several modules calling each
//!   other (cycles too) with `count`/`for_each`, providers with aliases,
//!   tfvars and `.auto.tfvars`, through the whole analysis and the reports.
//!
//! A target fails on a panic, a stack overflow (the process aborts: with
//! `FUZZ_VERBOSE=1` the last `case` line names the input) or a case slower
//! than `FUZZ_CASE_SECONDS` (default 20 s: a hang) or past `FUZZ_CASE_MB` of
//! peak memory (default 2048, Linux). Each crash found becomes a
//! regression test at the end of this file.
//!
//! Knobs: `FUZZ_SEED`, `FUZZ_CASES` (default 300 per target), `FUZZ_SECONDS`
//! (time budget per target, default 20). The long mode is the same test with
//! larger knobs, e.g. `FUZZ_SECONDS=3600 FUZZ_CASES=100000000 nice -n 19
//! cargo test --release --test fuzz_eval`; `tools/fuzz-long.sh` runs it.

use arbitrary::Unstructured;
use cercle::analyse::{Options, analyse};
use cercle::catalogue::Catalogue;
use cercle::eval::value::Val;
use cercle::source::Span;
use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::time::{Duration, Instant};

fn env_num(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

/// A small xorshift generator: the driver's source of raw bytes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0 | 1;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
}

/// Every function name of the table, read from its source: the list cannot
/// fall behind the table.
fn function_names() -> Vec<&'static str> {
    let src = include_str!("../src/eval/funcs/mod.rs");
    let table = &src[src.find("const TABLE").expect("TABLE")..];
    let table = &table[..table.find("];").expect("end of TABLE")];
    let names: Vec<&str> = table
        .lines()
        .filter_map(|l| l.trim().strip_prefix("(\""))
        .filter_map(|l| l.split('"').next())
        .collect();
    assert!(names.len() > 50, "only {} functions found", names.len());
    names
}

const STRINGS: &[&str] = &[
    "",
    "eu-west-3",
    "us-east-1",
    "a,b,c",
    "%d",
    "%65536d",
    "%-5s|%q|%v|%#v|%t|%x|%o|%e|%g|%b|%%",
    "%[3]s %[1]d",
    "%*d",
    "10.0.0.0/8",
    "192.168.1.1/33",
    "::1/128",
    "fe80::/10",
    "[a-z]+",
    "(a*)*b",
    "((((",
    "\\d{1000000}",
    "${x}",
    "\u{e9}\u{1f600}",
    "x\ny\n",
    "{\"a\": [1, 2, {\"b\": null}]}",
    "a: [1, {b: c}]\n- x",
    "YQ==",
    "not base64!",
    "0x10",
    "1e400",
    "-0",
    "true",
    "null",
    "*.tf",
    "../../etc/passwd",
    "/proc/self/status",
    "2024-02-30T25:61:00Z",
    "h",
];

const NUMBERS: &[f64] = &[
    0.0,
    1.0,
    -1.0,
    0.5,
    2.0,
    3.0,
    10.0,
    255.0,
    1025.0,
    65536.0,
    1e6,
    1e9,
    1e12,
    -1e12,
    1e308,
    -1e308,
    f64::MIN_POSITIVE,
    4294967296.0,
    9007199254740993.0,
];

fn value(u: &mut Unstructured, depth: u32) -> arbitrary::Result<Val> {
    let span = Span::new(0, 0, 0);
    let pick = u.int_in_range(0..=if depth > 2 { 5 } else { 8u8 })?;
    Ok(match pick {
        0 => Val::null(),
        1 => Val::bool(u.arbitrary()?),
        2 => Val::num(if u.arbitrary()? {
            NUMBERS[u.choose_index(NUMBERS.len())?]
        } else {
            u.int_in_range(-300..=300i32)? as f64
        }),
        3 | 4 => Val::str(STRINGS[u.choose_index(STRINGS.len())?]),
        5 => Val::unknown(span, "unknown"),
        6 => {
            let n = u.int_in_range(0..=4usize)?;
            let mut xs = Vec::new();
            for _ in 0..n {
                xs.push(value(u, depth + 1)?);
            }
            Val::list(xs)
        }
        7 => {
            let n = u.int_in_range(0..=4usize)?;
            let mut m = BTreeMap::new();
            for _ in 0..n {
                let k = STRINGS[u.choose_index(STRINGS.len())?].to_string();
                m.insert(k, value(u, depth + 1)?);
            }
            Val::map(m)
        }
        _ => Val::str(&String::from_utf8_lossy(u.arbitrary::<&[u8]>()?)),
    })
}

/// Resets the process's peak resident memory (Linux: `clear_refs` 5), so
/// that [`peak_memory_mb`] measures one case. Elsewhere, nothing.
fn reset_peak_memory() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The process's peak resident memory since [`reset_peak_memory`]
/// (`VmHWM`), in MB; `None` where /proc does not tell.
fn peak_memory_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
}

/// Runs `target` on inputs built from random bytes; fails on a panic, a
/// slow case (`FUZZ_CASE_SECONDS`) or one whose peak memory passes
/// `FUZZ_CASE_MB` (default 2048), naming the case and keeping its input in
/// the temporary dir.
fn drive(
    name: &str,
    make: impl Fn(&mut Unstructured) -> arbitrary::Result<String>,
    target: impl Fn(&str),
) {
    let seed = env_num("FUZZ_SEED").unwrap_or(0x1212_0C0C_5A5A_0001);
    let cases = env_num("FUZZ_CASES").unwrap_or(300);
    let budget = Duration::from_secs(env_num("FUZZ_SECONDS").unwrap_or(20));
    let slow = Duration::from_secs(env_num("FUZZ_CASE_SECONDS").unwrap_or(20));
    let verbose = std::env::var_os("FUZZ_VERBOSE").is_some();
    let max_mb = env_num("FUZZ_CASE_MB").unwrap_or(2048);
    let mut rng = Rng(seed ^ (name.len() as u64) << 40 ^ (name.as_bytes()[0] as u64) << 32);
    let start = Instant::now();
    let mut n = 0u64;
    while n < cases && start.elapsed() < budget {
        let raw: Vec<u8> = (0..8192).map(|_| rng.next() as u8).collect();
        let mut u = Unstructured::new(&raw);
        let keep = std::env::temp_dir().join(format!("cercle-fuzz-{name}-{n}.txt"));
        reset_peak_memory();
        let t0 = Instant::now();
        // Building the input may run the target too (functions): both are
        // guarded. A panic while building is found again by the seed and
        // the case number.
        let mut input = String::new();
        let r = catch_unwind(AssertUnwindSafe(|| {
            let Ok(text) = make(&mut u) else {
                return;
            };
            input = text;
            if verbose {
                std::fs::write(&keep, &input).unwrap();
                eprintln!("case {n}: {}", keep.display());
            }
            target(&input)
        }));
        let took = t0.elapsed();
        let peak = peak_memory_mb();
        if peak.is_some_and(|mb| mb > max_mb) {
            std::fs::write(&keep, &input).unwrap();
            panic!(
                "{name}: case {n} (seed {seed:#x}) took {} MB of memory (bound {max_mb} MB): input kept in {}",
                peak.unwrap_or(0),
                keep.display()
            );
        }
        if r.is_err() || took > slow {
            std::fs::write(&keep, &input).unwrap();
            panic!(
                "{name}: case {n} (seed {seed:#x}) {} ({:.1} s): input kept in {}",
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

/// On a thread with the pipeline's stack size (64 MB).
fn big_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap();
}

// ----- functions ---------------------------------------------------------------

#[test]
fn fuzz_functions() {
    let names = function_names();
    big_stack(move || {
        // The input is the case's raw description; the call is rebuilt from
        // the same bytes (values are not text).
        drive(
            "functions",
            |u| {
                let name = names[u.choose_index(names.len())?];
                let n = u.int_in_range(0..=4usize)?;
                let mut args = Vec::new();
                for _ in 0..n {
                    args.push(value(u, 0)?);
                }
                let text = format!("{name}({args:?})");
                let v = cercle::eval::funcs::call(name, &args, Span::new(0, 0, 0), &|| {
                    name.to_string()
                });
                let _ = v.to_string_value();
                Ok(text)
            },
            |_| {},
        )
    });
}

// ----- expressions -------------------------------------------------------------

/// Random expression text over locals `l0..l{k-1}`, variables `v0..v3`.
struct Expr<'a> {
    names: &'a [&'static str],
    locals: usize,
}

impl Expr<'_> {
    fn literal(&self, u: &mut Unstructured) -> arbitrary::Result<String> {
        Ok(match u.int_in_range(0..=4u8)? {
            0 => format!("{}", NUMBERS[u.choose_index(NUMBERS.len())?]),
            1 => format!("{}", u.int_in_range(-5..=50i32)?),
            2 => "null".into(),
            3 => if u.arbitrary()? { "true" } else { "false" }.into(),
            _ => format!("{:?}", STRINGS[u.choose_index(STRINGS.len())?]),
        })
    }

    fn expr(&self, u: &mut Unstructured, depth: u32) -> arbitrary::Result<String> {
        if depth > 6 {
            return self.literal(u);
        }
        let d = depth + 1;
        Ok(match u.int_in_range(0..=17u8)? {
            0..=2 => self.literal(u)?,
            3 if self.locals > 0 => format!("local.l{}", u.choose_index(self.locals)?),
            3 | 4 => format!("var.v{}", u.int_in_range(0..=3u8)?),
            5..=7 => {
                let name = self.names[u.choose_index(self.names.len())?];
                let n = u.int_in_range(0..=3usize)?;
                let mut args = Vec::new();
                for _ in 0..n {
                    args.push(self.expr(u, d)?);
                }
                let expand = if n > 0 && u.ratio(1, 8)? { "..." } else { "" };
                format!("{name}({}{expand})", args.join(", "))
            }
            8 => {
                let ops = ["+", "-", "*", "/", "%", "==", "!=", "<", ">=", "&&", "||"];
                format!(
                    "({} {} {})",
                    self.expr(u, d)?,
                    ops[u.choose_index(ops.len())?],
                    self.expr(u, d)?
                )
            }
            9 => format!(
                "({} ? {} : {})",
                self.expr(u, d)?,
                self.expr(u, d)?,
                self.expr(u, d)?
            ),
            10 => {
                let n = u.int_in_range(0..=4usize)?;
                let mut xs = Vec::new();
                for _ in 0..n {
                    xs.push(self.expr(u, d)?);
                }
                format!("[{}]", xs.join(", "))
            }
            11 => {
                let n = u.int_in_range(0..=3usize)?;
                let mut xs = Vec::new();
                for i in 0..n {
                    xs.push(format!("k{i} = {}", self.expr(u, d)?));
                }
                format!("{{{}}}", xs.join(", "))
            }
            12 => match u.int_in_range(0..=2u8)? {
                0 => format!("[for x in {} : x]", self.expr(u, d)?),
                1 => format!(
                    "{{for k, x in {} : tostring(k) => x if x != null}}",
                    self.expr(u, d)?
                ),
                _ => format!("{{for x in {} : tostring(x) => x...}}", self.expr(u, d)?),
            },
            13 => format!("\"pre-${{{}}}-%{{if true}}y%{{endif}}\"", self.expr(u, d)?),
            14 => format!("{}[{}]", self.expr(u, d)?, self.expr(u, d)?),
            15 => format!("{}.a", self.expr(u, d)?),
            16 => format!("{}[*].a", self.expr(u, d)?),
            _ => format!("!{}", self.expr(u, d)?),
        })
    }
}

fn write_tree(dir: &Path, files: &[(String, String)]) {
    let _ = std::fs::remove_dir_all(dir);
    for (rel, text) in files {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

/// Files are `path\0text\0` pairs in the case's input.
fn encode(files: &[(String, String)]) -> String {
    files.iter().map(|(p, t)| format!("{p}\0{t}\0")).collect()
}

fn decode(input: &str) -> Vec<(String, String)> {
    let parts: Vec<&str> = input.split('\0').collect();
    parts
        .chunks(2)
        .filter(|c| c.len() == 2)
        .map(|c| (c[0].to_string(), c[1].to_string()))
        .collect()
}

/// Runs the whole analysis, the checks and every report on a tree.
fn run_tree(name: &str, input: &str) {
    let dir = std::env::temp_dir().join(format!("cercle-fuzz-tree-{name}-{}", std::process::id()));
    write_tree(&dir, &decode(input));
    let opts = Options {
        paths: vec![dir.clone()],
        var_args: Vec::new(),
        threads: Some(1),
        exclude_base: dir.clone(),
        exclude: Vec::new(),
        tier_tags: vec!["cercle-tier".into()],
        sources: Default::default(),
    };
    let an = analyse(&opts, Catalogue::builtin()).expect("analysis");
    for r in &an.resources {
        let _ = format!("{r:?}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn module_text(u: &mut Unstructured, e: &mut Expr, calls: &[String]) -> arbitrary::Result<String> {
    let mut t = String::new();
    for i in 0..4 {
        t.push_str(&format!(
            "variable \"v{i}\" {{\n  default = {}\n}}\n",
            e.literal(u)?
        ));
    }
    let n = u.int_in_range(1..=8usize)?;
    t.push_str("locals {\n");
    for i in 0..n {
        e.locals = i;
        t.push_str(&format!("  l{i} = {}\n", e.expr(u, 0)?));
    }
    t.push_str("}\n");
    e.locals = n;
    t.push_str(&format!(
        "provider \"aws\" {{\n  region = {}\n}}\nprovider \"aws\" {{\n  alias  = \"b\"\n  region = {}\n}}\n",
        e.expr(u, 0)?,
        e.expr(u, 0)?
    ));
    for i in 0..u.int_in_range(1..=3usize)? {
        let repeat = match u.int_in_range(0..=3u8)? {
            0 => format!("  count = {}\n", e.expr(u, 0)?),
            1 => format!("  for_each = {}\n", e.expr(u, 0)?),
            2 => format!("  count = {}\n", u.int_in_range(0..=20u32)?),
            _ => String::new(),
        };
        let region = if repeat.contains("count") {
            "count.index"
        } else if repeat.contains("for_each") {
            "each.key"
        } else {
            "local.l0"
        };
        t.push_str(&format!(
            "resource \"aws_s3_bucket\" \"r{i}\" {{\n{repeat}  provider = {}\n  bucket = \"${{{region}}}\"\n  tags = {{\n    cercle-tier = {}\n  }}\n}}\n",
            if u.arbitrary()? { "aws" } else { "aws.b" },
            e.expr(u, 0)?
        ));
    }
    for (i, target) in calls.iter().enumerate() {
        let repeat = match u.int_in_range(0..=3u8)? {
            0 => format!("  count = {}\n", e.expr(u, 0)?),
            1 => format!("  for_each = {}\n", e.expr(u, 0)?),
            2 => format!("  count = {}\n", u.int_in_range(0..=50u32)?),
            _ => String::new(),
        };
        t.push_str(&format!(
            "module \"m{i}\" {{\n  source = \"{target}\"\n{repeat}  v0 = {}\n  v1 = module.m{i}.o\n  providers = {{\n    aws = aws.b\n  }}\n}}\n",
            e.expr(u, 0)?
        ));
    }
    t.push_str(&format!(
        "output \"o\" {{\n  value = {}\n}}\n",
        e.expr(u, 0)?
    ));
    Ok(t)
}

#[test]
fn fuzz_evaluator() {
    let names = function_names();
    big_stack(move || {
        drive(
            "evaluator",
            |u| {
                let mut e = Expr {
                    names: &names,
                    locals: 0,
                };
                let main = module_text(u, &mut e, &[])?;
                let vars = format!("v0 = {}\nv2 = {}\n", e.expr(u, 0)?, e.expr(u, 0)?);
                Ok(encode(&[
                    ("main.tf".into(), main),
                    ("terraform.tfvars".into(), vars),
                ]))
            },
            |input| run_tree("evaluator", input),
        )
    });
}

#[test]
fn fuzz_pipeline() {
    let names = function_names();
    big_stack(move || {
        drive(
            "pipeline",
            |u| {
                let mut e = Expr {
                    names: &names,
                    locals: 0,
                };
                let mods = ["a", "b", "c"];
                let mut files = Vec::new();
                for (i, m) in mods.iter().enumerate() {
                    let mut calls = Vec::new();
                    for _ in 0..u.int_in_range(0..=2usize)? {
                        // Any module, itself and its caller included: cycles.
                        calls.push(format!("../{}", mods[u.choose_index(mods.len())?]));
                    }
                    if i == 0 {
                        calls.push("./sub".into());
                    }
                    files.push((format!("{m}/main.tf"), module_text(u, &mut e, &calls)?));
                }
                files.push(("a/sub/main.tf".into(), module_text(u, &mut e, &[])?));
                files.push((
                    "a/terraform.tfvars".into(),
                    format!("v0 = {}\nv3 = {}\n", e.expr(u, 0)?, e.expr(u, 0)?),
                ));
                files.push((
                    "b/x.auto.tfvars".into(),
                    format!("v1 = {}\n", e.expr(u, 0)?),
                ));
                if u.ratio(1, 2)? {
                    terragrunt_files(u, &mut e, &mut files)?;
                }
                Ok(encode(&files))
            },
            |input| run_tree("pipeline", input),
        )
    });
}

/// A Terragrunt layout over the modules `a`, `b`, `c`: a `root.hcl` that
/// units include, reading `region.hcl` (or itself: cycles), a generated
/// provider, units with inputs and dependencies, and stacks whose units
/// and nested stacks point anywhere, themselves included.
fn terragrunt_files(
    u: &mut Unstructured,
    e: &mut Expr,
    files: &mut Vec<(String, String)>,
) -> arbitrary::Result<()> {
    let readable = ["region.hcl", "root.hcl", "live/env.hcl", "nowhere.hcl"];
    let read = |u: &mut Unstructured| -> arbitrary::Result<String> {
        Ok(format!(
            "read_terragrunt_config(find_in_parent_folders(\"{}\"))",
            readable[u.choose_index(readable.len())?]
                .rsplit('/')
                .next()
                .unwrap()
        ))
    };
    let root = format!(
        "locals {{\n  r = {}\n  region = try(local.r.locals.region, {})\n}}\n\n\
         generate \"provider\" {{\n  path      = \"provider.tf\"\n  if_exists = \"overwrite\"\n  contents  = <<EOF\nprovider \"aws\" {{\n%{{ if {} ~}}\n  region = \"${{local.region}}\"\n%{{ endif ~}}\n}}\nEOF\n}}\n\n\
         remote_state {{\n  backend = \"s3\"\n  config = {{\n    region = {}\n  }}\n}}\n{}",
        read(u)?,
        e.expr(u, 0)?,
        e.expr(u, 0)?,
        e.expr(u, 0)?,
        if u.ratio(1, 4)? {
            "include \"nested\" {\n  path = find_in_parent_folders(\"root.hcl\")\n}\n"
        } else {
            ""
        },
    );
    files.push(("root.hcl".into(), root));
    files.push((
        "live/region.hcl".into(),
        format!(
            "locals {{\n  region = {}\n  again = {}\n}}\n",
            e.expr(u, 0)?,
            read(u)?
        ),
    ));
    files.push((
        "live/env.hcl".into(),
        format!("locals {{\n  env = {}\n}}\n", e.expr(u, 0)?),
    ));
    let mods = [
        "../../a",
        "../../b",
        "../../c",
        "../../nowhere",
        "git::x.git//m",
    ];
    for unit in ["u1", "u2"] {
        let text = format!(
            "include \"root\" {{\n  path   = find_in_parent_folders(\"root.hcl\")\n  expose = true\n}}\n\n\
             terraform {{\n  source = \"{}\"\n}}\n\n\
             dependency \"other\" {{\n  config_path  = \"../u1\"\n  mock_outputs = {{ o = {} }}\n}}\n\n\
             inputs = {{\n  v0 = {}\n  v1 = dependency.other.outputs.o\n  v2 = try(values.x, {})\n}}\n",
            mods[u.choose_index(mods.len())?],
            e.expr(u, 0)?,
            e.expr(u, 0)?,
            e.expr(u, 0)?,
        );
        files.push((format!("live/{unit}/terragrunt.hcl"), text));
    }
    let sources = [
        "../live/u1",
        "../live/u2",
        ".",
        "../stacks",
        "../a",
        "github.com/x/y//z",
    ];
    let mut stack = String::new();
    for i in 0..u.int_in_range(0..=4usize)? {
        let kind = if u.ratio(1, 3)? { "stack" } else { "unit" };
        stack.push_str(&format!(
            "{kind} \"s{i}\" {{\n  source = \"{}\"\n  path   = \"p{i}\"\n  values = {{ x = {} }}\n}}\n",
            sources[u.choose_index(sources.len())?],
            e.expr(u, 0)?,
        ));
    }
    files.push(("stacks/terragrunt.stack.hcl".into(), stack));
    Ok(())
}

// ----------------------------------------------------------- regressions
// Inputs that crashed or hung evaluation once.

fn tree(files: &[(&str, &str)]) -> String {
    encode(
        &files
            .iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect::<Vec<_>>(),
    )
}

/// A file function in a variable file (no module directory) was an index
/// out of bounds.
#[test]
fn file_functions_in_tfvars() {
    big_stack(|| {
        for f in [
            "abspath(\"x\")",
            "file(\"x\")",
            "fileexists(\"x\")",
            "filemd5(\"x\")",
        ] {
            run_tree(
                "reg-tfvars",
                &tree(&[
                    (
                        "main.tf",
                        "variable \"v0\" {}\nprovider \"aws\" {\n  region = var.v0\n}\n",
                    ),
                    ("terraform.tfvars", &format!("v0 = {f}\n")),
                ]),
            );
        }
    });
}

/// Found by `fuzz_evaluator` (seed 20261205, case 833): `indent` with a huge
/// width on a text without a line break allocated the width anyway (a
/// capacity overflow panic).
#[test]
fn indent_with_a_huge_width_and_no_line_break() {
    big_stack(|| {
        let v = cercle::eval::funcs::call(
            "indent",
            &[Val::num(1e300), Val::str("x")],
            Span::new(0, 0, 0),
            &|| "indent".to_string(),
        );
        assert_eq!(v, Val::str("x"));
        run_tree(
            "reg-indent",
            &tree(&[(
                "main.tf",
                "provider \"aws\" {\n  region = indent(1e300, \"eu-west-3\")\n}\n",
            )]),
        );
    });
}

/// Found by `fuzz_evaluator` (seed 0x1352956, case 289384: over 60 s): a
/// call with one argument of two possible values and 65,536 others
/// (`sort(x, (c ? 1 : 2), range(65536)...)`) cloned every partial
/// combination at each argument. And a template of 100,000 interpolations
/// (a 1 MB file) built a new string per piece: 11 s. Both are linear now.
#[test]
fn choices_over_many_arguments_and_long_templates_are_linear() {
    big_stack(|| {
        let interps = "${local.a}".repeat(100_000);
        let t0 = Instant::now();
        run_tree(
            "reg-choices",
            &tree(&[(
                "main.tf",
                &format!(
                    "variable \"c\" {{}}\n\nlocals {{\n  a = \"xxxxxxxxxx\"\n  s = sort([], (var.c ? 1 : 2), range(0, 1000000)...)\n  t = \"{interps}\"\n}}\n\n\
                     resource \"aws_s3_bucket\" \"r\" {{\n  region = length(local.s) + length(local.t) > 0 ? \"eu-west-3\" : \"x\"\n}}\n"
                ),
            )]),
        );
        let took = t0.elapsed();
        assert!(took < Duration::from_secs(15), "{took:?}");
        // The combinations are those of the arguments' alternatives, in
        // order, the first argument varying slowest.
        let two = |a: &str, b: &str| Val::choice(vec![Val::str(a), Val::str(b)]);
        let v =
            cercle::eval::value::map_alts(&[two("a", "b"), Val::str("-"), two("1", "2")], |xs| {
                Val::str(
                    &xs.iter()
                        .map(|x| x.as_str().unwrap_or("?").to_string())
                        .collect::<String>(),
                )
            });
        assert_eq!(
            v,
            Val::choice(["a-1", "a-2", "b-1", "b-2"].map(Val::str).to_vec())
        );
    });
}

/// Found by `fuzz_evaluator` (seed 20261205, case 26864: 28 s): the set
/// functions compared every element with every other one, so
/// `setintersection(range(65536))` took 20 s (a million elements: hours).
#[test]
fn set_functions_on_long_lists_are_linear() {
    big_stack(|| {
        let t0 = Instant::now();
        run_tree(
            "reg-sets",
            &tree(&[(
                "main.tf",
                "resource \"aws_s3_bucket\" \"r\" {\n  for_each = {k0 = setintersection(range(65536)), k1 = setunion(range(200000), range(100000, 300000)), k2 = setsubtract(range(200000), range(1, 200000)), k3 = distinct(concat(range(200000), range(200000)))}\n  bucket = each.key\n}\n",
            )]),
        );
        let took = t0.elapsed();
        assert!(took < Duration::from_secs(15), "{took:?}");
        let v = cercle::eval::funcs::call(
            "setsubtract",
            &[
                Val::list((0..5).map(|i| Val::num(i as f64)).collect()),
                Val::list(vec![Val::num(1.0), Val::str("2"), Val::num(3.0)]),
            ],
            Span::new(0, 0, 0),
            &|| "setsubtract".to_string(),
        );
        assert_eq!(
            v,
            Val::list(vec![Val::num(0.0), Val::num(2.0), Val::num(4.0)])
        );
    });
}
