//! The server-side gate: `pyguard install --server` in a bare repository, and real `git push`es
//! into it from a client that skips its own hooks (`--no-verify`) or has none.

use std::path::{Path, PathBuf};

use crate::common::git::{self, text, Sandbox};
use crate::common::write_tree;

/// A GitHub token with a valid checksum (the example in patterns/github.yaml).
const TOKEN: &str = "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"; // pyguard: allow[github-token]

fn leaky() -> String {
    format!("import os\n\nGITHUB_TOKEN = \"{TOKEN}\"\n")
}

/// A bare "server" repository with the server hook, and a client clone of it without hooks.
fn server_and_client(sb: &Sandbox, hooks: &[&str]) -> (PathBuf, PathBuf) {
    let (server, client) = git::server_and_client(sb, hooks);
    write_tree(&client, &[("app.py", "a = 1\n")]);
    commit(sb, &client, "base");
    let out = sb.git(&client, &["push", "-q", "origin", "main"]);
    assert!(out.status.success(), "clean push rejected: {}", text(&out));
    (server, client)
}

fn commit(sb: &Sandbox, repo: &Path, msg: &str) {
    sb.ok(repo, &["add", "-A"]);
    sb.ok(repo, &["commit", "-q", "--no-verify", "-m", msg]);
}

fn tip(sb: &Sandbox, server: &Path, rev: &str) -> String {
    sb.ok(server, &["rev-parse", rev])
}

#[test]
fn server_rejects_a_secret_that_the_client_pushed_with_no_verify() {
    let sb = Sandbox::new();
    let (server, client) = server_and_client(&sb, &[]);
    // The client has pyguard's hooks too, and skips them.
    sb.pyguard(&client).arg("install").assert().success();
    write_tree(&client, &[("leak.py", &leaky())]);
    commit(&sb, &client, "leak");
    let before = tip(&sb, &server, "main");
    let out = sb.git(&client, &["push", "--no-verify", "origin", "main"]);
    let shown = text(&out);
    assert!(!out.status.success(), "push went through: {shown}");
    assert!(shown.contains("leak.py:3:17"), "{shown}");
    assert!(shown.contains("rejected this push"), "{shown}");
    assert!(!shown.contains(TOKEN), "secret printed in full: {shown}");
    assert!(
        !shown.contains("--no-verify"),
        "a bypass that does not work offered: {shown}"
    );
    assert_eq!(tip(&sb, &server, "main"), before, "the server's ref moved");
}

