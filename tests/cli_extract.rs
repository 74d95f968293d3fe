//! Content pyguard extracts from a file before matching: Jupyter notebook cells and outputs,
//! and the base64 `data:` values of Kubernetes Secret manifests. Locations must point into the
//! cell (notebooks) or at the key in the manifest (Secrets).

use std::path::Path;

use crate::common::{json, pyguard};

fn scan_json(fixture: &str) -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/extract");
    let out = pyguard()
        .current_dir(&path)
        .args(["scan", "--format", "json", fixture])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    json(&out)
}

/// (pattern id, extract, line, column) of every finding.
fn locations(report: &serde_json::Value) -> Vec<(String, String, u64, u64)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["pattern_id"].as_str().unwrap().to_string(),
                f["extract"].as_str().unwrap_or("").to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn notebook_findings_carry_cell_and_line_within_the_cell() {
    let report = scan_json("leaky.ipynb");
    let got = locations(&report);
    let want = [
        ("github-token", "cell 3", 2, 8),
        // The cell's requests call has no timeout (a warning).
        ("requests-no-timeout", "cell 3", 3, 5),
        ("github-token", "cell 3 output", 2, 13),
        ("exec-user-input", "cell 4", 1, 1),
        ("github-token", "cell 4 output", 2, 38),
    ];
    let want: Vec<_> = want
        .iter()
        .map(|(p, e, l, c)| (p.to_string(), e.to_string(), *l, *c))
        .collect();
    assert_eq!(got, want);
    for f in report["findings"].as_array().unwrap() {
        assert_eq!(f["path"], "leaky.ipynb");
    }
}

#[test]
fn notebook_location_prints_with_the_cell_in_brackets() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/extract");
    let out = pyguard()
        .current_dir(&path)
        .args(["scan", "leaky.ipynb"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("--> leaky.ipynb[cell 3]:2:8"), "{text}");
    assert!(!text.contains("iVBOR"), "{text}");
}

#[test]
fn kubernetes_secret_data_is_decoded_and_reported_at_its_key() {
    let report = scan_json("secret.yaml");
    let got = locations(&report);
    // The ConfigMap's `token:` holds a base64 text that looks generated under a secret name:
    // the generic detector reports it as it stands; db_password decoded is a password.
    let want = [
        ("generic-secret-assignment", "", 6, 10),
        ("generic-secret-assignment", "", 18, 13),
        ("github-token", "data.GITHUB_TOKEN", 14, 17),
        ("generic-password", "data.db_password", 15, 17),
    ];
    let want: Vec<_> = want
        .iter()
        .map(|(p, e, l, c)| (p.to_string(), e.to_string(), *l, *c))
        .collect();
    // A ConfigMap's data is not decoded; `username: admin` is not a secret; the base64 text of
    // db_password is reported once, decoded, not also as an encoded literal.
    assert_eq!(got, want);
}
