//! Compiles the provider files of `rules/providers/` into the binary, and the
//! type catalogue of `rules/providers/generated/` and `corrections/` into
//! static tables (tools/catalogue/FORMAT.md): a file that does not follow the
//! format fails the build.

use std::fmt::Write;
use std::path::Path;

#[path = "src/catalogue/typefile.rs"]
#[allow(dead_code)]
mod typefile;

fn main() {
    let dir = Path::new("rules/providers");
    println!("cargo:rerun-if-changed=rules");
    println!("cargo:rerun-if-changed=src/catalogue/typefile.rs");
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
    let out_dir = std::env::var("OUT_DIR").unwrap();
    std::fs::write(Path::new(&out_dir).join("providers.rs"), out).unwrap();
    let merged = typefile::load(dir).unwrap_or_else(|e| panic!("type catalogue: {e}"));
    std::fs::write(
        Path::new(&out_dir).join("types.rs"),
        typefile::emit(&merged),
    )
    .unwrap();
}
