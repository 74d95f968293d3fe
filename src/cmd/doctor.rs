//! `pyguard doctor`: whether pyguard's hooks will actually run for this repository and
//! worktree, and why not. Installed hooks can sit where git does not look: a relative
//! `core.hooksPath` resolves in each linked worktree separately, and a global
//! `core.hooksPath` set later by another tool makes git ignore `.git/hooks` altogether.
//! The directory is asked of git itself, so the answer is git's; this module only reads.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

use anyhow::Result;

use crate::cli::HookName;
use crate::source::hooks;
use crate::source::hooks::{is_pyguard_hook, CHAINED_SUFFIX, LEGACY_SUFFIX};

/// Runs `pyguard doctor`: 0 when every default hook runs pyguard, 1 otherwise.
pub fn run() -> Result<u8> {
    let mut out = anstream::stdout();
    let dir = hooks::effective_hooks_dir()?;
    let configured = hooks::hooks_dir()?;
    match configured.hooks_path_level {
        Some(level) => writeln!(
            out,
            "git runs hooks from {} (core.hooksPath, set in the {level} git config)",
            dir.display()
        )?,
        None => writeln!(out, "git runs hooks from {}", dir.display())?,
    }
    let mut ok = true;
    for hook in HookName::DEFAULT {
        let name = hook.file_name();
        match check(&dir.join(name)) {
            Ok(how) => writeln!(out, "  ok    {name}: {how}")?,
            Err(why) => {
                ok = false;
                writeln!(out, "  no    {name}: {why}")?;
            }
        }
    }
    if !ok {
        // Where pyguard's hooks may be instead.
        let own = configured.common_dir.join("hooks");
        if configured.hooks_path_level.is_some()
            && own != dir
            && HookName::DEFAULT
                .iter()
                .any(|h| std::fs::read(own.join(h.file_name())).is_ok_and(|c| is_pyguard_hook(&c)))
        {
            writeln!(
                out,
                "pyguard's hooks are in {}, which git ignores while core.hooksPath is set; run \
                 `pyguard install` here (it writes to {}), or unset core.hooksPath",
                own.display(),
                dir.display()
            )?;
        } else {
            writeln!(out, "run `pyguard install` in this worktree to fix it")?;
        }
    }
    Ok(u8::from(!ok))
}

/// Whether the hook at `path` runs pyguard: the reason it does, or why it does not.
fn check(path: &Path) -> Result<String, String> {
    let content = std::fs::read(path).map_err(|_| format!("no hook at {}", path.display()))?;
    if !executable(path) {
        return Err(format!(
            "{} is not executable, so git skips it",
            path.display()
        ));
    }
    if !is_pyguard_hook(&content) {
        let legacy = with_suffix(path, LEGACY_SUFFIX);
        if std::fs::read(&legacy).is_ok_and(|c| is_pyguard_hook(&c)) && executable(&legacy) {
            return Ok(format!(
                "{} is another tool's hook, which runs pyguard's ({})",
                path.display(),
                legacy.display()
            ));
        }
        return Err(format!("{} is not pyguard's hook", path.display()));
    }
    let text = String::from_utf8_lossy(&content);
    let binary = text
        .lines()
        .find_map(|l| l.strip_prefix("installed='"))
        .and_then(|p| p.strip_suffix('\''))
        .map(|p| p.replace(r"'\''", "'"));
    let chained = with_suffix(path, CHAINED_SUFFIX);
    let mut how = format!("pyguard's hook at {}", path.display());
    if chained.exists() {
        let _ = write!(how, " (runs {} first)", chained.display());
    }
    match binary {
        Some(b) if executable(Path::new(&b)) => Ok(how),
        Some(b) => Err(format!(
            "{how}, but its pyguard binary {b} is gone: the hook looks on PATH and blocks when \
             it is not there; run `pyguard install` again"
        )),
        None => Ok(how),
    }
}

fn with_suffix(path: &Path, suffix: &str) -> std::path::PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    s.into()
}

fn executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}
