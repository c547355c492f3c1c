//! End-to-end benchmark of `cercle::analyse` + the inventory JSON report on a
//! generated corpus (see `benches/README.md`).
//!
//! ```sh
//! CARGO_TARGET_DIR=/tmp/target-bench cargo bench --bench inventory
//! CARGO_TARGET_DIR=/tmp/target-bench cargo bench --bench inventory -- --generate-only /tmp/corpus
//! ```
//!
//! No harness, no external crate: `std::time::Instant`, medians of a few runs.

mod corpus;

use cercle::catalogue::Catalogue;
use cercle::report::inventory;
use cercle::{Analysis, Options};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const TARGET_WALL_2T: f64 = 1.0; // seconds, 30 MB, 2 threads
const TARGET_RSS_MB: f64 = 250.0;
const TARGET_SPEEDUP: f64 = 1.7;

struct Args {
    dir: PathBuf,
    generate_only: bool,
    /// Reuse the corpus in `dir` if its stamp matches.
    reuse: bool,
    iters: usize,
    roots: usize,
    cli: bool,
    stages: bool,
    /// Hidden: run analyse + render once with N threads and print VmHWM.
    child: Option<usize>,
}

fn env_usize(name: &str) -> Option<usize> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

fn usage() -> ! {
    eprintln!(
        "usage: inventory [--generate-only [DIR]] [--dir DIR] [--reuse] [--iters N] [--roots N] [--no-cli] [--no-stages]\n\
         env: CERCLE_BENCH_DIR, CERCLE_BENCH_ITERS, CERCLE_BENCH_ROOTS"
    );
    std::process::exit(2)
}

