//! End-of-life Python end to end: the rule judged at different scan dates (`--today`,
//! `PYGUARD_TODAY`), each place a version is pinned, and Python 2 syntax.

use tempfile::TempDir;

use crate::common::{json, pyguard, write_tree};

/// Findings of `pyguard scan -f json` over `dir` with extra args: (exit code, [(id, path, line)]).
fn scan(dir: &std::path::Path, args: &[&str]) -> (Option<i32>, Vec<(String, String, u64)>) {
    let out = pyguard()
        .current_dir(dir)
        .args(["scan", "-f", "json"])
        .args(args)
        .output()
        .unwrap();
    let doc = json(&out);
    let found = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["pattern_id"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    (out.status.code(), found)
}

fn ids(found: &[(String, String, u64)]) -> Vec<&str> {
    found.iter().map(|(id, _, _)| id.as_str()).collect()
}

#[test]
fn python_3_10_pin_is_fine_before_its_end_of_life_and_a_warning_after() {
    let dir = TempDir::new().unwrap();
    write_tree(
        dir.path(),
        &[(
            "pyproject.toml",
            "[project]\nname = \"app\"\nrequires-python = \"==3.10.*\"\n",
        )],
    );
    let (code, found) = scan(dir.path(), &["--today", "2026-09-01"]);
    assert_eq!((code, found), (Some(0), vec![]));
    let (code, found) = scan(dir.path(), &["--today", "2026-11-21"]);
    assert_eq!(code, Some(0), "a warning does not block");
    assert_eq!(
        found,
        [("eol-python-requires".into(), "pyproject.toml".into(), 3)]
    );
    // The environment variable does the same, for hooks and CI.
    let out = pyguard()
        .current_dir(dir.path())
        .env("PYGUARD_TODAY", "2026-11-21")
        .args(["scan", "-f", "json"])
        .output()
        .unwrap();
    let doc = json(&out);
    assert_eq!(doc["findings"][0]["pattern_id"], "eol-python-requires");
    assert_eq!(doc["findings"][0]["severity"], "warning");
    let out = pyguard()
        .current_dir(dir.path())
        .env("PYGUARD_TODAY", "2026-09-01")
        .args(["scan", "-f", "json"])
        .output()
        .unwrap();
    assert_eq!(json(&out)["findings"].as_array().unwrap().len(), 0);
}

#[test]
fn a_constraint_that_admits_a_maintained_version_is_fine() {
    let dir = TempDir::new().unwrap();
    write_tree(
        dir.path(),
        &[
            ("pyproject.toml", "[project]\nrequires-python = \">=3.8\"\n"),
            ("setup.py", "setup(python_requires='>=2.7, !=3.0.*')\n"),
        ],
    );
    let (code, found) = scan(dir.path(), &["--today", "2026-11-21"]);
    assert_eq!((code, found), (Some(0), vec![]));
}

#[test]
fn every_place_a_version_is_pinned_is_checked() {
    let dir = TempDir::new().unwrap();
    write_tree(
        dir.path(),
        &[
            ("setup.cfg", "[options]\npython_requires = ~=3.9.0\n"),
            ("Dockerfile", "FROM python:3.9-slim AS base\nFROM python:3.13-slim\n"),
            (".python-version", "3.8.18\n"),
            ("runtime.txt", "python-3.7.17\n"),
            ("tox.ini", "[tox]\nenvlist = py{38,39}, lint\n"),
            (
                ".github/workflows/ci.yml",
                "jobs:\n  test:\n    strategy:\n      matrix:\n        python-version: [\"3.8\", \"3.9\"]\n  lint:\n    steps:\n      - uses: actions/setup-python@v5\n        with:\n          python-version: \"3.13\"\n",
            ),
        ],
    );
    let (code, found) = scan(dir.path(), &["--today", "2026-01-15"]);
    assert_eq!(code, Some(0));
    let got: Vec<(&str, &str, u64)> = found
        .iter()
        .map(|(id, p, l)| (id.as_str(), p.as_str(), *l))
        .collect();
    assert_eq!(
        got,
        [
            ("eol-python-ci-matrix", ".github/workflows/ci.yml", 5),
            ("eol-python-version-file", ".python-version", 1),
            ("eol-python-image", "Dockerfile", 1),
            ("eol-python-version-file", "runtime.txt", 1),
            ("eol-python-requires", "setup.cfg", 2),
            ("eol-python-tox-envlist", "tox.ini", 2),
        ]
    );
    // Before 3.9's end of life (2025-10-31), only the 3.7/3.8 pins are.
    let (_, found) = scan(dir.path(), &["--today", "2025-06-01"]);
    assert_eq!(
        ids(&found),
        ["eol-python-version-file", "eol-python-version-file"]
    );
}

#[test]
fn python_2_syntax_and_shebang_are_warnings() {
    let dir = TempDir::new().unwrap();
    write_tree(
        dir.path(),
        &[
            (
                "legacy.py",
                "#!/usr/bin/env python2\nimport sys\nprint \"hello\"\ntry:\n    run()\nexcept IOError, e:\n    print >>sys.stderr, `e`\nif a <> b:\n    raise ValueError, \"bad\"\n",
            ),
            (
                "modern.py",
                "#!/usr/bin/env python3\nprint(\"hello\")\ntry:\n    run()\nexcept (IOError, OSError) as e:\n    print(repr(e), file=sys.stderr)\nif a != b:\n    raise ValueError(\"bad\")\n",
            ),
        ],
    );
    let (code, found) = scan(dir.path(), &["--today", "2026-11-21"]);
    assert_eq!(code, Some(0));
    let got: Vec<(&str, &str, u64)> = found
        .iter()
        .map(|(id, p, l)| (id.as_str(), p.as_str(), *l))
        .collect();
    assert_eq!(
        got,
        [
            ("python2-shebang", "legacy.py", 1),
            ("python2-print-statement", "legacy.py", 3),
            ("python2-except-comma", "legacy.py", 6),
            ("python2-print-statement", "legacy.py", 7),
            ("python2-backtick-repr", "legacy.py", 7),
            ("python2-not-equal-operator", "legacy.py", 8),
            ("python2-raise-comma", "legacy.py", 9),
        ]
    );
}

#[test]
fn a_bad_scan_date_is_exit_2_with_one_line() {
    let dir = TempDir::new().unwrap();
    let out = pyguard()
        .current_dir(dir.path())
        .env("PYGUARD_TODAY", "yesterday")
        .arg("scan")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("PYGUARD_TODAY"), "{err}");
    pyguard()
        .current_dir(dir.path())
        .args(["scan", "--today", "2026-02-30"])
        .assert()
        .code(2);
}

#[test]
fn the_date_override_is_hidden_from_help() {
    let out = pyguard().arg("--help").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(!String::from_utf8_lossy(&out.stdout).contains("--today"));
    let out = pyguard().args(["scan", "--help"]).output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains("--today"));
}
