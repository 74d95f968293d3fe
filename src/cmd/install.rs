//! `pyguard install` and `pyguard uninstall`: write pyguard's git hooks from the templates in
//! `hooks/` (embedded), and remove them again.
//!
//! Never clobbers: a hook pyguard did not write is moved aside to `<name>.pyguard-chained`
//! (a rename, so bytes and permissions are kept) and pyguard's hook runs it first. A hook
//! pyguard wrote carries a marker line and is updated in place, so installing twice changes
//! nothing and never chains pyguard to itself. Uninstall removes only hooks with the marker and
//! renames the chained hook back. Finding the hooks directory is `source::hooks`'s job.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _, Result};

use crate::cli::{HookName, InstallArgs};
use crate::source::hooks;

/// The line every hook pyguard writes carries (the version after `v` may change).
pub const MARKER: &str = "# pyguard-hook v";

/// Suffix of a hook pyguard moved aside to run it first.
pub const CHAINED_SUFFIX: &str = ".pyguard-chained";

/// The hook template, before the binary's path is filled in.
fn template(hook: HookName) -> &'static str {
    match hook {
        HookName::PreCommit => include_str!("../../hooks/pre-commit"),
        HookName::CommitMsg => include_str!("../../hooks/commit-msg"),
        HookName::PrePush => include_str!("../../hooks/pre-push"),
        HookName::PreMergeCommit => include_str!("../../hooks/pre-merge-commit"),
        HookName::PreReceive => include_str!("../../hooks/pre-receive"),
        HookName::Update => include_str!("../../hooks/update"),
    }
}

/// The hook's text: the template with the binary's absolute path filled in, and whether it runs
/// each repository's own hook (a global hook does).
#[must_use]
pub fn render(hook: HookName, pyguard: &Path, repo_hooks: bool) -> String {
    template(hook)
        .replace("@PYGUARD@", &sh_quote(&pyguard.to_string_lossy()))
        .replace("@REPO_HOOKS@", if repo_hooks { "1" } else { "0" })
}

/// Quotes a string for POSIX sh.
fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// Whether a hook file's content is one pyguard wrote.
#[must_use]
pub fn is_pyguard_hook(content: &[u8]) -> bool {
    let head = &content[..content.len().min(512)];
    memchr::memmem::find(head, MARKER.as_bytes()).is_some()
}

/// The hooks named by `--hooks`, else `default`.
fn selected(args: &InstallArgs, default: &[HookName]) -> Vec<HookName> {
    if args.hooks.is_empty() {
        default.to_vec()
    } else {
        let mut v = args.hooks.clone();
        v.dedup();
        v
    }
}

/// Runs `pyguard install`.
pub fn install(args: &InstallArgs) -> Result<u8> {
    let exe = std::env::current_exe()
        .and_then(std::fs::canonicalize)
        .context("cannot tell where the pyguard binary is")?;
    let mut out = anstream::stdout();
    if args.server {
        return install_server(args, &exe);
    }
    let (dir, repo_hooks) = if args.global {
        let dir = if let Some(dir) = hooks::global_hooks_path()? {
            writeln!(
                out,
                "pyguard: using your global core.hooksPath {}",
                dir.display()
            )?;
            dir
        } else {
            let dir = default_global_dir()?;
            hooks::set_global_hooks_path(&dir)?;
            writeln!(
                out,
                "pyguard: set git's global core.hooksPath to {}",
                dir.display()
            )?;
            dir
        };
        if let Ok(local) = hooks::hooks_dir() {
            if matches!(local.hooks_path_level, Some("local" | "worktree")) {
                writeln!(
                    out,
                    "pyguard: note: this repository sets its own core.hooksPath ({}), so git \
                     ignores global hooks here; run `pyguard install` in it",
                    local.dir.display()
                )?;
            }
        }
        (dir, true)
    } else {
        let loc = hooks::hooks_dir()?;
        let shared = matches!(loc.hooks_path_level, Some("global" | "system"));
        if let Some(level) = loc.hooks_path_level {
            writeln!(
                out,
                "pyguard: core.hooksPath is set in the {level} git config: hooks go to {}",
                loc.dir.display()
            )?;
        }
        if loc.tracked {
            return tracked_folder(&loc.dir, &selected(args, &HookName::DEFAULT));
        }
        // A hooks directory shared by every repository must still run each one's own hooks.
        (loc.dir, shared)
    };
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("failed to create the hooks directory {}", dir.display()))?;
    let mut failed = false;
    let mut chosen = selected(args, &HookName::DEFAULT);
    if args.hooks.is_empty() {
        // An opt-in hook pyguard wrote earlier is kept up to date with the rest.
        chosen.extend(HookName::ALL.into_iter().filter(|h| {
            !HookName::DEFAULT.contains(h)
                && std::fs::read(dir.join(h.file_name())).is_ok_and(|c| is_pyguard_hook(&c))
        }));
    }
    for hook in chosen {
        let text = render(hook, &exe, repo_hooks);
        match install_one(&dir, hook, &text) {
            Ok(msg) => writeln!(out, "pyguard: {msg}")?,
            Err(e) => {
                failed = true;
                crate::report::message::error(&crate::report::message::plain(&e));
            }
        }
    }
    Ok(if failed { 2 } else { 0 })
}

