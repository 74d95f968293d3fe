//! The configuration file end to end: each key, the pyproject form and precedence, errors
//! with `file:line:column` and exit 2, and the commands that read it (`patterns list`,
//! `patterns check`, `explain`).

use predicates::prelude::*;
use tempfile::TempDir;

use crate::common::{json, pyguard, scan_json as scan, write_tree};

/// An AWS access key id (made up: `AKIA` + 16 random base32 characters).
pub const KEY: &str = "AKIAQ7RMW3XT5PLK2JHN"; // pyguard: allow[aws-access-key-id]

/// A tree with one secret in `app.py`, one in a fixture, one in `deploy.sh` (hidden files are covered by `cli_scan`) and a Python finding.
fn tree(config: &str) -> TempDir {
    let dir = TempDir::new().unwrap();
    write_tree(
        dir.path(),
        &[
            ("app.py", &format!("KEY = '{KEY}'\n")),
            ("fixtures/keys.py", &format!("KEY = '{KEY}'\n")),
            ("deploy.sh", &format!("AWS_ACCESS_KEY_ID={KEY}\n")),
            ("settings.py", "DEBUG = True\n"),
        ],
    );
    if !config.is_empty() {
        std::fs::write(dir.path().join(".pyguard.yaml"), config).unwrap();
    }
    dir
}

