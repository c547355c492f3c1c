//! `cercle init`: a commented starter configuration, never over a file.

use super::{Error, Status};
use std::path::Path;

/// Writes the starter `cercle.toml` at `path`, unless something is there.
pub fn run(path: &Path) -> Result<Status, Error> {
    if path.exists() {
        return Err(Error::Usage(format!(
            "{} already exists: cercle init never overwrites",
            path.display()
        )));
    }
    std::fs::write(path, crate::policy::config::STARTER)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!("wrote {}", path.display());
    Ok(Status::Success)
}