/// `pyguard install --server`: the server-side hooks in the bare repository a server pushes
/// into (the current directory or `GIT_DIR`).
fn install_server(args: &InstallArgs, exe: &Path) -> Result<u8> {
    let loc = hooks::hooks_dir()?;
    if !loc.bare {
        bail!(
            "--server installs the hook that runs where pushes land, in a bare repository; \
             this one has a work tree (use `pyguard install` here, or run `pyguard install \
             --server` inside the server's bare repository, e.g. `cd /srv/git/app.git`)"
        );
    }
    if let Some(hook) = args
        .hooks
        .iter()
        .find(|h| !matches!(h, HookName::PreReceive | HookName::Update))
    {
        bail!(
            "--server installs pre-receive or update, not {}",
            hook.file_name()
        );
    }
    std::fs::create_dir_all(&loc.dir)
        .with_context(|| format!("failed to create the hooks directory {}", loc.dir.display()))?;
    let mut out = anstream::stdout();
    let mut failed = false;
    for hook in selected(args, &HookName::SERVER) {
        match install_one(&loc.dir, hook, &render(hook, exe, false)) {
            Ok(msg) => writeln!(out, "pyguard: {msg}")?,
            Err(e) => {
                failed = true;
                writeln!(anstream::stderr(), "pyguard: error: {e:#}")?;
            }
        }
    }
    Ok(if failed { 2 } else { 0 })
}

/// A hooks folder the team commits (husky's `.husky`, a `.githooks`): pyguard writes nothing
/// there, since a hook it wrote would carry this machine's paths into every clone and a
/// renamed hook would show up as a change. Each hook must call pyguard by name; this says
/// which line to add where that is not done yet, and fails until it is.
fn tracked_folder(dir: &Path, hooks: &[HookName]) -> Result<u8> {
    let mut out = anstream::stdout();
    let mut missing = Vec::new();
    for &hook in hooks {
        let path = dir.join(hook.file_name());
        let call = format!("pyguard hook {}", hook.file_name());
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        if text.contains(&call) {
            writeln!(out, "pyguard: {} already calls pyguard", path.display())?;
        } else {
            missing.push((path, hook));
        }
    }
    if missing.is_empty() {
        return Ok(0);
    }
    let mut err = anstream::stderr();
    writeln!(
        err,
        "pyguard: error: {} holds hooks that git tracks, so pyguard writes nothing there (a \
         hook it wrote would carry this machine's paths into every clone). Add to each hook \
         the line shown, and commit it:",
        dir.display()
    )?;
    for (path, hook) in missing {
        let line = match hook {
            HookName::CommitMsg => "pyguard hook commit-msg \"$1\"",
            HookName::PrePush => "pyguard hook pre-push \"$@\"",
            HookName::PreCommit => "pyguard hook pre-commit",
            HookName::PreMergeCommit => "pyguard hook pre-merge-commit",
            HookName::PreReceive => "pyguard hook pre-receive",
            HookName::Update => "pyguard hook update \"$@\"",
        };
        let new = if path.exists() {
            ""
        } else {
            " (a new file: start it with #!/bin/sh and make it executable)"
        };
        writeln!(err, "  {}: {line}{new}", path.display())?;
    }
    Ok(2)
}

fn install_one(dir: &Path, hook: HookName, text: &str) -> Result<String> {
    let name = hook.file_name();
    let path = dir.join(name);
    let chained = chained_path(&path);
    let shown = path.display();
    if std::fs::symlink_metadata(&path).is_err() {
        write_hook(&path, text)?;
        return Ok(format!("installed the {name} hook: {shown}"));
    }
    let existing = std::fs::read(&path).unwrap_or_default();
    if is_pyguard_hook(&existing) {
        if existing == text.as_bytes() {
            return Ok(format!("the {name} hook is up to date: {shown}"));
        }
        write_hook(&path, text)?;
        return Ok(format!("updated the {name} hook: {shown}"));
    }
    if std::fs::symlink_metadata(&chained).is_ok() {
        bail!(
            "{shown} is not pyguard's, and {} already exists: move one of them away, then run \
             `pyguard install` again",
            chained.display()
        );
    }
    std::fs::rename(&path, &chained)
        .with_context(|| format!("failed to move {shown} aside to {}", chained.display()))?;
    if let Err(e) = write_hook(&path, text) {
        // Put the user's hook back rather than leave the repository without it.
        let _ = std::fs::rename(&chained, &path);
        return Err(e);
    }
    Ok(format!(
        "installed the {name} hook: {shown} (the existing hook is kept as {} and runs first)",
        chained.display()
    ))
}

