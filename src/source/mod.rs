//! Where content comes from: files on disk, standard input, the git index, commits.
//! Every source turns its content into [`Chunk`]s; this is the only layer that touches git.
//!
//! Sources know nothing of patterns or reports.

pub mod fs;
pub mod git;
pub mod history;
pub mod hooks;
pub mod index;
pub mod lines;
pub mod manifest;
pub mod message;
pub mod push;
pub mod receive;
pub mod staged;

use std::borrow::Cow;
use std::ops::RangeInclusive;
use std::sync::Arc;

/// Where a chunk came from, carried through to the finding it produces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Provenance {
    /// A file on disk.
    File,
    /// Standard input.
    Stdin,
    /// The staged content of a file (the git index).
    Staged,
    /// A commit message.
    CommitMessage,
    /// A blob introduced by a commit.
    Commit(Arc<CommitInfo>),
}

/// The commit a finding is attributed to.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CommitInfo {
    /// Full commit id.
    pub id: String,
    /// Author name and email (`Name <email>`).
    pub author: String,
    /// Author date, ISO 8601.
    pub date: String,
    /// First line of the commit message.
    pub summary: String,
}

/// A piece of content to scan, with where it came from.
#[derive(Clone, Debug)]
pub struct Chunk<'a> {
    /// The path shown in findings (relative, `/`-separated where possible).
    pub path: String,
    /// The content.
    pub bytes: Cow<'a, [u8]>,
    /// Where it came from.
    pub provenance: Provenance,
    /// The line number of the first byte (1 for whole files; later for extracts such as
    /// notebook cells).
    pub first_line: u32,
    /// When set, only findings touching one of these line ranges are kept (the lines a commit
    /// adds). Line numbers are those of the chunk, starting at `first_line`.
    pub added_lines: Option<Vec<RangeInclusive<u32>>>,
    /// Set when the chunk is a part taken out of a file (a notebook cell, a decoded value)
    /// rather than the file itself.
    pub extract: Option<Extract>,
}

/// Where an extracted chunk sits inside its file, and how it is matched and reported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Extract {
    /// Shown after the path in reports: `nb.ipynb[cell 3]:2:5`, `secret.yaml[data.token]:7:3`.
    pub label: String,
    /// The path pattern globs are matched against instead of the chunk's path: a notebook's
    /// code cell matches as `nb.ipynb.py`, so `*.py` patterns apply to it.
    pub glob_path: Option<String>,
    /// Report every finding at this (line, column) of the file, for decoded content whose own
    /// lines are not the file's (a Kubernetes Secret's base64 value).
    pub at: Option<(u32, u32)>,
    /// The file lines (first, last) the decoded content was read from: a commit that adds any
    /// of them adds the content (a base64 value folded over several lines).
    pub from_lines: Option<(u32, u32)>,
}

impl<'a> Chunk<'a> {
    /// A whole file's content.
    #[must_use]
    pub fn new(
        path: impl Into<String>,
        bytes: impl Into<Cow<'a, [u8]>>,
        provenance: Provenance,
    ) -> Self {
        Chunk {
            path: path.into(),
            bytes: bytes.into(),
            provenance,
            first_line: 1,
            added_lines: None,
            extract: None,
        }
    }

    /// Whether the chunk is a commit message: the one `commit-msg` reads, or a pushed
    /// commit's (which carries its commit, for attribution, under [`push::MESSAGE_PATH`]).
    #[must_use]
    pub fn is_commit_message(&self) -> bool {
        matches!(self.provenance, Provenance::CommitMessage) || self.path == push::MESSAGE_PATH
    }
}

/// Runs the git CLI in `dir` for unit tests, isolated from the user's configuration and from
/// any repository the test process itself runs in (a hook sets `GIT_DIR`).
#[cfg(test)]
pub(crate) fn test_git(dir: &std::path::Path, args: &[&str]) {
    let out = std::process::Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_WORK_TREE")
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {out:?}");
}
