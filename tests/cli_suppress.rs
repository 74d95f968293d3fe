//! Suppression end to end: inline comments (each form), migration markers and their switches,
//! the baseline (survives line moves and renames, a different secret is still reported,
//! `--update`, `--prune`, stale warnings), and how reports record suppressed findings.

use predicates::prelude::*;
use tempfile::TempDir;

use crate::cli_config::KEY;
use crate::common::{pyguard, scan_json as scan, write_tree};

/// A second made-up AWS access key id.
const KEY2: &str = "AKIAV4NPX6QW2ZKTR7BM"; // pyguard: allow[aws-access-key-id]

fn dir_with(files: &[(&str, &str)]) -> TempDir {
    let dir = TempDir::new().unwrap();
    write_tree(dir.path(), files);
    dir
}

fn counts(doc: &serde_json::Value) -> (usize, usize) {
    (
        doc["findings"].as_array().unwrap().len(),
        doc["suppressed"].as_array().unwrap().len(),
    )
}

#[test]
fn inline_comment_forms() {
    let cases: &[(&str, String, (usize, usize))] = &[
        ("a.py", format!("k = '{KEY}'  # pyguard: allow\n"), (0, 1)),
        ("a.py", format!("# pyguard: allow\nk = '{KEY}'\n"), (0, 1)),
        (
            "a.py",
            format!("k = '{KEY}'  # pyguard: allow[aws-access-key-id]\n"),
            (0, 1),
        ),
        // An id list allows only those ids.
        (
            "a.py",
            format!("k = '{KEY}'  # pyguard: allow[github-token]\n"),
            (1, 0),
        ),
        (
            "a.js",
            format!("const k = '{KEY}'; // pyguard: allow\n"),
            (0, 1),
        ),
        (
            "a.js",
            format!("// pyguard: allow[aws-access-key-id]\nconst k = '{KEY}';\n"),
            (0, 1),
        ),
        (
            "a.sql",
            format!("SELECT '{KEY}'; -- pyguard: allow\n"),
            (0, 1),
        ),
        ("a.ini", format!("key = {KEY} ; pyguard: allow\n"), (0, 1)),
        (
            "a.c",
            format!("char *k = \"{KEY}\"; /* pyguard: allow */\n"),
            (0, 1),
        ),
        (
            "a.html",
            format!("<p>{KEY}</p> <!-- pyguard: allow -->\n"),
            (0, 1),
        ),
        // Not a comment, or not the line above: still reported.
        ("a.py", format!("k = '{KEY} pyguard: allow'\n"), (1, 0)),
        ("a.py", format!("# pyguard: allow\n\nk = '{KEY}'\n"), (1, 0)),
    ];
    for (path, text, want) in cases {
        let dir = dir_with(&[(path, text)]);
        let (code, doc, _) = scan(&dir);
        assert_eq!(counts(&doc), *want, "{path}: {text}\n{doc}");
        assert_eq!(code, i32::from(want.0 > 0), "{text}");
    }
}

#[test]
fn bare_allow_covers_every_pattern_on_the_line_and_ids_only_theirs() {
    let line = format!("k = '{KEY}'; exec(input())");
    let dir = dir_with(&[("a.py", &format!("{line}  # pyguard: allow\n"))]);
    assert_eq!(counts(&scan(&dir).1), (0, 2));
    let dir = dir_with(&[(
        "a.py",
        &format!("{line}  # pyguard: allow[exec-user-input]\n"),
    )]);
    let (_, doc, _) = scan(&dir);
    assert_eq!(counts(&doc), (1, 1));
    assert_eq!(doc["findings"][0]["pattern_id"], "aws-access-key-id");
}

#[test]
fn migration_markers_and_their_switches() {
    let files = [
        (
            "ds.py",
            format!("k = '{KEY}'  # pragma: allowlist secret\n"),
        ),
        ("gl.py", format!("k = '{KEY2}'  # gitleaks:allow\n")),
        ("ns.py", "exec(input())  # nosec B102\n".to_string()),
        // nosec is for Python patterns only: this secret is still reported.
        (
            "sec.py",
            "x = 1\nk = 'AKIAJ3MB5TX7QN2WP4LC'  # nosec\n".to_string(), // pyguard: allow[aws-access-key-id]
        ),
    ];
    let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    let dir = dir_with(&refs);
    let (code, doc, _) = scan(&dir);
    assert_eq!(code, 1);
    assert_eq!(counts(&doc), (1, 3), "{doc}");
    assert_eq!(doc["findings"][0]["path"], "sec.py");
    write_tree(
        dir.path(),
        &[(
            ".pyguard.yaml",
            "markers: {detect_secrets: false, gitleaks: false, nosec: false}\n",
        )],
    );
    assert_eq!(counts(&scan(&dir).1), (4, 0));
    write_tree(
        dir.path(),
        &[(".pyguard.yaml", "markers: {gitleaks: false}\n")],
    );
    assert_eq!(counts(&scan(&dir).1), (2, 2));
}

