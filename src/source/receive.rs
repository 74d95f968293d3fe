//! The server-side source: what a push adds to the repository it lands in, for the
//! `pre-receive` and `update` hooks, read with libgit2.
//!
//! git runs these hooks in the receiving repository (usually bare) before it updates any ref,
//! with the pushed objects in a quarantine directory that `GIT_OBJECT_DIRECTORY` and
//! `GIT_ALTERNATE_OBJECT_DIRECTORIES` point at (libgit2 honours both when opened from the
//! environment). `pre-receive` reads one line per ref update on standard input,
//! `<old oid> <new oid> <ref name>`; `update` gets the same three values as arguments, once
//! per ref. The commits to scan are those reachable from the new oids and from no ref the
//! repository already has: a new branch is compared with everything the server holds, so only
//! commits it has never seen are scanned, and a force push scans only what it adds. A deletion
//! sends nothing. A tag (or branch) that points straight at a blob or a tree sends that content
//! without a commit: it is scanned whole. Each commit's message is scanned too, as the
//! `commit-msg` hook would have (a client may have skipped it).
//!
//! Reading only: this never writes to the repository.

use std::collections::HashSet;
use std::sync::Arc;

use anyhow::{bail, Context as _, Result};
use git2::{ObjectType, Oid, Repository, Sort, TreeWalkMode, TreeWalkResult};

use super::git::Changes;
use super::push::{commit_info, read_commits};
use super::{Chunk, Provenance};

/// One ref update a push asks the server to make.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefUpdate {
    /// What the ref points at now; `None` when the push creates it.
    pub old: Option<Oid>,
    /// What the push sets it to; `None` for a deletion.
    pub new: Option<Oid>,
    /// The ref (`refs/heads/main`, `refs/tags/v1`).
    pub name: String,
}

/// Parses the `pre-receive` hook's standard input. Blank lines are ignored.
pub fn parse_updates(text: &str) -> Result<Vec<RefUpdate>> {
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [old, new, name] = fields[..] else {
            bail!("unexpected pre-receive input line {line:?} (expected: old-oid new-oid ref)");
        };
        out.push(update(name, old, new)?);
    }
    Ok(out)
}

/// One update from the `update` hook's three arguments.
pub fn update(name: &str, old: &str, new: &str) -> Result<RefUpdate> {
    Ok(RefUpdate {
        old: oid_or_none(old)?,
        new: oid_or_none(new)?,
        name: name.to_string(),
    })
}

fn oid_or_none(text: &str) -> Result<Option<Oid>> {
    let oid = Oid::from_str(text)
        .with_context(|| format!("bad object id {text:?} in the ref updates"))?;
    Ok((!oid.is_zero()).then_some(oid))
}

/// What the updates add that the repository did not hold: the lines of every new commit,
/// the content of blobs and trees pushed without a commit, and the new commits' messages.
pub fn read(updates: &[RefUpdate], max_file_size: u64) -> Result<Changes> {
    let repo = Repository::open_from_env().context("not inside a git repository")?;
    let mut walk = repo.revwalk().context("failed to start a revision walk")?;
    // Oldest first, so a blob is attributed to the commit that introduced it.
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
    let mut loose: Vec<(String, Oid)> = Vec::new();
    let mut pushed_any = false;
    for u in updates {
        let Some(new) = u.new else { continue };
        let object = repo
            .find_object(new, None)
            .with_context(|| format!("pushed object {new} for {} not found", u.name))?;
        if let Ok(commit) = object.peel_to_commit() {
            walk.push(commit.id())?;
            pushed_any = true;
        } else {
            // A ref straight at a blob or a tree (possibly through a tag object).
            let peeled = object.peel(ObjectType::Any).unwrap_or(object);
            loose.push((u.name.clone(), peeled.id()));
        }
    }
    // Everything any existing ref reaches is already on the server: the refs are not updated
    // until this hook accepts the push.
    if pushed_any {
        for r in repo
            .references()
            .context("failed to list the refs")?
            .flatten()
        {
            if let Ok(commit) = r.peel_to_commit() {
                walk.hide(commit.id())?;
            }
        }
    }
    let commits = if pushed_any {
        walk.collect::<Result<Vec<Oid>, _>>()
            .context("failed to walk the pushed commits")?
    } else {
        Vec::new()
    };
    let mut changes = read_commits(&repo, &commits, max_file_size)?;
    for &id in &commits {
        let commit = repo.find_commit(id)?;
        let info = Arc::new(commit_info(&commit));
        changes.chunks.push(Chunk::new(
            format!("commit {} message", &info.id[..12.min(info.id.len())]),
            commit.message_bytes().to_vec(),
            Provenance::Commit(info),
        ));
    }
    let mut seen = HashSet::new();
    for (name, id) in loose {
        read_loose(&repo, &name, id, max_file_size, &mut seen, &mut changes)?;
    }
    Ok(changes)
}

