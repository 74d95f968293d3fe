//! Ways past the commit gate found by an adversarial pass (issue 16), each with a regression
//! test named after it. Every test drives the real `git` CLI with pyguard's hooks installed
//! (commits, and pushes to a bare remote) and checks the exit code, what pyguard printed, that
//! no secret was printed in full, and that a blocked commit left the index and the working tree
//! as they were.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::common::git::{commit_unchecked, head, origin, snapshot, text, Sandbox};
use crate::common::write_tree;

/// A GitHub token with a valid checksum (the example in patterns/github.yaml).
const TOKEN: &str = "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"; // pyguard: allow[github-token]

/// Stages everything and commits with the hook; asserts that git failed with `code` (1
/// whatever the hook's own code), that nothing was committed and that the index and working tree are unchanged. Returns
/// what was printed.
fn blocked_commit(sb: &Sandbox, repo: &Path, code: i32) -> String {
    sb.ok(repo, &["add", "-A"]);
    sb.settle(repo);
    let before_head = head(sb, repo);
    let before = snapshot(repo);
    let out = sb.git(repo, &["commit", "-m", "change"]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(code), "{shown}");
    assert_eq!(head(sb, repo), before_head, "committed: {shown}");
    assert_eq!(snapshot(repo), before, "index or working tree changed");
    assert!(!shown.contains(TOKEN), "secret printed in full:\n{shown}");
    shown
}

/// A repository with hooks and a bare remote `origin` holding its first commit.
fn with_remote(sb: &Sandbox) -> (PathBuf, PathBuf) {
    let repo = sb.repo("r");
    let remote = origin(sb, &repo);
    write_tree(&repo, &[("base.py", "a = 1\n")]);
    commit_unchecked(sb, &repo, "base");
    sb.ok(&repo, &["push", "-q", "origin", "main"]);
    (repo, remote)
}

/// Pushes `refs` to origin with the hook; asserts that it was blocked and that the remote did
/// not change. Returns what was printed.
fn blocked_push(sb: &Sandbox, repo: &Path, remote: &Path, refs: &[&str]) -> String {
    let before = sb.git(remote, &["for-each-ref"]).stdout;
    let mut args = vec!["push", "origin"];
    args.extend(refs);
    let out = sb.git(repo, &args);
    let shown = text(&out);
    assert!(!out.status.success(), "push went through: {shown}");
    assert!(shown.contains("git push --no-verify"), "{shown}");
    assert!(!shown.contains(TOKEN), "secret printed in full:\n{shown}");
    assert_eq!(sb.git(remote, &["for-each-ref"]).stdout, before);
    shown
}

fn passes(out: &Output) {
    assert!(out.status.success(), "blocked: {}", text(out));
}

