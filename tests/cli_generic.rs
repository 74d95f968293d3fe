//! The generic credential detector and the entropy scanner end to end, one family per test:
//! each line that issue 12 found silent (`pyguard scan` exited 0) is scanned in the file kind
//! it came from and must now block; its safe counterpart must not.
//!
//! Values are assembled at run time so that pyguard's scan of its own repository stays clean.

use tempfile::TempDir;

use crate::common::{json, pyguard, write_tree};

/// The pattern ids that `pyguard scan --format json` reports for `text` in a file named
/// `name`, with the scan's exit code.
fn scan_one(name: &str, text: &str) -> (Option<i32>, Vec<String>) {
    let dir = TempDir::new().unwrap();
    write_tree(dir.path(), &[(name, text)]);
    let out = pyguard()
        .args(["scan", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    let report = json(&out);
    let ids = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["pattern_id"].as_str().unwrap().to_string())
        .collect();
    (out.status.code(), ids)
}

fn blocks(name: &str, text: &str, id: &str) {
    let (code, ids) = scan_one(name, text);
    assert_eq!(code, Some(1), "{name}: {text:?} -> {ids:?}");
    assert!(ids.iter().any(|i| i == id), "{name}: {text:?} -> {ids:?}");
}

fn silent(name: &str, text: &str) {
    let (code, ids) = scan_one(name, text);
    assert_eq!(code, Some(0), "{name}: {text:?} -> {ids:?}");
}

fn random(n: usize) -> String {
    "Zx81kQ0pLm3nB7vC2xR9tY4uQ2wE5rT6".chars().take(n).collect()
}

#[test]
fn weak_password_in_settings_py_blocks() {
    // Issue 12: bandit and ruff flag it; pyguard was silent.
    blocks(
        "settings.py",
        &format!("PASSWORD = \"{}\"\n", "hunter2"),
        "generic-password",
    );
    silent("settings.py", "PASSWORD = os.environ[\"PASSWORD\"]\n");
    silent("settings.py", "PASSWORD = \"changeme\"\n");
}

#[test]
fn random_lower_case_token_is_not_taken_for_an_identifier() {
    let token = ["xj4nq8wpzk2hrtvm", "6bfyd9sgcl3aeo7u"].concat();
    blocks(
        "app.py",
        &format!("api_key = \"{token}\"\n"),
        "generic-secret-assignment",
    );
    silent("app.py", "api_key = \"user_profile_cache\"\n");
}

#[test]
fn names_that_start_with_the_keyword_in_env_files_block() {
    for name in ["SECRET_KEY", "API_KEY", "TOKEN"] {
        blocks(
            ".env",
            &format!("{name}={}\n", random(24)),
            "generic-secret-assignment",
        );
    }
    blocks(
        ".env",
        &format!("PASSWORD={}\n", random(12)),
        "generic-password",
    );
    // (A file named .env is blocked whole by dotenv-file; its safe lines are checked in
    // deploy.sh.)
    silent("deploy.sh", "PASSWORD=\nTOKEN=${TOKEN}\n");
}

#[test]
fn shell_export_dockerfile_env_and_compose_list_block() {
    let v = random(24);
    blocks(
        "deploy.sh",
        &format!("export API_KEY={v}\n"),
        "generic-secret-assignment",
    );
    blocks(
        "Dockerfile",
        &format!("ENV SECRET_KEY={v}\n"),
        "generic-secret-assignment",
    );
    blocks(
        "compose.yaml",
        &format!("services:\n  app:\n    environment:\n      - API_KEY={v}\n"),
        "generic-secret-assignment",
    );
    silent("Dockerfile", "ARG NPM_TOKEN\nENV TOKEN=$NPM_TOKEN\n");
}

#[test]
fn unquoted_yaml_properties_and_ini_passwords_block() {
    let v = random(20);
    blocks(
        "db.yaml",
        &format!("db_password: {v}\n"),
        "generic-password",
    );
    blocks(
        "application.properties",
        &format!("spring.datasource.password={v}\n"),
        "generic-password",
    );
    blocks(
        "app.ini",
        &format!("[db]\npassword = {v}\n"),
        "generic-password",
    );
    silent("db.yaml", "db_password: ${DB_PASSWORD}\n");
}

#[test]
fn punctuation_in_the_value_blocks() {
    blocks(
        ".env",
        &format!("DB_PASSWORD={}\n", "Zq!9#vLm2@pX7&wR4tB"),
        "generic-password",
    );
}

#[test]
fn curl_user_and_authorization_headers_block() {
    blocks(
        "call.sh",
        &format!("curl -u admin:{} https://api.acme.dev\n", random(20)),
        "generic-password",
    );
    blocks(
        "call.sh",
        &format!(
            "curl -H 'Authorization: Bearer {}' https://api.acme.dev\n",
            random(28)
        ),
        "generic-secret-assignment",
    );
    silent(
        "call.sh",
        "curl -H \"Authorization: Bearer $TOKEN\" https://api.acme.dev\n",
    );
}

#[test]
fn weak_credentials_in_a_url_block() {
    blocks(
        "app.yaml",
        &format!("url: https://admin:{}@db.internal/app\n", "admin"),
        "generic-password",
    );
    silent("app.yaml", "url: https://db.internal/app\n");
}

#[test]
fn a_password_in_a_test_file_is_a_warning() {
    let (code, ids) = scan_one(
        "tests/test_login.py",
        &format!("client.login(username=\"u\", password=\"{}\")\n", "hunter2"),
    );
    assert_eq!(code, Some(0), "{ids:?}");
    assert_eq!(ids, ["generic-secret-sample"]);
}

#[test]
fn a_random_literal_alone_is_a_low_confidence_warning() {
    let dir = TempDir::new().unwrap();
    write_tree(
        dir.path(),
        &[("client.py", &format!("c = Client(\"{}\")\n", random(26)))],
    );
    let out = pyguard()
        .args(["scan", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let report = json(&out);
    let f = &report["findings"][0];
    assert_eq!(f["pattern_id"], "high-entropy-string");
    assert_eq!(f["severity"], "warning");
    assert_eq!(f["confidence"], "low");
}

#[test]
fn min_confidence_high_stops_medium_confidence_findings_blocking() {
    let dir = TempDir::new().unwrap();
    write_tree(
        dir.path(),
        &[
            ("settings.py", &format!("PASSWORD = \"{}\"\n", "hunter2")),
            (".pyguard.yaml", "min_confidence: high\n"),
        ],
    );
    let out = pyguard()
        .current_dir(dir.path())
        .args(["scan", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("warning[generic-password]"), "{text}");
    assert!(text.contains("(medium confidence)"), "{text}");
}

#[test]
fn password_words_in_scripts_and_prose_are_not_netrc_entries() {
    // Regression: a word like `passwd` or `password` followed by a value alone on its line,
    // or a prose line with "machine" and " login ", was read as a `.netrc` entry and blocked.
    let text = [
        "#!/bin/sh",
        "  passwd user1",
        "password v2",
        " password 2FA",
        "Log into the build machine with login admin and password hunter22",
        "",
    ]
    .join("\n");
    silent("setup.sh", &text);
    silent("notes.txt", &text);
    // A real entry still blocks.
    blocks(
        "setup.sh",
        &format!(
            "cat > ~/.netrc <<EOF\nmachine ci.acme.dev\n  login bob\n  password {}\nEOF\n",
            random(16)
        ),
        "generic-password",
    );
}

#[test]
fn user_name_as_password_in_a_test_url_is_silent_and_blocks_in_settings() {
    // Regression: ripsecrets' test/none holds `postgresql://user:user@...`; pyguard warned
    // (generic-secret-sample). In tests and docs the pair is a stand-in; in a settings file it
    // is a default account and still blocks.
    let url = format!("DB = \"postgresql://user:{}@db/app\"\n", "user");
    silent("tests/test_db.py", &url);
    silent("docs/setup.md", &url);
    blocks("settings.py", &url, "generic-password");
    // Another password in the same test URL is still a sample warning.
    let (code, ids) = scan_one(
        "tests/test_db.py",
        &format!("DB = \"postgresql://user:{}@db/app\"\n", "hunter2"),
    );
    assert_eq!(code, Some(0), "{ids:?}");
    assert_eq!(ids, ["generic-secret-sample"]);
}

#[test]
fn a_random_value_under_an_identifier_name_is_silent_but_a_provider_token_is_not() {
    // Regression: detect-secrets' test_data/config.yaml `allowlisted_id: '<random>'` was a
    // high-entropy-string warning; identifiers are not secrets.
    for key in [
        "allowlisted_id",
        "client_id",
        "requestId",
        "tenant_uuid",
        "device_guid",
    ] {
        let (code, ids) = scan_one("config.yaml", &format!("{key}: '{}'\n", random(32)));
        assert_eq!((code, ids), (Some(0), vec![]), "{key}");
    }
    // Another key still gets the warning.
    let (_, ids) = scan_one("config.yaml", &format!("value: '{}'\n", random(32)));
    assert_eq!(ids, ["high-entropy-string"]);
    // A provider's token fires whatever the key: an AWS access key id is named an id.
    let key_id = ["AKIA", "QZ7R2XNWK3LMTVPD"].concat();
    blocks(
        "config.yaml",
        &format!("aws_access_key_id: '{key_id}'\n"),
        "aws-access-key-id",
    );
}

#[test]
fn passwords_set_through_a_subscript_or_a_call_block() {
    // wp-config.php's `define('DB_PASSWORD', ...)` and `os.environ['X'] = ...` were silent.
    let pw = random(16);
    blocks(
        "wp-config.php",
        &format!("<?php\ndefine('DB_PASSWORD', '{pw}');\n"),
        "generic-password",
    );
    blocks(
        "settings.py",
        &format!("os.environ['DB_PASSWORD'] = '{pw}'\n"),
        "generic-password",
    );
    blocks(
        "settings.py",
        &format!("db = os.getenv('DB_PASSWORD', '{pw}')\n"),
        "generic-password",
    );
    silent("settings.py", "db = os.environ['DB_PASSWORD']\n");
    silent("settings.py", "db = os.getenv('DB_PASSWORD', '')\n");
    silent(
        "forms.py",
        "fields = (\"username\", \"password1\", \"password2\")\n",
    );
}