fn parse_args() -> Args {
    let mut a = Args {
        dir: std::env::var_os("CERCLE_BENCH_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(corpus::default_dir),
        generate_only: false,
        reuse: false,
        iters: env_usize("CERCLE_BENCH_ITERS").unwrap_or(3).max(1),
        roots: env_usize("CERCLE_BENCH_ROOTS")
            .unwrap_or(corpus::DEFAULT_ROOTS)
            .max(1),
        cli: true,
        stages: true,
        child: None,
    };
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    let value = |i: &mut usize| -> String {
        *i += 1;
        argv.get(*i).cloned().unwrap_or_else(|| usage())
    };
    while i < argv.len() {
        match argv[i].as_str() {
            // Passed by `cargo bench`.
            "--bench" => {}
            "--generate-only" => {
                a.generate_only = true;
                if let Some(d) = argv.get(i + 1).filter(|d| !d.starts_with("--")) {
                    a.dir = PathBuf::from(d);
                    i += 1;
                }
            }
            "--dir" => a.dir = PathBuf::from(value(&mut i)),
            "--reuse" => a.reuse = true,
            "--iters" => a.iters = value(&mut i).parse().unwrap_or_else(|_| usage()),
            "--roots" => a.roots = value(&mut i).parse().unwrap_or_else(|_| usage()),
            "--no-cli" => a.cli = false,
            "--no-stages" => a.stages = false,
            "--child-run" => a.child = Some(value(&mut i).parse().unwrap_or_else(|_| usage())),
            "-h" | "--help" => usage(),
            // Filters given by `cargo bench -- NAME`: nothing to filter.
            other if !other.starts_with('-') => {}
            _ => usage(),
        }
        i += 1;
    }
    a
}

fn main() {
    let args = parse_args();
    if let Some(threads) = args.child {
        child_run(&args.dir, threads);
        return;
    }
    let cfg = corpus::Config {
        roots: args.roots,
        ..corpus::Config::default()
    };

    // 1. The corpus.
    let stats = if args.reuse && corpus_matches(&args.dir, &cfg) {
        println!("corpus: reusing {}", args.dir.display());
        measure_corpus(&args.dir)
    } else {
        let t = Instant::now();
        let s = corpus::generate(&args.dir, &cfg).unwrap_or_else(|e| {
            eprintln!("cannot generate the corpus in {}: {e}", args.dir.display());
            std::process::exit(1)
        });
        println!(
            "corpus: generated {} in {:.2}s (seed {:#x})",
            args.dir.display(),
            t.elapsed().as_secs_f64(),
            cfg.seed
        );
        s
    };
    println!(
        "corpus: {} root modules, {} shared modules, {} .tf files + {} .tfvars = {} files, {:.1} MB ({:.1} MB of .tf), file sizes {} B..{} B{}",
        stats.roots,
        stats.modules,
        stats.tf_files,
        stats.tfvars_files,
        stats.files(),
        mb(stats.bytes),
        mb(stats.tf_bytes),
        stats.min_file,
        stats.max_file,
        if stats.resource_blocks > 0 {
            format!(
                ", {} resource blocks, {} module calls",
                stats.resource_blocks, stats.module_calls
            )
        } else {
            String::new()
        },
    );
    if args.generate_only {
        println!(
            "\nTime the CLI with, e.g.:\n  /usr/bin/time -v {} inventory {} --format json --threads 2 > /dev/null",
            cli_binary()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| "cercle".into()),
            args.dir.display()
        );
        return;
    }

    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    println!("machine: {cores} cores; load average before: {}", loadavg());
    let cat = Catalogue::builtin();
    let mut configs: Vec<(String, Option<usize>)> =
        vec![("1 thread".into(), Some(1)), ("2 threads".into(), Some(2))];
    configs.push((format!("all cores ({cores})"), None));

    // Warm-up: page cache, allocator, and a sanity check of the corpus.
    let warm = run_once(&args.dir, None, cat);
    describe(&warm.summary);
    let reference = warm.json;

    println!(
        "\n== library: cercle::analyse + report::inventory::json, {} iterations, median ==",
        args.iters
    );
    println!(
        "{:<16} {:>9} {:>9} {:>9} {:>9} {:>10} {:>8} {:>10}",
        "threads", "wall s", "analyse", "render", "drop", "files/s", "MB/s", "resources"
    );
    let mut medians: BTreeMap<String, f64> = BTreeMap::new();
    let wall_of = |label: &str, threads: Option<usize>| -> f64 {
        let mut samples = Vec::new();
        for _ in 0..args.iters {
            let r = run_once(&args.dir, threads, cat);
            assert!(
                r.json == reference,
                "the inventory JSON with {label} differs from the warm-up run's (all cores)"
            );
            samples.push(r.times);
        }
        let med = |f: fn(&Times) -> f64| median(samples.iter().map(f).collect());
        let wall = med(|t| t.wall);
        println!(
            "{:<16} {:>9.3} {:>9.3} {:>9.3} {:>9.3} {:>10.0} {:>8.1} {:>10}",
            label,
            wall,
            med(|t| t.analyse),
            med(|t| t.render),
            med(|t| t.drop),
            stats.files() as f64 / wall,
            mb(stats.bytes) / wall,
            samples[0].resources,
        );
        wall
    };
    for (label, threads) in &configs {
        let w = wall_of(label, *threads);
        medians.insert(label.clone(), w);
    }
    println!(
        "JSON outputs: identical (length and hash) across 1 thread, 2 threads and all cores ({} bytes)",
        reference.0
    );
    let t1 = medians["1 thread"];
    let t2 = medians["2 threads"];
    let speedup = t1 / t2;
    println!("speed-up t1/t2: {speedup:.2}x");

    // Peak memory of the library path, one child process per thread count.
    println!("\n== peak memory (VmHWM), library path in a child process ==");
    let mut peak_lib = 0.0f64;
    for threads in [1usize, 2] {
        match child_hwm(&args.dir, threads) {
            Some(kb) => {
                peak_lib = peak_lib.max(kb as f64 / 1024.0);
                println!("{threads} thread(s): {:.1} MB", kb as f64 / 1024.0)
            }
            None => println!("{threads} thread(s): unavailable (no /proc/self/status?)"),
        }
    }

    // The CLI binary, as a user runs it.
    let mut cli_peak: Option<f64> = None;
    let mut cli_t2: Option<f64> = None;
    let mut cli_t1: Option<f64> = None;
    if args.cli {
        println!("\n== CLI: cercle inventory DIR --format json --threads N ==");
        match cli_binary() {
            None => println!(
                "skipped: no cercle binary next to the bench executable (build it with `cargo build --release`)"
            ),
            Some(bin) => {
                println!("binary: {}", bin.display());
                let mut outputs = Vec::new();
                for threads in [1usize, 2] {
                    let out = std::env::temp_dir().join(format!(
                        "cercle-bench-cli-{}-t{threads}.json",
                        std::process::id()
                    ));
                    let mut walls = Vec::new();
                    let mut rss = Vec::new();
                    for _ in 0..args.iters {
                        match run_cli(&bin, &args.dir, threads, &out) {
                            Ok((w, r)) => {
                                walls.push(w);
                                if let Some(r) = r {
                                    rss.push(r);
                                }
                            }
                            Err(e) => {
                                println!("{threads} thread(s): failed: {e}");
                                break;
                            }
                        }
                    }
                    if walls.is_empty() {
                        continue;
                    }
                    let w = median(walls);
                    let r = rss
                        .iter()
                        .cloned()
                        .fold(None, |a: Option<f64>, b| Some(a.map_or(b, |a| a.max(b))));
                    println!(
                        "{threads} thread(s): wall {w:.3}s (median), peak RSS {}",
                        r.map(|r| format!("{r:.1} MB"))
                            .unwrap_or_else(|| "unavailable".into())
                    );
                    if let Some(r) = r {
                        cli_peak = Some(cli_peak.map_or(r, |p| p.max(r)));
                    }
                    if threads == 2 {
                        cli_t2 = Some(w);
                    } else {
                        cli_t1 = Some(w);
                    }
                    outputs.push(out);
                }
                if outputs.len() == 2 {
                    let a = std::fs::read(&outputs[0]).unwrap_or_default();
                    let b = std::fs::read(&outputs[1]).unwrap_or_default();
                    println!(
                        "CLI JSON, 1 vs 2 threads: {} ({} bytes)",
                        if a == b && !a.is_empty() {
                            "byte-identical"
                        } else {
                            "DIFFERENT"
                        },
                        a.len()
                    );
                    assert!(a == b, "the CLI's JSON differs between 1 and 2 threads");
                }
                for o in outputs {
                    let _ = std::fs::remove_file(o);
                }
            }
        }
    }

    if args.stages {
        stages(&args.dir, cat);
    }

    println!(
        "\nload average after: {} (other work on the machine skews the figures)",
        loadavg()
    );

    // Verdict.
    println!("\n== targets ({:.1} MB corpus) ==", mb(stats.bytes));
    let verdict = |ok: bool| if ok { "ok" } else { "MISSED" };
    println!(
        "wall, 2 threads (library)   {t2:.3}s  target < {TARGET_WALL_2T}s   {}",
        verdict(t2 < TARGET_WALL_2T)
    );
    if let Some(w) = cli_t2 {
        println!(
            "wall, 2 threads (CLI)       {w:.3}s  target < {TARGET_WALL_2T}s   {}",
            verdict(w < TARGET_WALL_2T)
        );
    }
    let peak = cli_peak.unwrap_or(peak_lib);
    println!(
        "peak memory ({})  {peak:.1} MB  target < {TARGET_RSS_MB} MB  {}",
        if cli_peak.is_some() {
            "CLI       "
        } else {
            "library   "
        },
        verdict(peak < TARGET_RSS_MB)
    );
    println!(
        "speed-up t1/t2 (library)    {speedup:.2}x   target >= {TARGET_SPEEDUP}x  {}",
        verdict(speedup >= TARGET_SPEEDUP)
    );
    // The library figure includes the drop of the analysis, which is serial
    // and which the CLI skips (the process exits).
    if let (Some(a), Some(b)) = (cli_t1, cli_t2) {
        let s = a / b;
        println!(
            "speed-up t1/t2 (CLI)        {s:.2}x   target >= {TARGET_SPEEDUP}x  {}",
            verdict(s >= TARGET_SPEEDUP)
        );
    }
    if cores < 2 {
        println!("(only {cores} core: the speed-up cannot be measured meaningfully)");
    }
}

