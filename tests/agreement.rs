//! Agreement: the same tree committed file by file, staged at once, scanned as a directory,
//! scanned as history and pushed (pre-push) gives the same findings, one case per finding
//! kind (secret, Python rule, file rule, committed environment, bytecode, dependency names and
//! package sources in requirements files, a conda environment and pyproject.toml). The
//! dependency pass, which judges a change against what the project declares, has its own case
//! through the server's `pre-receive` hook too: a change that adds only code, on top of a
//! manifest committed and pushed before.
//!
//! What the modes document they do differently is normalised away: the path-set checks judge
//! the paths a run sees, so a virtual environment committed one file per commit is reported
//! in each of those commits; findings are compared by pattern and place (the environment's
//! root, the bytecode's directory), not by count.

use std::collections::BTreeSet;
use std::path::Path;

use crate::common::git::{commit_unchecked, pre_push_all, server_and_client, text, Sandbox};
use crate::common::write_tree;

/// A GitHub token with a valid checksum (the example in patterns/github.yaml).
const TOKEN: &str = "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"; // pyguard: allow[github-token]

/// (pattern id, where): the comparable part of a finding.
type Seen = BTreeSet<(String, String)>;

fn tree() -> Vec<(&'static str, String)> {
    vec![
        ("app/config.py", format!("GITHUB_TOKEN = \"{TOKEN}\"\n")),
        (
            "app/loader.py",
            "import pickle\n\n\ndef load(request):\n    return pickle.loads(request.data)\n"
                .to_string(),
        ),
        (".env", "LOG_LEVEL=debug\n".to_string()),
        (
            "venv/pyvenv.cfg",
            "home = /usr/bin\nversion = 3.12.3\n".to_string(),
        ),
        ("venv/bin/activate", "# source bin/activate\n".to_string()),
        (
            "requirements.txt",
            "flask>=3\nreqeusts==2.31.0\n".to_string(),
        ),
        (
            "environment.yml",
            "dependencies:\n  - numpyy\n  - pip:\n    - djanga>=4.2\n    - --trusted-host pypi.corp.example\n"
                .to_string(),
        ),
        (
            "requirements/base.in",
            "--extra-index-url https://pkgs.corp.example/simple\ninternal-lib==1.0\n".to_string(),
        ),
        (
            "pyproject.toml",
            "[project]\nname = \"demo\"\n[[tool.uv.index]]\nname = \"corp\"\nurl = \"http://pkgs.corp.example/simple\"\n"
                .to_string(),
        ),
        ("README.md", "# demo\n".to_string()),
    ]
}

/// The bytecode file, binary.
const PYC: (&str, &[u8]) = (
    "app/__pycache__/loader.cpython-312.pyc",
    b"\xcb\r\r\n\0\0\0\0xx",
);

fn write_all(dir: &Path) {
    let files = tree();
    let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    write_tree(dir, &refs);
    std::fs::create_dir_all(dir.join(PYC.0).parent().unwrap()).unwrap();
    std::fs::write(dir.join(PYC.0), PYC.1).unwrap();
}

/// Where a finding is, for comparison: the environment's root, the bytecode's directory,
/// else the path.
fn place(id: &str, path: &str) -> String {
    match id {
        "committed-virtualenv" => path.split('/').next().unwrap_or(path).to_string(),
        "committed-bytecode" => path.rsplit_once('/').map_or("", |(d, _)| d).to_string(),
        _ => path.to_string(),
    }
}

fn from_json(out: &std::process::Output) -> Seen {
    let doc = crate::common::json(out);
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let id = f["pattern_id"].as_str().unwrap();
            (id.to_string(), place(id, f["path"].as_str().unwrap()))
        })
        .collect()
}

/// Findings from the human report (what the hooks print): `error[ID] ...` then `--> PATH:...`.
fn from_human(out: &str) -> Seen {
    let mut seen = Seen::new();
    let mut id: Option<String> = None;
    for line in out.lines() {
        let t = line.trim_start();
        for level in ["error[", "warning["] {
            if let Some(rest) = t.strip_prefix(level) {
                id = rest.split(']').next().map(str::to_string);
            }
        }
        if let (Some(i), Some(rest)) = (&id, t.strip_prefix("--> ")) {
            let path = rest.split(':').next().unwrap_or(rest);
            seen.insert((i.clone(), place(i, path)));
            id = None;
        }
    }
    seen
}