#[test]
fn one_nul_byte_does_not_make_a_token_binary() {
    // A NUL early in a file made it "binary" and the whole file was skipped, token and all.
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    std::fs::write(
        repo.join("notes.txt"),
        format!("header\0\ntoken = {TOKEN}\n"),
    )
    .unwrap();
    let shown = blocked_commit(&sb, &repo, 1);
    assert!(shown.contains("error[github-token]"), "{shown}");
    assert!(shown.contains("notes.txt:2"), "{shown}");
    // The same bytes are found by `scan` of the working tree.
    let out = sb.pyguard(&repo).args(["scan", "."]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
}

#[test]
fn a_file_over_the_size_limit_blocks_instead_of_passing() {
    // A file over max_file_size went through the gate and pre-push with only a note.
    let sb = Sandbox::new();
    let (repo, remote) = with_remote(&sb);
    write_tree(&repo, &[(".pyguard.yaml", "max_file_size: 2000\n")]);
    commit_unchecked(&sb, &repo, "config");
    sb.ok(&repo, &["push", "-q", "origin", "main"]);
    let big = format!("{}token = {TOKEN}\n", "# filler line\n".repeat(400));
    write_tree(&repo, &[("big.py", &big)]);
    let shown = blocked_commit(&sb, &repo, 1);
    assert!(shown.contains("big.py"), "{shown}");
    assert!(shown.contains("over max_file_size"), "{shown}");
    assert!(shown.contains("could not check everything"), "{shown}");
    // Committed anyway: the push stops it for the same reason.
    commit_unchecked(&sb, &repo, "big");
    let shown = blocked_push(&sb, &repo, &remote, &["main"]);
    assert!(shown.contains("over max_file_size"), "{shown}");
    // An excluded large file is not the gate's business.
    sb.ok(&repo, &["reset", "-q", "--hard", "HEAD~1"]);
    write_tree(
        &repo,
        &[
            (
                ".pyguard.yaml",
                "max_file_size: 2000\nexclude: ['vendor/']\n",
            ),
            ("vendor/big.py", &"x = 1\n".repeat(500)),
        ],
    );
    sb.ok(&repo, &["add", "-A"]);
    passes(&sb.git(&repo, &["commit", "-q", "-m", "vendored"]));
}

fn utf16(text: &str, little: bool, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if bom {
        out.extend(if little { [0xFF, 0xFE] } else { [0xFE, 0xFF] });
    }
    for u in text.encode_utf16() {
        out.extend(if little {
            u.to_le_bytes()
        } else {
            u.to_be_bytes()
        });
    }
    out
}

#[test]
fn utf16_files_are_decoded_and_scanned() {
    // A token in a UTF-16 file (NUL bytes between ASCII letters) was never matched.
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    for (name, little, bom) in [
        ("le_bom.txt", true, true),
        ("be_bom.txt", false, true),
        ("le.txt", true, false),
        ("be.txt", false, false),
    ] {
        std::fs::write(
            repo.join(name),
            utf16(&format!("first\r\ntoken = {TOKEN}\r\n"), little, bom),
        )
        .unwrap();
        let shown = blocked_commit(&sb, &repo, 1);
        assert!(shown.contains(&format!("{name}:2")), "{shown}");
        std::fs::remove_file(repo.join(name)).unwrap();
    }
}

#[test]
fn renames_that_change_the_rules_are_judged_as_new_content() {
    // A pure rename added no lines, so a file moved to where other rules apply (another
    // language, a settings module, out of an excluded directory) passed unchecked.
    let sb = Sandbox::new();
    let (repo, remote) = with_remote(&sb);
    write_tree(
        &repo,
        &[
            (".pyguard.yaml", "exclude: ['tests/fixtures/']\n"),
            ("snippet.txt", "exec(input())\n"),
            ("notes.txt", "DEBUG = True\n"),
            ("tests/fixtures/tok.py", &format!("token = '{TOKEN}'\n")),
            ("plain.py", "x = 1\n"),
        ],
    );
    commit_unchecked(&sb, &repo, "base");
    sb.ok(&repo, &["push", "-q", "--no-verify", "origin", "main"]);
    for (from, to, id) in [
        ("snippet.txt", "snippet.py", "exec-user-input"),
        ("notes.txt", "settings.py", "django-debug-true"),
        ("tests/fixtures/tok.py", "app_tok.py", "github-token"),
    ] {
        sb.ok(&repo, &["mv", from, to]);
        let shown = blocked_commit(&sb, &repo, 1);
        assert!(
            shown.contains(&format!("[{id}]")),
            "{from} -> {to}: {shown}"
        );
        // Committed past the hook, the push judges the rename the same way.
        sb.ok(&repo, &["commit", "-q", "--no-verify", "-m", "move"]);
        let shown = blocked_push(&sb, &repo, &remote, &["main"]);
        assert!(
            shown.contains(&format!("[{id}]")),
            "{from} -> {to}: {shown}"
        );
        sb.ok(&repo, &["reset", "-q", "--hard", "HEAD~1"]);
    }
    // A rename under the same rules still adds nothing.
    sb.ok(&repo, &["mv", "plain.py", "other.py"]);
    passes(&sb.git(&repo, &["commit", "-q", "-m", "rename"]));
}

#[test]
fn changes_that_complete_a_finding_are_blocked() {
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    // pyguard: allow[private-key]
    let header = ["-----BEGIN EC ", "PRIVATE KEY-----\n"].concat();
    let body = "ff6kvmqvc0zcUxnvoA61hEV15KNwY1OBjwD8nhqECd18f88L7ib0gIPNFutoLwjY\n";
    let footer = ["-----END EC ", "PRIVATE KEY-----\n"].concat();
    write_tree(
        &repo,
        &[
            ("run.py", "def main():\n    exec(x)\n"),
            ("key.txt", &format!("{body}{footer}")),
            ("conf/base.py", "DEBUG = True\n"),
        ],
    );
    commit_unchecked(&sb, &repo, "base");
    // An assignment from input() added above an existing exec(x).
    write_tree(
        &repo,
        &[("run.py", "def main():\n    x = input()\n    exec(x)\n")],
    );
    let shown = blocked_commit(&sb, &repo, 1);
    assert!(shown.contains("[exec-user-input]"), "{shown}");
    sb.ok(&repo, &["reset", "-q", "--hard"]);
    // A key header added to a body committed earlier.
    write_tree(&repo, &[("key.txt", &format!("{header}{body}{footer}"))]);
    let shown = blocked_commit(&sb, &repo, 1);
    assert!(shown.contains("[private-key]"), "{shown}");
    sb.ok(&repo, &["reset", "-q", "--hard"]);
    // A module with DEBUG = True that becomes a Django settings module.
    write_tree(
        &repo,
        &[("conf/base.py", "DEBUG = True\nINSTALLED_APPS = ['app']\n")],
    );
    let shown = blocked_commit(&sb, &repo, 1);
    assert!(shown.contains("[django-debug-true]"), "{shown}");
    sb.ok(&repo, &["reset", "-q", "--hard"]);
    // An unrelated edit to such a file does not re-report what was already there.
    write_tree(
        &repo,
        &[(
            "run.py",
            "def main():\n    exec(x)\n\n\ndef other():\n    return 1\n",
        )],
    );
    sb.ok(&repo, &["add", "-A"]);
    passes(&sb.git(&repo, &["commit", "-q", "-m", "unrelated"]));
}

#[test]
fn an_allow_marker_inside_a_string_literal_does_not_suppress() {
    // `S = "/* pyguard: allow */"` on the line silenced the token: a marker is a comment,
    // and text inside a string is not one.
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    write_tree(
        &repo,
        &[(
            "app.py",
            &format!("T = '{TOKEN}'; S = \"/* pyguard: allow */\"\n"),
        )],
    );
    let shown = blocked_commit(&sb, &repo, 1);
    assert!(shown.contains("error[github-token]"), "{shown}");
    // A real comment still allows it.
    write_tree(
        &repo,
        &[("app.py", &format!("T = '{TOKEN}'  # pyguard: allow\n"))],
    );
    sb.ok(&repo, &["add", "-A"]);
    passes(&sb.git(&repo, &["commit", "-q", "-m", "allowed"]));
}

#[test]
fn pre_push_scans_tagged_blobs_and_trees_and_commit_messages() {
    // A tag of a blob or a tree carries no commit, so it was pushed unchecked; commit
    // messages were only checked by commit-msg, which --no-verify skips.
    let sb = Sandbox::new();
    let (repo, remote) = with_remote(&sb);
    std::fs::write(sb.path("leak.txt"), format!("token = {TOKEN}\n")).unwrap();
    let blob = sb.ok(
        &repo,
        &["hash-object", "-w", sb.path("leak.txt").to_str().unwrap()],
    );
    sb.ok(&repo, &["tag", "blobtag", blob.trim()]);
    let shown = blocked_push(&sb, &repo, &remote, &["blobtag"]);
    assert!(shown.contains("error[github-token]"), "{shown}");
    // A tree holding it, tagged with an annotated tag.
    let tree = {
        let entry = format!("100644 blob {}\tleak.txt\n", blob.trim());
        std::fs::write(repo.join(".git/tmp-tree"), entry).unwrap();
        let out = std::process::Command::new("sh")
            .current_dir(&repo)
            .args(["-c", "git mktree < .git/tmp-tree"])
            .env("HOME", &sb.home)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    sb.ok(&repo, &["tag", "-a", "treetag", "-m", "tree", &tree]);
    let shown = blocked_push(&sb, &repo, &remote, &["treetag"]);
    assert!(shown.contains("leak.txt"), "{shown}");
    // A token in the message of a pushed commit (committed with --no-verify).
    write_tree(&repo, &[("b.py", "b = 2\n")]);
    sb.ok(&repo, &["add", "-A"]);
    sb.ok(
        &repo,
        &[
            "commit",
            "-q",
            "--no-verify",
            "-m",
            &format!("fix\n\nused {TOKEN}\n"),
        ],
    );
    let shown = blocked_push(&sb, &repo, &remote, &["main"]);
    assert!(shown.contains("(commit message)"), "{shown}");
    // Python patterns do not apply to messages.
    sb.ok(&repo, &["reset", "-q", "--hard", "HEAD~1"]);
    sb.ok(
        &repo,
        &[
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            "DEBUG = True and exec(input())",
        ],
    );
    passes(&sb.git(&repo, &["push", "-q", "origin", "main"]));
}

#[test]
fn a_sparse_index_is_read_and_a_clean_commit_passes() {
    // With index.sparse the index holds directory entries; the gate declined the format and
    // libgit2 cannot read it, so every commit was blocked, clean or not.
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    write_tree(
        &repo,
        &[
            ("app/a.py", "a = 1\n"),
            ("lib/deep/b.py", "b = 2\n"),
            ("top.py", "t = 3\n"),
        ],
    );
    commit_unchecked(&sb, &repo, "base");
    sb.ok(
        &repo,
        &["sparse-checkout", "set", "--cone", "--sparse-index", "app"],
    );
    let listed = sb.ok(&repo, &["ls-files", "--sparse"]);
    assert!(listed.contains("lib/\n"), "not a sparse index: {listed}");
    write_tree(&repo, &[("app/a.py", "a = 1\nb = 2\n")]);
    sb.ok(&repo, &["add", "app/a.py"]);
    passes(&sb.git(&repo, &["commit", "-q", "-m", "clean"]));
    // A token in the sparse checkout is still blocked.
    write_tree(&repo, &[("app/a.py", &format!("a = '{TOKEN}'\n"))]);
    let shown = blocked_commit(&sb, &repo, 1);
    assert!(shown.contains("app/a.py:1"), "{shown}");
}

#[test]
fn commit_msg_judges_the_message_git_will_keep() {
    // With -F and the default cleanup git keeps a scissors line and what follows it, so a
    // token there was committed; with --cleanup=strip git removes `#` lines, yet a token on
    // one blocked.
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    write_tree(&repo, &[("a.py", "a = 1\n")]);
    sb.ok(&repo, &["add", "-A"]);
    let below = format!(
        "subject\n\n# ------------------------ >8 ------------------------\nused {TOKEN}\n"
    );
    std::fs::write(sb.path("below.txt"), &below).unwrap();
    let msg = sb.path("below.txt");
    let out = sb.git(&repo, &["commit", "-F", msg.to_str().unwrap()]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(shown.contains("its message contains 1 secret"), "{shown}");
    assert!(!shown.contains(TOKEN), "{shown}");
    assert_eq!(head(&sb, &repo), None);
    // Cut by git when it truncates at the scissors (--cleanup=scissors, when edited).
    let out = sb.git(
        &repo,
        &[
            "-c",
            "core.editor=true",
            "commit",
            "-q",
            "--cleanup=scissors",
            "-e",
            "-F",
            msg.to_str().unwrap(),
        ],
    );
    passes(&out);
    // A `#` line that --cleanup=strip removes does not block.
    write_tree(&repo, &[("b.py", "b = 2\n")]);
    sb.ok(&repo, &["add", "-A"]);
    std::fs::write(sb.path("strip.txt"), format!("second\n# {TOKEN}\n")).unwrap();
    let strip = sb.path("strip.txt");
    passes(&sb.git(
        &repo,
        &[
            "commit",
            "-q",
            "--cleanup=strip",
            "-F",
            strip.to_str().unwrap(),
        ],
    ));
    let kept = sb.ok(&repo, &["log", "-1", "--format=%B"]);
    assert!(!kept.contains("ghp_"), "{kept}");
    // The same file under the default cleanup keeps the line: blocked.
    write_tree(&repo, &[("c.py", "c = 3\n")]);
    sb.ok(&repo, &["add", "-A"]);
    let out = sb.git(&repo, &["commit", "-F", strip.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
}

#[test]
fn install_and_uninstall_keep_a_hook_the_user_edited_and_handle_pre_commit_legacy() {
    // uninstall removed a pyguard hook the user had edited and install overwrote it; after
    // `pre-commit install` moved pyguard's hook to pre-commit.legacy, uninstall left it there,
    // active again once `pre-commit uninstall` put it back.
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    let hook = repo.join(".git/hooks/pre-commit");
    let edited = format!("{}echo mine\n", std::fs::read_to_string(&hook).unwrap());
    std::fs::write(&hook, &edited).unwrap();
    for cmd in ["install", "uninstall"] {
        let out = sb.pyguard(&repo).arg(cmd).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{cmd}: {}", text(&out));
        assert!(text(&out).contains("was edited"), "{cmd}: {}", text(&out));
        assert_eq!(std::fs::read_to_string(&hook).unwrap(), edited, "{cmd}");
    }
    // What `pre-commit install` does: keep the old hook as .legacy and run it.
    sb.pyguard(&repo).arg("uninstall").output().unwrap();
    std::fs::remove_file(&hook).unwrap();
    sb.pyguard(&repo).arg("install").assert().success();
    let legacy = repo.join(".git/hooks/pre-commit.legacy");
    std::fs::rename(&hook, &legacy).unwrap();
    crate::common::git::write_script(
        &hook,
        "#!/bin/sh\n# pre-commit framework\n\"$0.legacy\" \"$@\" || exit $?\n",
        0o755,
    );
    // Installing again keeps pyguard where the framework runs it, not chained twice.
    let out = sb.pyguard(&repo).arg("install").output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(!repo.join(".git/hooks/pre-commit.pyguard-chained").exists());
    assert!(legacy.exists());
    let out = sb.pyguard(&repo).arg("uninstall").output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(!legacy.exists(), "{}", text(&out));
    assert!(hook.exists(), "the framework's hook was removed");
}

#[test]
fn doctor_tells_when_the_hooks_will_not_run() {
    // Hooks installed where git does not look: a relative core.hooksPath seen from a linked
    // worktree, and a global core.hooksPath set later by another tool. Nothing told the user.
    let sb = Sandbox::new();
    let repo = sb.bare_init("r");
    sb.ok(&repo, &["config", "core.hooksPath", ".githooks"]);
    sb.pyguard(&repo).arg("install").assert().success();
    // The hooks are not committed, so a linked worktree does not get a copy.
    std::fs::write(repo.join(".git/info/exclude"), ".githooks/\n").unwrap();
    write_tree(&repo, &[("a.py", "a = 1\n")]);
    commit_unchecked(&sb, &repo, "base");
    let out = sb.pyguard(&repo).arg("doctor").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("ok    pre-commit"), "{}", text(&out));
    // A linked worktree resolves the relative path in itself, where there are no hooks.
    let wt = sb.path("wt");
    sb.ok(&repo, &["worktree", "add", "-q", wt.to_str().unwrap()]);
    let out = sb.pyguard(&wt).arg("doctor").output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("no    pre-commit"), "{}", text(&out));
    assert!(text(&out).contains("wt/.githooks"), "{}", text(&out));
    // A global core.hooksPath set by another tool: git ignores .git/hooks.
    let other = sb.bare_init("other");
    sb.pyguard(&other).arg("install").assert().success();
    sb.ok(
        &other,
        &["config", "--global", "core.hooksPath", "/nonexistent/hooks"],
    );
    let out = sb.pyguard(&other).arg("doctor").output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("global git config"), "{}", text(&out));
    assert!(text(&out).contains("git ignores"), "{}", text(&out));
}

#[test]
fn notebook_rich_outputs_and_lfs_extension_lines_are_scanned() {
    // Tokens in notebook outputs other than `stream` and in metadata were never read, and a
    // Git LFS pointer's `ext-` lines were trusted, so anything there passed.
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    let nb = format!(
        r#"{{"cells": [{{"cell_type": "code", "metadata": {{}}, "source": "x = 1",
 "outputs": [{{"output_type": "execute_result", "data": {{"text/html": "<td>{TOKEN}</td>"}}, "metadata": {{}}}}]}}],
 "metadata": {{}}, "nbformat": 4, "nbformat_minor": 5}}"#
    );
    write_tree(&repo, &[("nb.ipynb", &nb)]);
    let shown = blocked_commit(&sb, &repo, 1);
    assert!(shown.contains("error[github-token]"), "{shown}");
    std::fs::remove_file(repo.join("nb.ipynb")).unwrap();
    let oid = "0123456789abcdef".repeat(4);
    let pointer = format!(
        "version https://git-lfs.github.com/spec/v1\next-0-x {TOKEN}:a\noid sha256:{oid}\nsize 12\n"
    );
    write_tree(&repo, &[("big.bin", &pointer)]);
    let shown = blocked_commit(&sb, &repo, 1);
    assert!(shown.contains("error[github-token]"), "{shown}");
}

