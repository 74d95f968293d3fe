//! A reader for git's index file, just enough for the commit gate's fast path: each entry's
//! path, mode and blob id, and the cache tree (the `TREE` extension, in which git records the
//! tree id of every directory whose staged content it already knows).
//!
//! libgit2 reads the whole index and walks HEAD's whole tree to diff them; git itself skips
//! every directory whose cache-tree id equals HEAD's, which on a large repository is the
//! difference between reading thousands of tree objects and reading a handful. This reader lets
//! the gate do what git does. It declines (returns `None`) anything it does not fully
//! understand: index versions other than 2 to 4, split indexes, unmerged entries, SHA-256
//! repositories. A sparse index's directory entries (mode `040000`, path ending in `/`) are
//! kept: their id is the directory's tree, which the gate compares with HEAD's. The caller then takes the libgit2 path. Format:
//! <https://git-scm.com/docs/index-format>.

use std::borrow::Cow;

use git2::Oid;

/// Length of a SHA-1 object id in the index.
const OID_LEN: usize = 20;

/// The fewest bytes an index entry takes: 62 bytes of fixed fields and a path's NUL.
const ENTRY_MIN: usize = 63;

/// One staged file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Entry<'a> {
    /// Path from the top of the repository, `/`-separated: borrowed from the index file,
    /// except in version 4, which compresses each path against the one before.
    pub path: Cow<'a, [u8]>,
    /// Git mode (`0o100644`, `0o100755`, `0o120000` symlink, `0o160000` gitlink, `0o040000`
    /// a sparse directory entry, whose `oid` is a tree).
    pub mode: u32,
    /// The staged blob.
    pub oid: Oid,
}

/// The parts of an index the gate needs.
#[derive(Debug, Default)]
pub(crate) struct IndexFile<'a> {
    /// Entries, in index order (sorted by path, so the entries below a directory are
    /// consecutive).
    pub entries: Vec<Entry<'a>>,
    /// The cache tree's directories, the root first (none without a `TREE` extension).
    trees: Vec<TreeNode<'a>>,
}

/// One directory of the cache tree.
#[derive(Debug)]
struct TreeNode<'a> {
    name: &'a [u8],
    /// The tree id git recorded; `None` when the record is invalidated.
    oid: Option<Oid>,
    /// Subdirectories, as indices into [`IndexFile::trees`].
    children: Vec<usize>,
}

impl IndexFile<'_> {
    /// The tree id git recorded for directory `dir` (`""` for the root, `a/b` below), if
    /// it has a valid one.
    pub(crate) fn tree_id(&self, dir: &[u8]) -> Option<Oid> {
        let mut node = self.trees.first()?;
        if !dir.is_empty() {
            for name in dir.split(|&b| b == b'/') {
                let child = node
                    .children
                    .iter()
                    .map(|&c| &self.trees[c])
                    .find(|c| c.name == name)?;
                node = child;
            }
        }
        node.oid
    }
}

/// Parses an index file; `None` when it uses something this reader does not handle.
pub(crate) fn parse(data: &[u8]) -> Option<IndexFile<'_>> {
    if data.len() < 12 + OID_LEN || &data[..4] != b"DIRC" {
        return None;
    }
    let version = be32(data, 4)?;
    if !(2..=4).contains(&version) {
        return None;
    }
    let count = be32(data, 8)? as usize;
    let end = data.len() - OID_LEN;
    // Every entry takes at least ENTRY_MIN bytes: a header claiming more entries than the
    // file can hold is corrupt (4 billion of them aborted on a 200 GB allocation), and the
    // allocation is bounded by the file's size.
    if count > (end - 12) / ENTRY_MIN {
        return None;
    }
    let mut pos = 12;
    let mut entries = Vec::with_capacity(count);
    let mut prev: Vec<u8> = Vec::new();
    for _ in 0..count {
        let start = pos;
        let mode = be32(data, start + 24)?;
        let oid = Oid::from_bytes(data.get(start + 40..start + 40 + OID_LEN)?).ok()?;
        let flags = u16::from_be_bytes(data.get(start + 60..start + 62)?.try_into().ok()?);
        // Unmerged entries (a conflicted merge): not ours to judge.
        if flags & 0x3000 != 0 {
            return None;
        }
        pos = start + 62;
        if flags & 0x4000 != 0 {
            if version < 3 {
                return None;
            }
            pos += 2;
        }
        let path = if version == 4 {
            let (strip, used) = varint(data.get(pos..end)?)?;
            pos += used;
            let nul = memchr::memchr(0, data.get(pos..end)?)?;
            let keep = prev.len().checked_sub(strip)?;
            prev.truncate(keep);
            prev.extend_from_slice(&data[pos..pos + nul]);
            pos += nul + 1;
            Cow::Owned(prev.clone())
        } else {
            let nul = memchr::memchr(0, data.get(pos..end)?)?;
            let path = &data[pos..pos + nul];
            // Entries are padded with 1 to 8 NULs to a multiple of 8 bytes.
            let len = pos + nul - start;
            pos = start + (len + 8) / 8 * 8;
            Cow::Borrowed(path)
        };
        if pos > end {
            return None;
        }
        // A sparse directory entry (sparse index): a whole directory outside the sparse
        // checkout, recorded as its tree, with a path ending in `/`.
        if mode & 0o170_000 == 0o040_000 && !path.ends_with(b"/") {
            return None;
        }
        entries.push(Entry { path, mode, oid });
    }
    let mut trees = Vec::new();
    while pos + 8 <= end {
        let sig = &data[pos..pos + 4];
        let size = be32(data, pos + 4)? as usize;
        let body = data.get(pos + 8..(pos + 8).checked_add(size)?)?;
        match sig {
            b"TREE" => cache_tree(body, &mut trees)?,
            // Split index (entries live in another file): decline. (`sdir` only says that
            // sparse directory entries may occur, which the entries themselves show.)
            b"link" => return None,
            _ => {}
        }
        pos += 8 + size;
    }
    Some(IndexFile { entries, trees })
}

