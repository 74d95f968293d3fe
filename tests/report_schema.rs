//! The JSON report against its published JSON Schema, docs/report.schema.json. The schema
//! closes every object, so a field added to the report (src/report/json.rs) without being
//! documented in the schema fails here, and so does a field that changes type. Real reports
//! cover each optional part: findings and every suppression kind, notebook extracts, skipped
//! large files, standard input, shown secrets, and history (commits, places, history counts).

use std::path::Path;

use tempfile::TempDir;

use crate::cli_config::KEY;
use crate::common::git::Sandbox;
use crate::common::{json, pyguard, write_tree};

fn validator() -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/report.schema.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(&schema)
        .expect("docs/report.schema.json compiles")
}

fn assert_valid(doc: &serde_json::Value) {
    let errors: Vec<String> = validator()
        .iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "the report does not match docs/report.schema.json:\n{}\n{doc:#}",
        errors.join("\n")
    );
}

#[test]
fn scan_report_with_every_suppression_kind_matches_the_schema() {
    let dir = TempDir::new().unwrap();
    let notebook = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/extract/leaky.ipynb"),
    )
    .unwrap();
    write_tree(
        dir.path(),
        &[
            ("app.py", &format!("KEY = '{KEY}'\n")),
            (
                "inline.py",
                &format!("KEY = '{KEY}'  # pyguard: allow[aws-access-key-id]\n"),
            ),
            ("big.txt", &"x".repeat(64 * 1024)),
            ("leaky.ipynb", &notebook),
            (".pyguard.yaml", "allow: ['^Xk9vQ2']\n"),
            // A made-up password for the allow regex above.
            // pyguard: allow[generic-secret-assignment]
            ("settings.py", "password = 'Xk9vQ2mL8pR4nWz7'\n"),
        ],
    );
    let out = pyguard()
        .current_dir(dir.path())
        .args(["scan", "-f", "json", "--max-file-size", "32KB", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out);
    assert_valid(&doc);
    // The report holds what this test means to cover.
    let kinds: Vec<&str> = doc["suppressed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["suppression"]["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"inline") && kinds.contains(&"allow"),
        "{kinds:?}"
    );
    assert!(
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f.get("extract").is_some()),
        "no notebook extract in {doc:#}"
    );
    assert_eq!(doc["summary"]["skipped_too_large"][0]["path"], "big.txt");

    // The same tree baselined: baseline suppressions, and secrets shown in full.
    pyguard()
        .current_dir(dir.path())
        .args(["baseline", "-q", "."])
        .assert()
        .success();
    let out = pyguard()
        .current_dir(dir.path())
        .args(["scan", "-f", "json", "--show-secrets", "."])
        .output()
        .unwrap();
    let doc = json(&out);
    assert_valid(&doc);
    assert!(doc["suppressed"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["suppression"]["kind"] == "baseline" && s["redacted"] == false));
}

#[test]
fn stdin_report_matches_the_schema() {
    let out = pyguard()
        .args(["scan", "-f", "json", "-"])
        .write_stdin(format!("KEY = '{KEY}'\n"))
        .output()
        .unwrap();
    let doc = json(&out);
    assert_eq!(doc["findings"][0]["source"], "stdin");
    assert_valid(&doc);
}

#[test]
fn history_report_matches_the_schema() {
    let sb = Sandbox::new();
    let repo = sb.bare_init("r");
    for (i, path) in ["a.py", "b.py"].iter().enumerate() {
        std::fs::write(repo.join(path), format!("KEY = '{KEY}'\n")).unwrap();
        sb.ok(&repo, &["add", path]);
        sb.ok(&repo, &["commit", "-q", "-m", &format!("commit {i}")]);
    }
    let out = sb
        .pyguard(&repo)
        .args(["history", "-f", "json"])
        .output()
        .unwrap();
    let doc = json(&out);
    assert_eq!(doc["findings"][0]["source"], "commit");
    assert!(
        doc["findings"][0].get("places").is_some(),
        "the same secret in two places should list the other: {doc:#}"
    );
    assert!(doc["summary"].get("commits").is_some());
    assert_valid(&doc);
}

#[test]
fn schema_rejects_an_undocumented_field() {
    // Guards the guard: if the schema stopped closing its objects, a new report field could
    // go undocumented and every test above would still pass.
    let out = pyguard()
        .args(["scan", "-f", "json", "-"])
        .write_stdin(format!("KEY = '{KEY}'\n"))
        .output()
        .unwrap();
    let v = validator();
    for pointer in ["", "/tool", "/summary", "/findings/0"] {
        let mut doc = json(&out);
        doc.pointer_mut(pointer)
            .unwrap()
            .as_object_mut()
            .unwrap()
            .insert("undocumented".into(), serde_json::json!(1));
        assert!(
            !v.is_valid(&doc),
            "an undocumented field at '{pointer}' passed"
        );
    }
}