/// Runs `pyguard uninstall`.
pub fn uninstall(args: &InstallArgs) -> Result<u8> {
    let mut out = anstream::stdout();
    let (dir, global_default) = if args.global {
        let Some(dir) = hooks::global_hooks_path()? else {
            writeln!(
                out,
                "pyguard: no global core.hooksPath is set; nothing to do"
            )?;
            return Ok(0);
        };
        let ours = default_global_dir().is_ok_and(|d| d == dir);
        (dir, ours)
    } else {
        (hooks::hooks_dir()?.dir, false)
    };
    let mut failed = false;
    // Every hook pyguard can write, including those it does not install by default.
    for hook in selected(args, &HookName::ALL) {
        let path = dir.join(hook.file_name());
        let opt_in = args.hooks.is_empty() && !HookName::DEFAULT.contains(&hook);
        if opt_in
            && std::fs::symlink_metadata(&path).is_err()
            && std::fs::symlink_metadata(chained_path(&path)).is_err()
        {
            // Not installed, and not asked for: nothing worth saying.
            continue;
        }
        match uninstall_one(&dir, hook) {
            Ok(msg) => writeln!(out, "pyguard: {msg}")?,
            Err(e) => {
                failed = true;
                crate::report::message::error(&crate::report::message::plain(&e));
            }
        }
    }
    if global_default {
        // pyguard created this directory; when nothing else is left in it, undo the setting.
        let empty = std::fs::read_dir(&dir).map_or(true, |mut d| d.next().is_none());
        if empty {
            hooks::unset_global_hooks_path()?;
            let _ = std::fs::remove_dir(&dir);
            writeln!(
                out,
                "pyguard: removed git's global core.hooksPath ({})",
                dir.display()
            )?;
        }
    }
    Ok(if failed { 2 } else { 0 })
}

fn uninstall_one(dir: &Path, hook: HookName) -> Result<String> {
    let name = hook.file_name();
    let path = dir.join(name);
    let chained = chained_path(&path);
    let shown = path.display();
    let exists = std::fs::symlink_metadata(&path).is_ok();
    if exists {
        let existing = std::fs::read(&path).unwrap_or_default();
        if !is_pyguard_hook(&existing) {
            return Ok(format!("{shown} is not pyguard's; left as is"));
        }
        std::fs::remove_file(&path).with_context(|| format!("failed to remove {shown}"))?;
    }
    if std::fs::symlink_metadata(&chained).is_ok() {
        std::fs::rename(&chained, &path)
            .with_context(|| format!("failed to restore {} to {shown}", chained.display()))?;
        return Ok(format!(
            "removed the {name} hook and restored the hook it had replaced: {shown}"
        ));
    }
    Ok(if exists {
        format!("removed the {name} hook: {shown}")
    } else {
        format!("no {name} hook installed in {}", dir.display())
    })
}

fn chained_path(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(CHAINED_SUFFIX);
    PathBuf::from(s)
}

/// `$XDG_CONFIG_HOME/pyguard/hooks`, else `~/.config/pyguard/hooks`.
fn default_global_dir() -> Result<PathBuf> {
    let base = match std::env::var_os("XDG_CONFIG_HOME").filter(|v| !v.is_empty()) {
        Some(x) => PathBuf::from(x),
        None => PathBuf::from(
            std::env::var_os("HOME").context("HOME is not set: cannot place global hooks")?,
        )
        .join(".config"),
    };
    Ok(base.join("pyguard").join("hooks"))
}

/// Writes a hook atomically (a temporary file renamed over it), executable.
fn write_hook(path: &Path, text: &str) -> Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".pyguard-tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, text).with_context(|| format!("failed to write {}", tmp.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o755))
            .with_context(|| format!("failed to make {} executable", tmp.display()))?;
    }
    std::fs::rename(&tmp, path).with_context(|| format!("failed to write {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rendered_hooks_carry_the_marker_and_the_quoted_path() {
        let unfilled = regex::Regex::new("@[A-Z_]+@").unwrap();
        for hook in HookName::ALL {
            let text = render(hook, Path::new("/opt/it's here/pyguard"), false);
            assert!(is_pyguard_hook(text.as_bytes()), "{hook:?}");
            assert!(
                text.contains(r"installed='/opt/it'\''s here/pyguard'"),
                "{text}"
            );
            let server = HookName::SERVER.contains(&hook) || hook == HookName::Update;
            assert_eq!(text.contains("repo_hooks=0"), !server, "{hook:?}");
            assert!(
                !unfilled.is_match(&text),
                "unfilled placeholder in {hook:?}"
            );
        }
        assert!(render(HookName::PrePush, Path::new("/p"), true).contains("repo_hooks=1"));
        assert!(!is_pyguard_hook(b"#!/bin/sh\nexit 0\n"));
    }
}
