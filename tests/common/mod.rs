//! Helpers shared by the integration tests: run the built binary, make a
//! scratch directory.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The `cercle` binary cargo built for the tests.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_cercle")
}

/// A fresh, empty directory for one test (`group` names the test file).
pub fn tempdir(group: &str, name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("cercle-{group}-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Runs cercle in `dir` without colours: exit status, stdout, stderr.
pub fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(bin())
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run cercle");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