// ---------------------------------------------------------------- library runs

#[derive(Clone, Copy, Default)]
struct Times {
    wall: f64,
    analyse: f64,
    render: f64,
    drop: f64,
    resources: usize,
}

/// A writer that keeps only the length and a hash of what the streamed report
/// writes, as the CLI streams it to stdout (SipHash over whole writes: cheap
/// next to the rendering it measures).
#[derive(Default)]
struct HashSink {
    len: u64,
    hasher: std::collections::hash_map::DefaultHasher,
}

impl HashSink {
    fn finish(&self) -> (u64, u64) {
        use std::hash::Hasher;
        (self.len, self.hasher.finish())
    }
}

impl std::io::Write for HashSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        use std::hash::Hasher;
        self.hasher.write(buf);
        self.len += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

struct Run {
    /// Length and hash of the streamed JSON report.
    json: (u64, u64),
    times: Times,
    summary: Summary,
}

#[derive(Default)]
struct Summary {
    files: usize,
    resources: usize,
    roots: usize,
    modules: usize,
    by_kind: BTreeMap<&'static str, usize>,
    unresolved: BTreeMap<String, usize>,
    findings: BTreeMap<String, usize>,
    /// `size_of::<Resource>()`, bytes of the resource vector (capacity), and
    /// bytes its strings and vectors own on the heap (capacities).
    resource_size: usize,
    resources_inline: usize,
    resources_heap: usize,
    source_bytes: usize,
}

