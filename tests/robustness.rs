//! Bad input is one clear line and exit 2, or a bounded note; never a panic, never unbounded
//! memory (issue 16, "Crashes, blow-ups and unclear errors").

use tempfile::TempDir;

use crate::common::git::{text, Sandbox};
use crate::common::{pyguard, write_tree};

fn dir_with(files: &[(&str, &str)]) -> TempDir {
    let dir = TempDir::new().unwrap();
    write_tree(dir.path(), files);
    dir
}

/// Asserts exit 2 with one line of error on stderr, and returns that line.
fn one_line_error(out: &std::process::Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{}", text(out));
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

#[test]
fn scan_stdin_honours_max_file_size() {
    // `yes | pyguard scan -` grew until memory ran out: standard input is read at most one
    // byte past --max-file-size and then reported as too large, like a file.
    let out = pyguard()
        .args(["scan", "--max-file-size", "1KB", "-"])
        .write_stdin("y\n".repeat(100_000))
        .output()
        .unwrap();
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(0), "{shown}");
    assert!(shown.contains("<stdin>"), "{shown}");
    assert!(shown.contains("over the size limit"), "{shown}");
    // Under the limit it is scanned as before.
    let key = ["AKIA", "R5TQW2MZ7XKP3NVJ"].concat();
    pyguard()
        .args(["scan", "--max-file-size", "1KB", "-"])
        .write_stdin(format!("k = '{key}'\n"))
        .assert()
        .code(1);
}

#[test]
fn j_100000_does_not_panic() {
    // `-j 100000` panicked in std::thread::scope (rc 134): it is clamped to the cores.
    let dir = dir_with(&[("a.py", "x = 1\n")]);
    let out = pyguard()
        .current_dir(dir.path())
        .args(["scan", "-j", "100000", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let sb = Sandbox::new();
    let repo = sb.bare_init("r");
    write_tree(&repo, &[("a.py", "x = 1\n")]);
    sb.ok(&repo, &["add", "-A"]);
    sb.ok(&repo, &["commit", "-q", "-m", "one"]);
    let out = sb
        .pyguard(&repo)
        .args(["history", "-j", "100000"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[test]
fn pyguard_yaml_that_is_a_directory_is_an_error() {
    // It was silently ignored (exit 0, no configuration).
    let dir = dir_with(&[("a.py", "x = 1\n"), (".pyguard.yaml/keep", "")]);
    let out = pyguard()
        .current_dir(dir.path())
        .args(["scan", "."])
        .output()
        .unwrap();
    let line = one_line_error(&out);
    assert!(line.contains(".pyguard.yaml"), "{line}");
}

#[test]
fn exclude_glob_on_the_command_line_is_checked_like_the_configuration() {
    // `--exclude '['` was accepted while `exclude: ['[']` in the configuration is an error.
    let dir = dir_with(&[("a.py", "x = 1\n")]);
    let out = pyguard()
        .current_dir(dir.path())
        .args(["scan", "--exclude", "[", "."])
        .output()
        .unwrap();
    let line = one_line_error(&out);
    assert!(line.contains("bad --exclude glob"), "{line}");
    let cfg = dir_with(&[("a.py", "x = 1\n"), (".pyguard.yaml", "exclude: ['[']\n")]);
    let out = pyguard()
        .current_dir(cfg.path())
        .args(["scan", "."])
        .output()
        .unwrap();
    one_line_error(&out);
}

#[test]
fn an_index_claiming_billions_of_entries_is_a_clear_error() {
    // The header's entry count was trusted: 4 billion entries aborted the hook on a 200 GB
    // allocation (rc 134). The gate must fail closed with a clear error instead.
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    write_tree(&repo, &[("a.py", "x = 1\n")]);
    sb.ok(&repo, &["add", "-A"]);
    let index = repo.join(".git/index");
    let mut data = std::fs::read(&index).unwrap();
    data[8..12].copy_from_slice(&[0xff; 4]);
    std::fs::write(&index, data).unwrap();
    let out = sb
        .pyguard(&repo)
        .args(["hook", "pre-commit"])
        .output()
        .unwrap();
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(2), "{shown}");
    assert!(!shown.contains("memory allocation"), "{shown}");
    assert!(!shown.contains("panicked"), "{shown}");
}

#[test]
fn a_run_of_one_letter_matching_a_keyword_everywhere_is_scanned() {
    // A data: URI of zero bytes (`AAAA…`) hit a keyword at every offset and made one regex
    // window per byte (480 MB for 10 MB). The windows are now shared per block; this checks
    // the scan still completes and still finds a token after the run (memory is measured by
    // scripts/degenerate-input.sh, not here: no timing or memory asserts in tests).
    let key = ["AKIA", "R5TQW2MZ7XKP3NVJ"].concat();
    let mut html = String::from("<img src=\"data:image/png;base64,");
    html.push_str(&"A".repeat(2_000_000));
    html.push_str("\"> key=");
    html.push_str(&key);
    html.push('\n');
    let dir = dir_with(&[("page.html", &html)]);
    let out = pyguard()
        .current_dir(dir.path())
        .args(["scan", "-f", "json", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let doc = crate::common::json(&out);
    assert_eq!(doc["findings"][0]["pattern_id"], "aws-access-key-id");
}
