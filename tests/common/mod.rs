//! Helpers shared by the integration tests: run the built binary, make a
//! scratch directory.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

/// The `cercle` binary cargo built for the tests.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_cercle")
}

/// A fresh, empty directory of one test, removed when the test is done
/// (also when it fails). It derefs to its `Path`: `d.join(..)`, `run(&d, ..)`.
pub struct Scratch(tempfile::TempDir);

impl std::ops::Deref for Scratch {
    type Target = Path;
    fn deref(&self) -> &Path {
        self.0.path()
    }
}

impl AsRef<Path> for Scratch {
    fn as_ref(&self) -> &Path {
        self.0.path()
    }
}

/// A fresh, empty directory for one test (`group` names the test file,
/// `name` the test: both are in the directory's name, which is unique, so
/// parallel runs never share one).
pub fn tempdir(group: &str, name: &str) -> Scratch {
    Scratch(
        tempfile::Builder::new()
            .prefix(&format!("cercle-{group}-{name}-"))
            .tempdir()
            .expect("create a temporary directory"),
    )
}

/// Runs cercle in `dir` without colours: exit status, stdout, stderr.
pub fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(bin())
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        // Reports wrap at 100 columns unless a test says otherwise.
        .env_remove("COLUMNS")
        // Labels in English whatever the machine's locale.
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C")
        .output()
        .expect("run cercle");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
