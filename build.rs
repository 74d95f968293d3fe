//! Embeds every `patterns/*.yaml` file into the binary, converted to JSON.
//!
//! The list is generated so that adding a pattern file needs no code change. The YAML is
//! parsed here, once, at build time: a git hook starts in a few milliseconds only if it does
//! not parse half a megabyte of YAML on every commit, while JSON of the same data parses ten
//! times faster. A YAML syntax error in a pattern file fails the build with its file, line
//! and column; field-level validation stays in `pattern.rs`, shared with user patterns.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("patterns");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("patterns/ directory is missing")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    let out_dir = std::env::var("OUT_DIR").unwrap();
    let json_dir = Path::new(&out_dir).join("patterns");
    std::fs::create_dir_all(&json_dir).expect("cannot create OUT_DIR/patterns");
    let mut out = String::from(
        "/// Every embedded pattern file: (file name, contents as JSON).\npub static EMBEDDED: &[(&str, &str)] = &[\n",
    );
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(file)
            .unwrap_or_else(|e| panic!("cannot read patterns/{name}: {e}"));
        let value: serde_json::Value = serde_saphyr::from_str(&text)
            .unwrap_or_else(|e| panic!("patterns/{name} is not valid YAML: {e}"));
        let dest = json_dir.join(format!("{name}.json"));
        std::fs::write(&dest, serde_json::to_string(&value).unwrap())
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", dest.display()));
        writeln!(
            out,
            "    ({name:?}, include_str!({:?})),",
            dest.display().to_string()
        )
        .unwrap();
    }
    out.push_str("];\n");
    let dest = Path::new(&out_dir).join("embedded_patterns.rs");
    std::fs::write(dest, out).expect("cannot write embedded_patterns.rs");
}
