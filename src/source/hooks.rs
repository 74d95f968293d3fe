//! Where git looks for a repository's hooks, and the global `core.hooksPath` setting, for
//! `pyguard install` and `uninstall`.
//!
//! The hooks directory is found the way git finds it: `core.hooksPath` when set (a relative
//! value is relative to the working tree root, where git runs hooks; `~/` is expanded),
//! otherwise `hooks/` in the common git directory, which linked worktrees share and which a
//! submodule has of its own. Reading and writing the global setting goes through the `git`
//! command itself, so that the file it lands in (`~/.gitconfig` or the XDG one) is git's choice.
//! This module does not write hooks (see `cmd::install`).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context as _, Result};
use git2::{ConfigLevel, Repository};

/// Where a repository's hooks live.
#[derive(Clone, Debug)]
pub struct HooksDir {
    /// The directory git runs hooks from.
    pub dir: PathBuf,
    /// When `core.hooksPath` chose it: the config level that set it.
    pub hooks_path_level: Option<&'static str>,
    /// The repository's common git directory (`.git` of the main worktree).
    pub common_dir: PathBuf,
    /// Whether the repository is bare (a server's repository: no work tree).
    pub bare: bool,
    /// Whether the directory is inside the work tree and git tracks files in it (a team's
    /// committed hooks folder, such as husky's `.husky` or a `.githooks`): what is written
    /// there would be committed to every clone.
    pub tracked: bool,
}

/// The hooks directory of the repository the current directory (or `GIT_DIR`) is in.
pub fn hooks_dir() -> Result<HooksDir> {
    let repo = Repository::open_from_env()
        .context("not inside a git repository (run `pyguard install` in one, or use --global)")?;
    let config = repo
        .config()
        .and_then(|mut c| c.snapshot())
        .context("failed to read the git configuration")?;
    let common_dir = repo.commondir().to_path_buf();
    if let Ok(entry) = config.get_entry("core.hooksPath") {
        let level = level_name(entry.level());
        let path = config
            .get_path("core.hooksPath")
            .context("failed to read core.hooksPath")?;
        let dir = if path.is_absolute() {
            path
        } else {
            // Git runs hooks from the top of the working tree (the git dir in a bare one).
            repo.workdir().unwrap_or_else(|| repo.path()).join(path)
        };
        let tracked = tracks_files_in(&repo, &dir);
        return Ok(HooksDir {
            dir,
            hooks_path_level: Some(level),
            common_dir,
            bare: repo.is_bare(),
            tracked,
        });
    }
    Ok(HooksDir {
        dir: common_dir.join("hooks"),
        hooks_path_level: None,
        common_dir,
        bare: repo.is_bare(),
        tracked: false,
    })
}

/// Whether the index of `repo` holds any file under `dir` (a directory inside its work tree).
fn tracks_files_in(repo: &Repository, dir: &Path) -> bool {
    let Some(workdir) = repo.workdir() else {
        return false;
    };
    let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let Ok(rel) = canon(dir)
        .strip_prefix(canon(workdir))
        .map(Path::to_path_buf)
    else {
        return false;
    };
    let mut prefix = rel.to_string_lossy().replace('\\', "/");
    if prefix.is_empty() {
        return false;
    }
    prefix.push('/');
    let Ok(index) = repo.index() else {
        return false;
    };
    index.iter().any(|e| e.path.starts_with(prefix.as_bytes()))
}

/// The top of the work tree of the repository the current directory is in.
pub fn work_tree_root() -> Result<PathBuf> {
    let repo = Repository::open_from_env().context("not inside a git repository")?;
    repo.workdir()
        .map(Path::to_path_buf)
        .context("this repository has no work tree")
}

fn level_name(level: ConfigLevel) -> &'static str {
    match level {
        ConfigLevel::ProgramData | ConfigLevel::System => "system",
        ConfigLevel::XDG | ConfigLevel::Global => "global",
        ConfigLevel::Local => "local",
        ConfigLevel::Worktree => "worktree",
        ConfigLevel::App | ConfigLevel::Highest => "command line",
    }
}

/// The global `core.hooksPath`, if set, with `~/` expanded.
pub fn global_hooks_path() -> Result<Option<PathBuf>> {
    let out = git(&[
        "config",
        "--global",
        "--type=path",
        "--get",
        "core.hooksPath",
    ])?;
    match out.status.code() {
        Some(0) => {
            let text = String::from_utf8_lossy(&out.stdout).trim_end().to_string();
            Ok((!text.is_empty()).then(|| PathBuf::from(text)))
        }
        // 1: the key is not set.
        Some(1) => Ok(None),
        _ => bail!(
            "`git config --global core.hooksPath` failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ),
    }
}

/// Sets the global `core.hooksPath` to `dir`.
pub fn set_global_hooks_path(dir: &Path) -> Result<()> {
    let dir = dir
        .to_str()
        .context("the global hooks directory is not valid UTF-8")?;
    let out = git(&["config", "--global", "core.hooksPath", dir])?;
    if !out.status.success() {
        bail!(
            "`git config --global core.hooksPath` failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

/// Removes the global `core.hooksPath`.
pub fn unset_global_hooks_path() -> Result<()> {
    let out = git(&["config", "--global", "--unset", "core.hooksPath"])?;
    // 5: the key was not set, which is what we want.
    if !out.status.success() && out.status.code() != Some(5) {
        bail!(
            "`git config --global --unset core.hooksPath` failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

fn git(args: &[&str]) -> Result<std::process::Output> {
    Command::new("git")
        .args(args)
        .output()
        .context("failed to run git (is it installed and on PATH?)")
}
