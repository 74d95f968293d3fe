//! `pyguard scan` end to end: formats, exit codes, redaction, .gitignore, bad input.

use predicates::prelude::*;
use tempfile::TempDir;

use crate::common::{json, pyguard, write_tree};

const TOKEN: &str = "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"; // pyguard: allow[github-token]

fn planted() -> TempDir {
    let dir = TempDir::new().unwrap();
    write_tree(
        dir.path(),
        &[
            (
                "app.py",
                &format!("import os\n\nGITHUB_TOKEN = \"{TOKEN}\"\n"),
            ),
            ("proj/settings.py", "SECRET = 1\nDEBUG = True\n"),
            ("clean.py", "print('hello')\n"),
            (".gitignore", "ignored.py\n"),
            ("ignored.py", &format!("t = '{TOKEN}'\n")),
            (".env", "AWS_ACCESS_KEY_ID=AKIAZZZZG6ZDMEN4KHVD\n"), // pyguard: allow[aws-access-key-id]
        ],
    );
    dir
}

#[test]
fn human_report_has_locations_redaction_and_exit_1() {
    let dir = planted();
    let out = pyguard().arg("scan").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("app.py:3:17"), "{text}");
    assert!(text.contains("error[github-token]"), "{text}");
    assert!(text.contains("proj/settings.py:2:1"), "{text}");
    assert!(
        text.contains(".env:1:19"),
        "hidden files are scanned: {text}"
    );
    assert!(!text.contains(TOKEN), "secret printed in full: {text}");
    assert!(text.contains("ghp_…"), "{text}");
    assert!(
        !text.contains("ignored.py"),
        ".gitignore not honoured: {text}"
    );
    assert!(!text.contains('\x1b'), "colour written to a pipe: {text}");
}

#[test]
fn a_password_literal_is_reported_by_its_name_with_the_value_hidden() {
    // hardcoded-password-literal reports weak values the secrets engine lets pass; the value
    // may still be a real password, so neither the finding's text nor its snippet shows it,
    // also when only the Python patterns run (no secret pattern is there to hide it).
    let dir = TempDir::new().unwrap();
    write_tree(dir.path(), &[("svc.py", "admin_password = \"default\"\n")]);
    for only in [&[][..], &["--only", "python"][..]] {
        let out = pyguard()
            .args(["scan", "--format", "json"])
            .args(only)
            .arg(dir.path())
            .output()
            .unwrap();
        // A warning: it does not block.
        assert_eq!(out.status.code(), Some(0));
        let doc = json(&out);
        let f = &doc["findings"][0];
        assert_eq!(f["pattern_id"], "hardcoded-password-literal", "{doc}");
        assert_eq!(f["secret"], "admin_password", "{doc}");
        assert_eq!(f["redacted"], true, "{doc}");
        let snippet = f["snippet"].as_str().unwrap();
        assert!(!snippet.contains("default"), "{snippet}");
    }
}

#[test]
fn show_secrets_prints_the_secret() {
    let dir = planted();
    pyguard()
        .args(["scan", "--show-secrets"])
        .arg(dir.path().join("app.py"))
        .assert()
        .code(1)
        .stdout(predicate::str::contains(TOKEN));
}