/// The options the CLI uses without a configuration file (its default
/// `tier_tags` included, so that tag tiers are evaluated as by the CLI).
fn options(dir: &Path, threads: Option<usize>) -> Options {
    Options {
        paths: vec![dir.to_path_buf()],
        threads,
        tier_tags: cercle::policy::config::Config::defaults(PathBuf::from(".")).tier_tags,
        ..Options::default()
    }
}

/// One analysis + render + drop, timed; the summary is taken between render
/// and drop, outside the timings.
fn run_once(dir: &Path, threads: Option<usize>, cat: &Catalogue) -> Run {
    let t0 = Instant::now();
    let an = cercle::analyse(&options(dir, threads), cat).expect("analyse");
    let t1 = Instant::now();
    let mut sink = HashSink::default();
    inventory::write_json(&mut sink, &an, &[], &[]).expect("render");
    let json = sink.finish();
    let t2 = Instant::now();
    let summary = summarise(&an);
    let t3 = Instant::now();
    drop(an);
    let t4 = Instant::now();
    Run {
        times: Times {
            wall: ((t2 - t0) + (t4 - t3)).as_secs_f64(),
            analyse: (t1 - t0).as_secs_f64(),
            render: (t2 - t1).as_secs_f64(),
            drop: (t4 - t3).as_secs_f64(),
            resources: summary.resources,
        },
        summary,
        json,
    }
}

fn summarise(an: &Analysis) -> Summary {
    let mut s = Summary {
        files: an.files,
        resources: an.resources.len(),
        roots: an.roots.len(),
        modules: an.modules.len(),
        ..Summary::default()
    };
    s.resource_size = std::mem::size_of::<cercle::Resource>();
    s.resources_inline = an.resources.capacity() * s.resource_size;
    // Shared strings and lists (`Arc`s) are counted once, at their first holder.
    let mut seen: std::collections::HashSet<usize> = Default::default();
    for r in &an.resources {
        let strings = |v: &[String]| v.len() * 24 + v.iter().map(|x| x.capacity()).sum::<usize>();
        let mut shared = |ptr: *const u8, bytes: usize| {
            if seen.insert(ptr as usize) {
                bytes + 16
            } else {
                0
            }
        };
        s.resources_heap += r.address.len()
            + shared(r.ty.as_ptr(), r.ty.len())
            + shared(r.provider.as_ptr(), r.provider.len())
            + shared(r.provider_config.as_ptr(), r.provider_config.len())
            + shared(r.regions.as_ptr().cast(), strings(&r.regions))
            + r.endpoint.as_ref().map_or(0, |e| e.len())
            + r.unresolved.as_ref().map_or(0, |u| u.what.capacity())
            + shared(
                r.origins.as_ptr().cast(),
                r.origins.len() * std::mem::size_of::<cercle::findings::Related>()
                    + r.origins
                        .iter()
                        .map(|o| o.message.capacity())
                        .sum::<usize>(),
            )
            + shared(r.call_chain.as_ptr().cast(), r.call_chain.len() * 16)
            + r.tag_tier.as_ref().map_or(0, |t| strings(&t.values));
        *s.by_kind.entry(inventory::kind_name(r.kind)).or_default() += 1;
        if let Some(u) = &r.unresolved {
            // Group messages by their shape, not their names.
            let key: String = u
                .what
                .split_whitespace()
                .take(4)
                .collect::<Vec<_>>()
                .join(" ");
            *s.unresolved.entry(key).or_default() += 1;
        }
    }
    s.source_bytes = (0..an.sources.len())
        .map(|i| an.sources.get(i as u32).text.len())
        .sum();
    for f in &an.findings {
        *s.findings.entry(f.code.as_str().to_string()).or_default() += 1;
    }
    s
}

