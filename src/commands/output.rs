//! Where a command writes: `--output FILE`, a `--report` file, or stdout.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Streams a report to `--output` or stdout through a buffer. A report file
/// is written into a temporary file beside it, then renamed over it, so that
/// a reader never sees half a report; something that is not a regular file
/// (`/dev/stdout`, a pipe) is written directly.
pub fn stream_out(
    path: &Option<PathBuf>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), String> {
    let Some(path) = path else {
        let mut w = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
        return write(&mut w)
            .and_then(|_| w.flush())
            .map_err(|e| format!("cannot write the report: {e}"));
    };
    let fail = |e: std::io::Error| format!("cannot write the report to {}: {e}", path.display());
    let regular_or_new = match std::fs::metadata(path) {
        Ok(m) => m.is_file(),
        Err(_) => true,
    };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    let target = match (regular_or_new, &name) {
        (true, Some(name)) => {
            path.with_file_name(format!(".{name}.cercle-{}.tmp", std::process::id()))
        }
        _ => path.clone(),
    };
    let result = std::fs::File::create(&target).and_then(|file| {
        let mut w = std::io::BufWriter::with_capacity(1 << 16, file);
        write(&mut w)?;
        w.flush()
    });
    let result = result.and_then(|_| {
        if target != *path {
            std::fs::rename(&target, path)
        } else {
            Ok(())
        }
    });
    if let Err(e) = result {
        if target != *path {
            let _ = std::fs::remove_file(&target);
        }
        return Err(fail(e));
    }
    Ok(())
}

/// Writes a whole report to a file (see [`stream_out`]).
pub fn write_file(path: &Path, text: &str) -> Result<(), String> {
    stream_out(&Some(path.to_path_buf()), |w| w.write_all(text.as_bytes()))
}

/// Writes a whole report to `--output` or stdout (see [`stream_out`]).
pub fn write_out(path: &Option<PathBuf>, text: &str) -> Result<(), String> {
    stream_out(path, |w| w.write_all(text.as_bytes()))
}