#[test]
fn pre_push_does_not_trust_a_stale_remote_tracking_ref() {
    // A branch the remote no longer has (deleted after a leak) lingers locally as a
    // remote-tracking ref; a new branch built on it was compared with that ref and its leaky
    // commit was treated as already on the remote, so it was pushed again unscanned.
    let sb = Sandbox::new();
    let (repo, remote) = with_remote(&sb);
    sb.ok(&repo, &["checkout", "-q", "-b", "leak"]);
    write_tree(&repo, &[("leak.py", &format!("T = '{TOKEN}'\n"))]);
    commit_unchecked(&sb, &repo, "leak");
    sb.ok(&repo, &["push", "-q", "--no-verify", "origin", "leak"]);
    // The remote removes the branch; this clone does not fetch, so origin/leak stays.
    sb.ok(&remote, &["update-ref", "-d", "refs/heads/leak"]);
    assert!(!sb.ok(&repo, &["branch", "-r"]).is_empty());
    sb.ok(&repo, &["checkout", "-q", "-b", "feature", "origin/leak"]);
    write_tree(&repo, &[("more.py", "b = 2\n")]);
    commit_unchecked(&sb, &repo, "more");
    let shown = blocked_push(&sb, &repo, &remote, &["feature"]);
    assert!(shown.contains("error[github-token]"), "{shown}");
    // A new branch built on the remote's main is still compared with main: nothing of main's
    // history is scanned again (a secret there was pushed before and is not this push's).
    sb.ok(&repo, &["checkout", "-q", "main"]);
    write_tree(&repo, &[("old.py", &format!("T = '{TOKEN}'\n"))]);
    commit_unchecked(&sb, &repo, "old leak on main");
    sb.ok(&repo, &["push", "-q", "--no-verify", "origin", "main"]);
    sb.ok(&repo, &["checkout", "-q", "-b", "topic"]);
    write_tree(&repo, &[("c.py", "c = 3\n")]);
    commit_unchecked(&sb, &repo, "topic");
    passes(&sb.git(&repo, &["push", "-q", "origin", "topic"]));
}

