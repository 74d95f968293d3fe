//! Errors read as plain sentences: no library internals (libgit2's `class=...; code=...`,
//! gix's debug structures) reach the user, and each is one line with exit code 2.

use crate::common::git::{text, Sandbox};

/// What must never be shown.
const INTERNALS: [&str; 6] = [
    "class=",
    "code=",
    " { ",
    "NoGitRepository",
    "Message {",
    "os error",
];

fn assert_plain(out: &std::process::Output, expected: &str) {
    let shown = text(out);
    assert_eq!(out.status.code(), Some(2), "{shown}");
    assert!(shown.contains(expected), "missing {expected:?} in {shown}");
    for bad in INTERNALS {
        assert!(!shown.contains(bad), "library internals {bad:?} in {shown}");
    }
    assert_eq!(shown.trim_end().lines().count(), 1, "{shown}");
}

#[test]
fn the_hook_outside_a_repository_says_so_plainly() {
    // Broke: `not inside a git repository: could not find repository at '.'; class=Repository
    // (6); code=NotFound (-3)`.
    let sb = Sandbox::new();
    let dir = sb.path("plain");
    std::fs::create_dir_all(&dir).unwrap();
    let out = sb
        .pyguard(&dir)
        .args(["hook", "pre-commit"])
        .output()
        .unwrap();
    assert_plain(&out, "not inside a git repository");
    let out = sb
        .pyguard(&dir)
        .args(["scan", "--staged"])
        .output()
        .unwrap();
    assert_plain(&out, "not inside a git repository");
}

#[test]
fn history_outside_a_repository_says_so_plainly() {
    // Broke: `.: not a git repository (NoGitRepository { path: "." })`.
    let sb = Sandbox::new();
    let dir = sb.path("plain");
    std::fs::create_dir_all(&dir).unwrap();
    let out = sb.pyguard(&dir).args(["history", "."]).output().unwrap();
    assert_plain(&out, "not a git repository");
}

#[test]
fn a_bad_revision_range_says_so_plainly() {
    // Broke: `Message { message: "couldn't parse revision", input: ... }`.
    let sb = Sandbox::new();
    let repo = sb.bare_init("r");
    crate::common::write_tree(&repo, &[("a.py", "x = 1\n")]);
    sb.ok(&repo, &["add", "-A"]);
    sb.ok(&repo, &["commit", "-q", "-m", "a"]);
    let out = sb
        .pyguard(&repo)
        .args(["history", "--range", "nope..main", "."])
        .output()
        .unwrap();
    assert_plain(&out, "invalid revision range \"nope..main\"");
}

#[test]
fn scanning_only_a_missing_path_reports_no_clean_result() {
    // Broke: `pyguard scan /nonexistent` printed "no findings in 0 files (0 B)" on stdout next
    // to its error, which reads as a clean scan to anyone who looks only at stdout.
    let sb = Sandbox::new();
    let dir = sb.path("plain");
    std::fs::create_dir_all(&dir).unwrap();
    let out = sb
        .pyguard(&dir)
        .args(["scan", "no-such-dir"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stdout.contains("no findings"), "{stdout}");
    assert!(stdout.contains("1 path could not be scanned"), "{stdout}");
    assert!(
        stderr.contains("no-such-dir: no such file or directory"),
        "{stderr}"
    );
}
