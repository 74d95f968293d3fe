//! SARIF output validated against the official SARIF 2.1.0 JSON schema (vendored as
//! `tests/data/sarif-2.1.0.json`), with findings, suppressed findings (inline and external)
//! and an empty run. No network: the schema is compiled from the file.

use tempfile::TempDir;

use crate::cli_config::KEY;
use crate::common::{json, pyguard, write_tree};

fn validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-2.1.0.json"),
    )
    .unwrap();
    let mut schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    // The official schema's `language` patterns have a stray `]`, which legacy ECMA-262
    // regexes read as a literal but a strict check of the schema itself rejects. Escape it
    // (same meaning) in memory; the vendored file stays byte for byte the published one.
    let fixed = escape_stray_bracket(&mut schema);
    assert_eq!(fixed, 2, "the vendored schema changed");
    // Formats are checked: uri, uri-reference (artifact locations), date-time.
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

fn escape_stray_bracket(v: &mut serde_json::Value) -> usize {
    const STRAY: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
    match v {
        serde_json::Value::Object(map) => {
            let mut n = 0;
            for (k, child) in map.iter_mut() {
                if k == "pattern" && child == STRAY {
                    *child = serde_json::json!(STRAY.replace("}]", "}\\]"));
                    n += 1;
                } else {
                    n += escape_stray_bracket(child);
                }
            }
            n
        }
        serde_json::Value::Array(items) => items.iter_mut().map(escape_stray_bracket).sum(),
        _ => 0,
    }
}

pub(crate) fn assert_valid(doc: &serde_json::Value) {
    let v = validator();
    let errors: Vec<String> = v
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema violations:\n{}",
        errors.join("\n")
    );
}

fn sarif(dir: &TempDir) -> serde_json::Value {
    let out = pyguard()
        .current_dir(dir.path())
        .args(["scan", "-f", "sarif", "."])
        .output()
        .unwrap();
    json(&out)
}

#[test]
fn sarif_with_findings_and_suppressions_is_valid() {
    let dir = TempDir::new().unwrap();
    write_tree(
        dir.path(),
        &[
            ("app.py", &format!("K = '{KEY}'\nDEBUG = True\n")),
            ("dir with space/x.py", "exec(input())  # nosec\n"),
            (".pyguard.yaml", "allow: ['^AKIAJ3MB5TX7QN2WP4LC$']\n"), // pyguard: allow[aws-access-key-id]
            ("allowed.py", "K = 'AKIAJ3MB5TX7QN2WP4LC'\n"), // pyguard: allow[aws-access-key-id]
        ],
    );
    let doc = sarif(&dir);
    assert_valid(&doc);
    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 4, "{doc}");
    let kinds: Vec<&str> = results
        .iter()
        .filter_map(|r| r["suppressions"][0]["kind"].as_str())
        .collect();
    // allowed.py and the allow regex's own text in .pyguard.yaml: external; nosec: inSource.
    assert_eq!(kinds, ["external", "external", "inSource"], "{doc}");
}

#[test]
fn sarif_with_a_baseline_and_with_no_results_is_valid() {
    let dir = TempDir::new().unwrap();
    write_tree(dir.path(), &[("a.py", &format!("K = '{KEY}'\n"))]);
    pyguard()
        .current_dir(dir.path())
        .arg("baseline")
        .assert()
        .code(0);
    let doc = sarif(&dir);
    assert_valid(&doc);
    assert_eq!(
        doc["runs"][0]["results"][0]["suppressions"][0]["kind"],
        "external"
    );
    let clean = TempDir::new().unwrap();
    write_tree(clean.path(), &[("a.py", "x = 1\n")]);
    assert_valid(&sarif(&clean));
}

#[test]
fn the_validator_rejects_a_broken_log() {
    // Guards the guard: a log with a bad level and no driver name must not pass.
    let bad = serde_json::json!({
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {}}, "results": [{"message": {"text": "x"}, "level": "fatal"}]}],
    });
    assert!(validator().iter_errors(&bad).count() >= 2);
}