/// Kubernetes manifests holding `TOKEN` base64-encoded in the shapes that were not decoded:
/// (path, content, where the hook must point: the line and column of the base64 value).
fn secret_manifests() -> Vec<(&'static str, String, &'static str)> {
    let b64 = pyguard::rules::validate::base64_encode(TOKEN.as_bytes(), false);
    vec![
        (
            "list.yaml",
            format!(
                "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Secret\n  metadata:\n    name: gh\n  data:\n    GITHUB_TOKEN: {b64}\n"
            ),
            "list.yaml[items[0].data.GITHUB_TOKEN]:9:19",
        ),
        (
            "flow.yaml",
            format!("apiVersion: v1\nkind: Secret\ndata: {{user: YWRtaW4=, GITHUB_TOKEN: {b64}}}\n"),
            "flow.yaml[data.GITHUB_TOKEN]:3:38",
        ),
        (
            "secret.json",
            format!(
                "{{\"apiVersion\": \"v1\", \"kind\": \"Secret\",\n \"data\": {{\"GITHUB_TOKEN\": \"{b64}\"}}}}\n"
            ),
            "secret.json[data.GITHUB_TOKEN]:2:28",
        ),
    ]
}

#[test]
fn kubernetes_secret_lists_flow_maps_and_json_manifests_are_decoded() {
    // A Secret inside `kind: List`, a flow-style `data: {k: b64}` and a JSON manifest were not
    // decoded, so a base64 token in them was committed.
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    let b64 = pyguard::rules::validate::base64_encode(TOKEN.as_bytes(), false);
    for (path, text, at) in secret_manifests() {
        write_tree(&repo, &[(path, &text)]);
        let shown = blocked_commit(&sb, &repo, 1);
        assert!(shown.contains("error[github-token]"), "{shown}");
        assert!(shown.contains(at), "{at} missing in:\n{shown}");
        // An inline comment does not reach a decoded value: the advice names the baseline
        // only (it suggested a comment that then did nothing).
        assert!(
            shown.contains("`pyguard baseline --update` (a comment does not reach"),
            "{shown}"
        );
        assert!(!shown.contains("# pyguard: allow[github-token]"), "{shown}");
        // The base64 text is the token in another spelling: never printed in full either.
        assert!(
            !shown.contains(&b64),
            "base64 token printed in full:\n{shown}"
        );
        std::fs::remove_file(repo.join(path)).unwrap();
    }
    // A base64 value folded over two lines, of which a commit changes only the second: the
    // value is new although its first line (where it is reported) is not.
    let block = |tail: &str| {
        format!(
            "kind: Secret\ndata:\n  tok: |\n    {}\n    {tail}\n",
            &b64[..20]
        )
    };
    write_tree(&repo, &[("block.yaml", &block("AAAA"))]);
    commit_unchecked(&sb, &repo, "block");
    write_tree(&repo, &[("block.yaml", &block(&b64[20..]))]);
    let shown = blocked_commit(&sb, &repo, 1);
    assert!(shown.contains("block.yaml[data.tok]:4:5"), "{shown}");
}