#[test]
fn server_scans_only_what_a_push_adds() {
    let sb = Sandbox::new();
    let server = sb.path("server.git");
    sb.ok(
        sb.root.path(),
        &["init", "-q", "--bare", server.to_str().unwrap()],
    );
    let client = sb.bare_init("client");
    sb.ok(
        &client,
        &["remote", "add", "origin", server.to_str().unwrap()],
    );
    // History from before the hook was installed holds a secret: it is the server's already.
    write_tree(&client, &[("old.py", &leaky())]);
    commit(&sb, &client, "old leak");
    sb.ok(&client, &["push", "-q", "origin", "main"]);
    sb.pyguard(&server)
        .args(["install", "--server"])
        .assert()
        .success();
    // A new branch on top of it, and a clean commit on main: only the new commits count.
    sb.ok(&client, &["checkout", "-q", "-b", "feature"]);
    write_tree(&client, &[("b.py", "b = 2\n")]);
    commit(&sb, &client, "clean feature");
    let out = sb.git(&client, &["push", "-q", "origin", "feature"]);
    assert!(
        out.status.success(),
        "clean branch rejected: {}",
        text(&out)
    );
    // A force push that rewrites the branch is judged by what it adds.
    sb.ok(
        &client,
        &["commit", "-q", "--amend", "--no-verify", "-m", "reworded"],
    );
    let out = sb.git(&client, &["push", "-q", "--force", "origin", "feature"]);
    assert!(
        out.status.success(),
        "clean force push rejected: {}",
        text(&out)
    );
    write_tree(&client, &[("c.py", &leaky())]);
    commit(&sb, &client, "new leak");
    let out = sb.git(&client, &["push", "--force", "origin", "feature"]);
    assert!(!out.status.success(), "leaky force push accepted");
    assert!(text(&out).contains("c.py:3:17"), "{}", text(&out));
    assert!(
        !text(&out).contains("old.py"),
        "old history rescanned: {}",
        text(&out)
    );
    // Deleting a branch adds nothing.
    let out = sb.git(&client, &["push", "-q", "origin", "--delete", "feature"]);
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn server_rejects_a_token_in_a_commit_message_and_a_tag_of_a_leaky_blob() {
    let sb = Sandbox::new();
    let (server, client) = server_and_client(&sb, &[]);
    write_tree(&client, &[("app.py", "a = 2\n")]);
    sb.ok(&client, &["add", "-A"]);
    sb.ok(
        &client,
        &[
            "commit",
            "-q",
            "--no-verify",
            "-m",
            &format!("deploy with {TOKEN}"),
        ],
    );
    let out = sb.git(&client, &["push", "origin", "main"]);
    assert!(!out.status.success(), "token in a message accepted");
    assert!(text(&out).contains("message"), "{}", text(&out));
    sb.ok(&client, &["reset", "-q", "--hard", "HEAD~1"]);
    // A tag that points straight at a blob: no commit carries it.
    let blob_file = sb.path("blob.txt");
    std::fs::write(&blob_file, leaky()).unwrap();
    let blob = sb.ok(&client, &["hash-object", "-w", blob_file.to_str().unwrap()]);
    sb.ok(&client, &["tag", "leaky-blob", blob.trim()]);
    let out = sb.git(&client, &["push", "origin", "refs/tags/leaky-blob"]);
    assert!(!out.status.success(), "tag of a leaky blob accepted");
    let out = sb.git(
        &server,
        &["rev-parse", "-q", "--verify", "refs/tags/leaky-blob"],
    );
    assert!(!out.status.success(), "the tag reached the server");
}

#[test]
fn a_pushed_configuration_cannot_switch_the_server_off() {
    let sb = Sandbox::new();
    let (_server, client) = server_and_client(&sb, &[]);
    // Everything a repository's own configuration could use to silence pyguard.
    write_tree(
        &client,
        &[
            (
                ".pyguard.yaml",
                "disable: [all]\nexclude: ['*']\nallow: ['.*']\nmarkers: {pyguard: true}\n",
            ),
            (
                "pyproject.toml",
                "[tool.pyguard]\ndisable = [\"all\"]\nexclude = [\"*\"]\n",
            ),
            ("leak.py", &leaky()),
        ],
    );
    commit(&sb, &client, "silence and leak");
    let out = sb.git(&client, &["push", "origin", "main"]);
    assert!(
        !out.status.success(),
        "pushed config switched the server off"
    );
    assert!(text(&out).contains("leak.py"), "{}", text(&out));
}

#[test]
fn server_policy_decides_whether_inline_allows_count() {
    let sb = Sandbox::new();
    let (server, client) = server_and_client(&sb, &[]);
    let allowed = format!("GITHUB_TOKEN = \"{TOKEN}\"  # pyguard: allow[github-token]\n");
    write_tree(&client, &[("fixture.py", &allowed)]);
    commit(&sb, &client, "allowed fixture");
    // By default the repository's inline allows count.
    let out = sb.git(&client, &["push", "-q", "origin", "main"]);
    assert!(out.status.success(), "inline allow ignored: {}", text(&out));
    // A server that lets the repository loosen nothing blocks the same line.
    std::fs::write(
        server.join("pyguard.yaml"),
        "server:\n  repository_may: []\n",
    )
    .unwrap();
    write_tree(&client, &[("fixture2.py", &allowed)]);
    commit(&sb, &client, "second allowed fixture");
    let out = sb.git(&client, &["push", "origin", "main"]);
    assert!(
        !out.status.success(),
        "inline allow honoured against the policy"
    );
    assert!(text(&out).contains("fixture2.py"), "{}", text(&out));
}

#[test]
fn update_hook_rejects_only_the_leaky_ref() {
    let sb = Sandbox::new();
    let (server, client) = server_and_client(&sb, &["update"]);
    assert!(server.join("hooks/update").exists());
    assert!(!server.join("hooks/pre-receive").exists());
    sb.ok(&client, &["checkout", "-q", "-b", "clean"]);
    write_tree(&client, &[("b.py", "b = 2\n")]);
    commit(&sb, &client, "clean");
    sb.ok(&client, &["checkout", "-q", "-b", "dirty"]);
    write_tree(&client, &[("leak.py", &leaky())]);
    commit(&sb, &client, "leak");
    let out = sb.git(&client, &["push", "origin", "clean", "dirty"]);
    assert!(!out.status.success());
    let shown = text(&out);
    assert!(shown.contains("leak.py"), "{shown}");
    assert!(
        sb.git(&server, &["rev-parse", "-q", "--verify", "clean"])
            .status
            .success(),
        "{shown}"
    );
    assert!(
        !sb.git(&server, &["rev-parse", "-q", "--verify", "dirty"])
            .status
            .success(),
        "{shown}"
    );
}

#[test]
fn install_server_refuses_a_repository_with_a_work_tree() {
    let sb = Sandbox::new();
    let repo = sb.bare_init("work");
    let out = sb
        .pyguard(&repo)
        .args(["install", "--server"])
        .assert()
        .failure()
        .code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(err.contains("bare repository"), "{err}");
    assert!(!repo.join(".git/hooks/pre-receive").exists());
}

#[test]
fn uninstall_removes_the_server_hook_and_restores_the_one_it_chained() {
    let sb = Sandbox::new();
    let server = sb.path("server.git");
    sb.ok(
        sb.root.path(),
        &["init", "-q", "--bare", server.to_str().unwrap()],
    );
    let theirs = "#!/bin/sh\nexit 0\n";
    crate::common::git::write_script(&server.join("hooks/pre-receive"), theirs, 0o755);
    sb.pyguard(&server)
        .args(["install", "--server"])
        .assert()
        .success();
    assert!(server.join("hooks/pre-receive.pyguard-chained").exists());
    sb.pyguard(&server).arg("uninstall").assert().success();
    assert_eq!(
        std::fs::read_to_string(server.join("hooks/pre-receive")).unwrap(),
        theirs
    );
    assert!(!server.join("hooks/pre-receive.pyguard-chained").exists());
}
