//! Snapshots (insta) of the human, JSON and SARIF reports on one stable input: a secret, a
//! Python rule, a file rule, a committed environment and an inline-suppressed finding.
//! Nothing that varies is kept: timings are zeroed, the tool version is replaced, and the
//! SARIF rule list is cut to the rules the results use (the pattern set grows on its own).
//! `INSTA_UPDATE=always cargo test --test main snapshots` rewrites them after a deliberate
//! change; review the diff.

use serde_json::Value;

use crate::common::{pyguard, write_tree};

/// A GitHub token with a valid checksum (the example in patterns/github.yaml).
const TOKEN: &str = "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"; // pyguard: allow[github-token]

fn input() -> tempfile::TempDir {
    let dir = tempfile::TempDir::new().unwrap();
    write_tree(
        dir.path(),
        &[
            ("app/config.py", &format!("GITHUB_TOKEN = \"{TOKEN}\"\n")),
            (
                "app/loader.py",
                "import pickle\n\n\ndef load(request):\n    return pickle.loads(request.data)\n",
            ),
            (
                "app/allowed.py",
                &format!("T = \"{TOKEN}\"  # pyguard: allow[github-token]\n"),
            ),
            (".env", "LOG_LEVEL=debug\n"),
            ("venv/pyvenv.cfg", "home = /usr/bin\n"),
        ],
    );
    dir
}

fn run(dir: &tempfile::TempDir, format: &str) -> String {
    let out = pyguard()
        .current_dir(dir.path())
        .args(["--color", "never", "scan", ".", "-f", format])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    String::from_utf8(out.stdout).unwrap()
}

/// Replaces what varies between runs and versions in a JSON document.
fn stable(mut v: Value) -> Value {
    fn walk(v: &mut Value) {
        match v {
            Value::Object(map) => {
                for (k, x) in map.iter_mut() {
                    match k.as_str() {
                        "elapsed_ms" => *x = Value::from(0),
                        "version" if x.as_str().is_some_and(|s| s.contains('.')) => {
                            *x = Value::from("[version]");
                        }
                        _ => walk(x),
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut v);
    v
}

#[test]
fn human_report() {
    let dir = input();
    insta::assert_snapshot!("human", run(&dir, "human"));
}

#[test]
fn json_report() {
    let dir = input();
    let doc = stable(serde_json::from_str(&run(&dir, "json")).unwrap());
    insta::assert_snapshot!("json", serde_json::to_string_pretty(&doc).unwrap());
}

#[test]
fn sarif_report() {
    let dir = input();
    let mut doc = stable(serde_json::from_str(&run(&dir, "sarif")).unwrap());
    let used: Vec<String> = doc["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap().to_string())
        .collect();
    let rules = &mut doc["runs"][0]["tool"]["driver"]["rules"];
    let kept: Vec<Value> = rules
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| used.iter().any(|u| r["id"] == u.as_str()))
        .cloned()
        .collect();
    *rules = Value::from(kept);
    insta::assert_snapshot!("sarif", serde_json::to_string_pretty(&doc).unwrap());
}
