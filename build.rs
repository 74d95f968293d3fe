//! Embeds every `patterns/*.yaml` file into the binary, converted to JSON.
//!
//! The list is generated so that adding a pattern file needs no code change. The YAML is
//! parsed here, once, at build time: a git hook starts in a few milliseconds only if it does
//! not parse half a megabyte of YAML on every commit, while JSON of the same data parses ten
//! times faster. Each file is split in two: what matching needs, and each pattern's
//! documentation (description, references, examples), two thirds of the text, which only a
//! report, `pyguard explain` or the pattern self-test reads. A YAML syntax error in a pattern
//! file fails the build with its file, line and column; field-level validation stays in
//! `pattern.rs`, shared with user patterns.

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
        "/// Every embedded pattern file: (file name, patterns as JSON, their documentation as a\n/// JSON array in the same order).\npub static EMBEDDED: &[(&str, &str, &str)] = &[\n",
    );
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(file)
            .unwrap_or_else(|e| panic!("cannot read patterns/{name}: {e}"));
        let mut value: serde_json::Value = serde_saphyr::from_str(&text)
            .unwrap_or_else(|e| panic!("patterns/{name} is not valid YAML: {e}"));
        let docs = split_docs(&mut value);
        let dest = json_dir.join(format!("{name}.json"));
        let docs_dest = json_dir.join(format!("{name}.docs.json"));
        for (path, v) in [(&dest, &value), (&docs_dest, &docs)] {
            std::fs::write(path, serde_json::to_string(v).unwrap())
                .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        }
        writeln!(
            out,
            "    ({name:?}, include_str!({:?}), include_str!({:?})),",
            dest.display().to_string(),
            docs_dest.display().to_string()
        )
        .unwrap();
    }
    out.push_str("];\n");
    let dest = Path::new(&out_dir).join("embedded_patterns.rs");
    std::fs::write(dest, out).expect("cannot write embedded_patterns.rs");
}

/// The fields of a pattern that document it rather than define what it matches.
const DOC_FIELDS: [&str; 4] = ["description", "references", "examples", "negative_examples"];

/// Moves each pattern's documentation out of a parsed pattern file into an array, one object
/// per pattern, in order. Anything that is not a list of pattern objects is left as it is for
/// `pattern.rs` to reject with a clear message.
fn split_docs(file: &mut serde_json::Value) -> serde_json::Value {
    let mut docs = Vec::new();
    if let Some(patterns) = file.get_mut("patterns").and_then(|p| p.as_array_mut()) {
        for p in patterns {
            let mut doc = serde_json::Map::new();
            if let Some(fields) = p.as_object_mut() {
                for key in DOC_FIELDS {
                    if let Some(v) = fields.remove(key) {
                        doc.insert(key.to_string(), v);
                    }
                }
            }
            docs.push(serde_json::Value::Object(doc));
        }
    }
    serde_json::Value::Array(docs)
}
