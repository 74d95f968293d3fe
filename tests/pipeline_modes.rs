//! One pipeline for every mode: regression tests for what the hook, `scan --staged`,
//! `history` and `baseline` used to disagree on, each driving the real `git` CLI.

use std::fmt::Write as _;
use std::path::Path;

use crate::common::git::{commit_unchecked, pre_push_all, server_and_client, text, Sandbox};
use crate::common::write_tree;

/// A GitHub token with a valid checksum (the example in patterns/github.yaml).
const TOKEN: &str = "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"; // pyguard: allow[github-token]

fn leaky() -> String {
    format!("GITHUB_TOKEN = \"{TOKEN}\"\n")
}

/// The files `python3 -m venv venv` writes that say "this is an environment" (without the
/// `.gitignore` newer Pythons add, which older ones and `virtualenv` do not write).
fn venv_files() -> Vec<(&'static str, &'static str)> {
    vec![
        ("venv/pyvenv.cfg", "home = /usr/bin\nversion = 3.12.3\n"),
        (
            "venv/bin/activate",
            "# This file must be used with \"source bin/activate\"\n",
        ),
        (
            "venv/lib/python3.12/site-packages/six.py",
            "\"\"\"Utilities for writing code that runs on Python 2 and 3\"\"\"\n",
        ),
        ("app.py", "print('hi')\n"),
    ]
}

/// `pyguard ARGS -f json` in `repo`: (exit code, the ids of the findings).
fn ids(sb: &Sandbox, repo: &Path, args: &[&str]) -> (Option<i32>, Vec<String>) {
    let out = sb
        .pyguard(repo)
        .args(args)
        .args(["-f", "json"])
        .output()
        .unwrap();
    let doc = crate::common::json(&out);
    let ids = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["pattern_id"].as_str().unwrap().to_string())
        .collect();
    (out.status.code(), ids)
}