#[test]
fn json_report_is_versioned_and_complete() {
    let dir = planted();
    let out = pyguard()
        .current_dir(dir.path())
        .args(["scan", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out);
    assert_eq!(doc["version"], 1);
    let findings = doc["findings"].as_array().unwrap();
    let ids: Vec<_> = findings
        .iter()
        .map(|f| f["pattern_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "dotenv-file",
            "aws-access-key-id",
            "github-token",
            "django-debug-true"
        ],
        "{doc:#}"
    );
    let gh = &findings[2];
    assert_eq!(gh["path"], "app.py");
    assert_eq!(gh["line"], 3);
    assert_eq!(gh["column"], 17);
    assert_eq!(gh["secret"], "ghp_…");
    assert_eq!(gh["fingerprint"].as_str().unwrap().len(), 32);
    assert_eq!(doc["summary"]["files_scanned"], 5);
    assert_eq!(doc["summary"]["blocking"], 4);
}

#[test]
fn sarif_report_has_rules_results_and_fingerprints() {
    let dir = planted();
    let out = pyguard()
        .current_dir(dir.path())
        .args(["scan", "-f", "sarif", "app.py"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out);
    assert_eq!(doc["version"], "2.1.0");
    let run = &doc["runs"][0];
    assert_eq!(run["tool"]["driver"]["rules"][0]["id"], "github-token");
    let result = &run["results"][0];
    assert_eq!(result["ruleId"], "github-token");
    assert_eq!(result["level"], "error");
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 3);
    assert!(result["partialFingerprints"]["pyguard/v1"].is_string());
    assert!(!String::from_utf8_lossy(&out.stdout).contains(TOKEN));
}

#[test]
fn clean_tree_exits_0() {
    let dir = TempDir::new().unwrap();
    write_tree(
        dir.path(),
        &[("a.py", "x = 1\npassword = os.environ['PW']\n")],
    );
    pyguard()
        .arg("scan")
        .arg(dir.path())
        .assert()
        .code(0)
        .stdout(predicate::str::contains("no findings in 1 file"));
}

#[test]
fn quiet_mode_on_a_clean_tree_prints_nothing() {
    let dir = TempDir::new().unwrap();
    write_tree(dir.path(), &[("a.py", "x = 1\n")]);
    pyguard()
        .args(["scan", "-q"])
        .arg(dir.path())
        .assert()
        .code(0)
        .stdout("");
}

#[test]
fn stdin_is_scanned() {
    pyguard()
        .args(["scan", "-"])
        .write_stdin(format!("token = '{TOKEN}'\n"))
        .assert()
        .code(1)
        .stdout(predicate::str::contains("<stdin>:1:10"));
}

#[test]
fn missing_path_is_exit_2_with_one_line_and_the_rest_still_scanned() {
    let dir = planted();
    let out = pyguard()
        .arg("scan")
        .arg(dir.path().join("does-not-exist"))
        .arg(dir.path().join("app.py"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("pyguard: error: ") && err.contains("does-not-exist"),
        "{err}"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("github-token"));
}

#[test]
fn bad_flag_is_exit_2() {
    pyguard().args(["scan", "--no-such-flag"]).assert().code(2);
}

#[test]
fn binary_and_oversized_files_are_skipped_and_reported() {
    let dir = TempDir::new().unwrap();
    let mut bin = b"\x00\x01binary".to_vec();
    bin.extend_from_slice(TOKEN.as_bytes());
    std::fs::write(dir.path().join("blob.bin"), bin).unwrap();
    std::fs::write(
        dir.path().join("big.txt"),
        format!("{}{TOKEN}\n", "a".repeat(3000)),
    )
    .unwrap();
    let out = pyguard()
        .args(["scan", "-f", "json", "--max-file-size", "2KB"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let doc = json(&out);
    assert_eq!(doc["summary"]["skipped_binary"], 1);
    assert_eq!(doc["summary"]["skipped_too_large"][0]["size"], 3041);
    let human = pyguard()
        .args(["scan", "--max-file-size", "2KB"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&human.stdout).contains("skipped"));
}

#[test]
fn control_characters_in_content_and_paths_are_escaped() {
    let dir = TempDir::new().unwrap();
    write_tree(
        dir.path(),
        &[(
            "evil\x1b[2J.py",
            &format!("t = '{TOKEN}' \x1b[31mred\x07\n"),
        )],
    );
    let out = pyguard().arg("scan").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\x1b') && !text.contains('\x07'), "{text:?}");
    assert!(text.contains("\\u{1b}"), "{text}");
}

#[test]
fn invalid_utf8_and_crlf_files_are_scanned() {
    let dir = TempDir::new().unwrap();
    let mut content = b"\xff\xfe garbage\r\n".to_vec();
    content.extend_from_slice(format!("token = \"{TOKEN}\"\r\n").as_bytes());
    std::fs::write(dir.path().join("a.py"), content).unwrap();
    pyguard()
        .arg("scan")
        .arg(dir.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains("a.py:2:10"));
}

#[cfg(unix)]
#[test]
fn unreadable_file_and_symlink_loop_do_not_stop_the_scan() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = planted();
    let locked = dir.path().join("locked.py");
    std::fs::write(&locked, "x = 1\n").unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    std::os::unix::fs::symlink(dir.path(), dir.path().join("loop")).unwrap();
    let out = pyguard().arg("scan").arg(dir.path()).output().unwrap();
    // Root can read a 0o000 file; then only the findings decide the code.
    let readable = std::fs::read(&locked).is_ok();
    assert_eq!(out.status.code(), Some(if readable { 1 } else { 2 }));
    assert!(String::from_utf8_lossy(&out.stdout).contains("github-token"));
}

#[test]
fn broken_pipe_is_not_an_error() {
    let dir = TempDir::new().unwrap();
    let body = format!("t = '{TOKEN}'\n").repeat(2000);
    write_tree(dir.path(), &[("many.py", &body)]);
    let bin = assert_cmd::cargo::cargo_bin("pyguard");
    let mut child = std::process::Command::new(bin)
        .arg("scan")
        .arg(dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_ne!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
