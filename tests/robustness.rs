//! Robustness: cercle never panics, never hangs and never hides the rest of a
//! tree because one input is broken, huge, deep, looping or unreadable
//! (SPEC §1, §2 exit codes, §5 CRC000).
//!
//! Every test builds a temporary tree holding a good module (`providers.tf`
//! with `provider "aws" { region = "eu-west-3" }`, `main.tf` with
//! `aws_s3_bucket.good`) plus one bad input, runs `check --format json` and
//! `inventory --format json` from inside the tree, and checks that:
//! - the process exits with 0, 1 or 2 and prints no panic;
//! - `aws_s3_bucket.good` is still in the inventory, placed in `eu-west-3`;
//! - for a file that cannot be read or parsed, a CRC000 names that file at a
//!   plausible line and column.
//!
//! Every run has a deadline: a run that does not end in time is killed and
//! the test fails ("hangs"). On Linux the peak memory of a run is sampled from
//! `/proc/<pid>/status` (VmHWM) for the tests that bound it.

use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

// ----- harness ---------------------------------------------------------------

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_cercle")
}

/// Longest any single run may take before it counts as a hang. Debug builds
/// on a loaded two-core machine are slow: this is about termination, not speed.
const HANG: Duration = Duration::from_secs(300);

static SEQ: AtomicUsize = AtomicUsize::new(0);

/// A temporary tree: `root/m` is the scanned directory (the current directory
/// of every run), `root/out` holds the captured output of runs. Removed on drop.
struct Tree {
    root: PathBuf,
    dir: PathBuf,
    out: PathBuf,
}

impl Tree {
    /// An empty tree (no good module).
    fn bare(name: &str) -> Tree {
        let root = std::env::temp_dir().join(format!(
            "cercle-robustness-{}-{}-{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::SeqCst),
            name
        ));
        let _ = fs::remove_dir_all(&root);
        let dir = root.join("m");
        let out = root.join("out");
        fs::create_dir_all(&dir).unwrap();
        fs::create_dir_all(&out).unwrap();
        Tree { root, dir, out }
    }

    /// A tree with the good module at its top.
    fn new(name: &str) -> Tree {
        let t = Tree::bare(name);
        t.good_module("");
        t
    }

    /// Writes the good module (provider + `aws_s3_bucket.good`) into `sub`.
    fn good_module(&self, sub: &str) {
        self.write(
            &join(sub, "providers.tf"),
            "provider \"aws\" {\n  region = \"eu-west-3\"\n}\n",
        );
        self.write(
            &join(sub, "main.tf"),
            "resource \"aws_s3_bucket\" \"good\" {\n  bucket = \"good\"\n}\n",
        );
    }

    /// A `cercle.toml` giving every resource a tier whose placements
    /// depend on the region (EU regions, `fr-cloud-au-centre`): an unknown
    /// region is then a CRC003 (an untiered resource gets none).
    fn tiered(&self) {
        self.write(
            "cercle.toml",
            "packs = [\"fr-cloud-au-centre\"]\ndefault_tier = \"non-sensible\"\n",
        );
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.join(rel)
    }

    fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) {
        let p = self.path(rel);
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent).unwrap();
        }
        fs::write(p, bytes).unwrap();
    }

    fn mkdir(&self, rel: &str) {
        fs::create_dir_all(self.path(rel)).unwrap();
    }

    #[cfg(unix)]
    fn symlink(&self, target: &str, rel: &str) {
        let p = self.path(rel);
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent).unwrap();
        }
        std::os::unix::fs::symlink(target, p).unwrap();
    }

    /// Runs cercle with `args` from the tree, within `limit`.
    fn run_within(&self, args: &[&str], limit: Duration) -> Run {
        run_in(&self.dir, &self.out, args, limit)
    }

    fn run(&self, args: &[&str]) -> Run {
        self.run_within(args, HANG)
    }

    /// `check . --format json`: never a panic, exit 0/1/2, valid JSON.
    fn check(&self) -> Value {
        self.check_args(&[])
    }

    fn check_args(&self, extra: &[&str]) -> Value {
        let mut args = vec!["check", ".", "--format", "json"];
        args.extend_from_slice(extra);
        let r = self.run(&args);
        r.assert_sane();
        r.json()
    }

    /// `inventory . --format json`: never a panic, exit 0, valid JSON.
    fn inventory(&self) -> Value {
        self.inventory_args(&[])
    }

    fn inventory_args(&self, extra: &[&str]) -> Value {
        let mut args = vec!["inventory", ".", "--format", "json"];
        args.extend_from_slice(extra);
        let r = self.run(&args);
        r.assert_sane();
        assert_eq!(r.code, 0, "inventory exited {}: {}", r.code, r.stderr);
        r.json()
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        // Give back every permission taken away, then remove.
        #[cfg(unix)]
        restore_permissions(&self.root);
        let _ = fs::remove_dir_all(&self.root);
    }
}

#[cfg(unix)]
fn restore_permissions(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = fs::set_permissions(dir, fs::Permissions::from_mode(0o755));
    if let Ok(rd) = fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            let Ok(meta) = fs::symlink_metadata(&p) else {
                continue;
            };
            if meta.file_type().is_symlink() {
                continue;
            }
            if meta.is_dir() {
                restore_permissions(&p);
            } else {
                let _ = fs::set_permissions(&p, fs::Permissions::from_mode(0o644));
            }
        }
    }
}

fn join(sub: &str, name: &str) -> String {
    if sub.is_empty() {
        name.to_string()
    } else {
        format!("{sub}/{name}")
    }
}

/// The outcome of one run.
struct Run {
    args: String,
    code: i32,
    stdout: String,
    stderr: String,
    elapsed: Duration,
    /// Peak resident memory in KiB (Linux; 0 when unknown).
    peak_kib: u64,
}

impl Run {
    /// No panic, no crash, an exit status the SPEC allows.
    fn assert_sane(&self) {
        assert!(
            !self.stderr.contains("panicked"),
            "cercle {} panicked:\n{}",
            self.args,
            self.stderr
        );
        assert!(
            !self.stderr.contains("stack overflow"),
            "cercle {} overflowed its stack:\n{}",
            self.args,
            self.stderr
        );
        assert!(
            matches!(self.code, 0..=2),
            "cercle {} exited {} (killed by a signal or crashed):\n{}",
            self.args,
            self.code,
            self.stderr
        );
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "cercle {}: stdout is not JSON ({e}); exit {}; stderr:\n{}\nstdout starts:\n{}",
                self.args,
                self.code,
                self.stderr,
                self.stdout.chars().take(2000).collect::<String>()
            )
        })
    }
}

fn run_in(cwd: &Path, outdir: &Path, args: &[&str], limit: Duration) -> Run {
    let n = SEQ.fetch_add(1, Ordering::SeqCst);
    let out_path = outdir.join(format!("stdout-{n}"));
    let err_path = outdir.join(format!("stderr-{n}"));
    // Files, not pipes: a 60 MB report cannot deadlock the child.
    let stdout = fs::File::create(&out_path).unwrap();
    let stderr = fs::File::create(&err_path).unwrap();
    let start = Instant::now();
    let mut child = Command::new(bin())
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr)
        .spawn()
        .expect("start cercle");
    let pid = child.id();
    let mut peak_kib = 0;
    let status = loop {
        if let Some(kib) = vm_hwm_kib(pid) {
            peak_kib = peak_kib.max(kib);
        }
        match child.try_wait().expect("wait for cercle") {
            Some(s) => break s,
            None if start.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "cercle {} did not terminate within {:?} (hang or runaway work) in {}",
                    args.join(" "),
                    limit,
                    cwd.display()
                );
            }
            None => std::thread::sleep(Duration::from_millis(10)),
        }
    };
    let elapsed = start.elapsed();
    let stdout = String::from_utf8_lossy(&fs::read(&out_path).unwrap()).into_owned();
    let stderr = String::from_utf8_lossy(&fs::read(&err_path).unwrap()).into_owned();
    let _ = fs::remove_file(&out_path);
    let _ = fs::remove_file(&err_path);
    Run {
        args: args.join(" "),
        code: status.code().unwrap_or(-1),
        stdout,
        stderr,
        elapsed,
        peak_kib,
    }
}

/// The peak resident set of a live process, from `/proc` (Linux only).
fn vm_hwm_kib(pid: u32) -> Option<u64> {
    let s = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

// ----- report helpers ----------------------------------------------------------

fn findings(check: &Value) -> &Vec<Value> {
    check["findings"].as_array().expect("findings array")
}

fn resources(inv: &Value) -> &Vec<Value> {
    inv["resources"].as_array().expect("resources array")
}

/// The findings with `code` whose file is `file`.
fn with_code<'a>(check: &'a Value, code: &str, file: &str) -> Vec<&'a Value> {
    findings(check)
        .iter()
        .filter(|f| f["code"] == code && f["file"] == file)
        .collect()
}