/// (path, pattern id) of every finding.
fn found(doc: &serde_json::Value) -> Vec<(String, String)> {
    let mut v: Vec<_> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["pattern_id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

fn has(doc: &serde_json::Value, path: &str, id: &str) -> bool {
    found(doc).contains(&(path.to_string(), id.to_string()))
}

#[test]
fn without_config_everything_is_found() {
    let (code, doc, _) = scan(&tree(""));
    assert_eq!(code, 1);
    assert!(has(&doc, "app.py", "aws-access-key-id"));
    assert!(has(&doc, "fixtures/keys.py", "aws-access-key-id"));
    assert!(has(&doc, "deploy.sh", "aws-access-key-id"));
    assert!(has(&doc, "settings.py", "django-debug-true"));
}

#[test]
fn exclude_and_include_globs() {
    let (_, doc, _) = scan(&tree("exclude: ['fixtures/']\n"));
    assert!(!has(&doc, "fixtures/keys.py", "aws-access-key-id"), "{doc}");
    assert!(has(&doc, "app.py", "aws-access-key-id"));
    let (_, doc, _) = scan(&tree("include: ['*.py']\n"));
    assert!(!has(&doc, "deploy.sh", "aws-access-key-id"), "{doc}");
    assert!(has(&doc, "fixtures/keys.py", "aws-access-key-id"));
}

#[test]
fn disable_group_and_enable_id() {
    let (_, doc, _) = scan(&tree("disable: [python]\n"));
    assert!(!has(&doc, "settings.py", "django-debug-true"));
    assert!(has(&doc, "app.py", "aws-access-key-id"));
    let (_, doc, _) = scan(&tree("disable: [all]\nenable: [django-debug-true]\n"));
    assert_eq!(
        found(&doc),
        [("settings.py".to_string(), "django-debug-true".to_string())]
    );
}

#[test]
fn severity_override_turns_an_error_into_a_warning() {
    let dir = tree("severity:\n  aws-access-key-id: warning\n  django-debug-true: warning\n");
    let (code, doc, _) = scan(&dir);
    assert_eq!(code, 0, "warnings do not block: {doc}");
    assert_eq!(doc["findings"][0]["severity"], "warning");
    let dir = tree("severity: {django-debug-true: error}\ndisable: [secret]\n");
    assert_eq!(scan(&dir).0, 1);
}

#[test]
fn allow_regex_suppresses_a_documented_value() {
    let (code, doc, _) = scan(&tree(&format!("allow: ['^{KEY}$']\ndisable: [python]\n")));
    assert_eq!(code, 0, "{doc}");
    // The three planted keys, and the one quoted in the allow regex of .pyguard.yaml itself.
    assert_eq!(doc["summary"]["suppressed"], 4);
    assert_eq!(doc["suppressed"][0]["suppression"]["kind"], "allow");
}

#[test]
fn max_file_size_and_entropy() {
    let (_, doc, _) = scan(&tree("max_file_size: 20\n"));
    assert_eq!(
        found(&doc),
        [("settings.py".to_string(), "django-debug-true".to_string())],
        "only the 13-byte settings.py is under 20 bytes"
    );
    assert_eq!(
        doc["summary"]["skipped_too_large"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    let (_, doc, _) = scan(&tree("entropy:\n  patterns: {aws-access-key-id: 7.5}\n"));
    assert!(!has(&doc, "app.py", "aws-access-key-id"), "{doc}");
    let (_, doc, _) = scan(&tree("entropy: {min: 7.5}\n"));
    assert!(!has(&doc, "app.py", "aws-access-key-id"), "{doc}");
    assert!(
        has(&doc, "settings.py", "django-debug-true"),
        "python patterns keep theirs"
    );
}

const USER_PATTERN: &str = r"patterns:
  - id: acme-token
    name: ACME token
    kind: secret
    severity: error
    keywords: [acme_]
    regex: '\b(acme_[a-z0-9]{16})\b'
    description:
      what: ACME API tokens.
      why: They open our ACME account.
      fix: Read it from the environment.
    references: ['https://example.com/acme']
    examples: ['t = acme_q8z3lkp0vw2xm4n7']
    negative_examples: ['t = acme_short']
";

#[test]
fn user_patterns_find_their_secrets() {
    let dir = tree(USER_PATTERN);
    write_tree(dir.path(), &[("acme.py", "t = 'acme_k2j4h6g8f0d1s3a5'\n")]);
    let (code, doc, _) = scan(&dir);
    assert_eq!(code, 1);
    assert!(has(&doc, "acme.py", "acme-token"), "{doc}");
}

#[test]
fn pyproject_table_and_precedence() {
    let dir = tree("");
    let pyproject = "[project]\nname = 'x'\n\n[tool.pyguard]\nexclude = ['fixtures/']\n";
    write_tree(dir.path(), &[("pyproject.toml", pyproject)]);
    let (_, doc, stderr) = scan(&dir);
    assert!(!has(&doc, "fixtures/keys.py", "aws-access-key-id"), "{doc}");
    assert!(stderr.is_empty(), "{stderr}");
    // Both present: .pyguard.yaml wins and a note says the other is ignored.
    write_tree(dir.path(), &[(".pyguard.yaml", "disable: [python]\n")]);
    let (_, doc, stderr) = scan(&dir);
    assert!(has(&doc, "fixtures/keys.py", "aws-access-key-id"), "{doc}");
    assert!(!has(&doc, "settings.py", "django-debug-true"), "{doc}");
    assert!(
        stderr.contains("using .pyguard.yaml; [tool.pyguard] in pyproject.toml is ignored"),
        "{stderr}"
    );
}

#[test]
fn explicit_config_flag() {
    let dir = tree("");
    // Globs in a file named by --config are relative to the scanned directory (no repository
    // here), not to the file's own directory.
    write_tree(
        dir.path(),
        &[
            ("conf/pg.yaml", "disable: [secret]\nexclude: ['conf/']\n"),
            ("conf/settings.py", "DEBUG = True\n"),
        ],
    );
    let out = pyguard()
        .current_dir(dir.path())
        .args(["scan", "-f", "json", "--config", "conf/pg.yaml", "."])
        .output()
        .unwrap();
    let doc = json(&out);
    assert_eq!(
        found(&doc),
        [("settings.py".to_string(), "django-debug-true".to_string())]
    );
    pyguard()
        .current_dir(dir.path())
        .args(["scan", "--config", "missing.yaml", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "failed to read configuration file missing.yaml",
        ));
}

/// Asserts that `config` makes `pyguard scan` fail with exit 2 and `message` on one line.
fn fails(file: &str, config: &str, message: &str) {
    let dir = tree("");
    write_tree(dir.path(), &[(file, config)]);
    let out = pyguard()
        .current_dir(dir.path())
        .args(["scan", "."])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(message),
        "expected {message:?} in: {stderr}"
    );
    assert!(out.stdout.is_empty(), "no scan after a bad configuration");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn every_kind_of_mistake_is_an_error_with_its_location() {
    fails(
        ".pyguard.yaml",
        "exclude: []\nexlude: ['x']\n",
        ".pyguard.yaml:2:1: unknown field `exlude`",
    );
    fails(".pyguard.yaml", "include: 5\n", ".pyguard.yaml:1:10:");
    fails(
        ".pyguard.yaml",
        "severity: {aws-access-key-id: fatal}\n",
        ".pyguard.yaml:1:",
    );
    fails(
        ".pyguard.yaml",
        "exclude: ['src/[a-']\n",
        ".pyguard.yaml:1:12: bad exclude glob",
    );
    fails(
        ".pyguard.yaml",
        "allow: ['(']\n",
        ".pyguard.yaml:1:10: bad allow regex",
    );
    fails(
        ".pyguard.yaml",
        "severity:\n  aws-acess-key-id: warning\n",
        ".pyguard.yaml:2:3: unknown pattern id \"aws-acess-key-id\" in severity",
    );
    fails(
        ".pyguard.yaml",
        "disable: [secrets]\n",
        ".pyguard.yaml:1:11: unknown pattern id or group \"secrets\" in disable",
    );
    fails(".pyguard.yaml", "max_file_size: lots\n", "invalid size");
    fails(
        ".pyguard.yaml",
        "markers: {nosecc: false}\n",
        "unknown field `nosecc`",
    );
    fails(
        ".pyguard.yaml",
        &USER_PATTERN.replace(r"'\b(acme_[a-z0-9]{16})\b'", "'acme_('"),
        ".pyguard.yaml:2:9: pattern acme-token: invalid regex",
    );
    fails(
        "pyproject.toml",
        "[tool.pyguard]\nexclude = ['a']\nexlude = ['b']\n",
        "pyproject.toml:3:1: unknown field `exlude`",
    );
    fails(
        "pyproject.toml",
        "[tool.pyguard]\ndisable = ['nope']\n",
        "pyproject.toml:2:13: unknown pattern id or group \"nope\"",
    );
    fails("pyproject.toml", "[tool.pyguard\n", "pyproject.toml:1:");
}

#[test]
fn patterns_list_honours_the_config() {
    let dir = tree(&format!(
        "disable: [python]\nseverity: {{aws-access-key-id: warning}}\n{USER_PATTERN}"
    ));
    let out = pyguard()
        .current_dir(dir.path())
        .args(["patterns", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("ID"), "{text}");
    let aws = text
        .lines()
        .find(|l| l.starts_with("aws-access-key-id "))
        .unwrap();
    assert!(aws.contains("secret") && aws.contains("warning"), "{aws}");
    assert!(text.lines().any(|l| l.starts_with("acme-token ")), "{text}");
    assert!(!text.contains("django-debug-true"), "{text}");
}

#[test]
fn patterns_check_runs_examples_through_the_matcher() {
    let dir = tree(USER_PATTERN);
    pyguard()
        .current_dir(dir.path())
        .args(["patterns", "check"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("every example fires"));
    let broken = USER_PATTERN.replace("'t = acme_q8z3lkp0vw2xm4n7'", "'t = acme_TOO_SHORT'");
    write_tree(dir.path(), &[("mine.yaml", &broken)]);
    pyguard()
        .current_dir(dir.path())
        .args(["patterns", "check", "mine.yaml"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "acme-token: example does not fire",
        ));
    write_tree(dir.path(), &[("bad.yaml", "patterns: [{id: x}]\n")]);
    pyguard()
        .current_dir(dir.path())
        .args(["patterns", "check", "bad.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.yaml"));
}

#[test]
fn explain_prints_what_why_fix_references_and_a_redacted_example() {
    let out = pyguard()
        .args(["explain", "github-token"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    for part in [
        "github-token",
        "What it finds:",
        "Why it matters:",
        "What to do instead:",
        "References:",
        "Example",
        "ghp_…",
    ] {
        assert!(text.contains(part), "{part:?} missing: {text}");
    }
    assert!(
        !regex_like_token(&text),
        "example secret printed in full: {text}"
    );
    pyguard()
        .args(["explain", "github"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean"));
}

/// Whether `text` holds a full GitHub token (prefix and 36 characters).
fn regex_like_token(text: &str) -> bool {
    text.match_indices("ghp_").any(|(i, _)| {
        text[i + 4..]
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .count()
            >= 36
    })
}