fn describe(s: &Summary) {
    println!(
        "analysis: {} files read, {} modules ({} evaluated as roots), {} resource instances",
        s.files, s.modules, s.roots, s.resources
    );
    let kinds: Vec<String> = s.by_kind.iter().map(|(k, n)| format!("{k} {n}")).collect();
    println!("placement: {}", kinds.join(", "));
    println!(
        "memory held by the analysis (estimate): resources {:.0} MB inline ({} x {} B) + {:.0} MB on the heap; source texts {:.0} MB",
        s.resources_inline as f64 / 1e6,
        s.resources,
        s.resource_size,
        s.resources_heap as f64 / 1e6,
        s.source_bytes as f64 / 1e6
    );
    let unresolved: usize = s.unresolved.values().sum();
    println!("unresolved: {unresolved}");
    let mut top: Vec<_> = s.unresolved.iter().collect();
    top.sort_by(|a, b| b.1.cmp(a.1));
    for (what, n) in top.iter().take(6) {
        println!("  {n:>7}  {what}...");
    }
    let findings: Vec<String> = s.findings.iter().map(|(k, n)| format!("{k} {n}")).collect();
    println!(
        "findings: {}",
        if findings.is_empty() {
            "none".into()
        } else {
            findings.join(", ")
        }
    );
    assert!(
        s.resources > 0,
        "no resource found: the corpus was not analysed"
    );
    assert!(
        !s.findings.contains_key("CRC000"),
        "CRC000 findings: the generated corpus does not parse"
    );
}

fn proc_status(key: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// In a fresh process: analyse, render, and report memory after each step.
fn child_run(dir: &Path, threads: usize) {
    let cat = Catalogue::builtin();
    let base = proc_status("VmHWM:");
    let an = cercle::analyse(&options(dir, Some(threads)), cat).expect("analyse");
    let after_analyse = (proc_status("VmHWM:"), proc_status("VmRSS:"));
    // For heap profilers: stop before the report.
    if std::env::var_os("CERCLE_BENCH_SKIP_RENDER").is_some() {
        println!("VmHWM {}", after_analyse.0);
        return;
    }
    let mut sink = HashSink::default();
    inventory::write_json(&mut sink, &an, &[], &[]).expect("render");
    assert!(sink.len > 0);
    let after_render = (proc_status("VmHWM:"), proc_status("VmRSS:"));
    println!("VmHWM {}", after_render.0);
    println!(
        "detail: at start {:.0} MB; after analyse: peak {:.0} MB, resident {:.0} MB; after render: peak {:.0} MB, resident {:.0} MB (JSON {:.0} MB)",
        base as f64 / 1024.0,
        after_analyse.0 as f64 / 1024.0,
        after_analyse.1 as f64 / 1024.0,
        after_render.0 as f64 / 1024.0,
        after_render.1 as f64 / 1024.0,
        sink.len as f64 / 1e6,
    );
}

fn child_hwm(dir: &Path, threads: usize) -> Option<u64> {
    let exe = std::env::current_exe().ok()?;
    let out = Command::new(exe)
        .arg("--child-run")
        .arg(threads.to_string())
        .arg("--dir")
        .arg(dir)
        .stderr(Stdio::inherit())
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    if let Some(d) = text.lines().find_map(|l| l.strip_prefix("detail: ")) {
        println!("  {threads} thread(s), {d}");
    }
    text.lines()
        .find_map(|l| l.strip_prefix("VmHWM "))
        .and_then(|v| v.trim().parse().ok())
        .filter(|v| *v > 0)
}

// ---------------------------------------------------------------- CLI runs

/// `target/<profile>/cercle`, next to the `deps/` directory of this bench.
fn cli_binary() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let bin = exe.parent()?.parent()?.join("cercle");
    bin.is_file().then_some(bin)
}