/// Parses the `TREE` extension: nodes in pre-order, each `name NUL entries SP subtrees LF`
/// then, when `entries` is not -1, the directory's tree id.
fn cache_tree<'a>(mut body: &'a [u8], trees: &mut Vec<TreeNode<'a>>) -> Option<()> {
    // (node, children still to read)
    let mut stack: Vec<(usize, usize)> = Vec::new();
    while !body.is_empty() {
        let nul = memchr::memchr(0, body)?;
        let name = &body[..nul];
        body = &body[nul + 1..];
        let lf = memchr::memchr(b'\n', body)?;
        let header = std::str::from_utf8(&body[..lf]).ok()?;
        body = &body[lf + 1..];
        let (entries, subtrees) = header.split_once(' ')?;
        let entries: i64 = entries.parse().ok()?;
        let subtrees: usize = subtrees.parse().ok()?;
        while stack.last().is_some_and(|(_, left)| *left == 0) {
            stack.pop();
        }
        let node = trees.len();
        match stack.last_mut() {
            None if node == 0 => {}
            // A second root: not a tree this reader understands.
            None => return None,
            Some((parent, left)) => {
                *left -= 1;
                trees[*parent].children.push(node);
            }
        }
        let oid = if entries >= 0 {
            let oid = Oid::from_bytes(body.get(..OID_LEN)?).ok()?;
            body = &body[OID_LEN..];
            Some(oid)
        } else {
            None
        };
        trees.push(TreeNode {
            name,
            oid,
            children: Vec::new(),
        });
        stack.push((node, subtrees));
    }
    Some(())
}

fn be32(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

/// Git's offset varint (index v4 path compression): big-endian 7-bit groups, each
/// continuation adding one.
fn varint(data: &[u8]) -> Option<(usize, usize)> {
    let mut used = 0;
    let mut byte = *data.first()?;
    used += 1;
    let mut value = usize::from(byte & 0x7f);
    while byte & 0x80 != 0 {
        byte = *data.get(used)?;
        used += 1;
        value = value.checked_add(1)?.checked_shl(7)? | usize::from(byte & 0x7f);
    }
    Some((value, used))
}

#[cfg(test)]
mod tests {
    use super::{parse, varint};

    #[test]
    fn a_header_claiming_billions_of_entries_is_declined_without_allocating_them() {
        // An index header claiming 4 billion entries aborted the hook on a 200 GB allocation.
        let mut data = b"DIRC\0\0\0\x02\xff\xff\xff\xff".to_vec();
        data.extend([0u8; 200]);
        assert!(parse(&data).is_none());
    }

    use super::super::test_git as git;

    /// Indexes written by git itself, in every version this reader accepts.
    #[test]
    fn reads_what_git_writes() {
        for version in ["2", "3", "4"] {
            let tmp = tempfile::TempDir::new().unwrap();
            let dir = tmp.path();
            git(dir, &["init", "-q"]);
            git(dir, &["config", "user.name", "t"]);
            git(dir, &["config", "user.email", "t@example.com"]);
            let long = "d/".repeat(40) + "long-name-to-cross-padding.py";
            for p in ["a.py", "b/c.py", "b/d/e.py", long.as_str()] {
                let path = dir.join(p);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, p).unwrap();
            }
            git(dir, &["add", "-A"]);
            git(dir, &["add", "-N", "--", "."]);
            git(dir, &["commit", "-q", "-m", "x"]);
            git(dir, &["update-index", "--index-version", version]);
            let data = std::fs::read(dir.join(".git/index")).unwrap();
            let index = parse(&data).unwrap_or_else(|| panic!("v{version} declined"));
            let paths: Vec<_> = index
                .entries
                .iter()
                .map(|e| String::from_utf8_lossy(&e.path).into_owned())
                .collect();
            assert_eq!(
                paths,
                ["a.py", "b/c.py", "b/d/e.py", long.as_str()],
                "v{version}"
            );
            assert!(
                index.tree_id(b"").is_some(),
                "v{version}: no root cache tree"
            );
            assert!(
                index.tree_id(b"b/d").is_some(),
                "v{version}: {:?}",
                index.trees
            );
            assert_eq!(index.tree_id(b"b/x"), None);
            assert_eq!(index.tree_id(b"a.py"), None);
        }
    }

    #[test]
    fn varints_decode_like_git() {
        assert_eq!(varint(&[0x05]), Some((5, 1)));
        assert_eq!(varint(&[0x7f]), Some((127, 1)));
        // 128 is encoded as 0x80 0x00 in git's scheme.
        assert_eq!(varint(&[0x80, 0x00]), Some((128, 2)));
        assert_eq!(varint(&[0x80]), None);
    }
}
