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
//! Two ways to the same answer. The fast path does what git does: it reads the index file
//! itself ([`super::index`]) and skips every directory whose cache-tree id equals HEAD's, so a
//! small change in a large repository reads a handful of tree objects; blobs and line diffs
//! still come from libgit2. A sparse index's directory entries are compared with HEAD's tree
//! the same way (libgit2 cannot read a sparse index at all). A new file is a rename of a deleted one when they share the same
//! blob, or when at least half of its lines are unchanged from it; then only its changed lines
//! count as added. Whatever the fast path does not handle (an index it declines, very many
//! possible rename pairs) goes to libgit2's full tree-to-index diff. Tests check that both
//! agree.
//!
//! Reading only: this never writes the index, the working tree or a ref.

use std::collections::{BTreeMap, HashMap};
use std::ops::{Range, RangeInclusive};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use git2::{ErrorCode, Oid, Patch, Repository, Tree};

use super::git::{added_files, diff_options, Added, Changes, ChunkReader, SameRules, ALL_LINES};
use super::index::{self, IndexFile};
use super::{Chunk, Provenance};

/// Git's mode bits for a directory (tree) entry.
const MODE_TREE: i32 = 0o040_000;

/// The files the staged change adds lines to, each with its staged content and added lines.
/// A file renamed to a path with other rules (see [`SameRules`]) is wholly new.
pub fn read(max_file_size: u64, same_rules: SameRules<'_>) -> Result<Changes> {
    let mut chunks = Vec::new();
    let mut changes = read_each(max_file_size, same_rules, &mut |_, chunk| {
        chunks.push(chunk);
    })?;
    changes.chunks = chunks;
    Ok(changes)
}

