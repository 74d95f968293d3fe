//! Files that are secrets by nature, committed environments and bytecode, end to end through
//! `pyguard scan`: each kind is blocked, its look-alike is not, a venv is one finding.

use tempfile::TempDir;

use crate::common::{json, pyguard, write_tree};

/// Scans `dir` as JSON with a fixed date; returns the exit code and (pattern id, path) pairs.
fn scan(dir: &std::path::Path) -> (Option<i32>, Vec<(String, String)>, serde_json::Value) {
    let out = pyguard()
        .current_dir(dir)
        .args(["scan", "-f", "json", "--today", "2026-11-21"])
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
            )
        })
        .collect();
    (out.status.code(), found, doc)
}

/// (path, content, the file pattern that must fire, or None for a look-alike).
const CASES: &[(&str, &[u8], Option<&str>)] = &[
    (".env", b"DB_PASSWORD=hunter2\n", Some("dotenv-file")),
    ("api/.env.production", b"X=1\n", Some("dotenv-file")),
    (".env.example", b"DB_PASSWORD=\n", None),
    (".env.sample", b"DB_PASSWORD=\n", None),
    (".env.template", b"DB_PASSWORD=\n", None),
    ("id_rsa", b"-----BEGIN OPENSSH PRIVATE KEY-----\n", Some("ssh-private-key-file")),
    (".ssh/id_ed25519", b"key\n", Some("ssh-private-key-file")),
    ("id_ed25519.pub", b"ssh-ed25519 AAAAC3Nz me@host\n", None),
    (
        "tls/server.key",
        b"-----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----\n",
        Some("private-key-file"),
    ),
    (
        "tls/bundle.pem",
        b"-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n",
        Some("private-key-file"),
    ),
    (
        "tls/public.pem",
        b"-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n",
        None,
    ),
    ("certs/client.p12", b"0\x82\x0a\x0f\x02\x01\x03\x00\x00binary", Some("keystore-file")),
    ("certs/client.pfx", b"0\x82\x00\x01", Some("keystore-file")),
    ("android/release.keystore", b"\xfe\xed\xfe\xed\x00\x00\x00\x02", Some("keystore-file")),
    ("java/server.jks", b"\xfe\xed\xfe\xed\x00\x00\x00\x02", Some("keystore-file")),
    (
        "keys/deploy.ppk",
        b"PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\n",
        Some("putty-private-key-file"),
    ),
    (".pypirc", b"[pypi]\nusername = __token__\n", Some("pypirc-file")),
    (".netrc", b"machine example.org login me password pw\n", Some("netrc-file")),
    ("_netrc", b"machine example.org\n", Some("netrc-file")),
    (".git-credentials", b"https://me:pw@example.org\n", Some("git-credentials-file")),
    (".aws/credentials", b"[default]\n", Some("aws-cli-credentials-file")),
    (
        "deploy/credentials",
        b"[default]\naws_access_key_id = AKIA\n",
        Some("aws-credentials-file"),
    ),
    ("credentials.md", b"Put aws_access_key_id = ... in credentials\n", None),
    (
        ".docker/config.json",
        b"{\"auths\": {\"registry.example.com\": {\"auth\": \"dXNlcjpwYXNz\"}}}\n",
        Some("docker-config-auth-file"),
    ),
    (
        "other/.docker/config.json",
        b"{\"auths\": {\"registry.example.com\": {}}, \"credsStore\": \"desktop\"}\n",
        None,
    ),
    (
        "deploy/service-account.json",
        b"{\"type\": \"service_account\", \"private_key\": \"-----BEGIN PRIVATE KEY-----\\nMIIE\\n\"}\n",
        Some("gcp-service-account-file"),
    ),
    ("deploy/client.json", b"{\"type\": \"service_account\"}\n", None),
    ("infra/terraform.tfstate", b"{\"version\": 4}\n", Some("terraform-state-file")),
    ("infra/terraform.tfstate.backup", b"{}\n", Some("terraform-state-file")),
    ("vault/team.kdbx", b"\x03\xd9\xa2\x9a\x67\xfb\x4b\xb5\x00\x00", Some("keepass-database-file")),
    (".bash_history", b"export TOKEN=abc\n", Some("command-history-file")),
    (".zsh_history", b": 1700000000:0;ls\n", Some("command-history-file")),
    (".python_history", b"import os\n", Some("command-history-file")),
    (".psql_history", b"select 1;\n", Some("command-history-file")),
    (".mysql_history", b"show databases;\n", Some("command-history-file")),
    (".node_repl_history", b"1+1\n", Some("command-history-file")),
    ("HISTORY.md", b"# History\n", None),
];

