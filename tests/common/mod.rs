//! Helpers shared by the integration tests.

pub mod git;

use assert_cmd::Command;

/// The `pyguard` binary under test, with colour off and a clean environment for config.
pub fn pyguard() -> Command {
    let mut cmd = Command::cargo_bin("pyguard").expect("binary built");
    cmd.env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env("PYGUARD_TEST", "1");
    cmd
}

/// Writes files (path, content) under `dir`, creating directories.
pub fn write_tree(dir: &std::path::Path, files: &[(&str, &str)]) {
    for (path, content) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
    }
}

/// Parses stdout as JSON.
pub fn json(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// Runs `pyguard scan -f json .` in `dir`; returns (exit code, report, stderr).
pub fn scan_json(dir: &tempfile::TempDir) -> (i32, serde_json::Value, String) {
    let out = pyguard()
        .current_dir(dir.path())
        .args(["scan", "-f", "json", "."])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.code().unwrap(), json(&out), stderr)
}