/// Like [`read`], but hands over each chunk (with the work tree its path is relative to) as
/// soon as it is read, so that a caller can scan one file while the next is read. The
/// returned [`Changes`] holds what was left out, not the chunks.
pub fn read_each(
    max_file_size: u64,
    same_rules: SameRules<'_>,
    each: &mut dyn FnMut(Option<&Path>, Chunk<'static>),
) -> Result<Changes> {
    // Objects are trusted as git trusts them when reading (fsck is what verifies); hashing every
    // object read again would double the hook's cost.
    git2::opts::strict_hash_verification(false);
    let repo = Repository::open_from_env().context("not inside a git repository")?;
    let head_tree = head_tree(&repo)?;
    let mut reader = ChunkReader::new(&repo, max_file_size)?;
    let mut sink = |file: Added| -> Result<()> {
        if let Some(chunk) = reader.read(file, Provenance::Staged)? {
            each(reader.workdir(), chunk);
        }
        Ok(())
    };
    if !fast(&repo, head_tree.as_ref(), same_rules, &mut sink)? {
        for file in slow(&repo, head_tree.as_ref(), same_rules)? {
            sink(file)?;
        }
    }
    Ok(reader.finish())
}

fn head_tree(repo: &Repository) -> Result<Option<Tree<'_>>> {
    match repo.head() {
        Ok(head) => Ok(Some(
            head.peel_to_tree().context("failed to read HEAD's tree")?,
        )),
        Err(e) if matches!(e.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => Ok(None),
        Err(e) => Err(e).context("failed to resolve HEAD"),
    }
}

/// libgit2's full diff of HEAD's tree against the index, with rename detection.
fn slow(
    repo: &Repository,
    head: Option<&Tree<'_>>,
    same_rules: SameRules<'_>,
) -> Result<Vec<Added>> {
    let index = repo.index().context("failed to read the git index")?;
    let mut opts = diff_options();
    let mut diff = repo
        .diff_tree_to_index(head, Some(&index), Some(&mut opts))
        .context("failed to diff the index against HEAD")?;
    added_files(&mut diff, same_rules)
}

/// Above this many (new file, deleted file) pairs, rename detection is left to libgit2.
const MAX_RENAME_PAIRS: usize = 256;

/// The deleted blob a new file was renamed from, if any: the one it shares the most lines with,
/// when at least half of the new file's lines are unchanged from it (git's default rename
/// threshold is a 50% similarity).
fn renamed_from(repo: &Repository, new: Oid, gone: &HashMap<Oid, Vec<u8>>) -> Result<Option<Oid>> {
    let new_blob = repo.find_blob(new)?;
    let content = new_blob.content();
    let total = memchr::memchr_iter(b'\n', content).count()
        + usize::from(!content.is_empty() && !content.ends_with(b"\n"));
    let mut best: Option<(usize, Oid)> = None;
    for &old in gone.keys() {
        let old_blob = repo.find_blob(old)?;
        let patch = line_diff(old_blob.content(), content)?;
        let (_, added, _) = patch.line_stats()?;
        if added * 2 <= total && best.is_none_or(|(a, _)| added < a) {
            best = Some((added, old));
        }
    }
    Ok(best.map(|(_, oid)| oid))
}

/// The line diff of two contents. From buffers rather than blobs: for blobs libgit2 looks up
/// the path's diff driver, which loads the whole index to read `.gitattributes` from it, and
/// a diff forced to text needs no driver.
fn line_diff<'a>(old: &'a [u8], new: &'a [u8]) -> Result<Patch<'a>> {
    Ok(Patch::from_buffers(
        old,
        None,
        new,
        None,
        Some(&mut diff_options()),
    )?)
}

/// The lines of `new` that are not in `old`, as line ranges. Lines the two share at the start
/// and at the end are set aside first (as git's xdiff does): a typical edit leaves most of a
/// file alone, and this spares hashing and diffing the whole of both.
fn added_lines(old: &[u8], new: &[u8]) -> Result<Vec<RangeInclusive<u32>>> {
    let limit = old.len().min(new.len());
    let mut prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    // Back off to a line start common to both.
    while prefix > 0 && new[prefix - 1] != b'\n' {
        prefix -= 1;
    }
    let room = limit - prefix;
    let mut suffix = old
        .iter()
        .rev()
        .zip(new.iter().rev())
        .take(room)
        .take_while(|(a, b)| a == b)
        .count();
    // The suffix must start a line in both (the end of the prefix is a line start).
    let starts_line = |buf: &[u8], at: usize| at == prefix || buf[at - 1] == b'\n';
    while suffix > 0
        && !(starts_line(new, new.len() - suffix) && starts_line(old, old.len() - suffix))
    {
        suffix -= 1;
    }
    let before = memchr::memchr_iter(b'\n', &new[..prefix]).count() as u32;
    let old_mid = &old[prefix..old.len() - suffix];
    let new_mid = &new[prefix..new.len() - suffix];
    if new_mid.is_empty() {
        return Ok(Vec::new());
    }
    if old_mid.is_empty() {
        let n = memchr::memchr_iter(b'\n', new_mid).count() as u32
            + u32::from(!new_mid.ends_with(b"\n"));
        return Ok(vec![before + 1..=before + n]);
    }
    let patch = line_diff(old_mid, new_mid)?;
    let mut lines = Vec::with_capacity(patch.num_hunks());
    for h in 0..patch.num_hunks() {
        let (hunk, _) = patch.hunk(h)?;
        if hunk.new_lines() > 0 {
            let start = before + hunk.new_start();
            lines.push(start..=start + hunk.new_lines() - 1);
        }
    }
    Ok(lines)
}

/// A staged file that differs from HEAD.
struct Change {
    path: Vec<u8>,
    /// The blob it replaces: at this path in HEAD, or the file it was renamed from.
    old: Option<Oid>,
    new: Oid,
}

/// The cache-tree diff: hands each file the change adds lines to to `sink`, and returns
/// `false` (before handing over anything) when the slow path must decide instead.
fn fast(
    repo: &Repository,
    head: Option<&Tree<'_>>,
    same_rules: SameRules<'_>,
    sink: &mut dyn FnMut(Added) -> Result<()>,
) -> Result<bool> {
    let path =
        std::env::var_os("GIT_INDEX_FILE").map_or_else(|| repo.path().join("index"), PathBuf::from);
    let data = match std::fs::read(&path) {
        Ok(data) => data,
        // No index yet: nothing is staged.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(true),
        Err(e) => {
            return Err(e).with_context(|| format!("failed to read the index {}", path.display()))
        }
    };
    let Some(index) = index::parse(&data) else {
        return Ok(false);
    };
    let mut walk = Walk {
        repo,
        index: &index,
        changes: Vec::new(),
        deleted: Vec::new(),
    };
    walk.dir(b"", head.map(Tree::id), 0..index.entries.len())?;
    let Walk {
        changes, deleted, ..
    } = walk;
    // A pure rename adds nothing, unless the new path has other rules; a rename with edits
    // needs similarity detection.
    let mut gone: HashMap<Oid, Vec<u8>> = deleted.into_iter().collect();
    let lossy = |p: &[u8]| String::from_utf8_lossy(p).into_owned();
    let mut fresh = Vec::new();
    for c in changes {
        if c.old.is_none() {
            if let Some(old_path) = gone.remove(&c.new) {
                if same_rules(&lossy(&old_path), &lossy(&c.path)) {
                    continue;
                }
            }
        }
        fresh.push(c);
    }
    if !gone.is_empty() {
        let new_files = fresh.iter().filter(|c| c.old.is_none()).count();
        if new_files * gone.len() > MAX_RENAME_PAIRS {
            return Ok(false);
        }
        for c in fresh.iter_mut().filter(|c| c.old.is_none()) {
            c.old = renamed_from(repo, c.new, &gone)?
                .filter(|old| same_rules(&lossy(&gone[old]), &lossy(&c.path)));
        }
    }
    for c in fresh {
        let path = String::from_utf8_lossy(&c.path).into_owned();
        let (lines, content) = match c.old {
            None => (vec![ALL_LINES], None),
            Some(old) => {
                let old = repo.find_blob(old)?;
                let new = repo.find_blob(c.new)?;
                let lines = added_lines(old.content(), new.content())
                    .with_context(|| format!("failed to diff {path}"))?;
                (lines, Some(new.content().to_vec()))
            }
        };
        if !lines.is_empty() {
            sink(Added {
                path,
                blob: c.new,
                lines,
                content,
            })?;
        }
    }
    Ok(true)
}

struct Walk<'a> {
    repo: &'a Repository,
    index: &'a IndexFile<'a>,
    changes: Vec<Change>,
    /// Blobs in HEAD whose path is gone from the index, with that path (for rename
    /// detection).
    deleted: Vec<(Oid, Vec<u8>)>,
}