#[test]
fn committing_a_virtualenv_is_blocked_by_the_hook() {
    // Broke: `python3 -m venv venv && git add -A && git commit` went through; the path-set
    // checks ran only in `scan`.
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    write_tree(&repo, &venv_files());
    sb.ok(&repo, &["add", "-A"]);
    let out = sb.git(&repo, &["commit", "-m", "oops"]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(shown.contains("committed-virtualenv"), "{shown}");
    assert!(
        shown.contains("git rm -r --cached") || shown.contains("Remove it"),
        "{shown}"
    );
}

#[test]
fn a_staged_pycache_file_is_reported() {
    // Broke: a staged `__pycache__/*.pyc` was not reported by the gate (only by `scan .`).
    let sb = Sandbox::new();
    let repo = sb.bare_init("r");
    write_tree(&repo, &[("app.py", "print('hi')\n")]);
    std::fs::create_dir_all(repo.join("__pycache__")).unwrap();
    std::fs::write(
        repo.join("__pycache__/app.cpython-312.pyc"),
        b"\xcb\r\r\n\0\0\0\0binary",
    )
    .unwrap();
    sb.ok(&repo, &["add", "-A"]);
    let (code, found) = ids(&sb, &repo, &["scan", "--staged"]);
    assert_eq!(found, ["committed-bytecode"], "exit {code:?}");
    // A warning: shown, not blocking.
    assert_eq!(code, Some(0));
    let hook = sb
        .pyguard(&repo)
        .args(["hook", "pre-commit"])
        .output()
        .unwrap();
    let scan = sb
        .pyguard(&repo)
        .args(["scan", "--staged"])
        .output()
        .unwrap();
    assert!(
        text(&hook).contains("warning[committed-bytecode]"),
        "{}",
        text(&hook)
    );
    assert_eq!(
        text(&hook),
        text(&scan),
        "the hook and scan --staged disagree"
    );
}

#[test]
fn the_dependency_pass_runs_in_the_hook_and_in_history() {
    // Broke: `import Crypto` was answered by pycryptodome in requirements.txt only in `scan`;
    // the hook and history warned about it.
    let sb = Sandbox::new();
    let repo = sb.bare_init("r");
    write_tree(&repo, &[("requirements.txt", "pycryptodome==3.20.0\n")]);
    commit_unchecked(&sb, &repo, "deps");
    write_tree(&repo, &[("app.py", "from Crypto.Cipher import AES\n")]);
    sb.ok(&repo, &["add", "-A"]);
    let (code, found) = ids(&sb, &repo, &["scan", "--staged"]);
    assert!(found.is_empty(), "{found:?}");
    assert_eq!(code, Some(0));
    commit_unchecked(&sb, &repo, "app");
    let (_, found) = ids(&sb, &repo, &["history", "."]);
    assert!(found.is_empty(), "{found:?}");
    // Without the dependency, every mode warns.
    write_tree(&repo, &[("requirements.txt", "requests\n")]);
    let (_, found) = ids(&sb, &repo, &["scan", "."]);
    assert_eq!(found, ["pycrypto-import"]);
    write_tree(&repo, &[("other.py", "import Crypto\n")]);
    sb.ok(&repo, &["add", "-A"]);
    let (_, found) = ids(&sb, &repo, &["scan", "--staged"]);
    assert_eq!(found, ["pycrypto-import"]);
}

#[test]
fn an_excluded_manifest_answers_nothing_in_the_commit_gate() {
    // Broke: the commit gate read every manifest in the index, excluded or not, so
    // pycryptodome in an excluded vendor/requirements.txt answered `import Crypto` in the hook
    // while `scan .` warned.
    let sb = Sandbox::new();
    let repo = sb.bare_init("r");
    write_tree(
        &repo,
        &[
            (".pyguard.yaml", "exclude: ['vendor/']\n"),
            ("vendor/requirements.txt", "pycryptodome==3.20.0\n"),
        ],
    );
    commit_unchecked(&sb, &repo, "vendored");
    write_tree(&repo, &[("app.py", "from Crypto.Cipher import AES\n")]);
    sb.ok(&repo, &["add", "-A"]);
    let (_, found) = ids(&sb, &repo, &["scan", "--staged"]);
    assert_eq!(found, ["pycrypto-import"]);
    let (_, found) = ids(&sb, &repo, &["scan", "."]);
    assert_eq!(found, ["pycrypto-import"]);
    // Not excluded, the manifest answers it in both.
    std::fs::write(repo.join(".pyguard.yaml"), "exclude: []\n").unwrap();
    let (_, found) = ids(&sb, &repo, &["scan", "--staged"]);
    assert!(found.is_empty(), "{found:?}");
    let (_, found) = ids(&sb, &repo, &["scan", "."]);
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn history_honours_the_configured_excludes() {
    // Broke: with `exclude: ['tests/']`, `scan .` was clean and `history .` reported a key in
    // tests/conf.py.
    let sb = Sandbox::new();
    let repo = sb.bare_init("r");
    write_tree(
        &repo,
        &[
            (".pyguard.yaml", "exclude: ['tests/']\n"),
            ("tests/conf.py", &leaky()),
            ("app.py", "print('hi')\n"),
        ],
    );
    commit_unchecked(&sb, &repo, "tests");
    let (code, found) = ids(&sb, &repo, &["scan", "."]);
    assert_eq!((code, found.len()), (Some(0), 0), "{found:?}");
    let (code, found) = ids(&sb, &repo, &["history", "."]);
    assert_eq!((code, found.len()), (Some(0), 0), "{found:?}");
    // Not excluded, the same key is reported.
    std::fs::write(repo.join(".pyguard.yaml"), "exclude: []\n").unwrap();
    let (code, found) = ids(&sb, &repo, &["history", "."]);
    assert_eq!((code, found), (Some(1), vec!["github-token".to_string()]));
}

#[test]
fn scan_staged_and_the_pre_commit_hook_print_the_same() {
    // Broke: the two spellings of the commit gate were two code paths; only the hook warned
    // about stale baseline entries.
    let sb = Sandbox::new();
    let repo = sb.bare_init("r");
    write_tree(&repo, &[("old.py", &leaky())]);
    commit_unchecked(&sb, &repo, "old");
    sb.pyguard(&repo).arg("baseline").assert().success();
    sb.ok(&repo, &["rm", "-q", "old.py"]);
    write_tree(
        &repo,
        &[("new.py", &format!("T = \"{TOKEN}\"  # moved\nX = 1\n"))],
    );
    write_tree(&repo, &[("venv/pyvenv.cfg", "home = /usr/bin\n")]);
    sb.ok(&repo, &["add", "-A"]);
    let scan = sb
        .pyguard(&repo)
        .args(["scan", "--staged"])
        .output()
        .unwrap();
    let hook = sb
        .pyguard(&repo)
        .args(["hook", "pre-commit"])
        .output()
        .unwrap();
    assert_eq!(scan.status.code(), Some(1), "{}", text(&scan));
    assert_eq!(scan.status.code(), hook.status.code());
    assert_eq!(text(&scan), text(&hook));
    assert!(
        text(&scan).contains("1 baseline entry points at files that no longer exist"),
        "{}",
        text(&scan)
    );
    assert!(
        text(&scan).contains("committed-virtualenv"),
        "{}",
        text(&scan)
    );
}

#[test]
fn history_reports_are_byte_identical_run_to_run() {
    // Broke: `eol-python-ci-matrix` findings moved between commits and lines, and counts
    // varied between runs: which version of a workflow claimed a line first depended on the
    // order blobs were read in, and a multi-line match outside the claimed lines was lost.
    let sb = Sandbox::new();
    let repo = sb.bare_init("r");
    let flow = |versions: &[&str]| {
        let mut t = String::from(
            "on: push\njobs:\n  test:\n    strategy:\n      matrix:\n        python-version:\n",
        );
        for v in versions {
            let _ = writeln!(t, "          - \"{v}\"");
        }
        t.push_str("    steps:\n      - run: pytest\n");
        t
    };
    for (i, versions) in [
        &["3.6", "3.7"][..],
        &["3.6", "3.7", "3.12"],
        &["3.7"],
        &["3.7", "3.13"],
        &["3.6", "3.7"],
    ]
    .iter()
    .enumerate()
    {
        write_tree(&repo, &[(".github/workflows/ci.yml", &flow(versions))]);
        write_tree(&repo, &[(&format!("m{i}.py") as &str, "import os\n")]);
        commit_unchecked(&sb, &repo, &format!("c{i}"));
    }
    let run = || {
        let out = sb
            .pyguard(&repo)
            .args(["--today", "2026-12-01", "history", ".", "-q"])
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let first = run();
    assert!(first.1.contains("eol-python-ci-matrix"), "{}", first.1);
    for _ in 0..4 {
        assert_eq!(run(), first);
    }
}

#[test]
fn a_history_baseline_survives_a_work_tree_scan_and_prune() {
    // Broke: after `baseline --history`, `scan` called the history entries stale and
    // `baseline --prune` dropped them, so `history` reported them again.
    let sb = Sandbox::new();
    let repo = sb.bare_init("r");
    write_tree(&repo, &[("old.py", &leaky())]);
    commit_unchecked(&sb, &repo, "old");
    sb.ok(&repo, &["rm", "-q", "old.py"]);
    write_tree(&repo, &[("app.py", "print('hi')\n")]);
    commit_unchecked(&sb, &repo, "gone");
    sb.pyguard(&repo)
        .args(["baseline", "--history"])
        .assert()
        .success();
    let out = sb.pyguard(&repo).args(["scan", "."]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(!text(&out).contains("no longer match"), "{}", text(&out));
    let out = sb
        .pyguard(&repo)
        .args(["baseline", "--prune"])
        .output()
        .unwrap();
    assert!(
        text(&out).contains("pruned 0 stale entries, 1 left"),
        "{}",
        text(&out)
    );
    let (code, found) = ids(&sb, &repo, &["history", "."]);
    assert_eq!((code, found.len()), (Some(0), 0), "{found:?}");
}

#[test]
fn the_block_message_gives_each_findings_own_fix() {
    // Broke: the block message gave one generic fix ("remove it from the file"), which is
    // wrong for a committed .env (it needs `git rm --cached`) and for DEBUG (it needs the
    // environment pattern), and an allow hint for the first id only.
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    write_tree(
        &repo,
        &[
            (".env", "DATABASE_PASSWORD=hunter2-but-longer\n"),
            (
                "proj/settings.py",
                "DEBUG = True\nALLOWED_HOSTS = ['*']\nINSTALLED_APPS = []\n",
            ),
        ],
    );
    sb.ok(&repo, &["add", "-A"]);
    let out = sb.git(&repo, &["commit", "-m", "oops"]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    for needle in [
        "git rm --cached",
        "os.environ",
        "allow[dotenv-file]",
        "allow[django-debug-true]",
        "pyguard explain dotenv-file",
        "pyguard explain django-debug-true",
        "git commit --no-verify",
    ] {
        assert!(shown.contains(needle), "missing {needle:?} in:\n{shown}");
    }
}

#[test]
fn a_pip_typosquat_added_to_a_conda_environment_is_judged_in_every_mode() {
    // The `pip:` list of an environment.yml is read as a requirements file: the commit gate
    // (on the added line alone), history and pre-push all name the imitated project, and the
    // conda entries around it (other names than PyPI's) are not judged.
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    let clean = "name: demo\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.12\n  - matplotlib-base\n  - pip\n  - pip:\n    - requests==2.32.3\n";
    write_tree(&repo, &[("environment.yml", clean)]);
    sb.ok(&repo, &["add", "-A"]);
    let out = sb.git(&repo, &["commit", "-m", "env"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    let squat = format!("{clean}    - reqeusts==2.31.0\n");
    write_tree(&repo, &[("environment.yml", &squat)]);
    sb.ok(&repo, &["add", "-A"]);
    let out = sb.git(&repo, &["commit", "-m", "typo"]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(shown.contains("pypi-typosquat"), "{shown}");
    assert!(shown.contains("did you mean `requests`?"), "{shown}");
    assert!(shown.contains("environment.yml:10"), "{shown}");

    let (code, found) = ids(&sb, &repo, &["scan", "--staged"]);
    assert_eq!((code, found), (Some(1), vec!["pypi-typosquat".to_string()]));
    commit_unchecked(&sb, &repo, "typo");
    let (_, found) = ids(&sb, &repo, &["history", "."]);
    assert_eq!(found, ["pypi-typosquat"]);
    let (_, found) = ids(&sb, &repo, &["scan", "."]);
    assert_eq!(found, ["pypi-typosquat"]);

    let out = pre_push_all(&sb, &repo);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(shown.contains("did you mean `requests`?"), "{shown}");
}

#[test]
fn an_http_index_in_an_included_requirements_file_blocks_and_a_trusted_host_warns() {
    // `-r requirements/base.in` names a file that is itself a requirements file: recognised by
    // its name, so its index options are judged in the gate like any manifest's.
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    write_tree(
        &repo,
        &[
            ("requirements.txt", "-r requirements/base.in\n"),
            (
                "requirements/base.in",
                "--index-url http://pypi.corp.example/simple\n--trusted-host pypi.corp.example\nrequests\n",
            ),
        ],
    );
    sb.ok(&repo, &["add", "-A"]);
    let out = sb.git(&repo, &["commit", "-m", "deps"]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(shown.contains("error[pip-index-insecure-http]"), "{shown}");
    assert!(shown.contains("warning[pip-trusted-host]"), "{shown}");
    let (_, mut staged) = ids(&sb, &repo, &["scan", "--staged"]);
    staged.sort();
    commit_unchecked(&sb, &repo, "deps");
    let (_, mut history) = ids(&sb, &repo, &["history", "."]);
    history.sort();
    assert_eq!(staged, ["pip-index-insecure-http", "pip-trusted-host"]);
    assert_eq!(history, staged);
}

#[test]
fn kubernetes_secret_lists_flow_maps_and_json_are_decoded_in_every_mode() {
    // Broke: Secrets inside `kind: List`, flow-style `data: {k: b64}` and JSON manifests were
    // not decoded by any mode; the hook, scan, history and pre-push must all find them.
    let sb = Sandbox::new();
    let repo = sb.bare_init("r");
    let b64 = pyguard::rules::validate::base64_encode(TOKEN.as_bytes(), false);
    let files = [
        (
            "k8s/list.yaml",
            format!("kind: List\nitems:\n  - kind: Secret\n    data:\n      token: {b64}\n"),
        ),
        (
            "k8s/flow.yaml",
            format!("kind: Secret\ndata: {{token: {b64}}}\n"),
        ),
        (
            "k8s/secret.json",
            format!("{{\"kind\": \"List\", \"items\": [{{\"kind\": \"Secret\", \"data\": {{\"token\": \"{b64}\"}}}}]}}\n"),
        ),
    ];
    let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    write_tree(&repo, &refs);
    sb.ok(&repo, &["add", "-A"]);
    let want = vec!["github-token".to_string(); 3];
    assert_eq!(
        ids(&sb, &repo, &["scan", "--staged"]),
        (Some(1), want.clone())
    );
    let hook = sb
        .pyguard(&repo)
        .args(["hook", "pre-commit"])
        .output()
        .unwrap();
    assert_eq!(hook.status.code(), Some(1), "{}", text(&hook));
    assert_eq!(text(&hook).matches("error[github-token]").count(), 3);
    commit_unchecked(&sb, &repo, "manifests");
    assert_eq!(ids(&sb, &repo, &["scan", "."]), (Some(1), want));
    // History reports one secret once, with every place it occurs.
    let out = sb
        .pyguard(&repo)
        .args(["history", ".", "-f", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let doc = crate::common::json(&out);
    let places: Vec<String> = doc["findings"][0]["places"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| format!("{}:{}", p["path"].as_str().unwrap(), p["line"]))
        .collect();
    assert_eq!(
        places,
        ["k8s/flow.yaml:2", "k8s/list.yaml:5", "k8s/secret.json:1"],
        "{doc}"
    );
    let push = pre_push_all(&sb, &repo);
    assert_eq!(push.status.code(), Some(1), "{}", text(&push));
    assert_eq!(text(&push).matches("error[github-token]").count(), 3);
    for out in [&hook, &push] {
        assert!(
            !text(out).contains(TOKEN) && !text(out).contains(&b64),
            "{}",
            text(out)
        );
    }
}

#[test]
fn pre_push_and_the_server_read_the_manifests_of_the_pushed_tip() {
    // Broke: pre-push and the server hooks judged `import Crypto` against the manifests that
    // the pushed commits change, not the project's: a commit that adds only code on top of a
    // requirements.txt declaring pycryptodome was warned about in a push, and in no other mode
    // (the commit gate reads the index's manifests, `scan` the tree's).
    let sb = Sandbox::new();
    let (server, repo) = server_and_client(&sb, &["update"]);
    write_tree(&repo, &[("requirements.txt", "pycryptodome==3.20.0\n")]);
    commit_unchecked(&sb, &repo, "deps");
    sb.ok(&repo, &["push", "-q", "origin", "main"]);
    // `code` adds the import; `dropped` adds it too and replaces pycryptodome.
    sb.ok(&repo, &["checkout", "-q", "-b", "code"]);
    write_tree(&repo, &[("app.py", "from Crypto.Cipher import AES\n")]);
    commit_unchecked(&sb, &repo, "code");
    let code = sb.ok(&repo, &["rev-parse", "HEAD"]).trim().to_string();
    sb.ok(&repo, &["checkout", "-q", "-b", "dropped", "main"]);
    write_tree(&repo, &[("app.py", "import Crypto\n")]);
    commit_unchecked(&sb, &repo, "code too");
    write_tree(&repo, &[("requirements.txt", "requests==2.32.3\n")]);
    commit_unchecked(&sb, &repo, "no pycryptodome");
    let dropped = sb.ok(&repo, &["rev-parse", "HEAD"]).trim().to_string();
    let zero = "0".repeat(40);
    let pre_push = |lines: &[(&str, &str)]| {
        let mut input = String::new();
        for (name, tip) in lines {
            let _ = writeln!(input, "refs/heads/{name} {tip} refs/heads/{name} {zero}");
        }
        let out = sb
            .pyguard(&repo)
            .args(["hook", "pre-push", "origin", server.to_str().unwrap()])
            .write_stdin(input)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        text(&out).matches("pycrypto-import").count()
    };
    assert_eq!(pre_push(&[("code", &code)]), 0);
    // The pushed tip counts, not the other refs (main still declares pycryptodome).
    assert!(pre_push(&[("dropped", &dropped)]) > 0);
    // Several refs are judged as one push, against every pushed tip's manifests (hooks.md).
    assert_eq!(pre_push(&[("code", &code), ("dropped", &dropped)]), 0);
    // The `update` hook runs once per ref: each ref against its own tip.
    let out = sb.git(&repo, &["push", "origin", "code", "dropped"]);
    assert!(out.status.success(), "{}", text(&out));
    let shown = text(&out);
    let warned: Vec<&str> = shown.lines().filter(|l| l.contains("--> ")).collect();
    assert_eq!(warned.len(), 1, "{shown}");
    assert!(warned[0].contains("app.py:1"), "{shown}");
    assert!(shown.contains("import Crypto"), "{shown}");
    assert!(!shown.contains("from Crypto"), "{shown}");
}

#[test]
fn the_push_gate_counts_commit_messages_apart_from_files() {
    // Broke: a push of one commit adding two files said "in 3 files": its message was
    // counted as a file.
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    write_tree(&repo, &[("a.py", "A = 1\n"), ("b.py", &leaky())]);
    commit_unchecked(&sb, &repo, "two files");
    let out = pre_push_all(&sb, &repo);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(shown.contains("in 2 files and 1 commit message"), "{shown}");
}
