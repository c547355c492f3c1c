//! Compiles the provider files of `rules/providers/` into the binary.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let dir = Path::new("rules/providers");
    println!("cargo:rerun-if-changed=rules");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".toml"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut out = String::from("/// Built-in provider files: (file name, text).\n");
    out.push_str("pub const BUILTIN_PROVIDERS: &[(&str, &str)] = &[\n");
    for n in &names {
        let path = std::fs::canonicalize(dir.join(n)).expect("provider file");
        writeln!(
            out,
            "    ({n:?}, include_str!({:?})),",
            path.display().to_string()
        )
        .unwrap();
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("providers.rs");
    std::fs::write(dest, out).unwrap();
}
