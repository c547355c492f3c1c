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
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut text = crate::policy::config::STARTER.to_string();
    if let Some(section) = crate::terragrunt::starter_section(dir) {
        text.push_str(&section);
    }
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!("wrote {}", path.display());
    Ok(Status::Success)
}
