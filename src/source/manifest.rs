//! Files picked by path from the whole of a project, read whole, for the passes that judge a
//! change against what the project declares (the dependency pass: `import Crypto` is fine when
//! a manifest declares pycryptodome). The commit gate reads them from the git index; pre-push
//! and the server hooks from the trees of the pushed tips. Both are read only when a warning
//! depends on them and the change itself does not touch them. Reading only.

use std::collections::HashSet;

use anyhow::{Context as _, Result};
use git2::{ObjectType, Oid, Repository, TreeWalkMode, TreeWalkResult};

/// Every index entry whose path `pick` accepts, with its staged content. The repository is
/// opened from the environment, as for the staged gate (`GIT_INDEX_FILE` is honoured).
pub fn in_index(pick: impl Fn(&str) -> bool) -> Result<Vec<(String, Vec<u8>)>> {
    let repo = Repository::open_from_env().context("not inside a git repository")?;
    let index = repo.index().context("failed to read the git index")?;
    let mut out = Vec::new();
    for entry in index.iter() {
        let path = String::from_utf8_lossy(&entry.path).into_owned();
        if !pick(&path) {
            continue;
        }
        let blob = repo
            .find_blob(entry.id)
            .with_context(|| format!("failed to read {path} from the index"))?;
        out.push((path, blob.content().to_vec()));
    }
    Ok(out)
}

/// Every dependency manifest (see [`crate::matcher::deps::manifest`]) in the trees of the
/// commits `tips`, with its content: what a push's tips hold, as `scan` would see their work
/// trees. The repository is opened
/// from the environment (a server hook's quarantined objects included). An object that is
/// not a commit (a tag of a tree, whose files are scanned whole anyway) is skipped, and so is
/// a file over `max_file_size`, as a scan skips it; a file several tips hold alike is read
/// once. Only the picked blobs are read: the walk reads trees, not the files in them.
pub fn at_commits(tips: &[Oid], max_file_size: u64) -> Result<Vec<(String, Vec<u8>)>> {
    let repo = Repository::open_from_env().context("not inside a git repository")?;
    let pick = |path: &str| crate::matcher::deps::manifest(path).is_some();
    in_trees(&repo, tips, pick, max_file_size)
}

fn in_trees(
    repo: &Repository,
    tips: &[Oid],
    pick: impl Fn(&str) -> bool,
    max_file_size: u64,
) -> Result<Vec<(String, Vec<u8>)>> {
    let odb = repo.odb().context("failed to open the object database")?;
    let mut picked: Vec<(String, Oid)> = Vec::new();
    let mut trees = HashSet::new();
    for &tip in tips {
        let Ok(commit) = repo.find_object(tip, None).and_then(|o| o.peel_to_commit()) else {
            continue;
        };
        let tree = commit
            .tree()
            .with_context(|| format!("failed to read the tree of {tip}"))?;
        if !trees.insert(tree.id()) {
            continue;
        }
        tree.walk(TreeWalkMode::PreOrder, |dir, entry| {
            // Regular files only: a symbolic link's blob is a path, a submodule's a commit.
            if entry.kind() == Some(ObjectType::Blob)
                && matches!(entry.filemode(), 0o100_644 | 0o100_755)
            {
                let path = format!("{dir}{}", String::from_utf8_lossy(entry.name_bytes()));
                if pick(&path) {
                    picked.push((path, entry.id()));
                }
            }
            TreeWalkResult::Ok
        })
        .with_context(|| format!("failed to walk the tree of {tip}"))?;
    }
    picked.sort_unstable();
    picked.dedup();
    let mut out = Vec::new();
    for (path, id) in picked {
        let (size, _) = odb
            .read_header(id)
            .with_context(|| format!("failed to read {path} ({id})"))?;
        if size as u64 > max_file_size {
            continue;
        }
        let blob = repo
            .find_blob(id)
            .with_context(|| format!("failed to read {path} ({id})"))?;
        out.push((path, blob.content().to_vec()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::test_git;

    #[test]
    fn at_commits_reads_only_picked_files_under_the_size_limit() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        test_git(root, &["init", "-q"]);
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(root.join("requirements.txt"), "pycryptodome\n").unwrap();
        std::fs::write(root.join("sub/pyproject.toml"), "x".repeat(100)).unwrap();
        std::fs::write(root.join("app.py"), "import os\n").unwrap();
        test_git(root, &["add", "-A"]);
        test_git(
            root,
            &[
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@t",
                "commit",
                "-qm",
                "a",
            ],
        );
        let repo = Repository::open(root).unwrap();
        let head = repo.head().unwrap().peel_to_commit().unwrap().id();
        let pick = |p: &str| p != "app.py";
        let read = |tips: &[Oid], max| in_trees(&repo, tips, pick, max).unwrap();
        let names = |v: Vec<(String, Vec<u8>)>| v.into_iter().map(|(p, _)| p).collect::<Vec<_>>();
        assert_eq!(
            names(read(&[head, head], 1000)),
            ["requirements.txt", "sub/pyproject.toml"]
        );
        assert_eq!(names(read(&[head], 50)), ["requirements.txt"]);
        // A blob is not a commit: nothing to read.
        let blob = repo
            .head()
            .unwrap()
            .peel_to_tree()
            .unwrap()
            .get_name("app.py")
            .unwrap()
            .id();
        assert!(read(&[blob], 1000).is_empty());
    }
}