/// The one CRC000 about `file`, checked for a plausible place.
fn crc000<'a>(check: &'a Value, file: &str) -> &'a Value {
    let hits = with_code(check, "CRC000", file);
    assert_eq!(
        hits.len(),
        1,
        "expected exactly one CRC000 for {file}, got {hits:#?}\nall findings: {:#}",
        check["findings"]
    );
    let f = hits[0];
    assert_eq!(f["severity"], "error", "{f:#}");
    assert!(f["address"].is_null(), "{f:#}");
    let line = f["line"].as_u64().expect("CRC000 has a line");
    let col = f["column"].as_u64().expect("CRC000 has a column");
    assert!(line >= 1 && col >= 1, "1-based place: {f:#}");
    assert!(
        !f["message"].as_str().unwrap_or("").is_empty(),
        "CRC000 says why: {f:#}"
    );
    f
}

fn place(f: &Value) -> (u64, u64) {
    (f["line"].as_u64().unwrap(), f["column"].as_u64().unwrap())
}

/// No finding at all about `file`.
fn no_finding_for(check: &Value, file: &str) {
    let hits: Vec<&Value> = findings(check)
        .iter()
        .filter(|f| f["file"] == file && f["code"] != "CRC009")
        .collect();
    assert!(hits.is_empty(), "no finding expected for {file}: {hits:#?}");
}

fn resource<'a>(inv: &'a Value, address: &str) -> &'a Value {
    resource_in(inv, address, None)
}

/// The one resource at `address` (declared in `file`, when given).
fn resource_in<'a>(inv: &'a Value, address: &str, file: Option<&str>) -> &'a Value {
    let hits: Vec<&Value> = resources(inv)
        .iter()
        .filter(|r| r["address"] == address && file.is_none_or(|f| r["file"] == f))
        .collect();
    assert_eq!(
        hits.len(),
        1,
        "expected {address} (in {file:?}) exactly once in the inventory; resources: {:?}",
        resources(inv)
            .iter()
            .map(|r| format!(
                "{} ({})",
                r["address"].as_str().unwrap_or("?"),
                r["file"].as_str().unwrap_or("?")
            ))
            .take(50)
            .collect::<Vec<_>>()
    );
    hits[0]
}

/// `address` is placed in `eu-west-3` and resolved.
fn placed_in_paris(inv: &Value, address: &str) {
    placed_in_paris_in(inv, address, None)
}

fn placed_in_paris_in(inv: &Value, address: &str, file: Option<&str>) {
    let r = resource_in(inv, address, file);
    assert_eq!(r["regions"], serde_json::json!(["eu-west-3"]), "{r:#}");
    assert!(r["unresolved"].is_null(), "{r:#}");
}

/// The good resource of the top module survives whatever else is in the tree.
fn good_survives(inv: &Value) {
    placed_in_paris_in(inv, "aws_s3_bucket.good", Some("main.tf"));
}

/// The CRC000s of a check report, by file.
fn crc000_files(check: &Value) -> Vec<String> {
    findings(check)
        .iter()
        .filter(|f| f["code"] == "CRC000")
        .map(|f| f["file"].as_str().unwrap_or("").to_string())
        .collect()
}

/// Column (1-based, in characters) of byte offset `at` in its line of `text`.
fn char_column(text: &str, at: usize) -> u64 {
    let line_start = text[..at].rfind('\n').map(|i| i + 1).unwrap_or(0);
    text[line_start..at].chars().count() as u64 + 1
}

fn line_of(text: &[u8], at: usize) -> u64 {
    text[..at].iter().filter(|b| **b == b'\n').count() as u64 + 1
}

// ----- empty and blank files ---------------------------------------------------

#[test]
fn empty_tf_is_valid() {
    let t = Tree::new("empty-tf");
    t.write("empty.tf", "");
    let c = t.check();
    no_finding_for(&c, "empty.tf");
    assert!(crc000_files(&c).is_empty(), "{:#}", c["findings"]);
    good_survives(&t.inventory());
}

#[test]
fn whitespace_and_comment_only_tf_are_valid() {
    let t = Tree::new("blank-tf");
    t.write("blank.tf", "  \n\t\n\r\n   ");
    t.write("comments.tf", "# nothing\n// here\n/* at\nall */\n");
    let c = t.check();
    no_finding_for(&c, "blank.tf");
    no_finding_for(&c, "comments.tf");
    assert!(crc000_files(&c).is_empty(), "{:#}", c["findings"]);
    good_survives(&t.inventory());
}

#[test]
fn empty_tf_json_is_a_parse_error() {
    let t = Tree::new("empty-tf-json");
    t.write("empty.tf.json", "");
    let r = t.run(&["check", ".", "--format", "json"]);
    r.assert_sane();
    assert_eq!(r.code, 1, "a file that cannot be parsed fails the run");
    let c = r.json();
    let f = crc000(&c, "empty.tf.json");
    assert_eq!(place(f), (1, 1), "{f:#}");
    good_survives(&t.inventory());
}

#[test]
fn whitespace_only_tf_json_is_a_parse_error() {
    let t = Tree::new("blank-tf-json");
    t.write("blank.tf.json", "\n  \n\t");
    let c = t.check();
    let f = crc000(&c, "blank.tf.json");
    // The end of the input, or its start: both are on lines 1-3.
    assert!((1..=3).contains(&place(f).0), "{f:#}");
    good_survives(&t.inventory());
}

// ----- binary and invalid UTF-8 ------------------------------------------------

#[test]
fn binary_tf_with_nul_bytes_is_a_parse_error() {
    let t = Tree::new("binary-nul");
    let mut bytes = b"\x7fELF\x02\x01\x01\x00\x00\x00".to_vec();
    bytes.extend((0..20_000u32).map(|i| (i.wrapping_mul(2654435761) >> 24) as u8));
    t.write("x.tf", &bytes);
    t.write("y.tf.json", &bytes);
    let r = t.run(&["check", ".", "--format", "json"]);
    r.assert_sane();
    assert_eq!(r.code, 1);
    let c = r.json();
    assert_eq!(place(crc000(&c, "x.tf")), (1, 1));
    assert_eq!(place(crc000(&c, "y.tf.json")), (1, 1));
    good_survives(&t.inventory());
}

#[test]
fn random_bytes_without_nul_are_a_parse_error() {
    let t = Tree::new("binary-random");
    // A xorshift stream with no NUL byte: not text, not caught by a NUL sniff.
    let mut x: u32 = 0x9e37_79b9;
    let bytes: Vec<u8> = (0..50_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x as u8).max(1)
        })
        .collect();
    t.write("x.tf", &bytes);
    let c = t.check();
    let f = crc000(&c, "x.tf");
    let lines = line_of(&bytes, bytes.len());
    assert!(place(f).0 <= lines, "line within the file: {f:#}");
    good_survives(&t.inventory());
}

#[test]
fn invalid_utf8_in_the_middle_is_reported_at_its_line_and_column() {
    let t = Tree::new("utf8");
    let text: &[u8] = b"locals {\n  a = \"ok\"\n  b = \"caf\xc3\xa9 \xff\xfe bad\"\n}\n";
    t.write("bad.tf", text);
    let at = text.iter().position(|b| *b == 0xff).unwrap();
    let valid = std::str::from_utf8(&text[..at]).unwrap();
    let c = t.check();
    let f = crc000(&c, "bad.tf");
    assert_eq!(
        place(f),
        (line_of(text, at), char_column(valid, at)),
        "the CRC000 points at the first invalid byte: {f:#}"
    );
    good_survives(&t.inventory());
}

#[test]
fn invalid_utf8_after_a_literal_replacement_character_is_reported_at_the_bad_byte() {
    let t = Tree::new("utf8-fffd");
    // Line 1 holds a real, valid U+FFFD; the invalid byte is on line 3.
    let text: &[u8] = b"# \xef\xbf\xbd is a valid character\nlocals {\n  b = \"x\xff\"\n}\n";
    t.write("bad.tf", text);
    let at = text.iter().position(|b| *b == 0xff).unwrap();
    let valid = std::str::from_utf8(&text[..at]).unwrap();
    let c = t.check();
    let f = crc000(&c, "bad.tf");
    assert_eq!(place(f), (3, char_column(valid, at)), "{f:#}");
    good_survives(&t.inventory());
}

// ----- deep nesting ----------------------------------------------------------

#[test]
fn hundred_thousand_nested_brackets_in_hcl() {
    let t = Tree::new("deep-hcl");
    let n = 100_000;
    t.write(
        "deep.tf",
        format!("locals {{\n  x = {}1{}\n}}\n", "[".repeat(n), "]".repeat(n)),
    );
    let c = t.check();
    let f = crc000(&c, "deep.tf");
    let (line, col) = place(f);
    assert_eq!(line, 2, "{f:#}");
    assert!(col > 6 && col <= n as u64 + 7, "inside the brackets: {f:#}");
    good_survives(&t.inventory());
}

#[test]
fn hundred_thousand_nested_blocks_and_objects_in_hcl() {
    let t = Tree::new("deep-blocks");
    let n = 100_000;
    t.write(
        "blocks.tf",
        format!(
            "resource \"aws_s3_bucket\" \"deep\" {{\n{}{}}}\n",
            "x {\n".repeat(n),
            "}\n".repeat(n)
        ),
    );
    t.write(
        "objects.tf",
        format!(
            "locals {{\n  o = {}1{}\n}}\n",
            "{a = ".repeat(n),
            "}".repeat(n)
        ),
    );
    let c = t.check();
    let (line, _) = place(crc000(&c, "blocks.tf"));
    assert!((2..=n as u64 + 1).contains(&line));
    assert_eq!(place(crc000(&c, "objects.tf")).0, 2);
    good_survives(&t.inventory());
}