/// Wall seconds and peak RSS in MB (from `/usr/bin/time -v` when present).
fn run_cli(
    bin: &Path,
    dir: &Path,
    threads: usize,
    out: &Path,
) -> Result<(f64, Option<f64>), String> {
    let time = Path::new("/usr/bin/time");
    let mut cmd = if time.is_file() {
        let mut c = Command::new(time);
        c.arg("-v").arg(bin);
        c
    } else {
        Command::new(bin)
    };
    cmd.arg("inventory")
        .arg(dir)
        .arg("--format")
        .arg("json")
        .arg("--threads")
        .arg(threads.to_string())
        .stdout({
            // A new file each run: truncating the last run's 291 MB report
            // makes ext4 flush it when this one is closed (auto_da_alloc),
            // a cost of the file system, not of cercle.
            let _ = std::fs::remove_file(out);
            std::fs::File::create(out).map_err(|e| e.to_string())?
        })
        .stderr(Stdio::piped());
    let t = Instant::now();
    let o = cmd.output().map_err(|e| e.to_string())?;
    let wall = t.elapsed().as_secs_f64();
    if !o.status.success() {
        return Err(format!(
            "exit status {}: {}",
            o.status,
            String::from_utf8_lossy(&o.stderr)
        ));
    }
    let stderr = String::from_utf8_lossy(&o.stderr);
    let rss = stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes):"))
        .and_then(|v| v.trim().parse::<f64>().ok())
        .map(|kb| kb / 1024.0);
    Ok((wall, rss))
}

// ---------------------------------------------------------------- stages