#[test]
fn each_sensitive_file_is_blocked_and_its_look_alike_is_not() {
    let mut failures = Vec::new();
    for (path, content, expected) in CASES {
        let dir = TempDir::new().unwrap();
        let full = dir.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(&full, content).unwrap();
        let (code, found, _) = scan(dir.path());
        let file_ids: Vec<&str> = found
            .iter()
            .filter(|(id, p)| {
                p == path
                    && !matches!(
                        id.as_str(),
                        "private-key"
                            | "aws-access-key-id"
                            | "generic-password"
                            | "generic-secret-assignment"
                    )
            })
            .map(|(id, _)| id.as_str())
            .collect();
        match expected {
            Some(id) if file_ids != [*id] || code != Some(1) => failures.push(format!(
                "{path}: expected [{id}] and exit 1, got {file_ids:?}, exit {code:?}"
            )),
            None if !found.is_empty() || code != Some(0) => failures.push(format!(
                "{path}: look-alike reported {found:?}, exit {code:?}"
            )),
            _ => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_file_finding_is_at_line_1_and_shows_no_content() {
    let dir = TempDir::new().unwrap();
    write_tree(dir.path(), &[(".env", "DB_PASSWORD=hunter2-plain\n")]);
    let out = pyguard().arg("scan").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("error[dotenv-file]"), "{text}");
    assert!(text.contains(".env:1:1"), "{text}");
    assert!(!text.contains("hunter2"), "content printed: {text}");
    let (_, _, doc) = scan(dir.path());
    let f = &doc["findings"][0];
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(f["kind"], "file");
    assert_eq!(
        f["secret"], "",
        "a whole-file finding has no secret to redact"
    );
    assert_eq!(f["severity"], "error");
}

#[test]
fn binary_key_stores_are_reported_and_other_binaries_skipped() {
    let dir = TempDir::new().unwrap();
    std::fs::write(dir.path().join("store.jks"), b"\xfe\xed\xfe\xed\x00\x00").unwrap();
    std::fs::write(dir.path().join("image.png"), b"\x89PNG\x00\x00").unwrap();
    let (code, found, doc) = scan(dir.path());
    assert_eq!(code, Some(1));
    assert_eq!(found, [("keystore-file".into(), "store.jks".into())]);
    assert_eq!(doc["summary"]["skipped_binary"], 1);
}

/// A venv as `python -m venv` lays it out, with a few hundred package files.
fn venv_files(root: &str) -> Vec<(String, String)> {
    let mut files = vec![
        (
            format!("{root}/pyvenv.cfg"),
            "home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.12.3\n".to_string(),
        ),
        (
            format!("{root}/bin/activate"),
            "# This file must be used with \"source bin/activate\"\n".to_string(),
        ),
        (
            format!("{root}/bin/activate.fish"),
            "function deactivate\n".to_string(),
        ),
        (
            format!("{root}/bin/pip"),
            "#!/tmp/venv/bin/python3\n".to_string(),
        ),
    ];
    for i in 0..120 {
        let pkg = format!("{root}/lib/python3.12/site-packages/pkg{i}");
        files.push((format!("{pkg}/__init__.py"), format!("VERSION = '{i}'\n")));
        files.push((
            format!("{pkg}/core.py"),
            "def f():\n    return 1\n".to_string(),
        ));
        files.push((
            format!("{pkg}/__pycache__/core.cpython-312.pyc"),
            "compiled".to_string(),
        ));
    }
    // What packages ship (test fixtures, sample configs) folds into the one finding.
    files.push((
        format!("{root}/lib/python3.12/site-packages/pkg0/tests/key.pem"),
        "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n".to_string(),
    ));
    files.push((
        format!("{root}/lib/python3.12/site-packages/pkg1/.env"),
        "X=1\n".to_string(),
    ));
    files
}

#[test]
fn a_committed_venv_is_exactly_one_finding() {
    let dir = TempDir::new().unwrap();
    let files = venv_files("venv");
    assert!(files.len() > 300);
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_str()))
        .collect();
    write_tree(dir.path(), &refs);
    write_tree(dir.path(), &[("app.py", "print('hi')\n")]);
    let (code, found, doc) = scan(dir.path());
    assert_eq!(code, Some(1));
    assert_eq!(
        found,
        [("committed-virtualenv".into(), "venv/pyvenv.cfg".into())],
        "{doc:#}"
    );
    assert_eq!(doc["findings"][0]["severity"], "error");
    let human = pyguard()
        .current_dir(dir.path())
        .arg("scan")
        .output()
        .unwrap();
    let text = String::from_utf8(human.stdout).unwrap();
    assert!(
        text.contains(&format!(
            "virtual environment venv/ ({} files)",
            files.len()
        )),
        "{text}"
    );
    assert!(
        text.contains(".gitignore") && text.contains("lock file"),
        "the advice is shown: {text}"
    );
}