#[test]
fn every_mode_finds_the_same_things() {
    let sb = Sandbox::new();

    // Scanned as a directory.
    let dir = sb.path("plain");
    std::fs::create_dir_all(&dir).unwrap();
    write_all(&dir);
    let out = sb
        .pyguard(&dir)
        .args(["scan", ".", "-f", "json"])
        .output()
        .unwrap();
    let scanned = from_json(&out);
    let kinds: BTreeSet<&str> = scanned.iter().map(|(id, _)| id.as_str()).collect();
    for kind in [
        "github-token",
        "pickle-load",
        "dotenv-file",
        "committed-virtualenv",
        "committed-bytecode",
        "pypi-typosquat",
        "pip-trusted-host",
        "pip-extra-index-url",
        "pip-index-insecure-http",
    ] {
        assert!(kinds.contains(kind), "scan missed {kind}: {scanned:?}");
    }
    // The pip list of a conda environment is read; its conda names are not judged.
    let typosquats: BTreeSet<&str> = scanned
        .iter()
        .filter(|(id, _)| id == "pypi-typosquat")
        .map(|(_, path)| path.as_str())
        .collect();
    assert_eq!(
        typosquats,
        BTreeSet::from(["environment.yml", "requirements.txt"]),
        "{scanned:?}"
    );

    // Staged at once.
    let repo = sb.bare_init("staged");
    write_all(&repo);
    sb.ok(&repo, &["add", "-A"]);
    let out = sb
        .pyguard(&repo)
        .args(["scan", "--staged", "-f", "json"])
        .output()
        .unwrap();
    assert_eq!(from_json(&out), scanned, "staged at once");

    // Committed file by file, each commit gated as the hook would.
    let repo = sb.bare_init("by-file");
    write_all(&repo);
    let mut by_file = Seen::new();
    let mut paths: Vec<String> = tree().iter().map(|(p, _)| (*p).to_string()).collect();
    paths.push(PYC.0.to_string());
    for p in &paths {
        sb.ok(&repo, &["add", "--", p]);
        let out = sb
            .pyguard(&repo)
            .args(["scan", "--staged", "-f", "json"])
            .output()
            .unwrap();
        by_file.extend(from_json(&out));
        sb.ok(&repo, &["commit", "-q", "--no-verify", "-m", p]);
    }
    assert_eq!(by_file, scanned, "committed file by file");

    // Scanned as history (of the file-by-file repository).
    let out = sb
        .pyguard(&repo)
        .args(["history", ".", "-f", "json"])
        .output()
        .unwrap();
    assert_eq!(from_json(&out), scanned, "history");

    // Pushed: the pre-push hook on every commit the push sends.
    let out = pre_push_all(&sb, &repo);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(
        from_human(&String::from_utf8_lossy(&out.stdout)),
        scanned,
        "pre-push"
    );
}

/// Findings the server's hook printed, relayed by `git push` as `remote: ` lines.
fn from_remote(out: &std::process::Output) -> Seen {
    let shown = text(out);
    let relayed: Vec<&str> = shown
        .lines()
        .filter_map(|l| l.strip_prefix("remote: "))
        .collect();
    from_human(&relayed.join("\n"))
}

/// The findings of every mode on one change: a manifest committed and pushed before, then a
/// commit that adds only code. (mode, findings)
fn modes_on_code_after_its_manifest(
    manifest: (&str, &str),
    code: (&str, &str),
) -> Vec<(&'static str, Seen)> {
    let sb = Sandbox::new();
    let (server, repo) = server_and_client(&sb, &[]);
    write_tree(&repo, &[manifest, ("README.md", "# demo\n")]);
    commit_unchecked(&sb, &repo, "manifest");
    let out = sb.git(&repo, &["push", "-q", "origin", "main"]);
    assert!(out.status.success(), "{}", text(&out));
    let base = sb.ok(&repo, &["rev-parse", "HEAD"]).trim().to_string();

    let mut found = Vec::new();
    write_tree(&repo, &[code]);
    sb.ok(&repo, &["add", "-A"]);
    let out = sb
        .pyguard(&repo)
        .args(["hook", "pre-commit"])
        .output()
        .unwrap();
    found.push((
        "hook pre-commit",
        from_human(&String::from_utf8_lossy(&out.stdout)),
    ));
    let out = sb
        .pyguard(&repo)
        .args(["scan", "--staged", "-f", "json"])
        .output()
        .unwrap();
    found.push(("scan --staged", from_json(&out)));
    commit_unchecked(&sb, &repo, "code");
    let out = sb
        .pyguard(&repo)
        .args(["scan", ".", "-f", "json"])
        .output()
        .unwrap();
    found.push(("scan", from_json(&out)));
    let out = sb
        .pyguard(&repo)
        .args(["history", ".", "-f", "json"])
        .output()
        .unwrap();
    found.push(("history", from_json(&out)));
    let tip = sb.ok(&repo, &["rev-parse", "HEAD"]).trim().to_string();
    let out = sb
        .pyguard(&repo)
        .args(["hook", "pre-push", "origin", server.to_str().unwrap()])
        .write_stdin(format!("refs/heads/main {tip} refs/heads/main {base}\n"))
        .output()
        .unwrap();
    found.push((
        "pre-push",
        from_human(&String::from_utf8_lossy(&out.stdout)),
    ));
    // A warning does not reject the push; the server prints it.
    let out = sb.git(&repo, &["push", "origin", "main"]);
    assert!(out.status.success(), "{}", text(&out));
    found.push(("pre-receive", from_remote(&out)));
    found
}

#[test]
fn a_dependency_declared_before_the_change_answers_its_warning_in_every_mode() {
    // The dependency pass judges a warning against what the project declares: `import Crypto`
    // is pycryptodome's when a manifest declares it. Every mode must read the project's
    // manifests, not only the ones the change touches (the commit is code only).
    let code = ("app/crypt.py", "from Crypto.Cipher import AES\n");
    let mut wrong = Vec::new();
    for (requirements, want) in [
        ("pycryptodome==3.20.0\n", Seen::new()),
        (
            "requests==2.32.3\n",
            Seen::from([("pycrypto-import".to_string(), code.0.to_string())]),
        ),
    ] {
        for (mode, found) in
            modes_on_code_after_its_manifest(("requirements.txt", requirements), code)
        {
            if found != want {
                wrong.push(format!(
                    "{mode} with {requirements:?}: {found:?}, want {want:?}"
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}