#[test]
fn hundred_thousand_nested_arrays_in_tf_json() {
    let t = Tree::new("deep-json");
    let n = 100_000;
    t.write(
        "deep.tf.json",
        format!(
            "{{\"locals\": {{\"x\": {}1{}}}}}",
            "[".repeat(n),
            "]".repeat(n)
        ),
    );
    // And objects, in a tfvars JSON file.
    t.write(
        "terraform.tfvars.json",
        format!("{{\"v\": {}1{}}}", "{\"a\": ".repeat(n), "}".repeat(n)),
    );
    let c = t.check();
    let (line, col) = place(crc000(&c, "deep.tf.json"));
    assert_eq!(line, 1);
    assert!(col > 1 && col <= n as u64 + 20);
    assert_eq!(place(crc000(&c, "terraform.tfvars.json")).0, 1);
    good_survives(&t.inventory());
}

#[test]
fn ten_thousand_nested_parentheses_conditionals_operators_and_templates() {
    let t = Tree::new("deep-misc");
    let n = 10_000;
    t.write(
        "parens.tf",
        format!("locals {{\n  p = {}1{}\n}}\n", "(".repeat(n), ")".repeat(n)),
    );
    t.write(
        "cond.tf",
        format!(
            "locals {{\n  c = {}1{}\n}}\n",
            "true ? ".repeat(n),
            " : 2".repeat(n)
        ),
    );
    t.write(
        "cond_parens.tf",
        format!(
            "locals {{\n  d = {}1{}\n}}\n",
            "true ? (".repeat(n),
            ") : 2".repeat(n)
        ),
    );
    t.write(
        "ops.tf",
        format!("locals {{\n  o = {}\n}}\n", vec!["1"; n].join(" + ")),
    );
    t.write(
        "not.tf",
        format!("locals {{\n  q = {}true\n}}\n", "!".repeat(n)),
    );
    t.write(
        "tpl.tf",
        format!(
            "locals {{\n  t = \"{}a{}\"\n}}\n",
            "${\"".repeat(n),
            "\"}".repeat(n)
        ),
    );
    let c = t.check();
    // Terraform accepts these; cercle may refuse them (CRC000, as its parser
    // limits nesting), but then at line 2, and it must not crash.
    for file in [
        "parens.tf",
        "cond.tf",
        "cond_parens.tf",
        "ops.tf",
        "not.tf",
        "tpl.tf",
    ] {
        let hits = with_code(&c, "CRC000", file);
        assert!(hits.len() <= 1, "{hits:#?}");
        if let Some(f) = hits.first() {
            assert_eq!(place(f).0, 2, "{f:#}");
        }
    }
    good_survives(&t.inventory());
}

/// A valid expression nested within the parser's limit evaluates.
#[test]
fn sixty_level_nested_hcl_expression_evaluates() {
    let t = Tree::new("nested-60");
    let n = 60;
    t.write(
        "nested.tf",
        format!(
            "locals {{\n  r = {}\"eu-west-3\"{}\n  m = {}\"eu-west-3\"{}\n}}\n\n\
             resource \"aws_s3_bucket\" \"list\" {{\n  region = local.r{}\n}}\n\n\
             resource \"aws_s3_bucket\" \"map\" {{\n  region = local.m{}\n}}\n",
            "[".repeat(n),
            "]".repeat(n),
            "{ m = ".repeat(n),
            " }".repeat(n),
            "[0]".repeat(n),
            ".m".repeat(n),
        ),
    );
    let c = t.check();
    assert!(crc000_files(&c).is_empty(), "{:#}", c["findings"]);
    let inv = t.inventory();
    placed_in_paris(&inv, "aws_s3_bucket.list");
    placed_in_paris(&inv, "aws_s3_bucket.map");
    good_survives(&inv);
}

#[test]
fn two_hundred_level_nested_hcl_expression_evaluates() {
    let t = Tree::new("nested-200-hcl");
    let n = 200;
    t.write(
        "nested.tf",
        format!(
            "locals {{\n  r = {}\"eu-west-3\"{}\n  c = {}\"eu-west-3\"{}\n}}\n\n\
             resource \"aws_s3_bucket\" \"list\" {{\n  region = local.r{}\n}}\n\n\
             resource \"aws_s3_bucket\" \"cond\" {{\n  region = local.c\n}}\n",
            "[".repeat(n),
            "]".repeat(n),
            "true ? (".repeat(n),
            ") : \"us-east-1\"".repeat(n),
            "[0]".repeat(n),
        ),
    );
    let c = t.check();
    assert!(crc000_files(&c).is_empty(), "{:#}", c["findings"]);
    let inv = t.inventory();
    placed_in_paris(&inv, "aws_s3_bucket.list");
    placed_in_paris(&inv, "aws_s3_bucket.cond");
    good_survives(&inv);
}

/// JSON nesting within the JSON parser's limit (256) and within evaluation's.
#[test]
fn one_hundred_fifty_level_nested_tf_json_expression_evaluates() {
    nested_tf_json(150);
}

#[test]
fn two_hundred_level_nested_tf_json_expression_evaluates() {
    nested_tf_json(200);
}

fn nested_tf_json(n: usize) {
    let t = Tree::new(&format!("nested-{n}-json"));
    let mut v = serde_json::json!("eu-west-3");
    for _ in 0..n {
        v = serde_json::json!({ "m": v });
    }
    let doc = serde_json::json!({
        "locals": {"r": v},
        "resource": {"aws_s3_bucket": {"nested": {
            "region": format!("${{local.r{}}}", ".m".repeat(n))
        }}}
    });
    t.write("nested.tf.json", serde_json::to_string(&doc).unwrap());
    let c = t.check();
    assert!(crc000_files(&c).is_empty(), "{:#}", c["findings"]);
    assert!(
        with_code(&c, "CRC003", "nested.tf.json").is_empty(),
        "{:#}",
        c["findings"]
    );
    let inv = t.inventory();
    placed_in_paris(&inv, "aws_s3_bucket.nested");
    good_survives(&inv);
}

// ----- huge files --------------------------------------------------------------

const TEN_MB: usize = 10 * 1024 * 1024;

#[test]
fn ten_megabyte_tf_file_every_resource_is_found() {
    let t = Tree::new("big-tf");
    let mut text = String::with_capacity(TEN_MB + 200);
    let mut n = 0usize;
    while text.len() < TEN_MB {
        text.push_str(&format!(
            "resource \"aws_s3_bucket\" \"b{n}\" {{\n  bucket = \"bucket-{n}\"\n  tags = {{\n    Name = \"n{n}\"\n  }}\n}}\n\n"
        ));
        n += 1;
    }
    t.write("big.tf", &text);
    let r = t.run(&["check", ".", "--format", "json"]);
    r.assert_sane();
    let c = r.json();
    assert!(crc000_files(&c).is_empty(), "{:#}", c["findings"]);
    assert_eq!(
        c["summary"]["resources"],
        n + 1,
        "every resource is counted"
    );
    assert!(
        r.peak_kib < 3 * 1024 * 1024,
        "check of a 10 MB file peaked at {} MiB",
        r.peak_kib / 1024
    );
    let r = t.run(&["inventory", ".", "--format", "json"]);
    r.assert_sane();
    let inv = r.json();
    assert_eq!(resources(&inv).len(), n + 1);
    good_survives(&inv);
    let last = resource(&inv, &format!("aws_s3_bucket.b{}", n - 1));
    assert_eq!(last["regions"], serde_json::json!(["eu-west-3"]));
    assert_eq!(last["line"], 1 + 7 * (n - 1) as u64, "{last:#}");
    eprintln!(
        "10 MB .tf: {n} resources; inventory {:?}, peak {} MiB",
        r.elapsed,
        r.peak_kib / 1024
    );
}

#[test]
fn ten_megabyte_tf_json_file_every_resource_is_found() {
    let t = Tree::new("big-tf-json");
    let mut text = String::with_capacity(TEN_MB + 200);
    text.push_str("{\n \"resource\": {\n  \"aws_s3_bucket\": {\n");
    let mut n = 0usize;
    while text.len() < TEN_MB {
        if n > 0 {
            text.push_str(",\n");
        }
        text.push_str(&format!(
            "   \"j{n}\": {{\"bucket\": \"bucket-{n}\", \"tags\": {{\"Name\": \"n{n}\"}}}}"
        ));
        n += 1;
    }
    text.push_str("\n  }\n }\n}\n");
    t.write("big.tf.json", &text);
    let c = t.check();
    assert!(crc000_files(&c).is_empty(), "{:#}", c["findings"]);
    assert_eq!(c["summary"]["resources"], n + 1);
    let r = t.run(&["inventory", ".", "--format", "json"]);
    r.assert_sane();
    let inv = r.json();
    assert_eq!(resources(&inv).len(), n + 1);
    good_survives(&inv);
    placed_in_paris(&inv, &format!("aws_s3_bucket.j{}", n - 1));
    eprintln!(
        "10 MB .tf.json: {n} resources; inventory {:?}, peak {} MiB",
        r.elapsed,
        r.peak_kib / 1024
    );
}

// ----- symlinks and permissions ----------------------------------------------

