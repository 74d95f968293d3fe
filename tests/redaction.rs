//! Redaction works on the snippet as a whole (issue 16): a line holding two secrets plus a
//! suppressed third prints none of them in full in any report (human, JSON, SARIF, the hook's
//! stderr, history), a commit summary holding a token is redacted, `--show-secrets` still
//! shows them, and findings that are not secrets are never redacted.
//!
//! The made-up secrets are assembled from pieces so that this file holds none of them whole.

use std::path::Path;

use tempfile::TempDir;

use crate::common::git::{origin, text, Sandbox};
use crate::common::{json, pyguard, write_tree};

/// A made-up AWS access key id.
fn key_id() -> String {
    ["AKIA", "R5TQW2MZ7XKP3NVJ"].concat()
}

/// A made-up AWS secret access key (40 characters).
fn secret_key() -> String {
    ["q8Vw3Lm2Zr7T", "pK4xN9bH6cYd", "F1sJ5gA0eRuQ", "iW2o"].concat()
}

/// A GitHub token with a valid checksum (the pattern file's own example).
fn github_token() -> String {
    ["ghp_", "Ky9Pf34qY6Nb3wWD25RQ4F5ZR3qa7y3gm1IL"].concat()
}

/// One line with two reported secrets and a third whose pattern the line allows.
fn leaky_line() -> String {
    format!(
        "s3 = boto3.client(\"s3\", aws_access_key_id=\"{}\", aws_secret_access_key=\"{}\", \
         gh=\"{}\")  # pyguard: allow[github-token]\n",
        key_id(),
        secret_key(),
        github_token()
    )
}

/// Asserts that none of the three secrets occurs in full in `shown`.
fn assert_redacted(shown: &str) {
    for secret in [key_id(), secret_key(), github_token()] {
        assert!(
            !shown.contains(&secret),
            "{secret} printed in full in:\n{shown}"
        );
    }
}

fn scan(dir: &Path, args: &[&str]) -> String {
    let out = pyguard()
        .current_dir(dir)
        .args(["scan"])
        .args(args)
        .arg(".")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    text(&out)
}

fn leaky_dir() -> TempDir {
    let dir = TempDir::new().unwrap();
    write_tree(dir.path(), &[("app.py", &leaky_line())]);
    dir
}

#[test]
fn two_secrets_on_one_line_are_both_redacted_in_every_scan_format() {
    // Each finding's snippet printed the other secret (and the allowed one) in full.
    assert_eq!(secret_key().len(), 40);
    let dir = leaky_dir();
    let human = scan(dir.path(), &["--verbose"]);
    assert!(human.contains("error[aws-access-key-id]"), "{human}");
    assert!(human.contains("error[aws-secret-access-key]"), "{human}");
    assert_redacted(&human);
    let sarif = scan(dir.path(), &["-f", "sarif"]);
    assert!(sarif.contains("aws-secret-access-key"), "{sarif}");
    assert_redacted(&sarif);
    let raw = scan(dir.path(), &["-f", "json"]);
    assert_redacted(&raw);
    let doc: serde_json::Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(doc["findings"].as_array().unwrap().len(), 2, "{doc:#}");
    assert_eq!(doc["suppressed"].as_array().unwrap().len(), 1, "{doc:#}");
    // Each of the three is shown redacted (its first characters) in every snippet.
    for f in doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .chain(doc["suppressed"].as_array().unwrap())
    {
        let snippet = f["snippet"].as_str().unwrap();
        for shown in ["AKIA…", "q8Vw…", "ghp_…"] {
            assert!(snippet.contains(shown), "{shown} not in {snippet}");
        }
    }
}

#[test]
fn show_secrets_still_shows_every_secret_on_the_line() {
    let dir = leaky_dir();
    let out = scan(dir.path(), &["-f", "json", "--show-secrets"]);
    for secret in [key_id(), secret_key(), github_token()] {
        assert!(out.contains(&secret), "{secret} not shown:\n{out}");
    }
}

#[test]
fn findings_that_are_not_secrets_are_not_redacted() {
    // `"secret": "exe…"`: a Python construct or a package name is not a secret, and
    // redacting it only hid what the finding is about.
    let dir = TempDir::new().unwrap();
    write_tree(
        dir.path(),
        &[
            (
                "app.py",
                &format!("exec(input())\nrun(input(), \"{}\")\n", key_id()),
            ),
            ("requirements.txt", "reqeusts==2.31.0\n"),
        ],
    );
    let out = pyguard()
        .current_dir(dir.path())
        .args(["scan", "-f", "json", "."])
        .output()
        .unwrap();
    let doc = json(&out);
    let findings = doc["findings"].as_array().unwrap();
    let python: Vec<&serde_json::Value> =
        findings.iter().filter(|f| f["kind"] != "secret").collect();
    assert!(python.len() >= 2, "{doc:#}");
    for f in &python {
        let secret = f["secret"].as_str().unwrap();
        assert!(!secret.contains('…'), "{f:#}");
        assert!(f["snippet"].as_str().unwrap().contains(secret), "{f:#}");
    }
    assert!(python.iter().any(|f| f["secret"] == "reqeusts"), "{doc:#}");
    assert_redacted(&text(&out));
}

#[test]
fn the_hook_prints_no_secret_of_a_line_holding_several() {
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    write_tree(&repo, &[("app.py", &leaky_line())]);
    sb.ok(&repo, &["add", "-A"]);
    let out = sb.git(&repo, &["commit", "-m", "leak"]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(shown.contains("aws-secret-access-key"), "{shown}");
    assert_redacted(&shown);
}

#[test]
fn history_reports_redact_every_secret_on_the_line_and_in_commit_summaries() {
    // `commit.summary` printed a token from a commit message in full.
    let sb = Sandbox::new();
    let repo = sb.bare_init("r");
    write_tree(&repo, &[("app.py", &leaky_line())]);
    sb.ok(&repo, &["add", "-A"]);
    let message = format!("add credentials {} for now", key_id());
    sb.ok(&repo, &["commit", "-q", "--no-verify", "-m", &message]);
    for format in ["json", "sarif", "human"] {
        let out = sb
            .pyguard(&repo)
            .args(["history", "--format", format])
            .output()
            .unwrap();
        let shown = text(&out);
        assert_eq!(out.status.code(), Some(1), "{shown}");
        assert_redacted(&shown);
        if format == "json" {
            let doc = json(&out);
            let summary = doc["findings"][0]["commit"]["summary"].as_str().unwrap();
            assert_eq!(summary, "add credentials AKIA… for now", "{doc:#}");
        }
    }
    let out = sb
        .pyguard(&repo)
        .args(["history", "--format", "json", "--show-secrets"])
        .output()
        .unwrap();
    let doc = json(&out);
    assert_eq!(doc["findings"][0]["commit"]["summary"], message.as_str());
}

#[test]
fn pre_push_redacts_every_secret_on_the_line_and_in_the_commit_author() {
    // The push report names each finding's commit (author included) beside the snippet.
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    origin(&sb, &repo);
    write_tree(&repo, &[("app.py", &leaky_line())]);
    sb.ok(&repo, &["add", "-A"]);
    let author = format!("user.name=ci {}", key_id());
    sb.ok(
        &repo,
        &["-c", &author, "commit", "-q", "--no-verify", "-m", "leak"],
    );
    let out = sb.git(&repo, &["push", "origin", "main"]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(shown.contains("ci AKIA…"), "{shown}");
    assert_redacted(&shown);
}
