//! The staged gate's source: what the next commit adds, read from the index with libgit2.
//!
//! The repository is opened from the environment, as git hands it to hooks, so that
//! `GIT_INDEX_FILE`, `GIT_DIR` and `GIT_WORK_TREE` are honoured: `git commit -a`,
//! `git commit -- path` and `git commit --amend` run hooks against a temporary index, and
//! reading `.git/index` instead would scan the wrong content. The index is diffed against
//! HEAD's tree (the empty tree on an unborn branch); during `--amend` HEAD is still the commit
//! being amended, so the gate sees what the amendment adds to it (the rest was gated when it was
//! first committed). During a merge it sees what the merge adds relative to HEAD.
//!
//! Reading only: this never writes the index, the working tree or a ref.

use anyhow::{Context as _, Result};
use git2::{ErrorCode, Repository};

use super::git::{added_files, diff_options, read_chunks, Changes};
use super::Provenance;

/// The files the staged change adds lines to, each with its staged content and added lines.
pub fn read(max_file_size: u64) -> Result<Changes> {
    let repo = Repository::open_from_env().context("not inside a git repository")?;
    let index = repo.index().context("failed to read the git index")?;
    let head_tree = match repo.head() {
        Ok(head) => Some(head.peel_to_tree().context("failed to read HEAD's tree")?),
        Err(e) if matches!(e.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => None,
        Err(e) => return Err(e).context("failed to resolve HEAD"),
    };
    let mut opts = diff_options();
    let mut diff = repo
        .diff_tree_to_index(head_tree.as_ref(), Some(&index), Some(&mut opts))
        .context("failed to diff the index against HEAD")?;
    let files = added_files(&mut diff)?;
    read_chunks(&repo, files, max_file_size, |_| Provenance::Staged)
}