#[cfg(unix)]
#[test]
fn symlink_loops_are_reported_and_the_rest_is_processed() {
    let t = Tree::new("symlinks");
    t.symlink(".", "loop");
    t.symlink("b", "a");
    t.symlink("a", "b");
    t.symlink("y.tf", "x.tf");
    t.symlink("x.tf", "y.tf");
    t.good_module("sub");
    t.symlink("..", "sub/up");
    let c = t.check();
    let crc = crc000_files(&c);
    for name in ["loop", "a", "b", "x.tf", "y.tf", "sub/up"] {
        assert!(
            crc.iter().any(|f| f == name),
            "a CRC000 names {name}: {crc:?}"
        );
    }
    for f in findings(&c).iter().filter(|f| f["code"] == "CRC000") {
        assert!(!f["message"].as_str().unwrap().is_empty());
    }
    let inv = t.inventory();
    // Each resource once: following a loop reads nothing twice.
    good_survives(&inv);
    assert_eq!(resources(&inv).len(), 2, "{:#}", inv["resources"]);
    placed_in_paris_in(&inv, "aws_s3_bucket.good", Some("sub/main.tf"));
}

#[cfg(unix)]
#[test]
fn a_looping_symlink_named_as_path_is_an_error_that_says_so() {
    let t = Tree::new("symlink-arg");
    t.symlink("y.tf", "x.tf");
    t.symlink("x.tf", "y.tf");
    for cmd in ["check", "inventory"] {
        let r = t.run(&[cmd, "x.tf", "--format", "json"]);
        r.assert_sane();
        assert_ne!(r.code, 0, "{cmd}: {}", r.stderr);
        assert!(r.stderr.contains("x.tf"), "{cmd}: {}", r.stderr);
    }
}

#[cfg(unix)]
#[test]
fn a_looping_symlink_named_as_path_is_not_called_missing() {
    let t = Tree::new("symlink-arg-msg");
    t.symlink("y.tf", "x.tf");
    t.symlink("x.tf", "y.tf");
    let r = t.run(&["check", "x.tf", "--format", "json"]);
    r.assert_sane();
    assert_eq!(r.code, 2);
    assert!(
        !r.stderr.contains("no such file or directory"),
        "the error names the real cause (too many levels of symbolic links): {}",
        r.stderr
    );
}

/// Whether permissions are enforced for this user (not for root).
#[cfg(unix)]
fn permissions_enforced(t: &Tree) -> bool {
    use std::os::unix::fs::PermissionsExt;
    t.mkdir("probe-perm");
    t.write("probe-perm/p.txt", "x");
    let p = t.path("probe-perm");
    fs::set_permissions(&p, fs::Permissions::from_mode(0o000)).unwrap();
    let enforced = fs::read_dir(&p).is_err();
    fs::set_permissions(&p, fs::Permissions::from_mode(0o755)).unwrap();
    fs::remove_dir_all(&p).unwrap();
    enforced
}

#[cfg(unix)]
#[test]
fn unreadable_directory_and_file_are_reported_and_the_rest_is_processed() {
    use std::os::unix::fs::PermissionsExt;
    let t = Tree::new("perm");
    if !permissions_enforced(&t) {
        eprintln!("skipped: running as a user who can read everything (root)");
        return;
    }
    t.write(
        "locked/x.tf",
        "resource \"aws_s3_bucket\" \"hidden\" {\n  bucket = \"h\"\n}\n",
    );
    t.write(
        "secret.tf",
        "resource \"aws_s3_bucket\" \"secret\" {\n  bucket = \"s\"\n}\n",
    );
    fs::set_permissions(t.path("locked"), fs::Permissions::from_mode(0o000)).unwrap();
    fs::set_permissions(t.path("secret.tf"), fs::Permissions::from_mode(0o000)).unwrap();
    let r = t.run(&["check", ".", "--format", "json"]);
    r.assert_sane();
    assert_eq!(r.code, 1, "unreadable input leaves compliance unknown");
    let c = r.json();
    let crc = crc000_files(&c);
    assert!(crc.iter().any(|f| f == "locked"), "{crc:?}");
    let f = crc000(&c, "secret.tf");
    assert_eq!(place(f), (1, 1));
    good_survives(&t.inventory());
}

// ----- line endings ----------------------------------------------------------

#[test]
fn crlf_and_bom_parse_and_columns_count_characters() {
    let t = Tree::bare("crlf-bom");
    t.tiered();
    t.write(
        "providers.tf",
        "\u{feff}# é😀 comment\r\nprovider \"aws\" {\r\n  /* é😀 */ region = \"eu-west-3\"\r\n}\r\n",
    );
    t.write(
        "main.tf",
        "\u{feff}# cercle: main\r\n\r\nresource \"aws_s3_bucket\" \"good\" {\r\n  bucket = \"é\"\r\n}\r\n\r\n\
         resource \"aws_s3_bucket\" \"u\" {\r\n  region = lookup({ \"é😀\" = \"x\", k = var.nope }, \"k\")\r\n}\r\n",
    );
    let c = t.check();
    assert!(crc000_files(&c).is_empty(), "{:#}", c["findings"]);
    // The unresolved region is reported on line 8, its end not past the line.
    let u: Vec<&Value> = with_code(&c, "CRC003", "main.tf");
    assert_eq!(u.len(), 1, "{:#}", c["findings"]);
    assert_eq!(u[0]["line"], 8, "{:#}", u[0]);
    let line8 = "  region = lookup({ \"é😀\" = \"x\", k = var.nope }, \"k\")";
    let end_col = u[0]["end_column"].as_u64().unwrap();
    assert!(
        u[0]["end_line"] == 8 && end_col <= line8.chars().count() as u64 + 1,
        "the span stops before the CR: {:#}",
        u[0]
    );
    let inv = t.inventory();
    let good = resource(&inv, "aws_s3_bucket.good");
    assert_eq!((&good["line"], &good["column"]), (&3.into(), &1.into()));
    assert_eq!(good["regions"], serde_json::json!(["eu-west-3"]));
    // `  /* é😀 */ region = "eu-west-3"`: the value starts at character 21
    // (byte 25).
    let o = &good["origins"][0];
    assert_eq!(o["file"], "providers.tf");
    assert_eq!((&o["line"], &o["column"]), (&3.into(), &21.into()), "{o:#}");
}

#[test]
fn bom_is_not_a_column() {
    let t = Tree::bare("bom-column");
    t.write(
        "providers.tf",
        "\u{feff}provider \"aws\" { region = \"eu-west-3\" }\r\n",
    );
    t.write(
        "main.tf",
        "\u{feff}resource \"aws_s3_bucket\" \"good\" {\r\n}\r\n",
    );
    let inv = t.inventory();
    let good = resource(&inv, "aws_s3_bucket.good");
    assert_eq!((&good["line"], &good["column"]), (&1.into(), &1.into()));
    let o = &good["origins"][0];
    // `provider "aws" { region = "eu-west-3" }`: the value is at column 27.
    assert_eq!((&o["line"], &o["column"]), (&1.into(), &27.into()), "{o:#}");
}

// ----- syntax errors at known places -------------------------------------------

#[test]
fn unterminated_string_is_reported_on_its_line() {
    let t = Tree::new("unterminated");
    t.write(
        "bad.tf",
        "locals {\n  a = \"ok\"\n}\n\nlocals {\n  b = \"never closed\n  c = 2\n}\n",
    );
    let c = t.check();
    let f = crc000(&c, "bad.tf");
    let (line, col) = place(f);
    assert_eq!(line, 6, "{f:#}");
    // The attribute (column 3) or its opening quote (column 7).
    assert!((3..=7).contains(&col), "{f:#}");
    good_survives(&t.inventory());
}

#[test]
fn unterminated_interpolation_is_reported_on_its_line() {
    let t = Tree::new("unterminated-interp");
    t.write("bad.tf", "locals {\n  a = 1\n  s = \"abc ${var.x\n}\n");
    let c = t.check();
    let f = crc000(&c, "bad.tf");
    assert_eq!(place(f).0, 3, "{f:#}");
    good_survives(&t.inventory());
}

#[test]
fn unclosed_strings_and_heredocs_are_named_at_their_opening() {
    let t = Tree::new("unclosed-strings");
    // A quoted string that runs on to the next line.
    t.write(
        "line.tf",
        "resource \"aws_s3_bucket\" \"l\" {\n  bucket = \"abc\n  tags = {}\n}\n",
    );
    // A quoted string that the end of the file cuts.
    t.write("eof.tf", "locals {\n  a = 1\n  s = \"abc");
    // A heredoc whose closing line is missing (or misspelt).
    t.write(
        "heredoc.tf",
        "locals {\n  a = 1\n  h = <<-EOT\n  abc\n  EOTX\n}\n",
    );
    let c = t.check();
    for (file, at, says) in [
        ("line.tf", (2, 12), "not closed on its line"),
        (
            "eof.tf",
            (3, 7),
            "no closing `\"` before the end of the file",
        ),
        ("heredoc.tf", (3, 7), "no line `EOT` closes this heredoc"),
    ] {
        let f = crc000(&c, file);
        assert_eq!(place(f), at, "{f:#}");
        let message = f["message"].as_str().unwrap();
        assert!(message.contains(says), "{file}: {message}");
        assert!(!message.contains("block body"), "{file}: {message}");
    }
    good_survives(&t.inventory());
}