#[test]
fn a_venv_without_pyvenv_cfg_is_found_from_its_layout() {
    let dir = TempDir::new().unwrap();
    write_tree(
        dir.path(),
        &[
            (".venv/lib/python3.11/site-packages/six.py", "x = 1\n"),
            (
                ".venv/lib/python3.11/site-packages/requests/api.py",
                "x = 1\n",
            ),
            ("legacy/env/bin/activate", "# activate\n"),
            ("legacy/env/bin/python", "binary\n"),
            (
                "src/venv/__init__.py",
                "# a package named venv is not an environment\n",
            ),
        ],
    );
    let (code, found, _) = scan(dir.path());
    assert_eq!(code, Some(1));
    assert_eq!(
        found,
        [
            (
                "committed-virtualenv".into(),
                ".venv/lib/python3.11/site-packages/requests/api.py".into()
            ),
            (
                "committed-virtualenv".into(),
                "legacy/env/bin/activate".into()
            ),
        ]
    );
}

#[test]
fn gitignored_venv_is_not_reported() {
    let dir = TempDir::new().unwrap();
    let files = venv_files(".venv");
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_str()))
        .collect();
    write_tree(dir.path(), &refs);
    write_tree(dir.path(), &[(".gitignore", ".venv/\n")]);
    let (code, found, _) = scan(dir.path());
    assert_eq!((code, found), (Some(0), vec![]));
}

#[test]
fn bytecode_is_a_warning_per_directory() {
    let dir = TempDir::new().unwrap();
    write_tree(
        dir.path(),
        &[
            ("app/views.py", "x = 1\n"),
            ("app/__pycache__/views.cpython-312.pyc", "compiled"),
            ("app/__pycache__/models.cpython-312.pyc", "compiled"),
            ("lib/old.pyc", "compiled"),
        ],
    );
    let (code, found, doc) = scan(dir.path());
    assert_eq!(code, Some(0), "bytecode only warns");
    assert_eq!(
        found,
        [
            (
                "committed-bytecode".into(),
                "app/__pycache__/models.cpython-312.pyc".into()
            ),
            ("committed-bytecode".into(), "lib/old.pyc".into()),
        ]
    );
    assert_eq!(doc["findings"][0]["severity"], "warning");
    let note = doc["findings"][0]["snippet"].as_str().unwrap();
    assert!(
        note.starts_with("2 compiled files in app/__pycache__/: ") && note.contains(".gitignore"),
        "{note}"
    );
}

/// A venv created as `python -m venv .env` is an environment, not a dotenv file: the dotenv
/// pattern matches file names, so nothing inside the `.env/` directory fires it.
#[test]
fn a_venv_named_dot_env_is_one_environment_finding() {
    let dir = TempDir::new().unwrap();
    write_tree(
        dir.path(),
        &[
            (".env/pyvenv.cfg", "home = /usr/bin\n"),
            (".env/bin/activate", "# activate\n"),
            (".env/lib/python3.12/site-packages/x.py", "x = 1\n"),
        ],
    );
    let (code, found, _) = scan(dir.path());
    assert_eq!(code, Some(1));
    assert_eq!(
        found,
        [("committed-virtualenv".into(), ".env/pyvenv.cfg".into())]
    );
}
