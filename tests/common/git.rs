//! Helpers for tests that drive the real `git` CLI: a sandbox with its own HOME (so the global
//! git config is isolated), repositories in temp dirs, and snapshots of index and tree.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

/// A temp directory with a private HOME and global git config.
pub struct Sandbox {
    /// Holds everything; removed on drop.
    pub root: TempDir,
    /// HOME for git and pyguard.
    pub home: PathBuf,
}

/// Variables git sets for hooks; a test run from inside a hook must not inherit them.
const GIT_VARS: [&str; 6] = [
    "GIT_DIR",
    "GIT_INDEX_FILE",
    "GIT_WORK_TREE",
    "GIT_PREFIX",
    "GIT_COMMON_DIR",
    "GIT_OBJECT_DIRECTORY",
];

impl Sandbox {
    pub fn new() -> Self {
        let root = TempDir::new().unwrap();
        let home = root.path().join("home");
        std::fs::create_dir_all(&home).unwrap();
        std::fs::write(
            home.join(".gitconfig"),
            "[user]\n\tname = Test\n\temail = test@example.com\n[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n",
        )
        .unwrap();
        Sandbox { root, home }
    }

    /// A path inside the sandbox.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.path().join(rel)
    }

    fn isolate(&self, cmd: &mut Command) {
        for v in GIT_VARS {
            cmd.env_remove(v);
        }
        cmd.env("HOME", &self.home)
            .env("XDG_CONFIG_HOME", self.home.join(".config"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env_remove("GIT_CONFIG_GLOBAL")
            .env("NO_COLOR", "1");
    }

    /// `git ARGS` in `dir`.
    pub fn git(&self, dir: &Path, args: &[&str]) -> Output {
        let mut cmd = Command::new("git");
        cmd.current_dir(dir).args(args);
        self.isolate(&mut cmd);
        cmd.output().unwrap()
    }

    /// `git ARGS` in `dir`, which must succeed; returns stdout.
    pub fn ok(&self, dir: &Path, args: &[&str]) -> String {
        let out = self.git(dir, args);
        assert!(
            out.status.success(),
            "git {args:?} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The pyguard binary under test, run in `dir` inside the sandbox.
    pub fn pyguard(&self, dir: &Path) -> assert_cmd::Command {
        let mut cmd = super::pyguard();
        cmd.current_dir(dir);
        for v in GIT_VARS {
            cmd.env_remove(v);
        }
        cmd.env("HOME", &self.home)
            .env("XDG_CONFIG_HOME", self.home.join(".config"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env_remove("GIT_CONFIG_GLOBAL");
        cmd
    }

    /// A new repository `name` with pyguard's hooks installed.
    pub fn repo(&self, name: &str) -> PathBuf {
        let dir = self.bare_init(name);
        self.pyguard(&dir).arg("install").assert().success();
        dir
    }

    /// A new repository `name` without hooks.
    pub fn bare_init(&self, name: &str) -> PathBuf {
        let dir = self.path(name);
        std::fs::create_dir_all(&dir).unwrap();
        self.ok(&dir, &["init", "-q"]);
        dir
    }
}

/// Output as text: stdout then stderr.
pub fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

impl Sandbox {
    /// Lets the index settle before a snapshot: git itself rewrites the index when a commit
    /// starts (refreshed stat data, cache tree) and when timestamps are racy, so a test that
    /// wants to see what the hook does gives git nothing to update first.
    pub fn settle(&self, repo: &Path) {
        let past = std::time::SystemTime::now() - std::time::Duration::from_secs(10);
        for path in snapshot(repo).keys().filter(|p| !p.starts_with(".git/")) {
            let file = std::fs::File::options()
                .write(true)
                .open(repo.join(path))
                .unwrap();
            file.set_modified(past).unwrap();
        }
        let _ = self.git(repo, &["update-index", "-q", "--refresh"]);
        self.ok(repo, &["write-tree"]);
    }
}

/// The bytes of the index and of every file in the working tree (outside `.git`).
pub fn snapshot(repo: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    out.insert(
        ".git/index".to_string(),
        std::fs::read(repo.join(".git/index")).unwrap_or_default(),
    );
    let mut stack = vec![repo.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            if entry.file_name() == ".git" {
                continue;
            }
            if entry.file_type().unwrap().is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(repo)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

/// Writes an executable script.
pub fn write_script(path: &Path, text: &str, mode: u32) {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// The permission bits of a file.
pub fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

/// The commit HEAD names, if any.
pub fn head(sb: &Sandbox, repo: &Path) -> Option<String> {
    let out = sb.git(repo, &["rev-parse", "--verify", "-q", "HEAD"]);
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Commits everything with hooks off (history pyguard would have refused, or a base).
pub fn commit_unchecked(sb: &Sandbox, repo: &Path, msg: &str) {
    sb.ok(repo, &["add", "-A"]);
    sb.ok(repo, &["commit", "-q", "--no-verify", "-m", msg]);
}

/// A bare repository `remote.git` in the sandbox, added to `repo` as its `origin`.
pub fn origin(sb: &Sandbox, repo: &Path) -> PathBuf {
    let remote = sb.path("remote.git");
    sb.ok(
        sb.root.path(),
        &["init", "-q", "--bare", remote.to_str().unwrap()],
    );
    sb.ok(repo, &["remote", "add", "origin", remote.to_str().unwrap()]);
    remote
}

/// Runs pyguard's pre-push hook as if HEAD were pushed as a new `main` (nothing on the remote):
/// every commit up to HEAD is sent.
pub fn pre_push_all(sb: &Sandbox, repo: &Path) -> Output {
    let tip = sb.ok(repo, &["rev-parse", "HEAD"]).trim().to_string();
    let input = format!("refs/heads/main {tip} refs/heads/main {}\n", "0".repeat(40));
    sb.pyguard(repo)
        .args(["hook", "pre-push", "origin", "/nowhere"])
        .write_stdin(input)
        .output()
        .unwrap()
}

/// A bare repository `server.git` in the sandbox with pyguard's server hook (`--hooks` when
/// `hooks` names any), and a repository `client` without hooks whose `origin` it is.
pub fn server_and_client(sb: &Sandbox, hooks: &[&str]) -> (PathBuf, PathBuf) {
    let server = sb.path("server.git");
    sb.ok(
        sb.root.path(),
        &["init", "-q", "--bare", server.to_str().unwrap()],
    );
    let mut install = sb.pyguard(&server);
    install.args(["install", "--server"]);
    if !hooks.is_empty() {
        install.arg("--hooks").arg(hooks.join(","));
    }
    install.assert().success();
    let client = sb.bare_init("client");
    sb.ok(
        &client,
        &["remote", "add", "origin", server.to_str().unwrap()],
    );
    (server, client)
}