#[test]
fn unclosed_block_is_reported_at_the_block() {
    let t = Tree::new("unclosed");
    t.write(
        "bad.tf",
        "locals {\n  a = 1\n}\n\nresource \"aws_s3_bucket\" \"u\" {\n  bucket = \"x\"\n\nlocals {\n  b = 2\n}\n\n# trailing comment\n",
    );
    let c = t.check();
    let f = crc000(&c, "bad.tf");
    assert_eq!(place(f).0, 5, "{f:#}");
    good_survives(&t.inventory());
}

#[test]
fn unclosed_block_at_the_end_is_reported_near_the_end() {
    let t = Tree::new("unclosed-end");
    t.write(
        "bad.tf",
        "locals {\n  a = 1\n}\n\nresource \"aws_s3_bucket\" \"u\" {\n  bucket = \"x\"\n",
    );
    let c = t.check();
    let f = crc000(&c, "bad.tf");
    // The opening line, or the end of the input.
    assert!((5..=7).contains(&place(f).0), "{f:#}");
    good_survives(&t.inventory());
}

#[test]
fn broken_tfvars_is_a_crc000_and_the_variable_keeps_its_default() {
    let t = Tree::new("tfvars");
    t.write(
        "vars.tf",
        "variable \"region\" {\n  default = \"eu-west-3\"\n}\n\n\
         resource \"aws_s3_bucket\" \"v\" {\n  region = var.region\n}\n",
    );
    t.write(
        "terraform.tfvars",
        "region = \"us-east-1\"\nother = [\n  \"a\",\n  = oops\n",
    );
    let r = t.run(&["check", ".", "--format", "json"]);
    r.assert_sane();
    assert_eq!(r.code, 1);
    let c = r.json();
    let f = crc000(&c, "terraform.tfvars");
    assert!((2..=5).contains(&place(f).0), "{f:#}");
    let inv = t.inventory();
    placed_in_paris(&inv, "aws_s3_bucket.v");
    good_survives(&inv);
}

// ----- modules -----------------------------------------------------------------

#[test]
fn module_call_to_a_missing_directory_is_reported() {
    let t = Tree::new("missing-module");
    t.write("mods.tf", "module \"gone\" {\n  source = \"./nope\"\n}\n");
    let c = t.check();
    let hits: Vec<&Value> = findings(&c)
        .iter()
        .filter(|f| f["file"] == "mods.tf")
        .collect();
    assert_eq!(hits.len(), 1, "{:#}", c["findings"]);
    let f = hits[0];
    assert_eq!(place(f), (2, 12), "at the source argument: {f:#}");
    assert!(f["message"].as_str().unwrap().contains("nope"), "{f:#}");
    good_survives(&t.inventory());
}

#[test]
fn module_cycles_are_reported_and_terminate() {
    let t = Tree::new("module-cycle");
    t.write(
        "mods.tf",
        "module \"a\" {\n  source = \"./ma\"\n}\n\nmodule \"me\" {\n  source = \"./\"\n}\n",
    );
    t.write(
        "ma/main.tf",
        "module \"b\" {\n  source = \"../mb\"\n}\n\nresource \"aws_s3_bucket\" \"in_a\" {\n  bucket = \"a\"\n}\n",
    );
    t.write("mb/main.tf", "module \"a\" {\n  source = \"../ma\"\n}\n");
    // A cycle no root enters.
    t.write(
        "orphans/p/main.tf",
        "module \"q\" {\n  source = \"../q\"\n}\n",
    );
    t.write(
        "orphans/q/main.tf",
        "module \"p\" {\n  source = \"../p\"\n}\n\nresource \"aws_s3_bucket\" \"in_q\" {}\n",
    );
    let c = t.check();
    let cycles: Vec<&Value> = findings(&c)
        .iter()
        .filter(|f| f["message"].as_str().unwrap_or("").contains("cycle"))
        .collect();
    assert!(
        cycles.iter().any(|f| f["file"] == "mb/main.tf"),
        "{:#}",
        c["findings"]
    );
    assert!(
        cycles
            .iter()
            .any(|f| f["file"] == "mods.tf" && f["line"] == 6),
        "a module calling its own directory is a cycle: {:#}",
        c["findings"]
    );
    assert!(
        cycles
            .iter()
            .any(|f| f["file"].as_str().unwrap().starts_with("orphans/")),
        "{:#}",
        c["findings"]
    );
    let inv = t.inventory();
    good_survives(&inv);
    placed_in_paris(&inv, "module.a.aws_s3_bucket.in_a");
    assert!(
        resources(&inv).len() < 20,
        "a cycle is not unrolled: {} resources",
        resources(&inv).len()
    );
}

// ----- runaway evaluation --------------------------------------------------------

/// What a run of a big `for_each` may cost (debug build, loaded machine).
const QUICK: Duration = Duration::from_secs(60);
const MEMORY_KIB: u64 = 1024 * 1024;

fn for_each_is_bounded(name: &str, for_each: &str) {
    let t = Tree::new(name);
    t.write(
        "many.tf",
        format!(
            "resource \"aws_s3_bucket\" \"many\" {{\n  for_each = {for_each}\n  bucket   = each.key\n}}\n\n\
             resource \"aws_s3_bucket\" \"counted\" {{\n  count = 100000\n}}\n"
        ),
    );
    let r = t.run_within(&["check", ".", "--format", "json"], QUICK);
    r.assert_sane();
    assert!(
        r.peak_kib < MEMORY_KIB,
        "check peaked at {} MiB",
        r.peak_kib / 1024
    );
    let c = r.json();
    let reported = c["summary"]["resources"].as_u64().unwrap();
    assert!(
        reported > 2 && reported <= 2 * 10_000 + 1,
        "instances are capped at 10,000 per block: {reported}"
    );
    // The cap is visible: the instances past it are not checked.
    let capped = c["findings"].as_array().unwrap().iter().any(|f| {
        f["code"] == "CRC003"
            && f["line"] == 7
            && f["message"]
                .as_str()
                .unwrap()
                .contains("count = 100000 gives 100000 instances: only the first 10000 are checked")
    });
    assert!(capped, "no CRC003 for the capped count: {}", c["findings"]);
    let capped = c["findings"].as_array().unwrap().iter().any(|f| {
        f["code"] == "CRC003"
            && f["line"] == 2
            && f["message"]
                .as_str()
                .unwrap()
                .contains("gives 100000 instances: only the first 10000 are checked")
    });
    assert!(capped, "no CRC003 for the capped for_each");
    let r = t.run_within(&["inventory", ".", "--format", "json"], QUICK);
    r.assert_sane();
    assert!(
        r.peak_kib < MEMORY_KIB,
        "inventory peaked at {} MiB",
        r.peak_kib / 1024
    );
    let inv = r.json();
    let many = resources(&inv)
        .iter()
        .filter(|r| {
            r["address"]
                .as_str()
                .unwrap()
                .starts_with("aws_s3_bucket.many[")
        })
        .count();
    let counted = resources(&inv)
        .iter()
        .filter(|r| {
            r["address"]
                .as_str()
                .unwrap()
                .starts_with("aws_s3_bucket.counted[")
        })
        .count();
    assert!(many > 0 && many <= 10_000, "for_each instances: {many}");
    assert!(
        counted > 0 && counted <= 10_000,
        "count instances: {counted}"
    );
    assert_eq!(resources(&inv).len() as u64, reported);
    placed_in_paris(&inv, "aws_s3_bucket.many[\"k0\"]");
    good_survives(&inv);
    eprintln!(
        "{name}: {many} + {counted} instances, inventory {:?}, peak {} MiB",
        r.elapsed,
        r.peak_kib / 1024
    );
}

