//! The labelled fixture set (`tests/fixtures/secrets/`): every file under `true/` holds one
//! secret a hook must catch, every file under `false/` holds look-alikes it must not report
//! (placeholders, environment lookups, hashes, ids, public keys, image data). The same set is
//! what `scripts/quality.sh` compares pyguard with other scanners on.

use std::collections::BTreeSet;
use std::path::Path;

use crate::common::{json, pyguard};

/// The files under `label` with a finding, the files under `label`, and the files whose every
/// finding is a sample warning (a provider's shape with a failed checksum or a value typed by
/// hand: low confidence, never blocking).
fn flagged(label: &str) -> (BTreeSet<String>, BTreeSet<String>, BTreeSet<String>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/secrets");
    // The repository's own .pyguard.yaml excludes true/ from the dogfood scan; this test
    // needs the defaults.
    let config = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(config.path(), "exclude: []\n").unwrap();
    let out = pyguard()
        .current_dir(&dir)
        .args(["scan", "--format", "json", "--config"])
        .arg(config.path())
        .arg(label)
        .output()
        .unwrap();
    let report = json(&out);
    let findings = report["findings"].as_array().unwrap();
    let path = |f: &serde_json::Value| f["path"].as_str().unwrap().to_string();
    let hit: BTreeSet<String> = findings.iter().map(path).collect();
    let not_sample: BTreeSet<String> = findings
        .iter()
        .filter(|f| {
            !(f["severity"] == "warning"
                && f["confidence"] == "low"
                && f["pattern_name"]
                    .as_str()
                    .unwrap()
                    .ends_with("(sample: checksum fails or typed by hand)"))
        })
        .map(path)
        .collect();
    let samples = hit.difference(&not_sample).cloned().collect();
    let all: BTreeSet<String> = std::fs::read_dir(dir.join(label))
        .unwrap()
        .map(|e| format!("{label}/{}", e.unwrap().file_name().to_string_lossy()))
        .collect();
    (hit, all, samples)
}

#[test]
fn every_true_fixture_is_caught() {
    let (hit, all, _) = flagged("true");
    let missed: Vec<_> = all.difference(&hit).collect();
    assert!(missed.is_empty(), "missed: {missed:?}");
    assert!(all.len() >= 30);
}

#[test]
fn no_false_fixture_is_reported() {
    let (hit, all, samples) = flagged("false");
    let reported: Vec<_> = hit.difference(&samples).collect();
    assert!(reported.is_empty(), "false positives: {reported:?}");
    // A GitHub token whose checksum fails was issued by nobody: it is a sample warning, and
    // the only one among these look-alikes.
    assert_eq!(
        samples.iter().map(String::as_str).collect::<Vec<_>>(),
        ["false/bad_checksum.py"]
    );
    assert!(all.len() >= 30);
}
