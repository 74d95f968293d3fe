//! The git hooks end to end: `pyguard install`, then the real `git` CLI commits and pushes in
//! temp repositories, and the tests check what git let through, what pyguard printed, and that
//! a blocked commit left the index and the working tree exactly as they were.

use std::path::Path;

use crate::common::git::{
    commit_unchecked, head, mode, origin, snapshot, text, write_script, Sandbox,
};
use crate::common::write_tree;

/// A GitHub token with a valid checksum (the example in patterns/github.yaml).
const TOKEN: &str = "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"; // pyguard: allow[github-token]
/// Another valid one, for commit messages.
const MSG_TOKEN: &str = "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"; // pyguard: allow[github-token]

fn leaky() -> String {
    format!("import os\n\nGITHUB_TOKEN = \"{TOKEN}\"\n")
}

#[test]
fn initial_commit_with_a_token_is_blocked_and_leaves_everything_as_it_was() {
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    write_tree(&repo, &[("app.py", &leaky()), ("README", "hello\n")]);
    sb.ok(&repo, &["add", "-A"]);
    sb.settle(&repo);
    let before = snapshot(&repo);
    let out = sb.git(&repo, &["commit", "-m", "first"]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert_eq!(head(&sb, &repo), None, "something was committed: {shown}");
    assert_eq!(snapshot(&repo), before, "index or working tree changed");
    for needle in [
        "app.py:3:17",
        "error[github-token]",
        "ghp_…",
        "pyguard blocked this commit",
        "rotate",
        "# pyguard: allow[github-token]",
        "baseline",
        "git commit --no-verify",
    ] {
        assert!(shown.contains(needle), "missing {needle:?} in:\n{shown}");
    }
    assert!(!shown.contains(TOKEN), "secret printed in full:\n{shown}");
}

#[test]
fn clean_commit_passes_silently() {
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    write_tree(&repo, &[("app.py", "print('hi')\n")]);
    sb.ok(&repo, &["add", "-A"]);
    let out = sb.git(&repo, &["commit", "-q", "-m", "clean"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(text(&out), "", "a clean commit printed something");
    assert!(head(&sb, &repo).is_some());
}

#[test]
fn token_added_to_existing_history_is_blocked_but_old_lines_are_not_rescanned() {
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    // History already holds a secret (committed with hooks off).
    write_tree(&repo, &[("old.py", &leaky())]);
    commit_unchecked(&sb, &repo, "old");
    let first = head(&sb, &repo);
    // Touching another line of that file adds no secret: the old line is not re-reported.
    write_tree(&repo, &[("old.py", &format!("{}print('more')\n", leaky()))]);
    sb.ok(&repo, &["add", "-A"]);
    let out = sb.git(&repo, &["commit", "-q", "-m", "touch"]);
    assert!(out.status.success(), "{}", text(&out));
    // A rename without change adds nothing either.
    sb.ok(&repo, &["mv", "old.py", "moved.py"]);
    let out = sb.git(&repo, &["commit", "-q", "-m", "move"]);
    assert!(out.status.success(), "{}", text(&out));
    // Deleting it is fine.
    sb.ok(&repo, &["rm", "-q", "moved.py"]);
    let out = sb.git(&repo, &["commit", "-q", "-m", "delete"]);
    assert!(out.status.success(), "{}", text(&out));
    // A new token in a modified file is caught.
    write_tree(&repo, &[("b.py", &leaky())]);
    sb.ok(&repo, &["add", "-A"]);
    let before = head(&sb, &repo);
    let out = sb.git(&repo, &["commit", "-m", "leak"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(head(&sb, &repo), before);
    assert_ne!(before, first);
}

#[test]
fn allow_comments_and_configured_excludes_let_a_commit_through() {
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    // The block message's advice works: an inline allow comment, and the configuration.
    write_tree(
        &repo,
        &[
            (
                "docs.py",
                &format!("SAMPLE = \"{TOKEN}\"  # pyguard: allow[github-token]\n"),
            ),
            (".pyguard.yaml", "exclude:\n  - 'fixtures/'\n"),
            ("fixtures/leak.py", &leaky()),
        ],
    );
    sb.ok(&repo, &["add", "-A"]);
    let out = sb.git(&repo, &["commit", "-q", "-m", "allowed"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        text(&out),
        "",
        "suppressed findings are not printed by the hook"
    );
    // The same token without the comment, outside the excluded directory, blocks.
    write_tree(&repo, &[("app.py", &leaky())]);
    sb.ok(&repo, &["add", "-A"]);
    let out = sb.git(&repo, &["commit", "-m", "leak"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(!text(&out).contains("docs.py"), "{}", text(&out));
}

#[test]
fn a_large_commit_reports_every_finding_once_in_path_order() {
    // Enough files that both of the hook's threads scan, some excluded by the configuration.
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    let mut files: Vec<(String, String)> = (0..60)
        .map(|i| (format!("pkg/m{i:02}.py"), format!("VALUE_{i} = {i}\n")))
        .collect();
    for i in [3, 17, 31, 44, 58] {
        files[i].1 = format!("{}{}", "\n".repeat(i), leaky());
    }
    files.push((".pyguard.yaml".into(), "exclude:\n  - 'vendor/'\n".into()));
    files.push(("vendor/leak.py".into(), leaky()));
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    write_tree(&repo, &refs);
    sb.ok(&repo, &["add", "-A"]);
    let out = sb.git(&repo, &["commit", "-m", "many"]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    let places: Vec<&str> = shown
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("--> "))
        .collect();
    assert_eq!(
        places,
        [
            "pkg/m03.py:6:17",
            "pkg/m17.py:20:17",
            "pkg/m31.py:34:17",
            "pkg/m44.py:47:17",
            "pkg/m58.py:61:17"
        ],
        "{shown}"
    );
    assert!(shown.contains("5 findings"), "{shown}");
    assert!(shown.contains("in 61 files"), "{shown}");
}

#[test]
fn bad_configuration_fails_closed() {
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    write_tree(
        &repo,
        &[
            (".pyguard.yaml", "severity: [not, a, map]\n"),
            ("a.py", "a = 1\n"),
        ],
    );
    sb.ok(&repo, &["add", "-A"]);
    let out = sb.git(&repo, &["commit", "-m", "x"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("pyguard failed"), "{}", text(&out));
    assert!(text(&out).contains("--no-verify"), "{}", text(&out));
    assert_eq!(head(&sb, &repo), None);
}

#[test]
fn commit_a_scans_the_working_tree_changes_it_commits() {
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    write_tree(&repo, &[("app.py", "x = 1\n")]);
    commit_unchecked(&sb, &repo, "base");
    // Not staged: only `commit -a` puts it in the (temporary) index the hook sees.
    write_tree(&repo, &[("app.py", &leaky())]);
    sb.settle(&repo);
    let before = snapshot(&repo);
    let committed = head(&sb, &repo);
    let out = sb.git(&repo, &["commit", "-a", "-m", "all"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(head(&sb, &repo), committed);
    assert_eq!(snapshot(&repo), before);
}

#[test]
fn commit_with_paths_scans_those_paths_only() {
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    write_tree(&repo, &[("a.py", "a = 1\n"), ("b.py", "b = 1\n")]);
    commit_unchecked(&sb, &repo, "base");
    // A secret staged in a.py is not part of `git commit -- b.py`.
    write_tree(&repo, &[("a.py", &leaky()), ("b.py", "b = 2\n")]);
    sb.ok(&repo, &["add", "a.py"]);
    let out = sb.git(&repo, &["commit", "-q", "-m", "b only", "--", "b.py"]);
    assert!(out.status.success(), "{}", text(&out));
    let staged = sb.ok(&repo, &["diff", "--cached", "--name-only"]);
    assert_eq!(
        staged.trim(),
        "a.py",
        "the staged secret must still be staged"
    );
    // An unstaged secret in the named path is part of it.
    write_tree(&repo, &[("b.py", &leaky())]);
    let committed = head(&sb, &repo);
    let out = sb.git(&repo, &["commit", "-m", "b leak", "--", "b.py"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("b.py:3:17"), "{}", text(&out));
    assert_eq!(head(&sb, &repo), committed);
}

#[test]
fn amend_is_gated_on_what_the_amendment_adds() {
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    write_tree(&repo, &[("app.py", "x = 1\n")]);
    sb.ok(&repo, &["add", "-A"]);
    sb.ok(&repo, &["commit", "-q", "-m", "base"]);
    let committed = head(&sb, &repo);
    write_tree(&repo, &[("app.py", &leaky())]);
    sb.ok(&repo, &["add", "-A"]);
    let out = sb.git(&repo, &["commit", "--amend", "--no-edit"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(head(&sb, &repo), committed, "the amend went through");
    // Rewording only adds nothing.
    sb.ok(&repo, &["reset", "-q", "--hard"]);
    let out = sb.git(&repo, &["commit", "-q", "--amend", "-m", "reworded"]);
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn linked_worktree_shares_the_hooks() {
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    write_tree(&repo, &[("a.py", "a = 1\n")]);
    commit_unchecked(&sb, &repo, "base");
    let wt = sb.path("wt");
    sb.ok(
        &repo,
        &[
            "worktree",
            "add",
            "-q",
            "-b",
            "feature",
            wt.to_str().unwrap(),
        ],
    );
    write_tree(&wt, &[("a.py", &leaky())]);
    sb.ok(&wt, &["add", "-A"]);
    sb.settle(&repo);
    let before = snapshot(&repo);
    let out = sb.git(&wt, &["commit", "-m", "leak"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("a.py:3:17"), "{}", text(&out));
    assert_eq!(snapshot(&repo), before, "the main worktree changed");
    // Installing from the worktree finds the same (common) hooks.
    let out = sb.pyguard(&wt).arg("install").output().unwrap();
    assert!(text(&out).contains("up to date"), "{}", text(&out));
}

#[test]
fn core_hooks_path_is_honoured() {
    let sb = Sandbox::new();
    let repo = sb.bare_init("r");
    sb.ok(&repo, &["config", "core.hooksPath", ".githooks"]);
    sb.pyguard(&repo).arg("install").assert().success();
    assert!(repo.join(".githooks/pre-commit").is_file());
    assert!(!repo.join(".git/hooks/pre-commit").exists());
    write_tree(&repo, &[("a.py", &leaky())]);
    sb.ok(&repo, &["add", "a.py"]);
    let out = sb.git(&repo, &["commit", "-m", "leak"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
}

#[test]
fn existing_hook_is_chained_and_restored_byte_for_byte() {
    let sb = Sandbox::new();
    let repo = sb.bare_init("r");
    let hook = repo.join(".git/hooks/pre-commit");
    let original = "#!/bin/sh\n# the team's own hook\n[ -f block-me ] && { echo 'team hook says no' >&2; exit 3; }\necho 'team hook ran' >&2\n";
    write_script(&hook, original, 0o750);
    let out = sb.pyguard(&repo).arg("install").output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("pre-commit.pyguard-chained"),
        "{}",
        text(&out)
    );
    // Clean: both run, the commit passes.
    write_tree(&repo, &[("a.py", "a = 1\n")]);
    sb.ok(&repo, &["add", "-A"]);
    let out = sb.git(&repo, &["commit", "-m", "clean"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("team hook ran"), "{}", text(&out));
    // The chained hook's failure blocks even a clean commit.
    write_tree(&repo, &[("block-me", "")]);
    sb.ok(&repo, &["add", "-A"]);
    let out = sb.git(&repo, &["commit", "-m", "blocked by team"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("team hook says no"), "{}", text(&out));
    // And pyguard still blocks what the team hook lets through.
    sb.ok(&repo, &["rm", "-q", "--cached", "block-me"]);
    std::fs::remove_file(repo.join("block-me")).unwrap();
    write_tree(&repo, &[("b.py", &leaky())]);
    sb.ok(&repo, &["add", "b.py"]);
    let out = sb.git(&repo, &["commit", "-m", "leak"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("team hook ran"), "{}", text(&out));
    assert!(text(&out).contains("error[github-token]"), "{}", text(&out));
    // Re-installing does not chain pyguard to itself.
    let out = sb.pyguard(&repo).arg("install").output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        std::fs::read_to_string(repo.join(".git/hooks/pre-commit.pyguard-chained")).unwrap(),
        original
    );
    // Uninstall restores it exactly, mode included, and removes the other hooks.
    sb.pyguard(&repo).arg("uninstall").assert().success();
    assert_eq!(std::fs::read_to_string(&hook).unwrap(), original);
    assert_eq!(mode(&hook), 0o750);
    assert!(!repo.join(".git/hooks/pre-commit.pyguard-chained").exists());
    assert!(!repo.join(".git/hooks/commit-msg").exists());
    assert!(!repo.join(".git/hooks/pre-push").exists());
}

#[test]
fn install_is_idempotent_and_uninstall_leaves_foreign_hooks() {
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    let hooks = repo.join(".git/hooks");
    let listing = || {
        let mut v: Vec<_> = std::fs::read_dir(&hooks)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    let first = listing();
    let content = std::fs::read(hooks.join("pre-commit")).unwrap();
    assert_eq!(
        mode(&hooks.join("pre-commit")) & 0o111,
        0o111,
        "not executable"
    );
    let out = sb.pyguard(&repo).arg("install").output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        text(&out).matches("up to date").count(),
        3,
        "{}",
        text(&out)
    );
    assert_eq!(listing(), first);
    assert_eq!(std::fs::read(hooks.join("pre-commit")).unwrap(), content);
    // --hooks chooses; uninstall leaves a hook pyguard did not write.
    sb.pyguard(&repo)
        .args(["uninstall", "--hooks", "pre-push,commit-msg"])
        .assert()
        .success();
    assert!(hooks.join("pre-commit").exists());
    assert!(!hooks.join("pre-push").exists());
    write_script(&hooks.join("pre-push"), "#!/bin/sh\nexit 0\n", 0o755);
    sb.pyguard(&repo).arg("uninstall").assert().success();
    assert!(!hooks.join("pre-commit").exists());
    assert_eq!(
        std::fs::read_to_string(hooks.join("pre-push")).unwrap(),
        "#!/bin/sh\nexit 0\n"
    );
}

#[test]
fn secret_in_the_commit_message_is_blocked() {
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    write_tree(&repo, &[("a.py", "a = 1\n")]);
    sb.ok(&repo, &["add", "-A"]);
    let msg = format!("deploy fix\n\nused token {MSG_TOKEN} to test\n");
    let out = sb.git(&repo, &["commit", "-m", &msg]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("its message contains 1 secret"),
        "{}",
        text(&out)
    );
    assert!(!text(&out).contains(MSG_TOKEN), "{}", text(&out));
    assert_eq!(head(&sb, &repo), None);
    // Python patterns do not apply to messages.
    let out = sb.git(
        &repo,
        &["commit", "-q", "-m", "set DEBUG = True in settings"],
    );
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn push_of_a_secret_is_blocked_and_a_clean_branch_is_not() {
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    let remote = origin(&sb, &repo);
    write_tree(&repo, &[("a.py", "a = 1\n")]);
    sb.ok(&repo, &["add", "-A"]);
    sb.ok(&repo, &["commit", "-q", "-m", "base"]);
    let out = sb.git(&repo, &["push", "-q", "origin", "main"]);
    assert!(out.status.success(), "clean push blocked: {}", text(&out));
    // A commit that got past the commit hook (--no-verify) is stopped at push.
    write_tree(&repo, &[("leak.py", &leaky())]);
    commit_unchecked(&sb, &repo, "leak");
    let remote_main = sb.ok(&remote, &["rev-parse", "main"]);
    let out = sb.git(&repo, &["push", "origin", "main"]);
    let shown = text(&out);
    assert!(!out.status.success(), "push went through: {shown}");
    assert!(shown.contains("leak.py:3:17"), "{shown}");
    assert!(shown.contains("git push --no-verify"), "{shown}");
    assert!(shown.contains("commit "), "commit not named: {shown}");
    assert_eq!(sb.ok(&remote, &["rev-parse", "main"]), remote_main);
    // A new branch is compared with what the remote has: once the secret is on the remote
    // (pushed with --no-verify), a clean branch on top of it pushes fine.
    sb.ok(&repo, &["push", "-q", "--no-verify", "origin", "main"]);
    sb.ok(&repo, &["checkout", "-q", "-b", "feature"]);
    write_tree(&repo, &[("b.py", "b = 2\n")]);
    sb.ok(&repo, &["add", "-A"]);
    sb.ok(&repo, &["commit", "-q", "-m", "clean feature"]);
    let out = sb.git(&repo, &["push", "-q", "origin", "feature"]);
    assert!(out.status.success(), "clean branch blocked: {}", text(&out));
    // Deleting a branch pushes nothing to scan.
    let out = sb.git(&repo, &["push", "-q", "origin", "--delete", "feature"]);
    assert!(out.status.success(), "{}", text(&out));
    // An annotated tag of a clean commit, and a tag of a blob, push fine.
    sb.ok(&repo, &["tag", "-a", "v1", "-m", "v1"]);
    let blob = sb.ok(&repo, &["hash-object", "-w", "b.py"]);
    sb.ok(&repo, &["tag", "blobtag", blob.trim()]);
    let out = sb.git(&repo, &["push", "-q", "origin", "v1", "blobtag"]);
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn global_hooks_guard_every_repository_and_still_run_its_own_hooks() {
    let sb = Sandbox::new();
    let out = sb
        .pyguard(sb.root.path())
        .args(["install", "--global"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let dir = sb.home.join(".config/pyguard/hooks");
    assert!(dir.join("pre-commit").is_file(), "{}", text(&out));
    let configured = sb.ok(sb.root.path(), &["config", "--global", "core.hooksPath"]);
    assert_eq!(Path::new(configured.trim()), dir);
    // A repository that never ran `pyguard install` is guarded.
    let repo = sb.bare_init("r");
    write_tree(&repo, &[("a.py", &leaky())]);
    sb.ok(&repo, &["add", "-A"]);
    let out = sb.git(&repo, &["commit", "-m", "leak"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    // Its own hook runs too, and can block.
    sb.ok(&repo, &["rm", "-q", "--cached", "a.py"]);
    std::fs::remove_file(repo.join("a.py")).unwrap();
    write_script(
        &repo.join(".git/hooks/pre-commit"),
        "#!/bin/sh\necho 'local hook ran' >&2\nexit 4\n",
        0o755,
    );
    write_tree(&repo, &[("c.py", "c = 1\n")]);
    sb.ok(&repo, &["add", "-A"]);
    let out = sb.git(&repo, &["commit", "-m", "clean"]);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("local hook ran"), "{}", text(&out));
    // Uninstall removes the hooks and the setting it made.
    sb.pyguard(sb.root.path())
        .args(["uninstall", "--global"])
        .assert()
        .success();
    assert!(!dir.exists());
    let out = sb.git(sb.root.path(), &["config", "--global", "core.hooksPath"]);
    assert!(!out.status.success(), "core.hooksPath still set");
}

#[test]
fn missing_binary_fails_closed_with_a_hint() {
    let sb = Sandbox::new();
    let repo = sb.bare_init("r");
    let copy = sb.path("bin/pyguard");
    std::fs::create_dir_all(copy.parent().unwrap()).unwrap();
    std::fs::copy(assert_cmd::cargo::cargo_bin("pyguard"), &copy).unwrap();
    // A just-written executable can be "busy" for a moment: another test thread may fork
    // while it holds the copy's file open for writing (ETXTBSY). That is the test's race,
    // not pyguard's: try again briefly.
    let mut tries = 0;
    let out = loop {
        match std::process::Command::new(&copy)
            .arg("install")
            .current_dir(&repo)
            .env("HOME", &sb.home)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
        {
            Err(e) if e.raw_os_error() == Some(26) && tries < 50 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            other => break other.unwrap(),
        }
    };
    assert!(out.status.success(), "{}", text(&out));
    std::fs::remove_file(&copy).unwrap();
    write_tree(&repo, &[("a.py", "a = 1\n")]);
    sb.ok(&repo, &["add", "-A"]);
    let mut git = std::process::Command::new("git");
    git.current_dir(&repo)
        .args(["commit", "-m", "x"])
        .env("HOME", &sb.home)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        // No pyguard on PATH either.
        .env("PATH", "/usr/bin:/bin");
    let out = git.output().unwrap();
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("--no-verify"), "{}", text(&out));
    assert!(text(&out).contains("not found"), "{}", text(&out));
}

#[test]
fn unreadable_index_fails_closed() {
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    std::fs::write(repo.join("bogus-index"), b"not an index").unwrap();
    let out = sb
        .pyguard(&repo)
        .args(["hook", "pre-commit"])
        .env("GIT_INDEX_FILE", repo.join("bogus-index"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("git commit --no-verify"), "{err}");
}

#[test]
fn scan_staged_reports_a_wholly_added_key_once_and_searches_binaries_for_secrets() {
    let sb = Sandbox::new();
    let repo = sb.bare_init("r");
    // pyguard: allow[private-key-escaped]
    let key = "-----BEGIN EC PRIVATE KEY-----\nff6kvmqvc0zcUxnvoA61hEV15KNwY1OBjwD8nhqECd18f88L7ib0gIPNFutoLwjY\n-----END EC PRIVATE KEY-----\n";
    // Not a .pem name: the private-key-file pattern would report the file too.
    write_tree(&repo, &[("notes/deploy.txt", key)]);
    std::fs::write(repo.join("blob.bin"), format!("\0\0{TOKEN}").as_bytes()).unwrap();
    sb.ok(&repo, &["add", "-A"]);
    let out = sb
        .pyguard(&repo)
        .args(["scan", "--staged", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let doc = crate::common::json(&out);
    let findings = doc["findings"].as_array().unwrap();
    // A binary is still searched for secrets (one NUL must not hide a token: issue 16).
    assert_eq!(findings.len(), 2, "{doc}");
    assert_eq!(findings[0]["pattern_id"], "github-token");
    assert_eq!(findings[0]["path"], "blob.bin");
    assert_eq!(findings[1]["pattern_id"], "private-key");
    assert_eq!(findings[1]["source"], "staged");
    assert_eq!(doc["summary"]["skipped_binary"], 0, "{doc}");
}

#[test]
fn the_hook_notes_baseline_entries_for_files_that_are_gone() {
    // The hook honours the baseline and, since it sees only staged files, warns about the
    // entries it can tell are stale: those whose file no longer exists.
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    write_tree(&repo, &[("old.py", &leaky())]);
    commit_unchecked(&sb, &repo, "old secret");
    sb.pyguard(&repo).arg("baseline").assert().success();
    sb.ok(&repo, &["add", ".pyguard-baseline.json"]);
    let out = sb.git(&repo, &["commit", "-q", "-m", "baseline"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(!text(&out).contains("baseline entr"), "{}", text(&out));
    sb.ok(&repo, &["rm", "-q", "old.py"]);
    write_tree(&repo, &[("new.py", "print('hi')\n")]);
    sb.ok(&repo, &["add", "-A"]);
    let out = sb.git(&repo, &["commit", "-q", "-m", "drop old"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("1 baseline entry points at files that no longer exist"),
        "{}",
        text(&out)
    );
}

#[test]
fn submodule_entries_are_skipped_and_a_submodule_gets_its_own_hooks() {
    let sb = Sandbox::new();
    // The submodule's own history holds a secret (it has no hooks).
    let sub = sb.bare_init("sub");
    write_tree(&sub, &[("leak.py", &leaky())]);
    commit_unchecked(&sb, &sub, "sub");
    let repo = sb.repo("super");
    write_tree(&repo, &[("a.py", "a = 1\n")]);
    commit_unchecked(&sb, &repo, "base");
    sb.ok(
        &repo,
        &[
            "-c",
            "protocol.file.allow=always",
            "submodule",
            "add",
            "-q",
            sub.to_str().unwrap(),
            "sub",
        ],
    );
    assert!(repo.join("sub/leak.py").is_file());
    // A secret in a superproject file of the same commit is blocked, and only it is reported:
    // the gitlink names a commit, the submodule's files are not the superproject's content.
    write_tree(&repo, &[("app.py", &leaky())]);
    sb.ok(&repo, &["add", "app.py"]);
    sb.settle(&repo);
    let before = snapshot(&repo);
    let committed = head(&sb, &repo);
    let out = sb.git(&repo, &["commit", "-m", "add sub and leak"]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(shown.contains("app.py:3:17"), "{shown}");
    assert!(
        !shown.contains("leak.py"),
        "the submodule was scanned: {shown}"
    );
    assert_eq!(head(&sb, &repo), committed);
    assert_eq!(snapshot(&repo), before, "index or working tree changed");
    // Without it, the submodule commits fine.
    sb.ok(&repo, &["rm", "-q", "--cached", "app.py"]);
    std::fs::remove_file(repo.join("app.py")).unwrap();
    let out = sb.git(&repo, &["commit", "-q", "-m", "add sub"]);
    assert!(out.status.success(), "{}", text(&out));
    let tree = sb.ok(&repo, &["ls-tree", "HEAD", "sub"]);
    assert!(tree.starts_with("160000 commit "), "{tree}");

    // Inside the submodule, `pyguard install` writes to the submodule's own git directory.
    let checkout = repo.join("sub");
    assert!(checkout.join(".git").is_file(), "not an absorbed submodule");
    let out = sb.pyguard(&checkout).arg("install").output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let hooks = repo.join(".git/modules/sub/hooks");
    assert!(hooks.join("pre-commit").is_file(), "{}", text(&out));
    assert!(
        text(&out).contains(".git/modules/sub/hooks/pre-commit"),
        "{}",
        text(&out)
    );
    // The superproject's own hooks are where they were, not rewritten.
    let super_hook = std::fs::read(repo.join(".git/hooks/pre-commit")).unwrap();
    // A commit in the submodule is gated by those hooks.
    write_tree(&checkout, &[("more.py", &leaky())]);
    sb.ok(&checkout, &["add", "more.py"]);
    let sub_head = head(&sb, &checkout);
    let out = sb.git(&checkout, &["commit", "-m", "leak in sub"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("more.py:3:17"), "{}", text(&out));
    assert_eq!(head(&sb, &checkout), sub_head);
    write_tree(&checkout, &[("more.py", "b = 2\n")]);
    sb.ok(&checkout, &["add", "more.py"]);
    let out = sb.git(&checkout, &["commit", "-q", "-m", "clean in sub"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        std::fs::read(repo.join(".git/hooks/pre-commit")).unwrap(),
        super_hook
    );
}

/// A repository whose `main` has moved on since `feature` (a secret committed past the hook)
/// and `clean` branched off; returns `main`'s head.
fn branches_to_merge(sb: &Sandbox, repo: &Path) -> Option<String> {
    write_tree(repo, &[("a.py", "a = 1\n")]);
    commit_unchecked(sb, repo, "base");
    sb.ok(repo, &["checkout", "-q", "-b", "feature"]);
    write_tree(repo, &[("leak.py", &leaky())]);
    commit_unchecked(sb, repo, "leak");
    sb.ok(repo, &["checkout", "-q", "-b", "clean", "main"]);
    write_tree(repo, &[("b.py", "b = 1\n")]);
    commit_unchecked(sb, repo, "clean");
    sb.ok(repo, &["checkout", "-q", "main"]);
    write_tree(repo, &[("c.py", "c = 1\n")]);
    commit_unchecked(sb, repo, "main moves on");
    head(sb, repo)
}

#[test]
fn merge_concluded_with_commit_is_gated_on_what_it_adds() {
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    let main = branches_to_merge(&sb, &repo);

    // The merge brings the secret in relative to HEAD: `git commit` is blocked.
    sb.ok(&repo, &["merge", "-q", "--no-ff", "--no-commit", "feature"]);
    sb.settle(&repo);
    let before = snapshot(&repo);
    let out = sb.git(&repo, &["commit", "--no-edit"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("leak.py:3:17"), "{}", text(&out));
    assert_eq!(head(&sb, &repo), main, "the merge was committed");
    assert_eq!(snapshot(&repo), before, "index or working tree changed");
    assert!(repo.join(".git/MERGE_HEAD").is_file(), "the merge was lost");
    sb.ok(&repo, &["merge", "--abort"]);

    // A conflict resolved by hand: the resolution itself adds the secret.
    sb.ok(&repo, &["checkout", "-q", "-b", "other", "main"]);
    write_tree(&repo, &[("c.py", "c = 2\n")]);
    commit_unchecked(&sb, &repo, "other c");
    sb.ok(&repo, &["checkout", "-q", "main"]);
    write_tree(&repo, &[("c.py", "c = 3\n")]);
    commit_unchecked(&sb, &repo, "main c");
    let main = head(&sb, &repo);
    let out = sb.git(&repo, &["merge", "other"]);
    assert!(!out.status.success(), "expected a conflict: {}", text(&out));
    write_tree(&repo, &[("c.py", &format!("c = 3\n{}", leaky()))]);
    sb.ok(&repo, &["add", "c.py"]);
    let out = sb.git(&repo, &["commit", "--no-edit"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("c.py:4:17"), "{}", text(&out));
    assert_eq!(head(&sb, &repo), main);
    write_tree(&repo, &[("c.py", "c = 3\n")]);
    sb.ok(&repo, &["add", "c.py"]);
    let out = sb.git(&repo, &["commit", "-q", "--no-edit"]);
    assert!(out.status.success(), "{}", text(&out));

    // A merge of a clean branch goes through.
    sb.ok(&repo, &["merge", "-q", "--no-ff", "--no-commit", "clean"]);
    let out = sb.git(&repo, &["commit", "-q", "--no-edit"]);
    assert!(out.status.success(), "{}", text(&out));
    sb.ok(&repo, &["rev-parse", "--verify", "-q", "HEAD^2"]);
    assert!(repo.join("b.py").is_file());
}

/// A Git LFS pointer as git-lfs writes it (no git-lfs needed: it is plain text).
fn lfs_pointer(oid: &str) -> String {
    format!("version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize 123\n")
}

/// `pyguard scan --staged -f json` in `repo`: (exit code, files scanned).
fn staged_scan(sb: &Sandbox, repo: &Path) -> (Option<i32>, u64) {
    let out = sb
        .pyguard(repo)
        .args(["scan", "--staged", "-f", "json"])
        .output()
        .unwrap();
    let doc = crate::common::json(&out);
    let scanned = doc["summary"]["files_scanned"].as_u64().unwrap();
    (out.status.code(), scanned)
}

#[test]
fn lfs_pointers_are_skipped_but_a_file_that_only_starts_like_one_is_scanned() {
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    let oid = "4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393";
    // A real pointer is not read as content: its oid is a hash of a file stored elsewhere.
    write_tree(&repo, &[("models/weights.bin", &lfs_pointer(oid))]);
    sb.ok(&repo, &["add", "-A"]);
    assert_eq!(
        staged_scan(&sb, &repo),
        (Some(0), 0),
        "the pointer was scanned"
    );
    let out = sb.git(&repo, &["commit", "-q", "-m", "weights"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(text(&out), "");
    // The same file with a line that is no part of a pointer is scanned, and blocked: a
    // pointer's first line must not hide what follows it.
    let posing = format!("{}GITHUB_TOKEN = \"{TOKEN}\"\n", lfs_pointer(oid));
    write_tree(&repo, &[("models/config.txt", &posing)]);
    sb.ok(&repo, &["add", "-A"]);
    assert_eq!(staged_scan(&sb, &repo), (Some(1), 1));
    let committed = head(&sb, &repo);
    let out = sb.git(&repo, &["commit", "-m", "posing"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("models/config.txt:4:17"),
        "{}",
        text(&out)
    );
    assert_eq!(head(&sb, &repo), committed);
    // A pointer over git-lfs's 1024-byte limit is not a pointer either.
    let padded = format!("{}{}", lfs_pointer(oid), "x\n".repeat(600));
    write_tree(&repo, &[("models/config.txt", &padded)]);
    sb.ok(&repo, &["add", "-A"]);
    assert_eq!(staged_scan(&sb, &repo), (Some(0), 1));
}

#[test]
fn pre_merge_commit_blocks_a_merge_that_adds_a_secret_and_is_opt_in() {
    let sb = Sandbox::new();
    let repo = sb.bare_init("r");
    let hooks = repo.join(".git/hooks");
    // Not part of the default set.
    sb.pyguard(&repo).arg("install").assert().success();
    assert!(hooks.join("pre-commit").is_file());
    assert!(!hooks.join("pre-merge-commit").exists());
    let out = sb
        .pyguard(&repo)
        .args(["install", "--hooks", "pre-commit,pre-merge-commit"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("installed the pre-merge-commit hook"),
        "{}",
        text(&out)
    );
    assert_eq!(mode(&hooks.join("pre-merge-commit")) & 0o111, 0o111);
    // Once installed, a plain `pyguard install` keeps it up to date with the others.
    let out = sb.pyguard(&repo).arg("install").output().unwrap();
    assert!(
        text(&out).contains("the pre-merge-commit hook is up to date"),
        "{}",
        text(&out)
    );
    let main = branches_to_merge(&sb, &repo);

    // A merge without conflicts runs pre-merge-commit (not pre-commit), which blocks it.
    let out = sb.git(&repo, &["merge", "--no-ff", "--no-edit", "feature"]);
    let shown = text(&out);
    assert!(!out.status.success(), "the merge went through: {shown}");
    assert!(shown.contains("leak.py:3:17"), "{shown}");
    assert!(shown.contains("pyguard blocked this merge"), "{shown}");
    assert!(shown.contains("git merge --abort"), "{shown}");
    assert!(!shown.contains(TOKEN), "{shown}");
    assert_eq!(head(&sb, &repo), main, "a merge commit was created");
    // git left the merge in progress; the hook itself changes nothing when run on it.
    sb.settle(&repo);
    let before = snapshot(&repo);
    let out = sb
        .pyguard(&repo)
        .args(["hook", "pre-merge-commit"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(snapshot(&repo), before, "index or working tree changed");
    sb.ok(&repo, &["merge", "--abort"]);
    assert!(!repo.join("leak.py").exists());
    // A clean merge goes through.
    let out = sb.git(&repo, &["merge", "-q", "--no-ff", "--no-edit", "clean"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(text(&out), "", "a clean merge printed something");
    assert_eq!(
        sb.ok(&repo, &["rev-parse", "HEAD^1"]).trim(),
        main.as_deref().unwrap()
    );
    // `git merge --no-verify` is the bypass.
    let out = sb.git(
        &repo,
        &[
            "merge",
            "-q",
            "--no-ff",
            "--no-edit",
            "--no-verify",
            "feature",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(repo.join("leak.py").is_file());

    // Uninstall removes it too, without being asked for it by name.
    let out = sb.pyguard(&repo).arg("uninstall").output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(!hooks.join("pre-merge-commit").exists(), "{}", text(&out));
    assert!(!hooks.join("pre-commit").exists());
    // And says nothing of it when it was never installed.
    sb.pyguard(&repo).arg("install").assert().success();
    let out = sb.pyguard(&repo).arg("uninstall").output().unwrap();
    assert!(!text(&out).contains("pre-merge-commit"), "{}", text(&out));
}

#[test]
fn split_index_fails_closed() {
    // The fast path declines a split index and libgit2 cannot read one either: the gate must
    // then block with its reason, never let the commit through unchecked.
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    write_tree(&repo, &[("a.py", "a = 1\n")]);
    sb.ok(&repo, &["add", "-A"]);
    sb.ok(&repo, &["update-index", "--split-index"]);
    let out = sb.git(&repo, &["commit", "-m", "clean"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("pyguard failed"), "{}", text(&out));
    assert!(text(&out).contains("'link'"), "{}", text(&out));
    assert_eq!(head(&sb, &repo), None);
    // The documented way out: an ordinary index.
    sb.ok(&repo, &["update-index", "--no-split-index"]);
    let out = sb.git(&repo, &["commit", "-q", "-m", "clean"]);
    assert!(out.status.success(), "{}", text(&out));
}
