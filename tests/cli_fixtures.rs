//! The labelled fixture set (`tests/fixtures/secrets/`): every file under `true/` holds one
//! secret a hook must catch, every file under `false/` holds look-alikes it must not report
//! (placeholders, environment lookups, hashes, ids, public keys, image data). The same set is
//! what `scripts/quality.sh` compares pyguard with other scanners on.

use std::collections::BTreeSet;
use std::path::Path;

use crate::common::{json, pyguard};

fn flagged(label: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/secrets");
    let out = pyguard()
        .current_dir(&dir)
        .args(["scan", "--format", "json", label])
        .output()
        .unwrap();
    let report = json(&out);
    let hit: BTreeSet<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    let all: BTreeSet<String> = std::fs::read_dir(dir.join(label))
        .unwrap()
        .map(|e| format!("{label}/{}", e.unwrap().file_name().to_string_lossy()))
        .collect();
    (hit, all)
}

#[test]
fn every_true_fixture_is_caught() {
    let (hit, all) = flagged("true");
    let missed: Vec<_> = all.difference(&hit).collect();
    assert!(missed.is_empty(), "missed: {missed:?}");
    assert!(all.len() >= 30);
}

#[test]
fn no_false_fixture_is_reported() {
    let (hit, all) = flagged("false");
    assert!(hit.is_empty(), "false positives: {hit:?}");
    assert!(all.len() >= 30);
}
