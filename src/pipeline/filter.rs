//! Which paths a run scans: the configuration's `exclude` and `include` globs (relative to
//! the project root) and the command line's `--exclude` globs. Every source's paths go through
//! the same filter, so that `scan`, the hooks and `history` leave out the same files.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, Result};

/// Decides which walked paths are scanned: `--exclude` globs (relative to the first scanned
/// path, as before) and the file's `exclude` and `include` globs (relative to the project root).
#[derive(Clone, Debug)]
pub struct PathFilter {
    flags: ignore::gitignore::Gitignore,
    exclude: ignore::gitignore::Gitignore,
    include: Option<ignore::gitignore::Gitignore>,
    root: PathBuf,
    cwd: PathBuf,
}

impl PathFilter {
    /// Builds the filter for a walk from `first_root` with extra `--exclude` globs, and the
    /// configuration's `exclude` and `include` globs relative to the project root `root`.
    pub fn new(
        (root, exclude, include): (&Path, &[String], &[String]),
        flag_excludes: &[String],
        first_root: &Path,
    ) -> Result<Self> {
        use ignore::gitignore::GitignoreBuilder;
        let mut flags = GitignoreBuilder::new(first_root);
        for g in flag_excludes {
            flags
                .add_line(None, g)
                .map_err(|e| anyhow!("bad --exclude glob {g:?}: {e}"))?;
        }
        let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        let build = |globs: &[String]| -> Result<ignore::gitignore::Gitignore> {
            let mut b = GitignoreBuilder::new(&root);
            for g in globs {
                b.add_line(None, g)?;
            }
            Ok(b.build()?)
        };
        Ok(PathFilter {
            flags: flags.build()?,
            exclude: build(exclude)?,
            include: if include.is_empty() {
                None
            } else {
                Some(build(include)?)
            },
            cwd: std::env::current_dir()
                .and_then(std::fs::canonicalize)
                .unwrap_or_default(),
            root,
        })
    }

    /// Whether the walk keeps `path` (a directory it rejects is not entered).
    #[must_use]
    pub fn keep(&self, path: &Path, is_dir: bool) -> bool {
        if !self.flags.is_empty()
            && self
                .flags
                .matched_path_or_any_parents(path, is_dir)
                .is_ignore()
        {
            return false;
        }
        if self.exclude.is_empty() && self.include.is_none() {
            return true;
        }
        let abs = self.cwd.join(path);
        let rel = match abs.strip_prefix(&self.root) {
            Ok(r) => r.to_path_buf(),
            Err(_) => match std::fs::canonicalize(&abs)
                .ok()
                .and_then(|c| c.strip_prefix(&self.root).ok().map(Path::to_path_buf))
            {
                Some(r) => r,
                // Outside the project root: the file's globs do not speak about it.
                None => return true,
            },
        };
        if rel.as_os_str().is_empty() {
            return true;
        }
        if self
            .exclude
            .matched_path_or_any_parents(&rel, is_dir)
            .is_ignore()
        {
            return false;
        }
        match &self.include {
            Some(inc) if !is_dir => inc.matched_path_or_any_parents(&rel, false).is_ignore(),
            _ => true,
        }
    }
}