/// Times the public stages separately: discovery, reading, parsing (hcl-edit
/// alone, the fast parser alone, then `parse::hcl::parse_body`: the fast
/// parser with its hcl-edit fallback), `load` (read + parse +
/// source map), and the whole `analyse`; the difference is assembly,
/// evaluation and placement. Also times what the library figures leave out
/// and the CLI does: the tier stage (`check`).
fn stages(dir: &Path, cat: &Catalogue) {
    use rayon::prelude::*;
    println!("\n== stages (median of 3) ==");
    println!(
        "{:<8} {:>9} {:>9} {:>10} {:>10} {:>10} {:>9} {:>9} {:>13} {:>9} {:>9} {:>9}",
        "threads",
        "discover",
        "read",
        "hcl-edit",
        "fast",
        "parse+conv",
        "load",
        "analyse",
        "assemble+eval",
        "render",
        "drop",
        "check"
    );
    let config = cercle::policy::config::Config::defaults(PathBuf::from("."));
    let packs = cercle::check::load_packs(&[], &config, cat).expect("built-in packs");
    let mut speeds = Vec::new();
    for threads in [1usize, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .stack_size(64 << 20)
            .build()
            .unwrap();
        let mut rows: Vec<[f64; 11]> = Vec::new();
        let mut hcl_bytes = 0usize;
        for _ in 0..3 {
            let mut row = [0.0; 11];
            let t = Instant::now();
            let disc = cercle::discover::discover(&[dir.to_path_buf()], &|_| false);
            row[0] = secs(t.elapsed());
            let paths: Vec<PathBuf> = disc.files.iter().map(|f| f.path.clone()).collect();
            let t = Instant::now();
            let texts: Vec<String> = pool.install(|| {
                paths
                    .par_iter()
                    .map(|p| std::fs::read_to_string(p).unwrap_or_default())
                    .collect()
            });
            row[1] = secs(t.elapsed());
            let t = Instant::now();
            let ok = pool.install(|| {
                texts
                    .par_iter()
                    .filter(|s| hcl_edit::parser::parse_body(s).is_ok())
                    .count()
            });
            row[2] = secs(t.elapsed());
            assert_eq!(ok, texts.len(), "hcl-edit rejected a generated file");
            hcl_bytes = texts.iter().map(String::len).sum();
            let t = Instant::now();
            let fast = pool.install(|| {
                texts
                    .par_iter()
                    .enumerate()
                    .filter(|(i, s)| cercle::parse::fast::parse_body(s, *i as u32).is_some())
                    .count()
            });
            row[10] = secs(t.elapsed());
            assert_eq!(
                fast,
                texts.len(),
                "the fast parser declined a generated file"
            );
            let t = Instant::now();
            let ok = pool.install(|| {
                texts
                    .par_iter()
                    .enumerate()
                    .filter(|(i, s)| cercle::parse::hcl::parse_body(s, *i as u32).is_ok())
                    .count()
            });
            row[3] = secs(t.elapsed());
            assert_eq!(ok, texts.len());
            drop(texts);
            let t = Instant::now();
            let mut sources = cercle::source::SourceMap::default();
            let mut findings = Vec::new();
            let cwd = std::env::current_dir().unwrap();
            let parsed = pool.install(|| {
                cercle::parse::load::load(disc.files, &mut sources, &cwd, &mut findings)
            });
            row[4] = secs(t.elapsed());
            drop(parsed);
            drop(sources);
            let t = Instant::now();
            let an = cercle::analyse(&options(dir, Some(threads)), cat).expect("analyse");
            row[5] = secs(t.elapsed());
            row[6] = row[5] - row[0] - row[4];
            let t = Instant::now();
            let mut sink = HashSink::default();
            inventory::write_json(&mut sink, &an, &[], &[]).expect("render");
            row[7] = secs(t.elapsed());
            let t = Instant::now();
            drop(an);
            row[8] = secs(t.elapsed());
            // The tier stage, on the calling thread as in the CLI.
            let mut an = cercle::analyse(&options(dir, Some(threads)), cat).expect("analyse");
            let t = Instant::now();
            let outcome = cercle::check::check(
                &mut an,
                cat,
                &cercle::check::CheckInput {
                    config: &config,
                    packs: &packs,
                    cli_tier: None,
                    strict: false,
                },
            );
            row[9] = secs(t.elapsed());
            drop(outcome);
            drop(an);
            rows.push(row);
        }
        let m: Vec<f64> = (0..11)
            .map(|k| median(rows.iter().map(|r| r[k]).collect()))
            .collect();
        println!(
            "{:<8} {:>9.3} {:>9.3} {:>10.3} {:>10.3} {:>10.3} {:>9.3} {:>9.3} {:>13.3} {:>9.3} {:>9.3} {:>9.3}",
            threads, m[0], m[1], m[2], m[10], m[3], m[4], m[5], m[6], m[7], m[8], m[9]
        );
        if threads == 1 {
            speeds.push(format!(
                "parse speed on 1 thread: hcl-edit {:.0} MB/s, fast parser {:.0} MB/s ({:.1}x), parse+conv {:.0} MB/s",
                mb(hcl_bytes as u64) / m[2],
                mb(hcl_bytes as u64) / m[10],
                m[2] / m[10],
                mb(hcl_bytes as u64) / m[3],
            ));
        }
    }
    for s in speeds {
        println!("{s}");
    }
    println!(
        "(assemble+eval = analyse - discover - load: assembly, evaluation, placement, sorting;"
    );
    println!(
        " check = the tier stage the CLI runs between analyse and render, outside the library figures)"
    );
}

// ---------------------------------------------------------------- helpers

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn corpus_matches(dir: &Path, cfg: &corpus::Config) -> bool {
    std::fs::read_to_string(dir.join(corpus::STAMP)).is_ok_and(|s| s == corpus::stamp_text(cfg))
}

/// Sizes of the `.tf`/`.tfvars` files of an existing corpus.
fn measure_corpus(dir: &Path) -> corpus::Stats {
    let mut s = corpus::Stats::default();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                if d == dir && e.file_name() == "envs" {
                    s.roots = std::fs::read_dir(&p).map(|r| r.count()).unwrap_or(0);
                }
                if d == dir && e.file_name() == "modules" {
                    s.modules = std::fs::read_dir(&p).map(|r| r.count()).unwrap_or(0);
                }
                stack.push(p);
                continue;
            }
            let n = e.metadata().map(|m| m.len()).unwrap_or(0);
            match p.extension().and_then(|x| x.to_str()) {
                Some("tf") => {
                    s.tf_files += 1;
                    s.tf_bytes += n;
                }
                Some("tfvars") => s.tfvars_files += 1,
                _ => continue,
            }
            s.bytes += n;
            s.min_file = if s.min_file == 0 {
                n
            } else {
                s.min_file.min(n)
            };
            s.max_file = s.max_file.max(n);
        }
    }
    s
}