/// Adds a blob, or every blob of a tree, pushed without a commit, as whole-file chunks.
fn read_loose(
    repo: &Repository,
    refname: &str,
    id: Oid,
    max_file_size: u64,
    seen: &mut HashSet<Oid>,
    changes: &mut Changes,
) -> Result<()> {
    let mut add = |path: String, blob: Oid, changes: &mut Changes| -> Result<()> {
        if !seen.insert(blob) {
            return Ok(());
        }
        let blob = repo
            .find_blob(blob)
            .with_context(|| format!("failed to read blob {blob} of {refname}"))?;
        let size = blob.size() as u64;
        if size > max_file_size {
            changes.too_large.push((path, size));
        } else {
            changes.chunks.push(Chunk::new(
                path,
                blob.content().to_vec(),
                Provenance::Staged,
            ));
        }
        Ok(())
    };
    match repo.find_object(id, None)?.kind() {
        Some(ObjectType::Blob) => add(format!("{refname} (blob {id})"), id, changes)?,
        Some(ObjectType::Tree) => {
            let tree = repo.find_tree(id)?;
            let mut blobs = Vec::new();
            tree.walk(TreeWalkMode::PreOrder, |dir, entry| {
                if entry.kind() == Some(ObjectType::Blob) {
                    let name = String::from_utf8_lossy(entry.name_bytes());
                    blobs.push((format!("{refname}:{dir}{name}"), entry.id()));
                }
                TreeWalkResult::Ok
            })
            .with_context(|| format!("failed to walk tree {id} of {refname}"))?;
            for (path, blob) in blobs {
                add(path, blob, changes)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// The content of `path` in the tree of the commit `update` pushes, if there is one: how the
/// server reads a repository's own baseline file when its policy allows that.
pub fn file_at(update: &RefUpdate, path: &str) -> Result<Option<Vec<u8>>> {
    let Some(new) = update.new else {
        return Ok(None);
    };
    let repo = Repository::open_from_env().context("not inside a git repository")?;
    let Ok(commit) = repo.find_object(new, None).and_then(|o| o.peel_to_commit()) else {
        return Ok(None);
    };
    let tree = commit.tree()?;
    let Ok(entry) = tree.get_path(std::path::Path::new(path)) else {
        return Ok(None);
    };
    let Ok(blob) = repo.find_blob(entry.id()) else {
        return Ok(None);
    };
    Ok(Some(blob.content().to_vec()))
}

/// Where the server's own configuration is: the path in the git configuration's
/// `pyguard.config` (set it in the system git configuration to cover every repository of a
/// server), else `pyguard.yaml` in the repository's git directory, else none (defaults). A
/// push cannot write either, so pushed content cannot configure the server hook.
pub fn server_config_path() -> Result<Option<std::path::PathBuf>> {
    let repo = Repository::open_from_env().context("not inside a git repository")?;
    let config = repo
        .config()
        .and_then(|mut c| c.snapshot())
        .context("failed to read the git configuration")?;
    if let Ok(path) = config.get_path("pyguard.config") {
        return Ok(Some(path));
    }
    let own = repo.path().join("pyguard.yaml");
    Ok(own.is_file().then_some(own))
}

/// The repository's git directory (for a bare repository, the repository itself).
pub fn git_dir() -> Result<std::path::PathBuf> {
    let repo = Repository::open_from_env().context("not inside a git repository")?;
    Ok(repo.path().to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn updates_parse_and_zero_means_none() {
        let zero = "0".repeat(40);
        let a = "a".repeat(40);
        let text = format!("{zero} {a} refs/heads/main\n\n{a} {zero} refs/heads/old\n");
        let u = parse_updates(&text).unwrap();
        assert_eq!(u.len(), 2);
        assert_eq!(u[0].old, None);
        assert_eq!(u[0].new, Some(Oid::from_str(&a).unwrap()));
        assert_eq!(u[1].new, None);
        assert!(parse_updates("abc refs/heads/main").is_err());
        assert!(parse_updates(&format!("{zero} xyz refs/heads/main")).is_err());
    }
}