impl Walk<'_> {
    /// Compares directory `dir` of the index (entries `range`, consecutive since the index is
    /// sorted by path) with HEAD's tree `head` there.
    fn dir(&mut self, dir: &[u8], head: Option<Oid>, range: Range<usize>) -> Result<()> {
        let index = self.index;
        if let (Some(h), Some(cached)) = (head, index.tree_id(dir)) {
            if h == cached {
                return Ok(());
            }
        }
        // A sparse index records a directory outside the sparse checkout as one entry.
        if let [entry] = &index.entries[range.clone()] {
            if entry.mode & 0o170_000 == 0o040_000 {
                return self.sparse(dir, head, entry.oid);
            }
        }
        let mut head_entries: BTreeMap<Vec<u8>, (Oid, i32)> = BTreeMap::new();
        if let Some(h) = head {
            let tree = self
                .repo
                .find_tree(h)
                .context("failed to read a tree of HEAD")?;
            for e in &tree {
                head_entries.insert(e.name_bytes().to_vec(), (e.id(), e.filemode()));
            }
        }
        let skip = if dir.is_empty() { 0 } else { dir.len() + 1 };
        let mut files: BTreeMap<&[u8], usize> = BTreeMap::new();
        let mut dirs: BTreeMap<&[u8], Range<usize>> = BTreeMap::new();
        let mut i = range.start;
        while i < range.end {
            let path: &[u8] = &index.entries[i].path;
            let rest = &path[skip..];
            if let Some(slash) = memchr::memchr(b'/', rest) {
                // The entries below `dir/name/` follow one another: find where they end by
                // bisection, so an unchanged subdirectory costs a few comparisons.
                let prefix = &path[..=skip + slash];
                let end = i
                    + 1
                    + index.entries[i + 1..range.end]
                        .partition_point(|e| e.path.starts_with(prefix));
                dirs.insert(&rest[..slash], i..end);
                i = end;
            } else {
                files.insert(rest, i);
                i += 1;
            }
        }
        for (name, &i) in &files {
            let entry = &self.index.entries[i];
            // Only regular files hold content to scan (not symlinks, not submodules).
            if entry.mode & 0o170_000 != 0o100_000 {
                continue;
            }
            let old = match head_entries.get(*name) {
                Some(&(oid, mode)) if mode & 0o170_000 == 0o100_000 => {
                    if oid == entry.oid {
                        continue;
                    }
                    Some(oid)
                }
                _ => None,
            };
            self.changes.push(Change {
                path: entry.path.to_vec(),
                old,
                new: entry.oid,
            });
        }
        for (name, sub) in &dirs {
            let head_sub = head_entries
                .get(*name)
                .filter(|(_, mode)| *mode == MODE_TREE)
                .map(|(oid, _)| *oid);
            let path = if dir.is_empty() {
                name.to_vec()
            } else {
                [dir, b"/", name].concat()
            };
            self.dir(&path, head_sub, sub.clone())?;
        }
        for (name, &(oid, mode)) in &head_entries {
            let kept = if mode == MODE_TREE {
                dirs.contains_key(name.as_slice())
            } else {
                files.contains_key(name.as_slice())
            };
            if kept {
                continue;
            }
            let path = if dir.is_empty() {
                name.clone()
            } else {
                [dir, b"/", name].concat()
            };
            if mode == MODE_TREE {
                self.gone_tree(oid, &path)?;
            } else if mode & 0o170_000 == 0o100_000 {
                self.deleted.push((oid, path));
            }
        }
        Ok(())
    }

    /// Compares a sparse directory entry (the staged tree `staged` of `dir`) with HEAD's tree
    /// there: usually the same id; otherwise tree against tree, down to the files that differ.
    fn sparse(&mut self, dir: &[u8], head: Option<Oid>, staged: Oid) -> Result<()> {
        if head == Some(staged) {
            return Ok(());
        }
        let mut head_entries: BTreeMap<Vec<u8>, (Oid, i32)> = BTreeMap::new();
        if let Some(h) = head {
            for e in &self
                .repo
                .find_tree(h)
                .context("failed to read a tree of HEAD")?
            {
                head_entries.insert(e.name_bytes().to_vec(), (e.id(), e.filemode()));
            }
        }
        let tree = self
            .repo
            .find_tree(staged)
            .context("failed to read a sparse directory's tree")?;
        for e in &tree {
            let name = e.name_bytes();
            let path = [dir, b"/", name].concat();
            let before = head_entries.remove(name);
            if e.filemode() == MODE_TREE {
                let sub = before.filter(|(_, m)| *m == MODE_TREE).map(|(oid, _)| oid);
                self.sparse(&path, sub, e.id())?;
                if let Some((oid, mode)) = before.filter(|(_, m)| *m != MODE_TREE) {
                    if mode & 0o170_000 == 0o100_000 {
                        self.deleted.push((oid, [dir, b"/", name].concat()));
                    }
                }
            } else if e.filemode() & 0o170_000 == 0o100_000 {
                let old = before
                    .filter(|(_, m)| m & 0o170_000 == 0o100_000)
                    .map(|(oid, _)| oid);
                if old != Some(e.id()) {
                    self.changes.push(Change {
                        path,
                        old,
                        new: e.id(),
                    });
                }
            }
        }
        for (name, (oid, mode)) in head_entries {
            let path = [dir, b"/", &name].concat();
            if mode == MODE_TREE {
                self.gone_tree(oid, &path)?;
            } else if mode & 0o170_000 == 0o100_000 {
                self.deleted.push((oid, path));
            }
        }
        Ok(())
    }

    /// Records every blob of a directory that is gone from the index.
    fn gone_tree(&mut self, oid: Oid, dir: &[u8]) -> Result<()> {
        let tree = self.repo.find_tree(oid)?;
        for e in &tree {
            let path = [dir, b"/", e.name_bytes()].concat();
            if e.filemode() == MODE_TREE {
                self.gone_tree(e.id(), &path)?;
            } else if e.filemode() & 0o170_000 == 0o100_000 {
                self.deleted.push((e.id(), path));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    //! The fast path must agree with libgit2's full diff. Repositories are built with the git
    //! CLI, which writes the cache tree the fast path relies on.
    use super::*;
    use std::path::Path;

    use super::super::test_git as git;

    fn write(dir: &Path, path: &str, text: &str) {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    /// (path, lines) from both paths, which must agree; `None` when the fast path declined.
    /// (path, added lines as text) for each file.
    type Files = Vec<(String, String)>;

    fn both(dir: &Path) -> (Option<Files>, Files) {
        let repo = Repository::open(dir).unwrap();
        let head = head_tree(&repo).unwrap();
        let show = |v: Vec<Added>| {
            let mut v: Vec<_> = v
                .into_iter()
                .map(|a| (a.path, format!("{:?}", a.lines)))
                .collect();
            v.sort();
            v
        };
        // The fast path reads GIT_INDEX_FILE only when set, which these tests never do.
        let mut added = Vec::new();
        let fast = fast(&repo, head.as_ref(), &|_, _| true, &mut |a| {
            added.push(a);
            Ok(())
        })
        .unwrap()
        .then(|| show(added));
        let slow = show(slow(&repo, head.as_ref(), &|_, _| true).unwrap());
        (fast, slow)
    }

    fn agree(dir: &Path) -> Vec<(String, String)> {
        let (fast, slow) = both(dir);
        let fast = fast.expect("the fast path declined");
        // Whole new files: the fast path says "every line", libgit2 names them.
        let norm =
            |v: Vec<(String, String)>| -> Vec<String> { v.into_iter().map(|(p, _)| p).collect() };
        assert_eq!(norm(fast.clone()), norm(slow.clone()), "paths differ");
        for ((path, f), (_, s)) in fast.iter().zip(&slow) {
            if f != &format!("{:?}", vec![1..=u32::MAX]) {
                assert_eq!(f, s, "lines of {path} differ");
            }
        }
        fast
    }

    #[test]
    fn fast_path_agrees_with_libgit2() {
        let tmp = tempfile::TempDir::new().unwrap();
        let dir = tmp.path();
        git(dir, &["init", "-q"]);
        git(dir, &["config", "user.name", "t"]);
        git(dir, &["config", "user.email", "t@example.com"]);
        // Unborn branch: everything staged is new.
        write(dir, "a.py", "1\n2\n3\n");
        write(dir, "pkg/b.py", "b\n");
        write(dir, "pkg/sub/c.py", "c\n");
        write(dir, "a.b", "dot\n");
        write(dir, "other/d.py", "d\n");
        git(dir, &["add", "-A"]);
        let first = agree(dir);
        assert_eq!(first.len(), 5, "{first:?}");
        git(dir, &["commit", "-q", "-m", "one"]);
        assert!(agree(dir).is_empty());
        // Modified lines, a new nested file, a pure rename, a deletion, a mode change.
        write(dir, "a.py", "1\nnew\n3\n4\n");
        write(dir, "pkg/sub/deeper/e.py", "e\n");
        git(dir, &["mv", "other/d.py", "other/renamed.py"]);
        git(dir, &["rm", "-q", "a.b"]);
        git(dir, &["update-index", "--chmod=+x", "pkg/b.py"]);
        git(dir, &["add", "-A"]);
        let got = agree(dir);
        let paths: Vec<&str> = got.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(paths, ["a.py", "pkg/sub/deeper/e.py"], "{got:?}");
        assert_eq!(got[0].1, "[2..=2, 4..=4]");
        git(dir, &["commit", "-q", "-m", "two"]);
        // A whole directory moved unchanged adds nothing.
        git(dir, &["mv", "pkg", "moved"]);
        assert!(agree(dir).is_empty());
        git(dir, &["commit", "-q", "-m", "three"]);
        // A file replaced by a directory of the same name, and the reverse.
        git(dir, &["rm", "-q", "a.py"]);
        write(dir, "a.py/inner.py", "inner\n");
        git(dir, &["add", "-A"]);
        assert_eq!(agree(dir).len(), 1);
        git(dir, &["commit", "-q", "-m", "four"]);
        // Names that sort around a directory's `name/` prefix ('-' and '.' before '/', '0'
        // after it): the walk must keep each directory's entries apart from its neighbours'.
        for p in [
            "n-x/a.py",
            "n.d/b.py",
            "n/c.py",
            "n/sub/d.py",
            "n0/e.py",
            "n.py",
        ] {
            write(dir, p, "old\n");
        }
        git(dir, &["add", "-A"]);
        git(dir, &["commit", "-q", "-m", "five"]);
        for p in ["n-x/a.py", "n/sub/d.py", "n0/e.py", "n.py"] {
            write(dir, p, "old\nnew\n");
        }
        git(dir, &["add", "-A"]);
        let got = agree(dir);
        let paths: Vec<&str> = got.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            paths,
            ["n-x/a.py", "n.py", "n/sub/d.py", "n0/e.py"],
            "{got:?}"
        );
        assert!(got.iter().all(|(_, lines)| lines == "[2..=2]"), "{got:?}");
    }

    /// What libgit2 says about the whole contents.
    fn full(old: &str, new: &str) -> Vec<RangeInclusive<u32>> {
        let patch = line_diff(old.as_bytes(), new.as_bytes()).unwrap();
        (0..patch.num_hunks())
            .map(|h| patch.hunk(h).unwrap().0)
            .filter(|h| h.new_lines() > 0)
            .map(|h| h.new_start()..=h.new_start() + h.new_lines() - 1)
            .collect()
    }

    #[test]
    fn trimmed_line_diff_matches_the_full_one() {
        let cases = [
            ("a\nb\nc\n", "a\nb\nc\nd\ne\n"),
            ("a\nb\nc\n", "x\na\nb\nc\n"),
            ("a\nb\nc\n", "a\nX\nc\n"),
            ("a\nb\nc\n", "a\nb\nc"),
            ("a\nb\nc", "a\nb\ncd\n"),
            ("a\nb\n", "a\nb\nb\n"),
            ("same\nsame\n", "same\nnew\nsame\n"),
            ("", "new\n"),
            ("old\n", ""),
            ("ab\n", "abc\n"),
            ("x\ny\nz\n", "x\ny1\ny2\nz\n"),
            ("1\n2\n3\n4\n", "1\n3\n4\n5\n"),
        ];
        for (old, new) in cases {
            assert_eq!(
                added_lines(old.as_bytes(), new.as_bytes()).unwrap(),
                full(old, new),
                "{old:?} -> {new:?}"
            );
        }
    }

    #[test]
    fn rename_with_edits_counts_only_the_edits() {
        let tmp = tempfile::TempDir::new().unwrap();
        let dir = tmp.path();
        git(dir, &["init", "-q"]);
        git(dir, &["config", "user.name", "t"]);
        git(dir, &["config", "user.email", "t@example.com"]);
        let body: String = (0..40)
            .map(|i| format!("line {i}\n"))
            .collect::<Vec<_>>()
            .concat();
        write(dir, "old.py", &body);
        write(dir, "gone.py", "unrelated\n");
        git(dir, &["add", "-A"]);
        git(dir, &["commit", "-q", "-m", "one"]);
        git(dir, &["mv", "old.py", "new.py"]);
        git(dir, &["rm", "-q", "gone.py"]);
        write(dir, "new.py", &format!("{body}added\n"));
        write(dir, "fresh.py", "brand new\n");
        git(dir, &["add", "-A"]);
        let got = agree(dir);
        assert_eq!(
            got,
            vec![
                ("fresh.py".to_string(), format!("{:?}", vec![1..=u32::MAX])),
                ("new.py".to_string(), "[41..=41]".to_string()),
            ]
        );
    }
}