fn hundred_thousand_keys() -> String {
    (0..100_000)
        .map(|i| format!("\"k{i}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

#[test]
fn for_each_over_a_hundred_thousand_elements_via_for_expression() {
    for_each_is_bounded(
        "for-each-for",
        &format!("{{ for s in [{}] : s => s }}", hundred_thousand_keys()),
    );
}

#[test]
fn for_each_over_a_hundred_thousand_elements_via_toset() {
    for_each_is_bounded(
        "for-each-toset",
        &format!("toset([{}])", hundred_thousand_keys()),
    );
}

#[test]
fn self_referencing_locals_are_unresolved_not_a_hang() {
    let t = Tree::new("self-ref");
    t.tiered();
    t.write(
        "loop.tf",
        "locals {\n  a = local.b\n  b = local.a\n  c = local.c\n}\n\n\
         resource \"aws_s3_bucket\" \"selfref\" {\n  region = local.a\n}\n\n\
         resource \"aws_s3_bucket\" \"selfref2\" {\n  region = local.c\n}\n",
    );
    let c = t.check();
    for addr in ["aws_s3_bucket.selfref", "aws_s3_bucket.selfref2"] {
        let hits: Vec<&Value> = findings(&c)
            .iter()
            .filter(|f| f["code"] == "CRC003" && f["address"] == addr)
            .collect();
        assert_eq!(hits.len(), 1, "{addr}: {:#}", c["findings"]);
    }
    let inv = t.inventory();
    for addr in ["aws_s3_bucket.selfref", "aws_s3_bucket.selfref2"] {
        let r = resource(&inv, addr);
        assert!(r["unresolved"].is_string(), "{r:#}");
        assert_eq!(r["regions"], serde_json::json!([]), "{r:#}");
    }
    good_survives(&inv);
}

// ----- command line ----------------------------------------------------------------

#[test]
fn a_path_that_does_not_exist_is_a_usage_error() {
    let t = Tree::new("no-path");
    for cmd in ["check", "inventory"] {
        let r = t.run(&[cmd, "does/not/exist", "--format", "json"]);
        r.assert_sane();
        assert_eq!(r.code, 2, "{cmd}: {}", r.stderr);
        assert!(r.stderr.contains("does/not/exist"), "{cmd}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{cmd}: no report: {}", r.stdout);
        // Also next to a path that exists.
        let r = t.run(&[cmd, ".", "missing.tf", "--format", "json"]);
        r.assert_sane();
        assert_eq!(r.code, 2, "{cmd}: {}", r.stderr);
        assert!(r.stderr.contains("missing.tf"), "{cmd}: {}", r.stderr);
    }
}

// ----- determinism over a tree of everything -----------------------------------------

#[test]
fn threads_one_and_eight_give_byte_identical_reports() {
    let t = Tree::bare("threads");
    t.good_module("");
    t.good_module("g1");
    t.good_module("g2");
    t.write("empty/empty.tf", "");
    t.write("empty/empty.tf.json", "");
    t.write("empty/blank.tf", "  \n\t\n");
    let mut bin = b"\x00\x01ELF".to_vec();
    bin.extend((0..5000u32).map(|i| (i * 7919 % 251) as u8));
    t.write("bin/x.tf", &bin);
    t.write("bin/y.tf", b"\xff\xfe\xfd garbage \x80\x81");
    t.write("utf8/bad.tf", b"locals {\n  b = \"caf\xc3\xa9 \xff\"\n}\n");
    t.write(
        "deep/deep.tf",
        format!(
            "locals {{\n  x = {}1{}\n}}\n",
            "[".repeat(100_000),
            "]".repeat(100_000)
        ),
    );
    t.write(
        "deep/deep.tf.json",
        format!(
            "{{\"locals\": {{\"x\": {}1{}}}}}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        ),
    );
    t.write(
        "deep/parens.tf",
        format!(
            "locals {{\n  p = {}1{}\n}}\n",
            "(".repeat(10_000),
            ")".repeat(10_000)
        ),
    );
    t.write(
        "deep/ok.tf",
        format!(
            "locals {{\n  r = {}\"eu-west-3\"{}\n}}\nresource \"aws_s3_bucket\" \"deep\" {{\n  region = local.r{}\n}}\n",
            "[".repeat(60),
            "]".repeat(60),
            "[0]".repeat(60)
        ),
    );
    let mut big = String::new();
    for i in 0..5000 {
        big.push_str(&format!(
            "resource \"aws_s3_bucket\" \"b{i}\" {{\n  bucket = \"b{i}\"\n}}\n"
        ));
    }
    t.write("big/big.tf", &big);
    t.write(
        "crlf/main.tf",
        "\u{feff}resource \"aws_s3_bucket\" \"crlf\" {\r\n  bucket = \"é\"\r\n}\r\n",
    );
    t.write(
        "syntax/bad.tf",
        "locals {\n  b = \"never closed\n}\nresource \"aws_s3_bucket\" \"u\" {\n",
    );
    t.write(
        "tfvars/vars.tf",
        "variable \"region\" {\n  default = \"eu-west-3\"\n}\nresource \"aws_s3_bucket\" \"v\" {\n  region = var.region\n}\n",
    );
    t.write("tfvars/terraform.tfvars", "region = [\n");
    t.write(
        "mods/main.tf",
        "module \"gone\" {\n  source = \"./nope\"\n}\nmodule \"a\" {\n  source = \"../ma\"\n}\n",
    );
    t.write(
        "ma/main.tf",
        "module \"b\" {\n  source = \"../mb\"\n}\nresource \"aws_s3_bucket\" \"in_a\" {}\n",
    );
    t.write("mb/main.tf", "module \"a\" {\n  source = \"../ma\"\n}\n");
    t.write(
        "each/main.tf",
        format!(
            "resource \"aws_s3_bucket\" \"many\" {{\n  for_each = {{ for s in [{}] : s => s }}\n}}\n",
            (0..20_000).map(|i| format!("\"k{i}\"")).collect::<Vec<_>>().join(", ")
        ),
    );
    t.write(
        "selfref/main.tf",
        "locals {\n  a = local.b\n  b = local.a\n}\nresource \"aws_s3_bucket\" \"s\" {\n  region = local.a\n}\n",
    );
    #[cfg(unix)]
    {
        t.symlink(".", "links/loop");
        t.symlink("b", "links/a");
        t.symlink("a", "links/b");
        t.symlink("..", "g1/up");
    }
    let reports = |threads: &str| -> (String, String) {
        let c = t.run(&["check", ".", "--format", "json", "--threads", threads]);
        c.assert_sane();
        assert_eq!(c.code, 1, "{}", c.stderr);
        let i = t.run(&["inventory", ".", "--format", "json", "--threads", threads]);
        i.assert_sane();
        assert_eq!(i.code, 0, "{}", i.stderr);
        (c.stdout, i.stdout)
    };
    let (check1, inv1) = reports("1");
    let v: Value = serde_json::from_str(&check1).unwrap();
    assert!(crc000_files(&v).len() >= 8, "{:#}", v["findings"]);
    let inv: Value = serde_json::from_str(&inv1).unwrap();
    for file in ["main.tf", "g1/main.tf", "g2/main.tf"] {
        placed_in_paris_in(&inv, "aws_s3_bucket.good", Some(file));
    }
    for run in 0..2 {
        let (check8, inv8) = reports("8");
        assert!(
            check1 == check8,
            "check report differs (run {run}):\n{}",
            first_difference(&check1, &check8)
        );
        assert!(
            inv1 == inv8,
            "inventory differs (run {run}):\n{}",
            first_difference(&inv1, &inv8)
        );
    }
}

fn first_difference(a: &str, b: &str) -> String {
    for (i, (x, y)) in a.lines().zip(b.lines()).enumerate() {
        if x != y {
            return format!("line {}:\n  --threads 1: {x}\n  --threads 8: {y}", i + 1);
        }
    }
    format!("lengths {} and {}", a.len(), b.len())
}

// ----- bounded function results (issue 12) -------------------------------------

/// `format("%65536d", 1)` used to panic, `indent(1000000000, "x\ny")` took
/// 2.9 GB and a list doubling through `concat` in 30 locals aborted on
/// allocation: each is now a CRC003 naming the bound, in little memory, and
/// the rest of the tree is still checked.
#[test]
fn function_results_are_bounded_and_named_in_crc003() {
    let t = Tree::new("function-bounds");
    t.tiered();
    let mut doubling = String::from("locals {\n  e0 = [\"eu-west-3\"]\n");
    for i in 1..=30 {
        doubling.push_str(&format!(
            "  e{i} = concat(local.e{}, local.e{})\n",
            i - 1,
            i - 1
        ));
    }
    doubling.push_str("}\n");
    t.write("doubling.tf", doubling);
    t.write(
        "bounds.tf",
        "resource \"aws_s3_bucket\" \"wide\" {\n  region = format(\"%65536d\", 1)\n}\n\n\
         resource \"aws_s3_bucket\" \"wider\" {\n  region = format(\"%2000000d\", 1)\n}\n\n\
         resource \"aws_s3_bucket\" \"indented\" {\n  region = indent(1000000000, \"x\\ny\")\n}\n\n\
         resource \"aws_s3_bucket\" \"doubled\" {\n  region = local.e30[0]\n}\n",
    );
    let r = t.run_within(&["check", ".", "--format", "json"], QUICK);
    r.assert_sane();
    assert!(
        r.peak_kib < MEMORY_KIB,
        "check peaked at {} MiB",
        r.peak_kib / 1024
    );
    let c = r.json();
    let message = |line: u64| -> String {
        with_code(&c, "CRC003", "bounds.tf")
            .iter()
            .find(|f| f["line"] == line)
            .map(|f| f["message"].as_str().unwrap().to_string())
            .unwrap_or_else(|| panic!("no CRC003 on line {line}: {:#}", c["findings"]))
    };
    // A wide but bounded width (line 2) is a value, not a panic.
    assert!(message(6).contains("1000000"), "{}", message(6));
    assert!(message(10).contains("16777216"), "{}", message(10));
    assert!(message(14).contains("1000000"), "{}", message(14));
    let inv = t.inventory();
    placed_in_paris(&inv, "aws_s3_bucket.good");
}

// ----- bounds of issue 12: tfvars, module instances, reports, threads --------

/// A variable file holds constants: a file function there (which needs a
/// module directory) is unknown, never a panic, whether the file is
/// `terraform.tfvars`, an auto file or `--var-file`.
#[test]
fn file_functions_in_tfvars_are_unknown_not_a_panic() {
    for (i, call) in [
        "abspath(\"x\")",
        "file(\"x\")",
        "fileexists(\"x\")",
        "filebase64(\"x\")",
        "templatefile(\"x\", {})",
        "fileset(\".\", \"*\")",
    ]
    .iter()
    .enumerate()
    {
        let t = Tree::new(&format!("tfvars-file-fn-{i}"));
        t.write("variables.tf", "variable \"region\" {}\n");
        t.write(
            "regional.tf",
            "provider \"aws\" {\n  alias  = \"r\"\n  region = var.region\n}\n\n\
             resource \"aws_s3_bucket\" \"r\" {\n  provider = aws.r\n}\n",
        );
        t.write("terraform.tfvars", format!("region = {call}\n"));
        t.write("extra.tfvars", format!("region = {call}\n"));
        t.write("b.auto.tfvars", format!("region = {call}\n"));
        let c = t.check();
        assert!(crc000_files(&c).is_empty(), "{call}: {:#}", c["findings"]);
        good_survives(&t.inventory());
        let c = t.check_args(&["--var-file", "extra.tfvars"]);
        assert!(crc000_files(&c).is_empty(), "{call}: {:#}", c["findings"]);
        good_survives(&t.inventory_args(&["--var-file", "extra.tfvars"]));
    }
}

/// `w = a.a.a...` with 250,000 steps overflowed the stack (when the
/// variable file was copied for its root module). A traversal is bounded as
/// nesting is: past 20,000 steps, a CRC000 at the place.
#[test]
fn a_250000_step_traversal_in_tfvars_is_an_error_not_a_stack_overflow() {
    let t = Tree::new("long-traversal");
    let long = format!("a{}", ".a".repeat(250_000));
    t.write("variables.tf", "variable \"w\" {\n  default = 1\n}\n");
    t.write("terraform.tfvars", format!("w = {long}\n"));
    t.write("x.tfvars", format!("w = {long}\n"));
    t.write("locals.tf", format!("locals {{\n  w = {long}[0]\n}}\n"));
    for extra in [&[][..], &["--var-file", "x.tfvars"][..]] {
        let c = t.check_args(extra);
        for file in ["terraform.tfvars", "locals.tf"] {
            let f = crc000(&c, file);
            assert!(
                f["message"]
                    .as_str()
                    .unwrap()
                    .contains("traversal too long: more than 20000 steps"),
                "{f:#}"
            );
        }
        good_survives(&t.inventory_args(extra));
    }
    // Just under the bound is read.
    let t = Tree::new("long-traversal-ok");
    t.write(
        "locals.tf",
        format!("locals {{\n  w = a{}\n}}\n", ".a".repeat(19_999)),
    );
    let c = t.check();
    assert!(crc000_files(&c).is_empty(), "{:#}", c["findings"]);
}

/// A module call read whole (`length(module.a)`) by each of 4,000
/// instances of another call: built once, not once per reader (4,000 × 4,000
/// objects of 4 outputs are 10^8 values: over a minute, and the step bound
/// then left the last readers unknown). Every reader is placed.
#[test]
fn a_module_call_read_whole_by_many_instances_is_built_once() {
    let t = Tree::new("module-whole");
    t.write(
        "calls.tf",
        "module \"a\" {\n  source = \"./a\"\n  count  = 4000\n}\n\n\
         module \"b\" {\n  source = \"./b\"\n  count  = 4000\n  region = length(module.a) == 4000 ? \"eu-west-3\" : \"none\"\n}\n",
    );
    t.write(
        "a/main.tf",
        "output \"region\" {\n  value = \"eu-west-3\"\n}\n\noutput \"name\" {\n  value = \"a\"\n}\n\n\
         output \"id\" {\n  value = 1\n}\n\noutput \"arn\" {\n  value = \"arn\"\n}\n",
    );
    t.write(
        "b/main.tf",
        "variable \"region\" {}\n\nresource \"aws_s3_bucket\" \"x\" {\n  region = var.region\n}\n",
    );
    let r = t.run_within(&["inventory", ".", "--format", "json"], QUICK);
    r.assert_sane();
    let inv = r.json();
    let placed: Vec<&Value> = inv["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["address"].as_str().unwrap().starts_with("module.b["))
        .collect();
    assert_eq!(placed.len(), 4000);
    let wrong: Vec<&&Value> = placed
        .iter()
        .filter(|r| r["regions"] != serde_json::json!(["eu-west-3"]))
        .collect();
    assert!(
        wrong.is_empty(),
        "{} not in eu-west-3, first: {:#}",
        wrong.len(),
        wrong[0]
    );
}

/// 10,000 instances whose input reads their own call whole (`v = module.m`,
/// an output of which reads `var.v`): a cycle Terraform refuses. Each
/// instance rebuilt the whole call through the cycle guards (35 s); the
/// cycle is now found once, and the rest of the tree is still placed.
#[test]
fn a_module_call_whose_inputs_read_it_whole_is_a_cycle_found_once() {
    let t = Tree::new("module-whole-cycle");
    t.write(
        "calls.tf",
        "module \"m\" {\n  source = \"./m\"\n  count  = 10000\n  v      = module.m\n}\n\n\
         resource \"aws_s3_bucket\" \"good\" {\n  region = \"eu-west-3\"\n}\n",
    );
    t.write(
        "m/main.tf",
        "variable \"v\" {}\n\noutput \"o\" {\n  value = var.v\n}\n\n\
         output \"p\" {\n  value = \"eu-west-3\"\n}\n\n\
         resource \"aws_s3_bucket\" \"x\" {\n  region = var.v[0].p\n}\n",
    );
    let r = t.run_within(&["inventory", ".", "--format", "json"], QUICK);
    r.assert_sane();
    let inv = r.json();
    let good = resource_in(&inv, "aws_s3_bucket.good", None);
    assert_eq!(
        good["regions"],
        serde_json::json!(["eu-west-3"]),
        "{good:#}"
    );
    // Every instance alike, the one whose input was read first too.
    for address in [
        "module.m[0].aws_s3_bucket.x",
        "module.m[999].aws_s3_bucket.x",
    ] {
        let inner = resource_in(&inv, address, None);
        let why = inner["unresolved"].to_string();
        assert!(why.contains("refers to itself"), "{inner:#}");
    }
}

/// 10,000 instances of a resource that reads itself whole: a self-reference
/// Terraform refuses, found once instead of once per instance (6.8 s).
#[test]
fn a_resource_read_whole_by_its_own_instances_is_a_cycle_found_once() {
    let t = Tree::new("resource-whole-cycle");
    t.write(
        "main.tf",
        "resource \"aws_s3_bucket\" \"x\" {\n  count  = 10000\n  bucket = \"b\"\n  region = aws_s3_bucket.x[*].bucket[0]\n}\n\n\
         resource \"aws_s3_bucket\" \"good\" {\n  region = \"eu-west-3\"\n}\n",
    );
    let r = t.run_within(&["inventory", ".", "--format", "json"], QUICK);
    r.assert_sane();
    let inv = r.json();
    placed_in_paris(&inv, "aws_s3_bucket.good");
    for address in ["aws_s3_bucket.x[0]", "aws_s3_bucket.x[9999]"] {
        let x = resource_in(&inv, address, None);
        assert!(
            x["unresolved"].to_string().contains("refers to itself"),
            "{x:#}"
        );
    }
}

/// Three levels of `count = 1e12` modules asked for 10^36 instances and hung;
/// a module that calls itself with an argument that refers to itself too.
/// Module instances are bounded per root module, and the bound is named.
#[test]
fn nested_module_counts_are_bounded_and_say_so() {
    let t = Tree::new("module-counts");
    t.write(
        "calls.tf",
        "module \"a\" {\n  source = \"./m1\"\n  count  = 1e12\n}\n\n\
         module \"s\" {\n  source = \"./self\"\n  count  = 1e12\n  n      = 1\n}\n",
    );
    t.write(
        "m1/main.tf",
        "module \"b\" {\n  source = \"../m2\"\n  count  = 1e12\n}\n",
    );
    t.write(
        "m2/main.tf",
        "resource \"aws_s3_bucket\" \"x\" {\n  bucket = \"x\"\n}\n",
    );
    t.write(
        "self/main.tf",
        "variable \"n\" {}\n\nmodule \"self\" {\n  source = \"../self\"\n  count  = 1e12\n  n      = module.self[0].x\n}\n\n\
         output \"x\" {\n  value = var.n\n}\n",
    );
    let r = t.run_within(&["check", ".", "--format", "json"], QUICK);
    r.assert_sane();
    assert!(
        r.peak_kib < MEMORY_KIB,
        "peaked at {} MiB",
        r.peak_kib / 1024
    );
    let c = r.json();
    let bound = findings(&c).iter().any(|f| {
        f["code"] == "CRC003"
            && f["message"]
                .as_str()
                .unwrap()
                .contains("past the bound of 10000 module instances in one root module")
    });
    assert!(
        bound,
        "no CRC003 names the module bound: {:#}",
        c["findings"]
    );
    let count = findings(&c).iter().any(|f| {
        f["code"] == "CRC003"
            && f["message"]
                .as_str()
                .unwrap()
                .contains("count = 1e12 gives 1000000000000 instances: only the first 10000")
    });
    assert!(count, "{:#}", c["findings"]);
    let r = t.run_within(&["inventory", ".", "--format", "json"], QUICK);
    r.assert_sane();
    let r = t.run_within(&["inventory", ".", "--format", "json"], QUICK);
    r.assert_sane();
    good_survives(&r.json());
}

/// miette pads a label to its column with a 16-bit width: a label at column
/// 65,536 or beyond panicked, in a configuration file and in a `.tf` file
/// (human format). The place is named without a snippet.
#[test]
fn an_error_past_column_65536_is_reported_without_a_panic() {
    let t = Tree::new("wide-config");
    t.write(
        "cercle.toml",
        format!("default_tier = \"{}\" nonsense\n", "x".repeat(70_000)),
    );
    let r = t.run(&["check", "."]);
    r.assert_sane();
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("cercle.toml:1:"), "{}", r.stderr);
    assert!(r.stderr.len() < 10_000, "the long line is not printed");

    let t = Tree::new("wide-tf");
    t.write(
        "wide.tf",
        format!("locals {{\n  w = \"{}\" + + }}\n", "x".repeat(70_000)),
    );
    for args in [&["check", ".", "--no-color"][..], &["check", "."][..]] {
        let r = t.run(args);
        r.assert_sane();
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert!(
            r.stdout
                .contains("wide.tf:2:70012: the line is too long to show"),
            "{}",
            r.stdout.chars().take(3000).collect::<String>()
        );
        assert!(r.stdout.len() < 20_000, "the long line is not printed");
    }
    // Just under the bound, the snippet is drawn.
    let t = Tree::new("wide-tf-ok");
    t.write(
        "wide.tf",
        format!("locals {{\n  w = \"{}\" + + }}\n", "x".repeat(9_000)),
    );
    let r = t.run(&["check", ".", "--no-color"]);
    r.assert_sane();
    assert!(r.stdout.contains("╭─[wide.tf:2:"), "{}", r.stdout.len());
}

/// `--threads 100000` panicked and `--threads 4000` took over a minute: the
/// count is capped at 4 per core (at most 256), with a message on stderr,
/// and the reports are those of any other count.
#[test]
fn threads_are_capped_with_a_message() {
    let t = Tree::new("threads-cap");
    for n in ["100000", "4000"] {
        let r = t.run_within(&["check", ".", "--format", "json", "--threads", n], QUICK);
        r.assert_sane();
        assert!(
            r.stderr
                .contains(&format!("--threads {n} is more than this machine can use")),
            "{}",
            r.stderr
        );
        let i = t.run_within(
            &["inventory", ".", "--format", "json", "--threads", n],
            QUICK,
        );
        i.assert_sane();
        good_survives(&i.json());
    }
    let r = t.run(&["check", ".", "--format", "json", "--threads", "1"]);
    assert!(!r.stderr.contains("more than this machine"), "{}", r.stderr);
}

/// A pull request that adds `leak.tf -> ~/.ssh/id_rsa` got the first lines
/// of the key printed in the human report; a directory symlink to `/proc`
/// hung the walk. A symbolic link (or a module `source`) whose target lies
/// outside the repository is never read and never printed: a CRC003 names
/// the link. Symlinks inside the repository still work; a FIFO is never read.
#[cfg(unix)]
#[test]
fn symlinks_outside_the_repository_are_not_read() {
    let t = Tree::new("fence");
    let secret = t.root.join("outside");
    fs::create_dir_all(&secret).unwrap();
    fs::write(
        secret.join("id_rsa"),
        "-----BEGIN OPENSSH PRIVATE KEY-----\nSECRETKEYMATERIAL\n",
    )
    .unwrap();
    fs::write(
        secret.join("main.tf"),
        "resource \"aws_s3_bucket\" \"outside\" {\n  bucket = \"SECRETKEYMATERIAL\"\n}\n",
    )
    .unwrap();
    let outside = secret.to_str().unwrap().to_string();
    t.symlink(&format!("{outside}/id_rsa"), "leak.tf");
    t.symlink(&format!("{outside}/id_rsa"), "sub/leak.tf");
    t.symlink(&outside, "outdir");
    t.symlink("/proc", "proc");
    t.symlink("/proc/self", "procself");
    // An ancestor: a loop (CRC000), not followed either.
    t.symlink("..", "parent");
    t.symlink(".", "itself");
    t.write(
        "calls.tf",
        "module \"out\" {\n  source = \"../outside\"\n}\n\nmodule \"sub\" {\n  source = \"./sub\"\n}\n",
    );
    // Inside the repository: followed.
    t.write(
        "real/inner.tf",
        "resource \"aws_s3_bucket\" \"inner\" {\n  bucket = \"i\"\n}\n",
    );
    t.symlink("real", "linked");
    t.symlink("../main.tf", "sub/main.tf");
    let fifo = t.path("pipe.tf");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    if made {
        t.symlink("pipe.tf", "pipelink.tf");
    }
    for format in ["human", "json", "sarif", "github", "junit"] {
        let r = t.run_within(&["check", ".", "--format", format], QUICK);
        r.assert_sane();
        assert!(
            !r.stdout.contains("SECRETKEYMATERIAL") && !r.stderr.contains("SECRETKEYMATERIAL"),
            "{format}: a file outside the repository was printed:\n{}",
            r.stdout
        );
        assert!(!r.stdout.contains("PRIVATE KEY"), "{}", r.stdout);
    }
    let c = t.check();
    let skipped = |what: &str| {
        findings(&c)
            .iter()
            .any(|f| f["code"] == "CRC003" && f["message"].as_str().unwrap().contains(what))
    };
    for link in [
        "leak.tf is a symbolic link to a place outside the repository: not read",
        "outdir is a symbolic link",
        "proc is a symbolic link",
        "procself is a symbolic link",
        "source ../outside resolves outside the repository",
    ] {
        assert!(skipped(link), "no CRC003 for {link}: {:#}", c["findings"]);
    }
    let inv = t.inventory();
    good_survives(&inv);
    let addresses: Vec<&str> = resources(&inv)
        .iter()
        .map(|r| r["address"].as_str().unwrap())
        .collect();
    assert!(
        !addresses.contains(&"aws_s3_bucket.outside"),
        "{addresses:?}"
    );
    assert!(addresses.contains(&"aws_s3_bucket.inner"), "{addresses:?}");
    assert!(
        addresses.contains(&"module.sub.aws_s3_bucket.good"),
        "a symlink inside the repository is read: {addresses:?}"
    );
}

/// Evaluation steps are bounded per expression: a `for` inside a `for` over
/// 3,000 × 3,000 elements (9 million steps) is cut at 4,000,000 steps, its
/// value is unknown, and a CRC003 names the expression and the bound. A
/// string built by a template is bounded as function results are (16 MiB).
#[test]
fn evaluation_steps_and_template_strings_are_bounded_and_named() {
    let t = Tree::new("step-budget");
    t.tiered();
    t.write(
        "steps.tf",
        "locals {\n  grid = [for x in range(3000) : [for y in range(3000) : y]]\n\
         \x20 big  = join(\"\", [for i in range(500000) : \"abcdefghijklmnopqrst\"])\n}\n\n\
         resource \"aws_s3_bucket\" \"grid\" {\n  region = local.grid[0][0]\n}\n\n\
         resource \"aws_s3_bucket\" \"long\" {\n  region = \"${local.big}${local.big}\"\n}\n",
    );
    let r = t.run_within(&["check", ".", "--format", "json"], QUICK);
    r.assert_sane();
    assert!(
        r.peak_kib < MEMORY_KIB,
        "check peaked at {} MiB",
        r.peak_kib / 1024
    );
    let c = r.json();
    let crc003 = with_code(&c, "CRC003", "steps.tf");
    let on = |line: u64| -> Vec<String> {
        crc003
            .iter()
            .filter(|f| f["line"] == line)
            .map(|f| f["message"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(
        on(2).iter().any(|m| m.contains("[for x in range(3000)")
            && m.contains("more than 4000000 evaluation steps, the bound for one expression")),
        "{:#}",
        c["findings"]
    );
    assert!(
        on(11).iter().any(|m| m.contains("16777216")),
        "{:#}",
        c["findings"]
    );
    placed_in_paris(&t.inventory(), "aws_s3_bucket.good");
}

#[test]
fn large_function_values_are_charged_to_the_step_bound() {
    // Each of 40 module instances returns `range(1000000)`, and the root
    // reads them all: 40 million elements. Charged one step per element
    // made, the root's bound (10,000,000 steps) stops it and says so; before,
    // a call counted as one step and such roots held gigabytes (fuzz_pipeline
    // seed 20261208 case 20113: 7 GB).
    let t = Tree::new("big-values");
    t.write(
        "main.tf",
        "module \"m\" {\n  source = \"./m\"\n  count  = 40\n}\n\n\
         locals {\n  sizes = [for x in module.m : length(x.o)]\n}\n\n\
         resource \"aws_s3_bucket\" \"b\" {\n  region = sum(local.sizes) > 0 ? \"eu-west-3\" : \"eu-west-1\"\n}\n",
    );
    t.write("m/main.tf", "output \"o\" {\n  value = range(1000000)\n}\n");
    let r = t.run_within(&["check", ".", "--format", "json"], QUICK);
    r.assert_sane();
    let check = r.json();
    let bound: Vec<&Value> = findings(&check)
        .iter()
        .filter(|f| {
            f["message"]
                .as_str()
                .unwrap()
                .contains("evaluation steps, the bound for one root module")
        })
        .collect();
    assert_eq!(bound.len(), 1, "{check}");
    if r.peak_kib > 0 {
        assert!(r.peak_kib < 1_000_000, "peak {} KiB", r.peak_kib);
    }
}