fn baseline(dir: &TempDir, extra: &[&str]) -> std::process::Output {
    pyguard()
        .current_dir(dir.path())
        .arg("baseline")
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn baseline_survives_line_moves_and_renames_but_not_new_secrets() {
    let dir = dir_with(&[("app.py", &format!("import os\nK = '{KEY}'\n"))]);
    assert_eq!(scan(&dir).0, 1);
    let out = baseline(&dir, &[]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 entries"));
    let file = std::fs::read_to_string(dir.path().join(".pyguard-baseline.json")).unwrap();
    assert!(
        !file.contains(KEY),
        "the baseline must not hold the secret: {file}"
    );
    assert!(
        file.contains("\"salt\"") && file.contains("app.py"),
        "{file}"
    );

    let (code, doc, _) = scan(&dir);
    assert_eq!((code, counts(&doc)), (0, (0, 1)), "{doc}");
    assert_eq!(doc["suppressed"][0]["suppression"]["kind"], "baseline");

    // Move the line down and rename the file: still suppressed.
    std::fs::remove_file(dir.path().join("app.py")).unwrap();
    write_tree(
        dir.path(),
        &[("src/main.py", &format!("\n\n\nimport os\n\nK = '{KEY}'\n"))],
    );
    let (code, doc, _) = scan(&dir);
    assert_eq!((code, counts(&doc)), (0, (0, 1)), "{doc}");

    // A different secret on the same line is reported.
    write_tree(
        dir.path(),
        &[("src/main.py", &format!("\n\n\nimport os\n\nK = '{KEY2}'\n"))],
    );
    let (code, doc, stderr) = scan(&dir);
    assert_eq!((code, counts(&doc)), (1, (1, 0)), "{doc}");
    assert!(
        stderr.contains("1 baseline entry no longer match"),
        "{stderr}"
    );
    assert_eq!(doc["summary"]["baseline_stale"], 1);
}

#[test]
fn baseline_update_prune_and_refusal_to_overwrite() {
    let dir = dir_with(&[
        ("a.py", &format!("K = '{KEY}'\n")),
        ("b.py", &format!("K = '{KEY2}'\n")),
    ]);
    assert_eq!(baseline(&dir, &[]).status.code(), Some(0));
    let out = baseline(&dir, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--update"));
    let salt = |d: &TempDir| {
        let text = std::fs::read_to_string(d.path().join(".pyguard-baseline.json")).unwrap();
        serde_json::from_str::<serde_json::Value>(&text).unwrap()
    };
    let before = salt(&dir);
    // Fix one secret: its entry is stale, scan warns, prune drops it.
    write_tree(dir.path(), &[("b.py", "K = os.environ['K']\n")]);
    let (code, _, stderr) = scan(&dir);
    assert_eq!(code, 0);
    assert!(stderr.contains("--prune"), "{stderr}");
    let out = baseline(&dir, &["--prune"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("pruned 1 stale entry, 1 left"),
        "{out:?}"
    );
    let after = salt(&dir);
    assert_eq!(after["entries"].as_array().unwrap().len(), 1);
    assert_eq!(after["salt"], before["salt"], "prune keeps the salt");
    let (_, _, stderr) = scan(&dir);
    assert!(!stderr.contains("no longer match"), "{stderr}");
    // A new secret is reported until --update takes it in.
    write_tree(dir.path(), &[("c.py", &format!("K = '{KEY2}'\n"))]);
    assert_eq!(scan(&dir).0, 1);
    assert_eq!(baseline(&dir, &["--update"]).status.code(), Some(0));
    assert_eq!(scan(&dir).0, 0);
    assert_eq!(salt(&dir)["entries"].as_array().unwrap().len(), 2);
}

#[test]
fn baseline_prune_without_a_baseline_and_a_broken_baseline_are_errors() {
    let dir = dir_with(&[("a.py", "x = 1\n")]);
    let out = baseline(&dir, &["--prune"]);
    assert_eq!(out.status.code(), Some(2));
    write_tree(
        dir.path(),
        &[(".pyguard-baseline.json", "{\"version\": 1,")],
    );
    pyguard()
        .current_dir(dir.path())
        .args(["scan", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(".pyguard-baseline.json:1:"));
}

#[test]
fn human_summary_counts_suppressed_and_verbose_splits_them() {
    let dir = dir_with(&[
        ("a.py", &format!("K = '{KEY}'  # pyguard: allow\n")),
        ("b.py", &format!("K = '{KEY2}'\n")),
    ]);
    assert_eq!(baseline(&dir, &[]).status.code(), Some(0));
    let out = pyguard()
        .current_dir(dir.path())
        .args(["scan", "-v", "."])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("no findings"), "{text}");
    assert!(
        text.contains("2 suppressed (1 inline, 0 allow, 1 baseline)"),
        "{text}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("patterns; baseline: 1 entries"), "{stderr}");
    let out = pyguard()
        .current_dir(dir.path())
        .args(["scan", "-q", "."])
        .output()
        .unwrap();
    assert!(out.stdout.is_empty() && out.stderr.is_empty(), "{out:?}");
}
