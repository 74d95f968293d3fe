//! The conventions of the field: completions, a man page, `--only`, `--exit-zero`, `init`,
//! `patterns list --format json`, and a team's tracked hooks folder left untouched.

use tempfile::TempDir;

use crate::common::git::{text, Sandbox};
use crate::common::{json, pyguard, write_tree};

const TOKEN: &str = "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"; // pyguard: allow[github-token]

/// A secret and an unsafe Python construct in one tree.
fn mixed() -> TempDir {
    let dir = TempDir::new().unwrap();
    write_tree(
        dir.path(),
        &[
            ("app.py", &format!("GITHUB_TOKEN = \"{TOKEN}\"\n")),
            ("run.py", "exec(input())\n"),
        ],
    );
    dir
}

fn ids(report: &serde_json::Value) -> Vec<String> {
    let mut v: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["pattern_id"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

#[test]
fn completions_are_printed_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = pyguard().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        let script = String::from_utf8_lossy(&out.stdout);
        assert!(script.contains("pyguard"), "{shell}: {script}");
        assert!(script.contains("history"), "{shell}: subcommands missing");
    }
    pyguard().args(["completions", "tcsh"]).assert().code(2);
}

#[test]
fn man_page_is_roff_with_every_subcommand() {
    let out = pyguard().arg("man").output().unwrap();
    assert!(out.status.success());
    let page = String::from_utf8_lossy(&out.stdout);
    assert!(
        page.starts_with(".ie") || page.contains(".TH pyguard"),
        "{page}"
    );
    for sub in ["scan", "history", "install", "baseline"] {
        assert!(page.contains(sub), "{sub} missing from the man page");
    }
}

#[test]
fn only_runs_one_kind_from_the_flag_or_the_configuration() {
    let dir = mixed();
    let scan = |args: &[&str]| {
        let out = pyguard()
            .current_dir(dir.path())
            .args(["scan", "-f", "json"])
            .args(args)
            .arg(".")
            .output()
            .unwrap();
        ids(&json(&out))
    };
    let all = scan(&[]);
    assert!(all.contains(&"github-token".to_string()), "{all:?}");
    assert!(all.contains(&"exec-user-input".to_string()), "{all:?}");
    assert_eq!(
        scan(&["--only", "secret"]),
        vec!["github-token".to_string()]
    );
    // Without the secret patterns, the token assigned to a token-named variable is still a
    // credential written in the code (a Python warning, its value hidden); with them, it is
    // one github-token finding.
    let python = vec![
        "exec-user-input".to_string(),
        "hardcoded-password-literal".to_string(),
    ];
    assert_eq!(scan(&["--only", "python"]), python);
    std::fs::write(dir.path().join(".pyguard.yaml"), "only: [python]\n").unwrap();
    assert_eq!(scan(&[]), python);
    // The flag wins over the file.
    assert_eq!(
        scan(&["--only", "secret"]),
        vec!["github-token".to_string()]
    );
    std::fs::write(dir.path().join(".pyguard.yaml"), "only: [nonsense]\n").unwrap();
    pyguard()
        .current_dir(dir.path())
        .args(["scan", "."])
        .assert()
        .code(2);
}

#[test]
fn exit_zero_reports_findings_but_exits_0_and_errors_still_exit_2() {
    let dir = mixed();
    let out = pyguard()
        .current_dir(dir.path())
        .args(["scan", "--exit-zero", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("app.py"));
    pyguard()
        .current_dir(dir.path())
        .args(["scan", "--exit-zero", "no/such/path"])
        .assert()
        .code(2);
}

#[test]
fn patterns_list_json_has_every_pattern_with_its_kind() {
    let out = pyguard()
        .args(["patterns", "list", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let list = json(&out);
    let rows = list.as_array().unwrap();
    assert!(rows.len() > 100, "{} patterns", rows.len());
    let token = rows
        .iter()
        .find(|r| r["id"] == "github-token")
        .expect("github-token listed");
    assert_eq!(token["kind"], "secret");
    assert!(token["keywords"].as_array().is_some_and(|k| !k.is_empty()));
    assert!(rows.iter().any(|r| r["kind"] == "python"));
}

#[test]
fn init_writes_a_starter_configuration_once_and_installs_the_hooks() {
    let sb = Sandbox::new();
    let repo = sb.bare_init("r");
    let out = sb.pyguard(&repo).arg("init").output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let cfg = std::fs::read_to_string(repo.join(".pyguard.yaml")).unwrap();
    assert!(cfg.contains("# exclude:"), "{cfg}");
    assert!(repo.join(".git/hooks/pre-commit").exists());
    // A second run keeps the user's file.
    std::fs::write(repo.join(".pyguard.yaml"), "exclude: ['x/']\n").unwrap();
    let out = sb.pyguard(&repo).arg("init").output().unwrap();
    assert!(out.status.success());
    assert!(text(&out).contains("left as it is"), "{}", text(&out));
    assert_eq!(
        std::fs::read_to_string(repo.join(".pyguard.yaml")).unwrap(),
        "exclude: ['x/']\n"
    );
}

/// Regression: with core.hooksPath=.husky, install renamed the team's tracked hook and wrote
/// hooks holding this machine's absolute path into the tracked folder.
#[test]
fn install_never_writes_into_a_tracked_hooks_folder() {
    let sb = Sandbox::new();
    let repo = sb.bare_init("r");
    let husky = "#!/bin/sh\nnpx lint-staged\n";
    crate::common::git::write_script(&repo.join(".husky/pre-commit"), husky, 0o755);
    sb.ok(&repo, &["add", "-A"]);
    sb.ok(&repo, &["commit", "-q", "--no-verify", "-m", "husky"]);
    sb.ok(&repo, &["config", "core.hooksPath", ".husky"]);
    let out = sb.pyguard(&repo).arg("install").output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let shown = text(&out);
    assert!(
        shown.contains(".husky/pre-commit: pyguard hook pre-commit"),
        "{shown}"
    );
    assert!(shown.contains("pyguard hook pre-push \"$@\""), "{shown}");
    // Nothing was renamed or written.
    assert_eq!(
        std::fs::read_to_string(repo.join(".husky/pre-commit")).unwrap(),
        husky
    );
    let entries: Vec<_> = std::fs::read_dir(repo.join(".husky")).unwrap().collect();
    assert_eq!(entries.len(), 1, "files written into .husky");
    // Once the hooks call pyguard by name, install is satisfied.
    for (name, line) in [
        ("pre-commit", "pyguard hook pre-commit"),
        ("commit-msg", "pyguard hook commit-msg \"$1\""),
        ("pre-push", "pyguard hook pre-push \"$@\""),
    ] {
        let path = repo.join(".husky").join(name);
        let old = std::fs::read_to_string(&path).unwrap_or_else(|_| "#!/bin/sh\n".into());
        crate::common::git::write_script(&path, &format!("{old}{line}\n"), 0o755);
    }
    let out = sb.pyguard(&repo).arg("install").output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("already calls pyguard"),
        "{}",
        text(&out)
    );
}
