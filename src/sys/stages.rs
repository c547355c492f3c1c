//! Stage marks for measuring a run: with `CERCLE_STAGES` set in the
//! environment, each mark prints to stderr the time since the first mark and
//! the process's resident memory (now and at its peak, from
//! `/proc/self/status`). Without it, a mark costs one environment lookup.
//!
//! For benchmarks and profiling only (benches/README.md): the reports never
//! depend on it.

use std::sync::OnceLock;
use std::time::Instant;

/// Prints `name`, the time since the first mark and the memory, when
/// `CERCLE_STAGES` is set.
pub fn mark(name: &str) {
    static ON: OnceLock<Option<Instant>> = OnceLock::new();
    let Some(start) = ON.get_or_init(|| std::env::var_os("CERCLE_STAGES").map(|_| Instant::now()))
    else {
        return;
    };
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |key: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .map(|v| v.trim().to_string())
            .unwrap_or_else(|| "?".into())
    };
    eprintln!(
        "{:>8.3}s  {:<22} rss {:>10}  peak {:>10}",
        start.elapsed().as_secs_f64(),
        name,
        field("VmRSS:"),
        field("VmHWM:")
    );
}
